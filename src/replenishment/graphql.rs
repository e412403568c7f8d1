//! Replenishment policies as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{replenishment_policy, replenishment_policy_proposal};
use sea_orm::DatabaseConnection;

use super::policies::{self as service, Effective, Fields, Level, NewPolicy, Scope, Sourced};
use super::{forecast, policy_proposals as proposals};
use crate::access::Principal;
use crate::catalog::graphql::{PartnerTier, Product};
use crate::catalog::loaders::{PartnerTierId, ProductId, ReplenishmentPolicyId};
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::ProposalStatus;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::id_arg;
use crate::settings::TradeSettings;

/// A day of the week.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        use chrono::Weekday as W;
        match day {
            W::Mon => Weekday::Monday,
            W::Tue => Weekday::Tuesday,
            W::Wed => Weekday::Wednesday,
            W::Thu => Weekday::Thursday,
            W::Fri => Weekday::Friday,
            W::Sat => Weekday::Saturday,
            W::Sun => Weekday::Sunday,
        }
    }
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        use chrono::Weekday as W;
        match day {
            Weekday::Monday => W::Mon,
            Weekday::Tuesday => W::Tue,
            Weekday::Wednesday => W::Wed,
            Weekday::Thursday => W::Thu,
            Weekday::Friday => W::Fri,
            Weekday::Saturday => W::Sat,
            Weekday::Sunday => W::Sun,
        }
    }
}

/// Where a field of an effective policy came from, narrowest first.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::replenishment::policies::Level")]
pub enum ReplenishmentLevel {
    /// The partner's policy for this product.
    PartnerProduct,
    /// The partner's policy for every product.
    Partner,
    /// Its tier's policy for this product.
    TierProduct,
    /// Its tier's policy for every product.
    Tier,
    /// No policy sets it: the built-in default.
    Default,
}

/// How a distributor's stock is replenished, for one scope: a tier's partners or one
/// partner, for every product or one. A field left empty comes from the wider scope. Staff
/// see every policy; a distributor its own and its tier's.
pub struct ReplenishmentPolicy(pub replenishment_policy::Model);

impl Keyed for replenishment_policy::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A replenishment policy.
#[Object]
impl ReplenishmentPolicy {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ReplenishmentPolicy, self.0.id))
    }
    /// The tier whose partners' defaults it sets, for a tier's policy.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        let Some(tier) = self.0.tier_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, PartnerTierId(tier)).await?.map(PartnerTier))
    }
    /// The distributor it is for, for a partner's policy, if you may see it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(p) => organization_by_id(ctx, p).await,
            None => Ok(None),
        }
    }
    /// The one product it is for; null for every product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let Some(product) = self.0.product_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ProductId(product)).await?.map(Product))
    }
    /// The stock to aim for, in weeks of forecast demand.
    async fn target_weeks(&self) -> Option<Decimal> {
        self.0.target_weeks.map(|v| Decimal(stored(v)))
    }
    /// The least a proposal orders.
    async fn min_quantity(&self) -> Option<Decimal> {
        self.0.min_quantity.map(|v| Decimal(stored(v)))
    }
    /// The most a proposal orders.
    async fn max_quantity(&self) -> Option<Decimal> {
        self.0.max_quantity.map(|v| Decimal(stored(v)))
    }
    /// The pack size: a proposal orders a multiple of it.
    async fn order_multiple(&self) -> Option<Decimal> {
        self.0.order_multiple.map(|v| Decimal(stored(v)))
    }
    /// Days from order to stock on the distributor's shelf.
    async fn lead_time_days(&self) -> Option<i32> {
        self.0.lead_time_days
    }
    /// The weekdays stock is reviewed.
    async fn review_days(&self) -> Option<Vec<Weekday>> {
        Fields::of(&self.0)
            .review_days
            .map(|days| days.into_iter().map(Into::into).collect())
    }
    /// When the brand set it.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where a field of an effective policy came from.
#[derive(SimpleObject)]
pub struct ReplenishmentSource {
    /// The field, by its API name (`targetWeeks`).
    pub field: String,
    /// The scope that set it.
    pub level: ReplenishmentLevel,
    /// The policy that set it; null for the built-in default.
    pub policy: Option<ReplenishmentPolicy>,
}

/// The policy a distributor's stock of one product is kept by: each field from the
/// narrowest policy that sets it, then the built-in default (4 weeks, no least or most, a
/// pack of 1, 7 days' lead time, reviewed on Mondays).
pub struct EffectiveReplenishmentPolicy(pub Effective);

