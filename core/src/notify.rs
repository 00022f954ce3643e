//! Who hears of what, by which channel. An event of a transaction's log
//! becomes notices to the people on it (never to the one who acted, except
//! the receipt of a new transaction), and a person's preferences choose the
//! channels. An internal event never notifies a beneficiary, and no notice
//! carries what anyone wrote inside the entity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::events::{Assigned, Event};
use crate::ids::UserId;
use crate::visibility::{TransactionFacts, Visibility};
use crate::workflow::Status;

/// What a notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The beneficiary's receipt: the reference number to quote.
    TransactionCreated,
    /// A transaction was given to the employee.
    Assigned,
    /// A new transaction waits in the department's queue with nobody to take it.
    QueuedUnassigned,
    /// Someone on the other side wrote, sent a document or a voice note.
    ExternalReply,
    AwaitingBeneficiary,
    Postponed,
    Resumed,
    Completed,
    Rejected,
    Reopened,
    /// After closing: an invitation to rate.
    PleaseRate,
    /// 80 % of a target's working time has passed.
    SlaWarning,
    /// A target's working time has passed.
    SlaBreached,
    /// The SLA monitor took a transaction from its holder, or calls the
    /// supervisors in.
    Escalated,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 14] = [
        NoticeKind::TransactionCreated,
        NoticeKind::Assigned,
        NoticeKind::QueuedUnassigned,
        NoticeKind::ExternalReply,
        NoticeKind::AwaitingBeneficiary,
        NoticeKind::Postponed,
        NoticeKind::Resumed,
        NoticeKind::Completed,
        NoticeKind::Rejected,
        NoticeKind::Reopened,
        NoticeKind::PleaseRate,
        NoticeKind::SlaWarning,
        NoticeKind::SlaBreached,
        NoticeKind::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::TransactionCreated => "transaction_created",
            NoticeKind::Assigned => "assigned",
            NoticeKind::QueuedUnassigned => "queued_unassigned",
            NoticeKind::ExternalReply => "external_reply",
            NoticeKind::AwaitingBeneficiary => "awaiting_beneficiary",
            NoticeKind::Postponed => "postponed",
            NoticeKind::Resumed => "resumed",
            NoticeKind::Completed => "completed",
            NoticeKind::Rejected => "rejected",
            NoticeKind::Reopened => "reopened",
            NoticeKind::PleaseRate => "please_rate",
            NoticeKind::SlaWarning => "sla_warning",
            NoticeKind::SlaBreached => "sla_breached",
            NoticeKind::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl NoticeKind {
    /// Whether a beneficiary (`staff` false) or a member of staff can be
    /// sent this kind of notice at all, by `notices` below: the kinds a
    /// person's preferences offer them.
    pub fn heard_by(self, staff: bool) -> bool {
        use NoticeKind::*;
        match self {
            Assigned | QueuedUnassigned | SlaWarning | SlaBreached | Escalated => staff,
            ExternalReply | Reopened => true,
            TransactionCreated | AwaitingBeneficiary | Postponed | Resumed | Completed | Rejected | PleaseRate => {
                !staff
            }
        }
    }
}

/// Who on the transaction a notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Person(UserId),
    /// The supervisors of the transaction's department (those who may assign there).
    DepartmentSupervisors,
}

