//! Inputs of growth, parsed at the edge.

use async_graphql::{Enum, ID, InputObject};
use rust_decimal::Decimal as Dec;
use uuid::Uuid;

use super::types::*;
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::connection::SortDirection;
use crate::graphql::money::MoneyInput;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::growth::model::{
    AudienceFilter, CampaignChanges, Conversion, DealCustomer, LeadFilter, LeadTarget, NewCampaign,
    NewCampaignResponse, NewDeal, NewLead, NewOpportunity, OpportunityChanges, OpportunityFilter,
    OrganizationChoice,
};
use crate::ids::{NodeType, argument_id};
use crate::money::{self, Currency};
use crate::organizations::graphql::{IndustrySegment, OrganizationKind, input_id};
use crate::pagination::{Sort, SortKey};

const NAME_MAX: usize = 200;
const MATERIAL_MAX: usize = 64;
/// Most contacts one send names.
pub const SEND_MAX: usize = 1000;

/// A cost: zero or more, no finer than the currency.
fn cost(input: &MoneyInput, max: Dec) -> Result<money::Money> {
    if input.amount.0.is_zero() {
        let currency = Currency::parse(&["input", "cost", "currency"], &input.currency)?;
        return Ok(money::Money {
            amount: Dec::ZERO,
            currency,
        });
    }
    input.parse(&["input", "cost"], max)
}

/// A new campaign.
#[derive(InputObject)]
pub struct CampaignCreateInput {
    /// A unique code: 2 to 15 letters, digits, `-` or `_`; stored in upper case.
    pub code: String,
    /// Its name: 1 to 200 characters.
    pub name: String,
    /// How it reaches people.
    pub channel: CampaignChannel,
    /// Its first day.
    pub starts_on: Date,
    /// Its last day; not before the first.
    pub ends_on: Date,
    /// What it cost; zero or more. Its currency is the one its revenue is counted in.
    pub cost: MoneyInput,
    /// The material it sends (a catalogue code, a mailing); each contact receives a
    /// material once.
    pub material: Option<String>,
}

impl CampaignCreateInput {
    pub fn parse(self, max_amount: Dec) -> Result<NewCampaign> {
        Ok(NewCampaign {
            code: domain::partner_code(&["input", "code"], &self.code)?,
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            channel: self.channel.into(),
            starts_on: self.starts_on.0,
            ends_on: self.ends_on.0,
            cost: cost(&self.cost, max_amount)?,
            material: domain::optional_text(
                &["input", "material"],
                self.material.as_deref(),
                MATERIAL_MAX,
            )?
            .map(|m| m.to_uppercase()),
        })
    }
}

/// Changes to a campaign. Omitted fields stay as they are.
#[derive(InputObject)]
pub struct CampaignUpdateInput {
    /// The campaign.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new first day.
    pub starts_on: Option<Date>,
    /// A new last day.
    pub ends_on: Option<Date>,
    /// A new cost, in the campaign's currency; zero or more.
    pub cost: Option<Decimal>,
}

impl CampaignUpdateInput {
    pub fn parse(self, max_amount: Dec) -> Result<(Uuid, i32, CampaignChanges)> {
        let cost = match self.cost {
            Some(c) if c.0.is_zero() => Some(Dec::ZERO),
            Some(c) => Some(money::quantity(&["input", "cost"], c.0, max_amount)?),
            None => None,
        };
        Ok((
            input_id("id", &self.id, NodeType::Campaign)?,
            self.version,
            CampaignChanges {
                name: self
                    .name
                    .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                    .transpose()?,
                starts_on: self.starts_on.map(|d| d.0),
                ends_on: self.ends_on.map(|d| d.0),
                cost,
            },
        ))
    }
}

/// A send of a campaign's material to contacts.
#[derive(InputObject)]
pub struct CampaignSendInput {
    /// The campaign.
    pub campaign_id: ID,
    /// The contacts it went to (at most 1000); each must have opted in and not have received
    /// the material before.
    pub contact_ids: Vec<ID>,
}

impl CampaignSendInput {
    pub fn parse(self) -> Result<(Uuid, Vec<Uuid>)> {
        if self.contact_ids.len() > SEND_MAX {
            return Err(Error::user(
                &["input", "contactIds"],
                ErrorCode::OutOfRange,
                format!(
                    "contactIds holds {}; at most {SEND_MAX} are allowed",
                    self.contact_ids.len()
                ),
            ));
        }
        let contacts = self
            .contact_ids
            .iter()
            .enumerate()
            .map(|(i, id)| input_id(&format!("contactIds.{i}"), id, NodeType::Contact))
            .collect::<Result<_>>()?;
        Ok((
            input_id("campaignId", &self.campaign_id, NodeType::Campaign)?,
            contacts,
        ))
    }
}

