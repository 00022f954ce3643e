//! Connecting to SQLite or PostgreSQL, and applying migrations.
//!
//! SQLite allows one writer at a time. Rather than let several pooled connections
//! race for the write lock (and fail with `SQLITE_BUSY` when a read transaction
//! tries to upgrade), writes go through a pool of exactly one connection and reads
//! through a separate pool; WAL lets the readers proceed while the writer works.
//! On PostgreSQL both are the same pool.
//!
//! A unit of work (`Db::unit`) is one database transaction from begin to
//! commit. On SQLite it runs on the writer's own thread, in a savepoint of a
//! transaction it may share with the units queued beside it (see `writer`).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqlxSqliteConnector,
    TransactionTrait,
};
use tawasul_migrations::Migrator;
use tawasul_migrations::MigratorTrait;

use crate::writer::Writer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    write: DatabaseConnection,
    read: DatabaseConnection,
    backend: Backend,
    /// SQLite's writer thread; none on PostgreSQL, where units run where they
    /// are called.
    writer: Option<Arc<Writer>>,
}

impl Db {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, DbErr> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = ConnectOptions::new(url);
            opts.max_connections(32).min_connections(1).sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
            let conn = Database::connect(opts).await?;
            Ok(Db { write: conn.clone(), read: conn, backend: Backend::Postgres, writer: None })
        } else if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)
                .map_err(|e| DbErr::Custom(format!("bad SQLite URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit that was acknowledged survives a power cut, not
                // only a process crash (PRODUCT.md rule 5).
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Checkpoints run beside the writer (`checkpoint`, called by the
                // server every second), not inside whichever commit crosses the
                // threshold, where they stall every write queued behind it. The
                // automatic one stays as a backstop, far away (~40 MB of WAL).
                .pragma("wal_autocheckpoint", "10000")
                .pragma("journal_size_limit", "67108864");
            let write_pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(base.clone())
                .await
                .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
            let read_pool = SqlitePoolOptions::new()
                .max_connections(4)
                .min_connections(0)
                .idle_timeout(Duration::from_secs(60))
                .connect_with(base)
                .await
                .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
            let write = SqlxSqliteConnector::from_sqlx_sqlite_pool(write_pool);
            Ok(Db {
                writer: Some(Arc::new(Writer::start(write.clone())?)),
                write,
                read: SqlxSqliteConnector::from_sqlx_sqlite_pool(read_pool),
                backend: Backend::Sqlite,
            })
        } else {
            Err(DbErr::Custom("the database URL must start with sqlite:// or postgres://".into()))
        }
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.write, None).await
    }

    /// The connection for writes and read-modify-write transactions.
    pub fn write(&self) -> &DatabaseConnection {
        &self.write
    }

    /// Runs `work` in one database transaction: committed when it returns
    /// `Ok`, rolled back when it returns `Err`. Once called, it runs to its
    /// end even if the caller stops waiting for it (a request cancelled
    /// between two statements must not leave a write half done or undone at
    /// random). On SQLite the whole unit runs on the writer's thread, and is
    /// answered once the commit of its group is durable.
    pub async fn unit<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    {
        match &self.writer {
            Some(w) => w.unit(work).await,
            // A task of its own, so that it too runs to its end.
            None => tokio::spawn(in_transaction(self.write.clone(), work))
                .await
                .map_err(|e| DbErr::Custom(format!("a unit of work failed: {e}")))?,
        }
    }

    /// The connection for reads that need not see an in-flight write.
    pub fn read(&self) -> &DatabaseConnection {
        &self.read
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Copies the WAL's committed pages into the SQLite database file without
    /// waiting for readers or blocking the writer (a `PASSIVE` checkpoint), on a
    /// reader connection. Nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), DbErr> {
        if self.backend == Backend::Sqlite {
            self.read.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await?;
        }
        Ok(())
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub async fn close(&self) {
        let _ = self.write.clone().close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.read.clone().close().await;
        }
    }
}

async fn in_transaction<T, E, F>(conn: DatabaseConnection, work: F) -> Result<T, E>
where
    E: From<DbErr>,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, E>>,
{
    let tx = conn.begin().await?;
    match work(&tx).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}
