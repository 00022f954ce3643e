//! Where each durable consumer of the event log stands, kept in the database
//! and moved in the same database transaction as the consumer's effects, so
//! that after a crash it resumes exactly after what it committed.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};

use crate::Result;
use crate::model::log_cursors;

pub async fn position(c: &impl ConnectionTrait, consumer: &str) -> Result<Option<i64>> {
    Ok(log_cursors::Entity::find_by_id(consumer.to_owned())
        .select_only()
        .column(log_cursors::Column::Position)
        .into_tuple()
        .one(c)
        .await?)
}

pub async fn set_position(c: &impl ConnectionTrait, consumer: &str, position: i64, now: DateTime<Utc>) -> Result<()> {
    log_cursors::Entity::insert(log_cursors::ActiveModel {
        consumer: Set(consumer.to_owned()),
        position: Set(position),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(log_cursors::Column::Consumer)
            .update_columns([log_cursors::Column::Position, log_cursors::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}
