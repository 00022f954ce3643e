//! A meeting's log (`meeting_events`): appended with the meeting's next `seq`
//! in the same database transaction as the step it records, read back by seq
//! (a connection resuming `meeting:<id>`) and by global position (the log's
//! consumers, as they read the transactions' log).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use tawasul_core::api::{ActorRef, MeetingEventView};
use tawasul_core::ids::{MeetingId, UserId};
use tawasul_core::meeting_log::{MeetingEvent, MeetingEventKind};
use tawasul_core::org::Role;

use crate::accounts::corrupt;
use crate::model::{meeting_events, meetings};
use crate::transactions::actor_refs;
use crate::{Result, StorageError};

/// One event of a meeting's log with its place in the whole log.
#[derive(Debug, Clone)]
pub struct PositionedMeetingEvent {
    pub position: i64,
    pub meeting_id: MeetingId,
    pub event: MeetingEventView,
}

/// Appends one event with the meeting's next `seq`, which it returns. The
/// increment takes the meeting row's lock (PostgreSQL), so two steps at once
/// never share a seq.
pub async fn append(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    actor: Option<UserId>,
    e: &MeetingEvent,
    now: DateTime<Utc>,
) -> Result<u32> {
    use meetings::Column as M;
    let q = sea_orm::sea_query::Query::update()
        .table(meetings::Entity)
        .value(M::LastSeq, Expr::col(M::LastSeq).add(1))
        .and_where(M::Id.eq(meeting.0))
        .returning_col(M::LastSeq)
        .to_owned();
    let row = c.query_one(c.get_database_backend().build(&q)).await?.ok_or(StorageError::NotFound)?;
    let seq: i32 = row.try_get("", "last_seq")?;
    meeting_events::Entity::insert(meeting_events::ActiveModel {
        meeting_id: Set(meeting.0),
        seq: Set(seq),
        kind: Set(e.kind().as_str().to_owned()),
        actor_id: Set(actor.map(|a| a.0)),
        at: Set(now),
        data: Set(Value::Object(e.data())),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    u32::try_from(seq).map_err(|_| corrupt("seq"))
}

/// The meeting's events with a seq above `after`, oldest first, at most `limit`.
pub async fn events_after(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    after: u32,
    limit: u64,
) -> Result<Vec<MeetingEventView>> {
    let rows = meeting_events::Entity::find()
        .filter(meeting_events::Column::MeetingId.eq(meeting.0))
        .filter(meeting_events::Column::Seq.gt(i64::from(after)))
        .order_by_asc(meeting_events::Column::Seq)
        .limit(limit)
        .all(c)
        .await?;
    Ok(views(c, rows).await?.into_iter().map(|p| p.event).collect())
}

/// The meeting's latest seq (0 before its first event).
pub async fn last_seq(c: &impl ConnectionTrait, meeting: MeetingId) -> Result<u32> {
    let m = meetings::Entity::find_by_id(meeting.0).one(c).await?.ok_or(StorageError::NotFound)?;
    u32::try_from(m.last_seq).map_err(|_| corrupt("last_seq"))
}

/// At most `limit` events after position `after`, oldest first.
pub async fn since(c: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<PositionedMeetingEvent>> {
    let rows = meeting_events::Entity::find()
        .filter(meeting_events::Column::Position.gt(after))
        .order_by_asc(meeting_events::Column::Position)
        .limit(limit)
        .all(c)
        .await?;
    views(c, rows).await
}

/// The events at these positions that exist, oldest first.
pub async fn at(c: &impl ConnectionTrait, positions: &[i64]) -> Result<Vec<PositionedMeetingEvent>> {
    if positions.is_empty() {
        return Ok(vec![]);
    }
    let rows = meeting_events::Entity::find()
        .filter(meeting_events::Column::Position.is_in(positions.iter().copied()))
        .order_by_asc(meeting_events::Column::Position)
        .all(c)
        .await?;
    views(c, rows).await
}

/// The position of the log's latest event (0 when empty).
pub async fn last_position(c: &impl ConnectionTrait) -> Result<i64> {
    let max: Option<Option<i64>> = meeting_events::Entity::find()
        .select_only()
        .column_as(meeting_events::Column::Position.max(), "m")
        .into_tuple()
        .one(c)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Rows with their actors' names, looked up in one query.
async fn views(c: &impl ConnectionTrait, rows: Vec<meeting_events::Model>) -> Result<Vec<PositionedMeetingEvent>> {
    let names = actor_refs(c, rows.iter().filter_map(|r| r.actor_id.map(UserId))).await?;
    rows.into_iter()
        .map(|r| {
            let actor = r.actor_id.map(|a| {
                names.get(&UserId(a)).cloned().unwrap_or(ActorRef {
                    id: UserId(a),
                    role: Role::Employee,
                    name_ar: String::new(),
                    name_en: String::new(),
                })
            });
            let event = MeetingEventView {
                seq: u32::try_from(r.seq).map_err(|_| corrupt("seq"))?,
                kind: MeetingEventKind::parse(&r.kind).ok_or_else(|| corrupt("meeting event kind"))?,
                at: r.at,
                actor,
                data: match r.data {
                    Value::Object(m) => m,
                    _ => return Err(corrupt("meeting event data")),
                },
            };
            Ok(PositionedMeetingEvent { position: r.position, meeting_id: MeetingId(r.meeting_id), event })
        })
        .collect()
}
