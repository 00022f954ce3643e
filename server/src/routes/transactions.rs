//! Transactions: open, list, read, look up, timeline, comments, and the
//! lifecycle steps. Reads go through `visibility`; every write is a use case
//! of `crate::app`, which holds no HTTP and these routes no rules.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use tawasul_core::ErrorCode;
use tawasul_core::api::*;
use tawasul_core::ids::{TransactionId, UserId};
use tawasul_core::lifecycle::Command;
use tawasul_core::policy::{Action, TransactionAction, authorize, authorize_on_transaction};
use tawasul_core::visibility::{list_scope, sees_internal};
use tawasul_storage::outbox;
use tawasul_storage::transactions::{self as store, Stored};

use crate::auth::Caller;
use crate::body::{Deferred, Query};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The transaction if the caller may see it; otherwise 404, as if it did not exist.
pub(crate) async fn visible(state: &AppState, caller: &Caller, id: TransactionId) -> ApiResult<Stored> {
    crate::app::transactions::visible(state.db.read(), caller.actor(), id).await
}

/// Opens a transaction; it is routed at once.
#[utoipa::path(post, path = "/api/v1/transactions", tag = "transactions", request_body = CreateTransactionRequest,
    security(("bearer" = [])), responses((status = 201, body = TransactionView), (status = 403, description = "Beneficiaries only"),
    (status = 422, description = "A field is invalid")))]
#[post("/transactions")]
pub async fn create_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<CreateTransactionRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateTransaction)?;
    let t = body.parse()?.parse()?;
    let (_, answer) = state.app.open_transaction(&caller.account, &t).await?;
    Ok(answer.respond())
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
    let s = state.app.look_up(&caller.account, r, entity).await?;
    Ok(HttpResponse::Ok().json(store::view(state.db.read(), &s, Utc::now()).await?))
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
    let s = visible(&state, &caller, path.into_inner()).await?;
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
    let (s, mut events) = state.app.timeline(&caller.account, path.into_inner()).await?;
    if sees_internal(caller.actor()) {
        // Whether the people on it were told, and how: staff only.
        let mut by_seq: HashMap<u32, Vec<DeliveryView>> = HashMap::new();
        let mut deliveries = outbox::deliveries(state.db.read(), s.id()).await?;
        deliveries.extend(tawasul_storage::in_app::deliveries(state.db.read(), s.id()).await?);
        for d in deliveries {
            let view = DeliveryView { recipient: d.user, channel: d.channel.to_owned(), status: d.status };
            by_seq.entry(d.seq).or_default().push(view);
        }
        for e in &mut events {
            e.notifications = Some(by_seq.remove(&e.seq).unwrap_or_default());
        }
    }
    Ok(HttpResponse::Ok().json(events))
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
    body: Deferred<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    visible(&state, &caller, id).await?;
    let (visibility, body) = body.parse()?.parse()?;
    Ok(state.app.act(&caller.account, id, Command::Comment { visibility, body }).await?.respond())
}

/// The commands the steps' bodies ask for: one reading of each, for the API
/// and the pages.
pub(crate) fn postpone_command(b: PostponeRequest) -> ApiResult<Command> {
    let (until, reason) = b.parse(Utc::now())?;
    Ok(Command::Postpone { until, reason })
}

pub(crate) fn reopen_command(b: ReasonRequest) -> ApiResult<Command> {
    Ok(Command::Reopen { reason: parse_reason("reason", &b.reason)? })
}

pub(crate) fn rate_command(b: RateRequest) -> ApiResult<Command> {
    let (stars, comment) = b.parse()?;
    Ok(Command::Rate { stars, comment })
}

pub(crate) fn await_command(b: MessageRequest) -> ApiResult<Command> {
    Ok(Command::AwaitBeneficiary { message: parse_reason("message", &b.message)? })
}

pub(crate) fn complete_command(b: CompleteRequest) -> ApiResult<Command> {
    let note = match b.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => Some(parse_reason("note", n)?),
        None => None,
    };
    Ok(Command::Complete { note })
}

pub(crate) fn reject_command(b: ReasonRequest) -> ApiResult<Command> {
    Ok(Command::Reject { reason: parse_reason("reason", &b.reason)? })
}

/// Runs one lifecycle step and answers with the transaction as it now stands.
/// `action` is checked before the body is read.
async fn step<T: serde::de::DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    id: TransactionId,
    action: impl FnOnce(&Stored) -> TransactionAction,
    body: Deferred<T>,
    command: impl FnOnce(T) -> ApiResult<Command>,
) -> ApiResult<HttpResponse> {
    let s = visible(state, caller, id).await?;
    authorize_on_transaction(caller.actor(), &s.facts, action(&s))?;
    let command = command(body.parse()?)?;
    Ok(state.app.act(&caller.account, id, command).await?.respond())
}

/// Gives the transaction to an employee of its entity (`transaction.assign`).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/assign", tag = "transactions", params(("id" = String, Path)),
    request_body = AssignRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<AssignRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let s = visible(&state, &caller, id).await?;
    authorize_on_transaction(caller.actor(), &s.facts, TransactionAction::Assign)?;
    let employee: UserId =
        body.parse()?.employee_id.parse().map_err(|_| ApiError::field("employee_id", ErrorCode::InvalidField))?;
    Ok(state.app.assign(&caller.account, id, employee).await?.respond())
}

/// Puts the transaction off until a date, with a reason; the SLA clock pauses.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/postpone", tag = "transactions", params(("id" = String, Path)),
    request_body = PostponeRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/postpone")]
pub async fn postpone(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<PostponeRequest>,
) -> ApiResult<HttpResponse> {
    step(&state, &caller, path.into_inner(), |_| TransactionAction::Postpone, body, postpone_command).await
}

/// The assignee asks the beneficiary for something (also an external comment).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/await-beneficiary", tag = "transactions", params(("id" = String, Path)),
    request_body = MessageRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/await-beneficiary")]
pub async fn await_beneficiary(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<MessageRequest>,
) -> ApiResult<HttpResponse> {
    step(&state, &caller, path.into_inner(), |_| TransactionAction::AwaitBeneficiary, body, await_command).await
}

/// Completes the transaction, with an optional closing note to the beneficiary.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/complete", tag = "transactions", params(("id" = String, Path)),
    request_body = CompleteRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<CompleteRequest>,
) -> ApiResult<HttpResponse> {
    step(&state, &caller, path.into_inner(), |_| TransactionAction::Complete, body, complete_command).await
}

/// Rejects the transaction; the reason is required and shown to the beneficiary.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reject", tag = "transactions", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    step(&state, &caller, path.into_inner(), |_| TransactionAction::Reject, body, reject_command).await
}

/// Reopens a closed transaction: its beneficiary within 14 days, or a
/// supervisor. One with no assignee (rejected while new) is routed again.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reopen", tag = "transactions", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])), responses((status = 200, body = TransactionView)))]
#[post("/transactions/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    body: Deferred<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let action = move |s: &Stored| TransactionAction::Reopen { closed_at: s.closed_at, now };
    step(&state, &caller, path.into_inner(), action, body, reopen_command).await
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
    body: Deferred<RateRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let s = visible(&state, &caller, id).await?;
    authorize_on_transaction(caller.actor(), &s.facts, TransactionAction::Rate)?;
    let command = rate_command(body.parse()?)?;
    Ok(state.app.act(&caller.account, id, command).await?.respond())
}
