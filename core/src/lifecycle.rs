//! Every rule of an action on a transaction, in one function: `decide` takes who
//! acts, the transaction as it stands and what they ask for, and answers with
//! the events to append and the columns to change — or why not. It reads
//! nothing and writes nothing; the use-case layer loads, calls it and commits
//! what it says in one database transaction. `open` does the same for a new
//! transaction.

use chrono::{DateTime, Duration, Utc};

use crate::api::NewTransaction;
use crate::audit::AuditAction;
use crate::calendar::WorkingCalendar;
use crate::events::{
    AssignReason, Assigned, Assignment, Attached, Comment, Created, Escalated, Event, Rated, SlaMarked, StatusChanged,
    Voiced,
};
use crate::ids::{DepartmentId, EntityId, UserId};
use crate::org::Actor;
use crate::policy::{Action, Denied, TransactionAction, authorize, authorize_on_transaction};
use crate::reference::Reference;
use crate::routing::Decision;
use crate::service::{Due, Holder, Level, SUPERVISORS_LEVEL, ServiceTerms, Watch, Why, review};
use crate::visibility::{TransactionFacts, Visibility};
use crate::workflow::{IllegalTransition, Status, Step, transition};

/// A transaction as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionState {
    pub facts: TransactionFacts,
    pub status: Status,
    pub due_at: DateTime<Utc>,
    /// When the SLA clock was paused (postponed, or awaiting the
    /// beneficiary), if it is.
    pub paused_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub rated: bool,
    pub created_at: DateTime<Utc>,
    /// When staff first answered the beneficiary (an external word of theirs).
    pub first_response_at: Option<DateTime<Utc>>,
    /// Working seconds spent paused before the current pause, if any.
    pub paused_s: i64,
    /// The entity's working calendar, in which the SLA clock runs.
    pub clock: WorkingCalendar,
    /// What the SLA monitor has done to it.
    pub watch: Watch,
}

impl TransactionState {
    /// Past due, not closed, and not postponed (the clock is paused). The list
    /// filter `late=true` is the same rule in SQL.
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        is_late(self.status, self.due_at, now)
    }
}

pub fn is_late(status: Status, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    clock_runs(status) && due_at < now
}

/// Whether a transaction in `status` is on the clock: open, and neither
/// postponed nor awaiting the beneficiary.
pub fn clock_runs(status: Status) -> bool {
    !status.is_closed() && !pauses(status)
}

/// The statuses that stop the SLA clock while a transaction is in them.
fn pauses(status: Status) -> bool {
    matches!(status, Status::Postponed | Status::AwaitingBeneficiary)
}

/// The statuses a late transaction may have, for the same rule in SQL.
pub fn late_statuses() -> impl Iterator<Item = Status> {
    Status::ALL.into_iter().filter(|s| clock_runs(*s))
}

/// When a transaction opened `now` with a type's SLA is due: its target in
/// the entity's working time.
pub fn due_at(clock: &WorkingCalendar, opened: DateTime<Utc>, sla_hours: u32) -> DateTime<Utc> {
    clock.add(opened, Duration::hours(i64::from(sla_hours)))
}

/// Who acts: a signed-in person, or the platform itself (routing, a
/// postponement's end), which no person caused.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Person(&'a Actor),
    Platform,
}

impl By<'_> {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            By::Person(a) => Some(a.user_id),
            By::Platform => None,
        }
    }
}

/// An employee a supervisor wants to give the transaction to, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeFacts {
    pub id: UserId,
    pub entity_id: Option<EntityId>,
    pub active: bool,
    pub is_staff: bool,
}

/// A step someone asks for on a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Comment {
        visibility: Visibility,
        body: String,
    },
    /// A document already stored (the bytes are not the rules' business).
    Attach {
        visibility: Visibility,
        attachment: Attached,
    },
    Voice {
        visibility: Visibility,
        note: Voiced,
    },
    Assign {
        to: AssigneeFacts,
    },
    /// Routing's answer for a transaction that has no assignee (`None`: nobody
    /// is eligible). The platform's step.
    Route {
        decision: Option<Decision>,
    },
    Postpone {
        until: DateTime<Utc>,
        reason: String,
    },
    /// The postponement's date has come. The platform's step.
    Resume,
    /// A service-level mark the monitor found due (`service::review`). The
    /// platform's step.
    MarkSla {
        due: Due,
    },
    /// The monitor escalates the holder: to whom routing chose instead
    /// (`decision`), or, at the top of the ladder or with nobody to route to,
    /// to the department's supervisors. The platform's step.
    Escalate {
        why: Why,
        decision: Option<Decision>,
    },
    AwaitBeneficiary {
        message: String,
    },
    Complete {
        note: Option<String>,
    },
    Reject {
        reason: String,
    },
    Reopen {
        reason: String,
    },
    Rate {
        stars: u8,
        comment: Option<String>,
    },
}

