//! The real-time figures of PERFORMANCE.md, each beside the plain Node.js `ws`
//! broadcast server of `clients/ws-baseline` measured by the same code:
//!
//! - P1 `fanout`: one publisher, N subscribers on one topic; deliveries per
//!   second at saturation and latency percentiles. Ours publishes by `POST
//!   …/comments` (persisted, visibility-filtered per recipient: half the
//!   subscribers are the beneficiary, half staff); the baseline relays frames.
//! - P2 `latency`: a fixed rate of publications to N subscribers; latency from
//!   the `POST`'s acknowledgement (as PERFORMANCE.md defines it), and from the
//!   publisher sending, to each subscriber receiving.
//! - P3 `connections`: N idle authenticated connections over several loopback
//!   source addresses; the server's RSS growth per connection.
//!
//! Every event carries the moment it was sent, as `T@<µs>@` in its text, on a
//! clock shared by publisher and subscribers (one process).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use tawasul_client::Client;
use tawasul_client::realtime::ws_url;
use tawasul_core::ids::TransactionId;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{Fixture, PASSWORD};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_us() -> u64 {
    epoch().elapsed().as_micros() as u64
}

/// The event text: the send time, padded so that the baseline's frames are
/// about 200 bytes (ours carry the timeline event around it).
fn stamped(t: u64) -> String {
    format!("T@{t}@ تم تحديث حالة الطلب وإرفاق المستند المطلوب. Request updated.")
}

fn stamp_of(text: &str) -> Option<u64> {
    let rest = &text[text.find("T@")? + 2..];
    rest[..rest.find('@')?].parse().ok()
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s, 3 significant figures; the bounds are constants.
    Histogram::new_with_bounds(1, 60_000_000, 3).unwrap_or_else(|_| unreachable!())
}

/// Small buffers: the generator holds tens of thousands of connections.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0)
}

/// The Node.js baseline server, stopped when dropped.
pub struct Baseline {
    child: Child,
    pub url: String,
}

