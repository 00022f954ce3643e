//! Registration, log-in, tokens, log-out, one-time codes.

use reqwest::Method;
use serde_json::json;
use tawasul_core::Lang;
use tawasul_core::api::{OtpChannel, ResetPasswordRequest};
use tawasul_core::org::Role;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    register_then_log_in_by_id_number_email_and_mobile,
    wrong_password_and_unknown_login_get_the_same_401,
    bad_id_number_is_422_naming_the_field_in_arabic_and_english,
    duplicate_registration_is_409,
    malformed_json_is_400_and_a_missing_field_422,
    refresh_rotates_and_an_old_refresh_token_is_refused,
    reusing_a_spent_refresh_token_ends_the_session,
    log_out_revokes_the_refresh_token_and_the_session,
    repeated_failures_are_rate_limited,
    otp_by_email_verifies_the_address,
    changing_the_password_signs_out_other_sessions,
    a_forgotten_password_is_reset_with_a_code_that_works_once,
    the_session_cache_answers_repeats_and_forgets_at_once_what_a_change_ends,
);

async fn register_then_log_in_by_id_number_email_and_mobile(app: TestApp) {
    let r = registration(1);
    let auth = app.client.register(&r).await.unwrap();
    assert_eq!(auth.user.role, Role::Beneficiary);
    assert!(!auth.user.email_verified && !auth.user.mobile_verified);
    assert_eq!(auth.user.mobile.as_deref(), Some("+966500000001"));
    assert_eq!(auth.expires_in, 900);

    for login in
        [r.id_number.clone(), r.email.to_uppercase(), r.mobile.clone(), "+966500000001".into(), "٠٥٠٠٠٠٠٠٠١".into()]
    {
        let a = app.client.login(&login, PASSWORD).await.unwrap_or_else(|e| panic!("log-in by {login}: {e}"));
        assert_eq!(a.user.id, auth.user.id);
        let me = app.client.with_token(a.access_token).me().await.unwrap();
        assert_eq!(me.id, auth.user.id);
        assert_eq!(me.name_ar, "سارة العتيبي");
    }
}

async fn wrong_password_and_unknown_login_get_the_same_401(app: TestApp) {
    let r = registration(2);
    app.client.register(&r).await.unwrap();
    let wrong = app
        .client
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"login": r.email, "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let unknown = app
        .client
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"login": "nobody@example.sa", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

async fn bad_id_number_is_422_naming_the_field_in_arabic_and_english(app: TestApp) {
    let mut r = registration(3);
    r.id_number = "1000000009".into(); // wrong check digit
    let en = app.client.with_lang(Lang::En).register(&r).await.unwrap_err();
    let ar = app.client.register(&r).await.unwrap_err();
    for e in [&en, &ar] {
        assert_eq!(e.status(), Some(422));
        assert_eq!(e.code(), Some("identity.invalid_id_number"));
        let tawasul_client::ClientError::Api { details, .. } = e else { panic!() };
        assert_eq!(details.as_ref().unwrap()["field"], "id_number");
    }
    let (
        tawasul_client::ClientError::Api { message: m_en, .. },
        tawasul_client::ClientError::Api { message: m_ar, .. },
    ) = (&en, &ar)
    else {
        panic!()
    };
    assert!(m_en.contains("ID number"), "{m_en}");
    assert!(m_ar.contains("رقم الهوية"), "{m_ar}");
    // Nothing was written: the same person can then register with the right number.
    app.client.register(&registration(3)).await.unwrap();
}

async fn duplicate_registration_is_409(app: TestApp) {
    app.client.register(&registration(4)).await.unwrap();
    let again = app.client.register(&registration(4)).await.unwrap_err();
    assert_eq!(again.status(), Some(409));
    assert_eq!(again.code(), Some("identity.account_exists"));
    // Same e-mail, different ID number and mobile: still a conflict.
    let mut other = registration(5);
    other.email = registration(4).email;
    assert_eq!(app.client.register(&other).await.unwrap_err().status(), Some(409));
}

async fn refresh_rotates_and_an_old_refresh_token_is_refused(app: TestApp) {
    let (_, auth) = app.beneficiary(6).await;
    let first = app.client.refresh(&auth.refresh_token).await.unwrap();
    assert_ne!(first.refresh_token, auth.refresh_token);
    app.client.with_token(&first.access_token).me().await.unwrap();
    let old = app.client.refresh(&auth.refresh_token).await.unwrap_err();
    assert_eq!(old.status(), Some(401));
    assert_eq!(old.code(), Some("auth.refresh_token_invalid"));
    assert_eq!(app.client.refresh("garbage").await.unwrap_err().status(), Some(401));
}

async fn reusing_a_spent_refresh_token_ends_the_session(app: TestApp) {
    let (_, auth) = app.beneficiary(7).await;
    let next = app.client.refresh(&auth.refresh_token).await.unwrap();
    // Someone replays the spent token: the whole session is revoked, including
    // the token that was legitimately issued after it.
    app.client.refresh(&auth.refresh_token).await.unwrap_err();
    assert_eq!(app.client.refresh(&next.refresh_token).await.unwrap_err().status(), Some(401));
    assert_eq!(app.client.with_token(&next.access_token).me().await.unwrap_err().status(), Some(401));
}

async fn log_out_revokes_the_refresh_token_and_the_session(app: TestApp) {
    let (client, auth) = app.beneficiary(8).await;
    // A second session on another device stays signed in.
    let other = app.client.login(&registration(8).email, PASSWORD).await.unwrap();
    client.logout(Some(&auth.refresh_token)).await.unwrap();
    assert_eq!(app.client.refresh(&auth.refresh_token).await.unwrap_err().status(), Some(401));
    assert_eq!(client.me().await.unwrap_err().status(), Some(401));
    app.client.with_token(&other.access_token).me().await.unwrap();
    // Log-out without a body works too, and needs a signed-in caller.
    let res =
        app.client.with_token(&other.access_token).request(Method::POST, "/api/v1/auth/logout").send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.client.refresh(&other.refresh_token).await.unwrap_err().status(), Some(401));
    assert_eq!(app.client.logout(None).await.unwrap_err().status(), Some(401));
}

