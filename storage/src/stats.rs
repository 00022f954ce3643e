//! Counts of an entity's transactions grouped by department, type, assignee
//! and status, with how many of each group are late: what `core::stats`
//! makes the overview's figures of. One grouped query over the
//! `(entity_id, status)` index, whatever the entity's size.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Condition, Expr, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select};
use tawasul_core::api::{RowFilter, TransactionRow};
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::lifecycle::is_late;
use tawasul_core::stats::{CountRow, Key, MeasureRow, Sample, Tallied, Whose, tallied};
use tawasul_core::workflow::Status;
use uuid::Uuid;

use crate::Result;
use crate::accounts::corrupt;
use crate::model::{transaction_types, transactions};
use crate::rollups::{self, Grain};
use crate::transactions::late_condition;

pub async fn counts(c: &impl ConnectionTrait, entity: EntityId, now: DateTime<Utc>) -> Result<Vec<CountRow>> {
    use transactions::Column as T;
    let late = SimpleExpr::from(Func::sum(Expr::case(late_condition(now), 1).finally(0)));
    let rows: Vec<(Uuid, Uuid, Option<Uuid>, String, i64, i64)> = transactions::Entity::find()
        .select_only()
        .column(T::DepartmentId)
        .column(T::TypeId)
        .column(T::AssigneeId)
        .column(T::Status)
        .column_as(T::Id.count(), "n")
        .column_as(late, "late")
        .filter(T::EntityId.eq(entity.0))
        .group_by(T::DepartmentId)
        .group_by(T::TypeId)
        .group_by(T::AssigneeId)
        .group_by(T::Status)
        .into_tuple()
        .all(c)
        .await?;
    rows.into_iter()
        .map(|(department, type_id, assignee, status, n, late)| {
            Ok(CountRow {
                department: DepartmentId(department),
                type_id: TransactionTypeId(type_id),
                assignee: assignee.map(UserId),
                status: Status::parse(&status).map_err(|_| corrupt("status"))?,
                count: u64::try_from(n).map_err(|_| corrupt("count"))?,
                late: u64::try_from(late).map_err(|_| corrupt("late"))?,
            })
        })
        .collect()
}

fn closed_statuses() -> impl Iterator<Item = &'static str> {
    Status::ALL.into_iter().filter(|s| s.is_closed()).map(Status::as_str)
}

/// A sum of ones where `when` holds, as a 64-bit integer on both backends.
fn count_where(when: Condition) -> SimpleExpr {
    as_bigint(Func::sum(Expr::case(when, 1).finally(0)).into())
}

pub(crate) fn as_bigint(e: SimpleExpr) -> SimpleExpr {
    Func::cast_as(Func::coalesce([e, Expr::val(0).into()]), Alias::new("BIGINT")).into()
}

/// Whose transactions are read: an entity's over `transactions_statistics`,
/// a person's over the beneficiary's or the assignee's index.
fn belonging_to(whose: Whose) -> Condition {
    use transactions::Column as T;
    Condition::all().add(match whose {
        Whose::Entity(e) => T::EntityId.eq(e.0),
        Whose::Beneficiary(u) => T::BeneficiaryId.eq(u.0),
        Whose::Holder(u) => T::AssigneeId.eq(u.0),
    })
}

/// The transactions of these entities.
pub(crate) fn entities_are(entities: &[EntityId]) -> Condition {
    Condition::all().add(transactions::Column::EntityId.is_in(entities.iter().map(|e| e.0)))
}

/// The groups of `whose` transactions opened in `[from, to)`, by entity,
/// department, type and assignee, with "late" as of `now`: an entity's from
/// its days rolled up (`rollups`), a person's from the transactions.
pub async fn period(
    c: &impl ConnectionTrait,
    whose: Whose,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    if let Whose::Entity(e) = whose {
        return rollups::period(c, &[e], Grain::Detail, from, to, now).await;
    }
    from_transactions(c, whose, from, to, now).await
}

/// The same groups read from the transactions alone, whatever is rolled up
/// (what the rollups are checked against).
pub async fn from_transactions(
    c: &impl ConnectionTrait,
    whose: Whose,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    let mut groups = live(c, belonging_to(whose), from, to).await?;
    groups.extend(late(c, belonging_to(whose), from, to, now).await?);
    Ok(groups)
}

