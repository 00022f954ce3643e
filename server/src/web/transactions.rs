//! Transactions in the pages: the list (a beneficiary's own, an employee's
//! inbox), one transaction with its timeline, the reply form and the steps,
//! and its printable summary. Reads and writes are the API's: `store::list`
//! under `list_scope`, `App::timeline`, `App::act`. A new request is
//! `new_request`'s.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use tawasul_core::api::{
    CommentRequest, EventView, FieldKind, TransactionListQuery, TransactionTypeView, TransactionView,
};
use tawasul_core::catalogue::Arg;
use tawasul_core::events::EventKind;
use tawasul_core::ids::{EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::lifecycle::Command;
use tawasul_core::policy::{TransactionAction, authorize_on_transaction};
use tawasul_core::visibility::{Visibility, list_scope, sees_internal};
use tawasul_core::workflow::Status;
use tawasul_storage::transactions as store;

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, or_error_page, see_other, signed_in, signed_in_form};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The names of transaction types, by id, for the entities given.
async fn type_names(
    state: &AppState,
    entities: impl IntoIterator<Item = EntityId>,
) -> ApiResult<HashMap<TransactionTypeId, TransactionTypeView>> {
    let mut out = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for e in entities {
        if seen.insert(e) {
            for t in super::directory::types_of(state, e).await? {
                out.insert(t.id, t);
            }
        }
    }
    Ok(out)
}

/// One row of the list.
pub struct Row {
    pub href: String,
    pub view: TransactionView,
    pub type_name: String,
    pub assignee: Option<String>,
}

#[derive(Template)]
#[template(path = "transactions.html")]
struct List {
    page: Layout,
    rows: Vec<Row>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    mine: bool,
    late: bool,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    mine: Option<String>,
    #[serde(default)]
    late: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

#[get("/transactions")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<ListForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let page = Layout::of(&req, Some(&v));
    match list_rows(&state, &v, &q, &page).await {
        Ok((rows, next)) => {
            let title = if page.staff { "ui-inbox-title" } else { "ui-transactions-title" };
            let statuses = Status::ALL.iter().map(|s| (s.as_str(), page.status(s), s.as_str() == q.status)).collect();
            // The next page keeps the filters of this one.
            let next = next.map(|c| {
                let mut query = vec![("cursor", c)];
                if !q.status.is_empty() {
                    query.push(("status", q.status.clone()));
                }
                query.extend(q.mine.as_ref().map(|_| ("mine", "1".to_owned())));
                query.extend(q.late.as_ref().map(|_| ("late", "1".to_owned())));
                format!("/transactions?{}", serde_urlencoded::to_string(query).unwrap_or_default())
            });
            let (mine, late) = (q.mine.is_some(), q.late.is_some());
            html(StatusCode::OK, &List { page: page.titled(title), rows, statuses, mine, late, next })
        }
        Err(e) => error_page(page, e),
    }
}

async fn list_rows(
    state: &AppState,
    v: &Visitor,
    q: &ListForm,
    page: &Layout,
) -> ApiResult<(Vec<Row>, Option<String>)> {
    let query = TransactionListQuery {
        status: Some(q.status.clone()).filter(|s| !s.is_empty()),
        assignee: q.mine.as_ref().map(|_| "me".to_owned()),
        late: q.late.as_ref().map(|_| true),
        cursor: q.cursor.clone(),
        ..Default::default()
    };
    let (filter, paging) = query.parse()?;
    let actor = v.caller.actor();
    let found = store::list(state.db.read(), &list_scope(actor), actor.user_id, &filter, &paging, Utc::now()).await?;
    let types = type_names(state, found.items.iter().map(|t| t.entity_id)).await?;
    let rows = found
        .items
        .into_iter()
        .map(|view| Row {
            href: format!("/transactions/{}", view.id),
            type_name: types
                .get(&view.type_id)
                .map(|t| page.name(&t.name_ar, &t.name_en).to_owned())
                .unwrap_or_default(),
            assignee: view.assignee.as_ref().map(|a| page.name(&a.name_ar, &a.name_en).to_owned()),
            view,
        })
        .collect();
    Ok((rows, found.next_cursor))
}

