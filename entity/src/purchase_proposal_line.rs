use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// One product of a purchase proposal: what to buy over the horizon, and the numbers it
/// came from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "purchase_proposal_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub line_number: i32,
    pub product_id: Uuid,
    /// What to buy: Σ over the weeks of the net requirement, each week capped by the
    /// supplier's commitment where it made one, rounded up to a whole unit.
    pub quantity: Fixed,
    /// The channel's forecast demand over the horizon.
    pub channel_demand: Fixed,
    /// The brand's stock on hand, from its latest stock report.
    pub brand_on_hand: Fixed,
    /// Coming on the brand's purchase orders.
    pub inbound: Fixed,
    /// Σ of the weekly net requirement: the demand the stock position no longer covers.
    pub net_requirement: Fixed,
    /// Σ of the supplier's commitments over the horizon; none where it made none.
    pub committed: Option<Fixed>,
    /// Weeks where the commitment was less than the net requirement.
    pub capped_weeks: i32,
    /// The net requirement beyond the commitments: what the supplier has not committed to.
    pub uncommitted: Fixed,
    /// The first week with a net requirement: the lines' requested date.
    pub needed_from: Option<Date>,
    /// Distributors whose forecast counts, and those that stopped reporting.
    pub distributors: i32,
    pub stale_distributors: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
