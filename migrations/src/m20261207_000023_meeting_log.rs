//! A meeting's log: what happens in it (notes, attendance, votes opened, the
//! turnout as ballots come, results, approved minutes, decisions), each with
//! its meeting's next `seq` and a global `position`, so that real time follows
//! it as it follows the transactions' log and a connection resumes from a seq.
//!
//! Nothing here joins a voter to an option: a ballot's event carries the
//! turnout alone, with no actor.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    LastSeq,
}

#[derive(DeriveIden)]
enum MeetingEvents {
    Table,
    Position,
    MeetingId,
    Seq,
    Kind,
    ActorId,
    At,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MeetingEvents as E;
        m.alter_table(
            Table::alter().table(Meetings::Table).add_column(integer(Meetings::LastSeq).default(0)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_integer(E::Position).primary_key().auto_increment())
                .col(uuid(E::MeetingId))
                .col(integer(E::Seq))
                .col(string_len(E::Kind, 32))
                .col(uuid_null(E::ActorId))
                .col(timestamp_with_time_zone(E::At))
                .col(json_binary(E::Data))
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_events_seq")
                .table(E::Table)
                .col(E::MeetingId)
                .col(E::Seq)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MeetingEvents::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Meetings::Table).drop_column(Meetings::LastSeq).to_owned()).await
    }
}