/// The policy a distributor's stock of one product is kept by, field by field.
#[Object]
impl EffectiveReplenishmentPolicy {
    /// The distributor, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor).await
    }
    /// The product, if you may see it in the catalog.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product)).await?.map(Product))
    }
    /// The stock to aim for, in weeks of forecast demand.
    async fn target_weeks(&self) -> Decimal {
        Decimal(self.0.target_weeks.value)
    }
    /// The least a proposal orders.
    async fn min_quantity(&self) -> Decimal {
        Decimal(self.0.min_quantity.value)
    }
    /// The most a proposal orders; null for no most.
    async fn max_quantity(&self) -> Option<Decimal> {
        self.0.max_quantity.value.map(Decimal)
    }
    /// The pack size: a proposal orders a multiple of it.
    async fn order_multiple(&self) -> Decimal {
        Decimal(self.0.order_multiple.value)
    }
    /// Days from order to stock on the distributor's shelf.
    async fn lead_time_days(&self) -> i32 {
        self.0.lead_time_days.value
    }
    /// The weekdays stock is reviewed.
    async fn review_days(&self) -> Vec<Weekday> {
        self.0
            .review_days
            .value
            .iter()
            .copied()
            .map(Into::into)
            .collect()
    }
    /// Where each field came from.
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReplenishmentSource>> {
        let e = &self.0;
        let fields: [(&str, Level, Option<uuid::Uuid>); 6] = [
            source("targetWeeks", &e.target_weeks),
            source("minQuantity", &e.min_quantity),
            source("maxQuantity", &e.max_quantity),
            source("orderMultiple", &e.order_multiple),
            source("leadTimeDays", &e.lead_time_days),
            source("reviewDays", &e.review_days),
        ];
        let mut out = Vec::with_capacity(fields.len());
        for (field, level, policy) in fields {
            let policy = match policy {
                Some(id) => load_one(ctx, ReplenishmentPolicyId(id))
                    .await?
                    .map(ReplenishmentPolicy),
                None => None,
            };
            out.push(ReplenishmentSource {
                field: field.to_owned(),
                level: level.into(),
                policy,
            });
        }
        Ok(out)
    }
}

fn source<'a, T>(field: &'a str, s: &Sourced<T>) -> (&'a str, Level, Option<uuid::Uuid>) {
    (field, s.level, s.policy)
}

/// The product a query names by `productId` or by `sku`; None for one the principal does
/// not see.
async fn product_named(
    db: &DatabaseConnection,
    principal: &Principal,
    product_id: Option<ID>,
    sku: Option<String>,
) -> async_graphql::Result<Option<uuid::Uuid>> {
    match (product_id.as_ref(), sku.as_deref()) {
        (Some(id), None) => id_arg("productId", Some(id), NodeType::Product),
        (None, Some(sku)) => Ok(crate::catalog::products::by_sku(db, principal, sku)
            .await
            .gql()?
            .map(|p| p.id)),
        _ => Err(Error::user(
            &["productId"],
            ErrorCode::Invalid,
            "name the product by `productId` or by `sku`",
        ))
        .gql(),
    }
}

/// Which policies to list.
#[derive(InputObject, Default)]
pub struct ReplenishmentPolicyFilter {
    /// Only this tier's.
    pub tier_id: Option<ID>,
    /// Only this distributor's own.
    pub partner_id: Option<ID>,
    /// Only those for this one product.
    pub product_id: Option<ID>,
}

crate::program::graphql::counter!(ReplenishmentPolicyCount, service::Filter, service::count);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// Replenishment policies, newest first: every one for staff; for a distributor, its
    /// own and its tier's.
    #[allow(clippy::too_many_arguments)]
    async fn replenishment_policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which policies.")] filter: Option<ReplenishmentPolicyFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ReplenishmentPolicy>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::Filter {
            tier_id: id_arg(
                "filter.tierId",
                filter.tier_id.as_ref(),
                NodeType::PartnerTier,
            )?,
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            product_id: id_arg(
                "filter.productId",
                filter.product_id.as_ref(),
                NodeType::Product,
            )?,
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ReplenishmentPolicyCount(filter),
            ReplenishmentPolicy,
        ))
    }

    /// The policy a distributor's stock of a product is kept by, field by field with where
    /// each came from: a distributor its own (leave `distributorId` out); staff any
    /// distributor's. Null for a distributor or product you may not see.
    async fn effective_replenishment_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The distributor; yours when left out.")] distributor_id: Option<ID>,
        #[graphql(desc = "The product; or")] product_id: Option<ID>,
        #[graphql(desc = "its SKU (case does not matter).")] sku: Option<String>,
    ) -> async_graphql::Result<Option<EffectiveReplenishmentPolicy>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let distributor = id_arg(
            "distributorId",
            distributor_id.as_ref(),
            NodeType::Organization,
        )?;
        let Some(product) = product_named(db, principal, product_id, sku).await? else {
            return Ok(None);
        };
        Ok(service::effective_for(db, principal, distributor, product)
            .await
            .gql()?
            .map(EffectiveReplenishmentPolicy))
    }
}

