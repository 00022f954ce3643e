use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stats_rollups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: Uuid,
    /// The day, or a month's first day.
    pub day: Date,
    /// `day` or `month`.
    pub span: String,
    pub grain: String,
    pub department_id: Option<Uuid>,
    pub type_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub total: i64,
    pub completed: i64,
    pub rejected: i64,
    pub postponed: i64,
    pub open: i64,
    pub closed_late: i64,
    pub on_time: i64,
    pub first_responses: i64,
    pub first_response_s: i64,
    pub resolutions: i64,
    pub resolution_s: i64,
    pub ratings: i64,
    pub rating_sum: i64,
    pub first_response_times: Vec<u8>,
    pub resolution_times: Vec<u8>,
    pub completed_times: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
