//! The in-app channel: the notices kept for a person to read in the
//! application (the bell), written by the notifier beside the messages it
//! enqueues, once per event, recipient and kind.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tawasul_core::ids::{EntityId, TransactionId, UserId};
use uuid::Uuid;

use crate::Result;
use crate::model::in_app_notices::{self as notices, Column};
use crate::outbox::{About, Delivery};

/// A notice as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: Uuid,
    pub entity: EntityId,
    pub transaction: TransactionId,
    pub seq: u32,
    /// What it says, e.g. `completed`.
    pub notice: String,
    pub subject: String,
    pub text: String,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notice to keep: what it is about, its subject and its sentence.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub about: About,
    pub subject: String,
    pub text: String,
}

/// Keeps notices, each once by its dedupe key, in one statement; returns how
/// many were new.
pub async fn add(c: &impl ConnectionTrait, new: &[NewNotice], now: DateTime<Utc>) -> Result<u64> {
    let mut inserted = 0;
    // Within every backend's limit of bound parameters per statement.
    for chunk in new.chunks(500) {
        inserted += add_chunk(c, chunk, now).await?;
    }
    Ok(inserted)
}

async fn add_chunk(c: &impl ConnectionTrait, new: &[NewNotice], now: DateTime<Utc>) -> Result<u64> {
    if new.is_empty() {
        return Ok(0);
    }
    let rows = new.iter().map(|n| notices::ActiveModel {
        id: Set(Uuid::now_v7()),
        dedupe_key: Set(n.about.dedupe_key.clone()),
        user_id: Set(n.about.user.0),
        entity_id: Set(n.about.entity.0),
        transaction_id: Set(n.about.transaction.0),
        event_seq: Set(i32::try_from(n.about.seq).unwrap_or(i32::MAX)),
        notice: Set(n.about.notice.clone()),
        subject: Set(n.subject.clone()),
        text: Set(n.text.clone()),
        created_at: Set(now),
        read_at: Set(None),
    });
    let inserted = notices::Entity::insert_many(rows)
        .on_conflict(OnConflict::column(Column::DedupeKey).do_nothing().to_owned())
        .exec_without_returning(c)
        .await?;
    Ok(inserted)
}

/// Up to `limit` of a person's notices, newest first, older than `before`
/// (a notice id) when given.
pub async fn list(c: &impl ConnectionTrait, user: UserId, before: Option<Uuid>, limit: u64) -> Result<Vec<Notice>> {
    let mut q = notices::Entity::find().filter(Column::UserId.eq(user.0)).order_by_desc(Column::Id).limit(limit);
    if let Some(b) = before {
        q = q.filter(Column::Id.lt(b));
    }
    Ok(q.all(c).await?.into_iter().map(Notice::from).collect())
}

pub async fn unread(c: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    Ok(notices::Entity::find().filter(Column::UserId.eq(user.0)).filter(Column::ReadAt.is_null()).count(c).await?)
}

/// Marks the person's notices read — these, or all of them — and returns how
/// many were unread. Someone else's notice is never touched.
pub async fn mark_read(
    c: &impl ConnectionTrait,
    user: UserId,
    ids: Option<&[Uuid]>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut q = notices::Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(now))
        .filter(Column::UserId.eq(user.0))
        .filter(Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.exec(c).await?.rows_affected)
}

/// How the in-app notices of a transaction's events stand: `delivered`, or
/// `read` once their reader has marked them so.
pub async fn deliveries(c: &impl ConnectionTrait, transaction: TransactionId) -> Result<Vec<Delivery>> {
    Ok(notices::Entity::find()
        .filter(Column::TransactionId.eq(transaction.0))
        .order_by_asc(Column::Id)
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Delivery {
                seq: u32::try_from(r.event_seq).ok()?,
                channel: "in_app",
                user: UserId(r.user_id),
                status: if r.read_at.is_some() { "read" } else { "delivered" }.to_owned(),
            })
        })
        .collect())
}

impl From<notices::Model> for Notice {
    fn from(r: notices::Model) -> Notice {
        Notice {
            id: r.id,
            entity: EntityId(r.entity_id),
            transaction: TransactionId(r.transaction_id),
            seq: u32::try_from(r.event_seq).unwrap_or_default(),
            notice: r.notice,
            subject: r.subject,
            text: r.text,
            at: r.created_at,
            read_at: r.read_at,
        }
    }
}