/// The fields a policy sets; each one left out comes from the wider scope.
#[derive(InputObject)]
pub struct ReplenishmentFieldsInput {
    /// Weeks of forecast demand to aim for: above 0, at most 52.
    pub target_weeks: Option<Decimal>,
    /// The least a proposal orders (0 or more).
    pub min_quantity: Option<Decimal>,
    /// The most a proposal orders (at least `minQuantity`).
    pub max_quantity: Option<Decimal>,
    /// The pack size (above 0).
    pub order_multiple: Option<Decimal>,
    /// Days from order to stock on the shelf: 0 to 365.
    pub lead_time_days: Option<i32>,
    /// The weekdays stock is reviewed: at least one.
    pub review_days: Option<Vec<Weekday>>,
}

/// The fields of a policy as they are to be: each one left out comes from the wider
/// scope.
#[derive(InputObject)]
pub struct ReplenishmentPolicyCreateInput {
    /// The tier whose partners' defaults it sets; or
    pub tier_id: Option<ID>,
    /// the distributor it is for.
    pub partner_id: Option<ID>,
    /// One product; every product when left out.
    pub product_id: Option<ID>,
    /// The policy's fields.
    #[graphql(flatten)]
    pub fields: ReplenishmentFieldsInput,
}

/// A policy's fields replaced: each one left out comes from the wider scope.
#[derive(InputObject)]
pub struct ReplenishmentPolicyUpdateInput {
    /// The policy.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// The policy's fields.
    #[graphql(flatten)]
    pub fields: ReplenishmentFieldsInput,
}

/// A policy to remove.
#[derive(InputObject)]
pub struct ReplenishmentPolicyDeleteInput {
    /// The policy.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// What a change to a policy did.
#[derive(SimpleObject)]
pub struct ReplenishmentPolicyPayload {
    /// The policy as it is now (as it was, for a removal); null when nothing was written.
    pub replenishment_policy: Option<ReplenishmentPolicy>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: Result<replenishment_policy::Model>,
) -> async_graphql::Result<ReplenishmentPolicyPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(ReplenishmentPolicyPayload {
        replenishment_policy: saved.map(ReplenishmentPolicy),
        user_errors,
    })
}

impl ReplenishmentFieldsInput {
    fn parse(&self, trade: &TradeSettings) -> Result<Fields> {
        Fields {
            target_weeks: self.target_weeks.as_ref().map(|d| d.0),
            min_quantity: self.min_quantity.as_ref().map(|d| d.0),
            max_quantity: self.max_quantity.as_ref().map(|d| d.0),
            order_multiple: self.order_multiple.as_ref().map(|d| d.0),
            lead_time_days: self.lead_time_days,
            review_days: self
                .review_days
                .as_ref()
                .map(|days| days.iter().map(|d| (*d).into()).collect()),
        }
        .checked(trade.max_quantity)
    }
}

impl ReplenishmentPolicyCreateInput {
    fn parse(&self, trade: &TradeSettings) -> Result<NewPolicy> {
        let scope = match (&self.tier_id, &self.partner_id) {
            (Some(tier), None) => Scope::Tier(input_id("tierId", tier, NodeType::PartnerTier)?),
            (None, Some(partner)) => {
                Scope::Partner(input_id("partnerId", partner, NodeType::Organization)?)
            }
            _ => {
                return Err(Error::user(
                    &["input", "tierId"],
                    ErrorCode::Invalid,
                    "a policy is a tier's or one distributor's: name `tierId` or `partnerId`",
                ));
            }
        };
        let product = match &self.product_id {
            Some(id) => Some(input_id("productId", id, NodeType::Product)?),
            None => None,
        };
        Ok(NewPolicy {
            scope,
            product,
            fields: self.fields.parse(trade)?,
        })
    }
}

