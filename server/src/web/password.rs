//! A forgotten password, from the sign-in page: the login and a channel, then
//! the code sent and a new password. The same calls as the API's
//! (`routes::password_reset`), with the same limits and the same answer
//! whether or not the login names an account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::{ForgotPasswordRequest, ResetPasswordRequest};

use super::layout::Layout;
use super::session;
use super::{html, see_other};
use crate::error::ApiError;
use crate::routes::password_reset::{reset_password, send_reset_code};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct Password {
    page: Layout,
    form: PasswordForm,
    /// The second step: the code was asked for.
    sent: bool,
    errors: Vec<(String, &'static str)>,
}

impl Password {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct PasswordForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    csrf: String,
}

fn form_page(
    req: &HttpRequest,
    status: StatusCode,
    form: PasswordForm,
    sent: bool,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let (cookie, token) = session::new_csrf_cookie();
    let mut page = Layout::of(req, None).titled("ui-password-title");
    page.csrf = token;
    // Neither the code nor the password is written back into the page.
    let form = PasswordForm { code: String::new(), new_password: String::new(), ..form };
    let mut res = html(status, &Password { page, form, sent, errors });
    let _ = res.add_cookie(&cookie);
    res
}

/// What a refusal shows: its fields, or the whole refusal on `field`.
fn refusal(e: &ApiError, lang: tawasul_core::Lang, field: &str) -> Vec<(String, &'static str)> {
    let fields = e.field_messages(lang);
    if fields.is_empty() { vec![(field.to_owned(), e.message(lang))] } else { fields }
}

#[get("/password/forgot")]
pub async fn forgot_form(req: HttpRequest) -> HttpResponse {
    let form = PasswordForm { channel: "email".into(), ..Default::default() };
    form_page(&req, StatusCode::OK, form, false, vec![])
}

#[post("/password/forgot")]
pub async fn forgot(req: HttpRequest, state: web::Data<AppState>, form: web::Form<PasswordForm>) -> HttpResponse {
    let lang = Layout::of(&req, None).lang;
    let form = form.into_inner();
    if !session::anonymous_csrf_holds(&req, &form.csrf) {
        let e = ApiError::new(tawasul_core::ErrorCode::CsrfInvalid);
        return form_page(&req, StatusCode::FORBIDDEN, form, false, refusal(&e, lang, "login"));
    }
    let request = ForgotPasswordRequest { login: form.login.clone(), channel: form.channel.clone() };
    let sent = match request.parse() {
        Ok(channel) => send_reset_code(&state, &form.login, channel).await,
        Err(e) => Err(e.into()),
    };
    match sent {
        Ok(_) => form_page(&req, StatusCode::OK, form, true, vec![]),
        Err(e) => form_page(&req, e.status(), form, false, refusal(&e, lang, "login")),
    }
}

#[post("/password/reset")]
pub async fn reset(req: HttpRequest, state: web::Data<AppState>, form: web::Form<PasswordForm>) -> HttpResponse {
    let lang = Layout::of(&req, None).lang;
    let form = form.into_inner();
    if !session::anonymous_csrf_holds(&req, &form.csrf) {
        let e = ApiError::new(tawasul_core::ErrorCode::CsrfInvalid);
        return form_page(&req, StatusCode::FORBIDDEN, form, true, refusal(&e, lang, "code"));
    }
    let request = ResetPasswordRequest {
        login: form.login.clone(),
        channel: form.channel.clone(),
        code: form.code.clone(),
        new_password: form.new_password.clone(),
    };
    match reset_password(&state, &request).await {
        Ok(()) => see_other("/sign-in?reset=1"),
        Err(e) => form_page(&req, e.status(), form, true, refusal(&e, lang, "code")),
    }
}
