//! Who may do what: the one authorization function every read and write goes
//! through. Handlers never hold their own `if` about permissions.

use crate::ErrorCode;
use crate::ids::EntityId;
use crate::org::{Actor, StaffRecord, Standing};
use crate::permissions::{Permission, PermissionSet, StaffRole};
use crate::stats::Whose;

/// Something a caller wants to do, with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register a new entity on the platform.
    CreateEntity,
    /// Create a regulator account.
    CreateRegulator,
    /// List the regulators and their remits.
    ListRegulators,
    /// Read the public directory of entities and their transaction types.
    ReadDirectory,
    /// Read an entity's departments and staff.
    ViewOrganisation(EntityId),
    /// Create or change an entity's departments.
    ManageDepartments(EntityId),
    /// Create or change an entity's employees, roles and permissions.
    ManageEmployees(EntityId),
    /// Open a transaction with an entity: beneficiaries only.
    CreateTransaction,
    /// Define an entity's transaction types. Types belong to a department and say
    /// how its work is distributed, so this is part of `department.manage`.
    ManageTransactionTypes(EntityId),
    /// See the entity's notifications that were given up, and send them again:
    /// its admins.
    ManageNotifications(EntityId),
    /// Read how many found each page useful: the platform admin.
    ReadPageFeedback,
    /// Set an entity's working calendar (week, hours, holidays): its admins.
    ManageCalendar(EntityId),
    /// Set an entity's targets per indicator: the platform admin.
    SetTargets(EntityId),
}

/// Why an action was refused. Deliberately carries nothing the caller may not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not allowed")]
pub struct Denied;

/// Decides whether `actor` may perform `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), Denied> {
    let allowed = match (&actor.standing, action) {
        (Standing::Staff(s), _) if !s.active => false,
        (Standing::PlatformAdmin, _) => true,
        (_, Action::ReadDirectory) => true,
        (Standing::Beneficiary, Action::CreateTransaction) => true,
        (_, Action::CreateTransaction) => false,
        (
            _,
            Action::CreateEntity
            | Action::CreateRegulator
            | Action::ListRegulators
            | Action::ReadPageFeedback
            | Action::SetTargets(_),
        ) => false,
        (Standing::Beneficiary, _) => false,
        (Standing::Regulator(remit), Action::ViewOrganisation(e)) => remit.covers(e),
        (Standing::Regulator(_), _) => false,
        (Standing::Staff(s), Action::ViewOrganisation(e)) => s.entity_id == e,
        (Standing::Staff(s), Action::ManageDepartments(e) | Action::ManageTransactionTypes(e)) => {
            s.entity_id == e && s.permissions.contains(Permission::DepartmentManage)
        }
        (Standing::Staff(s), Action::ManageEmployees(e)) => {
            s.entity_id == e && s.permissions.contains(Permission::EmployeeManage)
        }
        (Standing::Staff(s), Action::ManageNotifications(e) | Action::ManageCalendar(e)) => {
            s.entity_id == e && s.role == StaffRole::Admin
        }
    };
    if allowed { Ok(()) } else { Err(Denied) }
}

