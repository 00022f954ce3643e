//! The durable outbox of outgoing messages (e-mail, SMS). A message is written in
//! the same database transaction as the change that causes it, then delivered by
//! a worker that retries with back-off until the far side accepts it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use tawasul_core::ids::{EntityId, TransactionId, UserId};
use uuid::Uuid;

use crate::Result;
use crate::model::outbox;

/// What to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// `html`, when present, is sent beside `body` as the multipart alternative.
    Email {
        to: String,
        subject: String,
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        html: Option<String>,
        /// An iCalendar object (a meeting's invitation, change or
        /// cancellation), sent as the `text/calendar` alternative.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        calendar: Option<String>,
    },
    Sms {
        to: String,
        text: String,
    },
}

impl Message {
    fn kind(&self) -> &'static str {
        match self {
            Message::Email { .. } => "email",
            Message::Sms { .. } => "sms",
        }
    }
}

const PENDING: &str = "pending";
const DELIVERED: &str = "delivered";
const FAILED: &str = "failed";

/// What a notification is about, kept beside its message: it is enqueued once
/// per `dedupe_key` (event, recipient and channel), so that a consumer taking
/// an event again enqueues nothing twice, and it is shown on its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct About {
    pub dedupe_key: String,
    pub user: UserId,
    pub entity: EntityId,
    pub transaction: TransactionId,
    pub seq: u32,
    pub notice: String,
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub id: Uuid,
    pub message: Message,
    pub attempts: i32,
    /// Set for a notification.
    pub about: Option<About>,
}

pub async fn enqueue(c: &impl ConnectionTrait, m: &Message, now: DateTime<Utc>) -> Result<Uuid> {
    insert(c, m, None, now).await.map(|id| id.unwrap_or_default())
}

/// Enqueues notifications, each once by its dedupe key, in one statement;
/// returns how many were new.
pub async fn enqueue_notices(
    c: &impl ConnectionTrait,
    notices: &[(Message, About)],
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut inserted = 0;
    // Within every backend's limit of bound parameters per statement.
    for chunk in notices.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let rows = chunk.iter().map(|(m, a)| row(Uuid::now_v7(), m, Some(a), now)).collect::<Result<Vec<_>>>()?;
        inserted += outbox::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(c)
            .await?;
    }
    Ok(inserted)
}

async fn insert(
    c: &impl ConnectionTrait,
    m: &Message,
    about: Option<&About>,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let inserted = outbox::Entity::insert(row(id, m, about, now)?)
        .on_conflict(OnConflict::column(outbox::Column::DedupeKey).do_nothing().to_owned())
        .exec_without_returning(c)
        .await?;
    Ok((inserted == 1).then_some(id))
}

fn row(id: Uuid, m: &Message, about: Option<&About>, now: DateTime<Utc>) -> Result<outbox::ActiveModel> {
    Ok(outbox::ActiveModel {
        id: Set(id),
        kind: Set(m.kind().to_owned()),
        payload: Set(serde_json::to_value(m).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?),
        attempts: Set(0),
        next_attempt_at: Set(now),
        delivered_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        dedupe_key: Set(about.map(|a| a.dedupe_key.clone())),
        status: Set(PENDING.to_owned()),
        user_id: Set(about.map(|a| a.user.0)),
        entity_id: Set(about.map(|a| a.entity.0)),
        transaction_id: Set(about.map(|a| a.transaction.0)),
        event_seq: Set(about.map(|a| i32::try_from(a.seq).unwrap_or(i32::MAX))),
        notice: Set(about.map(|a| a.notice.clone())),
    })
}

/// How long a claimed message is left to the worker that claimed it before
/// another may take it, by default: a worker that died while sending has its
/// messages tried again after this (at least once, never lost).
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Claims up to `limit` messages due for a (re)try, oldest first: they are due
/// again only when the lease ends, so another worker — in this process or
/// another on the same database — does not send them meanwhile. On PostgreSQL
/// the rows are read with `FOR UPDATE SKIP LOCKED`, so two workers claiming at
/// the same moment take different messages; SQLite has one writer. Run it in
/// a unit of work of its own, committed before anything is sent.
pub async fn claim_due(
    tx: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
    lease: chrono::Duration,
) -> Result<Vec<Pending>> {
    let mut q = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(PENDING))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit);
    if tx.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(tx).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + lease))
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(tx)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let about = about_of(&r);
            let message = serde_json::from_value(r.payload).ok()?;
            Some(Pending { id: r.id, message, attempts: r.attempts, about })
        })
        .collect())
}

/// Marks messages delivered and drops their content, in one statement: once
/// the far side has them, we keep no copy of what may be a password or a code.
pub async fn delivered(c: &impl ConnectionTrait, ids: &[Uuid], now: DateTime<Utc>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::DeliveredAt, Expr::value(now))
        .col_expr(outbox::Column::Payload, Expr::value(serde_json::Value::Null))
        .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::Status, Expr::value(DELIVERED))
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
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

fn about_of(r: &outbox::Model) -> Option<About> {
    Some(About {
        dedupe_key: r.dedupe_key.clone()?,
        user: UserId(r.user_id?),
        entity: EntityId(r.entity_id?),
        transaction: TransactionId(r.transaction_id?),
        seq: u32::try_from(r.event_seq?).ok()?,
        notice: r.notice.clone()?,
    })
}

/// Gives a message up after its last try: it is kept (with its content) for
/// the entity's admins to see and send again, and no longer tried.
pub async fn give_up(c: &impl ConnectionTrait, id: Uuid, attempts: i32, error: &str) -> Result<()> {
    outbox::Entity::update(outbox::ActiveModel {
        id: Set(id),
        attempts: Set(attempts),
        status: Set(FAILED.to_owned()),
        last_error: Set(Some(error.chars().take(500).collect())),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

/// A notification given up, as an entity's admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenUp {
    pub id: Uuid,
    pub message: Message,
    pub notice: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The notifications of an entity given up, newest first.
pub async fn given_up(c: &impl ConnectionTrait, entity: EntityId, limit: u64) -> Result<Vec<GivenUp>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::EntityId.eq(entity.0))
        .filter(outbox::Column::Status.eq(FAILED))
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(GivenUp {
                id: r.id,
                message: serde_json::from_value(r.payload).ok()?,
                notice: r.notice?,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
            })
        })
        .collect())
}

/// Sends a given-up notification of `entity` again, from its first try.
/// `false` when there is no such notification given up.
pub async fn resend(c: &impl ConnectionTrait, entity: EntityId, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(PENDING))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::EntityId.eq(entity.0))
        .filter(outbox::Column::Status.eq(FAILED))
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

/// How each notification of a transaction's events stands, by event seq.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub seq: u32,
    pub channel: &'static str,
    pub user: UserId,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
}

pub async fn deliveries(c: &impl ConnectionTrait, transaction: TransactionId) -> Result<Vec<Delivery>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::TransactionId.eq(transaction.0))
        .order_by_asc(outbox::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Delivery {
                seq: u32::try_from(r.event_seq?).ok()?,
                channel: if r.kind == "sms" { "sms" } else { "email" },
                user: UserId(r.user_id?),
                status: r.status,
            })
        })
        .collect())
}
