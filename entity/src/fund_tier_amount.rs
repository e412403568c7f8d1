use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// What a marketing development fund allocates to each partner of a tier.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fund_tier_amounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub fund_id: Uuid,
    pub tier_id: Uuid,
    pub amount: Fixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
