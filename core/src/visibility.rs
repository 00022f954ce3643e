//! Who sees which transaction and which of its events: the one rule every read
//! path uses (get, list, timeline, lookup; later real time, search, notifications,
//! exports). Lists use `ListScope`, the same rule in a form storage turns into a
//! query; a test holds the two equal.

use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentId, EntityId, UserId};
use crate::meetings::{MinutesReach, minutes_reach};
use crate::org::{Actor, Remit, Standing};
use crate::permissions::Permission;

/// The facts about a transaction that visibility depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionFacts {
    pub entity_id: EntityId,
    pub department_id: DepartmentId,
    pub beneficiary_id: UserId,
    pub assignee_id: Option<UserId>,
}

/// Whether an event is for everyone on the transaction or for staff only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    External,
    Internal,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::External => "external",
            Visibility::Internal => "internal",
        }
    }

    pub fn parse(s: &str) -> Result<Visibility, crate::ErrorCode> {
        match s {
            "external" => Ok(Visibility::External),
            "internal" => Ok(Visibility::Internal),
            _ => Err(crate::ErrorCode::InvalidChoice),
        }
    }
}

/// The transactions a caller may list, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    Everything,
    OwnAsBeneficiary(UserId),
    Entities(Vec<EntityId>),
    Staff { entity_id: EntityId, whole_entity: bool, departments: Vec<DepartmentId>, assigned_to: Option<UserId> },
    Nothing,
}

pub fn list_scope(actor: &Actor) -> ListScope {
    match &actor.standing {
        Standing::PlatformAdmin => ListScope::Everything,
        Standing::Beneficiary => ListScope::OwnAsBeneficiary(actor.user_id),
        Standing::Regulator(Remit::All) => ListScope::Everything,
        Standing::Regulator(Remit::Entities(ids)) => ListScope::Entities(ids.clone()),
        Standing::Staff(s) if !s.active => ListScope::Nothing,
        Standing::Staff(s) => ListScope::Staff {
            entity_id: s.entity_id,
            whole_entity: s.permissions.contains(Permission::TransactionViewEntity),
            departments: if s.permissions.contains(Permission::TransactionViewDepartment) {
                s.department_ids.clone()
            } else {
                vec![]
            },
            assigned_to: s.permissions.contains(Permission::TransactionViewOwn).then_some(actor.user_id),
        },
    }
}

impl ListScope {
    pub fn covers(&self, t: &TransactionFacts) -> bool {
        match self {
            ListScope::Everything => true,
            ListScope::OwnAsBeneficiary(u) => t.beneficiary_id == *u,
            ListScope::Entities(ids) => ids.contains(&t.entity_id),
            ListScope::Staff { entity_id, whole_entity, departments, assigned_to } => {
                t.entity_id == *entity_id
                    && (*whole_entity
                        || departments.contains(&t.department_id)
                        || (assigned_to.is_some() && t.assignee_id == *assigned_to))
            }
            ListScope::Nothing => false,
        }
    }

    /// Whether any transaction of `entity` could be in this scope: the
    /// entities a search or a list may be narrowed to.
    pub fn may_reach(&self, entity: EntityId) -> bool {
        match self {
            ListScope::Everything | ListScope::OwnAsBeneficiary(_) => true,
            ListScope::Entities(ids) => ids.contains(&entity),
            ListScope::Staff { entity_id, .. } => *entity_id == entity,
            ListScope::Nothing => false,
        }
    }
}

/// The visibility rule for one caller, worked out once. Long-lived readers (a
/// real-time connection checks every event it is offered) keep one; the
/// functions below build one per call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    scope: ListScope,
    internal: bool,
    minutes: MinutesReach,
}

impl Viewer {
    pub fn new(actor: &Actor) -> Viewer {
        Viewer { scope: list_scope(actor), internal: sees_internal(actor), minutes: minutes_reach(actor) }
    }

    /// The meetings whose approved minutes and decisions the caller may find
    /// (`tawasul_core::meetings`' rule).
    pub fn minutes(&self) -> &MinutesReach {
        &self.minutes
    }

    /// The transactions the caller may see, as data (the archive index turns
    /// it into a query filter).
    pub fn scope(&self) -> &ListScope {
        &self.scope
    }

    /// Whether the transaction is visible at all (invisible means 404).
    pub fn can_view(&self, t: &TransactionFacts) -> bool {
        self.scope.covers(t)
    }

    /// Whether internal events of visible transactions are visible too.
    pub fn sees_internal(&self) -> bool {
        self.internal
    }

    /// Whether one event of the transaction is visible. Beneficiaries never see
    /// an internal event, whoever wrote it.
    pub fn can_see_event(&self, t: &TransactionFacts, v: Visibility) -> bool {
        self.can_view(t) && (v == Visibility::External || self.internal)
    }
}

/// Whether the caller may see the transaction at all (invisible means 404).
pub fn can_view(actor: &Actor, t: &TransactionFacts) -> bool {
    Viewer::new(actor).can_view(t)
}

/// Whether the caller may see one event of a visible transaction.
pub fn can_see_event(actor: &Actor, t: &TransactionFacts, v: Visibility) -> bool {
    Viewer::new(actor).can_see_event(t, v)
}

