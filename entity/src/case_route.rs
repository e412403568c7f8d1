use sea_orm::entity::prelude::*;

use crate::enums::CaseCategory;

/// A routing rule: a category sends a case to a department, a territory to a person.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "case_routes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub category: Option<CaseCategory>,
    #[sea_orm(unique)]
    pub territory: Option<String>,
    pub department: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
