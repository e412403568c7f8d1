use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// One product of a replenishment proposal: the quantity, and the numbers it came from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "replenishment_proposal_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub line_number: i32,
    pub product_id: Uuid,
    /// What to order: `need` rounded up to the multiple, within the least and the most.
    pub quantity: Fixed,
    /// Forecast demand over the cover.
    pub demand: Fixed,
    /// `demand` per week of the cover.
    pub weekly_demand: Fixed,
    /// Lead time and review period, in weeks.
    pub cover_weeks: Fixed,
    pub lead_time_days: i32,
    pub review_period_days: i32,
    pub target_weeks: Fixed,
    /// `target_weeks` × `weekly_demand`.
    pub safety_stock: Fixed,
    pub on_hand: Fixed,
    /// Coming from the brand as of the stock report's day: to ship on open orders, and
    /// shipped but not arrived.
    pub in_transit: Fixed,
    /// `demand` + `safety_stock` − `on_hand` − `in_transit`.
    pub need: Fixed,
    pub order_multiple: Fixed,
    pub min_quantity: Fixed,
    pub max_quantity: Option<Fixed>,
    /// The forecast's method: `SIMPLE`, `HOLT` or `HOLT_WINTERS`.
    pub method: Option<String>,
    /// The forecast's error over its holdout.
    pub wape: Option<Fixed>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
