//! The entity overview's figures: how many of an entity's transactions stand
//! in each status and how many are late, in all and by department, type and
//! employee. Each figure has its one definition here, applied alike to every
//! entity; storage only counts rows grouped by what the figures break down by
//! (`CountRow`), so that no query carries a rule of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use self::times::Times;
use crate::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use crate::workflow::Status;

mod times;

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

/// What a group of transactions is known by: each part is set when the
/// group is cut by it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub entity: Option<EntityId>,
    pub department: Option<DepartmentId>,
    pub type_id: Option<TransactionTypeId>,
    pub assignee: Option<UserId>,
}

/// A period's sums for the transactions of one entity, department, type and
/// assignee, as one grouped query counts them (`storage::stats`), or as a
/// day's rollup keeps them (`storage::rollups`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureRow {
    pub entity: Option<EntityId>,
    pub department: Option<DepartmentId>,
    pub type_id: Option<TransactionTypeId>,
    pub assignee: Option<UserId>,
    pub total: u64,
    pub completed: u64,
    pub rejected: u64,
    pub postponed: u64,
    pub open: u64,
    /// Open, on the clock and past due now (counted apart from the other
    /// sums, which do not depend on the moment they are read).
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
    pub fn key(&self) -> Key {
        Key { entity: self.entity, department: self.department, type_id: self.type_id, assignee: self.assignee }
    }

    pub fn add(&mut self, o: &MeasureRow) {
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

impl From<Key> for MeasureRow {
    /// No transactions yet, of the group known by `key`.
    fn from(k: Key) -> MeasureRow {
        MeasureRow {
            entity: k.entity,
            department: k.department,
            type_id: k.type_id,
            assignee: k.assignee,
            ..Default::default()
        }
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
///   points of the transactions completed and of those late and still open
///   (0 each).
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

/// One transaction's times in a period, for what sums cannot give: medians,
/// percentiles and the speed score (`storage::stats::samples`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub entity: EntityId,
    pub department: DepartmentId,
    pub type_id: TransactionTypeId,
    pub assignee: Option<UserId>,
    pub first_response_s: Option<i64>,
    pub resolution_s: Option<i64>,
    pub completed: bool,
    /// Its type's target, in working seconds.
    pub target_s: i64,
}

impl Sample {
    pub fn key(&self) -> Key {
        Key {
            entity: Some(self.entity),
            department: Some(self.department),
            type_id: Some(self.type_id),
            assignee: self.assignee,
        }
    }

    /// Its speed points if it was completed (`speed_points`); rejected ones
    /// and those open earn none (those late and open earn 0, counted from
    /// the sums' `late`).
    pub fn speed_points(&self) -> Option<f64> {
        match (self.completed, self.resolution_s) {
            (true, Some(took)) => Some(speed_points(took, self.target_s)),
            _ => None,
        }
    }
}

/// A completed transaction's speed points, 0 to 100, the same for every
/// entity: completed within half its target, 100; then down in a straight
/// line to 50 at its target and to 0 at twice its target.
pub fn speed_points(took_s: i64, target_s: i64) -> f64 {
    let r = took_s as f64 / target_s.max(1) as f64;
    if r <= 0.5 {
        100.0
    } else if r <= 1.0 {
        100.0 - (r - 0.5) * 100.0
    } else {
        (50.0 - (r - 1.0) * 50.0).max(0.0)
    }
}

/// What a group's figures are made of, read from the transactions or from
/// the days rolled up: its sums, its times, and its completed ones' points.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tallied {
    pub sums: MeasureRow,
    /// Working seconds to the first answer, of each one answered.
    pub first_response_s: Times,
    /// Working seconds to closing, of each one closed.
    pub resolution_s: Times,
    /// The speed points of the completed ones, and how many.
    pub points_sum: f64,
    pub points: u64,
}

impl Tallied {
    /// An empty group known by `key`.
    pub fn of_key(key: Key) -> Tallied {
        Tallied { sums: key.into(), ..Tallied::default() }
    }

    pub fn add(&mut self, o: &Tallied) {
        self.sums.add(&o.sums);
        self.first_response_s.add(&o.first_response_s);
        self.resolution_s.add(&o.resolution_s);
        self.points_sum += o.points_sum;
        self.points += o.points;
    }

    /// The group's figures.
    pub fn figures(&self) -> Figures {
        let m = &self.sums;
        let ratio = |n: u64, of: u64| if of == 0 { None } else { Some(n as f64 / of as f64) };
        let mean = |sum: i64, n: u64| if n == 0 { None } else { Some(sum as f64 / n as f64) };
        let scored = self.points + m.late;
        let (first, resolution) =
            (self.first_response_s.percentiles([50, 90]), self.resolution_s.percentiles([50, 90]));
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
            median_first_response_s: first[0],
            p90_first_response_s: first[1],
            median_resolution_s: resolution[0],
            p90_resolution_s: resolution[1],
            rating: mean(m.rating_sum, m.ratings),
            score: (scored > 0).then(|| self.points_sum / scored as f64),
        }
    }
}

