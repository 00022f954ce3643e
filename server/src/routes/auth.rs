//! Identity: register, log in, refresh, log out, one-time codes, `GET /me`.

use std::time::Instant;

use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use tawasul_core::api::{
    AuthResponse, ChangePasswordRequest, LoginRequest, LogoutRequest, OtpChannel, OtpSendRequest, OtpVerifyRequest,
    RefreshRequest, RegisterRequest, TokenPair, UserView,
};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::catalogue::{Arg, text};
use tawasul_core::identity::LoginIdentifier;
use tawasul_core::ids::UserId;
use tawasul_core::{ErrorCode, Lang};
use tawasul_storage::audit;
use tawasul_storage::outbox::{self, Message};
use tawasul_storage::sessions::{self, Rotation};
use tawasul_storage::{ConnectionTrait, TransactionTrait, accounts, otp};
use uuid::Uuid;

use crate::app::Answer;
use crate::auth::Caller;
use crate::auth::limiter::{Blocked, Rule};
use crate::auth::passwords;
use crate::auth::tokens::{self, ACCESS_TTL, REFRESH_TTL, TokenKeys};
use crate::body::Json;
use crate::error::{ApiError, ApiResult};
use crate::realtime::bus::AccountSignal;
use crate::state::AppState;

/// Starts a session (or continues one, on refresh): a new refresh token stored as
/// a hash, and an access token naming the session.
async fn issue_tokens(keys: &TokenKeys, c: &impl ConnectionTrait, user: UserId, session: Uuid) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let refresh_token = tokens::new_secret_token();
    sessions::issue(c, user, session, &tokens::secret_token_hash(&refresh_token), now + REFRESH_TTL, now).await?;
    let access = keys.access_token(user, session, now).map_err(ApiError::internal)?;
    Ok(TokenPair { access_token: access, refresh_token, expires_in: ACCESS_TTL.num_seconds() as u64 })
}

async fn user_view(c: &impl ConnectionTrait, user: UserId) -> ApiResult<UserView> {
    let account = accounts::load(c, user).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    Ok(account.view)
}

/// Registers a beneficiary and signs them in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "identity", request_body = RegisterRequest, responses(
    (status = 201, body = AuthResponse),
    (status = 409, description = "An account with one of these identifiers exists (which one is not said)"),
    (status = 422, description = "A field is invalid; `details.field` names it. A password is refused when shorter than 8 characters (`identity.weak_password`), common or easy to guess (`identity.common_password`), or containing the ID number, mobile, e-mail or name (`identity.password_has_personal_data`)"),
    (status = 429, description = "`request.rate_limited`: too many registrations from this address; `Retry-After` says when")))]
#[post("/auth/register")]
pub async fn register(state: web::Data<AppState>, body: Json<RegisterRequest>) -> ApiResult<HttpResponse> {
    let (answer, _) = sign_up(&state, &body).await?;
    Ok(answer.respond())
}

/// Who registered, and the session they are signed in with.
pub(crate) struct SignedUp {
    pub user: UserId,
    pub session: Uuid,
}

/// Registers a beneficiary under the registration limit, audited, and signs
/// them in: the one way to register, for the API and the web pages. The
/// answer (stored under a keyed request's `Idempotency-Key`) is the API's.
pub(crate) async fn sign_up(state: &AppState, body: &RegisterRequest) -> ApiResult<(Answer, SignedUp)> {
    let r = body.parse()?;
    // Counted once the request is well-formed: what is limited is probing which
    // identifiers have an account (the 409 names none, but it does answer).
    let address = client_address();
    let keys = [(Rule::RegistrationsPerAddress, address.as_str())];
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::RateLimited, b))?;
    audit_limits_reached(state, &reached, None, AuditTarget::Address(address.clone())).await?;
    let hash = passwords::hash(r.password.expose().to_owned()).await?;
    let tokens = state.tokens.clone();
    let session = Uuid::now_v7();
    // A retry of the same keyed registration replays this answer.
    state
        .app
        .unit(move |tx, now| {
            Box::pin(async move {
                let user = accounts::register_beneficiary(tx, &r, &hash, now).await?;
                audit::append(
                    tx,
                    crate::audit::entry(Some(user), None, AuditAction::Register, AuditTarget::User(user))
                        .after(json!({ "role": "beneficiary", "id_type": r.id.kind() })),
                    now,
                )
                .await?;
                let pair = issue_tokens(&tokens, tx, user, session).await?;
                let view = user_view(tx, user).await?;
                let answer = Answer::created(AuthResponse {
                    user: view,
                    access_token: pair.access_token,
                    refresh_token: pair.refresh_token,
                    expires_in: pair.expires_in,
                })?;
                Ok((answer, SignedUp { user, session }))
            })
        })
        .await
}