/// Someone's response to a campaign.
#[derive(InputObject)]
pub struct CampaignResponseRecordInput {
    /// The campaign.
    pub campaign_id: ID,
    /// Who responded, if known.
    pub contact_id: Option<ID>,
    /// How.
    pub kind: CampaignResponseKind,
    /// When; default now, never in the future.
    pub responded_at: Option<DateTime>,
}

impl CampaignResponseRecordInput {
    pub fn parse(self) -> Result<NewCampaignResponse> {
        Ok(NewCampaignResponse {
            campaign_id: input_id("campaignId", &self.campaign_id, NodeType::Campaign)?,
            contact_id: self
                .contact_id
                .as_ref()
                .map(|id| input_id("contactId", id, NodeType::Contact))
                .transpose()?,
            kind: self.kind.into(),
            responded_at: self.responded_at.map(|t| t.0),
        })
    }
}

/// Who a campaign's audience is drawn from. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CampaignAudienceFilter {
    /// Only contacts of organizations of these kinds.
    pub organization_kinds: Option<Vec<OrganizationKind>>,
    /// Only contacts of organizations in these segments.
    pub segments: Option<Vec<IndustrySegment>>,
    /// Only contacts of organizations in these territories.
    pub territories: Option<Vec<String>>,
}

impl CampaignAudienceFilter {
    pub fn parse(self) -> AudienceFilter {
        AudienceFilter {
            kinds: self
                .organization_kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            segments: self
                .segments
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            territories: self
                .territories
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.trim().to_uppercase())
                .collect(),
        }
    }
}

/// A new opportunity of the brand's.
#[derive(InputObject)]
pub struct OpportunityCreateInput {
    /// What is being sold, in a line: 1 to 200 characters.
    pub name: String,
    /// The organization it would sell to.
    pub organization_id: ID,
    /// Who owns it: a staff user. Default: you.
    pub owner_id: Option<ID>,
    /// Where it stands. Default PROSPECTING; not WON or LOST.
    #[graphql(default_with = "OpportunityStage::Prospecting")]
    pub stage: OpportunityStage,
    /// What it is worth; in the currency of its campaign, if it has one.
    pub amount: MoneyInput,
    /// When it is expected to close.
    pub expected_close_on: Date,
    /// The campaign it came from.
    pub campaign_id: Option<ID>,
}

impl OpportunityCreateInput {
    pub fn parse(self, max_amount: Dec) -> Result<NewOpportunity> {
        Ok(NewOpportunity {
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            organization_id: input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            owner_id: self
                .owner_id
                .as_ref()
                .map(|id| input_id("ownerId", id, NodeType::User))
                .transpose()?,
            stage: self.stage.into(),
            amount: self.amount.parse(&["input", "amount"], max_amount)?,
            expected_close_on: self.expected_close_on.0,
            campaign_id: self
                .campaign_id
                .as_ref()
                .map(|id| input_id("campaignId", id, NodeType::Campaign))
                .transpose()?,
        })
    }
}

/// Changes to an open opportunity. Omitted fields stay as they are.
#[derive(InputObject)]
pub struct OpportunityUpdateInput {
    /// The opportunity.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new stage; not WON or LOST (use opportunityWin and opportunityLose).
    pub stage: Option<OpportunityStage>,
    /// A new amount, in the opportunity's currency.
    pub amount: Option<Decimal>,
    /// A new expected close.
    pub expected_close_on: Option<Date>,
    /// A new owner: a staff user.
    pub owner_id: Option<ID>,
}

impl OpportunityUpdateInput {
    pub fn parse(self, max_amount: Dec) -> Result<(Uuid, i32, OpportunityChanges)> {
        Ok((
            input_id("id", &self.id, NodeType::Opportunity)?,
            self.version,
            OpportunityChanges {
                name: self
                    .name
                    .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                    .transpose()?,
                stage: self.stage.map(Into::into),
                amount: self
                    .amount
                    .map(|a| money::quantity(&["input", "amount"], a.0, max_amount))
                    .transpose()?,
                expected_close_on: self.expected_close_on.map(|d| d.0),
                owner_id: self
                    .owner_id
                    .as_ref()
                    .map(|id| input_id("ownerId", id, NodeType::User))
                    .transpose()?,
            },
        ))
    }
}

/// Wins an opportunity.
#[derive(InputObject)]
pub struct OpportunityWinInput {
    /// The opportunity.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The order it became: placed by the opportunity's organization, in its currency.
    pub order_id: Option<ID>,
}

