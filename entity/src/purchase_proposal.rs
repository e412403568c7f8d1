use sea_orm::entity::prelude::*;

use crate::enums::ReplenishmentStatus;

/// What the brand's planning proposes it buys from a supplier, from the channel's forecast,
/// the brand's stock position and the supplier's commitments, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "purchase_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `PR-000001`; also the PO number of the purchase order it becomes.
    #[sea_orm(unique)]
    pub number: String,
    pub supplier_id: Uuid,
    pub status: ReplenishmentStatus,
    /// The day it was worked out: its first week is that day's week.
    pub as_of: Date,
    /// How many weeks it covers.
    pub horizon_weeks: i32,
    /// The day of the brand's stock report its stock came from.
    pub brand_stock_as_of: Option<Date>,
    /// The supplier while the proposal waits: one waiting proposal each.
    #[sea_orm(unique)]
    pub pending_for: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
