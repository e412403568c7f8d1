//! Replenishment proposals and enrolments as the API shows them. Thin: parse, call the
//! service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::enums;
use entity::{replenishment_enrolment, replenishment_proposal, replenishment_proposal_line};
use sea_orm::DatabaseConnection;

use super::graphql::ForecastMethod;
use super::proposals::{self as service, Edit};
use crate::access::Principal;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::{ProductId, ReplenishmentProposalLinesOf};
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::id_arg;
use crate::settings::TradeSettings;

/// How the brand plans a distributor's stock.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ReplenishmentMode")]
pub enum ReplenishmentMode {
    /// No proposals are made for it (one may still be asked for).
    Off,
    /// Proposals are made when its reports arrive and on its review days; it accepts or
    /// rejects them.
    Proposals,
    /// As PROPOSALS, and the brand orders a proposal the distributor has not acted on when
    /// its window passes. The distributor's own choice.
    BrandManaged,
}

/// Where a replenishment proposal stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ReplenishmentStatus")]
pub enum ReplenishmentProposalStatus {
    /// Waiting for the distributor (or for its window to pass).
    Pending,
    /// Ordered: by the distributor, or by the brand when the window passed.
    Accepted,
    /// The distributor rejected it, with the reason.
    Rejected,
    /// A newer proposal for the distributor took its place.
    Superseded,
}

/// What made a replenishment proposal.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ReplenishmentTrigger")]
pub enum ReplenishmentTrigger {
    /// One of the review days of its products.
    ReviewDay,
    /// A stock or sell-through report arrived.
    Report,
    /// Someone asked for it.
    Requested,
}

/// How the brand plans one distributor's stock.
pub struct ReplenishmentEnrolment(pub replenishment_enrolment::Model);

