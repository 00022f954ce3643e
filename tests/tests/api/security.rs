//! Regressions of the black-box probe of issue 11, one test per row: privilege
//! escalation, live sessions after log-out, missing limits, weak passwords,
//! input hygiene, parse errors, idempotency keys, contract fixes. Each runs end
//! to end on SQLite and PostgreSQL.

use std::time::{Duration, Instant};
use tawasul_core::events::EventKind;

use reqwest::Method;
use serde_json::json;
use tawasul_client::Client;
use tawasul_client::realtime::Incoming;
use tawasul_core::api::*;
use tawasul_core::ids::{EntityId, UserId};
use tawasul_core::realtime::{ClientFrame, ServerFrame, Topic};
use tawasul_server::auth::limiter::Limit;
use tawasul_server::settings::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;
use crate::realtime::{closed_with, connect, one_transaction};
use crate::transactions::{request, setup};
use crate::{on_both_backends, on_both_backends_with};

on_both_backends!(
    an_employee_manager_cannot_raise_themselves_or_touch_admins,
    an_entity_always_keeps_an_active_admin,
    sessions_end_everywhere_at_once,
    a_narrower_standing_ends_what_it_no_longer_allows,
    weak_passwords_are_refused_with_the_reason,
    invisible_characters_are_refused_in_names_and_subjects_and_removed_from_file_names,
    bodies_and_queries_must_have_the_expected_shape,
    a_refused_request_leaves_its_idempotency_key_free,
    refusals_answer_with_the_right_status,
    a_lookup_refuses_to_guess_between_entities,
    unrecorded_objects_are_swept_after_the_grace_period,
    the_openapi_document_says_where_visibility_goes,
    comments_documents_voice_notes_and_ratings_are_audited_without_their_content,
);
on_both_backends_with!(tight_limits;
    one_time_codes_are_limited,
    wrong_current_passwords_count_as_failed_log_ins,
    registration_probes_are_limited_and_name_no_field,
    log_in_failures_count_per_account_whichever_identifier,
    guesses_at_once_cannot_overrun_the_limits,
);
on_both_backends_with!(quick_bodies; a_trickled_body_is_cut_off);

fn tight_limits(s: &mut Settings) {
    s.limit_otp_sends_per_account = Limit::new(3, 600);
    s.limit_otp_verify_failures = Limit::new(4, 600);
    s.limit_registrations_per_address = Limit::new(4, 600);
}

fn quick_bodies(s: &mut Settings) {
    s.body_timeout_ms = 500;
    s.upload_min_bytes_per_s = 1000;
}

/// How long a socket may take to close after the change that ends it.
const PROMPT: Duration = Duration::from_secs(1);

async fn me(c: &Client) -> UserId {
    c.me().await.unwrap().id
}

async fn sign_in(app: &TestApp, login: &str) -> Client {
    app.client.with_token(app.client.login(login, PASSWORD).await.unwrap().access_token)
}

/// The audit entries with this action.
async fn audited(app: &TestApp, action: &str) -> Vec<tawasul_storage::audit::StoredEntry> {
    sealed(app).await;
    let action = tawasul_core::audit::AuditAction::parse(action).expect("an action the log knows");
    tawasul_storage::audit::with_action(app.db.read(), action).await.unwrap()
}

/// An entity whose admin has made employee 1 a holder of `employee.manage`
/// (nothing else above an employee's defaults), and employee 2 a colleague.
struct Staff {
    entity: TestEntity,
    admin: UserId,
    manager: Client,
    manager_id: UserId,
    colleague: UserId,
}

async fn staff(app: &TestApp, n: u32) -> Staff {
    let entity = app.entity(n).await;
    let admin = me(&entity.admin).await;
    let mut m = employee_request(n * 10 + 1, "employee", vec![]);
    m.grant = Some(vec!["employee.manage".into()]);
    let manager_id = entity.admin.create_employee(entity.id, &m).await.unwrap().id;
    let colleague =
        entity.admin.create_employee(entity.id, &employee_request(n * 10 + 2, "employee", vec![])).await.unwrap().id;
    let manager = sign_in(app, &format!("employee{}@entity.sa", n * 10 + 1)).await;
    Staff { entity, admin, manager, manager_id, colleague }
}

