//! The bus between server nodes, over NATS (`TAWASUL_BUS_URL=nats://…`).
//!
//! Events do not travel here: PostgreSQL's log is the system of record, every
//! node's feed follows it, and a connection resumes from it. What crosses
//! between nodes is what the log does not carry:
//!
//! - account signals (log-out, a password change, a new role, deactivation),
//!   which close or recheck connections and clear the session cache on every
//!   node;
//! - the news that a node committed, which wakes the log's followers on the
//!   others at once instead of at their next poll.
//!
//! Core NATS delivers at most once, so a node that was cut off from it may
//! have missed signals: while it is cut off its session cache is not used,
//! and when it is back every one of its connections loads its account and
//! session again. A missed "committed" costs only the poll interval.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_nats::{Client, ConnectOptions, Event};
use futures_util::StreamExt;
use tawasul_core::ids::UserId;
use tokio::sync::mpsc;

use super::bus::{AccountSignal, Bus, InProcessBus, Key, Mailbox, MeetingPublished, Published};
use crate::auth::cache::SessionCache;
use crate::log::Committed;

const SIGNALS: &str = "tawasul.signals";
const COMMITTED: &str = "tawasul.committed";

/// A signal as it crosses between nodes.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SignalMessage {
    user: UserId,
    signal: AccountSignal,
}

/// What this node tells the others, in the order it happened.
enum Outgoing {
    Signal(Vec<u8>),
    Committed,
}

pub struct NatsBus {
    here: Arc<InProcessBus>,
    out: mpsc::UnboundedSender<Outgoing>,
}

impl NatsBus {
    /// Joins the other nodes at `url`; fails when NATS cannot be reached, so
    /// that a node that would be deaf to the others does not start serving.
    pub async fn connect(
        url: &str,
        here: Arc<InProcessBus>,
        sessions: Arc<SessionCache>,
        committed: Committed,
    ) -> anyhow::Result<NatsBus> {
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let client = ConnectOptions::new()
            .name(format!("tawasul {}", std::process::id()))
            // Our own messages were delivered here already.
            .no_echo()
            .max_reconnects(None)
            .event_callback(move |e| {
                let tx = events_tx.clone();
                async move {
                    let _ = tx.send(e);
                }
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot reach the bus at {url}: {e}"))?;
        let mut signals = client.subscribe(SIGNALS).await?;
        let mut commits = client.subscribe(COMMITTED).await?;
        // The subscriptions stand before this node serves anything.
        client.flush().await?;

        let receiver = here.clone();
        tokio::spawn(async move {
            while let Some(m) = signals.next().await {
                match serde_json::from_slice::<SignalMessage>(&m.payload) {
                    Ok(s) => receiver.signal(s.user, s.signal),
                    Err(e) => tracing::warn!(error = %e, "an unreadable signal on the bus"),
                }
            }
        });
        let woken = committed.clone();
        tokio::spawn(async move {
            while commits.next().await.is_some() {
                woken.ring_here();
            }
        });
        let rechecked = here.clone();
        let woken = committed.clone();
        tokio::spawn(async move {
            while let Some(e) = events.recv().await {
                match e {
                    Event::Disconnected => {
                        tracing::warn!("cut off from the bus: the session cache is off until it is back");
                        sessions.trust(false);
                    }
                    Event::Connected => {
                        sessions.trust(true);
                        // What the others signalled or committed meanwhile.
                        rechecked.recheck_everyone();
                        woken.ring_here();
                    }
                    other => tracing::info!(event = %other, "bus"),
                }
            }
        });

        let (out, queue) = mpsc::unbounded_channel();
        let pending = Arc::new(AtomicBool::new(false));
        tokio::spawn(forward(client, queue, pending.clone()));
        let ring = out.clone();
        committed.relay_to(move || {
            // One "committed" waiting to leave stands for any number of rings.
            if !pending.swap(true, Ordering::AcqRel) {
                let _ = ring.send(Outgoing::Committed);
            }
        });
        Ok(NatsBus { here, out })
    }
}

/// Sends what this node tells the others, in order, flushing after each burst
/// so that a signal is at the NATS server as soon as it can be.
async fn forward(client: Client, mut queue: mpsc::UnboundedReceiver<Outgoing>, pending: Arc<AtomicBool>) {
    while let Some(first) = queue.recv().await {
        let mut burst = vec![first];
        while let Ok(next) = queue.try_recv() {
            burst.push(next);
        }
        for o in burst {
            let sent = match o {
                Outgoing::Signal(payload) => client.publish(SIGNALS, payload.into()).await,
                Outgoing::Committed => {
                    pending.store(false, Ordering::Release);
                    client.publish(COMMITTED, bytes::Bytes::new()).await
                }
            };
            if let Err(e) = sent {
                tracing::warn!(error = %e, "could not tell the other nodes");
            }
        }
        if let Err(e) = client.flush().await {
            tracing::warn!(error = %e, "could not flush to the bus");
        }
    }
}

impl Bus for NatsBus {
    fn publish(&self, event: Arc<Published>) {
        self.here.publish(event);
    }

    fn publish_meeting(&self, event: Arc<MeetingPublished>) {
        self.here.publish_meeting(event);
    }

    fn signal(&self, user: UserId, signal: AccountSignal) {
        self.here.signal(user, signal);
        match serde_json::to_vec(&SignalMessage { user, signal }) {
            Ok(payload) => {
                let _ = self.out.send(Outgoing::Signal(payload));
            }
            Err(e) => tracing::error!(error = %e, "a signal could not be written for the bus"),
        }
    }

    fn subscribe(&self, key: Key, mailbox: &Mailbox) {
        self.here.subscribe(key, mailbox);
    }

    fn unsubscribe(&self, key: Key, mailbox: &Mailbox) {
        self.here.unsubscribe(key, mailbox);
    }

    fn followers(&self, key: Key) -> usize {
        self.here.followers(key)
    }

    fn is_idle(&self) -> bool {
        self.here.is_idle()
    }
}
