use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "transactions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entity_id: Uuid,
    pub type_id: Uuid,
    pub department_id: Uuid,
    pub beneficiary_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub reference_year: i32,
    pub reference_number: i64,
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub status: String,
    pub fields: Json,
    pub due_at: DateTimeUtc,
    pub paused_at: Option<DateTimeUtc>,
    pub postponed_until: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub last_seq: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_response_at: Option<DateTimeUtc>,
    pub first_response_s: Option<i64>,
    pub paused_s: i64,
    pub resolution_s: Option<i64>,
    pub sla_marks: i16,
    pub escalations: i16,
    pub held_since: Option<DateTimeUtc>,
    pub next_check_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
