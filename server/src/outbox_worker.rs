//! Delivers the outbox: e-mail over SMTP (or as `.eml` files under
//! `<data-dir>/outbox-mail` when no SMTP server is configured) and SMS through the
//! operator's HTTP gateway, retrying with exponential back-off until accepted.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use tawasul_storage::Db;
use tawasul_storage::outbox::{self, Message, Pending};
use tokio::sync::Notify;

use crate::metrics::Metrics;
use crate::settings::Settings;

/// Messages claimed at a time.
const BATCH: usize = 50;

enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct OutboxWorker {
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    sms_gateway: Option<String>,
    http: reqwest::Client,
    wake: Arc<Notify>,
    metrics: Metrics,
}

impl OutboxWorker {
    pub fn new(db: Db, settings: &Settings, wake: Arc<Notify>, metrics: Metrics) -> anyhow::Result<OutboxWorker> {
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::Smtp(AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())?.build()),
            None => {
                std::fs::create_dir_all(settings.mail_dir())?;
                Mailer::Files(AsyncFileTransport::new(settings.mail_dir()))
            }
        };
        Ok(OutboxWorker {
            db,
            mailer,
            from: settings.mail_from.parse()?,
            sms_gateway: settings.sms_gateway_url.clone(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
            wake,
            metrics,
        })
    }

    /// Runs until the process ends: sends whatever is due, then waits for a
    /// wake-up or a second (not at all after a full batch: more may be due).
    pub async fn run(self) {
        loop {
            match self.deliver_due().await {
                Ok(BATCH) => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "outbox: could not read pending messages"),
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
        }
    }

    /// Sends what is due, claimed first so that no other worker sends it too;
    /// returns how many messages it tried.
    #[tracing::instrument(name = "outbox_round", skip_all, fields(claimed))]
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        let pending = outbox::claim_due(self.db.write(), Utc::now(), BATCH as u64).await?;
        let claimed = pending.len();
        tracing::Span::current().record("claimed", claimed);
        for p in pending {
            let kind = match &p.message {
                Message::Email { .. } => "email",
                Message::Sms { .. } => "sms",
            };
            match self.send(&p).await {
                Ok(()) => {
                    outbox::delivered(self.db.write(), p.id, Utc::now()).await?;
                    self.metrics.outbox_delivered.with_label_values(&[kind, "delivered"]).inc();
                }
                Err(e) => {
                    let attempts = p.attempts + 1;
                    let backoff = Duration::from_secs(2u64.saturating_pow(attempts.min(12) as u32).min(3600));
                    let retry_at = Utc::now() + backoff;
                    tracing::warn!(id = %p.id, kind, attempts, error = %e, "outbox: delivery failed, will retry");
                    outbox::failed(self.db.write(), p.id, attempts, retry_at, &e.to_string()).await?;
                    self.metrics.outbox_delivered.with_label_values(&[kind, "failed"]).inc();
                }
            }
        }
        Ok(claimed)
    }

    async fn send(&self, p: &Pending) -> anyhow::Result<()> {
        match &p.message {
            Message::Email { to, subject, body } => {
                let email = lettre::Message::builder()
                    .from(self.from.clone())
                    .to(to.parse()?)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .message_id(Some(format!("<{}@tawasul>", p.id)))
                    .body(body.clone())?;
                match &self.mailer {
                    Mailer::Smtp(t) => t.send(email).await.map(|_| ())?,
                    Mailer::Files(t) => t.send(email).await.map(|_| ())?,
                }
            }
            Message::Sms { to, text } => {
                let Some(url) = &self.sms_gateway else {
                    anyhow::bail!("no SMS gateway configured (TAWASUL_SMS_GATEWAY_URL)");
                };
                let res =
                    self.http.post(url).json(&serde_json::json!({ "id": p.id, "to": to, "text": text })).send().await?;
                if !res.status().is_success() {
                    anyhow::bail!("SMS gateway answered {}", res.status());
                }
            }
        }
        Ok(())
    }
}
