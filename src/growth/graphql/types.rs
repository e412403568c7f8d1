//! The API types of growth.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::Utc;
use entity::{
    campaign, deal_registration, deal_registration_line, enums, lead, lead_route, opportunity,
};
use rust_decimal::{Decimal as Dec, RoundingStrategy};
use sea_orm::DatabaseConnection;

use crate::auth::graphql::User;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::error::GqlResult;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::UserErrorObject as UserError;
use crate::growth::loaders::{CampaignFiguresOf, CampaignId, DealLinesOf, OpportunityId};
use crate::growth::model::DealState;
use crate::growth::{deals, leads};
use crate::ids::{GlobalId, NodeType};
use crate::money::{self};
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::DuplicateReason;
use crate::organizations::graphql::{Contact, Organization, organization_by_id};
use crate::organizations::loaders::ContactId;
use crate::relationship::graphql::user;
use crate::settings::CrmSettings;

/// How a campaign reaches people.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CampaignChannel")]
pub enum CampaignChannel {
    /// Email.
    Email,
    /// Post.
    Mail,
    /// An event of the brand's.
    Event,
    /// A trade show.
    TradeShow,
    /// A publication: magazine, journal, catalogue.
    Publication,
    /// The web: site, search, social.
    Web,
    /// Through partners.
    Partner,
    /// Anything else.
    Other,
}

/// How someone responded to a campaign.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CampaignResponseKind")]
pub enum CampaignResponseKind {
    /// Opened the mailing.
    Opened,
    /// Followed a link.
    Clicked,
    /// Wrote back.
    Replied,
    /// Registered for an event or offer.
    Registered,
    /// Came to an event.
    Attended,
}

/// Where an opportunity stands. WON and LOST are final.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OpportunityStage")]
pub enum OpportunityStage {
    /// Found; not yet qualified.
    Prospecting,
    /// Need, budget and timing being checked.
    Qualification,
    /// An offer is out.
    Proposal,
    /// Terms being agreed.
    Negotiation,
    /// Sold.
    Won,
    /// Not sold.
    Lost,
}

/// A marketing campaign: its channel, dates, cost and material, and what it brought.
pub struct Campaign(pub campaign::Model);

impl Campaign {
    async fn figures(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::growth::model::CampaignFigures> {
        Ok(load_one(ctx, CampaignFiguresOf(self.0.id))
            .await?
            .unwrap_or_default())
    }
}

/// A marketing campaign: its channel, dates, cost and material, and what it brought.
#[Object]
impl Campaign {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Campaign, self.0.id))
    }
    /// Its unique code, for example `TRADE-FAIR-2027`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// How it reaches people.
    async fn channel(&self) -> CampaignChannel {
        self.0.channel.into()
    }
    /// Its first day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// Its last day.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// What it cost.
    async fn cost(&self) -> Money {
        Money::of(*self.0.cost, &self.0.currency)
    }
    /// The material it sends (a catalogue, a mailing); each contact receives a material once,
    /// whichever campaign sends it. Null: the campaign is its own material.
    async fn material(&self) -> Option<&str> {
        self.0.material.as_deref()
    }
    /// Contacts its material was sent to.
    async fn send_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.figures(ctx).await?.sends)
    }
    /// Responses attributed to it.
    async fn response_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.figures(ctx).await?.responses)
    }
    /// Leads attributed to it.
    async fn lead_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.figures(ctx).await?.leads)
    }
    /// Opportunities attributed to it.
    async fn opportunity_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.figures(ctx).await?.opportunities)
    }
    /// Opportunities attributed to it that were won.
    async fn won_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.figures(ctx).await?.won)
    }
    /// Revenue attributed to it: for each won opportunity, the net total (without tax) of
    /// the order it became, else its amount.
    async fn revenue(&self, ctx: &Context<'_>) -> async_graphql::Result<Money> {
        Ok(Money::of(
            self.figures(ctx).await?.revenue,
            &self.0.currency,
        ))
    }
    /// Return on investment: (revenue − cost) / cost, to four places, half-even. Null when
    /// it cost nothing.
    async fn roi(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Decimal>> {
        if self.0.cost.is_zero() {
            return Ok(None);
        }
        let revenue = self.figures(ctx).await?.revenue;
        let roi: Dec = (revenue - self.0.cost) / self.0.cost;
        Ok(Some(Decimal(
            roi.round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven)
                .normalize(),
        )))
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A chance to sell to an organization: its stage, amount, expected close and owner.
pub struct Opportunity(pub opportunity::Model);

/// A chance to sell to an organization: its stage, amount, expected close and owner.
#[Object]
impl Opportunity {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Opportunity, self.0.id))
    }
    /// What is being sold, in a line.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The organization it would sell to.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// Who owns it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.owner_id).await
    }
    /// Where it stands.
    async fn stage(&self) -> OpportunityStage {
        self.0.stage.into()
    }
    /// What it is worth.
    async fn amount(&self) -> Money {
        Money::of(*self.0.amount, &self.0.currency)
    }
    /// When it is expected to close.
    async fn expected_close_on(&self) -> Date {
        Date(self.0.expected_close_on)
    }
    /// The campaign it is attributed to; null if none, or not visible to you.
    async fn campaign(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Campaign>> {
        let Some(id) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CampaignId(id)).await?.map(Campaign))
    }
    /// The order it was won with.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// Why it was lost.
    async fn lost_reason(&self) -> Option<&str> {
        self.0.lost_reason.as_deref()
    }
    /// When it was won or lost.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where a deal registration stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "DealState")]
