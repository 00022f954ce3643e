//! The durable outbox of outgoing messages (e-mail, SMS). A message is written in
//! the same database transaction as the change that causes it, then delivered by
//! a worker that retries with back-off until the far side accepts it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
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

/// How long a claimed message is left to the worker that claimed it before
/// another may take it: a worker that died while sending has its messages
/// tried again after this (at least once, never lost).
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Claims up to `limit` messages due for a (re)try, oldest first: they are due
/// again only when the lease ends, so another worker — in this process or
/// another on the same database — does not send them meanwhile. On PostgreSQL
/// the rows are read with `FOR UPDATE SKIP LOCKED`, so two workers claiming at
/// the same moment take different messages; SQLite has one writer.
pub async fn claim_due(db: &impl TransactionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<Pending>> {
    let tx = db.begin().await?;
    let mut q = outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit);
    if tx.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&tx).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&tx)
        .await?;
    tx.commit().await?;
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
