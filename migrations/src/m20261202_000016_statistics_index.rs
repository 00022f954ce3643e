//! Statistics read an entity's transactions opened in a period, and of each
//! only what its figures are made of. An index holding those columns lets both
//! backends answer from the index alone (an index-only scan), reading the
//! entity's entries in order instead of the table's pages, where its rows lie
//! among every other entity's. It starts with the index it replaces.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Transactions {
    Table,
    EntityId,
    CreatedAt,
    DepartmentId,
    TypeId,
    AssigneeId,
    Status,
    DueAt,
    ClosedAt,
    FirstResponseS,
    ResolutionS,
    Rating,
}

const COLUMNS: [Transactions; 11] = [
    Transactions::EntityId,
    Transactions::CreatedAt,
    Transactions::DepartmentId,
    Transactions::TypeId,
    Transactions::AssigneeId,
    Transactions::Status,
    Transactions::DueAt,
    Transactions::ClosedAt,
    Transactions::FirstResponseS,
    Transactions::ResolutionS,
    Transactions::Rating,
];

fn index_of(name: &str, columns: &[Transactions]) -> IndexCreateStatement {
    let mut idx = Index::create().name(name).table(Transactions::Table).to_owned();
    for c in columns {
        idx.col(*c);
    }
    idx
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index_of("transactions_statistics", &COLUMNS)).await?;
        m.drop_index(Index::drop().name("transactions_entity_created").table(Transactions::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index_of("transactions_entity_created", &COLUMNS[..2])).await?;
        m.drop_index(Index::drop().name("transactions_statistics").table(Transactions::Table).to_owned()).await
    }
}
