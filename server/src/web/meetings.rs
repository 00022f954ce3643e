//! The meeting room: the meeting, its agenda, attendance, notes and
//! opinions, votes with their turnout and results, the minutes and the
//! decisions; and the steps the person may take in it, each a plain form
//! that calls the same use case as the API (`App::rsvp`, `check_in`,
//! `add_note`, `draft_minutes`, `approve_minutes`, `record_decision`,
//! `open_vote`, `cast_ballot`, `close_vote`, `cancel_meeting`). It works with
//! JavaScript off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::{
    CreateVoteRequest, DecisionRequest, InviteeView, MeetingView, MinutesRequest, MinutesStatus, NoteRequest,
    RsvpRequest, VoteStatus, VoteView,
};
use tawasul_core::ids::{MeetingId, VoteId};
use tawasul_core::meetings::Outcome;

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingRoom {
    page: Layout,
    m: MeetingView,
    /// The person's own invitation, if they are invited.
    mine: Option<InviteeView>,
    organiser: bool,
    errors: Vec<(String, &'static str)>,
}

impl MeetingRoom {
    fn present(&self) -> bool {
        self.mine.as_ref().is_some_and(|i| i.checked_in_at.is_some())
    }

    fn answered(&self, r: &str) -> bool {
        self.mine.as_ref().and_then(|i| i.rsvp).is_some_and(|x| x.as_str() == r)
    }

    fn mode(&self) -> &'static str {
        self.page.t(&format!("meeting-mode-{}", self.m.mode.as_str()))
    }

    fn rsvp_of(&self, i: &InviteeView) -> &'static str {
        match i.rsvp {
            Some(r) => self.page.t(&format!("ui-meeting-rsvp-{}", r.as_str())),
            None => self.page.t("ui-meeting-rsvp-none"),
        }
    }

    fn open(&self, v: &VoteView) -> bool {
        v.status == VoteStatus::Open
    }

    fn outcome(&self, v: &VoteView) -> String {
        let Some(r) = &v.result else { return String::new() };
        let said = self.page.t(&format!("ui-vote-outcome-{}", outcome_name(r.outcome)));
        match r.winner.and_then(|w| v.options.get(w)) {
            Some(option) => format!("{said}: {option}"),
            None => said.to_owned(),
        }
    }

    fn sealed(&self) -> bool {
        self.m.minutes.as_ref().is_some_and(|x| x.status == MinutesStatus::Approved)
    }

    fn agenda_notes(&self, item: &usize) -> Vec<&tawasul_core::api::NoteView> {
        self.m.notes.iter().filter(|n| n.agenda_item == u32::try_from(*item).ok()).collect()
    }

    /// A closed vote's ballots for its option `i`.
    fn count(&self, v: &VoteView, i: &usize) -> u32 {
        v.result.as_ref().and_then(|r| r.counts.get(*i).copied()).unwrap_or(0)
    }

    /// The option an open ballot chose.
    fn option<'a>(&self, v: &'a VoteView, i: &u32) -> &'a str {
        usize::try_from(*i).ok().and_then(|i| v.options.get(i)).map_or("", String::as_str)
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Decided => "decided",
        Outcome::Tied => "tied",
        Outcome::NoQuorum => "no_quorum",
        Outcome::NoBallots => "no_ballots",
    }
}

async fn room(
    state: &AppState,
    v: &Visitor,
    page: Layout,
    id: MeetingId,
    errors: Vec<(String, &'static str)>,
) -> Result<MeetingRoom, (Layout, ApiError)> {
    let m = match state.app.meeting(&v.caller.account, id).await {
        Ok(m) => m,
        Err(e) => return Err((page, e)),
    };
    let me = v.caller.actor().user_id;
    let mine = m.invitees.iter().find(|i| i.user_id == Some(me)).cloned();
    let organiser = m.organiser.id == me;
    let page = page.titled("ui-meeting-title");
    Ok(MeetingRoom { page, m, mine, organiser, errors })
}

#[get("/meetings/{id}")]
pub async fn meeting(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<MeetingId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    match room(&state, &v, layout, path.into_inner(), vec![]).await {
        Ok(r) => html(StatusCode::OK, &r),
        Err((layout, e)) => error_page(layout, e),
    }
}

/// One step in the room; `action` names it, the other fields are its own.
#[derive(Deserialize, Default)]
pub struct RoomForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    agenda_item: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    vote_id: String,
    #[serde(default)]
    question: String,
    /// One option a line.
    #[serde(default)]
    options: String,
    #[serde(default)]
    ballot: String,
    #[serde(default)]
    quorum: String,
    #[serde(default)]
    option_index: String,
}

