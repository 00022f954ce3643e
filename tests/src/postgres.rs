//! A throw-away PostgreSQL cluster from Debian's `postgresql` package: `initdb`
//! once into a template (shared by every test process, behind a file lock), then
//! for each cluster a copy of the template started with `pg_ctl` on a free port.
//! Dropping the cluster stops it and deletes its directory. When the tests run as
//! root, the server runs as the `postgres` user, since PostgreSQL refuses root.

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// Whether we run as root (asked once): PostgreSQL's tools then run as `postgres`.
fn is_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| Command::new("id").arg("-u").output().map(|o| o.stdout.trim_ascii() == b"0").unwrap_or(false))
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root.
fn pg_command(bin: &Path, tool: &str) -> Command {
    let exe = bin.join(tool);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

fn run(mut c: Command, what: &str) -> anyhow::Result<()> {
    let out = c.output().with_context(|| format!("{what}: could not start"))?;
    if !out.status.success() {
        bail!("{what} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn chown_to_postgres(path: &Path) -> anyhow::Result<()> {
    if is_root() {
        let mut c = Command::new("chown");
        c.args(["-R", "postgres:postgres"]).arg(path);
        run(c, "chown")?;
    }
    Ok(())
}

/// The directory of Debian's PostgreSQL binaries, newest version first.
pub fn find_bindir() -> anyhow::Result<PathBuf> {
    if let Ok(dir) = std::env::var("TAWASUL_TEST_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, b)| b)
        .context("PostgreSQL is not installed: the test command installs Debian's `postgresql` package (see README.md)")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Creates the initdb template once per machine and returns its path.
fn template(bin: &Path) -> anyhow::Result<PathBuf> {
    let root = std::env::temp_dir().join("tawasul-pg-template");
    fs::create_dir_all(&root)?;
    let lock = File::create(root.join("lock"))?;
    lock.lock()?;
    let version =
        bin.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let data = root.join(format!("data-{version}"));
    if !data.join("PG_VERSION").exists() {
        let _ = fs::remove_dir_all(&data);
        fs::create_dir_all(&data)?;
        chown_to_postgres(&root)?;
        let mut c = pg_command(bin, "initdb");
        c.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        run(c, "initdb")?;
    }
    lock.unlock()?;
    Ok(data)
}

/// Settings for tests: durability off, since the cluster is thrown away.
const FAST: &str = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";

impl PgCluster {
    /// A cluster for tests (no fsync).
    pub fn start() -> anyhow::Result<PgCluster> {
        Self::start_with(FAST)
    }

    /// A cluster with PostgreSQL's durable defaults, for benchmarks.
    pub fn start_durable() -> anyhow::Result<PgCluster> {
        Self::start_with("")
    }

    fn start_with(options: &str) -> anyhow::Result<PgCluster> {
        let bin = find_bindir()?;
        let template = template(&bin)?;
        let mut last_error = None;
        for _ in 0..3 {
            let dir = tempfile::Builder::new().prefix("tawasul-pg-").tempdir()?;
            let data = dir.path().join("data");
            let mut cp = Command::new("cp");
            cp.arg("-a").arg(&template).arg(&data);
            run(cp, "copying the template cluster")?;
            chown_to_postgres(dir.path())?;
            let port = free_port()?;
            let mut c = pg_command(&bin, "pg_ctl");
            c.arg("-D").arg(&data).arg("-l").arg(dir.path().join("log")).args(["-w", "-t", "30", "-o"]).arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 {options} -c max_connections=200",
                dir.path().display()
            ));
            c.arg("start");
            match run(c, "pg_ctl start") {
                Ok(()) => return Ok(PgCluster { dir, bin, port }),
                Err(e) => {
                    let log = fs::read_to_string(dir.path().join("log")).unwrap_or_default();
                    last_error = Some(e.context(log));
                }
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("could not start PostgreSQL")))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a database and returns its URL.
    pub fn create_database(&self, name: &str) -> anyhow::Result<String> {
        let mut c = pg_command(&self.bin, "createdb");
        c.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", name]);
        run(c, "createdb")?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let mut c = pg_command(&self.bin, "pg_ctl");
        c.arg("-D").arg(self.dir.path().join("data")).args(["-m", "immediate", "-w", "stop"]);
        let _ = c.output();
    }
}
