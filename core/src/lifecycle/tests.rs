use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::events::EventKind;
use crate::ids::{AttachmentId, DepartmentId, TransactionTypeId};
use crate::org::{Staff, Standing};
use crate::permissions::StaffRole;
use crate::service::{Due, Level, SUPERVISORS_LEVEL, ServiceTerms, Why};

struct World {
    entity: EntityId,
    beneficiary: Actor,
    employee: Actor,
    colleague: Actor,
    supervisor: Actor,
    outsider: Actor,
}

fn world() -> World {
    let entity = EntityId(Uuid::from_u128(1));
    let dept = DepartmentId(Uuid::from_u128(2));
    let staff = |n: u128, role: StaffRole, entity_id: EntityId| Actor {
        user_id: UserId(Uuid::from_u128(n)),
        standing: Standing::Staff(Staff {
            entity_id,
            role,
            department_ids: vec![dept],
            permissions: role.default_permissions(),
            active: true,
        }),
    };
    World {
        entity,
        beneficiary: Actor { user_id: UserId(Uuid::from_u128(10)), standing: Standing::Beneficiary },
        employee: staff(20, StaffRole::Employee, entity),
        colleague: staff(21, StaffRole::Employee, entity),
        supervisor: staff(30, StaffRole::Supervisor, entity),
        outsider: staff(40, StaffRole::Supervisor, EntityId(Uuid::from_u128(99))),
    }
}

