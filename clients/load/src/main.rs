//! `tawasul-load`: the load generator of PERFORMANCE.md. It starts the real
//! server (the `tawasul` binary) on SQLite or on a throw-away PostgreSQL cluster
//! with durable settings, sets up an entity through the API, drives it with
//! concurrent clients, and measures the baseline in the same invocation:
//!
//! - `comment` (P4): concurrent writers posting comments, each write durable with
//!   its event; baseline `pgbench` running a one-row insert of the same shape on
//!   the same cluster, or a bare one-row-insert loop on the same SQLite file.
//! - `create` (P10): concurrent beneficiaries opening transactions, each routed;
//!   compared with the comment rate on the same backend.
//! - `realtime` (P1, P2, P3): WebSocket fan-out, latency and idle connections,
//!   against a plain Node.js `ws` broadcast server (see `realtime.rs`).
//! - `archive` (P5, P6): archive search and `tawasul reindex` over a seeded
//!   million comments, against PostgreSQL `tsvector` + GIN (see `archive.rs`).
//! - `stats` (P11): entity, employee and platform statistics over a seeded
//!   year of a million transactions of 20 entities (see `stats.rs`).
//! - `notify`: notifications delivered per second to a local SMTP server
//!   (aiosmtpd), end to end — routed creations by concurrent beneficiaries, the
//!   notifier consuming the log, the outbox worker sending over SMTP.

mod archive;
mod organisation;
mod pages;
mod realtime;
mod stats;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use hdrhistogram::Histogram;
use serde_json::json;
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId};
use tawasul_tests::postgres::PgCluster;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    Comment,
    Create,
    /// Both, which also gives the P10/P4 ratio.
    All,
    /// P1 fan-out, P2 latency, P3 idle connections (SQLite, the default backend).
    Realtime,
    /// P5 archive query latency and P6 reindex throughput against PostgreSQL
    /// tsvector + GIN over the same rows (SQLite, the default backend).
    Archive,
    /// Notifications delivered per second to a local SMTP server.
    Notify,
    /// P11 statistics over a seeded year of transactions, both backends.
    Stats,
    /// The web client's page weight and the render time of the inbox and a
    /// transaction page (SQLite, the default backend).
    Pages,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Parser)]
#[command(about = "Tawasul load generator (P1, P2, P3, P4, P10)")]
struct Args {
    #[arg(value_enum, default_value = "all")]
    mode: Mode,
    #[arg(long, value_enum, default_value = "both")]
    backend: Backend,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Subscribers on one topic for P1 (also measured at half).
    #[arg(long, default_value_t = 1000)]
    subscribers: usize,
    /// Idle connections for P3 (also measured at half).
    #[arg(long, default_value_t = 50_000)]
    connections: usize,
    /// Comments in the archive for P5/P6 (also measured at half).
    #[arg(long, default_value_t = 1_000_000)]
    comments: usize,
    /// Transactions for P11 (also measured at half).
    #[arg(long, default_value_t = 1_000_000)]
    transactions: usize,
    /// Requests per statistics report for P11 (a quarter as many for the platform's).
    #[arg(long, default_value_t = 100)]
    requests: usize,
    /// Events published per second for P2 (open loop).
    #[arg(long, default_value_t = 500)]
    rate: u32,
    /// Server nodes for the real-time figures: with 2, on PostgreSQL with a
    /// NATS bus, events are published through one and followed on the other.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// Which real-time figures to measure (p1, p2, p3); default all.
    #[arg(long, value_delimiter = ',')]
    figures: Vec<String>,
    /// The server binary; default: `tawasul` next to this program.
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

/// Marks everything in the log as notified: history seeded beneath a stopped
/// server was never news to anyone, and the notifier would otherwise send a
/// notice for each of it while the figure is measured. Returns the log's end.
async fn seeded_history_notified(db: &tawasul_storage::Db) -> anyhow::Result<i64> {
    let end = tawasul_storage::transactions::last_position(db.read()).await?;
    tawasul_storage::log_cursors::set_position(db.write(), "notifier", end, chrono::Utc::now()).await?;
    Ok(end)
}

/// The `p` quantile (0 to 1) of sorted times, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3
}