fn patch(v: serde_json::Value) -> UpdateEmployeeRequest {
    serde_json::from_value(v).unwrap()
}

/// Row 1: `employee.manage` without being an admin.
async fn an_employee_manager_cannot_raise_themselves_or_touch_admins(app: TestApp) {
    let s = staff(&app, 1).await;
    let m = &s.manager;
    let refused = |r: tawasul_client::Result<EmployeeView>| r.map(|_| ()).unwrap_err();
    for (target, change, code) in [
        (s.manager_id, json!({"role": "admin"}), "employee.cannot_change_self"),
        (
            s.manager_id,
            json!({"grant": ["employee.manage", "audit.view", "transaction.view_entity"]}),
            "employee.cannot_change_self",
        ),
        (s.manager_id, json!({"active": false}), "employee.cannot_change_self"),
        (s.admin, json!({"active": false}), "employee.admin_required"),
        (s.admin, json!({"role": "employee"}), "employee.admin_required"),
        (s.admin, json!({"revoke": ["employee.manage"]}), "employee.admin_required"),
        (s.colleague, json!({"role": "admin"}), "employee.admin_required"),
        (s.colleague, json!({"grant": ["audit.view"]}), "permission.cannot_grant"),
        (s.colleague, json!({"role": "supervisor"}), "permission.cannot_grant"),
    ] {
        let e = refused(m.update_employee(target, &patch(change.clone())).await);
        assert_eq!((e.status(), e.code()), (Some(403), Some(code)), "{change}");
    }
    let mut new_admin = employee_request(19, "admin", vec![]);
    let e = m.create_employee(s.entity.id, &new_admin).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("employee.admin_required")));
    new_admin.role = "employee".into();
    new_admin.grant = Some(vec!["stats.view".into()]);
    let e = m.create_employee(s.entity.id, &new_admin).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("permission.cannot_grant")));

    // Nothing changed: the admin is still an active admin and signs in.
    let admin = s.entity.admin.me().await.unwrap();
    assert_eq!(admin.permissions.as_ref().map(Vec::len), Some(19));
    app.client.login("admin1@entity.sa", PASSWORD).await.unwrap();
    assert_eq!(m.me().await.unwrap().permissions.unwrap().len(), 7, "an employee's six and employee.manage");

    // What the manager may do: pass on what they hold, move, restrict, and
    // create an employee with no more than they hold.
    let dept = s.entity.admin.create_department(s.entity.id, &department_request("Records", None)).await.unwrap();
    let passed = m.update_employee(s.colleague, &patch(json!({"grant": ["employee.manage"]}))).await.unwrap();
    assert!(passed.permissions.contains(&tawasul_core::permissions::Permission::EmployeeManage));
    m.update_employee(
        s.colleague,
        &patch(json!({"department_ids": [dept.id.to_string()], "revoke": ["comment.voice"]})),
    )
    .await
    .unwrap();
    m.create_employee(s.entity.id, &employee_request(18, "employee", vec![])).await.unwrap();
    let audit = audited(&app, "employee.update").await;
    assert_eq!(audit.len(), 2, "refused changes leave no entry: {audit:?}");
}