/// Who may change whom, for `POST /entities/{id}/employees` and `PATCH
/// /employees/{id}`: `before` is the employee as stored (`None` when creating
/// one), `after` as the request would leave them, and `active_admins` how many
/// active admins the entity has now.
///
/// - Nobody changes their own role, permissions, departments or `active`.
/// - Only an entity admin creates, promotes, demotes, changes or deactivates an
///   admin; another holder of `employee.manage` manages employees and
///   supervisors, and gives them only permissions they hold themselves.
/// - An entity keeps at least one active admin: the last one is neither
///   deactivated nor demoted, except by the platform admin.
pub fn authorize_staff_change(
    actor: &Actor,
    before: Option<&StaffRecord>,
    after: &StaffRecord,
    active_admins: usize,
) -> Result<(), ErrorCode> {
    authorize(actor, Action::ManageEmployees(after.entity_id)).map_err(|_| ErrorCode::Forbidden)?;
    if before.is_some_and(|b| b.entity_id != after.entity_id) {
        return Err(ErrorCode::Forbidden);
    }
    let Standing::Staff(me) = &actor.standing else {
        // `authorize` lets no one else through but the platform admin.
        return Ok(());
    };
    if before.is_some_and(|b| b.user_id == actor.user_id && b.standing_differs(after)) {
        return Err(ErrorCode::EmployeeSelfChange);
    }
    let actor_is_admin = me.role == StaffRole::Admin;
    let touches_admin = after.role == StaffRole::Admin || before.is_some_and(|b| b.role == StaffRole::Admin);
    if touches_admin && !actor_is_admin {
        return Err(ErrorCode::AdminRequired);
    }
    if !actor_is_admin {
        let had = before.map_or(PermissionSet::EMPTY, StaffRecord::permissions);
        if !after.permissions().minus(had).minus(me.permissions).is_empty() {
            return Err(ErrorCode::PermissionNotHeld);
        }
    }
    if before.is_some_and(StaffRecord::is_active_admin) && !after.is_active_admin() && active_admins <= 1 {
        return Err(ErrorCode::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DepartmentId, UserId};
    use crate::org::{Remit, Staff};
    use crate::permissions::{PermissionSet, StaffRole, effective_permissions};

    fn staff(entity: EntityId, role: StaffRole, active: bool) -> Actor {
        Actor {
            user_id: UserId::new(),
            standing: Standing::Staff(Staff {
                entity_id: entity,
                role,
                department_ids: vec![DepartmentId::new()],
                permissions: role.default_permissions(),
                active,
            }),
        }
    }

    #[test]
    fn table() {
        let a = EntityId::new();
        let b = EntityId::new();
        let beneficiary = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        let platform = Actor { user_id: UserId::new(), standing: Standing::PlatformAdmin };
        let regulator_a = Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::Entities(vec![a])) };
        let regulator_all = Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::All) };
        let admin_a = staff(a, StaffRole::Admin, true);
        let supervisor_a = staff(a, StaffRole::Supervisor, true);
        let employee_a = staff(a, StaffRole::Employee, true);
        let inactive_admin_a = staff(a, StaffRole::Admin, false);

        use Action::*;
        let actions = [
            CreateEntity,
            CreateRegulator,
            ReadDirectory,
            ViewOrganisation(a),
            ViewOrganisation(b),
            ManageDepartments(a),
            ManageDepartments(b),
            ManageEmployees(a),
            ManageEmployees(b),
            ManageTransactionTypes(a),
            ManageTransactionTypes(b),
        ];
        // One row per actor; columns follow `actions`.
        let rows: [(&str, &Actor, [bool; 11]); 8] = [
            ("beneficiary", &beneficiary, [false, false, true, false, false, false, false, false, false, false, false]),
            ("platform admin", &platform, [true; 11]),
            (
                "regulator of a",
                &regulator_a,
                [false, false, true, true, false, false, false, false, false, false, false],
            ),
            (
                "regulator of all",
                &regulator_all,
                [false, false, true, true, true, false, false, false, false, false, false],
            ),
            ("admin of a", &admin_a, [false, false, true, true, false, true, false, true, false, true, false]),
            (
                "supervisor of a",
                &supervisor_a,
                [false, false, true, true, false, false, false, false, false, false, false],
            ),
            ("employee of a", &employee_a, [false, false, true, true, false, false, false, false, false, false, false]),
            ("inactive admin of a", &inactive_admin_a, [false; 11]),
        ];
        for (who, actor, expected) in rows {
            for (action, want) in actions.iter().zip(expected) {
                assert_eq!(authorize(actor, *action).is_ok(), want, "{who} / {action:?}");
            }
        }
    }

    #[test]
    fn grants_and_revokes_change_what_is_allowed() {
        let a = EntityId::new();
        let mut granted = staff(a, StaffRole::Employee, true);
        if let Standing::Staff(s) = &mut granted.standing {
            s.permissions = effective_permissions(
                StaffRole::Employee,
                [Permission::EmployeeManage].into_iter().collect(),
                PermissionSet::EMPTY,
            );
        }
        assert!(authorize(&granted, Action::ManageEmployees(a)).is_ok());
        assert!(authorize(&granted, Action::ManageDepartments(a)).is_err());

        let mut revoked = staff(a, StaffRole::Admin, true);
        if let Standing::Staff(s) = &mut revoked.standing {
            s.permissions = effective_permissions(
                StaffRole::Admin,
                PermissionSet::EMPTY,
                [Permission::EmployeeManage].into_iter().collect(),
            );
        }
        assert!(authorize(&revoked, Action::ManageEmployees(a)).is_err());
        assert!(authorize(&revoked, Action::ManageDepartments(a)).is_ok());
    }
}