const ADMIN: &str = "bench@tawasul.test";
// Passes the password policy for every account the generator makes (no part
// of their names or e-mails in it).
const PASSWORD: &str = "quiet lantern orchard 1448";

/// The server under test, stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    url: String,
    /// The data directory, when the server owns it.
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    fn start(bin: &Path, database_url: Option<&str>, env: &[(&str, String)]) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let mut server = Server::start_at(bin, dir.path(), database_url, env)?;
        server._dir = Some(dir);
        Ok(server)
    }

    /// A server on a data directory the caller keeps (to start again on it).
    fn start_at(bin: &Path, dir: &Path, database_url: Option<&str>, env: &[(&str, String)]) -> anyhow::Result<Server> {
        let with_db = |c: &mut Command| {
            c.arg("--data-dir").arg(dir);
            if let Some(u) = database_url {
                c.args(["--database-url", u]);
            }
        };
        let mut admin = Command::new(bin);
        admin.args(["admin", "create-platform-admin", "--login", ADMIN, "--password-stdin"]);
        with_db(&mut admin);
        let mut admin = admin.stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
        writeln!(admin.stdin.take().context("stdin")?, "{PASSWORD}")?;
        if !admin.wait()?.success() {
            bail!("create-platform-admin failed");
        }
        let mut serve = Command::new(bin);
        serve.args(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"]);
        with_db(&mut serve);
        // Every simulated beneficiary registers from this one address.
        serve.env("TAWASUL_LIMIT_REGISTRATIONS_PER_ADDRESS", "1000000/1h");
        serve.envs(env.iter().map(|(k, v)| (k, v)));
        let mut child = serve.env("RUST_LOG", "warn").stdout(Stdio::piped()).spawn()?;
        let mut out = BufReader::new(child.stdout.take().context("stdout")?);
        let mut line = String::new();
        loop {
            line.clear();
            if out.read_line(&mut line)? == 0 {
                bail!("the server exited before listening");
            }
            if let Some(url) = line.trim().strip_prefix("listening on ") {
                let url = url.to_owned();
                std::thread::spawn(move || for _ in out.lines() {});
                return Ok(Server { child, url, _dir: None });
            }
        }
    }

    /// Waits until the server is at rest (`wait_idle`).
    fn wait_idle(&self) -> anyhow::Result<()> {
        wait_idle(&[self.child.id()])
    }

    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// Waits until each of the processes `pids` has used under 15 % of a core for
/// two seconds running: their consumers have caught up with what was written
/// beneath them (one catching up keeps a core at least half busy). Following
/// the log costs 3 to 11 % at rest: each consumer polls every 100 ms for what
/// other nodes commit (measured up to 11 % beside a 1,000,000-comment archive).
fn wait_idle(pids: &[u32]) -> anyhow::Result<()> {
    let ticks = || pids.iter().map(|p| cpu_ticks(*p)).collect::<Vec<u64>>();
    let started = std::time::Instant::now();
    let mut quiet = 0;
    let mut last = ticks();
    while quiet < 2 {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let now = ticks();
        // Under 15 % of a core over the last second.
        let at_rest = now.iter().zip(&last).all(|(n, l)| n.saturating_sub(*l) * 100 < 15 * TICKS_PER_SECOND);
        quiet = if at_rest { quiet + 1 } else { 0 };
        last = now;
        anyhow::ensure!(started.elapsed().as_secs() < 3600, "the server never went idle");
    }
    Ok(())
}

/// Linux reports CPU time in USER_HZ ticks, 100 a second on every common build.
const TICKS_PER_SECOND: u64 = 100;

/// CPU time (user + system) a process has used, in clock ticks
/// (`TICKS_PER_SECOND`); 0 for a process that is gone.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    // The fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

/// An entity with a department of eight employees, a round-robin type, and one
/// signed-in beneficiary per client.
struct Fixture {
    entity: EntityId,
    type_id: TransactionTypeId,
    beneficiaries: Vec<Client>,
}

fn valid_id(prefix: u8, n: u32) -> String {
    let body = format!("{prefix}{n:08}");
    let mut nine = [0u8; 9];
    for (d, b) in nine.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    format!("{body}{}", tawasul_core::identity::id_check_digit(&nine))
}

/// A beneficiary's registration: the `n`th of a run, with its own
/// identity number (from `id_base`), mobile and e-mail.
fn beneficiary(n: u32, id_base: u32, mobile: String, email: String) -> RegisterRequest {
    RegisterRequest {
        name_ar: "مستفيد القياس".into(),
        name_en: "Bench beneficiary".into(),
        id_type: "national_id".into(),
        id_number: valid_id(1, id_base + n),
        password: PASSWORD.into(),
        mobile,
        email,
        residence: "inside".into(),
        language: None,
    }
}

/// A plain request type of a department: a 72-hour target, no fields.
fn request_type(code: &str, department: DepartmentId, routing: &str) -> CreateTransactionTypeRequest {
    CreateTransactionTypeRequest {
        code: code.into(),
        name_ar: "طلب".into(),
        name_en: "Request".into(),
        department_id: department.to_string(),
        sla_hours: 72,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: routing.into(),
        fields: None,
    }
}

async fn fixture(url: &str, clients: usize) -> anyhow::Result<Fixture> {
    let anon = Client::new(url);
    let platform = anon.with_token(anon.login(ADMIN, PASSWORD).await?.access_token);
    let created = platform
        .create_entity(&CreateEntityRequest {
            name_ar: "جهة القياس".into(),
            name_en: "Benchmark entity".into(),
            kind: "government".into(),
            unified_number: "7999999999".into(),
            admin: NewEntityAdminRequest {
                name_ar: "مسؤول".into(),
                name_en: "Admin".into(),
                email: "admin@bench.sa".into(),
                mobile: "0569999999".into(),
                national_id: valid_id(1, 99_999_999),
                initial_password: Some(PASSWORD.into()),
            },
        })
        .await?;
    let admin = anon.with_token(anon.login("admin@bench.sa", PASSWORD).await?.access_token);
    let entity = created.entity.id;
    let dept = admin
        .create_department(
            entity,
            &CreateDepartmentRequest {
                name_ar: "خدمة المستفيدين".into(), name_en: "Service".into(), parent_id: None
            },
        )
        .await?;
    for i in 0..8u32 {
        admin
            .create_employee(
                entity,
                &CreateEmployeeRequest {
                    name_ar: format!("موظف {i}"),
                    name_en: format!("Employee {i}"),
                    email: format!("e{i}@bench.sa"),
                    mobile: format!("0570000{i:03}"),
                    national_id: valid_id(1, 70_000_000 + i),
                    department_ids: vec![dept.id.to_string()],
                    role: "employee".into(),
                    grant: None,
                    revoke: None,
                    initial_password: Some(PASSWORD.into()),
                },
            )
            .await?;
    }
    let t = admin.create_transaction_type(entity, &request_type("request", dept.id, "least_loaded")).await?;
    let mut beneficiaries = Vec::with_capacity(clients);
    for n in 0..clients as u32 {
        let auth = anon.register(&beneficiary(n, 10_000_000, format!("050{n:07}"), format!("b{n}@bench.sa"))).await?;
        beneficiaries.push(anon.with_token(auth.access_token));
    }
    Ok(Fixture { entity, type_id: t.id, beneficiaries })
}

fn new_transaction(f: &Fixture, n: u64) -> CreateTransactionRequest {
    CreateTransactionRequest {
        entity_id: f.entity.to_string(),
        type_id: f.type_id.to_string(),
        subject: format!("طلب خدمة رقم {n}"),
        body: "أرجو التكرم بالنظر في طلبي وإفادتي بما يلزم. Please advise on the next steps.".into(),
        priority: Some("normal".into()),
        fields: None,
    }
}

struct Measured {
    ops: u64,
    errors: u64,
    elapsed: Duration,
    latency_us: Histogram<u64>,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    /// How the rate and the p99 moved from `half` (half the clients) to this.
    fn growth_from(&self, half: &Measured) -> String {
        let p99 = |m: &Measured| m.latency_us.value_at_quantile(0.99).max(1) as f64;
        format!(
            "clients doubled: rate x{:.2}, p99 x{:.2}",
            self.rate() / half.rate().max(f64::MIN_POSITIVE),
            p99(self) / p99(half)
        )
    }

    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {:.0}/s ({} ok, {} errors in {:.1} s), p50 {:.1} ms, p99 {:.1} ms",
            self.rate(),
            self.ops,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.latency_us.value_at_quantile(0.5) as f64 / 1000.0,
            self.latency_us.value_at_quantile(0.99) as f64 / 1000.0
        )
    }
}

