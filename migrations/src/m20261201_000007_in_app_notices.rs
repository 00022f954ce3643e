//! The in-app channel: each notice the notifier decides for a person who
//! keeps `in_app` on is kept for them to read in the application (the bell),
//! once per event, recipient and kind, until they mark it read.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InAppNotices {
    Table,
    Id,
    DedupeKey,
    UserId,
    EntityId,
    TransactionId,
    EventSeq,
    Notice,
    Subject,
    Text,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(InAppNotices::Table)
                .col(uuid(InAppNotices::Id).primary_key())
                .col(string(InAppNotices::DedupeKey).unique_key())
                .col(uuid(InAppNotices::UserId))
                .col(uuid(InAppNotices::EntityId))
                .col(uuid(InAppNotices::TransactionId))
                .col(integer(InAppNotices::EventSeq))
                .col(string(InAppNotices::Notice))
                .col(string(InAppNotices::Subject))
                .col(text(InAppNotices::Text))
                .col(timestamp_with_time_zone(InAppNotices::CreatedAt))
                .col(timestamp_with_time_zone_null(InAppNotices::ReadAt))
                .to_owned(),
        )
        .await?;
        // A person's notices newest first (ids are UUIDv7: time-ordered).
        m.create_index(
            Index::create()
                .name("in_app_notices_user")
                .table(InAppNotices::Table)
                .col(InAppNotices::UserId)
                .col(InAppNotices::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("in_app_notices_transaction")
                .table(InAppNotices::Table)
                .col(InAppNotices::TransactionId)
                .col(InAppNotices::EventSeq)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InAppNotices::Table).to_owned()).await
    }
}
