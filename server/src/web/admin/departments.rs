//! The department tree, and adding a department under another.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::CreateDepartmentRequest;
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};

use super::{Placed, Posted, department_tree, entity_of, field_errors};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::web::layout::Layout;
use crate::web::session::Visitor;
use crate::web::{error_page, given, html, see_other, signed_in, signed_in_form};

#[derive(Template)]
#[template(path = "admin_departments.html")]
struct Departments {
    page: Layout,
    entity: EntityId,
    tree: Vec<Placed>,
    name_ar: String,
    name_en: String,
    parent: String,
    errors: Vec<(String, &'static str)>,
}

impl Departments {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(Deserialize)]
pub struct Which {
    entity: Option<EntityId>,
}

async fn render(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    entity: Option<EntityId>,
    posted: Option<&Posted>,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let loaded = async {
        let entity = entity.ok_or_else(|| ApiError::new(tawasul_core::ErrorCode::Forbidden))?;
        authorize(v.caller.actor(), Action::ManageDepartments(entity))?;
        ApiResult::Ok((entity, department_tree(state, entity).await?))
    }
    .await;
    let (entity, tree) = match loaded {
        Ok(l) => l,
        Err(e) => return error_page(layout, e),
    };
    let value = |k: &str| posted.map(|p| p.one(k)).unwrap_or_default();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = Departments {
        page: layout.titled("ui-admin-departments"),
        entity,
        tree,
        name_ar: value("name_ar"),
        name_en: value("name_en"),
        parent: value("parent_id"),
        errors,
    };
    html(status, &page)
}

#[get("/admin/departments")]
pub async fn departments(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<Which>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    render(&state, &v, layout, entity_of(&v, q.entity), None, vec![]).await
}

#[post("/admin/departments")]
pub async fn add_department(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    let entity = entity_of(&v, posted.one("entity").parse().ok());
    let request = CreateDepartmentRequest {
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        parent_id: given(&posted.one("parent_id")),
    };
    let added = async {
        let entity = entity.ok_or_else(|| ApiError::new(tawasul_core::ErrorCode::Forbidden))?;
        authorize(v.caller.actor(), Action::ManageDepartments(entity))?;
        let d = request.parse()?;
        state.app.create_department(v.caller.actor(), entity, &d).await
    }
    .await;
    match added {
        Ok(_) => see_other(&format!("/admin/departments?entity={}", entity.map(|e| e.to_string()).unwrap_or_default())),
        Err(e) => match field_errors(e, layout.lang, "name_ar") {
            Ok(errors) => render(&state, &v, layout, entity, Some(&posted), errors).await,
            Err(e) => error_page(layout, e),
        },
    }
}
