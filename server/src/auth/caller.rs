//! The signed-in caller, extracted from `Authorization: Bearer …`: the token is
//! checked, its session must still be live (log-out ends it at once), and the
//! account is the one loaded with it — from the database, or from the session
//! cache, which every change to the account clears before it is answered, so
//! that a revoked permission applies on the very next request.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::{DateTime, Utc};
use tawasul_core::ErrorCode;
use tawasul_core::api::ActorRef;
use tawasul_core::ids::UserId;
use tawasul_core::org::Actor;
use tawasul_storage::accounts::{self, Account};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub struct Caller {
    pub account: Account,
    pub session: Uuid,
}

impl Caller {
    pub fn actor(&self) -> &Actor {
        &self.account.actor
    }

    /// The entity the caller works for, if staff (what their audit entries belong to).
    pub fn entity_id(&self) -> Option<tawasul_core::ids::EntityId> {
        self.actor().staff().map(|s| s.entity_id)
    }

    /// The caller as a timeline names them.
    pub fn actor_ref(&self) -> ActorRef {
        crate::app::transactions::named(&self.account)
    }
}

pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Checks an access token: its signature and expiry, that its session is still
/// live, and that the account is active. Used by HTTP requests and by the
/// real-time gateway; returns the caller and when the token expires.
pub async fn authenticate(state: &AppState, token: &str) -> Result<(Caller, DateTime<Utc>), ApiError> {
    let claims = state.tokens.decode(token).ok_or(ApiError::new(ErrorCode::TokenInvalid))?;
    let caller = in_session(state, claims.sub.into(), claims.sid).await?;
    let expires = DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now);
    Ok((caller, expires))
}

/// The caller of a live session: by access token or by the web pages'
/// cookie, the same checks. A caller seen in the last few seconds is taken
/// from the session cache, which every signal about their account clears.
pub async fn in_session(state: &AppState, user: UserId, session: Uuid) -> Result<Caller, ApiError> {
    let now = Utc::now();
    let cached = state.sessions.get(user, session, now);
    state.metrics.session_cache.with_label_values(&[if cached.is_some() { "hit" } else { "miss" }]).inc();
    let account = match cached {
        Some(account) => account,
        None => {
            let ticket = state.sessions.ticket();
            let found = accounts::load_in_session(state.db.read(), user, session, now).await?;
            let (account, ends) = found.ok_or(ApiError::new(ErrorCode::TokenInvalid))?;
            // The account first: a deactivated person is told so (their sessions were
            // ended too, and do not come back when the account is reactivated).
            if !account.active {
                return Err(ApiError::new(ErrorCode::AccountDisabled));
            }
            let ends = ends.ok_or(ApiError::new(ErrorCode::TokenInvalid))?;
            state.sessions.put(ticket, session, &account, ends);
            account
        }
    };
    state.presence.seen(user, now);
    Ok(Caller { account, session })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req).map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no state")))?;
            let token = token.ok_or(ApiError::new(ErrorCode::Unauthenticated))?;
            authenticate(&state, &token).await.map(|(caller, _)| caller)
        })
    }
}
