//! The entity's transaction types: the list, and defining one with its
//! department, service level, routing and custom fields.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use tawasul_core::api::{CreateTransactionTypeRequest, FieldSpecRequest, TransactionTypeView};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};

use super::{Placed, Posted, department_tree, entity_of, field_errors};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::web::directory::types_of;
use crate::web::layout::Layout;
use crate::web::session::Visitor;
use crate::web::{error_page, html, see_other, signed_in, signed_in_form};

/// How many custom fields the form offers at once (JavaScript off, no rows
/// added on the fly): a type with more is defined in two goes through the API.
const FIELD_ROWS: usize = 4;

const KINDS: [&str; 5] = ["text", "number", "date", "choice", "file"];

#[derive(Template)]
#[template(path = "admin_types.html")]
struct Types {
    page: Layout,
    entity: EntityId,
    types: Vec<(TransactionTypeView, String)>,
    tree: Vec<Placed>,
    posted: Posted,
    rows: Vec<usize>,
    kinds: [&'static str; 5],
    errors: Vec<(String, &'static str)>,
}

impl Types {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }

    /// A custom field row's input: `fields[1].key`.
    fn row_value(&self, i: &usize, part: &str) -> String {
        self.posted.one(&format!("fields[{i}].{part}"))
    }

    fn row_error(&self, i: &usize, part: &str) -> Option<&'static str> {
        self.error_for(&format!("fields[{i}].{part}"))
    }
}

#[derive(serde::Deserialize)]
pub struct Which {
    entity: Option<EntityId>,
}

async fn render(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    entity: Option<EntityId>,
    posted: Posted,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let loaded = async {
        let entity = entity.ok_or_else(|| ApiError::new(tawasul_core::ErrorCode::Forbidden))?;
        authorize(v.caller.actor(), Action::ManageTransactionTypes(entity))?;
        ApiResult::Ok((entity, types_of(state, entity).await?, department_tree(state, entity).await?))
    }
    .await;
    let (entity, types, tree) = match loaded {
        Ok(l) => l,
        Err(e) => return error_page(layout, e),
    };
    let types = types
        .into_iter()
        .map(|t| {
            let d = tree.iter().find(|p| p.d.id == t.department_id);
            let department = d.map(|p| layout.name(&p.d.name_ar, &p.d.name_en).to_owned()).unwrap_or_default();
            (t, department)
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = Types {
        page: layout.titled("ui-admin-types"),
        entity,
        types,
        tree,
        posted,
        rows: (0..FIELD_ROWS).collect(),
        kinds: KINDS,
        errors,
    };
    html(status, &page)
}

#[get("/admin/types")]
pub async fn list_types(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<Which>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let fresh = Posted(vec![("routing".into(), "least_loaded".into()), ("sla_hours".into(), "72".into())]);
    render(&state, &v, layout, entity_of(&v, q.entity), fresh, vec![]).await
}

/// The custom fields the form describes: its rows up to the last one with
/// anything in it, so that a row's refusal keeps the row's number.
fn fields_of(posted: &Posted) -> Vec<FieldSpecRequest> {
    let row = |i: usize| {
        let part = |p: &str| posted.one(&format!("fields[{i}].{p}"));
        let choices: Vec<String> =
            part("choices").split([',', '،']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect();
        let kind = part("kind");
        FieldSpecRequest {
            key: part("key").trim().to_owned(),
            label_ar: part("label_ar"),
            label_en: part("label_en"),
            required: part("required") == "1",
            // Choices belong to a choice field only: any other kind ignores them.
            choices: (kind == "choice").then_some(choices),
            kind,
        }
    };
    let used =
        |f: &FieldSpecRequest| !(f.key.is_empty() && f.label_ar.trim().is_empty() && f.label_en.trim().is_empty());
    let mut rows: Vec<FieldSpecRequest> = (0..FIELD_ROWS).map(row).collect();
    while rows.last().is_some_and(|f| !used(f)) {
        rows.pop();
    }
    rows
}

#[post("/admin/types")]
pub async fn add_type(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    let entity = entity_of(&v, posted.one("entity").parse().ok());
    let fields = fields_of(&posted);
    let request = CreateTransactionTypeRequest {
        code: posted.one("code").trim().to_owned(),
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        department_id: posted.one("department_id"),
        // Not a number: out of range, refused on its field.
        sla_hours: posted.one("sla_hours").trim().parse().unwrap_or(-1),
        routing: posted.one("routing"),
        fields: (!fields.is_empty()).then_some(fields),
    };
    let added = async {
        let entity = entity.ok_or_else(|| ApiError::new(tawasul_core::ErrorCode::Forbidden))?;
        authorize(v.caller.actor(), Action::ManageTransactionTypes(entity))?;
        let t = request.parse()?;
        state.app.create_transaction_type(v.caller.actor(), entity, &t).await?;
        ApiResult::Ok(entity)
    }
    .await;
    match added {
        Ok(entity) => see_other(&format!("/admin/types?entity={entity}")),
        Err(e) => match field_errors(e, layout.lang, "code") {
            Ok(errors) => render(&state, &v, layout, entity, posted, errors).await,
            Err(e) => error_page(layout, e),
        },
    }
}