#[derive(Default)]
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    /// The brand sets a replenishment policy for a tier's partners or one distributor, for
    /// every product or one: its admins and managers. One policy per scope.
    async fn replenishment_policy_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy.")] input: ReplenishmentPolicyCreateInput,
    ) -> async_graphql::Result<ReplenishmentPolicyPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let result = match input.parse(trade) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// The brand replaces a policy's fields: its admins and managers.
    async fn replenishment_policy_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy, the version you read and its fields.")]
        input: ReplenishmentPolicyUpdateInput,
    ) -> async_graphql::Result<ReplenishmentPolicyPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = input_id("id", &input.id, NodeType::ReplenishmentPolicy)
            .and_then(|id| Ok((id, input.fields.parse(trade)?)));
        let result = match parsed {
            Ok((id, fields)) => in_transaction!(ctx, |txn, principal| service::update(
                &txn,
                principal,
                id,
                input.version,
                fields
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// The brand removes a policy, so its scope takes the wider scope's fields again: its
    /// admins and managers.
    async fn replenishment_policy_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy and the version you read.")]
        input: ReplenishmentPolicyDeleteInput,
    ) -> async_graphql::Result<ReplenishmentPolicyPayload> {
        let result = match input_id("id", &input.id, NodeType::ReplenishmentPolicy) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::delete(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }
}

/// A distributor's proposed change to its own replenishment policy: the fields it would
/// set, for every product or one, and the brand's decision. Staff see every one; a
/// distributor its own.
pub struct ReplenishmentPolicyProposal(pub replenishment_policy_proposal::Model);

impl Keyed for replenishment_policy_proposal::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A proposed policy change.
#[Object]
impl ReplenishmentPolicyProposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(
            NodeType::ReplenishmentPolicyProposal,
            self.0.id,
        ))
    }
    /// Where it stands.
    async fn status(&self) -> ProposalStatus {
        self.0.status.into()
    }
    /// The distributor, if you may see it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// The one product it is for; null for every product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let Some(product) = self.0.product_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ProductId(product)).await?.map(Product))
    }
    /// The proposed target in weeks of supply.
    async fn target_weeks(&self) -> Option<Decimal> {
        self.0.target_weeks.map(|v| Decimal(stored(v)))
    }
    /// The proposed least to order.
    async fn min_quantity(&self) -> Option<Decimal> {
        self.0.min_quantity.map(|v| Decimal(stored(v)))
    }
    /// The proposed most to order.
    async fn max_quantity(&self) -> Option<Decimal> {
        self.0.max_quantity.map(|v| Decimal(stored(v)))
    }
    /// The proposed pack size.
    async fn order_multiple(&self) -> Option<Decimal> {
        self.0.order_multiple.map(|v| Decimal(stored(v)))
    }
    /// The proposed lead time.
    async fn lead_time_days(&self) -> Option<i32> {
        self.0.lead_time_days
    }
    /// The proposed review days.
    async fn review_days(&self) -> Option<Vec<Weekday>> {
        proposals::fields_of(&self.0)
            .review_days
            .map(|days| days.into_iter().map(Into::into).collect())
    }
    /// Why the distributor asks.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Why the brand rejected it.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When the brand decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The policy an accepted proposal changed or made, if it is still there and you may
    /// see it.
    async fn policy(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ReplenishmentPolicy>> {
        let Some(policy) = self.0.policy_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ReplenishmentPolicyId(policy))
            .await?
            .map(ReplenishmentPolicy))
    }
    /// When it was proposed.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Which proposals to list.
#[derive(InputObject, Default)]
pub struct ReplenishmentPolicyProposalFilter {
    /// Only this distributor's.
    pub partner_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<ProposalStatus>,
}

crate::program::graphql::counter!(
    ReplenishmentPolicyProposalCount,
    proposals::Filter,
    proposals::count
);

#[derive(Default)]
pub struct PolicyProposalQuery;

#[Object]
impl PolicyProposalQuery {
    /// Proposed policy changes, newest first: every one for staff, a distributor's own for
    /// it.
    #[allow(clippy::too_many_arguments)]
    async fn replenishment_policy_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which proposals.")] filter: Option<ReplenishmentPolicyProposalFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ReplenishmentPolicyProposal>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = proposals::Filter {
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = proposals::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ReplenishmentPolicyProposalCount(filter),
            ReplenishmentPolicyProposal,
        ))
    }
}

/// A change a distributor proposes to its own policy: the fields it would set.
#[derive(InputObject)]
pub struct ReplenishmentPolicyProposeInput {
    /// One product; every product when left out.
    pub product_id: Option<ID>,
    /// The policy's fields.
    #[graphql(flatten)]
    pub fields: ReplenishmentFieldsInput,
    /// Why (at most 2000 characters).
    pub note: Option<String>,
}

/// The brand's acceptance of a proposal.
#[derive(InputObject)]
pub struct ReplenishmentPolicyProposalAcceptInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// The brand's rejection of a proposal.
#[derive(InputObject)]
pub struct ReplenishmentPolicyProposalRejectInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// What a proposal, or a decision on one, did.
#[derive(SimpleObject)]
pub struct ReplenishmentPolicyProposalPayload {
    /// The proposal as it is now; null when nothing was written.
    pub proposal: Option<ReplenishmentPolicyProposal>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn proposal_payload(
    result: Result<replenishment_policy_proposal::Model>,
) -> async_graphql::Result<ReplenishmentPolicyProposalPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(ReplenishmentPolicyProposalPayload {
        proposal: saved.map(ReplenishmentPolicyProposal),
        user_errors,
    })
}

const NOTE_MAX: usize = 2000;

#[derive(Default)]
pub struct PolicyProposalMutation;

