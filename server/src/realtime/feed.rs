//! Real time as a consumer of the event log: every committed event — whoever
//! committed it, on this node or another, and whether or not the request that
//! wrote it was still there to answer — is published to this node's
//! connections. It starts at the log's end: a connection that was away resumes
//! from the database (`after_seq`), not from here.

use tawasul_storage::Db;
use tawasul_storage::transactions::PositionedEvent;

use super::Realtime;
use crate::log::{Consumer, Tail};

pub struct Feed {
    realtime: Realtime,
    /// Where to begin, taken before the server accepts its first request, so
    /// that nothing committed after start-up is missed.
    first: Option<Tail>,
}

impl Feed {
    pub async fn new(realtime: Realtime, db: &Db) -> anyhow::Result<Feed> {
        Ok(Feed { realtime, first: Some(Tail::at_end(db).await?) })
    }
}

impl Consumer for Feed {
    fn name(&self) -> &'static str {
        "realtime"
    }

    fn idle(&self) -> bool {
        self.realtime.bus().is_idle()
    }

    async fn start(&mut self, db: &Db) -> anyhow::Result<Tail> {
        match self.first.take() {
            Some(t) => Ok(t),
            // After a failure: what went by meanwhile is in the database, where
            // a connection's resume finds it.
            None => Tail::at_end(db).await,
        }
    }

    async fn take(&mut self, events: Vec<PositionedEvent>, _durable: i64) -> anyhow::Result<()> {
        for e in &events {
            self.realtime.publish(e);
        }
        Ok(())
    }
}
