//! Who may do what: the one authorization function every read and write goes
//! through. Handlers never hold their own `if` about permissions.

use crate::ids::EntityId;
use crate::org::{Actor, Standing};
use crate::permissions::Permission;

/// Something a caller wants to do, with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register a new entity on the platform.
    CreateEntity,
    /// Create a regulator account.
    CreateRegulator,
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
        (_, Action::CreateEntity | Action::CreateRegulator) => false,
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
    };
    if allowed { Ok(()) } else { Err(Denied) }
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
        assert!(authorize_on_transaction(&employee, &t, Rate).is_err());
        assert!(authorize_on_transaction(&beneficiary, &t, Rate).is_ok());
    }
}
