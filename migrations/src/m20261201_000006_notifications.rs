//! Notifications of every step: the outbox learns whom and what a message is
//! about (so that it is enqueued once per event, recipient and channel, listed
//! when given up, and shown on the timeline), consumers of the event log keep
//! their positions, and every account has its notification preferences.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    DedupeKey,
    Status,
    UserId,
    EntityId,
    TransactionId,
    EventSeq,
    Notice,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    NotificationPreferences,
}

#[derive(DeriveIden)]
enum LogCursors {
    Table,
    Consumer,
    Position,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for col in [
            string_null(Outbox::DedupeKey),
            // `pending`, `delivered`, or `failed` (given up after its retries).
            string(Outbox::Status).default("pending").take(),
            uuid_null(Outbox::UserId),
            uuid_null(Outbox::EntityId),
            uuid_null(Outbox::TransactionId),
            integer_null(Outbox::EventSeq),
            string_null(Outbox::Notice),
        ] {
            m.alter_table(Table::alter().table(Outbox::Table).add_column(col).to_owned()).await?;
        }
        // What was delivered before this migration is not to be sent again.
        m.get_connection()
            .execute_unprepared("UPDATE outbox SET status = 'delivered' WHERE delivered_at IS NOT NULL")
            .await?;
        m.create_index(
            Index::create().name("outbox_dedupe").table(Outbox::Table).col(Outbox::DedupeKey).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outbox_transaction")
                .table(Outbox::Table)
                .col(Outbox::TransactionId)
                .col(Outbox::EventSeq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outbox_entity_status")
                .table(Outbox::Table)
                .col(Outbox::EntityId)
                .col(Outbox::Status)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(Users::Table).add_column(json_null(Users::NotificationPreferences)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogCursors::Table)
                .col(string(LogCursors::Consumer).primary_key())
                .col(big_integer(LogCursors::Position))
                .col(timestamp_with_time_zone(LogCursors::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // The notifier starts after what happened before notifications existed
        // (nothing, on a new database), so that an upgrade announces no history.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO log_cursors (consumer, position, updated_at) \
                 SELECT 'notifier', COALESCE(MAX(position), 0), CURRENT_TIMESTAMP FROM transaction_events",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LogCursors::Table).to_owned()).await
    }
}
