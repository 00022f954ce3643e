//! The entity overview's figures: how many of an entity's transactions stand
//! in each status and how many are late, in all and by department, type and
//! employee. Each figure has its one definition here, applied alike to every
//! entity; storage only counts rows grouped by what the figures break down by
//! (`CountRow`), so that no query carries a rule of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentId, TransactionTypeId, UserId};
use crate::workflow::Status;

/// How many transactions share a department, type, assignee and status, and
/// how many of them are late (`lifecycle::is_late`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub department: DepartmentId,
    pub type_id: TransactionTypeId,
    pub assignee: Option<UserId>,
    pub status: Status,
    pub count: u64,
    pub late: u64,
}

/// The counts of one group of transactions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: u64,
    /// Not closed: every status but completed and rejected.
    pub open: u64,
    /// Open, on the clock (not postponed) and past due.
    pub late: u64,
    pub completed: u64,
    pub rejected: u64,
    pub postponed: u64,
    pub awaiting_beneficiary: u64,
    /// How many stand in each status, in `Status::ALL`'s order.
    pub by_status: [u64; Status::ALL.len()],
}

impl Tally {
    fn add(&mut self, status: Status, count: u64, late: u64) {
        self.total += count;
        self.late += late;
        if !status.is_closed() {
            self.open += count;
        }
        match status {
            Status::Completed => self.completed += count,
            Status::Rejected => self.rejected += count,
            Status::Postponed => self.postponed += count,
            Status::AwaitingBeneficiary => self.awaiting_beneficiary += count,
            _ => {}
        }
        if let Some(i) = Status::ALL.iter().position(|s| *s == status) {
            self.by_status[i] += count;
        }
    }

    /// Each status with its count.
    pub fn statuses(&self) -> impl Iterator<Item = (Status, u64)> + '_ {
        Status::ALL.into_iter().zip(self.by_status)
    }
}

/// An entity's overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub all: Tally,
    pub by_department: BTreeMap<DepartmentId, Tally>,
    pub by_type: BTreeMap<TransactionTypeId, Tally>,
    /// Each employee's, as the assignee; those nobody holds are `unassigned`.
    pub by_employee: BTreeMap<UserId, Tally>,
    pub unassigned: Tally,
}

impl Overview {
    pub fn of(rows: &[CountRow]) -> Overview {
        let mut o = Overview::default();
        for r in rows {
            o.all.add(r.status, r.count, r.late);
            o.by_department.entry(r.department).or_default().add(r.status, r.count, r.late);
            o.by_type.entry(r.type_id).or_default().add(r.status, r.count, r.late);
            match r.assignee {
                Some(u) => o.by_employee.entry(u).or_default().add(r.status, r.count, r.late),
                None => o.unassigned.add(r.status, r.count, r.late),
            }
        }
        o
    }
}

/// A period's sums for the transactions of one department and type, as
/// one grouped query counts them (`storage::stats::measures`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureRow {
    pub department: Option<DepartmentId>,
    pub type_id: Option<TransactionTypeId>,
    pub total: u64,
    pub completed: u64,
    pub rejected: u64,
    pub postponed: u64,
    pub open: u64,
    /// Open, on the clock and past due now.
    pub late: u64,
    /// Closed after their due time.
    pub closed_late: u64,
    /// Closed by their due time.
    pub on_time: u64,
    pub first_responses: u64,
    pub first_response_s: i64,
    pub resolutions: u64,
    pub resolution_s: i64,
    pub ratings: u64,
    pub rating_sum: i64,
}

impl MeasureRow {
    fn add(&mut self, o: &MeasureRow) {
        self.total += o.total;
        self.completed += o.completed;
        self.rejected += o.rejected;
        self.postponed += o.postponed;
        self.open += o.open;
        self.late += o.late;
        self.closed_late += o.closed_late;
        self.on_time += o.on_time;
        self.first_responses += o.first_responses;
        self.first_response_s += o.first_response_s;
        self.resolutions += o.resolutions;
        self.resolution_s += o.resolution_s;
        self.ratings += o.ratings;
        self.rating_sum += o.rating_sum;
    }
}

