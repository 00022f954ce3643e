use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vote_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_index: i32,
    pub ballots: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
