//! A short-lived cache of signed-in callers: their account as loaded with
//! their session, so that a request does not read the database twice before
//! doing its work (issue 16). What ends a session or changes an account is
//! an `AccountSignal`, and every signal that reaches this node — sent here, or
//! by another node through the bus — clears what it concerns before any
//! connection hears of it. The cache is therefore never trusted when signals
//! may have been missed: while the bus between nodes is down, every request
//! reads the database, and on reconnection the cache starts empty.
//!
//! A load that raced with a change must not put back what the change cleared:
//! each load notes the cache's generation before reading, and its answer is
//! kept only if no signal came meanwhile.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tawasul_core::ids::UserId;
use tawasul_storage::accounts::Account;
use uuid::Uuid;

use crate::realtime::bus::AccountSignal;

/// How long an entry is used without reading the database again: the bound on
/// a change made where no signal is sent (the command line, another program).
pub const FRESH: Duration = Duration::from_secs(5);
/// Callers kept at most; past it the cache starts over (a burst of new
/// sessions costs one database read each, as without the cache).
const CAPACITY: usize = 100_000;

#[derive(Clone)]
struct Entry {
    account: Account,
    /// When the session ends unless refreshed: past it, the entry is not used.
    session_expires: DateTime<Utc>,
    loaded: Instant,
}

/// A generation noted before a load, to keep its answer only if nothing changed.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

pub struct SessionCache {
    entries: RwLock<HashMap<UserId, HashMap<Uuid, Entry>>>,
    generation: AtomicU64,
    trusted: AtomicBool,
}

impl Default for SessionCache {
    fn default() -> SessionCache {
        SessionCache { entries: RwLock::default(), generation: AtomicU64::new(0), trusted: AtomicBool::new(true) }
    }
}

impl SessionCache {
    /// The account of a live session, if known and fresh.
    pub fn get(&self, user: UserId, session: Uuid, now: DateTime<Utc>) -> Option<Account> {
        if !self.trusted.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let e = entries.get(&user)?.get(&session)?;
        (e.loaded.elapsed() < FRESH && e.session_expires > now).then(|| e.account.clone())
    }

    /// Notes where the cache stands before a database read.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps what a read found, unless a signal came since its ticket.
    pub fn put(&self, ticket: Ticket, session: Uuid, account: &Account, session_expires: DateTime<Utc>) {
        if !self.trusted.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        // Checked under the lock that `forget` takes too, so that a signal is
        // either counted here or clears this entry after it is written.
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        let entry = Entry { account: account.clone(), session_expires, loaded: Instant::now() };
        entries.entry(account.actor.user_id).or_default().insert(session, entry);
    }

    /// Clears what a signal about `user` concerns.
    pub fn forget(&self, user: UserId, signal: &AccountSignal) {
        let Ok(mut entries) = self.entries.write() else { return };
        self.generation.fetch_add(1, Ordering::AcqRel);
        match signal {
            AccountSignal::SessionEnded { session } => {
                if let Some(sessions) = entries.get_mut(&user) {
                    sessions.remove(session);
                }
            }
            AccountSignal::OtherSessionsEnded { keep } => {
                if let Some(sessions) = entries.get_mut(&user) {
                    sessions.retain(|s, _| s == keep);
                }
            }
            AccountSignal::Changed => {
                entries.remove(&user);
            }
        }
    }

    /// Whether signals can be relied on (the bus between nodes is up). When
    /// not, nothing is kept or used; when they can again, the cache starts
    /// empty, since some may have been missed.
    pub fn trust(&self, trusted: bool) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.clear();
            self.trusted.store(trusted, Ordering::Release);
        }
    }

    /// Callers kept now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.values().map(HashMap::len).sum()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tawasul_core::api::UserView;
    use tawasul_core::org::{Actor, Role, Standing};

    fn account(user: UserId) -> Account {
        let view = UserView {
            id: user,
            role: Role::Beneficiary,
            name_ar: "م".into(),
            name_en: "M".into(),
            email: None,
            mobile: None,
            email_verified: false,
            mobile_verified: false,
            language: Default::default(),
            entity_id: None,
            department_ids: None,
            permissions: None,
            entity_ids: None,
        };
        Account { actor: Actor { user_id: user, standing: Standing::Beneficiary }, view, active: true }
    }

    fn later() -> DateTime<Utc> {
        Utc::now() + chrono::Duration::days(1)
    }

    #[test]
    fn each_signal_clears_what_it_concerns_only() {
        let cache = SessionCache::default();
        let (u, other) = (UserId::new(), UserId::new());
        let (s1, s2, s3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for s in [s1, s2, s3] {
            cache.put(cache.ticket(), s, &account(u), later());
        }
        cache.put(cache.ticket(), s1, &account(other), later());
        let now = Utc::now();
        cache.forget(u, &AccountSignal::SessionEnded { session: s1 });
        assert!(cache.get(u, s1, now).is_none());
        assert!(cache.get(u, s2, now).is_some() && cache.get(other, s1, now).is_some());
        cache.forget(u, &AccountSignal::OtherSessionsEnded { keep: s3 });
        assert!(cache.get(u, s2, now).is_none() && cache.get(u, s3, now).is_some());
        cache.forget(u, &AccountSignal::Changed);
        assert!(cache.get(u, s3, now).is_none());
        assert!(cache.get(other, s1, now).is_some(), "another account is untouched");
    }

    #[test]
    fn a_load_that_raced_with_a_signal_is_not_kept() {
        let cache = SessionCache::default();
        let u = UserId::new();
        let s = Uuid::new_v4();
        let ticket = cache.ticket();
        // The change commits and signals while the read is in flight.
        cache.forget(u, &AccountSignal::Changed);
        cache.put(ticket, s, &account(u), later());
        assert!(cache.get(u, s, Utc::now()).is_none());
    }

    #[test]
    fn an_ended_session_or_an_untrusted_cache_is_not_used() {
        let cache = SessionCache::default();
        let u = UserId::new();
        let s = Uuid::new_v4();
        let expires = Utc::now() + chrono::Duration::seconds(1);
        cache.put(cache.ticket(), s, &account(u), expires);
        assert!(cache.get(u, s, Utc::now()).is_some());
        assert!(cache.get(u, s, expires).is_none(), "not at the session's end");
        cache.trust(false);
        assert!(cache.get(u, s, Utc::now()).is_none());
        cache.put(cache.ticket(), s, &account(u), later());
        assert!(cache.is_empty(), "nothing is kept while signals may be missed");
        cache.trust(true);
        cache.put(cache.ticket(), s, &account(u), later());
        assert_eq!(cache.len(), 1);
    }
}
