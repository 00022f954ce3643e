//! Who a notification goes to: a person's addresses, language and
//! preferences, and the supervisors of a department.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tawasul_core::Lang;
use tawasul_core::ids::{DepartmentId, UserId};
use tawasul_core::notify::Preferences;
use tawasul_core::org::Role;
use tawasul_core::permissions::{Permission, effective_permissions};

use crate::Result;
use crate::accounts::permissions_from_json;
use crate::model::users;

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: UserId,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub lang: Lang,
    pub preferences: Preferences,
    pub active: bool,
}

fn contact(u: users::Model) -> Contact {
    Contact {
        id: UserId(u.id),
        email: u.email,
        mobile: u.mobile,
        lang: Lang::parse(&u.language).unwrap_or_default(),
        preferences: preferences_of(u.notification_preferences),
        active: u.active,
    }
}

/// Stored preferences, or the defaults when none were saved (or they no
/// longer parse, which only a change of the format could cause).
fn preferences_of(stored: Option<serde_json::Value>) -> Preferences {
    stored.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
}

pub async fn contacts(c: &impl ConnectionTrait, ids: &[UserId]) -> Result<Vec<Contact>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|u| u.0).collect();
    Ok(users::Entity::find().filter(users::Column::Id.is_in(ids)).all(c).await?.into_iter().map(contact).collect())
}

/// The active members of a department who may assign its work: who hears of
/// a transaction waiting there with nobody to take it.
pub async fn department_supervisors(c: &impl ConnectionTrait, department: DepartmentId) -> Result<Vec<UserId>> {
    Ok(crate::transactions::department_members(c, department)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter(|u| {
            Role::parse(&u.role).ok().and_then(Role::staff).is_some_and(|role| {
                effective_permissions(role, permissions_from_json(&u.grants), permissions_from_json(&u.revokes))
                    .contains(Permission::TransactionAssign)
            })
        })
        .map(|u| UserId(u.id))
        .collect())
}

pub async fn preferences(c: &impl ConnectionTrait, user: UserId) -> Result<Preferences> {
    let stored: Option<Option<serde_json::Value>> = users::Entity::find_by_id(user.0)
        .select_only()
        .column(users::Column::NotificationPreferences)
        .into_tuple()
        .one(c)
        .await?;
    Ok(preferences_of(stored.flatten()))
}

pub async fn set_preferences(
    c: &impl ConnectionTrait,
    user: UserId,
    p: &Preferences,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let value = serde_json::to_value(p).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    users::Entity::update(users::ActiveModel {
        id: Set(user.0),
        notification_preferences: Set(Some(value)),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}
