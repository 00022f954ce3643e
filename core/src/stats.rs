//! The entity overview's figures: how many of an entity's transactions stand
//! in each status and how many are late, in all and by department, type and
//! employee. Each figure has its one definition here, applied alike to every
//! entity; storage only counts rows grouped by what the figures break down by
//! (`CountRow`), so that no query carries a rule of its own.

use std::collections::BTreeMap;

use serde::Serialize;

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
}
