//! Meetings and voting (API.md "Meetings and voting"). Every write is a use
//! case of `crate::app::meetings`; these routes read the request and answer.

use actix_web::{HttpResponse, get, patch, post, put, web};
use tawasul_core::api::*;
use tawasul_core::ids::{EntityId, MeetingId, VoteId};

use crate::auth::Caller;
use crate::body::Deferred;
use crate::error::ApiResult;
use crate::state::AppState;

/// Schedules a meeting; its invitees are invited.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = CreateMeetingRequest,
    security(("bearer" = [])), responses((status = 201, body = MeetingView), (status = 403, description = "`meeting.create` of the entity needed"),
    (status = 422, description = "A field is invalid")))]
#[post("/meetings")]
pub async fn create_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<CreateMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let m = body.parse()?.parse()?;
    Ok(state.app.create_meeting(&caller.account, &m).await?.respond())
}

/// The meeting with its invitees, RSVPs, attendance, notes, minutes, votes and decisions.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = MeetingView), (status = 404, description = "Not visible to you")))]
#[get("/meetings/{id}")]
pub async fn get_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.app.meeting(&caller.account, path.into_inner()).await?))
}

/// The organiser changes the time, place or agenda; invitees are sent the event again.
#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = String, Path)),
    request_body = ChangeMeetingRequest, security(("bearer" = [])), responses((status = 200, body = MeetingView),
    (status = 409, description = "`meeting.cancelled`, `meeting.outside_window` (it has ended)")))]
#[patch("/meetings/{id}")]
pub async fn change_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<ChangeMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let ch = body.parse()?.parse()?;
    Ok(state.app.change_meeting(&caller.account, path.into_inner(), ch).await?.respond())
}

/// The organiser cancels the meeting; invitees are sent the cancelled event.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = MeetingView), (status = 409, description = "`meeting.cancelled`")))]
#[post("/meetings/{id}/cancel")]
pub async fn cancel_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    Ok(state.app.cancel_meeting(&caller.account, path.into_inner()).await?.respond())
}

/// The meeting's calendar event (iCalendar, METHOD:REQUEST), for its invitees.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/invite.ics", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, content_type = "text/calendar", body = String), (status = 404, description = "Not invited")))]
#[get("/meetings/{id}/invite.ics")]
pub async fn invite_ics(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    let ics = state.app.invite_ics(&caller.account, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8; method=REQUEST")
        .insert_header(("Content-Disposition", "attachment; filename=\"invite.ics\""))
        .body(ics))
}

/// What a guest's signed link opens (no account: the token is the invitation).
#[utoipa::path(get, path = "/api/v1/guest/meetings/{token}", tag = "meetings", params(("token" = String, Path)),
    responses((status = 200, body = GuestMeetingView), (status = 404, description = "No such link")))]
#[get("/guest/meetings/{token}")]
pub async fn guest_meeting(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.app.guest_meeting(&path.into_inner()).await?))
}

/// A guest answers the invitation through their link.
#[utoipa::path(post, path = "/api/v1/guest/meetings/{token}/rsvp", tag = "meetings", params(("token" = String, Path)),
    request_body = RsvpRequest, responses((status = 200), (status = 404, description = "No such link")))]
#[post("/guest/meetings/{token}/rsvp")]
pub async fn guest_rsvp(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Deferred<RsvpRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.parse()?.parse()?;
    Ok(state.app.guest_rsvp(path.into_inner(), r).await?.respond())
}

/// A guest checks in through their link, inside the meeting's window.
#[utoipa::path(post, path = "/api/v1/guest/meetings/{token}/check-in", tag = "meetings", params(("token" = String, Path)),
    responses((status = 200), (status = 404, description = "No such link"), (status = 409, description = "`meeting.outside_window`")))]
#[post("/guest/meetings/{token}/check-in")]
pub async fn guest_check_in(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    Ok(state.app.guest_check_in(path.into_inner()).await?.respond())
}

/// An invitee answers the invitation.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/rsvp", tag = "meetings", params(("id" = String, Path)),
    request_body = RsvpRequest, security(("bearer" = [])), responses((status = 200), (status = 404, description = "Not invited")))]
#[post("/meetings/{id}/rsvp")]
pub async fn rsvp(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<RsvpRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.parse()?.parse()?;
    Ok(state.app.rsvp(&caller.account, path.into_inner(), r).await?.respond())
}

/// An invitee checks in, from fifteen minutes before the start to the end.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/check-in", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200), (status = 404, description = "Not invited"),
    (status = 409, description = "`meeting.outside_window`")))]