/// Something a caller wants to do to a transaction they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionAction {
    Comment(crate::visibility::Visibility),
    /// A voice comment: for staff, `comment.voice` as well as the comment permission.
    Voice(crate::visibility::Visibility),
    Assign,
    Postpone,
    AwaitBeneficiary,
    Complete,
    Reject,
    /// `closed_at` of the transaction and the time now: a beneficiary may reopen
    /// within `REOPEN_WINDOW`.
    Reopen {
        closed_at: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
    },
    Rate,
}

/// Whose audit trail a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    /// Every chain, the platform's included (the platform admin).
    Everything,
    /// Every entity's chain, not the platform's (a regulator of all entities).
    AllEntities,
    Entities(Vec<EntityId>),
}

/// Who reads the audit trail, and of which entities: an entity's holders of
/// `audit.view` their own entity's; regulators the entities in their remit;
/// the platform admin everything. `requested` narrows it to one entity, which
/// must be within the caller's reach. Nobody else reads it.
pub fn audit_scope(actor: &Actor, requested: Option<EntityId>) -> Result<AuditScope, Denied> {
    oversight(actor, Permission::AuditView, requested)
}

/// Who reads entities' figures (the overview and the statistics), and of
/// which: the same reach as the audit trail's, through `stats.view`.
pub fn stats_scope(actor: &Actor, requested: Option<EntityId>) -> Result<AuditScope, Denied> {
    oversight(actor, Permission::StatsView, requested)
}

/// Who reads the platform's figures across entities (`/stats/platform`):
/// regulators, over their remit, and the platform admin.
pub fn platform_stats_scope(actor: &Actor) -> Result<AuditScope, Denied> {
    match &actor.standing {
        Standing::PlatformAdmin | Standing::Regulator(_) => oversight(actor, Permission::StatsView, None),
        _ => Err(Denied),
    }
}

/// Whose figures a person reads as their own history (`/me/stats`): a
/// beneficiary's are the transactions they opened, an employee's those they
/// hold. Regulators and the platform admin open and hold none.
pub fn own_stats(actor: &Actor) -> Result<Whose, Denied> {
    match &actor.standing {
        Standing::Beneficiary => Ok(Whose::Beneficiary(actor.user_id)),
        Standing::Staff(s) if s.active => Ok(Whose::Holder(actor.user_id)),
        Standing::Staff(_) | Standing::Regulator(_) | Standing::PlatformAdmin => Err(Denied),
    }
}

/// The oversight of entities: staff holding `permission` over their own
/// entity, regulators over their remit, the platform admin over everything.
fn oversight(actor: &Actor, permission: Permission, requested: Option<EntityId>) -> Result<AuditScope, Denied> {
    let scope = match &actor.standing {
        Standing::PlatformAdmin => AuditScope::Everything,
        Standing::Regulator(crate::org::Remit::All) => AuditScope::AllEntities,
        Standing::Regulator(crate::org::Remit::Entities(ids)) => AuditScope::Entities(ids.clone()),
        Standing::Staff(s) if s.active && s.permissions.contains(permission) => AuditScope::Entities(vec![s.entity_id]),
        _ => return Err(Denied),
    };
    let Some(e) = requested else { return Ok(scope) };
    let reaches = match &scope {
        AuditScope::Everything | AuditScope::AllEntities => true,
        AuditScope::Entities(ids) => ids.contains(&e),
    };
    if reaches { Ok(AuditScope::Entities(vec![e])) } else { Err(Denied) }
}

/// How long after closing a beneficiary may reopen their transaction.
pub const REOPEN_WINDOW: chrono::Duration = chrono::Duration::days(14);

