//! Campaigns, opportunities, leads and lead routing, and deal registration in GraphQL.

mod compiled;
mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    CampaignAudienceFilter, CampaignCreateInput, CampaignFilter, CampaignOrder, CampaignOrderField,
    CampaignResponseRecordInput, CampaignSendInput, CampaignUpdateInput, DealApproveInput,
    DealFilterInput, DealLineInput, DealRegisterInput, DealRegistrationOrder, DealRejectInput,
    LeadAssignInput, LeadConvertInput, LeadCreateInput, LeadFilterInput, LeadNewOrganizationInput,
    LeadOpportunityInput, LeadOrder, LeadRouteSetInput, LeadStepInput, OpportunityCreateInput,
    OpportunityFilterInput, OpportunityLoseInput, OpportunityOrder, OpportunityOrderField,
    OpportunityUpdateInput, OpportunityWinInput, SEND_MAX,
};
pub use resolvers::{
    CampaignPayload, DealMutation, DealQuery, GrowthMutation, GrowthQuery, LeadMutation, LeadQuery,
    OpportunityPayload,
};
pub use types::{
    Campaign, CampaignChannel, CampaignResponseKind, DealOrderField, DealRegistration,
    DealRegistrationLine, DealRegistrationPayload, DealStatus, Lead, LeadDuplicate, LeadOrderField,
    LeadPayload, LeadRoute, LeadRoutePayload, LeadSource, LeadStatus, Opportunity,
    OpportunityStage,
};

pub use compiled::register as register_compiled;
