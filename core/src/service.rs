//! Service levels kept: what the SLA monitor does to a transaction as working
//! time passes. `review` reads a transaction as it stands and answers with
//! the marks that are due (a warning at 80 % of a target, the breach when it
//! passes — each once), whether its holder is to be escalated, and when to
//! look again. It reads and writes nothing; the monitor (a worker) calls it
//! and takes the steps it names through `lifecycle::decide`, like any step.
//!
//! The two targets are the type's: the first answer within
//! `first_response_hours` (if set) and the resolution within `sla_hours`, both
//! in the entity's working time with the clock stopped while paused. The
//! escalation ladder: a holder who is deactivated or on leave, or has not acted
//! within `escalate_after_hours` of working time, loses the transaction to
//! routing (level 1); when routing finds nobody, or the next holder does not
//! act either, the department's supervisors are called in (level 2), and the
//! ladder stops there until someone holds it afresh or its holder acts.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::lifecycle::{TransactionState, clock_runs};

/// Of a target, the share of its time after which the holder is warned.
pub const WARN_AT_PERCENT: i64 = 80;

/// The last rung of the escalation ladder: the supervisors.
pub const SUPERVISORS_LEVEL: u8 = 2;

/// What the monitor has done to a transaction so far, kept with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Watch {
    /// The marks given, one bit each (`Mark::bit`).
    pub marks: u8,
    /// The rung of the escalation ladder reached since it was last held afresh.
    pub escalations: u8,
    /// Since when its holder has had it without acting: the assignment, their
    /// own last step, or the end of a pause.
    pub held_since: Option<DateTime<Utc>>,
}

/// A target a transaction is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    FirstResponse,
    Resolution,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::FirstResponse => "first_response",
            Target::Resolution => "resolution",
        }
    }
}

/// How far a target has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 80 % of its time has passed.
    Warning,
    /// All of it has passed.
    Breach,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mark {
    pub target: Target,
    pub level: Level,
}

impl Mark {
    /// Its bit in `Watch::marks`.
    pub fn bit(self) -> u8 {
        match (self.target, self.level) {
            (Target::FirstResponse, Level::Warning) => 1,
            (Target::FirstResponse, Level::Breach) => 2,
            (Target::Resolution, Level::Warning) => 4,
            (Target::Resolution, Level::Breach) => 8,
        }
    }
}

/// A mark as given: which, and the target it measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub mark: Mark,
    /// The target, in working hours.
    pub target_hours: u32,
    /// When the target falls, in wall-clock time: the due time for the
    /// resolution; for the first answer, when it is still to come.
    pub due_at: Option<DateTime<Utc>>,
}

/// A type's targets, in working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceTerms {
    pub first_response_hours: Option<u32>,
    pub resolution_hours: u32,
    pub escalate_after_hours: Option<u32>,
}

/// The holder, as the ladder needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub active: bool,
    pub on_leave_until: Option<DateTime<Utc>>,
}

/// Why a holder is escalated. Stored as its name; keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// They have not acted within the type's escalation time.
    NoAction,
    OnLeave,
    Deactivated,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::NoAction => "no_action",
            Why::OnLeave => "on_leave",
            Why::Deactivated => "deactivated",
        }
    }

    /// Whether the holder cannot act at all (then the transaction is taken
    /// from them at any rung below the supervisors').
    pub fn unavailable(self) -> bool {
        matches!(self, Why::OnLeave | Why::Deactivated)
    }
}

/// What the monitor is to do now, and when to look again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    /// Marks due now, at most one per target (a breach found late is given
    /// without its warning, which would only be noise: giving the breach
    /// counts the warning as given, `lifecycle::decide`).
    pub marks: Vec<Due>,
    pub escalate: Option<Why>,
    /// `None`: nothing more can come while it stands as it is (closed, paused,
    /// every mark given); a step that changes that asks for a look.
    pub next_check: Option<DateTime<Utc>>,
}