/// One event as the timeline shows it.
pub struct Shown {
    pub seq: u32,
    pub internal: bool,
    pub comment: bool,
    pub who: String,
    pub text: String,
    pub at: chrono::DateTime<Utc>,
    /// An attachment's download address, and its file's name.
    pub download: Option<String>,
    pub file_name: Option<String>,
    pub voice: Option<Player>,
}

/// A voice note as the page plays it: the audio's address, its length, and
/// its waveform drawn as bars (x, y, height in a 64 × 32 box).
pub struct Player {
    pub src: String,
    pub duration_ms: u64,
    pub bars: Vec<(usize, u8, u8)>,
}

impl Player {
    fn of(id: &str, duration_ms: u64, waveform: &[u8]) -> Player {
        let bars = waveform
            .iter()
            .enumerate()
            .map(|(x, v)| {
                let h = (u16::from(*v) * 30 / 255).max(2) as u8;
                (x, (32 - h) / 2, h)
            })
            .collect();
        Player { src: format!("/voice/{id}"), duration_ms, bars }
    }
}

#[derive(Template)]
#[template(path = "transaction.html")]
struct Page {
    page: Layout,
    t: TransactionView,
    type_name: String,
    /// The type's custom fields as the beneficiary filled them in.
    fields: Vec<ShownField>,
    events: Vec<Shown>,
    closed: bool,
    may_internal: bool,
    /// The steps the caller's permissions and the status allow (the server
    /// refuses the others anyway): `assign`, `complete`, `await`, `postpone`,
    /// `reject`, and on a closed transaction `reopen` and `rate`.
    steps: Vec<&'static str>,
    /// Whom `assign` offers: the department's active staff (id, name).
    assignable: Vec<(String, String)>,
    /// Whether the caller may add a document, and a voice note, here.
    may_attach: bool,
    may_voice: bool,
    /// The reply form's refusal, if it was just refused.
    errors: Vec<(String, &'static str)>,
    body: String,
    internal_chosen: bool,
    /// The newest event's seq, where the live timeline resumes from.
    last_seq: u32,
}

impl Page {
    /// The message of a refused field, if this page shows one.
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }

    /// Whether the step's form was just refused (it is shown open, its
    /// refused fields named).
    fn step_refused(&self, name: &str) -> bool {
        self.errors.iter().any(|(f, _)| f.strip_prefix(name).is_some_and(|rest| rest.starts_with('-')))
    }
}

#[get("/transactions/{id}")]
pub async fn transaction(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    or_error_page(transaction_page(&state, &v, layout, path.into_inner(), vec![], String::new(), false).await)
}

