//! Time present on the platform: seconds per person and day (UTC), added to
//! by each node as it sees people at work (`server::presence`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Presence {
    Table,
    UserId,
    Day,
    Seconds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Presence::Table)
                .col(uuid(Presence::UserId))
                .col(date(Presence::Day))
                .col(big_integer(Presence::Seconds))
                .primary_key(Index::create().col(Presence::UserId).col(Presence::Day))
                .foreign_key(
                    ForeignKey::create()
                        .from(Presence::Table, Presence::UserId)
                        .to(Alias::new("users"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Presence::Table).to_owned()).await
    }
}
