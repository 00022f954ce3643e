//! Passwords of new staff accounts: the one the admin chose, or a generated one
//! e-mailed to its owner through the outbox (in Arabic and English, since the
//! account has no language preference yet).

use tawasul_core::identity::{Email, Name, Password};
use tawasul_storage::outbox::Message;

use crate::auth::passwords;
use crate::error::ApiResult;

pub struct StaffPassword {
    pub hash: String,
    /// Set when the password was generated and must be sent.
    pub generated: Option<String>,
}

pub async fn staff_password(initial: Option<&Password>) -> ApiResult<StaffPassword> {
    match initial {
        Some(p) => Ok(StaffPassword { hash: passwords::hash(p.expose().to_owned()).await?, generated: None }),
        None => {
            let p = passwords::generate();
            Ok(StaffPassword { hash: passwords::hash(p.clone()).await?, generated: Some(p) })
        }
    }
}

pub fn credentials_email(to: &Email, name_ar: &Name, name_en: &Name, password: &str, url: &str) -> Message {
    Message::Email {
        to: to.to_string(),
        subject: "بيانات الدخول إلى تواصل | Your Tawasul sign-in details".into(),
        body: format!(
            "مرحباً {name_ar}،\n\nأُنشئ لك حساب في منصة تواصل.\nاسم الدخول: {to}\nكلمة المرور المؤقتة: {password}\nرابط الدخول: {url}\n\nيُرجى تغيير كلمة المرور بعد أول دخول.\n\n---\n\nHello {name_en},\n\nAn account has been created for you on Tawasul.\nLogin: {to}\nTemporary password: {password}\nSign in at: {url}\n\nPlease change the password after your first sign-in.\n"
        ),
        html: None,
    }
}
