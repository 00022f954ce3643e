//! What the SLA monitor keeps with each transaction, so that each mark and
//! each escalation is given once, also across a restart and across nodes:
//! the marks given (one bit each), the rung of the escalation ladder, since
//! when the holder has had it without acting, and when to look at it next —
//! indexed, so that the monitor reads only what is due.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Status,
    CreatedAt,
    SlaMarks,
    Escalations,
    HeldSince,
    NextCheckAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            small_integer(Transactions::SlaMarks).default(0).to_owned(),
            small_integer(Transactions::Escalations).default(0).to_owned(),
            timestamp_with_time_zone_null(Transactions::HeldSince),
            timestamp_with_time_zone_null(Transactions::NextCheckAt),
        ] {
            m.alter_table(Table::alter().table(Transactions::Table).add_column(col).to_owned()).await?;
        }
        // What is open now is looked at once, from the time it was opened.
        let open = Query::update()
            .table(Transactions::Table)
            .value(Transactions::NextCheckAt, Expr::col(Transactions::CreatedAt))
            .value(Transactions::HeldSince, Expr::col(Transactions::CreatedAt))
            .and_where(Expr::col(Transactions::Status).is_not_in(["completed", "rejected"]))
            .to_owned();
        m.exec_stmt(open).await?;
        m.create_index(
            Index::create()
                .name("transactions_next_check")
                .table(Transactions::Table)
                .col(Transactions::NextCheckAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("transactions_next_check").table(Transactions::Table).to_owned()).await?;
        for col in
            [Transactions::SlaMarks, Transactions::Escalations, Transactions::HeldSince, Transactions::NextCheckAt]
        {
            m.alter_table(Table::alter().table(Transactions::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
