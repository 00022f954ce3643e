//! Settings, layered: defaults, then `tawasul.toml` in the data directory, then
//! `TAWASUL_*` environment variables, then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::limiter::{Limit, Limits};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    pub listen: SocketAddr,
    pub admin_listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default SQLite at `<data-dir>/tawasul.db`.
    pub database_url: Option<String>,
    /// `file://…` or `s3://bucket/prefix`; default `<data-dir>/objects`.
    pub object_store: Option<String>,
    #[serde(serialize_with = "ser_secret", default)]
    pub smtp_url: Option<SecretString>,
    pub sms_gateway_url: Option<String>,
    /// The key that signs access tokens; generated into the data directory when unset.
    #[serde(serialize_with = "ser_secret", default)]
    pub token_secret: Option<SecretString>,
    /// The address shown in e-mails and printed at start-up.
    pub public_url: Option<String>,
    /// Sender of outgoing e-mail.
    pub mail_from: String,
    /// Workers serving HTTP; default one per core.
    pub workers: Option<usize>,
    /// Events a real-time connection may have waiting before it counts as too
    /// slow and is closed with 4408.
    pub ws_queue: usize,
    /// How often the server pings a real-time connection.
    pub ws_heartbeat_ms: u64,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub ws_idle_timeout_ms: u64,
    /// How long a connection without an `Authorization` header has to send its `auth` frame.
    pub ws_auth_timeout_ms: u64,
    /// The key that wraps the data key of every stored document and voice note
    /// (32 bytes, base64); generated into `<data-dir>/master.key` when unset.
    #[serde(serialize_with = "ser_secret", default)]
    pub master_key: Option<SecretString>,
    /// The largest attachment accepted, in bytes.
    pub attachment_max_bytes: u64,
    /// The largest voice recording accepted as sent, in bytes (five minutes of
    /// 48 kHz mono WAV fit; the stored Ogg Opus is far smaller).
    pub voice_max_bytes: u64,
    /// Open connections each HTTP worker accepts (WebSockets included).
    pub max_connections_per_worker: usize,
    /// The kernel's send buffer per connection, in bytes; unset leaves Linux's
    /// autotuning (up to `net.ipv4.tcp_wmem`). Setting it bounds what a reader
    /// that stopped reading can hold, so a slow consumer is recognised sooner.
    pub socket_send_buffer: Option<usize>,
    /// How long the archive indexer lets new events gather before an index
    /// commit (a write is searchable within about this long plus a commit).
    pub index_interval_ms: u64,
    /// How often the event log's consumers look for what other server nodes
    /// committed (what this node commits wakes them at once).
    pub log_poll_ms: u64,
    /// The bus between server nodes that share one PostgreSQL database
    /// (`nats://host:4222`); unset, this node is the only one.
    pub bus_url: Option<String>,
    /// How often the time people are seen present is added to the database.
    pub presence_flush_ms: u64,
    /// The outbox's first wait after a failed delivery (doubled at each failure).
    pub outbox_retry_base_ms: u64,
    /// Tries before a notification is given up.
    pub outbox_max_attempts: i32,
    /// How long a message claimed by an outbox worker is left to it before
    /// another may send it (a worker that died mid-send is retried after this).
    pub outbox_claim_lease_secs: u64,
    /// How long an `Idempotency-Key` whose request has not answered is held
    /// (409 to a repeat) before it counts as died with its server and is free.
    pub idempotency_lease_secs: u64,
    /// How long reading one attached document's text may take before the
    /// reader is stopped and the document recorded as unreadable.
    pub extract_timeout_ms: u64,
    /// How long a client may take to send a JSON body; uploads must also keep
    /// up `upload_min_bytes_per_s` on average after this long.
    pub body_timeout_ms: u64,
    /// The slowest average an upload may arrive at once `body_timeout_ms` has
    /// passed (a body trickled byte by byte holds a connection for nothing).
    pub upload_min_bytes_per_s: u64,
    /// How old a stored object with no database row must be before it is
    /// deleted (what a crash between storing an upload and recording it leaves).
    pub orphan_grace_secs: u64,
    /// Attempt limits, each `attempts/window` (`5/15m`): failed log-ins and
    /// wrong current passwords per account, whichever identifier was used…
    pub limit_login_failures_per_account: Limit,
    /// … failed log-ins per client address …
    pub limit_login_failures_per_address: Limit,
    /// … one-time codes sent per account and channel …
    pub limit_otp_sends_per_account: Limit,
    /// … one-time codes sent per client address …
    pub limit_otp_sends_per_address: Limit,
    /// … wrong one-time codes per account, across codes …
    pub limit_otp_verify_failures: Limit,
    /// … and registration attempts per client address.
    pub limit_registrations_per_address: Limit,
}

