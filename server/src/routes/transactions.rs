//! Transactions: open, list, read, look up, timeline, comments, and the
//! lifecycle steps. Every read goes through `visibility`; every step through the
//! one transition function and the policy.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tawasul_core::ErrorCode;
use tawasul_core::api::*;
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{TransactionId, UserId};
use tawasul_core::policy::{Action, TransactionAction, authorize, authorize_on_transaction};
use tawasul_core::visibility::{TransactionFacts, Visibility, can_view, list_scope, sees_internal};
use tawasul_core::workflow::{Status, Step, transition};
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::transactions::{self as store, Changes, LoggedEvent, Stored};
use tawasul_storage::{ConnectionTrait, TransactionTrait, organisation};

use crate::auth::Caller;
use crate::body::{Json, Query};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The transaction if the caller may see it; otherwise 404, as if it did not exist.
pub(crate) async fn visible(c: &impl ConnectionTrait, caller: &Caller, id: TransactionId) -> ApiResult<Stored> {
    let s = store::find(c, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    if can_view(caller.actor(), &s.facts) { Ok(s) } else { Err(ApiError::new(ErrorCode::NotFound)) }
}

fn next_status(from: Status, step: Step) -> ApiResult<Status> {
    transition(from, step).map_err(|e| {
        ApiError::new(ErrorCode::IllegalTransition)
            .with_details(json!({ "status": e.from, "action": format!("{:?}", e.step) }))
    })
}

/// The transaction as it stands after a committed change. Read through the
/// reader pool: the commit is done, so a new read sees it, and the writer
/// (SQLite's one connection) stays free for writes.
async fn respond_view(state: &AppState, id: TransactionId, status: u16) -> ApiResult<HttpResponse> {
    let s = store::find(state.db.read(), id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    let view = store::view(state.db.read(), &s, Utc::now()).await?;
    Ok(if status == 201 { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

/// Opens a transaction; it is routed at once.
#[utoipa::path(post, path = "/api/v1/transactions", tag = "transactions", request_body = CreateTransactionRequest,
    security(("bearer" = [])), responses((status = 201, body = TransactionView), (status = 403, description = "Beneficiaries only"),
    (status = 422, description = "A field is invalid")))]
#[post("/transactions")]
pub async fn create_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateTransactionRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateTransaction)?;
    let t = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let (s, events) = store::create(&tx, caller.actor().user_id, &t, now).await?;
    audit::append(
        &tx,
        AuditEntry::new(
            Some(caller.actor().user_id),
            Some(t.entity_id),
            AuditAction::TransactionCreate,
            AuditTarget::Transaction(s.id()),
        )
        .after(json!({ "type_id": t.type_id, "status": s.status, "assignee": s.facts.assignee_id })),
        now,
    )
    .await?;
    tx.commit().await?;
    state.realtime.publish(&s.facts, &events, Some(&caller.actor_ref()));
    Ok(HttpResponse::Created().json(store::view(state.db.read(), &s, now).await?))
}

/// Transactions the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/transactions", tag = "transactions", params(TransactionListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<TransactionView>)))]
#[get("/transactions")]
pub async fn list_transactions(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<TransactionListQuery>,
) -> ApiResult<HttpResponse> {
    let (filter, page) = query.parse()?;
    let scope = list_scope(caller.actor());
    let page = store::list(state.db.read(), &scope, caller.actor().user_id, &filter, &page, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Finds a transaction by its reference number.
#[utoipa::path(get, path = "/api/v1/transactions/lookup", tag = "transactions", params(LookupQuery), security(("bearer" = [])),
    responses((status = 200, body = TransactionView), (status = 404, description = "No such transaction visible to you"),
    (status = 409, description = "`transaction.reference_ambiguous`: the caller has this reference at several entities; `details.entities` lists them, and `entity_id` chooses")))]
#[get("/transactions/lookup")]
pub async fn lookup_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<LookupQuery>,
) -> ApiResult<HttpResponse> {
    let (r, entity) = query.parse()?;
    let db = state.db.read();
    let mut found: Vec<Stored> = store::find_by_reference(db, r)
        .await?
        .into_iter()
        .filter(|s| can_view(caller.actor(), &s.facts) && entity.is_none_or(|e| s.facts.entity_id == e))
        .collect();
    if found.len() > 1 {
        // One reference per entity and year: several matches are several
        // entities, and guessing among them would show the wrong one.
        let mut matches = Vec::with_capacity(found.len());
        for s in &found {
            let e = organisation::entity(db, s.facts.entity_id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
            matches.push(ReferenceMatch { entity_id: e.id, name_ar: e.name_ar, name_en: e.name_en });
        }
        return Err(ApiError::new(ErrorCode::ReferenceAmbiguous).with_details(json!({ "entities": matches })));
    }
    let s = found.pop().ok_or(ApiError::new(ErrorCode::NotFound))?;
    Ok(HttpResponse::Ok().json(store::view(db, &s, Utc::now()).await?))
}

/// One transaction.
#[utoipa::path(get, path = "/api/v1/transactions/{id}", tag = "transactions", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = TransactionView), (status = 404, description = "Not visible to you")))]
#[get("/transactions/{id}")]
pub async fn get_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
) -> ApiResult<HttpResponse> {
    let s = visible(state.db.read(), &caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(store::view(state.db.read(), &s, Utc::now()).await?))
}