/// What is due on `t` at `now`. `holder` is its assignee's standing, if it
/// has one.
pub fn review(t: &TransactionState, terms: &ServiceTerms, holder: Option<&Holder>, now: DateTime<Utc>) -> Review {
    let mut r = Review::default();
    if !clock_runs(t.status) {
        return r;
    }
    let clock = &t.clock;
    let later = |at: DateTime<Utc>, r: &mut Review| {
        r.next_check = Some(r.next_check.map_or(at, |n| n.min(at)));
    };
    // Each target: how much working time is left before it falls.
    let mut targets = Vec::with_capacity(2);
    if let (Some(hours), None) = (terms.first_response_hours, t.first_response_at) {
        let worked = (clock.between(t.created_at, now).num_seconds() - t.paused_s).max(0);
        let left = i64::from(hours) * 3600 - worked;
        targets.push((Target::FirstResponse, hours, left));
    }
    if !t.status.is_closed() {
        let left = if t.is_late(now) { -1 } else { clock.between(now, t.due_at).num_seconds() };
        targets.push((Target::Resolution, terms.resolution_hours, left));
    }
    for (target, hours, left) in targets {
        let whole = i64::from(hours) * 3600;
        let warn_left = whole * (100 - WARN_AT_PERCENT) / 100;
        let warning = Mark { target, level: Level::Warning };
        let breach = Mark { target, level: Level::Breach };
        let given = |m: Mark| t.watch.marks & m.bit() != 0;
        let due_at = match target {
            Target::Resolution => Some(t.due_at),
            Target::FirstResponse => (left >= 0).then(|| clock.add(now, Duration::seconds(left))),
        };
        if given(breach) {
            continue;
        }
        if left < 0 || (left == 0 && target == Target::FirstResponse) {
            r.marks.push(Due { mark: breach, target_hours: hours, due_at });
            continue;
        }
        if !given(warning) && left <= warn_left {
            r.marks.push(Due { mark: warning, target_hours: hours, due_at });
        } else if !given(warning) {
            later(clock.add(now, Duration::seconds(left - warn_left)), &mut r);
            continue;
        }
        // The breach is looked for just after the target falls.
        later(clock.add(now, Duration::seconds(left)) + Duration::seconds(1), &mut r);
    }
    if let (Some(h), Some(_)) = (holder, t.facts.assignee_id)
        && t.watch.escalations < SUPERVISORS_LEVEL
    {
        let on_leave = h.on_leave_until.is_some_and(|until| until > now);
        if !h.active {
            r.escalate = Some(Why::Deactivated);
        } else if on_leave {
            r.escalate = Some(Why::OnLeave);
        } else if let Some(hours) = terms.escalate_after_hours {
            let since = t.watch.held_since.unwrap_or(t.created_at);
            let limit = clock.add(since, Duration::hours(i64::from(hours)));
            if limit <= now {
                r.escalate = Some(Why::NoAction);
            } else {
                later(limit, &mut r);
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{MINUTES_A_DAY, WorkingCalendar};
    use crate::ids::{DepartmentId, EntityId, UserId};
    use crate::lifecycle::due_at;
    use crate::visibility::TransactionFacts;
    use crate::workflow::Status;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn always() -> WorkingCalendar {
        WorkingCalendar { week: [true; 7], opens: 0, closes: MINUTES_A_DAY, holidays: vec![], ..Default::default() }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    const TERMS: ServiceTerms =
        ServiceTerms { first_response_hours: Some(2), resolution_hours: 10, escalate_after_hours: Some(4) };

    fn state(status: Status, clock: WorkingCalendar) -> TransactionState {
        TransactionState {
            facts: TransactionFacts {
                entity_id: EntityId(Uuid::from_u128(1)),
                department_id: DepartmentId(Uuid::from_u128(2)),
                beneficiary_id: UserId(Uuid::from_u128(3)),
                assignee_id: Some(UserId(Uuid::from_u128(4))),
            },
            status,
            due_at: due_at(&clock, t0(), TERMS.resolution_hours),
            paused_at: None,
            closed_at: None,
            rated: false,
            created_at: t0(),
            first_response_at: None,
            paused_s: 0,
            clock,
            watch: Watch { held_since: Some(t0()), ..Watch::default() },
        }
    }

    const HERE: Holder = Holder { active: true, on_leave_until: None };

    fn at(minutes: i64) -> DateTime<Utc> {
        t0() + Duration::minutes(minutes)
    }

    fn marks(r: &Review) -> Vec<(Target, Level)> {
        r.marks.iter().map(|d| (d.mark.target, d.mark.level)).collect()
    }

    #[test]
    fn the_warning_comes_at_eighty_percent_and_the_breach_after_the_target() {
        let mut t = state(Status::Assigned, always());
        let r = review(&t, &TERMS, Some(&HERE), at(0));
        assert!(r.marks.is_empty());
        assert_eq!(r.next_check, Some(at(96)), "80 % of two hours");
        let r = review(&t, &TERMS, Some(&HERE), at(96));
        assert_eq!(marks(&r), [(Target::FirstResponse, Level::Warning)]);
        t.watch.marks |= r.marks[0].mark.bit();
        assert_eq!(r.next_check, Some(at(120) + Duration::seconds(1)));
        let r = review(&t, &TERMS, Some(&HERE), at(121));
        assert_eq!(marks(&r), [(Target::FirstResponse, Level::Breach)]);
        assert_eq!(r.marks[0].due_at, None, "a first answer's target already past has no time to come");
        t.watch.marks |= r.marks[0].mark.bit();
        // The resolution's warning at 8 of 10 hours; escalation at 4 hours comes first.
        assert_eq!(r.next_check, Some(at(240)));
        let r = review(&t, &TERMS, Some(&HERE), at(240));
        assert_eq!(r.escalate, Some(Why::NoAction));
        assert_eq!(review(&t, &TERMS, Some(&HERE), at(480)).marks[0].mark.level, Level::Warning);
    }

    #[test]
    fn each_mark_is_given_once_and_a_late_find_skips_the_warning() {
        let mut t = state(Status::InProgress, always());
        let r = review(&t, &TERMS, Some(&HERE), at(11 * 60));
        assert_eq!(marks(&r), [(Target::FirstResponse, Level::Breach), (Target::Resolution, Level::Breach)]);
        t.watch.marks = 1 | 2 | 4 | 8;
        let again = review(&t, &TERMS, Some(&HERE), at(12 * 60));
        assert!(again.marks.is_empty());
        assert_eq!(again.next_check, None, "nothing left but the escalation, which is due");
        assert_eq!(again.escalate, Some(Why::NoAction));
    }

    #[test]
    fn working_time_counts_across_a_weekend_and_pauses_stop_it() {
        // Sunday to Thursday, 08:00–16:00 UTC: opened Thursday 15:00 with two
        // hours to the first answer, which fall Sunday 09:00.
        let clock = WorkingCalendar {
            zone: chrono_tz::UTC,
            week: [true, true, true, true, true, false, false],
            opens: 8 * 60,
            closes: 16 * 60,
            holidays: vec![],
        };
        let thursday = Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap();
        let mut t = state(Status::Assigned, clock);
        t.created_at = thursday;
        t.due_at = due_at(&t.clock, thursday, 10);
        t.watch.held_since = Some(thursday);
        let r = review(&t, &TERMS, Some(&HERE), thursday);
        assert_eq!(r.next_check, Some(Utc.with_ymd_and_hms(2026, 12, 6, 8, 36, 0).unwrap()));
        let saturday = Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap();
        assert!(review(&t, &TERMS, Some(&HERE), saturday).marks.is_empty(), "the weekend is not worked");
        t.status = Status::Postponed;
        t.paused_at = Some(thursday);
        assert_eq!(review(&t, &TERMS, Some(&HERE), thursday + Duration::days(30)), Review::default());
    }

    #[test]
    fn an_answered_transaction_owes_no_first_answer() {
        let mut t = state(Status::InProgress, always());
        t.first_response_at = Some(at(10));
        let r = review(&t, &TERMS, Some(&HERE), at(200));
        assert!(r.marks.is_empty());
    }

    #[test]
    fn holders_who_cannot_act_are_escalated_at_once_and_the_ladder_stops_at_the_supervisors() {
        let t = state(Status::Assigned, always());
        let gone = Holder { active: false, on_leave_until: None };
        assert_eq!(review(&t, &TERMS, Some(&gone), at(1)).escalate, Some(Why::Deactivated));
        let away = Holder { active: true, on_leave_until: Some(at(60 * 24)) };
        assert_eq!(review(&t, &TERMS, Some(&away), at(1)).escalate, Some(Why::OnLeave));
        let back = Holder { active: true, on_leave_until: Some(at(0)) };
        assert_eq!(review(&t, &TERMS, Some(&back), at(1)).escalate, None);
        let mut top = t.clone();
        top.watch.escalations = SUPERVISORS_LEVEL;
        assert_eq!(review(&top, &TERMS, Some(&gone), at(1)).escalate, None);
        let mut queued = t;
        queued.facts.assignee_id = None;
        queued.status = Status::New;
        assert_eq!(review(&queued, &TERMS, None, at(300)).escalate, None, "nobody holds it");
    }

    #[test]
    fn a_type_without_an_escalation_time_escalates_only_the_unavailable() {
        let t = state(Status::InProgress, always());
        let terms = ServiceTerms { escalate_after_hours: None, first_response_hours: None, ..TERMS };
        assert_eq!(review(&t, &terms, Some(&HERE), at(60 * 9)).escalate, None);
        assert_eq!(marks(&review(&t, &terms, Some(&HERE), at(60 * 9))), [(Target::Resolution, Level::Warning)]);
    }
}
