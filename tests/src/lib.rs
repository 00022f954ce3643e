//! Test kit shared by the storage tests and the end-to-end tests: fresh databases
//! on SQLite and on a throw-away PostgreSQL cluster. Nothing here is mocked.

pub mod documents;
pub mod nats;
pub mod postgres;
pub mod s3;
pub mod smtp;
pub mod speech;

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

/// Waits until a helper server just started (`what`, for the message) accepts
/// connections on `port`; fails if it exits first or takes longer than `within`.
fn wait_listening(child: &mut Child, port: u16, what: &str, within: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("{what} exited early: {status}");
        }
        if Instant::now() > deadline {
            anyhow::bail!("{what} did not start listening");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A fresh, empty database for one test; dropping it removes it.
pub struct TestDatabase {
    pub url: String,
    pub backend: &'static str,
    _keep: Keep,
}

enum Keep {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Cluster(#[allow(dead_code)] postgres::PgCluster),
}

impl TestDatabase {
    /// A new SQLite file in its own temporary directory.
    pub fn sqlite() -> anyhow::Result<TestDatabase> {
        let dir = tempfile::tempdir()?;
        let url = sqlite_url(&dir.path().join("test.db"));
        Ok(TestDatabase { url, backend: "sqlite", _keep: Keep::Dir(dir) })
    }

    /// A new database with a UUID name in a throw-away PostgreSQL cluster that
    /// lives as long as this value.
    pub fn postgres() -> anyhow::Result<TestDatabase> {
        let cluster = postgres::PgCluster::start()?;
        let url = cluster.create_database(&format!("t_{}", uuid::Uuid::new_v4().simple()))?;
        Ok(TestDatabase { url, backend: "postgres", _keep: Keep::Cluster(cluster) })
    }

    pub fn by_name(backend: &str) -> anyhow::Result<TestDatabase> {
        match backend {
            "sqlite" => Self::sqlite(),
            "postgres" => Self::postgres(),
            other => anyhow::bail!("unknown backend {other}"),
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
