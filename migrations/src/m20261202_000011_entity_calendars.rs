//! Each entity's working calendar: its time zone, working week, hours and
//! holidays. An entity without a row works to the platform's default
//! (Sunday to Thursday, 07:30 to 14:30, Riyadh, the national days and Eids).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EntityCalendars {
    Table,
    EntityId,
    TimeZone,
    /// Seven characters, Sunday first: `1` worked, `0` not.
    Week,
    /// Minutes after midnight.
    Opens,
    Closes,
    Holidays,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EntityCalendars::Table)
                .col(uuid(EntityCalendars::EntityId).primary_key())
                .col(string(EntityCalendars::TimeZone))
                .col(string(EntityCalendars::Week))
                .col(integer(EntityCalendars::Opens))
                .col(integer(EntityCalendars::Closes))
                .col(json(EntityCalendars::Holidays))
                .col(timestamp_with_time_zone(EntityCalendars::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(EntityCalendars::Table, EntityCalendars::EntityId)
                        .to(Alias::new("entities"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EntityCalendars::Table).to_owned()).await
    }
}
