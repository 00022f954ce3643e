//! Entities and their organisation: the directory, departments, employees,
//! transaction types. Writes check who may act before reading the body, then
//! call their use case (`app::organisation`).

use actix_web::{HttpResponse, get, post, web};
use tawasul_core::api::{
    CreateDepartmentRequest, CreateEmployeeRequest, CreateEntityRequest, CreateTransactionTypeRequest, DepartmentView,
    EmployeeView, EntityCreated, EntitySummary, Page, PageQuery, TransactionTypeView,
};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::organisation;

use crate::app::organisation::ensure_entity;
use crate::auth::Caller;
use crate::body::{Deferred, Query};
use crate::error::ApiResult;
use crate::state::AppState;

/// Registers an entity with its first admin.
#[utoipa::path(post, path = "/api/v1/entities", tag = "organisation", request_body = CreateEntityRequest, security(("bearer" = [])),
    responses((status = 201, body = EntityCreated), (status = 403, description = "Platform administrators only"),
    (status = 409, description = "Unified number or admin account already registered")))]
#[post("/entities")]
pub async fn create_entity(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<CreateEntityRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateEntity)?;
    let e = body.parse()?.parse()?;
    Ok(state.app.create_entity(caller.actor(), &e).await?.respond())
}

/// The public directory of entities.
#[utoipa::path(get, path = "/api/v1/entities", tag = "organisation", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<EntitySummary>)))]
#[get("/entities")]
pub async fn list_entities(
    state: web::Data<AppState>,
    caller: Caller,
    page: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::ReadDirectory)?;
    let page = page.parse()?;
    Ok(HttpResponse::Ok().json(organisation::list_entities(state.db.read(), &page).await?))
}

/// Adds a department, optionally under a parent.
#[utoipa::path(post, path = "/api/v1/entities/{id}/departments", tag = "organisation", request_body = CreateDepartmentRequest,
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 201, body = DepartmentView), (status = 403, description = "Not an admin of this entity")))]
#[post("/entities/{id}/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    body: Deferred<CreateDepartmentRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageDepartments(entity))?;
    let d = body.parse()?.parse()?;
    Ok(state.app.create_department(caller.actor(), entity, &d).await?.respond())
}

/// The department tree as a flat list with `parent_id`.
#[utoipa::path(get, path = "/api/v1/entities/{id}/departments", tag = "organisation",
    params(("id" = String, Path, description = "Entity id"), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<DepartmentView>), (status = 403, description = "Not staff of this entity")))]
#[get("/entities/{id}/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    page: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ViewOrganisation(entity))?;
    ensure_entity(state.db.read(), entity).await?;
    let page = page.parse()?;
    Ok(HttpResponse::Ok().json(organisation::list_departments(state.db.read(), entity, &page).await?))
}

/// Adds an employee; without `initial_password` a generated one is e-mailed.
#[utoipa::path(post, path = "/api/v1/entities/{id}/employees", tag = "organisation", request_body = CreateEmployeeRequest,
    params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 201, body = EmployeeView),
    (status = 403, description = "Not allowed: `permission.denied`, `employee.admin_required` (an admin is created by an admin) or `permission.cannot_grant`"),
    (status = 409, description = "An account with these details exists")))]
#[post("/entities/{id}/employees")]
pub async fn create_employee(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    body: Deferred<CreateEmployeeRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageEmployees(entity))?;
    let e = body.parse()?.parse()?;
    Ok(state.app.create_employee(caller.actor(), entity, &e).await?.respond())
}

/// Defines a transaction type: its department, SLA, routing and custom fields.
#[utoipa::path(post, path = "/api/v1/entities/{id}/transaction-types", tag = "organisation",
    request_body = CreateTransactionTypeRequest, params(("id" = String, Path, description = "Entity id")), security(("bearer" = [])),
    responses((status = 201, body = TransactionTypeView), (status = 403, description = "Not an admin of this entity"),
    (status = 409, description = "The code is taken in this entity")))]
#[post("/entities/{id}/transaction-types")]
pub async fn create_transaction_type(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    body: Deferred<CreateTransactionTypeRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageTransactionTypes(entity))?;
    let t = body.parse()?.parse()?;
    Ok(state.app.create_transaction_type(caller.actor(), entity, &t).await?.respond())
}

/// An entity's transaction types, for anyone signed in.
#[utoipa::path(get, path = "/api/v1/entities/{id}/transaction-types", tag = "organisation",
    params(("id" = String, Path, description = "Entity id"), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<TransactionTypeView>)))]
#[get("/entities/{id}/transaction-types")]
pub async fn list_transaction_types(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    page: Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ReadDirectory)?;
    ensure_entity(state.db.read(), entity).await?;
    let page = page.parse()?;
    Ok(HttpResponse::Ok().json(organisation::list_transaction_types(state.db.read(), entity, &page).await?))
}
