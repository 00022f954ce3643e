//! The use cases: the one way every action is taken. HTTP routes, the demo and
//! the workers call these and nothing below them. Each use case checks who may
//! act, asks `core` what the action does, and commits the changes, the events
//! and the audit entry in one database transaction; then it wakes what follows
//! the event log.

pub mod organisation;
pub mod transactions;

use std::sync::Arc;

use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::lifecycle::Refusal;
use tawasul_storage::{DatabaseTransaction, Db, idempotency};
use tokio::sync::Notify;

use crate::error::{ApiError, ApiResult};
use crate::log::Committed;

/// What the use cases need; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// Rung after every commit: the log's consumers on this node read at once.
    pub committed: Committed,
    /// Wakes the outbox worker after a commit that enqueued a message itself
    /// (credentials; notifications come through the notifier).
    pub outbox_wake: Arc<Notify>,
    /// Where the application is opened, for the links in messages.
    pub public_url: String,
}

impl App {
    /// Use cases on `db`, without an outbox worker to wake (a worker finds
    /// what was enqueued on its next round).
    pub fn new(db: Db, committed: Committed) -> App {
        App { db, committed, outbox_wake: Arc::new(Notify::new()), public_url: String::new() }
    }

    /// Use cases that wake this outbox worker and link to this address.
    pub fn serving(mut self, outbox_wake: Arc<Notify>, public_url: String) -> App {
        self.outbox_wake = outbox_wake;
        self.public_url = public_url;
        self
    }

    /// Commits a use case's database transaction — with its answer stored
    /// under the request's `Idempotency-Key`, when it has one, so that a
    /// retry after a crash replays exactly what committed — and wakes the
    /// log's consumers.
    pub(crate) async fn commit(&self, tx: DatabaseTransaction, answer: Option<&Answer>) -> ApiResult<()> {
        if let (Some(a), Some(key)) = (answer, crate::idempotency::running()) {
            let body = serde_json::to_vec(&a.body).map_err(ApiError::internal)?;
            idempotency::complete(&tx, &key.scope, &key.key, a.status, Some("application/json"), &body).await?;
            tx.commit().await?;
            key.answered();
        } else {
            tx.commit().await?;
        }
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

    pub fn accepted(body: impl serde::Serialize) -> ApiResult<Answer> {
        Ok(Answer { status: 202, body: serde_json::to_value(body).map_err(ApiError::internal)? })
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