/// Loses an opportunity.
#[derive(InputObject)]
pub struct OpportunityLoseInput {
    /// The opportunity.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// Narrows a list of opportunities. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "OpportunityFilter")]
pub struct OpportunityFilterInput {
    /// Only those with this organization.
    pub organization_id: Option<ID>,
    /// Only those this user owns.
    pub owner_id: Option<ID>,
    /// Only those attributed to this campaign.
    pub campaign_id: Option<ID>,
    /// Only these stages.
    pub stages: Option<Vec<OpportunityStage>>,
    /// Only those expected to close before this day.
    pub closing_before: Option<Date>,
}

impl OpportunityFilterInput {
    pub fn parse(self) -> Result<OpportunityFilter> {
        Ok(OpportunityFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            owner_id: argument_id("filter.ownerId", self.owner_id.as_ref(), NodeType::User)?,
            campaign_id: argument_id(
                "filter.campaignId",
                self.campaign_id.as_ref(),
                NodeType::Campaign,
            )?,
            stages: self
                .stages
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            closing_before: self.closing_before.map(|d| d.0),
        })
    }
}

/// What an opportunity list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpportunityOrderField {
    /// When it is expected to close.
    ExpectedCloseOn,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How an opportunity list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct OpportunityOrder {
    /// The field to sort by.
    pub field: OpportunityOrderField,
    /// The direction. Default ASC.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl OpportunityOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(OpportunityOrder {
            field: OpportunityOrderField::ExpectedCloseOn,
            direction: SortDirection::Asc,
        });
        Sort {
            key: match order.field {
                OpportunityOrderField::ExpectedCloseOn => SortKey::Due,
                OpportunityOrderField::CreatedAt => SortKey::CreatedAt,
                OpportunityOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// What a campaign list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignOrderField {
    /// Its first day.
    StartsOn,
    /// When it was created.
    CreatedAt,
}

/// How a campaign list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct CampaignOrder {
    /// The field to sort by.
    pub field: CampaignOrderField,
    /// The direction. Default DESC: the latest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl CampaignOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(CampaignOrder {
            field: CampaignOrderField::StartsOn,
            direction: SortDirection::Desc,
        });
        Sort {
            key: match order.field {
                CampaignOrderField::StartsOn => SortKey::Due,
                CampaignOrderField::CreatedAt => SortKey::CreatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// Narrows a list of campaigns.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CampaignFilter {
    /// Only campaigns running on this day.
    pub active_on: Option<Date>,
}

/// A product a registration covers.
#[derive(InputObject)]
pub struct DealLineInput {
    /// The product's SKU.
    pub sku: String,
    /// How many.
    pub quantity: Decimal,
}

/// A deal a partner registers.
#[derive(InputObject)]
pub struct DealRegisterInput {
    /// An existing end customer you can see. Give this or `customerName`.
    pub customer_id: Option<ID>,
    /// A new end customer's name; it waits for the brand's approval. Give this or
    /// `customerId`.
    pub customer_name: Option<String>,
    /// A new end customer's tax id.
    pub customer_tax_id: Option<String>,
    /// The products it covers (at least one, at most 100).
    pub lines: Vec<DealLineInput>,
    /// What the deal is worth.
    pub amount: MoneyInput,
    /// When you expect to close it.
    pub expected_close_on: Option<Date>,
}

impl DealRegisterInput {
    pub(super) fn parse(self, max_amount: rust_decimal::Decimal) -> Result<NewDeal> {
        let customer = match (&self.customer_id, &self.customer_name) {
            (Some(id), None) => {
                DealCustomer::Existing(input_id("customerId", id, NodeType::Organization)?)
            }
            (None, Some(name)) => DealCustomer::New {
                name: domain::required_text(&["input", "customerName"], name, domain::NAME_MAX)?,
                tax_id: domain::optional_text(
                    &["input", "customerTaxId"],
                    self.customer_tax_id.as_deref(),
                    64,
                )?,
            },
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "customerName"],
                    ErrorCode::Invalid,
                    "give customerId or customerName, not both",
                ));
            }
            (None, None) => {
                return Err(Error::user(
                    &["input", "customerId"],
                    ErrorCode::Required,
                    "name the end customer: customerId, or customerName for a new one",
                ));
            }
        };
        if self.lines.len() > 100 {
            return Err(Error::user(
                &["input", "lines"],
                ErrorCode::OutOfRange,
                format!("lines holds {}; at most 100 are allowed", self.lines.len()),
            ));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let index = i.to_string();
                Ok((
                    domain::sku(&["input", "lines", &index, "sku"], &l.sku)?,
                    l.quantity.0,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(NewDeal {
            customer,
            lines,
            amount: self.amount.parse(&["input", "amount"], max_amount)?,
            expected_close_on: self.expected_close_on.map(|d| d.0),
        })
    }
}

/// Approves a pending deal registration.
#[derive(InputObject)]
pub struct DealApproveInput {
    /// The registration.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// For a new customer: link it to this existing end customer.
    pub customer_id: Option<ID>,
    /// For a new customer: create it as an end customer with this partner code.
    pub customer_code: Option<String>,
    /// Approve although another partner's protection covers the customer. Default false:
    /// refused with CONFLICT.
    #[graphql(default)]
    pub override_conflict: bool,
}

/// Rejects a pending deal registration.
#[derive(InputObject)]
pub struct DealRejectInput {
    /// The registration.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// Narrows a list of deal registrations. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "DealRegistrationFilter")]
pub struct DealFilterInput {
    /// Only these statuses.
    pub statuses: Option<Vec<DealStatus>>,
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only those for this end customer.
    pub customer_id: Option<ID>,
    /// Only those flagged as a conflict (true) or not (false).
    pub conflict: Option<bool>,
}

/// How a deal registration list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct DealRegistrationOrder {
    /// The field to sort by.
    pub field: DealOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

/// A lead as it is entered.
#[derive(InputObject)]
pub struct LeadCreateInput {
    /// The person: 1 to 200 characters.
    pub person_name: String,
    /// Their company.
    pub company: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// The company's tax id.
    pub tax_id: Option<String>,
    /// Where it came from.
    pub source: LeadSource,
    /// The campaign it came from.
    pub campaign_id: Option<ID>,
    /// When it was captured; not in the future.
    pub captured_at: DateTime,
    /// Its territory; the brand's leads are routed by it.
    pub territory: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
}

impl LeadCreateInput {
    pub(super) fn parse(self) -> Result<NewLead> {
        Ok(NewLead {
            person_name: domain::required_text(
                &["input", "personName"],
                &self.person_name,
                domain::NAME_MAX,
            )?,
            company: domain::optional_text(
                &["input", "company"],
                self.company.as_deref(),
                domain::NAME_MAX,
            )?,
            email: self
                .email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .map(|e| domain::email(&["input", "email"], e))
                .transpose()?,
            phone: self
                .phone
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| domain::phone(&["input", "phone"], p))
                .transpose()?,
            tax_id: domain::optional_text(&["input", "taxId"], self.tax_id.as_deref(), 64)?,
            source: self.source.into(),
            campaign_id: self
                .campaign_id
                .as_ref()
                .map(|id| input_id("campaignId", id, NodeType::Campaign))
                .transpose()?,
            captured_at: self.captured_at.0,
            territory: self
                .territory
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| domain::territory(&["input", "territory"], t))
                .transpose()?,
            notes: domain::optional_note(&["input", "notes"], self.notes.as_deref(), 20_000)?,
        })
    }
}

