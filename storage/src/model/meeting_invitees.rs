use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_invitees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name_ar: String,
    pub name_en: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub lang: String,
    pub guest_token_sha256: Option<String>,
    pub rsvp: Option<String>,
    pub rsvp_at: Option<DateTimeUtc>,
    pub checked_in_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
