//! The API types of growth.

use async_graphql::{Context, Enum, ID, Object};
use entity::enums;
use entity::{campaign, opportunity};
use rust_decimal::{Decimal as Dec, RoundingStrategy};

use crate::auth::graphql::User;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::growth::loaders::{CampaignFiguresOf, CampaignId};
use crate::ids::{GlobalId, NodeType};
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{Organization, organization_by_id};
use crate::relationship::graphql::user;

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
