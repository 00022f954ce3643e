//! The postponement worker asks every second for the postponed transactions
//! whose date has come (`status = 'postponed' AND postponed_until <= now`).
//! No index led with the status, so each round read the whole table: a
//! second's worth of a core in every twenty at 500,000 transactions on
//! SQLite. By status and date, a round reads only the postponed ones due.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Status,
    PostponedUntil,
}

const NAME: &str = "transactions_postponed_until";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Transactions::Table)
                .col(Transactions::Status)
                .col(Transactions::PostponedUntil)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Transactions::Table).to_owned()).await
    }
}
