//! Meetings and voting: the requests, parsed field by field, and the views.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::api::transactions::{ActorRef, parse_subject, parse_text, parse_time};
use crate::error::{ErrorCode, FieldErrors};
use crate::identity::{Email, Mobile, Name};
use crate::ids::{DecisionId, EntityId, InviteeId, MeetingId, UserId, VoteId};
use crate::meetings::{Ballot, Mode, Outcome, Rsvp, VoteResult};

pub const AGENDA_MAX: usize = 50;
pub const INVITEES_MAX: usize = 500;
pub const OPTIONS_MAX: usize = 20;
pub const ITEM_MAX: usize = 500;
pub const MINUTES_MAX: usize = 100_000;
/// The longest meeting: a day.
pub const DURATION_MAX: u32 = 24 * 60;

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InviteeRequest {
    /// An employee of the meeting's entity; or else an outside guest by name,
    /// with an e-mail address, a mobile number or both.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub employee_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    /// A guest's language for the invitation, `ar` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateMeetingRequest {
    #[schema(value_type = String, format = Uuid)]
    pub entity_id: String,
    pub title: String,
    #[serde(default)]
    pub agenda: Vec<String>,
    /// RFC 3339.
    pub starts_at: String,
    pub duration_minutes: u32,
    #[schema(value_type = Mode)]
    pub mode: String,
    /// A place, or a joining link for a remote meeting.
    #[serde(default)]
    pub location: Option<String>,
    pub invitees: Vec<InviteeRequest>,
}

/// Someone invited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewInvitee {
    Employee(UserId),
    Guest { name: Name, email: Option<Email>, mobile: Option<Mobile>, lang: Lang },
}

#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub entity_id: EntityId,
    pub title: String,
    pub agenda: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub mode: Mode,
    pub location: Option<String>,
    pub invitees: Vec<NewInvitee>,
}

impl InviteeRequest {
    fn parse(&self, at: &str, e: &mut FieldErrors) -> Option<NewInvitee> {
        if let Some(id) = &self.employee_id {
            if self.name.is_some() || self.email.is_some() || self.mobile.is_some() || self.lang.is_some() {
                e.push(format!("{at}.employee_id"), ErrorCode::InvalidField);
                return None;
            }
            return e
                .check(&format!("{at}.employee_id"), id.parse().map_err(|_| ErrorCode::InvalidField))
                .map(NewInvitee::Employee);
        }
        let name = match &self.name {
            Some(n) => e.check(&format!("{at}.name"), Name::parse(n)),
            None => {
                e.push(format!("{at}.name"), ErrorCode::MissingField);
                None
            }
        };
        let email = crate::api::optional(e, &format!("{at}.email"), self.email.as_deref(), Email::parse);
        let mobile = crate::api::optional(e, &format!("{at}.mobile"), self.mobile.as_deref(), Mobile::parse);
        let lang = crate::api::optional(e, &format!("{at}.lang"), self.lang.as_deref(), |l| {
            Lang::parse(l).ok_or(ErrorCode::InvalidChoice)
        });
        let (name, email, mobile, lang) = (name?, email?, mobile?, lang?);
        if email.is_none() && mobile.is_none() {
            e.push(format!("{at}.email"), ErrorCode::MissingField);
            return None;
        }
        Some(NewInvitee::Guest { name, email, mobile, lang: lang.unwrap_or_default() })
    }
}

/// An agenda: at most `AGENDA_MAX` items, each text as `parse_text` takes it.
fn parse_agenda(items: &[String], e: &mut FieldErrors) -> Option<Vec<String>> {
    if items.len() > AGENDA_MAX {
        e.push("agenda", ErrorCode::TooManyItems);
        return None;
    }
    let parsed: Vec<Option<String>> =
        items.iter().enumerate().map(|(i, a)| e.check(&format!("agenda[{i}]"), parse_text(a, ITEM_MAX))).collect();
    parsed.into_iter().collect()
}

/// A meeting's length: five minutes to a day.
fn parse_duration(minutes: u32) -> Result<u32, ErrorCode> {
    if (5..=DURATION_MAX).contains(&minutes) { Ok(minutes) } else { Err(ErrorCode::InvalidField) }
}

