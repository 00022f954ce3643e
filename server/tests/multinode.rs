//! Two `tawasul serve` processes on one PostgreSQL, one S3-compatible store
//! (moto) and one NATS bus, all started here on loopback: what one node
//! commits reaches real-time subscribers of the other live and on resume, and
//! its archive search, a document's text included; a log-out on one ends access on the other; a
//! notification is sent once; the background work runs on one node, and the
//! other takes it over when that node is killed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)] // test code: a panic is the failure report

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tawasul_client::Client;
use tawasul_client::realtime::{Incoming, RealtimeConnection};
use tawasul_core::api::EventView;
use tawasul_core::ids::TransactionId;
use tawasul_core::realtime::{ServerFrame, Topic, TopicEvent};
use tawasul_testkit::nats::NatsServer;
use tawasul_testkit::postgres::PgCluster;
use tawasul_testkit::s3::S3Server;
use tawasul_testkit::smtp::SmtpServer;

const BIN: &str = env!("CARGO_BIN_EXE_tawasul");
const PASSWORD: &str = "Tawasul@1448";
const BENEFICIARY: &str = "mohammed@example.sa";
const WAIT: Duration = Duration::from_secs(10);

/// What every node shares: the database, the object store, the bus, the mail
/// server, and the keys that sign tokens and wrap documents.
struct Shared {
    database_url: String,
    object_store: String,
    bus_url: String,
    smtp_url: String,
}

