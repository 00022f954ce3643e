//! Transactions, their event log (the project's outbox: every change appends an
//! event in the same database transaction), reference counters per entity and
//! Hijri year, and the routing cursor per transaction type.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Id,
    EntityId,
    TypeId,
    DepartmentId,
    BeneficiaryId,
    AssigneeId,
    ReferenceYear,
    ReferenceNumber,
    Subject,
    Body,
    Priority,
    Status,
    Fields,
    DueAt,
    PausedAt,
    PostponedUntil,
    ClosedAt,
    Rating,
    RatingComment,
    LastSeq,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TransactionEvents {
    Table,
    Position,
    TransactionId,
    Seq,
    Kind,
    Visibility,
    ActorId,
    At,
    Data,
}

#[derive(DeriveIden)]
enum ReferenceCounters {
    Table,
    EntityId,
    HijriYear,
    Last,
}

#[derive(DeriveIden)]
enum RoutingCursors {
    Table,
    TypeId,
    LastAssignee,
    Turns,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Transactions::Table)
                .col(uuid(Transactions::Id).primary_key())
                .col(uuid(Transactions::EntityId))
                .col(uuid(Transactions::TypeId))
                .col(uuid(Transactions::DepartmentId))
                .col(uuid(Transactions::BeneficiaryId))
                .col(uuid_null(Transactions::AssigneeId))
                .col(integer(Transactions::ReferenceYear))
                .col(big_integer(Transactions::ReferenceNumber))
                .col(string(Transactions::Subject))
                .col(text(Transactions::Body))
                .col(string(Transactions::Priority))
                .col(string(Transactions::Status))
                .col(json_binary(Transactions::Fields))
                .col(timestamp_with_time_zone(Transactions::DueAt))
                .col(timestamp_with_time_zone_null(Transactions::PausedAt))
                .col(timestamp_with_time_zone_null(Transactions::PostponedUntil))
                .col(timestamp_with_time_zone_null(Transactions::ClosedAt))
                .col(integer_null(Transactions::Rating))
                .col(text_null(Transactions::RatingComment))
                .col(integer(Transactions::LastSeq).default(0))
                .col(timestamp_with_time_zone(Transactions::CreatedAt))
                .col(timestamp_with_time_zone(Transactions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Transactions::Table, Transactions::EntityId)
                        .to(Alias::new("entities"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Transactions::Table, Transactions::TypeId)
                        .to(Alias::new("transaction_types"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Transactions::Table, Transactions::DepartmentId)
                        .to(Alias::new("departments"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Transactions::Table, Transactions::BeneficiaryId)
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Transactions::Table, Transactions::AssigneeId)
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("transactions_reference")
                .table(Transactions::Table)
                .col(Transactions::EntityId)
                .col(Transactions::ReferenceYear)
                .col(Transactions::ReferenceNumber)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("transactions_entity_status", vec![Transactions::EntityId, Transactions::Status]),
            ("transactions_department_status", vec![Transactions::DepartmentId, Transactions::Status]),
            ("transactions_assignee_status", vec![Transactions::AssigneeId, Transactions::Status]),
            ("transactions_beneficiary", vec![Transactions::BeneficiaryId, Transactions::Id]),
        ] {
            let mut idx = Index::create().name(name).table(Transactions::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table(TransactionEvents::Table)
                // A global, increasing position: what consumers (real time, search,
                // notifications) keep as their cursor.
                .col(big_integer(TransactionEvents::Position).primary_key().auto_increment())
                .col(uuid(TransactionEvents::TransactionId))
                .col(integer(TransactionEvents::Seq))
                .col(string(TransactionEvents::Kind))
                .col(string(TransactionEvents::Visibility))
                .col(uuid_null(TransactionEvents::ActorId))
                .col(timestamp_with_time_zone(TransactionEvents::At))
                .col(json_binary(TransactionEvents::Data))
                .foreign_key(
                    ForeignKey::create()
                        .from(TransactionEvents::Table, TransactionEvents::TransactionId)
                        .to(Transactions::Table, Transactions::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("transaction_events_seq")
                .table(TransactionEvents::Table)
                .col(TransactionEvents::TransactionId)
                .col(TransactionEvents::Seq)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReferenceCounters::Table)
                .col(uuid(ReferenceCounters::EntityId))
                .col(integer(ReferenceCounters::HijriYear))
                .col(big_integer(ReferenceCounters::Last))
                .primary_key(Index::create().col(ReferenceCounters::EntityId).col(ReferenceCounters::HijriYear))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RoutingCursors::Table)
                .col(uuid(RoutingCursors::TypeId).primary_key())
                .col(uuid_null(RoutingCursors::LastAssignee))
                .col(big_integer(RoutingCursors::Turns).default(0))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            RoutingCursors::Table.into_iden(),
            ReferenceCounters::Table.into_iden(),
            TransactionEvents::Table.into_iden(),
            Transactions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
