//! Each entity's targets per indicator (the `004_…` performance index), set
//! by the platform admin.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorTargets {
    Table,
    EntityId,
    Indicator,
    Target,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IndicatorTargets::Table)
                .col(uuid(IndicatorTargets::EntityId))
                .col(string(IndicatorTargets::Indicator))
                .col(double(IndicatorTargets::Target))
                .col(timestamp_with_time_zone(IndicatorTargets::UpdatedAt))
                .primary_key(Index::create().col(IndicatorTargets::EntityId).col(IndicatorTargets::Indicator))
                .foreign_key(
                    ForeignKey::create()
                        .from(IndicatorTargets::Table, IndicatorTargets::EntityId)
                        .to(Alias::new("entities"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IndicatorTargets::Table).to_owned()).await
    }
}
