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