/// Runs `op` from every client until the time is up; each client is one task
/// issuing one request at a time (closed loop).
async fn drive<F, Fut>(clients: usize, seconds: u64, op: F) -> anyhow::Result<Measured>
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
                let (mut ok, mut err, mut n) = (0u64, 0u64, 0u64);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if op(i, n).await {
                        ok += 1;
                        let _ = h.record(t.elapsed().as_micros() as u64);
                    } else {
                        err += 1;
                    }
                    n += 1;
                }
                anyhow::Ok((ok, err, h))
            })
        })
        .collect();
    let mut latency_us = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut ops, mut errors) = (0, 0);
    for t in tasks {
        let (ok, err, h) = t.await??;
        ops += ok;
        errors += err;
        latency_us.add(h)?;
    }
    Ok(Measured { ops, errors, elapsed: started.elapsed(), latency_us })
}

async fn measure_comments(f: &Arc<Fixture>, clients: usize, seconds: u64) -> anyhow::Result<Measured> {
    let mut targets: Vec<TransactionId> = Vec::with_capacity(clients);
    for (i, b) in f.beneficiaries.iter().enumerate() {
        targets.push(b.create_transaction(&new_transaction(f, i as u64)).await?.id);
    }
    let targets = Arc::new(targets);
    let f = f.clone();
    drive(clients, seconds, move |i, n| {
        let client = f.beneficiaries[i].clone();
        let id = targets[i];
        async move {
            client.comment(id, "external", &format!("رد رقم {n}: تم إرفاق المستند المطلوب.")).await.is_ok()
        }
    })
    .await
}