/// The client's address as the limits and the audit log know it.
/// Where the request came from, as the audit trail records it: limits are counted per address.
pub(crate) fn client_address() -> String {
    crate::audit::client_address().unwrap_or_default()
}

/// A 429 for a reached limit, with `Retry-After`.
pub(crate) fn too_many(code: ErrorCode, b: Blocked) -> ApiError {
    ApiError::new(code).retry_after(b.retry_after_secs)
}

/// Records in the audit log each limit an attempt has just reached (once per
/// window, not for every refused attempt after it).
pub(crate) async fn audit_limits_reached(
    state: &AppState,
    reached: &[Rule],
    actor: Option<UserId>,
    target: AuditTarget,
) -> ApiResult<()> {
    for rule in reached {
        let entry = crate::audit::entry(actor, None, AuditAction::RateLimited, target.clone())
            .after(json!({ "limit": rule.as_str() }));
        audit::append_alone(state.db.write(), entry, Utc::now()).await?;
    }
    Ok(())
}

/// A stable, non-reversible key for a login in the limiter and the audit log, so
/// that neither keeps the identifier itself.
pub(crate) fn login_key(identifier: &LoginIdentifier) -> String {
    let s = match identifier {
        LoginIdentifier::Email(e) => e.to_string(),
        LoginIdentifier::Mobile(m) => m.to_string(),
        LoginIdentifier::IdNumber(n) => n.clone(),
    };
    hex::encode(&Sha256::digest(s.as_bytes())[..12])
}

/// Signs in with an ID number, e-mail or mobile. A wrong password and an unknown
/// login get the same 401; repeated failures get 429.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "identity", request_body = LoginRequest, responses(
    (status = 200, body = AuthResponse), (status = 401, description = "Wrong login or password"),
    (status = 429, description = "`auth.too_many_attempts`: too many failures for this account (whichever identifier was used) or from this address; `Retry-After` says when")))]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, body: Json<LoginRequest>) -> ApiResult<HttpResponse> {
    let (user, _, pair) = sign_in(&state, &body).await?;
    let user = user_view(state.db.write(), user).await?;
    Ok(HttpResponse::Ok().json(AuthResponse {
        user,
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        expires_in: pair.expires_in,
    }))
}

