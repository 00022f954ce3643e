//! The events of a meeting's log, typed: what its people see happen live on
//! `meeting:<id>` and read again when they resume. Each is stored as its
//! `kind` and a JSON object of `data`; the shapes here are that contract, so
//! never rename a field. Every event is seen by whoever may see the meeting.
//!
//! A ballot is told as the vote's new turnout, with no actor: nothing here
//! links a voter to an option, for a secret ballot or an open one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{DecisionId, InviteeId, VoteId};
use crate::meetings::{Ballot, Rsvp, VoteResult};

/// What a meeting's event is, by its stored name. None is also the name of a
/// transaction's event (`EventKind`), so a frame tells which it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingEventKind {
    Note,
    Rsvp,
    CheckedIn,
    VoteOpened,
    Turnout,
    VoteClosed,
    MinutesApproved,
    Decision,
    Changed,
    Cancelled,
}

impl MeetingEventKind {
    pub const ALL: [MeetingEventKind; 10] = [
        MeetingEventKind::Note,
        MeetingEventKind::Rsvp,
        MeetingEventKind::CheckedIn,
        MeetingEventKind::VoteOpened,
        MeetingEventKind::Turnout,
        MeetingEventKind::VoteClosed,
        MeetingEventKind::MinutesApproved,
        MeetingEventKind::Decision,
        MeetingEventKind::Changed,
        MeetingEventKind::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingEventKind::Note => "note",
            MeetingEventKind::Rsvp => "rsvp",
            MeetingEventKind::CheckedIn => "checked_in",
            MeetingEventKind::VoteOpened => "vote_opened",
            MeetingEventKind::Turnout => "turnout",
            MeetingEventKind::VoteClosed => "vote_closed",
            MeetingEventKind::MinutesApproved => "minutes_approved",
            MeetingEventKind::Decision => "decision",
            MeetingEventKind::Changed => "changed",
            MeetingEventKind::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingEventKind> {
        MeetingEventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One event of a meeting, with its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum MeetingEvent {
    /// A shared note, or an opinion on an agenda item (`agenda_item`).
    Note {
        note_id: uuid::Uuid,
        agenda_item: Option<u32>,
        body: String,
    },
    /// An invitee answered the invitation (a guest's has no actor).
    Rsvp {
        invitee_id: InviteeId,
        name_ar: String,
        name_en: String,
        response: Rsvp,
    },
    /// An invitee is present.
    CheckedIn {
        invitee_id: InviteeId,
        name_ar: String,
        name_en: String,
    },
    VoteOpened {
        vote_id: VoteId,
        question: String,
        options: Vec<String>,
        ballot: Ballot,
        quorum: u32,
        closes_at: Option<DateTime<Utc>>,
    },
    /// A ballot was cast: how many have voted now. Never who, never what.
    Turnout {
        vote_id: VoteId,
        turnout: u32,
    },
    /// The vote closed, with its sealed result.
    VoteClosed {
        vote_id: VoteId,
        result: VoteResult,
    },
    MinutesApproved {
        sha256: String,
    },
    Decision {
        decision_id: DecisionId,
        text: String,
        vote_id: Option<VoteId>,
    },
    /// The organiser changed the meeting; its revision is `sequence`.
    Changed {
        title: String,
        starts_at: DateTime<Utc>,
        duration_minutes: u32,
        location: Option<String>,
        sequence: u32,
    },
    Cancelled {},
}

impl MeetingEvent {
    pub fn kind(&self) -> MeetingEventKind {
        match self {
            MeetingEvent::Note { .. } => MeetingEventKind::Note,
            MeetingEvent::Rsvp { .. } => MeetingEventKind::Rsvp,
            MeetingEvent::CheckedIn { .. } => MeetingEventKind::CheckedIn,
            MeetingEvent::VoteOpened { .. } => MeetingEventKind::VoteOpened,
            MeetingEvent::Turnout { .. } => MeetingEventKind::Turnout,
            MeetingEvent::VoteClosed { .. } => MeetingEventKind::VoteClosed,
            MeetingEvent::MinutesApproved { .. } => MeetingEventKind::MinutesApproved,
            MeetingEvent::Decision { .. } => MeetingEventKind::Decision,
            MeetingEvent::Changed { .. } => MeetingEventKind::Changed,
            MeetingEvent::Cancelled {} => MeetingEventKind::Cancelled,
        }
    }

    /// Its `data` object, as stored.
    pub fn data(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut o)) => match o.remove("data") {
                Some(Value::Object(d)) => d,
                _ => Map::new(),
            },
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_once_and_apart_from_transactions_kinds() {
        for k in MeetingEventKind::ALL {
            assert_eq!(MeetingEventKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert_eq!(crate::events::EventKind::parse(k.as_str()), None, "{k:?}");
        }
    }

    #[test]
    fn a_ballot_is_told_by_its_turnout_alone() {
        let e = MeetingEvent::Turnout { vote_id: VoteId::new(), turnout: 3 };
        let data = e.data();
        assert_eq!(e.kind(), MeetingEventKind::Turnout);
        let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["turnout", "vote_id"]);
    }
}
