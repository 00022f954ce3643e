//! The real-time protocol of API.md "Real time": topics, the frames each side
//! sends, the close codes, and who an event notifies (the inbox). No I/O.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::{EventView, MeetingEventView};
use crate::events::EventKind;
use crate::ids::{MeetingId, TransactionId, UserId};
use crate::visibility::{TransactionFacts, Visibility};

/// Close codes the server uses (RFC 6455 leaves 4000–4999 to applications).
pub mod close {
    /// A missing, bad or expired token (or none within the first 5 s).
    pub const UNAUTHORIZED: u16 = 4401;
    /// A topic the caller may not follow.
    pub const FORBIDDEN: u16 = 4403;
    /// A consumer that did not keep up with its bounded send queue.
    pub const TOO_SLOW: u16 = 4408;
}

/// What a connection can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Transaction(TransactionId),
    Meeting(MeetingId),
    /// The caller's own stream of what would notify them.
    Inbox,
}

impl Topic {
    pub fn parse(s: &str) -> Option<Topic> {
        if s == "inbox" {
            return Some(Topic::Inbox);
        }
        let (kind, id) = s.split_once(':')?;
        match kind {
            "transaction" => id.parse().ok().map(Topic::Transaction),
            "meeting" => id.parse().ok().map(Topic::Meeting),
            _ => None,
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Transaction(id) => write!(f, "transaction:{id}"),
            Topic::Meeting(id) => write!(f, "meeting:{id}"),
            Topic::Inbox => f.write_str("inbox"),
        }
    }
}

impl Serialize for Topic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Topic, D::Error> {
        let s = String::deserialize(d)?;
        Topic::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown topic `{s}`")))
    }
}

/// Client → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Auth {
        token: String,
    },
    Subscribe {
        topic: Topic,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_seq: Option<i64>,
    },
    Unsubscribe {
        topic: Topic,
    },
    Ping,
}

/// Server → client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Sent after the replay of `after_seq`; `seq` is the topic's latest.
    Subscribed {
        topic: Topic,
        seq: i64,
    },
    Unsubscribed {
        topic: Topic,
    },
    /// One event. `seq` increases by topic: a transaction's event number, or on
    /// `inbox` the event's position in the platform's event log. `transaction_id`
    /// says which transaction an inbox event is about (an extension of API.md).
    Event {
        topic: Topic,
        seq: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transaction_id: Option<TransactionId>,
        event: TopicEvent,
    },
    /// Authentication succeeded (an extension: lets a browser know its `auth`
    /// frame was taken before it subscribes).
    Authenticated {
        user_id: UserId,
    },
    Error {
        code: String,
        message: String,
    },
    Pong,
}

/// What an `event` frame carries: a transaction's event, or a meeting's.
/// Their kinds share no name, and only a transaction's has a visibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TopicEvent {
    Transaction(EventView),
    Meeting(MeetingEventView),
}

impl TopicEvent {
    pub fn transaction(&self) -> Option<&EventView> {
        match self {
            TopicEvent::Transaction(e) => Some(e),
            TopicEvent::Meeting(_) => None,
        }
    }

    pub fn meeting(&self) -> Option<&MeetingEventView> {
        match self {
            TopicEvent::Meeting(e) => Some(e),
            TopicEvent::Transaction(_) => None,
        }
    }
}

impl From<EventView> for TopicEvent {
    fn from(e: EventView) -> TopicEvent {
        TopicEvent::Transaction(e)
    }
}

