//! A beneficiary registers from the pages, through the API's own `sign_up`:
//! the same checks (field by field, from core's types), the same limit, the
//! same audit entry; then they are signed in on one session.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::RegisterRequest;

use super::layout::Layout;
use super::session;
use super::{html, see_other};
use crate::error::ApiError;
use crate::routes::auth::sign_up;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "register.html")]
struct Register {
    page: Layout,
    form: RegisterForm,
    /// Each refused field and why, for the summary and beside the field.
    errors: Vec<(String, &'static str)>,
    names: Vec<Input>,
    identifiers: Vec<Input>,
}

/// One text input of the form.
struct Input {
    name: &'static str,
    label: &'static str,
    value: String,
    kind: &'static str,
    autocomplete: &'static str,
    dir: &'static str,
    error: Option<&'static str>,
}

impl Register {
    /// The message beside a field, if it was refused.
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct RegisterForm {
    #[serde(default)]
    name_ar: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    id_type: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    residence: String,
    #[serde(default)]
    language: String,
    /// Never shown again after a refusal.
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default)]
    csrf: String,
}

fn form_page(
    req: &HttpRequest,
    status: StatusCode,
    form: RegisterForm,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let (cookie, token) = session::new_csrf_cookie();
    let mut page = Layout::of(req, None).titled("ui-register-title");
    page.csrf = token;
    let form = RegisterForm { password: String::new(), ..form };
    let error = |field: &str| errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m);
    let input = |name, label, value: &str, kind, autocomplete, dir| Input {
        name,
        label,
        value: value.to_owned(),
        kind,
        autocomplete,
        dir,
        error: error(name),
    };
    let names = vec![
        input("name_ar", "ui-register-name-ar", &form.name_ar, "text", "name", "rtl"),
        input("name_en", "ui-register-name-en", &form.name_en, "text", "off", "ltr"),
    ];
    let identifiers = vec![
        input("id_number", "ui-register-id-number", &form.id_number, "text", "off", "ltr"),
        input("mobile", "ui-register-mobile", &form.mobile, "tel", "tel", "ltr"),
        input("email", "ui-register-email", &form.email, "email", "email", "ltr"),
    ];
    let mut res = html(status, &Register { page, form, errors, names, identifiers });
    let _ = res.add_cookie(&cookie);
    res
}

#[get("/register")]
pub async fn register_form(req: HttpRequest) -> HttpResponse {
    let lang = Layout::of(&req, None).lang;
    let form = RegisterForm {
        id_type: "national_id".into(),
        residence: "inside".into(),
        language: lang.as_str().into(),
        ..Default::default()
    };
    form_page(&req, StatusCode::OK, form, vec![])
}

#[post("/register")]
pub async fn submit(req: HttpRequest, state: web::Data<AppState>, form: web::Form<RegisterForm>) -> HttpResponse {
    let lang = Layout::of(&req, None).lang;
    let form = form.into_inner();
    if !session::anonymous_csrf_holds(&req, &form.csrf) {
        let e = ApiError::new(tawasul_core::ErrorCode::CsrfInvalid);
        return form_page(&req, StatusCode::FORBIDDEN, form, vec![("name_ar".into(), e.message(lang))]);
    }
    let request = RegisterRequest {
        name_ar: form.name_ar.clone(),
        name_en: form.name_en.clone(),
        id_type: form.id_type.clone(),
        id_number: form.id_number.clone(),
        password: form.password.clone(),
        mobile: form.mobile.clone(),
        email: form.email.clone(),
        residence: form.residence.clone(),
        language: Some(form.language.clone()).filter(|l| !l.is_empty()),
    };
    match sign_up(&state, &request).await {
        Ok((_, signed_up)) => {
            let mut res = see_other("/transactions");
            let _ = res.add_cookie(&session::session_cookie(&state, signed_up.user, signed_up.session));
            res
        }
        Err(e) => {
            let mut errors = e.field_messages(lang);
            if errors.is_empty() {
                // Not one field's fault (an account exists, a limit was reached).
                errors.push(("id_number".into(), e.message(lang)));
            }
            form_page(&req, e.status(), form, errors)
        }
    }
}
