//! Entities and their organisation: departments, employees, transaction types,
//! regulators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::optional;
use crate::api::auth::EntityIds;
use crate::error::{ErrorCode, FieldErrors};
use crate::identity::{Email, Mobile, Name, NationalId, Password};
use crate::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use crate::org::{EntityKind, Remit, StaffRecord};
use crate::permissions::{Permission, PermissionSet, StaffRole};

/// The unified number (الرقم الموحد) of an establishment: 10 digits starting with 7.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnifiedNumber(String);

impl UnifiedNumber {
    pub fn parse(raw: &str) -> Result<UnifiedNumber, ErrorCode> {
        let s = crate::identity::ascii_digits(raw.trim());
        if s.len() == 10 && s.starts_with('7') && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(UnifiedNumber(s))
        } else {
            Err(ErrorCode::InvalidUnifiedNumber)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn parse_permissions(e: &mut FieldErrors, field: &str, raw: &Option<Vec<String>>) -> Option<PermissionSet> {
    let mut set = PermissionSet::EMPTY;
    let mut ok = true;
    for (i, p) in raw.iter().flatten().enumerate() {
        match e.check(&format!("{field}[{i}]"), Permission::parse(p)) {
            Some(p) => set.insert(p),
            None => ok = false,
        }
    }
    ok.then_some(set)
}

fn parse_uuid_list<T: From<uuid::Uuid>>(e: &mut FieldErrors, field: &str, raw: &[String]) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, s) in raw.iter().enumerate() {
        match e.check(&format!("{field}[{i}]"), uuid::Uuid::parse_str(s).map_err(|_| ErrorCode::InvalidField)) {
            Some(u) if !out.contains(&u) => out.push(u),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then(|| out.into_iter().map(T::from).collect())
}

/// The personal details of a new staff account, common to employees, entity
/// admins and regulators.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name_ar: Name,
    pub name_en: Name,
    pub email: Email,
    pub mobile: Mobile,
    pub national_id: NationalId,
    /// `None`: generate one and e-mail it.
    pub initial_password: Option<Password>,
}

#[allow(clippy::too_many_arguments)]
fn parse_person(
    e: &mut FieldErrors,
    prefix: &str,
    name_ar: &str,
    name_en: &str,
    email: &str,
    mobile: &str,
    national_id: &str,
    initial_password: Option<&str>,
) -> Option<NewPerson> {
    let personal = [national_id, mobile, email, name_ar, name_en];
    let name_ar = e.check(&format!("{prefix}name_ar"), Name::parse(name_ar));
    let name_en = e.check(&format!("{prefix}name_en"), Name::parse(name_en));
    let email = e.check(&format!("{prefix}email"), Email::parse(email));
    let mobile = e.check(&format!("{prefix}mobile"), Mobile::parse(mobile));
    let national_id = e.check(&format!("{prefix}national_id"), NationalId::parse(national_id));
    let initial_password =
        optional(e, &format!("{prefix}initial_password"), initial_password, |p| Password::parse(p, &personal));
    Some(NewPerson {
        name_ar: name_ar?,
        name_en: name_en?,
        email: email?,
        mobile: mobile?,
        national_id: national_id?,
        initial_password: initial_password?,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewEntityAdminRequest {
    pub name_ar: String,
    pub name_en: String,
    pub email: String,
    pub mobile: String,
    pub national_id: String,
    #[serde(default)]
    pub initial_password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateEntityRequest {
    pub name_ar: String,
    pub name_en: String,
    #[schema(value_type = EntityKind)]
    pub kind: String,
    pub unified_number: String,
    pub admin: NewEntityAdminRequest,
}

#[derive(Debug, Clone)]
pub struct NewEntity {
    pub name_ar: Name,
    pub name_en: Name,
    pub kind: EntityKind,
    pub unified_number: UnifiedNumber,
    pub admin: NewPerson,
}

impl CreateEntityRequest {
    pub fn parse(&self) -> Result<NewEntity, FieldErrors> {
        let mut e = FieldErrors::default();
        let name_ar = e.check("name_ar", Name::parse(&self.name_ar));
        let name_en = e.check("name_en", Name::parse(&self.name_en));
        let kind = e.check("kind", EntityKind::parse(&self.kind));
        let unified_number = e.check("unified_number", UnifiedNumber::parse(&self.unified_number));
        let a = &self.admin;
        let admin = parse_person(
            &mut e,
            "admin.",
            &a.name_ar,
            &a.name_en,
            &a.email,
            &a.mobile,
            &a.national_id,
            a.initial_password.as_deref(),
        );
        let all = (|| {
            Some(NewEntity {
                name_ar: name_ar?,
                name_en: name_en?,
                kind: kind?,
                unified_number: unified_number?,
                admin: admin?,
            })
        })();
        e.finish(all)
    }
}

/// An entity in the public directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntitySummary {
    pub id: EntityId,
    pub name_ar: String,
    pub name_en: String,
    pub kind: EntityKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntityView {
    pub id: EntityId,
    pub name_ar: String,
    pub name_en: String,
    pub kind: EntityKind,
    pub unified_number: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntityCreated {
    #[serde(flatten)]
    pub entity: EntityView,
    pub admin: EmployeeView,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateDepartmentRequest {
    pub name_ar: String,
    pub name_en: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub name_ar: Name,
    pub name_en: Name,
    pub parent_id: Option<DepartmentId>,
}

impl CreateDepartmentRequest {
    pub fn parse(&self) -> Result<NewDepartment, FieldErrors> {
        let mut e = FieldErrors::default();
        let name_ar = e.check("name_ar", Name::parse(&self.name_ar));
        let name_en = e.check("name_en", Name::parse(&self.name_en));
        let parent_id = optional(&mut e, "parent_id", self.parent_id.as_deref(), |s| {
            s.parse::<DepartmentId>().map_err(|_| ErrorCode::UnknownDepartment)
        });
        let all = (|| Some(NewDepartment { name_ar: name_ar?, name_en: name_en?, parent_id: parent_id? }))();
        e.finish(all)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub id: DepartmentId,
    pub entity_id: EntityId,
    pub name_ar: String,
    pub name_en: String,
    pub parent_id: Option<DepartmentId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateEmployeeRequest {
    pub name_ar: String,
    pub name_en: String,
    pub email: String,
    pub mobile: String,
    pub national_id: String,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub department_ids: Vec<String>,
    #[schema(value_type = StaffRole)]
    pub role: String,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Permission>>)]
    pub grant: Option<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Permission>>)]
    pub revoke: Option<Vec<String>>,
    #[serde(default)]
    pub initial_password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewEmployee {
    pub person: NewPerson,
    pub department_ids: Vec<DepartmentId>,
    pub role: StaffRole,
    pub grants: PermissionSet,
    pub revokes: PermissionSet,
}

impl CreateEmployeeRequest {
    pub fn parse(&self) -> Result<NewEmployee, FieldErrors> {
        let mut e = FieldErrors::default();
        let person = parse_person(
            &mut e,
            "",
            &self.name_ar,
            &self.name_en,
            &self.email,
            &self.mobile,
            &self.national_id,
            self.initial_password.as_deref(),
        );
        let department_ids = parse_uuid_list(&mut e, "department_ids", &self.department_ids);
        let role = e.check("role", StaffRole::parse(&self.role));
        let grants = parse_permissions(&mut e, "grant", &self.grant);
        let revokes = parse_permissions(&mut e, "revoke", &self.revoke);
        let all = (|| {
            Some(NewEmployee {
                person: person?,
                department_ids: department_ids?,
                role: role?,
                grants: grants?,
                revokes: revokes?,
            })
        })();
        e.finish(all)
    }
}

/// `PATCH /employees/{id}`: every field optional, an absent one left as it is;
/// `on_leave_until: null` ends a leave.
///
/// Who may change whom: nobody changes their own role, permissions, departments
/// or `active`; only an entity admin creates, changes, promotes, demotes or
/// deactivates an admin; another holder of `employee.manage` manages employees
/// and supervisors and can give them only permissions they hold themselves; the
/// last active admin of an entity is neither deactivated nor demoted (except by
/// the platform admin).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpdateEmployeeRequest {
    /// Replaces the employee's departments.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub department_ids: Option<Vec<String>>,
    /// A new role; its default permissions apply, adjusted by `grant` and `revoke`.
    #[serde(default)]
    #[schema(value_type = Option<StaffRole>)]
    pub role: Option<String>,
    /// Replaces the list of permissions given beyond the role's defaults (`[]`
    /// clears it). The effective set is the role's defaults, plus `grant`, minus
    /// `revoke`: a permission in both is revoked.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Permission>>)]
    pub grant: Option<Vec<String>>,
    /// Replaces the list of permissions taken away from the role's defaults or
    /// from `grant` (`[]` clears it).
    #[serde(default)]
    #[schema(value_type = Option<Vec<Permission>>)]
    pub revoke: Option<Vec<String>>,
    /// `false` deactivates the account: it is signed out everywhere at once.
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub on_leave_until: Option<Option<String>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn double_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeChanges {
    pub department_ids: Option<Vec<DepartmentId>>,
    pub role: Option<StaffRole>,
    pub grants: Option<PermissionSet>,
    pub revokes: Option<PermissionSet>,
    pub active: Option<bool>,
    pub on_leave_until: Option<Option<DateTime<Utc>>>,
}

impl UpdateEmployeeRequest {
    pub fn parse(&self) -> Result<EmployeeChanges, FieldErrors> {
        let mut e = FieldErrors::default();
        let department_ids = match &self.department_ids {
            None => Some(None),
            Some(ids) => parse_uuid_list(&mut e, "department_ids", ids).map(Some),
        };
        let role = optional(&mut e, "role", self.role.as_deref(), StaffRole::parse);
        let grants = match &self.grant {
            None => Some(None),
            g => parse_permissions(&mut e, "grant", g).map(Some),
        };
        let revokes = match &self.revoke {
            None => Some(None),
            r => parse_permissions(&mut e, "revoke", r).map(Some),
        };
        let on_leave_until = match &self.on_leave_until {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(s)) => e
                .check(
                    "on_leave_until",
                    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).map_err(|_| ErrorCode::InvalidField),
                )
                .map(|d| Some(Some(d))),
        };
        let all = (|| {
            Some(EmployeeChanges {
                department_ids: department_ids?,
                role: role?,
                grants: grants?,
                revokes: revokes?,
                active: self.active,
                on_leave_until: on_leave_until?,
            })
        })();
        e.finish(all)
    }
}

impl EmployeeChanges {
    /// The employee as these changes would leave them.
    pub fn apply(&self, before: &StaffRecord) -> StaffRecord {
        StaffRecord {
            role: self.role.unwrap_or(before.role),
            grants: self.grants.unwrap_or(before.grants),
            revokes: self.revokes.unwrap_or(before.revokes),
            department_ids: self.department_ids.clone().unwrap_or_else(|| before.department_ids.clone()),
            active: self.active.unwrap_or(before.active),
            ..before.clone()
        }
    }
}

impl NewEmployee {
    /// The employee this creates, for the rule of who may change whom.
    pub fn record(&self, entity_id: EntityId) -> StaffRecord {
        StaffRecord {
            user_id: UserId::new(),
            entity_id,
            role: self.role,
            grants: self.grants,
            revokes: self.revokes,
            department_ids: self.department_ids.clone(),
            active: true,
        }
    }
}

impl EmployeeView {
    pub fn record(&self) -> StaffRecord {
        StaffRecord {
            user_id: self.id,
            entity_id: self.entity_id,
            role: self.role,
            grants: self.grant.iter().copied().collect(),
            revokes: self.revoke.iter().copied().collect(),
            department_ids: self.department_ids.clone(),
            active: self.active,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmployeeView {
    pub id: UserId,
    pub entity_id: EntityId,
    pub name_ar: String,
    pub name_en: String,
    pub email: String,
    pub mobile: String,
    pub role: StaffRole,
    pub department_ids: Vec<DepartmentId>,
    /// The effective set: the role's defaults, plus grants, minus revokes.
    pub permissions: Vec<Permission>,
    pub grant: Vec<Permission>,
    pub revoke: Vec<Permission>,
    pub active: bool,
    pub on_leave_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoutingPolicy {
    RoundRobin,
    LeastLoaded,
}

impl RoutingPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RoutingPolicy::RoundRobin => "round_robin",
            RoutingPolicy::LeastLoaded => "least_loaded",
        }
    }

    pub fn parse(s: &str) -> Result<RoutingPolicy, ErrorCode> {
        match s {
            "round_robin" => Ok(RoutingPolicy::RoundRobin),
            "least_loaded" => Ok(RoutingPolicy::LeastLoaded),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice,
    File,
}

impl FieldKind {
    pub fn parse(s: &str) -> Result<FieldKind, ErrorCode> {
        match s {
            "text" => Ok(FieldKind::Text),
            "number" => Ok(FieldKind::Number),
            "date" => Ok(FieldKind::Date),
            "choice" => Ok(FieldKind::Choice),
            "file" => Ok(FieldKind::File),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldSpecRequest {
    pub key: String,
    pub label_ar: String,
    pub label_en: String,
    #[schema(value_type = FieldKind)]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub choices: Option<Vec<String>>,
}

/// A custom field of a transaction type, as stored and as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldSpec {
    pub key: String,
    pub label_ar: String,
    pub label_en: String,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
}

/// The most custom fields a transaction type asks for: a request form, not
/// a questionnaire (and a bound on what every new request is checked against).
pub const TYPE_FIELDS_MAX: usize = 30;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateTransactionTypeRequest {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    #[schema(value_type = String, format = Uuid)]
    pub department_id: String,
    pub sla_hours: i64,
    /// The target for the first answer, in working hours (at most `sla_hours`).
    #[serde(default)]
    pub first_response_hours: Option<i64>,
    /// After how many working hours without a step by its assignee a
    /// transaction is given to someone else (the SLA monitor's escalation).
    #[serde(default)]
    pub escalate_after_hours: Option<i64>,
    #[schema(value_type = RoutingPolicy)]
    pub routing: String,
    #[serde(default)]
    pub fields: Option<Vec<FieldSpecRequest>>,
}

#[derive(Debug, Clone)]
pub struct NewTransactionType {
    pub code: String,
    pub name_ar: Name,
    pub name_en: Name,
    pub department_id: DepartmentId,
    pub sla_hours: u32,
    pub first_response_hours: Option<u32>,
    pub escalate_after_hours: Option<u32>,
    pub routing: RoutingPolicy,
    pub fields: Vec<FieldSpec>,
}

fn parse_type_code(s: &str) -> Result<String, ErrorCode> {
    let ok = (2..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok { Ok(s.to_owned()) } else { Err(ErrorCode::InvalidTypeCode) }
}

fn parse_field_spec(e: &mut FieldErrors, i: usize, f: &FieldSpecRequest) -> Option<FieldSpec> {
    let p = format!("fields[{i}].");
    let key_ok = (1..=40).contains(&f.key.len())
        && f.key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let key = e.check(&format!("{p}key"), if key_ok { Ok(f.key.clone()) } else { Err(ErrorCode::InvalidFieldSpec) });
    let label_ar = e.check(&format!("{p}label_ar"), Name::parse(&f.label_ar));
    let label_en = e.check(&format!("{p}label_en"), Name::parse(&f.label_en));
    let kind = e.check(&format!("{p}kind"), FieldKind::parse(&f.kind));
    let choices = match (kind, &f.choices) {
        (Some(FieldKind::Choice), Some(c)) => {
            let cleaned: Vec<String> = c.iter().map(|s| s.trim().to_owned()).collect();
            let distinct = cleaned.iter().collect::<std::collections::HashSet<_>>().len() == cleaned.len();
            let ok = !cleaned.is_empty() && distinct && cleaned.iter().all(|s| Name::parse(s).is_ok());
            e.check(&format!("{p}choices"), if ok { Ok(Some(cleaned)) } else { Err(ErrorCode::InvalidFieldSpec) })
        }
        (Some(FieldKind::Choice), None) => e.check(&format!("{p}choices"), Err(ErrorCode::InvalidFieldSpec)),
        (Some(_), Some(_)) => e.check(&format!("{p}choices"), Err(ErrorCode::InvalidFieldSpec)),
        (_, None) => Some(None),
        (None, Some(_)) => None,
    };
    Some(FieldSpec {
        key: key?,
        label_ar: label_ar?.into(),
        label_en: label_en?.into(),
        kind: kind?,
        required: f.required,
        choices: choices?,
    })
}

impl CreateTransactionTypeRequest {
    pub fn parse(&self) -> Result<NewTransactionType, FieldErrors> {
        let mut e = FieldErrors::default();
        let code = e.check("code", parse_type_code(&self.code));
        let name_ar = e.check("name_ar", Name::parse(&self.name_ar));
        let name_en = e.check("name_en", Name::parse(&self.name_en));
        let department_id = e.check(
            "department_id",
            self.department_id.parse::<DepartmentId>().map_err(|_| ErrorCode::UnknownDepartment),
        );
        let sla_hours = e.check(
            "sla_hours",
            u32::try_from(self.sla_hours).ok().filter(|h| (1..=8760).contains(h)).ok_or(ErrorCode::InvalidSla),
        );
        let hours = |h: i64| u32::try_from(h).ok().filter(|h| (1..=8760).contains(h)).ok_or(ErrorCode::InvalidSla);
        let first_response_hours = e.check(
            "first_response_hours",
            // Within the whole target when that is valid (else refused on its own).
            self.first_response_hours
                .map(|h| match (hours(h), hours(self.sla_hours)) {
                    (Ok(h), Ok(sla)) if h > sla => Err(ErrorCode::InvalidSla),
                    (h, _) => h,
                })
                .transpose(),
        );
        let escalate_after_hours = e.check("escalate_after_hours", self.escalate_after_hours.map(hours).transpose());
        let routing = e.check("routing", RoutingPolicy::parse(&self.routing));
        let mut fields = Some(Vec::new());
        if self.fields.as_ref().is_some_and(|f| f.len() > TYPE_FIELDS_MAX) {
            e.push("fields".to_owned(), ErrorCode::TooManyItems);
            fields = None;
        }
        for (i, f) in self.fields.iter().flatten().take(TYPE_FIELDS_MAX).enumerate() {
            let spec = parse_field_spec(&mut e, i, f);
            if let (Some(list), Some(spec)) = (fields.as_mut(), spec) {
                if list.iter().any(|s: &FieldSpec| s.key == spec.key) {
                    e.push(format!("fields[{i}].key"), ErrorCode::InvalidFieldSpec);
                    fields = None;
                } else {
                    list.push(spec);
                }
            } else {
                fields = None;
            }
        }
        let all = (|| {
            Some(NewTransactionType {
                code: code?,
                name_ar: name_ar?,
                name_en: name_en?,
                department_id: department_id?,
                sla_hours: sla_hours?,
                first_response_hours: first_response_hours?,
                escalate_after_hours: escalate_after_hours?,
                routing: routing?,
                fields: fields?,
            })
        })();
        e.finish(all)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransactionTypeView {
    pub id: TransactionTypeId,
    pub entity_id: EntityId,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub department_id: DepartmentId,
    pub sla_hours: u32,
    pub first_response_hours: Option<u32>,
    pub escalate_after_hours: Option<u32>,
    pub routing: RoutingPolicy,
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateRegulatorRequest {
    pub name_ar: String,
    pub name_en: String,
    pub email: String,
    pub mobile: String,
    pub national_id: String,
    pub entity_ids: EntityIds,
    #[serde(default)]
    pub initial_password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewRegulator {
    pub person: NewPerson,
    pub remit: Remit,
}

impl CreateRegulatorRequest {
    pub fn parse(&self) -> Result<NewRegulator, FieldErrors> {
        let mut e = FieldErrors::default();
        let person = parse_person(
            &mut e,
            "",
            &self.name_ar,
            &self.name_en,
            &self.email,
            &self.mobile,
            &self.national_id,
            self.initial_password.as_deref(),
        );
        let remit = match &self.entity_ids {
            EntityIds::All(_) => Some(Remit::All),
            EntityIds::List(ids) if ids.is_empty() => e.check("entity_ids", Err(ErrorCode::MissingField)),
            EntityIds::List(ids) => Some(Remit::Entities(ids.clone())),
        };
        let all = (|| Some(NewRegulator { person: person?, remit: remit? }))();
        e.finish(all)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegulatorView {
    pub id: UserId,
    pub role: crate::org::Role,
    pub name_ar: String,
    pub name_en: String,
    pub email: String,
    pub mobile: String,
    pub entity_ids: EntityIds,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_request() -> CreateTransactionTypeRequest {
        CreateTransactionTypeRequest {
            code: "appointment".into(),
            name_ar: "طلب موعد".into(),
            name_en: "Appointment request".into(),
            department_id: DepartmentId::new().to_string(),
            sla_hours: 48,
            first_response_hours: None,
            escalate_after_hours: None,
            routing: "round_robin".into(),
            fields: Some(vec![FieldSpecRequest {
                key: "preferred_date".into(),
                label_ar: "التاريخ المفضل".into(),
                label_en: "Preferred date".into(),
                kind: "date".into(),
                required: true,
                choices: None,
            }]),
        }
    }

    #[test]
    fn transaction_type_fields_are_checked() {
        assert!(type_request().parse().is_ok());

        let mut r = type_request();
        r.fields.as_mut().unwrap()[0].choices = Some(vec!["a".into()]);
        assert_eq!(r.parse().unwrap_err().0[0].field, "fields[0].choices");

        let mut r = type_request();
        r.fields.as_mut().unwrap()[0].kind = "choice".into();
        assert_eq!(r.parse().unwrap_err().0[0].field, "fields[0].choices");

        let mut r = type_request();
        let dup = r.fields.as_ref().unwrap()[0].clone();
        r.fields.as_mut().unwrap().push(dup);
        assert_eq!(r.parse().unwrap_err().0[0].field, "fields[1].key");

        let mut r = type_request();
        let one = r.fields.as_ref().unwrap()[0].clone();
        r.fields =
            Some((0..=TYPE_FIELDS_MAX).map(|n| FieldSpecRequest { key: format!("f{n}"), ..one.clone() }).collect());
        assert_eq!(r.parse().unwrap_err().0[0].field, "fields");

        let mut r = type_request();
        r.sla_hours = 0;
        r.code = "Bad Code".into();
        let fields: Vec<_> = r.parse().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "sla_hours"]);
    }

    #[test]
    fn employee_patch_tells_absent_from_null() {
        let p: UpdateEmployeeRequest = serde_json::from_str(r#"{"on_leave_until": null}"#).unwrap();
        assert_eq!(p.parse().unwrap().on_leave_until, Some(None));
        let p: UpdateEmployeeRequest = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(p.parse().unwrap(), EmployeeChanges::default());
        let p: UpdateEmployeeRequest = serde_json::from_str(r#"{"grant": ["stats.view", "nope"]}"#).unwrap();
        assert_eq!(p.parse().unwrap_err().0[0].field, "grant[1]");
    }

    #[test]
    fn unified_numbers() {
        assert!(UnifiedNumber::parse("7001234567").is_ok());
        assert!(UnifiedNumber::parse("1001234567").is_err());
        assert!(UnifiedNumber::parse("700123456").is_err());
    }
}