/// Events oldest first; a beneficiary's timeline has no internal event at all.
#[utoipa::path(get, path = "/api/v1/transactions/{id}/timeline", tag = "transactions", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = Vec<EventView>), (status = 404, description = "Not visible to you")))]
#[get("/transactions/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
) -> ApiResult<HttpResponse> {
    let s = visible(state.db.read(), &caller, path.into_inner()).await?;
    let events = store::events(state.db.read(), s.id(), sees_internal(caller.actor())).await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Loads a visible transaction inside `tx` and checks that the caller may act.
pub(crate) async fn for_action(
    tx: &impl ConnectionTrait,
    caller: &Caller,
    id: TransactionId,
    action: impl FnOnce(&Stored) -> TransactionAction,
) -> ApiResult<Stored> {
    let s = visible(tx, caller, id).await?;
    authorize_on_transaction(caller.actor(), &s.facts, action(&s))?;
    Ok(s)
}

/// Audits an action that wrote `events` on a transaction: which events (seq,
/// kind, visibility), never their content, which the event log keeps.
pub(crate) async fn audit_written(
    tx: &impl ConnectionTrait,
    caller: &Caller,
    s: &Stored,
    action: AuditAction,
    events: &[LoggedEvent],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let written: Vec<Value> =
        events.iter().map(|e| json!({ "seq": e.seq, "kind": e.kind, "visibility": e.visibility })).collect();
    let entry = AuditEntry::new(
        Some(caller.actor().user_id),
        Some(s.facts.entity_id),
        action,
        AuditTarget::Transaction(s.id()),
    )
    .before(json!({ "status": s.status }))
    .after(json!({ "events": written }));
    audit::append(tx, entry, now).await?;
    Ok(())
}

/// The status a comment moves the transaction to, if any: the assignee's first
/// external word starts the work; the beneficiary's answer ends the wait.
fn comment_step(caller: &Caller, s: &Stored, v: Visibility) -> Option<Step> {
    let me = caller.actor().user_id;
    match (s.status, v) {
        (Status::AwaitingBeneficiary, Visibility::External) if s.facts.beneficiary_id == me => {
            Some(Step::BeneficiaryReplied)
        }
        (Status::Assigned | Status::Reopened, Visibility::External) if s.facts.assignee_id == Some(me) => {
            Some(Step::Start)
        }
        (Status::Postponed, Visibility::External) if s.facts.assignee_id == Some(me) => Some(Step::Resume),
        _ => None,
    }
}

/// Writes a comment and the status change it causes, in the caller's
/// transaction; returns the events written, the comment first.
async fn write_comment(
    tx: &impl ConnectionTrait,
    caller: &Caller,
    s: &Stored,
    v: Visibility,
    body: &str,
    now: DateTime<Utc>,
) -> ApiResult<Vec<LoggedEvent>> {
    let me = caller.actor().user_id;
    let mut events = vec![store::append_event(tx, s.id(), "comment", v, Some(me), json!({ "body": body }), now).await?];
    if let Some(step) = comment_step(caller, s, v) {
        let to = next_status(s.status, step)?;
        store::apply(tx, s, Changes::resuming(s, to, now)).await?;
        events.push(store::set_status(tx, s, to, Some(me), json!({}), now).await?);
    }
    Ok(events)
}

/// Comments on a transaction: `external` (the beneficiary sees it) or `internal`
/// (staff only; needs `comment.internal`).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/comments", tag = "transactions", params(("id" = String, Path)),
    request_body = CommentRequest, security(("bearer" = [])),
    responses((status = 201, body = EventView), (status = 403, description = "Not allowed"), (status = 404, description = "Not visible")))]