/// The notices an event gives. `facts` are the transaction's after the event.
pub fn notices(
    event: &Event,
    visibility: Visibility,
    actor: Option<UserId>,
    facts: &TransactionFacts,
) -> Vec<(Recipient, NoticeKind)> {
    let beneficiary = facts.beneficiary_id;
    let mut out = Vec::with_capacity(2);
    let mut to = |who: Option<UserId>, kind: NoticeKind| {
        if let Some(w) = who.filter(|w| Some(*w) != actor) {
            out.push((Recipient::Person(w), kind));
        }
    };
    match event {
        // The receipt goes to the one who opened it: it carries the number.
        Event::Created(_) => out.push((Recipient::Person(beneficiary), NoticeKind::TransactionCreated)),
        Event::Assigned(Assigned { assignee: Some(a), .. }) => to(Some(*a), NoticeKind::Assigned),
        Event::Assigned(Assigned { assignee: None, .. }) => {
            out.push((Recipient::DepartmentSupervisors, NoticeKind::QueuedUnassigned));
        }
        Event::Comment(_) | Event::Attachment(_) | Event::Voice(_) => {
            if visibility == Visibility::External {
                let other_side = if actor == Some(beneficiary) { facts.assignee_id } else { Some(beneficiary) };
                to(other_side, NoticeKind::ExternalReply);
            }
        }
        Event::StatusChanged(s) => match s.to {
            Status::AwaitingBeneficiary => to(Some(beneficiary), NoticeKind::AwaitingBeneficiary),
            Status::Postponed => to(Some(beneficiary), NoticeKind::Postponed),
            Status::InProgress if s.from == Status::Postponed => to(Some(beneficiary), NoticeKind::Resumed),
            Status::Completed | Status::Rejected => {
                let kind = if s.to == Status::Completed { NoticeKind::Completed } else { NoticeKind::Rejected };
                to(Some(beneficiary), kind);
                to(Some(beneficiary), NoticeKind::PleaseRate);
            }
            Status::Reopened => {
                to(facts.assignee_id, NoticeKind::Reopened);
                to(Some(beneficiary), NoticeKind::Reopened);
            }
            _ => {}
        },
        Event::Rated(_) => {}
        // The holder and the supervisors hear of a target about to fall or
        // fallen; of an escalation, the supervisors (a new holder hears of
        // the assignment that follows it).
        Event::SlaWarning(m) | Event::SlaBreached(m) => {
            let kind =
                if matches!(event, Event::SlaWarning(_)) { NoticeKind::SlaWarning } else { NoticeKind::SlaBreached };
            to(m.assignee, kind);
            out.push((Recipient::DepartmentSupervisors, kind));
        }
        Event::Escalated(_) => out.push((Recipient::DepartmentSupervisors, NoticeKind::Escalated)),
    }
    // Belt and braces: whatever the rules above say, a beneficiary hears of
    // nothing internal.
    if visibility == Visibility::Internal {
        out.retain(|(r, _)| *r != Recipient::Person(beneficiary));
    }
    out
}

/// The notices of one action's events (one command writes one to three):
/// one message per person, the most specific — asking the beneficiary for
/// something writes a comment and a status change, and they hear "waiting for
/// you", not also "new reply". Each notice keeps the index of its event.
pub fn notices_of_action(
    events: &[(&Event, Visibility, Option<UserId>)],
    facts: &TransactionFacts,
) -> Vec<(usize, Recipient, NoticeKind)> {
    let all: Vec<(usize, Recipient, NoticeKind)> = events
        .iter()
        .enumerate()
        .flat_map(|(i, (e, v, actor))| notices(e, *v, *actor, facts).into_iter().map(move |(r, k)| (i, r, k)))
        .collect();
    all.iter()
        .filter(|(_, r, k)| {
            *k != NoticeKind::ExternalReply
                || !all.iter().any(|(_, r2, k2)| r2 == r && *k2 != NoticeKind::ExternalReply)
        })
        .cloned()
        .collect()
}

/// How a notice reaches someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    InApp,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::InApp];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::InApp => "in_app",
        }
    }
}

/// The channels that are on at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    pub email: bool,
    pub sms: bool,
    pub in_app: bool,
}

impl Channels {
    pub fn has(&self, c: Channel) -> bool {
        match c {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::InApp => self.in_app,
        }
    }
}

/// A person's notification preferences (API.md `/me/notification-preferences`):
/// channels on or off, and per kind of notice the channels it goes by. A kind
/// not listed goes by every channel that is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    pub channels: Channels,
    #[serde(default)]
    pub events: BTreeMap<NoticeKind, Vec<Channel>>,
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences { channels: Channels { email: true, sms: true, in_app: true }, events: BTreeMap::new() }
    }
}

impl Preferences {
    /// The channels this notice goes by. The SMS carrying a new transaction's
    /// number is always sent, whatever the preferences say.
    pub fn channels_for(&self, kind: NoticeKind) -> Vec<Channel> {
        let mut chosen: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|c| self.channels.has(*c))
            .filter(|c| self.events.get(&kind).is_none_or(|listed| listed.contains(c)))
            .collect();
        if kind == NoticeKind::TransactionCreated && !chosen.contains(&Channel::Sms) {
            chosen.push(Channel::Sms);
        }
        chosen
    }
}

