//! Use cases on the organisation: entities, departments, employees,
//! transaction types and regulators. Each checks who may act before anything
//! else, then writes the change, its audit entry, the credentials e-mail of a
//! new account and the request's idempotent answer in one database
//! transaction.

use chrono::Utc;
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{
    CalendarView, EmployeeChanges, EntityCreated, NewDepartment, NewEmployee, NewEntity, NewRegulator,
    NewTransactionType, TargetsView,
};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::calendar::WorkingCalendar;
use tawasul_core::identity::{Email, Name};
use tawasul_core::ids::{EntityId, UserId};
use tawasul_core::indicators::Targets;
use tawasul_core::org::Actor;
use tawasul_core::policy::{Action, authorize, authorize_staff_change};
use tawasul_storage::{ConnectionTrait, DatabaseTransaction, audit, organisation, outbox, sessions};

use super::{Answer, App};
use crate::credentials::{StaffPassword, credentials_email, staff_password};
use crate::error::{ApiError, ApiResult};

impl App {
    /// The platform admin registers an entity with its first admin.
    pub async fn create_entity(&self, by: &Actor, e: &NewEntity) -> ApiResult<Answer> {
        authorize(by, Action::CreateEntity)?;
        let password = staff_password(e.admin.initial_password.as_ref()).await?;
        let (by, e, url) = (by.clone(), e.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let (entity, admin) = organisation::create_entity(tx, &e, &password.hash, now).await?;
                    let entry = crate::audit::entry(
                        Some(by.user_id),
                        Some(entity.id),
                        AuditAction::EntityCreate,
                        AuditTarget::Entity(entity.id),
                    )
                    .after(json!({
                        "name_ar": entity.name_ar, "name_en": entity.name_en, "kind": entity.kind, "admin": admin.id,
                    }));
                    audit::append(tx, entry, now).await?;
                    let a = &e.admin;
                    let queued = send_credentials(tx, &password, &a.email, &a.name_ar, &a.name_en, &url).await?;
                    Ok((Answer::created(EntityCreated { entity, admin })?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }

    pub async fn create_department(&self, by: &Actor, entity: EntityId, d: &NewDepartment) -> ApiResult<Answer> {
        authorize(by, Action::ManageDepartments(entity))?;
        let (by, d) = (by.clone(), d.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                ensure_entity(tx, entity).await?;
                let dept = organisation::create_department(tx, entity, &d, now).await?;
                let entry = crate::audit::entry(
                    Some(by.user_id),
                    Some(entity),
                    AuditAction::DepartmentCreate,
                    AuditTarget::Department(dept.id),
                )
                .after(json!(dept));
                audit::append(tx, entry, now).await?;
                Answer::created(dept)
            })
        })
        .await
    }

