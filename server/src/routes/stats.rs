//! Statistics (API.md "Statistics and audit"): an entity's figures over a
//! period, as JSON, or as CSV when asked for with `Accept: text/csv` (an
//! export, audited). Who reads which entity's is `policy::stats_scope`; the
//! figures and their one definition are `core::stats`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use tawasul_core::api::{
    DepartmentStats, EmployeeStats, EmployeeStatsView, EntityStatsView, FIGURE_COLUMNS, OwnStatsView, PageRequest,
    PlatformEntityStats, PlatformStatsView, ROW_COLUMNS, StatsQuery, TransactionRowsQuery, TransactionRowsView,
    TypeStats,
};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{EntityId, UserId};
use tawasul_core::indicators::{entity_index, government_index};
use tawasul_core::policy::{AuditScope, own_stats, platform_stats_scope, stats_scope};
use tawasul_core::stats::{Breakdown, Whose, whole};
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
    exported(&state, &caller, entity, "entity", view.from, view.to).await?;
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
    let b = breakdown(db, Whose::Entity(entity), from, to, now).await?;
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

/// The figures of `whose` transactions over `[from, to)`, from their sums
/// and their times.
async fn breakdown(
    db: &impl tawasul_storage::ConnectionTrait,
    whose: Whose,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Breakdown> {
    Ok(Breakdown::of(&tawasul_storage::stats::period(db, whose, from, to, now).await?))
}

/// The caller's own history over a period: a beneficiary's transactions, or
/// those an employee holds, with the same figures as an entity's.
#[utoipa::path(get, path = "/api/v1/me/stats", tag = "statistics",
    params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = OwnStatsView),
    (status = 403, description = "Regulators and the platform admin hold no transactions of their own")))]
#[get("/me/stats")]
pub async fn my_stats(state: web::Data<AppState>, caller: Caller, query: Query<StatsQuery>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(own_figures(&state, &caller, &query).await?))
}

/// The figures the API and the account page show: read under `own_stats`.
pub(crate) async fn own_figures(state: &AppState, caller: &Caller, query: &StatsQuery) -> ApiResult<OwnStatsView> {
    let whose = own_stats(caller.actor())?;
    let me = caller.actor().user_id;
    let now = Utc::now();
    let (from, to) = query.parse(now)?;
    let db = state.db.read();
    let figures = breakdown(db, whose, from, to, now).await?.all;
    let present = tawasul_storage::presence::seconds(db, &[me], from.date_naive(), last_day(to)).await?;
    let active_seconds = present.get(&me).copied().unwrap_or(0);
    Ok(OwnStatsView { user_id: me, from, to, figures, active_seconds })
}

/// The last day a period `[from, to)` reaches.
pub(crate) fn last_day(to: DateTime<Utc>) -> chrono::NaiveDate {
    (to - chrono::Duration::nanoseconds(1)).date_naive()
}

/// Each employee's figures over a period (as the assignee), with the time
/// they were present on the platform.
#[utoipa::path(get, path = "/api/v1/stats/entities/{id}/employees", tag = "statistics",
    params(("id" = String, Path, description = "Entity id"), StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = EmployeeStatsView, description = "JSON, or CSV rows with `Accept: text/csv`"),
    (status = 403, description = "Neither `stats.view` at this entity nor a regulator of it")))]
#[get("/stats/entities/{id}/employees")]
pub async fn employee_stats(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    query: Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    let view = employee_figures(&state, &caller, entity, &query).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(view));
    }
    exported(&state, &caller, entity, "employees", view.from, view.to).await?;
    let mut out = CsvLines::new(&["user_id", "name_ar", "name_en"], &["active_seconds"]);
    for e in &view.employees {
        out.row(
            &[e.user_id.to_string(), e.name_ar.clone(), e.name_en.clone()],
            &e.figures,
            &[e.active_seconds.to_string()],
        );
    }
    Ok(csv_response(&out.0))
}