fn ser_secret<S: serde::Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(secret) => s.serialize_some(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_listen: SocketAddr::from(([127, 0, 0, 1], 9090)),
            data_dir: PathBuf::from("./tawasul-data"),
            database_url: None,
            object_store: None,
            smtp_url: None,
            sms_gateway_url: None,
            token_secret: None,
            public_url: None,
            mail_from: "Tawasul <no-reply@tawasul.local>".into(),
            workers: None,
            ws_queue: 256,
            ws_heartbeat_ms: 20_000,
            ws_idle_timeout_ms: 60_000,
            ws_auth_timeout_ms: 5_000,
            master_key: None,
            attachment_max_bytes: 25 * 1024 * 1024,
            voice_max_bytes: 32 * 1024 * 1024,
            index_interval_ms: 200,
            log_poll_ms: 100,
            bus_url: None,
            presence_flush_ms: 60_000,
            outbox_retry_base_ms: 2_000,
            outbox_max_attempts: 10,
            outbox_claim_lease_secs: 300,
            idempotency_lease_secs: 60,
            extract_timeout_ms: 30_000,
            max_connections_per_worker: 100_000,
            socket_send_buffer: None,
            body_timeout_ms: 30_000,
            upload_min_bytes_per_s: 8 * 1024,
            orphan_grace_secs: 24 * 3600,
            limit_login_failures_per_account: Limit::new(5, 15 * 60),
            limit_login_failures_per_address: Limit::new(20, 15 * 60),
            limit_otp_sends_per_account: Limit::new(3, 15 * 60),
            limit_otp_sends_per_address: Limit::new(20, 3600),
            limit_otp_verify_failures: Limit::new(10, 3600),
            limit_registrations_per_address: Limit::new(10, 3600),
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers in force.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_store: Option<String>,
}

impl Settings {
    /// Loads the layers. The data directory is settled first, from the flag or the
    /// environment, because `tawasul.toml` lives in it.
    pub fn load(flags: &Overrides) -> Result<Settings, Box<figment::Error>> {
        let data_dir = flags
            .data_dir
            .clone()
            .or_else(|| std::env::var_os("TAWASUL_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| Settings::default().data_dir);
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(data_dir.join("tawasul.toml")))
            .merge(Env::prefixed("TAWASUL_"))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(Box::new)
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("tawasul.db").display()))
    }

    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}"))
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("outbox-mail")
    }

    /// Where SMS are written when no gateway is configured.
    pub fn sms_dir(&self) -> PathBuf {
        self.data_dir.join("outbox-sms")
    }

    pub fn objects_dir(&self) -> PathBuf {
        self.data_dir.join("objects")
    }

    /// Where documents and voice notes go: the configured store, or the local
    /// objects directory.
    pub fn object_store_location(&self) -> String {
        self.object_store.clone().unwrap_or_else(|| self.objects_dir().display().to_string())
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    pub fn ws_heartbeat(&self) -> Duration {
        Duration::from_millis(self.ws_heartbeat_ms.max(10))
    }

    pub fn ws_idle_timeout(&self) -> Duration {
        Duration::from_millis(self.ws_idle_timeout_ms)
    }

    pub fn ws_auth_timeout(&self) -> Duration {
        Duration::from_millis(self.ws_auth_timeout_ms)
    }

    pub fn body_timeout(&self) -> Duration {
        Duration::from_millis(self.body_timeout_ms.max(1))
    }

    pub fn limits(&self) -> Limits {
        Limits {
            login_failures_per_account: self.limit_login_failures_per_account,
            login_failures_per_address: self.limit_login_failures_per_address,
            otp_sends_per_account: self.limit_otp_sends_per_account,
            otp_sends_per_address: self.limit_otp_sends_per_address,
            otp_verify_failures: self.limit_otp_verify_failures,
            registrations_per_address: self.limit_registrations_per_address,
        }
    }
}

/// Creates the data directory (owner-only) if missing.
pub fn ensure_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}
