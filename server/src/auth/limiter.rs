//! Limits failed log-ins per login and per client address, in a fixed window.
//! In memory: a restart forgets, and several nodes each count their own — good
//! enough against guessing, and it costs no database write on the hot path.
//! (`governor` limits request rates, not failures, so this is written by hand.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_login: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { per_login: 5, per_address: 20, window: Duration::from_secs(15 * 60) }
    }
}

pub struct LoginLimiter {
    limits: Limits,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> LoginLimiter {
        LoginLimiter { limits, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(login: &str, address: &str) -> [(String, bool); 2] {
        [(format!("l:{login}"), true), (format!("a:{address}"), false)]
    }

    /// `Some(seconds to wait)` when either the login or the address is locked out.
    pub fn blocked(&self, login: &str, address: &str, now: Instant) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(login, address)
            .into_iter()
            .filter_map(|(k, is_login)| {
                let (start, n) = map.get(&k)?;
                let limit = if is_login { self.limits.per_login } else { self.limits.per_address };
                let elapsed = now.duration_since(*start);
                (elapsed < self.limits.window && *n >= limit).then(|| (self.limits.window - elapsed).as_secs().max(1))
            })
            .max()
    }

    pub fn record_failure(&self, login: &str, address: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            let window = self.limits.window;
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        for (k, _) in Self::keys(login, address) {
            let e = map.entry(k).or_insert((now, 0));
            if now.duration_since(e.0) >= self.limits.window {
                *e = (now, 0);
            }
            e.1 += 1;
        }
    }

    /// A successful log-in clears the login's count (not the address's).
    pub fn record_success(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("l:{login}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_window() {
        let l = LoginLimiter::new(Limits { per_login: 3, per_address: 5, window: Duration::from_secs(60) });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.blocked("a", "1.1.1.1", t0).is_none());
            l.record_failure("a", "1.1.1.1", t0);
        }
        assert!(l.blocked("a", "1.1.1.1", t0).is_some());
        assert!(l.blocked("b", "1.1.1.1", t0).is_none(), "another login from the same address");
        l.record_failure("b", "1.1.1.1", t0);
        l.record_failure("c", "1.1.1.1", t0);
        assert!(l.blocked("d", "1.1.1.1", t0).is_some(), "the address is now locked");
        assert!(l.blocked("d", "2.2.2.2", t0).is_none());
        assert!(l.blocked("a", "2.2.2.2", t0 + Duration::from_secs(61)).is_none());
    }
}
