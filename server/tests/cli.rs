//! The `tawasul` binary as an operator uses it: migrate, create a platform
//! administrator, serve with demo data (twice: the demo is idempotent), settings
//! from `tawasul.toml`, and a graceful stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)] // test code: a panic is the failure report

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tawasul");

fn tawasul(args: &[&str], data_dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).arg("--data-dir").arg(data_dir).env_remove("TAWASUL_DATABASE_URL").env("RUST_LOG", "warn");
    c
}

/// Starts `serve`, returns the child, the address it prints and everything printed before it.
fn serve(data_dir: &Path, extra: &[&str]) -> (Child, String, String) {
    let mut child = tawasul(&[&["serve"], extra].concat(), data_dir).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "no 'listening on' line: {printed}");
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("serve exited: {printed}");
        }
        printed.push_str(&line);
        if let Some(addr) = line.trim().strip_prefix("listening on ") {
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in out.lines() {});
            return (child, addr.to_owned(), printed);
        }
    }
}

fn terminate(mut child: Child) {
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "a graceful stop exits 0, not {status}");
            return;
        }
        assert!(Instant::now() < deadline, "did not stop within 30 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn login(base: &str, login: &str, password: &str) -> serde_json::Value {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "log-in as {login}");
    res.json().await.unwrap()
}

/// Writes `tawasul.toml` with loopback addresses on free ports and `extra` lines.
fn settings_file(data: &Path, extra: &str) {
    std::fs::write(
        data.join("tawasul.toml"),
        format!("listen = \"127.0.0.1:0\"\nadmin_listen = \"127.0.0.1:0\"\n{extra}"),
    )
    .unwrap();
}

/// `GET` as `token`, decoded.
async fn get_json<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: String, token: &str) -> T {
    http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

/// How many hits `GET /search` reports for these parameters.
async fn search_total(http: &reqwest::Client, addr: &str, token: &str, params: &[(&str, &str)]) -> u64 {
    let query = serde_urlencoded::to_string(params).unwrap();
    let page: serde_json::Value = get_json(http, format!("{addr}/api/v1/search?{query}"), token).await;
    page["total"].as_u64().unwrap()
}

#[tokio::test]
async fn migrate_admin_and_demo_serve_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    let out = tawasul(&["migrate"], data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied"));

    for password in ["first password", "second password"] {
        let mut child =
            tawasul(&["admin", "create-platform-admin", "--login", "root@tawasul.test", "--password-stdin"], data)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
    }
    let bad = tawasul(&["admin", "create-platform-admin", "--login", "not-an-email", "--password-stdin"], data)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!bad.status.success());

    // Addresses from tawasul.toml, the demo flag from the command line.
    settings_file(data, "");
    let (child, addr, printed) = serve(data, &["--demo"]);
    assert!(printed.contains("admin@hrsd.demo.sa"), "prints the demo log-ins: {printed}");
    assert!(addr.starts_with("http://127.0.0.1:"));
    let root = login(&addr, "root@tawasul.test", "second password").await;
    let all: serde_json::Value = reqwest::Client::new()
        .get(format!("{addr}/api/v1/transactions"))
        .bearer_auth(root["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut statuses: Vec<&str> =
        all["items"].as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses.len(), 8, "the demo has a transaction in every state: {statuses:?}");
    let beneficiary = login(&addr, "mohammed@example.sa", "Tawasul@1448").await;
    let token = beneficiary["access_token"].as_str().unwrap().to_owned();
    let count = |addr: String, token: String, path: &'static str| async move {
        // Every page, following the cursor.
        let mut n = 0;
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{addr}{path}{sep}cursor={c}"),
                None => format!("{addr}{path}"),
            };
            let v: serde_json::Value =
                reqwest::Client::new().get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            n += v["items"].as_array().unwrap().len();
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return n,
            }
        }
    };
    assert_eq!(count(addr.clone(), token.clone(), "/api/v1/entities").await, 3);
    let theirs = count(addr.clone(), token.clone(), "/api/v1/transactions").await;
    assert!(theirs > 50, "today's two and six months of history: {theirs}");
    terminate(child);

    // Again: the demo data is already there and nothing is duplicated.
    let (child, addr, _) = serve(data, &["--demo"]);
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(count(addr.clone(), token.clone(), "/api/v1/entities").await, 3);
    assert_eq!(count(addr, token, "/api/v1/transactions").await, theirs, "not duplicated on restart");
    terminate(child);
}

