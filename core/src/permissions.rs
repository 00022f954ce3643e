//! Permissions, the staff roles that grant default sets of them, and one
//! employee's effective set (role defaults, plus grants, minus revokes).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

macro_rules! permissions {
    ($($variant:ident => $s:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum Permission { $(#[serde(rename = $s)] $variant),* }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $s),* }
            }

            pub fn parse(s: &str) -> Result<Permission, ErrorCode> {
                match s { $($s => Ok(Permission::$variant),)* _ => Err(ErrorCode::InvalidChoice) }
            }
        }
    };
}

permissions! {
    TransactionViewOwn => "transaction.view_own",
    TransactionViewDepartment => "transaction.view_department",
    TransactionViewEntity => "transaction.view_entity",
    TransactionAssign => "transaction.assign",
    TransactionPostpone => "transaction.postpone",
    TransactionComplete => "transaction.complete",
    TransactionReject => "transaction.reject",
    CommentExternal => "comment.external",
    CommentInternal => "comment.internal",
    CommentVoice => "comment.voice",
    MeetingCreate => "meeting.create",
    MeetingVote => "meeting.vote",
    FinanceEnter => "finance.enter",
    FinanceReview => "finance.review",
    FinanceApprove => "finance.approve",
    EmployeeManage => "employee.manage",
    DepartmentManage => "department.manage",
    StatsView => "stats.view",
    AuditView => "audit.view",
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Permission {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of permissions as a bit set; iteration follows `Permission::ALL`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    pub fn all() -> PermissionSet {
        Permission::ALL.iter().copied().collect()
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn remove(&mut self, p: Permission) {
        self.0 &= !p.bit();
    }

    pub fn union(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 | other.0)
    }

    pub fn minus(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & !other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.iter().copied().filter(move |p| self.contains(*p))
    }

    pub fn to_vec(self) -> Vec<Permission> {
        self.iter().collect()
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut s = PermissionSet::EMPTY;
        for p in iter {
            s.insert(p);
        }
        s
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Permission::as_str)).finish()
    }
}

/// The role of an employee inside their entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Supervisor,
    Employee,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Employee, StaffRole::Supervisor, StaffRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Result<StaffRole, ErrorCode> {
        match s {
            "admin" => Ok(StaffRole::Admin),
            "supervisor" => Ok(StaffRole::Supervisor),
            "employee" => Ok(StaffRole::Employee),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }

    /// The default permissions of API.md "Entities and their organisation".
    pub fn default_permissions(self) -> PermissionSet {
        use Permission::*;
        let employee =
            [TransactionViewOwn, TransactionComplete, CommentExternal, CommentInternal, CommentVoice, MeetingVote];
        match self {
            StaffRole::Employee => employee.into_iter().collect(),
            StaffRole::Supervisor => employee
                .into_iter()
                .chain([
                    TransactionViewDepartment,
                    TransactionAssign,
                    TransactionPostpone,
                    TransactionReject,
                    MeetingCreate,
                    StatsView,
                    AuditView,
                ])
                .collect(),
            StaffRole::Admin => PermissionSet::all(),
        }
    }
}

/// An employee's effective permissions: the role's defaults, then grants added,
/// then revokes removed (a revoke wins over a grant of the same permission).
pub fn effective_permissions(role: StaffRole, grants: PermissionSet, revokes: PermissionSet) -> PermissionSet {
    role.default_permissions().union(grants).minus(revokes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    fn set(ps: &[Permission]) -> PermissionSet {
        ps.iter().copied().collect()
    }

    /// The permission table of API.md, written out in full so that a change to a
    /// default set shows up here as a failing row.
    #[test]
    fn default_sets_per_role() {
        let table: [(StaffRole, &[Permission]); 3] = [
            (
                StaffRole::Employee,
                &[TransactionViewOwn, TransactionComplete, CommentExternal, CommentInternal, CommentVoice, MeetingVote],
            ),
            (
                StaffRole::Supervisor,
                &[
                    TransactionViewOwn,
                    TransactionViewDepartment,
                    TransactionAssign,
                    TransactionPostpone,
                    TransactionComplete,
                    TransactionReject,
                    CommentExternal,
                    CommentInternal,
                    CommentVoice,
                    MeetingCreate,
                    MeetingVote,
                    StatsView,
                    AuditView,
                ],
            ),
            (StaffRole::Admin, Permission::ALL),
        ];
        for (role, expected) in table {
            assert_eq!(role.default_permissions(), set(expected), "{role:?}");
        }
        assert_eq!(StaffRole::Admin.default_permissions().len(), 19);
        assert!(!StaffRole::Supervisor.default_permissions().contains(TransactionViewEntity));
        assert!(!StaffRole::Employee.default_permissions().contains(TransactionPostpone));
    }

    #[test]
    fn grants_and_revokes() {
        let e = effective_permissions(StaffRole::Employee, set(&[TransactionPostpone]), PermissionSet::EMPTY);
        assert!(e.contains(TransactionPostpone));
        let e = effective_permissions(StaffRole::Supervisor, PermissionSet::EMPTY, set(&[TransactionAssign]));
        assert!(!e.contains(TransactionAssign));
        assert!(e.contains(TransactionReject));
        // A revoke wins over a grant of the same permission.
        let e = effective_permissions(StaffRole::Employee, set(&[StatsView]), set(&[StatsView, CommentInternal]));
        assert!(!e.contains(StatsView));
        assert!(!e.contains(CommentInternal));
        // Revoking from an admin removes exactly that permission.
        let e = effective_permissions(StaffRole::Admin, PermissionSet::EMPTY, set(&[FinanceApprove]));
        assert_eq!(e.len(), 18);
    }

    #[test]
    fn names_round_trip() {
        for &p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Ok(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.as_str()));
        }
        assert!(Permission::parse("transaction.fly").is_err());
    }
}