async fn repeated_failures_are_rate_limited(app: TestApp) {
    let r = registration(9);
    app.client.register(&r).await.unwrap();
    for _ in 0..5 {
        assert_eq!(app.client.login(&r.email, "wrong password").await.unwrap_err().status(), Some(401));
    }
    let limited = app.client.login(&r.email, PASSWORD).await.unwrap_err();
    assert_eq!(limited.status(), Some(429));
    assert_eq!(limited.code(), Some("auth.too_many_attempts"));
    // Another account from the same address is not yet locked.
    app.client.register(&registration(10)).await.unwrap();
    app.client.login(&registration(10).email, PASSWORD).await.unwrap();
}

async fn otp_by_email_verifies_the_address(app: TestApp) {
    let (client, _) = app.beneficiary(11).await;
    client.otp_send(OtpChannel::Email).await.unwrap();
    let mails = app.mails(1).await;
    let code: String = mails[0]
        .lines()
        .find_map(|l| {
            l.split_whitespace()
                .find(|w| w.len() >= 6 && w.trim_end_matches(['.', '،']).chars().all(|c| c.is_ascii_digit()))
        })
        .map(|w| w.trim_end_matches(['.', '،']).to_owned())
        .expect("a code in the e-mail");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(client.otp_verify(OtpChannel::Email, wrong).await.unwrap_err().status(), Some(422));
    let me = client.otp_verify(OtpChannel::Email, &code).await.unwrap();
    assert!(me.email_verified);
    assert!(!me.mobile_verified);
    // A code works once.
    assert_eq!(client.otp_verify(OtpChannel::Email, &code).await.unwrap_err().status(), Some(422));
}

async fn malformed_json_is_400_and_a_missing_field_422(app: TestApp) {
    let res = app
        .client
        .request(Method::POST, "/api/v1/auth/register")
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body("{\"name_ar\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers().get("content-language").unwrap(), "en");
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "request.malformed");
    assert!(v["error"]["message"].as_str().unwrap().contains("could not be understood"));

    let mut body = serde_json::to_value(registration(12)).unwrap();
    body.as_object_mut().unwrap().remove("mobile");
    let res = app.client.request(Method::POST, "/api/v1/auth/register").json(&body).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "request.missing_field");
    assert_eq!(v["error"]["details"]["field"], "mobile");
    assert_eq!(v["error"]["message"], "هذا الحقل مطلوب.", "Arabic by default");
    // Nothing half-written: the same person registers fine afterwards.
    app.client.register(&registration(12)).await.unwrap();
}

async fn changing_the_password_signs_out_other_sessions(app: TestApp) {
    let (client, auth) = app.beneficiary(13).await;
    let other = app.client.login(&registration(13).email, PASSWORD).await.unwrap();
    let wrong = client.change_password("not it", "a brand new password").await.unwrap_err();
    assert_eq!((wrong.status(), wrong.code()), (Some(422), Some("auth.wrong_password")));
    let weak = client.change_password(PASSWORD, "short").await.unwrap_err();
    assert_eq!((weak.status(), weak.code()), (Some(422), Some("identity.weak_password")));
    client.change_password(PASSWORD, "a brand new password").await.unwrap();
    client.me().await.unwrap();
    app.client.refresh(&auth.refresh_token).await.unwrap();
    assert_eq!(app.client.with_token(&other.access_token).me().await.unwrap_err().status(), Some(401));
    assert_eq!(app.client.login(&registration(13).email, PASSWORD).await.unwrap_err().status(), Some(401));
    app.client.login(&registration(13).email, "a brand new password").await.unwrap();
}

