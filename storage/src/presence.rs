//! Seconds present on the platform, per person and UTC day.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use tawasul_core::ids::UserId;

use crate::Result;
use crate::model::presence;

/// Adds each person's seconds to their day's.
pub async fn add(c: &impl ConnectionTrait, day: NaiveDate, seen: &[(UserId, i64)]) -> Result<()> {
    if seen.is_empty() {
        return Ok(());
    }
    let rows = seen.iter().map(|(u, s)| presence::ActiveModel { user_id: Set(u.0), day: Set(day), seconds: Set(*s) });
    presence::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([presence::Column::UserId, presence::Column::Day])
                .value(
                    presence::Column::Seconds,
                    Expr::col((presence::Entity, presence::Column::Seconds)).add(Expr::cust("excluded.seconds")),
                )
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Each person's seconds over the days `from` to `to`, both included.
pub async fn seconds(
    c: &impl ConnectionTrait,
    users: &[UserId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<UserId, i64>> {
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.0).collect();
    let rows: Vec<(uuid::Uuid, i64)> = presence::Entity::find()
        .select_only()
        .column(presence::Column::UserId)
        .column_as(crate::stats::as_bigint(presence::Column::Seconds.sum()), "seconds")
        .filter(presence::Column::UserId.is_in(ids))
        .filter(presence::Column::Day.gte(from))
        .filter(presence::Column::Day.lte(to))
        .group_by(presence::Column::UserId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(u, s)| (UserId(u), s)).collect())
}
