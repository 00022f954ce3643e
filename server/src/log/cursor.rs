//! Where a reader of the event log stands. On PostgreSQL a position is
//! taken when an event is inserted but becomes visible when its database
//! transaction commits, so a reader can see position 11 before 10. The cursor
//! therefore remembers the positions it skipped (holes) and asks for them again
//! until they appear or `GRACE` has passed (a rolled-back transaction leaves a
//! hole for ever). What it records as done is the position below its first hole.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a skipped position is waited for.
pub const GRACE: Duration = Duration::from_secs(30);
/// Jumps wider than this are not tracked position by position (a sequence's
/// cache jump after a restart, say): their holes are taken as empty.
const MAX_TRACKED_GAP: i64 = 10_000;

#[derive(Debug, Clone)]
pub struct LogCursor {
    max_seen: i64,
    holes: BTreeMap<i64, Instant>,
}

impl LogCursor {
    /// Everything up to `position` is taken in.
    pub fn starting_at(position: i64) -> LogCursor {
        LogCursor { max_seen: position, holes: BTreeMap::new() }
    }

    /// New events are those after this.
    pub fn after(&self) -> i64 {
        self.max_seen
    }

    /// Skipped positions still waited for.
    pub fn holes(&self) -> Vec<i64> {
        self.holes.keys().copied().collect()
    }

    /// Records positions just taken in (new ones and filled holes).
    pub fn record(&mut self, positions: impl IntoIterator<Item = i64>, now: Instant) {
        let mut positions: Vec<i64> = positions.into_iter().collect();
        positions.sort_unstable();
        positions.dedup();
        for p in positions {
            if p > self.max_seen {
                if p - self.max_seen <= MAX_TRACKED_GAP {
                    for hole in self.max_seen + 1..p {
                        self.holes.insert(hole, now);
                    }
                }
                self.max_seen = p;
            } else {
                self.holes.remove(&p);
            }
        }
    }

    /// Gives up on holes older than `GRACE`.
    pub fn expire(&mut self, now: Instant) {
        self.holes.retain(|_, since| now.duration_since(*since) < GRACE);
    }

    /// Every position up to this one is taken in: what a commit records, and
    /// where a restart resumes.
    pub fn durable(&self) -> i64 {
        self.holes.keys().next().map_or(self.max_seen, |first| first - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_remembered_until_filled_or_given_up() {
        let t = Instant::now();
        let mut c = LogCursor::starting_at(10);
        c.record([11, 12, 15], t);
        assert_eq!((c.after(), c.holes(), c.durable()), (15, vec![13, 14], 12));
        c.record([14], t);
        assert_eq!((c.holes(), c.durable()), (vec![13], 12));
        c.record([16], t + Duration::from_secs(1));
        c.expire(t + GRACE);
        assert_eq!((c.holes(), c.durable()), (vec![], 16));
    }

    #[test]
    fn a_wide_jump_is_not_tracked() {
        let mut c = LogCursor::starting_at(0);
        c.record([1, 1 + MAX_TRACKED_GAP + 1], Instant::now());
        assert_eq!((c.holes(), c.durable()), (vec![], 1 + MAX_TRACKED_GAP + 1));
    }

    #[test]
    fn positions_arrive_in_any_order() {
        let mut c = LogCursor::starting_at(0);
        c.record([3, 1, 2, 2], Instant::now());
        assert_eq!((c.after(), c.holes(), c.durable()), (3, vec![], 3));
    }
}