pub(super) async fn transaction_page(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    id: TransactionId,
    errors: Vec<(String, &'static str)>,
    body: String,
    internal_chosen: bool,
) -> Result<HttpResponse, (Layout, ApiError)> {
    let built = async {
        let (s, events) = state.app.timeline(&v.caller.account, id).await?;
        let t = store::view(state.db.read(), &s, Utc::now()).await?;
        let types = type_names(state, [t.entity_id]).await?;
        let people = store::actor_refs(state.db.read(), assignees(&events)).await?;
        let shown: Vec<Shown> = events.iter().map(|e| show(&layout, e, &people)).collect();
        let may = |a| authorize_on_transaction(v.caller.actor(), &s.facts, a).is_ok();
        let may_internal = may(TransactionAction::Comment(Visibility::Internal));
        let open = !s.status.is_closed();
        let offered = [
            ("assign", open && may(TransactionAction::Assign)),
            ("complete", open && may(TransactionAction::Complete)),
            ("await", open && may(TransactionAction::AwaitBeneficiary)),
            ("postpone", open && may(TransactionAction::Postpone)),
            ("reject", open && may(TransactionAction::Reject)),
            ("reopen", !open && may(TransactionAction::Reopen { closed_at: s.closed_at, now: Utc::now() })),
            ("rate", !open && t.rating.is_none() && may(TransactionAction::Rate)),
        ];
        let steps: Vec<&'static str> = offered.into_iter().filter(|(_, ok)| *ok).map(|(name, _)| name).collect();
        let assignable = if steps.contains(&"assign") {
            store::assignable(state.db.read(), s.facts.department_id)
                .await?
                .into_iter()
                .map(|a| (a.id.to_string(), layout.name(&a.name_ar, &a.name_en).to_owned()))
                .collect()
        } else {
            vec![]
        };
        let may_attach = open && may(TransactionAction::Comment(Visibility::External));
        let may_voice = open && may(TransactionAction::Voice(Visibility::External));
        let last = events.last().map_or(0, |e| e.seq);
        ApiResult::Ok((t, types, shown, last, may_internal, steps, assignable, (may_attach, may_voice)))
    }
    .await;
    let (t, types, events, last_seq, may_internal, steps, assignable, (may_attach, may_voice)) = match built {
        Ok(b) => b,
        Err(e) => return Err((layout, e)),
    };
    let type_name =
        types.get(&t.type_id).map(|ty| layout.name(&ty.name_ar, &ty.name_en).to_owned()).unwrap_or_default();
    let fields = fields_shown(&layout, types.get(&t.type_id), &t, &events);
    let closed = t.status.is_closed();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = layout.titled("ui-details");
    let page = Page {
        page,
        t,
        type_name,
        fields,
        events,
        closed,
        may_internal,
        steps,
        assignable,
        may_attach,
        may_voice,
        errors,
        body,
        internal_chosen,
        last_seq,
    };
    Ok(html(status, &page))
}

/// A custom field as the summary shows it: a file field as its document's
/// name, linked to it.
pub struct ShownField {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

/// A transaction's custom fields, labelled in the page's language, in the
/// type's order; a value the type no longer names is left out. A file
/// field's value is an attachment's id, found among the events shown.
fn fields_shown(
    page: &Layout,
    ty: Option<&TransactionTypeView>,
    t: &TransactionView,
    events: &[Shown],
) -> Vec<ShownField> {
    let Some(ty) = ty else { return vec![] };
    ty.fields
        .iter()
        .filter_map(|f| {
            let value = match t.fields.get(&f.key)? {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let label = page.name(&f.label_ar, &f.label_en).to_owned();
            if f.kind != FieldKind::File {
                return Some(ShownField { label, value, href: None });
            }
            let href = format!("/attachments/{value}");
            let document = events.iter().find(|e| e.download.as_deref() == Some(href.as_str()))?;
            Some(ShownField { label, value: document.file_name.clone().unwrap_or_default(), href: Some(href) })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "print.html")]
struct Printed {
    page: Layout,
    t: TransactionView,
    type_name: String,
    fields: Vec<ShownField>,
    entity: String,
    /// The replies the beneficiary was sent: external events only, whoever prints.
    events: Vec<Shown>,
    printed_at: chrono::DateTime<Utc>,
}

/// A request's printable summary (`001_…` §2.10): its facts and the replies
/// exchanged with the beneficiary — never an internal event, even when staff
/// print it, since a printed page leaves the platform.
#[get("/transactions/{id}/print")]
pub async fn print(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let built = async {
        let (s, events) = state.app.timeline(&v.caller.account, path.into_inner()).await?;
        let t = store::view(state.db.read(), &s, Utc::now()).await?;
        let types = type_names(&state, [t.entity_id]).await?;
        let entity = tawasul_storage::organisation::entity(state.db.read(), t.entity_id).await?;
        let people = store::actor_refs(state.db.read(), assignees(&events)).await?;
        let shown: Vec<Shown> = events.iter().map(|e| show(&layout, e, &people)).filter(|e| !e.internal).collect();
        ApiResult::Ok((t, types, entity, shown))
    }
    .await;
    let (t, types, entity, events) = match built {
        Ok(b) => b,
        Err(e) => return error_page(layout, e),
    };
    let ty = types.get(&t.type_id);
    let page = Printed {
        type_name: ty.map(|ty| layout.name(&ty.name_ar, &ty.name_en).to_owned()).unwrap_or_default(),
        fields: fields_shown(&layout, ty, &t, &events),
        entity: entity.map(|e| layout.name(&e.name_ar, &e.name_en).to_owned()).unwrap_or_default(),
        events,
        printed_at: Utc::now(),
        page: layout.titled("ui-print-title"),
        t,
    };
    html(StatusCode::OK, &page)
}

/// The people assignments name, to show them by name.
fn assignees(events: &[EventView]) -> Vec<UserId> {
    events
        .iter()
        .filter(|e| e.kind == EventKind::Assigned)
        .filter_map(|e| e.data.get("assignee")?.as_str()?.parse().ok().map(UserId))
        .collect()
}

fn show(page: &Layout, e: &EventView, people: &HashMap<UserId, tawasul_core::api::ActorRef>) -> Shown {
    let text_of = |key: &str| e.data.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let text = match e.kind {
        EventKind::Comment => text_of("body"),
        EventKind::Created => page.t("event-created").to_owned(),
        EventKind::Assigned => {
            let who = e.data.get("assignee").and_then(|v| v.as_str()).and_then(|s| s.parse().ok()).map(UserId);
            match who.and_then(|u| people.get(&u)) {
                Some(a) => page.t_with("event-assigned", &[("name", Arg::Text(page.name(&a.name_ar, &a.name_en)))]),
                None => page.t("event-assigned-nobody").to_owned(),
            }
        }
        EventKind::StatusChanged => {
            let to = text_of("to");
            page.t_with("event-status_changed", &[("status", Arg::Text(page.t(&format!("status-{to}"))))])
        }
        EventKind::Attachment => {
            let size = e.data.get("size").and_then(|v| v.as_u64()).unwrap_or_default();
            let size = page.size(size);
            page.t_with("event-attachment", &[("name", Arg::Text(&text_of("name"))), ("size", Arg::Text(&size))])
        }
        EventKind::Voice => {
            let ms = e.data.get("duration_ms").and_then(|v| v.as_u64()).unwrap_or_default();
            // Whole seconds, as the browser's player counts them (at least one).
            let s = (ms / 1000).max(1);
            page.t_with("event-voice", &[("duration", Arg::Text(&format!("{}:{:02}", s / 60, s % 60)))])
        }
        EventKind::Rated => {
            let stars = e.data.get("stars").and_then(|v| v.as_i64()).unwrap_or_default();
            page.t_with("event-rated", &[("stars", Arg::Number(stars))])
        }
        EventKind::SlaWarning | EventKind::SlaBreached => {
            let target = page.t(&format!("sla-target-{}", text_of("target"))).to_owned();
            let hours = e.data.get("target_hours").and_then(|v| v.as_i64()).unwrap_or_default();
            page.t_with(&format!("event-{}", e.kind), &[("target", Arg::Text(&target)), ("hours", Arg::Number(hours))])
        }
        EventKind::Escalated => {
            let mut why = page.t(&format!("escalation-why-{}", text_of("why"))).to_owned();
            if e.data.get("level").and_then(|v| v.as_u64()) == Some(2) {
                why = format!("{why} {}", page.t("escalation-level-2"));
            }
            page.t_with("event-escalated", &[("why", Arg::Text(&why))])
        }
    };
    let who = e
        .actor
        .as_ref()
        .map_or_else(|| page.t("ui-platform").to_owned(), |a| page.name(&a.name_ar, &a.name_en).to_owned());
    let download = match e.kind {
        EventKind::Attachment => Some(format!("/attachments/{}", text_of("attachment_id"))),
        _ => None,
    };
    let file_name = (e.kind == EventKind::Attachment).then(|| text_of("name"));
    let voice = match e.kind {
        EventKind::Voice => {
            let waveform: Vec<u8> =
                e.data.get("waveform").and_then(|w| serde_json::from_value(w.clone()).ok()).unwrap_or_default();
            let duration_ms = e.data.get("duration_ms").and_then(|v| v.as_u64()).unwrap_or_default();
            Some(Player::of(&text_of("voice_id"), duration_ms, &waveform))
        }
        _ => None,
    };
    Shown {
        seq: e.seq,
        internal: e.visibility == Visibility::Internal,
        comment: e.kind == EventKind::Comment,
        who,
        text,
        at: e.at,
        download,
        file_name,
        voice,
    }
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    csrf: String,
}

#[post("/transactions/{id}/comments")]
pub async fn comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
    form: web::Form<CommentForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    let id = path.into_inner();
    // A beneficiary's reply is external; staff choose, and the choice is
    // theirs to make explicitly (no default that could leak a note).
    let visibility =
        if sees_internal(v.caller.actor()) { form.visibility.clone().unwrap_or_default() } else { "external".into() };
    let request = CommentRequest { visibility: Some(visibility), body: form.body.clone() };
    let done = async {
        let (visibility, body) = request.parse()?;
        state.app.act(&v.caller.account, id, Command::Comment { visibility, body }).await
    }
    .await;
    match done {
        Ok(_) => see_other(&format!("/transactions/{id}#timeline")),
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e.field_messages(layout.lang);
            let internal = form.visibility.as_deref() == Some("internal");
            or_error_page(transaction_page(&state, &v, layout, id, errors, form.body.clone(), internal).await)
        }
        Err(e) => error_page(layout, e),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    message: String,
    /// A date (`YYYY-MM-DD`): postponed until its start on Riyadh's clock.
    #[serde(default)]
    until: String,
    /// `assign`: the employee's id.
    #[serde(default)]
    employee: String,
    /// `rate`: 1 to 5, and an optional word.
    #[serde(default)]
    stars: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    csrf: String,
}

/// A step from the transaction page, read into the same command as the API's.
#[post("/transactions/{id}/steps/{step}")]
pub async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<(TransactionId, String)>,
    form: web::Form<StepForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    let (id, name) = path.into_inner();
    use crate::routes::transactions::{
        await_command, complete_command, postpone_command, rate_command, reject_command, reopen_command,
    };
    use tawasul_core::api::{CompleteRequest, MessageRequest, PostponeRequest, RateRequest, ReasonRequest};
    if name == "assign" {
        let done = match form.employee.parse::<UserId>() {
            Ok(employee) => state.app.assign(&v.caller.account, id, employee).await.map(|_| ()),
            Err(_) => Err(ApiError::field("employee", tawasul_core::ErrorCode::MissingField)),
        };
        return after_step(&state, &v, layout, id, &name, done).await;
    }
    let command = match name.as_str() {
        "complete" => complete_command(CompleteRequest { note: Some(form.note.clone()) }),
        "await" => await_command(MessageRequest { message: form.message.clone() }),
        "reject" => reject_command(ReasonRequest { reason: form.reason.clone() }),
        "reopen" => reopen_command(ReasonRequest { reason: form.reason.clone() }),
        "rate" => rate_command(RateRequest {
            stars: form.stars.trim().parse().unwrap_or_default(),
            comment: Some(form.comment.clone()).filter(|c| !c.trim().is_empty()),
        }),
        "postpone" => {
            let until = if form.until.is_empty() { String::new() } else { format!("{}T00:00:00+03:00", form.until) };
            postpone_command(PostponeRequest { until, reason: form.reason.clone() })
        }
        _ => Err(ApiError::new(tawasul_core::ErrorCode::NotFound)),
    };
    let done = match command {
        Ok(c) => state.app.act(&v.caller.account, id, c).await.map(|_| ()),
        Err(e) => Err(e),
    };
    after_step(&state, &v, layout, id, &name, done).await
}

/// Back to the transaction, or its page again with the step's refused
/// fields named (`<step>-<field>`, the ids of the step's inputs).
async fn after_step(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    id: TransactionId,
    name: &str,
    done: ApiResult<()>,
) -> HttpResponse {
    match done {
        Ok(()) => see_other(&format!("/transactions/{id}")),
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e.field_messages(layout.lang).into_iter().map(|(f, m)| (format!("{name}-{f}"), m)).collect();
            or_error_page(transaction_page(state, v, layout, id, errors, String::new(), false).await)
        }
        Err(e) => error_page(layout, e),
    }
}
