//! Following the event log. Every side effect of an action — real time today,
//! and the notifier, statistics and webhooks as they come — is a consumer of
//! the committed log, with one shape: a `Tail` that reads what is new after its
//! cursor (and the positions skipped by slower database transactions), a
//! consumer that takes each batch, and one loop (`follow`) that wakes when a
//! use case commits or a poll interval passes (for what other nodes commit),
//! restarts after a failure, and reports where it stands on `/metrics`.
//!
//! There are two event logs, with one shape: the transactions' and the
//! meetings' (`Log`). Each has its global position and a seq per transaction
//! or meeting. The texts extracted from documents are a third log of the same
//! shape, which the archive indexer follows.
//!
//! Consumers: real time (`realtime::feed`, one per log, from the log's end on
//! every start), the notifier (`notifier`, from its position kept in the
//! database) and the archive indexer (`archive::indexer`, from its position
//! kept inside the index, committed with what it indexed, so that a rebuilt
//! index resumes where it was built).

pub mod cursor;

use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tawasul_storage::archive::{self, RecordedText};
use tawasul_storage::meeting_log::{self, PositionedMeetingEvent};
use tawasul_storage::transactions::{self as store, PositionedEvent};
use tawasul_storage::{Db, StorageError};
use tokio::sync::watch;

use crate::metrics::Metrics;
use cursor::LogCursor;

/// Events taken per round, unless the consumer asks for another size.
const BATCH: u64 = 1_000;

/// Rings when a use case has committed events, so that consumers on this
/// node read them at once; with a bus between nodes (`realtime::nats`), the
/// ring goes to the other nodes' consumers too, and without one they find the
/// events on their next poll. Every consumer hears every ring, and a burst of
/// rings wakes each once.
#[derive(Clone)]
pub struct Committed {
    here: Arc<watch::Sender<u64>>,
    relay: Arc<OnceLock<Box<dyn Fn() + Send + Sync>>>,
}

impl Default for Committed {
    fn default() -> Committed {
        Committed { here: Arc::new(watch::channel(0).0), relay: Arc::default() }
    }
}

impl Committed {
    /// This node committed: wakes the consumers here and on the other nodes.
    pub fn ring(&self) {
        self.ring_here();
        if let Some(relay) = self.relay.get() {
            relay();
        }
    }

    /// Wakes the consumers of this node only (another node committed).
    pub fn ring_here(&self) {
        self.here.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Passes every ring of this node on to the others, once set.
    pub fn relay_to(&self, relay: impl Fn() + Send + Sync + 'static) {
        let _ = self.relay.set(Box::new(relay));
    }

    fn listen(&self) -> watch::Receiver<u64> {
        self.here.subscribe()
    }
}

/// A log its consumers follow by position.
pub trait Log: Send + 'static {
    type Event: Send + 'static;

    fn position(e: &Self::Event) -> i64;

    /// At most `limit` events after `after`, oldest first.
    fn since(db: &Db, after: i64, limit: u64) -> impl Future<Output = Result<Vec<Self::Event>, StorageError>> + Send;

    /// The events at these positions that exist, oldest first.
    fn at(db: &Db, positions: &[i64]) -> impl Future<Output = Result<Vec<Self::Event>, StorageError>> + Send;

    /// The latest position (0 when empty).
    fn end(db: &Db) -> impl Future<Output = Result<i64, StorageError>> + Send;
}

/// The transactions' log (`transaction_events`).
pub struct Transactions;

impl Log for Transactions {
    type Event = PositionedEvent;

    fn position(e: &PositionedEvent) -> i64 {
        e.position
    }

    async fn since(db: &Db, after: i64, limit: u64) -> Result<Vec<PositionedEvent>, StorageError> {
        store::events_since(db.read(), after, limit).await
    }

    async fn at(db: &Db, positions: &[i64]) -> Result<Vec<PositionedEvent>, StorageError> {
        store::events_at(db.read(), positions).await
    }

