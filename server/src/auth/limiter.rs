//! Attempt limits in fixed windows: failed log-ins (per account, whichever
//! identifier was used, and per client address), one-time codes sent and
//! wrongly entered, registrations per address. In memory: a restart forgets,
//! and several nodes each count their own — good enough against guessing and
//! flooding, and it costs no database write on the hot path. (`governor` limits
//! request rates, not failures, so this is written by hand.)

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// At most `max` attempts within `window`; written `5/15m`, `10/1h`, `3/600s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn new(max: u32, window_secs: u64) -> Limit {
        Limit { max, window: Duration::from_secs(window_secs) }
    }
}

impl FromStr for Limit {
    type Err = String;

    fn from_str(s: &str) -> Result<Limit, String> {
        let bad = || format!("a limit is written as attempts/window, such as 5/15m or 10/1h, not {s:?}");
        let (max, window) = s.trim().split_once('/').ok_or_else(bad)?;
        let max: u32 = max.trim().parse().map_err(|_| bad())?;
        let window = window.trim();
        let unit_at = window.find(|c: char| !c.is_ascii_digit()).unwrap_or(window.len());
        let (n, unit) = window.split_at(unit_at);
        let n: u64 = n.parse().map_err(|_| bad())?;
        let seconds = match unit {
            "s" | "" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86_400,
            _ => return Err(bad()),
        };
        if max == 0 || seconds == 0 {
            return Err(bad());
        }
        Ok(Limit { max, window: Duration::from_secs(seconds) })
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.max, self.window.as_secs())
    }
}

impl TryFrom<String> for Limit {
    type Error = String;
    fn try_from(s: String) -> Result<Limit, String> {
        s.parse()
    }
}

impl From<Limit> for String {
    fn from(l: Limit) -> String {
        l.to_string()
    }
}

/// What is being counted. Each rule has its own limit and its own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Failed log-ins and wrong current passwords, per account (or, for a login
    /// that names no account, per login, so that both lock alike).
    LoginFailuresPerAccount,
    /// Failed log-ins per client address.
    LoginFailuresPerAddress,
    /// One-time codes sent, per account and channel.
    OtpSendsPerAccount,
    /// One-time codes sent, per client address.
    OtpSendsPerAddress,
    /// Wrong one-time codes, per account, across codes.
    OtpVerifyFailures,
    /// Registration attempts per client address.
    RegistrationsPerAddress,
}

impl Rule {
    /// The name in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::LoginFailuresPerAccount => "login_failures_per_account",
            Rule::LoginFailuresPerAddress => "login_failures_per_address",
            Rule::OtpSendsPerAccount => "otp_sends_per_account",
            Rule::OtpSendsPerAddress => "otp_sends_per_address",
            Rule::OtpVerifyFailures => "otp_verify_failures",
            Rule::RegistrationsPerAddress => "registrations_per_address",
        }
    }
}

/// The limit of every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub login_failures_per_account: Limit,
    pub login_failures_per_address: Limit,
    pub otp_sends_per_account: Limit,
    pub otp_sends_per_address: Limit,
    pub otp_verify_failures: Limit,
    pub registrations_per_address: Limit,
}

impl Limits {
    fn of(&self, rule: Rule) -> Limit {
        match rule {
            Rule::LoginFailuresPerAccount => self.login_failures_per_account,
            Rule::LoginFailuresPerAddress => self.login_failures_per_address,
            Rule::OtpSendsPerAccount => self.otp_sends_per_account,
            Rule::OtpSendsPerAddress => self.otp_sends_per_address,
            Rule::OtpVerifyFailures => self.otp_verify_failures,
            Rule::RegistrationsPerAddress => self.registrations_per_address,
        }
    }
}

/// Counted attempts: the start of the key's current window and the count in it.
pub struct Limiter {
    limits: Limits,
    counts: Mutex<HashMap<(Rule, String), (Instant, u32)>>,
}

/// A limit that has been reached: which, and how long until it lifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked {
    pub rule: Rule,
    pub retry_after_secs: u64,
}

impl Limiter {
    /// Keys kept before expired windows are swept, so that a flood of distinct
    /// keys cannot grow the map without end.
    const SWEEP_AT: usize = 100_000;

    pub fn new(limits: Limits) -> Limiter {
        Limiter { limits, counts: Mutex::new(HashMap::new()) }
    }

