use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub role: String,
    pub name_ar: String,
    pub name_en: String,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub password_hash: String,
    pub email_verified: bool,
    pub mobile_verified: bool,
    pub language: String,
    pub residence: Option<String>,
    pub entity_id: Option<Uuid>,
    pub grants: Json,
    pub revokes: Json,
    pub active: bool,
    pub on_leave_until: Option<DateTimeUtc>,
    pub remit_all: bool,
    pub notification_preferences: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
