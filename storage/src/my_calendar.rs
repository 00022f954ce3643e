//! An employee's calendar as stored and read: their meetings (as organiser
//! or invitee), the due dates of the open transactions they hold, their
//! reminders, and their private feed's token.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tawasul_core::api::{CalendarItem, CalendarItemKind, NewReminder, ReminderView};
use tawasul_core::ids::{MeetingId, TransactionId, UserId};
use tawasul_core::lifecycle::late_statuses;
use tawasul_core::meetings::Rsvp;
use tawasul_core::reference::Reference;
use uuid::Uuid;

use crate::Result;
use crate::model::{calendar_feeds, meeting_invitees, meetings, personal_reminders, transactions};

fn reminder(r: personal_reminders::Model) -> ReminderView {
    ReminderView {
        id: r.id,
        at: r.at,
        text: r.text,
        transaction_id: r.transaction_id.map(TransactionId),
        notified_at: r.notified_at,
        created_at: r.created_at,
    }
}

pub async fn add_reminder(
    c: &impl ConnectionTrait,
    user: UserId,
    r: &NewReminder,
    now: DateTime<Utc>,
) -> Result<ReminderView> {
    let row = personal_reminders::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.0),
        at: Set(r.at),
        text: Set(r.text.clone()),
        transaction_id: Set(r.transaction_id.map(|t| t.0)),
        notified_at: Set(None),
        created_at: Set(now),
    };
    let id = personal_reminders::Entity::insert(row).exec(c).await?.last_insert_id;
    let saved = personal_reminders::Entity::find_by_id(id).one(c).await?.ok_or(crate::StorageError::NotFound)?;
    Ok(reminder(saved))
}

/// A reminder whose time has come, with whom to tell.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub id: Uuid,
    pub user: UserId,
    pub view: ReminderView,
}

/// Reminders whose time has come and that were not notified yet, the oldest first.
pub async fn due_reminders(c: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<DueReminder>> {
    use personal_reminders::Column as R;
    let rows = personal_reminders::Entity::find()
        .filter(R::NotifiedAt.is_null())
        .filter(R::At.lte(now))
        .order_by_asc(R::At)
        .limit(limit)
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| DueReminder { id: r.id, user: UserId(r.user_id), view: reminder(r) }).collect())
}

/// Marks a reminder notified, once: `false` when another round did.
pub async fn mark_notified(c: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    use personal_reminders::Column as R;
    let done = personal_reminders::Entity::update_many()
        .col_expr(R::NotifiedAt, Expr::value(now))
        .filter(R::Id.eq(id))
        .filter(R::NotifiedAt.is_null())
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The person's calendar between `from` (included) and `to` (excluded), in
/// time order: meetings they organise or are invited to (not cancelled, not
/// declined), the due dates of the open transactions they hold, their reminders.
pub async fn items(
    c: &impl ConnectionTrait,
    user: UserId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarItem>> {
    let mut items = Vec::new();
    // Meetings: the invitations, then those organised without one.
    use meeting_invitees::Column as I;
    let invited = meeting_invitees::Entity::find().filter(I::UserId.eq(user.0)).all(c).await?;
    let answers: std::collections::HashMap<Uuid, Option<Rsvp>> =
        invited.iter().map(|i| (i.meeting_id, i.rsvp.as_deref().and_then(|r| Rsvp::parse(r).ok()))).collect();
    use meetings::Column as M;
    // A meeting that started before `from` and runs into the span counts: a
    // day at most before (the longest meeting).
    let earliest = from - chrono::Duration::minutes(i64::from(tawasul_core::api::DURATION_MAX));
    let rows = meetings::Entity::find()
        .filter(M::CancelledAt.is_null())
        .filter(M::StartsAt.gte(earliest))
        .filter(M::StartsAt.lt(to))
        .filter(M::OrganiserId.eq(user.0).or(M::Id.is_in(answers.keys().copied().collect::<Vec<_>>())))
        .all(c)
        .await?;
    for m in rows {
        let ends = m.starts_at + chrono::Duration::minutes(i64::from(m.duration_minutes));
        let rsvp = answers.get(&m.id).copied().flatten();
        if ends <= from || rsvp == Some(Rsvp::Declined) {
            continue;
        }
        items.push(CalendarItem {
            kind: CalendarItemKind::Meeting,
            id: m.id,
            title: m.title,
            starts_at: m.starts_at,
            ends_at: Some(ends),
            meeting_id: Some(MeetingId(m.id)),
            transaction_id: None,
            reference: None,
            rsvp,
        });
    }
    use transactions::Column as T;
    let open: Vec<String> = late_statuses().map(|s| s.as_str().to_owned()).collect();
    let held = transactions::Entity::find()
        .filter(T::AssigneeId.eq(user.0))
        .filter(T::Status.is_in(open))
        .filter(T::DueAt.gte(from))
        .filter(T::DueAt.lt(to))
        .all(c)
        .await?;
    for t in held {
        let reference = Reference { hijri_year: t.reference_year, number: t.reference_number };
        items.push(CalendarItem {
            kind: CalendarItemKind::Due,
            id: t.id,
            title: t.subject,
            starts_at: t.due_at,
            ends_at: None,
            meeting_id: None,
            transaction_id: Some(TransactionId(t.id)),
            reference: Some(reference.to_string()),
            rsvp: None,
        });
    }
    use personal_reminders::Column as R;
    let mine = personal_reminders::Entity::find()
        .filter(R::UserId.eq(user.0))
        .filter(R::At.gte(from))
        .filter(R::At.lt(to))
        .all(c)
        .await?;
    for r in mine {
        items.push(CalendarItem {
            kind: CalendarItemKind::Reminder,
            id: r.id,
            title: r.text,
            starts_at: r.at,
            ends_at: None,
            meeting_id: None,
            transaction_id: r.transaction_id.map(TransactionId),
            reference: None,
            rsvp: None,
        });
    }
    items.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    Ok(items)
}

/// The person's feed token, if they have one. Kept as it is, not hashed,
/// so that the address can be shown again: it opens nothing the database
/// does not already show whoever reads it.
pub async fn feed_token(c: &impl ConnectionTrait, user: UserId) -> Result<Option<String>> {
    Ok(calendar_feeds::Entity::find_by_id(user.0).one(c).await?.map(|f| f.token))
}

/// Gives the person a feed token, replacing the last (whose address then
/// opens nothing).
pub async fn set_feed_token(c: &impl ConnectionTrait, user: UserId, token: &str, now: DateTime<Utc>) -> Result<()> {
    use calendar_feeds::Column as F;
    calendar_feeds::Entity::insert(calendar_feeds::ActiveModel {
        user_id: Set(user.0),
        token: Set(token.to_owned()),
        created_at: Set(now),
    })
    .on_conflict(OnConflict::column(F::UserId).update_columns([F::Token, F::CreatedAt]).to_owned())
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Whose feed a token opens.
pub async fn feed_owner(c: &impl ConnectionTrait, token: &str) -> Result<Option<UserId>> {
    use calendar_feeds::Column as F;
    let row = calendar_feeds::Entity::find().filter(F::Token.eq(token)).one(c).await?;
    Ok(row.map(|f| UserId(f.user_id)))
}