/// Row 3, and the lock that keeps two admins from leaving none.
async fn an_entity_always_keeps_an_active_admin(app: TestApp) {
    let entity = app.entity(2).await;
    let first = me(&entity.admin).await;
    let e = entity.admin.update_employee(first, &patch(json!({"active": false}))).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("employee.cannot_change_self")));
    let e = entity.admin.update_employee(first, &patch(json!({"role": "supervisor"}))).await.unwrap_err();
    assert_eq!(e.code(), Some("employee.cannot_change_self"));

    // A second admin: now either can step the other down, but not both at once.
    let second_id = entity.admin.create_employee(entity.id, &employee_request(21, "admin", vec![])).await.unwrap().id;
    let off = patch(json!({"active": false}));
    for round in 0..5 {
        let (one, two) = (sign_in(&app, "admin2@entity.sa").await, sign_in(&app, "employee21@entity.sa").await);
        let (a, b) = tokio::join!(one.update_employee(second_id, &off), two.update_employee(first, &off));
        assert_eq!([&a, &b].iter().filter(|r| r.is_ok()).count(), 1, "round {round}: exactly one of {a:?} {b:?}");
        let first_won = a.is_ok();
        let loser = if first_won { b.unwrap_err() } else { a.unwrap_err() };
        // The other is refused as the last admin, or was deactivated (and
        // signed out) before its request got in.
        assert!(
            matches!(loser.code(), Some("employee.last_admin" | "auth.account_disabled" | "auth.token_invalid")),
            "{loser:?}"
        );
        assert_eq!(tawasul_storage::organisation::active_admins(app.db.read(), entity.id).await.unwrap(), 1);
        // The platform admin brings the other back for the next round.
        let gone = if first_won { second_id } else { first };
        app.platform.update_employee(gone, &patch(json!({"active": true}))).await.unwrap();
    }
    // With two, one admin may demote the other; the last is then kept, except
    // from the platform admin.
    let one = sign_in(&app, "admin2@entity.sa").await;
    one.update_employee(second_id, &patch(json!({"role": "supervisor"}))).await.unwrap();
    let e = one.update_employee(first, &patch(json!({"role": "employee"}))).await.unwrap_err();
    assert_eq!(e.code(), Some("employee.cannot_change_self"));
    app.platform.update_employee(first, &off).await.unwrap();
    assert_eq!(tawasul_storage::organisation::active_admins(app.db.read(), entity.id).await.unwrap(), 0);
}

/// Expects the socket to close with `code` within `PROMPT` of `since`.
async fn closes_promptly(conn: &mut tawasul_client::realtime::RealtimeConnection, code: u16, since: Instant) {
    assert_eq!(closed_with(conn).await, code);
    assert!(since.elapsed() < PROMPT, "closed after {:?}", since.elapsed());
}

/// Row 2: log-out, password change, deactivation close the account's sockets.
async fn sessions_end_everywhere_at_once(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 3).await;
    let topic = Topic::Transaction(id);
    let login = "employee300@entity.sa";

    // Log-out: the session's socket closes with 4401.
    let a = sign_in(&app, login).await;
    let mut ws = connect(&a).await;
    ws.subscribe(topic, None).await.unwrap();
    let t = Instant::now();
    a.logout(None).await.unwrap();
    closes_promptly(&mut ws, 4401, t).await;

    // A password change: every other session's socket closes; the changer's stays.
    let (a, b) = (sign_in(&app, login).await, sign_in(&app, login).await);
    let (mut ws_a, mut ws_b) = (connect(&a).await, connect(&b).await);
    ws_a.subscribe(topic, None).await.unwrap();
    ws_b.subscribe(topic, None).await.unwrap();
    let t = Instant::now();
    a.change_password(PASSWORD, "a brand new passphrase").await.unwrap();
    closes_promptly(&mut ws_b, 4401, t).await;
    ws_a.send(&ClientFrame::Ping).await.unwrap();
    assert!(matches!(ws_a.next().await, Some(Incoming::Frame(ServerFrame::Pong))));

    // A reused refresh token revokes its session: its socket closes too.
    let auth = app.client.login(login, "a brand new passphrase").await.unwrap();
    let c = app.client.with_token(auth.access_token.clone());
    let mut ws_c = connect(&c).await;
    ws_c.subscribe(topic, None).await.unwrap();
    app.client.refresh(&auth.refresh_token).await.unwrap();
    let t = Instant::now();
    assert_eq!(app.client.refresh(&auth.refresh_token).await.unwrap_err().status(), Some(401));
    closes_promptly(&mut ws_c, 4401, t).await;
    assert_eq!(audited(&app, "auth.refresh_token_reused").await.len(), 1);

    // Deactivation: the socket closes, and nothing written after reaches it.
    let employee_id = s.employees[0].0;
    let t = Instant::now();
    s.entity.admin.update_employee(employee_id, &patch(json!({"active": false}))).await.unwrap();
    closes_promptly(&mut ws_a, 4401, t).await;
    s.supervisor.comment(id, "internal", "ملاحظة بعد الإيقاف").await.unwrap();
    assert_eq!(a.me().await.unwrap_err().code(), Some("auth.account_disabled"));
    let e = app.client.login(login, "a brand new passphrase").await.unwrap_err();
    assert_eq!(e.code(), Some("auth.account_disabled"));
    // Reactivated, the account's old sessions stay ended: it signs in anew.
    s.entity.admin.update_employee(employee_id, &patch(json!({"active": true}))).await.unwrap();
    assert_eq!(a.me().await.unwrap_err().code(), Some("auth.token_invalid"));
    let fresh = app.client.login(login, "a brand new passphrase").await.unwrap();
    app.client.with_token(fresh.access_token).me().await.unwrap();
    // The beneficiary's own socket was never touched by any of it.
    let mut ben_ws = connect(&ben).await;
    ben_ws.subscribe(topic, None).await.unwrap();
}

