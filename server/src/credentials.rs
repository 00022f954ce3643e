//! Passwords of new staff accounts: the one the admin chose, or a generated one
//! e-mailed to its owner through the outbox (in Arabic and English, since the
//! account has no language preference yet).

use tawasul_core::Lang;
use tawasul_core::catalogue::{Arg, text};
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

/// The sign-in details of a new staff account, in both languages (from the
/// message catalogue): the account's language is not known yet.
pub fn credentials_email(to: &Email, name_ar: &Name, name_en: &Name, password: &str, url: &str) -> Message {
    let login = to.to_string();
    let body = |lang, name: &Name| {
        let name = name.to_string();
        let args = [
            ("name", Arg::Text(&name)),
            ("login", Arg::Text(&login)),
            ("password", Arg::Text(password)),
            ("url", Arg::Text(url)),
        ];
        text(lang, "credentials-text", &args)
    };
    Message::Email {
        to: login.clone(),
        subject: format!(
            "{} | {}",
            text(Lang::Ar, "credentials-subject", &[]),
            text(Lang::En, "credentials-subject", &[])
        ),
        body: format!("{}\n\n---\n\n{}\n", body(Lang::Ar, name_ar), body(Lang::En, name_en)),
        html: None,
        calendar: None,
    }
}
