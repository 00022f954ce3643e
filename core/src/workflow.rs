//! The transaction lifecycle as one state machine:
//! `new → assigned → in_progress ⇄ awaiting_beneficiary`, `postponed` (SLA clock
//! paused), `completed`, `rejected`, `reopened`. Who may take a step, and when, is
//! the policy's business; this module only knows which steps exist.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Assigned,
    InProgress,
    AwaitingBeneficiary,
    Postponed,
    Completed,
    Rejected,
    Reopened,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::New,
        Status::Assigned,
        Status::InProgress,
        Status::AwaitingBeneficiary,
        Status::Postponed,
        Status::Completed,
        Status::Rejected,
        Status::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::AwaitingBeneficiary => "awaiting_beneficiary",
            Status::Postponed => "postponed",
            Status::Completed => "completed",
            Status::Rejected => "rejected",
            Status::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Result<Status, ErrorCode> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or(ErrorCode::InvalidChoice)
    }

    /// Completed or rejected.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Completed | Status::Rejected)
    }
}

/// A step in the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Routing or a supervisor gives the transaction to an employee.
    Assign,
    /// The assignee starts working on it (their first action).
    Start,
    /// The assignee asks the beneficiary for something.
    AwaitBeneficiary,
    /// The beneficiary answers while awaited.
    BeneficiaryReplied,
    /// Put off until a date; the SLA clock pauses.
    Postpone,
    /// Work resumes on a postponed transaction.
    Resume,
    Complete,
    Reject,
    Reopen,
    /// The beneficiary rates a closed transaction (no change of status).
    Rate,
    /// Something new on the timeline (a comment, a document, a voice note): no
    /// change of status, and not on a closed transaction.
    Write,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{step:?} is not possible from {from:?}")]
pub struct IllegalTransition {
    pub from: Status,
    pub step: Step,
}

/// The one transition function: the status after `step`, or why it cannot happen.
pub fn transition(from: Status, step: Step) -> Result<Status, IllegalTransition> {
    use Status::*;
    use Step::*;
    let to = match (from, step) {
        // A closed transaction changes only by reopening, and is rated as it is.
        (Completed | Rejected, Reopen) => Reopened,
        (Completed | Rejected, Rate) => from,
        (Completed | Rejected, _) | (_, Rate | Reopen) => return Err(IllegalTransition { from, step }),
        (_, Write) => from,

        (Postponed, Assign) => Postponed,
        (_, Assign) => Assigned,
        (Assigned | Reopened, Start) => InProgress,
        (Assigned | InProgress | Reopened, AwaitBeneficiary) => AwaitingBeneficiary,
        (AwaitingBeneficiary, BeneficiaryReplied) => InProgress,
        (Assigned | InProgress | AwaitingBeneficiary | Reopened, Postpone) => Postponed,
        (Postponed, Resume) => InProgress,
        (Assigned | InProgress | AwaitingBeneficiary | Postponed | Reopened, Complete) => Completed,
        (_, Reject) => Rejected,
        _ => return Err(IllegalTransition { from, step }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STEPS: [Step; 11] = [
        Step::Assign,
        Step::Start,
        Step::AwaitBeneficiary,
        Step::BeneficiaryReplied,
        Step::Postpone,
        Step::Resume,
        Step::Complete,
        Step::Reject,
        Step::Reopen,
        Step::Rate,
        Step::Write,
    ];

    #[test]
    fn the_documented_path() {
        let mut s = Status::New;
        for (step, want) in [
            (Step::Assign, Status::Assigned),
            (Step::Start, Status::InProgress),
            (Step::AwaitBeneficiary, Status::AwaitingBeneficiary),
            (Step::BeneficiaryReplied, Status::InProgress),
            (Step::Postpone, Status::Postponed),
            (Step::Resume, Status::InProgress),
            (Step::Complete, Status::Completed),
            (Step::Rate, Status::Completed),
            (Step::Reopen, Status::Reopened),
            (Step::Reject, Status::Rejected),
        ] {
            s = transition(s, step).unwrap();
            assert_eq!(s, want, "{step:?}");
        }
        assert!(transition(Status::New, Step::Complete).is_err(), "nobody has worked on it");
        assert!(transition(Status::Completed, Step::Complete).is_err());
        assert!(transition(Status::InProgress, Step::Rate).is_err(), "rated only after closing");
        assert!(transition(Status::InProgress, Step::Reopen).is_err());
        assert_eq!(transition(Status::Postponed, Step::Write), Ok(Status::Postponed));
        assert!(transition(Status::Completed, Step::Write).is_err(), "a closed transaction takes no comment");
        assert!(transition(Status::Rejected, Step::Write).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }

    proptest! {
        /// Random sequences of steps: refused steps change nothing, and a closed
        /// transaction changes only through reopen (rate keeps it as it is).
        #[test]
        fn random_sequences_keep_the_invariants(steps in proptest::collection::vec(0usize..STEPS.len(), 0..60)) {
            let mut s = Status::New;
            for i in steps {
                let step = STEPS[i];
                match transition(s, step) {
                    Ok(next) => {
                        if s.is_closed() {
                            prop_assert!(matches!(step, Step::Reopen | Step::Rate), "{:?} changed a closed transaction", step);
                            prop_assert!(next == s || next == Status::Reopened);
                        }
                        if next == Status::Completed && !s.is_closed() {
                            prop_assert!(s != Status::New, "completed before anyone had it");
                        }
                        prop_assert!(next != Status::New || s == Status::New, "nothing returns to new");
                        s = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, s),
                }
            }
        }
    }
}