/// Who may act on a transaction. The caller must first be able to see it
/// (`visibility::can_view`); an invisible transaction is 404, not 403.
pub fn authorize_on_transaction(
    actor: &Actor,
    t: &crate::visibility::TransactionFacts,
    action: TransactionAction,
) -> Result<(), Denied> {
    use crate::visibility::Visibility;
    use TransactionAction::*;
    if !crate::visibility::can_view(actor, t) {
        return Err(Denied);
    }
    let allowed = match &actor.standing {
        Standing::PlatformAdmin => !matches!(action, Rate),
        Standing::Regulator(_) => false,
        Standing::Beneficiary => match action {
            Comment(Visibility::External) | Voice(Visibility::External) | Rate => true,
            // A transaction that is not closed is theirs to reopen as far as
            // permission goes; the lifecycle refuses the step (409).
            Reopen { closed_at: None, .. } => true,
            Reopen { closed_at: Some(closed), now } => now - closed <= REOPEN_WINDOW,
            _ => false,
        },
        Standing::Staff(s) => {
            let has = |p| s.permissions.contains(p);
            match action {
                Comment(Visibility::External) => has(Permission::CommentExternal),
                Comment(Visibility::Internal) => has(Permission::CommentInternal),
                Voice(Visibility::External) => has(Permission::CommentVoice) && has(Permission::CommentExternal),
                Voice(Visibility::Internal) => has(Permission::CommentVoice) && has(Permission::CommentInternal),
                Assign => has(Permission::TransactionAssign),
                Postpone => has(Permission::TransactionPostpone),
                AwaitBeneficiary => t.assignee_id == Some(actor.user_id) && has(Permission::CommentExternal),
                Complete => has(Permission::TransactionComplete),
                Reject => has(Permission::TransactionReject),
                // A supervisor (one who may reassign) reopens at any time.
                Reopen { .. } => has(Permission::TransactionAssign),
                Rate => false,
            }
        }
    };
    if allowed { Ok(()) } else { Err(Denied) }
}

#[cfg(test)]
mod audit_tests {
    use super::*;
    use crate::ids::{DepartmentId, UserId};
    use crate::org::{Remit, Staff};

    #[test]
    fn who_reads_which_trail() {
        let (mine, theirs) = (EntityId::new(), EntityId::new());
        let staff = |role: StaffRole| Actor {
            user_id: UserId::new(),
            standing: Standing::Staff(Staff {
                entity_id: mine,
                role,
                department_ids: vec![DepartmentId::new()],
                permissions: role.default_permissions(),
                active: true,
            }),
        };
        let supervisor = staff(StaffRole::Supervisor);
        assert_eq!(audit_scope(&supervisor, None), Ok(AuditScope::Entities(vec![mine])));
        assert_eq!(audit_scope(&supervisor, Some(mine)), Ok(AuditScope::Entities(vec![mine])));
        assert_eq!(audit_scope(&supervisor, Some(theirs)), Err(Denied), "another entity's trail");
        assert_eq!(audit_scope(&staff(StaffRole::Employee), None), Err(Denied), "no audit.view");
        let beneficiary = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        assert_eq!(audit_scope(&beneficiary, Some(mine)), Err(Denied));
        let regulator = Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::Entities(vec![theirs])) };
        assert_eq!(audit_scope(&regulator, Some(mine)), Err(Denied), "outside the remit");
        assert_eq!(audit_scope(&regulator, None), Ok(AuditScope::Entities(vec![theirs])));
        let everywhere = Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::All) };
        assert_eq!(audit_scope(&everywhere, None), Ok(AuditScope::AllEntities), "never the platform's own chain");
        let admin = Actor { user_id: UserId::new(), standing: Standing::PlatformAdmin };
        assert_eq!(audit_scope(&admin, None), Ok(AuditScope::Everything));
    }

    #[test]
    fn each_reads_their_own_history_and_nobody_else_s() {
        let employee = Actor {
            user_id: UserId::new(),
            standing: Standing::Staff(Staff {
                entity_id: EntityId::new(),
                role: StaffRole::Employee,
                department_ids: vec![DepartmentId::new()],
                permissions: StaffRole::Employee.default_permissions(),
                active: true,
            }),
        };
        assert_eq!(own_stats(&employee), Ok(Whose::Holder(employee.user_id)), "no stats.view needed");
        let mut gone = employee.clone();
        if let Standing::Staff(s) = &mut gone.standing {
            s.active = false;
        }
        assert_eq!(own_stats(&gone), Err(Denied));
        let beneficiary = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        assert_eq!(own_stats(&beneficiary), Ok(Whose::Beneficiary(beneficiary.user_id)));
        for standing in [Standing::Regulator(Remit::All), Standing::PlatformAdmin] {
            assert_eq!(own_stats(&Actor { user_id: UserId::new(), standing }), Err(Denied), "they hold none");
        }
    }
}