#[post("/transactions/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let (v, text) = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let s = for_action(&tx, &caller, path.into_inner(), |_| TransactionAction::Comment(v)).await?;
    if s.status.is_closed() {
        return Err(ApiError::new(ErrorCode::IllegalTransition));
    }
    let events = write_comment(&tx, &caller, &s, v, &text, now).await?;
    audit_written(&tx, &caller, &s, AuditAction::TransactionComment, &events, now).await?;
    tx.commit().await?;
    let me = caller.actor_ref();
    state.realtime.publish(&s.facts, &events, Some(&me));
    Ok(HttpResponse::Created().json(events[0].view(Some(me))))
}

/// Runs one lifecycle step: authorize, transition, apply, record, audit.
#[allow(clippy::too_many_arguments)]
async fn step(
    state: &AppState,
    caller: &Caller,
    id: TransactionId,
    action: impl FnOnce(&Stored) -> TransactionAction,
    step: Step,
    changes: impl FnOnce(&Stored, Status, DateTime<Utc>) -> Changes,
    event: Value,
    extra_event: Option<(&str, Visibility, Value)>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let s = for_action(&tx, caller, id, action).await?;
    let to = next_status(s.status, step)?;
    let me = caller.actor().user_id;
    let mut events = Vec::with_capacity(2);
    if let Some((kind, visibility, data)) = extra_event {
        events.push(store::append_event(&tx, s.id(), kind, visibility, Some(me), data, now).await?);
    }
    let changes = changes(&s, to, now);
    let facts = changes.facts_after(&s.facts);
    store::apply(&tx, &s, changes).await?;
    if to != s.status {
        events.push(store::set_status(&tx, &s, to, Some(me), event.clone(), now).await?);
    }
    audit::append(
        &tx,
        AuditEntry::new(
            Some(me),
            Some(s.facts.entity_id),
            AuditAction::TransactionStep,
            AuditTarget::Transaction(s.id()),
        )
        .before(json!({ "status": s.status, "assignee": s.facts.assignee_id }))
        .after(json!({ "status": to, "step": format!("{step:?}"), "data": event })),
        now,
    )
    .await?;
    tx.commit().await?;
    state.realtime.publish(&facts, &events, Some(&caller.actor_ref()));
    respond_view(state, id, 200).await
}

fn external_comment(text: &str) -> (&'static str, Visibility, Value) {
    ("comment", Visibility::External, json!({ "body": text }))
}

/// Gives the transaction to an employee of its entity (`transaction.assign`).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/assign", tag = "transactions", params(("id" = String, Path)),
    request_body = AssignRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<AssignRequest>,
) -> ApiResult<HttpResponse> {
    let employee: UserId =
        body.employee_id.parse().map_err(|_| ApiError::field("employee_id", ErrorCode::InvalidField))?;
    let id = path.into_inner();
    let entity = visible(state.db.read(), &caller, id).await?.facts.entity_id;
    if !store::assignable(state.db.read(), employee, entity).await? {
        return Err(ApiError::field("employee_id", ErrorCode::InvalidField));
    }
    let changes =
        move |_: &Stored, _: Status, _: DateTime<Utc>| Changes { assignee: Some(employee), ..Changes::default() };
    let assigned = ("assigned", Visibility::Internal, json!({ "assignee": employee, "reason": "manual" }));
    step(
        &state,
        &caller,
        id,
        |_| TransactionAction::Assign,
        Step::Assign,
        changes,
        json!({ "assignee": employee }),
        Some(assigned),
    )
    .await
}

/// Puts the transaction off until a date, with a reason; the SLA clock pauses.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/postpone", tag = "transactions", params(("id" = String, Path)),
    request_body = PostponeRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/postpone")]
pub async fn postpone(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<PostponeRequest>,
) -> ApiResult<HttpResponse> {
    let (until, reason) = body.parse(Utc::now())?;
    let changes = move |_: &Stored, _: Status, now: DateTime<Utc>| Changes {
        postponed_until: Some(Some(until)),
        paused_at: Some(Some(now)),
        ..Changes::default()
    };
    let event = json!({ "until": until, "reason": reason });
    step(&state, &caller, path.into_inner(), |_| TransactionAction::Postpone, Step::Postpone, changes, event, None)
        .await
}

