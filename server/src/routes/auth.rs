//! Identity: register, log in, refresh, log out, one-time codes, `GET /me`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use tawasul_core::api::{
    AuthResponse, ChangePasswordRequest, LoginRequest, LogoutRequest, OtpChannel, OtpSendRequest, OtpVerifyRequest,
    RefreshRequest, RegisterRequest, TokenPair, UserView,
};
use tawasul_core::identity::LoginIdentifier;
use tawasul_core::ids::UserId;
use tawasul_core::{ErrorCode, Lang};
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::outbox::{self, Message};
use tawasul_storage::sessions::{self, Rotation};
use tawasul_storage::{ConnectionTrait, TransactionTrait, accounts, otp};
use uuid::Uuid;

use crate::auth::Caller;
use crate::auth::passwords;
use crate::auth::tokens::{self, ACCESS_TTL, REFRESH_TTL};
use crate::error::{ApiError, ApiResult, serde_error};
use crate::state::AppState;

/// Starts a session (or continues one, on refresh): a new refresh token stored as
/// a hash, and an access token naming the session.
async fn issue_tokens(state: &AppState, c: &impl ConnectionTrait, user: UserId, session: Uuid) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let refresh_token = tokens::new_refresh_token();
    sessions::issue(c, user, session, &tokens::refresh_token_hash(&refresh_token), now + REFRESH_TTL, now).await?;
    let access = state.tokens.access_token(user, session, now).map_err(ApiError::internal)?;
    Ok(TokenPair { access_token: access, refresh_token, expires_in: ACCESS_TTL.num_seconds() as u64 })
}

async fn user_view(state: &AppState, user: UserId) -> ApiResult<UserView> {
    let account = accounts::load(state.db.write(), user).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    Ok(account.view)
}

/// Registers a beneficiary and signs them in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "identity", request_body = RegisterRequest, responses(
    (status = 201, body = AuthResponse), (status = 409, description = "An account with these details exists"),
    (status = 422, description = "A field is invalid; `details.field` names it")))]
