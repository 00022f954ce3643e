//! The durable outbox of outgoing messages (e-mail, SMS). A message is written in
//! the same database transaction as the change that causes it, then delivered by
//! a worker that retries with back-off until the far side accepts it.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Result;
use crate::model::outbox;

/// What to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Email { to: String, subject: String, body: String },
    Sms { to: String, text: String },
}

impl Message {
    fn kind(&self) -> &'static str {
        match self {
            Message::Email { .. } => "email",
            Message::Sms { .. } => "sms",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub id: Uuid,
    pub message: Message,
    pub attempts: i32,
}

pub async fn enqueue(c: &impl ConnectionTrait, m: &Message, now: DateTime<Utc>) -> Result<Uuid> {
    let id = Uuid::now_v7();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(id),
        kind: Set(m.kind().to_owned()),
        payload: Set(serde_json::to_value(m).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?),
        attempts: Set(0),
        next_attempt_at: Set(now),
        delivered_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    Ok(id)
}

/// Messages due for a (re)try, oldest first.
pub async fn due(c: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<Pending>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let message = serde_json::from_value(r.payload).ok()?;
            Some(Pending { id: r.id, message, attempts: r.attempts })
        })
        .collect())
}

/// Marks a message delivered and drops its content: once the far side has it, we
/// keep no copy of what may be a password or a code.
pub async fn delivered(c: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    outbox::Entity::update(outbox::ActiveModel {
        id: Set(id),
        delivered_at: Set(Some(now)),
        payload: Set(serde_json::Value::Null),
        last_error: Set(None),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

pub async fn failed(
    c: &impl ConnectionTrait,
    id: Uuid,
    attempts: i32,
    retry_at: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    outbox::Entity::update(outbox::ActiveModel {
        id: Set(id),
        attempts: Set(attempts),
        next_attempt_at: Set(retry_at),
        last_error: Set(Some(error.chars().take(500).collect())),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}
