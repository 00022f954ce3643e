//! Meetings, their minutes, decisions and votes: the rules. Who may see a
//! meeting and take each step in it, when one may check in, who may vote, and
//! what a closed vote decided. It reads and writes nothing; the use cases ask
//! it before they write.
//!
//! A meeting is seen by its organiser, its invitees and the supervisors and
//! admins of its entity; to anyone else it does not exist (404). Steps:
//! - RSVP: an invitee, until the meeting ends;
//! - check-in: an invitee, from `CHECK_IN_EARLY` before the start to the end;
//! - notes and opinions: the organiser and the invitees who checked in, until
//!   the minutes are sealed;
//! - minutes, decisions, votes: the organiser; approved minutes are sealed;
//! - changing or cancelling it: the organiser, until it ends;
//! - a ballot: an invitee who checked in and holds `meeting.vote`, once, while
//!   the vote is open.
//!
//! Approved minutes and decisions are found in the archive by those who may
//! see their meeting and by the regulators whose remit covers its entity
//! (`minutes_reach`).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::ids::{EntityId, InviteeId, UserId};
use crate::org::{Actor, Remit, Standing};
use crate::permissions::{Permission, StaffRole};

/// How early before the start an invitee may check in.
pub const CHECK_IN_EARLY: Duration = Duration::minutes(15);

/// How long before the start the invitees are reminded.
pub const REMINDER_BEFORE: Duration = Duration::minutes(30);

macro_rules! named_choice {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Its stored and sent name; keep them.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(s: &str) -> Result<$name, ErrorCode> {
                match s { $($text => Ok($name::$variant),)* _ => Err(ErrorCode::InvalidChoice) }
            }
        }
    };
}

named_choice!(
    /// Where a meeting is held.
    Mode { Remote => "remote", InPerson => "in_person", Hybrid => "hybrid" }
);

named_choice!(
    /// An invitee's answer to the invitation.
    Rsvp { Accepted => "accepted", Declined => "declined", Tentative => "tentative" }
);

named_choice!(
    /// Whether a vote shows who chose what.
    Ballot { Open => "open", Secret => "secret" }
);

/// A meeting as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFacts {
    pub entity_id: EntityId,
    pub organiser_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub cancelled: bool,
    /// Its minutes were approved.
    pub sealed: bool,
}

impl MeetingFacts {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(i64::from(self.duration_minutes))
    }

    /// Whether `at` falls inside the check-in window.
    pub fn open_for_check_in(&self, at: DateTime<Utc>) -> bool {
        self.starts_at - CHECK_IN_EARLY <= at && at <= self.ends_at()
    }
}

/// Where a person stands in one meeting: their invitation, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub invitee: Option<InviteeId>,
    pub checked_in: bool,
}

/// A step in a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    View,
    Rsvp,
    CheckIn,
    Note,
    EditMinutes,
    ApproveMinutes,
    Decide,
    CreateVote,
    CloseVote,
    Cast,
    /// Change the time, place or agenda.
    Change,
    Cancel,
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The person may not see the meeting at all: answered as if it did not exist.
    #[error("not found")]
    Unseen,
    #[error("not allowed")]
    Denied,
    #[error("outside the meeting's window")]
    OutsideWindow,
    #[error("cancelled")]
    Cancelled,
    #[error("the minutes are sealed")]
    Sealed,
    /// A ballot from someone who did not check in or holds no `meeting.vote`.
    #[error("not eligible to vote")]
    NotEligible,
}

impl Refusal {
    pub fn code(self) -> ErrorCode {
        match self {
            Refusal::Unseen => ErrorCode::NotFound,
            Refusal::Denied => ErrorCode::Forbidden,
            Refusal::OutsideWindow => ErrorCode::MeetingOutsideWindow,
            Refusal::Cancelled => ErrorCode::MeetingCancelled,
            Refusal::Sealed => ErrorCode::MinutesSealed,
            Refusal::NotEligible => ErrorCode::VoteNotEligible,
        }
    }
}

