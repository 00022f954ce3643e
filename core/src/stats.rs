//! The entity overview's figures: how many of an entity's transactions stand
//! in each status and how many are late, in all and by department, type and
//! employee. Each figure has its one definition here, applied alike to every
//! entity; storage only counts rows grouped by what the figures break down by
//! (`CountRow`), so that no query carries a rule of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use crate::workflow::Status;

/// Whose transactions a set of figures is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// An entity's.
    Entity(EntityId),
    /// Those a beneficiary opened: their own history.
    Beneficiary(UserId),
    /// Those an employee holds: their own history.
    Holder(UserId),
}

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

/// A period's sums for the transactions of one department, type and
/// assignee, as one grouped query counts them (`storage::stats::measures`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureRow {
    pub department: Option<DepartmentId>,
    pub type_id: Option<TransactionTypeId>,
    pub assignee: Option<UserId>,
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
/// - `median_…_s`, `p90_…_s`: the same times' median and 90th percentile, by
///   nearest rank (the smallest time at or below which that share of them lie);
/// - `rating`: the average of the ratings given (1 to 5);
/// - `score`: the speed score, 0 to 100 (`speed_points`), the mean of the
///   points of the transactions completed and of those late and still open.
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
    pub median_first_response_s: Option<f64>,
    pub p90_first_response_s: Option<f64>,
    pub median_resolution_s: Option<f64>,
    pub p90_resolution_s: Option<f64>,
    pub rating: Option<f64>,
    pub score: Option<f64>,
}

impl Figures {
    /// The figures of a group: its sums, and its transactions' times.
    pub fn of(m: &MeasureRow, samples: &[&Sample]) -> Figures {
        let ratio = |n: u64, of: u64| if of == 0 { None } else { Some(n as f64 / of as f64) };
        let mean = |sum: i64, n: u64| if n == 0 { None } else { Some(sum as f64 / n as f64) };
        let times = |pick: fn(&Sample) -> Option<i64>| {
            let mut v: Vec<i64> = samples.iter().filter_map(|s| pick(s)).collect();
            v.sort_unstable();
            v
        };
        let first = times(|s| s.first_response_s);
        let resolution = times(|s| s.resolution_s);
        let points: Vec<f64> = samples.iter().filter_map(|s| s.speed_points()).collect();
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
            median_first_response_s: percentile(&first, 50),
            p90_first_response_s: percentile(&first, 90),
            median_resolution_s: percentile(&resolution, 50),
            p90_resolution_s: percentile(&resolution, 90),
            rating: mean(m.rating_sum, m.ratings),
            score: (!points.is_empty()).then(|| points.iter().sum::<f64>() / points.len() as f64),
        }
    }
}

/// The `p`th percentile of sorted values by nearest rank: the value at rank
/// ⌈p/100 × n⌉ (the median of four is the second).
pub fn percentile(sorted: &[i64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    let i = usize::try_from(rank).unwrap_or(usize::MAX).min(sorted.len()) - 1;
    Some(sorted[i] as f64)
}

/// One transaction's times in a period, for what sums cannot give: medians,
/// percentiles and the speed score (`storage::stats::samples`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub department: DepartmentId,
    pub type_id: TransactionTypeId,
    pub assignee: Option<UserId>,
    pub first_response_s: Option<i64>,
    pub resolution_s: Option<i64>,
    pub completed: bool,
    /// Open, on the clock and past due now.
    pub late_open: bool,
    /// Its type's target, in working seconds.
    pub target_s: i64,
}

impl Sample {
    /// Its speed points, 0 to 100, the same for every entity: completed within
    /// half its target, 100; then down in a straight line to 50 at its target
    /// and to 0 at twice its target; late and still open, 0. Rejected ones and
    /// those open within their time earn none (they are not counted).
    pub fn speed_points(&self) -> Option<f64> {
        if self.late_open {
            return Some(0.0);
        }
        let (true, Some(took)) = (self.completed, self.resolution_s) else { return None };
        let r = took as f64 / self.target_s.max(1) as f64;
        Some(if r <= 0.5 {
            100.0
        } else if r <= 1.0 {
            100.0 - (r - 0.5) * 100.0
        } else {
            (50.0 - (r - 1.0) * 50.0).max(0.0)
        })
    }
}

