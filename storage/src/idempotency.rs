//! `Idempotency-Key`: the first response to a write is kept and returned to every
//! repeat of the same key by the same caller, and nothing new is written.
//!
//! A write made through a use case stores its response in its own database
//! transaction (`complete` on that transaction), so a key is either answered
//! or its write never committed. A key still without an answer after `lease`
//! belongs to a request that died with its server: it is free again.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};

use crate::Result;
use crate::model::idempotency_keys;

/// How long a key is remembered.
pub const RETENTION: Duration = Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: run the request, then `complete` (or `abandon` on failure).
    Fresh,
    /// Seen before with the same request: return this response.
    Replay { status: u16, content_type: Option<String>, body: Vec<u8> },
    /// Seen before and still running.
    InProgress,
    /// Seen before with a different request body or target.
    Mismatch,
}

pub async fn begin(
    c: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Begin> {
    let row = idempotency_keys::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        status: Set(None),
        content_type: Set(None),
        body: Set(None),
        created_at: Set(now),
    };
    match idempotency_keys::Entity::insert(row).exec_without_returning(c).await {
        Ok(_) => return Ok(Begin::Fresh),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
        Err(e) => return Err(e.into()),
    }
    let Some(existing) = idempotency_keys::Entity::find_by_id((scope.to_owned(), key.to_owned())).one(c).await? else {
        return Ok(Begin::InProgress);
    };
    let died = existing.status.is_none() && existing.created_at + lease < now;
    if existing.created_at + RETENTION < now || died {
        abandon(c, scope, key).await?;
        return Box::pin(begin(c, scope, key, request_hash, now, lease)).await;
    }
    if existing.request_hash != request_hash {
        return Ok(Begin::Mismatch);
    }
    Ok(match (existing.status, existing.body) {
        (Some(status), body) => Begin::Replay {
            status: u16::try_from(status).unwrap_or(200),
            content_type: existing.content_type,
            body: body.unwrap_or_default(),
        },
        (None, _) => Begin::InProgress,
    })
}

pub async fn complete(
    c: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<()> {
    idempotency_keys::Entity::update_many()
        .set(idempotency_keys::ActiveModel {
            status: Set(Some(i32::from(status))),
            content_type: Set(content_type.map(str::to_owned)),
            body: Set(Some(body.to_vec())),
            ..Default::default()
        })
        .filter(idempotency_keys::Column::Scope.eq(scope))
        .filter(idempotency_keys::Column::Key.eq(key))
        .exec(c)
        .await?;
    Ok(())
}

/// Forgets a key whose request failed unexpectedly, so that a retry can run.
pub async fn abandon(c: &impl ConnectionTrait, scope: &str, key: &str) -> Result<()> {
    idempotency_keys::Entity::delete_by_id((scope.to_owned(), key.to_owned())).exec(c).await?;
    Ok(())
}
