//! Real time end to end, with a real WebSocket client (tokio-tungstenite):
//! per-recipient visibility, resume without gap or duplicate, refusals, the
//! heartbeat, back-pressure, and fan-out to a thousand subscribers.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tawasul_client::Client;
use tawasul_client::realtime::{Incoming, RealtimeConnection, ws_url};
use tawasul_core::api::EventView;
use tawasul_core::ids::{TransactionId, UserId};
use tawasul_core::realtime::{ClientFrame, ServerFrame, Topic};
use tawasul_core::visibility::Visibility;
use tawasul_server::settings::Settings;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::*;
use crate::transactions::{Setup, request, setup};
use crate::{on_both_backends, on_both_backends_with};

on_both_backends!(
    each_recipient_gets_what_they_may_see_live,
    what_another_node_commits_reaches_live_subscribers,
    a_request_cut_off_right_after_it_is_sent_still_reaches_live_subscribers,
    resume_delivers_exactly_the_missed_visible_events,
    resuming_while_events_are_being_written_leaves_no_gap_and_no_duplicate,
    a_thousand_subscribers_all_receive_every_event_in_order,
    a_consumer_followed_just_as_it_idles_still_takes_what_was_committed_meanwhile,
);

fn quick_timeouts(s: &mut Settings) {
    s.ws_auth_timeout_ms = 500;
    s.ws_heartbeat_ms = 200;
    s.ws_idle_timeout_ms = 1_000;
}

fn small_queue(s: &mut Settings) {
    s.ws_queue = 16;
    s.socket_send_buffer = Some(16 * 1024);
}

on_both_backends_with!(quick_timeouts; refusals_timeouts_and_the_heartbeat);
on_both_backends_with!(small_queue; a_slow_consumer_is_closed_while_a_hundred_others_keep_up);

const WAIT: Duration = Duration::from_secs(10);

/// Real time follows the committed log, not the handlers: a comment written
/// by a second node (its own use cases on the same database, and no HTTP
/// request at all, as when a request is cancelled right after its commit)
/// reaches this node's subscribers, within its visibility rule.
async fn what_another_node_commits_reaches_live_subscribers(app: TestApp) {
    use tawasul_core::lifecycle::Command;
    use tawasul_server::app::App;
    use tawasul_server::log::Committed;

    let (s, ben, _, id) = one_transaction(&app, 45).await;
    let (emp_id, emp) = (&s.employees[0].0, &s.employees[0].1);
    let topic = Topic::Transaction(id);
    let mut ben_ws = connect(&ben).await;
    let mut emp_ws = connect(emp).await;
    for ws in [&mut ben_ws, &mut emp_ws] {
        ws.subscribe(topic, None).await.unwrap();
    }
    // On PostgreSQL a second node has connections of its own; SQLite has one
    // writer per database (a single node), so there the "other node" shares it
    // — either way no request of this server wrote the comments and nobody
    // told its feed: it finds them in the committed log.
    let db = match app.db.backend() {
        tawasul_storage::Backend::Postgres => tawasul_storage::Db::connect(&app.database_url).await.unwrap(),
        tawasul_storage::Backend::Sqlite => app.db.clone(),
    };
    let other_node = App::new(db, Committed::default());
    let employee = tawasul_storage::accounts::load(other_node.db.read(), *emp_id).await.unwrap().unwrap();
    let internal =
        Command::Comment { visibility: Visibility::Internal, body: "ملاحظة من عقدة أخرى".into() };
    other_node.act(&employee, id, internal).await.unwrap(); // 3
    let external = Command::Comment { visibility: Visibility::External, body: "رد من عقدة أخرى".into() };
    other_node.act(&employee, id, external).await.unwrap(); // 4, and 5: in progress

    let got = events(&mut emp_ws, 3).await;
    assert_eq!(seqs(&got, topic), vec![3, 4, 5]);
    assert_eq!(got[0].event.actor.as_ref().map(|a| a.id), Some(*emp_id), "the actor is named from the log");
    let got = events(&mut ben_ws, 2).await;
    assert_eq!(seqs(&got, topic), vec![4, 5], "the internal note is withheld");
    nothing_more(&mut ben_ws).await;
}