/// Whether `actor` may see the meeting: its organiser, an invitee, or a
/// supervisor or admin of its entity.
pub fn can_view(actor: &Actor, m: &MeetingFacts, place: &Place) -> bool {
    if actor.user_id == m.organiser_id || place.invitee.is_some() {
        return true;
    }
    match &actor.standing {
        Standing::Staff(s) => {
            s.active && s.entity_id == m.entity_id && matches!(s.role, StaffRole::Supervisor | StaffRole::Admin)
        }
        _ => false,
    }
}

/// Whose approved minutes and decisions someone may find in the archive:
/// those of the meetings they organised or were invited to (`user`), and
/// every meeting of the entities in `entities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesReach {
    pub user: UserId,
    pub entities: EntityReach,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityReach {
    All,
    Only(Vec<EntityId>),
}

/// The archive's reach into meetings: `can_view`'s people (the organiser and
/// invitees, the supervisors and admins of the entity), and regulators in
/// remit and the platform's admins, who oversee the entities.
pub fn minutes_reach(actor: &Actor) -> MinutesReach {
    let entities = match &actor.standing {
        Standing::Staff(s) if s.active && matches!(s.role, StaffRole::Supervisor | StaffRole::Admin) => {
            EntityReach::Only(vec![s.entity_id])
        }
        Standing::Regulator(Remit::All) | Standing::PlatformAdmin => EntityReach::All,
        Standing::Regulator(Remit::Entities(ids)) => EntityReach::Only(ids.clone()),
        Standing::Staff(_) | Standing::Beneficiary => EntityReach::Only(vec![]),
    };
    MinutesReach { user: actor.user_id, entities }
}

impl MinutesReach {
    /// Whether the minutes of a meeting of `entity` whose organiser and
    /// invited employees are `people` are within reach.
    pub fn covers(&self, entity: EntityId, people: &[UserId]) -> bool {
        people.contains(&self.user)
            || match &self.entities {
                EntityReach::All => true,
                EntityReach::Only(ids) => ids.contains(&entity),
            }
    }
}

/// Whether `actor` may create a meeting of `entity`: an active employee of it
/// holding `meeting.create`.
pub fn may_create(actor: &Actor, entity: EntityId) -> Result<(), Refusal> {
    match &actor.standing {
        Standing::Staff(s)
            if s.active && s.entity_id == entity && s.permissions.contains(Permission::MeetingCreate) =>
        {
            Ok(())
        }
        _ => Err(Refusal::Denied),
    }
}

/// Whether `actor` keeps a calendar (meetings, due dates, reminders): an
/// active employee.
pub fn keeps_calendar(actor: &Actor) -> bool {
    actor.staff().is_some_and(|s| s.active)
}

/// Whether `actor` may read `entity`'s register of decisions: its staff and
/// the regulators whose remit covers it.
pub fn may_read_register(actor: &Actor, entity: EntityId) -> bool {
    match &actor.standing {
        Standing::Staff(s) => s.active && s.entity_id == entity,
        Standing::Regulator(remit) => remit.covers(entity),
        Standing::PlatformAdmin => true,
        Standing::Beneficiary => false,
    }
}

/// Whether `actor`, standing at `place`, may take `step` in the meeting at `now`.
pub fn may(actor: &Actor, m: &MeetingFacts, place: &Place, step: Step, now: DateTime<Utc>) -> Result<(), Refusal> {
    if !can_view(actor, m, place) {
        return Err(Refusal::Unseen);
    }
    let organiser = actor.user_id == m.organiser_id && actor.staff().is_some_and(|s| s.active);
    let cancelled = || if m.cancelled { Err(Refusal::Cancelled) } else { Ok(()) };
    match step {
        Step::View => Ok(()),
        Step::Rsvp | Step::CheckIn => {
            place.invitee.ok_or(Refusal::Denied)?;
            invitee_step(m, step, now)
        }
        Step::Note => {
            if !organiser && !place.checked_in {
                return Err(Refusal::Denied);
            }
            cancelled()?;
            if m.sealed {
                return Err(Refusal::Sealed);
            }
            if now < m.starts_at - CHECK_IN_EARLY { Err(Refusal::OutsideWindow) } else { Ok(()) }
        }
        Step::EditMinutes | Step::ApproveMinutes => {
            if !organiser {
                return Err(Refusal::Denied);
            }
            cancelled()?;
            if m.sealed { Err(Refusal::Sealed) } else { Ok(()) }
        }
        Step::Decide | Step::CreateVote | Step::CloseVote => {
            if !organiser {
                return Err(Refusal::Denied);
            }
            cancelled()
        }
        Step::Change | Step::Cancel => {
            if !organiser {
                return Err(Refusal::Denied);
            }
            cancelled()?;
            // What has been held is on record: its minutes, not its invitation, change.
            if now > m.ends_at() { Err(Refusal::OutsideWindow) } else { Ok(()) }
        }
        Step::Cast => {
            cancelled()?;
            let holds = actor.staff().is_some_and(|s| s.active && s.permissions.contains(Permission::MeetingVote));
            if place.checked_in && holds { Ok(()) } else { Err(Refusal::NotEligible) }
        }
    }
}

