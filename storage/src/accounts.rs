//! Accounts: beneficiaries registering, finding an account by what is typed at
//! log-in, and loading a caller as the policy sees them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
};
use tawasul_core::api::{AllMarker, EntityIds, Registration, UserView};
use tawasul_core::identity::{Email, IdType, LoginIdentifier, Mobile, Name, NationalId};
use tawasul_core::ids::{DepartmentId, EntityId, UserId};
use tawasul_core::org::{Actor, Remit, Role, Staff, Standing};
use tawasul_core::permissions::{Permission, PermissionSet, effective_permissions};
use tawasul_core::{ErrorCode, Lang};

use crate::error::on_unique;
use crate::model::{refresh_tokens, regulator_entities, user_departments, users};
use crate::{Result, StorageError};

/// What log-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: String,
    pub active: bool,
}

pub(crate) fn permissions_to_json(set: PermissionSet) -> serde_json::Value {
    serde_json::Value::Array(set.iter().map(|p| serde_json::Value::String(p.as_str().to_owned())).collect())
}

/// Reads a stored permission list; a name no longer known is dropped rather than
/// failing the whole account.
pub(crate) fn permissions_from_json(v: &serde_json::Value) -> PermissionSet {
    v.as_array().into_iter().flatten().filter_map(|p| p.as_str().and_then(|s| Permission::parse(s).ok())).collect()
}

pub(crate) fn corrupt(what: &str) -> StorageError {
    StorageError::Db(sea_orm::DbErr::Custom(format!("stored {what} is not valid")))
}

/// A new account row with the fields every kind of account has.
pub(crate) struct NewAccount<'a> {
    pub role: Role,
    pub name_ar: &'a Name,
    pub name_en: &'a Name,
    pub id_type: Option<IdType>,
    pub id_number: Option<&'a str>,
    pub email: Option<&'a Email>,
    pub mobile: Option<&'a Mobile>,
    pub password_hash: &'a str,
    pub language: Lang,
    pub residence: Option<&'a str>,
    pub entity_id: Option<EntityId>,
    pub grants: PermissionSet,
    pub revokes: PermissionSet,
    pub remit_all: bool,
}