/// A client that sends a comment and resets its connection at once (the
/// server's handler is dropped wherever it stands): once the comment is
/// committed, live subscribers get it — nothing between the commit and the
/// delivery belongs to the request.
async fn a_request_cut_off_right_after_it_is_sent_still_reaches_live_subscribers(app: TestApp) {
    use tokio::io::AsyncWriteExt;

    let (_s, ben, _, id) = one_transaction(&app, 46).await;
    let mut ben_ws = connect(&ben).await;
    ben_ws.subscribe(Topic::Transaction(id), None).await.unwrap();
    let address = ben.base().trim_start_matches("http://").to_owned();
    let token = ben.token().unwrap().to_owned();
    let body = "طلب قُطع اتصاله بعد إرساله";
    let json = serde_json::json!({ "visibility": "external", "body": body }).to_string();
    let request = format!(
        "POST /api/v1/transactions/{id}/comments HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    );
    // A reset can arrive before the server has read the request; then nothing
    // was written, and the client sends it again, as a real one would.
    let mut committed = false;
    for _ in 0..20 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket.set_zero_linger().unwrap();
        socket.write_all(request.as_bytes()).await.unwrap();
        drop(socket);
        tokio::time::sleep(Duration::from_millis(200)).await;
        if ben.timeline(id).await.unwrap().iter().any(|e| e.data["body"] == body) {
            committed = true;
            break;
        }
    }
    assert!(committed, "one of the cut-off requests was committed");
    let got = next_event(&mut ben_ws).await;
    assert_eq!((got.seq, got.event.data["body"].as_str()), (3, Some(body)));
    nothing_more(&mut ben_ws).await;
}

/// An event frame, flattened.
#[derive(Debug, Clone)]
struct Got {
    topic: Topic,
    seq: i64,
    transaction_id: Option<TransactionId>,
    event: EventView,
}

