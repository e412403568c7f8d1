use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// From what a partner has bought in the period, the rate (a percentage) it earns.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "rebate_thresholds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub program_id: Uuid,
    pub position: i32,
    pub from_amount: Fixed,
    pub rate: Fixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