/// A distributor's replenishment enrolment.
#[Object]
impl ReplenishmentEnrolment {
    /// The distributor, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor_id).await
    }
    /// How its stock is planned.
    async fn mode(&self) -> ReplenishmentMode {
        self.0.mode.into()
    }
    /// Brand-managed: the hours a proposal waits for the distributor before the brand
    /// orders it.
    async fn acceptance_window_hours(&self) -> i32 {
        self.0.acceptance_window_hours
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

/// What the brand proposes a distributor orders to keep its stock at target, worked out
/// from its latest stock report, its sell-through forecast, what it has in transit from
/// the brand and its replenishment policies. Staff see every one; a distributor its own.
pub struct ReplenishmentProposal(pub replenishment_proposal::Model);

impl Keyed for replenishment_proposal::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A replenishment proposal.
#[Object]
impl ReplenishmentProposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ReplenishmentProposal, self.0.id))
    }
    /// `RP-000001`: also the PO number of the order it becomes, unless the distributor
    /// gives its own.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The distributor, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor_id).await
    }
    /// Where it stands.
    async fn status(&self) -> ReplenishmentProposalStatus {
        self.0.status.into()
    }
    /// What made it.
    async fn trigger(&self) -> ReplenishmentTrigger {
        self.0.trigger.into()
    }
    /// The day it was worked out.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// The day of the stock report its stock on hand came from.
    async fn stock_as_of(&self) -> Option<Date> {
        self.0.stock_as_of.map(Date)
    }
    /// The last day of sell-through its forecasts were made from.
    async fn reported_through(&self) -> Option<Date> {
        self.0.reported_through.map(Date)
    }
    /// Made for a brand-managed distributor: the brand orders it at `acceptAfter` unless
    /// the distributor acted first.
    async fn brand_managed(&self) -> bool {
        self.0.brand_managed
    }
    /// When the brand orders it, where it is brand-managed and still waits.
    async fn accept_after(&self) -> Option<DateTime> {
        self.0.accept_after.map(DateTime)
    }
    /// Its lines, one per product the distributor stocks or sells: those with a quantity
    /// above zero are ordered.
    async fn lines(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ReplenishmentProposalLine>> {
        Ok(load_one(ctx, ReplenishmentProposalLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(ReplenishmentProposalLine)
            .collect())
    }
    /// The order it became, if you may see it.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// Why the distributor rejected it.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Why the brand could not order it when its window passed: it waits for the
    /// distributor.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When it was accepted or rejected.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One product of a replenishment proposal: what to order, and the numbers it came from.
pub struct ReplenishmentProposalLine(pub replenishment_proposal_line::Model);

fn dec(value: entity::fixed::Fixed) -> Decimal {
    Decimal(stored(value).normalize())
}

/// A proposal's line. `quantity` is `need` rounded up to `orderMultiple`, at least
/// `minQuantity` and at most `maxQuantity`, or 0 where `need` is 0 or less; `need` is
/// `demand + safetyStock − onHand − inTransit`.
#[Object]
impl ReplenishmentProposalLine {
    /// Its number in the proposal, from 1.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The product, if you may see it.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// What to order.
    async fn quantity(&self) -> Decimal {
        dec(self.0.quantity)
    }
    /// Forecast demand over the cover (lead time and review period), from the week after
    /// the last one reported.
    async fn demand(&self) -> Decimal {
        dec(self.0.demand)
    }
    /// `demand` per week of the cover.
    async fn weekly_demand(&self) -> Decimal {
        dec(self.0.weekly_demand)
    }
    /// The cover in weeks: (lead time + review period) ÷ 7.
    async fn cover_weeks(&self) -> Decimal {
        dec(self.0.cover_weeks)
    }
    /// The lead time, from the policy.
    async fn lead_time_days(&self) -> i32 {
        self.0.lead_time_days
    }
    /// The days from the latest review day to the next.
    async fn review_period_days(&self) -> i32 {
        self.0.review_period_days
    }
    /// The stock to keep beyond the cover, in weeks of demand, from the policy.
    async fn target_weeks(&self) -> Decimal {
        dec(self.0.target_weeks)
    }
    /// `targetWeeks × weeklyDemand`.
    async fn safety_stock(&self) -> Decimal {
        dec(self.0.safety_stock)
    }
    /// On hand in the stock report (0 where the report does not name the product).
    async fn on_hand(&self) -> Decimal {
        dec(self.0.on_hand)
    }
    /// Coming from the brand as of the stock report's day: still to ship on open orders, and
    /// shipped but not arrived (received; or else on its expected day; or else its lead time
    /// after it left).
    async fn in_transit(&self) -> Decimal {
        dec(self.0.in_transit)
    }
    /// `demand + safetyStock − onHand − inTransit`.
    async fn need(&self) -> Decimal {
        dec(self.0.need)
    }
    /// The pack size, from the policy.
    async fn order_multiple(&self) -> Decimal {
        dec(self.0.order_multiple)
    }
    /// The least to order, from the policy.
    async fn min_quantity(&self) -> Decimal {
        dec(self.0.min_quantity)
    }
    /// The most to order, from the policy; null for no most.
    async fn max_quantity(&self) -> Option<Decimal> {
        self.0.max_quantity.map(dec)
    }
    /// How demand was forecast; null where no whole week was reported.
    async fn forecast_method(&self) -> Option<ForecastMethod> {
        match self.0.method.as_deref() {
            Some("SIMPLE") => Some(ForecastMethod::Simple),
            Some("HOLT") => Some(ForecastMethod::Holt),
            Some("HOLT_WINTERS") => Some(ForecastMethod::HoltWinters),
            _ => None,
        }
    }
    /// The forecast's WAPE over its holdout, where it had one: how far to trust `demand`.
    async fn wape(&self) -> Option<Decimal> {
        self.0.wape.map(dec)
    }
    /// The numbers in a sentence.
    async fn explanation(&self) -> String {
        explain(&self.0)
    }
}

fn explain(l: &replenishment_proposal_line::Model) -> String {
    let n = |v: entity::fixed::Fixed| stored(v).normalize().to_string();
    let mut text = format!(
        "{} forecast over {} weeks ({} days' lead time + {} days to the next review) + {} \
         safety stock ({} weeks × {} a week) − {} on hand − {} in transit = {}",
        n(l.demand),
        n(l.cover_weeks),
        l.lead_time_days,
        l.review_period_days,
        n(l.safety_stock),
        n(l.target_weeks),
        n(l.weekly_demand),
        n(l.on_hand),
        n(l.in_transit),
        n(l.need),
    );
    if stored(l.quantity).is_zero() {
        text.push_str("; nothing to order");
    } else {
        text.push_str(&format!(
            "; order {} (packs of {}, at least {}{})",
            n(l.quantity),
            n(l.order_multiple),
            n(l.min_quantity),
            l.max_quantity
                .map(|m| format!(", at most {}", n(m)))
                .unwrap_or_default(),
        ));
    }
    text
}

/// Which proposals to list.
#[derive(InputObject, Default)]
pub struct ReplenishmentProposalFilter {
    /// Only this distributor's.
    pub distributor_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<ReplenishmentProposalStatus>,
}

crate::program::graphql::counter!(ReplenishmentProposalCount, service::Filter, service::count);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct ReplenishmentProposalQuery;

#[Object]
impl ReplenishmentProposalQuery {
    /// Replenishment proposals, newest first: every one for staff, a distributor's own for
    /// it.
    #[allow(clippy::too_many_arguments)]
    async fn replenishment_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which proposals.")] filter: Option<ReplenishmentProposalFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ReplenishmentProposal>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::Filter {
            distributor_id: id_arg(
                "filter.distributorId",
                filter.distributor_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ReplenishmentProposalCount(filter),
            ReplenishmentProposal,
        ))
    }

    /// How the brand plans a distributor's stock: staff name the distributor; a
    /// distributor reads its own. Null where it was never enrolled.
    async fn replenishment_enrolment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The distributor; a distributor leaves it out.")] distributor_id: Option<
            ID,
        >,
    ) -> async_graphql::Result<Option<ReplenishmentEnrolment>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let distributor = id_arg(
            "distributorId",
            distributor_id.as_ref(),
            NodeType::Organization,
        )?;
        Ok(service::enrolment_of(db, principal, distributor)
            .await
            .gql()?
            .map(ReplenishmentEnrolment))
    }
}