impl CreateMeetingRequest {
    pub fn parse(&self) -> Result<NewMeeting, FieldErrors> {
        let mut e = FieldErrors::default();
        let entity_id = e.check("entity_id", self.entity_id.parse::<EntityId>().map_err(|_| ErrorCode::UnknownEntity));
        let title = e.check("title", parse_subject(&self.title));
        let agenda = parse_agenda(&self.agenda, &mut e);
        let starts_at = e.check("starts_at", parse_time(&self.starts_at));
        let duration = e.check("duration_minutes", parse_duration(self.duration_minutes));
        let mode = e.check("mode", Mode::parse(&self.mode));
        let location = crate::api::optional(&mut e, "location", self.location.as_deref(), |l| parse_text(l, ITEM_MAX));
        let mut invitees = Some(Vec::with_capacity(self.invitees.len()));
        if self.invitees.is_empty() {
            e.push("invitees", ErrorCode::MissingField);
        } else if self.invitees.len() > INVITEES_MAX {
            e.push("invitees", ErrorCode::TooManyItems);
        }
        for (i, inv) in self.invitees.iter().enumerate() {
            match inv.parse(&format!("invitees[{i}]"), &mut e) {
                Some(n) => invitees.iter_mut().for_each(|v| v.push(n.clone())),
                None => invitees = None,
            }
        }
        let all = (|| {
            Some(NewMeeting {
                entity_id: entity_id?,
                title: title?,
                agenda: agenda?,
                starts_at: starts_at?,
                duration_minutes: duration?,
                mode: mode?,
                location: location?,
                invitees: invitees?,
            })
        })();
        e.finish(all)
    }
}

/// A change to a meeting: what is given replaces what it had.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeMeetingRequest {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub agenda: Option<Vec<String>>,
    /// RFC 3339.
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default)]
    #[schema(value_type = Option<Mode>)]
    pub mode: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingChanges {
    pub title: Option<String>,
    pub agenda: Option<Vec<String>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<u32>,
    pub mode: Option<Mode>,
    pub location: Option<String>,
}

