//! The audit trail end to end: every write of the API leaves an entry (walked
//! from the OpenAPI document, so that a new write without one fails here), who
//! reads which entity's trail, and tampering with a stored row is found.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use tawasul_core::api::*;
use tawasul_storage::{ConnectionTrait, Statement};
use tawasul_tests::speech::record;

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{request, setup};

use crate::on_both_backends_with;

/// An SMS gateway that refuses every connection, and one try: SMS
/// notifications are given up at once, which the walk needs for `resend`.
fn one_try(s: &mut tawasul_server::settings::Settings) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    s.sms_gateway_url = Some(format!("http://127.0.0.1:{closed}/sms"));
    s.outbox_max_attempts = 1;
}

on_both_backends_with!(one_try; every_write_of_the_api_leaves_an_audit_entry);

on_both_backends!(the_trail_is_read_by_those_who_may_and_no_one_else, editing_a_stored_entry_is_found_by_verify,);

async fn count(app: &TestApp, action: &str) -> usize {
    sealed(app).await;
    tawasul_storage::audit::all(app.db.read()).await.unwrap().iter().filter(|e| e.action == action).count()
}

/// Runs write operations of the document, each checked for a new entry of
/// the action it must leave.
struct Walk<'a> {
    app: &'a TestApp,
    done: BTreeSet<(String, String)>,
}

impl Walk<'_> {
    async fn step<T, E: std::fmt::Debug>(
        &mut self,
        method: &str,
        path: &str,
        action: &str,
        op: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let before = count(self.app, action).await;
        let out = op.await;
        if let Err(e) = &out {
            panic!("{method} {path} failed: {e:?}");
        }
        let after = count(self.app, action).await;
        assert!(after > before, "{method} {path} left no `{action}` entry");
        self.done.insert((method.to_owned(), path.to_owned()));
        out
    }
}

/// A regulator of one entity, signing in as `reg<n>@nazaha.sa`.
pub fn regulator_of(n: u32, entity: tawasul_core::ids::EntityId) -> CreateRegulatorRequest {
    CreateRegulatorRequest {
        name_ar: "رقيب".into(),
        name_en: "Regulator".into(),
        email: format!("reg{n}@nazaha.sa"),
        mobile: format!("055{n}000"),
        national_id: valid_id(1, n * 1000),
        entity_ids: EntityIds::List(vec![entity]),
        initial_password: Some(PASSWORD.into()),
    }
}