/// How the brand is to plan a distributor's stock.
#[derive(InputObject)]
pub struct ReplenishmentEnrolInput {
    /// The distributor: staff name it; a distributor leaves it out.
    pub distributor_id: Option<ID>,
    /// How: staff choose OFF or PROPOSALS; BRAND_MANAGED is the distributor's own choice.
    pub mode: ReplenishmentMode,
    /// Brand-managed: hours a proposal waits for the distributor (1 to 720; 48 when first
    /// enrolled and left out).
    pub acceptance_window_hours: Option<i32>,
}

/// A proposal asked for now.
#[derive(InputObject)]
pub struct ReplenishmentProposeInput {
    /// The distributor: staff name it; a distributor leaves it out.
    pub distributor_id: Option<ID>,
}

/// A line's quantity, changed.
#[derive(InputObject)]
pub struct ReplenishmentLineInput {
    /// The proposal's line.
    pub line_number: i32,
    /// What to order instead; 0 orders none of it.
    pub quantity: Decimal,
}

/// The distributor's acceptance of a proposal.
#[derive(InputObject)]
pub struct ReplenishmentProposalAcceptInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// The order's PO number; the proposal's number when left out.
    pub po_number: Option<String>,
    /// Lines whose quantity you change; the others are ordered as proposed.
    pub lines: Option<Vec<ReplenishmentLineInput>>,
}

/// The distributor's rejection of a proposal.
#[derive(InputObject)]
pub struct ReplenishmentProposalRejectInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// What an enrolment did.
#[derive(SimpleObject)]
pub struct ReplenishmentEnrolPayload {
    /// The enrolment as it is now; null when nothing was written.
    pub enrolment: Option<ReplenishmentEnrolment>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a proposal, or a decision on one, did.
#[derive(SimpleObject)]
pub struct ReplenishmentProposalPayload {
    /// The proposal as it is now; null when nothing was written.
    pub proposal: Option<ReplenishmentProposal>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: Result<replenishment_proposal::Model>,
) -> async_graphql::Result<ReplenishmentProposalPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(ReplenishmentProposalPayload {
        proposal: saved.map(ReplenishmentProposal),
        user_errors,
    })
}

const REASON_MAX: usize = 2000;
/// The most lines an acceptance changes.
const EDITS_MAX: usize = 1000;

