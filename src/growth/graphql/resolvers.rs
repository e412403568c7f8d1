//! Queries and mutations of growth. Thin: parse, call the service, map.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{deal_registration, lead};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::compiled::{leads_listing, opportunities_listing};
use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::SortDirection;
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::growth::model::{
    ApprovedCustomer, AudienceFilter, DealFilter, LeadFilter, LeadTarget, OpportunityFilter,
};
use crate::growth::{campaigns, deals, leads, opportunities};
use crate::ids::{NodeType, argument_id};
use crate::organizations::graphql::{Contact, input_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::{CrmSettings, TradeSettings};

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

struct DealCount(DealFilter);

impl Counter for DealCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = deals::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct DealQuery;

#[Object]
impl DealQuery {
    /// Deal registrations, newest first unless `orderBy` says otherwise. Staff see all; a
    /// partner its own.
    #[allow(clippy::too_many_arguments)]
    async fn deal_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<DealFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            DealRegistrationOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<DealRegistration>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let f = filter.unwrap_or_default();
        let filter = DealFilter {
            states: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            partner_id: argument_id(
                "filter.partnerId",
                f.partner_id.as_ref(),
                NodeType::Organization,
            )
            .gql()?,
            customer_id: argument_id(
                "filter.customerId",
                f.customer_id.as_ref(),
                NodeType::Organization,
            )
            .gql()?,
            conflict: f.conflict,
        };
        let order = order_by.unwrap_or(DealRegistrationOrder {
            field: DealOrderField::CreatedAt,
            direction: SortDirection::Desc,
        });
        let sort = Sort {
            key: match order.field {
                DealOrderField::CreatedAt => SortKey::CreatedAt,
                DealOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = deals::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            sort.key,
            DealCount(filter),
            DealRegistration,
        ))
    }
}

fn payload(
    result: Result<deal_registration::Model>,
) -> async_graphql::Result<DealRegistrationPayload> {
    let (deal, user_errors) = outcome(result)?;
    Ok(DealRegistrationPayload {
        deal_registration: deal.map(DealRegistration),
        user_errors,
    })
}

fn parse_approve(input: DealApproveInput) -> Result<(Uuid, i32, ApprovedCustomer, bool)> {
    let customer = match (&input.customer_id, &input.customer_code) {
        (Some(id), None) => {
            ApprovedCustomer::Existing(input_id("customerId", id, NodeType::Organization)?)
        }
        (None, Some(code)) => ApprovedCustomer::New {
            code: domain::partner_code(&["input", "customerCode"], code)?,
        },
        (None, None) => ApprovedCustomer::AsRegistered,
        (Some(_), Some(_)) => {
            return Err(Error::user(
                &["input", "customerCode"],
                ErrorCode::Invalid,
                "give customerId or customerCode, not both",
            ));
        }
    };
    Ok((
        input_id("id", &input.id, NodeType::DealRegistration)?,
        input.version,
        customer,
        input.override_conflict,
    ))
}

#[derive(Default)]
pub struct DealMutation;

#[Object]
impl DealMutation {
    /// A partner registers a deal with an end customer, existing or new. A customer that
    /// another partner's approved registration protects makes it a conflict.
    async fn deal_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal.")] input: DealRegisterInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let (max_amount, max_quantity) = (trade.max_amount, trade.max_quantity);
        let result = match input.parse(max_amount) {
            Ok(new) => in_transaction!(ctx, |txn, principal| deals::register(
                &txn,
                principal,
                max_quantity,
                new
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Approves a pending registration: the partner is protected for the configured days and
    /// its opportunity opens. Admins and managers.
    async fn deal_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration and how its customer is settled.")]
        input: DealApproveInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let crm = ctx.data::<CrmSettings>()?;
        let result = match parse_approve(input) {
            Ok((id, version, customer, force)) => {
                in_transaction!(ctx, |txn, principal| deals::approve(
                    &txn, principal, crm, id, version, customer, force
                ))
            }
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Rejects a pending registration, with the reason. Admins and managers.
    async fn deal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration and why.")] input: DealRejectInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let parsed = input_id("id", &input.id, NodeType::DealRegistration).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, 2000)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| deals::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }
}

fn crm<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmSettings> {
    ctx.data::<CrmSettings>()
}

fn lead_sort(order: Option<LeadOrder>) -> Sort {
    let order = order.unwrap_or(LeadOrder {
        field: LeadOrderField::EnteredAt,
        direction: SortDirection::Desc,
    });
    Sort {
        key: match order.field {
            LeadOrderField::EnteredAt => SortKey::CreatedAt,
            LeadOrderField::UpdatedAt => SortKey::UpdatedAt,
        },
        descending: order.direction == SortDirection::Desc,
    }
}

struct LeadCount(LeadFilter);

impl Counter for LeadCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = leads::count(db, principal, crm(ctx)?, &self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct LeadQuery;

#[Object]
impl LeadQuery {
    /// Leads, newest first unless `orderBy` says otherwise. Staff see all; a partner the
    /// leads it entered and those offered to (while the offer runs) or accepted by it.
    #[allow(clippy::too_many_arguments)]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<LeadFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            LeadOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Lead>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = lead_sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = leads_listing(principal, crm(ctx)?, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Lead", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = leads::list(db, principal, crm(ctx)?, &filter, &page)
            .await
            .gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            LeadCount(filter),
            Lead,
        )))
    }

    /// Where new leads go, by territory. The brand's staff only.
    async fn lead_routes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LeadRoute>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(leads::routes(db, principal)
            .await
            .gql()?
            .into_iter()
            .map(LeadRoute)
            .collect())
    }
}