/// Checks a login and its password under the failure limits and opens a
/// session, audited: the one way in, for the API and the web pages. Returns
/// the person, the session and its first tokens.
pub(crate) async fn sign_in(state: &AppState, body: &LoginRequest) -> ApiResult<(UserId, Uuid, TokenPair)> {
    let identifier = LoginIdentifier::parse(&body.login);
    let address = client_address();
    let creds = accounts::find_credentials(state.db.read(), &identifier).await?;
    // Failures count per account, whichever of its identifiers was typed; a
    // login that names no account counts by itself, so that it locks alike.
    let account_key = match &creds {
        Some(c) => c.user_id.to_string(),
        None => format!("login:{}", login_key(&identifier)),
    };
    let keys = [(Rule::LoginFailuresPerAccount, account_key.as_str()), (Rule::LoginFailuresPerAddress, &address)];
    // Taken as a failure before the password is checked, and given back if it
    // was right: concurrent guesses cannot all pass the limit unseen.
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::TooManyAttempts, b))?;
    let ok = passwords::verify(body.password.clone(), creds.as_ref().map(|c| c.password_hash.clone())).await?;
    let now = Utc::now();
    let Some(creds) = creds.filter(|_| ok) else {
        let target = AuditTarget::Login(login_key(&identifier));
        audit::append_alone(
            state.db.write(),
            crate::audit::entry(None, None, AuditAction::LoginFailed, target.clone()),
            now,
        )
        .await?;
        audit_limits_reached(state, &reached, None, target).await?;
        return Err(ApiError::new(ErrorCode::InvalidCredentials));
    };
    state.limiter.clear(Rule::LoginFailuresPerAccount, &account_key);
    state.limiter.give_back(Rule::LoginFailuresPerAddress, &address);
    if !creds.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    let session = Uuid::now_v7();
    let tx = state.db.write().begin().await?;
    let pair = issue_tokens(&state.tokens, &tx, creds.user_id, session).await?;
    audit::append(
        &tx,
        crate::audit::entry(Some(creds.user_id), None, AuditAction::Login, AuditTarget::User(creds.user_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((creds.user_id, session, pair))
}

/// Exchanges a refresh token for a new pair; the old refresh token is spent.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "identity", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, description = "Unknown, expired, revoked or already used; a used one revokes its whole session and closes its WebSockets")))]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let rotation = sessions::consume(&tx, &tokens::secret_token_hash(&body.refresh_token), now).await?;
    let (user, session) = match rotation {
        Rotation::Rotated { user, session } => (user, session),
        Rotation::Refused => return Err(ApiError::new(ErrorCode::RefreshTokenInvalid)),
        Rotation::Reused { user, session } => {
            // Someone holds a copy of the token: the session has just been
            // revoked, which must stick, and its open connections end now.
            audit::append(
                &tx,
                crate::audit::entry(Some(user), None, AuditAction::RefreshTokenReused, AuditTarget::User(user))
                    .after(json!({ "session": session })),
                now,
            )
            .await?;
            tx.commit().await?;
            state.realtime.signal(user, AccountSignal::SessionEnded { session });
            return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
        }
    };
    let account = accounts::load(&tx, user).await?.ok_or(ApiError::new(ErrorCode::RefreshTokenInvalid))?;
    if !account.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    let pair = issue_tokens(&state.tokens, &tx, user, session).await?;
    let entry = crate::audit::entry(
        Some(user),
        account.actor.staff().map(|s| s.entity_id),
        AuditAction::TokenRefresh,
        AuditTarget::User(user),
    )
    .after(json!({ "session": session }));
    audit::append(&tx, entry, now).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// The optional body of log-out: nothing, or a JSON object.
fn logout_request(body: &[u8]) -> ApiResult<LogoutRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(LogoutRequest::default());
    }
    crate::body::parse(body)
}

