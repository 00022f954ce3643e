//! Real time (API.md "Real time"): writers publish the events they committed;
//! the gateway delivers them over WebSockets to whoever follows their topics and
//! may see them. Changes to an account (log-out, deactivation, a new role) go
//! the same way as signals to that account's connections.

pub mod bus;
pub mod gateway;

use std::sync::Arc;

use bytestring::ByteString;
use tawasul_core::api::ActorRef;
use tawasul_core::realtime::{ServerFrame, Topic, notifies};
use tawasul_core::visibility::TransactionFacts;
use tawasul_storage::transactions::LoggedEvent;

use bus::{AccountSignal, Bus, Published};
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

    /// Publishes events once their database transaction has committed (never
    /// before: a follower must not see what may still roll back). `facts` are the
    /// transaction's after the change; `actor` names the one who acted, who is
    /// the actor of every event of one request (`None` for the platform).
    pub fn publish(&self, facts: &TransactionFacts, events: &[LoggedEvent], actor: Option<&ActorRef>) {
        for e in events {
            let named = actor.filter(|a| Some(a.id) == e.actor_id).cloned();
            debug_assert!(e.actor_id.is_none() || named.is_some(), "an event's actor must be named");
            let view = e.view(named);
            let frame = |topic, seq, transaction_id| {
                let f = ServerFrame::Event { topic, seq, transaction_id, event: view.clone() };
                ByteString::from(serde_json::to_string(&f).unwrap_or_default())
            };
            let notify = notifies(facts, e.kind, e.visibility, e.actor_id);
            let inbox_frame = if notify.is_empty() {
                ByteString::new()
            } else {
                frame(Topic::Inbox, e.position, Some(e.transaction_id))
            };
            self.bus.publish(Arc::new(Published {
                transaction_id: e.transaction_id,
                facts: facts.clone(),
                visibility: e.visibility,
                seq: e.seq,
                position: e.position,
                notify,
                topic_frame: frame(Topic::Transaction(e.transaction_id), i64::from(e.seq), None),
                inbox_frame,
            }));
        }
    }
}
