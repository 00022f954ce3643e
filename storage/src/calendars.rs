//! Each entity's working calendar: read for every due time and every
//! measure of working time, written by its admins. An entity that never set
//! one works to `WorkingCalendar::default()`.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait};
use tawasul_core::calendar::{Holiday, WorkingCalendar};
use tawasul_core::ids::EntityId;

use crate::Result;
use crate::accounts::corrupt;
use crate::model::entity_calendars as cal;

pub async fn of(c: &impl ConnectionTrait, entity: EntityId) -> Result<WorkingCalendar> {
    let Some(row) = cal::Entity::find_by_id(entity.0).one(c).await? else { return Ok(WorkingCalendar::default()) };
    let mut week = [false; 7];
    for (day, on) in week.iter_mut().zip(row.week.chars()) {
        *day = on == '1';
    }
    let holidays: Vec<Holiday> = serde_json::from_value(row.holidays).map_err(|_| corrupt("holidays"))?;
    Ok(WorkingCalendar {
        zone: chrono_tz::Tz::from_str(&row.time_zone).map_err(|_| corrupt("time_zone"))?,
        week,
        opens: u16::try_from(row.opens).map_err(|_| corrupt("opens"))?,
        closes: u16::try_from(row.closes).map_err(|_| corrupt("closes"))?,
        holidays,
    })
}

/// Sets the entity's calendar (checked by the caller's parse).
pub async fn set(c: &impl ConnectionTrait, entity: EntityId, k: &WorkingCalendar, now: DateTime<Utc>) -> Result<()> {
    let row = cal::ActiveModel {
        entity_id: Set(entity.0),
        time_zone: Set(k.zone.name().to_owned()),
        week: Set(k.week.iter().map(|on| if *on { '1' } else { '0' }).collect()),
        opens: Set(i32::from(k.opens)),
        closes: Set(i32::from(k.closes)),
        holidays: Set(serde_json::to_value(&k.holidays).map_err(|_| corrupt("holidays"))?),
        updated_at: Set(now),
    };
    cal::Entity::insert(row)
        .on_conflict(
            OnConflict::column(cal::Column::EntityId)
                .update_columns([
                    cal::Column::TimeZone,
                    cal::Column::Week,
                    cal::Column::Opens,
                    cal::Column::Closes,
                    cal::Column::Holidays,
                    cal::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}