pub enum DealStatus {
    /// Waiting for the brand's decision.
    Pending,
    /// Approved: the partner is protected until `protectedUntil`.
    Approved,
    /// Rejected.
    Rejected,
    /// Approved, and the protection has ended.
    Expired,
}

/// A partner's claim to a deal with an end customer.
pub struct DealRegistration(pub deal_registration::Model);

/// A partner's claim to a deal with an end customer.
#[Object]
impl DealRegistration {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::DealRegistration, self.0.id))
    }
    /// Its number, `DEAL-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The partner that registered it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// The end customer; null while a new customer awaits approval, or if not visible to you.
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.customer_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The end customer's name as registered.
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }
    /// The end customer's tax id as registered.
    async fn customer_tax_id(&self) -> Option<&str> {
        self.0.customer_tax_id.as_deref()
    }
    /// The products it covers.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DealRegistrationLine>> {
        Ok(load_one(ctx, DealLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(DealRegistrationLine)
            .collect())
    }
    /// What the deal is worth.
    async fn amount(&self) -> Money {
        Money::of(*self.0.amount, &self.0.currency)
    }
    /// When the partner expects to close it.
    async fn expected_close_on(&self) -> Option<Date> {
        self.0.expected_close_on.map(Date)
    }
    /// Where it stands; an approval ends by itself when its protection does.
    async fn status(&self) -> DealStatus {
        deals::state(&self.0, Utc::now()).into()
    }
    /// Another partner's approved registration protected this customer when it was
    /// registered: it is not approved without an explicit decision.
    async fn conflict(&self) -> bool {
        self.0.conflict
    }
    /// Until when the approval protects the partner.
    async fn protected_until(&self) -> Option<DateTime> {
        self.0.protected_until.map(DateTime)
    }
    /// When it was approved or rejected.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// Why it was rejected.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    /// The partner's opportunity the approval opened.
    async fn opportunity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Opportunity>> {
        let Some(id) = self.0.opportunity_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OpportunityId(id)).await?.map(Opportunity))
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A product a deal registration covers.
pub struct DealRegistrationLine(pub deal_registration_line::Model);

/// A product a deal registration covers.
#[Object]
impl DealRegistrationLine {
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// How many.
    async fn quantity(&self) -> Decimal {
        Decimal(money::stored(self.0.quantity))
    }
}

/// What a deal registration list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealOrderField {
    /// When it was registered.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// The result of a step on a deal registration.