async fn measure_creates(f: &Arc<Fixture>, clients: usize, seconds: u64) -> anyhow::Result<Measured> {
    let f = f.clone();
    drive(clients, seconds, move |i, n| {
        let client = f.beneficiaries[i].clone();
        let req = new_transaction(&f, n);
        async move { client.create_transaction(&req).await.is_ok() }
    })
    .await
}

/// PostgreSQL's own counters of a database: commits, and rows written per table.
struct DatabaseWork {
    commits: u64,
    /// (table, inserted + updated + deleted)
    rows: Vec<(String, u64)>,
}

impl DatabaseWork {
    /// Each counter's growth since `before`, per operation.
    fn per(&self, before: &DatabaseWork, ops: u64) -> String {
        let ops = ops.max(1) as f64;
        let mut tables: Vec<(String, f64)> = self
            .rows
            .iter()
            .map(|(t, n)| {
                let was = before.rows.iter().find(|(b, _)| b == t).map_or(0, |(_, n)| *n);
                (t.clone(), n.saturating_sub(was) as f64 / ops)
            })
            .filter(|(_, n)| *n >= 0.01)
            .collect();
        tables.sort_by(|a, b| b.1.total_cmp(&a.1));
        let rows: f64 = tables.iter().map(|(_, n)| n).sum();
        let each: Vec<String> = tables.iter().map(|(t, n)| format!("{t} {n:.2}")).collect();
        format!(
            "{:.2} commits, {rows:.2} rows written ({})",
            self.commits.saturating_sub(before.commits) as f64 / ops,
            each.join(", ")
        )
    }
}

