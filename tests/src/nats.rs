//! A real NATS server for the tests of several server nodes: Debian's
//! `nats-server` on a free loopback port (installed by the test command).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;

pub struct NatsServer {
    child: Child,
    port: u16,
}

/// Debian installs it in /usr/sbin, which an ordinary user's PATH may lack.
fn binary() -> PathBuf {
    ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nats-server"))
}

impl NatsServer {
    pub fn start() -> anyhow::Result<NatsServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(binary())
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting nats-server (apt-get install nats-server; the README's test command does)")?;
        let mut server = NatsServer { child, port };
        crate::wait_listening(&mut server.child, port, "nats-server", Duration::from_secs(30))?;
        Ok(server)
    }

    /// The `TAWASUL_BUS_URL` of this server.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server (the nodes then run cut off from each other).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