impl Command {
    /// The step's stable name, as the audit log records it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Comment { .. } => "comment",
            Command::Attach { .. } => "attach",
            Command::Voice { .. } => "voice",
            Command::Assign { .. } => "assign",
            Command::Route { .. } => "route",
            Command::Postpone { .. } => "postpone",
            Command::Resume => "resume",
            Command::MarkSla { due } => match due.mark.level {
                Level::Warning => "sla_warning",
                Level::Breach => "sla_breached",
            },
            Command::Escalate { .. } => "escalate",
            Command::AwaitBeneficiary { .. } => "await_beneficiary",
            Command::Complete { .. } => "complete",
            Command::Reject { .. } => "reject",
            Command::Reopen { .. } => "reopen",
            Command::Rate { .. } => "rate",
        }
    }
}

/// Column changes that go with a step; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub status: Option<Status>,
    pub assignee: Option<UserId>,
    pub postponed_until: Option<Option<DateTime<Utc>>>,
    pub paused_at: Option<Option<DateTime<Utc>>>,
    pub due_at: Option<DateTime<Utc>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    pub rating: Option<(u8, Option<String>)>,
    /// The first answer: when, and after how many working seconds (pauses
    /// left out).
    pub first_response: Option<(DateTime<Utc>, i64)>,
    /// Working seconds paused in all, when a pause ends.
    pub paused_s: Option<i64>,
    /// Working seconds from opening to closing (pauses left out) when it
    /// closes; cleared when it reopens.
    pub resolution_s: Option<Option<i64>>,
    /// The SLA monitor's marks given, all of them.
    pub sla_marks: Option<u8>,
    /// The rung of the escalation ladder.
    pub escalations: Option<u8>,
    /// The holder has it afresh (assigned, acted, or a pause ended).
    pub held_since: Option<DateTime<Utc>>,
    /// When the monitor is to look: now, when the clock starts to run again;
    /// never, when it stops. (The monitor sets the next look itself.)
    pub next_check: Option<Option<DateTime<Utc>>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// One event to append, with who caused it and who may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event: Event,
    pub visibility: Visibility,
    pub actor: Option<UserId>,
}

/// What a step does: events in order, column changes, and what the audit log
/// calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub events: Vec<NewEvent>,
    pub changes: Changes,
    pub audit: AuditAction,
    /// The transaction has no assignee after this step and must go through
    /// routing again, in the same database transaction (`Command::Route`).
    pub route: bool,
}

