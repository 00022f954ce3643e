//! Entities and their organisation: departments, employees, transaction types,
//! and regulators with their remit.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tawasul_core::ErrorCode;
use tawasul_core::Lang;
use tawasul_core::api::{
    DepartmentView, EmployeeChanges, EmployeeView, EntityIds, EntitySummary, EntityView, FieldSpec, NewDepartment,
    NewEmployee, NewEntity, NewPerson, NewRegulator, NewTransactionType, Page, PageRequest, RegulatorView,
    RoutingPolicy, TransactionTypeView,
};
use tawasul_core::identity::IdType;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use tawasul_core::org::{EntityKind, Remit, Role};
use tawasul_core::permissions::{PermissionSet, StaffRole, effective_permissions};

use crate::accounts::{
    NewAccount, corrupt, department_ids_of, insert_account, permissions_from_json, permissions_to_json,
};
use crate::error::on_unique;
use crate::model::{departments, entities, regulator_entities, transaction_types, user_departments, users};
use crate::{Result, StorageError};

fn entity_view(m: entities::Model) -> Result<EntityView> {
    Ok(EntityView {
        id: EntityId(m.id),
        kind: EntityKind::parse(&m.kind).map_err(|_| corrupt("entity kind"))?,
        name_ar: m.name_ar,
        name_en: m.name_en,
        unified_number: m.unified_number,
        created_at: m.created_at,
    })
}

/// Creates an entity and its first admin employee. Run it inside a transaction.
pub async fn create_entity(
    c: &impl ConnectionTrait,
    e: &NewEntity,
    admin_password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(EntityView, EmployeeView)> {
    let id = EntityId::new();
    let model = entities::Model {
        id: id.0,
        name_ar: e.name_ar.as_str().to_owned(),
        name_en: e.name_en.as_str().to_owned(),
        kind: e.kind.as_str().to_owned(),
        unified_number: e.unified_number.as_str().to_owned(),
        created_at: now,
    };
    entities::Entity::insert(entities::ActiveModel::from(model.clone()))
        .exec_without_returning(c)
        .await
        .map_err(on_unique(ErrorCode::EntityExists))?;
    let admin = NewEmployee {
        person: e.admin.clone(),
        department_ids: vec![],
        role: StaffRole::Admin,
        grants: PermissionSet::EMPTY,
        revokes: PermissionSet::EMPTY,
    };
    let admin = create_employee(c, id, &admin, admin_password_hash, now).await?;
    Ok((entity_view(model)?, admin))
}

pub async fn entity(c: &impl ConnectionTrait, id: EntityId) -> Result<Option<EntityView>> {
    entities::Entity::find_by_id(id.0).one(c).await?.map(entity_view).transpose()
}

pub async fn find_entity_by_unified_number(c: &impl ConnectionTrait, number: &str) -> Result<Option<EntityView>> {
    entities::Entity::find()
        .filter(entities::Column::UnifiedNumber.eq(number))
        .one(c)
        .await?
        .map(entity_view)
        .transpose()
}

/// The public directory, in creation order.
pub async fn list_entities(c: &impl ConnectionTrait, page: &PageRequest) -> Result<Page<EntitySummary>> {
    let mut q = entities::Entity::find().order_by_asc(entities::Column::Id).limit(page.limit + 1);
    if let Some(after) = page.after {
        q = q.filter(entities::Column::Id.gt(after));
    }
    let rows = q
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(EntitySummary {
                id: EntityId(m.id),
                kind: EntityKind::parse(&m.kind).map_err(|_| corrupt("entity kind"))?,
                name_ar: m.name_ar,
                name_en: m.name_en,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, page.limit, |e| e.id.0))
}

fn department_view(m: departments::Model) -> DepartmentView {
    DepartmentView {
        id: DepartmentId(m.id),
        entity_id: EntityId(m.entity_id),
        name_ar: m.name_ar,
        name_en: m.name_en,
        parent_id: m.parent_id.map(DepartmentId),
    }
}

/// Checks that every department belongs to `entity`; otherwise names the field.
async fn ensure_departments_of(
    c: &impl ConnectionTrait,
    entity: EntityId,
    ids: &[DepartmentId],
    field: &str,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = departments::Entity::find()
        .filter(departments::Column::EntityId.eq(entity.0))
        .filter(departments::Column::Id.is_in(ids.iter().map(|d| d.0)))
        .count(c)
        .await?;
    if found as usize == ids.len() { Ok(()) } else { Err(StorageError::invalid(field, ErrorCode::UnknownDepartment)) }
}

pub async fn create_department(
    c: &impl ConnectionTrait,
    entity: EntityId,
    d: &NewDepartment,
    now: DateTime<Utc>,
) -> Result<DepartmentView> {
    if let Some(parent) = d.parent_id {
        ensure_departments_of(c, entity, &[parent], "parent_id").await?;
    }
    let model = departments::Model {
        id: DepartmentId::new().0,
        entity_id: entity.0,
        name_ar: d.name_ar.as_str().to_owned(),
        name_en: d.name_en.as_str().to_owned(),
        parent_id: d.parent_id.map(|p| p.0),
        created_at: now,
    };
    departments::Entity::insert(departments::ActiveModel::from(model.clone())).exec_without_returning(c).await?;
    Ok(department_view(model))
}

pub async fn list_departments(
    c: &impl ConnectionTrait,
    entity: EntityId,
    page: &PageRequest,
) -> Result<Page<DepartmentView>> {
    let mut q = departments::Entity::find()
        .filter(departments::Column::EntityId.eq(entity.0))
        .order_by_asc(departments::Column::Id)
        .limit(page.limit + 1);
    if let Some(after) = page.after {
        q = q.filter(departments::Column::Id.gt(after));
    }
    let rows = q.all(c).await?.into_iter().map(department_view).collect();
    Ok(Page::from_rows(rows, page.limit, |d| d.id.0))
}

fn person_account<'a>(
    p: &'a NewPerson,
    role: Role,
    password_hash: &'a str,
    entity_id: Option<EntityId>,
    grants: PermissionSet,
    revokes: PermissionSet,
    remit_all: bool,
) -> NewAccount<'a> {
    NewAccount {
        role,
        name_ar: &p.name_ar,
        name_en: &p.name_en,
        id_type: Some(IdType::NationalId),
        id_number: Some(p.national_id.as_str()),
        email: Some(&p.email),
        mobile: Some(&p.mobile),
        password_hash,
        language: Lang::Ar,
        residence: Some("inside"),
        entity_id,
        grants,
        revokes,
        remit_all,
    }
}

