//! Growth as the services take it: parsed and valid.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    CampaignChannel, CampaignResponseKind, IndustrySegment, LeadSource, LeadStatus,
    OpportunityStage, OrganizationKind,
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
    pub leads: i64,
    pub opportunities: i64,
    pub won: i64,
    pub revenue: Decimal,
}

#[derive(Clone, Debug)]
pub struct NewLead {
    pub person_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tax_id: Option<String>,
    pub source: LeadSource,
    pub campaign_id: Option<Uuid>,
    pub captured_at: DateTime<Utc>,
    pub territory: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeadFilter {
    pub statuses: Vec<LeadStatus>,
    pub sources: Vec<LeadSource>,
    pub assignee_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub late: Option<bool>,
    pub territory: Option<String>,
}

/// Who a lead goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadTarget {
    User(Uuid),
    Partner(Uuid),
    /// Wherever its territory's rule sends it.
    Route,
}

pub use crate::organizations::model::DuplicateReason;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadDuplicate {
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub reasons: Vec<DuplicateReason>,
}

#[derive(Clone, Debug)]
pub enum OrganizationChoice {
    Existing(Uuid),
    New {
        kind: OrganizationKind,
        code: String,
        name: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Conversion {
    pub organization: OrganizationChoice,
    pub confirm_new: bool,
    pub opportunity_name: String,
    pub amount: Money,
    pub expected_close_on: NaiveDate,
}

/// The end customer of a deal registration.
#[derive(Clone, Debug)]
pub enum DealCustomer {
    Existing(Uuid),
    New {
        name: String,
        tax_id: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct NewDeal {
    pub customer: DealCustomer,
    pub lines: Vec<(String, Decimal)>,
    pub amount: Money,
    pub expected_close_on: Option<NaiveDate>,
}

/// How an approval settles a new end customer: linked to an existing organization, or
/// created with a code.
#[derive(Clone, Debug)]
pub enum ApprovedCustomer {
    AsRegistered,
    Existing(Uuid),
    New { code: String },
}

/// A deal registration's status as clients see it: an approval whose protection ended is
/// EXPIRED.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DealState {
    Pending,
    Approved,
    Rejected,
    Expired,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DealFilter {
    pub states: Vec<DealState>,
    pub partner_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub conflict: Option<bool>,
}