/// One of the demo beneficiary's transactions that is still open.
async fn open_transaction(http: &reqwest::Client, addr: &str, token: &str) -> String {
    let mine: serde_json::Value =
        http.get(format!("{addr}/api/v1/transactions")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !["completed", "rejected"].contains(&t["status"].as_str().unwrap()))
        .expect("an open demo transaction")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .unwrap()
}

/// Samples the server's RSS every 10 ms while `work` runs; returns the highest.
async fn peak_rss_during<F: std::future::Future<Output = T>, T>(pid: u32, work: F) -> (T, u64) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let out = work.await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (out, sampler.join().unwrap())
}

#[tokio::test]
async fn a_fifty_mebibyte_document_streams_through_in_flat_memory() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    settings_file(data, "attachment_max_bytes = 62914560\n");
    let (child, addr, _) = serve(data, &["--demo"]);
    let pid = child.id();
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let open = open_transaction(&http, &addr, &token).await;

    let file: Vec<u8> = (0..50 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let digest = hex::encode(Sha256::digest(&file));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);
    let part = reqwest::multipart::Part::bytes(file).file_name("ملف كبير.bin");
    let form = reqwest::multipart::Form::new().part("file", part);
    let upload =
        http.post(format!("{addr}/api/v1/transactions/{open}/attachments")).bearer_auth(&token).multipart(form);
    let (res, peak_up) = peak_rss_during(pid, async { upload.send().await.unwrap() }).await;
    assert_eq!(res.status(), 201);
    let shown: serde_json::Value = res.json().await.unwrap();
    assert_eq!(shown["sha256"], digest.as_str());
    // Let the archive indexer take the upload in first: its writer's buffers
    // are not the download's.
    let deadline = Instant::now() + Duration::from_secs(10);
    while search_total(&http, &addr, &token, &[("q", "كبير"), ("kind", "document")]).await != 1 {
        assert!(Instant::now() < deadline, "the upload was not indexed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The search above ran on a fresh blocking thread and mapped index files in:
    // the download is measured from here.
    let before_down = rss_kib(pid);
    let download = http.get(format!("{addr}/api/v1/attachments/{}", shown["id"].as_str().unwrap())).bearer_auth(&token);
    let (bytes, peak_down) = peak_rss_during(pid, async {
        let mut res = download.send().await.unwrap();
        assert_eq!(res.status(), 200);
        let mut hasher = Sha256::new();
        let mut n = 0;
        while let Some(chunk) = res.chunk().await.unwrap() {
            n += chunk.len();
            hasher.update(&chunk);
        }
        assert_eq!(hex::encode(hasher.finalize()), digest);
        n
    })
    .await;
    assert_eq!(bytes, 50 * 1024 * 1024);
    // Buffering the file would add 50 MiB; streaming holds a few parts and chunks
    // (and whatever the allocator keeps per thread).
    for (what, before, peak) in [("upload", before, peak_up), ("download", before_down, peak_down)] {
        let growth = peak.saturating_sub(before);
        println!("{what}: server RSS {before} KiB before, {peak} KiB at most (+{growth} KiB)");
        assert!(growth < 12 * 1024, "{what} grew the server by {growth} KiB");
    }
    terminate(child);
}

/// Each log-in hashes with 19 MiB of Argon2 memory. Many at once must not
/// leave the server holding those blocks: glibc kept one per thread that had
/// hashed (about 190 MiB after the load tool's set-up) until `tawasul`
/// pinned its threshold for large blocks.
#[tokio::test]
async fn many_log_ins_at_once_leave_no_memory_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A log-in counts against the failure limits until its password is checked.
    settings_file(
        dir.path(),
        "limit_login_failures_per_account = \"100/15m\"\nlimit_login_failures_per_address = \"100/15m\"\n",
    );
    let (child, addr, _) = serve(dir.path(), &["--demo"]);
    let pid = child.id();
    login(&addr, "mohammed@example.sa", "Tawasul@1448").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);
    let at_once: Vec<_> = (0..24).map(|_| login(&addr, "mohammed@example.sa", "Tawasul@1448")).collect();
    futures_util::future::join_all(at_once).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let growth = rss_kib(pid).saturating_sub(before);
    println!("24 log-ins at once: server RSS {before} KiB before, +{growth} KiB after");
    assert!(growth < 40 * 1024, "24 log-ins left {growth} KiB behind");
    terminate(child);
}