    /// Takes one attempt under every one of `keys`, or none when any of them is
    /// at its limit (then `Err` says which lifts last). Checking and counting
    /// are one step, so that many attempts at once cannot all pass the check
    /// before any is counted. Returns the limits this attempt has just reached
    /// (each once per window: what the audit log records).
    pub fn take(&self, keys: &[(Rule, &str)], now: Instant) -> Result<Vec<Rule>, Blocked> {
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > Self::SWEEP_AT {
            let limits = self.limits;
            map.retain(|(rule, _), (start, _)| now.duration_since(*start) < limits.of(*rule).window);
        }
        let blocked = keys
            .iter()
            .filter_map(|&(rule, key)| {
                let (start, n) = map.get(&(rule, key.to_owned()))?;
                let limit = self.limits.of(rule);
                let elapsed = now.duration_since(*start);
                (elapsed < limit.window && *n >= limit.max)
                    .then(|| Blocked { rule, retry_after_secs: (limit.window - elapsed).as_secs().max(1) })
            })
            .max_by_key(|b| b.retry_after_secs);
        if let Some(b) = blocked {
            return Err(b);
        }
        let mut reached = Vec::new();
        for &(rule, key) in keys {
            let limit = self.limits.of(rule);
            let e = map.entry((rule, key.to_owned())).or_insert((now, 0));
            if now.duration_since(e.0) >= limit.window {
                *e = (now, 0);
            }
            e.1 = e.1.saturating_add(1);
            if e.1 == limit.max {
                reached.push(rule);
            }
        }
        Ok(reached)
    }

    /// Gives one attempt back: it turned out not to count (a log-in taken as a
    /// possible failure succeeded).
    pub fn give_back(&self, rule: Rule, key: &str) {
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = map.get_mut(&(rule, key.to_owned())) {
            e.1 = e.1.saturating_sub(1);
        }
    }

    /// Forgets the count of one key (a successful log-in clears its account's).
    pub fn clear(&self, rule: Rule, key: &str) {
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&(rule, key.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        let l = Limit::new(3, 60);
        Limits {
            login_failures_per_account: l,
            login_failures_per_address: Limit::new(5, 60),
            otp_sends_per_account: l,
            otp_sends_per_address: l,
            otp_verify_failures: l,
            registrations_per_address: l,
        }
    }

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_window() {
        use Rule::*;
        let l = Limiter::new(limits());
        let t0 = Instant::now();
        let keys = |account| [(LoginFailuresPerAccount, account), (LoginFailuresPerAddress, "1.1.1.1")];
        for i in 0..3 {
            let reached = l.take(&keys("a"), t0).unwrap();
            assert_eq!(reached, if i == 2 { vec![LoginFailuresPerAccount] } else { vec![] });
        }
        assert_eq!(l.take(&keys("a"), t0).map_err(|b| b.rule), Err(LoginFailuresPerAccount));
        // A refused attempt counts under none of its keys: "b" has the address's fourth.
        assert_eq!(l.take(&keys("b"), t0), Ok(vec![]));
        assert_eq!(l.take(&keys("c"), t0), Ok(vec![LoginFailuresPerAddress]));
        assert_eq!(l.take(&keys("d"), t0).map_err(|b| b.rule), Err(LoginFailuresPerAddress));
        assert!(l.take(&[(LoginFailuresPerAccount, "d"), (LoginFailuresPerAddress, "2.2.2.2")], t0).is_ok());
        let later = t0 + Duration::from_secs(61);
        assert!(l.take(&keys("a"), later).is_ok());
        // Rules count apart even under the same key.
        assert!(l.take(&[(OtpSendsPerAccount, "a")], t0).is_ok());
        l.clear(LoginFailuresPerAccount, "a");
        assert!(l.take(&[(LoginFailuresPerAccount, "a")], later).is_ok());
    }

    #[test]
    fn an_attempt_given_back_does_not_count() {
        let l = Limiter::new(limits());
        let t0 = Instant::now();
        let key = [(Rule::LoginFailuresPerAccount, "a")];
        for _ in 0..10 {
            l.take(&key, t0).unwrap();
            l.give_back(Rule::LoginFailuresPerAccount, "a");
        }
        assert!(l.take(&key, t0).is_ok());
    }

    /// Many attempts at once: exactly the limit passes.
    #[test]
    fn concurrent_attempts_cannot_overrun_the_limit() {
        let l = std::sync::Arc::new(Limiter::new(limits()));
        let t0 = Instant::now();
        let passed: usize = (0..16)
            .map(|_| {
                let l = l.clone();
                std::thread::spawn(move || l.take(&[(Rule::OtpSendsPerAccount, "a")], t0).is_ok() as usize)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(passed, 3);
    }

    #[test]
    fn limits_are_written_as_attempts_per_window() {
        assert_eq!("5/15m".parse(), Ok(Limit::new(5, 900)));
        assert_eq!(" 10 / 1h ".parse(), Ok(Limit::new(10, 3600)));
        assert_eq!("3/600s".parse(), Ok(Limit::new(3, 600)));
        assert_eq!("3/600".parse(), Ok(Limit::new(3, 600)));
        assert_eq!("1/2d".parse(), Ok(Limit::new(1, 172_800)));
        for bad in ["", "5", "0/1m", "5/0m", "x/1m", "5/1w", "5/m"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad:?}");
        }
        let l = Limit::new(5, 900);
        assert_eq!(String::from(l).parse(), Ok(l));
    }
}
