use sea_orm::entity::prelude::*;

use crate::enums::SettlementCadence;
use crate::fixed::Fixed;

/// A level of the partner program: its benefits and its obligations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "partner_tiers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub rank: i32,
    pub price_list_id: Uuid,
    pub payment_terms_days: i32,
    pub financing_days: i32,
    /// The least share (0 to 100) of the partner's sales that must be the brand's products.
    pub min_sales_share: Option<Fixed>,
    pub reports_inventory: bool,
    pub reports_sell_through: bool,
    pub settlement_cadence: SettlementCadence,
    /// How much weight the tier's partners carry when leads are shared out: 0 to 100.
    pub lead_routing_weight: i32,
    /// Days an approved deal registration protects the tier's partners; null for the
    /// `deal_protection_days` setting.
    pub deal_protection_days: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
