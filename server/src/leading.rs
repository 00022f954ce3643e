//! Background work that must run once across the server nodes, run by the
//! node that holds the lead (`tawasul_storage::leadership`). Each node keeps
//! trying to take it, so that when the leading node goes another takes over
//! within `RETRY` (plus the time PostgreSQL takes to notice a vanished
//! session). What every node does for itself — its real-time feeds, its
//! archive index, its presence — is not here.

use std::time::Duration;

use tawasul_storage::Db;
use tokio::task::JoinHandle;

use crate::metrics::Metrics;

/// How often a node that does not lead tries to.
const RETRY: Duration = Duration::from_secs(2);
/// How often the leading node checks that its lead still holds.
const CHECK: Duration = Duration::from_secs(2);

/// Runs the tasks `start` spawns while this node leads, and stops them as soon
/// as it may no longer lead; runs until dropped.
pub async fn while_leading(db: Db, metrics: Metrics, start: impl Fn() -> Vec<JoinHandle<()>>) {
    loop {
        let mut lead = match db.try_lead().await {
            Ok(Some(lead)) => lead,
            Ok(None) => {
                tokio::time::sleep(RETRY).await;
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not ask for the lead");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        tracing::info!("this node runs the background work");
        metrics.leading.set(1);
        let tasks = Stopped(start());
        loop {
            tokio::time::sleep(CHECK).await;
            if !lead.still_held().await {
                break;
            }
        }
        tracing::warn!("this node lost the lead: its background work stops");
        drop(tasks);
        metrics.leading.set(0);
    }
}

/// Tasks aborted when dropped: also when `while_leading` itself is aborted.
struct Stopped(Vec<JoinHandle<()>>);

impl Drop for Stopped {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}
