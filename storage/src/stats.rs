//! Counts of an entity's transactions grouped by department, type, assignee
//! and status, with how many of each group are late: what `core::stats`
//! makes the overview's figures of. One grouped query over the
//! `(entity_id, status)` index, whatever the entity's size.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tawasul_core::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use tawasul_core::stats::{CountRow, MeasureRow};
use tawasul_core::workflow::Status;
use uuid::Uuid;

use crate::Result;
use crate::accounts::corrupt;
use crate::model::transactions;
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

fn as_bigint(e: SimpleExpr) -> SimpleExpr {
    Func::cast_as(Func::coalesce([e, Expr::val(0).into()]), Alias::new("BIGINT")).into()
}

/// The sums of an entity's transactions opened in `[from, to)`, grouped by
/// department and type; "late" and "on time" as of `now`.
pub async fn measures(
    c: &impl ConnectionTrait,
    entity: EntityId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<MeasureRow>> {
    use transactions::Column as T;
    let is = |s: Status| Condition::all().add(T::Status.eq(s.as_str()));
    let closed = Condition::all().add(T::ClosedAt.is_not_null());
    let sum = |col: T| as_bigint(Func::sum(Expr::col(col)).into());
    let count = |col: T| as_bigint(Func::count(Expr::col(col)).into());
    let rows: Vec<Row> = transactions::Entity::find()
        .select_only()
        .column(T::DepartmentId)
        .column(T::TypeId)
        .column_as(as_bigint(Func::count(Expr::col(T::Id)).into()), "total")
        .column_as(count_where(is(Status::Completed)), "completed")
        .column_as(count_where(is(Status::Rejected)), "rejected")
        .column_as(count_where(is(Status::Postponed)), "postponed")
        .column_as(count_where(Condition::all().add(T::Status.is_not_in(closed_statuses()))), "open")
        .column_as(count_where(late_condition(now)), "late")
        .column_as(count_where(closed.clone().add(Expr::col(T::ClosedAt).gt(Expr::col(T::DueAt)))), "closed_late")
        .column_as(count_where(closed.add(Expr::col(T::ClosedAt).lte(Expr::col(T::DueAt)))), "on_time")
        .column_as(count(T::FirstResponseS), "first_responses")
        .column_as(sum(T::FirstResponseS), "first_response_s")
        .column_as(count(T::ResolutionS), "resolutions")
        .column_as(sum(T::ResolutionS), "resolution_s")
        .column_as(count(T::Rating), "ratings")
        .column_as(sum(T::Rating), "rating_sum")
        .filter(T::EntityId.eq(entity.0))
        .filter(T::CreatedAt.gte(from))
        .filter(T::CreatedAt.lt(to))
        .group_by(T::DepartmentId)
        .group_by(T::TypeId)
        .into_model()
        .all(c)
        .await?;
    rows.into_iter().map(Row::measures).collect()
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Row {
    department_id: Uuid,
    type_id: Uuid,
    total: i64,
    completed: i64,
    rejected: i64,
    postponed: i64,
    open: i64,
    late: i64,
    closed_late: i64,
    on_time: i64,
    first_responses: i64,
    first_response_s: i64,
    resolutions: i64,
    resolution_s: i64,
    ratings: i64,
    rating_sum: i64,
}

impl Row {
    fn measures(self) -> Result<MeasureRow> {
        let n = |v: i64| u64::try_from(v).map_err(|_| corrupt("count"));
        Ok(MeasureRow {
            department: Some(DepartmentId(self.department_id)),
            type_id: Some(TransactionTypeId(self.type_id)),
            total: n(self.total)?,
            completed: n(self.completed)?,
            rejected: n(self.rejected)?,
            postponed: n(self.postponed)?,
            open: n(self.open)?,
            late: n(self.late)?,
            closed_late: n(self.closed_late)?,
            on_time: n(self.on_time)?,
            first_responses: n(self.first_responses)?,
            first_response_s: self.first_response_s,
            resolutions: n(self.resolutions)?,
            resolution_s: self.resolution_s,
            ratings: n(self.ratings)?,
            rating_sum: self.rating_sum,
        })
    }
}
