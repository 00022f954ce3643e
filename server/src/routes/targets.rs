//! An entity's targets per indicator (the `004_…` index): read by those who
//! read its figures, set by the platform admin.

use actix_web::{HttpResponse, get, put, web};
use tawasul_core::api::{SetTargetsRequest, TargetsView};
use tawasul_core::ids::EntityId;
use tawasul_core::indicators::parse_targets;
use tawasul_core::policy::{Action, authorize, stats_scope};

use crate::app::organisation::ensure_entity;
use crate::auth::Caller;
use crate::body::Deferred;
use crate::error::ApiResult;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/entities/{id}/targets", tag = "statistics",
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 200, body = TargetsView), (status = 403, description = "Neither `stats.view` at this entity nor a regulator of it")))]
#[get("/entities/{id}/targets")]
pub async fn targets(state: web::Data<AppState>, caller: Caller, path: web::Path<EntityId>) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    stats_scope(caller.actor(), Some(entity))?;
    ensure_entity(state.db.read(), entity).await?;
    let set = tawasul_storage::targets::of(state.db.read(), &[entity]).await?.remove(&entity).unwrap_or_default();
    Ok(HttpResponse::Ok().json(TargetsView { entity_id: entity, targets: set }))
}

/// Replaces the entity's targets: `{"targets": {"completion_rate": 0.9,
/// "on_time_rate": 0.95, "rating": 4.5, "first_response_hours": 4,
/// "resolution_hours": 24}}` (any of them).
#[utoipa::path(put, path = "/api/v1/entities/{id}/targets", tag = "statistics", request_body = SetTargetsRequest,
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 200, body = TargetsView), (status = 403, description = "The platform admin only"),
    (status = 422, description = "A target out of its range or an unknown indicator, named `targets.<indicator>`")))]
#[put("/entities/{id}/targets")]
pub async fn set_targets(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    body: Deferred<SetTargetsRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::SetTargets(entity))?;
    let wanted = parse_targets(&body.parse()?.targets)?;
    Ok(state.app.set_targets(caller.actor(), entity, &wanted).await?.respond())
}
