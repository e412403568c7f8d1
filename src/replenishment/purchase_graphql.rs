//! Purchase proposals as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::enums;
use entity::{purchase_proposal, purchase_proposal_line};
use sea_orm::DatabaseConnection;

use super::purchase::{
    self as service, Acceptance, DEFAULT_HORIZON_WEEKS, Edit, MAX_HORIZON_WEEKS,
};
use crate::access::Principal;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::{ProductId, PurchaseProposalLinesOf};
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::{Currency, stored};
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::id_arg;
use crate::reactions::Reactions;
use crate::settings::TradeSettings;

/// Where a purchase proposal stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ReplenishmentStatus")]
pub enum PurchaseProposalStatus {
    /// Waiting for the brand's planners.
    Pending,
    /// Its purchase order was raised.
    Accepted,
    /// Rejected, with the reason.
    Rejected,
    /// A newer proposal for the supplier took its place.
    Superseded,
}

/// What the brand's planning proposes it buys from a supplier over the coming weeks: per
/// product, the channel's forecast less the brand's stock position, week by week, capped by
/// the supplier's commitments. The brand's staff only.
pub struct PurchaseProposal(pub purchase_proposal::Model);

impl Keyed for purchase_proposal::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A purchase proposal.
#[Object]
impl PurchaseProposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::PurchaseProposal, self.0.id))
    }
    /// `PR-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The supplier.
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.supplier_id).await
    }
    /// Where it stands.
    async fn status(&self) -> PurchaseProposalStatus {
        self.0.status.into()
    }
    /// The day it was worked out: its first week is that day's week.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// How many weeks it covers.
    async fn horizon_weeks(&self) -> i32 {
        self.0.horizon_weeks
    }
    /// The day of the brand's stock report its stock came from; null where the brand never
    /// counted its stock.
    async fn brand_stock_as_of(&self) -> Option<Date> {
        self.0.brand_stock_as_of.map(Date)
    }
    /// One line per active product the supplier makes, in SKU order: those with a
    /// quantity above zero are bought.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PurchaseProposalLine>> {
        Ok(load_one(ctx, PurchaseProposalLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PurchaseProposalLine)
            .collect())
    }
    /// The purchase order it became.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// Why it was rejected.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
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

/// One product of a purchase proposal: what to buy, and the numbers it came from.
pub struct PurchaseProposalLine(pub purchase_proposal_line::Model);

fn dec(value: entity::fixed::Fixed) -> Decimal {
    Decimal(stored(value).normalize())
}

