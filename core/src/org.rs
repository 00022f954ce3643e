//! The organisation model: who a signed-in caller is, as the policy sees them.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::ids::{DepartmentId, EntityId, UserId};
use crate::permissions::{PermissionSet, StaffRole};

/// The role of an account on the platform. Employees carry their staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Beneficiary,
    Employee,
    Supervisor,
    Admin,
    Regulator,
    PlatformAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Beneficiary => "beneficiary",
            Role::Employee => "employee",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Regulator => "regulator",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, ErrorCode> {
        match s {
            "beneficiary" => Ok(Role::Beneficiary),
            "employee" => Ok(Role::Employee),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            "regulator" => Ok(Role::Regulator),
            "platform_admin" => Ok(Role::PlatformAdmin),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }

    pub fn staff(self) -> Option<StaffRole> {
        match self {
            Role::Employee => Some(StaffRole::Employee),
            Role::Supervisor => Some(StaffRole::Supervisor),
            Role::Admin => Some(StaffRole::Admin),
            _ => None,
        }
    }
}

impl From<StaffRole> for Role {
    fn from(r: StaffRole) -> Role {
        match r {
            StaffRole::Employee => Role::Employee,
            StaffRole::Supervisor => Role::Supervisor,
            StaffRole::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Government,
    Private,
    Nonprofit,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Government, EntityKind::Private, EntityKind::Nonprofit];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Government => "government",
            EntityKind::Private => "private",
            EntityKind::Nonprofit => "nonprofit",
        }
    }

    pub fn parse(s: &str) -> Result<EntityKind, ErrorCode> {
        match s {
            "government" => Ok(EntityKind::Government),
            "private" => Ok(EntityKind::Private),
            "nonprofit" => Ok(EntityKind::Nonprofit),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

/// Which entities a regulator watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remit {
    All,
    Entities(Vec<EntityId>),
}

impl Remit {
    pub fn covers(&self, entity: EntityId) -> bool {
        match self {
            Remit::All => true,
            Remit::Entities(ids) => ids.contains(&entity),
        }
    }
}

/// Where a staff member works and what they may do there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub entity_id: EntityId,
    pub role: StaffRole,
    pub department_ids: Vec<DepartmentId>,
    pub permissions: PermissionSet,
    pub active: bool,
}

/// What kind of caller, with exactly the facts the policy needs about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Beneficiary,
    Staff(Staff),
    Regulator(Remit),
    PlatformAdmin,
}

/// A signed-in caller as the policy sees them, loaded fresh for each request so
/// that a revoked permission or a deactivation takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub standing: Standing,
}

impl Actor {
    pub fn role(&self) -> Role {
        match &self.standing {
            Standing::Beneficiary => Role::Beneficiary,
            Standing::Staff(s) => s.role.into(),
            Standing::Regulator(_) => Role::Regulator,
            Standing::PlatformAdmin => Role::PlatformAdmin,
        }
    }

    pub fn staff(&self) -> Option<&Staff> {
        match &self.standing {
            Standing::Staff(s) => Some(s),
            _ => None,
        }
    }
}

/// One employee as the rule of who may change whom sees them: the facts a
/// change can touch, before or after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub user_id: UserId,
    pub entity_id: EntityId,
    pub role: StaffRole,
    pub grants: PermissionSet,
    pub revokes: PermissionSet,
    pub department_ids: Vec<DepartmentId>,
    pub active: bool,
}

impl StaffRecord {
    /// The effective permissions: the role's defaults, plus grants, minus revokes.
    pub fn permissions(&self) -> PermissionSet {
        crate::permissions::effective_permissions(self.role, self.grants, self.revokes)
    }

    pub fn is_active_admin(&self) -> bool {
        self.active && self.role == StaffRole::Admin
    }

    /// Whether `other` differs in anything only someone else may change: role,
    /// permissions, departments or whether the account is active.
    pub fn standing_differs(&self, other: &StaffRecord) -> bool {
        self.role != other.role
            || self.grants != other.grants
            || self.revokes != other.revokes
            || self.active != other.active
            || !same_set(&self.department_ids, &other.department_ids)
    }
}

fn same_set(a: &[DepartmentId], b: &[DepartmentId]) -> bool {
    a.iter().all(|d| b.contains(d)) && b.iter().all(|d| a.contains(d))
}
