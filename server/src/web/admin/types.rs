//! The entity's transaction types: the list, and defining one with its
//! department, service level, routing and custom fields.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use tawasul_core::api::{CreateTransactionTypeRequest, FieldSpecRequest, TYPE_FIELDS_MAX, TransactionTypeView};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};

use super::{Placed, Posted, department_tree, entity_of, field_errors};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::web::directory::types_of;
use crate::web::layout::Layout;
use crate::web::session::Visitor;
use crate::web::{error_page, html, see_other, signed_in, signed_in_form};

/// How many custom field rows the form offers at first; "Add another field"
/// sends the form back with one more (no script needed), up to the most a
/// type may have.
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
    /// Whether another row may be added.
    more: bool,
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
    let rows = rows_of(&posted);
    let page = Types {
        page: layout.titled("ui-admin-types"),
        entity,
        types,
        tree,
        posted,
        rows: (0..rows).collect(),
        more: rows < TYPE_FIELDS_MAX,
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

/// How many field rows the form has: as many as it was sent with, one more
/// when another was asked for.
fn rows_of(posted: &Posted) -> usize {
    let sent = posted.one("rows").parse().unwrap_or(FIELD_ROWS);
    let asked = usize::from(posted.one("another_field") == "1");
    (sent + asked).clamp(FIELD_ROWS, TYPE_FIELDS_MAX)
}

/// The custom fields the form describes: the rows with anything in them,
/// each with its row's number (for naming a refusal beside its row).
fn fields_of(posted: &Posted) -> Vec<(usize, FieldSpecRequest)> {
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
    (0..rows_of(posted)).map(|i| (i, row(i))).filter(|(_, f)| used(f)).collect()
}

/// A refusal of the request's `fields[n]` named as the form's row it came from.
fn on_row(field: String, rows: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("fields[") else { return field };
    let Some((n, part)) = rest.split_once(']') else { return field };
    match n.parse::<usize>().ok().and_then(|n| rows.get(n)) {
        Some(row) => format!("fields[{row}]{part}"),
        None => field,
    }
}

/// An optional number of hours: none when left empty, and what is not a
/// number out of range (refused on its field).
fn optional_hours(posted: &Posted, field: &str) -> Option<i64> {
    let raw = posted.one(field);
    (!raw.trim().is_empty()).then(|| raw.trim().parse().unwrap_or(-1))
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
    if posted.one("another_field") == "1" {
        // The same form again, as typed, with one more row.
        return render(&state, &v, layout, entity, posted, vec![]).await;
    }
    let (rows, fields): (Vec<usize>, Vec<FieldSpecRequest>) = fields_of(&posted).into_iter().unzip();
    let request = CreateTransactionTypeRequest {
        code: posted.one("code").trim().to_owned(),
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        department_id: posted.one("department_id"),
        // Not a number: out of range, refused on its field.
        sla_hours: posted.one("sla_hours").trim().parse().unwrap_or(-1),
        first_response_hours: optional_hours(&posted, "first_response_hours"),
        escalate_after_hours: optional_hours(&posted, "escalate_after_hours"),
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
            Ok(errors) => {
                let errors = errors.into_iter().map(|(f, m)| (on_row(f, &rows), m)).collect();
                render(&state, &v, layout, entity, posted, errors).await
            }
            Err(e) => error_page(layout, e),
        },
    }
}