fn lead_payload(result: Result<lead::Model>) -> async_graphql::Result<LeadPayload> {
    let (lead, user_errors) = outcome(result)?;
    Ok(LeadPayload {
        lead: lead.map(Lead),
        user_errors,
    })
}

#[derive(Default)]
pub struct LeadMutation;

#[Object]
impl LeadMutation {
    /// Enters a lead. The brand's are routed by territory (to a staff member, or offered to
    /// a partner); a partner's own stay with it.
    async fn lead_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead.")] input: LeadCreateInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| leads::create(
                &txn, principal, crm, new
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// A partner accepts a lead offered to it, within the configured hours.
    async fn lead_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and the version you read.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(false) {
            Ok((id, version, _)) => in_transaction!(ctx, |txn, principal| leads::accept(
                &txn, principal, crm, id, version
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// A partner declines a lead offered to it, with the reason; it returns to the pool.
    async fn lead_decline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead, the version you read, and why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(true) {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| leads::decline(
                &txn,
                principal,
                crm,
                id,
                version,
                reason.unwrap_or_default()
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Gives a lead in the pool (or assigned) to a staff member, offers it to a partner, or
    /// (naming neither) routes it again by its territory.
    async fn lead_assign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and where it goes.")] input: LeadAssignInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, target)) => in_transaction!(ctx, |txn, principal| leads::assign(
                &txn, principal, crm, id, version, target
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Qualifies a lead that is in the pool, assigned or accepted.
    async fn lead_qualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and, if you like, why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(false) {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| leads::qualify(
                &txn, principal, crm, id, version, reason
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Disqualifies a lead, with the reason.
    async fn lead_disqualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(true) {
            Ok((id, version, reason)) => {
                in_transaction!(ctx, |txn, principal| leads::disqualify(
                    &txn,
                    principal,
                    crm,
                    id,
                    version,
                    reason.unwrap_or_default()
                ))
            }
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Converts a qualified lead into an organization (new, or an existing one it is linked
    /// to), a contact and an opportunity, all or nothing. A new organization that looks like
    /// an existing one is refused with DUPLICATE unless `confirmNew`.
    async fn lead_convert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and what it becomes.")] input: LeadConvertInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let max = ctx.data::<TradeSettings>()?.max_amount;
        let result = match input.parse(max) {
            Ok((id, version, conversion)) => {
                in_transaction!(ctx, |txn, principal| leads::convert(
                    &txn, principal, crm, id, version, conversion
                ))
            }
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Sets where new leads of a territory go: a staff member or a partner.
    async fn lead_route_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The route.")] input: LeadRouteSetInput,
    ) -> async_graphql::Result<LeadRoutePayload> {
        let parsed = (|| {
            let territory = domain::territory(&["input", "territory"], &input.territory)?;
            let target = match (&input.assignee_id, &input.partner_id) {
                (Some(u), None) => LeadTarget::User(input_id("assigneeId", u, NodeType::User)?),
                (None, Some(o)) => {
                    LeadTarget::Partner(input_id("partnerId", o, NodeType::Organization)?)
                }
                (Some(_), Some(_)) => {
                    return Err(Error::user(
                        &["input", "partnerId"],
                        ErrorCode::Invalid,
                        "give assigneeId or partnerId, not both",
                    ));
                }
                (None, None) => LeadTarget::Route,
            };
            Ok((territory, target))
        })();
        let result = match parsed {
            Ok((territory, target)) => in_transaction!(ctx, |txn, principal| leads::route_set(
                &txn, principal, territory, target
            )),
            Err(e) => Err(e),
        };
        let (route, user_errors) = outcome(result)?;
        Ok(LeadRoutePayload {
            lead_route: route.map(LeadRoute),
            user_errors,
        })
    }
}
