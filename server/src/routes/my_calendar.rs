//! An employee's calendar (API.md "Meetings and voting": `/me/calendar`,
//! `/me/reminders`, `/me/calendar/feed`), and the private feed it gives
//! calendar applications.

use actix_web::{HttpResponse, get, post, web};
use tawasul_core::api::*;

use crate::auth::Caller;
use crate::body::{Deferred, Query};
use crate::error::ApiResult;
use crate::state::AppState;

/// Meetings, the due dates of the caller's transactions and their reminders, in time order.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "calendar", params(MyCalendarQuery),
    security(("bearer" = [])), responses((status = 200, body = MyCalendarView), (status = 403, description = "Staff only")))]
#[get("/me/calendar")]
pub async fn my_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<MyCalendarQuery>,
) -> ApiResult<HttpResponse> {
    let (from, to) = query.parse(chrono::Utc::now())?;
    Ok(HttpResponse::Ok().json(state.app.my_calendar(&caller.account, from, to).await?))
}

/// A reminder; the caller is told when its time comes.
#[utoipa::path(post, path = "/api/v1/me/reminders", tag = "calendar", request_body = CreateReminderRequest,
    security(("bearer" = [])), responses((status = 201, body = ReminderView)))]
#[post("/me/reminders")]
pub async fn add_reminder(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<CreateReminderRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.parse()?.parse()?;
    Ok(state.app.add_reminder(&caller.account, r).await?.respond())
}

/// The caller's private iCalendar feed address (made on the first ask).
#[utoipa::path(get, path = "/api/v1/me/calendar/feed", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, body = CalendarFeedView)))]
#[get("/me/calendar/feed")]
pub async fn feed_address(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(state.app.calendar_feed_address(&caller.account, false).await?.respond())
}

/// A new feed address; the old one opens nothing from now on.
#[utoipa::path(post, path = "/api/v1/me/calendar/feed/reset", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, body = CalendarFeedView)))]
#[post("/me/calendar/feed/reset")]
pub async fn reset_feed(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(state.app.calendar_feed_address(&caller.account, true).await?.respond())
}

/// The feed itself, for calendar applications: no sign-in, the address is the key.
#[utoipa::path(get, path = "/api/v1/calendar-feeds/{token}", tag = "calendar", params(("token" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, description = "No such feed")))]
#[get("/calendar-feeds/{token}")]
pub async fn feed(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    let token = path.into_inner();
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let ics = state.app.calendar_feed(token).await?;
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(ics))
}
