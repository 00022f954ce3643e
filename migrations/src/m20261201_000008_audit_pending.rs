//! Audit entries are written by an action into `audit_pending`, in the
//! action's own database transaction, and sealed into their chain of
//! `audit_trail` by one sealer at a time: an action no longer reads its
//! chain's head nor holds the chain's lock until it commits.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditPending {
    Table,
    Id,
    At,
    ActorId,
    EntityId,
    ClientAddress,
    Action,
    Target,
    Before,
    After,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditPending::Table)
                .col(big_integer(AuditPending::Id).primary_key().auto_increment())
                .col(timestamp_with_time_zone(AuditPending::At))
                .col(uuid_null(AuditPending::ActorId))
                .col(uuid_null(AuditPending::EntityId))
                .col(string_null(AuditPending::ClientAddress))
                .col(string(AuditPending::Action))
                .col(string(AuditPending::Target))
                .col(json_null(AuditPending::Before))
                .col(json_null(AuditPending::After))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditPending::Table).to_owned()).await
    }
}
