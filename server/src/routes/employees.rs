//! Changing an employee: departments, role, grants and revokes, active, leave.

use actix_web::{HttpResponse, patch, web};
use chrono::Utc;
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{EmployeeView, UpdateEmployeeRequest};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::UserId;
use tawasul_core::policy::{Action, authorize, authorize_staff_change};
use tawasul_storage::audit;
use tawasul_storage::{TransactionTrait, organisation, sessions};

use crate::auth::Caller;
use crate::body::Json;
use crate::error::{ApiError, ApiResult};
use crate::realtime::bus::AccountSignal;
use crate::state::AppState;

/// Changes an employee, as far as the rule of who may change whom allows
/// (`tawasul_core::policy::authorize_staff_change`). An employee of another
/// entity is 404, as if absent; one the caller may see but not change is 403.
/// A change of standing reaches the employee's open connections at once: a
/// deactivated account is signed out, a narrower one sees less.
#[utoipa::path(patch, path = "/api/v1/employees/{id}", tag = "organisation", request_body = UpdateEmployeeRequest,
    params(("id" = String, Path, description = "Employee id")), security(("bearer" = [])),
    responses((status = 200, body = EmployeeView),
    (status = 403, description = "Not allowed: `permission.denied`, `employee.cannot_change_self`, `employee.admin_required` or `permission.cannot_grant`"),
    (status = 404, description = "No such employee in your entity"),
    (status = 409, description = "`employee.last_admin`: the entity would be left without an active admin")))]
#[patch("/employees/{id}")]
pub async fn update_employee(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<UserId>,
    body: Json<UpdateEmployeeRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let not_found = || ApiError::new(ErrorCode::NotFound);
    let entity = organisation::employee(&tx, id).await?.ok_or_else(not_found)?.entity_id;
    authorize(caller.actor(), Action::ViewOrganisation(entity)).map_err(|_| not_found())?;
    let changes = body.parse()?;
    // Read again under the entity's lock: two admins changing each other at
    // once must not both count the other as the one who remains.
    organisation::lock_entity(&tx, entity).await?;
    let before = organisation::employee(&tx, id).await?.ok_or_else(not_found)?;
    let admins = organisation::active_admins(&tx, entity).await?;
    let was = before.record();
    let will_be = changes.apply(&was);
    authorize_staff_change(caller.actor(), Some(&was), &will_be, admins)?;
    let after = organisation::update_employee(&tx, id, entity, &changes, now).await?;
    if was.active && !will_be.active {
        // Signed out everywhere: reactivated, they sign in anew.
        sessions::revoke_all_sessions(&tx, id, now).await?;
    }
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            Some(entity),
            AuditAction::EmployeeUpdate,
            AuditTarget::User(id),
        )
        .before(json!(before))
        .after(json!(after)),
        now,
    )
    .await?;
    tx.commit().await?;
    if was.standing_differs(&will_be) {
        state.realtime.signal(id, AccountSignal::Changed);
    }
    Ok(HttpResponse::Ok().json(after))
}
