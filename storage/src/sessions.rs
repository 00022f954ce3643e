//! Refresh tokens, stored only as hashes. Each log-in starts a session; every
//! refresh consumes the presented token and issues the next one in the same
//! session. Presenting a consumed token again means it was copied: the whole
//! session is revoked.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tawasul_core::ids::UserId;
use uuid::Uuid;

use crate::Result;
use crate::model::refresh_tokens;

pub async fn issue(
    c: &impl ConnectionTrait,
    user: UserId,
    session: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.0),
        session_id: Set(session),
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// The token was valid and is now consumed; issue the next one in this session.
    Rotated { user: UserId, session: Uuid },
    /// Unknown, expired or revoked.
    Refused,
    /// Already used: someone holds a copy of it, so the whole session is now revoked.
    Reused { user: UserId, session: Uuid },
}

/// Consumes a refresh token. Run it inside a transaction with the issue of the next.
pub async fn consume(c: &impl ConnectionTrait, token_hash: &str, now: DateTime<Utc>) -> Result<Rotation> {
    let Some(t) =
        refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(token_hash)).one(c).await?
    else {
        return Ok(Rotation::Refused);
    };
    if t.revoked_at.is_some() || t.expires_at <= now {
        return Ok(Rotation::Refused);
    }
    // The `used_at IS NULL` condition makes two concurrent refreshes with the same
    // token race on one row: exactly one wins.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(t.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(c)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        revoke_session(c, t.session_id, now).await?;
        return Ok(Rotation::Reused { user: UserId(t.user_id), session: t.session_id });
    }
    Ok(Rotation::Rotated { user: UserId(t.user_id), session: t.session_id })
}

/// The session a refresh token belongs to, if it belongs to `user`.
pub async fn session_of(c: &impl ConnectionTrait, token_hash: &str, user: UserId) -> Result<Option<Uuid>> {
    Ok(refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
        .filter(refresh_tokens::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .map(|t| t.session_id))
}

pub async fn revoke_session(c: &impl ConnectionTrait, session: Uuid, now: DateTime<Utc>) -> Result<u64> {
    Ok(refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::SessionId.eq(session))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(c)
        .await?
        .rows_affected)
}

/// Revokes every session of `user` but `keep` (after a password change).
pub async fn revoke_other_sessions(
    c: &impl ConnectionTrait,
    user: UserId,
    keep: Uuid,
    now: DateTime<Utc>,
) -> Result<u64> {
    revoke_sessions_of(c, user, Some(keep), now).await
}

/// Revokes every session of `user` (a deactivated account is signed out everywhere).
pub async fn revoke_all_sessions(c: &impl ConnectionTrait, user: UserId, now: DateTime<Utc>) -> Result<u64> {
    revoke_sessions_of(c, user, None, now).await
}

async fn revoke_sessions_of(
    c: &impl ConnectionTrait,
    user: UserId,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut q = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::UserId.eq(user.0))
        .filter(refresh_tokens::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        q = q.filter(refresh_tokens::Column::SessionId.ne(keep));
    }
    Ok(q.exec(c).await?.rows_affected)
}