    /// An entity's admin sets its working calendar; due times set from now on
    /// follow it (those already set stay as they were promised).
    pub async fn set_calendar(&self, by: &Actor, entity: EntityId, c: &WorkingCalendar) -> ApiResult<Answer> {
        authorize(by, Action::ManageCalendar(entity))?;
        let (by, c) = (by.clone(), c.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                ensure_entity(tx, entity).await?;
                let before = CalendarView::from(&tawasul_storage::calendars::of(tx, entity).await?);
                tawasul_storage::calendars::set(tx, entity, &c, now).await?;
                let after = CalendarView::from(&c);
                let entry = crate::audit::entry(
                    Some(by.user_id),
                    Some(entity),
                    AuditAction::CalendarUpdate,
                    AuditTarget::Entity(entity),
                )
                .before(json!(before))
                .after(json!(after));
                audit::append(tx, entry, now).await?;
                Answer::ok(after)
            })
        })
        .await
    }

    /// The platform admin sets an entity's targets per indicator, replacing
    /// the last set.
    pub async fn set_targets(&self, by: &Actor, entity: EntityId, targets: &Targets) -> ApiResult<Answer> {
        authorize(by, Action::SetTargets(entity))?;
        let (by, targets) = (by.clone(), targets.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                ensure_entity(tx, entity).await?;
                let before = tawasul_storage::targets::of(tx, &[entity]).await?.remove(&entity).unwrap_or_default();
                tawasul_storage::targets::set(tx, entity, &targets, now).await?;
                let entry = crate::audit::entry(
                    Some(by.user_id),
                    Some(entity),
                    AuditAction::TargetsUpdate,
                    AuditTarget::Entity(entity),
                )
                .before(json!(before))
                .after(json!(targets));
                audit::append(tx, entry, now).await?;
                Answer::ok(TargetsView { entity_id: entity, targets })
            })
        })
        .await
    }

    /// An admin adds an employee; without an initial password a generated one
    /// is e-mailed.
    pub async fn create_employee(&self, by: &Actor, entity: EntityId, e: &NewEmployee) -> ApiResult<Answer> {
        authorize(by, Action::ManageEmployees(entity))?;
        ensure_entity(self.db.read(), entity).await?;
        // Before the (slow) hash: a refused request costs nothing.
        let admins = organisation::active_admins(self.db.read(), entity).await?;
        authorize_staff_change(by, None, &e.record(entity), admins)?;
        let password = staff_password(e.person.initial_password.as_ref()).await?;
        let (by, e, url) = (by.clone(), e.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let employee = organisation::create_employee(tx, entity, &e, &password.hash, now).await?;
                    let entry = crate::audit::entry(
                        Some(by.user_id),
                        Some(entity),
                        AuditAction::EmployeeCreate,
                        AuditTarget::User(employee.id),
                    )
                    .after(json!({ "role": employee.role, "department_ids": employee.department_ids,
                                   "grant": employee.grant, "revoke": employee.revoke }));
                    audit::append(tx, entry, now).await?;
                    let p = &e.person;
                    let queued = send_credentials(tx, &password, &p.email, &p.name_ar, &p.name_en, &url).await?;
                    Ok((Answer::created(employee)?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }

    /// Changes an employee, as far as the rule of who may change whom allows
    /// (`tawasul_core::policy::authorize_staff_change`). An employee of another
    /// entity is 404, as if absent; one the caller may see but not change is 403.
    /// A deactivated account is signed out everywhere. `changes` is parsed
    /// only once the caller is known to see the employee.
    pub async fn update_employee(
        &self,
        by: &Actor,
        id: UserId,
        changes: impl FnOnce() -> ApiResult<EmployeeChanges> + Send + 'static,
    ) -> ApiResult<Answer> {
        let by = by.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let not_found = || ApiError::new(ErrorCode::NotFound);
                let entity = organisation::employee(tx, id).await?.ok_or_else(not_found)?.entity_id;
                authorize(&by, Action::ViewOrganisation(entity)).map_err(|_| not_found())?;
                let changes = &changes()?;
                // Read again under the entity's lock: two admins changing each other at
                // once must not both count the other as the one who remains.
                organisation::lock_entity(tx, entity).await?;
                let before = organisation::employee(tx, id).await?.ok_or_else(not_found)?;
                let admins = organisation::active_admins(tx, entity).await?;
                let was = before.record();
                let will_be = changes.apply(&was);
                authorize_staff_change(&by, Some(&was), &will_be, admins)?;
                let after = organisation::update_employee(tx, id, entity, changes, now).await?;
                if was.active && !will_be.active {
                    // Signed out everywhere: reactivated, they sign in anew.
                    sessions::revoke_all_sessions(tx, id, now).await?;
                }
                if !will_be.active || matches!(changes.on_leave_until, Some(Some(_))) {
                    // What they hold is looked at now, to go to someone who can act.
                    tawasul_storage::watch::look_at_held_by(tx, id, now).await?;
                }
                let entry = crate::audit::entry(
                    Some(by.user_id),
                    Some(entity),
                    AuditAction::EmployeeUpdate,
                    AuditTarget::User(id),
                )
                .before(json!(before))
                .after(json!(after));
                audit::append(tx, entry, now).await?;
                Answer::ok(after)
            })
        })
        .await
    }

    /// Defines a transaction type: its department, SLA, routing and custom fields.
    pub async fn create_transaction_type(
        &self,
        by: &Actor,
        entity: EntityId,
        t: &NewTransactionType,
    ) -> ApiResult<Answer> {
        authorize(by, Action::ManageTransactionTypes(entity))?;
        let (by, t) = (by.clone(), t.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                ensure_entity(tx, entity).await?;
                let view = organisation::create_transaction_type(tx, entity, &t, now).await?;
                let entry = crate::audit::entry(
                    Some(by.user_id),
                    Some(entity),
                    AuditAction::TransactionTypeCreate,
                    AuditTarget::TransactionType(view.id),
                )
                .after(json!(view));
                audit::append(tx, entry, now).await?;
                Answer::created(view)
            })
        })
        .await
    }

    /// The platform admin creates a regulator with a remit of listed entities or all.
    pub async fn create_regulator(&self, by: &Actor, r: &NewRegulator) -> ApiResult<Answer> {
        authorize(by, Action::CreateRegulator)?;
        let password = staff_password(r.person.initial_password.as_ref()).await?;
        let (by, r, url) = (by.clone(), r.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let view = organisation::create_regulator(tx, &r, &password.hash, now).await?;
                    let entry = crate::audit::entry(
                        Some(by.user_id),
                        None,
                        AuditAction::RegulatorCreate,
                        AuditTarget::User(view.id),
                    )
                    .after(json!({ "entity_ids": view.entity_ids }));
                    audit::append(tx, entry, now).await?;
                    let p = &r.person;
                    let queued = send_credentials(tx, &password, &p.email, &p.name_ar, &p.name_en, &url).await?;
                    Ok((Answer::created(view)?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }
}

/// The e-mail with a generated password, in the account's own transaction;
/// whether there was one.
async fn send_credentials(
    tx: &DatabaseTransaction,
    password: &StaffPassword,
    to: &Email,
    name_ar: &Name,
    name_en: &Name,
    public_url: &str,
) -> ApiResult<bool> {
    let Some(p) = &password.generated else { return Ok(false) };
    outbox::enqueue(tx, &credentials_email(to, name_ar, name_en, p, public_url), Utc::now()).await?;
    Ok(true)
}

/// 404 unless the entity exists. Entities are a public directory, so checking
/// after authorization reveals nothing.
pub(crate) async fn ensure_entity(c: &impl ConnectionTrait, id: EntityId) -> ApiResult<()> {
    organisation::entity(c, id).await?.map(|_| ()).ok_or(ApiError::new(ErrorCode::NotFound))
}
