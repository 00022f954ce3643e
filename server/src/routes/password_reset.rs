//! A forgotten password: a one-time code to the account's e-mail or mobile,
//! then a new password with that code. Neither answer says whether the login
//! names an account; both are limited like log-ins and codes, and audited.

use std::time::Instant;

use actix_web::{HttpResponse, post, web};
use chrono::{Duration, Utc};
use rand::Rng;
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{ForgotPasswordRequest, OtpChannel, ResetPasswordRequest};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::identity::LoginIdentifier;
use tawasul_storage::outbox::{self, Message};
use tawasul_storage::{TransactionTrait, accounts, audit, otp, sessions};
use uuid::Uuid;

use super::auth::{OTP_MINUTES, audit_limits_reached, client_address, login_key, otp_text, too_many};
use crate::app::Answer;
use crate::auth::limiter::Rule;
use crate::auth::passwords;
use crate::body::Json;
use crate::error::{ApiError, ApiResult};
use crate::realtime::bus::AccountSignal;
use crate::state::AppState;

/// The code's channel in the store: apart from the codes that verify an
/// address, so that neither kind spends the other.
fn reset_channel(channel: OtpChannel) -> String {
    format!("reset-{}", channel.as_str())
}

/// Sends a code to reset the password, if the login names an account.
#[utoipa::path(post, path = "/api/v1/auth/password/forgot", tag = "identity", request_body = ForgotPasswordRequest,
    responses((status = 202, description = "If the login names an account with that channel, a code is on its way (the answer is the same either way)"),
    (status = 429, description = "`request.rate_limited`: too many codes for this login, or from this address")))]
#[post("/auth/password/forgot")]
pub async fn forgot(state: web::Data<AppState>, body: Json<ForgotPasswordRequest>) -> ApiResult<HttpResponse> {
    let channel = body.parse()?;
    Ok(send_reset_code(&state, &body.login, channel).await?.respond())
}

/// The API's and the pages' forgotten-password code.
pub(crate) async fn send_reset_code(state: &AppState, login: &str, channel: OtpChannel) -> ApiResult<Answer> {
    let identifier = LoginIdentifier::parse(login);
    let creds = accounts::find_credentials(state.db.read(), &identifier).await?;
    let account_key = match &creds {
        Some(c) => format!("{}:{}", c.user_id, reset_channel(channel)),
        None => format!("login:{}:{}", login_key(&identifier), channel.as_str()),
    };
    let address = client_address();
    let keys = [(Rule::OtpSendsPerAccount, account_key.as_str()), (Rule::OtpSendsPerAddress, &address)];
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::RateLimited, b))?;
    let accepted = Answer::accepted(json!({ "expires_in": OTP_MINUTES * 60 }))?;
    let Some(creds) = creds.filter(|c| c.active) else { return Ok(accepted) };
    let user = creds.user_id;
    audit_limits_reached(state, &reached, Some(user), AuditTarget::User(user)).await?;
    let (email, mobile, lang) = accounts::contact(state.db.read(), user).await?;
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let (subject, text) = otp_text(lang, &code);
    let message = match channel {
        OtpChannel::Email => {
            email.map(|to| Message::Email { to: to.to_string(), subject, body: text, html: None, calendar: None })
        }
        OtpChannel::Sms => mobile.map(|to| Message::Sms { to: to.to_string(), text }),
    };
    // No address on that channel: the same answer, nothing sent.
    let Some(message) = message else { return Ok(accepted) };
    let stored = reset_channel(channel);
    let hash = state.tokens.keyed_hash(&[&user.to_string(), &stored, &code]);
    let now = Utc::now();
    let answer = accepted.clone();
    state
        .app
        .unit(move |tx, _| {
            Box::pin(async move {
                otp::put(tx, user, &stored, &hash, now + Duration::minutes(OTP_MINUTES), now).await?;
                outbox::enqueue(tx, &message, now).await?;
                let entry = crate::audit::entry(Some(user), None, AuditAction::OtpSend, AuditTarget::User(user))
                    .after(json!({ "channel": stored }));
                audit::append(tx, entry, now).await?;
                Ok(answer)
            })
        })
        .await?;
    state.app.wake_outbox(true);
    Ok(accepted)
}

/// Sets a new password with the code sent; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password/reset", tag = "identity", request_body = ResetPasswordRequest,
    responses((status = 204, description = "Changed; every session ends and its WebSockets close with 4401"),
    (status = 422, description = "`auth.otp_invalid` on `code` (wrong, expired or used, or no such login: the same answer), or the new password refused as at registration"),
    (status = 429, description = "`auth.too_many_attempts`: too many wrong codes for this login")))]
#[post("/auth/password/reset")]
pub async fn reset(state: web::Data<AppState>, body: Json<ResetPasswordRequest>) -> ApiResult<HttpResponse> {
    reset_password(&state, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The API's and the pages' reset with a code.
pub(crate) async fn reset_password(state: &AppState, body: &ResetPasswordRequest) -> ApiResult<()> {
    let (channel, code) = body.parse()?;
    let identifier = LoginIdentifier::parse(&body.login);
    let creds = accounts::find_credentials(state.db.read(), &identifier).await?.filter(|c| c.active);
    let account_key = match &creds {
        Some(c) => c.user_id.to_string(),
        None => format!("login:{}", login_key(&identifier)),
    };
    let keys = [(Rule::OtpVerifyFailures, account_key.as_str())];
    let reached = state.limiter.take(&keys, Instant::now()).map_err(|b| too_many(ErrorCode::TooManyAttempts, b))?;
    let wrong = || ApiError::field("code", ErrorCode::OtpInvalid);
    let Some(creds) = creds else { return Err(wrong()) };
    let user = creds.user_id;
    // The password is checked before the code is spent: a refused password
    // leaves the code for the next try.
    let personal = accounts::personal_words(state.db.read(), user).await?;
    let new = body.new_password(&personal.iter().map(String::as_str).collect::<Vec<_>>())?;
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let stored = reset_channel(channel);
    let code_hash = state.tokens.keyed_hash(&[&user.to_string(), &stored, &code]);
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let ok = otp::check(&tx, user, &stored, &code_hash, now).await?;
    let action = if ok { AuditAction::PasswordReset } else { AuditAction::PasswordResetFailed };
    let mut revoked = 0;
    if ok {
        accounts::set_password_hash(&tx, user, &hash, now).await?;
        revoked = sessions::revoke_all_sessions(&tx, user, now).await?;
    }
    let entry = crate::audit::entry(Some(user), None, action, AuditTarget::User(user))
        .after(json!({ "channel": stored, "revoked_tokens": revoked }));
    audit::append(&tx, entry, now).await?;
    tx.commit().await?;
    if !ok {
        audit_limits_reached(state, &reached, Some(user), AuditTarget::User(user)).await?;
        return Err(wrong());
    }
    state.limiter.clear(Rule::OtpVerifyFailures, &account_key);
    // Every session ended: no session id is nil.
    state.realtime.signal(user, AccountSignal::OtherSessionsEnded { keep: Uuid::nil() });
    Ok(())
}