/// Row 2, second half: a change of departments or permissions re-checks what
/// an open socket follows.
async fn a_narrower_standing_ends_what_it_no_longer_allows(app: TestApp) {
    let (s, _ben, _, id) = one_transaction(&app, 4).await;
    let topic = Topic::Transaction(id);
    let supervisor_id = me(&s.supervisor).await;
    let mut ws = connect(&s.supervisor).await;
    ws.subscribe(topic, None).await.unwrap();
    ws.subscribe(Topic::Inbox, None).await.unwrap();

    // A change that keeps the transaction visible keeps the socket.
    s.entity.admin.update_employee(supervisor_id, &patch(json!({"grant": ["stats.view"]}))).await.unwrap();
    ws.send(&ClientFrame::Ping).await.unwrap();
    assert!(matches!(ws.next().await, Some(Incoming::Frame(ServerFrame::Pong))));

    // Moved to another department: the transaction is out of sight, 4403.
    let elsewhere = s.entity.admin.create_department(s.entity.id, &department_request("Archive", None)).await.unwrap();
    let t = Instant::now();
    s.entity
        .admin
        .update_employee(supervisor_id, &patch(json!({"department_ids": [elsewhere.id.to_string()]})))
        .await
        .unwrap();
    closes_promptly(&mut ws, 4403, t).await;
    let mut again = connect(&s.supervisor).await;
    assert!(matches!(again.subscribe(topic, None).await, Err(Incoming::Closed { code: 4403, .. })));
}

/// Row 4: codes sent and codes guessed.
async fn one_time_codes_are_limited(app: TestApp) {
    let (c, _) = app.beneficiary(5).await;
    for _ in 0..3 {
        c.otp_send(OtpChannel::Email).await.unwrap();
    }
    let res = c.request(Method::POST, "/api/v1/auth/otp/send").json(&json!({"channel": "email"})).send().await.unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request.rate_limited");
    // The other channel counts apart.
    c.otp_send(OtpChannel::Sms).await.unwrap();
    let limited = audited(&app, "auth.rate_limited").await;
    assert_eq!(limited.len(), 1, "audited once, when reached: {limited:?}");
    assert_eq!(limited[0].after.as_ref().unwrap()["limit"], "otp_sends_per_account");
    assert_eq!(audited(&app, "auth.otp_send").await.len(), 4);

    // Wrong codes count across codes: new codes do not reset the count.
    for _ in 0..4 {
        let e = c.otp_verify(OtpChannel::Sms, "000000").await.unwrap_err();
        assert_eq!(e.code(), Some("auth.otp_invalid"));
    }
    let e = c.otp_verify(OtpChannel::Sms, "000000").await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(429), Some("auth.too_many_attempts")));
}

/// Row 5: `current_password` guesses are log-in failures of the account.
async fn wrong_current_passwords_count_as_failed_log_ins(app: TestApp) {
    let (c, _) = app.beneficiary(6).await;
    for _ in 0..5 {
        let e = c.change_password("not my password", "a brand new passphrase").await.unwrap_err();
        assert_eq!(e.code(), Some("auth.wrong_password"));
    }
    let e = c.change_password(PASSWORD, "a brand new passphrase").await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(429), Some("auth.too_many_attempts")));
    let e = app.client.login(&registration(6).email, PASSWORD).await.unwrap_err();
    assert_eq!(e.status(), Some(429), "the account is locked for log-in too");
    assert_eq!(audited(&app, "auth.password_change_failed").await.len(), 5);
}

/// Row 6.
async fn registration_probes_are_limited_and_name_no_field(app: TestApp) {
    app.beneficiary(7).await;
    // Another registration with one identifier of an existing account: 409,
    // and the answer does not say which identifier.
    for taken in ["email", "mobile", "id_number"] {
        let mut r = registration(8);
        match taken {
            "email" => r.email = registration(7).email,
            "mobile" => r.mobile = registration(7).mobile,
            _ => r.id_number = registration(7).id_number,
        }
        let e = app.client.register(&r).await.unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(409), Some("identity.account_exists")), "{taken}");
        assert!(e.details().is_none(), "{taken}: {:?}", e.details());
    }
    let e = app.client.register(&registration(9)).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(429), Some("request.rate_limited")), "the fifth attempt from one address");
}

