//! Delivers the outbox: e-mail over SMTP (or as `.eml` files under
//! `<data-dir>/outbox-mail` when no SMTP server is configured) and SMS through the
//! operator's HTTP gateway, retrying with exponential back-off and jitter. A
//! notification still refused after its last try is given up — listed for the
//! entity's admins — and an SMS given up goes again by e-mail when the
//! recipient has an address. A message keeps one id on every try (its
//! `Message-ID`, and the `id` the SMS gateway receives), so that the far side
//! recognises a retry.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use tawasul_storage::ConnectionTrait;
use tawasul_storage::Db;
use tawasul_storage::outbox::{self, About, Message, Pending};
use tokio::sync::Notify;

use crate::metrics::Metrics;
use crate::settings::Settings;

/// Messages claimed at a time.
const BATCH: usize = 50;
/// Messages being sent at once.
const IN_FLIGHT: usize = 8;

enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

/// Where SMS go: the operator's gateway, or — with none configured, as on a
/// developer's machine — one JSON file per message in the data directory,
/// as e-mail goes to files without an SMTP server.
enum Texter {
    Gateway(String),
    Files(std::path::PathBuf),
}

pub struct OutboxWorker {
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    texter: Texter,
    http: reqwest::Client,
    wake: Arc<Notify>,
    metrics: Metrics,
    retry: Retry,
}

/// When to try again, and when to stop.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// The first wait; each failure doubles it (up to an hour), then ±50 % at random.
    pub base: Duration,
    /// Tries before a notification is given up (other messages keep trying).
    pub max_attempts: i32,
    /// How long a claimed message is left to this worker (see `outbox::LEASE`).
    pub claim_lease: chrono::Duration,
}

impl Retry {
    fn after(&self, attempts: i32) -> Duration {
        let doubled = self.base.saturating_mul(2u32.saturating_pow(attempts.clamp(1, 20) as u32 - 1));
        let capped = doubled.min(Duration::from_secs(3600));
        capped.mul_f64(0.5 + rand::random::<f64>())
    }
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
            texter: match &settings.sms_gateway_url {
                Some(url) => Texter::Gateway(url.clone()),
                None => {
                    std::fs::create_dir_all(settings.sms_dir())?;
                    Texter::Files(settings.sms_dir())
                }
            },
            http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
            wake,
            metrics,
            retry: Retry {
                base: Duration::from_millis(settings.outbox_retry_base_ms),
                max_attempts: settings.outbox_max_attempts,
                claim_lease: chrono::Duration::seconds(i64::try_from(settings.outbox_claim_lease_secs).unwrap_or(300)),
            },
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

