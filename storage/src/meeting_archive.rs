//! What the archive holds of meetings: each meeting's approved minutes and its
//! decisions, with who may find them by being in the meeting (its organiser
//! and invited employees). Draft minutes are never in it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tawasul_core::ids::{DecisionId, EntityId, MeetingId, UserId};

use crate::Result;
use crate::model::{meeting_decisions, meeting_invitees, meetings};

/// A meeting as the archive holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRecord {
    pub id: MeetingId,
    pub entity_id: EntityId,
    pub title: String,
    /// The organiser and the invited employees.
    pub people: Vec<UserId>,
    /// The approved minutes and when they were approved.
    pub minutes: Option<(String, DateTime<Utc>)>,
    pub decisions: Vec<(DecisionId, String, DateTime<Utc>)>,
}

/// The meetings with these ids that exist, each as the archive holds it.
pub async fn meeting_records(c: &impl ConnectionTrait, ids: &[MeetingId]) -> Result<Vec<MeetingRecord>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let keys: Vec<uuid::Uuid> = ids.iter().map(|m| m.0).collect();
    let rows = meetings::Entity::find().filter(meetings::Column::Id.is_in(keys.clone())).all(c).await?;
    let mut people: HashMap<uuid::Uuid, Vec<UserId>> = HashMap::new();
    let invited: Vec<(uuid::Uuid, Option<uuid::Uuid>)> = meeting_invitees::Entity::find()
        .select_only()
        .column(meeting_invitees::Column::MeetingId)
        .column(meeting_invitees::Column::UserId)
        .filter(meeting_invitees::Column::MeetingId.is_in(keys.clone()))
        .into_tuple()
        .all(c)
        .await?;
    for (m, u) in invited {
        if let Some(u) = u {
            people.entry(m).or_default().push(UserId(u));
        }
    }
    let mut decisions: HashMap<uuid::Uuid, Vec<(DecisionId, String, DateTime<Utc>)>> = HashMap::new();
    for d in meeting_decisions::Entity::find()
        .filter(meeting_decisions::Column::MeetingId.is_in(keys))
        .order_by_asc(meeting_decisions::Column::DecidedAt)
        .all(c)
        .await?
    {
        decisions.entry(d.meeting_id).or_default().push((DecisionId(d.id), d.text, d.decided_at));
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let mut in_it = people.remove(&m.id).unwrap_or_default();
            in_it.push(UserId(m.organiser_id));
            MeetingRecord {
                id: MeetingId(m.id),
                entity_id: EntityId(m.entity_id),
                title: m.title,
                people: in_it,
                minutes: m.minutes.zip(m.minutes_approved_at),
                decisions: decisions.remove(&m.id).unwrap_or_default(),
            }
        })
        .collect())
}

/// The meetings the archive holds something of (approved minutes or a
/// decision), after `after` in id order, at most `limit`: a rebuild's pages.
pub async fn meetings_in_archive_after(
    c: &impl ConnectionTrait,
    after: Option<MeetingId>,
    limit: u64,
) -> Result<Vec<MeetingId>> {
    let decided = sea_orm::sea_query::Query::select()
        .column(meeting_decisions::Column::MeetingId)
        .from(meeting_decisions::Entity)
        .to_owned();
    let mut q = meetings::Entity::find().select_only().column(meetings::Column::Id).filter(
        sea_orm::Condition::any()
            .add(meetings::Column::MinutesApprovedAt.is_not_null())
            .add(meetings::Column::Id.in_subquery(decided)),
    );
    if let Some(a) = after {
        q = q.filter(meetings::Column::Id.gt(a.0));
    }
    let ids: Vec<uuid::Uuid> = q.order_by_asc(meetings::Column::Id).limit(limit).into_tuple().all(c).await?;
    Ok(ids.into_iter().map(MeetingId).collect())
}
