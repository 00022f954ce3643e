//! `tawasul reindex`: builds a new generation of the archive from the
//! database — transactions, then meetings' approved minutes and decisions,
//! read page by page while another thread indexes the previous page — and
//! publishes it atomically. Searches (and a running
//! server's indexer) stay on the old generation until the new one is complete.

use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use tawasul_search::archive::Positions;
use tawasul_search::{Archive, ArchiveDoc};
use tawasul_storage::Db;
use tawasul_storage::archive::{count_transactions, last_text_seq, records, transaction_ids_after};
use tawasul_storage::meeting_archive::{meeting_records, meetings_in_archive_after};
use tawasul_storage::{meeting_log, transactions};

use super::documents::{documents, meeting_documents};

/// Transactions per page read from the database.
const PAGE: u64 = 1_000;
/// The rebuild's writer memory, shared by its indexing threads.
const WRITER_MEMORY: usize = 512_000_000;
/// The positions recorded are this far behind each log's end when the rebuild
/// started, so that the indexer takes in again the events of database
/// transactions that were still open then (on PostgreSQL they may commit with
/// a lower position later). Re-indexing is idempotent.
const LOOKBACK: i64 = 1_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Rebuilt {
    pub generation: String,
    pub transactions: u64,
    pub documents: u64,
    pub seconds: f64,
}

/// Rebuilds the index in `dir`; `progress(done, total)` is told after each page.
pub async fn rebuild(db: &Db, dir: &Path, progress: impl Fn(u64, u64)) -> anyhow::Result<Rebuilt> {
    let started = Instant::now();
    let positions = Positions {
        transactions: (transactions::last_position(db.read()).await? - LOOKBACK).max(0),
        meetings: (meeting_log::last_position(db.read()).await? - LOOKBACK).max(0),
        texts: (last_text_seq(db.read()).await? - LOOKBACK).max(0),
    };
    let total = count_transactions(db.read()).await?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    let target = Archive::rebuild(dir, threads, WRITER_MEMORY)?;
    let (pages, inbox) = mpsc::sync_channel::<Vec<ArchiveDoc>>(4);
    let indexing = std::thread::spawn(move || -> anyhow::Result<(String, u64)> {
        let mut documents = 0u64;
        for docs in inbox {
            documents += docs.len() as u64;
            target.add(&docs)?;
        }
        Ok((target.publish(positions)?, documents))
    });
    let mut after = None;
    let mut done = 0u64;
    progress(0, total);
    loop {
        let ids = transaction_ids_after(db.read(), after, PAGE).await?;
        let Some(last) = ids.last() else { break };
        after = Some(last.0);
        let docs: Vec<ArchiveDoc> = records(db.read(), &ids).await?.iter().flat_map(documents).collect();
        done += ids.len() as u64;
        if pages.send(docs).is_err() {
            break; // the indexing thread stopped: its error is reported below
        }
        progress(done, total.max(done));
    }
    let mut after = None;
    loop {
        let ids = meetings_in_archive_after(db.read(), after, PAGE).await?;
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        let docs: Vec<ArchiveDoc> =
            meeting_records(db.read(), &ids).await?.iter().flat_map(meeting_documents).collect();
        if pages.send(docs).is_err() {
            break;
        }
    }
    drop(pages);
    let (generation, documents) = indexing.join().map_err(|_| anyhow::anyhow!("the indexing thread panicked"))??;
    Ok(Rebuilt { generation, transactions: done, documents, seconds: started.elapsed().as_secs_f64() })
}