/// The people an event on a transaction notifies: those on it who did not
/// cause it. Beneficiaries hear only of external events; the assignee hears of
/// everything others do on their transaction, except the `created` event, which
/// the `assigned` event that always follows it already announces. The gateway
/// still passes every delivery through the visibility rule.
pub fn notifies(
    facts: &TransactionFacts,
    kind: EventKind,
    visibility: Visibility,
    actor: Option<UserId>,
) -> Vec<UserId> {
    let mut who = Vec::with_capacity(2);
    if visibility == Visibility::External && actor != Some(facts.beneficiary_id) {
        who.push(facts.beneficiary_id);
    }
    if let Some(assignee) = facts.assignee_id
        && actor != Some(assignee)
        && kind != EventKind::Created
        && assignee != facts.beneficiary_id
    {
        who.push(assignee);
    }
    who
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DepartmentId, EntityId};
    use uuid::Uuid;

    fn facts(assignee: Option<u128>) -> TransactionFacts {
        TransactionFacts {
            entity_id: EntityId(Uuid::from_u128(1)),
            department_id: DepartmentId(Uuid::from_u128(2)),
            beneficiary_id: UserId(Uuid::from_u128(10)),
            assignee_id: assignee.map(|a| UserId(Uuid::from_u128(a))),
        }
    }

    fn user(n: u128) -> UserId {
        UserId(Uuid::from_u128(n))
    }

    #[test]
    fn topics_round_trip_and_reject_the_unknown() {
        let id = TransactionId::new();
        for t in [Topic::Transaction(id), Topic::Meeting(MeetingId::new()), Topic::Inbox] {
            assert_eq!(Topic::parse(&t.to_string()), Some(t));
        }
        for bad in ["", "inbox:1", "transaction:", "transaction:nope", "user:1", "Transaction:x"] {
            assert_eq!(Topic::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn frames_have_the_documented_shape() {
        let f: ClientFrame = serde_json::from_str(r#"{"type":"subscribe","topic":"inbox","after_seq":4}"#).unwrap();
        assert_eq!(f, ClientFrame::Subscribe { topic: Topic::Inbox, after_seq: Some(4) });
        let f: ClientFrame = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(f, ClientFrame::Ping);
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"subscribe","topic":"secrets"}"#).is_err());
        let s = serde_json::to_string(&ServerFrame::Pong).unwrap();
        assert_eq!(s, r#"{"type":"pong"}"#);
        let s = serde_json::to_value(ServerFrame::Subscribed { topic: Topic::Inbox, seq: 7 }).unwrap();
        assert_eq!(s, serde_json::json!({"type": "subscribed", "topic": "inbox", "seq": 7}));
    }

    #[test]
    fn an_event_frame_reads_back_as_the_event_it_carries() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut data = serde_json::Map::new();
        data.insert("body".into(), "نص".into());
        let comment = EventView {
            seq: 3,
            kind: EventKind::Comment,
            at,
            visibility: Visibility::External,
            actor: None,
            notifications: None,
            data: data.clone(),
        };
        let note = MeetingEventView { seq: 4, kind: crate::meeting_log::MeetingEventKind::Note, at, actor: None, data };
        for event in [TopicEvent::Transaction(comment), TopicEvent::Meeting(note)] {
            let f = ServerFrame::Event { topic: Topic::Inbox, seq: 1, transaction_id: None, event: event.clone() };
            let back: ServerFrame = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            let ServerFrame::Event { event: read, .. } = back else { panic!("an event frame") };
            assert_eq!(read, event);
        }
    }

    #[test]
    fn the_inbox_rule() {
        let (ben, emp, other) = (user(10), user(20), user(30));
        // An employee's external reply notifies the beneficiary only.
        assert_eq!(notifies(&facts(Some(20)), EventKind::Comment, Visibility::External, Some(emp)), vec![ben]);
        // An internal note by a colleague notifies the assignee, never the beneficiary.
        assert_eq!(notifies(&facts(Some(20)), EventKind::Comment, Visibility::Internal, Some(other)), vec![emp]);
        // The beneficiary's reply notifies the assignee.
        assert_eq!(notifies(&facts(Some(20)), EventKind::Comment, Visibility::External, Some(ben)), vec![emp]);
        // Routing (no actor) notifies the new assignee; the beneficiary is not told of an internal event.
        assert_eq!(notifies(&facts(Some(20)), EventKind::Assigned, Visibility::Internal, None), vec![emp]);
        // Creating notifies nobody: the assignment that follows tells the assignee.
        assert_eq!(
            notifies(&facts(Some(20)), EventKind::Created, Visibility::External, Some(ben)),
            Vec::<UserId>::new()
        );
        // A status change by the platform notifies both.
        assert_eq!(notifies(&facts(Some(20)), EventKind::StatusChanged, Visibility::External, None), vec![ben, emp]);
        // No assignee: only the beneficiary can be told.
        assert_eq!(notifies(&facts(None), EventKind::StatusChanged, Visibility::External, Some(other)), vec![ben]);
    }
}