/// Ends the caller's session: its refresh tokens are revoked and its access
/// tokens refused from now on. The log-out is audited.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", request_body(content = LogoutRequest, description = "Optional"),
    security(("bearer" = [])), responses((status = 204, description = "Signed out; the session's WebSockets close with 4401"),
    (status = 401, description = "Not signed in")))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller, body: web::Bytes) -> ApiResult<HttpResponse> {
    let req = logout_request(&body)?;
    sign_out(&state, &caller, req.refresh_token.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends the caller's session (and the one `refresh_token` belongs to, if it
/// is theirs), audited, and closes the sessions' WebSockets: the one way out,
/// for the API and the web pages.
pub(crate) async fn sign_out(state: &AppState, caller: &Caller, refresh_token: Option<&str>) -> ApiResult<()> {
    let now = Utc::now();
    let user = caller.actor().user_id;
    let tx = state.db.write().begin().await?;
    let mut ended = vec![caller.session];
    let mut revoked = sessions::revoke_session(&tx, caller.session, now).await?;
    if let Some(token) = refresh_token
        && let Some(other) = sessions::session_of(&tx, &tokens::secret_token_hash(token), user).await?
    {
        revoked += sessions::revoke_session(&tx, other, now).await?;
        ended.push(other);
    }
    audit::append(
        &tx,
        crate::audit::entry(Some(user), caller.entity_id(), AuditAction::Logout, AuditTarget::User(user))
            .after(json!({ "revoked_tokens": revoked })),
        now,
    )
    .await?;
    tx.commit().await?;
    for session in ended {
        state.realtime.signal(user, AccountSignal::SessionEnded { session });
    }
    Ok(())
}

/// How long a one-time code is valid.
pub(crate) const OTP_MINUTES: i64 = 10;

pub(crate) fn otp_text(lang: Lang, code: &str) -> (String, String) {
    let args = [("code", Arg::Text(code)), ("minutes", Arg::Number(OTP_MINUTES))];
    (text(lang, "otp-subject", &[]), text(lang, "otp-text", &args))
}

/// Sends a six-digit code to the caller's e-mail or mobile.
#[utoipa::path(post, path = "/api/v1/auth/otp/send", tag = "identity", request_body = OtpSendRequest, security(("bearer" = [])),
    responses((status = 202, description = "The code is on its way"), (status = 422, description = "No address for that channel"),
    (status = 429, description = "`request.rate_limited`: too many codes for this account and channel, or from this address")))]
#[post("/auth/otp/send")]
pub async fn otp_send(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<OtpSendRequest>,
) -> ApiResult<HttpResponse> {
    Ok(send_code(&state, &caller, body.parse()?).await?.respond())
}

/// Sends a one-time code to the account's e-mail or mobile: the API's and
/// the pages' (limited per account and per address, audited).
pub(crate) async fn send_code(state: &AppState, caller: &Caller, channel: OtpChannel) -> ApiResult<Answer> {
    let user = caller.actor().user_id;
    let address = client_address();
    let account_channel = format!("{user}:{}", channel.as_str());
    let keys = [(Rule::OtpSendsPerAccount, account_channel.as_str()), (Rule::OtpSendsPerAddress, &address)];
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::RateLimited, b))?;
    audit_limits_reached(state, &reached, Some(user), AuditTarget::User(user)).await?;
    let (email, mobile, lang) = accounts::contact(state.db.read(), user).await?;
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let (subject, text) = otp_text(lang, &code);
    let message = match channel {
        OtpChannel::Email => {
            email.map(|to| Message::Email { to: to.to_string(), subject, body: text, html: None, calendar: None })
        }
        OtpChannel::Sms => mobile.map(|to| Message::Sms { to: to.to_string(), text }),
    }
    .ok_or(ApiError::field("channel", ErrorCode::OtpChannelUnavailable))?;
    let now = Utc::now();
    let hash = state.tokens.keyed_hash(&[&user.to_string(), channel.as_str(), &code]);
    let entity = caller.entity_id();
    // A retry of the same keyed request sends no second code.
    let answer = state
        .app
        .unit(move |tx, _| {
            Box::pin(async move {
                otp::put(tx, user, channel.as_str(), &hash, now + Duration::minutes(OTP_MINUTES), now).await?;
                outbox::enqueue(tx, &message, now).await?;
                audit::append(
                    tx,
                    crate::audit::entry(Some(user), entity, AuditAction::OtpSend, AuditTarget::User(user))
                        .after(json!({ "channel": channel.as_str() })),
                    now,
                )
                .await?;
                Answer::accepted(json!({ "expires_in": OTP_MINUTES * 60 }))
            })
        })
        .await?;
    state.app.wake_outbox(true);
    Ok(answer)
}

/// Checks a code; a right one marks the channel verified.
#[utoipa::path(post, path = "/api/v1/auth/otp/verify", tag = "identity", request_body = OtpVerifyRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 422, description = "Wrong or expired code"),
    (status = 429, description = "`auth.too_many_attempts`: too many wrong codes for this account, whichever code")))]
