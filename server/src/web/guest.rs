//! The page an outside guest's invitation links to: the meeting, and their
//! answer and check-in, without an account — the link's token is their
//! invitation (`App::guest_meeting`, `guest_rsvp`, `guest_check_in`). A
//! plain form: it works with JavaScript off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::GuestMeetingView;
use tawasul_core::meetings::Rsvp;

use super::layout::Layout;
use super::{error_page, html, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "guest_meeting.html")]
struct GuestMeeting {
    page: Layout,
    token: String,
    m: GuestMeetingView,
    /// What the guest's last step was refused for, if it was.
    refused: Option<&'static str>,
}

impl GuestMeeting {
    fn answered(&self, r: &str) -> bool {
        self.m.rsvp.is_some_and(|x| x.as_str() == r)
    }

    /// How the meeting is held, in the page's language.
    fn mode(&self) -> &'static str {
        self.page.t(&format!("meeting-mode-{}", self.m.mode.as_str()))
    }
}

#[get("/guest/meetings/{token}")]
pub async fn show(req: HttpRequest, state: web::Data<AppState>, path: web::Path<String>) -> HttpResponse {
    let token = path.into_inner();
    let layout = Layout::of(&req, None).titled("ui-guest-title");
    match state.app.guest_meeting(&token).await {
        Ok(m) => html(StatusCode::OK, &GuestMeeting { page: layout, token, m, refused: None }),
        Err(e) => error_page(layout, e),
    }
}

#[derive(Deserialize)]
pub struct GuestStep {
    action: String,
}

#[post("/guest/meetings/{token}")]
pub async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<GuestStep>,
) -> HttpResponse {
    let token = path.into_inner();
    let layout = Layout::of(&req, None).titled("ui-guest-title");
    let done = match form.action.as_str() {
        "check-in" => state.app.guest_check_in(token.clone()).await,
        other => match Rsvp::parse(other) {
            Ok(r) => state.app.guest_rsvp(token.clone(), r).await,
            Err(code) => Err(crate::error::ApiError::field("action", code)),
        },
    };
    match done {
        Ok(_) => see_other(&format!("/guest/meetings/{token}")),
        Err(e) => match state.app.guest_meeting(&token).await {
            Ok(m) => {
                let refused = Some(e.message(layout.lang));
                html(e.status(), &GuestMeeting { page: layout, token, m, refused })
            }
            Err(_) => error_page(layout, e),
        },
    }
}
