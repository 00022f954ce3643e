//! Extracted document texts become a log that every node's archive indexer
//! follows by position, as it follows the event logs: `seq` numbers the texts
//! in the order they were recorded, and each index keeps how far it has read
//! (in its commit, with the logs' positions). It replaces `indexed`, one flag
//! for the whole platform, which the first node to index a text set, so that
//! the other nodes' indexes never took the text in.
//!
//! PostgreSQL numbers them from a sequence; SQLite (one writer) with the row's
//! own rowid, which only grows since texts are never deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                c.execute_unprepared("ALTER TABLE document_texts ADD COLUMN seq BIGSERIAL").await?;
            }
            _ => {
                c.execute_unprepared("ALTER TABLE document_texts ADD COLUMN seq INTEGER").await?;
                c.execute_unprepared("UPDATE document_texts SET seq = rowid").await?;
                c.execute_unprepared(
                    "CREATE TRIGGER document_texts_seq AFTER INSERT ON document_texts WHEN NEW.seq IS NULL \
                     BEGIN UPDATE document_texts SET seq = NEW.rowid WHERE rowid = NEW.rowid; END",
                )
                .await?;
            }
        }
        c.execute_unprepared("CREATE UNIQUE INDEX document_texts_by_seq ON document_texts (seq)").await?;
        c.execute_unprepared("DROP INDEX IF EXISTS document_texts_indexed").await?;
        c.execute_unprepared("ALTER TABLE document_texts DROP COLUMN indexed").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        c.execute_unprepared("DROP TRIGGER IF EXISTS document_texts_seq").await?;
        c.execute_unprepared("DROP INDEX IF EXISTS document_texts_by_seq").await?;
        c.execute_unprepared("ALTER TABLE document_texts ADD COLUMN indexed BOOLEAN NOT NULL DEFAULT FALSE").await?;
        c.execute_unprepared("ALTER TABLE document_texts DROP COLUMN seq").await?;
        Ok(())
    }
}