pub(crate) async fn employee_figures(
    state: &AppState,
    caller: &Caller,
    entity: EntityId,
    query: &StatsQuery,
) -> ApiResult<EmployeeStatsView> {
    stats_scope(caller.actor(), Some(entity))?;
    let now = Utc::now();
    let (from, to) = query.parse(now)?;
    let db = state.db.read();
    ensure_entity(db, entity).await?;
    let b = breakdown(db, Whose::Entity(entity), from, to, now).await?;
    let staff = organisation::list_employees(db, entity).await?;
    let ids: Vec<UserId> = staff.iter().map(|e| e.id).collect();
    let present = tawasul_storage::presence::seconds(db, &ids, from.date_naive(), last_day(to)).await?;
    let employees = staff
        .into_iter()
        .map(|e| EmployeeStats {
            user_id: e.id,
            figures: b.by_employee.get(&e.id).cloned().unwrap_or_default(),
            active_seconds: present.get(&e.id).copied().unwrap_or(0),
            name_ar: e.name_ar,
            name_en: e.name_en,
        })
        .collect();
    Ok(EmployeeStatsView { entity_id: entity, from, to, employees })
}

/// An entity's transactions over a period, one row each (narrowed to a
/// department, a type or an employee): what its figures are made of.
#[utoipa::path(get, path = "/api/v1/stats/entities/{id}/transactions", tag = "statistics",
    params(("id" = String, Path, description = "Entity id"), TransactionRowsQuery), security(("bearer" = [])),
    responses((status = 200, body = TransactionRowsView, description = "JSON, or CSV rows with `Accept: text/csv`"),
    (status = 403, description = "Neither `stats.view` at this entity nor a regulator of it")))]
#[get("/stats/entities/{id}/transactions")]
pub async fn transaction_rows(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    query: Query<TransactionRowsQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    stats_scope(caller.actor(), Some(entity))?;
    let now = Utc::now();
    let (from, to, only) = query.parse(now)?;
    let db = state.db.read();
    ensure_entity(db, entity).await?;
    let rows = tawasul_storage::stats::rows(db, entity, from, to, only, now).await?;
    let view = TransactionRowsView { entity_id: entity, from, to, rows };
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(view));
    }
    exported(&state, &caller, entity, "transactions", from, to).await?;
    let mut out = CsvLines(String::new());
    out.line(&ROW_COLUMNS.map(str::to_owned));
    for r in &view.rows {
        out.line(&r.csv_values());
    }
    Ok(csv_response(&out.0))
}

/// Every entity in the caller's remit side by side over a period, each with
/// its `004_…` index, and the whole with the government's.
#[utoipa::path(get, path = "/api/v1/stats/platform", tag = "statistics",
    params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = PlatformStatsView, description = "JSON, or CSV rows with `Accept: text/csv`"),
    (status = 403, description = "Regulators and the platform admin only")))]
#[get("/stats/platform")]
pub async fn platform_stats(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let view = platform_figures(&state, &caller, &query).await?;
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(view));
    }
    exported_platform(&state, &caller, view.from, view.to).await?;
    let mut out = CsvLines::new(&["scope", "id", "name_ar", "name_en"], &["index"]);
    let index = |i: Option<f64>| vec![i.map(|v| v.to_string()).unwrap_or_default()];
    out.row(&["platform".into(), String::new(), String::new(), String::new()], &view.figures, &index(view.index));
    for e in &view.entities {
        let lead = ["entity".into(), e.entity_id.to_string(), e.name_ar.clone(), e.name_en.clone()];
        out.row(&lead, &e.figures, &index(e.index));
    }
    Ok(csv_response(&out.0))
}

