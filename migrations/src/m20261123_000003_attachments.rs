//! Attachments and voice notes: the encrypted contents (`blobs`, stored once
//! per entity and digest), the files attached to transactions and the voice
//! notes recorded on them, each by one event.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Id,
    EntityId,
    Sha256,
    Size,
    ContentType,
    ObjectKey,
    WrappedKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    TransactionId,
    BlobId,
    FileName,
    Visibility,
    Seq,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VoiceNotes {
    Table,
    Id,
    TransactionId,
    BlobId,
    DurationMs,
    Waveform,
    Visibility,
    Seq,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Blobs::Table)
                .col(uuid(Blobs::Id).primary_key())
                .col(uuid(Blobs::EntityId))
                .col(string(Blobs::Sha256))
                .col(big_integer(Blobs::Size))
                .col(string(Blobs::ContentType))
                .col(string(Blobs::ObjectKey))
                // The object's data key, wrapped by the master key.
                .col(string(Blobs::WrappedKey))
                .col(timestamp_with_time_zone(Blobs::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("blobs_entity_sha256")
                .table(Blobs::Table)
                .col(Blobs::EntityId)
                .col(Blobs::Sha256)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(uuid(Attachments::Id).primary_key())
                .col(uuid(Attachments::TransactionId))
                .col(uuid(Attachments::BlobId))
                .col(string(Attachments::FileName))
                .col(string(Attachments::Visibility))
                .col(integer(Attachments::Seq))
                .col(uuid(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachments::Table, Attachments::TransactionId)
                        .to(Transactions::Table, Transactions::Id),
                )
                .foreign_key(
                    ForeignKey::create().from(Attachments::Table, Attachments::BlobId).to(Blobs::Table, Blobs::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attachments_transaction")
                .table(Attachments::Table)
                .col(Attachments::TransactionId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VoiceNotes::Table)
                .col(uuid(VoiceNotes::Id).primary_key())
                .col(uuid(VoiceNotes::TransactionId))
                .col(uuid(VoiceNotes::BlobId))
                .col(big_integer(VoiceNotes::DurationMs))
                .col(json_binary(VoiceNotes::Waveform))
                .col(string(VoiceNotes::Visibility))
                .col(integer(VoiceNotes::Seq))
                .col(uuid(VoiceNotes::RecordedBy))
                .col(timestamp_with_time_zone(VoiceNotes::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(VoiceNotes::Table, VoiceNotes::TransactionId)
                        .to(Transactions::Table, Transactions::Id),
                )
                .foreign_key(
                    ForeignKey::create().from(VoiceNotes::Table, VoiceNotes::BlobId).to(Blobs::Table, Blobs::Id),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VoiceNotes::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Attachments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Blobs::Table).to_owned()).await
    }
}
