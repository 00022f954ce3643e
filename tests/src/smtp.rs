//! A real SMTP server for e-mail tests: `aiosmtpd` (from PyPI, installed by the
//! test command) delivering into a Maildir that the test reads.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;

pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> anyhow::Result<SmtpServer> {
        let dir = tempfile::tempdir()?;
        let maildir = dir.path().join("Maildir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting aiosmtpd (pip install aiosmtpd; the README's test command does)")?;
        let mut server = SmtpServer { child, port, maildir, _dir: dir };
        crate::wait_listening(&mut server.child, port, "aiosmtpd", Duration::from_secs(10))?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// The raw messages delivered so far.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        ["new", "cur"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(self.maildir.join(sub)).into_iter().flatten().flatten())
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
