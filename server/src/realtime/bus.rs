//! The publication seam. Each node's real-time feed hands every committed
//! event to its `Bus`, which puts it in the mailbox of every connection
//! following one of its topics. Events reach every node through the database's
//! log, which each node's feed follows; what must also cross between nodes —
//! account signals, and the news that something committed — goes through
//! `realtime::nats` when several nodes serve. The in-process bus below is the
//! part every node has.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use bytestring::ByteString;
use tawasul_core::ids::{MeetingId, TransactionId, UserId};
use tawasul_core::visibility::{TransactionFacts, Visibility};
use tokio::sync::{Notify, mpsc};
use uuid::Uuid;

use crate::auth::cache::SessionCache;

/// Where a connection listens. Every user's inbox is a key of its own, and so
/// is every account's line of signals, which each of its connections follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Transaction(TransactionId),
    Meeting(MeetingId),
    Inbox(UserId),
    Account(UserId),
}

/// A change to an account that its open connections act on at once, on
/// whichever node they are: plain data, so that a bus between nodes carries it
/// as it carries events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "signal", rename_all = "snake_case")]
pub enum AccountSignal {
    /// One session ended (log-out, a reused refresh token): its connections
    /// close with 4401.
    SessionEnded { session: Uuid },
    /// Every session but `keep` ended (a password change).
    OtherSessionsEnded { keep: Uuid },
    /// The account changed (deactivated; role, permissions or departments): its
    /// connections load it again and check what they follow.
    Changed,
}

/// One committed event, with its frames serialised once for all recipients:
/// what differs per recipient is only whether they may see it.
#[derive(Debug)]
pub struct Published {
    pub transaction_id: TransactionId,
    /// The transaction's facts right after the change, for the visibility rule.
    pub facts: TransactionFacts,
    pub visibility: Visibility,
    pub seq: u32,
    pub position: i64,
    /// Whose inbox it goes to (the inbox rule of `tawasul_core::realtime`).
    pub notify: Vec<UserId>,
    /// The `event` frame on `transaction:<id>`.
    pub topic_frame: ByteString,
    /// The `event` frame on `inbox`.
    pub inbox_frame: ByteString,
}

/// One committed event of a meeting, with its frame serialised once.
#[derive(Debug)]
pub struct MeetingPublished {
    pub meeting_id: MeetingId,
    pub seq: u32,
    /// The `event` frame on `meeting:<id>`.
    pub frame: ByteString,
}

/// What a mailbox receives.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// An event, and whether it came through the inbox.
    Event { event: Arc<Published>, inbox: bool },
    /// An event of a meeting the connection follows.
    Meeting(Arc<MeetingPublished>),
    /// A signal about the connection's own account.
    Account(AccountSignal),
}

/// A connection's bounded queue. When it is full the bus does not wait: it
/// marks the connection as overflowed, and the connection closes itself with
/// 4408. One slow reader therefore never slows the publisher or the others.
#[derive(Debug, Clone)]
pub struct Mailbox {
    id: u64,
    tx: mpsc::Sender<Delivery>,
    overflow: Arc<Overflow>,
}

#[derive(Debug, Default)]
struct Overflow {
    happened: AtomicBool,
    notify: Notify,
}

static NEXT_MAILBOX: AtomicU64 = AtomicU64::new(1);

