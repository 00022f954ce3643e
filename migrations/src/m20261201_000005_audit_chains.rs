//! The audit trail as one hash chain per entity and one for the platform, so
//! that an entity's trail is verified on its own and appenders to different
//! entities never wait for each other; with the client address of each action.
//! `id` orders the whole trail for listing; `(chain, seq)` places an entry in
//! its chain. It replaces `audit_log`, the single chain of the first form, which
//! no deployment holds entries of yet (the platform had not been released).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditTrail {
    Table,
    Id,
    Chain,
    Seq,
    At,
    ActorId,
    EntityId,
    ClientAddress,
    Action,
    Target,
    Before,
    After,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditTrail::Table)
                .col(big_integer(AuditTrail::Id).primary_key().auto_increment())
                // `platform`, or the entity's id.
                .col(string(AuditTrail::Chain))
                .col(big_integer(AuditTrail::Seq))
                .col(timestamp_with_time_zone(AuditTrail::At))
                .col(uuid_null(AuditTrail::ActorId))
                .col(uuid_null(AuditTrail::EntityId))
                .col(string_null(AuditTrail::ClientAddress))
                .col(string(AuditTrail::Action))
                .col(string(AuditTrail::Target))
                .col(json_null(AuditTrail::Before))
                .col(json_null(AuditTrail::After))
                .col(string(AuditTrail::PrevHash))
                .col(string(AuditTrail::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_trail_chain_seq")
                .table(AuditTrail::Table)
                .col(AuditTrail::Chain)
                .col(AuditTrail::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, col) in [("audit_trail_actor", AuditTrail::ActorId), ("audit_trail_action", AuditTrail::Action)] {
            m.create_index(Index::create().name(name).table(AuditTrail::Table).col(col).col(AuditTrail::Id).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditTrail::Table).to_owned()).await
    }
}