/// A purchase proposal's line. `quantity` is the sum over the weeks of the net
/// requirement, each week at most the supplier's commitment where it made one, rounded up
/// to a whole unit; `netRequirement − uncommitted` before rounding.
#[Object]
impl PurchaseProposalLine {
    /// Its number in the proposal, from 1.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// What to buy.
    async fn quantity(&self) -> Decimal {
        dec(self.0.quantity)
    }
    /// The channel's forecast demand over the horizon.
    async fn channel_demand(&self) -> Decimal {
        dec(self.0.channel_demand)
    }
    /// The brand's stock on hand, from its latest stock report.
    async fn brand_on_hand(&self) -> Decimal {
        dec(self.0.brand_on_hand)
    }
    /// Coming on the brand's purchase orders, from every supplier of the product.
    async fn inbound(&self) -> Decimal {
        dec(self.0.inbound)
    }
    /// The demand the brand's stock position no longer covers, summed over the weeks.
    async fn net_requirement(&self) -> Decimal {
        dec(self.0.net_requirement)
    }
    /// What the supplier committed over the horizon; null where it made no commitment.
    async fn committed(&self) -> Option<Decimal> {
        self.0.committed.map(dec)
    }
    /// Weeks whose commitment was less than the week's net requirement.
    async fn capped_weeks(&self) -> i32 {
        self.0.capped_weeks
    }
    /// The net requirement beyond those weeks' commitments: what the supplier has not
    /// committed to deliver.
    async fn uncommitted(&self) -> Decimal {
        dec(self.0.uncommitted)
    }
    /// The first week with a net requirement: the purchase order line's requested date.
    async fn needed_from(&self) -> Option<Date> {
        self.0.needed_from.map(Date)
    }
    /// Distributors whose forecast counts.
    async fn distributors(&self) -> i32 {
        self.0.distributors
    }
    /// Distributors that stopped reporting: their demand is not counted.
    async fn stale_distributors(&self) -> i32 {
        self.0.stale_distributors
    }
    /// How the quantity came about, in words.
    async fn explanation(&self) -> String {
        let l = &self.0;
        let n = |v: entity::fixed::Fixed| stored(v).normalize().to_string();
        let mut s = format!(
            "channel demand {} less stock {} and inbound {} leaves {} to buy",
            n(l.channel_demand),
            n(l.brand_on_hand),
            n(l.inbound),
            n(l.net_requirement),
        );
        if let Some(c) = l.committed {
            s.push_str(&format!(
                "; the supplier committed {} in all, less than needed in {} week(s), leaving \
                 {} uncommitted",
                n(c),
                l.capped_weeks,
                n(l.uncommitted)
            ));
        }
        s.push_str(&format!("; buy {}", n(l.quantity)));
        s
    }
}

/// Which purchase proposals to list.
#[derive(InputObject, Default)]
pub struct PurchaseProposalFilter {
    /// Only this supplier's.
    pub supplier_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<PurchaseProposalStatus>,
}

crate::program::graphql::counter!(PurchaseProposalCount, service::Filter, service::count);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct PurchaseProposalQuery;

#[Object]
impl PurchaseProposalQuery {
    /// Purchase proposals, newest first: the brand's staff only.
    #[allow(clippy::too_many_arguments)]
    async fn purchase_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which proposals.")] filter: Option<PurchaseProposalFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<PurchaseProposal>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::Filter {
            supplier_id: id_arg(
                "filter.supplierId",
                filter.supplier_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            PurchaseProposalCount(filter),
            PurchaseProposal,
        ))
    }
}

/// A purchase proposal asked for now.
#[derive(InputObject)]
pub struct PurchaseProposalProposeInput {
    /// The supplier.
    pub supplier_id: ID,
    /// Weeks it covers from this week on (1 to 52; default 8).
    pub horizon_weeks: Option<i32>,
}

/// A line changed on accepting.
#[derive(InputObject)]
pub struct PurchaseProposalLineInput {
    /// The proposal's line.
    pub line_number: i32,
    /// What to buy instead; 0 buys none of it.
    pub quantity: Option<Decimal>,
    /// The agreed price per unit, in the order's currency; the product's standard cost when
    /// left out.
    pub unit_price: Option<Decimal>,
}

/// Staff's acceptance of a purchase proposal.
#[derive(InputObject)]
pub struct PurchaseProposalAcceptInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// The ISO 4217 currency of the order; the standard costs' currency when left out.
    pub currency: Option<String>,
    /// Lines whose quantity or price you change; the others are bought as proposed, at
    /// their standard cost.
    pub lines: Option<Vec<PurchaseProposalLineInput>>,
}

/// Staff's rejection of a purchase proposal.
#[derive(InputObject)]
pub struct PurchaseProposalRejectInput {
    /// The proposal.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// What a purchase proposal, or a decision on one, did.
#[derive(SimpleObject)]
pub struct PurchaseProposalPayload {
    /// The proposal as it is now; null when nothing was written.
    pub proposal: Option<PurchaseProposal>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: Result<purchase_proposal::Model>,
) -> async_graphql::Result<PurchaseProposalPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(PurchaseProposalPayload {
        proposal: saved.map(PurchaseProposal),
        user_errors,
    })
}