/// The figures of a group of transactions over a period. Each has one
/// definition, the same for every entity, department, type and employee:
///
/// - `completion_rate`: completed ÷ all opened in the period;
/// - `delay_rate`: (late now + closed after their due time) ÷ all;
/// - `on_time_rate`: closed by their due time ÷ closed (none when none closed);
/// - `avg_first_response_s`: working seconds from opening to the first
///   answer, pauses left out, over those answered;
/// - `avg_resolution_s`: working seconds from opening to closing, pauses
///   left out, over those closed;
/// - `rating`: the average of the ratings given (1 to 5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub total: u64,
    pub completed: u64,
    pub open: u64,
    pub late: u64,
    pub rejected: u64,
    pub postponed: u64,
    pub completion_rate: f64,
    pub delay_rate: f64,
    pub on_time_rate: Option<f64>,
    pub avg_first_response_s: Option<f64>,
    pub avg_resolution_s: Option<f64>,
    pub rating: Option<f64>,
}

impl Figures {
    pub fn of(m: &MeasureRow) -> Figures {
        let ratio = |n: u64, of: u64| if of == 0 { None } else { Some(n as f64 / of as f64) };
        let mean = |sum: i64, n: u64| if n == 0 { None } else { Some(sum as f64 / n as f64) };
        Figures {
            total: m.total,
            completed: m.completed,
            open: m.open,
            late: m.late,
            rejected: m.rejected,
            postponed: m.postponed,
            completion_rate: ratio(m.completed, m.total).unwrap_or(0.0),
            delay_rate: ratio(m.late + m.closed_late, m.total).unwrap_or(0.0),
            on_time_rate: ratio(m.on_time, m.on_time + m.closed_late),
            avg_first_response_s: mean(m.first_response_s, m.first_responses),
            avg_resolution_s: mean(m.resolution_s, m.resolutions),
            rating: mean(m.rating_sum, m.ratings),
        }
    }
}

/// An entity's period: the whole, and by department and by type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Breakdown {
    pub all: Figures,
    pub by_department: BTreeMap<DepartmentId, Figures>,
    pub by_type: BTreeMap<TransactionTypeId, Figures>,
}