impl Mailbox {
    /// A mailbox holding up to `capacity` deliveries, and its receiving end.
    pub fn new(capacity: usize) -> (Mailbox, mpsc::Receiver<Delivery>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let id = NEXT_MAILBOX.fetch_add(1, Ordering::Relaxed);
        (Mailbox { id, tx, overflow: Arc::default() }, rx)
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether a delivery was refused because the queue was full.
    pub fn has_overflowed(&self) -> bool {
        self.overflow.happened.load(Ordering::Acquire)
    }

    /// Resolves once a delivery was refused because the queue was full.
    pub async fn overflowed(&self) {
        loop {
            let notified = self.overflow.notify.notified();
            if self.has_overflowed() {
                return;
            }
            notified.await;
        }
    }

    /// Puts a delivery in the queue without waiting; `false` when the
    /// connection is gone (so the bus can forget it).
    fn offer(&self, d: Delivery) -> bool {
        match self.tx.try_send(d) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.overflow.happened.store(true, Ordering::Release);
                self.overflow.notify.notify_waiters();
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

pub trait Bus: Send + Sync {
    /// Delivers a committed event to every mailbox following its transaction and
    /// to the inboxes of `notify`. Never waits on a connection.
    fn publish(&self, event: Arc<Published>);
    /// Delivers a committed meeting event to every mailbox following its
    /// meeting. Never waits on a connection.
    fn publish_meeting(&self, event: Arc<MeetingPublished>);
    /// Delivers a signal to every connection of `user`. Never waits on one.
    fn signal(&self, user: UserId, signal: AccountSignal);
    fn subscribe(&self, key: Key, mailbox: &Mailbox);
    fn unsubscribe(&self, key: Key, mailbox: &Mailbox);
    /// How many mailboxes follow `key` (for metrics and tests).
    fn followers(&self, key: Key) -> usize;
    /// Whether nothing at all follows anything here: no connection is open
    /// (each one follows its account's signals from its first moment).
    fn is_idle(&self) -> bool;
}

/// The bus of a single node: a map from key to mailboxes. Every signal that
/// reaches the node clears the session cache first (`auth::cache`).
#[derive(Default)]
pub struct InProcessBus {
    topics: RwLock<HashMap<Key, Vec<Mailbox>>>,
    sessions: Arc<SessionCache>,
}

impl InProcessBus {
    pub fn new(sessions: Arc<SessionCache>) -> InProcessBus {
        InProcessBus { topics: RwLock::default(), sessions }
    }

    /// Has every connection of this node load its account and session again:
    /// what a node does when signals may have been missed.
    pub fn recheck_everyone(&self) {
        let accounts: Vec<UserId> = match self.topics.read() {
            Ok(topics) => topics
                .keys()
                .filter_map(|k| match k {
                    Key::Account(user) => Some(*user),
                    _ => None,
                })
                .collect(),
            Err(_) => return,
        };
        for user in accounts {
            self.signal(user, AccountSignal::Changed);
        }
    }

    fn deliver(&self, key: Key, d: &Delivery) {
        let mut gone = false;
        if let Ok(topics) = self.topics.read()
            && let Some(mailboxes) = topics.get(&key)
        {
            for m in mailboxes {
                gone |= !m.offer(d.clone());
            }
        }
        if gone
            && let Ok(mut topics) = self.topics.write()
            && let Some(mailboxes) = topics.get_mut(&key)
        {
            mailboxes.retain(|m| !m.tx.is_closed());
            if mailboxes.is_empty() {
                topics.remove(&key);
            }
        }
    }
}

impl Bus for InProcessBus {
    fn is_idle(&self) -> bool {
        self.topics.read().is_ok_and(|t| t.is_empty())
    }

    fn publish(&self, event: Arc<Published>) {
        let topic = Delivery::Event { event: event.clone(), inbox: false };
        self.deliver(Key::Transaction(event.transaction_id), &topic);
        let inbox = Delivery::Event { event: event.clone(), inbox: true };
        for user in &event.notify {
            self.deliver(Key::Inbox(*user), &inbox);
        }
    }

    fn publish_meeting(&self, event: Arc<MeetingPublished>) {
        self.deliver(Key::Meeting(event.meeting_id), &Delivery::Meeting(event));
    }

    fn signal(&self, user: UserId, signal: AccountSignal) {
        self.sessions.forget(user, &signal);
        self.deliver(Key::Account(user), &Delivery::Account(signal));
    }

    fn subscribe(&self, key: Key, mailbox: &Mailbox) {
        if let Ok(mut topics) = self.topics.write() {
            let list = topics.entry(key).or_default();
            if !list.iter().any(|m| m.id == mailbox.id) {
                list.push(mailbox.clone());
            }
        }
    }

    fn unsubscribe(&self, key: Key, mailbox: &Mailbox) {
        if let Ok(mut topics) = self.topics.write()
            && let Some(list) = topics.get_mut(&key)
        {
            list.retain(|m| m.id != mailbox.id);
            if list.is_empty() {
                topics.remove(&key);
            }
        }
    }

    fn followers(&self, key: Key) -> usize {
        self.topics.read().map(|t| t.get(&key).map_or(0, Vec::len)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tawasul_core::ids::{DepartmentId, EntityId};

    fn event(t: TransactionId, seq: u32, notify: Vec<UserId>) -> Arc<Published> {
        Arc::new(Published {
            transaction_id: t,
            facts: TransactionFacts {
                entity_id: EntityId::new(),
                department_id: DepartmentId::new(),
                beneficiary_id: UserId::new(),
                assignee_id: None,
            },
            visibility: Visibility::External,
            seq,
            position: i64::from(seq),
            notify,
            topic_frame: ByteString::from_static("{}"),
            inbox_frame: ByteString::from_static("{}"),
        })
    }

    #[tokio::test]
    async fn a_full_mailbox_overflows_without_blocking_the_others() {
        let bus = InProcessBus::default();
        let t = TransactionId::new();
        let (slow, _slow_rx) = Mailbox::new(2);
        let (fast, mut fast_rx) = Mailbox::new(100);
        bus.subscribe(Key::Transaction(t), &slow);
        bus.subscribe(Key::Transaction(t), &fast);
        for seq in 1..=10 {
            bus.publish(event(t, seq, vec![]));
        }
        tokio::time::timeout(std::time::Duration::from_secs(1), slow.overflowed()).await.unwrap();
        for seq in 1..=10 {
            let Some(Delivery::Event { event, .. }) = fast_rx.recv().await else { panic!("an event") };
            assert_eq!(event.seq, seq);
        }
    }

    #[tokio::test]
    async fn inboxes_and_topics_are_separate_and_closed_mailboxes_are_forgotten() {
        let bus = InProcessBus::default();
        let (t, u) = (TransactionId::new(), UserId::new());
        let (m, mut rx) = Mailbox::new(10);
        bus.subscribe(Key::Inbox(u), &m);
        bus.publish(event(t, 1, vec![u]));
        assert!(matches!(rx.recv().await, Some(Delivery::Event { inbox: true, .. })));
        bus.publish(event(t, 2, vec![]));
        assert!(rx.try_recv().is_err(), "not on the inbox, and the topic is not followed");
        drop(rx);
        bus.publish(event(t, 3, vec![u]));
        assert_eq!(bus.followers(Key::Inbox(u)), 0);
    }

    #[tokio::test]
    async fn a_signal_reaches_every_connection_of_its_account_only() {
        let bus = InProcessBus::default();
        let (u, other) = (UserId::new(), UserId::new());
        let (a, mut a_rx) = Mailbox::new(10);
        let (b, mut b_rx) = Mailbox::new(10);
        let (c, mut c_rx) = Mailbox::new(10);
        bus.subscribe(Key::Account(u), &a);
        bus.subscribe(Key::Account(u), &b);
        bus.subscribe(Key::Account(other), &c);
        bus.signal(u, AccountSignal::Changed);
        assert!(matches!(a_rx.try_recv(), Ok(Delivery::Account(AccountSignal::Changed))));
        assert!(matches!(b_rx.try_recv(), Ok(Delivery::Account(AccountSignal::Changed))));
        assert!(c_rx.try_recv().is_err());
        let wire = serde_json::to_string(&AccountSignal::OtherSessionsEnded { keep: Uuid::nil() }).unwrap();
        assert_eq!(
            serde_json::from_str::<AccountSignal>(&wire).unwrap(),
            AccountSignal::OtherSessionsEnded { keep: Uuid::nil() }
        );
    }
}