#[Object]
impl PolicyProposalMutation {
    /// A distributor proposes a change to its own policy, for every product or one: its
    /// members who may order.
    async fn replenishment_policy_propose(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields it would set.")] input: ReplenishmentPolicyProposeInput,
    ) -> async_graphql::Result<ReplenishmentPolicyProposalPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = (|| {
            Ok(proposals::NewProposal {
                product: match &input.product_id {
                    Some(id) => Some(input_id("productId", id, NodeType::Product)?),
                    None => None,
                },
                fields: input.fields.parse(trade)?,
                note: crate::domain::optional_note(
                    &["input", "note"],
                    input.note.as_deref(),
                    NOTE_MAX,
                )?,
            })
        })();
        let result = match parsed {
            Ok(new) => in_transaction!(ctx, |txn, principal| proposals::propose(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        proposal_payload(result)
    }

    /// The brand accepts a proposal: its fields are set over the distributor's policy for
    /// the scope (made where there is none). Its admins and managers.
    async fn replenishment_policy_proposal_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and the version you read.")]
        input: ReplenishmentPolicyProposalAcceptInput,
    ) -> async_graphql::Result<ReplenishmentPolicyProposalPayload> {
        let result = match input_id("id", &input.id, NodeType::ReplenishmentPolicyProposal) {
            Ok(id) => in_transaction!(ctx, |txn, principal| proposals::accept(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        proposal_payload(result)
    }

    /// The brand rejects a proposal, with the reason: its admins and managers.
    async fn replenishment_policy_proposal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read and why.")]
        input: ReplenishmentPolicyProposalRejectInput,
    ) -> async_graphql::Result<ReplenishmentPolicyProposalPayload> {
        let parsed =
            input_id("id", &input.id, NodeType::ReplenishmentPolicyProposal).and_then(|id| {
                Ok((
                    id,
                    crate::domain::required_text(&["input", "reason"], &input.reason, NOTE_MAX)?,
                ))
            });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| proposals::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        proposal_payload(result)
    }
}

/// How a forecast was made.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForecastMethod {
    /// Simple exponential smoothing (α = 0.5): fewer than 4 weeks reported.
    Simple,
    /// Holt's linear trend, fitted: 4 weeks reported or more.
    Holt,
    /// Holt–Winters, additive, a season of 52 weeks, fitted: two seasons reported or more.
    HoltWinters,
}

impl From<forecast::Method> for ForecastMethod {
    fn from(m: forecast::Method) -> Self {
        match m {
            forecast::Method::Simple => ForecastMethod::Simple,
            forecast::Method::Holt => ForecastMethod::Holt,
            forecast::Method::HoltWinters => ForecastMethod::HoltWinters,
        }
    }
}

/// Whether a forecast may be trusted to be recent.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForecastStatus {
    /// Worked out from reports up to at most 14 days ago.
    Current,
    /// The distributor's latest report ended more than 14 days ago: nothing is forecast
    /// from it.
    Stale,
    /// No whole week has been reported.
    NoHistory,
}

/// A week's units: reported sold, or forecast.
#[derive(SimpleObject)]
pub struct DemandWeek {
    /// The Monday the week starts on.
    pub week_start: crate::graphql::scalars::Date,
    /// Units, to two decimals.
    pub quantity: Decimal,
}

/// A distributor's demand for a product per week: what it reported sold, and what is
/// forecast from that. Every parameter of the method is shown.
pub struct DemandForecast(pub forecast::Demand);

/// A distributor's weekly demand for a product, reported and forecast.
#[Object]
impl DemandForecast {
    /// The distributor, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor).await
    }
    /// The product, if you may see it in the catalog.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product)).await?.map(Product))
    }
    /// Whether it may be trusted to be recent.
    async fn status(&self) -> ForecastStatus {
        let f = &self.0.forecast;
        if f.series.weeks.is_empty() {
            ForecastStatus::NoHistory
        } else if f.stale {
            ForecastStatus::Stale
        } else {
            ForecastStatus::Current
        }
    }
    /// The method, for a series of at least one week.
    async fn method(&self) -> Option<ForecastMethod> {
        self.0.forecast.fit.as_ref().map(|f| f.method.into())
    }
    /// The level's smoothing constant.
    async fn alpha(&self) -> Option<Decimal> {
        self.0
            .forecast
            .fit
            .as_ref()
            .map(|f| Decimal(forecast::shown(f.alpha)))
    }
    /// The trend's smoothing constant (Holt and Holt–Winters).
    async fn beta(&self) -> Option<Decimal> {
        self.0
            .forecast
            .fit
            .as_ref()
            .and_then(|f| f.beta)
            .map(|b| Decimal(forecast::shown(b)))
    }
    /// The season's smoothing constant (Holt–Winters).
    async fn gamma(&self) -> Option<Decimal> {
        self.0
            .forecast
            .fit
            .as_ref()
            .and_then(|f| f.gamma)
            .map(|g| Decimal(forecast::shown(g)))
    }
    /// The last day the distributor reported.
    async fn reported_through(&self) -> Option<crate::graphql::scalars::Date> {
        self.0
            .forecast
            .series
            .reported_through
            .map(crate::graphql::scalars::Date)
    }
    /// Weeks of the history no report covers, counted as nothing sold.
    async fn missing_weeks(&self) -> i32 {
        self.0.forecast.series.missing_weeks as i32
    }
    /// Each whole week reported, oldest first.
    async fn history(&self) -> Vec<DemandWeek> {
        weeks(&self.0.forecast.series.weeks)
    }
    /// The weeks ahead, from the one after the last reported; empty when stale.
    async fn weeks(&self) -> Vec<DemandWeek> {
        weeks(&self.0.forecast.ahead)
    }
    /// The weighted absolute percentage error of forecasting the last weeks reported from
    /// the ones before (Σ|actual − forecast| / Σ actual, as a fraction); null under 8 weeks
    /// or where nothing sold in them. High: do not trust the forecast.
    async fn wape(&self) -> Option<Decimal> {
        self.0.forecast.wape.map(|w| Decimal(forecast::shown(w)))
    }
    /// How many weeks the accuracy held out: a quarter of the history, at most 8.
    async fn holdout_weeks(&self) -> i32 {
        self.0.forecast.holdout_weeks as i32
    }
}