fn number(field: &str, raw: &str) -> ApiResult<u32> {
    raw.trim().parse().map_err(|_| ApiError::field(field, tawasul_core::ErrorCode::InvalidField))
}

fn vote_of(f: &RoomForm) -> ApiResult<VoteId> {
    f.vote_id.parse().map_err(|_| ApiError::field("vote_id", tawasul_core::ErrorCode::InvalidField))
}

async fn take(state: &AppState, v: &Visitor, id: MeetingId, f: &RoomForm) -> ApiResult<()> {
    let who = &v.caller.account;
    let app = &state.app;
    match f.action.as_str() {
        "rsvp" => app.rsvp(who, id, RsvpRequest { response: f.response.clone() }.parse()?).await?,
        "check-in" => app.check_in(who, id).await?,
        "note" => {
            let agenda_item =
                if f.agenda_item.is_empty() { None } else { Some(number("agenda_item", &f.agenda_item)?) };
            app.add_note(who, id, NoteRequest { body: f.body.clone(), agenda_item }.parse()?).await?
        }
        "minutes" => app.draft_minutes(who, id, MinutesRequest { body: f.body.clone() }.parse()?).await?,
        "approve" => app.approve_minutes(who, id).await?,
        "decision" => {
            let vote_id = (!f.vote_id.is_empty()).then(|| f.vote_id.clone());
            let (text, vote) = DecisionRequest { text: f.text.clone(), vote_id }.parse()?;
            app.record_decision(who, id, text, vote).await?
        }
        "open-vote" => {
            let r = CreateVoteRequest {
                question: f.question.clone(),
                options: f.options.lines().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect(),
                ballot: f.ballot.clone(),
                quorum: number("quorum", &f.quorum)?,
                closes_at: None,
            };
            app.open_vote(who, id, r).await?
        }
        "ballot" => app.cast_ballot(who, vote_of(f)?, number("option_index", &f.option_index)?).await?,
        "close" => app.close_vote(Some(who), vote_of(f)?).await?,
        "cancel" => app.cancel_meeting(who, id).await?,
        _ => return Err(ApiError::field("action", tawasul_core::ErrorCode::InvalidChoice)),
    };
    Ok(())
}

#[post("/meetings/{id}")]
pub async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<MeetingId>,
    form: web::Form<RoomForm>,
) -> HttpResponse {
    let (v, layout) = super::signed_in_form!(req, state, visitor, &form.csrf);
    let id = path.into_inner();
    match take(&state, &v, id, &form).await {
        Ok(()) => see_other(&format!("/meetings/{id}")),
        Err(e) => {
            // Said at the top of the room, whatever the step: a field's own
            // message, or the refusal's.
            let mut errors = e.field_messages(layout.lang);
            if errors.is_empty() {
                errors.push((form.action.clone(), e.message(layout.lang)));
            }
            let status = e.status();
            match room(&state, &v, layout, id, errors).await {
                Ok(r) => html(status, &r),
                Err((layout, e)) => error_page(layout, e),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "new_meeting.html")]
struct NewMeetingPage {
    page: Layout,
    /// The entity's active employees: (id, name and e-mail address).
    people: Vec<(String, String)>,
    form: ScheduleForm,
    errors: Vec<(String, &'static str)>,
}

impl NewMeetingPage {
    fn chosen(&self, id: &str) -> bool {
        self.form.invitees.iter().any(|i| i == id)
    }

    /// The modes of a meeting with their names.
    fn modes(&self) -> Vec<(&'static str, &'static str)> {
        tawasul_core::meetings::Mode::ALL
            .iter()
            .map(|m| (m.as_str(), self.page.t(&format!("meeting-mode-{}", m.as_str()))))
            .collect()
    }

    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field || f.starts_with(&format!("{field}["))).map(|(_, m)| *m)
    }
}

/// The scheduling form as sent: times on Riyadh's clock, agenda items a line
/// each, employees ticked, and one outside guest.
#[derive(Deserialize, Default, Clone)]
pub struct ScheduleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    invitees: Vec<String>,
    #[serde(default)]
    guest_name: String,
    #[serde(default)]
    guest_email: String,
    #[serde(default)]
    guest_mobile: String,
}