fn otp_code(mail: &str) -> String {
    mail.split_whitespace()
        .map(|w| w.trim_end_matches(['.', '،']))
        .find(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the e-mail")
        .to_owned()
}

/// The token of the guest's link in the first meeting invitation the outbox holds.
async fn guest_link_token(app: &TestApp) -> String {
    let db = app.db.read();
    let rows = db
        .query_all(Statement::from_string(db.get_database_backend(), "SELECT payload FROM outbox".to_owned()))
        .await
        .unwrap();
    let texts: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<Value>("", "payload").ok())
        .filter_map(|p| p.get("body").or(p.get("text")).and_then(Value::as_str).map(str::to_owned))
        .collect();
    let text = texts.iter().find(|t| t.contains("/guest/meetings/")).expect("a guest's invitation");
    let at = text.find("/guest/meetings/").unwrap() + "/guest/meetings/".len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

async fn every_write_of_the_api_leaves_an_audit_entry(app: TestApp) {
    let mut w = Walk { app: &app, done: BTreeSet::new() };
    let auth = w
        .step("post", "/api/v1/auth/register", "auth.register", app.client.register(&registration(8801)))
        .await
        .unwrap();
    let ben = app.client.with_token(auth.access_token.clone());
    let login = registration(8801).email;
    let again = w.step("post", "/api/v1/auth/login", "auth.login", app.client.login(&login, PASSWORD)).await.unwrap();
    let pair =
        w.step("post", "/api/v1/auth/refresh", "auth.refresh", app.client.refresh(&again.refresh_token)).await.unwrap();
    w.step("post", "/api/v1/auth/logout", "auth.logout", app.client.with_token(pair.access_token).logout(None))
        .await
        .unwrap();
    w.step("post", "/api/v1/auth/otp/send", "auth.otp_send", ben.otp_send(OtpChannel::Email)).await.unwrap();
    let code = otp_code(&app.mails(1).await[0]);
    w.step("post", "/api/v1/auth/otp/verify", "auth.otp_verify", ben.otp_verify(OtpChannel::Email, &code))
        .await
        .unwrap();

    let created = w
        .step("post", "/api/v1/entities", "entity.create", app.platform.create_entity(&entity_request(88)))
        .await
        .unwrap();
    let entity = created.entity.id;
    let admin = app.client.with_token(app.client.login("admin88@entity.sa", PASSWORD).await.unwrap().access_token);
    let dept = w
        .step(
            "post",
            "/api/v1/entities/{id}/departments",
            "department.create",
            admin.create_department(entity, &department_request("Licences", None)),
        )
        .await
        .unwrap();
    let employee = w
        .step(
            "post",
            "/api/v1/entities/{id}/employees",
            "employee.create",
            admin.create_employee(entity, &employee_request(8810, "employee", vec![dept.id.to_string()])),
        )
        .await
        .unwrap();
    let change = UpdateEmployeeRequest { grant: Some(vec!["stats.view".into()]), ..Default::default() };
    w.step("patch", "/api/v1/employees/{id}", "employee.update", admin.update_employee(employee.id, &change))
        .await
        .unwrap();
    let tt = CreateTransactionTypeRequest {
        code: "licence".into(),
        name_ar: "رخصة".into(),
        name_en: "Licence".into(),
        department_id: dept.id.to_string(),
        sla_hours: 24,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: "round_robin".into(),
        fields: None,
    };
    let tt = w
        .step(
            "post",
            "/api/v1/entities/{id}/transaction-types",
            "transaction_type.create",
            admin.create_transaction_type(entity, &tt),
        )
        .await
        .unwrap();
    let mut calendar = admin.calendar(entity).await.unwrap();
    calendar.closes = "15:00".into();
    w.step("put", "/api/v1/entities/{id}/calendar", "calendar.update", admin.set_calendar(entity, &calendar))
        .await
        .unwrap();
    let targets = SetTargetsRequest { targets: [("on_time_rate".to_owned(), 0.9)].into() };
    w.step("put", "/api/v1/entities/{id}/targets", "targets.update", app.platform.set_targets(entity, &targets))
        .await
        .unwrap();
    let regulator = regulator_of(8801, entity);
    w.step("post", "/api/v1/regulators", "regulator.create", app.platform.create_regulator(&regulator)).await.unwrap();

    // A meeting: scheduled by the admin with the employee invited, and each step in it.
    let emp = app.client.with_token(app.client.login("employee8810@entity.sa", PASSWORD).await.unwrap().access_token);
    let members = [(employee.id, emp.clone())];
    let meeting = crate::meetings::meeting_request(entity, &members, chrono::Utc::now());
    let m = w.step("post", "/api/v1/meetings", "meeting.create", admin.create_meeting(&meeting)).await.unwrap().id;
    let at = |name: &str| format!("/api/v1/meetings/{{id}}/{name}");
    w.step("post", &at("rsvp"), "meeting.rsvp", emp.rsvp(m, "accepted")).await.unwrap();
    w.step("post", &at("check-in"), "meeting.check_in", emp.check_in(m)).await.unwrap();
    w.step("post", &at("notes"), "meeting.note", emp.add_note(m, "رأي في البند الأول", Some(0))).await.unwrap();
    w.step("put", &at("minutes"), "meeting.minutes_draft", admin.draft_minutes(m, "المحضر")).await.unwrap();
    w.step("post", &at("minutes/approve"), "meeting.minutes_approve", admin.approve_minutes(m)).await.unwrap();
    let secret = CreateVoteRequest {
        question: "هل يُعتمد؟".into(),
        options: vec!["نعم".into(), "لا".into()],
        ballot: "secret".into(),
        quorum: 1,
        closes_at: None,
    };
    let v = w.step("post", &at("votes"), "vote.create", admin.open_vote(m, &secret)).await.unwrap().id;
    w.step("post", "/api/v1/votes/{id}/ballots", "vote.ballot", emp.cast_ballot(v, 1)).await.unwrap();
    w.step("post", "/api/v1/votes/{id}/close", "vote.close", admin.close_vote(v)).await.unwrap();
    w.step("post", &at("decisions"), "meeting.decision", admin.record_decision(m, "اعتُمد", Some(v))).await.unwrap();
    // The guest, by the link their invitation carries (read from the outbox:
    // this server has no SMS gateway to catch it at).
    let token = guest_link_token(&app).await;
    let guest = |name: &str| format!("/api/v1/guest/meetings/{{token}}/{name}");
    let rsvp = async {
        let path = format!("/api/v1/guest/meetings/{token}/rsvp");
        let res = app.client.request(Method::POST, &path).json(&json!({ "response": "tentative" })).send().await?;
        tawasul_client::Client::decode::<Value>(res).await
    };
    w.step("post", &guest("rsvp"), "meeting.rsvp", rsvp).await.unwrap();
    let check_in = async {
        let res = app.client.request(Method::POST, &format!("/api/v1/guest/meetings/{token}/check-in")).send().await?;
        tawasul_client::Client::decode::<Value>(res).await
    };
    w.step("post", &guest("check-in"), "meeting.check_in", check_in).await.unwrap();
    let later = ChangeMeetingRequest { location: Some("القاعة الصغرى".into()), ..Default::default() };
    w.step("patch", "/api/v1/meetings/{id}", "meeting.change", admin.change_meeting(m, &later)).await.unwrap();
    let other = crate::meetings::meeting_request(entity, &members, chrono::Utc::now() + chrono::Duration::days(1));
    let other = admin.create_meeting(&other).await.unwrap().id;
    w.step("post", &at("cancel"), "meeting.cancel", admin.cancel_meeting(other)).await.unwrap();
    let reminder = CreateReminderRequest {
        at: (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
        text: "متابعة القرار".into(),
        transaction_id: None,
    };
    w.step("post", "/api/v1/me/reminders", "reminder.create", emp.add_reminder(&reminder)).await.unwrap();
    w.step("post", "/api/v1/me/calendar/feed/reset", "calendar_feed.issue", emp.reset_calendar_feed()).await.unwrap();
    sealed(&app).await;
    let ballot =
        tawasul_storage::audit::all(app.db.read()).await.unwrap().into_iter().find(|e| e.action == "vote.ballot");
    assert_eq!(ballot.and_then(|b| b.after), Some(json!({})), "a secret ballot's entry carries no option");

    let t = w
        .step(
            "post",
            "/api/v1/transactions",
            "transaction.create",
            ben.create_transaction(&CreateTransactionRequest {
                entity_id: entity.to_string(),
                type_id: tt.id.to_string(),
                subject: "تجديد رخصة".into(),
                body: "أرجو تجديد الرخصة".into(),
                priority: None,
                fields: None,
            }),
        )
        .await
        .unwrap();
    let id = t.id;
    w.step(
        "post",
        "/api/v1/transactions/{id}/comments",
        "transaction.comment",
        emp.comment(id, "internal", "ملاحظة داخلية"),
    )
    .await
    .unwrap();
    w.step(
        "post",
        "/api/v1/transactions/{id}/attachments",
        "transaction.attachment",
        ben.upload_attachment(id, "external", "صورة.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
    )
    .await
    .unwrap();
    let webm = std::fs::read(record().unwrap().webm).unwrap();
    w.step(
        "post",
        "/api/v1/transactions/{id}/voice",
        "transaction.voice",
        ben.record_voice(id, "external", "audio/webm;codecs=opus", webm),
    )
    .await
    .unwrap();
    let supervisor = admin.clone();
    let s = "transaction.step";
    let step = |name: &'static str| format!("/api/v1/transactions/{{id}}/{name}");
    w.step("post", &step("assign"), s, supervisor.step(id, "assign", &json!({ "employee_id": employee.id })))
        .await
        .unwrap();
    w.step("post", &step("await-beneficiary"), s, emp.step(id, "await-beneficiary", &json!({ "message": "m" })))
        .await
        .unwrap();
    let until = chrono::Utc::now() + chrono::Duration::days(2);
    w.step("post", &step("postpone"), s, supervisor.step(id, "postpone", &json!({ "until": until, "reason": "r" })))
        .await
        .unwrap();
    w.step("post", &step("complete"), s, emp.step(id, "complete", &json!({}))).await.unwrap();
    w.step("post", &step("reopen"), s, ben.step(id, "reopen", &json!({ "reason": "r" }))).await.unwrap();
    w.step("post", &step("reject"), s, supervisor.step(id, "reject", &json!({ "reason": "r" }))).await.unwrap();
    w.step("post", &step("rate"), "transaction.rate", ben.rate(id, 4, None)).await.unwrap();
    w.step("post", "/api/v1/auth/password", "auth.password_change", ben.change_password(PASSWORD, "Another#Pass1448"))
        .await
        .unwrap();
    let prefs = json!({ "channels": { "email": true, "sms": false, "in_app": true }, "events": {} });
    let put = async {
        let res = ben.request(Method::PUT, "/api/v1/me/notification-preferences").json(&prefs).send().await?;
        tawasul_client::Client::decode::<Value>(res).await
    };
    w.step("put", "/api/v1/me/notification-preferences", "notification.preferences_change", put).await.unwrap();
    let read = async {
        let res =
            ben.request(Method::POST, "/api/v1/me/notifications/read").json(&json!({ "all": true })).send().await?;
        tawasul_client::Client::decode::<Value>(res).await
    };
    w.step("post", "/api/v1/me/notifications/read", "notification.read", read).await.unwrap();
    // The SMS notifications were given up (one try, no gateway): send one again.
    let failed = async {
        for _ in 0..100 {
            let res =
                admin.request(Method::GET, &format!("/api/v1/entities/{entity}/notifications?status=failed")).send();
            let items: Vec<Value> = tawasul_client::Client::decode(res.await.unwrap()).await.unwrap();
            if let Some(first) = items.into_iter().find(|i| i["channel"] == "sms") {
                return first;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no SMS notification was given up");
    }
    .await;
    let path = format!("/api/v1/entities/{entity}/notifications/{}/resend", failed["id"].as_str().unwrap());
    let resend = async { admin.request(Method::POST, &path).send().await.map(|r| r.status()) };
    let status = w
        .step("post", "/api/v1/entities/{id}/notifications/{notification_id}/resend", "notification.resend", resend)
        .await
        .unwrap();
    assert_eq!(status, 202);
    assert!(count(&app, "notification.given_up").await >= 1, "giving up is audited");

    // A forgotten password, last: the reset ends the beneficiary's sessions.
    let before = app.mails(0).await;
    let forgot = app.client.forgot_password(&login, OtpChannel::Email);
    w.step("post", "/api/v1/auth/password/forgot", "auth.otp_send", forgot).await.unwrap();
    let mails = app.mails(before.len() + 1).await;
    let new: Vec<String> = mails.into_iter().filter(|m| !before.contains(m)).collect();
    let reset = tawasul_core::api::ResetPasswordRequest {
        login: login.clone(),
        channel: "email".into(),
        code: crate::identity::code_in(&new, &login),
        new_password: PASSWORD.into(),
    };
    w.step("post", "/api/v1/auth/password/reset", "auth.password_reset", app.client.reset_password(&reset))
        .await
        .unwrap();

    // Every write the document lists was walked (and so left an entry).
    let doc = app.client.openapi().await.unwrap();
    let mut writes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if Method::from_bytes(method.to_uppercase().as_bytes()).is_ok_and(|m| m != Method::GET) {
                writes.insert((method.clone(), path.clone()));
            }
        }
    }
    let missed: Vec<_> = writes.difference(&w.done).collect();
    assert!(missed.is_empty(), "writes not checked for an audit entry: {missed:?}");

    // Entries written while serving a request carry its client address; the
    // platform's own (a notification given up by the worker) have none.
    sealed(&app).await;
    for e in tawasul_storage::audit::all(app.db.read()).await.unwrap() {
        let want = if e.action == "notification.given_up" { None } else { Some("127.0.0.1") };
        assert_eq!(e.address.as_deref(), want, "{}", e.action);
    }
}

async fn get(c: &tawasul_client::Client, query: &str) -> Result<Value, tawasul_client::ClientError> {
    let res = c.request(Method::GET, &format!("/api/v1/audit{query}")).send().await?;
    tawasul_client::Client::decode(res).await
}

async fn the_trail_is_read_by_those_who_may_and_no_one_else(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 87).await;
    let other = setup(&app, 1, "round_robin", 86).await;
    let (ben, auth) = app.beneficiary(8700).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    s.employees[0].1.comment(t.id, "internal", "داخلي").await.unwrap();
    sealed(&app).await;

    // The entity's admin reads its trail, newest first, with the chain's hashes.
    let page = get(&s.entity.admin, "").await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 6, "{page}");
    assert!(items.iter().all(|e| e["entity_id"] == json!(s.entity.id)), "only their entity's entries");
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "one chain, newest first: {seqs:?}");
    assert_eq!(items[0]["prev_hash"], items[1]["hash"]);
    assert_eq!(items[0]["action"], "transaction.comment");
    assert_eq!(items[0]["actor"]["id"], json!(s.employees[0].0));
    assert_eq!(items[0]["client_address"], "127.0.0.1");

    // Filters and pages.
    let created = get(&s.entity.admin, "?action=transaction.create").await.unwrap();
    assert_eq!(created["items"].as_array().unwrap().len(), 1);
    assert_eq!(created["items"][0]["actor"]["id"], json!(auth.user.id));
    let first = get(&s.entity.admin, "?limit=2").await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(&s.entity.admin, &format!("?limit=2&cursor={cursor}")).await.unwrap();
    assert_eq!(second["items"][0]["seq"].as_i64().unwrap(), first["items"][1]["seq"].as_i64().unwrap() - 1);
    let bad = get(&s.entity.admin, "?action=nope&limit=0").await.unwrap_err();
    assert_eq!((bad.status(), bad.field()), (Some(422), Some("action")));

    // Nobody else: the beneficiary, an employee without audit.view, another
    // entity's admin, a regulator outside the remit.
    let theirs = format!("?entity_id={}", s.entity.id);
    for (who, c) in [("beneficiary", &ben), ("employee", &s.employees[0].1), ("other admin", &other.entity.admin)] {
        let e = get(c, &theirs).await.unwrap_err();
        assert_eq!(e.status(), Some(403), "{who}");
        let v = c.request(Method::GET, &format!("/api/v1/audit/verify{theirs}")).send().await.unwrap();
        assert_eq!(v.status(), 403, "{who} verifying");
    }
    let outside = regulator_of(8701, other.entity.id);
    app.platform.create_regulator(&outside).await.unwrap();
    let regulator = app.client.with_token(app.client.login("reg8701@nazaha.sa", PASSWORD).await.unwrap().access_token);
    assert_eq!(get(&regulator, &theirs).await.unwrap_err().status(), Some(403));
    let in_remit = get(&regulator, "").await.unwrap();
    assert!(in_remit["items"].as_array().unwrap().iter().all(|e| e["entity_id"] == json!(other.entity.id)));
    // The platform admin reads everything, the platform's own chain included.
    let all = get(&app.platform, "?action=auth.register").await.unwrap();
    assert!(all["items"].as_array().unwrap().iter().any(|e| e["actor"]["id"] == json!(auth.user.id)));
}