impl ChangeMeetingRequest {
    pub fn parse(&self) -> Result<MeetingChanges, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = crate::api::optional(&mut e, "title", self.title.as_deref(), parse_subject);
        let agenda = match &self.agenda {
            None => Some(None),
            Some(items) => parse_agenda(items, &mut e).map(Some),
        };
        let starts_at = crate::api::optional(&mut e, "starts_at", self.starts_at.as_deref(), parse_time);
        let duration = match self.duration_minutes {
            None => Some(None),
            Some(d) => e.check("duration_minutes", parse_duration(d)).map(Some),
        };
        let mode = crate::api::optional(&mut e, "mode", self.mode.as_deref(), Mode::parse);
        let location = crate::api::optional(&mut e, "location", self.location.as_deref(), |l| parse_text(l, ITEM_MAX));
        let all = (|| {
            Some(MeetingChanges {
                title: title?,
                agenda: agenda?,
                starts_at: starts_at?,
                duration_minutes: duration?,
                mode: mode?,
                location: location?,
            })
        })();
        match e.finish(all) {
            Ok(c) if c == MeetingChanges::default() => {
                let mut e = FieldErrors::default();
                e.push("starts_at", ErrorCode::MissingField);
                Err(e)
            }
            other => other,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RsvpRequest {
    #[schema(value_type = Rsvp)]
    pub response: String,
}

impl RsvpRequest {
    pub fn parse(&self) -> Result<Rsvp, FieldErrors> {
        let mut e = FieldErrors::default();
        let r = e.check("response", Rsvp::parse(&self.response));
        e.finish(r)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoteRequest {
    pub body: String,
    /// The agenda item the note gives an opinion on, counted from 0.
    #[serde(default)]
    pub agenda_item: Option<u32>,
}

/// A note as parsed; its agenda item is checked against the meeting's agenda.
#[derive(Debug, Clone)]
pub struct NewNote {
    pub body: String,
    pub agenda_item: Option<u32>,
}

impl NoteRequest {
    pub fn parse(&self) -> Result<NewNote, FieldErrors> {
        let mut e = FieldErrors::default();
        let body = e.check("body", parse_text(&self.body, crate::api::transactions::BODY_MAX));
        e.finish(body.map(|body| NewNote { body, agenda_item: self.agenda_item }))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MinutesRequest {
    pub body: String,
}

impl MinutesRequest {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        let body = e.check("body", parse_text(&self.body, MINUTES_MAX));
        e.finish(body)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    pub text: String,
    /// The vote of this meeting that made the decision.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub vote_id: Option<String>,
}

impl DecisionRequest {
    pub fn parse(&self) -> Result<(String, Option<VoteId>), FieldErrors> {
        let mut e = FieldErrors::default();
        let text = e.check("text", parse_text(&self.text, crate::api::transactions::BODY_MAX));
        let vote = crate::api::optional(&mut e, "vote_id", self.vote_id.as_deref(), |v| {
            v.parse::<VoteId>().map_err(|_| ErrorCode::InvalidField)
        });
        e.finish((|| Some((text?, vote?)))())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateVoteRequest {
    pub question: String,
    pub options: Vec<String>,
    #[schema(value_type = Ballot)]
    pub ballot: String,
    /// How many eligible voters must be present for the vote to decide.
    pub quorum: u32,
    /// RFC 3339; without it the organiser closes the vote.
    #[serde(default)]
    pub closes_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewVote {
    pub question: String,
    pub options: Vec<String>,
    pub ballot: Ballot,
    pub quorum: u32,
    pub closes_at: Option<DateTime<Utc>>,
}

impl CreateVoteRequest {
    /// Parses the request; `now` is when it is made (a closing time must be later).
    pub fn parse(&self, now: DateTime<Utc>) -> Result<NewVote, FieldErrors> {
        let mut e = FieldErrors::default();
        let question = e.check("question", parse_subject(&self.question));
        let mut options = Some(Vec::with_capacity(self.options.len()));
        if self.options.len() < 2 {
            e.push("options", ErrorCode::MissingField);
            options = None;
        } else if self.options.len() > OPTIONS_MAX {
            e.push("options", ErrorCode::TooManyItems);
            options = None;
        }
        for (i, o) in self.options.iter().enumerate() {
            let field = format!("options[{i}]");
            match e.check(&field, parse_subject(o)) {
                Some(t) if options.as_ref().is_some_and(|v: &Vec<String>| v.contains(&t)) => {
                    e.push(field, ErrorCode::InvalidField);
                    options = None;
                }
                Some(t) => options.iter_mut().for_each(|v| v.push(t.clone())),
                None => options = None,
            }
        }
        let ballot = e.check("ballot", Ballot::parse(&self.ballot));
        let quorum = e.check("quorum", if self.quorum >= 1 { Ok(self.quorum) } else { Err(ErrorCode::InvalidField) });
        let closes_at = crate::api::optional(&mut e, "closes_at", self.closes_at.as_deref(), |c| {
            parse_time(c).and_then(|t| if t > now { Ok(t) } else { Err(ErrorCode::InvalidField) })
        });
        let all = (|| {
            Some(NewVote {
                question: question?,
                options: options?,
                ballot: ballot?,
                quorum: quorum?,
                closes_at: closes_at?,
            })
        })();
        e.finish(all)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BallotRequest {
    pub option_index: u32,
}

/// Someone invited, as the meeting shows them. A guest's address and number
/// stay with the invitation; they are not shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InviteeView {
    pub id: InviteeId,
    /// Set for an employee; a guest has none.
    pub user_id: Option<UserId>,
    pub name_ar: String,
    pub name_en: String,
    pub guest: bool,
    pub rsvp: Option<Rsvp>,
    pub rsvp_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// A shared note, or an opinion on an agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: uuid::Uuid,
    pub author: ActorRef,
    pub agenda_item: Option<u32>,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MinutesStatus {
    Draft,
    Approved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MinutesView {
    pub body: String,
    pub status: MinutesStatus,
    /// SHA-256 of the approved text, as entered in the audit chain.
    pub sha256: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// One voter's open ballot (secret ballots have none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpenBallotView {
    pub voter: ActorRef,
    pub option_index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoteStatus {
    Open,
    Closed,
}

/// A vote. While open it shows the turnout only; closed, its result, and an
/// open ballot who chose what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VoteView {
    pub id: VoteId,
    pub meeting_id: MeetingId,
    pub question: String,
    pub options: Vec<String>,
    pub ballot: Ballot,
    pub quorum: u32,
    pub closes_at: Option<DateTime<Utc>>,
    pub status: VoteStatus,
    pub turnout: u32,
    pub closed_at: Option<DateTime<Utc>>,
    pub result: Option<VoteResult>,
    pub ballots: Option<Vec<OpenBallotView>>,
    pub created_at: DateTime<Utc>,
}

/// What a ballot is answered with: that it counted, and nothing of the choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BallotReceipt {
    pub vote_id: VoteId,
    pub turnout: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    pub meeting_title: String,
    pub text: String,
    pub vote_id: Option<VoteId>,
    /// The outcome of the vote that made it, when it has one.
    pub outcome: Option<Outcome>,
    pub decided_at: DateTime<Utc>,
}

/// A meeting as an outside guest sees it through their signed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GuestMeetingView {
    pub meeting_id: MeetingId,
    pub title: String,
    pub agenda: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub mode: Mode,
    pub location: Option<String>,
    pub organiser_ar: String,
    pub organiser_en: String,
    pub cancelled: bool,
    /// The guest's own name, as invited.
    pub name: String,
    pub rsvp: Option<Rsvp>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: MeetingId,
    pub entity_id: EntityId,
    pub title: String,
    pub agenda: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub mode: Mode,
    pub location: Option<String>,
    pub organiser: ActorRef,
    pub cancelled: bool,
    pub invitees: Vec<InviteeView>,
    pub notes: Vec<NoteView>,
    pub minutes: Option<MinutesView>,
    pub votes: Vec<VoteView>,
    pub decisions: Vec<DecisionView>,
    pub created_at: DateTime<Utc>,
    /// The seq of the latest event of `meeting:<id>` this view includes: where
    /// a client subscribing after it resumes (`after_seq`).
    pub last_seq: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CreateMeetingRequest {
        CreateMeetingRequest {
            entity_id: uuid::Uuid::now_v7().to_string(),
            title: "اجتماع لجنة المشتريات".into(),
            agenda: vec!["اعتماد العروض".into()],
            starts_at: "2026-12-06T10:00:00+03:00".into(),
            duration_minutes: 60,
            mode: "hybrid".into(),
            location: Some("قاعة ١".into()),
            invitees: vec![
                InviteeRequest { employee_id: Some(uuid::Uuid::now_v7().to_string()), ..Default::default() },
                InviteeRequest {
                    name: Some("سارة العتيبي".into()),
                    email: Some("sara@example.com".into()),
                    ..Default::default()
                },
            ],
        }
    }

    #[test]
    fn a_meeting_request_parses_with_its_times_in_utc() {
        let m = request().parse().unwrap();
        assert_eq!(m.starts_at.to_rfc3339(), "2026-12-06T07:00:00+00:00");
        assert_eq!(m.mode, Mode::Hybrid);
        assert!(matches!(m.invitees[1], NewInvitee::Guest { ref email, .. } if email.is_some()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = request();
        r.duration_minutes = 0;
        r.mode = "telepathy".into();
        r.agenda.push(" ".into());
        r.invitees.push(InviteeRequest { name: Some("ضيف".into()), ..Default::default() });
        r.invitees.push(InviteeRequest {
            employee_id: Some(uuid::Uuid::now_v7().to_string()),
            email: Some("a@b.co".into()),
            ..Default::default()
        });
        let e = r.parse().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["agenda[1]", "duration_minutes", "mode", "invitees[2].email", "invitees[3].employee_id"],
            "{e:?}"
        );
        let mut none = request();
        none.invitees.clear();
        assert_eq!(none.parse().unwrap_err().0[0].field, "invitees");
    }

    #[test]
    fn a_vote_needs_two_distinct_options_a_quorum_and_a_closing_time_to_come() {
        let now = "2026-12-06T07:00:00Z".parse().unwrap();
        let v = CreateVoteRequest {
            question: "هل نعتمد العرض الأول؟".into(),
            options: vec!["نعم".into(), "لا".into()],
            ballot: "secret".into(),
            quorum: 2,
            closes_at: Some("2026-12-06T08:00:00Z".into()),
        };
        assert_eq!(v.parse(now).unwrap().ballot, Ballot::Secret);
        let bad = CreateVoteRequest {
            options: vec!["نعم".into(), "نعم".into()],
            quorum: 0,
            closes_at: Some("2026-12-06T06:00:00Z".into()),
            ..v
        };
        let fields: Vec<String> = bad.parse(now).unwrap_err().0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["options[1]", "quorum", "closes_at"]);
    }
}

/// One event of a meeting's log, as `meeting:<id>` carries it: the shape of a
/// timeline event, without a visibility (whoever may see the meeting sees
/// all of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingEventView {
    pub seq: u32,
    pub kind: crate::meeting_log::MeetingEventKind,
    pub at: DateTime<Utc>,
    /// `null` for the platform (a vote closed at its time), a guest and a ballot.
    pub actor: Option<ActorRef>,
    /// What the event carries (`crate::meeting_log::MeetingEvent`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub data: serde_json::Map<String, serde_json::Value>,
}
