use sea_orm::entity::prelude::*;

use crate::enums::{TierComparison, TierMeasure};
use crate::fixed::Fixed;

/// One criterion of a tier: a measure over the trailing `period_months`, held against a
/// threshold. A partner qualifies for a tier when it meets every criterion of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tier_criteria")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tier_id: Uuid,
    /// Its place among the tier's criteria, from 0.
    pub position: i32,
    pub measure: TierMeasure,
    pub comparison: TierComparison,
    pub threshold: Fixed,
    pub period_months: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
