//! Statistics (API.md "Statistics and audit"): an entity's figures over a
//! period, as JSON, or as CSV when asked for with `Accept: text/csv` (an
//! export, audited). Who reads which entity's is `policy::stats_scope`; the
//! figures and their one definition are `core::stats`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use tawasul_core::api::{DepartmentStats, EntityStatsView, FIGURE_COLUMNS, PageRequest, StatsQuery, TypeStats};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::stats_scope;
use tawasul_core::stats::Breakdown;
use tawasul_storage::organisation;

use crate::app::organisation::ensure_entity;
use crate::auth::Caller;
use crate::body::Query;
use crate::error::ApiResult;
use crate::state::AppState;

/// An entity's figures over a period: in all, by type and by department.
#[utoipa::path(get, path = "/api/v1/stats/entities/{id}", tag = "statistics",
    params(("id" = String, Path, description = "Entity id"), StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = EntityStatsView, description = "JSON, or CSV rows with `Accept: text/csv`"),
    (status = 403, description = "Neither `stats.view` at this entity nor a regulator of it")))]
#[get("/stats/entities/{id}")]
pub async fn entity_stats(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    query: Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    let view = entity_figures(&state, &caller, entity, &query).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(view));
    }
    let entry = crate::audit::entry(
        Some(caller.actor().user_id),
        Some(entity),
        AuditAction::StatsExport,
        AuditTarget::Entity(entity),
    )
    .after(serde_json::json!({ "report": "entity", "from": view.from, "to": view.to }));
    tawasul_storage::audit::append_alone(state.db.write(), entry, Utc::now()).await?;
    Ok(csv_response(&csv_of(&view)))
}

/// The figures the API and the pages show: read under `stats_scope`.
pub(crate) async fn entity_figures(
    state: &AppState,
    caller: &Caller,
    entity: EntityId,
    query: &StatsQuery,
) -> ApiResult<EntityStatsView> {
    stats_scope(caller.actor(), Some(entity))?;
    let now = Utc::now();
    let (from, to) = query.parse(now)?;
    let db = state.db.read();
    ensure_entity(db, entity).await?;
    let rows = tawasul_storage::stats::measures(db, entity, from, to, now).await?;
    let b = Breakdown::of(&rows);
    let all = PageRequest { limit: 1000, after: None };
    let types = organisation::list_transaction_types(db, entity, &all).await?.items;
    let departments = organisation::list_departments(db, entity, &all).await?.items;
    let name = |found: Option<(&String, &String)>| found.map(|(ar, en)| (ar.clone(), en.clone())).unwrap_or_default();
    let by_type = b
        .by_type
        .iter()
        .map(|(id, f)| {
            let (name_ar, name_en) = name(types.iter().find(|t| t.id == *id).map(|t| (&t.name_ar, &t.name_en)));
            TypeStats { type_id: *id, name_ar, name_en, figures: f.clone() }
        })
        .collect();
    let by_department = b
        .by_department
        .iter()
        .map(|(id, f)| {
            let (name_ar, name_en) = name(departments.iter().find(|d| d.id == *id).map(|d| (&d.name_ar, &d.name_en)));
            DepartmentStats { department_id: *id, name_ar, name_en, figures: f.clone() }
        })
        .collect();
    Ok(EntityStatsView { entity_id: entity, from, to, figures: b.all, by_type, by_department })
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.split(',').any(|part| part.trim().starts_with("text/csv")))
}

/// One row for the entity, then one per type and per department, each with
/// the same figures as the JSON.
fn csv_of(v: &EntityStatsView) -> String {
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    let mut header: Vec<String> = ["scope", "id", "name_ar", "name_en"].map(str::to_owned).to_vec();
    header.extend(FIGURE_COLUMNS.map(str::to_owned));
    line(header);
    let row = |scope: &str, id: String, ar: &str, en: &str, f: &tawasul_core::stats::Figures| {
        let mut cells = vec![scope.to_owned(), id, ar.to_owned(), en.to_owned()];
        cells.extend(f.csv_values());
        cells
    };
    line(row("entity", v.entity_id.to_string(), "", "", &v.figures));
    for t in &v.by_type {
        line(row("type", t.type_id.to_string(), &t.name_ar, &t.name_en, &t.figures));
    }
    for d in &v.by_department {
        line(row("department", d.department_id.to_string(), &d.name_ar, &d.name_en, &d.figures));
    }
    out
}

/// A CSV cell (RFC 4180), with a leading formula character neutralised so
/// that a spreadsheet does not run a name as a formula.
fn csv_cell(raw: &str) -> String {
    let raw = if raw.starts_with(['=', '+', '-', '@']) && raw.parse::<f64>().is_err() {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if raw.contains([',', '"', '\r', '\n']) { format!("\"{}\"", raw.replace('"', "\"\"")) } else { raw }
}

fn csv_response(body: &str) -> HttpResponse {
    // A byte-order mark, so that spreadsheet programs read the Arabic names as UTF-8.
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"stats.csv\""))
        .body(format!("\u{feff}{body}"))
}