impl ScheduleForm {
    fn request(&self, entity: tawasul_core::ids::EntityId) -> ApiResult<tawasul_core::api::CreateMeetingRequest> {
        use tawasul_core::api::InviteeRequest;
        let mut invitees: Vec<InviteeRequest> = self
            .invitees
            .iter()
            .map(|id| InviteeRequest { employee_id: Some(id.clone()), ..Default::default() })
            .collect();
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        if given(&self.guest_name).is_some()
            || given(&self.guest_email).is_some()
            || given(&self.guest_mobile).is_some()
        {
            invitees.push(InviteeRequest {
                name: given(&self.guest_name),
                email: given(&self.guest_email),
                mobile: given(&self.guest_mobile),
                ..Default::default()
            });
        }
        Ok(tawasul_core::api::CreateMeetingRequest {
            entity_id: entity.to_string(),
            title: self.title.clone(),
            agenda: self.agenda.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            starts_at: format!("{}T{}:00+03:00", self.day.trim(), self.time.trim()),
            duration_minutes: number("duration_minutes", &self.duration_minutes)?,
            mode: self.mode.clone(),
            location: given(&self.location),
            invitees,
        })
    }
}

async fn new_meeting_page(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    form: ScheduleForm,
    errors: Vec<(String, &'static str)>,
) -> Result<NewMeetingPage, (Layout, ApiError)> {
    let Some(staff) = v.caller.actor().staff() else {
        return Err((layout, ApiError::new(tawasul_core::ErrorCode::Forbidden)));
    };
    if let Err(e) = tawasul_core::meetings::may_create(v.caller.actor(), staff.entity_id) {
        return Err((layout, e.into()));
    }
    let people = match tawasul_storage::organisation::list_employees(state.db.read(), staff.entity_id).await {
        Ok(list) => list,
        Err(e) => return Err((layout, e.into())),
    };
    let page = layout.titled("ui-meeting-new-title");
    let me = v.caller.actor().user_id;
    let people = people
        .into_iter()
        .filter(|p| p.active && p.id != me)
        // The address beside the name: two employees may share a name.
        .map(|p| (p.id.to_string(), format!("{} ({})", page.name(&p.name_ar, &p.name_en), p.email)))
        .collect();
    Ok(NewMeetingPage { page, people, form, errors })
}

#[get("/meetings/new")]
pub async fn new_meeting(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let form = ScheduleForm { duration_minutes: "60".into(), mode: "in_person".into(), ..Default::default() };
    match new_meeting_page(&state, &v, layout, form, vec![]).await {
        Ok(p) => html(StatusCode::OK, &p),
        Err((layout, e)) => error_page(layout, e),
    }
}

#[post("/meetings/new")]
pub async fn schedule(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    body: web::Bytes,
) -> HttpResponse {
    // Ticked employees come as `invitees` repeated: a form serde_urlencoded
    // reads into a list only through pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut form = ScheduleForm::default();
    for (k, val) in pairs {
        match k.as_str() {
            "csrf" => form.csrf = val,
            "title" => form.title = val,
            "agenda" => form.agenda = val,
            "day" => form.day = val,
            "time" => form.time = val,
            "duration_minutes" => form.duration_minutes = val,
            "mode" => form.mode = val,
            "location" => form.location = val,
            "invitees" => form.invitees.push(val),
            "guest_name" => form.guest_name = val,
            "guest_email" => form.guest_email = val,
            "guest_mobile" => form.guest_mobile = val,
            _ => {}
        }
    }
    let (v, layout) = super::signed_in_form!(req, state, visitor, &form.csrf);
    let Some(entity) = v.caller.actor().staff().map(|s| s.entity_id) else {
        return error_page(layout, ApiError::new(tawasul_core::ErrorCode::Forbidden));
    };
    let done = async {
        let m = form.request(entity)?.parse()?;
        let answer = state.app.create_meeting(&v.caller.account, &m).await?;
        Ok::<_, ApiError>(answer.body["id"].as_str().unwrap_or_default().to_owned())
    }
    .await;
    match done {
        Ok(id) => see_other(&format!("/meetings/{id}")),
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e.field_messages(layout.lang);
            match new_meeting_page(&state, &v, layout, form, errors).await {
                Ok(p) => html(StatusCode::UNPROCESSABLE_ENTITY, &p),
                Err((layout, e)) => error_page(layout, e),
            }
        }
        Err(e) => error_page(layout, e),
    }
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct Register {
    page: Layout,
    decisions: Vec<tawasul_core::api::DecisionView>,
}

impl Register {
    fn outcome(&self, d: &tawasul_core::api::DecisionView) -> &'static str {
        d.outcome.map_or("", |o| self.page.t(&format!("ui-vote-outcome-{}", outcome_name(o))))
    }
}

/// An entity's register of decisions (`App::decisions`): its staff and the
/// regulators in remit.
#[get("/entities/{id}/decisions")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<tawasul_core::ids::EntityId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    match state.app.decisions(&v.caller.account, path.into_inner(), 500).await {
        Ok(decisions) => html(StatusCode::OK, &Register { page: layout.titled("ui-decisions-title"), decisions }),
        Err(e) => error_page(layout, e),
    }
}