#[cfg(test)]
mod transaction_tests {
    use super::*;
    use crate::ids::{DepartmentId, UserId};
    use crate::org::Staff;
    use crate::permissions::StaffRole;
    use crate::visibility::{TransactionFacts, Visibility};

    #[test]
    fn who_may_act() {
        let entity = EntityId::new();
        let dept = DepartmentId::new();
        let beneficiary = Actor { user_id: UserId::new(), standing: Standing::Beneficiary };
        let staff = |role: StaffRole| Actor {
            user_id: UserId::new(),
            standing: Standing::Staff(Staff {
                entity_id: entity,
                role,
                department_ids: vec![dept],
                permissions: role.default_permissions(),
                active: true,
            }),
        };
        let employee = staff(StaffRole::Employee);
        let supervisor = staff(StaffRole::Supervisor);
        let t = TransactionFacts {
            entity_id: entity,
            department_id: dept,
            beneficiary_id: beneficiary.user_id,
            assignee_id: Some(employee.user_id),
        };
        let now = chrono::Utc::now();
        use TransactionAction::*;
        assert!(authorize_on_transaction(&beneficiary, &t, Comment(Visibility::External)).is_ok());
        assert!(authorize_on_transaction(&beneficiary, &t, Comment(Visibility::Internal)).is_err());
        assert!(authorize_on_transaction(&employee, &t, Comment(Visibility::Internal)).is_ok());
        assert!(authorize_on_transaction(&beneficiary, &t, Voice(Visibility::External)).is_ok());
        assert!(authorize_on_transaction(&beneficiary, &t, Voice(Visibility::Internal)).is_err());
        assert!(authorize_on_transaction(&employee, &t, Voice(Visibility::Internal)).is_ok());
        assert!(authorize_on_transaction(&employee, &t, Postpone).is_err(), "a plain employee cannot postpone");
        assert!(authorize_on_transaction(&supervisor, &t, Postpone).is_ok());
        assert!(authorize_on_transaction(&employee, &t, AwaitBeneficiary).is_ok());
        assert!(authorize_on_transaction(&supervisor, &t, AwaitBeneficiary).is_err(), "only the assignee");
        let closed = Some(now - chrono::Duration::days(3));
        assert!(authorize_on_transaction(&beneficiary, &t, Reopen { closed_at: closed, now }).is_ok());
        let long_ago = Some(now - chrono::Duration::days(15));
        assert!(authorize_on_transaction(&beneficiary, &t, Reopen { closed_at: long_ago, now }).is_err());
        assert!(authorize_on_transaction(&supervisor, &t, Reopen { closed_at: long_ago, now }).is_ok());
        assert!(
            authorize_on_transaction(&beneficiary, &t, Reopen { closed_at: None, now }).is_ok(),
            "not closed: permitted here, refused by the lifecycle"
        );
        assert!(authorize_on_transaction(&employee, &t, Reopen { closed_at: None, now }).is_err());
        assert!(authorize_on_transaction(&employee, &t, Rate).is_err());
        assert!(authorize_on_transaction(&beneficiary, &t, Rate).is_ok());
    }
}

