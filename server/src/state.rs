//! What every handler shares.

use std::sync::Arc;

use tawasul_search::Archive;
use tawasul_storage::Db;
use tawasul_storage::objects::Objects;
use tokio::sync::Notify;

use crate::app::App;
use crate::auth::limiter::Limiter;
use crate::auth::tokens::TokenKeys;
use crate::metrics::Metrics;
use crate::realtime::Realtime;
use crate::settings::Settings;

pub struct AppState {
    pub db: Db,
    /// The use cases every write goes through.
    pub app: App,
    pub tokens: TokenKeys,
    /// Attempt limits (log-ins, one-time codes, registrations).
    pub limiter: Limiter,
    pub settings: Arc<Settings>,
    /// Wakes the outbox worker when a message was queued.
    pub outbox_wake: Arc<Notify>,
    pub metrics: Metrics,
    /// Documents and voice notes, encrypted at rest.
    pub objects: Objects,
    /// Publishes committed events to real-time followers.
    pub realtime: Realtime,
    /// The archive index searches read (the indexer task writes it).
    pub archive: Arc<Archive>,
    /// Callers seen lately, cleared by every signal about their account
    /// (the bus hands each one to it).
    pub sessions: Arc<crate::auth::cache::SessionCache>,
    /// Who is seen at work on this node, until added to the database.
    pub presence: crate::presence::Presence,
}