#[post("/meetings/{id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    Ok(state.app.check_in(&caller.account, path.into_inner()).await?.respond())
}

/// A shared note, or an opinion on an agenda item (`agenda_item`), from someone present.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/notes", tag = "meetings", params(("id" = String, Path)),
    request_body = NoteRequest, security(("bearer" = [])), responses((status = 201, body = NoteView)))]
#[post("/meetings/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<NoteRequest>,
) -> ApiResult<HttpResponse> {
    let n = body.parse()?.parse()?;
    Ok(state.app.add_note(&caller.account, path.into_inner(), n).await?.respond())
}

/// The organiser writes the draft minutes.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "meetings", params(("id" = String, Path)),
    request_body = MinutesRequest, security(("bearer" = [])), responses((status = 200, body = MinutesView),
    (status = 409, description = "`meeting.minutes_sealed`")))]
#[put("/meetings/{id}/minutes")]
pub async fn draft_minutes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<MinutesRequest>,
) -> ApiResult<HttpResponse> {
    let text = body.parse()?.parse()?;
    Ok(state.app.draft_minutes(&caller.account, path.into_inner(), text).await?.respond())
}

/// The organiser approves the minutes, sealing them.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/approve", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = MinutesView), (status = 409, description = "`meeting.minutes_sealed`, `meeting.minutes_missing`")))]
#[post("/meetings/{id}/minutes/approve")]
pub async fn approve_minutes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
) -> ApiResult<HttpResponse> {
    Ok(state.app.approve_minutes(&caller.account, path.into_inner()).await?.respond())
}

/// The organiser records a decision, optionally the outcome of a closed vote.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "meetings", params(("id" = String, Path)),
    request_body = DecisionRequest, security(("bearer" = [])), responses((status = 201, body = DecisionView)))]
#[post("/meetings/{id}/decisions")]
pub async fn record_decision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<DecisionRequest>,
) -> ApiResult<HttpResponse> {
    let (text, vote) = body.parse()?.parse()?;
    Ok(state.app.record_decision(&caller.account, path.into_inner(), text, vote).await?.respond())
}

/// The organiser opens a vote.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/votes", tag = "meetings", params(("id" = String, Path)),
    request_body = CreateVoteRequest, security(("bearer" = [])), responses((status = 201, body = VoteView)))]
#[post("/meetings/{id}/votes")]
pub async fn open_vote(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<MeetingId>,
    body: Deferred<CreateVoteRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.parse()?;
    Ok(state.app.open_vote(&caller.account, path.into_inner(), r).await?.respond())
}

/// An eligible voter casts their ballot; answered with the turnout. A
/// second ballot is 409. Not kept under an `Idempotency-Key` (a secret
/// choice is kept nowhere): a retry is answered 409 once the first counted.
#[utoipa::path(post, path = "/api/v1/votes/{id}/ballots", tag = "meetings", params(("id" = String, Path)),
    request_body = BallotRequest, security(("bearer" = [])), responses((status = 201, body = BallotReceipt),
    (status = 403, description = "`vote.not_eligible`"), (status = 409, description = "`vote.already_cast`, `vote.closed`")))]
#[post("/votes/{id}/ballots")]
pub async fn cast_ballot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<VoteId>,
    body: Deferred<BallotRequest>,
) -> ApiResult<HttpResponse> {
    let option = body.parse()?.option_index;
    Ok(state.app.cast_ballot(&caller.account, path.into_inner(), option).await?.respond())
}

/// The organiser closes the vote; answered with its result.
#[utoipa::path(post, path = "/api/v1/votes/{id}/close", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = tawasul_core::meetings::VoteResult)))]
#[post("/votes/{id}/close")]
pub async fn close_vote(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<VoteId>,
) -> ApiResult<HttpResponse> {
    Ok(state.app.close_vote(Some(&caller.account), path.into_inner()).await?.respond())
}

/// A vote: the turnout while open; closed, the result, and who chose what in an open ballot.
#[utoipa::path(get, path = "/api/v1/votes/{id}", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = VoteView)))]
#[get("/votes/{id}")]
pub async fn get_vote(state: web::Data<AppState>, caller: Caller, path: web::Path<VoteId>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.app.vote(&caller.account, path.into_inner()).await?))
}

/// An entity's register of decisions, the latest first.
#[utoipa::path(get, path = "/api/v1/entities/{id}/decisions", tag = "meetings", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = Vec<DecisionView>)))]
#[get("/entities/{id}/decisions")]
pub async fn decisions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
) -> ApiResult<HttpResponse> {
    let items = state.app.decisions(&caller.account, path.into_inner(), 500).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}
