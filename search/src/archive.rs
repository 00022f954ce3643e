//! The index on disk. It lives in generations: `<root>/<generation>/` holds a
//! Tantivy index and `<root>/CURRENT` names the one in use. A rebuild fills a
//! new generation beside the current one and publishes it by renaming a new
//! `CURRENT` over the old (atomic on POSIX), so searches never see a half-built
//! index; a running server notices the new `CURRENT` and switches to it.
//!
//! Each commit records, as its payload, the positions of the event logs (the
//! transactions' and the meetings') the generation has taken in: the indexers
//! resume from there after a restart, and a crash between writing and
//! committing only makes them index the same events again (documents are
//! replaced by key, so that is harmless).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, TryLockError};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};
use tawasul_core::ids::{MeetingId, TransactionId};

use crate::analysis::{self, ANALYZER};
use crate::document::{ArchiveDoc, Fields};
use crate::filter_cache::FilterCache;

const CURRENT: &str = "CURRENT";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index files: {0}")]
    Io(#[from] std::io::Error),
    #[error("index is damaged: {0}")]
    Damaged(String),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// One generation, open for searching.
pub struct Generation {
    pub name: String,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// The callers' visibility filters, per segment of this generation.
    pub(crate) filters: Arc<FilterCache>,
}

impl Generation {
    fn create(root: &Path) -> Result<Generation> {
        let name = format!("g{}", uuid::Uuid::now_v7().simple());
        let dir = root.join(&name);
        fs::create_dir_all(&dir)?;
        let (schema, fields) = Fields::schema();
        let index =
            Index::create(MmapDirectory::open(&dir).map_err(tantivy::TantivyError::from)?, schema, Default::default())?;
        Generation::ready(name, index, fields)
    }

    fn open(root: &Path, name: &str) -> Result<Generation> {
        let index = Index::open_in_dir(root.join(name))?;
        let damaged = index.validate_checksum()?;
        if !damaged.is_empty() {
            return Err(SearchError::Damaged(format!("{} files fail their checksum", damaged.len())));
        }
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(SearchError::Damaged("the schema differs from this version's".into()));
        }
        let generation = Generation::ready(name.to_owned(), index, fields)?;
        generation.positions()?;
        Ok(generation)
    }

    fn ready(name: String, index: Index, fields: Fields) -> Result<Generation> {
        index.tokenizers().register(ANALYZER, analysis::analyzer(analysis::CHOSEN));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Generation { name, index, reader, fields, filters: Arc::default() })
    }

    /// The event logs' positions this generation has taken in (0 when new).
    pub fn positions(&self) -> Result<Positions> {
        match self.index.load_metas()?.payload {
            None => Ok(Positions::default()),
            Some(p) => Positions::parse(&p).ok_or_else(|| SearchError::Damaged(format!("commit payload {p:?}"))),
        }
    }

    /// The transactions' log position this generation has taken in.
    pub fn position(&self) -> Result<i64> {
        Ok(self.positions()?.transactions)
    }

    /// The number of documents searchers see.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Where a generation stands in each log: the two event logs, and the log of
/// extracted document texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Positions {
    pub transactions: i64,
    pub meetings: i64,
    pub texts: i64,
}

impl Positions {
    /// As a commit's payload: `<transactions>/<meetings>/<texts>`.
    fn payload(&self) -> String {
        format!("{}/{}/{}", self.transactions, self.meetings, self.texts)
    }

    /// A payload. Older generations wrote a lone number (before meetings were
    /// indexed) or two (before texts were a log): what they lack is taken in
    /// from its log's start.
    fn parse(p: &str) -> Option<Positions> {
        let mut parts = p.split('/');
        let mut next = || parts.next().map_or(Some(0), |n| n.parse().ok());
        let positions = Positions { transactions: next()?, meetings: next()?, texts: next()? };
        parts.next().is_none().then_some(positions)
    }
}

impl From<i64> for Positions {
    /// The transactions' log alone (a generation without meetings).
    fn from(transactions: i64) -> Positions {
        Positions { transactions, meetings: 0, texts: 0 }
    }
}

