//! Each day's and month's statistics (`stats_rollups`), kept by the log
//! consumer `server::rollups`, and a period's groups read from them.
//!
//! A rolled-up day holds, per entity and UTC day of opening, the sums and the
//! times of the transactions opened that day as they stood when the day was
//! last computed from them: one row per department, type and assignee
//! (`Grain::Detail`, for an entity's figures) and one per type (`Grain::Type`,
//! for the platform's, which shows each entity whole). Each UTC month's rows
//! are its days' rows added up, rebuilt whenever one of its days is, so that
//! a year reads a dozen months and the days at its ends rather than every
//! day. The rows are exact for every event up to the consumer's position,
//! which the consumer moves in the same database transaction. A period
//! therefore takes its whole months and days from the rows (the days of a
//! month that an event after that position touched, instead of the month),
//! and reads from the transactions themselves its partial first and last
//! days, every touched day, and what depends on the moment of reading (which
//! open ones are late now).
//!
//! The speed points are not kept: a row keeps the completed ones' times, and
//! the points are given against the type's target as it is when read, as the
//! transactions themselves give them (a changed target counts at once, for
//! every day alike).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::stats::{Key, MeasureRow, Tallied, Times, speed_points};
use uuid::Uuid;

use crate::Result;
use crate::accounts::corrupt;
use crate::model::{stats_rollups, transaction_events, transaction_types, transactions};
use crate::stats::{Sums, entities_are, late, live, measures, samples};

/// The consumer's name in `log_cursors`: its position says how far the rows
/// are exact.
pub const CONSUMER: &str = "statistics";

/// Which rows of a day or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// Per department, type and assignee.
    Detail,
    /// Per type alone.
    Type,
}

impl Grain {
    fn as_str(self) -> &'static str {
        match self {
            Grain::Detail => "detail",
            Grain::Type => "type",
        }
    }

    const ALL: [Grain; 2] = [Grain::Detail, Grain::Type];

    /// The key a group of this grain is known by.
    fn key_of(self, k: Key) -> Key {
        match self {
            Grain::Detail => k,
            Grain::Type => Key { department: None, assignee: None, ..k },
        }
    }
}

/// How long a row's time is: a day, or the month that starts on its `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Day,
    Month,
}

impl Span {
    fn as_str(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Month => "month",
        }
    }
}

/// The UTC days on which the given transactions were opened, with their entity.
pub async fn days_of(c: &impl ConnectionTrait, ids: &[TransactionId]) -> Result<BTreeSet<(EntityId, NaiveDate)>> {
    let mut days = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(Uuid, DateTime<Utc>)> = transactions::Entity::find()
            .select_only()
            .column(transactions::Column::EntityId)
            .column(transactions::Column::CreatedAt)
            .filter(transactions::Column::Id.is_in(chunk.iter().map(|t| t.0)))
            .into_tuple()
            .all(c)
            .await?;
        days.extend(found.into_iter().map(|(e, at)| (EntityId(e), at.date_naive())));
    }
    Ok(days)
}

/// One day's rows as computed from its transactions.
#[derive(Debug)]
pub struct Computed {
    entity: EntityId,
    day: NaiveDate,
    rows: Vec<stats_rollups::ActiveModel>,
}

/// Computes an entity's day from the transactions opened on it (on a reader;
/// `replace` writes it).
pub async fn compute(c: &impl ConnectionTrait, entity: EntityId, day: NaiveDate) -> Result<Computed> {
    let (from, to) = day_bounds(day)?;
    let over = entities_are(&[entity]);
    let (sums, times) = tokio::try_join!(measures(c, over.clone(), from, to), samples(c, over, from, to))?;
    let mut rows = Vec::new();
    for grain in Grain::ALL {
        let mut groups: BTreeMap<Key, Kept> = BTreeMap::new();
        for m in &sums {
            groups.entry(grain.key_of(m.key())).or_default().sums.add(m);
        }
        for s in &times {
            let kept = groups.entry(grain.key_of(s.key())).or_default();
            kept.first_response.extend(s.first_response_s);
            kept.resolution.extend(s.resolution_s);
            if s.completed {
                kept.completed.extend(s.resolution_s);
            }
        }
        for (key, kept) in groups {
            rows.push(kept.row(entity, day, Span::Day, grain, key)?);
        }
    }
    Ok(Computed { entity, day, rows })
}

