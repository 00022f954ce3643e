//! The "Was this page useful?" control every page carries (the DGA Platforms
//! Code): a form of two buttons, kept and counted per page
//! (`tawasul_core::feedback::page_key`), then a thank-you with the way back.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::feedback::page_key;
use tawasul_storage::page_feedback;

use super::layout::Layout;
use super::session::{self, Visitor};
use super::{error_page, html, local_path};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "thanks.html")]
struct Thanks {
    page: Layout,
    back: String,
}

#[derive(Deserialize)]
pub struct Answer {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    useful: String,
}

#[post("/feedback")]
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Answer>,
) -> HttpResponse {
    let v = visitor.ok();
    let layout = Layout::of(&req, v.as_ref());
    // Signed in, the session's token; otherwise the sign-in pages' own.
    let holds = match &v {
        Some(v) => session::csrf_holds(&state, v.caller.session, &form.csrf),
        None => session::anonymous_csrf_holds(&req, &form.csrf),
    };
    if !holds {
        return error_page(layout, ApiError::new(ErrorCode::CsrfInvalid));
    }
    let useful = match form.useful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return error_page(layout, ApiError::field("useful", ErrorCode::InvalidChoice)),
    };
    let Some(page) = page_key(&form.back) else {
        return error_page(layout, ApiError::field("back", ErrorCode::InvalidField));
    };
    let user = v.as_ref().map(|v| v.caller.actor().user_id);
    let kept = page_feedback::record(state.db.write(), &page, useful, layout.lang.as_str(), user, Utc::now()).await;
    if let Err(e) = kept {
        return error_page(layout, e.into());
    }
    let back = local_path(&form.back).to_owned();
    html(StatusCode::OK, &Thanks { page: layout.titled("ui-useful-thanks"), back })
}
