//! The entity overview for those who oversee an entity (its holders of
//! `stats.view`, regulators in remit, the platform admin): how many of its
//! transactions stand in each status and how many are late, in all and by
//! department, type and employee. The figures are `core::stats`'s, counted by
//! `storage::stats`; who reads which entity's is `policy::stats_scope`.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::api::PageRequest;
use tawasul_core::ids::EntityId;
use tawasul_core::policy::stats_scope;
use tawasul_core::stats::{Overview, Tally};
use tawasul_storage::organisation;

use super::directory::types_of;
use super::layout::Layout;
use super::session::Visitor;
use super::{Choice, entity_choices, error_page, html, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    page: Layout,
    /// The entities to choose from; empty for staff, who see their own.
    entities: Vec<Choice>,
    /// The entity shown, when one is chosen.
    shown: Option<Shown>,
    errors: Vec<(String, &'static str)>,
}

struct Shown {
    name: String,
    all: Tally,
    /// Each status, named, with its count.
    statuses: Vec<(&'static str, &'static str, u64)>,
    /// By department, type and employee: a caption, a test id and the rows.
    breakdowns: Vec<(&'static str, &'static str, Vec<Line>)>,
}

/// A row of a breakdown: whose, and their counts.
struct Line {
    name: String,
    t: Tally,
}

#[derive(Deserialize, Default)]
pub struct OverviewForm {
    #[serde(default)]
    entity_id: String,
}

#[get("/overview")]
pub async fn overview(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<OverviewForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v)).titled("ui-overview-title");
    match page(&state, &v, &layout, &form).await {
        Ok(page) => {
            let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            html(status, &page)
        }
        Err(refused) => error_page(layout, refused),
    }
}

async fn page(state: &AppState, v: &Visitor, layout: &Layout, form: &OverviewForm) -> ApiResult<OverviewPage> {
    let actor = v.caller.actor();
    // Not one who oversees any entity: refused before anything is read.
    stats_scope(actor, None)?;
    let mut page = OverviewPage { page: layout.clone(), entities: vec![], shown: None, errors: vec![] };
    let chosen: Option<EntityId> = match actor.staff() {
        Some(s) => Some(s.entity_id),
        None => {
            let asked = form.entity_id.trim();
            page.entities = entity_choices(state, layout, |e| stats_scope(actor, Some(e)).is_ok(), asked).await?;
            // One entity in reach is the one shown; of several, the one chosen.
            if let ([only], "") = (page.entities.as_mut_slice(), asked) {
                only.2 = true;
            }
            let chosen = page.entities.iter().find(|c| c.2).and_then(|c| c.0.parse().ok());
            if chosen.is_none() && !asked.is_empty() {
                page.errors = vec![("entity_id".into(), ErrorCode::InvalidChoice.message(layout.lang))];
            }
            chosen
        }
    };
    if let Some(entity) = chosen {
        stats_scope(actor, Some(entity))?;
        page.shown = Some(shown(state, layout, entity).await?);
    }
    Ok(page)
}

/// The entity's figures, each breakdown named in the page's language.
async fn shown(state: &AppState, layout: &Layout, entity: EntityId) -> ApiResult<Shown> {
    let db = state.db.read();
    let name = organisation::entity(db, entity)
        .await?
        .map(|e| layout.name(&e.name_ar, &e.name_en).to_owned())
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    let o = Overview::of(&tawasul_storage::stats::counts(db, entity, Utc::now()).await?);
    let departments: HashMap<_, _> =
        organisation::list_departments(db, entity, &PageRequest { limit: 1000, after: None })
            .await?
            .items
            .into_iter()
            .map(|d| (d.id, layout.name(&d.name_ar, &d.name_en).to_owned()))
            .collect();
    let types: HashMap<_, _> = types_of(state, entity)
        .await?
        .into_iter()
        .map(|t| (t.id, layout.name(&t.name_ar, &t.name_en).to_owned()))
        .collect();
    let people: HashMap<_, _> = organisation::list_employees(db, entity)
        .await?
        .into_iter()
        .map(|e| (e.id, layout.name(&e.name_ar, &e.name_en).to_owned()))
        .collect();
    let mut employees = lines(&o.by_employee, &people);
    if o.unassigned.total > 0 {
        employees.push(Line { name: layout.t("ui-unassigned").to_owned(), t: o.unassigned.clone() });
    }
    Ok(Shown {
        name,
        statuses: o.all.statuses().map(|(s, n)| (s.as_str(), layout.status(&s), n)).collect(),
        breakdowns: vec![
            (layout.t("ui-overview-by-department"), "overview-departments", lines(&o.by_department, &departments)),
            (layout.t("ui-overview-by-type"), "overview-types", lines(&o.by_type, &types)),
            (layout.t("ui-overview-by-employee"), "overview-employees", employees),
        ],
        all: o.all,
    })
}

/// A breakdown's rows, most open first, then by name.
fn lines<K: Ord + std::hash::Hash + std::fmt::Display>(
    by: &BTreeMap<K, Tally>,
    names: &HashMap<K, String>,
) -> Vec<Line> {
    let mut out: Vec<Line> = by
        .iter()
        .map(|(k, t)| Line { name: names.get(k).cloned().unwrap_or_else(|| k.to_string()), t: t.clone() })
        .collect();
    out.sort_by(|a, b| b.t.open.cmp(&a.t.open).then_with(|| a.name.cmp(&b.name)));
    out
}