fn weeks(list: &[(chrono::NaiveDate, f64)]) -> Vec<DemandWeek> {
    list.iter()
        .map(|(start, units)| DemandWeek {
            week_start: crate::graphql::scalars::Date(*start),
            quantity: Decimal(forecast::shown(*units)),
        })
        .collect()
}

/// A week of the brand's demand for a product from its suppliers.
#[derive(SimpleObject)]
pub struct SupplyWeek {
    /// The Monday the week starts on.
    pub week_start: crate::graphql::scalars::Date,
    /// What the channel is forecast to sell: every distributor's forecast added up.
    pub channel_demand: Decimal,
    /// What the brand's stock position no longer covers that week.
    pub net_requirement: Decimal,
    /// What the supplier committed to deliver that week; null where it has not.
    pub committed: Option<Decimal>,
}

/// The brand's demand for a product from its suppliers, week by week: the channel's
/// forecasts added up, less the brand's stock on hand and what is coming on its purchase
/// orders, netted week by week.
pub struct SupplierForecast(pub super::supply::SupplierForecast);

/// What the brand will need of a product from its suppliers.
#[Object]
impl SupplierForecast {
    /// The supplier, if you may see it in the directory.
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.supplier).await
    }
    /// The product, if you may see it.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product)).await?.map(Product))
    }
    /// From this week on.
    async fn weeks(&self) -> Vec<SupplyWeek> {
        self.0
            .weeks
            .iter()
            .map(|w| SupplyWeek {
                week_start: crate::graphql::scalars::Date(w.week),
                channel_demand: Decimal(w.channel_demand),
                net_requirement: Decimal(w.net_requirement),
                committed: w.committed.map(Decimal),
            })
            .collect()
    }
    /// Distributors whose forecast counts.
    async fn distributors(&self) -> i32 {
        self.0.distributors as i32
    }
    /// Distributors whose sell-through is more than 14 days old: they add nothing.
    async fn stale_distributors(&self) -> i32 {
        self.0.stale_distributors as i32
    }
    /// On hand in the brand's latest stock report.
    async fn brand_on_hand(&self) -> Decimal {
        Decimal(self.0.brand_on_hand.normalize())
    }
    /// The day of that report; null where the brand never counted its stock.
    async fn brand_stock_as_of(&self) -> Option<crate::graphql::scalars::Date> {
        self.0.brand_stock_as_of.map(crate::graphql::scalars::Date)
    }
    /// Coming on the brand's purchase orders to this supplier: still to ship, or shipped and
    /// not arrived. What the brand buys from other suppliers of the product is not shown,
    /// nor counted against the net requirement.
    async fn inbound(&self) -> Decimal {
        Decimal(self.0.inbound.normalize())
    }
}

/// The brand's forecast to send a supplier.
#[derive(InputObject)]
pub struct SupplierForecastSendInput {
    /// The supplier: it must trade by X12.
    pub supplier_id: ID,
    /// Weeks from this week on: 1 to 52 (default 13).
    pub weeks: Option<i32>,
}