    /// Sends what is due, claimed first so that no other worker sends it too,
    /// then records every outcome in one database transaction (one commit per
    /// round, not per message: a crash in between sends the round again after
    /// its lease, which the stable message ids let the far side recognise);
    /// returns how many messages it tried.
    #[tracing::instrument(name = "outbox_round", skip_all, fields(claimed))]
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        let lease = self.retry.claim_lease;
        let pending = self.db.unit(move |tx| Box::pin(outbox::claim_due(tx, Utc::now(), BATCH as u64, lease))).await?;
        let claimed = pending.len();
        tracing::Span::current().record("claimed", claimed);
        if claimed == 0 {
            return Ok(0);
        }
        // Several at once, over the SMTP connection pool and the gateway.
        let outcomes: Vec<(Pending, Result<(), String>)> = futures_util::stream::iter(pending)
            .map(|p| async move {
                let sent = self.send(&p).await.map_err(|e| e.to_string());
                (p, sent)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let retry = self.retry;
        let recorded = self
            .db
            .unit(move |tx| {
                Box::pin(async move {
                    let mut delivered = Vec::with_capacity(outcomes.len());
                    let mut recorded = Vec::with_capacity(outcomes.len());
                    for (p, sent) in &outcomes {
                        let kind = match &p.message {
                            Message::Email { .. } => "email",
                            Message::Sms { .. } => "sms",
                        };
                        let attempts = p.attempts + 1;
                        let outcome = match sent {
                            Ok(()) => {
                                delivered.push(p.id);
                                "delivered"
                            }
                            Err(e) if p.about.is_some() && attempts >= retry.max_attempts => {
                                tracing::warn!(id = %p.id, kind, attempts, error = %e, "outbox: notification given up");
                                give_up(tx, p, attempts, e).await?;
                                "given_up"
                            }
                            Err(e) => {
                                tracing::warn!(id = %p.id, kind, attempts, error = %e, "outbox: delivery failed, will retry");
                                outbox::failed(tx, p.id, attempts, Utc::now() + retry.after(attempts), e).await?;
                                "failed"
                            }
                        };
                        recorded.push((kind, outcome));
                    }
                    outbox::delivered(tx, &delivered, Utc::now()).await?;
                    anyhow::Ok(recorded)
                })
            })
            .await?;
        for (kind, outcome) in recorded {
            self.metrics.outbox_delivered.with_label_values(&[kind, outcome]).inc();
        }
        Ok(claimed)
    }

    async fn send(&self, p: &Pending) -> anyhow::Result<()> {
        match &p.message {
            Message::Email { to, subject, body, html, calendar } => {
                let builder = lettre::Message::builder()
                    .from(self.from.clone())
                    .to(to.parse()?)
                    .subject(subject)
                    .message_id(Some(format!("<{}@tawasul>", p.id)));
                let email = match (html, calendar) {
                    // An invitation: the text, and the event calendar programs
                    // offer to add (RFC 6047: the method is the part's too).
                    (_, Some(ics)) => {
                        let method = ics_method(ics);
                        let event = SinglePart::builder()
                            .header(ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))?)
                            .body(ics.clone());
                        builder.multipart(
                            MultiPart::alternative().singlepart(SinglePart::plain(body.clone())).singlepart(event),
                        )?
                    }
                    (Some(html), None) => {
                        builder.multipart(MultiPart::alternative_plain_html(body.clone(), html.clone()))?
                    }
                    (None, None) => builder.header(ContentType::TEXT_PLAIN).body(body.clone())?,
                };
                match &self.mailer {
                    Mailer::Smtp(t) => t.send(email).await.map(|_| ())?,
                    Mailer::Files(t) => t.send(email).await.map(|_| ())?,
                }
            }
            Message::Sms { to, text } => {
                // What the operator bills: Arabic text goes as UCS-2, 70 characters a part.
                let segments = tawasul_core::notify::sms_segments(text);
                let sms = serde_json::json!({ "id": p.id, "to": to, "text": text, "segments": segments });
                match &self.texter {
                    Texter::Gateway(url) => {
                        let res = self.http.post(url).json(&sms).send().await?;
                        if !res.status().is_success() {
                            anyhow::bail!("SMS gateway answered {}", res.status());
                        }
                    }
                    Texter::Files(dir) => tokio::fs::write(dir.join(format!("{}.json", p.id)), sms.to_string()).await?,
                }
            }
        }
        Ok(())
    }
}

/// Gives a notification up, audited; an SMS goes again by e-mail (in the same
/// database transaction), when the recipient has an address.
async fn give_up(tx: &impl ConnectionTrait, p: &Pending, attempts: i32, error: &str) -> anyhow::Result<()> {
    outbox::give_up(tx, p.id, attempts, error).await?;
    let Some(about) = &p.about else { return Ok(()) };
    let entry = crate::audit::entry(
        None,
        Some(about.entity),
        tawasul_core::audit::AuditAction::NotificationGivenUp,
        tawasul_core::audit::AuditTarget::User(about.user),
    )
    .after(serde_json::json!({ "notification": p.id, "notice": about.notice, "attempts": attempts }));
    tawasul_storage::audit::append(tx, entry, Utc::now()).await?;
    if let Message::Sms { text, .. } = &p.message {
        let contact = tawasul_storage::recipients::contacts(tx, &[about.user]).await?.pop();
        if let Some(to) = contact.and_then(|c| c.email) {
            let subject = text.chars().take(80).collect::<String>();
            let fallback = Message::Email { to, subject, body: text.clone(), html: None, calendar: None };
            let again = About { dedupe_key: format!("{}:email-fallback", about.dedupe_key), ..about.clone() };
            outbox::enqueue_notices(tx, &[(fallback, again)], Utc::now()).await?;
        }
    }
    Ok(())
}

/// The METHOD an iCalendar object declares (REQUEST, CANCEL), for its part's
/// content type.
fn ics_method(ics: &str) -> &str {
    ics.lines().find_map(|l| l.strip_prefix("METHOD:")).map_or("PUBLISH", str::trim)
}
