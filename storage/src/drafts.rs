//! A beneficiary's unfinished requests: the details form's answers as typed,
//! kept until sent or thrown away. Every read and write names the person, so
//! that nobody reaches another's draft.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tawasul_core::ids::UserId;
use uuid::Uuid;

use crate::Result;
use crate::model::request_drafts;

/// How many drafts a person keeps at most: the oldest go first.
pub const KEPT: u64 = 20;

/// A draft as stored: its answers are the form's fields by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: Uuid,
    pub answers: BTreeMap<String, String>,
    pub updated_at: DateTime<Utc>,
}

fn draft(m: request_drafts::Model) -> Draft {
    let answers = serde_json::from_value(m.answers).unwrap_or_default();
    Draft { id: m.id, answers, updated_at: m.updated_at }
}

/// Keeps the answers under `id` (new or the person's own), and lets go of
/// the person's oldest drafts beyond `KEPT`.
pub async fn save(
    c: &impl ConnectionTrait,
    user: UserId,
    id: Uuid,
    answers: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<()> {
    use request_drafts::Column as D;
    // Someone else's id is never overwritten: the update applies only to a
    // row of this person's (the filter below), an insert takes a fresh id.
    let theirs = request_drafts::Entity::find_by_id(id).one(c).await?.is_some_and(|d| d.user_id != user.0);
    let id = if theirs { Uuid::now_v7() } else { id };
    request_drafts::Entity::insert(request_drafts::ActiveModel {
        id: Set(id),
        user_id: Set(user.0),
        answers: Set(serde_json::to_value(answers).unwrap_or_default()),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(D::Id).update_columns([D::Answers, D::UpdatedAt]).to_owned())
    .exec_without_returning(c)
    .await?;
    // At most one over the limit: read them all and keep the newest (SQLite
    // takes no OFFSET without a LIMIT).
    let stale: Vec<Uuid> = request_drafts::Entity::find()
        .filter(D::UserId.eq(user.0))
        .order_by_desc(D::UpdatedAt)
        .all(c)
        .await?
        .into_iter()
        .skip(KEPT as usize)
        .map(|d| d.id)
        .collect();
    if !stale.is_empty() {
        request_drafts::Entity::delete_many().filter(D::Id.is_in(stale)).exec(c).await?;
    }
    Ok(())
}

/// The person's drafts, the latest first.
pub async fn list(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<Draft>> {
    use request_drafts::Column as D;
    let rows = request_drafts::Entity::find()
        .filter(D::UserId.eq(user.0))
        .order_by_desc(D::UpdatedAt)
        .limit(KEPT)
        .all(c)
        .await?;
    Ok(rows.into_iter().map(draft).collect())
}

/// One of the person's drafts; `None` for another's or none.
pub async fn find(c: &impl ConnectionTrait, user: UserId, id: Uuid) -> Result<Option<Draft>> {
    let found = request_drafts::Entity::find_by_id(id).one(c).await?;
    Ok(found.filter(|d| d.user_id == user.0).map(draft))
}

/// Throws away one of the person's drafts (sent, or no longer wanted).
pub async fn remove(c: &impl ConnectionTrait, user: UserId, id: Uuid) -> Result<()> {
    use request_drafts::Column as D;
    request_drafts::Entity::delete_many().filter(D::Id.eq(id)).filter(D::UserId.eq(user.0)).exec(c).await?;
    Ok(())
}