const REASON_MAX: usize = 2000;
/// The most lines an acceptance changes.
const EDITS_MAX: usize = 1000;

impl PurchaseProposalProposeInput {
    fn parse(&self) -> Result<(uuid::Uuid, usize)> {
        let supplier = input_id("supplierId", &self.supplier_id, NodeType::Organization)?;
        let horizon = match self.horizon_weeks {
            None => DEFAULT_HORIZON_WEEKS,
            Some(h) if (1..=MAX_HORIZON_WEEKS as i32).contains(&h) => h as usize,
            Some(_) => {
                return Err(Error::user(
                    &["input", "horizonWeeks"],
                    ErrorCode::OutOfRange,
                    format!("from 1 to {MAX_HORIZON_WEEKS} weeks"),
                ));
            }
        };
        Ok((supplier, horizon))
    }
}

impl PurchaseProposalAcceptInput {
    fn parse(&self, limits: &TradeSettings) -> Result<(uuid::Uuid, Acceptance)> {
        let id = input_id("id", &self.id, NodeType::PurchaseProposal)?;
        let currency = self
            .currency
            .as_deref()
            .map(|c| Currency::parse(&["input", "currency"], c))
            .transpose()?;
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
            if let Some(q) = l.quantity.as_ref().map(|q| q.0)
                && (q > limits.max_quantity || q.scale() > 4)
            {
                return Err(Error::user(
                    &["input", "lines", &index, "quantity"],
                    ErrorCode::OutOfRange,
                    format!(
                        "a quantity is at most {} with at most 4 decimals",
                        limits.max_quantity
                    ),
                ));
            }
            let unit_price = l
                .unit_price
                .as_ref()
                .map(|p| {
                    crate::money::unit_price(
                        &["input", "lines", &index, "unitPrice"],
                        p.0,
                        limits.max_amount,
                    )
                })
                .transpose()?;
            edits.push(Edit {
                line_number: l.line_number,
                quantity: l.quantity.as_ref().map(|q| q.0),
                unit_price,
            });
        }
        Ok((id, Acceptance { edits, currency }))
    }
}

#[derive(Default)]
pub struct PurchaseProposalMutation;

#[Object]
impl PurchaseProposalMutation {
    /// Works out a purchase proposal for a supplier now, in place of its waiting one: per
    /// active product it makes, the channel's forecast less the brand's stock position over
    /// the horizon, week by week, capped by the supplier's commitments. The brand's admins
    /// and managers.
    async fn purchase_proposal_propose(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The supplier and the horizon.")] input: PurchaseProposalProposeInput,
    ) -> async_graphql::Result<PurchaseProposalPayload> {
        let result = match input.parse() {
            Ok((supplier, horizon)) => in_transaction!(ctx, |txn, principal| service::propose(
                &txn, principal, supplier, horizon
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Accepts a purchase proposal, as proposed or with lines changed: its lines with a
    /// quantity above zero become a purchase order to the supplier, raised as
    /// `purchaseOrderCreate` raises it, at each product's standard cost unless you give a
    /// price. The brand's admins and managers.
    async fn purchase_proposal_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read, and any changes.")]
        input: PurchaseProposalAcceptInput,
    ) -> async_graphql::Result<PurchaseProposalPayload> {
        let limits = ctx.data::<TradeSettings>()?;
        let result = match input.parse(limits) {
            Ok((id, acceptance)) => in_transaction!(ctx, |txn, principal| service::accept(
                &txn,
                principal,
                &Reactions,
                id,
                input.version,
                acceptance.clone(),
                limits
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Rejects a purchase proposal, with the reason. The brand's admins and managers.
    async fn purchase_proposal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read and why.")]
        input: PurchaseProposalRejectInput,
    ) -> async_graphql::Result<PurchaseProposalPayload> {
        let parsed = input_id("id", &input.id, NodeType::PurchaseProposal).and_then(|id| {
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