/// An entity's period: the whole, and by department, by type and by
/// employee (the assignee).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Breakdown {
    pub all: Figures,
    pub by_department: BTreeMap<DepartmentId, Figures>,
    pub by_type: BTreeMap<TransactionTypeId, Figures>,
    pub by_employee: BTreeMap<UserId, Figures>,
}

/// The sums and the times of one group.
#[derive(Default)]
struct Group<'a> {
    sums: MeasureRow,
    samples: Vec<&'a Sample>,
}

impl Group<'_> {
    fn figures(&self) -> Figures {
        Figures::of(&self.sums, &self.samples)
    }
}

fn figures_of<K: Ord + Copy>(groups: &BTreeMap<K, Group<'_>>) -> BTreeMap<K, Figures> {
    groups.iter().map(|(k, g)| (*k, g.figures())).collect()
}

impl Breakdown {
    pub fn of(rows: &[MeasureRow], samples: &[Sample]) -> Breakdown {
        let mut all = Group::default();
        let (mut dept, mut ty, mut emp) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for r in rows {
            all.sums.add(r);
            if let Some(d) = r.department {
                dept.entry(d).or_insert_with(Group::default).sums.add(r);
            }
            if let Some(t) = r.type_id {
                ty.entry(t).or_insert_with(Group::default).sums.add(r);
            }
            if let Some(u) = r.assignee {
                emp.entry(u).or_insert_with(Group::default).sums.add(r);
            }
        }
        for s in samples {
            all.samples.push(s);
            dept.entry(s.department).or_insert_with(Group::default).samples.push(s);
            ty.entry(s.type_id).or_insert_with(Group::default).samples.push(s);
            if let Some(u) = s.assignee {
                emp.entry(u).or_insert_with(Group::default).samples.push(s);
            }
        }
        Breakdown {
            all: all.figures(),
            by_department: figures_of(&dept),
            by_type: figures_of(&ty),
            by_employee: figures_of(&emp),
        }
    }
}

/// How a trend is cut: by week (Sunday to Saturday, Riyadh) or by Hijri month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Week,
    HijriMonth,
}

/// Where one period's transactions — those opened in it — stand now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// The period: a week's Sunday, or a Hijri year and month (day 1).
    pub period: Period,
    pub opened: u64,
    pub completed: u64,
    /// Not closed, late or not.
    pub open: u64,
    /// Of the open, those late now.
    pub late: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Week(chrono::NaiveDate),
    HijriMonth { year: i32, month: u8 },
}