#[tokio::test]
async fn rotating_the_master_key_keeps_documents_readable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    settings_file(data, "");
    let http = reqwest::Client::new();
    let (child, addr, _) = serve(data, &["--demo"]);
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let open = open_transaction(&http, &addr, &token).await;
    let doc = "عقد إيجار موثق".repeat(1_000).into_bytes();
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(doc.clone()).file_name("عقد.txt"));
    let res = http
        .post(format!("{addr}/api/v1/transactions/{open}/attachments"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    terminate(child);

    let before = std::fs::read_to_string(data.join("master.key")).unwrap();
    let out = tawasul(&["admin", "rotate-master-key"], data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 data keys re-wrapped"));
    assert_ne!(std::fs::read_to_string(data.join("master.key")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(data.join("master.key.previous")).unwrap(), before);

    let (child, addr, _) = serve(data, &[]);
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let res = http.get(format!("{addr}/api/v1/attachments/{id}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), doc, "readable with the new key");
    terminate(child);
}

/// The totals the demo's platform administrator finds for a few words, once
/// the index holds them all (`expected`), or as soon as it finds anything.
async fn search_totals(addr: &str, expected: Option<&[u64]>) -> Vec<u64> {
    let token =
        login(addr, "platform@tawasul.demo.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut totals = Vec::new();
        for q in ["الضمان", "فاتورة", "رخصة", "البنكي"] {
            totals.push(search_total(&http, addr, &token, &[("q", q)]).await);
        }
        let done = match expected {
            Some(e) => totals == e,
            None => totals.iter().all(|t| *t > 0),
        };
        if done {
            return totals;
        }
        assert!(Instant::now() < deadline, "the index did not reach {expected:?}: {totals:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_index_is_rebuilt_by_reindex_and_on_start_when_missing_or_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    settings_file(data, "");
    let (child, addr, _) = serve(data, &["--demo"]);
    search_totals(&addr, None).await;
    // The indexer takes the whole log in one round; a second later it has settled.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let totals = search_totals(&addr, None).await;
    terminate(child);

    let out = tawasul(&["reindex"], data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.starts_with("reindexed ") && printed.contains(" transactions, "), "{printed}");
    let index = data.join("index");
    let current = || std::fs::read_to_string(index.join("CURRENT")).unwrap().trim().to_owned();
    let (child, addr, _) = serve(data, &[]);
    assert_eq!(search_totals(&addr, Some(&totals)).await, totals, "the rebuilt index answers alike");
    terminate(child);

    // Damaged: every segment file has a flipped byte.
    for e in std::fs::read_dir(index.join(current())).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "idx" || x == "store" || x == "term") {
            let mut bytes = std::fs::read(e.path()).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x5A;
            std::fs::write(e.path(), bytes).unwrap();
        }
    }
    let damaged = current();
    let (child, addr, _) = serve(data, &[]);
    assert_eq!(search_totals(&addr, Some(&totals)).await, totals, "rebuilt after damage");
    assert_ne!(current(), damaged);
    terminate(child);

    // Missing altogether.
    std::fs::remove_dir_all(&index).unwrap();
    let (child, addr, _) = serve(data, &[]);
    assert_eq!(search_totals(&addr, Some(&totals)).await, totals, "rebuilt when missing");
    terminate(child);
}

/// A 600-byte PDF the fuzzer found makes pdf-extract recurse until its stack
/// overflows (an abort no `catch_unwind` can stop; under the fuzzer's build it
/// spins instead): read in a child process, it takes only that process down.
/// The server goes on, the document after it gets its text read, and the bad
/// one is still found by its name.
#[tokio::test]
async fn a_document_that_crashes_its_reader_harms_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    settings_file(data, "extract_timeout_ms = 2000\n");
    let (child, addr, _) = serve(data, &["--demo"]);
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let open = open_transaction(&http, &addr, &token).await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        http.post(format!("{addr}/api/v1/transactions/{open}/attachments"))
            .bearer_auth(&token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let hangs = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pdf-extract-hangs.pdf")).unwrap();
    assert_eq!(upload("معطوب.pdf", hangs).await.unwrap().status(), 201);
    let memo = tawasul_testkit::documents::docx(&["إفادة بخصوص المستحقات المتأخرة"]).unwrap();
    assert_eq!(upload("إفادة.docx", memo).await.unwrap().status(), 201);
    let started = Instant::now();
    while search_total(&http, &addr, &token, &[("q", "المستحقات"), ("kind", "document")]).await == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "the document after the hanging one was never read");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The bad PDF is still found by its name.
    assert_eq!(search_total(&http, &addr, &token, &[("q", "معطوب"), ("kind", "document")]).await, 1);
    terminate(child);
}

/// Counts rows of the server's database.
async fn rows(database_url: &str, sql: &str) -> i64 {
    use tawasul_storage::{ConnectionTrait, Statement};
    let db = tawasul_storage::Db::connect(database_url).await.unwrap();
    let backend = db.read().get_database_backend();
    let row = db.read().query_one(Statement::from_string(backend, format!("SELECT ({sql}) AS n"))).await.unwrap();
    let n = row.unwrap().try_get::<i64>("", "n").unwrap();
    db.close().await;
    n
}

/// The tests that kill the server, on both backends: each takes a fresh
/// database and the settings line that points the server at it.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(tawasul_testkit::TestDatabase::sqlite().unwrap()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(tawasul_testkit::TestDatabase::postgres().unwrap()).await
            }
        }
    )*};
}

