//! The performance index of `004_…`: for each entity, targets per indicator
//! set by the platform admin; each indicator's attainment is achieved ÷
//! target (target ÷ achieved for a time, where less is better), at most 1;
//! the entity's index is the mean of its attainments, and the government's
//! the mean of the entities' indexes ("the sum of the entities' results
//! divided by their number"). The achieved values are the entity's figures
//! (`stats::Figures`) over the period, so each has its one definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::error::FieldErrors;
use crate::stats::Figures;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Completed ÷ opened (0 to 1).
    CompletionRate,
    /// Closed by their due time ÷ closed (0 to 1).
    OnTimeRate,
    /// The mean rating (1 to 5).
    Rating,
    /// The mean working hours to the first answer (less is better).
    FirstResponseHours,
    /// The mean working hours to close (less is better).
    ResolutionHours,
}

impl Indicator {
    pub const ALL: [Indicator; 5] = [
        Indicator::CompletionRate,
        Indicator::OnTimeRate,
        Indicator::Rating,
        Indicator::FirstResponseHours,
        Indicator::ResolutionHours,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::CompletionRate => "completion_rate",
            Indicator::OnTimeRate => "on_time_rate",
            Indicator::Rating => "rating",
            Indicator::FirstResponseHours => "first_response_hours",
            Indicator::ResolutionHours => "resolution_hours",
        }
    }

    pub fn parse(s: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.as_str() == s)
    }

    fn less_is_better(self) -> bool {
        matches!(self, Indicator::FirstResponseHours | Indicator::ResolutionHours)
    }

    /// What a target may be: a rate in (0, 1], a rating in [1, 5], hours in (0, 8760].
    fn accepts(self, target: f64) -> bool {
        target.is_finite()
            && match self {
                Indicator::CompletionRate | Indicator::OnTimeRate => target > 0.0 && target <= 1.0,
                Indicator::Rating => (1.0..=5.0).contains(&target),
                Indicator::FirstResponseHours | Indicator::ResolutionHours => target > 0.0 && target <= 8760.0,
            }
    }

    /// The figure it measures; `None` when there is nothing to measure yet.
    pub fn achieved(self, f: &Figures) -> Option<f64> {
        match self {
            Indicator::CompletionRate => (f.total > 0).then_some(f.completion_rate),
            Indicator::OnTimeRate => f.on_time_rate,
            Indicator::Rating => f.rating,
            Indicator::FirstResponseHours => f.avg_first_response_s.map(|s| s / 3600.0),
            Indicator::ResolutionHours => f.avg_resolution_s.map(|s| s / 3600.0),
        }
    }

    /// Achieved against target, from 0 to 1.
    pub fn attainment(self, target: f64, achieved: f64) -> f64 {
        let ratio = if self.less_is_better() {
            if achieved <= 0.0 { 1.0 } else { target / achieved }
        } else {
            achieved / target
        };
        ratio.clamp(0.0, 1.0)
    }
}

/// An entity's targets, by indicator.
pub type Targets = BTreeMap<Indicator, f64>;

/// Targets as sent (`{"completion_rate": 0.9, …}`), each checked; a refusal
/// names `targets.<indicator>`.
pub fn parse_targets(raw: &BTreeMap<String, f64>) -> Result<Targets, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut out = Targets::new();
    for (name, value) in raw {
        let field = format!("targets.{name}");
        match Indicator::parse(name) {
            Some(i) if i.accepts(*value) => {
                out.insert(i, *value);
            }
            Some(_) => e.push(field, ErrorCode::InvalidField),
            None => e.push(field, ErrorCode::UnknownField),
        }
    }
    e.finish(Some(out))
}

/// One indicator of an entity: its target, what was achieved, and the attainment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attained {
    pub indicator: Indicator,
    pub target: f64,
    pub achieved: Option<f64>,
    pub attainment: Option<f64>,
}

/// An entity's attainments and its index: the mean of the attainments it has
/// (an indicator with nothing measured yet is left out); none without targets.
pub fn entity_index(targets: &Targets, f: &Figures) -> (Vec<Attained>, Option<f64>) {
    let rows: Vec<Attained> = targets
        .iter()
        .map(|(i, target)| {
            let achieved = i.achieved(f);
            Attained {
                indicator: *i,
                target: *target,
                achieved,
                attainment: achieved.map(|a| i.attainment(*target, a)),
            }
        })
        .collect();
    let got: Vec<f64> = rows.iter().filter_map(|r| r.attainment).collect();
    let index = (!got.is_empty()).then(|| got.iter().sum::<f64>() / got.len() as f64);
    (rows, index)
}

/// The government's index: the mean of the entities' indexes (those that have one).
pub fn government_index(indexes: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let got: Vec<f64> = indexes.into_iter().flatten().collect();
    (!got.is_empty()).then(|| got.iter().sum::<f64>() / got.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            total: 10,
            completion_rate: 0.6,
            on_time_rate: Some(0.9),
            rating: Some(4.0),
            avg_first_response_s: Some(2.0 * 3600.0),
            avg_resolution_s: None,
            ..Figures::default()
        }
    }

    #[test]
    fn attainment_is_achieved_over_target_capped_and_inverted_for_times() {
        assert!((Indicator::CompletionRate.attainment(0.8, 0.6) - 0.75).abs() < 1e-12);
        assert_eq!(Indicator::OnTimeRate.attainment(0.8, 0.9), 1.0, "beyond the target counts as the target");
        assert_eq!(Indicator::FirstResponseHours.attainment(1.0, 2.0), 0.5, "twice as slow, half the way");
        assert_eq!(Indicator::ResolutionHours.attainment(24.0, 12.0), 1.0);
    }

    #[test]
    fn an_entitys_index_is_the_mean_of_what_it_attained_and_the_governments_the_mean_of_entities() {
        let targets: Targets = [
            (Indicator::CompletionRate, 0.8),
            (Indicator::Rating, 5.0),
            (Indicator::FirstResponseHours, 1.0),
            (Indicator::ResolutionHours, 24.0),
        ]
        .into();
        let (rows, index) = entity_index(&targets, &figures());
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3].attainment, None, "nothing closed: not counted");
        assert!((index.unwrap() - (0.75 + 0.8 + 0.5) / 3.0).abs() < 1e-12);
        assert_eq!(entity_index(&Targets::new(), &figures()).1, None);
        assert_eq!(government_index([Some(0.5), None, Some(1.0)]), Some(0.75));
        assert_eq!(government_index([None]), None);
    }

    #[test]
    fn targets_are_checked_by_name_and_range() {
        let ok = parse_targets(&[("completion_rate".to_owned(), 0.9), ("rating".to_owned(), 4.5)].into()).unwrap();
        assert_eq!(ok.len(), 2);
        let bad = parse_targets(
            &[
                ("completion_rate".to_owned(), 1.5),
                ("speed".to_owned(), 1.0),
                ("resolution_hours".to_owned(), 0.0),
                ("rating".to_owned(), f64::NAN),
            ]
            .into(),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["targets.completion_rate", "targets.rating", "targets.resolution_hours", "targets.speed"]);
    }
}