/// The trend of an entity's transactions (the per-transaction rows), oldest
/// period first; periods with nothing opened are left out.
pub fn trend(rows: &[crate::api::TransactionRow], cut: Cut) -> Vec<TrendPoint> {
    let mut by: BTreeMap<Period, TrendPoint> = BTreeMap::new();
    for r in rows {
        let period = match cut {
            Cut::Week => Period::Week(crate::dates::week_start(r.created_at)),
            Cut::HijriMonth => match crate::dates::hijri_month(r.created_at) {
                Some((year, month)) => Period::HijriMonth { year, month },
                None => continue,
            },
        };
        let p =
            by.entry(period).or_insert(TrendPoint { period, opened: 0, completed: 0, open: 0, late: 0, rejected: 0 });
        p.opened += 1;
        match r.status {
            Status::Completed => p.completed += 1,
            Status::Rejected => p.rejected += 1,
            _ => {
                p.open += 1;
                p.late += u64::from(r.late);
            }
        }
    }
    by.into_values().collect()
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
        let b = Breakdown::of(&rows, &[]);
        let f = &b.all;
        assert_eq!((f.total, f.completed, f.open, f.late, f.rejected), (20, 10, 9, 1, 1));
        assert_eq!(f.completion_rate, 0.5);
        assert_eq!(f.delay_rate, 3.0 / 20.0);
        assert_eq!(f.on_time_rate, Some(5.0 / 7.0));
        assert_eq!((f.avg_first_response_s, f.avg_resolution_s, f.rating), (Some(3600.0), Some(7200.0), Some(4.5)));
        assert_eq!(b.by_department[&d], b.all);
        assert_eq!(b.by_type.len(), 2);
        let none = Figures::of(&MeasureRow::default(), &[]);
        assert_eq!((none.completion_rate, none.on_time_rate, none.avg_resolution_s), (0.0, None, None));
    }

    fn sample(assignee: u128, resolution_s: Option<i64>, completed: bool, late_open: bool) -> Sample {
        Sample {
            department: DepartmentId(uuid::Uuid::from_u128(1)),
            type_id: TransactionTypeId(uuid::Uuid::from_u128(2)),
            assignee: Some(UserId(uuid::Uuid::from_u128(assignee))),
            first_response_s: resolution_s.map(|r| r / 10),
            resolution_s,
            completed,
            late_open,
            target_s: 100,
        }
    }

    #[test]
    fn a_trend_counts_each_period_s_transactions_where_they_stand() {
        use chrono::{DateTime, TimeZone, Utc};
        let row = |at: DateTime<Utc>, status: Status, late: bool| crate::api::TransactionRow {
            transaction_id: crate::ids::TransactionId::new(),
            reference: String::new(),
            type_id: TransactionTypeId(uuid::Uuid::from_u128(1)),
            department_id: DepartmentId(uuid::Uuid::from_u128(2)),
            assignee_id: None,
            status,
            created_at: at,
            due_at: at,
            first_response_at: None,
            closed_at: None,
            late,
            first_response_s: None,
            resolution_s: None,
            paused_s: 0,
            rating: None,
        };
        // Saturday 5 December 2026, 22:00 UTC, is Sunday the 6th in Riyadh: a new week.
        let sat = Utc.with_ymd_and_hms(2026, 12, 5, 20, 0, 0).unwrap();
        let sun = Utc.with_ymd_and_hms(2026, 12, 5, 22, 0, 0).unwrap();
        let rows = [
            row(sat, Status::Completed, false),
            row(sat, Status::InProgress, true),
            row(sun, Status::Rejected, false),
            row(sun, Status::Assigned, false),
        ];
        let weeks = trend(&rows, Cut::Week);
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].period, Period::Week(chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()));
        assert_eq!((weeks[0].opened, weeks[0].completed, weeks[0].open, weeks[0].late), (2, 1, 1, 1));
        assert_eq!((weeks[1].rejected, weeks[1].open, weeks[1].late), (1, 1, 0));
        // 5 December 2026 is in Jumada al-Akhirah 1448.
        let months = trend(&rows, Cut::HijriMonth);
        assert_eq!(months.len(), 1);
        assert_eq!((months[0].period, months[0].opened), (Period::HijriMonth { year: 1448, month: 6 }, 4));
    }

    #[test]
    fn percentiles_are_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7.0));
        assert_eq!((percentile(&[10, 20, 30, 40], 50), percentile(&[10, 20, 30, 40], 90)), (Some(20.0), Some(40.0)));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(
            (percentile(&ten, 50), percentile(&ten, 90), percentile(&ten, 100)),
            (Some(5.0), Some(9.0), Some(10.0))
        );
    }

    #[test]
    fn speed_points_fall_from_half_the_target_to_twice_it() {
        let points = |r: Option<i64>, completed, late| sample(1, r, completed, late).speed_points();
        assert_eq!(points(Some(50), true, false), Some(100.0));
        assert_eq!(points(Some(75), true, false), Some(75.0));
        assert_eq!(points(Some(100), true, false), Some(50.0));
        assert_eq!(points(Some(150), true, false), Some(25.0));
        assert_eq!(points(Some(300), true, false), Some(0.0));
        assert_eq!(points(None, false, true), Some(0.0), "late and open");
        assert_eq!(points(Some(10), false, false), None, "a rejection is not a completion");
        assert_eq!(points(None, false, false), None, "open within its time");
    }

    #[test]
    fn employees_get_their_own_times_and_score() {
        let samples = [
            sample(1, Some(40), true, false),
            sample(1, Some(100), true, false),
            sample(1, Some(120), true, false),
            sample(2, None, false, true),
            sample(2, Some(60), false, false),
        ];
        let b = Breakdown::of(&[], &samples);
        let one = &b.by_employee[&UserId(uuid::Uuid::from_u128(1))];
        assert_eq!((one.median_resolution_s, one.p90_resolution_s), (Some(100.0), Some(120.0)));
        assert_eq!(one.median_first_response_s, Some(10.0));
        assert_eq!(one.score, Some((100.0 + 50.0 + 40.0) / 3.0));
        let two = &b.by_employee[&UserId(uuid::Uuid::from_u128(2))];
        assert_eq!((two.score, two.median_resolution_s), (Some(0.0), Some(60.0)));
        assert_eq!(b.all.median_resolution_s, Some(60.0), "of 40, 60, 100, 120");
        assert_eq!(b.all.score, Some((100.0 + 50.0 + 40.0 + 0.0) / 4.0));
    }
}
