//! The dashboards: an entity's (and, narrowed to one department, a
//! supervisor's) over a period — its figures, its trends by week and by Hijri
//! month as charts drawn on the server with their tables, and its employees
//! side by side; the transactions behind each figure; and the regulators'
//! console, every entity in the remit side by side with its index. The
//! figures are `core::stats`'s and `core::indicators`', read as the API reads
//! them; who reaches what is `policy::stats_scope` / `platform_stats_scope`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tawasul_core::api::{PageRequest, PlatformEntityStats, PlatformStatsView, RowFilter, StatsQuery, TransactionRow};
use tawasul_core::catalogue::Arg;
use tawasul_core::ids::{DepartmentId, EntityId, UserId};
use tawasul_core::policy::{platform_stats_scope, stats_scope};
use tawasul_core::stats::{Breakdown, Cut, Figures, Period, TrendPoint, Whose, trend};
use tawasul_core::workflow::Status;
use tawasul_storage::organisation;

use super::charts::{Series, shares, stacked_bars};
use super::layout::Layout;
use super::session::Visitor;
use super::{Choice, entity_choices, error_page, given, html, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::routes::stats::last_day;
use crate::state::AppState;

/// How far back a dashboard looks unless told: half a year.
const DEFAULT_DAYS: i64 = 182;
/// Rows shown on the page of transactions behind a figure.
const ROWS_SHOWN: usize = 500;

#[derive(Deserialize, Default, Clone)]
pub struct DashboardForm {
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// The transactions page's narrowing: a status, `late`, `open`, an employee.
    #[serde(default)]
    status: String,
    #[serde(default)]
    late: Option<String>,
    #[serde(default)]
    open: Option<String>,
    #[serde(default)]
    assignee_id: String,
}

impl DashboardForm {
    /// The period asked for, Riyadh days; by default the last half year.
    fn period(&self, now: DateTime<Utc>) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
        let from = given(&self.from)
            .map(|d| tawasul_core::dates::form_period_bound(&d, false))
            .or_else(|| Some((now - Duration::days(DEFAULT_DAYS)).to_rfc3339()));
        let to = given(&self.to).map(|d| tawasul_core::dates::form_period_bound(&d, true));
        Ok(StatsQuery { from, to }.parse(now)?)
    }

    /// This form's query, with `extra` pairs, for links that keep the filters.
    fn link(&self, path: &str, entity: EntityId, extra: &[(&str, String)]) -> String {
        let mut q: Vec<(&str, String)> = vec![("entity_id", entity.to_string())];
        for (k, v) in [("department_id", &self.department_id), ("from", &self.from), ("to", &self.to)] {
            if let Some(v) = given(v) {
                q.push((k, v));
            }
        }
        q.extend(extra.iter().cloned());
        format!("{path}?{}", serde_urlencoded::to_string(q).unwrap_or_default())
    }
}

/// A headline figure: its label, its value as shown, and the transactions behind it.
pub(super) struct Headline {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

/// A chart and its table.
struct Chart {
    svg: String,
    caption: String,
    columns: Vec<&'static str>,
    rows: Vec<(String, Vec<u64>)>,
}

/// An employee's line.
struct Person {
    name: String,
    f: Figures,
    present: String,
    href: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Layout,
    entities: Vec<Choice>,
    departments: Vec<Choice>,
    form: DashboardForm,
    shown: Option<Shown>,
}

struct Shown {
    name: String,
    headlines: Vec<Headline>,
    charts: Vec<Chart>,
    people: Vec<Person>,
}

#[get("/dashboard")]
pub async fn dashboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<DashboardForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v)).titled("ui-dashboard-title");
    match dashboard_page(&state, &v, &layout, form.into_inner()).await {
        Ok(page) => html(StatusCode::OK, &page),
        Err(refused) => error_page(layout, refused),
    }
}

/// The entity a form asks for, within the person's reach: their own for
/// staff; for those who oversee several, the one chosen (or the only one).
async fn chosen_entity(
    state: &AppState,
    v: &Visitor,
    layout: &Layout,
    form: &DashboardForm,
) -> ApiResult<(Vec<Choice>, Option<EntityId>)> {
    let actor = v.caller.actor();
    stats_scope(actor, None)?;
    if let Some(s) = actor.staff() {
        return Ok((vec![], Some(s.entity_id)));
    }
    let asked = form.entity_id.trim();
    let mut entities = entity_choices(state, layout, |e| stats_scope(actor, Some(e)).is_ok(), asked).await?;
    if let ([only], "") = (entities.as_mut_slice(), asked) {
        only.2 = true;
    }
    let chosen = entities.iter().find(|c| c.2).and_then(|c| c.0.parse().ok());
    Ok((entities, chosen))
}