    async fn end(db: &Db) -> Result<i64, StorageError> {
        store::last_position(db.read()).await
    }
}

/// The meetings' log (`meeting_events`).
pub struct Meetings;

impl Log for Meetings {
    type Event = PositionedMeetingEvent;

    fn position(e: &PositionedMeetingEvent) -> i64 {
        e.position
    }

    async fn since(db: &Db, after: i64, limit: u64) -> Result<Vec<PositionedMeetingEvent>, StorageError> {
        meeting_log::since(db.read(), after, limit).await
    }

    async fn at(db: &Db, positions: &[i64]) -> Result<Vec<PositionedMeetingEvent>, StorageError> {
        meeting_log::at(db.read(), positions).await
    }

    async fn end(db: &Db) -> Result<i64, StorageError> {
        meeting_log::last_position(db.read()).await
    }
}

/// The log of extracted document texts (`document_texts.seq`): not events,
/// but followed the same way, by every node's archive indexer.
pub struct Texts;

impl Log for Texts {
    type Event = RecordedText;

    fn position(t: &RecordedText) -> i64 {
        t.seq
    }

    async fn since(db: &Db, after: i64, limit: u64) -> Result<Vec<RecordedText>, StorageError> {
        archive::texts_since(db.read(), after, limit).await
    }

    async fn at(db: &Db, positions: &[i64]) -> Result<Vec<RecordedText>, StorageError> {
        archive::texts_at(db.read(), positions).await
    }

    async fn end(db: &Db) -> Result<i64, StorageError> {
        archive::last_text_seq(db.read()).await
    }
}

/// Reads a log after a cursor.
pub struct Tail<L: Log = Transactions> {
    cursor: LogCursor,
    batch: u64,
    log: PhantomData<fn() -> L>,
}

impl<L: Log> Tail<L> {
    /// Starts after everything committed so far (a consumer of live events).
    pub async fn at_end(db: &Db) -> anyhow::Result<Tail<L>> {
        Ok(Tail::after(L::end(db).await?))
    }

    pub fn after(position: i64) -> Tail<L> {
        Tail { cursor: LogCursor::starting_at(position), batch: BATCH, log: PhantomData }
    }

    /// Takes up to `events` new events per round (a consumer with a costly
    /// commit per batch catches up in fewer, larger rounds).
    pub fn batch(mut self, events: u64) -> Tail<L> {
        self.batch = events.max(1);
        self
    }

    /// What is new: events after the cursor and those that filled a hole,
    /// oldest first, at most a batch of new ones; and whether more are waiting.
    pub async fn next(&mut self, db: &Db) -> anyhow::Result<(Vec<L::Event>, bool)> {
        let now = Instant::now();
        self.cursor.expire(now);
        let mut events = L::since(db, self.cursor.after(), self.batch).await?;
        let more = events.len() as u64 == self.batch;
        events.extend(L::at(db, &self.cursor.holes()).await?);
        events.sort_by_key(|e| L::position(e));
        self.cursor.record(events.iter().map(|e| L::position(e)), now);
        Ok((events, more))
    }

    /// Every position up to here has been taken.
    pub fn durable(&self) -> i64 {
        self.cursor.durable()
    }
}