pub(crate) async fn insert_account(c: &impl ConnectionTrait, a: NewAccount<'_>, now: DateTime<Utc>) -> Result<UserId> {
    let id = UserId::new();
    users::Entity::insert(users::ActiveModel {
        id: Set(id.0),
        role: Set(a.role.as_str().to_owned()),
        name_ar: Set(a.name_ar.as_str().to_owned()),
        name_en: Set(a.name_en.as_str().to_owned()),
        id_type: Set(a.id_type.map(|t| t.as_str().to_owned())),
        id_number: Set(a.id_number.map(str::to_owned)),
        email: Set(a.email.map(|e| e.as_str().to_owned())),
        mobile: Set(a.mobile.map(|m| m.as_str().to_owned())),
        password_hash: Set(a.password_hash.to_owned()),
        email_verified: Set(false),
        mobile_verified: Set(false),
        language: Set(a.language.as_str().to_owned()),
        residence: Set(a.residence.map(str::to_owned)),
        entity_id: Set(a.entity_id.map(|e| e.0)),
        grants: Set(permissions_to_json(a.grants)),
        revokes: Set(permissions_to_json(a.revokes)),
        active: Set(true),
        on_leave_until: Set(None),
        remit_all: Set(a.remit_all),
        notification_preferences: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(c)
    .await
    .map_err(on_unique(ErrorCode::AccountExists))?;
    Ok(id)
}

/// Registers a beneficiary. A second account with the same ID number, e-mail or
/// mobile is `Conflict(AccountExists)`, without saying which one matched.
pub async fn register_beneficiary(
    c: &impl ConnectionTrait,
    r: &Registration,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserId> {
    insert_account(
        c,
        NewAccount {
            role: Role::Beneficiary,
            name_ar: &r.name_ar,
            name_en: &r.name_en,
            id_type: Some(r.id.kind()),
            id_number: Some(r.id.number()),
            email: Some(&r.email),
            mobile: Some(&r.mobile),
            password_hash,
            language: r.language,
            residence: Some(r.residence.as_str()),
            entity_id: None,
            grants: PermissionSet::EMPTY,
            revokes: PermissionSet::EMPTY,
            remit_all: false,
        },
        now,
    )
    .await
}

/// Creates a platform administrator, or resets the password of the one with this
/// e-mail. Returns the account id.
pub async fn upsert_platform_admin(
    c: &impl ConnectionTrait,
    email: &Email,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let existing = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(c).await?;
    match existing {
        Some(u) if u.role == Role::PlatformAdmin.as_str() => {
            users::Entity::update(users::ActiveModel {
                id: Set(u.id),
                password_hash: Set(password_hash.to_owned()),
                active: Set(true),
                updated_at: Set(now),
                ..Default::default()
            })
            .exec(c)
            .await?;
            Ok(UserId(u.id))
        }
        Some(_) => Err(StorageError::Conflict(ErrorCode::AccountExists)),
        None => {
            let name_ar = Name::parse("مسؤول المنصة").map_err(|_| corrupt("name"))?;
            let name_en = Name::parse("Platform administrator").map_err(|_| corrupt("name"))?;
            insert_account(
                c,
                NewAccount {
                    role: Role::PlatformAdmin,
                    name_ar: &name_ar,
                    name_en: &name_en,
                    id_type: None,
                    id_number: None,
                    email: Some(email),
                    mobile: None,
                    password_hash,
                    language: Lang::Ar,
                    residence: None,
                    entity_id: None,
                    grants: PermissionSet::EMPTY,
                    revokes: PermissionSet::EMPTY,
                    remit_all: false,
                },
                now,
            )
            .await
        }
    }
}

/// Finds the account a log-in box value refers to.
pub async fn find_credentials(c: &impl ConnectionTrait, login: &LoginIdentifier) -> Result<Option<Credentials>> {
    let q = users::Entity::find().select_only().columns([
        users::Column::Id,
        users::Column::PasswordHash,
        users::Column::Active,
    ]);
    let q = match login {
        LoginIdentifier::Email(e) => q.filter(users::Column::Email.eq(e.as_str())),
        LoginIdentifier::Mobile(m) => q.filter(users::Column::Mobile.eq(m.as_str())),
        LoginIdentifier::IdNumber(n) => q.filter(users::Column::IdNumber.eq(n.as_str())),
    };
    let row: Option<(uuid::Uuid, String, bool)> = q.into_tuple().one(c).await?;
    Ok(row.map(|(id, password_hash, active)| Credentials { user_id: UserId(id), password_hash, active }))
}

pub async fn password_hash(c: &impl ConnectionTrait, user: UserId) -> Result<String> {
    let row: Option<String> =
        users::Entity::find_by_id(user.0).select_only().column(users::Column::PasswordHash).into_tuple().one(c).await?;
    row.ok_or(StorageError::NotFound)
}

/// An account with everything the policy and `GET /me` need.
#[derive(Debug, Clone)]
pub struct Account {
    pub actor: Actor,
    pub view: UserView,
    pub active: bool,
}

/// Loads an account as a policy actor and as its `/me` view. `None` when it does
/// not exist.
pub async fn load(c: &impl ConnectionTrait, user: UserId) -> Result<Option<Account>> {
    match users::Entity::find_by_id(user.0).one(c).await? {
        Some(u) => Ok(Some(account_of(c, u).await?)),
        None => Ok(None),
    }
}

/// Loads an account and, if `session` is a live session of it (not ended,
/// not expired), when that session ends unless refreshed — in one round trip:
/// every signed-in request asks both. `None` when the account does not exist.
pub async fn load_in_session(
    c: &impl ConnectionTrait,
    user: UserId,
    session: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<Option<(Account, Option<DateTime<Utc>>)>> {
    // A session's refresh tokens (one per rotation) that are neither revoked
    // nor expired; the session lasts as long as the latest of them.
    let ends = Query::select()
        .expr(Expr::col(refresh_tokens::Column::ExpiresAt).max())
        .from(refresh_tokens::Entity)
        .and_where(Expr::col(refresh_tokens::Column::SessionId).eq(session))
        .and_where(Expr::col(refresh_tokens::Column::UserId).eq(user.0))
        .and_where(Expr::col(refresh_tokens::Column::RevokedAt).is_null())
        .and_where(Expr::col(refresh_tokens::Column::ExpiresAt).gt(now))
        .to_owned();
    let ends = SimpleExpr::SubQuery(None, Box::new(ends.into_sub_query_statement()));
    let query = users::Entity::find_by_id(user.0).column_as(ends, "session_ends").build(c.get_database_backend());
    let Some(row) = c.query_one(query).await? else {
        return Ok(None);
    };
    let ends: Option<DateTime<Utc>> = row.try_get("", "session_ends")?;
    let u = users::Model::from_query_result(&row, "")?;
    Ok(Some((account_of(c, u).await?, ends)))
}

/// The account a `users` row stands for, with what its role needs besides
/// (a regulator's remit, an employee's departments).
async fn account_of(c: &impl ConnectionTrait, u: users::Model) -> Result<Account> {
    let user = UserId(u.id);
    let role = Role::parse(&u.role).map_err(|_| corrupt("role"))?;
    let language = Lang::parse(&u.language).unwrap_or_default();
    let mut view = UserView {
        id: user,
        role,
        name_ar: u.name_ar.clone(),
        name_en: u.name_en.clone(),
        email: u.email.clone(),
        mobile: u.mobile.clone(),
        email_verified: u.email_verified,
        mobile_verified: u.mobile_verified,
        language,
        entity_id: None,
        department_ids: None,
        permissions: None,
        entity_ids: None,
    };
    let standing = match role {
        Role::Beneficiary => Standing::Beneficiary,
        Role::PlatformAdmin => Standing::PlatformAdmin,
        Role::Regulator => {
            let remit = if u.remit_all {
                view.entity_ids = Some(EntityIds::All(AllMarker::All));
                Remit::All
            } else {
                let ids: Vec<uuid::Uuid> = regulator_entities::Entity::find()
                    .select_only()
                    .column(regulator_entities::Column::EntityId)
                    .filter(regulator_entities::Column::UserId.eq(u.id))
                    .into_tuple()
                    .all(c)
                    .await?;
                let ids: Vec<EntityId> = ids.into_iter().map(EntityId).collect();
                view.entity_ids = Some(EntityIds::List(ids.clone()));
                Remit::Entities(ids)
            };
            Standing::Regulator(remit)
        }
        Role::Employee | Role::Supervisor | Role::Admin => {
            let staff_role = role.staff().ok_or_else(|| corrupt("role"))?;
            let entity_id = EntityId(u.entity_id.ok_or_else(|| corrupt("employee entity"))?);
            let department_ids = department_ids_of(c, user).await?;
            let permissions =
                effective_permissions(staff_role, permissions_from_json(&u.grants), permissions_from_json(&u.revokes));
            view.entity_id = Some(entity_id);
            view.department_ids = Some(department_ids.clone());
            view.permissions = Some(permissions.to_vec());
            Standing::Staff(Staff { entity_id, role: staff_role, department_ids, permissions, active: u.active })
        }
    };
    Ok(Account { actor: Actor { user_id: user, standing }, view, active: u.active })
}

pub(crate) async fn department_ids_of(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<DepartmentId>> {
    let ids: Vec<uuid::Uuid> = user_departments::Entity::find()
        .select_only()
        .column(user_departments::Column::DepartmentId)
        .filter(user_departments::Column::UserId.eq(user.0))
        .into_tuple()
        .all(c)
        .await?;
    let mut ids: Vec<DepartmentId> = ids.into_iter().map(DepartmentId).collect();
    ids.sort();
    Ok(ids)
}

/// Marks an e-mail or mobile as verified.
pub async fn mark_verified(c: &impl ConnectionTrait, user: UserId, email: bool, now: DateTime<Utc>) -> Result<()> {
    let mut am = users::ActiveModel { id: Set(user.0), updated_at: Set(now), ..Default::default() };
    if email {
        am.email_verified = Set(true);
    } else {
        am.mobile_verified = Set(true);
    }
    users::Entity::update(am).exec(c).await?;
    Ok(())
}

/// The e-mail or mobile on record for an account, to send a one-time code to.
pub async fn contact(c: &impl ConnectionTrait, user: UserId) -> Result<(Option<Email>, Option<Mobile>, Lang)> {
    let u = users::Entity::find_by_id(user.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok((
        u.email.as_deref().and_then(|e| Email::parse(e).ok()),
        u.mobile.as_deref().and_then(|m| Mobile::parse(m).ok()),
        Lang::parse(&u.language).unwrap_or_default(),
    ))
}

/// Whether any account already uses this national ID (for demo seeding).
pub async fn exists_by_national_id(c: &impl ConnectionTrait, id: &NationalId) -> Result<bool> {
    Ok(users::Entity::find().filter(users::Column::IdNumber.eq(id.as_str())).one(c).await?.is_some())
}

pub async fn set_password_hash(c: &impl ConnectionTrait, user: UserId, hash: &str, now: DateTime<Utc>) -> Result<()> {
    users::Entity::update(users::ActiveModel {
        id: Set(user.0),
        password_hash: Set(hash.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

/// What others know of a person, that their password must not contain: ID
/// number, e-mail, mobile and names (see `Password::parse`).
pub async fn personal_words(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<String>> {
    let u = users::Entity::find_by_id(user.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok([u.id_number, u.email, u.mobile, Some(u.name_ar), Some(u.name_en)].into_iter().flatten().collect())
}