async fn dashboard_page(
    state: &AppState,
    v: &Visitor,
    layout: &Layout,
    form: DashboardForm,
) -> ApiResult<DashboardPage> {
    let (entities, chosen) = chosen_entity(state, v, layout, &form).await?;
    let mut page = DashboardPage { page: layout.clone(), entities, departments: vec![], form, shown: None };
    let Some(entity) = chosen else { return Ok(page) };
    stats_scope(v.caller.actor(), Some(entity))?;
    let db = state.db.read();
    let all = PageRequest { limit: 1000, after: None };
    let departments = organisation::list_departments(db, entity, &all).await?.items;
    let department: Option<DepartmentId> = given(&page.form.department_id).and_then(|d| d.parse().ok());
    page.departments = departments
        .iter()
        .map(|d| (d.id.to_string(), layout.name(&d.name_ar, &d.name_en).to_owned(), Some(d.id) == department))
        .collect();
    let now = Utc::now();
    let (from, to) = page.form.period(now)?;
    let mut groups = tawasul_storage::stats::period(db, Whose::Entity(entity), from, to, now).await?;
    if let Some(d) = department {
        groups.retain(|g| g.sums.department == Some(d));
    }
    let b = Breakdown::of(&groups);
    let only = RowFilter { department, ..RowFilter::default() };
    let rows = tawasul_storage::stats::rows(db, entity, from, to, only, now).await?;
    let name = organisation::entity(db, entity)
        .await?
        .map(|e| layout.name(&e.name_ar, &e.name_en).to_owned())
        .ok_or(ApiError::new(tawasul_core::ErrorCode::NotFound))?;
    let name = match departments.iter().find(|d| Some(d.id) == department) {
        Some(d) => format!("{name} · {}", layout.name(&d.name_ar, &d.name_en)),
        None => name,
    };
    let staff = organisation::list_employees(db, entity).await?;
    let ids: Vec<UserId> = staff.iter().map(|e| e.id).collect();
    let present = tawasul_storage::presence::seconds(db, &ids, from.date_naive(), last_day(to)).await?;
    let behind = |extra: &[(&str, String)]| page.form.link("/dashboard/transactions", entity, extra);
    let shown: Vec<_> = staff
        .into_iter()
        .filter(|e| department.is_none_or(|d| e.department_ids.contains(&d)) || b.by_employee.contains_key(&e.id))
        .collect();
    let present_all: i64 = shown.iter().filter_map(|e| present.get(&e.id)).sum();
    let mut people: Vec<Person> = shown
        .into_iter()
        .map(|e| Person {
            name: layout.name(&e.name_ar, &e.name_en).to_owned(),
            f: b.by_employee.get(&e.id).cloned().unwrap_or_default(),
            present: hours(layout, present.get(&e.id).copied().unwrap_or(0) as f64),
            href: behind(&[("assignee_id", e.id.to_string())]),
        })
        .collect();
    people.sort_by(|a, b| b.f.total.cmp(&a.f.total).then_with(|| a.name.cmp(&b.name)));
    let mut headlines = headlines(layout, &b.all, |extra| Some(behind(extra)));
    // The department's (or the entity's) time on the platform: its people's.
    headlines.push(Headline {
        key: "present",
        label: layout.t("ui-dashboard-present-all"),
        value: hours(layout, present_all as f64),
        href: None,
    });
    let charts = vec![
        chart(layout, "weekly", "ui-dashboard-by-week", &trend(&rows, Cut::Week)),
        chart(layout, "monthly", "ui-dashboard-by-hijri-month", &trend(&rows, Cut::HijriMonth)),
    ];
    page.shown = Some(Shown { name, headlines, charts, people });
    Ok(page)
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

/// Working seconds as hours, one decimal.
pub(super) fn hours(layout: &Layout, seconds: f64) -> String {
    let h = format!("{:.1}", seconds / 3600.0);
    layout.t_with("ui-dashboard-hours", &[("n", Arg::Text(&h))])
}

fn maybe_hours(layout: &Layout, seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "—".to_owned(), |s| hours(layout, s))
}

