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

/// A Mailbox handler that answers the first `refuse` messages with a
/// temporary failure (451), as a busy or greylisting server does.
const REFUSING: &str = r#"
from aiosmtpd.handlers import Mailbox

class Refusing(Mailbox):
    def __init__(self, maildir, refuse):
        super().__init__(maildir)
        self.left = int(refuse)

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        if self.left > 0:
            self.left -= 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)
"#;

impl SmtpServer {
    pub fn start() -> anyhow::Result<SmtpServer> {
        SmtpServer::refusing_first(0)
    }

    /// A server that refuses the first `n` messages with 451, then accepts.
    pub fn refusing_first(n: u32) -> anyhow::Result<SmtpServer> {
        let dir = tempfile::tempdir()?;
        let maildir = dir.path().join("Maildir");
        std::fs::write(dir.path().join("refusing.py"), REFUSING)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "refusing.Refusing"])
            .arg(&maildir)
            .arg(n.to_string())
            .env("PYTHONPATH", dir.path())
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
    /// How many messages have arrived, without reading them.
    pub fn count(&self) -> usize {
        ["new", "cur"].iter().map(|sub| std::fs::read_dir(self.maildir.join(sub)).map_or(0, |d| d.count())).sum()
    }

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