/// The six-digit code in the newest e-mail to `to`.
pub fn code_in(mails: &[String], to: &str) -> String {
    let mail = mails.iter().rev().find(|m| m.contains(to)).unwrap_or_else(|| panic!("no e-mail to {to}"));
    mail.split_whitespace()
        .map(|w| w.trim_end_matches(['.', '،']))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the e-mail")
        .to_owned()
}

async fn a_forgotten_password_is_reset_with_a_code_that_works_once(app: TestApp) {
    let r = registration(12);
    let (signed_in, _) = app.beneficiary(12).await;
    // An unknown login gets the very answer a known one gets, and no e-mail.
    let unknown = app.client.forgot_password("nobody@example.sa", OtpChannel::Email).await.unwrap();
    let known = app.client.forgot_password(&r.id_number, OtpChannel::Email).await.unwrap();
    assert_eq!(unknown, known);
    let code = code_in(&app.mails(1).await, &r.email);
    assert_eq!(app.mails(1).await.len(), 1, "nothing was sent for the unknown login");

    let reset = |code: &str, password: &str| ResetPasswordRequest {
        login: r.email.clone(),
        channel: "email".into(),
        code: code.into(),
        new_password: password.into(),
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = app.client.reset_password(&reset(wrong, "ثلاث كلمات لا رابط بينها")).await.unwrap_err();
    assert_eq!((refused.status(), refused.field()), (Some(422), Some("code")));
    // A weak password is refused and leaves the code for the next try.
    let weak = app.client.reset_password(&reset(&code, "12345678")).await.unwrap_err();
    assert_eq!(weak.field(), Some("new_password"));
    // An unknown login with a code is refused the same way as a wrong code.
    let mut nobody = reset(&code, "ثلاث كلمات لا رابط بينها");
    nobody.login = "nobody@example.sa".into();
    assert_eq!(app.client.reset_password(&nobody).await.unwrap_err().field(), Some("code"));

    app.client.reset_password(&reset(&code, "ثلاث كلمات لا رابط بينها")).await.unwrap();
    assert_eq!(signed_in.me().await.unwrap_err().status(), Some(401), "every session ended");
    assert_eq!(app.client.login(&r.email, PASSWORD).await.unwrap_err().status(), Some(401));
    app.client.login(&r.email, "ثلاث كلمات لا رابط بينها").await.unwrap();
    let again = app.client.reset_password(&reset(&code, "كلمات أخرى طويلة بما يكفي")).await.unwrap_err();
    assert_eq!(again.field(), Some("code"), "a code works once");
    crate::helpers::sealed(&app).await;
    let done = tawasul_storage::audit::with_action(app.db.read(), tawasul_core::audit::AuditAction::PasswordReset)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    let failed =
        tawasul_storage::audit::with_action(app.db.read(), tawasul_core::audit::AuditAction::PasswordResetFailed)
            .await
            .unwrap();
    assert_eq!(failed.len(), 2, "the wrong code and the spent one, not the unknown login");
}

/// How many signed-in requests the session cache answered (`hit`) or not.
async fn session_cache(app: &TestApp, outcome: &str) -> u64 {
    let text = reqwest::get(format!("{}/metrics", app.admin_address)).await.unwrap().text().await.unwrap();
    let line = format!("tawasul_session_cache_total{{outcome=\"{outcome}\"}} ");
    text.lines().find_map(|l| l.strip_prefix(&line)).map_or(0, |n| n.trim().parse().unwrap())
}

/// Issue 16: a signed-in caller is taken from the cache on their next
/// requests, and whatever ends or changes their session shows on the very
/// next request after it, with the cache warm.
async fn the_session_cache_answers_repeats_and_forgets_at_once_what_a_change_ends(app: TestApp) {
    let (client, auth) = app.beneficiary(14).await;
    let email = registration(14).email;
    let other = app.client.with_token(app.client.login(&email, PASSWORD).await.unwrap().access_token);
    client.me().await.unwrap();
    let hits = session_cache(&app, "hit").await;
    for _ in 0..3 {
        client.me().await.unwrap();
    }
    assert!(session_cache(&app, "hit").await >= hits + 3, "repeats are answered from the cache");

    // A verified address shows on the next `/me`.
    client.otp_send(OtpChannel::Email).await.unwrap();
    let code = code_in(&app.mails(1).await, &email);
    assert!(!client.me().await.unwrap().email_verified);
    client.otp_verify(OtpChannel::Email, &code).await.unwrap();
    assert!(client.me().await.unwrap().email_verified, "not the cached view");

    // A password change: the other session's very next request is refused.
    other.me().await.unwrap();
    client.change_password(PASSWORD, "a brand new password").await.unwrap();
    assert_eq!(other.me().await.unwrap_err().status(), Some(401));
    client.me().await.unwrap();

    // Log-out: the same.
    client.logout(Some(&auth.refresh_token)).await.unwrap();
    assert_eq!(client.me().await.unwrap_err().status(), Some(401));
}