#[cfg(test)]
mod staff_change_tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ids::{DepartmentId, UserId};
    use crate::org::{Remit, Staff};

    fn record(entity: EntityId, role: StaffRole) -> StaffRecord {
        StaffRecord {
            user_id: UserId::new(),
            entity_id: entity,
            role,
            grants: PermissionSet::EMPTY,
            revokes: PermissionSet::EMPTY,
            department_ids: vec![],
            active: true,
        }
    }

    fn actor_of(r: &StaffRecord) -> Actor {
        Actor {
            user_id: r.user_id,
            standing: Standing::Staff(Staff {
                entity_id: r.entity_id,
                role: r.role,
                department_ids: r.department_ids.clone(),
                permissions: r.permissions(),
                active: r.active,
            }),
        }
    }

    fn set(bits: u32) -> PermissionSet {
        Permission::ALL.iter().copied().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, p)| p).collect()
    }

    #[test]
    fn the_rows_of_the_probe() {
        let e = EntityId::new();
        let admin = record(e, StaffRole::Admin);
        let mut manager = record(e, StaffRole::Employee);
        manager.grants = [Permission::EmployeeManage].into_iter().collect();
        let m = actor_of(&manager);

        // Row 1: an employee with `employee.manage` makes themselves admin.
        let promoted = StaffRecord { role: StaffRole::Admin, ..manager.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&manager), &promoted, 1), Err(ErrorCode::EmployeeSelfChange));
        // … grants themselves `audit.view`.
        let granted = StaffRecord { grants: set(u32::MAX), ..manager.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&manager), &granted, 1), Err(ErrorCode::EmployeeSelfChange));
        // … deactivates or demotes the real admin, or creates a new one.
        let off = StaffRecord { active: false, ..admin.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&admin), &off, 1), Err(ErrorCode::AdminRequired));
        let demoted = StaffRecord { role: StaffRole::Employee, ..admin.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&admin), &demoted, 1), Err(ErrorCode::AdminRequired));
        assert_eq!(authorize_staff_change(&m, None, &record(e, StaffRole::Admin), 1), Err(ErrorCode::AdminRequired));
        // … gives a colleague what they do not hold, or makes them a supervisor.
        let colleague = record(e, StaffRole::Employee);
        let audit = StaffRecord { grants: [Permission::AuditView].into_iter().collect(), ..colleague.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&colleague), &audit, 1), Err(ErrorCode::PermissionNotHeld));
        let sup = StaffRecord { role: StaffRole::Supervisor, ..colleague.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&colleague), &sup, 1), Err(ErrorCode::PermissionNotHeld));
        // What they may do: pass on what they hold, move people, take away.
        let manage = StaffRecord { grants: [Permission::EmployeeManage].into_iter().collect(), ..colleague.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&colleague), &manage, 1), Ok(()));
        let moved = StaffRecord { department_ids: vec![DepartmentId::new()], ..colleague.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&colleague), &moved, 1), Ok(()));
        let revoked = StaffRecord { revokes: set(u32::MAX), ..colleague.clone() };
        assert_eq!(authorize_staff_change(&m, Some(&colleague), &revoked, 1), Ok(()));

        // Row 3: the only admin neither deactivates nor demotes themselves, and no
        // other admin leaves the entity without one.
        let a = actor_of(&admin);
        assert_eq!(authorize_staff_change(&a, Some(&admin), &off, 1), Err(ErrorCode::EmployeeSelfChange));
        let second = record(e, StaffRole::Admin);
        let s = actor_of(&second);
        assert_eq!(authorize_staff_change(&s, Some(&admin), &off, 2), Ok(()));
        assert_eq!(authorize_staff_change(&s, Some(&admin), &off, 1), Err(ErrorCode::LastAdmin));
        assert_eq!(authorize_staff_change(&s, Some(&admin), &demoted, 1), Err(ErrorCode::LastAdmin));
        let platform = Actor { user_id: UserId::new(), standing: Standing::PlatformAdmin };
        assert_eq!(authorize_staff_change(&platform, Some(&admin), &off, 1), Ok(()));
        // An admin may still put themselves on leave: that is not their standing.
        assert_eq!(authorize_staff_change(&a, Some(&admin), &admin.clone(), 1), Ok(()));
        // Another entity's admin is nobody here.
        let stranger = actor_of(&record(EntityId::new(), StaffRole::Admin));
        assert_eq!(authorize_staff_change(&stranger, Some(&colleague), &moved, 1), Err(ErrorCode::Forbidden));
    }

    /// One change a caller asks for: who asks (an index into the entity's staff,
    /// or an outsider), whom (an index, or a new employee), and what.
    #[derive(Debug, Clone)]
    struct Request {
        actor: usize,
        target: Option<usize>,
        role: Option<StaffRole>,
        grants: Option<u32>,
        revokes: Option<u32>,
        active: Option<bool>,
        move_departments: bool,
    }

    fn role() -> impl Strategy<Value = StaffRole> {
        prop_oneof![Just(StaffRole::Admin), Just(StaffRole::Supervisor), Just(StaffRole::Employee)]
    }

    fn request() -> impl Strategy<Value = Request> {
        (
            0usize..12,
            proptest::option::weighted(0.8, 0usize..12),
            proptest::option::of(role()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
        )
            .prop_map(|(actor, target, role, grants, revokes, active, move_departments)| Request {
                actor,
                target,
                role,
                grants,
                revokes,
                active,
                move_departments,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Any sequence of changes asked by anyone inside or outside the entity:
        /// what is allowed never gives a permission the actor lacks (admins
        /// aside), never changes the actor's own standing, and never leaves the
        /// entity without an active admin.
        #[test]
        fn changes_keep_the_invariants(
            others in proptest::collection::vec((role(), any::<u32>(), any::<u32>(), any::<bool>()), 0..6),
            requests in proptest::collection::vec(request(), 1..40),
        ) {
            let e = EntityId::new();
            let mut staff = vec![record(e, StaffRole::Admin)];
            for (role, grants, revokes, active) in others {
                staff.push(StaffRecord { grants: set(grants), revokes: set(revokes), active, ..record(e, role) });
            }
            let outsiders = [
                actor_of(&record(EntityId::new(), StaffRole::Admin)),
                Actor { user_id: UserId::new(), standing: Standing::Beneficiary },
                Actor { user_id: UserId::new(), standing: Standing::Regulator(Remit::All) },
            ];
            for r in requests {
                let actor = if r.actor < staff.len() {
                    actor_of(&staff[r.actor])
                } else {
                    outsiders[r.actor % outsiders.len()].clone()
                };
                let target = r.target.filter(|t| *t < staff.len());
                let before = target.map(|t| staff[t].clone());
                let mut after = before.clone().unwrap_or_else(|| record(e, StaffRole::Employee));
                if let Some(role) = r.role { after.role = role; }
                if let Some(g) = r.grants { after.grants = set(g); }
                if let Some(v) = r.revokes { after.revokes = set(v); }
                if let Some(a) = r.active { after.active = a; }
                if r.move_departments { after.department_ids = vec![DepartmentId::new()]; }
                let admins = staff.iter().filter(|s| s.is_active_admin()).count();
                if authorize_staff_change(&actor, before.as_ref(), &after, admins).is_err() {
                    continue;
                }
                let Standing::Staff(me) = &actor.standing else {
                    prop_assert!(false, "only the entity's staff may change its staff: {:?}", actor);
                    unreachable!()
                };
                prop_assert_eq!(me.entity_id, e);
                prop_assert!(me.active && me.permissions.contains(Permission::EmployeeManage));
                if let Some(b) = &before {
                    prop_assert!(b.user_id != actor.user_id || !b.standing_differs(&after), "changed their own standing");
                }
                if me.role != StaffRole::Admin {
                    let had = before.as_ref().map_or(PermissionSet::EMPTY, StaffRecord::permissions);
                    let gained = after.permissions().minus(had);
                    prop_assert!(gained.minus(me.permissions).is_empty(), "gave {:?} without holding it", gained);
                    prop_assert!(after.role != StaffRole::Admin && before.as_ref().is_none_or(|b| b.role != StaffRole::Admin));
                }
                match target {
                    Some(t) => staff[t] = after,
                    None => staff.push(after),
                }
                prop_assert!(staff.iter().any(StaffRecord::is_active_admin), "no active admin left");
            }
        }
    }
}
