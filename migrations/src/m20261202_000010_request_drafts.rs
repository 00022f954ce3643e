//! A beneficiary's unfinished requests, kept on the server to resume later
//! from any device.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RequestDrafts {
    Table,
    Id,
    UserId,
    Answers,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RequestDrafts::Table)
                .col(uuid(RequestDrafts::Id).primary_key())
                .col(uuid(RequestDrafts::UserId))
                .col(json(RequestDrafts::Answers))
                .col(timestamp_with_time_zone(RequestDrafts::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("request_drafts_by_user")
                .table(RequestDrafts::Table)
                .col(RequestDrafts::UserId)
                .col(RequestDrafts::UpdatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RequestDrafts::Table).to_owned()).await
    }
}
