//! The entity's employees: the list, adding one (the sign-in details are
//! e-mailed), and changing one — departments, role, permissions, leave,
//! deactivation. What may be changed, and by whom, is
//! `policy::authorize_staff_change`, asked by the use case.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use tawasul_core::api::{CreateEmployeeRequest, EmployeeView, UpdateEmployeeRequest};
use tawasul_core::ids::{DepartmentId, EntityId, UserId};
use tawasul_core::permissions::{Permission, StaffRole};
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::organisation;

use super::{Placed, Posted, department_tree, entity_of, field_errors};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::web::layout::Layout;
use crate::web::session::Visitor;
use crate::web::{error_page, html, see_other, signed_in, signed_in_form};

#[derive(Template)]
#[template(path = "admin_employees.html")]
struct Employees {
    page: Layout,
    entity: EntityId,
    rows: Vec<Row>,
    tree: Vec<Placed>,
    /// The form's values after a refusal.
    posted: Posted,
    errors: Vec<(String, &'static str)>,
    /// The one just added, named in a notice.
    added: Option<String>,
}

struct Row {
    e: EmployeeView,
    departments: String,
}

impl Employees {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(serde::Deserialize)]
pub struct Which {
    entity: Option<EntityId>,
    added: Option<UserId>,
}

fn forbidden() -> ApiError {
    ApiError::new(tawasul_core::ErrorCode::Forbidden)
}

/// Department names, joined, in the page's language.
fn names_of(tree: &[Placed], ids: &[DepartmentId], page: &Layout) -> String {
    let by_id: HashMap<_, _> = tree.iter().map(|p| (p.d.id, page.name(&p.d.name_ar, &p.d.name_en))).collect();
    ids.iter().filter_map(|d| by_id.get(d).copied()).collect::<Vec<_>>().join("، ")
}

async fn render_list(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    entity: Option<EntityId>,
    posted: Posted,
    errors: Vec<(String, &'static str)>,
    added: Option<UserId>,
) -> HttpResponse {
    let loaded = async {
        let entity = entity.ok_or_else(forbidden)?;
        authorize(v.caller.actor(), Action::ManageEmployees(entity))?;
        let staff = organisation::list_employees(state.db.read(), entity).await?;
        ApiResult::Ok((entity, staff, department_tree(state, entity).await?))
    }
    .await;
    let (entity, staff, tree) = match loaded {
        Ok(l) => l,
        Err(e) => return error_page(layout, e),
    };
    let added =
        added.and_then(|id| staff.iter().find(|e| e.id == id)).map(|e| layout.name(&e.name_ar, &e.name_en).to_owned());
    let rows = staff.into_iter().map(|e| Row { departments: names_of(&tree, &e.department_ids, &layout), e }).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    html(status, &Employees { page: layout.titled("ui-admin-employees"), entity, rows, tree, posted, errors, added })
}

#[get("/admin/employees")]
pub async fn employees(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<Which>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let fresh = Posted(vec![("role".into(), "employee".into())]);
    render_list(&state, &v, layout, entity_of(&v, q.entity), fresh, vec![], q.added).await
}

#[post("/admin/employees")]
pub async fn add_employee(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    let entity = entity_of(&v, posted.one("entity").parse().ok());
    // No password on the form: a generated one is e-mailed to the employee.
    let request = CreateEmployeeRequest {
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        email: posted.one("email"),
        mobile: posted.one("mobile"),
        national_id: posted.one("national_id"),
        department_ids: posted.all("department_ids"),
        role: posted.one("role"),
        grant: None,
        revoke: None,
        initial_password: None,
    };
    let added = async {
        let entity = entity.ok_or_else(forbidden)?;
        authorize(v.caller.actor(), Action::ManageEmployees(entity))?;
        let e = request.parse()?;
        let answer = state.app.create_employee(v.caller.actor(), entity, &e).await?;
        ApiResult::Ok((entity, answer.body["id"].as_str().unwrap_or_default().to_owned()))
    }
    .await;
    match added {
        Ok((entity, id)) => see_other(&format!("/admin/employees?entity={entity}&added={id}")),
        Err(e) => match field_errors(e, layout.lang, "email") {
            Ok(errors) => render_list(&state, &v, layout, entity, posted, errors, None).await,
            Err(e) => error_page(layout, e),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_employee.html")]
struct Employee {
    page: Layout,
    entity: EntityId,
    e: EmployeeView,
    tree: Vec<Placed>,
    roles: Vec<(&'static str, bool)>,
    /// Every permission, and whether the employee holds it (or, after a
    /// refusal, whether the form said so).
    permissions: Vec<(&'static str, bool)>,
    departments: Vec<DepartmentId>,
    active: bool,
    leave: String,
    errors: Vec<(String, &'static str)>,
    saved: bool,
}

impl Employee {
    fn in_department(&self, d: &DepartmentId) -> bool {
        self.departments.contains(d)
    }

    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

async fn render_one(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    id: UserId,
    posted: Option<&Posted>,
    errors: Vec<(String, &'static str)>,
    saved: bool,
) -> HttpResponse {
    let loaded = async {
        let e = organisation::employee(state.db.read(), id)
            .await?
            .ok_or_else(|| ApiError::new(tawasul_core::ErrorCode::NotFound))?;
        // Another entity's employee is not found, as in the API.
        authorize(v.caller.actor(), Action::ManageEmployees(e.entity_id))
            .map_err(|_| ApiError::new(tawasul_core::ErrorCode::NotFound))?;
        let tree = department_tree(state, e.entity_id).await?;
        ApiResult::Ok((e, tree))
    }
    .await;
    let (e, tree) = match loaded {
        Ok(l) => l,
        Err(err) => return error_page(layout, err),
    };
    let role = posted.map(|p| p.one("role")).unwrap_or_else(|| e.role.as_str().to_owned());
    let held = |p: Permission| match posted {
        Some(f) => f.all("permissions").iter().any(|v| v == p.as_str()),
        None => e.permissions.contains(&p),
    };
    let page = Employee {
        entity: e.entity_id,
        roles: StaffRole::ALL.iter().map(|r| (r.as_str(), r.as_str() == role)).collect(),
        permissions: Permission::ALL.iter().map(|p| (p.as_str(), held(*p))).collect(),
        departments: match posted {
            Some(f) => f.all("department_ids").iter().filter_map(|d| d.parse().ok()).collect(),
            None => e.department_ids.clone(),
        },
        active: posted.map(|f| f.one("active") == "1").unwrap_or(e.active),
        leave: match posted {
            Some(f) => f.one("on_leave_until"),
            None => e.on_leave_until.map(tawasul_core::dates::form_day).unwrap_or_default(),
        },
        page: layout.titled("ui-admin-employee"),
        e,
        tree,
        errors,
        saved,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    html(status, &page)
}

#[get("/admin/employees/{id}")]
pub async fn employee(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<UserId>,
    q: web::Query<Saved>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    render_one(&state, &v, layout, path.into_inner(), None, vec![], q.saved.is_some()).await
}

/// The form's changes as the API's request: the whole standing is sent, the
/// permissions ticked become the role's defaults plus grants minus revokes.
/// A new role starts from its own defaults: the ticks showed the old role's.
fn changes_of(posted: &Posted) -> UpdateEmployeeRequest {
    let ticked: Vec<String> = posted.all("permissions");
    let role = posted.one("role");
    let defaults = StaffRole::parse(&role).map(StaffRole::default_permissions).unwrap_or_default();
    let (grant, revoke) = if role != posted.one("role_was") {
        (vec![], vec![])
    } else {
        let grant =
            ticked.iter().filter(|p| Permission::parse(p).is_ok_and(|p| !defaults.contains(p))).cloned().collect();
        let revoke = defaults
            .to_vec()
            .into_iter()
            .filter(|p| !ticked.iter().any(|t| t == p.as_str()))
            .map(|p| p.as_str().to_owned())
            .collect();
        (grant, revoke)
    };
    let leave = posted.one("on_leave_until");
    UpdateEmployeeRequest {
        department_ids: Some(posted.all("department_ids")),
        role: Some(role),
        grant: Some(grant),
        revoke: Some(revoke),
        active: Some(posted.one("active") == "1"),
        // A day on the form: on leave until the start of it, in Riyadh time.
        on_leave_until: Some(crate::web::given(&leave).map(|d| tawasul_core::dates::form_day_start(&d))),
    }
}

#[post("/admin/employees/{id}")]
pub async fn change_employee(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<UserId>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    let id = path.into_inner();
    let request = changes_of(&posted);
    let changes = move || Ok(request.parse()?);
    match crate::routes::employees::change(&state, v.caller.actor(), id, changes).await {
        Ok(_) => see_other(&format!("/admin/employees/{id}?saved=1")),
        Err(e) => match field_errors(e, layout.lang, "role") {
            Ok(errors) => render_one(&state, &v, layout, id, Some(&posted), errors, false).await,
            // Refused as a whole (the last admin, oneself, a permission the
            // caller lacks): said on the form, which keeps what was asked.
            Err(e) if e.status() == StatusCode::FORBIDDEN || e.status() == StatusCode::CONFLICT => {
                let message = e.message(layout.lang);
                render_one(&state, &v, layout, id, Some(&posted), vec![("role".into(), message)], false).await
            }
            Err(e) => error_page(layout, e),
        },
    }
}