fn database_work(cluster: &PgCluster, database: &str) -> anyhow::Result<DatabaseWork> {
    let bin = tawasul_tests::postgres::find_bindir()?;
    let query = |sql: &str| -> anyhow::Result<String> {
        let out = Command::new(bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &cluster.port().to_string(), "-U", "postgres", "-d", database])
            .args(["-q", "-A", "-t", "-F", "\t", "-c", sql])
            .output()?;
        if !out.status.success() {
            bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8(out.stdout)?)
    };
    let commits = query(&format!("SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'"))?
        .trim()
        .parse()
        .context("xact_commit")?;
    let rows = query("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")?
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(t, n)| Some((t.to_owned(), n.trim().parse().ok()?)))
        .collect();
    Ok(DatabaseWork { commits, rows })
}

/// Runs `measure` and, on PostgreSQL, says what the server and its consumers
/// asked of the database per operation meanwhile (the statistics reach the
/// views within a second or so).
async fn with_database_work(
    cluster: Option<&PgCluster>,
    measure: impl std::future::Future<Output = anyhow::Result<Measured>>,
) -> anyhow::Result<(Measured, Option<String>)> {
    let before = cluster.map(|c| database_work(c, "tawasul")).transpose()?;
    let m = measure.await?;
    let work = match (cluster, before) {
        (Some(c), Some(before)) => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Some(database_work(c, "tawasul")?.per(&before, m.ops))
        }
        _ => None,
    };
    Ok((m, work))
}

/// `pgbench` inserting one event-shaped row per transaction on the same cluster.
fn pgbench(cluster: &PgCluster, database: &str, clients: usize, seconds: u64) -> anyhow::Result<f64> {
    let bin = tawasul_tests::postgres::find_bindir()?;
    let port = cluster.port().to_string();
    let psql = Command::new(bin.join("psql"))
        .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-d", database, "-q", "-c"])
        .arg(
            "CREATE TABLE IF NOT EXISTS bench_events (position bigserial PRIMARY KEY, transaction_id uuid NOT NULL, \
             seq int NOT NULL, kind text NOT NULL, visibility text NOT NULL, actor_id uuid, at timestamptz NOT NULL, data jsonb NOT NULL)",
        )
        .status()?;
    if !psql.success() {
        bail!("psql could not create the baseline table");
    }
    let script = tempfile::NamedTempFile::new()?;
    std::fs::write(
        script.path(),
        "\\set n random(1, 1000000000)\nINSERT INTO bench_events (transaction_id, seq, kind, visibility, actor_id, at, data) \
         VALUES (gen_random_uuid(), :n, 'comment', 'external', gen_random_uuid(), now(), '{\"body\": \"رد: تم إرفاق المستند المطلوب.\"}');\n",
    )?;
    let out = Command::new(bin.join("pgbench"))
        .args(["-n", "-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-c", &clients.to_string(), "-j", "2"])
        .args(["-T", &seconds.to_string(), "-f"])
        .arg(script.path())
        .arg(database)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| {
            l.trim().strip_prefix("tps = ").and_then(|r| r.split_whitespace().next()).and_then(|n| n.parse().ok())
        })
        .with_context(|| format!("no tps in pgbench's output: {text}{}", String::from_utf8_lossy(&out.stderr)))
}