/// The groups of each entity's transactions opened in `[from, to)`, by
/// entity and type (the platform's figures, each entity whole).
pub async fn of_entities(
    c: &impl ConnectionTrait,
    entities: &[EntityId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    rollups::period(c, entities, Grain::Type, from, to, now).await
}

/// The groups of the transactions `over` opened in `[from, to)`, read from
/// the transactions: their sums and their times side by side on two of the
/// pool's connections (each scans the same index range). Nothing in them
/// depends on the moment they are read (`late` is apart).
pub(crate) async fn live(
    c: &impl ConnectionTrait,
    over: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    let (rows, times) = tokio::try_join!(measures(c, over.clone(), from, to), samples(c, over, from, to))?;
    Ok(tallied(&rows, &times))
}

/// How many of the transactions `over` opened in `[from, to)` are late at
/// `now`, per group: open, on the clock and past due (their speed points, 0).
/// Few, and found by the `transactions_late` index alone.
pub(crate) async fn late(
    c: &impl ConnectionTrait,
    over: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Tallied>> {
    let rows: Vec<(Uuid, Uuid, Uuid, Option<Uuid>, i64)> = late_count(over, from, to, now).into_tuple().all(c).await?;
    rows.into_iter()
        .map(|(entity, department, type_id, assignee, n)| {
            Ok(Tallied {
                sums: MeasureRow {
                    entity: Some(EntityId(entity)),
                    department: Some(DepartmentId(department)),
                    type_id: Some(TransactionTypeId(type_id)),
                    assignee: assignee.map(UserId),
                    late: u64::try_from(n).map_err(|_| corrupt("count"))?,
                    ..Default::default()
                },
                ..Default::default()
            })
        })
        .collect()
}

/// The late count of `late`, grouped by entity, department, type and assignee.
fn late_count(
    over: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Select<transactions::Entity> {
    use transactions::Column as T;
    per_group()
        .column_as(as_bigint(Func::count(Expr::col(Asterisk)).into()), "late")
        .filter(over)
        .filter(late_condition(now))
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to))
}

/// The transactions by entity, department, type and assignee, the group
/// named in each row.
fn per_group() -> Select<transactions::Entity> {
    use transactions::Column as T;
    transactions::Entity::find()
        .select_only()
        .column(T::EntityId)
        .column(T::DepartmentId)
        .column(T::TypeId)
        .column(T::AssigneeId)
        .group_by(T::EntityId)
        .group_by(T::DepartmentId)
        .group_by(T::TypeId)
        .group_by(T::AssigneeId)
}

/// The platform's late count over `entities` as the database would run it,
/// for checking which index its plan reads.
pub fn late_count_statement(
    backend: sea_orm::DatabaseBackend,
    entities: &[EntityId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sea_orm::Statement {
    late_count(entities_are(entities), from, to, now).build(backend)
}

/// The sums of the transactions `over` opened in `[from, to)`, grouped by
/// entity, department, type and assignee.
pub(crate) async fn measures(
    c: &impl ConnectionTrait,
    over: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<MeasureRow>> {
    use transactions::Column as T;
    let is = |s: Status| Condition::all().add(T::Status.eq(s.as_str()));
    let closed = Condition::all().add(T::ClosedAt.is_not_null());
    let sum = |col: T| as_bigint(Func::sum(Expr::col(col)).into());
    let count = |col: T| as_bigint(Func::count(Expr::col(col)).into());
    let rows: Vec<Row> = per_group()
        // `*`, not the id: what is counted is all in `transactions_statistics`.
        .column_as(as_bigint(Func::count(Expr::col(Asterisk)).into()), "total")
        .column_as(count_where(is(Status::Completed)), "completed")
        .column_as(count_where(is(Status::Rejected)), "rejected")
        .column_as(count_where(is(Status::Postponed)), "postponed")
        .column_as(count_where(Condition::all().add(T::Status.is_not_in(closed_statuses()))), "open")
        .column_as(count_where(closed.clone().add(Expr::col(T::ClosedAt).gt(Expr::col(T::DueAt)))), "closed_late")
        .column_as(count_where(closed.add(Expr::col(T::ClosedAt).lte(Expr::col(T::DueAt)))), "on_time")
        .column_as(count(T::FirstResponseS), "first_responses")
        .column_as(sum(T::FirstResponseS), "first_response_s")
        .column_as(count(T::ResolutionS), "resolutions")
        .column_as(sum(T::ResolutionS), "resolution_s")
        .column_as(count(T::Rating), "ratings")
        .column_as(sum(T::Rating), "rating_sum")
        .filter(over)
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to))
        .into_model()
        .all(c)
        .await?;
    rows.into_iter().map(Row::measures).collect()
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Row {
    entity_id: Uuid,
    department_id: Uuid,
    type_id: Uuid,
    assignee_id: Option<Uuid>,
    #[sea_orm(nested)]
    sums: Sums,
}

impl Row {
    fn measures(self) -> Result<MeasureRow> {
        let key = Key {
            entity: Some(EntityId(self.entity_id)),
            department: Some(DepartmentId(self.department_id)),
            type_id: Some(TransactionTypeId(self.type_id)),
            assignee: self.assignee_id.map(UserId),
        };
        self.sums.measures(key)
    }
}

/// A group's sums as the database gives them (signed), read from the
/// transactions or from a rolled-up row: one mapping to `MeasureRow` for
/// both, none of them late (who is late depends on the moment of reading).
#[derive(Debug, sea_orm::FromQueryResult)]
pub(crate) struct Sums {
    pub total: i64,
    pub completed: i64,
    pub rejected: i64,
    pub postponed: i64,
    pub open: i64,
    pub closed_late: i64,
    pub on_time: i64,
    pub first_responses: i64,
    pub first_response_s: i64,
    pub resolutions: i64,
    pub resolution_s: i64,
    pub ratings: i64,
    pub rating_sum: i64,
}

impl Sums {
    pub(crate) fn measures(self, key: Key) -> Result<MeasureRow> {
        let n = |v: i64| u64::try_from(v).map_err(|_| corrupt("count"));
        Ok(MeasureRow {
            total: n(self.total)?,
            completed: n(self.completed)?,
            rejected: n(self.rejected)?,
            postponed: n(self.postponed)?,
            open: n(self.open)?,
            late: 0,
            closed_late: n(self.closed_late)?,
            on_time: n(self.on_time)?,
            first_responses: n(self.first_responses)?,
            first_response_s: self.first_response_s,
            resolutions: n(self.resolutions)?,
            resolution_s: self.resolution_s,
            ratings: n(self.ratings)?,
            rating_sum: self.rating_sum,
            ..key.into()
        })
    }
}

/// Each transaction's times, of those `over` opened in `[from, to)` that have
/// any to give (answered or closed): what medians, percentiles and the speed
/// score are made of. One row per transaction, over the same index.
pub(crate) async fn samples(
    c: &impl ConnectionTrait,
    over: Condition,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Sample>> {
    use transactions::Column as T;
    let flag = |when: Condition| as_bigint(SimpleExpr::Case(Box::new(Expr::case(when, 1).finally(0))));
    let completed = flag(Condition::all().add(T::Status.eq(Status::Completed.as_str())));
    let worth = Condition::any().add(T::FirstResponseS.is_not_null()).add(T::ResolutionS.is_not_null());
    let rows: Vec<SampleRow> = transactions::Entity::find()
        .select_only()
        .column(T::EntityId)
        .column(T::DepartmentId)
        .column(T::TypeId)
        .column(T::AssigneeId)
        .column(T::FirstResponseS)
        .column(T::ResolutionS)
        .column_as(completed, "completed")
        .column_as(Expr::col((transaction_types::Entity, transaction_types::Column::SlaHours)), "sla_hours")
        .join(
            sea_orm::JoinType::InnerJoin,
            transactions::Entity::belongs_to(transaction_types::Entity)
                .from(T::TypeId)
                .to(transaction_types::Column::Id)
                .into(),
        )
        .filter(over)
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to))
        .filter(worth)
        .into_model()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Sample {
            entity: EntityId(r.entity_id),
            department: DepartmentId(r.department_id),
            type_id: TransactionTypeId(r.type_id),
            assignee: r.assignee_id.map(UserId),
            first_response_s: r.first_response_s,
            resolution_s: r.resolution_s,
            completed: r.completed == 1,
            target_s: i64::from(r.sla_hours) * 3600,
        })
        .collect())
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SampleRow {
    entity_id: Uuid,
    department_id: Uuid,
    type_id: Uuid,
    assignee_id: Option<Uuid>,
    first_response_s: Option<i64>,
    resolution_s: Option<i64>,
    completed: i64,
    sla_hours: i32,
}

/// An entity's transactions opened in `[from, to)`, narrowed by `only`,
/// oldest first: the per-transaction export. "Late" as of `now`.
pub async fn rows(
    c: &impl ConnectionTrait,
    entity: EntityId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    only: RowFilter,
    now: DateTime<Utc>,
) -> Result<Vec<TransactionRow>> {
    use transactions::Column as T;
    let mut q = transactions::Entity::find()
        .filter(T::EntityId.eq(entity.0))
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to));
    if let Some(d) = only.department {
        q = q.filter(T::DepartmentId.eq(d.0));
    }
    if let Some(t) = only.type_id {
        q = q.filter(T::TypeId.eq(t.0));
    }
    if let Some(a) = only.assignee {
        q = q.filter(T::AssigneeId.eq(a.0));
    }
    let found = q.order_by_asc(T::CreatedAt).order_by_asc(T::Id).all(c).await?;
    found
        .into_iter()
        .map(|r| {
            let status = Status::parse(&r.status).map_err(|_| corrupt("status"))?;
            let reference =
                tawasul_core::reference::Reference { hijri_year: r.reference_year, number: r.reference_number };
            Ok(TransactionRow {
                transaction_id: TransactionId(r.id),
                reference: reference.to_string(),
                type_id: TransactionTypeId(r.type_id),
                department_id: DepartmentId(r.department_id),
                assignee_id: r.assignee_id.map(UserId),
                status,
                created_at: r.created_at,
                due_at: r.due_at,
                first_response_at: r.first_response_at,
                closed_at: r.closed_at,
                late: is_late(status, r.due_at, now),
                first_response_s: r.first_response_s,
                resolution_s: r.resolution_s,
                paused_s: r.paused_s,
                rating: r.rating.and_then(|v| u8::try_from(v).ok()),
            })
        })
        .collect()
}
