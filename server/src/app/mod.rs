//! The use cases: the one way every action is taken. HTTP routes, the demo and
//! the workers call these and nothing below them. Each use case checks who may
//! act, asks `core` what the action does, and commits the changes, the events
//! and the audit entry in one database transaction; then it wakes what follows
//! the event log.

pub mod transactions;

use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::lifecycle::Refusal;
use tawasul_storage::Db;

use crate::error::ApiError;
use crate::log::Committed;

/// What the use cases need; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// Rung after every commit: the log's consumers on this node read at once.
    pub committed: Committed,
}

impl App {
    pub fn new(db: Db, committed: Committed) -> App {
        App { db, committed }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        match r {
            Refusal::Denied => ApiError::new(ErrorCode::Forbidden),
            Refusal::Illegal(e) => ApiError::new(ErrorCode::IllegalTransition)
                .with_details(json!({ "status": e.from, "action": format!("{:?}", e.step) })),
            Refusal::AlreadyRated => ApiError::new(ErrorCode::AlreadyRated),
            Refusal::NotAssignable => ApiError::field("employee_id", ErrorCode::InvalidField),
        }
    }
}