/// A bare one-row-insert loop on a SQLite file with the server's pragmas (WAL,
/// synchronous=FULL), one autocommit per row.
async fn sqlite_bare(seconds: u64) -> anyhow::Result<f64> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sea_orm::sqlx::{ConnectOptions, Connection, Executor};
    let dir = tempfile::tempdir()?;
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join("bare.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .connect()
        .await?;
    conn.execute(
        "CREATE TABLE bench_events (position INTEGER PRIMARY KEY AUTOINCREMENT, transaction_id BLOB NOT NULL, seq INTEGER NOT NULL, \
         kind TEXT NOT NULL, visibility TEXT NOT NULL, actor_id BLOB, at TEXT NOT NULL, data TEXT NOT NULL)",
    )
    .await?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut n = 0u64;
    while Instant::now() < deadline {
        sea_orm::sqlx::query("INSERT INTO bench_events (transaction_id, seq, kind, visibility, actor_id, at, data) VALUES (?, ?, 'comment', 'external', ?, datetime('now'), ?)")
            .bind(uuid::Uuid::new_v4().as_bytes().to_vec())
            .bind(n as i64)
            .bind(uuid::Uuid::new_v4().as_bytes().to_vec())
            .bind(json!({"body": "رد: تم إرفاق المستند المطلوب."}).to_string())
            .execute(&mut conn)
            .await?;
        n += 1;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    conn.close().await?;
    Ok(rate)
}

async fn run(args: &Args, bin: &Path, backend: Backend) -> anyhow::Result<()> {
    let name = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
    let (cluster, url) = match backend {
        Backend::Postgres => {
            let c = PgCluster::start_durable()?;
            let url = c.create_database("tawasul")?;
            (Some(c), Some(url))
        }
        _ => (None, None),
    };
    let smtp = match args.mode {
        Mode::Notify => Some(tawasul_tests::smtp::SmtpServer::start()?),
        _ => None,
    };
    let mut env: Vec<(&str, String)> = smtp.iter().map(|s| ("TAWASUL_SMTP_URL", s.url())).collect();
    // Several nodes share a bus, and the key that signs tokens.
    let nats = if args.nodes > 1 {
        let nats = tawasul_tests::nats::NatsServer::start()?;
        env.push(("TAWASUL_BUS_URL", nats.url()));
        env.push(("TAWASUL_TOKEN_SECRET", "a-token-secret-every-bench-node-shares-0123".into()));
        Some(nats)
    } else {
        None
    };
    let server = Server::start(bin, url.as_deref(), &env)?;
    if let Some(smtp) = &smtp {
        let f = Arc::new(fixture(&server.url, args.clients).await?);
        return measure_notifications(&f, smtp, args.clients, args.seconds, name).await;
    }
    if args.mode == Mode::Pages {
        let f = fixture(&server.url, 1).await?;
        let ben = &f.beneficiaries[0];
        let login = "b0@bench.sa";
        return pages::run(&server.url, ben, login, PASSWORD, "e0@bench.sa", |n| new_transaction(&f, n), args.seconds)
            .await;
    }
    if args.mode == Mode::Realtime {
        let f = fixture(&server.url, 1).await?;
        let mut others = vec![];
        for _ in 1..args.nodes {
            others.push(Server::start(bin, url.as_deref(), &env)?);
        }
        let nodes: Vec<(String, u32)> =
            std::iter::once(&server).chain(&others).map(|s| (s.url.clone(), s.child.id())).collect();
        println!("[{name}] {} node(s) at {nodes:?}, {} s per figure", nodes.len(), args.seconds);
        let _bus = nats;
        return realtime::run(&nodes, &f, args.subscribers, args.connections, args.rate, args.seconds, &args.figures)
            .await;
    }
    let f = Arc::new(fixture(&server.url, args.clients).await?);
    println!("[{name}] server at {}, {} clients, {} s per figure", server.url, args.clients, args.seconds);
    let mut comment_rate = None;
    if matches!(args.mode, Mode::Comment | Mode::All) {
        server.wait_idle()?;
        let half = measure_comments(&f, (args.clients / 2).max(1), args.seconds).await?;
        println!("P4 comment writes [{name}] {} clients {}", (args.clients / 2).max(1), half.line("ours"));
        // Each run starts with the server at rest: the notices and roll-ups
        // the previous run left behind are not counted against this one.
        server.wait_idle()?;
        // The database's work is counted over the full-size run alone.
        let (m, work) = with_database_work(cluster.as_ref(), measure_comments(&f, args.clients, args.seconds)).await?;
        println!("P4 comment writes [{name}] {} clients {}", args.clients, m.line("ours"));
        println!("P4 growth [{name}] {}", m.growth_from(&half));
        if let Some(work) = work {
            println!("P4 database work per comment [{name}] {work}");
        }
        // The baseline too runs beside a server at rest.
        server.wait_idle()?;
        let baseline = match &cluster {
            Some(c) => pgbench(c, "tawasul", args.clients, args.seconds)?,
            None => sqlite_bare(args.seconds).await?,
        };
        let what = if cluster.is_some() { "pgbench one-row insert" } else { "bare one-row insert loop" };
        println!("P4 baseline [{name}] {what}: {baseline:.0}/s");
        println!("P4 ratio [{name}] ours/baseline = {:.2} (target >= 0.5)", m.rate() / baseline);
        comment_rate = Some(m.rate());
    }
    if matches!(args.mode, Mode::Create | Mode::All) {
        server.wait_idle()?;
        let half = measure_creates(&f, (args.clients / 2).max(1), args.seconds).await?;
        println!("P10 routed creations [{name}] {} clients {}", (args.clients / 2).max(1), half.line("ours"));
        server.wait_idle()?;
        let (m, work) = with_database_work(cluster.as_ref(), measure_creates(&f, args.clients, args.seconds)).await?;
        println!("P10 routed creations [{name}] {} clients {}", args.clients, m.line("ours"));
        println!("P10 growth [{name}] {}", m.growth_from(&half));
        if let Some(work) = work {
            println!("P10 database work per creation [{name}] {work}");
        }
        if let Some(c) = comment_rate {
            println!(
                "P10 ratio [{name}] creations/comment writes = {:.2} (target >= 0.5; p99 target <= 50 ms)",
                m.rate() / c
            );
        }
    }
    if let Some(rss) = server.rss_kib() {
        println!("[{name}] server RSS after the run: {:.1} MiB", rss as f64 / 1024.0);
    }
    Ok(())
}

/// Beneficiaries open transactions for `seconds` (each gives a receipt to
/// its beneficiary and an assignment to its employee, by e-mail among other
/// channels); the figure is e-mails accepted by the SMTP server per second,
/// from the first creation to the last e-mail.
async fn measure_notifications(
    f: &Arc<Fixture>,
    smtp: &tawasul_tests::smtp::SmtpServer,
    clients: usize,
    seconds: u64,
    name: &str,
) -> anyhow::Result<()> {
    let before = smtp.count();
    let started = Instant::now();
    let m = measure_creates(f, clients, seconds).await?;
    let expected = before + 2 * m.ops as usize;
    let mut last = (smtp.count(), Instant::now());
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let n = smtp.count();
        if n >= expected {
            last = (n, Instant::now());
            break;
        }
        if n == last.0 && last.1.elapsed() > Duration::from_secs(20) {
            bail!("e-mails stopped at {} of {expected}", n - before);
        }
        if n != last.0 {
            last = (n, Instant::now());
        }
    }
    let delivered = last.0 - before;
    let elapsed = last.1.duration_since(started).as_secs_f64();
    println!("notify [{name}] {} creations in {seconds} s; {delivered} e-mails delivered in {elapsed:.1} s", m.ops);
    println!("notify [{name}] {:.0} notifications/s delivered to a local SMTP server", delivered as f64 / elapsed);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = match &args.server_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()?.with_file_name("tawasul"),
    };
    if !bin.exists() {
        bail!("no server binary at {} (build it: cargo build --release --bin tawasul)", bin.display());
    }
    let backends = match (args.mode, args.backend) {
        // Several nodes share PostgreSQL.
        (Mode::Realtime, _) if args.nodes > 1 => vec![Backend::Postgres],
        // Real time is measured on the default backend unless one is named.
        (Mode::Realtime, Backend::Postgres) => vec![Backend::Postgres],
        (Mode::Realtime | Mode::Pages, _) => vec![Backend::Sqlite],
        (_, Backend::Both) => vec![Backend::Sqlite, Backend::Postgres],
        (_, b) => vec![b],
    };
    if args.mode == Mode::Archive {
        return archive::run(&bin, args.comments).await;
    }
    if args.mode == Mode::Stats {
        return stats::run(&bin, args.backend, args.transactions, args.requests).await;
    }
    // Before any server starts, so that it inherits the limit.
    realtime::raise_fd_limit(args.connections * 2 + 10_000);
    for b in backends {
        run(&args, &bin, b).await?;
    }
    Ok(())
}
