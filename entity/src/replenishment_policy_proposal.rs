use sea_orm::entity::prelude::*;

use crate::enums::ProposalStatus;
use crate::fixed::Fixed;

/// A distributor's proposed change to its own replenishment policy: the fields it would
/// set, for every product or one, and the brand's decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "replenishment_policy_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub product_id: Option<Uuid>,
    pub target_weeks: Option<Fixed>,
    pub min_quantity: Option<Fixed>,
    pub max_quantity: Option<Fixed>,
    pub order_multiple: Option<Fixed>,
    pub lead_time_days: Option<i32>,
    pub review_days: Option<String>,
    pub note: Option<String>,
    pub status: ProposalStatus,
    pub proposed_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub reason: Option<String>,
    /// The policy an accepted proposal changed or made.
    pub policy_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
