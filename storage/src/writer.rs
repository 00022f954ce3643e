//! SQLite's one writer, on a thread of its own.
//!
//! SQLite has one write lock, held by a database transaction from its first
//! write to its commit. Each statement is a hand-off to sqlx's connection
//! thread and back; when the task holding the transaction then waits in the
//! HTTP runtime's queue behind dozens of requests (two cores), every other
//! write waits with it, and the lock is held far longer than the statements
//! take. A unit of work is therefore run here, start to commit, on a thread
//! that does nothing else: between two statements nothing stands in its way.
//! Units run one after another, in the order they came, as they would have
//! queued for the one connection anyway.

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

type Job = Box<dyn FnOnce(DatabaseConnection) -> BoxFuture<'static, ()> + Send>;

/// The queue of units for the writer thread; the thread ends when the last
/// clone of its `Db` is dropped.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the thread that runs every unit of work on `conn`.
    pub(crate) fn start(conn: DatabaseConnection) -> Result<Writer, DbErr> {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbErr::Custom(format!("the SQLite writer's runtime: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                runtime.block_on(async move {
                    while let Some(job) = queue.recv().await {
                        job(conn.clone()).await;
                    }
                })
            })
            .map_err(|e| DbErr::Custom(format!("the SQLite writer's thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `run` on the writer thread and waits for what it returns. Once
    /// queued, a unit runs to its end even if the caller stops waiting, so a
    /// write is never cut off between two statements.
    pub(crate) async fn run<T, F>(&self, run: F) -> Result<T, DbErr>
    where
        T: Send + 'static,
        F: FnOnce(DatabaseConnection) -> BoxFuture<'static, T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let _ = answer.send(run(conn).await);
            })
        });
        self.jobs.send(job).map_err(|_| DbErr::Custom("the SQLite writer has stopped".into()))?;
        answered.await.map_err(|_| DbErr::Custom("the SQLite writer dropped a unit of work".into()))
    }
}
