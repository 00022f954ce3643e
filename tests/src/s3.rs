//! A real S3-compatible server for the object-store tests: moto in server mode
//! (from PyPI, installed by the test command), with one bucket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

pub struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    pub fn start() -> anyhow::Result<S3Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting moto (pip install 'moto[server]'; the README's test command does)")?;
        let mut server = S3Server { child, port };
        crate::wait_listening(&mut server.child, port, "moto", Duration::from_secs(30))?;
        Ok(server)
    }

    /// Creates a bucket (moto takes unsigned requests).
    pub fn create_bucket(&self, bucket: &str) -> anyhow::Result<()> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        write!(
            s,
            "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        if !answer.starts_with("HTTP/1.1 200") {
            bail!("moto refused the bucket: {answer}");
        }
        Ok(())
    }

    /// The `TAWASUL_OBJECT_STORE` address of a bucket and prefix on this server.
    pub fn url(&self, bucket: &str, prefix: &str) -> String {
        format!(
            "s3://{bucket}/{prefix}?endpoint=http://127.0.0.1:{}&region=us-east-1&access_key_id=test&secret_access_key=test",
            self.port
        )
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
