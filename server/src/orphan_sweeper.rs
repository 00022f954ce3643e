//! Deletes stored objects that no database row records. An upload is stored
//! before its row is committed (it streams in first); a crash between the two
//! leaves the object behind. Only objects older than the grace period go, so
//! an upload still being recorded is never touched. Runs hourly; two nodes
//! sweeping at once only delete the same orphans twice.

use std::time::Duration;

use chrono::Utc;
use tawasul_storage::objects::Objects;
use tawasul_storage::{Db, attachments};

pub async fn run(db: Db, objects: Objects, grace: Duration) {
    loop {
        match sweep(&db, &objects, grace).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "deleted stored objects that nothing recorded"),
            Err(e) => tracing::warn!(error = ?e, "could not sweep unrecorded objects"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// Deletes the objects older than `grace` that no row records; returns how many.
#[tracing::instrument(name = "orphan_sweep", skip_all)]
pub async fn sweep(db: &Db, objects: &Objects, grace: Duration) -> anyhow::Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::from_std(grace)?;
    let old: Vec<String> =
        objects.list_with_times().await?.into_iter().filter(|(_, at)| *at < cutoff).map(|(k, _)| k).collect();
    let recorded = attachments::recorded_object_keys(db.read(), &old).await?;
    let mut deleted = 0;
    for key in old.iter().filter(|k| !recorded.contains(*k)) {
        objects.delete(key).await?;
        deleted += 1;
    }
    Ok(deleted)
}
