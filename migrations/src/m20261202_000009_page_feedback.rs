//! "Was this page useful?": one row per answer, counted per page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PageFeedback {
    Table,
    Id,
    Page,
    Useful,
    Lang,
    UserId,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PageFeedback::Table)
                .col(big_integer(PageFeedback::Id).primary_key().auto_increment())
                .col(string(PageFeedback::Page))
                .col(boolean(PageFeedback::Useful))
                .col(string(PageFeedback::Lang))
                .col(uuid_null(PageFeedback::UserId))
                .col(timestamp_with_time_zone(PageFeedback::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("page_feedback_by_page").table(PageFeedback::Table).col(PageFeedback::Page).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PageFeedback::Table).to_owned()).await
    }
}