async fn next_event(conn: &mut RealtimeConnection) -> Got {
    loop {
        match tokio::time::timeout(WAIT, conn.next()).await.expect("an event in time") {
            Some(Incoming::Frame(ServerFrame::Event { topic, seq, transaction_id, event })) => {
                let event = event.transaction().expect("a transaction's event").clone();
                return Got { topic, seq, transaction_id, event };
            }
            Some(Incoming::Frame(_)) => continue,
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

/// `n` event frames of events after `seq`: the feed may still publish what
/// was committed before a subscription (a loaded machine's feed lags), which
/// a test of what follows leaves aside.
async fn events_after(conn: &mut RealtimeConnection, seq: u32, n: usize) -> Vec<Got> {
    let mut got = Vec::with_capacity(n);
    while got.len() < n {
        let g = next_event(conn).await;
        if g.event.seq > seq {
            got.push(g);
        }
    }
    got
}

async fn events(conn: &mut RealtimeConnection, n: usize) -> Vec<Got> {
    let mut got = Vec::with_capacity(n);
    while got.len() < n {
        got.push(next_event(conn).await);
    }
    got
}

/// Asserts that no event frame arrives for a while.
async fn nothing_more(conn: &mut RealtimeConnection) {
    let quiet = async {
        loop {
            match conn.next().await {
                Some(Incoming::Frame(ServerFrame::Event { seq, topic, .. })) => return Some((topic, seq)),
                Some(Incoming::Frame(_)) => continue,
                _ => return None,
            }
        }
    };
    if let Ok(Some(extra)) = tokio::time::timeout(Duration::from_millis(400), quiet).await {
        panic!("an unexpected event arrived: {extra:?}");
    }
}

pub(crate) async fn closed_with(conn: &mut RealtimeConnection) -> u16 {
    loop {
        match tokio::time::timeout(WAIT, conn.next()).await.expect("a close in time") {
            Some(Incoming::Closed { code, .. }) => return code,
            Some(Incoming::Frame(_)) => continue,
            None => panic!("the connection ended without a close frame"),
        }
    }
}

fn seqs(got: &[Got], topic: Topic) -> Vec<i64> {
    got.iter().filter(|g| g.topic == topic).map(|g| g.seq).collect()
}

pub(crate) async fn connect(c: &Client) -> RealtimeConnection {
    c.realtime().await.expect("WebSocket connection")
}

/// An entity with one employee, a beneficiary and one transaction routed to the
/// employee (seq 1 `created`, seq 2 `assigned`).
pub(crate) async fn one_transaction(app: &TestApp, base: u32) -> (Setup, Client, UserId, TransactionId) {
    let s = setup(app, 1, "round_robin", base).await;
    let (beneficiary, auth) = app.beneficiary(base * 100).await;
    let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    (s, beneficiary, auth.user.id, t.id)
}

async fn each_recipient_gets_what_they_may_see_live(app: TestApp) {
    let (s, ben, ben_id, id) = one_transaction(&app, 41).await;
    let emp = &s.employees[0].1;
    let topic = Topic::Transaction(id);
    let mut ben_ws = connect(&ben).await;
    let mut emp_ws = connect(emp).await;
    for ws in [&mut ben_ws, &mut emp_ws] {
        let (replayed, latest) = ws.subscribe(topic, None).await.unwrap();
        assert!(replayed.is_empty(), "no after_seq, no replay");
        assert_eq!(latest, 2);
        ws.subscribe(Topic::Inbox, None).await.unwrap();
    }

    emp.comment(id, "internal", "ملاحظة داخلية سرية للموظفين").await.unwrap(); // 3
    emp.comment(id, "external", "مرحباً، نعمل على طلبك").await.unwrap(); // 4, and 5: in progress
    ben.comment(id, "external", "شكراً لكم").await.unwrap(); // 6

    let got = events_after(&mut emp_ws, 2, 5).await;
    assert_eq!(seqs(&got, topic), vec![3, 4, 5, 6], "staff see everything, in order");
    let inbox: Vec<_> = got.iter().filter(|g| g.topic == Topic::Inbox).collect();
    assert_eq!(inbox.len(), 1, "the assignee is told of the beneficiary's reply only: {inbox:?}");
    assert_eq!(inbox[0].transaction_id, Some(id));
    assert_eq!(inbox[0].event.actor.as_ref().map(|a| a.id), Some(ben_id));

    let got = events_after(&mut ben_ws, 2, 5).await;
    assert_eq!(seqs(&got, topic), vec![4, 5, 6], "the internal note (seq 3) is withheld");
    let inbox: Vec<_> = got.iter().filter(|g| g.topic == Topic::Inbox).map(|g| g.event.kind.as_str()).collect();
    assert_eq!(inbox, vec!["comment", "status_changed"], "told of the reply and the status, not of their own words");
    for g in &got {
        assert_eq!(g.event.visibility, Visibility::External);
        let raw = serde_json::to_string(&g.event).unwrap();
        assert!(!raw.contains("سرية"), "internal text reached the beneficiary: {raw}");
    }
    nothing_more(&mut ben_ws).await;
    nothing_more(&mut emp_ws).await;

    // Ping frames are answered.
    ben_ws.send(&ClientFrame::Ping).await.unwrap();
    loop {
        match tokio::time::timeout(WAIT, ben_ws.next()).await.unwrap() {
            Some(Incoming::Frame(ServerFrame::Pong)) => break,
            Some(Incoming::Frame(_)) => continue,
            other => panic!("{other:?}"),
        }
    }
}

async fn resume_delivers_exactly_the_missed_visible_events(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 42).await;
    let emp = &s.employees[0].1;
    let topic = Topic::Transaction(id);
    let mut ben_ws = connect(&ben).await;
    ben_ws.subscribe(topic, None).await.unwrap();
    ben_ws.subscribe(Topic::Inbox, None).await.unwrap();
    emp.comment(id, "external", "الرد الأول").await.unwrap(); // 3, 4 (in progress)
    let got = events(&mut ben_ws, 4).await;
    assert_eq!(seqs(&got, topic), vec![3, 4]);
    let last_seen = 4;
    let last_position = *seqs(&got, Topic::Inbox).last().unwrap();
    ben_ws.close().await;

    // Missed while away: two internal notes and two external replies.
    emp.comment(id, "internal", "داخلي ١").await.unwrap(); // 5
    emp.comment(id, "external", "خارجي ١").await.unwrap(); // 6
    emp.comment(id, "internal", "داخلي ٢").await.unwrap(); // 7
    emp.comment(id, "external", "خارجي ٢").await.unwrap(); // 8

    let mut ben_ws = connect(&ben).await;
    let (replayed, latest) = ben_ws.subscribe(topic, Some(last_seen)).await.unwrap();
    let replayed: Vec<i64> = replayed
        .iter()
        .map(|f| match f {
            ServerFrame::Event { seq, event, .. } => {
                assert_eq!(event.transaction().map(|e| e.visibility), Some(Visibility::External));
                *seq
            }
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(replayed, vec![6, 8], "exactly the missed external events, in order");
    assert_eq!(latest, 8);
    let (inbox, _) = ben_ws.subscribe(Topic::Inbox, Some(last_position)).await.unwrap();
    let bodies: Vec<String> = inbox
        .iter()
        .map(|f| match f {
            ServerFrame::Event { event, transaction_id, .. } => {
                assert_eq!(*transaction_id, Some(id));
                let data = &event.transaction().expect("a transaction's event").data;
                data["body"].as_str().unwrap_or_default().to_owned()
            }
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(bodies, vec!["خارجي ١", "خارجي ٢"], "the inbox resumes too, without the internal notes");

    // Staff resume with the internal events too.
    let mut emp_ws = connect(emp).await;
    let (replayed, _) = emp_ws.subscribe(topic, Some(last_seen)).await.unwrap();
    assert_eq!(replayed.len(), 4);

    // And then live, with no duplicate of what was replayed.
    emp.comment(id, "external", "بعد الاستئناف").await.unwrap(); // 9
    let got = events(&mut ben_ws, 2).await;
    assert_eq!(seqs(&got, topic), vec![9]);
    assert_eq!(got.iter().filter(|g| g.topic == Topic::Inbox).count(), 1);
    nothing_more(&mut ben_ws).await;
    let got = events(&mut emp_ws, 1).await;
    assert_eq!(seqs(&got, topic), vec![9]);
}

async fn resuming_while_events_are_being_written_leaves_no_gap_and_no_duplicate(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 43).await;
    let emp = s.employees[0].1.clone();
    let topic = Topic::Transaction(id);
    const N: usize = 60;
    // Two writers at once, so that publications can overtake each other.
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let emp = emp.clone();
            tokio::spawn(async move {
                for i in 0..N / 2 {
                    let v = if i % 3 == 0 { "internal" } else { "external" };
                    emp.comment(id, v, &format!("رسالة {w}-{i}")).await.unwrap();
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Subscribe in the middle of the writing, resuming from the start.
    let mut ben_ws = connect(&ben).await;
    let mut emp_ws = connect(&emp).await;
    let mut ben_seqs = vec![];
    let mut emp_seqs = vec![];
    for (ws, out) in [(&mut ben_ws, &mut ben_seqs), (&mut emp_ws, &mut emp_seqs)] {
        let (replayed, _) = ws.subscribe(topic, Some(2)).await.unwrap();
        out.extend(replayed.iter().map(|f| match f {
            ServerFrame::Event { seq, .. } => *seq,
            _ => unreachable!(),
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    // The status change of the first external reply is one more event.
    let last = 2 + N as i64 + 1;
    while emp_seqs.last() != Some(&last) {
        emp_seqs.push(next_event(&mut emp_ws).await.seq);
    }
    assert_eq!(emp_seqs, (3..=last).collect::<Vec<_>>(), "every seq exactly once, in order");
    let timeline = ben.timeline(id).await.unwrap();
    let visible: Vec<i64> = timeline.iter().map(|e| i64::from(e.seq)).filter(|s| *s > 2).collect();
    while ben_seqs.last() != visible.last() {
        ben_seqs.push(next_event(&mut ben_ws).await.seq);
    }
    assert_eq!(ben_seqs, visible, "exactly the external events, each once, in order");
    nothing_more(&mut ben_ws).await;
}

async fn refusals_timeouts_and_the_heartbeat(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 44).await;
    let (stranger, _) = app.beneficiary(4499).await;

    // Another person's transaction, an unknown one, a meeting: 4403.
    for topic in [Topic::Transaction(id), Topic::Transaction(TransactionId::new())] {
        let mut ws = connect(&stranger).await;
        let refused = ws.subscribe(topic, None).await.unwrap_err();
        assert!(matches!(refused, Incoming::Closed { code: 4403, .. }), "{refused:?}");
    }
    let mut ws = connect(&stranger).await;
    ws.send_text(r#"{"type":"subscribe","topic":"meeting:0195f3a4-0000-7000-8000-000000000000"}"#).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4403);

    // Another entity's staff cannot follow it either.
    let other = app.entity(4498).await;
    let mut ws = connect(&other.admin).await;
    assert!(matches!(ws.subscribe(Topic::Transaction(id), None).await, Err(Incoming::Closed { code: 4403, .. })));

    // A bad token in the header, or in the auth frame: 4401.
    let mut ws = RealtimeConnection::connect(app.client.base(), Some("not-a-token")).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4401);
    let mut ws = RealtimeConnection::connect(app.client.base(), None).await.unwrap();
    ws.send(&ClientFrame::Auth { token: "forged.token.here".into() }).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4401);
    // No auth frame in time: 4401.
    let mut ws = RealtimeConnection::connect(app.client.base(), None).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4401);
    // Subscribing before authenticating: 4401.
    let mut ws = RealtimeConnection::connect(app.client.base(), None).await.unwrap();
    ws.send(&ClientFrame::Subscribe { topic: Topic::Inbox, after_seq: None }).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4401);
    // A logged-out session's token: 4401.
    let auth = app.client.login(&format!("employee{}@entity.sa", 44 * 100), PASSWORD).await.unwrap();
    app.client.with_token(auth.access_token.clone()).logout(Some(&auth.refresh_token)).await.unwrap();
    let mut ws = RealtimeConnection::connect(app.client.base(), Some(&auth.access_token)).await.unwrap();
    assert_eq!(closed_with(&mut ws).await, 4401);

    // The browser way: an auth frame first, then everything works.
    let mut ws = RealtimeConnection::connect(app.client.base(), None).await.unwrap();
    ws.send(&ClientFrame::Auth { token: ben.token().unwrap().into() }).await.unwrap();
    match tokio::time::timeout(WAIT, ws.next()).await.unwrap() {
        Some(Incoming::Frame(ServerFrame::Authenticated { .. })) => {}
        other => panic!("{other:?}"),
    }
    let (_, latest) = ws.subscribe(Topic::Transaction(id), None).await.unwrap();
    assert_eq!(latest, 2);
    // A malformed frame is answered with an error, and the connection stays.
    ws.send_text("{not json").await.unwrap();
    match tokio::time::timeout(WAIT, ws.next()).await.unwrap() {
        Some(Incoming::Frame(ServerFrame::Error { code, message })) => {
            assert_eq!(code, "request.malformed");
            assert!(!message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // Reading (and so answering the server's pings) keeps the connection open
    // well past the idle timeout of 1 s.
    let reader = async {
        let mut n = 0;
        while let Some(Incoming::Frame(f)) = ws.next().await {
            if let ServerFrame::Event { .. } = f {
                n += 1;
            }
        }
        n
    };
    assert!(tokio::time::timeout(Duration::from_millis(2_500), reader).await.is_err(), "closed while answering pings");
    s.employees[0].1.comment(id, "external", "ما زلت متصلاً؟").await.unwrap();
    assert_eq!(next_event(&mut ws).await.seq, 3);

    // A client that answers no ping is closed as idle. (A raw socket: a
    // WebSocket library would answer the pings as it reads.)
    assert_eq!(silent_client_close_code(app.client.base(), ben.token().unwrap()).await, 1000);
}

/// Upgrades by hand, then only reads: returns the close code the server sends.
async fn silent_client_close_code(base: &str, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let upgrade = format!(
        "GET /api/v1/ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    );
    tcp.write_all(upgrade.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, tcp.read_to_end(&mut raw)).await.unwrap().unwrap();
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(raw.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&raw[..head_end]));
    // Walk the server's (unmasked) frames to the close frame.
    let mut at = head_end;
    while at + 2 <= raw.len() {
        let opcode = raw[at] & 0x0f;
        let (len, header) = match raw[at + 1] & 0x7f {
            126 => (usize::from(u16::from_be_bytes([raw[at + 2], raw[at + 3]])), 4),
            127 => panic!("no frame here is that long"),
            n => (usize::from(n), 2),
        };
        let payload = &raw[at + header..at + header + len];
        if opcode == 8 {
            return u16::from_be_bytes([payload[0], payload[1]]);
        }
        at += header + len;
    }
    panic!("no close frame among {} bytes", raw.len());
}

async fn a_slow_consumer_is_closed_while_a_hundred_others_keep_up(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 45).await;
    let emp = s.employees[0].1.clone();
    let topic = Topic::Transaction(id);

    // The slow one: a tiny receive buffer, and it stops reading once subscribed.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = app.client.base().trim_start_matches("http://").parse().unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let mut req = ws_url(app.client.base()).into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {}", ben.token().unwrap()).parse().unwrap());
    let (ws, _) = tokio_tungstenite::client_async(req, tokio_tungstenite::MaybeTlsStream::Plain(stream)).await.unwrap();
    let mut slow = RealtimeConnection::from_stream(ws);
    slow.subscribe(topic, None).await.unwrap();

    const EVENTS: i64 = 300;
    let mut readers = vec![];
    for i in 0..100 {
        let who = if i % 2 == 0 { ben.clone() } else { emp.clone() };
        let mut ws = connect(&who).await;
        ws.subscribe(topic, None).await.unwrap();
        readers.push(tokio::spawn(async move {
            let mut got = vec![];
            // The first external reply also moves the status: one event more.
            while got.len() < (EVENTS + 1) as usize {
                got.push(next_event(&mut ws).await.seq);
            }
            got
        }));
    }
    let long = "نص طويل لملء المخازن المؤقتة. ".repeat(50);
    for i in 0..EVENTS {
        emp.comment(id, "external", &format!("{i}: {long}")).await.unwrap();
    }
    for r in readers {
        let got = r.await.unwrap();
        assert_eq!(got, (3..=EVENTS + 3).collect::<Vec<_>>(), "every event, in order");
    }
    // The server lets go of the slow one while it still reads nothing (the
    // fast ones have hung up by now: nobody is left)...
    let metrics = format!("{}/metrics", app.admin_address);
    let mut open = String::new();
    for _ in 0..100 {
        let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
        open = text.lines().find(|l| l.starts_with("tawasul_ws_connections ")).unwrap_or_default().to_owned();
        if open == "tawasul_ws_connections 0" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(open, "tawasul_ws_connections 0", "the slow connection is still being served");
    // ...and when it reads at last, it finds why — unless its socket was so full
    // that not even the close frame fitted before the server gave up waiting
    // (two seconds, `finish` in the gateway): then the stream simply ends.
    loop {
        match tokio::time::timeout(WAIT, slow.next()).await.expect("the end in time") {
            Some(Incoming::Closed { code, .. }) => {
                assert_eq!(code, 4408, "the slow consumer is closed as too slow");
                break;
            }
            Some(Incoming::Frame(_)) => continue,
            None => break,
        }
    }
}

async fn a_thousand_subscribers_all_receive_every_event_in_order(app: TestApp) {
    let (s, ben, _, id) = one_transaction(&app, 46).await;
    let emp = s.employees[0].1.clone();
    let topic = Topic::Transaction(id);
    let connections: Vec<(bool, RealtimeConnection)> = futures_util::stream::iter(0..1000)
        .map(|i| {
            let who = if i % 2 == 0 { ben.clone() } else { emp.clone() };
            async move {
                let mut ws = connect(&who).await;
                ws.subscribe(topic, None).await.unwrap();
                (i % 2 == 0, ws)
            }
        })
        .buffer_unordered(100)
        .collect()
        .await;
    // 20 external replies and 5 internal notes; the first reply also moves the status.
    for i in 0..25 {
        let v = if i % 5 == 4 { "internal" } else { "external" };
        emp.comment(id, v, &format!("رسالة رقم {i}")).await.unwrap();
    }
    let timeline = emp.timeline(id).await.unwrap();
    let all: Vec<i64> = timeline.iter().map(|e| i64::from(e.seq)).filter(|s| *s > 2).collect();
    let external: Vec<i64> = timeline
        .iter()
        .filter(|e| e.visibility == Visibility::External)
        .map(|e| i64::from(e.seq))
        .filter(|s| *s > 2)
        .collect();
    assert_eq!(all.len(), 26);
    assert_eq!(external.len(), 21);
    let checks: FuturesUnordered<_> = connections
        .into_iter()
        .map(|(is_beneficiary, mut ws)| {
            let expected = if is_beneficiary { external.clone() } else { all.clone() };
            async move {
                let got: Vec<i64> = events(&mut ws, expected.len()).await.iter().map(|g| g.seq).collect();
                assert_eq!(got, expected);
            }
        })
        .collect();
    checks.collect::<Vec<()>>().await;
}

/// A consumer of the log that nobody follows when first asked (as real time
/// with no connection open) and is followed right after (a connection opened
/// just then), with an event committed in between: after the consumer's
/// place, before it probes for the log's end. Real time once skipped such an
/// event when the probe passed it; the subscriber, which had read its own
/// starting point before the commit, then never had it.
struct FollowedJustThen {
    client: Client,
    id: TransactionId,
    asked: std::sync::atomic::AtomicUsize,
    committed: bool,
    took: tokio::sync::mpsc::UnboundedSender<String>,
}

impl tawasul_server::log::Consumer for FollowedJustThen {
    type Log = tawasul_server::log::Transactions;

    fn name(&self) -> &'static str {
        "followed-just-then"
    }

    fn idle(&self) -> bool {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0
    }

    async fn start(&mut self, db: &tawasul_storage::Db) -> anyhow::Result<tawasul_server::log::Tail> {
        let tail = tawasul_server::log::Tail::at_end(db).await?;
        if !self.committed {
            self.committed = true;
            self.client.comment(self.id, "external", "بين الفحص والقراءة").await?;
        }
        Ok(tail)
    }

    async fn take(
        &mut self,
        events: Vec<tawasul_storage::transactions::PositionedEvent>,
        _: i64,
    ) -> anyhow::Result<()> {
        for e in events {
            let _ = self.took.send(e.event.data["body"].as_str().unwrap_or_default().to_owned());
        }
        Ok(())
    }
}

async fn a_consumer_followed_just_as_it_idles_still_takes_what_was_committed_meanwhile(app: TestApp) {
    let (s, _, _, id) = one_transaction(&app, 47).await;
    let (took, mut taken) = tokio::sync::mpsc::unbounded_channel();
    let consumer =
        FollowedJustThen { client: s.employees[0].1.clone(), id, asked: Default::default(), committed: false, took };
    let metrics = tawasul_server::metrics::Metrics::new().unwrap();
    let committed = tawasul_server::log::Committed::default();
    let follow = tokio::spawn(tawasul_server::log::follow(
        consumer,
        app.db.clone(),
        committed,
        Duration::from_millis(100),
        metrics,
    ));
    let body = tokio::time::timeout(Duration::from_secs(5), taken.recv()).await;
    follow.abort();
    assert_eq!(body.ok().flatten().as_deref(), Some("بين الفحص والقراءة"), "the event committed meanwhile was skipped");
}