/// A step on a lead, with a reason where one is asked for.
#[derive(InputObject)]
pub struct LeadStepInput {
    /// The lead.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: required to decline or disqualify.
    pub reason: Option<String>,
}

impl LeadStepInput {
    pub(super) fn parse(self, reason_required: bool) -> Result<(Uuid, i32, Option<String>)> {
        let reason = domain::optional_note(&["input", "reason"], self.reason.as_deref(), 2000)?;
        if reason_required && reason.is_none() {
            return Err(Error::user(
                &["input", "reason"],
                ErrorCode::Required,
                "give the reason",
            ));
        }
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            reason,
        ))
    }
}

/// Who a lead goes to: a staff member, a partner, or its territory's route.
#[derive(InputObject)]
pub struct LeadAssignInput {
    /// The lead: in the pool or assigned.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A staff member to give it to.
    pub assignee_id: Option<ID>,
    /// A distributor or dealer to offer it to.
    pub partner_id: Option<ID>,
}

impl LeadAssignInput {
    pub(super) fn parse(self) -> Result<(Uuid, i32, LeadTarget)> {
        let target = match (&self.assignee_id, &self.partner_id) {
            (Some(user), None) => LeadTarget::User(input_id("assigneeId", user, NodeType::User)?),
            (None, Some(org)) => {
                LeadTarget::Partner(input_id("partnerId", org, NodeType::Organization)?)
            }
            (None, None) => LeadTarget::Route,
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "partnerId"],
                    ErrorCode::Invalid,
                    "give assigneeId or partnerId, not both",
                ));
            }
        };
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            target,
        ))
    }
}

