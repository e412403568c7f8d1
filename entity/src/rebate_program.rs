use sea_orm::entity::prelude::*;

use crate::enums::{RebateBasis, RebateMethod};

/// A volume rebate program: what a tier's partners, or one partner, earn back on what they
/// buy from the brand, or sell on, in a period, by thresholds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "rebate_programs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub method: RebateMethod,
    /// What counts toward the thresholds.
    pub basis: RebateBasis,
    /// The tier whose partners it covers; or
    pub tier_id: Option<Uuid>,
    /// the one partner it covers.
    pub partner_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