/// How `Archive::open` found the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// In use, having taken in the log up to `position`.
    Existing { position: i64 },
    /// Missing, unreadable or damaged (`reason`): a new, empty generation was
    /// made current and is to be filled from the log from its start.
    Created { reason: String },
}

/// The archive index: searched by request handlers, written by one indexer.
pub struct Archive {
    root: PathBuf,
    current: RwLock<Arc<Generation>>,
    /// Held while switching to a published rebuild. The writer reloads only
    /// the generation object it writes to, so two callers that each opened
    /// their own object of the new generation would leave searches on one
    /// that never sees a commit.
    switching: Mutex<()>,
}

impl Archive {
    /// Opens the current generation, or makes a new empty one current when it
    /// is missing or damaged (the caller then fills it from the log).
    pub fn open(root: &Path) -> Result<(Archive, Opened)> {
        fs::create_dir_all(root)?;
        let found = match fs::read_to_string(root.join(CURRENT)) {
            Ok(name) => Generation::open(root, name.trim()).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("no index yet".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        let (generation, opened) = match found {
            Ok(g) => {
                let position = g.position()?;
                (g, Opened::Existing { position })
            }
            Err(reason) => {
                let g = Generation::create(root)?;
                publish(root, &g.name)?;
                (g, Opened::Created { reason })
            }
        };
        let archive =
            Archive { root: root.to_owned(), current: RwLock::new(Arc::new(generation)), switching: Mutex::new(()) };
        archive.remove_stale();
        Ok((archive, opened))
    }

    /// The generation searches use now.
    pub fn current(&self) -> Arc<Generation> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Switches to the generation `CURRENT` names when a rebuild published a
    /// new one; returns it if it did. A caller that finds another switching
    /// returns at once without switching (it checks again at its next round).
    pub fn follow_current(&self) -> Result<Option<Arc<Generation>>> {
        let _switching = match self.switching.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return Ok(None),
        };
        let name = fs::read_to_string(self.root.join(CURRENT))?;
        let name = name.trim();
        if name == self.current().name {
            return Ok(None);
        }
        let next = Arc::new(Generation::open(&self.root, name)?);
        match self.current.write() {
            Ok(mut g) => *g = next.clone(),
            Err(poisoned) => *poisoned.into_inner() = next.clone(),
        }
        Ok(Some(next))
    }

    /// A writer on the current generation (one at a time: Tantivy locks it).
    pub fn writer(&self, memory_budget: usize) -> Result<ArchiveWriter> {
        ArchiveWriter::new(self.current(), 1, memory_budget)
    }

    /// Starts a new generation beside the current one, for a rebuild; it
    /// becomes current when `Rebuild::publish` is called.
    pub fn rebuild(root: &Path, threads: usize, memory_budget: usize) -> Result<Rebuild> {
        fs::create_dir_all(root)?;
        let generation = Arc::new(Generation::create(root)?);
        let writer = ArchiveWriter::new(generation, threads, memory_budget)?;
        // A bulk build writes a few large segments; merging them would only
        // delay the switch (the indexer's writer merges later, as it goes).
        writer.writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(Rebuild { root: root.to_owned(), writer })
    }

    /// Removes generations other than the current one, and half-built ones a
    /// crashed rebuild left. One with a live writer (a rebuild in progress, or
    /// the indexer before it switched) is skipped.
    pub fn remove_stale(&self) {
        let keep = self.current().name.clone();
        let Ok(entries) = fs::read_dir(&self.root) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == keep || !name.starts_with('g') || !e.path().is_dir() {
                continue;
            }
            if e.path().join(".tantivy-writer.lock").exists() && is_locked(&e.path()) {
                continue;
            }
            if let Err(err) = fs::remove_dir_all(e.path()) {
                tracing::warn!(generation = %name, error = %err, "could not remove an old index generation");
            }
        }
    }
}

/// Whether another process holds the generation's writer lock.
fn is_locked(dir: &Path) -> bool {
    match Index::open_in_dir(dir) {
        Ok(index) => index.writer::<TantivyDocument>(15_000_000).is_err(),
        Err(_) => false,
    }
}