/// Row 8: the limit counts the account, not the identifier typed.
async fn log_in_failures_count_per_account_whichever_identifier(app: TestApp) {
    app.beneficiary(10).await;
    let r = registration(10);
    for login in [&r.email, &r.mobile, &r.id_number, &r.email, &r.mobile] {
        assert_eq!(app.client.login(login, "wrong password").await.unwrap_err().status(), Some(401));
    }
    for login in [&r.mobile, &r.id_number, &r.email] {
        let e = app.client.login(login, PASSWORD).await.unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(429), Some("auth.too_many_attempts")), "{login}");
    }
    // A login that names no account locks alike, so that a lock does not tell.
    for _ in 0..5 {
        app.client.login("nobody@example.sa", "wrong password").await.unwrap_err();
    }
    assert_eq!(app.client.login("nobody@example.sa", "x").await.unwrap_err().status(), Some(429));
    let reached = audited(&app, "auth.rate_limited").await;
    assert_eq!(reached.len(), 2, "{reached:?}");
}

/// Rows 4 and 5 as the probe sent them: many at once, not one after the other.
async fn guesses_at_once_cannot_overrun_the_limits(app: TestApp) {
    let (c, _) = app.beneficiary(22).await;
    let email = registration(22).email;
    let guesses = (0..40).map(|i| app.client.login(&email, if i % 2 == 0 { "wrong one" } else { "wrong two" }));
    let answers = futures_util::future::join_all(guesses).await;
    let statuses: Vec<_> = answers.iter().map(|r| r.as_ref().unwrap_err().status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == Some(401)).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == Some(429)).count(), 35, "{statuses:?}");
    let sends = (0..27).map(|_| c.otp_send(OtpChannel::Email));
    let sent = futures_util::future::join_all(sends).await;
    assert_eq!(sent.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(sent.iter().filter_map(|r| r.as_ref().err()).all(|e| e.status() == Some(429)));
}

/// Row 7: NIST SP 800-63B, with the reason in both languages.
async fn weak_passwords_are_refused_with_the_reason(app: TestApp) {
    let en = app.client.with_lang(tawasul_core::Lang::En);
    for (password, code) in [
        ("12345678", "identity.common_password"),
        ("password", "identity.common_password"),
        ("        ", "identity.common_password"),
        ("short", "identity.weak_password"),
        ("sara11 my name", "identity.password_has_personal_data"),
    ] {
        let mut r = registration(11);
        r.password = password.into();
        if code.ends_with("personal_data") {
            r.email = "sara11@example.sa".into();
        }
        for c in [&app.client, &en] {
            let e = c.register(&r).await.unwrap_err();
            assert_eq!((e.status(), e.code(), e.field()), (Some(422), Some(code), Some("password")), "{password:?}");
        }
    }
    let mut r = registration(11);
    r.password = format!("my id is {}", r.id_number);
    assert_eq!(app.client.register(&r).await.unwrap_err().code(), Some("identity.password_has_personal_data"));
    let e = en
        .register(&{
            let mut r = registration(11);
            r.password = "password".into();
            r
        })
        .await
        .unwrap_err();
    let tawasul_client::ClientError::Api { message, .. } = &e else { panic!() };
    assert!(message.contains("common"), "{message}");

    // Changing to a weak one, and an admin choosing one for an employee.
    let (c, _) = app.beneficiary(12).await;
    let e = c.change_password(PASSWORD, "iloveyou").await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Some("identity.common_password"), Some("new_password")));
    let e = c.change_password(PASSWORD, "Alotaibi forever").await.unwrap_err();
    assert_eq!(e.code(), Some("identity.password_has_personal_data"));
    let entity = app.entity(12).await;
    let mut emp = employee_request(121, "employee", vec![]);
    emp.initial_password = Some("qwertyuiop".into());
    let e = entity.admin.create_employee(entity.id, &emp).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Some("identity.common_password"), Some("initial_password")));
}

