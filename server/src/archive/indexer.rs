//! Keeps the archive index up with the event log: every `interval` it reads the
//! events after its cursor (and the positions it skipped), re-indexes each
//! touched transaction whole — its documents carry the transaction's facts,
//! which the event may have changed — and commits with the cursor's durable
//! position. At least once: a crash before the commit indexes the same
//! transactions again, and documents are replaced, not added twice. When the
//! extractor has stored new document texts (`new_texts`), the transactions
//! holding them are re-indexed too, and the texts marked as taken in.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tawasul_core::ids::TransactionId;
use tawasul_search::{Archive, ArchiveDoc, ArchiveWriter};
use tawasul_storage::Db;
use tawasul_storage::archive::{mark_texts_indexed, records, touched_after, touched_at, transactions_with_new_texts};

use super::documents::documents;
use crate::log::cursor::LogCursor;

/// Events taken per round.
const BATCH: u64 = 5_000;
/// The indexer's writer memory (Tantivy's minimum for one thread).
const WRITER_MEMORY: usize = 15_000_000;

struct Indexer {
    db: Db,
    archive: Arc<Archive>,
    writer: Option<ArchiveWriter>,
    cursor: LogCursor,
    new_texts: Arc<AtomicBool>,
}

/// Runs until the task is dropped.
pub async fn run(db: Db, archive: Arc<Archive>, interval: Duration, new_texts: Arc<AtomicBool>) {
    // Texts stored before a restart may not have reached the index.
    new_texts.store(true, Ordering::Release);
    let mut indexer = Indexer { db, archive, writer: None, cursor: LogCursor::starting_at(0), new_texts };
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // Catching up (after a rebuild on start, or a burst) goes round by round
        // without waiting for the next tick.
        loop {
            match indexer.round().await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "archive indexing failed; retrying");
                    indexer.writer = None;
                    indexer.new_texts.store(true, Ordering::Release);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

impl Indexer {
    /// One round; whether it took in a full batch (more may be waiting).
    #[tracing::instrument(name = "archive_index_round", skip_all)]
    async fn round(&mut self) -> anyhow::Result<bool> {
        if let Some(g) = self.archive.follow_current()? {
            tracing::info!(generation = %g.name, "switching to the rebuilt archive index");
            self.writer = None;
        }
        if self.writer.is_none() {
            let writer = self.archive.writer(WRITER_MEMORY)?;
            self.cursor = LogCursor::starting_at(writer.generation().position()?);
            self.writer = Some(writer);
            self.archive.remove_stale();
        }
        let now = Instant::now();
        self.cursor.expire(now);
        let fresh = touched_after(self.db.read(), self.cursor.after(), BATCH).await?;
        let full = fresh.len() as u64 == BATCH;
        let mut touches = fresh;
        touches.extend(touched_at(self.db.read(), &self.cursor.holes()).await?);
        let mut ids: BTreeSet<TransactionId> = touches.iter().map(|t| t.transaction_id).collect();
        if self.new_texts.swap(false, Ordering::AcqRel) {
            ids.extend(transactions_with_new_texts(self.db.read()).await?);
        }
        if ids.is_empty() {
            return Ok(false);
        }
        let ids: Vec<TransactionId> = ids.into_iter().collect();
        let mut docs: Vec<(TransactionId, Vec<ArchiveDoc>)> = Vec::with_capacity(ids.len());
        let mut texts_taken_in = Vec::new();
        for chunk in ids.chunks(500) {
            for r in records(self.db.read(), chunk).await? {
                texts_taken_in.extend(r.texts.values().filter(|t| !t.indexed).map(|t| t.blob_id));
                docs.push((r.transaction.id(), documents(&r)));
            }
        }
        self.cursor.record(touches.iter().map(|t| t.position), now);
        let durable = self.cursor.durable();
        let Some(mut writer) = self.writer.take() else { return Ok(false) };
        let (writer, written) = tokio::task::spawn_blocking(move || {
            let written = (|| {
                for (id, d) in &docs {
                    writer.replace_transaction(*id, d)?;
                }
                writer.commit(durable)
            })();
            (writer, written)
        })
        .await?;
        self.writer = Some(writer);
        written?;
        mark_texts_indexed(self.db.write(), &texts_taken_in).await?;
        Ok(full)
    }
}
