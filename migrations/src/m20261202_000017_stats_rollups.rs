//! Each day's and each month's statistics, kept by a consumer of the event
//! log (`server::rollups`): per entity and UTC day (or month) of opening, the
//! sums and the times of the transactions opened then — one row per
//! department, type and assignee, and one per type (the platform's, each
//! entity whole) — so that a year's figures read a few thousand rows instead
//! of every transaction of the year. What is not yet rolled up (the days of
//! events after the consumer's position, and the period's partial days) is
//! read from the transactions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatsRollups {
    Table,
    Id,
    EntityId,
    Day,
    Span,
    Grain,
    DepartmentId,
    TypeId,
    AssigneeId,
    Total,
    Completed,
    Rejected,
    Postponed,
    Open,
    ClosedLate,
    OnTime,
    FirstResponses,
    FirstResponseS,
    Resolutions,
    ResolutionS,
    Ratings,
    RatingSum,
    FirstResponseTimes,
    ResolutionTimes,
    CompletedTimes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use StatsRollups as R;
        let mut table = Table::create();
        table
            .table(R::Table)
            .col(big_integer(R::Id).primary_key().auto_increment())
            .col(uuid(R::EntityId))
            .col(date(R::Day))
            .col(string(R::Span))
            .col(string(R::Grain))
            .col(uuid_null(R::DepartmentId))
            .col(uuid_null(R::TypeId))
            .col(uuid_null(R::AssigneeId));
        for sum in [
            R::Total,
            R::Completed,
            R::Rejected,
            R::Postponed,
            R::Open,
            R::ClosedLate,
            R::OnTime,
            R::FirstResponses,
            R::FirstResponseS,
            R::Resolutions,
            R::ResolutionS,
            R::Ratings,
            R::RatingSum,
        ] {
            table.col(big_integer(sum));
        }
        table
            .col(binary(R::FirstResponseTimes))
            .col(binary(R::ResolutionTimes))
            .col(binary(R::CompletedTimes))
            .foreign_key(
                ForeignKey::create()
                    .from(R::Table, R::EntityId)
                    .to(Alias::new("entities"), Alias::new("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        m.create_table(table.to_owned()).await?;
        m.create_index(
            Index::create()
                .name("stats_rollups_entity_day")
                .table(R::Table)
                .col(R::EntityId)
                .col(R::Grain)
                .col(R::Span)
                .col(R::Day)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StatsRollups::Table).to_owned()).await
    }
}