/// A consumer of the log. `take` must be idempotent in its effects: after a
/// failure the same events may come again.
pub trait Consumer: Send + 'static {
    /// The log it follows.
    type Log: Log;

    /// Its name on `/metrics` and in the logs.
    fn name(&self) -> &'static str;

    /// How long to let events gather after a wake before taking them: a
    /// consumer that writes (one database commit per batch) takes fewer, larger
    /// batches under load; real time takes each at once.
    fn linger(&self) -> Duration {
        Duration::ZERO
    }

    /// Whether there is nobody to take events for now (real time with no
    /// connection): the consumer then only keeps its place at the log's end,
    /// without reading events.
    fn idle(&self) -> bool {
        false
    }

    /// Whether it must go back to `start` before the next round (the indexer,
    /// when a rebuild has published a new index that resumes elsewhere).
    fn must_restart(&mut self) -> bool {
        false
    }

    /// Where it starts (again, after a failure or when it asked to).
    fn start(&mut self, db: &Db) -> impl Future<Output = anyhow::Result<Tail<Self::Log>>> + Send;

    /// Takes a batch; `durable` is the position up to which everything has
    /// now been read, for a consumer that keeps its place in the database.
    fn take(
        &mut self,
        events: Vec<<Self::Log as Log>::Event>,
        durable: i64,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Runs `consumer` until the task is dropped: it takes every batch as soon as
/// this node commits or `poll` passes, and starts again a second after a failure.
pub async fn follow(mut consumer: impl Consumer, db: Db, committed: Committed, poll: Duration, metrics: Metrics) {
    let name = consumer.name();
    loop {
        let mut tail = match consumer.start(&db).await {
            Ok(t) => t,
            Err(e) => {
                failed(&metrics, name, &e).await;
                continue;
            }
        };
        if let Err(e) = rounds(&mut consumer, &mut tail, &db, &committed, poll, &metrics).await {
            failed(&metrics, name, &e).await;
        }
    }
}

async fn failed(metrics: &Metrics, name: &str, e: &anyhow::Error) {
    tracing::warn!(consumer = name, error = %e, "log consumer failed; starting again");
    metrics.log_consumer_errors.with_label_values(&[name]).inc();
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn rounds<C: Consumer>(
    consumer: &mut C,
    tail: &mut Tail<C::Log>,
    db: &Db,
    committed: &Committed,
    poll: Duration,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    let name = consumer.name();
    let position = metrics.log_consumer_position.with_label_values(&[name]);
    let lag = metrics.log_consumer_lag.with_label_values(&[name]);
    let mut rung = committed.listen();
    let mut measured = Instant::now();
    loop {
        rung.mark_unchanged();
        if consumer.must_restart() {
            return Ok(());
        }
        if consumer.idle() {
            // One index probe instead of reading the events nobody takes. Kept
            // at every ring, so that a connection that opens next misses nothing
            // committed after it. Skipped to only if still idle once the end is
            // read: a connection that opened meanwhile read its own starting
            // point before some of what the probe passes, and waits for those
            // events live.
            let end = Tail::<C::Log>::at_end(db).await?;
            if consumer.idle() {
                *tail = end;
                position.set(tail.durable());
                let _ = tokio::time::timeout(poll, rung.changed()).await;
                continue;
            }
        }
        let (events, more) = round(consumer, tail, db).await?;
        position.set(tail.durable());
        if measured.elapsed() >= Duration::from_secs(1) {
            lag.set(<C::Log as Log>::end(db).await? - tail.durable());
            measured = Instant::now();
        }
        if more {
            // Catching up: the next batch is waiting already.
            continue;
        }
        if events == 0 {
            // A ring after `mark_unchanged` above is not missed.
            if tokio::time::timeout(poll, rung.changed()).await.is_err() {
                continue;
            }
        }
        // Under a steady stream of commits the consumer takes a batch per
        // linger, not one per commit (a write and an index commit each).
        if !consumer.linger().is_zero() {
            tokio::time::sleep(consumer.linger()).await;
        }
    }
}

#[tracing::instrument(name = "log_consumer_round", skip_all, fields(consumer = consumer.name()))]
async fn round<C: Consumer>(consumer: &mut C, tail: &mut Tail<C::Log>, db: &Db) -> anyhow::Result<(usize, bool)> {
    let (events, more) = tail.next(db).await?;
    let n = events.len();
    if n > 0 {
        consumer.take(events, tail.durable()).await?;
    }
    Ok((n, more))
}