/// Replaces each computed day's rows, then rebuilds the months they are in
/// from their days: in the consumer's database transaction, with its
/// position.
pub async fn replace(c: &impl ConnectionTrait, days: Vec<Computed>) -> Result<()> {
    let mut months = BTreeSet::new();
    for d in days {
        months.insert((d.entity, month_of(d.day)));
        overwrite(c, d.entity, Span::Day, d.day, d.rows).await?;
    }
    for (entity, month) in months {
        let mut rows = Vec::new();
        for grain in Grain::ALL {
            let mut groups: BTreeMap<Key, Kept> = BTreeMap::new();
            for row in read(c, &[entity], grain, Span::Day, &[(month, next_month(month)?)]).await? {
                let kept = Kept::of_row(&row)?;
                groups.entry(kept.sums.key()).or_default().absorb(kept);
            }
            for (key, kept) in groups {
                rows.push(kept.row(entity, month, Span::Month, grain, key)?);
            }
        }
        overwrite(c, entity, Span::Month, month, rows).await?;
    }
    Ok(())
}

/// Puts `rows` in the place of an entity's rows of one day or month.
async fn overwrite(
    c: &impl ConnectionTrait,
    entity: EntityId,
    span: Span,
    day: NaiveDate,
    rows: Vec<stats_rollups::ActiveModel>,
) -> Result<()> {
    use stats_rollups::Column as R;
    stats_rollups::Entity::delete_many()
        .filter(R::EntityId.eq(entity.0))
        .filter(R::Span.eq(span.as_str()))
        .filter(R::Day.eq(day))
        .exec(c)
        .await?;
    if !rows.is_empty() {
        stats_rollups::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

/// The groups of the entities' transactions opened in `[from, to)`, at
/// `grain`: the rolled-up days where they are exact, the rest from the
/// transactions, and the late ones as of `now`.
pub async fn period(
    c: &impl ConnectionTrait,
    entities: &[EntityId],
    grain: Grain,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    // The order matters: the position first, then the rows (exact at least up
    // to it); the days that events after it touched are read afresh, and the
    // months they fall in are taken from their other days.
    let position = crate::log_cursors::position(c, CONSUMER).await?.unwrap_or(0);
    let (first, last) = whole_days(from, to);
    let touched = if first < last { touched_days(c, entities, position).await? } else { BTreeSet::new() };
    let (month_ranges, day_ranges) = stored_ranges(first, last, &touched)?;
    let (months, days) = tokio::try_join!(
        read(c, entities, grain, Span::Month, &month_ranges),
        read(c, entities, grain, Span::Day, &day_ranges),
    )?;
    let targets = targets_of(c, entities).await?;
    let mut groups: BTreeMap<Key, Tallied> = BTreeMap::new();
    for row in months.into_iter().chain(days.into_iter().filter(|d| !touched.contains(&d.day))) {
        let t = tallied_of(row, &targets)?;
        merge(&mut groups, t.sums.key(), &t);
    }
    let over = entities_are(entities);
    for (a, b) in live_ranges(from, to, first, last, &touched)? {
        for t in live(c, over.clone(), a, b).await? {
            merge(&mut groups, grain.key_of(t.sums.key()), &t);
        }
    }
    for t in late(c, over, from, to, now).await? {
        merge(&mut groups, grain.key_of(t.sums.key()), &t);
    }
    Ok(groups.into_values().collect())
}

/// Counts `t` in the group known by `key` (itself, or a coarser one).
fn merge(groups: &mut BTreeMap<Key, Tallied>, key: Key, t: &Tallied) {
    groups.entry(key).or_insert_with(|| Tallied::of_key(key)).add(t);
}

/// What a group of rows keeps before it is written.
#[derive(Default)]
struct Kept {
    sums: MeasureRow,
    first_response: Vec<i64>,
    resolution: Vec<i64>,
    completed: Vec<i64>,
}

impl Kept {
    /// What a stored row keeps.
    fn of_row(row: &stats_rollups::Model) -> Result<Kept> {
        Ok(Kept {
            sums: sums_of(row)?,
            first_response: unpack(&row.first_response_times)?.collect(),
            resolution: unpack(&row.resolution_times)?.collect(),
            completed: unpack(&row.completed_times)?.collect(),
        })
    }

    fn absorb(&mut self, o: Kept) {
        self.sums.add(&o.sums);
        self.first_response.extend(o.first_response);
        self.resolution.extend(o.resolution);
        self.completed.extend(o.completed);
    }

    fn row(
        self,
        entity: EntityId,
        day: NaiveDate,
        span: Span,
        grain: Grain,
        key: Key,
    ) -> Result<stats_rollups::ActiveModel> {
        let m = self.sums;
        let n = |v: u64| i64::try_from(v).map_err(|_| corrupt("count"));
        Ok(stats_rollups::ActiveModel {
            id: NotSet,
            entity_id: Set(entity.0),
            day: Set(day),
            span: Set(span.as_str().to_owned()),
            grain: Set(grain.as_str().to_owned()),
            department_id: Set(key.department.map(|d| d.0)),
            type_id: Set(key.type_id.map(|t| t.0)),
            assignee_id: Set(key.assignee.map(|u| u.0)),
            total: Set(n(m.total)?),
            completed: Set(n(m.completed)?),
            rejected: Set(n(m.rejected)?),
            postponed: Set(n(m.postponed)?),
            open: Set(n(m.open)?),
            closed_late: Set(n(m.closed_late)?),
            on_time: Set(n(m.on_time)?),
            first_responses: Set(n(m.first_responses)?),
            first_response_s: Set(m.first_response_s),
            resolutions: Set(n(m.resolutions)?),
            resolution_s: Set(m.resolution_s),
            ratings: Set(n(m.ratings)?),
            rating_sum: Set(m.rating_sum),
            first_response_times: Set(pack(self.first_response)?),
            resolution_times: Set(pack(self.resolution)?),
            completed_times: Set(pack(self.completed)?),
        })
    }
}

/// A row as the group it keeps; the completed ones' points against the
/// type's target now.
fn tallied_of(row: stats_rollups::Model, targets: &HashMap<Uuid, i64>) -> Result<Tallied> {
    let target = row.type_id.and_then(|t| targets.get(&t).copied()).ok_or_else(|| corrupt("rollup type"))?;
    let completed = unpack(&row.completed_times)?;
    // Read straight into the shared runs: one allocation each, no copy.
    let run = |bytes| unpack(bytes).map(|times| Times::of(times.collect::<Arc<[i64]>>()));
    Ok(Tallied {
        sums: sums_of(&row)?,
        first_response_s: run(&row.first_response_times)?,
        resolution_s: run(&row.resolution_times)?,
        points: completed.len() as u64,
        points_sum: completed.map(|r| speed_points(r, target)).sum(),
    })
}

/// A row's sums.
fn sums_of(row: &stats_rollups::Model) -> Result<MeasureRow> {
    let key = Key {
        entity: Some(EntityId(row.entity_id)),
        department: row.department_id.map(DepartmentId),
        type_id: row.type_id.map(TransactionTypeId),
        assignee: row.assignee_id.map(UserId),
    };
    let sums = Sums {
        total: row.total,
        completed: row.completed,
        rejected: row.rejected,
        postponed: row.postponed,
        open: row.open,
        closed_late: row.closed_late,
        on_time: row.on_time,
        first_responses: row.first_responses,
        first_response_s: row.first_response_s,
        resolutions: row.resolutions,
        resolution_s: row.resolution_s,
        ratings: row.ratings,
        rating_sum: row.rating_sum,
    };
    sums.measures(key)
}

/// The entities' rows of one grain and span whose `day` falls in one of the
/// ranges `[a, b)`.
async fn read(
    c: &impl ConnectionTrait,
    entities: &[EntityId],
    grain: Grain,
    span: Span,
    ranges: &[(NaiveDate, NaiveDate)],
) -> Result<Vec<stats_rollups::Model>> {
    use stats_rollups::Column as R;
    let (Some((start, _)), Some((_, end))) = (ranges.first(), ranges.last()) else { return Ok(Vec::new()) };
    // Many ranges (a long period with many touched months) are read as one
    // and sorted out here: an OR of thousands would pass SQLite's limit on
    // the depth of an expression.
    let days = if ranges.len() > 32 {
        Condition::all().add(R::Day.gte(*start)).add(R::Day.lt(*end))
    } else {
        ranges.iter().fold(Condition::any(), |any, (a, b)| any.add(R::Day.gte(*a).and(R::Day.lt(*b))))
    };
    let rows = stats_rollups::Entity::find()
        .filter(R::EntityId.is_in(entities.iter().map(|e| e.0)))
        .filter(R::Grain.eq(grain.as_str()))
        .filter(R::Span.eq(span.as_str()))
        .filter(days)
        .all(c)
        .await?;
    Ok(rows.into_iter().filter(|r| within(ranges, r.day)).collect())
}

/// Whether `day` falls in one of the ranges (in order, apart).
fn within(ranges: &[(NaiveDate, NaiveDate)], day: NaiveDate) -> bool {
    let after = ranges.partition_point(|(a, _)| *a <= day);
    after > 0 && day < ranges[after - 1].1
}

/// The days of opening of the entities' transactions that an event after
/// `position` touched: their rows may be behind.
async fn touched_days(c: &impl ConnectionTrait, entities: &[EntityId], position: i64) -> Result<BTreeSet<NaiveDate>> {
    let opened: Vec<DateTime<Utc>> = transaction_events::Entity::find()
        .select_only()
        .column_as(Expr::col((transactions::Entity, transactions::Column::CreatedAt)), "created_at")
        .join(
            sea_orm::JoinType::InnerJoin,
            transaction_events::Entity::belongs_to(transactions::Entity)
                .from(transaction_events::Column::TransactionId)
                .to(transactions::Column::Id)
                .into(),
        )
        .filter(transaction_events::Column::Position.gt(position))
        .filter(Condition::all().add(transactions::Column::EntityId.is_in(entities.iter().map(|e| e.0))))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    Ok(opened.into_iter().map(|at| at.date_naive()).collect())
}

/// Each type's target, in working seconds, of the entities' types.
async fn targets_of(c: &impl ConnectionTrait, entities: &[EntityId]) -> Result<HashMap<Uuid, i64>> {
    let found: Vec<(Uuid, i32)> = transaction_types::Entity::find()
        .select_only()
        .column(transaction_types::Column::Id)
        .column(transaction_types::Column::SlaHours)
        .filter(transaction_types::Column::EntityId.is_in(entities.iter().map(|e| e.0)))
        .into_tuple()
        .all(c)
        .await?;
    Ok(found.into_iter().map(|(id, hours)| (id, i64::from(hours) * 3600)).collect())
}

/// The first day of `day`'s month.
fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The first day of the month after the one `month` starts.
fn next_month(month: NaiveDate) -> Result<NaiveDate> {
    month.checked_add_months(chrono::Months::new(1)).ok_or_else(|| corrupt("month"))
}

/// Ranges of days `[a, b)`, in order.
type Ranges = Vec<(NaiveDate, NaiveDate)>;

/// Which stored rows make up the whole days `[first, last)`: the months
/// wholly inside and untouched, as ranges of their first days, and the days
/// of the rest, as ranges of days; next to each other ones joined.
fn stored_ranges(first: NaiveDate, last: NaiveDate, touched: &BTreeSet<NaiveDate>) -> Result<(Ranges, Ranges)> {
    let (mut months, mut days) = (Vec::new(), Vec::new());
    if first >= last {
        return Ok((months, days));
    }
    let first_month = if first.day() == 1 { first } else { next_month(month_of(first))? };
    let last_month = month_of(last);
    if first_month >= last_month {
        days.push((first, last));
        return Ok((months, days));
    }
    days.push((first, first_month));
    let mut m = first_month;
    while m < last_month {
        let next = next_month(m)?;
        let whole = touched.range(m..next).next().is_none();
        if whole { &mut months } else { &mut days }.push((m, next));
        m = next;
    }
    days.push((last_month, last));
    Ok((joined(months), joined(days)))
}

/// Ranges in order with the empty ones left out and those that meet joined.
fn joined<T: PartialOrd + Copy>(parts: Vec<(T, T)>) -> Vec<(T, T)> {
    let mut out: Vec<(T, T)> = Vec::new();
    for (a, b) in parts.into_iter().filter(|(a, b)| a < b) {
        match out.last_mut() {
            Some(prev) if prev.1 == a => prev.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// The instants a UTC day starts and ends.
fn day_bounds(day: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let next = day.succ_opt().ok_or_else(|| corrupt("day"))?;
    Ok((day.and_time(chrono::NaiveTime::MIN).and_utc(), next.and_time(chrono::NaiveTime::MIN).and_utc()))
}

/// The UTC days wholly inside `[from, to)`, as `[first, last)`; empty when
/// `first >= last`.
fn whole_days(from: DateTime<Utc>, to: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let starts_a_day = from.time() == chrono::NaiveTime::MIN;
    let first = if starts_a_day { from.date_naive() } else { from.date_naive().succ_opt().unwrap_or(NaiveDate::MAX) };
    (first, to.date_naive())
}

/// The parts of `[from, to)` read from the transactions: before the first
/// whole day, after the last, and each touched day between; next to each
/// other ones joined.
fn live_ranges(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    first: NaiveDate,
    last: NaiveDate,
    touched: &BTreeSet<NaiveDate>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    if first >= last {
        return Ok(if from < to { vec![(from, to)] } else { Vec::new() });
    }
    let mut parts = vec![(from, day_bounds(first)?.0)];
    for d in touched.range(first..last) {
        parts.push(day_bounds(*d)?);
    }
    parts.push((day_bounds(last)?.0, to));
    Ok(joined(parts))
}

/// Times kept as sorted 32-bit little-endian seconds.
fn pack(mut times: Vec<i64>) -> Result<Vec<u8>> {
    times.sort_unstable();
    let mut out = Vec::with_capacity(times.len() * 4);
    for t in times {
        out.extend_from_slice(&u32::try_from(t).map_err(|_| corrupt("working seconds"))?.to_le_bytes());
    }
    Ok(out)
}

/// The times `pack` kept, in their order.
fn unpack(bytes: &[u8]) -> Result<impl ExactSizeIterator<Item = i64> + '_> {
    let chunks = bytes.chunks_exact(4);
    if !chunks.remainder().is_empty() {
        return Err(corrupt("rollup times"));
    }
    Ok(chunks.map(|c| i64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_period_is_whole_days_with_its_ends_and_touched_days_read_afresh() {
        // From 21:00 on the 1st (midnight in Riyadh) to 21:00 on the 10th.
        let (from, to) = (at(1, 21), at(10, 21));
        let (first, last) = whole_days(from, to);
        assert_eq!((first, last), (day(2), day(10)));
        let touched = BTreeSet::from([day(2), day(5), day(6), day(20)]);
        let parts = live_ranges(from, to, first, last, &touched).unwrap();
        assert_eq!(parts, vec![(from, at(3, 0)), (at(5, 0), at(7, 0)), (at(10, 0), to)]);
        // A period inside one day is read whole from the transactions.
        let (first, last) = whole_days(at(3, 1), at(3, 5));
        assert_eq!(live_ranges(at(3, 1), at(3, 5), first, last, &touched).unwrap(), vec![(at(3, 1), at(3, 5))]);
        // Midnight to midnight: nothing read afresh but the touched days.
        let (first, last) = whole_days(at(1, 0), at(4, 0));
        assert_eq!(live_ranges(at(1, 0), at(4, 0), first, last, &touched).unwrap(), vec![(at(2, 0), at(3, 0))]);
    }

    #[test]
    fn whole_untouched_months_are_read_as_months_and_the_rest_as_days() {
        let d = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let touched = BTreeSet::from([d(8, 20), d(10, 5), d(12, 1)]);
        let (months, days) = stored_ranges(d(8, 15), d(12, 3), &touched).unwrap();
        assert_eq!(months, vec![(d(9, 1), d(10, 1)), (d(11, 1), d(12, 1))]);
        assert_eq!(days, vec![(d(8, 15), d(9, 1)), (d(10, 1), d(11, 1)), (d(12, 1), d(12, 3))]);
        assert!(within(&months, d(9, 1)) && within(&months, d(9, 30)) && within(&months, d(11, 1)));
        assert!(!within(&months, d(8, 31)) && !within(&months, d(10, 1)) && !within(&months, d(12, 1)));
        // From a month's first day to another's: months alone, joined.
        assert_eq!(stored_ranges(d(9, 1), d(12, 1), &BTreeSet::new()).unwrap(), (vec![(d(9, 1), d(12, 1))], vec![]));
        // No month wholly inside: days alone.
        let none = BTreeSet::new();
        assert_eq!(stored_ranges(d(8, 15), d(9, 30), &none).unwrap(), (vec![], vec![(d(8, 15), d(9, 30))]));
        assert_eq!(stored_ranges(d(9, 3), d(9, 3), &none).unwrap(), (vec![], vec![]));
        // Across a year's end.
        let (months, _) = stored_ranges(d(11, 10), NaiveDate::from_ymd_opt(2027, 2, 2).unwrap(), &none).unwrap();
        assert_eq!(months, vec![(d(12, 1), NaiveDate::from_ymd_opt(2027, 2, 1).unwrap())]);
    }

    #[test]
    fn times_are_kept_sorted_and_read_back() {
        let packed = pack(vec![30, 10, 4_000_000_000, 20]).unwrap();
        assert_eq!(unpack(&packed).unwrap().collect::<Vec<_>>(), vec![10, 20, 30, 4_000_000_000]);
        assert!(pack(vec![-1]).is_err());
        assert!(unpack(&packed[..5]).is_err());
    }
}
