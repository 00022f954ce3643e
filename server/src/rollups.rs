//! Keeps each day's statistics (`storage::rollups`) as the log goes: every
//! event's transaction names its entity's day of opening, and each batch
//! computes those days afresh from the transactions, rebuilds the months
//! they are in from their days and moves the consumer's position with them,
//! in one database transaction. Taking the
//! same events again computes the same days again: idempotent.
//!
//! Without a position (a new database, or one from before the rollups) it
//! starts from the log's beginning, so that every day with a transaction is
//! rolled up; until it has caught up, the figures read the days it has not
//! reached from the transactions (`storage::rollups::period`).

use std::time::Duration;

use chrono::Utc;
use tawasul_core::ids::TransactionId;
use tawasul_storage::rollups::{self, CONSUMER};
use tawasul_storage::transactions::PositionedEvent;
use tawasul_storage::{Db, log_cursors};

use crate::log::{Consumer, Tail};

/// Events gather a little before a batch: a day computed once for many of
/// its events. Figures do not wait for it (what is behind is read afresh).
const LINGER: Duration = Duration::from_millis(200);
/// Larger batches while catching up: a day's events come together.
const BATCH: u64 = 5_000;

pub struct Rollups {
    db: Db,
}

impl Rollups {
    pub fn new(db: Db) -> Rollups {
        Rollups { db }
    }
}

impl Consumer for Rollups {
    type Log = crate::log::Transactions;

    fn name(&self) -> &'static str {
        CONSUMER
    }

    fn linger(&self) -> Duration {
        LINGER
    }

    async fn start(&mut self, db: &Db) -> anyhow::Result<Tail> {
        let at = log_cursors::position(db.read(), CONSUMER).await?.unwrap_or(0);
        Ok(Tail::after(at).batch(BATCH))
    }

    async fn take(&mut self, events: Vec<PositionedEvent>, durable: i64) -> anyhow::Result<()> {
        let mut ids: Vec<TransactionId> = events.iter().map(|e| e.transaction_id).collect();
        ids.sort_unstable();
        ids.dedup();
        // Computed on a reader, after the batch was read: each day then holds
        // at least every event of the batch (a later one comes after
        // `durable`, and the figures read its day afresh until it is taken).
        let mut computed = Vec::new();
        for (entity, day) in rollups::days_of(self.db.read(), &ids).await? {
            computed.push(rollups::compute(self.db.read(), entity, day).await?);
        }
        self.db
            .unit(move |tx| {
                Box::pin(async move {
                    // The position first: on PostgreSQL its row lock makes two
                    // nodes' batches replace their days one after the other.
                    log_cursors::set_position(tx, CONSUMER, durable, Utc::now()).await?;
                    rollups::replace(tx, computed).await?;
                    anyhow::Ok(())
                })
            })
            .await
    }
}
