use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "page_feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub page: String,
    pub useful: bool,
    pub lang: String,
    pub user_id: Option<Uuid>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
