use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub position: i64,
    pub meeting_id: Uuid,
    pub seq: i32,
    pub kind: String,
    pub actor_id: Option<Uuid>,
    pub at: DateTimeUtc,
    pub data: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
