//! The web pages' session: an HttpOnly, SameSite=Lax cookie naming the same
//! server-side session as the API's tokens (`sessions`), signed with the
//! server's key. It is checked exactly as a token is (`in_session`): log-out,
//! deactivation or a revoked session end the page session at once, and log-out
//! from the pages ends the tokens' session too, since it is one session.
//!
//! Every form carries a CSRF token. Signed in, it is the keyed hash of the
//! session (nothing to store, and it dies with the session); on the sign-in
//! form, before any session, it is the double-submit of a random cookie.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use std::future::Future;
use std::pin::Pin;
use tawasul_core::ErrorCode;
use tawasul_core::ids::UserId;
use uuid::Uuid;

use crate::auth::Caller;
use crate::auth::caller::in_session;
use crate::error::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tawasul_session";
pub const CSRF_COOKIE: &str = "tawasul_csrf";
/// The hidden field of every form.
pub const CSRF_FIELD: &str = "csrf";

fn signature(state: &AppState, session: Uuid, user: UserId) -> String {
    state.tokens.keyed_hash(&["web-session", &session.to_string(), &user.to_string()])
}

/// The cookie that opens the pages for this session.
pub fn session_cookie(state: &AppState, user: UserId, session: Uuid) -> Cookie<'static> {
    let value = format!("{session}.{user}.{}", signature(state, session, user));
    hardened(Cookie::build(SESSION_COOKIE, value)).finish()
}

/// The cookie that, sent back, removes the session cookie.
pub fn ended_cookie() -> Cookie<'static> {
    let mut c = hardened(Cookie::build(SESSION_COOKIE, "")).finish();
    c.make_removal();
    c
}

fn hardened(b: actix_web::cookie::CookieBuilder<'static>) -> actix_web::cookie::CookieBuilder<'static> {
    // Lax: a link from elsewhere still opens the page signed in, while a
    // cross-site form post arrives without the cookie.
    b.path("/").http_only(true).same_site(SameSite::Lax)
}

/// The session and person a cookie names, if its signature holds.
fn parse(state: &AppState, value: &str) -> Option<(Uuid, UserId)> {
    let mut parts = value.splitn(3, '.');
    let session = Uuid::parse_str(parts.next()?).ok()?;
    let user = UserId(Uuid::parse_str(parts.next()?).ok()?);
    let given = parts.next()?;
    let expected = signature(state, session, user);
    constant_time_eq(given.as_bytes(), expected.as_bytes()).then_some((session, user))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The CSRF token of a signed-in session.
pub fn csrf_token(state: &AppState, session: Uuid) -> String {
    state.tokens.keyed_hash(&["web-csrf", &session.to_string()])
}

/// Whether a form's token is the session's.
pub fn csrf_holds(state: &AppState, session: Uuid, given: &str) -> bool {
    constant_time_eq(given.as_bytes(), csrf_token(state, session).as_bytes())
}

/// A new random value for the sign-in form's double-submit cookie.
pub fn new_csrf_cookie() -> (Cookie<'static>, String) {
    let value = crate::auth::tokens::new_secret_token();
    (hardened(Cookie::build(CSRF_COOKIE, value.clone())).finish(), value)
}

/// Whether the sign-in form's token matches its cookie.
pub fn anonymous_csrf_holds(req: &HttpRequest, given: &str) -> bool {
    req.cookie(CSRF_COOKIE)
        .is_some_and(|c| !c.value().is_empty() && constant_time_eq(c.value().as_bytes(), given.as_bytes()))
}

/// A signed-in visitor of the pages; without a live session, the extractor
/// fails with 401 and the pages answer with the sign-in page.
pub struct Visitor {
    pub caller: Caller,
    pub csrf: String,
    /// The person's unread in-app notices, for the header's count.
    pub unread: u64,
}

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Visitor, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no state")))?;
            let (session, user) =
                cookie.and_then(|c| parse(&state, &c)).ok_or(ApiError::new(ErrorCode::Unauthenticated))?;
            let caller = in_session(&state, user, session).await?;
            let unread = tawasul_storage::in_app::unread(state.db.read(), user).await?;
            Ok(Visitor { csrf: csrf_token(&state, session), caller, unread })
        })
    }
}

/// An access token of the page's own session, for the script's WebSocket
/// (which authenticates with a token): read only by this origin's script,
/// since the answer carries no CORS header, and useless without the cookie.
#[actix_web::get("/session/token")]
pub async fn token(
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let v = visitor?;
    let token = state
        .tokens
        .access_token(v.caller.actor().user_id, v.caller.session, chrono::Utc::now())
        .map_err(ApiError::internal)?;
    Ok(actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "token": token })))
}
