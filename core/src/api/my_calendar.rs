//! An employee's calendar (مفكرة): their meetings, the due dates of the
//! transactions they hold and their own reminders; its private iCalendar
//! feed for calendar applications.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::api::transactions::{parse_text, parse_time};
use crate::error::{ErrorCode, FieldErrors};
use crate::ids::{MeetingId, TransactionId};
use crate::meetings::Rsvp;

/// The longest span one read of the calendar covers.
pub const SPAN_MAX_DAYS: i64 = 366;
/// What a read covers when it names no end: a month.
pub const SPAN_DEFAULT_DAYS: i64 = 31;
pub const REMINDER_TEXT_MAX: usize = 500;

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
pub struct MyCalendarQuery {
    /// RFC 3339 or a day (`2026-12-06`); today (UTC) by default.
    pub from: Option<String>,
    /// RFC 3339 or a day; `from` and a month by default.
    pub to: Option<String>,
}

impl MyCalendarQuery {
    /// The span asked for, from `today` when it names no start.
    pub fn parse(&self, today: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), FieldErrors> {
        let mut e = FieldErrors::default();
        let from = crate::api::optional(&mut e, "from", self.from.as_deref(), parse_time);
        let to = crate::api::optional(&mut e, "to", self.to.as_deref(), parse_time);
        let (Some(from), Some(to)) = (from, to) else { return Err(e) };
        let from = from.unwrap_or(today);
        let to = to.unwrap_or(from + Duration::days(SPAN_DEFAULT_DAYS));
        if to <= from || to - from > Duration::days(SPAN_MAX_DAYS) {
            e.push("to", ErrorCode::InvalidField);
        }
        e.finish(Some((from, to)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarItemKind {
    Meeting,
    /// A transaction the person holds falls due.
    Due,
    Reminder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarItem {
    pub kind: CalendarItemKind,
    /// The meeting's, the transaction's or the reminder's id.
    pub id: uuid::Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub meeting_id: Option<MeetingId>,
    pub transaction_id: Option<TransactionId>,
    /// A transaction's reference number, e.g. `1448-000012`.
    pub reference: Option<String>,
    /// The person's answer to a meeting's invitation (none as its organiser).
    pub rsvp: Option<Rsvp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MyCalendarView {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// In time order.
    pub items: Vec<CalendarItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateReminderRequest {
    /// RFC 3339.
    pub at: String,
    pub text: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub transaction_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewReminder {
    pub at: DateTime<Utc>,
    pub text: String,
    pub transaction_id: Option<TransactionId>,
}

impl CreateReminderRequest {
    pub fn parse(&self) -> Result<NewReminder, FieldErrors> {
        let mut e = FieldErrors::default();
        let at = e.check("at", parse_time(&self.at));
        let text = e.check("text", parse_text(&self.text, REMINDER_TEXT_MAX));
        let transaction_id = crate::api::optional(&mut e, "transaction_id", self.transaction_id.as_deref(), |t| {
            t.parse::<TransactionId>().map_err(|_| ErrorCode::InvalidField)
        });
        e.finish((|| Some(NewReminder { at: at?, text: text?, transaction_id: transaction_id? }))())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReminderView {
    pub id: uuid::Uuid,
    pub at: DateTime<Utc>,
    pub text: String,
    pub transaction_id: Option<TransactionId>,
    pub notified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A private feed's address: whoever holds it reads the calendar. The same
/// each time it is asked for; a reset issues a new one and the old opens
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarFeedView {
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_defaults_to_a_month_from_today_and_is_bounded() {
        let today: DateTime<Utc> = "2026-12-04T00:00:00Z".parse().unwrap();
        let (from, to) = MyCalendarQuery::default().parse(today).unwrap();
        assert_eq!((from, to - from), (today, Duration::days(31)));
        let q = MyCalendarQuery { from: Some("2026-12-01".into()), to: Some("2026-12-08".into()) };
        assert_eq!(q.parse(today).unwrap().1 - q.parse(today).unwrap().0, Duration::days(7));
        let backwards = MyCalendarQuery { from: Some("2026-12-08".into()), to: Some("2026-12-01".into()) };
        assert_eq!(backwards.parse(today).unwrap_err().0[0].field, "to");
        let long = MyCalendarQuery { from: Some("2026-01-01".into()), to: Some("2028-01-01".into()) };
        assert_eq!(long.parse(today).unwrap_err().0[0].field, "to");
        let bad = MyCalendarQuery { from: Some("tomorrow".into()), to: None };
        assert_eq!(bad.parse(today).unwrap_err().0[0].field, "from");
    }

    #[test]
    fn a_reminder_needs_a_time_and_a_text() {
        let r = CreateReminderRequest { at: "x".into(), text: " ".into(), transaction_id: Some("y".into()) };
        let fields: Vec<String> = r.parse().unwrap_err().0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["at", "text", "transaction_id"]);
    }
}
