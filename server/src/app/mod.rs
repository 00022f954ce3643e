//! The use cases: the one way every action is taken. HTTP routes, the demo and
//! the workers call these and nothing below them. Each use case checks who may
//! act, asks `core` what the action does, and commits the changes, the events
//! and the audit entry in one database transaction; then it wakes what follows
//! the event log.

pub mod me;
pub mod meetings;
pub mod my_calendar;
pub mod organisation;
pub mod service_levels;
pub mod transactions;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use futures_util::future::BoxFuture;
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
    /// Where the use cases read the time.
    pub clock: Clock,
}

/// Where the use cases read the time: the system's, or one set by hand (the
/// demo's history is made by the same use cases, at the instants it sets).
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<std::sync::Mutex<DateTime<Utc>>>>);

impl Clock {
    /// A clock that stands at `t` until set again.
    pub fn set_by_hand(t: DateTime<Utc>) -> Clock {
        Clock(Some(Arc::new(std::sync::Mutex::new(t))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a clock set by hand (the system's is not moved).
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(t) = &self.0 {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }
}

impl App {
    /// Use cases on `db`, without an outbox worker to wake (a worker finds
    /// what was enqueued on its next round).
    pub fn new(db: Db, committed: Committed) -> App {
        App { db, committed, outbox_wake: Arc::new(Notify::new()), public_url: String::new(), clock: Clock::default() }
    }

    /// Use cases that wake this outbox worker and link to this address.
    pub fn serving(mut self, outbox_wake: Arc<Notify>, public_url: String) -> App {
        self.outbox_wake = outbox_wake;
        self.public_url = public_url;
        self
    }

    /// The same use cases, reading the time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> App {
        self.clock = clock;
        self
    }

    /// Runs a use case's unit of work in one database transaction (on
    /// SQLite, on the writer's thread), at the clock's instant as it begins,
    /// and commits it with its answer stored
    /// under the request's `Idempotency-Key`, when it has one, so that a retry
    /// after a crash replays exactly what committed; then wakes the log's
    /// consumers.
    pub(crate) async fn unit<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Answering + Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction, DateTime<Utc>) -> BoxFuture<'t, ApiResult<T>> + Send + 'static,
    {
        let key = crate::idempotency::running();
        let stored_under = key.clone();
        let address = crate::audit::client_address();
        let clock = self.clock.clone();
        let done = self
            .db
            .unit(move |tx| {
                Box::pin(async move {
                    let done = crate::audit::from_address(address, work(tx, clock.now())).await?;
                    if let (Some(a), Some(key)) = (done.answer(), &stored_under) {
                        let body = serde_json::to_vec(&a.body).map_err(ApiError::internal)?;
                        idempotency::complete(tx, &key.scope, &key.key, a.status, Some("application/json"), &body)
                            .await?;
                    }
                    Ok::<_, ApiError>(done)
                })
            })
            .await?;
        if let (Some(key), Some(_)) = (key, done.answer()) {
            key.answered();
        }
        self.committed.ring();
        Ok(done)
    }

    /// Wakes the outbox worker for what a unit enqueued itself (credentials,
    /// one-time codes; notifications come through the notifier).
    pub(crate) fn wake_outbox(&self, queued: bool) {
        if queued {
            self.outbox_wake.notify_one();
        }
    }
}

/// What a unit of work returns, and the answer in it to store under the
/// request's `Idempotency-Key`, if any.
pub(crate) trait Answering {
    fn answer(&self) -> Option<&Answer>;
}

impl Answering for Answer {
    fn answer(&self) -> Option<&Answer> {
        Some(self)
    }
}

/// A worker's unit of work answers nobody.
impl Answering for () {
    fn answer(&self) -> Option<&Answer> {
        None
    }
}

impl Answering for usize {
    fn answer(&self) -> Option<&Answer> {
        None
    }
}

impl Answering for bool {
    fn answer(&self) -> Option<&Answer> {
        None
    }
}

impl<T> Answering for (Answer, T) {
    fn answer(&self) -> Option<&Answer> {
        Some(&self.0)
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