/// Writes `CURRENT` naming `generation`, atomically.
fn publish(root: &Path, generation: &str) -> Result<()> {
    let tmp = root.join("CURRENT.tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(generation.as_bytes())?;
    f.sync_all()?;
    fs::rename(&tmp, root.join(CURRENT))?;
    fs::File::open(root)?.sync_all()?;
    Ok(())
}

/// Writes documents into one generation.
pub struct ArchiveWriter {
    generation: Arc<Generation>,
    writer: IndexWriter,
}

impl ArchiveWriter {
    fn new(generation: Arc<Generation>, threads: usize, memory_budget: usize) -> Result<ArchiveWriter> {
        let writer = generation.index.writer_with_num_threads(threads, memory_budget)?;
        Ok(ArchiveWriter { generation, writer })
    }

    pub fn generation(&self) -> &Arc<Generation> {
        &self.generation
    }

    /// Replaces everything indexed for a transaction with `docs` (its
    /// documents as they are now: the facts they carry may have changed).
    pub fn replace_transaction(&self, id: TransactionId, docs: &[ArchiveDoc]) -> Result<()> {
        let f = &self.generation.fields;
        self.writer.delete_term(f.term(f.transaction_id, &id.to_string()));
        self.add(docs)
    }

    /// Replaces everything indexed for a meeting (its approved minutes and
    /// its decisions) with `docs`.
    pub fn replace_meeting(&self, id: MeetingId, docs: &[ArchiveDoc]) -> Result<()> {
        let f = &self.generation.fields;
        self.writer.delete_term(f.term(f.meeting_id, &id.to_string()));
        self.add(docs)
    }

    /// Adds or replaces documents by key.
    pub fn upsert(&self, docs: &[ArchiveDoc]) -> Result<()> {
        let f = &self.generation.fields;
        for d in docs {
            self.writer.delete_term(f.term(f.key, &d.key));
        }
        self.add(docs)
    }

    /// Adds documents known not to be there (a rebuild's).
    pub fn add(&self, docs: &[ArchiveDoc]) -> Result<()> {
        let f = &self.generation.fields;
        for d in docs {
            self.writer.add_document(f.to_document(d))?;
        }
        Ok(())
    }

    /// Makes what was written durable and searchable, recording that the
    /// logs have been taken in up to `positions`.
    pub fn commit(&mut self, positions: impl Into<Positions>) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&positions.into().payload());
        prepared.commit()?;
        self.generation.reader.reload()?;
        Ok(())
    }

    /// Drops what was written since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        Ok(())
    }
}

/// A new generation being filled; nothing searches it until it is published.
pub struct Rebuild {
    root: PathBuf,
    writer: ArchiveWriter,
}

impl Rebuild {
    pub fn add(&self, docs: &[ArchiveDoc]) -> Result<()> {
        self.writer.add(docs)
    }

    /// Commits (recording the logs' positions the rebuild read from), waits
    /// for segment merges, and makes the new generation current.
    pub fn publish(self, positions: impl Into<Positions>) -> Result<String> {
        let Rebuild { root, mut writer } = self;
        writer.commit(positions)?;
        let name = writer.generation.name.clone();
        writer.writer.wait_merging_threads()?;
        publish(&root, &name)?;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::Positions;

    #[test]
    fn a_payload_names_every_log_and_an_older_one_what_it_knew() {
        let p = Positions { transactions: 12, meetings: 3, texts: 4 };
        assert_eq!(Positions::parse(&p.payload()), Some(p));
        assert_eq!(Positions::parse("77"), Some(Positions { transactions: 77, meetings: 0, texts: 0 }));
        assert_eq!(Positions::parse("77/5"), Some(Positions { transactions: 77, meetings: 5, texts: 0 }));
        for bad in ["", "x", "1/", "/2", "1/2/3/4", "1/x", "1/2/"] {
            assert_eq!(Positions::parse(bad), None, "{bad}");
        }
    }
}