impl Outcome {
    /// The transaction as it stands after this outcome.
    pub fn apply_to(&self, before: &TransactionState) -> TransactionState {
        let c = &self.changes;
        TransactionState {
            facts: TransactionFacts { assignee_id: c.assignee.or(before.facts.assignee_id), ..before.facts.clone() },
            status: c.status.unwrap_or(before.status),
            due_at: c.due_at.unwrap_or(before.due_at),
            paused_at: c.paused_at.unwrap_or(before.paused_at),
            closed_at: c.closed_at.unwrap_or(before.closed_at),
            rated: before.rated || c.rating.is_some(),
            created_at: before.created_at,
            first_response_at: c.first_response.map(|(at, _)| at).or(before.first_response_at),
            paused_s: c.paused_s.unwrap_or(before.paused_s),
            clock: before.clock.clone(),
            watch: Watch {
                marks: c.sla_marks.unwrap_or(before.watch.marks),
                escalations: c.escalations.unwrap_or(before.watch.escalations),
                held_since: c.held_since.or(before.watch.held_since),
            },
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may not do this (403; 404 when they may not even see it, which
    /// the caller checks first).
    #[error("not allowed")]
    Denied,
    /// The lifecycle does not allow it from the current status (409).
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// Rated once already (409).
    #[error("already rated")]
    AlreadyRated,
    /// The employee named cannot be given this transaction (422 on `employee_id`).
    #[error("not assignable")]
    NotAssignable,
}

impl From<Denied> for Refusal {
    fn from(_: Denied) -> Refusal {
        Refusal::Denied
    }
}

/// What opening needs to know about the type, and its entity's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTerms {
    /// The department the type's transactions go to.
    pub department_id: DepartmentId,
    /// The type's targets (its resolution within `service.resolution_hours`).
    pub service: ServiceTerms,
    pub clock: WorkingCalendar,
}

/// A new transaction as decided: its initial status, due time and first events.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub status: Status,
    pub due_at: DateTime<Utc>,
    pub assignee: Option<UserId>,
    pub events: Vec<NewEvent>,
    /// When the SLA monitor first looks at it: the monitor's own review of
    /// it as opened (`service::review`), so that no look is spent on a
    /// transaction just opened; now, if that review finds something due.
    pub next_check: Option<DateTime<Utc>>,
}

/// A beneficiary opens a transaction, routed by `decision`: assigned if routing
/// found someone, new (waiting in the department's queue) otherwise.
pub fn open(
    actor: &Actor,
    t: &NewTransaction,
    terms: &TypeTerms,
    reference: Reference,
    decision: Option<Decision>,
    now: DateTime<Utc>,
) -> Result<Opened, Refusal> {
    authorize(actor, Action::CreateTransaction)?;
    let created = Created { subject: t.subject.clone(), body: t.body.clone(), reference: reference.to_string() };
    let assigned = match &decision {
        Some(d) => Assigned { assignee: Some(d.assignee), reason: AssignReason::Routed(d.clone()) },
        None => Assigned { assignee: None, reason: AssignReason::Said(Assignment::Queued) },
    };
    let assignee = decision.as_ref().map(|d| d.assignee);
    let state = TransactionState {
        facts: TransactionFacts {
            entity_id: t.entity_id,
            department_id: terms.department_id,
            beneficiary_id: actor.user_id,
            assignee_id: assignee,
        },
        status: if decision.is_some() { Status::Assigned } else { Status::New },
        due_at: due_at(&terms.clock, now, terms.service.resolution_hours),
        paused_at: None,
        closed_at: None,
        rated: false,
        created_at: now,
        first_response_at: None,
        paused_s: 0,
        clock: terms.clock.clone(),
        watch: Watch { marks: 0, escalations: 0, held_since: Some(now) },
    };
    // Routing gives work only to an employee active and not on leave now.
    let holder = assignee.map(|_| Holder { active: true, on_leave_until: None });
    let first = review(&state, &terms.service, holder.as_ref(), now);
    let due_now = !first.marks.is_empty() || first.escalate.is_some();
    Ok(Opened {
        status: state.status,
        due_at: state.due_at,
        assignee,
        events: vec![
            NewEvent { event: Event::Created(created), visibility: Visibility::External, actor: Some(actor.user_id) },
            NewEvent { event: Event::Assigned(assigned), visibility: Visibility::Internal, actor: None },
        ],
        next_check: if due_now { Some(now) } else { first.next_check },
    })
}

/// The one place where the rules of a step live. The caller has checked that
/// a person acting can see the transaction (an invisible one is 404).
pub fn decide(by: By<'_>, t: &TransactionState, cmd: Command, now: DateTime<Utc>) -> Result<Outcome, Refusal> {
    if let (By::Person(actor), Some(action)) = (by, permission_for(&cmd, t, now)) {
        authorize_on_transaction(actor, &t.facts, action)?;
    }
    let me = by.user_id();
    let mut d = Decided::new(t, me, now);
    match cmd {
        Command::Comment { visibility, body } => {
            d.writes(visibility)?;
            d.push(Event::Comment(Comment { body }), visibility);
            d.reply_effect(visibility)?;
            d.audit = AuditAction::TransactionComment;
        }
        Command::Attach { visibility, attachment } => {
            d.writes(visibility)?;
            d.push(Event::Attachment(attachment), visibility);
            d.reply_effect(visibility)?;
            d.audit = AuditAction::TransactionAttachment;
        }
        Command::Voice { visibility, note } => {
            d.writes(visibility)?;
            d.push(Event::Voice(note), visibility);
            d.reply_effect(visibility)?;
            d.audit = AuditAction::TransactionVoice;
        }
        Command::Assign { to } => {
            let ok = to.active && to.is_staff && to.entity_id == Some(t.facts.entity_id);
            if !ok {
                return Err(Refusal::NotAssignable);
            }
            let to_status = transition(t.status, Step::Assign)?;
            let assigned = Assigned { assignee: Some(to.id), reason: AssignReason::Said(Assignment::Manual) };
            d.push(Event::Assigned(assigned), Visibility::Internal);
            d.changes.assignee = Some(to.id);
            d.status(to_status, |s| s.assignee = Some(to.id));
        }
        Command::Route { decision } => {
            let By::Platform = by else { return Err(Refusal::Denied) };
            if let Some(decision) = decision {
                d.routed(decision)?;
            }
        }
        Command::Postpone { until, reason } => {
            let to_status = transition(t.status, Step::Postpone)?;
            d.changes.postponed_until = Some(Some(until));
            d.status(to_status, |s| {
                s.until = Some(until);
                s.reason = Some(reason);
            });
        }
        Command::Resume => {
            let By::Platform = by else { return Err(Refusal::Denied) };
            let to_status = transition(t.status, Step::Resume)?;
            d.status(to_status, |s| s.reason = Some("postponement ended".to_owned()));
        }
        Command::MarkSla { due } => {
            let By::Platform = by else { return Err(Refusal::Denied) };
            let bit = due.mark.bit();
            if t.watch.marks & bit != 0 || !clock_runs(t.status) {
                return Err(Refusal::Illegal(IllegalTransition { from: t.status, step: Step::Write }));
            }
            let marked = SlaMarked {
                target: due.mark.target,
                target_hours: due.target_hours,
                due_at: due.due_at,
                assignee: t.facts.assignee_id,
            };
            let event = match due.mark.level {
                Level::Warning => Event::SlaWarning(marked),
                Level::Breach => Event::SlaBreached(marked),
            };
            d.push(event, Visibility::Internal);
            // A breach found late is given without its warning: both are done.
            let skipped = if due.mark.level == Level::Breach { bit >> 1 } else { 0 };
            d.changes.sla_marks = Some(t.watch.marks | bit | skipped);
            d.audit = match due.mark.level {
                Level::Warning => AuditAction::TransactionSlaWarning,
                Level::Breach => AuditAction::TransactionSlaBreach,
            };
        }
        Command::Escalate { why, decision } => {
            let By::Platform = by else { return Err(Refusal::Denied) };
            if t.watch.escalations >= SUPERVISORS_LEVEL || !clock_runs(t.status) || t.facts.assignee_id.is_none() {
                return Err(Refusal::Illegal(IllegalTransition { from: t.status, step: Step::Assign }));
            }
            // A holder who is still there and was escalated once already goes
            // to the supervisors; so does one nobody can replace.
            let decision = decision.filter(|_| t.watch.escalations == 0 || why.unavailable());
            let level = if decision.is_some() { t.watch.escalations + 1 } else { SUPERVISORS_LEVEL };
            let from = t.facts.assignee_id;
            d.push(
                Event::Escalated(Escalated { level: level.min(SUPERVISORS_LEVEL), why, from }),
                Visibility::Internal,
            );
            if let Some(decision) = decision {
                d.routed(decision)?;
            }
            d.escalating = Some(level.min(SUPERVISORS_LEVEL));
            d.audit = AuditAction::TransactionEscalate;
        }
        Command::AwaitBeneficiary { message } => {
            let to_status = transition(t.status, Step::AwaitBeneficiary)?;
            d.push(Event::Comment(Comment { body: message }), Visibility::External);
            d.status(to_status, |_| {});
        }
        Command::Complete { note } => {
            let to_status = transition(t.status, Step::Complete)?;
            if let Some(body) = note {
                d.push(Event::Comment(Comment { body }), Visibility::External);
            }
            d.status(to_status, |_| {});
        }
        Command::Reject { reason } => {
            let to_status = transition(t.status, Step::Reject)?;
            d.status(to_status, |s| s.reason = Some(reason));
        }
        Command::Reopen { reason } => {
            let to_status = transition(t.status, Step::Reopen)?;
            d.status(to_status, |s| s.reason = Some(reason));
            d.route = t.facts.assignee_id.is_none();
        }
        Command::Rate { stars, comment } => {
            transition(t.status, Step::Rate)?;
            if t.rated {
                return Err(Refusal::AlreadyRated);
            }
            d.push(Event::Rated(Rated { stars, comment: comment.clone() }), Visibility::External);
            d.changes.rating = Some((stars, comment));
            d.audit = AuditAction::TransactionRate;
        }
    }
    Ok(d.done())
}

/// What something new on the timeline needs, checked before any upload is
/// stored as well as by `decide`: the permission to write with this
/// visibility (a voice note needs `comment.voice` too), on an open transaction.
pub fn may_write(
    actor: &Actor,
    facts: &TransactionFacts,
    status: Status,
    visibility: Visibility,
    voice: bool,
) -> Result<(), Refusal> {
    let action = if voice { TransactionAction::Voice(visibility) } else { TransactionAction::Comment(visibility) };
    authorize_on_transaction(actor, facts, action)?;
    transition(status, Step::Write)?;
    Ok(())
}

/// The permission a person needs for a command; `None` for the platform's own steps.
fn permission_for(cmd: &Command, t: &TransactionState, now: DateTime<Utc>) -> Option<TransactionAction> {
    Some(match cmd {
        Command::Comment { visibility, .. } | Command::Attach { visibility, .. } => {
            TransactionAction::Comment(*visibility)
        }
        Command::Voice { visibility, .. } => TransactionAction::Voice(*visibility),
        Command::Assign { .. } => TransactionAction::Assign,
        Command::Postpone { .. } => TransactionAction::Postpone,
        Command::AwaitBeneficiary { .. } => TransactionAction::AwaitBeneficiary,
        Command::Complete { .. } => TransactionAction::Complete,
        Command::Reject { .. } => TransactionAction::Reject,
        Command::Reopen { .. } => TransactionAction::Reopen { closed_at: t.closed_at, now },
        Command::Rate { .. } => TransactionAction::Rate,
        Command::Route { .. } | Command::Resume | Command::MarkSla { .. } | Command::Escalate { .. } => return None,
    })
}

/// An outcome being built.
struct Decided<'a> {
    t: &'a TransactionState,
    me: Option<UserId>,
    now: DateTime<Utc>,
    events: Vec<NewEvent>,
    changes: Changes,
    audit: AuditAction,
    route: bool,
    /// The rung an escalation reaches.
    escalating: Option<u8>,
}

