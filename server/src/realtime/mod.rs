//! Real time (API.md "Real time"): the feed, a consumer of the event log,
//! publishes every committed event; the gateway delivers them over WebSockets to whoever follows their topics and
//! may see them. Changes to an account (log-out, deactivation, a new role) go
//! the same way as signals to that account's connections.

pub mod bus;
pub mod feed;
pub mod gateway;
pub mod nats;

use std::sync::Arc;

use bytestring::ByteString;
use tawasul_core::realtime::{ServerFrame, Topic, TopicEvent, notifies};
use tawasul_storage::meeting_log::PositionedMeetingEvent;
use tawasul_storage::transactions::PositionedEvent;

use bus::{AccountSignal, Bus, MeetingPublished, Published};
use tawasul_core::ids::UserId;

/// The publishing side, shared by every handler and worker.
#[derive(Clone)]
pub struct Realtime {
    bus: Arc<dyn Bus>,
}

impl Realtime {
    pub fn new(bus: Arc<dyn Bus>) -> Realtime {
        Realtime { bus }
    }

    pub fn bus(&self) -> &dyn Bus {
        &*self.bus
    }

    /// Tells every open connection of `user` about a change to their account;
    /// call it once the change has committed.
    pub fn signal(&self, user: UserId, signal: AccountSignal) {
        self.bus.signal(user, signal);
    }

    /// Publishes one committed event of the log (never one that may still
    /// roll back: the feed reads only what is committed) to whoever follows its
    /// transaction and, by the inbox rule, to the people it notifies. `facts`
    /// are the transaction's as the log's reader found them.
    pub fn publish(&self, e: &PositionedEvent) {
        let view = &e.event;
        let frame = |topic, seq, transaction_id| {
            let f = ServerFrame::Event { topic, seq, transaction_id, event: TopicEvent::Transaction(view.clone()) };
            ByteString::from(serde_json::to_string(&f).unwrap_or_default())
        };
        let notify = notifies(&e.facts, view.kind, view.visibility, view.actor.as_ref().map(|a| a.id));
        let inbox_frame =
            if notify.is_empty() { ByteString::new() } else { frame(Topic::Inbox, e.position, Some(e.transaction_id)) };
        self.bus.publish(Arc::new(Published {
            transaction_id: e.transaction_id,
            facts: e.facts.clone(),
            visibility: view.visibility,
            seq: view.seq,
            position: e.position,
            notify,
            topic_frame: frame(Topic::Transaction(e.transaction_id), i64::from(view.seq), None),
            inbox_frame,
        }));
    }

    /// Publishes one committed event of a meeting's log to whoever follows
    /// the meeting (every follower may see all of it: the gateway checked
    /// that when they subscribed).
    pub fn publish_meeting(&self, e: &PositionedMeetingEvent) {
        let topic = Topic::Meeting(e.meeting_id);
        let f = ServerFrame::Event {
            topic,
            seq: i64::from(e.event.seq),
            transaction_id: None,
            event: TopicEvent::Meeting(e.event.clone()),
        };
        self.bus.publish_meeting(Arc::new(MeetingPublished {
            meeting_id: e.meeting_id,
            seq: e.event.seq,
            frame: ByteString::from(serde_json::to_string(&f).unwrap_or_default()),
        }));
    }
}