/// A calendar where every hour is worked: the rules' tests read as clock time.
fn always() -> crate::calendar::WorkingCalendar {
    crate::calendar::WorkingCalendar {
        week: [true; 7],
        opens: 0,
        closes: crate::calendar::MINUTES_A_DAY,
        holidays: vec![],
        ..Default::default()
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

fn state(w: &World, status: Status, assignee: Option<&Actor>) -> TransactionState {
    TransactionState {
        facts: TransactionFacts {
            entity_id: w.entity,
            department_id: DepartmentId(Uuid::from_u128(2)),
            beneficiary_id: w.beneficiary.user_id,
            assignee_id: assignee.map(|a| a.user_id),
        },
        status,
        due_at: t0() + Duration::hours(72),
        paused_at: None,
        closed_at: status.is_closed().then(t0),
        rated: false,
        created_at: t0(),
        first_response_at: None,
        paused_s: 0,
        clock: always(),
        watch: Default::default(),
    }
}

fn comment(v: Visibility) -> Command {
    Command::Comment { visibility: v, body: "نص".into() }
}

fn attach(v: Visibility) -> Command {
    let attachment = Attached {
        attachment_id: AttachmentId::new(),
        name: "صك.pdf".into(),
        size: 3,
        content_type: "application/pdf".into(),
        sha256: "ab".into(),
    };
    Command::Attach { visibility: v, attachment }
}

fn voice(v: Visibility) -> Command {
    let note = Voiced {
        voice_id: crate::ids::VoiceId::new(),
        duration_ms: 900,
        waveform: vec![1; 64],
        content_type: "audio/ogg".into(),
    };
    Command::Voice { visibility: v, note }
}

fn kinds(o: &Outcome) -> Vec<EventKind> {
    o.events.iter().map(|e| e.event.kind()).collect()
}

#[test]
fn a_closed_transaction_takes_nothing_new() {
    let w = world();
    for status in [Status::Completed, Status::Rejected] {
        let t = state(&w, status, Some(&w.employee));
        for cmd in [comment(Visibility::External), attach(Visibility::External), voice(Visibility::External)] {
            for who in [&w.beneficiary, &w.employee] {
                let r = decide(By::Person(who), &t, cmd.clone(), t0());
                assert!(matches!(r, Err(Refusal::Illegal(_))), "{status:?} {cmd:?}: {r:?}");
            }
        }
    }
}

#[test]
fn the_assignees_first_external_reply_starts_the_work() {
    let w = world();
    for cmd in [comment(Visibility::External), attach(Visibility::External), voice(Visibility::External)] {
        for from in [Status::Assigned, Status::Reopened] {
            let t = state(&w, from, Some(&w.employee));
            let o = decide(By::Person(&w.employee), &t, cmd.clone(), t0()).unwrap();
            assert_eq!(kinds(&o)[1], EventKind::StatusChanged);
            assert_eq!(o.changes.status, Some(Status::InProgress));
            assert!(o.events.iter().all(|e| e.actor == Some(w.employee.user_id)));
        }
    }
    // An internal note, or a colleague's word, starts nothing.
    let t = state(&w, Status::Assigned, Some(&w.employee));
    let o = decide(By::Person(&w.employee), &t, comment(Visibility::Internal), t0()).unwrap();
    assert_eq!((kinds(&o), o.changes.status), (vec![EventKind::Comment], None));
    let o = decide(By::Person(&w.supervisor), &t, comment(Visibility::External), t0()).unwrap();
    assert_eq!(o.changes.status, None);
    // A colleague who may not see it may not write on it.
    assert_eq!(decide(By::Person(&w.colleague), &t, comment(Visibility::External), t0()), Err(Refusal::Denied));
}

#[test]
fn the_beneficiarys_answer_ends_the_wait() {
    let w = world();
    let t = state(&w, Status::AwaitingBeneficiary, Some(&w.employee));
    let o = decide(By::Person(&w.beneficiary), &t, voice(Visibility::External), t0()).unwrap();
    assert_eq!(o.changes.status, Some(Status::InProgress));
    let Event::StatusChanged(s) = &o.events[1].event else { panic!() };
    assert_eq!((s.from, s.to), (Status::AwaitingBeneficiary, Status::InProgress));
    // The employee's word while waiting does not end it.
    let o = decide(By::Person(&w.employee), &t, comment(Visibility::External), t0()).unwrap();
    assert_eq!(o.changes.status, None);
}

#[test]
fn a_beneficiary_never_writes_internally() {
    let w = world();
    let t = state(&w, Status::InProgress, Some(&w.employee));
    for cmd in [comment(Visibility::Internal), attach(Visibility::Internal), voice(Visibility::Internal)] {
        assert_eq!(decide(By::Person(&w.beneficiary), &t, cmd, t0()), Err(Refusal::Denied));
    }
}

#[test]
fn postponing_pauses_the_clock_and_resuming_adds_the_pause() {
    let w = world();
    let t = state(&w, Status::InProgress, Some(&w.employee));
    let until = t0() + Duration::days(2);
    let cmd = Command::Postpone { until, reason: "انتظار".into() };
    assert_eq!(decide(By::Person(&w.employee), &t, cmd.clone(), t0()), Err(Refusal::Denied));
    let o = decide(By::Person(&w.supervisor), &t, cmd, t0()).unwrap();
    assert_eq!(o.changes.paused_at, Some(Some(t0())));
    let postponed = o.apply_to(&t);
    assert_eq!(postponed.status, Status::Postponed);
    assert!(!postponed.is_late(t0() + Duration::days(10)), "the clock is paused");

    // A person cannot resume by command; the platform does when the date comes.
    assert_eq!(decide(By::Person(&w.supervisor), &postponed, Command::Resume, until), Err(Refusal::Denied));
    let o = decide(By::Platform, &postponed, Command::Resume, until).unwrap();
    let resumed = o.apply_to(&postponed);
    assert_eq!(resumed.status, Status::InProgress);
    assert_eq!(resumed.due_at, t.due_at + Duration::days(2));
    assert_eq!((resumed.paused_at, o.changes.postponed_until), (None, Some(None)));
    assert_eq!(o.events[0].actor, None);

    // The assignee's external reply resumes it too, with the same arithmetic.
    let o =
        decide(By::Person(&w.employee), &postponed, comment(Visibility::External), t0() + Duration::hours(5)).unwrap();
    assert_eq!(o.apply_to(&postponed).due_at, t.due_at + Duration::hours(5));
}

#[test]
fn rated_once_and_only_when_closed() {
    let w = world();
    let rate = Command::Rate { stars: 5, comment: None };
    let open = state(&w, Status::InProgress, Some(&w.employee));
    assert!(matches!(decide(By::Person(&w.beneficiary), &open, rate.clone(), t0()), Err(Refusal::Illegal(_))));
    let closed = state(&w, Status::Completed, Some(&w.employee));
    assert_eq!(decide(By::Person(&w.employee), &closed, rate.clone(), t0()), Err(Refusal::Denied));
    let o = decide(By::Person(&w.beneficiary), &closed, rate.clone(), t0()).unwrap();
    let rated = o.apply_to(&closed);
    assert_eq!((rated.rated, rated.status), (true, Status::Completed));
    assert_eq!(decide(By::Person(&w.beneficiary), &rated, rate, t0()), Err(Refusal::AlreadyRated));
}

#[test]
fn a_reopened_transaction_without_an_assignee_is_routed_again() {
    let w = world();
    let rejected = state(&w, Status::Rejected, None);
    let o = decide(By::Person(&w.beneficiary), &rejected, Command::Reopen { reason: "لم يكتمل".into() }, t0()).unwrap();
    assert!(o.route);
    assert_eq!(o.changes.closed_at, Some(None));
    let reopened = o.apply_to(&rejected);
    let decision = Decision {
        assignee: w.employee.user_id,
        policy: crate::api::RoutingPolicy::RoundRobin,
        eligible: 1,
        open_load: 0,
    };
    let route = Command::Route { decision: Some(decision) };
    assert_eq!(decide(By::Person(&w.supervisor), &reopened, route.clone(), t0()), Err(Refusal::Denied));
    let o = decide(By::Platform, &reopened, route, t0()).unwrap();
    assert_eq!(kinds(&o), vec![EventKind::Assigned, EventKind::StatusChanged]);
    assert_eq!(o.events[0].visibility, Visibility::Internal);
    assert_eq!(o.apply_to(&reopened).status, Status::Assigned);
    // With an assignee, reopening needs no routing; long after closing, only a supervisor may.
    let completed = state(&w, Status::Completed, Some(&w.employee));
    let later = t0() + Duration::days(15);
    let reopen = Command::Reopen { reason: "x".into() };
    assert_eq!(decide(By::Person(&w.beneficiary), &completed, reopen.clone(), later), Err(Refusal::Denied));
    assert!(!decide(By::Person(&w.supervisor), &completed, reopen, later).unwrap().route);
}

#[test]
fn assignment_only_to_active_staff_of_the_entity() {
    let w = world();
    let t = state(&w, Status::New, None);
    let to = |entity_id, active, is_staff| AssigneeFacts { id: w.employee.user_id, entity_id, active, is_staff };
    for bad in [to(Some(EntityId::new()), true, true), to(Some(w.entity), false, true), to(None, true, false)] {
        let cmd = Command::Assign { to: bad };
        assert_eq!(decide(By::Person(&w.supervisor), &t, cmd, t0()), Err(Refusal::NotAssignable));
    }
    let cmd = Command::Assign { to: to(Some(w.entity), true, true) };
    assert_eq!(decide(By::Person(&w.employee), &t, cmd.clone(), t0()), Err(Refusal::Denied));
    assert_eq!(decide(By::Person(&w.outsider), &t, cmd.clone(), t0()), Err(Refusal::Denied));
    let o = decide(By::Person(&w.supervisor), &t, cmd.clone(), t0()).unwrap();
    assert_eq!(o.apply_to(&t).facts.assignee_id, Some(w.employee.user_id));
    // A postponed transaction changes hands and stays postponed.
    let postponed = state(&w, Status::Postponed, Some(&w.colleague));
    let o = decide(By::Person(&w.supervisor), &postponed, cmd, t0()).unwrap();
    assert_eq!((kinds(&o), o.changes.status), (vec![EventKind::Assigned], None));
}

#[test]
fn opening_routes_and_sets_the_clock() {
    let w = world();
    let t = NewTransaction {
        entity_id: w.entity,
        type_id: TransactionTypeId::new(),
        subject: "رخصة بناء".into(),
        body: "طلب".into(),
        priority: crate::api::Priority::Normal,
        fields: Default::default(),
    };
    let reference = Reference { hijri_year: 1448, number: 7 };
    let service = ServiceTerms { first_response_hours: None, resolution_hours: 48, escalate_after_hours: Some(8) };
    let mut terms = TypeTerms { department_id: DepartmentId(Uuid::from_u128(2)), service, clock: always() };
    let queued = open(&w.beneficiary, &t, &terms, reference, None, t0()).unwrap();
    assert_eq!((queued.status, queued.assignee, queued.due_at), (Status::New, None, t0() + Duration::hours(48)));
    // The monitor's first look: at 80 % of the resolution time, which no
    // holder's escalation comes before while nobody holds it.
    assert_eq!(queued.next_check, Some(t0() + Duration::minutes(48 * 60 * 8 / 10)));
    let decision = Decision {
        assignee: w.employee.user_id,
        policy: crate::api::RoutingPolicy::LeastLoaded,
        eligible: 2,
        open_load: 3,
    };
    let routed = open(&w.beneficiary, &t, &terms, reference, Some(decision.clone()), t0()).unwrap();
    assert_eq!(routed.status, Status::Assigned);
    assert_eq!(routed.next_check, Some(t0() + Duration::hours(8)), "the holder's escalation comes first");
    terms.service.first_response_hours = Some(4);
    let answered_first = open(&w.beneficiary, &t, &terms, reference, Some(decision), t0()).unwrap();
    assert_eq!(
        answered_first.next_check,
        Some(t0() + Duration::minutes(4 * 60 * 8 / 10)),
        "the first answer's warning"
    );
    let kinds: Vec<_> = routed.events.iter().map(|e| (e.event.kind(), e.visibility, e.actor)).collect();
    assert_eq!(
        kinds,
        vec![
            (EventKind::Created, Visibility::External, Some(w.beneficiary.user_id)),
            (EventKind::Assigned, Visibility::Internal, None)
        ]
    );
    assert!(open(&w.employee, &t, &terms, reference, None, t0()).is_err(), "only beneficiaries open transactions");
}

fn any_command() -> impl Strategy<Value = Command> {
    let v = prop_oneof![Just(Visibility::External), Just(Visibility::Internal)];
    prop_oneof![
        v.clone().prop_map(comment),
        v.clone().prop_map(attach),
        v.prop_map(voice),
        (0i64..96).prop_map(|h| Command::Postpone { until: t0() + Duration::hours(h), reason: "r".into() }),
        Just(Command::Resume),
        Just(Command::AwaitBeneficiary { message: "m".into() }),
        Just(Command::Complete { note: None }),
        Just(Command::Complete { note: Some("n".into()) }),
        Just(Command::Reject { reason: "r".into() }),
        Just(Command::Reopen { reason: "r".into() }),
        (1u8..=5).prop_map(|stars| Command::Rate { stars, comment: None }),
    ]
}

proptest! {
    /// Random commands by random people (and the platform), applied as
    /// decided: a refused command changes nothing; every status change is
    /// recorded from the status it left; a closed transaction gets no new
    /// words; a beneficiary never causes an internal event; ratings happen
    /// once; the due time never moves earlier; nobody acts as another; and
    /// a change of status or assignee comes with an event that says so.
    #[test]
    fn random_commands_keep_the_rules(steps in proptest::collection::vec((0usize..6, any_command(), 0i64..48), 1..60)) {
        let w = world();
        let people = [&w.beneficiary, &w.employee, &w.colleague, &w.supervisor, &w.outsider];
        let mut t = state(&w, Status::Assigned, Some(&w.employee));
        let mut now = t0();
        let mut ratings = 0;
        for (who, cmd, hours) in steps {
            now += Duration::hours(hours);
            let by = people.get(who).map_or(By::Platform, |a| By::Person(a));
            let Ok(o) = decide(by, &t, cmd.clone(), now) else { continue };
            let mut status = t.status;
            for e in &o.events {
                prop_assert_eq!(e.actor, by.user_id());
                if by.user_id() == Some(w.beneficiary.user_id) {
                    prop_assert_eq!(e.visibility, Visibility::External);
                }
                if e.event.kind().is_searchable() {
                    prop_assert!(!status.is_closed(), "{:?} written on a closed transaction", cmd);
                }
                if let Event::StatusChanged(s) = &e.event {
                    prop_assert_eq!(s.from, status);
                    prop_assert_ne!(s.from, s.to);
                    status = s.to;
                }
                if e.event.kind() == EventKind::Rated {
                    ratings += 1;
                }
            }
            let after = o.apply_to(&t);
            if after.status != t.status || after.facts != t.facts {
                prop_assert!(o.events.iter().any(|e| e.event.kind().changes_facts()), "{:?} changed facts silently", cmd);
            }
            prop_assert_eq!(after.status, status);
            prop_assert!(after.due_at >= t.due_at);
            prop_assert_eq!(after.closed_at.is_some(), after.status.is_closed());
            let paused = matches!(after.status, Status::Postponed | Status::AwaitingBeneficiary);
            prop_assert_eq!(after.paused_at.is_some(), paused, "the clock stops exactly while postponed or awaiting");
            t = after;
        }
        prop_assert!(ratings <= 1);
    }
}

/// The clock is the entity's working time: paused while awaiting the
/// beneficiary, and what was left before the due time is left after, counted
/// in working hours across the weekend.
#[test]
fn awaiting_the_beneficiary_pauses_the_clock_in_working_time() {
    use chrono::TimeZone;
    let w = world();
    let riyadh = |d: u32, h: u32, m: u32| {
        chrono_tz::Asia::Riyadh.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap().with_timezone(&Utc)
    };
    let mut t = state(&w, Status::InProgress, Some(&w.employee));
    t.clock = crate::calendar::WorkingCalendar::default();
    // Due Thursday 3 December at 12:30; asked to wait on Wednesday at 12:30,
    // a working day (7 hours) before the due time.
    t.due_at = riyadh(3, 12, 30);
    let asked = riyadh(2, 12, 30);
    let o = decide(By::Person(&w.employee), &t, Command::AwaitBeneficiary { message: "صورة الهوية".into() }, asked)
        .unwrap();
    let waiting = o.apply_to(&t);
    assert_eq!((waiting.status, waiting.paused_at), (Status::AwaitingBeneficiary, Some(asked)));
    assert!(!waiting.is_late(riyadh(10, 9, 0)), "no clock runs while the beneficiary is awaited");
    // The beneficiary answers on Thursday at 14:00: seven working hours are
    // left, half an hour that day, the rest from Sunday: due Sunday 14:00.
    let reply = Command::Comment { visibility: Visibility::External, body: "أرفقتها".into() };
    let o = decide(By::Person(&w.beneficiary), &waiting, reply, riyadh(3, 14, 0)).unwrap();
    let resumed = o.apply_to(&waiting);
    assert_eq!((resumed.status, resumed.paused_at), (Status::InProgress, None));
    assert_eq!(resumed.due_at, riyadh(6, 14, 0));
}

/// First response, pauses and resolution are measured in working time as the
/// steps are taken, hand-counted on the default calendar (Sunday to
/// Thursday, 07:30 to 14:30 in Riyadh).
#[test]
fn response_pause_and_resolution_are_measured_in_working_time() {
    use chrono::TimeZone;
    let w = world();
    let riyadh = |d: u32, h: u32, m: u32| {
        chrono_tz::Asia::Riyadh.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap().with_timezone(&Utc)
    };
    let mut t = state(&w, Status::Assigned, Some(&w.employee));
    t.clock = crate::calendar::WorkingCalendar::default();
    t.created_at = riyadh(1, 12, 0); // Tuesday noon
    t.due_at = riyadh(20, 12, 0);
    let step = |by: &Actor, t: &TransactionState, cmd: Command, at| {
        let o = decide(By::Person(by), t, cmd, at).unwrap();
        (o.changes.clone(), o.apply_to(t))
    };
    let reply = |body: &str| Command::Comment { visibility: Visibility::External, body: body.into() };
    // Being given to someone answers nobody, nor does an internal note.
    let mut queued = t.clone();
    queued.status = Status::New;
    queued.facts.assignee_id = None;
    let to = AssigneeFacts { id: w.employee.user_id, active: true, is_staff: true, entity_id: Some(w.entity) };
    let (c, _) = step(&w.supervisor, &queued, Command::Assign { to }, riyadh(1, 12, 30));
    assert_eq!(c.first_response, None);
    let note = Command::Comment { visibility: Visibility::Internal, body: "ملاحظة".into() };
    let (c, t) = step(&w.employee, &t, note, riyadh(1, 13, 0));
    assert_eq!(c.first_response, None);
    // Wednesday 08:30: 2.5 hours on Tuesday and 1 on Wednesday.
    let (c, t) = step(&w.employee, &t, reply("نعمل على طلبك"), riyadh(2, 8, 30));
    assert_eq!(c.first_response, Some((riyadh(2, 8, 30), 3 * 3600 + 1800)));
    let (c, t) = step(&w.employee, &t, reply("مرة أخرى"), riyadh(2, 9, 0));
    assert_eq!(c.first_response, None, "the first answer is measured once");
    // Awaiting the beneficiary from Wednesday 10:30 to Sunday 09:30: 4 + 7 + 2 hours.
    let (_, t) = step(&w.employee, &t, Command::AwaitBeneficiary { message: "أرفق الهوية".into() }, riyadh(2, 10, 30));
    let (c, t) = step(&w.beneficiary, &t, reply("أرفقتها"), riyadh(6, 9, 30));
    assert_eq!(c.paused_s, Some(13 * 3600));
    assert_eq!(c.first_response, None, "the beneficiary's word is no answer");
    // Completed Sunday 11:30: 2.5 + 3 + 2 working hours on the clock.
    let (c, t) = step(&w.employee, &t, Command::Complete { note: None }, riyadh(6, 11, 30));
    assert_eq!(c.resolution_s, Some(Some(7 * 3600 + 1800)));
    // Reopened, the resolution is cleared until it closes again.
    let reopen = Command::Reopen { reason: "لم يكتمل".into() };
    let (c, _) = step(&w.beneficiary, &t, reopen, riyadh(7, 9, 0));
    assert_eq!(c.resolution_s, Some(None));
}

fn mark(target: crate::service::Target, level: Level) -> Command {
    let due = Due { mark: crate::service::Mark { target, level }, target_hours: 8, due_at: None };
    Command::MarkSla { due }
}

#[test]
fn marks_are_the_platforms_once_each_and_internal() {
    use crate::service::Target::*;
    let w = world();
    let t = state(&w, Status::InProgress, Some(&w.employee));
    assert_eq!(decide(By::Person(&w.supervisor), &t, mark(Resolution, Level::Warning), t0()), Err(Refusal::Denied));
    let o = decide(By::Platform, &t, mark(Resolution, Level::Warning), t0()).unwrap();
    assert_eq!((kinds(&o), o.events[0].visibility), (vec![EventKind::SlaWarning], Visibility::Internal));
    assert_eq!((o.changes.sla_marks, o.audit), (Some(4), AuditAction::TransactionSlaWarning));
    let warned = o.apply_to(&t);
    assert!(decide(By::Platform, &warned, mark(Resolution, Level::Warning), t0()).is_err(), "once");
    // A breach counts its warning as given.
    let o = decide(By::Platform, &t, mark(FirstResponse, Level::Breach), t0()).unwrap();
    assert_eq!((o.changes.sla_marks, o.audit), (Some(1 | 2), AuditAction::TransactionSlaBreach));
    let paused = state(&w, Status::Postponed, Some(&w.employee));
    assert!(decide(By::Platform, &paused, mark(Resolution, Level::Breach), t0()).is_err(), "not while paused");
}

#[test]
fn escalation_reassigns_then_calls_the_supervisors_and_a_step_by_the_holder_starts_again() {
    let w = world();
    let t = state(&w, Status::InProgress, Some(&w.employee));
    let decision = Decision {
        assignee: w.colleague.user_id,
        policy: crate::api::RoutingPolicy::RoundRobin,
        eligible: 1,
        open_load: 0,
    };
    let escalate = |decision: Option<Decision>| Command::Escalate { why: Why::NoAction, decision };
    assert_eq!(decide(By::Person(&w.supervisor), &t, escalate(None), t0()), Err(Refusal::Denied));
    let o = decide(By::Platform, &t, escalate(Some(decision.clone())), t0()).unwrap();
    assert_eq!(kinds(&o), [EventKind::Escalated, EventKind::Assigned, EventKind::StatusChanged]);
    assert_eq!((o.changes.assignee, o.changes.escalations), (Some(w.colleague.user_id), Some(1)));
    assert_eq!(o.changes.held_since, Some(t0()));
    let once = o.apply_to(&t);
    assert_eq!(once.status, Status::Assigned);
    // The next holder does not act either: the supervisors, without a reassignment.
    let later = t0() + Duration::hours(3);
    let o = decide(By::Platform, &once, escalate(Some(decision.clone())), later).unwrap();
    assert_eq!((kinds(&o), o.changes.escalations), (vec![EventKind::Escalated], Some(SUPERVISORS_LEVEL)));
    let top = o.apply_to(&once);
    assert!(decide(By::Platform, &top, escalate(None), later).is_err(), "the ladder stops at the supervisors");
    // The holder acts: the ladder starts again and the monitor looks now.
    let o = decide(By::Person(&w.colleague), &top, comment(Visibility::Internal), later).unwrap();
    assert_eq!((o.changes.escalations, o.changes.held_since), (Some(0), Some(later)));
    assert_eq!(o.changes.next_check, Some(Some(later)));
    // Someone else's word changes nothing of it.
    let o = decide(By::Person(&w.supervisor), &top, comment(Visibility::Internal), later).unwrap();
    assert_eq!((o.changes.escalations, o.changes.held_since), (None, None));
}

#[test]
fn the_monitor_looks_when_the_clock_starts_and_stops_looking_when_it_stops() {
    let w = world();
    let t = state(&w, Status::InProgress, Some(&w.employee));
    let until = t0() + Duration::days(2);
    let o = decide(By::Person(&w.supervisor), &t, Command::Postpone { until, reason: "ر".into() }, t0()).unwrap();
    assert_eq!(o.changes.next_check, Some(None));
    let paused = o.apply_to(&t);
    let o = decide(By::Platform, &paused, Command::Resume, until).unwrap();
    assert_eq!((o.changes.next_check, o.changes.held_since), (Some(Some(until)), Some(until)));
    let o = decide(By::Person(&w.employee), &t, Command::Complete { note: None }, t0()).unwrap();
    assert_eq!(o.changes.next_check, Some(None));
}
