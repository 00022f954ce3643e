//! The events of a transaction's log, typed. Each is stored as its `kind` and a
//! JSON object of `data`, which the timeline shows as they are (API.md
//! "Transactions"): the shapes here are that contract, so never rename a field.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{AttachmentId, UserId, VoiceId};
use crate::routing::Decision;
use crate::service::{Target, Why};
use crate::workflow::Status;

/// What an event is, by its stored name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Assigned,
    Comment,
    Voice,
    Attachment,
    StatusChanged,
    Rated,
    SlaWarning,
    SlaBreached,
    Escalated,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Created,
        EventKind::Assigned,
        EventKind::Comment,
        EventKind::Voice,
        EventKind::Attachment,
        EventKind::StatusChanged,
        EventKind::Rated,
        EventKind::SlaWarning,
        EventKind::SlaBreached,
        EventKind::Escalated,
    ];

    /// Whether events of this kind are the ones that change what a
    /// transaction is (its status, its assignee): every such change is written
    /// as one of them (the lifecycle's property test holds `decide` to it). The
    /// archive re-indexes a transaction whole after one, and otherwise adds
    /// only the new event's document.
    pub fn changes_facts(self) -> bool {
        matches!(self, EventKind::Created | EventKind::Assigned | EventKind::StatusChanged)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Assigned => "assigned",
            EventKind::Comment => "comment",
            EventKind::Voice => "voice",
            EventKind::Attachment => "attachment",
            EventKind::StatusChanged => "status_changed",
            EventKind::Rated => "rated",
            EventKind::SlaWarning => "sla_warning",
            EventKind::SlaBreached => "sla_breached",
            EventKind::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Kinds that carry words someone wrote or said, which the archive indexes.
    pub fn is_searchable(self) -> bool {
        matches!(self, EventKind::Comment | EventKind::Attachment | EventKind::Voice)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event, with its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Event {
    Created(Created),
    Assigned(Assigned),
    Comment(Comment),
    Voice(Voiced),
    Attachment(Attached),
    StatusChanged(StatusChanged),
    Rated(Rated),
    /// 80 % of a target's working time has passed (internal).
    SlaWarning(SlaMarked),
    /// A target's working time has passed (internal).
    SlaBreached(SlaMarked),
    /// The holder was escalated (internal); an `assigned` event follows when
    /// the transaction went to someone else.
    Escalated(Escalated),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    pub subject: String,
    pub body: String,
    /// The reference number as written, e.g. `1448/000123`.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assigned {
    /// `None`: nobody was eligible, and the transaction waits in its department's queue.
    pub assignee: Option<UserId>,
    pub reason: AssignReason,
}

/// Why a transaction went to whom it went to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AssignReason {
    /// Routing chose, for these reasons.
    Routed(Decision),
    Said(Assignment),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignment {
    /// A supervisor chose the employee.
    #[serde(rename = "manual")]
    Manual,
    /// Nobody was eligible. (The words are the stored value; keep them.)
    #[serde(rename = "no eligible employee: waiting in the department's queue")]
    Queued,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voiced {
    pub voice_id: VoiceId,
    pub duration_ms: u64,
    pub waveform: Vec<u8>,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attached {
    pub attachment_id: AttachmentId,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChanged {
    pub from: Status,
    pub to: Status,
    /// Postponed until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Why: a postponement's, a rejection's or a reopening's reason, shown to the beneficiary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The new assignee, when the change is an assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserId>,
}

impl StatusChanged {
    pub fn new(from: Status, to: Status) -> StatusChanged {
        StatusChanged { from, to, until: None, reason: None, assignee: None }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rated {
    pub stars: u8,
    pub comment: Option<String>,
}

/// A service-level mark, as the SLA monitor gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaMarked {
    pub target: Target,
    /// The target, in working hours.
    pub target_hours: u32,
    /// When it falls (the resolution's due time; a first answer's, while to come).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// Who held it then (the one told, beside the supervisors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalated {
    /// The rung reached: 1, taken from its holder through routing; 2, the
    /// department's supervisors called in.
    pub level: u8,
    pub why: Why,
    /// Who held it.
    pub from: Option<UserId>,
}

/// A stored event that does not parse as its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event of kind `{kind}` does not parse: {reason}")]
pub struct BadEvent {
    pub kind: String,
    pub reason: String,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Created(_) => EventKind::Created,
            Event::Assigned(_) => EventKind::Assigned,
            Event::Comment(_) => EventKind::Comment,
            Event::Voice(_) => EventKind::Voice,
            Event::Attachment(_) => EventKind::Attachment,
            Event::StatusChanged(_) => EventKind::StatusChanged,
            Event::Rated(_) => EventKind::Rated,
            Event::SlaWarning(_) => EventKind::SlaWarning,
            Event::SlaBreached(_) => EventKind::SlaBreached,
            Event::Escalated(_) => EventKind::Escalated,
        }
    }

    /// The payload as stored and shown.
    pub fn data(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut m)) => match m.remove("data") {
                Some(Value::Object(d)) => d,
                _ => Map::new(),
            },
            _ => Map::new(),
        }
    }

    /// An event as stored: its kind and its data.
    pub fn parse(kind: &str, data: &Map<String, Value>) -> Result<Event, BadEvent> {
        let v = serde_json::json!({ "kind": kind, "data": data });
        serde_json::from_value(v).map_err(|e| BadEvent { kind: kind.to_owned(), reason: e.to_string() })
    }

    /// An event as stored, its data still the log's JSON text: read in one
    /// pass, without a `Value` tree built and copied first (a rebuild of the
    /// archive reads every searchable event this way). The kind comes first,
    /// so that serde reads the data straight into its variant.
    pub fn parse_text(kind: &str, data: &str) -> Result<Event, BadEvent> {
        let bad = |reason: String| BadEvent { kind: kind.to_owned(), reason };
        let tag = serde_json::to_string(kind).map_err(|e| bad(e.to_string()))?;
        serde_json::from_str(&format!(r#"{{"kind":{tag},"data":{data}}}"#)).map_err(|e| bad(e.to_string()))
    }

    /// The status this event moved the transaction to, if it is a status change.
    pub fn new_status(&self) -> Option<Status> {
        match self {
            Event::StatusChanged(s) => Some(s.to),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    /// The stored shapes that the timeline has always shown parse and come
    /// back as they were: a change here would break API.md or old rows.
    #[test]
    fn stored_shapes_round_trip() {
        let user = UserId::new();
        let decision = json!({ "assignee": user, "policy": "round_robin", "eligible": 3, "open_load": 1 });
        for (kind, data) in [
            ("created", json!({ "subject": "رخصة", "body": "نص", "reference": "1448/000001" })),
            ("assigned", json!({ "assignee": user, "reason": decision })),
            ("assigned", json!({ "assignee": user, "reason": "manual" })),
            (
                "assigned",
                json!({ "assignee": null, "reason": "no eligible employee: waiting in the department's queue" }),
            ),
            ("comment", json!({ "body": "شكراً" })),
            ("status_changed", json!({ "from": "assigned", "to": "in_progress" })),
            (
                "status_changed",
                json!({ "from": "in_progress", "to": "postponed", "until": "2026-12-03T09:00:00Z", "reason": "انتظار" }),
            ),
            ("status_changed", json!({ "from": "new", "to": "assigned", "assignee": user })),
            ("rated", json!({ "stars": 5, "comment": null })),
            ("sla_warning", json!({ "target": "first_response", "target_hours": 8, "due_at": "2026-12-03T09:00:00Z" })),
            ("sla_breached", json!({ "target": "resolution", "target_hours": 40, "due_at": "2026-12-03T09:00:00Z" })),
            ("sla_breached", json!({ "target": "first_response", "target_hours": 8, "assignee": user })),
            ("escalated", json!({ "level": 1, "why": "no_action", "from": user })),
            ("escalated", json!({ "level": 2, "why": "deactivated", "from": null })),
            (
                "voice",
                json!({ "voice_id": VoiceId::new(), "duration_ms": 1200, "waveform": [0, 255], "content_type": "audio/ogg" }),
            ),
            (
                "attachment",
                json!({ "attachment_id": AttachmentId::new(), "name": "صك.pdf", "size": 10, "content_type": "application/pdf", "sha256": "ab" }),
            ),
        ] {
            let e = Event::parse(kind, &object(data.clone())).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(Event::parse_text(kind, &data.to_string()).as_ref(), Ok(&e), "{kind}");
            assert_eq!(e.kind().as_str(), kind);
            assert_eq!(Value::Object(e.data()), data, "{kind}");
        }
    }

    #[test]
    fn unknown_or_malformed_events_are_refused() {
        assert!(Event::parse("deleted", &Map::new()).is_err());
        assert!(Event::parse("comment", &object(json!({ "text": "x" }))).is_err());
        assert!(Event::parse("rated", &object(json!({ "stars": "five", "comment": null }))).is_err());
        assert!(Event::parse_text("deleted", "{}").is_err());
        assert!(Event::parse_text("comment", r#"{"text": "x"}"#).is_err());
        assert!(Event::parse_text("comment", "").is_err());
        // Data that is not one JSON value cannot smuggle in a second payload.
        let comment = r#"{"body":"a"}"#;
        assert!(Event::parse_text("comment", comment).is_ok());
        assert!(Event::parse_text("comment", &format!(r#"{comment},"data":{comment}"#)).is_err());
        assert!(Event::parse_text("comment", &format!(r#"{comment}}} {{"#)).is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()));
        }
    }
}