/// The headline figures; each count links to the transactions behind it
/// where `behind` gives a link.
pub(super) fn headlines(
    layout: &Layout,
    f: &Figures,
    behind: impl Fn(&[(&str, String)]) -> Option<String>,
) -> Vec<Headline> {
    let count = |key: &'static str, label: &'static str, n: u64, extra: &[(&str, String)]| Headline {
        key,
        label: layout.t(label),
        value: n.to_string(),
        href: behind(extra),
    };
    let shown = |key: &'static str, label: &'static str, value: String| Headline {
        key,
        label: layout.t(label),
        value,
        href: None,
    };
    vec![
        count("total", "ui-overview-total", f.total, &[]),
        count("completed", "ui-overview-completed", f.completed, &[("status", "completed".into())]),
        count("open", "ui-overview-open", f.open, &[("open", "1".into())]),
        count("late", "ui-overview-late", f.late, &[("late", "1".into())]),
        count("rejected", "ui-overview-rejected", f.rejected, &[("status", "rejected".into())]),
        shown("completion_rate", "ui-dashboard-completion-rate", percent(Some(f.completion_rate))),
        shown("delay_rate", "ui-dashboard-delay-rate", percent(Some(f.delay_rate))),
        shown("on_time_rate", "ui-dashboard-on-time-rate", percent(f.on_time_rate)),
        shown(
            "median_first_response",
            "ui-dashboard-median-first-response",
            maybe_hours(layout, f.median_first_response_s),
        ),
        shown("median_resolution", "ui-dashboard-median-resolution", maybe_hours(layout, f.median_resolution_s)),
        shown("rating", "ui-dashboard-rating", f.rating.map_or_else(|| "—".to_owned(), |r| format!("{r:.1} / 5"))),
        shown("score", "ui-dashboard-score", f.score.map_or_else(|| "—".to_owned(), |s| format!("{s:.0}"))),
    ]
}

/// A trend's stacked bars (completed, open on time, late, rejected) and its table.
fn chart(layout: &Layout, id: &str, caption: &'static str, points: &[TrendPoint]) -> Chart {
    let label = |p: &Period| match p {
        Period::Week(sunday) => format!("{}/{}", sunday.format("%d"), sunday.format("%m")),
        Period::HijriMonth { year, month } => {
            format!("{} {year}", layout.t(&format!("month-hijri-{month}")))
        }
    };
    let labels: Vec<String> = points.iter().map(|p| label(&p.period)).collect();
    let (completed, open, late, rejected) = (
        layout.t("ui-overview-completed"),
        layout.t("ui-dashboard-open-on-time"),
        layout.t("ui-overview-late"),
        layout.t("ui-overview-rejected"),
    );
    let series = [
        Series {
            label: completed.into(),
            class: "chart-completed",
            values: points.iter().map(|p| p.completed).collect(),
        },
        Series { label: open.into(), class: "chart-open", values: points.iter().map(|p| p.open - p.late).collect() },
        Series { label: late.into(), class: "chart-late", values: points.iter().map(|p| p.late).collect() },
        Series { label: rejected.into(), class: "chart-rejected", values: points.iter().map(|p| p.rejected).collect() },
    ];
    let caption = layout.t(caption).to_owned();
    Chart {
        svg: stacked_bars(id, &caption, &labels, &series),
        caption,
        columns: vec![completed, open, late, rejected],
        rows: labels
            .into_iter()
            .zip(points)
            .map(|(l, p)| (l, vec![p.completed, p.open - p.late, p.late, p.rejected]))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "dashboard_rows.html")]
struct RowsPage {
    page: Layout,
    name: String,
    back: String,
    rows: Vec<ShownRow>,
    /// How many more were found than are shown, said in words.
    more: Option<String>,
}

struct ShownRow {
    r: TransactionRow,
    type_name: String,
    status: &'static str,
    opened: String,
    closed: String,
}

/// The transactions behind a figure of the dashboard.
#[get("/dashboard/transactions")]
pub async fn transactions(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<DashboardForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v)).titled("ui-dashboard-rows-title");
    match rows_page(&state, &v, &layout, form.into_inner()).await {
        Ok(page) => html(StatusCode::OK, &page),
        Err(refused) => error_page(layout, refused),
    }
}

