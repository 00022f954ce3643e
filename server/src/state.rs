//! What every handler shares.

use std::sync::Arc;

use tawasul_storage::Db;
use tokio::sync::Notify;

use crate::auth::limiter::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::metrics::Metrics;
use crate::realtime::Realtime;
use crate::settings::Settings;

pub struct AppState {
    pub db: Db,
    pub tokens: TokenKeys,
    pub limiter: LoginLimiter,
    pub settings: Arc<Settings>,
    /// Wakes the outbox worker when a message was queued.
    pub outbox_wake: Arc<Notify>,
    pub metrics: Metrics,
    /// Publishes committed events to real-time followers.
    pub realtime: Realtime,
}