/// What sending a supplier its forecast did.
#[derive(SimpleObject)]
pub struct SupplierForecastSendPayload {
    /// The schedule's number (`PS-000001`), BFR02 of the 830; null when refused.
    pub number: Option<String>,
    /// The interchange that carried the 830; null when refused.
    pub interchange: Option<crate::edi::graphql::EdiInterchange>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a supplier committed to deliver of a product in a week.
pub struct SupplierCommitment(pub entity::supplier_commitment::Model);

/// A week's capacity commitment, current or replaced.
#[Object]
impl SupplierCommitment {
    /// The Monday of the week.
    async fn week_start(&self) -> crate::graphql::scalars::Date {
        crate::graphql::scalars::Date(self.0.week_start)
    }
    /// What it commits to deliver.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity).normalize())
    }
    /// Why, or what it depends on.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When it was committed.
    async fn committed_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When a later commitment for the week replaced it; null while it is current.
    async fn replaced_at(&self) -> Option<DateTime> {
        self.0.replaced_at.map(DateTime)
    }
}

/// A week a supplier commits to.
#[derive(InputObject)]
pub struct SupplierCommitmentWeekInput {
    /// The Monday of the week: from this week to 52 weeks ahead.
    pub week_start: crate::graphql::scalars::Date,
    /// What it commits to deliver: 0 or more.
    pub quantity: Decimal,
}

/// A supplier's commitment for a product, week by week.
#[derive(InputObject)]
pub struct SupplierCommitInput {
    /// The supplier: staff name it; a supplier leaves it out.
    pub supplier_id: Option<ID>,
    /// The product.
    pub product_id: ID,
    /// The weeks, each replacing the week's current commitment (1 to 52).
    pub weeks: Vec<SupplierCommitmentWeekInput>,
    /// Why, or what it depends on (at most 2000 characters).
    pub note: Option<String>,
}