#[post("/auth/register")]
pub async fn register(state: web::Data<AppState>, body: web::Json<RegisterRequest>) -> ApiResult<HttpResponse> {
    let r = body.parse()?;
    let hash = passwords::hash(r.password.expose().to_owned()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let user = accounts::register_beneficiary(&tx, &r, &hash, now).await?;
    audit::append(
        &tx,
        AuditEntry::new(Some(user), None, "auth.register", format!("user:{user}"))
            .after(json!({ "role": "beneficiary", "id_type": r.id.kind() })),
        now,
    )
    .await?;
    let pair = issue_tokens(&state, &tx, user, Uuid::now_v7()).await?;
    tx.commit().await?;
    let user = user_view(&state, user).await?;
    Ok(HttpResponse::Created().json(AuthResponse {
        user,
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        expires_in: pair.expires_in,
    }))
}

/// A stable, non-reversible key for a login in the limiter and the audit log, so
/// that neither keeps the identifier itself.
fn login_key(identifier: &LoginIdentifier) -> String {
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
    (status = 429, description = "Too many failed attempts")))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let identifier = LoginIdentifier::parse(&body.login);
    let key = login_key(&identifier);
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let started = std::time::Instant::now();
    if let Some(wait) = state.limiter.blocked(&key, &address, started) {
        return Err(ApiError::new(ErrorCode::TooManyAttempts).retry_after(wait));
    }
    let creds = accounts::find_credentials(state.db.read(), &identifier).await?;
    let ok = passwords::verify(body.password.clone(), creds.as_ref().map(|c| c.password_hash.clone())).await?;
    let now = Utc::now();
    let Some(creds) = creds.filter(|_| ok) else {
        state.limiter.record_failure(&key, &address, started);
        audit::append(state.db.write(), AuditEntry::new(None, None, "auth.login_failed", format!("login:{key}")), now)
            .await?;
        return Err(ApiError::new(ErrorCode::InvalidCredentials));
    };
    if !creds.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    state.limiter.record_success(&key);
    let tx = state.db.write().begin().await?;
    let pair = issue_tokens(&state, &tx, creds.user_id, Uuid::now_v7()).await?;
    audit::append(
        &tx,
        AuditEntry::new(Some(creds.user_id), None, "auth.login", format!("user:{}", creds.user_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    let user = user_view(&state, creds.user_id).await?;
    Ok(HttpResponse::Ok().json(AuthResponse {
        user,
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        expires_in: pair.expires_in,
    }))
}

/// Exchanges a refresh token for a new pair; the old refresh token is spent.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "identity", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair), (status = 401, description = "Unknown, expired, revoked or already used")))]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: web::Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let rotation = sessions::consume(&tx, &tokens::refresh_token_hash(&body.refresh_token), now).await?;
    let Rotation::Rotated { user, session } = rotation else {
        // Commit: a reused token has just revoked its session, and that must stick.
        tx.commit().await?;
        return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
    };
    let account = accounts::load(&tx, user).await?.ok_or(ApiError::new(ErrorCode::RefreshTokenInvalid))?;
    if !account.active {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    let pair = issue_tokens(&state, &tx, user, session).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// The optional body of log-out: nothing, or a JSON object.
fn logout_request(body: &[u8]) -> ApiResult<LogoutRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(LogoutRequest::default());
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| serde_error(&e))?;
    if !value.is_object() {
        return Err(ApiError::new(ErrorCode::Malformed));
    }
    serde_json::from_value(value).map_err(|e| serde_error(&e))
}

/// Ends the caller's session: its refresh tokens are revoked and its access
/// tokens refused from now on. The log-out is audited.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", request_body(content = LogoutRequest, description = "Optional"),
    security(("bearer" = [])), responses((status = 204, description = "Signed out"), (status = 401, description = "Not signed in")))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller, body: web::Bytes) -> ApiResult<HttpResponse> {
    let req = logout_request(&body)?;
    let now = Utc::now();
    let user = caller.actor().user_id;
    let tx = state.db.write().begin().await?;
    let mut revoked = sessions::revoke_session(&tx, caller.session, now).await?;
    if let Some(token) = &req.refresh_token
        && let Some(other) = sessions::session_of(&tx, &tokens::refresh_token_hash(token), user).await?
    {
        revoked += sessions::revoke_session(&tx, other, now).await?;
    }
    audit::append(
        &tx,
        AuditEntry::new(Some(user), caller.actor().staff().map(|s| s.entity_id), "auth.logout", format!("user:{user}"))
            .after(json!({ "revoked_tokens": revoked })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

fn otp_text(lang: Lang, code: &str) -> (String, String) {
    match lang {
        Lang::Ar => (
            "رمز التحقق من تواصل".into(),
            format!("رمز التحقق الخاص بك في تواصل هو {code}، وهو صالح لمدة 10 دقائق. لا تشاركه مع أحد."),
        ),
        Lang::En => (
            "Your Tawasul verification code".into(),
            format!("Your Tawasul verification code is {code}. It is valid for 10 minutes. Do not share it."),
        ),
    }
}

/// Sends a six-digit code to the caller's e-mail or mobile.
#[utoipa::path(post, path = "/api/v1/auth/otp/send", tag = "identity", request_body = OtpSendRequest, security(("bearer" = [])),
    responses((status = 202, description = "The code is on its way"), (status = 422, description = "No address for that channel")))]
#[post("/auth/otp/send")]
pub async fn otp_send(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<OtpSendRequest>,
) -> ApiResult<HttpResponse> {
    let channel = body.parse()?;
    let user = caller.actor().user_id;
    let (email, mobile, lang) = accounts::contact(state.db.read(), user).await?;
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let (subject, text) = otp_text(lang, &code);
    let message = match channel {
        OtpChannel::Email => email.map(|to| Message::Email { to: to.to_string(), subject, body: text }),
        OtpChannel::Sms => mobile.map(|to| Message::Sms { to: to.to_string(), text }),
    }
    .ok_or(ApiError::field("channel", ErrorCode::OtpChannelUnavailable))?;
    let now = Utc::now();
    let hash = state.tokens.keyed_hash(&[&user.to_string(), channel.as_str(), &code]);
    let tx = state.db.write().begin().await?;
    otp::put(&tx, user, channel.as_str(), &hash, now + Duration::minutes(10), now).await?;
    outbox::enqueue(&tx, &message, now).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(HttpResponse::Accepted().json(json!({ "expires_in": 600 })))
}

/// Checks a code; a right one marks the channel verified.
#[utoipa::path(post, path = "/api/v1/auth/otp/verify", tag = "identity", request_body = OtpVerifyRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 422, description = "Wrong or expired code")))]
#[post("/auth/otp/verify")]
pub async fn otp_verify(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<OtpVerifyRequest>,
) -> ApiResult<HttpResponse> {
    let (channel, code) = body.parse()?;
    let user = caller.actor().user_id;
    let now = Utc::now();
    let hash = state.tokens.keyed_hash(&[&user.to_string(), channel.as_str(), &code]);
    let tx = state.db.write().begin().await?;
    let ok = otp::check(&tx, user, channel.as_str(), &hash, now).await?;
    if ok {
        accounts::mark_verified(&tx, user, channel == OtpChannel::Email, now).await?;
    }
    tx.commit().await?;
    if !ok {
        return Err(ApiError::field("code", ErrorCode::OtpInvalid));
    }
    Ok(HttpResponse::Ok().json(user_view(&state, user).await?))
}

/// Changes the caller's password; every other session is signed out.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "identity", request_body = ChangePasswordRequest,
    security(("bearer" = [])), responses((status = 204, description = "Changed"),
    (status = 422, description = "Wrong current password, or the new one is too weak")))]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let new = body.parse()?;
    let user = caller.actor().user_id;
    let stored = accounts::password_hash(state.db.read(), user).await?;
    if !passwords::verify(body.current_password.clone(), Some(stored)).await? {
        return Err(ApiError::field("current_password", ErrorCode::WrongPassword));
    }
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    accounts::set_password_hash(&tx, user, &hash, now).await?;
    let revoked = sessions::revoke_other_sessions(&tx, user, caller.session, now).await?;
    audit::append(
        &tx,
        AuditEntry::new(
            Some(user),
            caller.actor().staff().map(|s| s.entity_id),
            "auth.password_change",
            format!("user:{user}"),
        )
        .after(json!({ "revoked_tokens": revoked })),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, description = "Not signed in")))]
#[get("/me")]
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(&caller.account.view)
}
