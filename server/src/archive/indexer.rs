//! Keeps the archive index up with the logs, as three consumers of them
//! sharing the index's one writer (`Writing`): the transactions' indexer, the
//! meetings' indexer and the texts' indexer. Every commit records where each
//! stands, so that the index itself says where it is (a rebuilt index resumes
//! where it was built), and every node's index, kept by its own indexers,
//! takes in everything whichever node wrote it.
//!
//! The transactions' indexer re-indexes whole every transaction whose facts a
//! batch changed (every document carries them) and adds the documents of the
//! other events. At least once: a crash before the commit indexes the same
//! transactions again, and documents are replaced by key, not added twice.
//! The meetings' indexer re-indexes whole each meeting whose minutes were
//! approved, or that gained a decision or changed, in a batch. The texts'
//! indexer re-indexes whole each transaction holding a document whose text
//! the extractor has just recorded.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tawasul_core::ids::{MeetingId, TransactionId};
use tawasul_core::meeting_log::MeetingEventKind;
use tawasul_search::archive::Positions;
use tawasul_search::{Archive, ArchiveDoc, ArchiveWriter};
use tawasul_storage::Db;
use tawasul_storage::archive::{RecordedText, records, records_of_events, transactions_holding};
use tawasul_storage::meeting_archive::meeting_records;
use tawasul_storage::meeting_log::PositionedMeetingEvent;
use tawasul_storage::transactions::PositionedEvent;

use super::documents::{documents, event_documents, meeting_documents};
use crate::log::{Consumer, Meetings, Tail, Texts, Transactions};

/// Events taken per round: one index commit each, so catching up after a
/// rebuild goes in large rounds.
const BATCH: u64 = 5_000;
/// The indexer's writer memory (Tantivy's minimum for one thread).
const WRITER_MEMORY: usize = 15_000_000;

/// What a batch writes.
enum Indexed {
    /// All of a transaction's documents, replacing those it had.
    Whole(TransactionId, Vec<ArchiveDoc>),
    /// A transaction's new events' documents (by key: taken twice, written once).
    Added(Vec<ArchiveDoc>),
    /// All of a meeting's documents, replacing those it had.
    Meeting(MeetingId, Vec<ArchiveDoc>),
}

/// The index's one writer (Tantivy allows one), shared by both indexers, and
/// where each log stands in what it has committed.
pub struct Writing {
    archive: Arc<Archive>,
    state: tokio::sync::Mutex<WriterState>,
}

#[derive(Default)]
struct WriterState {
    writer: Option<ArchiveWriter>,
    /// The generation the writer writes.
    generation: String,
    /// Where the logs stand in the last commit.
    positions: Positions,
}

impl Writing {
    pub fn new(archive: Arc<Archive>) -> Arc<Writing> {
        Arc::new(Writing { archive, state: Default::default() })
    }

    /// Opens the writer on the current generation, unless it is open on it
    /// already; the generation and where the logs stand in it.
    async fn open(&self) -> anyhow::Result<(String, Positions)> {
        let mut state = self.state.lock().await;
        let current = self.archive.current().name.clone();
        if state.writer.is_none() || state.generation != current {
            state.writer = None;
            let writer = self.archive.writer(WRITER_MEMORY)?;
            state.positions = writer.generation().positions()?;
            state.generation = writer.generation().name.clone();
            state.writer = Some(writer);
            self.archive.remove_stale();
        }
        Ok((state.generation.clone(), state.positions))
    }

    /// Writes `docs` into `generation` and commits, with the positions
    /// `advance` sets. A writer whose commit failed is dropped (the next
    /// `open` makes another); a writer on another generation (a rebuild was
    /// switched to) is an error that makes the indexer start again.
    async fn write(
        &self,
        generation: &str,
        docs: Vec<Indexed>,
        advance: impl FnOnce(&mut Positions),
    ) -> anyhow::Result<()> {
        let mut state = self.state.lock().await;
        if state.generation != generation {
            anyhow::bail!("the archive writer moved to another generation");
        }
        let Some(mut writer) = state.writer.take() else { anyhow::bail!("the archive writer is not open") };
        let mut positions = state.positions;
        advance(&mut positions);
        let (writer, written) = tokio::task::spawn_blocking(move || {
            let written = (|| {
                for d in &docs {
                    match d {
                        Indexed::Whole(id, d) => writer.replace_transaction(*id, d)?,
                        Indexed::Added(d) => writer.upsert(d)?,
                        Indexed::Meeting(id, d) => writer.replace_meeting(*id, d)?,
                    }
                }
                writer.commit(positions)
            })();
            (writer, written)
        })
        .await?;
        written?;
        state.writer = Some(writer);
        state.positions = positions;
        Ok(())
    }

    /// Switches to a rebuilt generation if one was published; whether the
    /// indexer on `generation` must start again.
    fn moved_from(&self, generation: &str) -> bool {
        match self.archive.follow_current() {
            Ok(Some(g)) => tracing::info!(generation = %g.name, "switching to the rebuilt archive index"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read which archive index is current"),
        }
        self.archive.current().name != generation
    }
}

pub struct Indexer {
    db: Db,
    writing: Arc<Writing>,
    /// The generation it started on.
    generation: String,
    /// How long events gather before a batch: each batch is an index commit.
    linger: Duration,
}

impl Indexer {
    pub fn new(db: Db, writing: Arc<Writing>, linger: Duration) -> Indexer {
        Indexer { db, writing, generation: String::new(), linger }
    }
}

impl Consumer for Indexer {
    type Log = Transactions;