/// Whether the caller sees internal events of transactions they can view.
pub fn sees_internal(actor: &Actor) -> bool {
    !matches!(actor.standing, Standing::Beneficiary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Staff;
    use crate::permissions::{PermissionSet, StaffRole};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn id(n: u8) -> Uuid {
        Uuid::from_u128(u128::from(n))
    }

    fn staff(user: u8, entity: u8, depts: &[u8], perms: PermissionSet, active: bool) -> Actor {
        Actor {
            user_id: UserId(id(user)),
            standing: Standing::Staff(Staff {
                entity_id: EntityId(id(entity)),
                role: StaffRole::Employee,
                department_ids: depts.iter().map(|d| DepartmentId(id(*d))).collect(),
                permissions: perms,
                active,
            }),
        }
    }

    fn facts(entity: u8, dept: u8, beneficiary: u8, assignee: Option<u8>) -> TransactionFacts {
        TransactionFacts {
            entity_id: EntityId(id(entity)),
            department_id: DepartmentId(id(dept)),
            beneficiary_id: UserId(id(beneficiary)),
            assignee_id: assignee.map(|a| UserId(id(a))),
        }
    }

    #[test]
    fn table() {
        let t = facts(1, 10, 100, Some(50));
        let beneficiary = Actor { user_id: UserId(id(100)), standing: Standing::Beneficiary };
        let other_beneficiary = Actor { user_id: UserId(id(101)), standing: Standing::Beneficiary };
        let assignee = staff(50, 1, &[11], StaffRole::Employee.default_permissions(), true);
        let colleague = staff(51, 1, &[10], StaffRole::Employee.default_permissions(), true);
        let supervisor = staff(52, 1, &[10], StaffRole::Supervisor.default_permissions(), true);
        let other_dept_supervisor = staff(53, 1, &[11], StaffRole::Supervisor.default_permissions(), true);
        let admin = staff(54, 1, &[], StaffRole::Admin.default_permissions(), true);
        let other_entity_admin = staff(55, 2, &[10], StaffRole::Admin.default_permissions(), true);
        let inactive_assignee = staff(50, 1, &[10], StaffRole::Employee.default_permissions(), false);
        let regulator_in =
            Actor { user_id: UserId(id(60)), standing: Standing::Regulator(Remit::Entities(vec![EntityId(id(1))])) };
        let regulator_out =
            Actor { user_id: UserId(id(61)), standing: Standing::Regulator(Remit::Entities(vec![EntityId(id(2))])) };
        for (who, actor, view, internal) in [
            ("its beneficiary", &beneficiary, true, false),
            ("another beneficiary", &other_beneficiary, false, false),
            ("its assignee", &assignee, true, true),
            ("a plain colleague in its department", &colleague, false, false),
            ("its department's supervisor", &supervisor, true, true),
            ("another department's supervisor", &other_dept_supervisor, false, false),
            ("the entity admin", &admin, true, true),
            ("another entity's admin", &other_entity_admin, false, false),
            ("an inactive assignee", &inactive_assignee, false, false),
            ("a regulator in remit", &regulator_in, true, true),
            ("a regulator out of remit", &regulator_out, false, false),
        ] {
            assert_eq!(can_view(actor, &t), view, "{who} views");
            assert!(can_see_event(actor, &t, Visibility::External) == view, "{who} external");
            assert_eq!(can_see_event(actor, &t, Visibility::Internal), internal, "{who} internal");
        }
    }

    proptest! {
        /// Whatever the permissions, a beneficiary never sees an internal event,
        /// and nobody outside the transaction's entity (but a regulator in remit or
        /// the platform) sees it at all.
        #[test]
        fn internal_events_never_reach_beneficiaries(
            user in 0u8..4, entity in 0u8..3, dept in 0u8..3, assignee in proptest::option::of(0u8..4),
            bits in any::<u32>(), my_entity in 0u8..3, my_depts in proptest::collection::vec(0u8..3, 0..3), active in any::<bool>(),
        ) {
            let t = facts(entity, dept, 0, assignee);
            let b = Actor { user_id: UserId(id(user)), standing: Standing::Beneficiary };
            prop_assert!(!can_see_event(&b, &t, Visibility::Internal));
            prop_assert_eq!(can_view(&b, &t), user == 0);
            let perms: PermissionSet = crate::permissions::Permission::ALL.iter().copied().enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0).map(|(_, p)| p).collect();
            let s = staff(user, my_entity, &my_depts, perms, active);
            if can_view(&s, &t) {
                prop_assert_eq!(my_entity, entity);
                prop_assert!(active);
            }
        }

        /// `may_reach` never hides an entity that holds a transaction the
        /// scope covers: narrowing a search to it can only lose nothing.
        #[test]
        fn a_covered_transaction_s_entity_is_reachable(
            user in 0u8..4, entity in 0u8..3, dept in 0u8..3, assignee in proptest::option::of(0u8..4),
            bits in any::<u32>(), my_entity in 0u8..3, my_depts in proptest::collection::vec(0u8..3, 0..3),
            active in any::<bool>(), remit in proptest::collection::vec(0u8..3, 0..3),
        ) {
            let t = facts(entity, dept, user, assignee);
            let perms: PermissionSet = crate::permissions::Permission::ALL.iter().copied().enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0).map(|(_, p)| p).collect();
            let remit = Remit::Entities(remit.into_iter().map(|e| EntityId(id(e))).collect());
            for actor in [
                staff(user, my_entity, &my_depts, perms, active),
                Actor { user_id: UserId(id(user)), standing: Standing::Beneficiary },
                Actor { user_id: UserId(id(user)), standing: Standing::Regulator(remit.clone()) },
            ] {
                let scope = list_scope(&actor);
                if scope.covers(&t) {
                    prop_assert!(scope.may_reach(t.entity_id));
                }
                if let Standing::Staff(s) = &actor.standing {
                    prop_assert_eq!(scope.may_reach(t.entity_id), s.active && s.entity_id == t.entity_id);
                }
            }
        }
    }
}
