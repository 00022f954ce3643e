//! Resumes postponed transactions when their date comes: the status goes back to
//! in progress and the SLA clock restarts, with the time spent postponed added to
//! the due time. Runs every second; each resumption is its own database
//! transaction, re-checked inside it, so two nodes never resume one twice, and
//! audited with no actor (the platform acted).

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::workflow::{Status, Step, transition};
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::transactions::{self as store, Changes};
use tawasul_storage::{Db, TransactionTrait};

use crate::realtime::Realtime;

pub async fn run(db: Db, realtime: Realtime) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Err(e) = resume_due(&db, &realtime).await {
            tracing::warn!(error = ?e, "could not resume postponed transactions");
        }
    }
}

#[tracing::instrument(name = "postponement_round", skip_all)]
pub async fn resume_due(db: &Db, realtime: &Realtime) -> anyhow::Result<usize> {
    let now = Utc::now();
    let due = store::due_postponements(db.read(), now, 100).await?;
    let mut resumed = 0;
    for candidate in due {
        let tx = db.write().begin().await?;
        // Re-read inside the transaction: someone may have acted meanwhile.
        let Some(s) = store::find(&tx, candidate.id()).await? else { continue };
        if s.status != Status::Postponed {
            continue;
        }
        let to = transition(s.status, Step::Resume)?;
        store::apply(&tx, &s, Changes::resuming(&s, to, now)).await?;
        let event = store::set_status(&tx, &s, to, None, json!({ "reason": "postponement ended" }), now).await?;
        let entry = AuditEntry::new(
            None,
            Some(s.facts.entity_id),
            AuditAction::TransactionStep,
            AuditTarget::Transaction(s.id()),
        )
        .before(json!({ "status": s.status }))
        .after(json!({ "status": to, "step": "Resume", "data": { "reason": "postponement ended" } }));
        audit::append(&tx, entry, now).await?;
        tx.commit().await?;
        realtime.publish(&s.facts, &[event], None);
        resumed += 1;
    }
    Ok(resumed)
}