/// An invitee's own steps, RSVP until the end and check-in inside the window.
fn invitee_step(m: &MeetingFacts, step: Step, now: DateTime<Utc>) -> Result<(), Refusal> {
    if m.cancelled {
        return Err(Refusal::Cancelled);
    }
    let open = match step {
        Step::Rsvp => now <= m.ends_at(),
        _ => m.open_for_check_in(now),
    };
    if open { Ok(()) } else { Err(Refusal::OutsideWindow) }
}

/// Whether an outside guest, by their signed link (which is their
/// invitation), may take `step`: see the meeting, RSVP and check in, on an
/// employee invitee's terms. Notes, ballots and the rest need an account.
pub fn may_as_guest(m: &MeetingFacts, step: Step, now: DateTime<Utc>) -> Result<(), Refusal> {
    match step {
        Step::View => Ok(()),
        Step::Rsvp | Step::CheckIn => invitee_step(m, step, now),
        _ => Err(Refusal::Denied),
    }
}

/// A vote as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteFacts {
    pub options: usize,
    pub ballot: Ballot,
    pub quorum: u32,
    pub closes_at: Option<DateTime<Utc>>,
    pub closed: bool,
}

impl VoteFacts {
    /// Whether ballots are taken at `now`: not closed by hand, and its closing
    /// time, if set, not reached.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        !self.closed && self.closes_at.is_none_or(|c| now < c)
    }
}

/// Why a ballot was refused, beyond who casts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotRefusal {
    Closed,
    NoSuchOption,
}

/// Checks a ballot for `option_index` against the vote at `now`.
pub fn check_ballot(v: &VoteFacts, option_index: usize, now: DateTime<Utc>) -> Result<(), BallotRefusal> {
    if !v.is_open(now) {
        return Err(BallotRefusal::Closed);
    }
    if option_index >= v.options {
        return Err(BallotRefusal::NoSuchOption);
    }
    Ok(())
}

/// What a closed vote decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// One option had more ballots than any other: `winner` names it.
    Decided,
    /// Two or more options shared the most ballots.
    Tied,
    /// Fewer voters were present than the quorum.
    NoQuorum,
    /// The quorum was present and nobody voted.
    NoBallots,
}

/// A closed vote's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VoteResult {
    /// Ballots per option, in the options' order.
    pub counts: Vec<u32>,
    /// Ballots cast.
    pub turnout: u32,
    /// Eligible voters present (checked in and holding `meeting.vote`) when it closed.
    pub present: u32,
    pub quorum: u32,
    pub quorum_met: bool,
    pub outcome: Outcome,
    /// The option carried, when `outcome` is `decided`.
    pub winner: Option<usize>,
}

