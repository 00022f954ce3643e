//! Entities and their organisation: the directory, departments, employees,
//! transaction types.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{
    CreateDepartmentRequest, CreateEmployeeRequest, CreateEntityRequest, CreateTransactionTypeRequest, DepartmentView,
    EmployeeView, EntityCreated, EntitySummary, Page, PageQuery, TransactionTypeView,
};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize, authorize_staff_change};
use tawasul_storage::audit;
use tawasul_storage::{TransactionTrait, organisation, outbox};

use crate::auth::Caller;
use crate::body::{Json, Query};
use crate::credentials::{credentials_email, staff_password};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// 404 unless the entity exists. Entities are a public directory, so checking
/// after authorization reveals nothing.
async fn ensure_entity(state: &AppState, id: EntityId) -> ApiResult<()> {
    organisation::entity(state.db.read(), id).await?.map(|_| ()).ok_or(ApiError::new(ErrorCode::NotFound))
}

/// Registers an entity with its first admin.
#[utoipa::path(post, path = "/api/v1/entities", tag = "organisation", request_body = CreateEntityRequest, security(("bearer" = [])),
    responses((status = 201, body = EntityCreated), (status = 403, description = "Platform administrators only"),
    (status = 409, description = "Unified number or admin account already registered")))]
#[post("/entities")]
pub async fn create_entity(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateEntityRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateEntity)?;
    let e = body.parse()?;
    let password = staff_password(e.admin.initial_password.as_ref()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let (entity, admin) = organisation::create_entity(&tx, &e, &password.hash, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            Some(entity.id),
            AuditAction::EntityCreate,
            AuditTarget::Entity(entity.id),
        )
        .after(json!({ "name_ar": entity.name_ar, "name_en": entity.name_en, "kind": entity.kind, "admin": admin.id })),
        now,
    )
    .await?;
    if let Some(p) = &password.generated {
        let url = state.settings.public_url(state.settings.listen);
        outbox::enqueue(&tx, &credentials_email(&e.admin.email, &e.admin.name_ar, &e.admin.name_en, p, &url), now)
            .await?;
    }
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(HttpResponse::Created().json(EntityCreated { entity, admin }))
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
    body: Json<CreateDepartmentRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageDepartments(entity))?;
    ensure_entity(&state, entity).await?;
    let d = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let dept = organisation::create_department(&tx, entity, &d, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            Some(entity),
            AuditAction::DepartmentCreate,
            AuditTarget::Department(dept.id),
        )
        .after(json!(dept)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(dept))
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
    ensure_entity(&state, entity).await?;
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
    body: Json<CreateEmployeeRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageEmployees(entity))?;
    ensure_entity(&state, entity).await?;
    let e = body.parse()?;
    // Before the (slow) hash: a refused request costs nothing.
    let admins = organisation::active_admins(state.db.read(), entity).await?;
    authorize_staff_change(caller.actor(), None, &e.record(entity), admins)?;
    let password = staff_password(e.person.initial_password.as_ref()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let employee = organisation::create_employee(&tx, entity, &e, &password.hash, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            Some(entity),
            AuditAction::EmployeeCreate,
            AuditTarget::User(employee.id),
        )
        .after(json!({ "role": employee.role, "department_ids": employee.department_ids,
                                "grant": employee.grant, "revoke": employee.revoke })),
        now,
    )
    .await?;
    if let Some(generated) = &password.generated {
        let url = state.settings.public_url(state.settings.listen);
        let p = &e.person;
        outbox::enqueue(&tx, &credentials_email(&p.email, &p.name_ar, &p.name_en, generated, &url), now).await?;
    }
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(HttpResponse::Created().json(employee))
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
    body: Json<CreateTransactionTypeRequest>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageTransactionTypes(entity))?;
    ensure_entity(&state, entity).await?;
    let t = body.parse()?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let view = organisation::create_transaction_type(&tx, entity, &t, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            Some(entity),
            AuditAction::TransactionTypeCreate,
            AuditTarget::TransactionType(view.id),
        )
        .after(json!(view)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(view))
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
    ensure_entity(&state, entity).await?;
    let page = page.parse()?;
    Ok(HttpResponse::Ok().json(organisation::list_transaction_types(state.db.read(), entity, &page).await?))
}