async fn verify(c: &tawasul_client::Client, query: &str) -> Value {
    let res = c.request(Method::GET, &format!("/api/v1/audit/verify{query}")).send().await.unwrap();
    tawasul_client::Client::decode(res).await.unwrap()
}

async fn editing_a_stored_entry_is_found_by_verify(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 85).await;
    let (ben, _) = app.beneficiary(8500).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    ben.comment(t.id, "external", "شكراً").await.unwrap();
    sealed(&app).await;
    let ok = verify(&s.entity.admin, "").await;
    assert_eq!(ok["ok"], true, "{ok}");
    let entries = ok["entries"].as_i64().unwrap();
    assert!(entries >= 5);
    assert_eq!(verify(&app.platform, &format!("?entity_id={}", s.entity.id)).await, ok, "the same chain");
    assert_eq!(verify(&app.platform, "").await["ok"], true, "the platform's chain");

    // Someone with database access rewrites what an action did.
    let backend = app.db.write().get_database_backend();
    let forge = format!(
        "UPDATE audit_trail SET after = '{{\"status\":\"completed\"}}' WHERE chain = '{}' AND seq = 3",
        s.entity.id
    );
    app.db.write().execute(Statement::from_string(backend, forge)).await.unwrap();
    let bad = verify(&s.entity.admin, "").await;
    assert_eq!((bad["ok"].as_bool(), bad["first_bad_seq"].as_i64()), (Some(false), Some(3)), "{bad}");
    assert_eq!(bad["entries"].as_i64(), Some(entries));
    // Another entity's chain is not affected.
    let other = setup(&app, 1, "round_robin", 84).await;
    sealed(&app).await;
    assert_eq!(verify(&other.entity.admin, "").await["ok"], true);
}