impl<'a> Decided<'a> {
    fn new(t: &'a TransactionState, me: Option<UserId>, now: DateTime<Utc>) -> Decided<'a> {
        Decided {
            t,
            me,
            now,
            events: Vec::with_capacity(2),
            changes: Changes::default(),
            audit: AuditAction::TransactionStep,
            route: false,
            escalating: None,
        }
    }

    /// Gives the transaction to whom routing chose, with its reasons.
    fn routed(&mut self, decision: Decision) -> Result<(), Refusal> {
        let to_status = transition(self.t.status, Step::Assign)?;
        let assignee = decision.assignee;
        let assigned = Assigned { assignee: Some(assignee), reason: AssignReason::Routed(decision) };
        self.push(Event::Assigned(assigned), Visibility::Internal);
        self.changes.assignee = Some(assignee);
        self.status(to_status, |_| {});
        Ok(())
    }

    fn push(&mut self, event: Event, visibility: Visibility) {
        self.events.push(NewEvent { event, visibility, actor: self.me });
    }

    /// A closed transaction takes nothing new on its timeline (the
    /// permission is checked with the others, before).
    fn writes(&self, _visibility: Visibility) -> Result<(), Refusal> {
        transition(self.t.status, Step::Write)?;
        Ok(())
    }

    /// What an external word changes: the assignee's first one starts the work
    /// (or resumes a postponed transaction); the beneficiary's answer ends the wait.
    fn reply_effect(&mut self, visibility: Visibility) -> Result<(), Refusal> {
        if visibility != Visibility::External {
            return Ok(());
        }
        let (f, me) = (&self.t.facts, self.me);
        let step = match self.t.status {
            Status::AwaitingBeneficiary if me == Some(f.beneficiary_id) => Step::BeneficiaryReplied,
            Status::Assigned | Status::Reopened if me.is_some() && me == f.assignee_id => Step::Start,
            Status::Postponed if me.is_some() && me == f.assignee_id => Step::Resume,
            _ => return Ok(()),
        };
        let to = transition(self.t.status, step)?;
        self.status(to, |_| {});
        Ok(())
    }

    /// Moves to `to` with a `status_changed` event (`detail` fills in its
    /// extra fields), and what goes with it: closing stamps `closed_at`,
    /// reopening clears it; entering a status that pauses the SLA clock
    /// (postponed, awaiting the beneficiary) stops it, and leaving one starts
    /// it again with the working time that was left before the due time. Staying
    /// put writes nothing.
    fn status(&mut self, to: Status, detail: impl FnOnce(&mut StatusChanged)) {
        let from = self.t.status;
        if to == from {
            return;
        }
        let mut e = StatusChanged::new(from, to);
        detail(&mut e);
        self.push(Event::StatusChanged(e), Visibility::External);
        self.changes.status = Some(to);
        if from == Status::Postponed {
            self.changes.postponed_until = Some(None);
        }
        // The monitor looks again at once when the clock starts to run
        // again, and not at all while it stands still.
        if clock_runs(to) && !clock_runs(from) {
            self.changes.next_check = Some(Some(self.now));
        } else if !clock_runs(to) {
            self.changes.next_check = Some(None);
        }
        match (self.t.paused_at, pauses(to)) {
            (None, true) => self.changes.paused_at = Some(Some(self.now)),
            (Some(paused), false) => {
                self.changes.paused_at = Some(None);
                self.changes.paused_s = Some(self.paused_until_now());
                // Late when paused stays late; otherwise what was left is left.
                if paused < self.t.due_at {
                    let left = self.t.clock.between(paused, self.t.due_at);
                    self.changes.due_at = Some(self.t.clock.add(self.now, left));
                }
            }
            _ => {}
        }
        if to.is_closed() {
            self.changes.closed_at = Some(Some(self.now));
            self.changes.resolution_s = Some(Some(self.worked_until_now()));
        } else if from.is_closed() {
            self.changes.closed_at = Some(None);
            self.changes.resolution_s = Some(None);
        }
    }

    /// Working seconds spent paused up to now, the current pause included.
    fn paused_until_now(&self) -> i64 {
        let current = self.t.paused_at.map_or(0, |p| self.t.clock.between(p, self.now).num_seconds());
        self.t.paused_s + current
    }

    /// Working seconds on the clock since opening: pauses left out.
    fn worked_until_now(&self) -> i64 {
        let open = self.t.clock.between(self.t.created_at, self.now).num_seconds();
        (open - self.paused_until_now()).max(0)
    }

    fn done(mut self) -> Outcome {
        // The first answer: staff saying something the beneficiary sees (a
        // reply, a document, a voice note, a question, a postponement, the
        // closing word), not the bookkeeping of who holds it.
        let staff = self.me.is_some() && self.me != Some(self.t.facts.beneficiary_id);
        let answers = self.events.iter().any(|e| {
            let bookkeeping = matches!(&e.event, Event::StatusChanged(s)
                if matches!(s.to, Status::New | Status::Assigned | Status::Reopened));
            e.visibility == Visibility::External && !bookkeeping
        });
        if staff && answers && self.t.first_response_at.is_none() {
            self.changes.first_response = Some((self.now, self.worked_until_now()));
        }
        // The escalation clock: it starts again when someone holds the
        // transaction afresh, when its holder acts, and when a pause ends; the
        // ladder starts again at the bottom when a person gives it to someone
        // or its holder acts (an escalation sets its own rung).
        let holder_acted = self.me.is_some() && self.me == self.t.facts.assignee_id;
        let handed = self.changes.assignee.is_some_and(|a| Some(a) != self.t.facts.assignee_id);
        let resumed = self.t.paused_at.is_some() && self.changes.paused_at == Some(None);
        if holder_acted || handed || resumed {
            self.changes.held_since = Some(self.now);
        }
        let mut reset = false;
        if let Some(level) = self.escalating {
            self.changes.escalations = Some(level);
        } else if (holder_acted || (handed && self.me.is_some())) && self.t.watch.escalations != 0 {
            self.changes.escalations = Some(0);
            reset = true;
        }
        // A new holder, or a ladder started again, may owe an escalation the
        // monitor had stopped looking for: it looks now (and sets its next look).
        let runs = clock_runs(self.changes.status.unwrap_or(self.t.status));
        if (handed || reset) && runs {
            self.changes.next_check = Some(Some(self.now));
        }
        Outcome { events: self.events, changes: self.changes, audit: self.audit, route: self.route }
    }
}

#[cfg(test)]
mod tests;
