use sea_orm::entity::prelude::*;

use crate::enums::{FundActivity, FundRequestStatus};
use crate::fixed::Fixed;

/// A partner's request for money out of a fund for one activity, the brand's decision, the
/// partner's claim after the activity with its results, and the payment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fund_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The brand's number for it (`FR-000001`).
    #[sea_orm(unique)]
    pub number: String,
    pub fund_id: Uuid,
    pub partner_id: Uuid,
    pub activity: FundActivity,
    pub title: String,
    pub plan: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub requested: Fixed,
    /// What the brand approved: all of `requested` or part of it.
    pub approved: Option<Fixed>,
    pub status: FundRequestStatus,
    /// The brand's campaign the activity is part of.
    pub campaign_id: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// The last day the approved money may be claimed.
    pub expires_on: Option<Date>,
    pub claimed: Option<Fixed>,
    pub leads: Option<i32>,
    pub attendees: Option<i32>,
    pub claimed_at: Option<DateTimeUtc>,
    pub paid: Option<Fixed>,
    pub claim_decided_by: Option<Uuid>,
    pub claim_decided_at: Option<DateTimeUtc>,
    pub claim_note: Option<String>,
    pub credit_memo_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
