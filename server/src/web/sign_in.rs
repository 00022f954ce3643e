//! Signing in and out from the pages, through the same `sign_in` and
//! `sign_out` as the API: the same failure limits, the same audit entries,
//! one server-side session for the cookie and the tokens.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::LoginRequest;

use super::layout::Layout;
use super::session::{self, Visitor};
use super::{error_page, html, see_other};
use crate::error::ApiError;
use crate::routes::auth::{sign_in, sign_out as end_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignIn {
    page: Layout,
    login: String,
    /// The refusal's message, shown in the error summary.
    error: Option<&'static str>,
    /// Just back from setting a new password.
    reset: bool,
}

fn form_page(req: &HttpRequest, status: StatusCode, login: String, error: Option<&'static str>) -> HttpResponse {
    let (cookie, token) = session::new_csrf_cookie();
    let mut page = Layout::of(req, None).titled("ui-sign-in-title");
    page.csrf = token;
    let reset = req.query_string() == "reset=1";
    let mut res = html(status, &SignIn { page, login, error, reset });
    let _ = res.add_cookie(&cookie);
    res
}

#[get("/sign-in")]
pub async fn sign_in_form(req: HttpRequest) -> HttpResponse {
    form_page(&req, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

#[post("/sign-in")]
pub async fn submit(req: HttpRequest, state: web::Data<AppState>, form: web::Form<SignInForm>) -> HttpResponse {
    let lang = Layout::of(&req, None).lang;
    if !session::anonymous_csrf_holds(&req, &form.csrf) {
        let e = ApiError::new(tawasul_core::ErrorCode::CsrfInvalid);
        return form_page(&req, StatusCode::FORBIDDEN, form.login.clone(), Some(e.message(lang)));
    }
    let login = LoginRequest { login: form.login.clone(), password: form.password.clone() };
    match sign_in(&state, &login).await {
        Ok((user, session, _tokens)) => {
            let mut res = see_other("/transactions");
            let _ = res.add_cookie(&session::session_cookie(&state, user, session));
            res
        }
        Err(e) => {
            let status = e.status();
            form_page(&req, status, form.login.clone(), Some(e.message(lang)))
        }
    }
}

#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session the page and the tokens share.
#[post("/sign-out")]
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<SignOutForm>,
) -> HttpResponse {
    let v = match visitor {
        Ok(v) => v,
        Err(e) => return error_page(Layout::of(&req, None), e),
    };
    if !session::csrf_holds(&state, v.caller.session, &form.csrf) {
        return error_page(Layout::of(&req, Some(&v)), ApiError::new(tawasul_core::ErrorCode::CsrfInvalid));
    }
    if let Err(e) = end_session(&state, &v.caller, None).await {
        return error_page(Layout::of(&req, Some(&v)), e);
    }
    let mut res = see_other("/sign-in");
    let _ = res.add_cookie(&session::ended_cookie());
    res
}
