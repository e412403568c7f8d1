//! Queries and mutations of growth. Thin: parse, call the service, map.

use async_graphql::{Context, ID, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::compiled::opportunities_listing;
use super::inputs::*;
use super::types::{Campaign, Opportunity};
use crate::access::Principal;
use crate::domain;
use crate::error::{GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::growth::model::{AudienceFilter, OpportunityFilter};
use crate::growth::{campaigns, opportunities};
use crate::ids::{NodeType, argument_id};
use crate::organizations::graphql::{Contact, input_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::TradeSettings;

enum ListCount {
    Campaigns(Option<chrono::NaiveDate>),
    Audience(uuid::Uuid, AudienceFilter),
    Opportunities(OpportunityFilter),
}

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = match self {
                ListCount::Campaigns(day) => campaigns::count(db, principal, *day).await,
                ListCount::Audience(id, f) => {
                    campaigns::audience_count(db, principal, *id, f).await
                }
                ListCount::Opportunities(f) => opportunities::count(db, principal, f).await,
            }
            .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

fn max_amount(ctx: &Context<'_>) -> async_graphql::Result<rust_decimal::Decimal> {
    Ok(ctx.data::<TradeSettings>()?.max_amount)
}

#[derive(Default)]
pub struct GrowthQuery;

#[Object]
impl GrowthQuery {
    /// Campaigns, the latest first unless `orderBy` says otherwise. The brand's staff only.
    #[allow(clippy::too_many_arguments)]
    async fn campaigns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CampaignFilter>,
        #[graphql(desc = "How the list is sorted. Default: the latest start first.")]
        order_by: Option<CampaignOrder>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Campaign>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let day = filter.and_then(|f| f.active_on).map(|d| d.0);
        let sort = CampaignOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = campaigns::list(db, principal, day, &page).await.gql()?;
        Ok(connection(
            rows,
            sort.key,
            ListCount::Campaigns(day),
            Campaign,
        ))
    }

    /// The contacts a campaign may reach, by name: opted in to marketing, at a live
    /// organization matching the filter, and never sent the campaign's material. A contact
    /// who opted out, or already received the material, is never in it.
    #[allow(clippy::too_many_arguments)]
    async fn campaign_audience(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
        #[graphql(desc = "Who the audience is drawn from.")] filter: Option<CampaignAudienceFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Contact>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let id = argument_id("campaignId", Some(&campaign_id), NodeType::Campaign)
            .gql()?
            .ok_or_else(|| async_graphql::Error::new("campaignId is required"))?;
        let filter = filter.unwrap_or_default().parse();
        let sort = Sort {
            key: SortKey::Name,
            descending: false,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = campaigns::audience(db, principal, id, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            sort.key,
            ListCount::Audience(id, filter),
            Contact,
        ))
    }

    /// Opportunities, soonest expected close first unless `orderBy` says otherwise. Staff
    /// see the brand's pipeline; a partner the opportunities of its registered deals.
    #[allow(clippy::too_many_arguments)]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<OpportunityFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: soonest expected close first.")]
        order_by: Option<OpportunityOrder>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Opportunity>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = OpportunityOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = opportunities_listing(principal, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Opportunity", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = opportunities::list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            ListCount::Opportunities(filter),
            Opportunity,
        )))
    }
}

/// The result of a change to a campaign.
#[derive(SimpleObject)]
pub struct CampaignPayload {
    /// The campaign as it is now; null when refused.
    pub campaign: Option<Campaign>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a change to an opportunity.
#[derive(SimpleObject)]
pub struct OpportunityPayload {
    /// The opportunity as it is now; null when refused.
    pub opportunity: Option<Opportunity>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn campaign_payload(
    result: Result<entity::campaign::Model>,
) -> async_graphql::Result<CampaignPayload> {
    let (campaign, user_errors) = outcome(result)?;
    Ok(CampaignPayload {
        campaign: campaign.map(Campaign),
        user_errors,
    })
}

fn opportunity_payload(
    result: Result<entity::opportunity::Model>,
) -> async_graphql::Result<OpportunityPayload> {
    let (opportunity, user_errors) = outcome(result)?;
    Ok(OpportunityPayload {
        opportunity: opportunity.map(Opportunity),
        user_errors,
    })
}

#[derive(Default)]
pub struct GrowthMutation;

#[Object]
impl GrowthMutation {
    /// Creates a campaign. Admins, managers and sales.
    async fn campaign_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] input: CampaignCreateInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let result = match input.parse(max_amount(ctx)?) {
            Ok(new) => {
                in_transaction!(ctx, |txn, principal| campaigns::create(
                    &txn, principal, new
                ))
            }
            Err(e) => Err(e),
        };
        campaign_payload(result)
    }

    /// Changes a campaign, if it is still at the version you read.
    async fn campaign_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: CampaignUpdateInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let result = match input.parse(max_amount(ctx)?) {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| {
                campaigns::update(&txn, principal, id, version, changes)
            }),
            Err(e) => Err(e),
        };
        campaign_payload(result)
    }

    /// Records that the campaign's material went to these contacts, all or none: a contact
    /// who has not opted in, or already received the material, refuses the whole send.
    async fn campaign_send(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and the contacts.")] input: CampaignSendInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let result = match input.parse() {
            Ok((id, contacts)) => in_transaction!(ctx, |txn, principal| campaigns::send(
                &txn, principal, id, &contacts
            )),
            Err(e) => Err(e),
        };
        campaign_payload(result)
    }

    /// Records a response to a campaign.
    async fn campaign_response_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The response.")] input: CampaignResponseRecordInput,
    ) -> async_graphql::Result<CampaignPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| campaigns::respond(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        campaign_payload(result)
    }

    /// Creates one of the brand's opportunities. Admins, managers and sales.
    async fn opportunity_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The opportunity.")] input: OpportunityCreateInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let result = match input.parse(max_amount(ctx)?) {
            Ok(new) => in_transaction!(ctx, |txn, principal| opportunities::create(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        opportunity_payload(result)
    }

    /// Changes an open opportunity, if it is still at the version you read.
    async fn opportunity_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: OpportunityUpdateInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let result = match input.parse(max_amount(ctx)?) {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| {
                opportunities::update(&txn, principal, id, version, changes)
            }),
            Err(e) => Err(e),
        };
        opportunity_payload(result)
    }

    /// Wins an open opportunity, with the order it became.
    async fn opportunity_win(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The opportunity and its order.")] input: OpportunityWinInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let parsed = input_id("id", &input.id, NodeType::Opportunity).and_then(|id| {
            let order = input
                .order_id
                .as_ref()
                .map(|o| input_id("orderId", o, NodeType::Order))
                .transpose()?;
            Ok((id, order))
        });
        let result = match parsed {
            Ok((id, order)) => in_transaction!(ctx, |txn, principal| opportunities::win(
                &txn,
                principal,
                id,
                input.version,
                order
            )),
            Err(e) => Err(e),
        };
        opportunity_payload(result)
    }

    /// Loses an open opportunity, with the reason.
    async fn opportunity_lose(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The opportunity and why.")] input: OpportunityLoseInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let parsed = input_id("id", &input.id, NodeType::Opportunity).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, 2000)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| opportunities::lose(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        opportunity_payload(result)
    }
}
