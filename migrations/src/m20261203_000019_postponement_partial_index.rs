//! The postponement worker's index holds the postponed transactions alone
//! (`WHERE status = 'postponed'`), by date. Migration 18's index on status
//! and date held every transaction, and PostgreSQL then chose it for the
//! platform's late count (`status IN (…open…)` over every entity), reading
//! each open transaction from the table: the platform's figures at
//! 1,000,000 went from 106 to 600 ms. A partial index serves the worker's
//! question only.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "transactions_postponed_until";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared(&format!("DROP INDEX IF EXISTS {NAME}")).await?;
        // The same statement on SQLite and PostgreSQL.
        c.execute_unprepared(&format!(
            "CREATE INDEX {NAME} ON transactions (postponed_until) WHERE status = 'postponed'"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared(&format!("DROP INDEX IF EXISTS {NAME}")).await?;
        c.execute_unprepared(&format!("CREATE INDEX {NAME} ON transactions (status, postponed_until)")).await?;
        Ok(())
    }
}