async fn set_departments(c: &impl ConnectionTrait, user: UserId, ids: &[DepartmentId]) -> Result<()> {
    user_departments::Entity::delete_many().filter(user_departments::Column::UserId.eq(user.0)).exec(c).await?;
    if !ids.is_empty() {
        user_departments::Entity::insert_many(
            ids.iter().map(|d| user_departments::ActiveModel { user_id: Set(user.0), department_id: Set(d.0) }),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Creates an employee of `entity`. Run it inside a transaction.
pub async fn create_employee(
    c: &impl ConnectionTrait,
    entity: EntityId,
    e: &NewEmployee,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<EmployeeView> {
    ensure_departments_of(c, entity, &e.department_ids, "department_ids").await?;
    let account = person_account(&e.person, e.role.into(), password_hash, Some(entity), e.grants, e.revokes, false);
    let id = insert_account(c, account, now).await?;
    set_departments(c, id, &e.department_ids).await?;
    employee(c, id).await?.ok_or(StorageError::NotFound)
}

/// An employee by id; `None` if there is no such account or it is not staff.
pub async fn employee(c: &impl ConnectionTrait, id: UserId) -> Result<Option<EmployeeView>> {
    let Some(u) = users::Entity::find_by_id(id.0).one(c).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&u.role).ok().and_then(Role::staff) else {
        return Ok(None);
    };
    let entity_id = EntityId(u.entity_id.ok_or_else(|| corrupt("employee entity"))?);
    let grants = permissions_from_json(&u.grants);
    let revokes = permissions_from_json(&u.revokes);
    Ok(Some(EmployeeView {
        id,
        entity_id,
        name_ar: u.name_ar,
        name_en: u.name_en,
        email: u.email.unwrap_or_default(),
        mobile: u.mobile.unwrap_or_default(),
        role,
        department_ids: department_ids_of(c, id).await?,
        permissions: effective_permissions(role, grants, revokes).to_vec(),
        grant: grants.to_vec(),
        revoke: revokes.to_vec(),
        active: u.active,
        on_leave_until: u.on_leave_until,
    }))
}

/// An entity's employees, by name in Arabic: two queries, whatever their
/// number.
pub async fn list_employees(c: &impl ConnectionTrait, entity: EntityId) -> Result<Vec<EmployeeView>> {
    let rows = users::Entity::find()
        .filter(users::Column::EntityId.eq(entity.0))
        .order_by_asc(users::Column::NameAr)
        .order_by_asc(users::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|u| u.id).collect();
    let mut departments: std::collections::HashMap<uuid::Uuid, Vec<DepartmentId>> = Default::default();
    if !ids.is_empty() {
        let links = user_departments::Entity::find()
            .filter(user_departments::Column::UserId.is_in(ids))
            .order_by_asc(user_departments::Column::DepartmentId)
            .all(c)
            .await?;
        for l in links {
            departments.entry(l.user_id).or_default().push(DepartmentId(l.department_id));
        }
    }
    let mut out = vec![];
    for u in rows {
        let Some(role) = Role::parse(&u.role).ok().and_then(Role::staff) else { continue };
        let (grants, revokes) = (permissions_from_json(&u.grants), permissions_from_json(&u.revokes));
        out.push(EmployeeView {
            id: UserId(u.id),
            entity_id: entity,
            department_ids: departments.remove(&u.id).unwrap_or_default(),
            name_ar: u.name_ar,
            name_en: u.name_en,
            email: u.email.unwrap_or_default(),
            mobile: u.mobile.unwrap_or_default(),
            role,
            permissions: effective_permissions(role, grants, revokes).to_vec(),
            grant: grants.to_vec(),
            revoke: revokes.to_vec(),
            active: u.active,
            on_leave_until: u.on_leave_until,
        });
    }
    Ok(out)
}

/// Applies changes to an employee, already authorized. Run it inside a transaction.
pub async fn update_employee(
    c: &impl ConnectionTrait,
    id: UserId,
    entity: EntityId,
    ch: &EmployeeChanges,
    now: DateTime<Utc>,
) -> Result<EmployeeView> {
    if let Some(ids) = &ch.department_ids {
        ensure_departments_of(c, entity, ids, "department_ids").await?;
        set_departments(c, id, ids).await?;
    }
    let mut am = users::ActiveModel { id: Set(id.0), updated_at: Set(now), ..Default::default() };
    if let Some(role) = ch.role {
        am.role = Set(Role::from(role).as_str().to_owned());
    }
    if let Some(g) = ch.grants {
        am.grants = Set(permissions_to_json(g));
    }
    if let Some(r) = ch.revokes {
        am.revokes = Set(permissions_to_json(r));
    }
    if let Some(a) = ch.active {
        am.active = Set(a);
    }
    if let Some(l) = ch.on_leave_until {
        am.on_leave_until = Set(l);
    }
    users::Entity::update(am).exec(c).await?;
    employee(c, id).await?.ok_or(StorageError::NotFound)
}

/// Holds the entity's row for the rest of this transaction, so that changes to
/// its staff that depend on each other (the last active admin) run one after
/// the other. SQLite has one writer, which serialises them already.
pub async fn lock_entity(c: &impl ConnectionTrait, entity: EntityId) -> Result<()> {
    if c.get_database_backend() == DbBackend::Postgres {
        entities::Entity::find_by_id(entity.0).lock_exclusive().one(c).await?;
    }
    Ok(())
}

/// How many active admins the entity has.
pub async fn active_admins(c: &impl ConnectionTrait, entity: EntityId) -> Result<usize> {
    let n = users::Entity::find()
        .filter(users::Column::EntityId.eq(entity.0))
        .filter(users::Column::Role.eq(Role::Admin.as_str()))
        .filter(users::Column::Active.eq(true))
        .count(c)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

fn transaction_type_view(m: transaction_types::Model) -> Result<TransactionTypeView> {
    Ok(TransactionTypeView {
        id: TransactionTypeId(m.id),
        entity_id: EntityId(m.entity_id),
        code: m.code,
        name_ar: m.name_ar,
        name_en: m.name_en,
        department_id: DepartmentId(m.department_id),
        sla_hours: u32::try_from(m.sla_hours).map_err(|_| corrupt("sla_hours"))?,
        first_response_hours: m.first_response_hours.map(u32::try_from).transpose().map_err(|_| corrupt("hours"))?,
        escalate_after_hours: m.escalate_after_hours.map(u32::try_from).transpose().map_err(|_| corrupt("hours"))?,
        routing: RoutingPolicy::parse(&m.routing).map_err(|_| corrupt("routing"))?,
        fields: serde_json::from_value::<Vec<FieldSpec>>(m.fields).map_err(|_| corrupt("fields"))?,
    })
}

pub async fn create_transaction_type(
    c: &impl ConnectionTrait,
    entity: EntityId,
    t: &NewTransactionType,
    now: DateTime<Utc>,
) -> Result<TransactionTypeView> {
    ensure_departments_of(c, entity, &[t.department_id], "department_id").await?;
    let model = transaction_types::Model {
        id: TransactionTypeId::new().0,
        entity_id: entity.0,
        code: t.code.clone(),
        name_ar: t.name_ar.as_str().to_owned(),
        name_en: t.name_en.as_str().to_owned(),
        department_id: t.department_id.0,
        sla_hours: i32::try_from(t.sla_hours).map_err(|_| StorageError::invalid("sla_hours", ErrorCode::InvalidSla))?,
        first_response_hours: t.first_response_hours.map(i32::try_from).transpose().map_err(|_| corrupt("hours"))?,
        escalate_after_hours: t.escalate_after_hours.map(i32::try_from).transpose().map_err(|_| corrupt("hours"))?,
        routing: t.routing.as_str().to_owned(),
        fields: serde_json::to_value(&t.fields).map_err(|_| corrupt("fields"))?,
        created_at: now,
    };
    transaction_types::Entity::insert(transaction_types::ActiveModel::from(model.clone()))
        .exec_without_returning(c)
        .await
        .map_err(on_unique(ErrorCode::TypeCodeExists))?;
    transaction_type_view(model)
}

pub async fn list_transaction_types(
    c: &impl ConnectionTrait,
    entity: EntityId,
    page: &PageRequest,
) -> Result<Page<TransactionTypeView>> {
    let mut q = transaction_types::Entity::find()
        .filter(transaction_types::Column::EntityId.eq(entity.0))
        .order_by_asc(transaction_types::Column::Id)
        .limit(page.limit + 1);
    if let Some(after) = page.after {
        q = q.filter(transaction_types::Column::Id.gt(after));
    }
    let rows = q.all(c).await?.into_iter().map(transaction_type_view).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, page.limit, |t| t.id.0))
}

/// Creates a regulator with their remit. Run it inside a transaction.
pub async fn create_regulator(
    c: &impl ConnectionTrait,
    r: &NewRegulator,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<RegulatorView> {
    let (remit_all, ids) = match &r.remit {
        Remit::All => (true, vec![]),
        Remit::Entities(ids) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            let found =
                entities::Entity::find().filter(entities::Column::Id.is_in(ids.iter().map(|e| e.0))).count(c).await?;
            if found as usize != ids.len() {
                return Err(StorageError::invalid("entity_ids", ErrorCode::UnknownEntity));
            }
            (false, ids)
        }
    };
    let account = person_account(
        &r.person,
        Role::Regulator,
        password_hash,
        None,
        PermissionSet::EMPTY,
        PermissionSet::EMPTY,
        remit_all,
    );
    let id = insert_account(c, account, now).await?;
    if !ids.is_empty() {
        regulator_entities::Entity::insert_many(
            ids.iter().map(|e| regulator_entities::ActiveModel { user_id: Set(id.0), entity_id: Set(e.0) }),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(RegulatorView {
        id,
        role: Role::Regulator,
        name_ar: r.person.name_ar.to_string(),
        name_en: r.person.name_en.to_string(),
        email: r.person.email.to_string(),
        mobile: r.person.mobile.to_string(),
        entity_ids: if remit_all { EntityIds::All(tawasul_core::api::AllMarker::All) } else { EntityIds::List(ids) },
    })
}

/// Every regulator with their remit, by Arabic name (the platform admin's list).
pub async fn list_regulators(c: &impl ConnectionTrait) -> Result<Vec<RegulatorView>> {
    let rows = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Regulator.as_str()))
        .order_by_asc(users::Column::NameAr)
        .order_by_asc(users::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<uuid::Uuid> = rows.iter().filter(|u| !u.remit_all).map(|u| u.id).collect();
    let mut remits: std::collections::HashMap<uuid::Uuid, Vec<EntityId>> = Default::default();
    for r in regulator_entities::Entity::find().filter(regulator_entities::Column::UserId.is_in(ids)).all(c).await? {
        remits.entry(r.user_id).or_default().push(EntityId(r.entity_id));
    }
    Ok(rows
        .into_iter()
        .map(|u| RegulatorView {
            id: UserId(u.id),
            role: Role::Regulator,
            entity_ids: if u.remit_all {
                EntityIds::All(tawasul_core::api::AllMarker::All)
            } else {
                let mut ids = remits.remove(&u.id).unwrap_or_default();
                ids.sort();
                EntityIds::List(ids)
            },
            name_ar: u.name_ar,
            name_en: u.name_en,
            email: u.email.unwrap_or_default(),
            mobile: u.mobile.unwrap_or_default(),
        })
        .collect())
}
