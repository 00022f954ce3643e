use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_id: Uuid,
    pub organiser_id: Uuid,
    pub title: String,
    pub agenda: Json,
    pub starts_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub mode: String,
    pub location: Option<String>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub minutes: Option<String>,
    pub minutes_sha256: Option<String>,
    pub minutes_approved_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    pub sequence: i32,
    /// The seq of its log's latest event (0 before the first).
    pub last_seq: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