impl Baseline {
    pub fn start() -> anyhow::Result<Baseline> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ws-baseline");
        if !dir.join("node_modules/ws").exists() {
            let ok = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).status()?;
            if !ok.success() {
                bail!("npm ci failed in {}", dir.display());
            }
        }
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .spawn()
            .context("node (the baseline needs Node.js)")?;
        use std::io::BufRead;
        let mut out = std::io::BufReader::new(child.stdout.take().context("stdout")?);
        let mut line = String::new();
        out.read_line(&mut line)?;
        let port = line.trim().strip_prefix("listening on ").context("the baseline did not start")?.to_owned();
        Ok(Baseline { child, url: format!("ws://127.0.0.1:{port}") })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What is measured: our server (with a transaction to follow and the people
/// on it; the subscribers on `subscribe_base`, which is another node when
/// several serve) or the baseline.
pub enum Target {
    Ours { subscribe_base: String, topic: TransactionId, beneficiary: Client, employee: Client, pids: Vec<u32> },
    Node { url: String, pid: u32 },
}

impl Target {
    /// A transaction of the fixture's first beneficiary, and its assignee
    /// signed in on `base`; subscribers on `subscribe_base`.
    pub async fn ours(base: &str, subscribe_base: &str, f: &Fixture, pids: Vec<u32>) -> anyhow::Result<Target> {
        let beneficiary = f.beneficiaries[0].clone();
        let t = beneficiary.create_transaction(&crate::new_transaction(f, 0)).await?;
        let assignee = t.assignee.context("the transaction was not routed")?.id;
        let anon = Client::new(base);
        for i in 0..8 {
            let auth = anon.login(&format!("e{i}@bench.sa"), PASSWORD).await?;
            if auth.user.id == assignee {
                let employee = anon.with_token(auth.access_token);
                // The first external reply starts the work (one more event);
                // do it before measuring.
                employee.comment(t.id, "external", "بدأنا العمل على طلبك").await?;
                let subscribe_base = subscribe_base.to_owned();
                return Ok(Target::Ours { subscribe_base, topic: t.id, beneficiary, employee, pids });
            }
        }
        bail!("the assignee is not one of the fixture's employees")
    }

    /// The processes that serve it.
    fn pids(&self) -> Vec<u32> {
        match self {
            Target::Ours { pids, .. } => pids.clone(),
            Target::Node { pid, .. } => vec![*pid],
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Target::Ours { pids, .. } if pids.len() > 1 => "tawasul, two nodes",
            Target::Ours { .. } => "tawasul",
            Target::Node { .. } => "node ws",
        }
    }

    /// A subscriber, ready: ours authenticated and subscribed; alternate ones
    /// are the beneficiary (external events only) and the employee.
    async fn subscriber(&self, i: usize) -> anyhow::Result<Ws> {
        match self {
            Target::Ours { subscribe_base, topic, beneficiary, employee, .. } => {
                let who = if i.is_multiple_of(2) { beneficiary } else { employee };
                let mut ws = connect(subscribe_base, who.token(), None).await?;
                let sub = format!(r#"{{"type":"subscribe","topic":"transaction:{topic}"}}"#);
                ws.send(Message::text(sub)).await?;
                wait_for(&mut ws, r#""type":"subscribed""#).await?;
                Ok(ws)
            }
            Target::Node { url, .. } => {
                let (ws, _) =
                    tokio_tungstenite::connect_async_with_config(url.as_str(), Some(ws_config()), true).await?;
                Ok(ws)
            }
        }
    }
}

/// Connects to our gateway, from `source` if given, and waits for the
/// `authenticated` frame.
async fn connect(base: &str, token: Option<&str>, source: Option<IpAddr>) -> anyhow::Result<Ws> {
    let mut request = ws_url(base).into_client_request()?;
    if let Some(token) = token {
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse()?);
    }
    let host = base.trim_start_matches("http://");
    let addr: SocketAddr = host.parse()?;
    let socket = TcpSocket::new_v4()?;
    if let Some(ip) = source {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut ws, _) =
        tokio_tungstenite::client_async_with_config(request, MaybeTlsStream::Plain(stream), Some(ws_config())).await?;
    wait_for(&mut ws, r#""type":"authenticated""#).await?;
    Ok(ws)
}

async fn wait_for(ws: &mut Ws, marker: &str) -> anyhow::Result<()> {
    let wait = async {
        while let Some(msg) = ws.next().await {
            match msg? {
                Message::Text(t) if t.as_str().contains(marker) => return Ok(()),
                Message::Close(c) => bail!("closed while waiting for {marker}: {c:?}"),
                _ => {}
            }
        }
        bail!("the connection ended while waiting for {marker}")
    };
    tokio::time::timeout(Duration::from_secs(30), wait).await?
}

async fn subscribers(target: &Target, n: usize) -> anyhow::Result<Vec<Ws>> {
    let mut all = Vec::with_capacity(n);
    let mut pending = FuturesUnordered::new();
    for i in 0..n {
        pending.push(target.subscriber(i));
        // At most 64 handshakes at a time.
        if pending.len() >= 64
            && let Some(ws) = pending.next().await
        {
            all.push(ws?);
        }
    }
    while let Some(ws) = pending.next().await {
        all.push(ws?);
    }
    Ok(all)
}

/// What the subscribers saw.
struct Received {
    /// Deliveries received inside the measuring window.
    in_window: u64,
    latency_us: Histogram<u64>,
    /// Each delivery's stamp (send time) and arrival time, when kept.
    arrivals: Vec<(u64, u64)>,
}

/// Reads every subscriber until `stop`, counting deliveries received while
/// `measuring` is set and recording every latency (and, with `keep`, every
/// arrival).
fn read_all(
    subs: Vec<Ws>,
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    keep: bool,
) -> Vec<tokio::task::JoinHandle<Received>> {
    subs.into_iter()
        .map(|mut ws| {
            let (measuring, stop) = (measuring.clone(), stop.clone());
            tokio::spawn(async move {
                let mut r = Received { in_window: 0, latency_us: histogram(), arrivals: Vec::new() };
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_millis(200), ws.next()).await else {
                        continue;
                    };
                    if let Message::Text(t) = msg
                        && let Some(sent) = stamp_of(t.as_str())
                    {
                        let now = now_us();
                        let _ = r.latency_us.record(now.saturating_sub(sent).max(1));
                        if keep {
                            r.arrivals.push((sent, now));
                        }
                        if measuring.load(Ordering::Relaxed) {
                            r.in_window += 1;
                        }
                    }
                }
                r
            })
        })
        .collect()
}

/// A publisher: ours posts comments over HTTP, the baseline sends frames.
enum Publisher {
    Ours { employee: Client, topic: TransactionId },
    Node { ws: Box<Ws> },
}

impl Publisher {
    async fn new(target: &Target) -> anyhow::Result<Publisher> {
        Ok(match target {
            Target::Ours { employee, topic, .. } => Publisher::Ours { employee: employee.clone(), topic: *topic },
            Target::Node { url, .. } => {
                let (ws, _) =
                    tokio_tungstenite::connect_async_with_config(url.as_str(), Some(ws_config()), true).await?;
                Publisher::Node { ws: Box::new(ws) }
            }
        })
    }
}

/// P1: publishes as fast as the target takes it for `seconds` (ours with 8
/// requests in flight; the baseline's publisher writes as fast as its socket
/// accepts) and counts deliveries.
/// Returns deliveries per second in the window, deliveries in all, and latencies.
pub async fn fanout(target: &Target, n: usize, seconds: u64) -> anyhow::Result<(f64, u64, Histogram<u64>)> {
    let subs = subscribers(target, n).await?;
    let (measuring, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let readers = read_all(subs, measuring.clone(), stop.clone(), false);
    let publishing = Arc::new(AtomicBool::new(true));
    let published = Arc::new(AtomicU64::new(0));
    let mut publishers = vec![];
    match Publisher::new(target).await? {
        Publisher::Ours { employee, topic } => {
            for _ in 0..8 {
                let (employee, publishing, published) = (employee.clone(), publishing.clone(), published.clone());
                publishers.push(tokio::spawn(async move {
                    while publishing.load(Ordering::Relaxed) {
                        if employee.comment(topic, "external", &stamped(now_us())).await.is_ok() {
                            published.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }));
            }
        }
        Publisher::Node { mut ws } => {
            let (publishing, published) = (publishing.clone(), published.clone());
            publishers.push(tokio::spawn(async move {
                while publishing.load(Ordering::Relaxed) {
                    if ws.send(Message::Text(Utf8Bytes::from(stamped(now_us())))).await.is_err() {
                        break;
                    }
                    published.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
    }
    // One second to reach a steady state, then the window.
    tokio::time::sleep(Duration::from_secs(1)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let window = started.elapsed();
    publishing.store(false, Ordering::Relaxed);
    for p in publishers {
        let _ = p.await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut delivered, mut latency) = (0u64, histogram());
    for r in readers {
        let r = r.await?;
        delivered += r.in_window;
        latency.add(r.latency_us)?;
    }
    Ok((delivered as f64 / window.as_secs_f64(), latency.len(), latency))
}

/// What P2 measured of one target.
pub struct Latencies {
    /// From the publisher sending to each subscriber receiving.
    pub from_send: Histogram<u64>,
    /// Ours: how long each `POST` took to be acknowledged.
    pub acks: Option<Histogram<u64>>,
    /// Ours: from the `POST`'s acknowledgement reaching the publisher to each
    /// subscriber receiving (PERFORMANCE.md's definition of P2), 0 for a
    /// delivery that arrived first; and the share of such deliveries.
    pub from_ack: Option<(Histogram<u64>, f64)>,
}

/// P2: publishes `rate` events per second for `seconds` (open loop: each on
/// its own schedule, whatever the previous one is doing) to `n` subscribers.
pub async fn latency(target: &Target, n: usize, rate: u32, seconds: u64) -> anyhow::Result<Latencies> {
    let subs = subscribers(target, n).await?;
    let (measuring, stop) = (Arc::new(AtomicBool::new(true)), Arc::new(AtomicBool::new(false)));
    let ours = matches!(target, Target::Ours { .. });
    let readers = read_all(subs, measuring, stop.clone(), ours);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = u64::from(rate) * seconds;
    // Ours: each comment's send time and the time its acknowledgement arrived.
    let mut acked_at = std::collections::HashMap::new();
    match Publisher::new(target).await? {
        Publisher::Ours { employee, topic } => {
            let mut inflight = FuturesUnordered::new();
            for _ in 0..total {
                tick.tick().await;
                let employee = employee.clone();
                inflight.push(tokio::spawn(async move {
                    let sent = now_us();
                    employee.comment(topic, "external", &stamped(sent)).await.ok().map(|_| (sent, now_us()))
                }));
                while let Some(Some(Ok(Some((sent, at))))) = futures_util::FutureExt::now_or_never(inflight.next()) {
                    acked_at.insert(sent, at);
                }
            }
            while let Some(done) = inflight.next().await {
                if let Ok(Some((sent, at))) = done {
                    acked_at.insert(sent, at);
                }
            }
        }
        Publisher::Node { mut ws } => {
            for _ in 0..total {
                tick.tick().await;
                ws.send(Message::Text(Utf8Bytes::from(stamped(now_us())))).await?;
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut from_send, mut from_ack, mut early) = (histogram(), histogram(), 0u64);
    for r in readers {
        let r = r.await?;
        from_send.add(r.latency_us)?;
        for (sent, arrived) in r.arrivals {
            if let Some(&ack) = acked_at.get(&sent) {
                early += u64::from(arrived < ack);
                let _ = from_ack.record(arrived.saturating_sub(ack).max(1));
            }
        }
    }
    if !ours {
        return Ok(Latencies { from_send, acks: None, from_ack: None });
    }
    let mut acks = histogram();
    for (sent, at) in &acked_at {
        let _ = acks.record((at - sent).max(1));
    }
    let share = early as f64 / from_ack.len().max(1) as f64;
    Ok(Latencies { from_send, acks: Some(acks), from_ack: Some((from_ack, share)) })
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

/// P3: opens idle authenticated connections to our server, spread over
/// loopback source addresses (20,000 each), up to each of `steps` in turn, and
/// returns the server's RSS (KiB) at the start and at each step. The
/// connections stay open (answering pings) until the returned guard is closed.
pub async fn connections(
    base: &str,
    token: &str,
    steps: &[usize],
    server_pid: u32,
) -> anyhow::Result<(u64, Vec<u64>, Idle)> {
    let start = rss_kib(server_pid).context("server RSS")?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let mut at_steps = Vec::new();
    let started = Instant::now();
    let mut i = 0;
    for &target in steps {
        let mut pending = FuturesUnordered::new();
        while i < target {
            let source = IpAddr::V4(Ipv4Addr::new(127, 0, 1, 1 + (i / 20_000) as u8));
            pending.push(connect(base, Some(token), Some(source)));
            i += 1;
            if pending.len() >= 256
                && let Some(ws) = pending.next().await
            {
                tasks.push(keep_idle(ws?, stop.clone()));
            }
        }
        while let Some(ws) = pending.next().await {
            tasks.push(keep_idle(ws?, stop.clone()));
        }
        eprintln!("  {} connections open ({:.0} s)", tasks.len(), started.elapsed().as_secs_f64());
        // Let the server settle (allocator, timers) before reading its RSS.
        tokio::time::sleep(Duration::from_secs(3)).await;
        at_steps.push(rss_kib(server_pid).context("server RSS")?);
    }
    Ok((start, at_steps, Idle { stop, tasks }))
}

/// Idle connections held open; closed when dropped.
pub struct Idle {
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Idle {
    pub async fn close(self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.abort();
        }
    }
}

fn keep_idle(mut ws: Ws, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Reading answers the server's pings.
        while !stop.load(Ordering::Relaxed) {
            if ws.next().await.is_none() {
                break;
            }
        }
    })
}

/// Prints P1, P2 and P3, each at a size and at double that size. `nodes` are
/// the servers (address and process): events are published through the
/// first, subscribers follow them on the last.
pub async fn run(
    nodes: &[(String, u32)],
    f: &Fixture,
    subscribers_n: usize,
    connections_n: usize,
    rate: u32,
    seconds: u64,
    figures: &[String],
) -> anyhow::Result<()> {
    let wanted = |p: &str| figures.is_empty() || figures.iter().any(|f| f.eq_ignore_ascii_case(p));
    let ((base, server_pid), (subscribe_base, _)) = match nodes {
        [first, .., last] => (first.clone(), last.clone()),
        [only] => (only.clone(), only.clone()),
        [] => anyhow::bail!("no server"),
    };
    let base = base.as_str();
    let ours = Target::ours(base, &subscribe_base, f, nodes.iter().map(|n| n.1).collect()).await?;
    let baseline = Baseline::start()?;
    let node = Target::Node { url: baseline.url.clone(), pid: baseline.pid() };

    // P3 first, on the fresh server, so that the growth is the connections';
    // once the fixture's set-up has been taken in by the server's consumers.
    settle(&[&ours, &node]).await?;
    if wanted("p3") {
        p3(&ours, base, connections_n, server_pid).await?;
        settle(&[&ours, &node]).await?;
    }
    if wanted("p2") {
        p2(&ours, &node, rate, seconds).await?;
    }
    if wanted("p1") {
        p1(&ours, &node, subscribers_n, seconds).await?;
    }
    Ok(())
}

/// Waits until the servers and the baseline are at rest, so that no figure
/// is measured beside the work the one before it left (notices, audit
/// entries, roll-ups still being written).
async fn settle(targets: &[&Target]) -> anyhow::Result<()> {
    let pids: Vec<u32> = targets.iter().flat_map(|t| t.pids()).collect();
    tokio::task::spawn_blocking(move || crate::wait_idle(&pids)).await?
}

async fn p3(ours: &Target, base: &str, connections_n: usize, server_pid: u32) -> anyhow::Result<()> {
    let token = match ours {
        Target::Ours { beneficiary, .. } => beneficiary.token().unwrap_or_default().to_owned(),
        Target::Node { .. } => unreachable!(),
    };
    // Each process may hold only so many descriptors; say so rather than fail.
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((0, 0));
    let ceiling = usize::try_from(hard).unwrap_or(usize::MAX).saturating_sub(2_000);
    let connections_n = if connections_n > ceiling {
        println!(
            "P3 note: this machine caps open files per process at {hard} (RLIMIT_NOFILE hard limit, not raisable \
             here), so the server can hold at most ~{ceiling} connections; measuring {ceiling} instead of {connections_n}"
        );
        ceiling
    } else {
        connections_n
    };
    let steps = [connections_n / 2, connections_n];
    let (start, rss, idle) = connections(base, &token, &steps, server_pid).await?;
    for (n, after) in steps.iter().zip(&rss) {
        println!(
            "P3 idle connections [tawasul] {n} held: server RSS {:.1} → {:.1} MiB, {:.1} KiB per connection (target <= 16)",
            start as f64 / 1024.0,
            *after as f64 / 1024.0,
            after.saturating_sub(start) as f64 / *n as f64
        );
    }
    idle.close().await;
    Ok(())
}

async fn p2(ours: &Target, node: &Target, rate: u32, seconds: u64) -> anyhow::Result<()> {
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    for n in [50, 100] {
        let mut measured = vec![];
        for target in [ours, node] {
            let l = latency(target, n, rate, seconds).await?;
            println!(
                "P2 latency from send [{}] {rate} events/s to {n} subscribers: p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms",
                target.name(),
                ms(&l.from_send, 0.5),
                ms(&l.from_send, 0.99),
                l.from_send.max() as f64 / 1000.0
            );
            if let Some(a) = &l.acks {
                println!(
                    "P2 POST acknowledged [{}]: p50 {:.2} ms, p99 {:.2} ms ({} writes)",
                    target.name(),
                    ms(a, 0.5),
                    ms(a, 0.99),
                    a.len()
                );
            }
            if let Some((h, early)) = &l.from_ack {
                println!(
                    "P2 latency from acknowledgement [{}]: p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms \
                     ({:.0} % delivered before the acknowledgement arrived, counted as 0)",
                    target.name(),
                    ms(h, 0.5),
                    ms(h, 0.99),
                    h.max() as f64 / 1000.0,
                    early * 100.0
                );
            }
            measured.push(l);
            settle(&[ours, node]).await?;
        }
        let node_p99 = ms(&measured[1].from_send, 0.99);
        if let Some((from_ack, _)) = &measured[0].from_ack {
            println!(
                "P2 ratio {n} subscribers: p99 tawasul from acknowledgement / node = {:.2} (target <= 3), \
                 p50 {:.2} ms (target <= 5); from send: {:.2}, p50 {:.2} ms",
                ms(from_ack, 0.99) / node_p99,
                ms(from_ack, 0.5),
                ms(&measured[0].from_send, 0.99) / node_p99,
                ms(&measured[0].from_send, 0.5),
            );
        }
    }
    Ok(())
}

async fn p1(ours: &Target, node: &Target, subscribers_n: usize, seconds: u64) -> anyhow::Result<()> {
    for n in [subscribers_n / 2, subscribers_n] {
        let mut rates = vec![];
        for target in [ours, node] {
            let cpu = || target.pids().into_iter().map(crate::cpu_ticks).sum::<u64>();
            let cpu_before = cpu();
            let (rate, delivered, lat) = fanout(target, n, seconds).await?;
            let cpu_us = cpu().saturating_sub(cpu_before) as f64 * 1e6 / crate::TICKS_PER_SECOND as f64;
            println!(
                "P1 fan-out [{}] {n} subscribers: {rate:.0} deliveries/s, latency p50 {:.1} ms, p99 {:.1} ms, \
                 server CPU {:.2} µs per delivery",
                target.name(),
                lat.value_at_quantile(0.5) as f64 / 1000.0,
                lat.value_at_quantile(0.99) as f64 / 1000.0,
                cpu_us / delivered.max(1) as f64
            );
            rates.push(rate);
            settle(&[ours, node]).await?;
        }
        println!("P1 ratio {n} subscribers: tawasul/node = {:.2} (target >= 2)", rates[0] / rates[1]);
    }
    Ok(())
}

/// Tens of thousands of sockets need more descriptors than the usual default;
/// the server, started by us, inherits the limit.
pub fn raise_fd_limit(wanted: usize) {
    let wanted = wanted as u64;
    if rlimit::setrlimit(rlimit::Resource::NOFILE, wanted, wanted).is_err() {
        let _ = rlimit::increase_nofile_limit(wanted);
    }
}
