//! SQLite's one writer, on a thread of its own, committing in groups.
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
//!
//! Units that are already queued when one starts share its database
//! transaction (group commit): each runs in a savepoint of its own, so that a
//! unit that fails is undone alone, and one commit — one `fsync` of the WAL —
//! makes the whole group durable. No caller hears of success before that
//! commit, so an acknowledged write is as durable as before; if the group's
//! commit fails, every unit in it is told it was not written.

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

/// Units in one group at most, so that the first of them is not kept waiting
/// for its answer behind a long queue.
const GROUP: usize = 64;

/// How a unit's caller is answered once its group's commit is known.
type Answer = Box<dyn FnOnce(Result<(), String>) + Send>;

/// A unit of work waiting for the writer.
trait Queued: Send {
    /// Runs the unit in a savepoint of `group`. Says how to answer its
    /// caller, and whether `group` can still be committed.
    fn run<'t>(self: Box<Self>, group: &'t DatabaseTransaction) -> BoxFuture<'t, (Answer, bool)>;
    /// Answers the caller without running the unit.
    fn fail(self: Box<Self>, error: DbErr);
}

struct Unit<T, E, F> {
    work: F,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Queued for Unit<T, E, F>
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
{
    fn run<'t>(self: Box<Self>, group: &'t DatabaseTransaction) -> BoxFuture<'t, (Answer, bool)> {
        Box::pin(async move {
            let Unit { work, answer } = *self;
            let savepoint = match group.begin().await {
                Ok(s) => s,
                Err(e) => return (refused(answer, e), false),
            };
            match work(&savepoint).await {
                Ok(value) => match savepoint.commit().await {
                    Ok(()) => {
                        let answer: Answer = Box::new(move |group| {
                            let _ = answer.send(group.map(|()| value).map_err(|e| E::from(DbErr::Custom(e))));
                        });
                        (answer, true)
                    }
                    Err(e) => (refused(answer, e), false),
                },
                // Undone alone; the rest of the group stands.
                Err(error) => {
                    let sound = savepoint.rollback().await.is_ok();
                    let answer: Answer = Box::new(move |_| {
                        let _ = answer.send(Err(error));
                    });
                    (answer, sound)
                }
            }
        })
    }

    fn fail(self: Box<Self>, error: DbErr) {
        let _ = self.answer.send(Err(E::from(error)));
    }
}

fn refused<T: Send + 'static, E: From<DbErr> + Send + 'static>(
    answer: oneshot::Sender<Result<T, E>>,
    error: DbErr,
) -> Answer {
    Box::new(move |_| {
        let _ = answer.send(Err(E::from(error)));
    })
}

/// The queue of units for the writer thread; the thread ends when the last
/// clone of its `Db` is dropped.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: mpsc::UnboundedSender<Box<dyn Queued>>,
}

impl Writer {
    /// Starts the thread that runs every unit of work on `conn`.
    pub(crate) fn start(conn: DatabaseConnection) -> Result<Writer, DbErr> {
        let (jobs, queue) = mpsc::unbounded_channel::<Box<dyn Queued>>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbErr::Custom(format!("the SQLite writer's runtime: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || runtime.block_on(commit_in_groups(conn, queue)))
            .map_err(|e| DbErr::Custom(format!("the SQLite writer's thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `work` in a database transaction on the writer thread and waits
    /// for what it returns, after its commit. Once queued, a unit runs to its
    /// end even if the caller stops waiting, so a write is never cut off
    /// between two statements.
    pub(crate) async fn unit<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        self.jobs
            .send(Box::new(Unit { work, answer }))
            .map_err(|_| DbErr::Custom("the SQLite writer has stopped".into()))?;
        answered.await.map_err(|_| DbErr::Custom("the SQLite writer dropped a unit of work".into()))?
    }
}

/// The writer's loop: a group is the unit that woke it and whatever queued
/// behind it meanwhile (up to `GROUP`).
async fn commit_in_groups(conn: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Box<dyn Queued>>) {
    while let Some(first) = queue.recv().await {
        let group = match conn.begin().await {
            Ok(g) => g,
            Err(e) => {
                first.fail(e);
                continue;
            }
        };
        let mut answers = Vec::new();
        let mut sound = true;
        let mut next = Some(first);
        while let Some(unit) = next.take() {
            let (answer, still_sound) = unit.run(&group).await;
            answers.push(answer);
            sound = still_sound;
            if sound && answers.len() < GROUP {
                next = queue.try_recv().ok();
            }
        }
        let outcome = if sound {
            group.commit().await.map_err(|e| format!("the commit failed, nothing of this unit was written: {e}"))
        } else {
            let _ = group.rollback().await;
            Err("a unit beside this one left the transaction unusable; nothing of it was written".to_owned())
        };
        for answer in answers {
            answer(outcome.clone());
        }
    }
}
