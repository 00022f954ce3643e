//! What service levels are measured by, kept as each step is taken so that
//! statistics are sums over indexed columns: when a transaction was first
//! answered and after how much working time, how much working time it spent
//! paused, and after how much working time it was closed. Types gain their
//! first-response target and the escalation delay, in working hours.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Transactions {
    Table,
    EntityId,
    CreatedAt,
    FirstResponseAt,
    /// Working seconds from opening to the first answer, pauses left out.
    FirstResponseS,
    /// Working seconds spent postponed or awaiting the beneficiary.
    PausedS,
    /// Working seconds from opening to closing, pauses left out.
    ResolutionS,
}

#[derive(DeriveIden)]
enum TransactionTypes {
    Table,
    FirstResponseHours,
    EscalateAfterHours,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        for col in [
            timestamp_with_time_zone_null(Transactions::FirstResponseAt),
            big_integer_null(Transactions::FirstResponseS),
            big_integer(Transactions::PausedS).default(0).to_owned(),
            big_integer_null(Transactions::ResolutionS),
        ] {
            m.alter_table(Table::alter().table(Transactions::Table).add_column(col).to_owned()).await?;
        }
        for col in
            [integer_null(TransactionTypes::FirstResponseHours), integer_null(TransactionTypes::EscalateAfterHours)]
        {
            m.alter_table(Table::alter().table(TransactionTypes::Table).add_column(col).to_owned()).await?;
        }
        // Statistics read an entity's transactions opened in a period.
        m.create_index(
            Index::create()
                .name("transactions_entity_created")
                .table(Transactions::Table)
                .col(Transactions::EntityId)
                .col(Transactions::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("transactions_entity_created").table(Transactions::Table).to_owned()).await?;
        for col in [
            Transactions::FirstResponseAt,
            Transactions::FirstResponseS,
            Transactions::PausedS,
            Transactions::ResolutionS,
        ] {
            m.alter_table(Table::alter().table(Transactions::Table).drop_column(col).to_owned()).await?;
        }
        for col in [TransactionTypes::FirstResponseHours, TransactionTypes::EscalateAfterHours] {
            m.alter_table(Table::alter().table(TransactionTypes::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
