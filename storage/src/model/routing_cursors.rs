use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "routing_cursors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub type_id: Uuid,
    pub last_assignee: Option<Uuid>,
    pub turns: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