/// How many SMS segments a text takes: GSM 7-bit when every character is in
/// its basic set (160, or 153 per part when split), UCS-2 otherwise — any
/// Arabic letter makes it 70, or 67 per part.
pub fn sms_segments(text: &str) -> u32 {
    const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    let gsm = text.chars().all(|c| GSM_BASIC.contains(c));
    let units = if gsm { text.chars().count() } else { text.encode_utf16().count() };
    let (single, part) = if gsm { (160, 153) } else { (70, 67) };
    if units == 0 {
        0
    } else if units <= single {
        1
    } else {
        units.div_ceil(part) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{AssignReason, Assignment, Comment, Created, StatusChanged};
    use crate::ids::{DepartmentId, EntityId};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn user(n: u128) -> UserId {
        UserId(Uuid::from_u128(n))
    }

    fn facts() -> TransactionFacts {
        TransactionFacts {
            entity_id: EntityId(Uuid::from_u128(1)),
            department_id: DepartmentId(Uuid::from_u128(2)),
            beneficiary_id: user(10),
            assignee_id: Some(user(20)),
        }
    }

    fn status(from: Status, to: Status) -> Event {
        Event::StatusChanged(StatusChanged::new(from, to))
    }

    #[test]
    fn who_hears_of_what() {
        let (ben, emp, sup) = (user(10), user(20), user(30));
        let f = facts();
        let p = Recipient::Person;
        let created = Event::Created(Created { subject: "s".into(), body: "b".into(), reference: "1448/1".into() });
        assert_eq!(
            notices(&created, Visibility::External, Some(ben), &f),
            vec![(p(ben), NoticeKind::TransactionCreated)]
        );
        let routed = Event::Assigned(Assigned { assignee: Some(emp), reason: AssignReason::Said(Assignment::Manual) });
        assert_eq!(notices(&routed, Visibility::Internal, Some(sup), &f), vec![(p(emp), NoticeKind::Assigned)]);
        let queued = Event::Assigned(Assigned { assignee: None, reason: AssignReason::Said(Assignment::Queued) });
        assert_eq!(
            notices(&queued, Visibility::Internal, None, &f),
            vec![(Recipient::DepartmentSupervisors, NoticeKind::QueuedUnassigned)]
        );
        let comment = Event::Comment(Comment { body: "x".into() });
        assert_eq!(notices(&comment, Visibility::External, Some(emp), &f), vec![(p(ben), NoticeKind::ExternalReply)]);
        assert_eq!(notices(&comment, Visibility::External, Some(ben), &f), vec![(p(emp), NoticeKind::ExternalReply)]);
        assert!(notices(&comment, Visibility::Internal, Some(sup), &f).is_empty(), "an internal note notifies nobody");
        let done = status(Status::InProgress, Status::Completed);
        assert_eq!(
            notices(&done, Visibility::External, Some(emp), &f),
            vec![(p(ben), NoticeKind::Completed), (p(ben), NoticeKind::PleaseRate)]
        );
        let resumed = status(Status::Postponed, Status::InProgress);
        assert_eq!(notices(&resumed, Visibility::External, None, &f), vec![(p(ben), NoticeKind::Resumed)]);
        let started = status(Status::Assigned, Status::InProgress);
        assert!(notices(&started, Visibility::External, Some(emp), &f).is_empty(), "starting work is no news");
        let reopened = status(Status::Completed, Status::Reopened);
        assert_eq!(notices(&reopened, Visibility::External, Some(ben), &f), vec![(p(emp), NoticeKind::Reopened)]);
    }

    proptest! {
        /// Whatever the event and whoever acted, an internal event never
        /// notifies the beneficiary, and nobody is told of their own action
        /// but the receipt of the transaction they opened.
        #[test]
        fn internal_never_reaches_the_beneficiary(kind in 0usize..4, actor in 0u128..4, from in 0usize..8, to in 0usize..8) {
            let f = facts();
            let event = match kind {
                0 => Event::Comment(Comment { body: "secret".into() }),
                1 => status(Status::ALL[from], Status::ALL[to]),
                2 => Event::Assigned(Assigned { assignee: Some(user(10)), reason: AssignReason::Said(Assignment::Manual) }),
                _ => Event::Assigned(Assigned { assignee: None, reason: AssignReason::Said(Assignment::Queued) }),
            };
            let actor = [None, Some(user(10)), Some(user(20)), Some(user(30))][actor as usize];
            for (r, k) in notices(&event, Visibility::Internal, actor, &f) {
                prop_assert_ne!(r, Recipient::Person(f.beneficiary_id), "{:?}", k);
            }
            for (r, k) in notices(&event, Visibility::External, actor, &f) {
                prop_assert!(actor.is_none() || r != Recipient::Person(actor.unwrap()) || k == NoticeKind::TransactionCreated);
            }
        }

        /// The kinds a person's preferences offer are every kind they can be
        /// sent: `heard_by` and `notices` say the same.
        #[test]
        fn preferences_offer_every_kind_a_person_is_sent(kind in 0usize..6, actor in 0u128..4, from in 0usize..8, to in 0usize..8) {
            let f = facts();
            let event = match kind {
                0 => Event::Comment(Comment { body: "رد".into() }),
                1 => status(Status::ALL[from], Status::ALL[to]),
                2 => Event::Assigned(Assigned { assignee: Some(user(20)), reason: AssignReason::Said(Assignment::Manual) }),
                3 => Event::Assigned(Assigned { assignee: None, reason: AssignReason::Said(Assignment::Queued) }),
                4 => Event::Created(Created { subject: "s".into(), body: "b".into(), reference: "1448/1".into() }),
                _ => Event::Comment(Comment { body: "ملاحظة".into() }),
            };
            let actor = [None, Some(user(10)), Some(user(20)), Some(user(30))][actor as usize];
            for (r, k) in notices(&event, Visibility::External, actor, &f) {
                let staff = r != Recipient::Person(f.beneficiary_id);
                prop_assert!(k.heard_by(staff), "{:?} sent to {} but not offered", k, if staff { "staff" } else { "the beneficiary" });
            }
        }
    }

    #[test]
    fn one_action_one_message_per_person() {
        let f = facts();
        let (ben, emp) = (user(10), user(20));
        let ask = Event::Comment(Comment { body: "أرسل الهوية".into() });
        let waiting = status(Status::InProgress, Status::AwaitingBeneficiary);
        let action = [(&ask, Visibility::External, Some(emp)), (&waiting, Visibility::External, Some(emp))];
        assert_eq!(notices_of_action(&action, &f), vec![(1, Recipient::Person(ben), NoticeKind::AwaitingBeneficiary)]);
        // A reply that also starts the work is just a reply.
        let started = status(Status::Assigned, Status::InProgress);
        let reply = Event::Comment(Comment { body: "نعمل عليه".into() });
        let action = [(&reply, Visibility::External, Some(emp)), (&started, Visibility::External, Some(emp))];
        assert_eq!(notices_of_action(&action, &f), vec![(0, Recipient::Person(ben), NoticeKind::ExternalReply)]);
    }

    #[test]
    fn preferences_choose_channels_but_the_receipt_sms_always_goes() {
        let mut p = Preferences::default();
        assert_eq!(p.channels_for(NoticeKind::Completed), vec![Channel::Email, Channel::Sms, Channel::InApp]);
        p.channels.sms = false;
        p.events.insert(NoticeKind::Completed, vec![Channel::Email]);
        assert_eq!(p.channels_for(NoticeKind::Completed), vec![Channel::Email]);
        assert_eq!(p.channels_for(NoticeKind::Postponed), vec![Channel::Email, Channel::InApp]);
        assert_eq!(p.channels_for(NoticeKind::TransactionCreated), vec![Channel::Email, Channel::InApp, Channel::Sms]);
        let json = serde_json::json!({"channels": {"email": true, "sms": false, "in_app": true}, "events": {"completed": ["email"]}});
        assert_eq!(
            serde_json::from_value::<Preferences>(json).unwrap().events[&NoticeKind::Completed],
            vec![Channel::Email]
        );
        let unknown =
            serde_json::json!({"channels": {"email": true, "sms": false, "in_app": true}, "events": {"exploded": []}});
        assert!(serde_json::from_value::<Preferences>(unknown).is_err());
    }

    #[test]
    fn sms_segments_are_counted_in_the_right_alphabet() {
        assert_eq!(sms_segments(""), 0);
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
        assert_eq!(sms_segments(&"ب".repeat(70)), 1);
        assert_eq!(sms_segments(&"ب".repeat(71)), 2);
        assert_eq!(sms_segments(&"ب".repeat(134)), 2);
        assert_eq!(sms_segments(&"ب".repeat(135)), 3);
        assert_eq!(sms_segments("Ref 1448/000123 ب"), 1, "one Arabic letter makes it UCS-2");
    }
}
