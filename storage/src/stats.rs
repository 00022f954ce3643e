//! Counts of an entity's transactions grouped by department, type, assignee
//! and status, with how many of each group are late: what `core::stats`
//! makes the overview's figures of. One grouped query over the
//! `(entity_id, status)` index, whatever the entity's size.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tawasul_core::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use tawasul_core::stats::CountRow;
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
