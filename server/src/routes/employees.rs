//! Changing an employee: departments, role, grants and revokes, active, leave.

use actix_web::{HttpResponse, patch, web};
use chrono::Utc;
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{EmployeeView, UpdateEmployeeRequest};
use tawasul_core::ids::UserId;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::{TransactionTrait, organisation};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Changes an employee. An employee of another entity is 404, as if absent.
#[utoipa::path(patch, path = "/api/v1/employees/{id}", tag = "organisation", request_body = UpdateEmployeeRequest,
    params(("id" = String, Path, description = "Employee id")), security(("bearer" = [])),
    responses((status = 200, body = EmployeeView), (status = 404, description = "No such employee in your entity")))]
#[patch("/employees/{id}")]
pub async fn update_employee(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<UserId>,
    body: web::Json<UpdateEmployeeRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let changes = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let before = organisation::employee(&tx, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    authorize(caller.actor(), Action::ManageEmployees(before.entity_id))
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    let after = organisation::update_employee(&tx, id, before.entity_id, &changes, now).await?;
    audit::append(
        &tx,
        AuditEntry::new(Some(caller.actor().user_id), Some(before.entity_id), "employee.update", format!("user:{id}"))
            .before(json!(before))
            .after(json!(after)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(after))
}