/// Row 9.
async fn invisible_characters_are_refused_in_names_and_subjects_and_removed_from_file_names(app: TestApp) {
    let mut r = registration(13);
    r.name_en = "\u{202E}ibiatolA araS".into();
    let e = app.client.register(&r).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Some("request.invisible_characters"), Some("name_en")));
    let mut r = registration(13);
    r.name_ar = "\u{200B}\u{200B}".into();
    assert_eq!(app.client.register(&r).await.unwrap_err().field(), Some("name_ar"));

    let s = setup(&app, 1, "round_robin", 13).await;
    let (ben, _) = app.beneficiary(13).await;
    for subject in ["\u{200B}\u{200C}\u{FEFF}", "\u{064E}\u{064E}", "طلب \u{202E}موعد"] {
        let mut t = request(s.entity.id, s.type_id, 1);
        t.subject = subject.into();
        let e = ben.create_transaction(&t).await.unwrap_err();
        assert_eq!((e.status(), e.field()), (Some(422), Some("subject")), "{subject:?}");
    }
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let a =
        ben.upload_attachment(t.id, "external", "\u{202E}gnp.exe", "image/png", b"not a png".to_vec()).await.unwrap();
    assert_eq!(a.name, "gnp.exe");
}

/// Rows 10 and 11.
async fn bodies_and_queries_must_have_the_expected_shape(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 14).await;
    let employee = &s.employees[0].1;
    let post = |c: &Client, path: String, body: &'static str| {
        c.request(Method::POST, &path).header("content-type", "application/json").body(body).send()
    };
    let envelope = |res: reqwest::Response| async move {
        let status = res.status().as_u16();
        (status, res.json::<serde_json::Value>().await.unwrap()["error"].clone())
    };
    let (status, e) =
        envelope(post(employee, format!("/api/v1/transactions/{id}/complete"), "[]").await.unwrap()).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("request.not_an_object")));
    assert_eq!(employee.get_transaction(id).await.unwrap().status, tawasul_core::workflow::Status::Assigned);

    let (status, e) = envelope(
        post(employee, format!("/api/v1/transactions/{id}/complete"), r#"{"note": "ok", "notes": 1}"#).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str(), e["details"]["field"].as_str()),
        (422, Some("request.unknown_field"), Some("notes"))
    );
    let deep = format!(
        "{}{}{}",
        r#"{"entity_id": "x", "type_id": "y", "subject": "s", "body": "b", "fields": {"a": "#,
        "[".repeat(40),
        "]".repeat(40) + "}}"
    );
    let res = ben
        .request(Method::POST, "/api/v1/transactions")
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    let (status, e) = envelope(res).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("request.too_deep")), "{e}");

    // Every parse error is the localized envelope with the field, never library text.
    let en = ben.with_lang(tawasul_core::Lang::En);
    for (c, expect_arabic) in [(&ben, true), (&en, false)] {
        let res = c.request(Method::GET, "/api/v1/transactions?limit=-5").send().await.unwrap();
        let (status, e) = envelope(res).await;
        assert_eq!(
            (status, e["code"].as_str(), e["details"]["field"].as_str()),
            (422, Some("request.invalid_field"), Some("limit"))
        );
        let message = e["details"]["fields"][0]["message"].as_str().unwrap();
        assert_eq!(message.chars().any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)), expect_arabic, "{message}");
        assert!(!e.to_string().contains("deserialize"), "{e}");
    }
    let res = app
        .platform
        .request(Method::POST, "/api/v1/regulators")
        .json(&json!({"name_ar": "هيئة", "name_en": "Authority", "email": "r@reg.sa", "mobile": "0500000001",
                      "national_id": valid_id(1, 1401), "entity_ids": ["x"]}))
        .send()
        .await
        .unwrap();
    let (status, e) = envelope(res).await;
    assert_eq!((status, e["details"]["field"].as_str()), (422, Some("entity_ids")), "{e}");
    assert!(!e.to_string().contains("untagged"), "{e}");
    let mut bad = serde_json::to_value(request(s.entity.id, s.type_id, 2)).unwrap();
    bad["subject"] = json!(123);
    let res = ben.request(Method::POST, "/api/v1/transactions").json(&bad).send().await.unwrap();
    let (status, e) = envelope(res).await;
    assert_eq!((status, e["details"]["field"].as_str()), (422, Some("subject")));
    // A path parameter that is not an id: 404, as for one that exists nowhere, named.
    let res = ben.request(Method::GET, "/api/v1/transactions/not-an-id/timeline").send().await.unwrap();
    let (status, e) = envelope(res).await;
    assert_eq!(
        (status, e["code"].as_str(), e["details"]["field"].as_str()),
        (404, Some("resource.not_found"), Some("id"))
    );
}

