//! Use cases of an employee's calendar: read it, add a reminder (told when
//! its time comes), and the private iCalendar feed calendar applications
//! subscribe to.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, Property};
use serde_json::json;
use tawasul_core::api::{CalendarFeedView, CalendarItemKind, MyCalendarView, NewReminder};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::catalogue::{Arg, text};
use tawasul_core::dates::shown;
use tawasul_core::meetings::keeps_calendar;
use tawasul_core::{ErrorCode, Lang};
use tawasul_storage::accounts::Account;
use tawasul_storage::outbox::{self, Message};
use tawasul_storage::{audit, my_calendar as store, recipients};

use super::{Answer, App};
use crate::auth::tokens::new_secret_token;
use crate::error::{ApiError, ApiResult};

/// What the feed holds: from a month back to half a year ahead.
const FEED_BEHIND: Duration = Duration::days(31);
const FEED_AHEAD: Duration = Duration::days(183);

fn staff_only(who: &Account) -> ApiResult<()> {
    if keeps_calendar(&who.actor) { Ok(()) } else { Err(ApiError::new(ErrorCode::Forbidden)) }
}

impl App {
    /// The person's calendar between `from` and `to`.
    pub async fn my_calendar(
        &self,
        who: &Account,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<MyCalendarView> {
        staff_only(who)?;
        let items = store::items(self.db.read(), who.actor.user_id, from, to).await?;
        Ok(MyCalendarView { from, to, items })
    }

    /// Adds a reminder, about a transaction the person may see if it names one.
    pub async fn add_reminder(&self, who: &Account, r: NewReminder) -> ApiResult<Answer> {
        staff_only(who)?;
        let who = who.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                if let Some(t) = r.transaction_id {
                    super::transactions::visible(tx, &who.actor, t)
                        .await
                        .map_err(|_| ApiError::field("transaction_id", ErrorCode::InvalidField))?;
                }
                let me = who.actor.user_id;
                let saved = store::add_reminder(tx, me, &r, now).await?;
                let entity = who.actor.staff().map(|s| s.entity_id);
                let e = crate::audit::entry(Some(me), entity, AuditAction::ReminderCreate, AuditTarget::User(me))
                    .after(json!({ "reminder": saved.id, "at": saved.at, "transaction_id": saved.transaction_id }));
                audit::append(tx, e, now).await?;
                Answer::created(saved)
            })
        })
        .await
    }

    /// The person's private feed address: the same each time, made on the
    /// first ask (`reset`: a new one, and the old opens nothing).
    pub async fn calendar_feed_address(&self, who: &Account, reset: bool) -> ApiResult<Answer> {
        staff_only(who)?;
        let me = who.actor.user_id;
        let entity = who.actor.staff().map(|s| s.entity_id);
        let url = self.public_url.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let token = match store::feed_token(tx, me).await? {
                    Some(t) if !reset => t,
                    _ => {
                        let t = new_secret_token();
                        store::set_feed_token(tx, me, &t, now).await?;
                        let e = crate::audit::entry(
                            Some(me),
                            entity,
                            AuditAction::CalendarFeedIssue,
                            AuditTarget::User(me),
                        )
                        .after(json!({ "reset": reset }));
                        audit::append(tx, e, now).await?;
                        t
                    }
                };
                Answer::ok(CalendarFeedView { url: format!("{url}/api/v1/calendar-feeds/{token}.ics") })
            })
        })
        .await
    }

    /// The iCalendar feed a token opens: its owner's calendar from a month
    /// back to half a year ahead, in their language.
    pub async fn calendar_feed(&self, token: &str) -> ApiResult<String> {
        let db = self.db.read();
        let owner = store::feed_owner(db, token).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
        let account = tawasul_storage::accounts::load(db, owner).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
        if !keeps_calendar(&account.actor) {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        let now = self.clock.now();
        let items = store::items(db, owner, now - FEED_BEHIND, now + FEED_AHEAD).await?;
        let lang = recipients::contacts(db, &[owner]).await?.pop().map_or(Lang::Ar, |c| c.lang);
        let riyadh = |at: DateTime<Utc>| CalendarDateTime::from_date_time(at.with_timezone(&chrono_tz::Asia::Riyadh));
        let mut cal = Calendar::new();
        cal.append_property(Property::new("PRODID", "-//Tawasul//Calendar//AR"));
        cal.name(&text(lang, "calendar-feed-name", &[]));
        for i in items {
            let mut e = Event::new();
            let (uid, title) = match i.kind {
                // A meeting keeps the UID of its invitations: one event, however it came.
                CalendarItemKind::Meeting => {
                    (crate::invitations::uid(i.meeting_id.unwrap_or_default()), i.title.clone())
                }
                CalendarItemKind::Due => {
                    let r = i.reference.clone().unwrap_or_default();
                    (
                        format!("due-{}@tawasul", i.id),
                        text(lang, "calendar-due", &[("reference", Arg::Text(&r)), ("subject", Arg::Text(&i.title))]),
                    )
                }
                CalendarItemKind::Reminder => (format!("reminder-{}@tawasul", i.id), i.title.clone()),
            };
            e.uid(&uid).timestamp(now).summary(&title).starts(riyadh(i.starts_at));
            e.ends(riyadh(i.ends_at.unwrap_or(i.starts_at + Duration::minutes(15))));
            cal.push(e.done());
        }
        Ok(cal.done().to_string())
    }

    /// Tells each person of their reminders whose time has come, once: the
    /// mark and the message commit together. The number told.
    pub async fn notify_due_reminders(&self) -> ApiResult<usize> {
        let due = store::due_reminders(self.db.read(), self.clock.now(), 100).await?;
        let mut told = 0;
        for r in due {
            let url = self.public_url.clone();
            let queued = self
                .unit(move |tx, now| {
                    Box::pin(async move {
                        if !store::mark_notified(tx, r.id, now).await? {
                            return Ok(false);
                        }
                        let Some(to) = recipients::contacts(tx, &[r.user]).await?.pop() else { return Ok(false) };
                        let Some(person) = tawasul_storage::accounts::load(tx, r.user).await? else { return Ok(false) };
                        let name = match to.lang {
                            Lang::Ar => person.view.name_ar,
                            Lang::En => person.view.name_en,
                        };
                        let messages = reminder_messages(&to, &name, &r.view.text, r.view.at, &url);
                        for m in &messages {
                            outbox::enqueue(tx, m, now).await?;
                        }
                        Ok(!messages.is_empty())
                    })
                })
                .await?;
            if queued {
                told += 1;
            }
            self.wake_outbox(queued);
        }
        Ok(told)
    }
}

/// A reminder's e-mail, or its SMS to someone without an address.
fn reminder_messages(
    to: &recipients::Contact,
    name: &str,
    reminder: &str,
    at: DateTime<Utc>,
    public_url: &str,
) -> Vec<Message> {
    let lang = to.lang;
    let when = shown(lang, at).gregorian;
    let link = public_url.to_owned();
    let args = [
        ("name", Arg::Text(name)),
        ("text", Arg::Text(reminder)),
        ("gregorian", Arg::Text(&when)),
        ("link", Arg::Text(&link)),
    ];
    match (&to.email, &to.mobile) {
        (Some(email), _) => vec![Message::Email {
            to: email.clone(),
            subject: text(lang, "reminder-subject", &args),
            body: text(lang, "reminder-text", &args),
            html: None,
            calendar: None,
        }],
        (None, Some(mobile)) => vec![Message::Sms { to: mobile.clone(), text: text(lang, "reminder-sms", &args) }],
        (None, None) => vec![],
    }
}
