//! Statistics as the API gives them (API.md "Statistics and audit"): an
//! entity's figures over a period, in all and by type and department. The
//! figures and their definitions are `stats::Figures`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::ids::{DepartmentId, EntityId, TransactionTypeId};
use crate::stats::Figures;

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

/// The CSV columns of figures, in order.
pub const FIGURE_COLUMNS: [&str; 12] = [
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
    "rating",
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
            opt(self.rating),
        ]
    }
}
