use sea_orm::entity::prelude::*;

/// A customer's answer to a survey: satisfaction (1 to 5) and likelihood to recommend (0 to
/// 10), about a case, an order or the relationship.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub author_organization_id: Option<Uuid>,
    pub satisfaction: Option<i32>,
    pub recommend: Option<i32>,
    pub comment: Option<String>,
    pub responded_at: DateTimeUtc,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