pub(crate) async fn platform_figures(
    state: &AppState,
    caller: &Caller,
    query: &StatsQuery,
) -> ApiResult<PlatformStatsView> {
    let scope = platform_stats_scope(caller.actor())?;
    let now = Utc::now();
    let (from, to) = query.parse(now)?;
    let db = state.db.read();
    let entities = entities_in(db, &scope).await?;
    let ids: Vec<EntityId> = entities.iter().map(|e| e.0).collect();
    let targets = tawasul_storage::targets::of(db, &ids).await?;
    let groups = tawasul_storage::stats::of_entities(db, &ids, from, to, now).await?;
    let mut rows = Vec::with_capacity(entities.len());
    for (id, name_ar, name_en) in entities {
        let figures = whole(groups.iter().filter(|g| g.sums.entity == Some(id))).figures();
        let (indicators, index) = entity_index(&targets.get(&id).cloned().unwrap_or_default(), &figures);
        rows.push(PlatformEntityStats { entity_id: id, name_ar, name_en, figures, index, indicators });
    }
    let index = government_index(rows.iter().map(|r| r.index));
    let figures = whole(&groups).figures();
    Ok(PlatformStatsView { from, to, figures, index, entities: rows })
}

/// The entities a scope reaches, with their names.
async fn entities_in(
    db: &impl tawasul_storage::ConnectionTrait,
    scope: &AuditScope,
) -> ApiResult<Vec<(EntityId, String, String)>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = organisation::list_entities(db, &PageRequest { limit: 1000, after }).await?;
        for e in &page.items {
            let reached = match scope {
                AuditScope::Everything | AuditScope::AllEntities => true,
                AuditScope::Entities(ids) => ids.contains(&e.id),
            };
            if reached {
                out.push((e.id, e.name_ar.clone(), e.name_en.clone()));
            }
        }
        match (page.next_cursor, page.items.last()) {
            (Some(_), Some(last)) => after = Some(last.id.0),
            _ => break,
        }
    }
    Ok(out)
}

async fn exported_platform(state: &AppState, caller: &Caller, from: DateTime<Utc>, to: DateTime<Utc>) -> ApiResult<()> {
    let entry =
        crate::audit::entry(Some(caller.actor().user_id), None, AuditAction::StatsExport, AuditTarget::Platform)
            .after(serde_json::json!({ "report": "platform", "from": from, "to": to }));
    tawasul_storage::audit::append_alone(state.db.write(), entry, Utc::now()).await?;
    Ok(())
}

/// Records an export in the audit trail.
async fn exported(
    state: &AppState,
    caller: &Caller,
    entity: EntityId,
    report: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ApiResult<()> {
    let entry = crate::audit::entry(
        Some(caller.actor().user_id),
        Some(entity),
        AuditAction::StatsExport,
        AuditTarget::Entity(entity),
    )
    .after(serde_json::json!({ "report": report, "from": from, "to": to }));
    tawasul_storage::audit::append_alone(state.db.write(), entry, Utc::now()).await?;
    Ok(())
}

/// CSV rows of figures: the leading cells, the figures in `FIGURE_COLUMNS`'
/// order, then the trailing cells.
struct CsvLines(String);

impl CsvLines {
    fn new(lead: &[&str], trail: &[&str]) -> CsvLines {
        let mut out = CsvLines(String::new());
        let header: Vec<String> =
            lead.iter().chain(FIGURE_COLUMNS.iter()).chain(trail.iter()).map(|c| (*c).to_owned()).collect();
        out.line(&header);
        out
    }

    fn row(&mut self, lead: &[String], f: &tawasul_core::stats::Figures, trail: &[String]) {
        let mut cells = lead.to_vec();
        cells.extend(f.csv_values());
        cells.extend(trail.iter().cloned());
        self.line(&cells);
    }

    fn line(&mut self, cells: &[String]) {
        self.0.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        self.0.push_str("\r\n");
    }
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
    let mut out = CsvLines::new(&["scope", "id", "name_ar", "name_en"], &[]);
    let lead = |scope: &str, id: String, ar: &str, en: &str| vec![scope.to_owned(), id, ar.to_owned(), en.to_owned()];
    out.row(&lead("entity", v.entity_id.to_string(), "", ""), &v.figures, &[]);
    for t in &v.by_type {
        out.row(&lead("type", t.type_id.to_string(), &t.name_ar, &t.name_en), &t.figures, &[]);
    }
    for d in &v.by_department {
        out.row(&lead("department", d.department_id.to_string(), &d.name_ar, &d.name_en), &d.figures, &[]);
    }
    out.0
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