/// The groups of rows and samples read together: each key's sums with its
/// transactions' times.
pub fn tallied(rows: &[MeasureRow], samples: &[Sample]) -> Vec<Tallied> {
    /// A group's times while they are gathered.
    #[derive(Default)]
    struct Gathered {
        tallied: Tallied,
        first_response_s: Vec<i64>,
        resolution_s: Vec<i64>,
    }
    fn group(groups: &mut BTreeMap<Key, Gathered>, key: Key) -> &mut Gathered {
        groups.entry(key).or_insert_with(|| Gathered { tallied: Tallied::of_key(key), ..Gathered::default() })
    }
    let mut groups = BTreeMap::new();
    for r in rows {
        group(&mut groups, r.key()).tallied.sums.add(r);
    }
    for s in samples {
        let g = group(&mut groups, s.key());
        g.first_response_s.extend(s.first_response_s);
        g.resolution_s.extend(s.resolution_s);
        if let Some(p) = s.speed_points() {
            g.tallied.points_sum += p;
            g.tallied.points += 1;
        }
    }
    groups
        .into_values()
        .map(|g| Tallied {
            first_response_s: Times::of(g.first_response_s),
            resolution_s: Times::of(g.resolution_s),
            ..g.tallied
        })
        .collect()
}

/// The whole of some groups.
pub fn whole<'a>(groups: impl IntoIterator<Item = &'a Tallied>) -> Tallied {
    let mut all = Tallied::default();
    for g in groups {
        all.add(g);
    }
    all
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

fn figures_of<K: Ord + Copy>(groups: &BTreeMap<K, Tallied>) -> BTreeMap<K, Figures> {
    groups.iter().map(|(k, g)| (*k, g.figures())).collect()
}

impl Breakdown {
    pub fn of(groups: &[Tallied]) -> Breakdown {
        let (mut dept, mut ty, mut emp) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for g in groups {
            if let Some(d) = g.sums.department {
                dept.entry(d).or_insert_with(Tallied::default).add(g);
            }
            if let Some(t) = g.sums.type_id {
                ty.entry(t).or_insert_with(Tallied::default).add(g);
            }
            if let Some(u) = g.sums.assignee {
                emp.entry(u).or_insert_with(Tallied::default).add(g);
            }
        }
        Breakdown {
            all: whole(groups).figures(),
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
        let b = Breakdown::of(&tallied(&rows, &[]));
        let f = &b.all;
        assert_eq!((f.total, f.completed, f.open, f.late, f.rejected), (20, 10, 9, 1, 1));
        assert_eq!(f.completion_rate, 0.5);
        assert_eq!(f.delay_rate, 3.0 / 20.0);
        assert_eq!(f.on_time_rate, Some(5.0 / 7.0));
        assert_eq!((f.avg_first_response_s, f.avg_resolution_s, f.rating), (Some(3600.0), Some(7200.0), Some(4.5)));
        assert_eq!(b.by_department[&d], b.all);
        assert_eq!(b.by_type.len(), 2);
        let none = Tallied::default().figures();
        assert_eq!((none.completion_rate, none.on_time_rate, none.avg_resolution_s), (0.0, None, None));
    }

    fn sample(assignee: u128, resolution_s: Option<i64>, completed: bool) -> Sample {
        Sample {
            entity: EntityId(uuid::Uuid::from_u128(9)),
            department: DepartmentId(uuid::Uuid::from_u128(1)),
            type_id: TransactionTypeId(uuid::Uuid::from_u128(2)),
            assignee: Some(UserId(uuid::Uuid::from_u128(assignee))),
            first_response_s: resolution_s.map(|r| r / 10),
            resolution_s,
            completed,
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
    fn speed_points_fall_from_half_the_target_to_twice_it() {
        let points = |r: Option<i64>, completed| sample(1, r, completed).speed_points();
        assert_eq!(points(Some(50), true), Some(100.0));
        assert_eq!(points(Some(75), true), Some(75.0));
        assert_eq!(points(Some(100), true), Some(50.0));
        assert_eq!(points(Some(150), true), Some(25.0));
        assert_eq!(points(Some(300), true), Some(0.0));
        assert_eq!(points(Some(10), false), None, "a rejection is not a completion");
        assert_eq!(points(None, false), None, "open");
    }

    #[test]
    fn employees_get_their_own_times_and_score() {
        let samples = [
            sample(1, Some(40), true),
            sample(1, Some(100), true),
            sample(1, Some(120), true),
            sample(2, Some(60), false),
        ];
        // One of the second's is open and late now: 0 points.
        let late = MeasureRow { late: 1, open: 1, total: 1, ..samples[3].key().into() };
        let b = Breakdown::of(&tallied(&[late], &samples));
        let one = &b.by_employee[&UserId(uuid::Uuid::from_u128(1))];
        assert_eq!((one.median_resolution_s, one.p90_resolution_s), (Some(100.0), Some(120.0)));
        assert_eq!(one.median_first_response_s, Some(10.0));
        assert_eq!(one.score, Some((100.0 + 50.0 + 40.0) / 3.0));
        let two = &b.by_employee[&UserId(uuid::Uuid::from_u128(2))];
        assert_eq!((two.score, two.median_resolution_s, two.late), (Some(0.0), Some(60.0), 1));
        assert_eq!(b.all.median_resolution_s, Some(60.0), "of 40, 60, 100, 120");
        assert_eq!(b.all.score, Some((100.0 + 50.0 + 40.0 + 0.0) / 4.0));
    }

    proptest! {
        /// However a group's transactions are cut into parts (days rolled up
        /// apart, say), the whole of the parts has the group's figures.
        #[test]
        fn the_whole_of_parts_has_the_figures_of_the_whole(
            times in prop::collection::vec((0..3u128, prop::option::of(0..500i64), any::<bool>(), 0..4usize), 0..60),
        ) {
            let samples: Vec<Sample> = times.iter().map(|(a, r, c, _)| sample(*a + 1, *r, *c)).collect();
            let rows: Vec<MeasureRow> = samples
                .iter()
                .map(|s| MeasureRow { total: 1, completed: u64::from(s.completed), ..s.key().into() })
                .collect();
            let at_once = Breakdown::of(&tallied(&rows, &samples));
            let mut parts = Vec::new();
            for part in 0..4 {
                let pick = |i: &usize| times[*i].3 == part;
                let r: Vec<MeasureRow> = (0..rows.len()).filter(pick).map(|i| rows[i].clone()).collect();
                let s: Vec<Sample> = (0..samples.len()).filter(pick).map(|i| samples[i].clone()).collect();
                parts.extend(tallied(&r, &s));
            }
            let in_parts = Breakdown::of(&parts);
            prop_assert_eq!(in_parts.all.total, at_once.all.total);
            prop_assert_eq!(in_parts.all.median_resolution_s, at_once.all.median_resolution_s);
            prop_assert_eq!(in_parts.all.p90_first_response_s, at_once.all.p90_first_response_s);
            prop_assert_eq!(in_parts.by_employee.len(), at_once.by_employee.len());
            for (u, f) in &at_once.by_employee {
                let g = &in_parts.by_employee[u];
                prop_assert_eq!((g.completed, g.p90_resolution_s), (f.completed, f.p90_resolution_s));
                let close = match (g.score, f.score) {
                    (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                    (a, b) => a == b,
                };
                prop_assert!(close, "{:?} and {:?}", g.score, f.score);
            }
        }
    }
}
