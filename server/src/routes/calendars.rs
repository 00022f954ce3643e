//! An entity's working calendar, in which its service levels are counted:
//! read by whoever sees its organisation, set by its admins.

use actix_web::{HttpResponse, get, put, web};
use tawasul_core::api::CalendarView;
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};

use crate::app::organisation::ensure_entity;
use crate::auth::Caller;
use crate::body::Deferred;
use crate::error::ApiResult;
use crate::state::AppState;

/// The entity's calendar (the platform's default until its admins set one).
#[utoipa::path(get, path = "/api/v1/entities/{id}/calendar", tag = "organisation",
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 200, body = CalendarView), (status = 403, description = "Not staff of this entity, nor a regulator of it")))]
#[get("/entities/{id}/calendar")]
pub async fn calendar(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ViewOrganisation(entity))?;
    ensure_entity(state.db.read(), entity).await?;
    let c = tawasul_storage::calendars::of(state.db.read(), entity).await?;
    Ok(HttpResponse::Ok().json(CalendarView::from(&c)))
}

/// Sets the entity's working week, hours, time zone and holidays. Due times
/// set from now on follow it.
#[utoipa::path(put, path = "/api/v1/entities/{id}/calendar", tag = "organisation", request_body = CalendarView,
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 200, body = CalendarView), (status = 403, description = "The entity's admins only"),
    (status = 422, description = "A field named wrong: `calendar.no_working_day`, `calendar.invalid_hours`, …")))]
#[put("/entities/{id}/calendar")]
pub async fn set_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    body: Deferred<CalendarView>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageCalendar(entity))?;
    let c = body.parse()?.parse()?;
    Ok(state.app.set_calendar(caller.actor(), entity, &c).await?.respond())
}