impl Breakdown {
    pub fn of(rows: &[MeasureRow]) -> Breakdown {
        let (mut all, mut dept, mut ty) =
            (MeasureRow::default(), BTreeMap::<DepartmentId, MeasureRow>::new(), BTreeMap::<_, MeasureRow>::new());
        for r in rows {
            all.add(r);
            if let Some(d) = r.department {
                dept.entry(d).or_default().add(r);
            }
            if let Some(t) = r.type_id {
                ty.entry(t).or_default().add(r);
            }
        }
        Breakdown {
            all: Figures::of(&all),
            by_department: dept.iter().map(|(k, m)| (*k, Figures::of(m))).collect(),
            by_type: ty.iter().map(|(k, m)| (*k, Figures::of(m))).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn sum<'a>(tallies: impl Iterator<Item = &'a Tally>) -> Tally {
        let mut t = Tally::default();
        for x in tallies {
            for (status, n) in x.statuses() {
                t.add(status, n, 0);
            }
            t.late += x.late;
        }
        t
    }

    fn row() -> impl Strategy<Value = CountRow> {
        (0..3u128, 0..3u128, prop::option::of(0..4u128), 0..Status::ALL.len(), 1..50u64, any::<bool>()).prop_map(
            |(d, t, a, s, count, some_late)| {
                let status = Status::ALL[s];
                let late = if some_late && crate::lifecycle::clock_runs(status) { count / 2 } else { 0 };
                CountRow {
                    department: DepartmentId(uuid::Uuid::from_u128(d + 1)),
                    type_id: TransactionTypeId(uuid::Uuid::from_u128(t + 100)),
                    assignee: a.map(|a| UserId(uuid::Uuid::from_u128(a + 200))),
                    status,
                    count,
                    late,
                }
            },
        )
    }

    proptest! {
        /// Every breakdown adds up to the whole, and the whole is the rows.
        #[test]
        fn every_breakdown_adds_up_to_the_whole(rows in prop::collection::vec(row(), 0..40)) {
            let o = Overview::of(&rows);
            prop_assert_eq!(o.all.total, rows.iter().map(|r| r.count).sum::<u64>());
            prop_assert_eq!(&sum(o.by_department.values()), &o.all);
            prop_assert_eq!(&sum(o.by_type.values()), &o.all);
            prop_assert_eq!(&sum(o.by_employee.values().chain([&o.unassigned])), &o.all);
            // Open, completed and rejected part the whole; late ones are open
            // and on the clock.
            prop_assert_eq!(o.all.open + o.all.completed + o.all.rejected, o.all.total);
            prop_assert!(o.all.late <= o.all.open - o.all.postponed);
        }
    }

    #[test]
    fn a_late_transaction_is_open_and_counted_once_in_each_breakdown() {
        let d = DepartmentId(uuid::Uuid::from_u128(1));
        let t = TransactionTypeId(uuid::Uuid::from_u128(2));
        let u = UserId(uuid::Uuid::from_u128(3));
        let rows = [
            CountRow { department: d, type_id: t, assignee: Some(u), status: Status::InProgress, count: 3, late: 2 },
            CountRow { department: d, type_id: t, assignee: Some(u), status: Status::Completed, count: 5, late: 0 },
            CountRow { department: d, type_id: t, assignee: None, status: Status::New, count: 1, late: 0 },
        ];
        let o = Overview::of(&rows);
        assert_eq!((o.all.total, o.all.open, o.all.late, o.all.completed), (9, 4, 2, 5));
        assert_eq!((o.by_employee[&u].open, o.by_employee[&u].late), (3, 2));
        assert_eq!(o.unassigned.open, 1);
    }

    #[test]
    fn each_figure_has_its_one_definition() {
        let d = DepartmentId(uuid::Uuid::from_u128(1));
        let rows = [
            MeasureRow {
                department: Some(d),
                type_id: Some(TransactionTypeId(uuid::Uuid::from_u128(2))),
                total: 10,
                completed: 6,
                rejected: 1,
                open: 3,
                late: 1,
                closed_late: 2,
                on_time: 5,
                first_responses: 8,
                first_response_s: 8 * 3600,
                resolutions: 7,
                resolution_s: 7 * 7200,
                ratings: 4,
                rating_sum: 18,
                ..Default::default()
            },
            MeasureRow {
                department: Some(d),
                type_id: Some(TransactionTypeId(uuid::Uuid::from_u128(3))),
                total: 10,
                completed: 4,
                open: 6,
                ..Default::default()
            },
        ];
        let b = Breakdown::of(&rows);
        let f = &b.all;
        assert_eq!((f.total, f.completed, f.open, f.late, f.rejected), (20, 10, 9, 1, 1));
        assert_eq!(f.completion_rate, 0.5);
        assert_eq!(f.delay_rate, 3.0 / 20.0);
        assert_eq!(f.on_time_rate, Some(5.0 / 7.0));
        assert_eq!((f.avg_first_response_s, f.avg_resolution_s, f.rating), (Some(3600.0), Some(7200.0), Some(4.5)));
        assert_eq!(b.by_department[&d], b.all);
        assert_eq!(b.by_type.len(), 2);
        let none = Figures::of(&MeasureRow::default());
        assert_eq!((none.completion_rate, none.on_time_rate, none.avg_resolution_s), (0.0, None, None));
    }
}
