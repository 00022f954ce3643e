//! Keeps the archive index up with the event log, as a consumer of it: each
//! batch of events re-indexes whole every transaction whose facts they changed
//! (every document carries them) and adds the documents of the other events,
//! and commits the index with the consumer's durable position, so that the
//! index itself says where it stands (a rebuilt index resumes where it was
//! built). At least once: a crash before the commit indexes the same
//! transactions again, and documents are replaced by key, not added twice. When the
//! extractor has stored new document texts (`new_texts`), the transactions
//! holding them are re-indexed too, and the texts marked as taken in.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tawasul_core::ids::TransactionId;
use tawasul_search::{Archive, ArchiveDoc, ArchiveWriter};
use tawasul_storage::Db;
use tawasul_storage::archive::{mark_texts_indexed, records, records_of_events, transactions_with_new_texts};
use tawasul_storage::transactions::PositionedEvent;

use super::documents::{documents, event_documents};
use crate::log::{Consumer, Tail};

/// Events taken per round: one index commit each, so catching up after a
/// rebuild goes in large rounds.
const BATCH: u64 = 5_000;
/// The indexer's writer memory (Tantivy's minimum for one thread).
const WRITER_MEMORY: usize = 15_000_000;

/// What a batch writes of one transaction.
enum Indexed {
    /// All its documents, replacing those it had.
    Whole(TransactionId, Vec<ArchiveDoc>),
    /// Its new events' documents (by key: taken twice, written once).
    Added(Vec<ArchiveDoc>),
}

pub struct Indexer {
    db: Db,
    archive: Arc<Archive>,
    writer: Option<ArchiveWriter>,
    new_texts: Arc<AtomicBool>,
    /// How long events gather before a batch: each batch is an index commit.
    linger: Duration,
    /// A rebuild published a new generation; the writer follows it on restart.
    switched: bool,
}

impl Indexer {
    pub fn new(db: Db, archive: Arc<Archive>, linger: Duration, new_texts: Arc<AtomicBool>) -> Indexer {
        // Texts stored before a restart may not have reached the index.
        new_texts.store(true, Ordering::Release);
        Indexer { db, archive, writer: None, new_texts, linger, switched: false }
    }
}

impl Consumer for Indexer {
    type Log = crate::log::Transactions;

    fn name(&self) -> &'static str {
        "archive_indexer"
    }

    fn linger(&self) -> Duration {
        self.linger
    }

    fn has_own_work(&self) -> bool {
        self.new_texts.load(Ordering::Acquire)
    }

    fn must_restart(&mut self) -> bool {
        match self.archive.follow_current() {
            Ok(Some(g)) => {
                tracing::info!(generation = %g.name, "switching to the rebuilt archive index");
                self.switched = true;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read which archive index is current"),
        }
        self.switched
    }

    /// From the position the current index generation was committed at.
    async fn start(&mut self, _db: &Db) -> anyhow::Result<Tail> {
        // Also after a failure: a writer whose commit failed is not reused,
        // and texts a failed round took are taken again.
        self.writer = None;
        self.switched = false;
        self.new_texts.store(true, Ordering::Release);
        let writer = self.archive.writer(WRITER_MEMORY)?;
        let position = writer.generation().position()?;
        self.writer = Some(writer);
        self.archive.remove_stale();
        Ok(Tail::after(position).batch(BATCH))
    }

    #[tracing::instrument(name = "archive_index_batch", skip_all, fields(events = events.len()))]
    async fn take(&mut self, events: Vec<PositionedEvent>, durable: i64) -> anyhow::Result<()> {
        // A transaction whose facts an event changed is indexed whole (every
        // document carries them); one that only gained words gains only their
        // documents, so a long timeline is not read again at every comment.
        let mut whole: BTreeSet<TransactionId> =
            events.iter().filter(|e| e.event.kind.changes_facts()).map(|e| e.transaction_id).collect();
        if self.new_texts.swap(false, Ordering::AcqRel) {
            whole.extend(transactions_with_new_texts(self.db.read()).await?);
        }
        let added: Vec<PositionedEvent> = events.into_iter().filter(|e| !whole.contains(&e.transaction_id)).collect();
        let whole: Vec<TransactionId> = whole.into_iter().collect();
        let mut docs: Vec<Indexed> = Vec::with_capacity(whole.len() + added.len());
        let mut texts_taken_in = Vec::new();
        for chunk in whole.chunks(500) {
            for r in records(self.db.read(), chunk).await? {
                texts_taken_in.extend(r.texts.values().filter(|t| !t.indexed).map(|t| t.blob_id));
                docs.push(Indexed::Whole(r.transaction.id(), documents(&r)));
            }
        }
        for r in records_of_events(self.db.read(), &added).await? {
            docs.push(Indexed::Added(event_documents(&r)));
        }
        let Some(mut writer) = self.writer.take() else { anyhow::bail!("the archive writer is not open") };
        let (writer, written) = tokio::task::spawn_blocking(move || {
            let written = (|| {
                for d in &docs {
                    match d {
                        Indexed::Whole(id, d) => writer.replace_transaction(*id, d)?,
                        Indexed::Added(d) => writer.upsert(d)?,
                    }
                }
                writer.commit(durable)
            })();
            (writer, written)
        })
        .await?;
        written?;
        self.writer = Some(writer);
        mark_texts_indexed(self.db.write(), &texts_taken_in).await?;
        Ok(())
    }
}
