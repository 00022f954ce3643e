//! Real time as a consumer of the event logs: every committed event — whoever
//! committed it, on this node or another, and whether or not the request that
//! wrote it was still there to answer — is published to this node's
//! connections. One feed follows each log (the transactions', the meetings'),
//! from its end: a connection that was away resumes from the database
//! (`after_seq`), not from here.

use tawasul_storage::Db;
use tawasul_storage::meeting_log::PositionedMeetingEvent;
use tawasul_storage::transactions::PositionedEvent;

use super::Realtime;
use crate::log::{Consumer, Log, Meetings, Tail, Transactions};

/// An event of a log, as real time publishes it.
pub trait Publish {
    fn publish(&self, realtime: &Realtime);
}

impl Publish for PositionedEvent {
    fn publish(&self, realtime: &Realtime) {
        realtime.publish(self);
    }
}

impl Publish for PositionedMeetingEvent {
    fn publish(&self, realtime: &Realtime) {
        realtime.publish_meeting(self);
    }
}

pub struct Feed<L: Log> {
    realtime: Realtime,
    name: &'static str,
    /// Where to begin, taken before the server accepts its first request, so
    /// that nothing committed after start-up is missed.
    first: Option<Tail<L>>,
}

impl Feed<Transactions> {
    pub async fn transactions(realtime: Realtime, db: &Db) -> anyhow::Result<Feed<Transactions>> {
        Ok(Feed { realtime, name: "realtime", first: Some(Tail::at_end(db).await?) })
    }
}

impl Feed<Meetings> {
    pub async fn meetings(realtime: Realtime, db: &Db) -> anyhow::Result<Feed<Meetings>> {
        Ok(Feed { realtime, name: "realtime_meetings", first: Some(Tail::at_end(db).await?) })
    }
}

impl<L: Log> Consumer for Feed<L>
where
    L::Event: Publish + Sync,
{
    type Log = L;

    fn name(&self) -> &'static str {
        self.name
    }

    fn idle(&self) -> bool {
        self.realtime.bus().is_idle()
    }

    async fn start(&mut self, db: &Db) -> anyhow::Result<Tail<L>> {
        match self.first.take() {
            Some(t) => Ok(t),
            // After a failure: what went by meanwhile is in the database, where
            // a connection's resume finds it.
            None => Tail::at_end(db).await,
        }
    }

    async fn take(&mut self, events: Vec<L::Event>, _durable: i64) -> anyhow::Result<()> {
        for e in &events {
            e.publish(&self.realtime);
        }
        Ok(())
    }
}
