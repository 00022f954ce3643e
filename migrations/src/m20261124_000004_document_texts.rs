//! The text extracted from attached documents (PDF, DOCX) for the archive, once
//! per stored content; `indexed` tells the indexer which texts it has yet to
//! put into the index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DocumentTexts {
    Table,
    BlobId,
    Status,
    Text,
    Indexed,
    ExtractedAt,
}

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DocumentTexts::Table)
                .col(uuid(DocumentTexts::BlobId).primary_key())
                // `extracted`, or `damaged` (kept so that it is not tried again).
                .col(string(DocumentTexts::Status))
                .col(text(DocumentTexts::Text))
                .col(boolean(DocumentTexts::Indexed))
                .col(timestamp_with_time_zone(DocumentTexts::ExtractedAt))
                .foreign_key(
                    ForeignKey::create().from(DocumentTexts::Table, DocumentTexts::BlobId).to(Blobs::Table, Blobs::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("document_texts_indexed")
                .table(DocumentTexts::Table)
                .col(DocumentTexts::Indexed)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DocumentTexts::Table).to_owned()).await
    }
}
