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
    std::fs::write(data.join("tawasul.toml"), "listen = \"127.0.0.1:0\"\nadmin_listen = \"127.0.0.1:0\"\n").unwrap();
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
        let v: serde_json::Value = reqwest::Client::new()
            .get(format!("{addr}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["items"].as_array().unwrap().len()
    };
    assert_eq!(count(addr.clone(), token.clone(), "/api/v1/entities").await, 3);
    assert_eq!(count(addr.clone(), token.clone(), "/api/v1/transactions").await, 2, "the demo's transactions");
    terminate(child);

    // Again: the demo data is already there and nothing is duplicated.
    let (child, addr, _) = serve(data, &["--demo"]);
    let token = login(&addr, "mohammed@example.sa", "Tawasul@1448").await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(count(addr.clone(), token.clone(), "/api/v1/entities").await, 3);
    assert_eq!(count(addr, token, "/api/v1/transactions").await, 2, "not duplicated on restart");
    terminate(child);
}
