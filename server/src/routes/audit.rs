//! The audit trail: read it, and verify a chain (API.md "Statistics and
//! audit"). Who reads which entity's trail is `policy::audit_scope`.

use actix_web::{HttpResponse, get, web};
use tawasul_core::ErrorCode;
use tawasul_core::api::{AuditEntryView, AuditQuery, Page, VerifyQuery, VerifyView};
use tawasul_core::org::Actor;
use tawasul_core::policy::{AuditScope, audit_scope};
use tawasul_storage::audit::{self, AuditFilter, Chain};
use tawasul_storage::transactions::actor_refs;

use crate::auth::Caller;
use crate::body::Query;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Entries newest first, with the hashes that chain them.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditEntryView>),
    (status = 403, description = "Not an `audit.view` holder of the entity, nor a regulator with it in remit")))]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(entries(&state, caller.actor(), &query).await?))
}

/// One page of the trail entries `actor` may read that `query` asks for: the
/// read the API and the audit page share.
pub async fn entries(state: &AppState, actor: &Actor, query: &AuditQuery) -> ApiResult<Page<AuditEntryView>> {
    let requested = query.entity_id.as_deref().and_then(|s| s.parse().ok());
    let scope = audit_scope(actor, requested)?;
    let r = query.parse()?;
    let filter = AuditFilter {
        scope,
        actor: r.actor_id,
        action: r.action.map(|a| a.as_str().to_owned()),
        from: r.from,
        to: r.to,
    };
    let db = state.db.read();
    let (rows, more) = audit::list(db, &filter, r.before, r.limit).await?;
    let names = actor_refs(db, rows.iter().filter_map(|e| e.actor)).await?;
    let next_cursor = if more { rows.last().map(|e| e.id.to_string()) } else { None };
    let items = rows
        .into_iter()
        .map(|e| AuditEntryView {
            seq: e.seq,
            at: e.at,
            actor: e.actor.and_then(|a| names.get(&a).cloned()),
            entity_id: e.entity,
            client_address: e.address,
            action: e.action,
            target: e.target,
            before: e.before,
            after: e.after,
            hash: e.hash,
            prev_hash: e.prev_hash,
        })
        .collect();
    Ok(Page { items, next_cursor })
}

/// Recomputes one chain from its first entry: `ok: false` and the first entry
/// that does not match when anything was changed, removed or reordered.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", params(VerifyQuery), security(("bearer" = [])),
    responses((status = 200, body = VerifyView), (status = 403, description = "As for the listing"),
    (status = 422, description = "`entity_id` is needed: the caller reads several entities' trails")))]
#[get("/audit/verify")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<VerifyQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(verify(&state, caller.actor(), &query).await?))
}

/// Verifies the one chain `query` names within `actor`'s reach.
pub async fn verify(state: &AppState, actor: &Actor, query: &VerifyQuery) -> ApiResult<VerifyView> {
    let requested = query.entity_id.as_deref().and_then(|s| s.parse().ok());
    let scope = audit_scope(actor, requested)?;
    query.parse()?;
    let chain = match scope {
        AuditScope::Entities(ids) if ids.len() == 1 => Chain::Entity(ids[0]),
        AuditScope::Everything => Chain::Platform,
        _ => return Err(ApiError::field("entity_id", ErrorCode::MissingField)),
    };
    let v = audit::verify(state.db.read(), chain).await?;
    Ok(VerifyView {
        ok: v.first_bad_seq.is_none(),
        entries: v.entries,
        head_hash: v.head_hash,
        first_bad_seq: v.first_bad_seq,
    })
}
