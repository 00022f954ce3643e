//! Routing a new transaction to an employee, as pure functions over a snapshot of
//! the candidates, so that the choice is deterministic and its reason recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::RoutingPolicy;
use crate::ids::UserId;
use crate::permissions::{Permission, PermissionSet};

/// An employee of the type's department, as routing sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: UserId,
    pub active: bool,
    pub on_leave_until: Option<DateTime<Utc>>,
    pub permissions: PermissionSet,
    /// Transactions assigned to them and not closed.
    pub open_load: u32,
}

/// What routing decided, and why: recorded as the `assigned` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub assignee: UserId,
    pub policy: RoutingPolicy,
    /// How many employees were eligible.
    pub eligible: u32,
    /// The chosen employee's open load before this transaction.
    pub open_load: u32,
}

/// To receive work an employee must be active, not on leave, and able to see and
/// complete what they are given.
pub fn eligible(c: &Candidate, now: DateTime<Utc>) -> bool {
    c.active
        && c.on_leave_until.is_none_or(|until| until <= now)
        && c.permissions.contains(Permission::TransactionViewOwn)
        && c.permissions.contains(Permission::TransactionComplete)
}

/// Chooses the assignee, or `None` when nobody is eligible (the transaction then
/// waits in the department's queue).
///
/// `round_robin`: the first eligible employee after `last` in id order, wrapping
/// around. `least_loaded`: the smallest open load; ties go round-robin from
/// `last`, so that equal loads are shared out in turn.
pub fn route(
    policy: RoutingPolicy,
    candidates: &[Candidate],
    last: Option<UserId>,
    now: DateTime<Utc>,
) -> Option<Decision> {
    let mut pool: Vec<&Candidate> = candidates.iter().filter(|c| eligible(c, now)).collect();
    pool.sort_by_key(|c| c.id);
    // Rotate so that the employee after `last` comes first.
    let start = last.map(|l| pool.iter().position(|c| c.id > l).unwrap_or(0)).unwrap_or(0);
    let len = pool.len();
    pool.rotate_left(start.min(len));
    let chosen = match policy {
        RoutingPolicy::RoundRobin => pool.first().copied(),
        // `min_by_key` keeps the first of equal minima, i.e. the next in turn.
        RoutingPolicy::LeastLoaded => pool.iter().copied().min_by_key(|c| c.open_load),
    }?;
    Some(Decision { assignee: chosen.id, policy, eligible: pool.len() as u32, open_load: chosen.open_load })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::StaffRole;
    use uuid::Uuid;

    fn c(n: u128, load: u32) -> Candidate {
        Candidate {
            id: UserId(Uuid::from_u128(n)),
            active: true,
            on_leave_until: None,
            permissions: StaffRole::Employee.default_permissions(),
            open_load: load,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn round_robin_takes_turns_and_wraps() {
        let cs = [c(1, 0), c(2, 0), c(3, 0)];
        let mut last = None;
        let mut order = vec![];
        for _ in 0..6 {
            let d = route(RoutingPolicy::RoundRobin, &cs, last, now()).unwrap();
            order.push(d.assignee.0.as_u128());
            last = Some(d.assignee);
        }
        assert_eq!(order, [1, 2, 3, 1, 2, 3]);
    }

    #[test]
    fn least_loaded_picks_the_minimum_and_shares_ties() {
        let cs = [c(1, 5), c(2, 2), c(3, 2), c(4, 9)];
        let d = route(RoutingPolicy::LeastLoaded, &cs, None, now()).unwrap();
        assert_eq!(d.assignee.0.as_u128(), 2);
        assert_eq!(d.open_load, 2);
        let d = route(RoutingPolicy::LeastLoaded, &cs, Some(d.assignee), now()).unwrap();
        assert_eq!(d.assignee.0.as_u128(), 3, "the tie goes to the next in turn");
    }

    #[test]
    fn leave_inactivity_and_missing_permissions_are_skipped() {
        let mut on_leave = c(1, 0);
        on_leave.on_leave_until = Some(now() + chrono::Duration::days(3));
        let mut back_from_leave = c(2, 7);
        back_from_leave.on_leave_until = Some(now() - chrono::Duration::days(1));
        let mut inactive = c(3, 0);
        inactive.active = false;
        let mut no_permission = c(4, 0);
        no_permission.permissions.remove(Permission::TransactionComplete);
        let cs = [on_leave, back_from_leave, inactive, no_permission];
        for policy in [RoutingPolicy::RoundRobin, RoutingPolicy::LeastLoaded] {
            let d = route(policy, &cs, None, now()).unwrap();
            assert_eq!(d.assignee.0.as_u128(), 2);
            assert_eq!(d.eligible, 1);
        }
    }

    #[test]
    fn nobody_eligible_means_no_assignee() {
        assert_eq!(route(RoutingPolicy::RoundRobin, &[], None, now()), None);
        let mut inactive = c(1, 0);
        inactive.active = false;
        assert_eq!(route(RoutingPolicy::LeastLoaded, &[inactive], None, now()), None);
    }

    #[test]
    fn sixty_four_in_a_row_differ_by_at_most_one() {
        let cs: Vec<Candidate> = (1..=5).map(|n| c(n, 0)).collect();
        for policy in [RoutingPolicy::RoundRobin, RoutingPolicy::LeastLoaded] {
            let mut loads = std::collections::HashMap::<u128, u32>::new();
            let mut last = None;
            let mut cs = cs.clone();
            for _ in 0..64 {
                let d = route(policy, &cs, last, now()).unwrap();
                *loads.entry(d.assignee.0.as_u128()).or_default() += 1;
                for x in cs.iter_mut().filter(|x| x.id == d.assignee) {
                    x.open_load += 1;
                }
                last = Some(d.assignee);
            }
            let (min, max) = (loads.values().min().unwrap(), loads.values().max().unwrap());
            assert!(max - min <= 1, "{policy:?}: {loads:?}");
        }
    }
}
