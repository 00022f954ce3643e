//! Changing an employee: departments, role, grants and revokes, active, leave.

use actix_web::{HttpResponse, patch, web};
use tawasul_core::api::{EmployeeChanges, EmployeeView, UpdateEmployeeRequest};
use tawasul_core::ids::UserId;
use tawasul_core::org::Actor;

use crate::app::Answer;
use crate::auth::Caller;
use crate::body::Deferred;
use crate::error::ApiResult;
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
    body: Deferred<UpdateEmployeeRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    // Who may see the employee depends on them as stored: the use case
    // parses the body once that is settled.
    let changes = move || Ok(body.parse()?.parse()?);
    Ok(change(&state, caller.actor(), id, changes).await?.respond())
}

/// Changes an employee through the use case; the change reaches the
/// employee's open connections and every node's session cache at once (the
/// API and the admin pages): a name shown on the next comment is the new one.
pub async fn change(
    state: &AppState,
    by: &Actor,
    id: UserId,
    changes: impl FnOnce() -> ApiResult<EmployeeChanges> + Send + 'static,
) -> ApiResult<Answer> {
    let answer = state.app.update_employee(by, id, changes).await?;
    state.realtime.signal(id, AccountSignal::Changed);
    Ok(answer)
}
