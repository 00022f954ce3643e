use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "transaction_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_id: Uuid,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub department_id: Uuid,
    pub sla_hours: i32,
    pub first_response_hours: Option<i32>,
    pub escalate_after_hours: Option<i32>,
    pub routing: String,
    pub fields: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
