//! Notifications end to end, over a real SMTP server (aiosmtpd) and a stand-in
//! for the SMS operator: every step tells the right person in their language,
//! internal words reach no message, preferences choose channels, staff see on
//! the timeline whether each message went out, and failures on both sides
//! followed by recovery deliver every message exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tawasul_server::settings::Settings;
use tawasul_tests::smtp::SmtpServer;

use crate::helpers::*;
use crate::transactions::{Setup, request, setup};

#[derive(Debug, Clone)]
struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
    message_id: String,
}

fn mails(smtp: &SmtpServer) -> Vec<Mail> {
    smtp.messages()
        .iter()
        .filter_map(|raw| {
            let m = mail_parser::MessageParser::default().parse(raw)?;
            Some(Mail {
                to: m.to()?.first()?.address()?.to_owned(),
                subject: m.subject().unwrap_or_default().to_owned(),
                text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                html: m.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                message_id: m.message_id().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// Waits until `check` holds for what arrived, or fails with what did.
async fn until<T: std::fmt::Debug>(what: &str, mut read: impl FnMut() -> T, check: impl Fn(&T) -> bool) -> T {
    for _ in 0..150 {
        let got = read();
        if check(&got) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} never came: {:?}", read());
}

fn texts(received: &Received) -> Vec<(String, String)> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|m| (m["to"].as_str().unwrap_or_default().to_owned(), m["text"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

struct World {
    app: TestApp,
    smtp: SmtpServer,
    sms: Received,
    app_sms_url: String,
    s: Setup,
    _gateway: actix_web::dev::ServerHandle,
}

async fn world(backend: &str, smtp: SmtpServer, refuse_sms: u32, adjust: impl FnOnce(&mut Settings)) -> World {
    let (url, sms, gateway) = sms_gateway(refuse_sms).await;
    let smtp_url = smtp.url();
    let app_sms_url = url.clone();
    let app = spawn_app_with(backend, |s| {
        s.smtp_url = Some(smtp_url.into());
        s.sms_gateway_url = Some(url);
        s.outbox_retry_base_ms = 50;
        adjust(s);
    })
    .await;
    let s = setup(&app, 1, "round_robin", 91).await;
    World { app, smtp, sms, app_sms_url, s, _gateway: gateway }
}

/// Tests that build their own world (an SMTP server, a gateway) from the
/// backend's name, run on both backends.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name("sqlite").await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name("postgres").await
            }
        }
    )*};
}

on_both!(
    each_step_tells_the_right_person_in_their_language,
    preferences_choose_the_channels,
    in_app_notices_are_kept_for_their_reader_to_read,
    failures_then_recovery_deliver_every_message_exactly_once,
    an_sms_given_up_goes_by_email_and_is_listed_for_the_admins,
);

async fn each_step_tells_the_right_person_in_their_language(backend: &str) {
    let w = world(backend, SmtpServer::start().unwrap(), 0, |_| {}).await;
    let (app, s) = (&w.app, &w.s);
    let emp = &s.employees[0].1;
    let employee_mail = "employee9100@entity.sa";
    // A beneficiary who reads English.
    let mut r = registration(9101);
    r.language = Some("en".into());
    let ben_mail = r.email.clone();
    let auth = app.client.register(&r).await.unwrap();
    let ben = app.client.with_token(auth.access_token);

    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let reference = t.reference.clone();
    // The receipt: by SMS (always) and by e-mail, in English, with the number.
    let receipt_sms = |m: &(String, String)| m.1.contains("has received your transaction");
    let sms = until("the receipt SMS", || texts(&w.sms), |m| m.iter().any(receipt_sms)).await;
    let (to, receipt) = sms.iter().find(|m| receipt_sms(m)).unwrap();
    assert!(to.ends_with(&r.mobile[1..]), "to the beneficiary's mobile: {to}");
    assert!(receipt.starts_with("Tawasul: ") && receipt.contains(&reference), "{receipt}");
    let got = until("the receipt e-mail", || mails(&w.smtp), |m| m.iter().any(|m| m.to == ben_mail)).await;
    let receipt = got.iter().find(|m| m.to == ben_mail).unwrap();
    assert!(receipt.subject.contains("has been received") && receipt.subject.contains(&reference), "{receipt:?}");
    assert!(receipt.html.contains("dir=\"ltr\"") && receipt.html.contains("lang=\"en\""), "{}", receipt.html);
    assert!(receipt.text.contains("notification-preferences"), "a link to the preferences");
    assert!(!receipt.message_id.is_empty());
    // The employee hears of the assignment, in Arabic (their language).
    let got = until("the assignment", || mails(&w.smtp), |m| m.iter().any(|m| m.to == employee_mail)).await;
    let assigned = got.iter().find(|m| m.to == employee_mail).unwrap();
    assert!(assigned.subject.contains("أُسندت إليك"), "{assigned:?}");
    assert!(assigned.html.contains("dir=\"rtl\""));

    // An internal note notifies nobody, and its words reach no message.
    emp.comment(t.id, "internal", "ملاحظة سرية رقم ٧٧").await.unwrap();
    emp.comment(t.id, "external", "نراجع طلبك").await.unwrap();
    emp.step(t.id, "await-beneficiary", &json!({ "message": "أرسل صورة الهوية" })).await.unwrap();
    ben.comment(t.id, "external", "Here it is").await.unwrap();
    let until_time = chrono::Utc::now() + chrono::Duration::seconds(1);
    s.supervisor
        .step(t.id, "postpone", &json!({ "until": until_time, "reason": "Waiting for another entity" }))
        .await
        .unwrap();
    // The postponement ends by itself (the platform resumes it), then the work is done.
    let resumed = async {
        for _ in 0..100 {
            if ben.get_transaction(t.id).await.unwrap().status != tawasul_core::workflow::Status::Postponed {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("not resumed");
    };
    resumed.await;
    emp.step(t.id, "complete", &json!({})).await.unwrap();

    let expect_ben = ["New reply", "is waiting for you", "postponed", "resumed", "completed", "Rate the service"];
    let got = until(
        "every notice to the beneficiary",
        || mails(&w.smtp),
        |m| expect_ben.iter().all(|e| m.iter().any(|m| m.to == ben_mail && m.subject.contains(e))),
    )
    .await;
    let to_ben: Vec<&Mail> = got.iter().filter(|m| m.to == ben_mail).collect();
    assert_eq!(to_ben.len(), 7, "the receipt and six notices, each once: {to_ben:#?}");
    let postponed = to_ben.iter().find(|m| m.subject.contains("postponed")).unwrap();
    assert!(postponed.text.contains("Waiting for another entity") && postponed.text.contains("Riyadh time"));
    let got = until(
        "the beneficiary's reply to the employee",
        || mails(&w.smtp),
        |m| m.iter().any(|m| m.to == employee_mail && m.subject.contains("رد جديد")),
    )
    .await;
    assert_eq!(got.iter().filter(|m| m.to == employee_mail).count(), 2, "assigned, and the reply; not their own steps");
    let sms = texts(&w.sms);
    for needle in ["سرية", "٧٧", "نراجع طلبك", "صورة الهوية", "Here it is"] {
        for m in &got {
            assert!(!m.text.contains(needle) && !m.html.contains(needle), "`{needle}` in {m:?}");
        }
        assert!(sms.iter().all(|(_, text)| !text.contains(needle)), "`{needle}` in an SMS");
    }
    // The operator is told how many parts each SMS takes (UCS-2 for Arabic).
    for m in w.sms.lock().unwrap().iter() {
        let text = m["text"].as_str().unwrap();
        assert_eq!(m["segments"].as_u64(), Some(u64::from(tawasul_core::notify::sms_segments(text))), "{m}");
    }
    // Message-IDs are unique: one message per notice.
    let ids: BTreeSet<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), got.len());

    // Staff see on the timeline whether each was delivered; the beneficiary does not.
    let staff: Vec<Value> = async {
        for _ in 0..100 {
            let res =
                emp.request(Method::GET, &format!("/api/v1/transactions/{}/timeline", t.id)).send().await.unwrap();
            let events: Vec<Value> = res.json().await.unwrap();
            let all_done = events
                .iter()
                .flat_map(|e| e["notifications"].as_array().cloned().unwrap_or_default())
                .all(|d| d["status"] == "delivered");
            if all_done {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("deliveries never settled");
    }
    .await;
    let created = &staff[0]["notifications"];
    let channels: BTreeSet<&str> = created.as_array().unwrap().iter().map(|d| d["channel"].as_str().unwrap()).collect();
    assert_eq!(channels, BTreeSet::from(["email", "in_app", "sms"]), "{created}");
    let internal = staff.iter().find(|e| e["visibility"] == "internal" && e["kind"] == "comment").unwrap();
    assert_eq!(internal["notifications"], json!([]));
    let res = ben.request(Method::GET, &format!("/api/v1/transactions/{}/timeline", t.id)).send().await.unwrap();
    let theirs: Vec<Value> = res.json().await.unwrap();
    assert!(theirs.iter().all(|e| e.get("notifications").is_none()), "delivery details are for staff");
}

async fn preferences_choose_the_channels(backend: &str) {
    let w = world(backend, SmtpServer::start().unwrap(), 0, |_| {}).await;
    let (app, s) = (&w.app, &w.s);
    let r = registration(9201);
    let (mail, mobile) = (r.email.clone(), format!("+966{}", &r.mobile[1..]));
    let auth = app.client.register(&r).await.unwrap();
    let ben = app.client.with_token(auth.access_token);
    let path = "/api/v1/me/notification-preferences";
    let defaults: Value = ben.request(Method::GET, path).send().await.unwrap().json().await.unwrap();
    assert_eq!(defaults["channels"], json!({ "email": true, "sms": true, "in_app": true }));
    // No SMS at all, and completion by e-mail only.
    let prefs =
        json!({ "channels": { "email": true, "sms": false, "in_app": true }, "events": { "completed": ["email"] } });
    let res = ben.request(Method::PUT, path).json(&prefs).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bad = ben.request(Method::PUT, path).json(&json!({ "channels": { "email": true } })).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    let saved: Value = ben.request(Method::GET, path).send().await.unwrap().json().await.unwrap();
    assert_eq!(saved, prefs);

    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    s.employees[0].1.comment(t.id, "external", "نعمل عليه").await.unwrap();
    until(
        "the reply by e-mail",
        || mails(&w.smtp),
        |m| m.iter().any(|m| m.to == mail && m.subject.contains("رد جديد")),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sms: Vec<(String, String)> = texts(&w.sms).into_iter().filter(|(to, _)| *to == mobile).collect();
    assert_eq!(sms.len(), 1, "only the receipt, which always goes: {sms:?}");
    assert!(sms[0].1.contains(&t.reference));
}

/// The in-app channel: the notices a person would hear of are kept for them
/// in their language, listed newest first with the unread count, and marked
/// read one by one or all at once — their own only. Turning `in_app` off keeps
/// none; an internal comment gives none; staff see on the timeline whether a
/// notice was read.
async fn in_app_notices_are_kept_for_their_reader_to_read(backend: &str) {
    let w = world(backend, SmtpServer::start().unwrap(), 0, |_| {}).await;
    let (app, s) = (&w.app, &w.s);
    let emp = &s.employees[0].1;
    let auth = app.client.register(&registration(9251)).await.unwrap();
    let ben = app.client.with_token(auth.access_token);
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    emp.comment(t.id, "internal", "سرّي: لا يُبلَّغ به المستفيد").await.unwrap();
    emp.comment(t.id, "external", "نعمل على طلبك").await.unwrap();
    let list = |c: &tawasul_client::Client, query: &'static str| {
        let req = c.request(Method::GET, &format!("/api/v1/me/notifications{query}"));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut got = json!({});
    for _ in 0..100 {
        got = list(&ben, "").await;
        if got["items"].as_array().is_some_and(|i| i.len() >= 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kinds: Vec<&str> = got["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["external_reply", "transaction_created"], "newest first, nothing internal: {got}");
    assert_eq!(got["unread"], 2);
    let newest = &got["items"][0];
    assert_eq!(newest["transaction_id"], json!(t.id));
    assert!(newest["subject"].as_str().unwrap().contains(&t.reference), "{newest}");
    assert!(newest["text"].as_str().unwrap().contains("رد"), "in Arabic, the reader's language: {newest}");
    assert!(!got.to_string().contains("سرّي"), "no internal words");
    let paged = list(&ben, "?limit=1").await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    let cursor = paged["next_cursor"].as_str().unwrap().to_owned();
    let rest = ben.request(Method::GET, &format!("/api/v1/me/notifications?limit=1&cursor={cursor}")).send().await;
    let rest: Value = rest.unwrap().json().await.unwrap();
    assert_eq!(rest["items"][0]["kind"], "transaction_created");
    assert_eq!(rest["next_cursor"], Value::Null);

    // Marking: someone else's notice is not touched; then one, then all.
    let read = "/api/v1/me/notifications/read";
    let one = json!({ "ids": [newest["id"]] });
    let theirs: Value = emp.request(Method::POST, read).json(&one).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs["marked"], 0);
    let mine: Value = ben.request(Method::POST, read).json(&one).send().await.unwrap().json().await.unwrap();
    assert_eq!((mine["marked"].clone(), mine["unread"].clone()), (json!(1), json!(1)));
    for bad in [json!({ "ids": ["nope"] }), json!({})] {
        assert_eq!(ben.request(Method::POST, read).json(&bad).send().await.unwrap().status(), 422, "{bad}");
    }
    let all: Value =
        ben.request(Method::POST, read).json(&json!({ "all": true })).send().await.unwrap().json().await.unwrap();
    assert_eq!((all["marked"].clone(), all["unread"].clone()), (json!(1), json!(0)));
    let res = emp.request(Method::GET, &format!("/api/v1/transactions/{}/timeline", t.id)).send().await.unwrap();
    let staff: Vec<Value> = res.json().await.unwrap();
    let reply = staff.iter().find(|e| e["visibility"] == "external" && e["kind"] == "comment").unwrap();
    let in_app: Vec<&Value> =
        reply["notifications"].as_array().unwrap().iter().filter(|d| d["channel"] == "in_app").collect();
    assert_eq!(in_app.len(), 1, "{reply}");
    assert_eq!((in_app[0]["recipient"].clone(), in_app[0]["status"].clone()), (json!(auth.user.id), json!("read")));

    // With `in_app` off, nothing more is kept for them.
    let prefs = json!({ "channels": { "email": true, "sms": true, "in_app": false }, "events": {} });
    let path = "/api/v1/me/notification-preferences";
    assert_eq!(ben.request(Method::PUT, path).json(&prefs).send().await.unwrap().status(), 200);
    emp.comment(t.id, "external", "تحديث آخر").await.unwrap();
    until(
        "the reply by e-mail",
        || mails(&w.smtp),
        |m| m.iter().filter(|m| m.subject.contains("رد جديد")).count() >= 2,
    )
    .await;
    let after = list(&ben, "").await;
    assert_eq!(after["items"].as_array().unwrap().len(), 2, "{after}");
}

async fn failures_then_recovery_deliver_every_message_exactly_once(backend: &str) {
    // The SMTP server refuses the first five messages (451), the gateway the
    // first five SMS (503); both recover.
    let w = world(backend, SmtpServer::refusing_first(5).unwrap(), 5, |_| {}).await;
    let (app, s) = (&w.app, &w.s);
    let mut expected_mails = BTreeMap::new();
    for n in 0..3 {
        let r = registration(9300 + n);
        expected_mails.insert(r.email.clone(), 1);
        let auth = app.client.register(&r).await.unwrap();
        let ben = app.client.with_token(auth.access_token);
        ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    }
    // Three receipts and three assignments to the employee, each by e-mail and SMS.
    let got = until("every e-mail", || mails(&w.smtp), |m| m.len() >= 6).await;
    let sms = until("every SMS", || texts(&w.sms), |m| m.len() >= 6).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let got_after = mails(&w.smtp);
    assert_eq!(got_after.len(), 6, "none twice: {:#?}", got.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    let ids: BTreeSet<&str> = got_after.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), 6);
    assert_eq!(texts(&w.sms).len(), sms.len(), "no SMS twice");
    let sms_ids: BTreeSet<String> =
        w.sms.lock().unwrap().iter().map(|m| m["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(sms_ids.len(), 6);
}

async fn an_sms_given_up_goes_by_email_and_is_listed_for_the_admins(backend: &str) {
    // The gateway never accepts; one try each.
    let w = world(backend, SmtpServer::start().unwrap(), u32::MAX, |s| s.outbox_max_attempts = 2).await;
    let (app, s) = (&w.app, &w.s);
    let r = registration(9401);
    let mail = r.email.clone();
    let auth = app.client.register(&r).await.unwrap();
    let ben = app.client.with_token(auth.access_token);
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    // The receipt comes twice by e-mail: its own, and the SMS's fallback.
    let got = until("the fallback", || mails(&w.smtp), |m| m.iter().filter(|m| m.to == mail).count() >= 2).await;
    let fallback =
        got.iter().filter(|m| m.to == mail).find(|m| m.subject.starts_with("تواصل: ")).expect("the fallback");
    assert!(fallback.text.contains(&t.reference));
    let path = format!("/api/v1/entities/{}/notifications?status=failed", s.entity.id);
    let listed: Vec<Value> = s.entity.admin.request(Method::GET, &path).send().await.unwrap().json().await.unwrap();
    assert!(listed.iter().any(|n| n["channel"] == "sms" && n["kind"] == "transaction_created"), "{listed:?}");
    let res = s.employees[0].1.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(res.status(), 403, "for the entity's admins");
}

/// Two server processes on one PostgreSQL: both notifiers read every event
/// and both outbox workers claim messages, and each notification is still
/// enqueued once and sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_send_each_notification_once() {
    let w = world("postgres", SmtpServer::start().unwrap(), 0, |_| {}).await;
    let (app, s) = (&w.app, &w.s);
    let (smtp_url, sms_url) = (w.smtp.url(), w.app_sms_url.clone());
    let (_other, _dir) = app
        .second_node(|c| {
            c.smtp_url = Some(smtp_url.into());
            c.sms_gateway_url = Some(sms_url);
        })
        .await;
    for n in 0..10 {
        let auth = app.client.register(&registration(9500 + n)).await.unwrap();
        let ben = app.client.with_token(auth.access_token);
        let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
        s.employees[0].1.comment(t.id, "external", "تم الاستلام").await.unwrap();
    }
    // Per transaction: the receipt (e-mail, SMS), the assignment (e-mail,
    // SMS) and the reply (e-mail, SMS).
    until("every e-mail", || mails(&w.smtp), |m| m.len() >= 30).await;
    until("every SMS", || texts(&w.sms), |m| m.len() >= 30).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let got = mails(&w.smtp);
    let ids: BTreeSet<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!((got.len(), ids.len()), (30, 30), "each e-mail once");
    assert_eq!(texts(&w.sms).len(), 30, "each SMS once");
}
