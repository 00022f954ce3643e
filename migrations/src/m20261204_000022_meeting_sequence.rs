//! A meeting's revision, for its calendar event's SEQUENCE: each change or
//! the cancellation sends the event again one higher, which calendar
//! programs take as replacing what they hold.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Sequence,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Meetings::Table).add_column(integer(Meetings::Sequence).default(0)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Meetings::Table).drop_column(Meetings::Sequence).to_owned()).await
    }
}
