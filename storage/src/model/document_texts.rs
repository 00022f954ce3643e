use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "document_texts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub blob_id: Uuid,
    pub status: String,
    pub text: String,
    pub extracted_at: DateTimeUtc,
    /// Its place in the texts' log (numbered by the database on insert).
    pub seq: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
