//! Outgoing messages through the durable outbox: e-mail over a real SMTP server,
//! SMS through the operator's HTTP gateway (faked here: it is truly outside),
//! retried until the far side accepts.

use tawasul_core::api::OtpChannel;
use tawasul_tests::smtp::SmtpServer;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_credentials_go_out_over_smtp() {
    let smtp = SmtpServer::start().unwrap();
    let url = smtp.url();
    let app = spawn_app_with("sqlite", |s| s.smtp_url = Some(url.into())).await;
    let e = app.entity(1).await;
    let mut req = employee_request(1, "employee", vec![]);
    req.initial_password = None;
    e.admin.create_employee(e.id, &req).await.unwrap();
    let mut mail = None;
    for _ in 0..100 {
        mail = smtp.messages().iter().filter_map(|m| decode_mail(m)).find(|m| m.contains("employee1@entity.sa"));
        if mail.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = mail.expect("the SMTP server received the credentials");
    assert!(mail.contains("Subject: بيانات الدخول إلى تواصل"), "{mail}");
    let password = mail.lines().find_map(|l| l.strip_prefix("Temporary password: ")).unwrap().trim().to_owned();
    app.client.login("employee1@entity.sa", &password).await.unwrap();
    // Nothing was written as a file when SMTP is configured.
    assert!(std::fs::read_dir(app.data_dir.join("outbox-mail")).map(|d| d.count() == 0).unwrap_or(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sms_code_is_retried_until_the_gateway_accepts_it() {
    let (url, received, handle) = sms_gateway(1).await;
    let app = spawn_app_with("sqlite", |s| s.sms_gateway_url = Some(url)).await;
    let (client, _) = app.beneficiary(1).await;
    client.otp_send(OtpChannel::Sms).await.unwrap();
    let mut sms = None;
    for _ in 0..100 {
        sms = received.lock().unwrap().first().cloned();
        if sms.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sms = sms.expect("delivered after a retry");
    assert_eq!(sms["to"], "+966500000001");
    assert!(sms["id"].is_string());
    let text = sms["text"].as_str().unwrap();
    assert!(text.contains("رمز التحقق"), "Arabic by default: {text}");
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let me = client.otp_verify(OtpChannel::Sms, &code).await.unwrap();
    assert!(me.mobile_verified);
    handle.stop(false).await;
}

/// Without a gateway (a developer's machine, the demo), an SMS is written as
/// a JSON file under the data directory and counts as delivered, as e-mail
/// without SMTP is written as `.eml`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_gateway_an_sms_is_written_as_a_file() {
    let app = spawn_app("sqlite").await;
    let (client, _) = app.beneficiary(1).await;
    client.otp_send(OtpChannel::Sms).await.unwrap();
    let dir = app.data_dir.join("outbox-sms");
    let mut files = vec![];
    for _ in 0..100 {
        files = std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        if !files.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(files.len(), 1, "{files:?}");
    let sms: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(sms["to"], "+966500000001");
    assert!(sms["text"].as_str().unwrap().contains("رمز التحقق"), "{sms}");
    assert_eq!(sms["segments"], 2, "Arabic goes as UCS-2: {sms}");
    let code: String = sms["text"].as_str().unwrap().chars().filter(char::is_ascii_digit).take(6).collect();
    assert!(client.otp_verify(OtpChannel::Sms, &code).await.unwrap().mobile_verified);
}

/// Two workers (as two server processes would run) on one PostgreSQL database,
/// sending at the same moments: every message reaches the SMTP server exactly
/// once. A message claimed by a worker that then died is sent after its lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_postgres_send_each_message_once() {
    use tawasul_server::outbox_worker::OutboxWorker;
    use tawasul_storage::outbox::{self, Message};

    let smtp = SmtpServer::start().unwrap();
    let database = tawasul_tests::TestDatabase::postgres().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = tawasul_server::settings::Settings {
        data_dir: dir.path().to_path_buf(),
        smtp_url: Some(smtp.url().into()),
        ..Default::default()
    };
    let mut workers = Vec::new();
    for _ in 0..2 {
        let db = tawasul_storage::Db::connect(&database.url).await.unwrap();
        db.migrate().await.unwrap();
        let metrics = tawasul_server::metrics::Metrics::new().unwrap();
        workers.push(OutboxWorker::new(db, &settings, Default::default(), metrics).unwrap());
    }
    let db = tawasul_storage::Db::connect(&database.url).await.unwrap();
    let now = chrono::Utc::now();
    const N: usize = 120;
    for n in 0..N {
        let m = Message::Email {
            to: format!("person{n}@example.sa"),
            subject: format!("رسالة {n}"),
            body: "نص".into(),
            html: None,
            calendar: None,
        };
        outbox::enqueue(db.write(), &m, now).await.unwrap();
    }
    loop {
        let (a, b) = tokio::join!(workers[0].deliver_due(), workers[1].deliver_due());
        let (a, b) = (a.unwrap(), b.unwrap());
        if a + b == 0 {
            break;
        }
    }
    let ids: Vec<String> = smtp
        .messages()
        .iter()
        .filter_map(|raw| mail_parser::MessageParser::default().parse(raw)?.message_id().map(str::to_owned))
        .collect();
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (N, N), "each message once");

    // A worker that claims and dies: the message waits out the lease, then goes.
    let m = Message::Email {
        to: "late@example.sa".into(),
        subject: "x".into(),
        body: "y".into(),
        html: None,
        calendar: None,
    };
    let id = outbox::enqueue(db.write(), &m, now).await.unwrap();
    let claimed = outbox::claim_due(db.write(), now, 10, outbox::LEASE).await.unwrap();
    assert_eq!(claimed.iter().map(|p| p.id).collect::<Vec<_>>(), [id]);
    assert!(outbox::claim_due(db.write(), now + outbox::LEASE / 2, 10, outbox::LEASE).await.unwrap().is_empty());
    let again = outbox::claim_due(db.write(), now + outbox::LEASE + chrono::Duration::seconds(1), 10, outbox::LEASE)
        .await
        .unwrap();
    assert_eq!(again.iter().map(|p| p.id).collect::<Vec<_>>(), [id]);
}
