use sea_orm::entity::prelude::*;

use crate::enums::{ReplenishmentStatus, ReplenishmentTrigger};

/// What the brand proposes a distributor orders to keep its stock at target, from its
/// reports, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "replenishment_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `RP-000001`; also the PO number of the order it becomes, unless the distributor
    /// gives its own.
    #[sea_orm(unique)]
    pub number: String,
    pub distributor_id: Uuid,
    pub status: ReplenishmentStatus,
    pub trigger: ReplenishmentTrigger,
    /// The day it was worked out.
    pub as_of: Date,
    /// The stock report its stock on hand came from.
    pub stock_report_id: Option<Uuid>,
    pub stock_as_of: Option<Date>,
    /// The last day of sell-through its forecasts were made from.
    pub reported_through: Option<Date>,
    /// Made for a brand-managed distributor: ordered at `accept_after` unless it acted.
    pub brand_managed: bool,
    pub accept_after: Option<DateTimeUtc>,
    /// The distributor while the proposal waits: one waiting proposal each.
    #[sea_orm(unique)]
    pub pending_for: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    /// Why the distributor rejected it.
    pub reason: Option<String>,
    /// Why the brand could not order it when its window passed.
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