#[post("/auth/otp/verify")]
pub async fn otp_verify(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<OtpVerifyRequest>,
) -> ApiResult<HttpResponse> {
    let (channel, code) = body.parse()?;
    Ok(HttpResponse::Ok().json(verify_code(&state, &caller, channel, &code).await?))
}

/// Checks a one-time code: the API's and the pages' (failures limited per
/// account, every try audited).
pub(crate) async fn verify_code(
    state: &AppState,
    caller: &Caller,
    channel: OtpChannel,
    code: &str,
) -> ApiResult<UserView> {
    let user = caller.actor().user_id;
    let account = user.to_string();
    let keys = [(Rule::OtpVerifyFailures, account.as_str())];
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::TooManyAttempts, b))?;
    let now = Utc::now();
    let hash = state.tokens.keyed_hash(&[&user.to_string(), channel.as_str(), code]);
    let tx = state.db.write().begin().await?;
    let ok = otp::check(&tx, user, channel.as_str(), &hash, now).await?;
    if ok {
        accounts::mark_verified(&tx, user, channel == OtpChannel::Email, now).await?;
    }
    audit::append(
        &tx,
        crate::audit::entry(Some(user), caller.entity_id(), AuditAction::OtpVerify, AuditTarget::User(user))
            .after(json!({ "channel": channel.as_str(), "verified": ok })),
        now,
    )
    .await?;
    tx.commit().await?;
    if !ok {
        audit_limits_reached(state, &reached, Some(user), AuditTarget::User(user)).await?;
        return Err(ApiError::field("code", ErrorCode::OtpInvalid));
    }
    state.limiter.clear(Rule::OtpVerifyFailures, &account);
    // What `/me` shows changed: cached callers of this account are stale.
    state.realtime.signal(user, AccountSignal::Changed);
    user_view(state.db.write(), user).await
}

/// Changes the caller's password; every other session is signed out.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "identity", request_body = ChangePasswordRequest,
    security(("bearer" = [])), responses((status = 204, description = "Changed; every other session ends and its WebSockets close with 4401"),
    (status = 422, description = "Wrong current password (`auth.wrong_password`, counted as a failed log-in), or the new one is refused (as at registration)"),
    (status = 429, description = "`auth.too_many_attempts`: the account's failed log-ins reached the limit")))]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let user = caller.actor().user_id;
    // A wrong current password is a failed log-in of this account: it counts
    // there, and a locked account is locked here too.
    let account = user.to_string();
    let address = client_address();
    let keys = [(Rule::LoginFailuresPerAccount, account.as_str()), (Rule::LoginFailuresPerAddress, &address)];
    let personal = accounts::personal_words(state.db.read(), user).await?;
    let new = body.parse(&personal.iter().map(String::as_str).collect::<Vec<_>>())?;
    let stored = accounts::password_hash(state.db.read(), user).await?;
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::TooManyAttempts, b))?;
    if !passwords::verify(body.current_password.clone(), Some(stored)).await? {
        audit::append_alone(
            state.db.write(),
            crate::audit::entry(
                Some(user),
                caller.entity_id(),
                AuditAction::PasswordChangeFailed,
                AuditTarget::User(user),
            ),
            Utc::now(),
        )
        .await?;
        audit_limits_reached(&state, &reached, Some(user), AuditTarget::User(user)).await?;
        return Err(ApiError::field("current_password", ErrorCode::WrongPassword));
    }
    state.limiter.clear(Rule::LoginFailuresPerAccount, &account);
    state.limiter.give_back(Rule::LoginFailuresPerAddress, &address);
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    accounts::set_password_hash(&tx, user, &hash, now).await?;
    let revoked = sessions::revoke_other_sessions(&tx, user, caller.session, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(Some(user), caller.entity_id(), AuditAction::PasswordChange, AuditTarget::User(user))
            .after(json!({ "revoked_tokens": revoked })),
        now,
    )
    .await?;
    tx.commit().await?;
    state.realtime.signal(user, AccountSignal::OtherSessionsEnded { keep: caller.session });
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, description = "Not signed in")))]
#[get("/me")]
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(&caller.account.view)
}