#[derive(SimpleObject)]
pub struct DealRegistrationPayload {
    /// The registration as it is now; null when refused.
    pub deal_registration: Option<DealRegistration>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Where a lead came from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::LeadSource")]
pub enum LeadSource {
    /// Met at a trade show.
    TradeShow,
    /// Answered a publication: an article, an advertisement, a catalogue.
    Publication,
    /// Came through the website.
    Website,
    /// Came through an association.
    Association,
    /// Referred by a partner.
    PartnerReferral,
    /// Walked into a store.
    Store,
    /// Anything else.
    Other,
}

/// Where a lead stands. An OFFERED lead the partner did not accept or decline in time is
/// back in the pool (NEW).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::LeadStatus")]
pub enum LeadStatus {
    /// In the pool: nobody has it.
    New,
    /// A staff member has it.
    Assigned,
    /// Offered to a partner, waiting for it to accept or decline.
    Offered,
    /// A partner has it.
    Accepted,
    /// Worth pursuing.
    Qualified,
    /// Not worth pursuing.
    Disqualified,
    /// Became an organization, a contact and an opportunity.
    Converted,
}

/// An organization of the directory that looks like a lead.
#[derive(SimpleObject)]
pub struct LeadDuplicate {
    /// The organization.
    pub organization: Option<Organization>,
    /// The contact with the same email, if one matched.
    pub contact: Option<Contact>,
    /// Why it looks the same.
    pub reasons: Vec<DuplicateReason>,
}

/// A prospective customer: where it came from, when it was captured and entered, who has
/// it, and what it converted into.
pub struct Lead(pub lead::Model);

/// A prospective customer: where it came from, when it was captured and entered, who has
/// it, and what it converted into.
#[Object]
impl Lead {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Lead, self.0.id))
    }
    /// Its number, `LEAD-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The person.
    async fn person_name(&self) -> &str {
        &self.0.person_name
    }
    /// Their company.
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// Their email.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Their phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// The company's tax id.
    async fn tax_id(&self) -> Option<&str> {
        self.0.tax_id.as_deref()
    }
    /// Where it came from.
    async fn source(&self) -> LeadSource {
        self.0.source.into()
    }
    /// The campaign it is attributed to; null if none, or not visible to you.
    async fn campaign(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Campaign>> {
        let Some(id) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CampaignId(id)).await?.map(Campaign))
    }
    /// When it was captured (at the trade show, on the website).
    async fn captured_at(&self) -> DateTime {
        DateTime(self.0.captured_at)
    }
    /// When it was entered here.
    async fn entered_at(&self) -> DateTime {
        DateTime(self.0.entered_at)
    }
    /// Entered more than 2 working days (Monday to Friday, in the business time zone) after
    /// it was captured.
    async fn late(&self) -> bool {
        self.0.late
    }
    /// Its territory, which routes it.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// Where it stands.
    async fn status(&self) -> LeadStatus {
        self.0.status.into()
    }
    /// Why it was qualified, disqualified or declined.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// The staff member who has it.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// The partner it is offered to or that has it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Until when the partner may accept or decline it; null unless OFFERED.
    async fn offer_expires_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime>> {
        let hours = ctx.data::<CrmSettings>()?.lead_acceptance_hours;
        Ok(self
            .0
            .offered_at
            .filter(|_| self.0.status == enums::LeadStatus::Offered)
            .map(|at| DateTime(at + chrono::Duration::hours(i64::from(hours)))))
    }
    /// Organizations and contacts of the directory that look like it, by company name
    /// (normalized), tax id, email domain and email. Check before converting. Costs a few
    /// queries per lead: ask on one lead at a time.
    async fn duplicates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LeadDuplicate>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = leads::duplicates(db, &self.0).await.gql()?;
        let mut out = Vec::with_capacity(found.len());
        for d in found {
            let Some(organization) = organization_by_id(ctx, d.organization_id).await? else {
                continue;
            };
            let contact = match d.contact_id {
                Some(id) => load_one(ctx, ContactId(id)).await?.map(Contact),
                None => None,
            };
            out.push(LeadDuplicate {
                organization: Some(organization),
                contact,
                reasons: d.reasons.into_iter().map(Into::into).collect(),
            });
        }
        Ok(out)
    }
    /// The organization it converted into.
    async fn converted_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self.0.converted_organization_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The contact it converted into.
    async fn converted_contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = self.0.converted_contact_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ContactId(id)).await?.map(Contact))
    }
    /// The opportunity it converted into.
    async fn converted_opportunity(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Opportunity>> {
        let Some(id) = self.0.converted_opportunity_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OpportunityId(id)).await?.map(Opportunity))
    }
    /// When it was converted.
    async fn converted_at(&self) -> Option<DateTime> {
        self.0.converted_at.map(DateTime)
    }
    /// Free notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with a step.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where new leads of a territory go: a staff member, or a partner that accepts or declines.
pub struct LeadRoute(pub lead_route::Model);

/// Where new leads of a territory go: a staff member, or a partner that accepts or declines.
#[Object]
impl LeadRoute {
    /// The territory.
    async fn territory(&self) -> &str {
        &self.0.territory
    }
    /// The staff member its leads go to.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// The partner its leads are offered to.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// What a lead list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadOrderField {
    /// When it was entered.
    EnteredAt,
    /// When it last changed.
    UpdatedAt,
}

/// The result of a step on a lead.
#[derive(SimpleObject)]
pub struct LeadPayload {
    /// The lead as it is now; null when refused.
    pub lead: Option<Lead>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of setting a lead route.
#[derive(SimpleObject)]
pub struct LeadRoutePayload {
    /// The route as it is now; null when refused.
    pub lead_route: Option<LeadRoute>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}
