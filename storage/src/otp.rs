//! One-time codes for verifying an e-mail or mobile, stored only as hashes, with a
//! short life and a bounded number of guesses.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use tawasul_core::ids::UserId;

use crate::Result;
use crate::model::otp_codes;

pub const MAX_ATTEMPTS: i32 = 5;

/// Stores a new code for a channel, replacing any earlier one.
pub async fn put(
    c: &impl ConnectionTrait,
    user: UserId,
    channel: &str,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    // One statement, so that two codes asked for at once both land (the later
    // one wins) instead of racing a delete against the other's insert.
    use otp_codes::Column;
    otp_codes::Entity::insert(otp_codes::ActiveModel {
        user_id: Set(user.0),
        channel: Set(channel.to_owned()),
        code_hash: Set(code_hash.to_owned()),
        expires_at: Set(expires_at),
        attempts: Set(0),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([Column::UserId, Column::Channel])
            .update_columns([Column::CodeHash, Column::ExpiresAt, Column::Attempts, Column::CreatedAt])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Checks a guess. A right guess consumes the code; a wrong one uses up an attempt.
pub async fn check(
    c: &impl ConnectionTrait,
    user: UserId,
    channel: &str,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let id = (user.0, channel.to_owned());
    let Some(row) = otp_codes::Entity::find_by_id(id.clone()).one(c).await? else {
        return Ok(false);
    };
    if row.expires_at <= now || row.attempts >= MAX_ATTEMPTS {
        return Ok(false);
    }
    if row.code_hash == code_hash {
        otp_codes::Entity::delete_by_id(id).exec(c).await?;
        return Ok(true);
    }
    otp_codes::Entity::update(otp_codes::ActiveModel {
        user_id: Set(user.0),
        channel: Set(channel.to_owned()),
        attempts: Set(row.attempts + 1),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(false)
}
