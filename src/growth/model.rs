//! Growth as the services take it: parsed and valid.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    CampaignChannel, CampaignResponseKind, IndustrySegment, OpportunityStage, OrganizationKind,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::money::Money;

#[derive(Clone, Debug)]
pub struct NewCampaign {
    pub code: String,
    pub name: String,
    pub channel: CampaignChannel,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cost: Money,
    pub material: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct CampaignChanges {
    pub name: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub cost: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AudienceFilter {
    pub kinds: Vec<OrganizationKind>,
    pub segments: Vec<IndustrySegment>,
    pub territories: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct NewCampaignResponse {
    pub campaign_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub kind: CampaignResponseKind,
    pub responded_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct NewOpportunity {
    pub name: String,
    pub organization_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub stage: OpportunityStage,
    pub amount: Money,
    pub expected_close_on: NaiveDate,
    pub campaign_id: Option<Uuid>,
}

#[derive(Clone, Debug, Default)]
pub struct OpportunityChanges {
    pub name: Option<String>,
    pub stage: Option<OpportunityStage>,
    pub amount: Option<Decimal>,
    pub expected_close_on: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OpportunityFilter {
    pub organization_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub stages: Vec<OpportunityStage>,
    pub closing_before: Option<NaiveDate>,
}

/// What a campaign brought: sends, responses, opportunities, and revenue from the won ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignFigures {
    pub sends: i64,
    pub responses: i64,
    pub opportunities: i64,
    pub won: i64,
    pub revenue: Decimal,
}