/// Row 12.
async fn a_refused_request_leaves_its_idempotency_key_free(app: TestApp) {
    let (_s, ben, _, id) = one_transaction(&app, 15).await;
    let send = |body: serde_json::Value| {
        ben.request(Method::POST, &format!("/api/v1/transactions/{id}/comments"))
            .header("idempotency-key", "comment-1")
            .json(&body)
            .send()
    };
    assert_eq!(send(json!({"visibility": "external", "body": ""})).await.unwrap().status(), 422);
    let first = send(json!({"visibility": "external", "body": "شكراً"})).await.unwrap();
    assert_eq!(first.status(), 201, "the corrected request runs under the same key");
    let again = send(json!({"visibility": "external", "body": "شكراً"})).await.unwrap();
    assert_eq!((again.status().as_u16(), again.headers().get("idempotent-replayed").is_some()), (201, true));
    let comments = ben.timeline(id).await.unwrap().into_iter().filter(|e| e.kind == EventKind::Comment).count();
    assert_eq!(comments, 1);
}

/// Row 13.
async fn refusals_answer_with_the_right_status(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 16).await;
    let e = ben.step(id, "reopen", &json!({"reason": "أرجو إعادة النظر"})).await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(409), Some("transaction.illegal_transition")),
        "not closed: a step, not a right"
    );
    // Employees may see their own record but not change it; another entity's is absent.
    let (employee_id, employee) = &s.employees[0];
    let e = employee.update_employee(*employee_id, &patch(json!({"on_leave_until": null}))).await.unwrap_err();
    assert_eq!(e.status(), Some(403));
    let other = app.entity(17).await;
    let e = other.admin.update_employee(*employee_id, &patch(json!({"active": false}))).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
}

/// Row 14.
async fn a_lookup_refuses_to_guess_between_entities(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 18).await;
    let b = setup(&app, 1, "round_robin", 19).await;
    let (ben, _) = app.beneficiary(18).await;
    let ta = ben.create_transaction(&request(a.entity.id, a.type_id, 1)).await.unwrap();
    let tb = ben.create_transaction(&request(b.entity.id, b.type_id, 1)).await.unwrap();
    assert_eq!(ta.reference, tb.reference, "the first of the year at each entity");
    let e = ben.lookup_transaction(&ta.reference).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(409), Some("transaction.reference_ambiguous")));
    let listed: Vec<EntityId> = e.details().unwrap()["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::from_value(m["entity_id"].clone()).unwrap())
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&a.entity.id) && listed.contains(&b.entity.id));
    assert_eq!(ben.lookup_transaction_at(&ta.reference, b.entity.id).await.unwrap().id, tb.id);
    // The entity's staff see only their own: no ambiguity for them.
    assert_eq!(a.supervisor.lookup_transaction(&ta.reference).await.unwrap().id, ta.id);
    let e = ben.lookup_transaction_at(&ta.reference, EntityId::new()).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
}

/// Row 15: a body sent a byte at a time is cut off with 408.
async fn a_trickled_body_is_cut_off(app: TestApp) {
    let address = app.client.base().trim_start_matches("http://").to_owned();
    let (mut reader, mut writer) = tokio::net::TcpStream::connect(&address).await.unwrap().into_split();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        while writer.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(10), reader.read(&mut answer))
        .await
        .expect("cut off in time")
        .unwrap();
    trickle.abort();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request.timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // A body that arrives at once is not affected.
    app.client.login("platform@tawasul.test", PASSWORD).await.unwrap();
}

