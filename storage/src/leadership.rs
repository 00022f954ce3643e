//! Which node runs the platform's background work (the notifier, statistics,
//! the clocks of service levels, postponements and meetings, the audit sealer,
//! the sweeper, document text extraction): one at a time, whichever holds a
//! PostgreSQL advisory lock on a connection of its own. No election of our
//! own: the database grants the lock to one session, and frees it when that
//! session ends — a node that stops, crashes or loses its connection lets
//! another take over. On SQLite there is one node, which always leads.

use sea_orm::sqlx::{self, Postgres, pool::PoolConnection};

use crate::{Backend, Db, DbErr};

/// The advisory lock's key: "tawasul" in ASCII, so that it is recognisable
/// in `pg_locks` and unlikely to be another program's.
const KEY: i64 = 0x0074_6177_6173_756c;

/// The lead, while held.
pub struct Lead {
    /// The session that holds the lock; none on SQLite.
    session: Option<PoolConnection<Postgres>>,
}

impl Db {
    /// Takes the lead if no other node holds it.
    pub async fn try_lead(&self) -> Result<Option<Lead>, DbErr> {
        if self.backend() == Backend::Sqlite {
            return Ok(Some(Lead { session: None }));
        }
        let mut session = self.write().get_postgres_connection_pool().acquire().await.map_err(sqlx_error)?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(KEY)
            .fetch_one(&mut *session)
            .await
            .map_err(sqlx_error)?;
        // Not held: the connection goes back to the pool, holding nothing.
        Ok(got.then_some(Lead { session: Some(session) }))
    }
}

impl Lead {
    /// Whether the lead is still held: its session still answers. A session
    /// that no longer answers may have been ended by the database, and the
    /// lock taken by another node.
    pub async fn still_held(&mut self) -> bool {
        match &mut self.session {
            None => true,
            Some(session) => sqlx::query("SELECT 1").execute(&mut **session).await.is_ok(),
        }
    }
}

impl Drop for Lead {
    fn drop(&mut self) {
        // Closing the session frees the lock; a pooled connection would keep
        // it for whoever borrows the connection next.
        if let Some(session) = self.session.take() {
            drop(session.detach());
        }
    }
}

fn sqlx_error(e: sqlx::Error) -> DbErr {
    DbErr::Custom(format!("leadership: {e}"))
}
