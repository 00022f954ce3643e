//! Time present on the platform (003: "time present on the platform for an
//! employee, an entity or a beneficiary"). A person is *seen* when a request
//! of theirs is authenticated (API, pages, the real-time gateway's sign-in)
//! and at each heartbeat their open WebSocket answers; the time between two
//! sightings at most `GAP` apart counts as present, a longer gap does not.
//! Each node keeps what it saw in memory and adds it to the database every
//! `flush` (per UTC day); what a node saw in its last interval before a
//! crash is lost, nothing is counted twice by one node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tawasul_core::ids::UserId;
use tawasul_storage::Db;

/// Two sightings further apart than this are two visits, not one.
pub const GAP: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Debug, Clone, Copy)]
struct Seen {
    last: DateTime<Utc>,
    /// Milliseconds present not yet added to the database (whole seconds are
    /// added; the rest waits for more).
    pending_ms: i64,
}

#[derive(Clone, Default)]
pub struct Presence(Arc<Mutex<HashMap<UserId, Seen>>>);

impl Presence {
    pub fn seen(&self, who: UserId, now: DateTime<Utc>) {
        let mut people = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let seen = people.entry(who).or_insert(Seen { last: now, pending_ms: 0 });
        let gap = now - seen.last;
        if gap > chrono::Duration::zero() {
            if gap <= GAP {
                seen.pending_ms += gap.num_milliseconds();
            }
            seen.last = now;
        }
    }

    /// What is to be added, and forgets those not seen for longer than `GAP`.
    fn take(&self, now: DateTime<Utc>) -> Vec<(UserId, i64)> {
        let mut people = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        people.retain(|who, seen| {
            let whole = seen.pending_ms / 1000;
            if whole > 0 {
                out.push((*who, whole));
                seen.pending_ms -= whole * 1000;
            }
            now - seen.last <= GAP
        });
        out
    }

    /// Adds what was seen to the database every `every`.
    pub async fn run(self, db: Db, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            let now = Utc::now();
            let seen = self.take(now);
            if let Err(e) = tawasul_storage::presence::add(db.write(), now.date_naive(), &seen).await {
                tracing::warn!(error = ?e, people = seen.len(), "could not record presence");
                // Kept for the next round rather than lost.
                let mut people = self.0.lock().unwrap_or_else(|e| e.into_inner());
                for (who, s) in seen {
                    people.entry(who).or_insert(Seen { last: now, pending_ms: 0 }).pending_ms += s * 1000;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn frequent_sightings_add_up_to_the_millisecond() {
        let p = Presence::default();
        let a = UserId::new();
        for ms in (0..=2500).step_by(100) {
            p.seen(a, at(0) + chrono::Duration::milliseconds(ms));
        }
        assert_eq!(p.take(at(3)), [(a, 2)]);
        p.seen(a, at(3));
        assert_eq!(p.take(at(3)), [(a, 1)], "the half second left and the half second more");
    }

    #[test]
    fn sightings_close_together_count_and_far_apart_do_not() {
        let p = Presence::default();
        let (a, b) = (UserId::new(), UserId::new());
        for s in [0, 20, 40, 60] {
            p.seen(a, at(s));
        }
        p.seen(a, at(60 + 301)); // a new visit: the gap is not counted
        p.seen(a, at(60 + 301 + 10));
        p.seen(b, at(0));
        p.seen(b, at(0)); // the same instant twice
        let mut got = p.take(at(400));
        got.sort();
        assert_eq!(got, [(a, 70)]);
        assert!(p.take(at(400)).is_empty(), "taken once");
        // b, not seen for longer than the gap, is forgotten; a is still here.
        p.take(at(1000));
        assert!(p.0.lock().unwrap().is_empty());
    }
}