/// Row 15, second half: what a crash leaves in the object store goes.
async fn unrecorded_objects_are_swept_after_the_grace_period(app: TestApp) {
    let (_s, ben, _, id) = one_transaction(&app, 20).await;
    let kept =
        ben.upload_attachment(id, "external", "هوية.pdf", "application/pdf", b"%PDF-1.4 kept".to_vec()).await.unwrap();
    let orphan = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes_of("left by a crash"))]);
    app.objects.put("orphans/left-by-a-crash", orphan, 1 << 20).await.unwrap();
    let before = app.objects.list("").await.unwrap().len();
    let sweep = |grace| tawasul_server::orphan_sweeper::sweep(&app.db, &app.objects, grace);
    assert_eq!(sweep(Duration::from_secs(3600)).await.unwrap(), 0, "within the grace period nothing goes");
    assert_eq!(sweep(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(app.objects.list("").await.unwrap().len(), before - 1);
    assert!(app.objects.list("orphans").await.unwrap().is_empty());
    let (_, bytes) = ben.download_attachment(kept.id).await.unwrap();
    assert_eq!(bytes, b"%PDF-1.4 kept");
}

fn bytes_of(s: &str) -> actix_web::web::Bytes {
    actix_web::web::Bytes::from(s.as_bytes().to_vec())
}

/// Row 16.
async fn the_openapi_document_says_where_visibility_goes(app: TestApp) {
    let doc = app.client.openapi().await.unwrap();
    let params = &doc["paths"]["/api/v1/transactions/{id}/voice"]["post"]["parameters"];
    let visibility = params.as_array().unwrap().iter().find(|p| p["name"] == "visibility").unwrap();
    assert_eq!((visibility["in"].as_str(), visibility["required"].as_bool()), (Some("query"), Some(false)));
    let upload = &doc["paths"]["/api/v1/transactions/{id}/attachments"]["post"];
    let form = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    let form = match form.get("$ref").and_then(|r| r.as_str()) {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => form,
    };
    assert!(form["properties"]["visibility"].is_object() && form["properties"]["file"].is_object(), "{form}");
    assert!(
        upload["parameters"].as_array().unwrap().iter().all(|p| p["name"] != "visibility" || p["in"] == "query"),
        "{upload}"
    );
}

/// PRODUCT.md rule 4 for the writes on a transaction that left no entry: each
/// is audited with the events it wrote, and never with what they say.
async fn comments_documents_voice_notes_and_ratings_are_audited_without_their_content(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 23).await;
    let employee = &s.employees[0].1;
    employee.comment(id, "internal", "ملاحظة داخلية سرية").await.unwrap();
    ben.comment(id, "external", "أرفقت المستند").await.unwrap();
    ben.upload_attachment(id, "external", "هوية.pdf", "application/pdf", b"%PDF-1.4 x".to_vec()).await.unwrap();
    let speech = tawasul_tests::speech::record().unwrap();
    employee.record_voice(id, "internal", "audio/wav", std::fs::read(&speech.wav).unwrap()).await.unwrap();
    employee.step(id, "complete", &json!({})).await.unwrap();
    ben.rate(id, 5, Some("خدمة ممتازة")).await.unwrap();

    let comments = audited(&app, "transaction.comment").await;
    assert_eq!(comments.len(), 2);
    let first = comments[0].after.as_ref().unwrap()["events"].as_array().unwrap().clone();
    assert_eq!((first[0]["kind"].as_str(), first[0]["visibility"].as_str()), (Some("comment"), Some("internal")));
    // The employee's first external word would start the work; the
    // beneficiary's comment here changes nothing: one event.
    assert_eq!(comments[1].actor, Some(me(&ben).await));
    for action in ["transaction.attachment", "transaction.voice", "transaction.rate"] {
        let entries = audited(&app, action).await;
        assert_eq!(entries.len(), 1, "{action}");
        assert_eq!(entries[0].target, format!("transaction:{id}"), "{action}");
    }
    for action in ["transaction.comment", "transaction.attachment", "transaction.voice", "transaction.rate"] {
        for e in audited(&app, action).await {
            let text = format!("{:?}{:?}", e.before, e.after);
            for secret in ["ملاحظة داخلية", "أرفقت", "هوية", "ممتازة"] {
                assert!(!text.contains(secret), "{action} keeps content: {text}");
            }
        }
    }
    let chain = tawasul_storage::audit::Chain::Entity(comments[0].entity.unwrap());
    sealed(&app).await;
    let verified = tawasul_storage::audit::verify(app.db.read(), chain).await.unwrap();
    assert_eq!(verified.first_bad_seq, None);
}