async fn rows_page(state: &AppState, v: &Visitor, layout: &Layout, form: DashboardForm) -> ApiResult<RowsPage> {
    let (_, chosen) = chosen_entity(state, v, layout, &form).await?;
    let entity = chosen.ok_or(ApiError::new(tawasul_core::ErrorCode::NotFound))?;
    stats_scope(v.caller.actor(), Some(entity))?;
    let db = state.db.read();
    let now = Utc::now();
    let (from, to) = form.period(now)?;
    let only = RowFilter {
        department: given(&form.department_id).and_then(|d| d.parse().ok()),
        type_id: None,
        assignee: given(&form.assignee_id).and_then(|a| a.parse().ok()),
    };
    let status = Status::parse(form.status.trim()).ok();
    let mut rows = tawasul_storage::stats::rows(db, entity, from, to, only, now).await?;
    rows.retain(|r| {
        status.is_none_or(|s| r.status == s)
            && (form.late.is_none() || r.late)
            && (form.open.is_none() || !r.status.is_closed())
    });
    rows.reverse();
    let more = rows.len().saturating_sub(ROWS_SHOWN);
    rows.truncate(ROWS_SHOWN);
    let types: HashMap<_, _> = super::directory::types_of(state, entity)
        .await?
        .into_iter()
        .map(|t| (t.id, layout.name(&t.name_ar, &t.name_en).to_owned()))
        .collect();
    let name = organisation::entity(db, entity)
        .await?
        .map(|e| layout.name(&e.name_ar, &e.name_en).to_owned())
        .unwrap_or_default();
    let back =
        DashboardForm { status: String::new(), late: None, open: None, assignee_id: String::new(), ..form.clone() }
            .link("/dashboard", entity, &[]);
    let rows = rows
        .into_iter()
        .map(|r| ShownRow {
            type_name: types.get(&r.type_id).cloned().unwrap_or_default(),
            status: layout.status(&r.status),
            opened: layout.date(&r.created_at).gregorian,
            closed: r.closed_at.map(|c| layout.date(&c).gregorian).unwrap_or_default(),
            r,
        })
        .collect();
    let more = (more > 0).then(|| layout.t_with("ui-dashboard-more", &[("n", Arg::Number(more as i64))]));
    Ok(RowsPage { page: layout.clone(), name, back, rows, more })
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    page: Layout,
    form: DashboardForm,
    view: PlatformStatsView,
    index_chart: String,
    /// Each entity's name and the link to its dashboard, in `view`'s order.
    rows: Vec<(String, String, PlatformEntityStats)>,
}

/// The regulators' console: every entity of the remit side by side.
#[get("/console")]
pub async fn console(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<DashboardForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v)).titled("ui-console-title");
    match console_page(&state, &v, &layout, form.into_inner()).await {
        Ok(page) => html(StatusCode::OK, &page),
        Err(refused) => error_page(layout, refused),
    }
}

async fn console_page(state: &AppState, v: &Visitor, layout: &Layout, form: DashboardForm) -> ApiResult<ConsolePage> {
    platform_stats_scope(v.caller.actor())?;
    let (from, to) = form.period(Utc::now())?;
    let query = StatsQuery { from: Some(from.to_rfc3339()), to: Some(to.to_rfc3339()) };
    let view = crate::routes::stats::platform_figures(state, &v.caller, &query).await?;
    let names: Vec<String> = view.entities.iter().map(|e| layout.name(&e.name_ar, &e.name_en).to_owned()).collect();
    let bars: Vec<(String, Option<f64>)> = names.iter().cloned().zip(view.entities.iter().map(|e| e.index)).collect();
    let index_chart = shares("index", layout.t("ui-console-index-chart"), &bars);
    let rows = names
        .into_iter()
        .zip(&view.entities)
        .map(|(name, e)| (name, form.link("/dashboard", e.entity_id, &[]), e.clone()))
        .collect();
    Ok(ConsolePage { page: layout.clone(), form, view, index_chart, rows })
}

impl ConsolePage {
    fn percent(&self, v: &Option<f64>) -> String {
        percent(*v)
    }

    fn rate(&self, v: &f64) -> String {
        percent(Some(*v))
    }

    fn hours(&self, v: &Option<f64>) -> String {
        maybe_hours(&self.page, *v)
    }
}

impl DashboardPage {
    fn percent(&self, v: &Option<f64>) -> String {
        percent(*v)
    }

    fn hours(&self, v: &Option<f64>) -> String {
        maybe_hours(&self.page, *v)
    }

    fn score(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |s| format!("{s:.0}"))
    }
}