/// The result of a vote whose ballots per option are `counts`, with
/// `present` eligible voters checked in and a quorum of `quorum`. The quorum
/// is counted against the voters present, not the ballots: a meeting that
/// has its quorum decides by the ballots cast.
pub fn result(counts: Vec<u32>, present: u32, quorum: u32) -> VoteResult {
    let turnout: u32 = counts.iter().sum();
    // A ballot comes only from someone present; count them so either way.
    let present = present.max(turnout);
    let quorum_met = present >= quorum;
    let top = counts.iter().copied().max().unwrap_or(0);
    let leaders: Vec<usize> = counts.iter().enumerate().filter(|(_, c)| **c == top).map(|(i, _)| i).collect();
    let (outcome, winner) = if !quorum_met {
        (Outcome::NoQuorum, None)
    } else if turnout == 0 {
        (Outcome::NoBallots, None)
    } else if leaders.len() == 1 {
        (Outcome::Decided, Some(leaders[0]))
    } else {
        (Outcome::Tied, None)
    };
    VoteResult { counts, turnout, present, quorum, quorum_met, outcome, winner }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DepartmentId;
    use crate::org::{Remit, Staff};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 7, 0, 0).unwrap()
    }

    fn staff(entity: EntityId, role: StaffRole) -> Actor {
        Actor {
            user_id: UserId::new(),
            standing: Standing::Staff(Staff {
                entity_id: entity,
                role,
                department_ids: vec![DepartmentId::new()],
                permissions: role.default_permissions(),
                active: true,
            }),
        }
    }

    fn meeting(organiser: &Actor, entity: EntityId) -> MeetingFacts {
        MeetingFacts {
            entity_id: entity,
            organiser_id: organiser.user_id,
            starts_at: t0(),
            duration_minutes: 60,
            cancelled: false,
            sealed: false,
        }
    }

    const INVITED: Place = Place { invitee: Some(InviteeId(uuid::Uuid::from_u128(7))), checked_in: false };
    const PRESENT: Place = Place { invitee: Some(InviteeId(uuid::Uuid::from_u128(7))), checked_in: true };
    const NOWHERE: Place = Place { invitee: None, checked_in: false };

    #[test]
    fn a_meeting_is_seen_by_its_people_and_its_entitys_supervisors_only() {
        let e = EntityId::new();
        let organiser = staff(e, StaffRole::Supervisor);
        let m = meeting(&organiser, e);
        let colleague = staff(e, StaffRole::Employee);
        let supervisor = staff(e, StaffRole::Supervisor);
        let elsewhere = staff(EntityId::new(), StaffRole::Admin);
        let regulator = Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::All) };
        let citizen = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        assert!(can_view(&organiser, &m, &NOWHERE));
        assert!(can_view(&colleague, &m, &INVITED));
        assert!(can_view(&supervisor, &m, &NOWHERE));
        for (who, a) in
            [("employee", &colleague), ("other entity", &elsewhere), ("regulator", &regulator), ("citizen", &citizen)]
        {
            assert!(!can_view(a, &m, &NOWHERE), "{who}");
            assert_eq!(may(a, &m, &NOWHERE, Step::CheckIn, t0()), Err(Refusal::Unseen), "{who}");
        }
        // An outside guest's place is their invitation: a beneficiary account
        // invited as a guest sees it.
        assert!(can_view(&citizen, &m, &INVITED));
    }

    #[test]
    fn minutes_are_found_by_who_sees_the_meeting_and_the_regulators_in_remit() {
        let e = EntityId::new();
        let organiser = staff(e, StaffRole::Supervisor);
        let m = meeting(&organiser, e);
        let invited = staff(e, StaffRole::Employee);
        let people = [organiser.user_id, invited.user_id];
        let regulator = |remit| Actor { user_id: UserId::new(), standing: Standing::Regulator(remit) };
        let found = [
            ("organiser", &organiser, true),
            ("invitee", &invited, true),
            ("supervisor", &staff(e, StaffRole::Supervisor), true),
            ("admin", &staff(e, StaffRole::Admin), true),
            ("employee not invited", &staff(e, StaffRole::Employee), false),
            ("another entity's admin", &staff(EntityId::new(), StaffRole::Admin), false),
            ("regulator in remit", &regulator(Remit::Entities(vec![e])), true),
            ("regulator of all", &regulator(Remit::All), true),
            ("regulator elsewhere", &regulator(Remit::Entities(vec![EntityId::new()])), false),
            ("platform admin", &Actor { user_id: UserId::new(), standing: Standing::PlatformAdmin }, true),
            ("citizen", &Actor { user_id: UserId::new(), standing: Standing::Beneficiary }, false),
        ];
        for (who, a, expected) in found {
            assert_eq!(minutes_reach(a).covers(e, &people), expected, "{who}");
            // Whoever may see the meeting finds its minutes.
            let place = if a.user_id == invited.user_id { INVITED } else { NOWHERE };
            if can_view(a, &m, &place) {
                assert!(minutes_reach(a).covers(e, &people), "{who}");
            }
        }
    }

    #[test]
    fn check_in_is_taken_only_inside_the_window() {
        let e = EntityId::new();
        let organiser = staff(e, StaffRole::Supervisor);
        let m = meeting(&organiser, e);
        let invitee = staff(e, StaffRole::Employee);
        let at = |minutes: i64| t0() + Duration::minutes(minutes);
        assert_eq!(may(&invitee, &m, &INVITED, Step::CheckIn, at(-16)), Err(Refusal::OutsideWindow));
        assert_eq!(may(&invitee, &m, &INVITED, Step::CheckIn, at(-15)), Ok(()));
        assert_eq!(may(&invitee, &m, &INVITED, Step::CheckIn, at(60)), Ok(()));
        assert_eq!(may(&invitee, &m, &INVITED, Step::CheckIn, at(61)), Err(Refusal::OutsideWindow));
        assert_eq!(may(&invitee, &m, &INVITED, Step::Rsvp, at(-6000)), Ok(()));
        assert_eq!(may(&invitee, &m, &INVITED, Step::Rsvp, at(61)), Err(Refusal::OutsideWindow));
        let supervisor = staff(e, StaffRole::Supervisor);
        assert_eq!(may(&supervisor, &m, &NOWHERE, Step::CheckIn, at(0)), Err(Refusal::Denied), "not invited");
        // A guest by their link, on the same terms; nothing else.
        assert_eq!(may_as_guest(&m, Step::CheckIn, at(-16)), Err(Refusal::OutsideWindow));
        assert_eq!(may_as_guest(&m, Step::CheckIn, at(0)), Ok(()));
        assert_eq!(may_as_guest(&m, Step::Rsvp, at(61)), Err(Refusal::OutsideWindow));
        assert_eq!(may_as_guest(&m, Step::Note, at(0)), Err(Refusal::Denied));
        assert_eq!(may_as_guest(&m, Step::Cast, at(0)), Err(Refusal::Denied));
        let cancelled = MeetingFacts { cancelled: true, ..m };
        assert_eq!(may(&invitee, &cancelled, &INVITED, Step::CheckIn, at(0)), Err(Refusal::Cancelled));
        assert_eq!(may_as_guest(&cancelled, Step::Rsvp, at(0)), Err(Refusal::Cancelled));
    }

    #[test]
    fn the_organiser_alone_keeps_the_minutes_and_sealed_minutes_stay_sealed() {
        let e = EntityId::new();
        let organiser = staff(e, StaffRole::Supervisor);
        let m = meeting(&organiser, e);
        let invitee = staff(e, StaffRole::Employee);
        for step in [Step::EditMinutes, Step::ApproveMinutes, Step::Decide, Step::CreateVote, Step::CloseVote] {
            assert_eq!(may(&organiser, &m, &NOWHERE, step, t0()), Ok(()), "{step:?}");
            assert_eq!(may(&invitee, &m, &PRESENT, step, t0()), Err(Refusal::Denied), "{step:?}");
        }
        assert_eq!(may(&organiser, &m, &NOWHERE, Step::Change, t0() + Duration::minutes(60)), Ok(()));
        assert_eq!(
            may(&organiser, &m, &NOWHERE, Step::Cancel, t0() + Duration::minutes(61)),
            Err(Refusal::OutsideWindow)
        );
        assert_eq!(may(&invitee, &m, &PRESENT, Step::Cancel, t0()), Err(Refusal::Denied));
        let cancelled = MeetingFacts { cancelled: true, ..m.clone() };
        assert_eq!(may(&organiser, &cancelled, &NOWHERE, Step::Change, t0()), Err(Refusal::Cancelled));
        let sealed = MeetingFacts { sealed: true, ..m.clone() };
        assert_eq!(may(&organiser, &sealed, &NOWHERE, Step::EditMinutes, t0()), Err(Refusal::Sealed));
        assert_eq!(may(&organiser, &sealed, &NOWHERE, Step::ApproveMinutes, t0()), Err(Refusal::Sealed));
        assert_eq!(may(&invitee, &sealed, &PRESENT, Step::Note, t0()), Err(Refusal::Sealed));
        assert_eq!(may(&invitee, &m, &INVITED, Step::Note, t0()), Err(Refusal::Denied), "not checked in");
        assert_eq!(may(&invitee, &m, &PRESENT, Step::Note, t0()), Ok(()));
    }

    #[test]
    fn only_those_present_who_hold_the_vote_may_cast() {
        let e = EntityId::new();
        let organiser = staff(e, StaffRole::Supervisor);
        let m = meeting(&organiser, e);
        let mut voter = staff(e, StaffRole::Employee);
        assert_eq!(may(&voter, &m, &PRESENT, Step::Cast, t0()), Ok(()));
        assert_eq!(may(&voter, &m, &INVITED, Step::Cast, t0()), Err(Refusal::NotEligible));
        if let Standing::Staff(s) = &mut voter.standing {
            s.permissions.remove(Permission::MeetingVote);
        }
        assert_eq!(may(&voter, &m, &PRESENT, Step::Cast, t0()), Err(Refusal::NotEligible));
        let guest = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        assert_eq!(may(&guest, &m, &PRESENT, Step::Cast, t0()), Err(Refusal::NotEligible));
    }

    #[test]
    fn a_ballot_is_taken_while_the_vote_is_open_for_an_option_it_has() {
        let v = VoteFacts { options: 3, ballot: Ballot::Secret, quorum: 2, closes_at: Some(t0()), closed: false };
        assert_eq!(check_ballot(&v, 2, t0() - Duration::seconds(1)), Ok(()));
        assert_eq!(check_ballot(&v, 3, t0() - Duration::seconds(1)), Err(BallotRefusal::NoSuchOption));
        assert_eq!(check_ballot(&v, 0, t0()), Err(BallotRefusal::Closed), "at its closing time");
        let closed = VoteFacts { closes_at: None, closed: true, ..v };
        assert_eq!(check_ballot(&closed, 0, t0()), Err(BallotRefusal::Closed));
    }

    #[test]
    fn results() {
        let r = result(vec![3, 1, 0], 5, 3);
        assert_eq!((r.turnout, r.quorum_met, r.outcome, r.winner), (4, true, Outcome::Decided, Some(0)));
        let r = result(vec![2, 2], 4, 3);
        assert_eq!((r.outcome, r.winner), (Outcome::Tied, None));
        let r = result(vec![2, 0], 2, 3);
        assert_eq!((r.quorum_met, r.outcome), (false, Outcome::NoQuorum));
        let r = result(vec![0, 0], 3, 3);
        assert_eq!(r.outcome, Outcome::NoBallots);
    }

    proptest! {
        #[test]
        fn a_decided_vote_names_the_one_option_with_the_most_ballots(
            counts in prop::collection::vec(0u32..50, 2..8), present in 0u32..400, quorum in 1u32..60,
        ) {
            let r = result(counts.clone(), present, quorum);
            prop_assert_eq!(r.turnout, counts.iter().sum::<u32>());
            prop_assert!(r.present >= r.turnout);
            prop_assert_eq!(r.quorum_met, r.present >= quorum);
            match r.outcome {
                Outcome::Decided => {
                    let w = r.winner.unwrap();
                    prop_assert!(counts.iter().enumerate().all(|(i, c)| i == w || *c < counts[w]));
                }
                Outcome::Tied => prop_assert!(r.quorum_met && r.winner.is_none()),
                Outcome::NoQuorum => prop_assert!(!r.quorum_met),
                Outcome::NoBallots => prop_assert_eq!(r.turnout, 0),
            }
        }
    }
}
