//! The late count's index: the transactions on the clock alone (the
//! statuses `lifecycle::late_statuses` names, written out as the query
//! writes them), by entity and due date, with the columns the count groups
//! by. A few percent of the transactions; a count over every entity of the
//! platform reads the late ones and nothing else.
//!
//! Before it, PostgreSQL's generic plan for the count (the statuses and the
//! moment bound as parameters, planned once per pooled connection) took the
//! statistics index and read every transaction of the year: 1 s at
//! 1,000,000, where the plan for the values at hand took 61 ms; which of
//! the two a request met depended on its connection. A partial index whose
//! condition the query carries word for word is chosen by either plan, and
//! by SQLite.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "transactions_late";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The same statement on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {NAME} ON transactions \
                 (entity_id, due_at, created_at, department_id, type_id, assignee_id) \
                 WHERE status IN ('new', 'assigned', 'in_progress', 'reopened')"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared(&format!("DROP INDEX IF EXISTS {NAME}")).await?;
        Ok(())
    }
}
