use sea_orm::entity::prelude::*;

use crate::enums::OpportunityStage;
use crate::fixed::Fixed;

/// A chance to sell to an organization: its stage, amount, expected close and owner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub organization_id: Uuid,
    /// The partner whose deal it is; null for the brand's own.
    pub author_organization_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub stage: OpportunityStage,
    pub amount: Fixed,
    pub currency: String,
    pub expected_close_on: Date,
    pub campaign_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    /// The order it was won with.
    pub order_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
