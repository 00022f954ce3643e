//! Seals the audit entries actions have committed into their chains (see
//! `tawasul_storage::audit`), a batch at a time, a tenth of a second after
//! they were written at most (while the sealer keeps up). Entries still
//! pending when the server stops are sealed when it starts again.

use std::time::Duration;

use tawasul_storage::{Db, audit};

/// Entries sealed per database transaction.
const BATCH: u64 = 1_000;
/// How often pending entries are looked for.
const EVERY: Duration = Duration::from_millis(100);

/// Runs until the task is dropped.
pub async fn run(db: Db) {
    loop {
        match round(&db).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "sealing audit entries failed; retrying"),
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// One batch; whether it was full (more may be waiting).
#[tracing::instrument(name = "audit_seal_round", skip_all)]
async fn round(db: &Db) -> anyhow::Result<bool> {
    // Looked for on a reader first: the writer is opened only for work.
    if !audit::any_pending(db.read()).await? {
        return Ok(false);
    }
    Ok(db.unit(|tx| Box::pin(audit::seal(tx, BATCH))).await? == BATCH)
}
