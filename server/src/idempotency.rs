//! `Idempotency-Key` for every write, in one place: the first response to a key is
//! stored and replayed for repeats by the same caller, which then write nothing.
//! The key is scoped by caller and route; reusing it for a different request is
//! refused. A request still running under the same key gets 409. Only a
//! success is kept: a refused request leaves the key free for its retry.
//!
//! While a keyed request runs, its key is in a task-local (`running`), so that
//! a use case stores its answer under the key in the write's own database
//! transaction: after a crash the key either replays what committed or, once
//! its lease has passed, runs anew. The few writes that commit no answer of
//! their own (log-in, token refresh, log-out: nothing a retry could do twice)
//! have theirs stored here after the handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use chrono::Utc;
use sha2::{Digest, Sha256};
use tawasul_core::ErrorCode;
use tawasul_storage::idempotency::{self, Begin};

use crate::auth::caller::bearer;
use crate::body::{JSON_LIMIT, read_to_end};
use crate::error::ApiError;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";

/// The key of the keyed write being served.
#[derive(Debug, Clone)]
pub struct Running {
    pub scope: String,
    pub key: String,
    /// Set once the answer is stored with the write's own commit.
    answered: Arc<AtomicBool>,
}

impl Running {
    /// The write's commit stored the answer under the key.
    pub fn answered(&self) {
        self.answered.store(true, Ordering::Release);
    }
}

tokio::task_local! {
    static RUNNING: Running;
}

/// The key of the request being served, if it carried one and runs for the first time.
pub fn running() -> Option<Running> {
    RUNNING.try_with(Clone::clone).ok()
}

pub async fn idempotent_writes(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_write = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let key = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // A ballot is never kept under a key: the kept request's hash would tie
    // the voter to their option (a secret ballot is kept nowhere), and a
    // second ballot is refused anyway, so a retry learns that the first counted.
    let (Some(key), true) = (key, is_write && !is_ballot(req.path())) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if key.is_empty() || key.len() > 200 {
        let err = ApiError::field("Idempotency-Key", ErrorCode::InvalidField);
        return Ok(req.into_response(err.error_response()));
    }

    // The caller, from the token's subject alone: the handler checks the token
    // fully; a forged token only reaches a scope that nobody else uses.
    let who = bearer(req.request())
        .and_then(|t| state.tokens.decode(t))
        .map(|c| c.sub.to_string())
        .unwrap_or_else(|| "anonymous".into());
    let scope = format!("{who} {} {}", req.method(), req.path());
    let request_hash = if is_streamed(&req) {
        // Uploads stream through (a document may be tens of megabytes): a key is
        // tied to the request's query and declared length instead of its bytes.
        let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).unwrap_or("");
        hex::encode(
            Sha256::new().chain_update(req.query_string()).chain_update(b"\0stream\0").chain_update(length).finalize(),
        )
    } else {
        let body = match read_to_end(req.take_payload(), JSON_LIMIT, state.settings.body_timeout()).await {
            Ok(b) => b,
            Err(e) => return Ok(req.into_response(e.error_response())),
        };
        let hash = hex::encode(Sha256::new().chain_update(req.query_string()).chain_update(&body).finalize());
        req.set_payload(actix_web::dev::Payload::from(body));
        hash
    };

    let db = state.db.write();
    let lease = chrono::Duration::seconds(i64::try_from(state.settings.idempotency_lease_secs).unwrap_or(60));
    match idempotency::begin(db, &scope, &key, &request_hash, Utc::now(), lease).await {
        Err(e) => return Ok(req.into_response(ApiError::from(e).error_response())),
        Ok(Begin::InProgress) => {
            return Ok(req.into_response(ApiError::new(ErrorCode::IdempotencyInProgress).error_response()));
        }
        Ok(Begin::Mismatch) => {
            return Ok(req.into_response(ApiError::new(ErrorCode::IdempotencyKeyReused).error_response()));
        }
        Ok(Begin::Replay { status, content_type, body }) => {
            let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
            if let Some(ct) = content_type {
                res.insert_header((header::CONTENT_TYPE, ct));
            }
            res.insert_header(("Idempotent-Replayed", "true"));
            return Ok(req.into_response(res.body(body)));
        }
        Ok(Begin::Fresh) => {}
    }

    let answered = Arc::new(AtomicBool::new(false));
    let running = Running { scope: scope.clone(), key: key.clone(), answered: answered.clone() };
    let res = RUNNING.scope(running, next.call(req)).await;
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            let _ = idempotency::abandon(db, &scope, &key).await;
            return Err(e);
        }
    };
    if !res.status().is_success() {
        // Only a write's result is kept. A refused request (4xx: invalid,
        // forbidden, conflicting) wrote nothing, and an unexpected failure
        // (5xx) rolled back: the key is forgotten, so that the client's retry
        // — with its body corrected, say — runs.
        let _ = idempotency::abandon(db, &scope, &key).await;
        return Ok(res.map_into_boxed_body());
    }
    if answered.load(Ordering::Acquire) {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = body::to_bytes(body).await.map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let content_type = head.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Err(e) =
        idempotency::complete(db, &scope, &key, head.status().as_u16(), content_type.as_deref(), &bytes).await
    {
        tracing::warn!(error = ?e, "could not store an idempotent response");
    }
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(bytes))))
}

/// Whether the request body is an upload that must stream (documents, voice notes).
fn is_streamed(req: &ServiceRequest) -> bool {
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    ct.starts_with("multipart/") || ct.starts_with("audio/")
}

/// `POST /api/v1/votes/{id}/ballots`.
fn is_ballot(path: &str) -> bool {
    path.strip_prefix("/api/v1/votes/").is_some_and(|rest| rest.ends_with("/ballots") && rest.matches('/').count() == 1)
}