/// The assignee asks the beneficiary for something (also an external comment).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/await-beneficiary", tag = "transactions", params(("id" = String, Path)),
    request_body = MessageRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/await-beneficiary")]
pub async fn await_beneficiary(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<MessageRequest>,
) -> ApiResult<HttpResponse> {
    let message = parse_reason("message", &body.message)?;
    let id = path.into_inner();
    step(
        &state,
        &caller,
        id,
        |_| TransactionAction::AwaitBeneficiary,
        Step::AwaitBeneficiary,
        Changes::resuming,
        json!({}),
        Some(external_comment(&message)),
    )
    .await
}

/// Completes the transaction, with an optional closing note to the beneficiary.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/complete", tag = "transactions", params(("id" = String, Path)),
    request_body = CompleteRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<CompleteRequest>,
) -> ApiResult<HttpResponse> {
    let note = match body.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => Some(parse_reason("note", n)?),
        None => None,
    };
    let id = path.into_inner();
    step(
        &state,
        &caller,
        id,
        |_| TransactionAction::Complete,
        Step::Complete,
        Changes::resuming,
        json!({}),
        note.as_deref().map(external_comment),
    )
    .await
}

/// Rejects the transaction; the reason is required and shown to the beneficiary.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reject", tag = "transactions", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = parse_reason("reason", &body.reason)?;
    let id = path.into_inner();
    step(
        &state,
        &caller,
        id,
        |_| TransactionAction::Reject,
        Step::Reject,
        Changes::resuming,
        json!({ "reason": reason }),
        None,
    )
    .await
}

/// Reopens a closed transaction: its beneficiary within 14 days, or a supervisor.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reopen", tag = "transactions", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = parse_reason("reason", &body.reason)?;
    let now = Utc::now();
    let id = path.into_inner();
    let action = move |s: &Stored| TransactionAction::Reopen { closed_at: s.closed_at, now };
    let reason = json!({ "reason": reason });
    step(&state, &caller, id, action, Step::Reopen, |_, _, _| Changes::default(), reason, None).await?;
    route_if_unassigned(&state, id).await?;
    respond_view(&state, id, 200).await
}

/// A transaction reopened without an assignee (it was rejected while new) goes
/// through routing again, like a new one.
async fn route_if_unassigned(state: &AppState, id: TransactionId) -> ApiResult<()> {
    let tx = state.db.write().begin().await?;
    let Some(s) = store::find(&tx, id).await? else { return Ok(()) };
    if s.facts.assignee_id.is_none() && s.status == Status::Reopened {
        let now = Utc::now();
        if let Some((decision, assigned)) = store::route_unassigned(&tx, &s, now).await? {
            let status = store::set_status(&tx, &s, next_status(s.status, Step::Assign)?, None, json!({}), now).await?;
            tx.commit().await?;
            let facts = TransactionFacts { assignee_id: Some(decision.assignee), ..s.facts };
            state.realtime.publish(&facts, &[assigned, status], None);
            return Ok(());
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The beneficiary rates a closed transaction, once, 1 to 5 stars.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/rate", tag = "transactions", params(("id" = String, Path)),
    request_body = RateRequest, security(("bearer" = [])), responses((status = 201, body = EventView),
    (status = 409, description = "Not closed, or already rated")))]
#[post("/transactions/{id}/rate")]
pub async fn rate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Json<RateRequest>,
) -> ApiResult<HttpResponse> {
    let (stars, remark) = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let s = for_action(&tx, &caller, path.into_inner(), |_| TransactionAction::Rate).await?;
    next_status(s.status, Step::Rate)?;
    if s.rated {
        return Err(ApiError::new(ErrorCode::AlreadyRated));
    }
    store::apply(&tx, &s, Changes { rating: Some((stars, remark.clone())), ..Changes::default() }).await?;
    let data = json!({ "stars": stars, "comment": remark });
    let event =
        store::append_event(&tx, s.id(), "rated", Visibility::External, Some(caller.actor().user_id), data, now)
            .await?;
    audit_written(&tx, &caller, &s, AuditAction::TransactionRate, std::slice::from_ref(&event), now).await?;
    tx.commit().await?;
    let me = caller.actor_ref();
    state.realtime.publish(&s.facts, std::slice::from_ref(&event), Some(&me));
    Ok(HttpResponse::Created().json(event.view(Some(me))))
}