    fn name(&self) -> &'static str {
        "archive_indexer"
    }

    fn linger(&self) -> Duration {
        self.linger
    }

    fn must_restart(&mut self) -> bool {
        self.writing.moved_from(&self.generation)
    }

    /// From the position the current index generation was committed at.
    async fn start(&mut self, _db: &Db) -> anyhow::Result<Tail> {
        let (generation, positions) = self.writing.open().await?;
        self.generation = generation;
        Ok(Tail::after(positions.transactions).batch(BATCH))
    }

    #[tracing::instrument(name = "archive_index_batch", skip_all, fields(events = events.len()))]
    async fn take(&mut self, events: Vec<PositionedEvent>, durable: i64) -> anyhow::Result<()> {
        // A transaction whose facts an event changed is indexed whole (every
        // document carries them); one that only gained words gains only their
        // documents, so a long timeline is not read again at every comment.
        let whole: BTreeSet<TransactionId> =
            events.iter().filter(|e| e.event.kind.changes_facts()).map(|e| e.transaction_id).collect();
        let added: Vec<PositionedEvent> = events.into_iter().filter(|e| !whole.contains(&e.transaction_id)).collect();
        let whole: Vec<TransactionId> = whole.into_iter().collect();
        let mut docs = whole_transactions(&self.db, &whole).await?;
        for r in records_of_events(self.db.read(), &added).await? {
            docs.push(Indexed::Added(event_documents(&r)));
        }
        self.writing.write(&self.generation, docs, |p| p.transactions = durable).await?;
        Ok(())
    }
}

/// The documents of these transactions, each whole as it now stands.
async fn whole_transactions(db: &Db, ids: &[TransactionId]) -> anyhow::Result<Vec<Indexed>> {
    let mut docs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for r in records(db.read(), chunk).await? {
            docs.push(Indexed::Whole(r.transaction.id, documents(&r)));
        }
    }
    Ok(docs)
}

/// Follows the log of extracted document texts: each transaction holding a
/// document whose text was just recorded is indexed again whole, with it.
pub struct TextIndexer {
    db: Db,
    writing: Arc<Writing>,
    generation: String,
    linger: Duration,
}

impl TextIndexer {
    pub fn new(db: Db, writing: Arc<Writing>, linger: Duration) -> TextIndexer {
        TextIndexer { db, writing, generation: String::new(), linger }
    }
}

impl Consumer for TextIndexer {
    type Log = Texts;

    fn name(&self) -> &'static str {
        "archive_text_indexer"
    }

    fn linger(&self) -> Duration {
        self.linger
    }

    fn must_restart(&mut self) -> bool {
        self.writing.moved_from(&self.generation)
    }

    async fn start(&mut self, _db: &Db) -> anyhow::Result<Tail<Texts>> {
        let (generation, positions) = self.writing.open().await?;
        self.generation = generation;
        Ok(Tail::after(positions.texts).batch(BATCH))
    }

    #[tracing::instrument(name = "archive_text_batch", skip_all, fields(texts = texts.len()))]
    async fn take(&mut self, texts: Vec<RecordedText>, durable: i64) -> anyhow::Result<()> {
        let blobs: Vec<uuid::Uuid> = texts.iter().map(|t| t.blob_id).collect();
        let holding = transactions_holding(self.db.read(), &blobs).await?;
        let docs = whole_transactions(&self.db, &holding).await?;
        self.writing.write(&self.generation, docs, |p| p.texts = durable).await?;
        Ok(())
    }
}

/// Indexes the meetings' log: a meeting whose minutes were approved, or that
/// gained a decision or changed (its title, on every document), is indexed
/// whole from the database.
pub struct MeetingIndexer {
    db: Db,
    writing: Arc<Writing>,
    generation: String,
    linger: Duration,
}

impl MeetingIndexer {
    pub fn new(db: Db, writing: Arc<Writing>, linger: Duration) -> MeetingIndexer {
        MeetingIndexer { db, writing, generation: String::new(), linger }
    }
}

impl Consumer for MeetingIndexer {
    type Log = Meetings;

    fn name(&self) -> &'static str {
        "archive_meeting_indexer"
    }

    fn linger(&self) -> Duration {
        self.linger
    }

    fn must_restart(&mut self) -> bool {
        self.writing.moved_from(&self.generation)
    }

    async fn start(&mut self, _db: &Db) -> anyhow::Result<Tail<Meetings>> {
        let (generation, positions) = self.writing.open().await?;
        self.generation = generation;
        Ok(Tail::after(positions.meetings).batch(BATCH))
    }

    #[tracing::instrument(name = "archive_meeting_batch", skip_all, fields(events = events.len()))]
    async fn take(&mut self, events: Vec<PositionedMeetingEvent>, durable: i64) -> anyhow::Result<()> {
        let touched: BTreeSet<MeetingId> = events
            .iter()
            .filter(|e| {
                matches!(
                    e.event.kind,
                    MeetingEventKind::MinutesApproved | MeetingEventKind::Decision | MeetingEventKind::Changed
                )
            })
            .map(|e| e.meeting_id)
            .collect();
        let touched: Vec<MeetingId> = touched.into_iter().collect();
        let mut docs = Vec::with_capacity(touched.len());
        for chunk in touched.chunks(500) {
            for m in meeting_records(self.db.read(), chunk).await? {
                docs.push(Indexed::Meeting(m.id, meeting_documents(&m)));
            }
        }
        // Also with nothing to write: the position moves on.
        self.writing.write(&self.generation, docs, |p| p.meetings = durable).await
    }
}
