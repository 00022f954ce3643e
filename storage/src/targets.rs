//! Each entity's targets per indicator, set by the platform admin.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use tawasul_core::ids::EntityId;
use tawasul_core::indicators::{Indicator, Targets};

use crate::Result;
use crate::accounts::corrupt;
use crate::model::indicator_targets as t;

/// The targets of each of `entities` (an entity without any is left out).
pub async fn of(c: &impl ConnectionTrait, entities: &[EntityId]) -> Result<HashMap<EntityId, Targets>> {
    let ids: Vec<uuid::Uuid> = entities.iter().map(|e| e.0).collect();
    let rows = t::Entity::find().filter(t::Column::EntityId.is_in(ids)).all(c).await?;
    let mut out: HashMap<EntityId, Targets> = HashMap::new();
    for r in rows {
        let i = Indicator::parse(&r.indicator).ok_or_else(|| corrupt("indicator"))?;
        out.entry(EntityId(r.entity_id)).or_default().insert(i, r.target);
    }
    Ok(out)
}

/// Replaces an entity's targets with `targets`.
pub async fn set(c: &impl ConnectionTrait, entity: EntityId, targets: &Targets, now: DateTime<Utc>) -> Result<()> {
    t::Entity::delete_many().filter(t::Column::EntityId.eq(entity.0)).exec(c).await?;
    if targets.is_empty() {
        return Ok(());
    }
    let rows = targets.iter().map(|(i, v)| t::ActiveModel {
        entity_id: Set(entity.0),
        indicator: Set(i.as_str().to_owned()),
        target: Set(*v),
        updated_at: Set(now),
    });
    t::Entity::insert_many(rows).exec_without_returning(c).await?;
    Ok(())
}