/// What a commitment did.
#[derive(SimpleObject)]
pub struct SupplierCommitPayload {
    /// The commitments written, one per week; empty when refused.
    pub commitments: Vec<SupplierCommitment>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl SupplierCommitInput {
    fn parse(&self, limits: &TradeSettings) -> Result<super::supply::NewCommitment> {
        let supplier = match &self.supplier_id {
            Some(id) => Some(input_id("supplierId", id, NodeType::Organization)?),
            None => None,
        };
        let product = input_id("productId", &self.product_id, NodeType::Product)?;
        if self.weeks.is_empty() || self.weeks.len() > super::supply::COMMIT_WEEKS_MAX as usize {
            return Err(Error::user(
                &["input", "weeks"],
                ErrorCode::OutOfRange,
                format!("1 to {} weeks", super::supply::COMMIT_WEEKS_MAX),
            ));
        }
        let mut weeks = Vec::with_capacity(self.weeks.len());
        for (i, w) in self.weeks.iter().enumerate() {
            let quantity = w.quantity.0;
            if quantity < rust_decimal::Decimal::ZERO
                || quantity > limits.max_quantity
                || quantity.scale() > 4
            {
                let index = i.to_string();
                return Err(Error::user(
                    &["input", "weeks", &index, "quantity"],
                    ErrorCode::OutOfRange,
                    format!(
                        "a quantity is 0 to {} with at most 4 decimals",
                        limits.max_quantity
                    ),
                ));
            }
            weeks.push(super::supply::WeekCommitment {
                week: w.week_start.0,
                quantity,
            });
        }
        let note =
            crate::domain::optional_note(&["input", "note"], self.note.as_deref(), NOTE_MAX)?;
        Ok(super::supply::NewCommitment {
            supplier,
            product,
            weeks,
            note,
        })
    }
}

#[derive(Default)]
pub struct SupplyMutation;

#[Object]
impl SupplyMutation {
    /// A supplier confirms or adjusts what it commits to deliver of a product, week by
    /// week: its members who may trade, for itself; the brand's admins and managers for a
    /// supplier they name. Each week's commitment replaces the current one, which is kept.
    async fn supplier_commit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product and the weeks.")] input: SupplierCommitInput,
    ) -> async_graphql::Result<SupplierCommitPayload> {
        let limits = ctx.data::<TradeSettings>()?;
        let result = match input.parse(limits) {
            Ok(new) => in_transaction!(ctx, |txn, principal| super::supply::commit(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        let (written, user_errors) = outcome(result)?;
        Ok(SupplierCommitPayload {
            commitments: written
                .unwrap_or_default()
                .into_iter()
                .map(SupplierCommitment)
                .collect(),
            user_errors,
        })
    }

    /// Sends a supplier that trades by X12 the brand's forecast for every product it makes,
    /// week by week, as an 830 planning schedule: the brand's admins and managers.
    async fn supplier_forecast_send(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The supplier and the weeks.")] input: SupplierForecastSendInput,
    ) -> async_graphql::Result<SupplierForecastSendPayload> {
        let horizon = input.weeks.unwrap_or(13);
        let parsed = input_id("supplierId", &input.supplier_id, NodeType::Organization).and_then(
            |supplier| {
                if (1..=forecast::HORIZON_MAX as i32).contains(&horizon) {
                    Ok(supplier)
                } else {
                    Err(Error::user(
                        &["input", "weeks"],
                        ErrorCode::OutOfRange,
                        format!("from 1 to {} weeks", forecast::HORIZON_MAX),
                    ))
                }
            },
        );
        let result = match parsed {
            Ok(supplier) => in_transaction!(ctx, |txn, principal| super::supply::send(
                &txn,
                principal,
                supplier,
                horizon as usize
            )),
            Err(e) => Err(e),
        };
        let (sent, user_errors) = outcome(result)?;
        let (number, interchange) = match sent {
            Some((number, interchange)) => (
                Some(number),
                Some(crate::edi::graphql::EdiInterchange(interchange)),
            ),
            None => (None, None),
        };
        Ok(SupplierForecastSendPayload {
            number,
            interchange,
            user_errors,
        })
    }
}

#[derive(Default)]
pub struct ForecastQuery;

#[Object]
impl ForecastQuery {
    /// A distributor's weekly demand for a product, reported and forecast from its
    /// sell-through: a distributor its own (leave `distributorId` out); staff any
    /// distributor's. Null for a distributor or product you may not see.
    async fn demand_forecast(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The distributor; yours when left out.")] distributor_id: Option<ID>,
        #[graphql(desc = "The product; or")] product_id: Option<ID>,
        #[graphql(desc = "its SKU (case does not matter).")] sku: Option<String>,
        #[graphql(desc = "Weeks ahead: 1 to 52 (default 13).")] weeks: Option<i32>,
    ) -> async_graphql::Result<Option<DemandForecast>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let horizon = weeks.unwrap_or(13);
        if !(1..=forecast::HORIZON_MAX as i32).contains(&horizon) {
            return Err(Error::user(
                &["weeks"],
                ErrorCode::OutOfRange,
                format!("from 1 to {} weeks", forecast::HORIZON_MAX),
            ))
            .gql();
        }
        let distributor = id_arg(
            "distributorId",
            distributor_id.as_ref(),
            NodeType::Organization,
        )?;
        let Some(product) = product_named(db, principal, product_id, sku).await? else {
            return Ok(None);
        };
        Ok(
            forecast::demand_for(db, principal, distributor, product, horizon as usize)
                .await
                .gql()?
                .map(DemandForecast),
        )
    }

    /// A supplier's capacity commitments for a product: the current ones, and with
    /// `replaced` the ones they replaced too, by week and newest first. Staff name the
    /// supplier; a supplier reads its own. Null for anyone else.
    async fn supplier_commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The supplier; yours when left out.")] supplier_id: Option<ID>,
        #[graphql(desc = "The product; or")] product_id: Option<ID>,
        #[graphql(desc = "its SKU (case does not matter).")] sku: Option<String>,
        #[graphql(desc = "Also the commitments later ones replaced (default false).")]
        replaced: Option<bool>,
    ) -> async_graphql::Result<Option<Vec<SupplierCommitment>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let supplier = id_arg("supplierId", supplier_id.as_ref(), NodeType::Organization)?;
        let Some(product) = product_named(db, principal, product_id, sku).await? else {
            return Ok(None);
        };
        Ok(
            super::supply::commitments(db, principal, supplier, product, replaced.unwrap_or(false))
                .await
                .gql()?
                .map(|rows| rows.into_iter().map(SupplierCommitment).collect()),
        )
    }

    /// What the brand will need of a product from a supplier, week by week from this week
    /// on: staff name the supplier; a supplier reads its own products' (leave `supplierId`
    /// out). Null for anyone else, and for a product the supplier does not make.
    async fn supplier_forecast(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The supplier; yours when left out.")] supplier_id: Option<ID>,
        #[graphql(desc = "The product; or")] product_id: Option<ID>,
        #[graphql(desc = "its SKU (case does not matter).")] sku: Option<String>,
        #[graphql(desc = "Weeks: 1 to 52 (default 13).")] weeks: Option<i32>,
    ) -> async_graphql::Result<Option<SupplierForecast>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let horizon = weeks.unwrap_or(13);
        if !(1..=forecast::HORIZON_MAX as i32).contains(&horizon) {
            return Err(Error::user(
                &["weeks"],
                ErrorCode::OutOfRange,
                format!("from 1 to {} weeks", forecast::HORIZON_MAX),
            ))
            .gql();
        }
        let supplier = id_arg("supplierId", supplier_id.as_ref(), NodeType::Organization)?;
        let Some(product) = product_named(db, principal, product_id, sku).await? else {
            return Ok(None);
        };
        Ok(
            super::supply::supplier_forecast(db, principal, supplier, product, horizon as usize)
                .await
                .gql()?
                .map(SupplierForecast),
        )
    }
}
