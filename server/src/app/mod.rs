//! The use cases: the one way every action is taken. HTTP routes, the demo and
//! the workers call these and nothing below them. Each use case checks who may
//! act, asks `core` what the action does, and commits the changes, the events
//! and the audit entry in one database transaction; then it wakes what follows
//! the event log.

pub mod transactions;

use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::lifecycle::Refusal;
use tawasul_storage::{DatabaseTransaction, Db, idempotency};

use crate::error::{ApiError, ApiResult};
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

    /// Commits a use case's database transaction — with its answer stored
    /// under the request's `Idempotency-Key`, when it has one, so that a
    /// retry after a crash replays exactly what committed — and wakes the
    /// log's consumers.
    async fn commit(&self, tx: DatabaseTransaction, answer: Option<&Answer>) -> ApiResult<()> {
        if let (Some(a), Some(key)) = (answer, crate::idempotency::running()) {
            let body = serde_json::to_vec(&a.body).map_err(ApiError::internal)?;
            idempotency::complete(&tx, &key.scope, &key.key, a.status, Some("application/json"), &body).await?;
        }
        tx.commit().await?;
        self.committed.ring();
        Ok(())
    }
}

/// What a use case answers: a status and a JSON body, decided inside its
/// database transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn created(body: impl serde::Serialize) -> ApiResult<Answer> {
        Ok(Answer { status: 201, body: serde_json::to_value(body).map_err(ApiError::internal)? })
    }

    pub fn ok(body: impl serde::Serialize) -> ApiResult<Answer> {
        Ok(Answer { status: 200, body: serde_json::to_value(body).map_err(ApiError::internal)? })
    }

    pub fn respond(&self) -> actix_web::HttpResponse {
        let status = actix_web::http::StatusCode::from_u16(self.status).unwrap_or(actix_web::http::StatusCode::OK);
        actix_web::HttpResponse::build(status).json(&self.body)
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
