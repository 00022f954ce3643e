//! Statistics as the API gives them (API.md "Statistics and audit"): an
//! entity's figures over a period, in all and by type and department. The
//! figures and their definitions are `stats::Figures`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use std::collections::BTreeMap;

use crate::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use crate::indicators::{Attained, Indicator};
use crate::stats::Figures;
use crate::workflow::Status;

/// `?from=&to=`: RFC 3339 instants or days (`to` exclusive). By default the
/// last 365 days.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl StatsQuery {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), FieldErrors> {
        let mut e = FieldErrors::default();
        let from = super::optional(&mut e, "from", self.from.as_deref(), super::transactions::parse_time);
        let to = super::optional(&mut e, "to", self.to.as_deref(), super::transactions::parse_time);
        let (Some(from), Some(to)) = (from, to) else { return e.finish(None) };
        let to = to.unwrap_or(now + Duration::seconds(1));
        let from = from.unwrap_or(to - Duration::days(365));
        if from >= to {
            e.push("to", crate::ErrorCode::InvalidField);
        }
        e.finish(Some((from, to)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntityStatsView {
    pub entity_id: EntityId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[serde(flatten)]
    pub figures: Figures,
    pub by_type: Vec<TypeStats>,
    pub by_department: Vec<DepartmentStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TypeStats {
    pub type_id: TransactionTypeId,
    pub name_ar: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DepartmentStats {
    pub department_id: DepartmentId,
    pub name_ar: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// An entity's employees' figures over a period: each as the assignee of
/// the transactions opened in it, with their time present on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmployeeStatsView {
    pub entity_id: EntityId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub employees: Vec<EmployeeStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmployeeStats {
    pub user_id: UserId,
    pub name_ar: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Seconds present on the platform in the period (`server::presence`).
    pub active_seconds: i64,
}

/// A person's own history over a period (`/me/stats`): a beneficiary's, of
/// the transactions they opened; an employee's, of those they hold; with the
/// time they were present on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OwnStatsView {
    pub user_id: UserId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[serde(flatten)]
    pub figures: Figures,
    /// Seconds present on the platform in the period (`server::presence`).
    pub active_seconds: i64,
}

/// `?from=&to=&department_id=&type_id=&assignee_id=`: the period of the
/// figures, narrowed to a department, a type or an employee.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransactionRowsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub department_id: Option<String>,
    pub type_id: Option<String>,
    pub assignee_id: Option<String>,
}

/// What the rows are narrowed to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowFilter {
    pub department: Option<DepartmentId>,
    pub type_id: Option<TransactionTypeId>,
    pub assignee: Option<UserId>,
}

impl TransactionRowsQuery {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>, RowFilter), FieldErrors> {
        let period = StatsQuery { from: self.from.clone(), to: self.to.clone() }.parse(now);
        let mut e = period.as_ref().err().cloned().unwrap_or_default();
        let department = super::optional(&mut e, "department_id", self.department_id.as_deref(), id);
        let type_id = super::optional(&mut e, "type_id", self.type_id.as_deref(), id);
        let assignee = super::optional(&mut e, "assignee_id", self.assignee_id.as_deref(), id);
        let value = match (period, department, type_id, assignee) {
            (Ok((from, to)), Some(department), Some(type_id), Some(assignee)) => {
                Some((from, to, RowFilter { department, type_id, assignee }))
            }
            _ => None,
        };
        e.finish(value)
    }
}

fn id<T: std::str::FromStr>(s: &str) -> Result<T, crate::ErrorCode> {
    s.parse().map_err(|_| crate::ErrorCode::InvalidField)
}

/// One transaction as the per-transaction export gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransactionRow {
    pub transaction_id: TransactionId,
    pub reference: String,
    pub type_id: TransactionTypeId,
    pub department_id: DepartmentId,
    pub assignee_id: Option<UserId>,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Open, on the clock and past due now (`lifecycle::is_late`).
    pub late: bool,
    pub first_response_s: Option<i64>,
    pub resolution_s: Option<i64>,
    pub paused_s: i64,
    pub rating: Option<u8>,
}

/// The CSV columns of a transaction row, in order.
pub const ROW_COLUMNS: [&str; 15] = [
    "transaction_id",
    "reference",
    "type_id",
    "department_id",
    "assignee_id",
    "status",
    "created_at",
    "due_at",
    "first_response_at",
    "closed_at",
    "late",
    "first_response_s",
    "resolution_s",
    "paused_s",
    "rating",
];

impl TransactionRow {
    /// Its values in `ROW_COLUMNS`' order.
    pub fn csv_values(&self) -> Vec<String> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        vec![
            self.transaction_id.to_string(),
            self.reference.clone(),
            self.type_id.to_string(),
            self.department_id.to_string(),
            opt(self.assignee_id.map(|a| a.to_string())),
            self.status.as_str().to_owned(),
            time(self.created_at),
            time(self.due_at),
            opt(self.first_response_at.map(time)),
            opt(self.closed_at.map(time)),
            self.late.to_string(),
            opt(self.first_response_s.map(|v| v.to_string())),
            opt(self.resolution_s.map(|v| v.to_string())),
            self.paused_s.to_string(),
            opt(self.rating.map(|v| v.to_string())),
        ]
    }
}

/// An entity's transactions over a period, one row each, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransactionRowsView {
    pub entity_id: EntityId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub rows: Vec<TransactionRow>,
}

/// An entity's targets per indicator (the `004_…` index), set by the
/// platform admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetsView {
    pub entity_id: EntityId,
    pub targets: BTreeMap<Indicator, f64>,
}

/// `PUT /api/v1/entities/{id}/targets`: the whole set, replacing the last.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTargetsRequest {
    pub targets: BTreeMap<String, f64>,
}

/// The platform's figures over a period: every entity in the caller's remit
/// side by side, with its index, and the whole with the government's index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlatformStatsView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// All the entities' transactions together.
    #[serde(flatten)]
    pub figures: Figures,
    /// The mean of the entities' indexes.
    pub index: Option<f64>,
    pub entities: Vec<PlatformEntityStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlatformEntityStats {
    pub entity_id: EntityId,
    pub name_ar: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// The mean of its indicators' attainments; none without targets.
    pub index: Option<f64>,
    pub indicators: Vec<Attained>,
}

/// The CSV columns of figures, in order.
pub const FIGURE_COLUMNS: [&str; 17] = [
    "total",
    "completed",
    "open",
    "late",
    "rejected",
    "postponed",
    "completion_rate",
    "delay_rate",
    "on_time_rate",
    "avg_first_response_s",
    "avg_resolution_s",
    "median_first_response_s",
    "p90_first_response_s",
    "median_resolution_s",
    "p90_resolution_s",
    "rating",
    "score",
];

impl Figures {
    /// Its values in `FIGURE_COLUMNS`' order, as CSV writes them (empty when
    /// there is nothing to average).
    pub fn csv_values(&self) -> Vec<String> {
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        vec![
            self.total.to_string(),
            self.completed.to_string(),
            self.open.to_string(),
            self.late.to_string(),
            self.rejected.to_string(),
            self.postponed.to_string(),
            self.completion_rate.to_string(),
            self.delay_rate.to_string(),
            opt(self.on_time_rate),
            opt(self.avg_first_response_s),
            opt(self.avg_resolution_s),
            opt(self.median_first_response_s),
            opt(self.p90_first_response_s),
            opt(self.median_resolution_s),
            opt(self.p90_resolution_s),
            opt(self.rating),
            opt(self.score),
        ]
    }
}