/// The organization a converted lead becomes, when it is new.
#[derive(InputObject)]
pub struct LeadNewOrganizationInput {
    /// Its unique partner code.
    pub code: String,
    /// Its kind. Default END_CUSTOMER.
    #[graphql(default_with = "OrganizationKind::EndCustomer")]
    pub kind: OrganizationKind,
    /// Its name. Default: the lead's company, else the person.
    pub name: Option<String>,
}

/// The opportunity a converted lead opens.
#[derive(InputObject)]
pub struct LeadOpportunityInput {
    /// What is being sold, in a line.
    pub name: String,
    /// What it is worth; in the lead's campaign's currency, if it has one.
    pub amount: MoneyInput,
    /// When it is expected to close.
    pub expected_close_on: Date,
}

/// Converts a qualified lead into an organization, a contact and an opportunity.
#[derive(InputObject)]
pub struct LeadConvertInput {
    /// The lead.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Link it to this existing organization. Give this or `newOrganization`.
    pub organization_id: Option<ID>,
    /// Create this organization. Give this or `organizationId`.
    pub new_organization: Option<LeadNewOrganizationInput>,
    /// Create the new organization even though the lead looks like existing ones
    /// (see `Lead.duplicates`). Default false: refused with DUPLICATE.
    #[graphql(default)]
    pub confirm_new: bool,
    /// The opportunity it opens.
    pub opportunity: LeadOpportunityInput,
}

impl LeadConvertInput {
    pub(super) fn parse(
        self,
        max_amount: rust_decimal::Decimal,
    ) -> Result<(Uuid, i32, Conversion)> {
        let organization = match (&self.organization_id, self.new_organization) {
            (Some(org), None) => OrganizationChoice::Existing(input_id(
                "organizationId",
                org,
                NodeType::Organization,
            )?),
            (None, Some(new)) => OrganizationChoice::New {
                kind: new.kind.into(),
                code: domain::partner_code(&["input", "newOrganization", "code"], &new.code)?,
                name: domain::optional_text(
                    &["input", "newOrganization", "name"],
                    new.name.as_deref(),
                    domain::NAME_MAX,
                )?,
            },
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "newOrganization"],
                    ErrorCode::Invalid,
                    "give organizationId or newOrganization, not both",
                ));
            }
            (None, None) => {
                return Err(Error::user(
                    &["input", "organizationId"],
                    ErrorCode::Required,
                    "link an existing organization (organizationId) or create one (newOrganization)",
                ));
            }
        };
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            Conversion {
                organization,
                confirm_new: self.confirm_new,
                opportunity_name: domain::required_text(
                    &["input", "opportunity", "name"],
                    &self.opportunity.name,
                    domain::NAME_MAX,
                )?,
                amount: self
                    .opportunity
                    .amount
                    .parse(&["input", "opportunity", "amount"], max_amount)?,
                expected_close_on: self.opportunity.expected_close_on.0,
            },
        ))
    }
}

/// Where new leads of a territory go.
#[derive(InputObject)]
pub struct LeadRouteSetInput {
    /// The territory.
    pub territory: String,
    /// A staff member. Give this or `partnerId`.
    pub assignee_id: Option<ID>,
    /// A distributor or dealer. Give this or `assigneeId`.
    pub partner_id: Option<ID>,
}

/// Narrows a list of leads. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "LeadFilter")]
pub struct LeadFilterInput {
    /// Only these statuses (an offer that ran out counts as NEW).
    pub statuses: Option<Vec<LeadStatus>>,
    /// Only these sources.
    pub sources: Option<Vec<LeadSource>>,
    /// Only leads this staff member has.
    pub assignee_id: Option<ID>,
    /// Only leads offered to or accepted by this partner.
    pub partner_id: Option<ID>,
    /// Only leads from this campaign.
    pub campaign_id: Option<ID>,
    /// Only late leads (true) or only timely ones (false).
    pub late: Option<bool>,
    /// Only this territory.
    pub territory: Option<String>,
}

impl LeadFilterInput {
    pub(super) fn parse(self) -> Result<LeadFilter> {
        Ok(LeadFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            sources: self
                .sources
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            assignee_id: argument_id(
                "filter.assigneeId",
                self.assignee_id.as_ref(),
                NodeType::User,
            )?,
            partner_id: argument_id(
                "filter.partnerId",
                self.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            campaign_id: argument_id(
                "filter.campaignId",
                self.campaign_id.as_ref(),
                NodeType::Campaign,
            )?,
            late: self.late,
            territory: self.territory.map(|t| t.trim().to_uppercase()),
        })
    }
}

/// How a lead list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct LeadOrder {
    /// The field to sort by.
    pub field: LeadOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}