on_both!(
    killed_with_notifications_pending_it_delivers_them_all_after_a_restart,
    killed_during_keyed_writes_no_key_is_stuck_and_none_runs_twice,
);

fn database_line(db: &tawasul_testkit::TestDatabase) -> String {
    format!("database_url = \"{}\"\n", db.url)
}

/// Killed (SIGKILL) while its notifications could not go out (the mail
/// server was down), then started again with the mail server up: every
/// notification is delivered, none twice.
async fn killed_with_notifications_pending_it_delivers_them_all_after_a_restart(db: tawasul_testkit::TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let quick = format!("outbox_retry_base_ms = 100\noutbox_claim_lease_secs = 1\n{}", database_line(&db));
    settings_file(data, &format!("smtp_url = \"smtp://127.0.0.1:{closed}\"\n{quick}"));
    let (mut child, _, _) = serve(data, &["--demo"]);
    // Let the notifier take the demo's events and the worker fail on them.
    let notices = "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND dedupe_key IS NOT NULL";
    let deadline = Instant::now() + Duration::from_secs(30);
    while rows(&db.url, notices).await < 10 {
        assert!(Instant::now() < deadline, "the demo's notifications were never enqueued");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let pending = rows(&db.url, "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND status = 'pending'").await;
    assert!(pending >= 10, "killed with {pending} e-mails pending");

    let smtp = tawasul_testkit::smtp::SmtpServer::start().unwrap();
    settings_file(data, &format!("smtp_url = \"{}\"\n{quick}", smtp.url()));
    let (child, _, _) = serve(data, &[]);
    let all_sent = "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND status <> 'delivered'";
    let deadline = Instant::now() + Duration::from_secs(60);
    let notifier_behind = "SELECT (SELECT MAX(position) FROM transaction_events) - \
                           (SELECT position FROM log_cursors WHERE consumer = 'notifier')";
    while rows(&db.url, all_sent).await > 0 || rows(&db.url, notifier_behind).await > 0 {
        assert!(Instant::now() < deadline, "e-mails still undelivered after the restart");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The server goes on writing notices (the SLA monitor's, at start-up):
    // compare what was delivered with what arrived once the two agree.
    let delivered_sql = "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND status = 'delivered'";
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut delivered, mut received) = (0, vec![]);
    while Instant::now() < deadline {
        delivered = rows(&db.url, delivered_sql).await;
        received = smtp.messages();
        if received.len() as i64 == delivered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ids: std::collections::BTreeSet<String> = received
        .iter()
        .filter_map(|m| {
            String::from_utf8_lossy(m).lines().find_map(|l| {
                l.strip_prefix("Message-ID: ").or_else(|| l.strip_prefix("Message-Id: ")).map(str::to_owned)
            })
        })
        .collect();
    assert_eq!(received.len() as i64, delivered, "every e-mail of the outbox arrived, none twice");
    assert_eq!(ids.len(), received.len(), "one Message-ID each");
    terminate(child);
}

/// Killed (SIGKILL) while sixteen clients write with `Idempotency-Key`s, then
/// started again: retrying every key replays the answer of what committed or
/// runs what did not — none is stuck with 409, none written twice.
async fn killed_during_keyed_writes_no_key_is_stuck_and_none_runs_twice(db: tawasul_testkit::TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    settings_file(data, &format!("idempotency_lease_secs = 2\n{}", database_line(&db)));
    let (mut child, addr, _) = serve(data, &["--demo"]);
    let http = reqwest::Client::new();
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    let id = open_transaction(&http, &addr, &token).await;
    let (h, t, i) = (http.clone(), token.clone(), id.clone());
    let comment = move |addr: String, key: String| {
        let (http, token, id) = (h.clone(), t.clone(), i.clone());
        async move {
            http.post(format!("{addr}/api/v1/transactions/{id}/comments"))
                .bearer_auth(token)
                .header("Idempotency-Key", &key)
                .json(&serde_json::json!({ "visibility": "external", "body": format!("تعليق {key}") }))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..16)
        .map(|w| {
            let (sent, comment, addr) = (sent.clone(), comment.clone(), addr.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let key = format!("w{w}-{i}");
                    sent.lock().unwrap().push(key.clone());
                    if comment(addr.clone(), key).await.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    // Kill once the writers are well under way: the demo's start-up work
    // (its history rolled up, the archive indexed) can slow the first writes.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sent.lock().unwrap().len() < 64 {
        assert!(Instant::now() < deadline, "the writers never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let keys = sent.lock().unwrap().clone();

    let (child, addr, _) = serve(data, &[]);
    tokio::time::sleep(Duration::from_millis(2_500)).await; // the lease of a key whose request died
    let mut answers = std::collections::BTreeMap::new();
    for key in &keys {
        let status = comment(addr.clone(), key.clone()).await.unwrap();
        *answers.entry(status).or_insert(0) += 1;
    }
    assert_eq!(answers.keys().copied().collect::<Vec<_>>(), vec![201], "every key replays or runs: {answers:?}");
    let timeline: Vec<serde_json::Value> =
        get_json(&http, format!("{addr}/api/v1/transactions/{id}/timeline"), &token).await;
    for key in &keys {
        let body = format!("تعليق {key}");
        let n = timeline.iter().filter(|e| e["body"] == body.as_str()).count();
        assert_eq!(n, 1, "{key} written {n} times");
    }
    terminate(child);
}