struct Node {
    child: Child,
    base: String,
    metrics: String,
    _data: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `tawasul serve` (with the demo data when `demo`) and waits until it
/// listens.
fn serve(shared: &Shared, demo: bool) -> Node {
    let data = tempfile::tempdir().unwrap();
    let admin = format!("127.0.0.1:{}", free_port());
    let mut c = Command::new(BIN);
    c.arg("serve").arg("--data-dir").arg(data.path());
    if demo {
        c.arg("--demo");
    }
    c.env("TAWASUL_DATABASE_URL", &shared.database_url)
        .env("TAWASUL_OBJECT_STORE", &shared.object_store)
        .env("TAWASUL_BUS_URL", &shared.bus_url)
        .env("TAWASUL_SMTP_URL", &shared.smtp_url)
        .env("TAWASUL_TOKEN_SECRET", "a-token-secret-every-node-shares-0123456789")
        .env("TAWASUL_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        .env("TAWASUL_LISTEN", "127.0.0.1:0")
        .env("TAWASUL_ADMIN_LISTEN", &admin)
        .env("TAWASUL_WORKERS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut printed = String::new();
    loop {
        assert!(Instant::now() < deadline, "no 'listening on' line: {printed}");
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve exited: {printed}");
        printed.push_str(&line);
        if let Some(base) = line.trim().strip_prefix("listening on ") {
            let base = base.to_owned();
            std::thread::spawn(move || for _ in out.lines() {});
            return Node { child, base, metrics: format!("http://{admin}/metrics"), _data: data };
        }
    }
}

impl Node {
    fn client(&self) -> Client {
        Client::new(self.base.clone())
    }

    /// Whether this node says it runs the background work.
    async fn leads(&self) -> bool {
        let text = reqwest::get(&self.metrics).await.unwrap().text().await.unwrap();
        text.lines().any(|l| l.trim() == "tawasul_leading 1")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn signed_in(node: &Node, login: &str) -> (Client, String) {
    let auth = node.client().login(login, PASSWORD).await.unwrap();
    (node.client().with_token(auth.access_token), auth.refresh_token)
}

/// The next comment event on a connection, skipping other frames.
async fn next_comment(ws: &mut RealtimeConnection) -> (i64, EventView) {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await.expect("an event within the wait") {
            Some(Incoming::Frame(ServerFrame::Event { seq, event: TopicEvent::Transaction(e), .. }))
                if e.data.contains_key("body") =>
            {
                return (seq, e);
            }
            Some(Incoming::Frame(_)) => continue,
            other => panic!("the connection ended: {other:?}"),
        }
    }
}

/// Waits until a search for `word` finds the transaction `id`.
async fn finds(c: &Client, word: &str, id: TransactionId, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let page = c.search(&[("q", word)]).await.unwrap();
        if page.items.iter().any(|h| h.transaction_id == Some(id)) {
            return;
        }
        assert!(Instant::now() < deadline, "the search for {word} never found {id}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn body(e: &EventView) -> &str {
    e.data.get("body").and_then(|b| b.as_str()).unwrap_or_default()
}

/// Messages that reached the mail server addressed to `to`.
fn mails_to(smtp: &SmtpServer, to: &str) -> Vec<String> {
    smtp.messages()
        .into_iter()
        .map(|m| String::from_utf8_lossy(&m).into_owned())
        .filter(|m| m.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to)))
        .collect()
}

/// Waits until the mail server has had nothing new for `quiet`.
async fn mail_settles(smtp: &SmtpServer, quiet: Duration) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut count, mut since) = (smtp.count(), Instant::now());
    while since.elapsed() < quiet {
        assert!(Instant::now() < deadline, "mail never settled");
        tokio::time::sleep(Duration::from_millis(200)).await;
        if smtp.count() != count {
            (count, since) = (smtp.count(), Instant::now());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_events_searches_log_outs_and_background_work() {
    let pg = PgCluster::start().unwrap();
    let s3 = S3Server::start().unwrap();
    s3.create_bucket("tawasul").unwrap();
    let nats = NatsServer::start().unwrap();
    let smtp = SmtpServer::start().unwrap();
    let shared = Shared {
        database_url: pg.create_database("tawasul").unwrap(),
        object_store: s3.url("tawasul", "nodes"),
        bus_url: nats.url(),
        smtp_url: smtp.url(),
    };
    let a = serve(&shared, true);
    let b = serve(&shared, false);

    // The background work runs on exactly one node.
    let deadline = Instant::now() + WAIT;
    while !(a.leads().await || b.leads().await) {
        assert!(Instant::now() < deadline, "no node took the background work");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(a.leads().await != b.leads().await, "one node leads, not both");

    // The beneficiary follows an open transaction of theirs on node B; the
    // entity's admin answers on node A.
    let (ben_b, _) = signed_in(&b, BENEFICIARY).await;
    let (ben_a, ben_refresh) = signed_in(&a, BENEFICIARY).await;
    let mine = ben_b.list_transactions("").await.unwrap();
    let t = mine.items.iter().find(|t| !t.status.is_closed()).expect("an open one");
    let id: TransactionId = t.id;
    let mut staff_a = None;
    for admin in ["admin@hrsd.demo.sa", "admin@emirate.demo.sa", "admin@water.demo.sa"] {
        let (c, _) = signed_in(&a, admin).await;
        if c.get_transaction(id).await.is_ok() {
            staff_a = Some(c);
        }
    }
    let staff_a = staff_a.expect("the transaction's entity admin");
    let topic = Topic::Transaction(id);
    let mut ws = b.client().with_token(ben_a.token().unwrap()).realtime().await.unwrap();
    ws.subscribe(topic, None).await.unwrap();
    mail_settles(&smtp, Duration::from_secs(2)).await;
    let mails_before = mails_to(&smtp, BENEFICIARY).len();

    // Live on node B.
    let written = staff_a.comment(id, "external", "رد من العقدة الأولى kumquatnode").await.unwrap();
    let (seq, live) = next_comment(&mut ws).await;
    assert_eq!((seq, body(&live)), (i64::from(written.seq), "رد من العقدة الأولى kumquatnode"));

    // Node B's archive finds it, within the usual second or so.
    let (staff_b, _) = signed_in(&b, "admin@hrsd.demo.sa").await;
    let staff_b = if staff_b.get_transaction(id).await.is_ok() {
        staff_b
    } else {
        b.client().with_token(staff_a.token().unwrap())
    };
    finds(&staff_b, "kumquatnode", id, WAIT).await;

    // The beneficiary is told once, whichever node's outbox worker sends it.
    let deadline = Instant::now() + WAIT;
    while mails_to(&smtp, BENEFICIARY).len() == mails_before {
        assert!(Instant::now() < deadline, "the beneficiary was never told of the reply");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    mail_settles(&smtp, Duration::from_secs(3)).await;
    assert_eq!(mails_to(&smtp, BENEFICIARY).len(), mails_before + 1, "one message for one reply");

    // A document attached through node A: whichever node extracts its text,
    // node B's archive finds a word of it.
    let docx = tawasul_testkit::documents::docx(&["محضر المعاينة الميدانية persimmonword"]).unwrap();
    let docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    staff_a.upload_attachment(id, "external", "معاينة.docx", docx_type, docx).await.unwrap();
    finds(&staff_b, "persimmonword", id, Duration::from_secs(30)).await;

    // Resume on node B after being away while node A wrote.
    ws.close().await;
    let away = staff_a.comment(id, "external", "رد أثناء الغياب").await.unwrap();
    let mut ws = b.client().with_token(ben_a.token().unwrap()).realtime().await.unwrap();
    let (replayed, latest) = ws.subscribe(topic, Some(seq)).await.unwrap();
    assert_eq!(latest, i64::from(away.seq));
    assert!(
        replayed.iter().any(|f| matches!(f, ServerFrame::Event { event: TopicEvent::Transaction(e), .. }
            if body(e) == "رد أثناء الغياب")),
        "the missed reply is replayed: {replayed:?}"
    );

    // A log-out on node A: node B refuses the session and closes its connection.
    ben_b.me().await.unwrap(); // node B has the caller in its cache
    b.client().with_token(ben_a.token().unwrap()).me().await.unwrap();
    ben_a.logout(Some(&ben_refresh)).await.unwrap();
    let started = Instant::now();
    let on_b = b.client().with_token(ben_a.token().unwrap());
    let mut served = 0;
    loop {
        match on_b.me().await {
            Err(e) if e.status() == Some(401) => break,
            // The signal crosses NATS while the client's next request crosses
            // HTTP: it may lose that race by a few milliseconds, never more.
            Ok(_) if started.elapsed() < Duration::from_secs(2) => served += 1,
            other => panic!("node B still serves a session ended on node A: {:?}", other.map(|u| u.id)),
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!(
        "a log-out on node A: refused on node B after {:?}, {served} requests served meanwhile",
        started.elapsed()
    );
    let deadline = Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline.into(), ws.next()).await.expect("closed within the wait") {
            Some(Incoming::Closed { code, .. }) => {
                assert_eq!(code, 4401);
                break;
            }
            Some(Incoming::Frame(_)) => continue,
            None => panic!("ended without a close frame"),
        }
    }
    ben_b.me().await.expect("the beneficiary's other session, on node B, is untouched");

    // The leading node dies: the other takes the background work over.
    let (mut leader, follower) = if a.leads().await { (a, b) } else { (b, a) };
    leader.child.kill().unwrap();
    leader.child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !follower.leads().await {
        assert!(Instant::now() < deadline, "nobody took the background work over");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(leader);
    drop(nats);
}