impl ReplenishmentProposalAcceptInput {
    fn parse(&self, limits: &TradeSettings) -> Result<(uuid::Uuid, Option<String>, Vec<Edit>)> {
        let id = input_id("id", &self.id, NodeType::ReplenishmentProposal)?;
        let po = match &self.po_number {
            Some(po) => Some(crate::orders::model::po_number(&["input", "poNumber"], po)?),
            None => None,
        };
        let lines = self.lines.as_deref().unwrap_or_default();
        if lines.len() > EDITS_MAX {
            return Err(Error::user(
                &["input", "lines"],
                ErrorCode::OutOfRange,
                format!("at most {EDITS_MAX} lines"),
            ));
        }
        let mut edits = Vec::with_capacity(lines.len());
        for (i, l) in lines.iter().enumerate() {
            let index = i.to_string();
            let quantity = l.quantity.0;
            if quantity > limits.max_quantity || quantity.scale() > 4 {
                return Err(Error::user(
                    &["input", "lines", &index, "quantity"],
                    ErrorCode::OutOfRange,
                    format!(
                        "a quantity is at most {} with at most 4 decimals",
                        limits.max_quantity
                    ),
                ));
            }
            edits.push(Edit {
                line_number: l.line_number,
                quantity,
            });
        }
        Ok((id, po, edits))
    }
}

#[derive(Default)]
pub struct ReplenishmentProposalMutation;

#[Object]
impl ReplenishmentProposalMutation {
    /// Sets how the brand plans a distributor's stock. The brand's admins and managers
    /// enrol a distributor for proposals or take it out; a distributor's admins choose for
    /// their own company, and only they choose BRAND_MANAGED.
    async fn replenishment_enrol(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The distributor and the mode.")] input: ReplenishmentEnrolInput,
    ) -> async_graphql::Result<ReplenishmentEnrolPayload> {
        let result = match input
            .distributor_id
            .as_ref()
            .map(|id| input_id("distributorId", id, NodeType::Organization))
            .transpose()
        {
            Ok(distributor) => in_transaction!(ctx, |txn, principal| service::enrol(
                &txn,
                principal,
                distributor,
                input.mode.into(),
                input.acceptance_window_hours
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(ReplenishmentEnrolPayload {
            enrolment: saved.map(ReplenishmentEnrolment),
            user_errors,
        })
    }

    /// Works out a proposal for a distributor now, in place of the one waiting: staff for
    /// any distributor, a distributor's members who may order for their own. Refused, naming
    /// the report, where its stock or sell-through reports are more than 14 days old.
    async fn replenishment_propose(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The distributor.")] input: ReplenishmentProposeInput,
    ) -> async_graphql::Result<ReplenishmentProposalPayload> {
        let result = match input
            .distributor_id
            .as_ref()
            .map(|id| input_id("distributorId", id, NodeType::Organization))
            .transpose()
        {
            Ok(distributor) => in_transaction!(ctx, |txn, principal| service::request(
                &txn,
                principal,
                distributor
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// The distributor accepts a proposal, as proposed or with lines changed: its lines
    /// with a quantity above zero are submitted as an order under `orderSubmit`'s rules
    /// (price list, credit, the PO number once). Its members who may order.
    async fn replenishment_proposal_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read, and any changes.")]
        input: ReplenishmentProposalAcceptInput,
    ) -> async_graphql::Result<ReplenishmentProposalPayload> {
        let limits = ctx.data::<TradeSettings>()?;
        let result = match input.parse(limits) {
            Ok((id, po, edits)) => in_transaction!(ctx, |txn, principal| service::accept(
                &txn,
                principal,
                id,
                input.version,
                po,
                edits,
                limits
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// The distributor rejects a proposal, with the reason. Its members who may order.
    async fn replenishment_proposal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read and why.")]
        input: ReplenishmentProposalRejectInput,
    ) -> async_graphql::Result<ReplenishmentProposalPayload> {
        let parsed = input_id("id", &input.id, NodeType::ReplenishmentProposal).and_then(|id| {
            Ok((
                id,
                crate::domain::required_text(&["input", "reason"], &input.reason, REASON_MAX)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| service::reject(
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
