//! Special pricing agreements as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{special_price, special_price_line};
use sea_orm::DatabaseConnection;

use super::claims;
use super::special_prices::{
    self as service, Approval, Asked, LineApproval, NewLine, NewSpecialPrice,
};
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::{ProductId, SpecialPriceLinesOf};
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::{id_arg, user_of};
use crate::settings::{CrmSettings, TradeSettings};

/// Where a special pricing agreement stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SpecialPriceStatus")]
pub enum SpecialPriceStatus {
    /// The distributor asked; the brand has not decided.
    Requested,
    /// The brand authorised it, with its prices, caps and validity.
    Approved,
    /// The brand refused it.
    Rejected,
}

/// A special pricing agreement (SPA): a price the brand authorises a distributor to sell at
/// for one end customer's deal, product by product, up to a quantity, for a while. Staff
/// see every one; a distributor its own (its sales people those they asked for).
pub struct SpecialPrice(pub special_price::Model);

impl Keyed for special_price::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A special pricing agreement.
#[Object]
impl SpecialPrice {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::SpecialPrice, self.0.id))
    }
    /// The authorisation number the distributor quotes (`SPA-000001`); null until approved.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }
    /// Where it stands.
    async fn status(&self) -> SpecialPriceStatus {
        self.0.status.into()
    }
    /// The distributor it is for.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor_id).await
    }
    /// The end customer whose deal it prices.
    async fn end_customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.end_customer_id).await
    }
    /// The deal registration it is for, where one was named.
    async fn deal_registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::growth::graphql::DealRegistration>> {
        match self.0.deal_registration_id {
            Some(id) => Ok(
                load_one(ctx, crate::growth::loaders::DealRegistrationId(id))
                    .await?
                    .map(crate::growth::graphql::DealRegistration),
            ),
            None => Ok(None),
        }
    }
    /// The currency of every price of it: the distributor's price list's.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first day it may be used.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    /// The last day it may be used.
    async fn valid_until(&self) -> Date {
        Date(self.0.valid_until)
    }
    /// The distributor's note on the deal.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Its products, by line number.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SpecialPriceLine>> {
        let currency = self.0.currency.clone();
        Ok(load_one(ctx, SpecialPriceLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|l| SpecialPriceLine(l, currency.clone()))
            .collect())
    }
    /// Who asked, if you may see them.
    async fn requested_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.requested_by).await
    }
    /// Who decided, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When the brand decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The brand's note on its approval, or why it refused.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// When it was asked for.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// The version, for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One product of a special pricing agreement: asked for, authorised, used.
pub struct SpecialPriceLine(pub special_price_line::Model, pub String);

/// One product of a special pricing agreement.
#[Object]
impl SpecialPriceLine {
    /// Its number in the agreement, from 1.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// The quantity the deal needs, in the product's unit.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// The distributor's own price for the product when it asked: its tier's price list.
    async fn tier_price(&self) -> Money {
        Money::of(stored(self.0.tier_price), &self.1)
    }
    /// The net price asked for, where one was.
    async fn requested_price(&self) -> Option<Money> {
        self.0
            .requested_price
            .map(|p| Money::of(stored(p), &self.1))
    }
    /// The discount off the tier price asked for, in percent, where one was.
    async fn requested_discount_percent(&self) -> Option<Decimal> {
        self.0.requested_discount.map(|d| Decimal(stored(d)))
    }
    /// The price the brand authorised; null until approved.
    async fn authorized_price(&self) -> Option<Money> {
        self.0
            .authorized_price
            .map(|p| Money::of(stored(p), &self.1))
    }
    /// The most that may be sold at the authorised price; null until approved.
    async fn quantity_cap(&self) -> Option<Decimal> {
        self.0.quantity_cap.map(|q| Decimal(stored(q)))
    }
    /// How much has been sold at it so far.
    async fn consumed_quantity(&self) -> Decimal {
        Decimal(stored(self.0.consumed_quantity))
    }
    /// What is left under the cap; null until approved.
    async fn remaining_quantity(&self) -> Option<Decimal> {
        self.0.quantity_cap.map(|cap| {
            Decimal(
                (stored(cap) - stored(self.0.consumed_quantity)).max(rust_decimal::Decimal::ZERO),
            )
        })
    }
}

/// One product to ask a special price for: a net price, or a discount off your tier price.
#[derive(InputObject)]
pub struct SpecialPriceLineInput {
    /// The product's SKU; case does not matter.
    pub sku: String,
    /// The quantity the deal needs, in the product's unit.
    pub quantity: Decimal,
    /// The net unit price asked for, below your tier price; or name `discountPercent`.
    pub net_price: Option<Decimal>,
    /// The discount off your tier price asked for, in percent (more than 0, less than 100);
    /// or name `netPrice`.
    pub discount_percent: Option<Decimal>,
}

/// A special price to ask for.
#[derive(InputObject)]
pub struct SpecialPriceRequestInput {
    /// The end customer whose deal it prices: one you serve.
    pub end_customer_id: ID,
    /// Your approved deal registration for that customer, if you registered the deal.
    pub deal_registration_id: Option<ID>,
    /// The first day it may be used.
    pub valid_from: Date,
    /// The last day it may be used: not before `validFrom`, not over, and within two years
    /// of today.
    pub valid_until: Date,
    /// The products: 1 to 100, each named once.
    pub lines: Vec<SpecialPriceLineInput>,
    /// A note on the deal: up to 2000 characters.
    pub note: Option<String>,
}

/// What the brand authorises for one line; what is left out stays as asked.
#[derive(InputObject)]
pub struct SpecialPriceLineApprovalInput {
    /// The line's number.
    pub line_number: i32,
    /// The net unit price authorised, below the distributor's tier price.
    pub price: Option<Decimal>,
    /// The most that may be sold at it.
    pub quantity_cap: Option<Decimal>,
}

/// A special price to approve.
#[derive(InputObject)]
pub struct SpecialPriceApproveInput {
    /// The agreement.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Another last day, if not the one asked for.
    pub valid_until: Option<Date>,
    /// Prices and caps other than those asked for, by line; lines left out get the price
    /// asked for and the quantity as their cap.
    pub lines: Option<Vec<SpecialPriceLineApprovalInput>>,
    /// A note to the distributor: up to 2000 characters.
    pub note: Option<String>,
}

/// A special price to refuse.
#[derive(InputObject)]
pub struct SpecialPriceRejectInput {
    /// The agreement.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// The result of asking for, approving or refusing a special price.
#[derive(SimpleObject)]
pub struct SpecialPricePayload {
    /// The agreement as it is now; null when nothing was written.
    pub special_price: Option<SpecialPrice>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which special prices to list.
#[derive(InputObject, Default)]
pub struct SpecialPriceFilter {
    /// Only this distributor's.
    pub distributor_id: Option<ID>,
    /// Only those for this end customer.
    pub end_customer_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<SpecialPriceStatus>,
    /// Only those that may be used on this day: approved and within their validity.
    pub usable_on: Option<Date>,
}

crate::program::graphql::counter!(
    SpecialPriceCount,
    service::SpecialPriceFilter,
    service::count
);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct SpecialPriceQuery;

#[Object]
impl SpecialPriceQuery {
    /// Special pricing agreements, newest first: every one for staff, a distributor's own
    /// for it. `usableOn` lists those that may be used on a day.
    #[allow(clippy::too_many_arguments)]
    async fn special_prices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which agreements.")] filter: Option<SpecialPriceFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<SpecialPrice>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::SpecialPriceFilter {
            distributor_id: id_arg(
                "filter.distributorId",
                filter.distributor_id.as_ref(),
                NodeType::Organization,
            )?,
            end_customer_id: id_arg(
                "filter.endCustomerId",
                filter.end_customer_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
            usable_on: filter.usable_on.map(|d| d.0),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            SpecialPriceCount(filter),
            SpecialPrice,
        ))
    }
}

fn note(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    domain::optional_note(&["input", field], raw, service::NOTE_MAX)
}

impl SpecialPriceRequestInput {
    fn parse(&self, trade: &TradeSettings) -> Result<NewSpecialPrice> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            let index = i.to_string();
            let at = |name: &'static str| ["input", "lines", index.as_str(), name];
            let asked = match (&l.net_price, &l.discount_percent) {
                (Some(price), None) => Asked::Price(crate::money::unit_price(
                    &at("netPrice"),
                    price.0,
                    trade.max_amount,
                )?),
                (None, Some(percent)) => {
                    Asked::Discount(service::check_discount(&at("discountPercent"), percent.0)?)
                }
                (Some(_), Some(_)) => {
                    return Err(Error::user(
                        &at("discountPercent"),
                        ErrorCode::Invalid,
                        "name netPrice or discountPercent, not both",
                    ));
                }
                (None, None) => {
                    return Err(Error::user(
                        &at("netPrice"),
                        ErrorCode::Required,
                        "name the net price asked for, or the discount",
                    ));
                }
            };
            lines.push(NewLine {
                sku: domain::sku(&at("sku"), &l.sku)?,
                quantity: l.quantity.0,
                asked,
            });
        }
        Ok(NewSpecialPrice {
            end_customer_id: input_id(
                "endCustomerId",
                &self.end_customer_id,
                NodeType::Organization,
            )?,
            deal_registration_id: match &self.deal_registration_id {
                Some(id) => Some(input_id(
                    "dealRegistrationId",
                    id,
                    NodeType::DealRegistration,
                )?),
                None => None,
            },
            valid_from: self.valid_from.0,
            valid_until: self.valid_until.0,
            lines,
            note: note("note", self.note.as_deref())?,
        })
    }
}

impl SpecialPriceApproveInput {
    fn parse(&self) -> Result<Approval> {
        Ok(Approval {
            valid_until: self.valid_until.as_ref().map(|d| d.0),
            lines: self
                .lines
                .iter()
                .flatten()
                .map(|l| LineApproval {
                    line_number: l.line_number,
                    price: l.price.as_ref().map(|p| p.0),
                    quantity_cap: l.quantity_cap.as_ref().map(|q| q.0),
                })
                .collect(),
            note: note("note", self.note.as_deref())?,
        })
    }
}

#[derive(Default)]
pub struct SpecialPriceMutation;

#[Object]
impl SpecialPriceMutation {
    /// A distributor asks for a special price for an end customer's deal: its managers and
    /// sales people, or its systems with `crm:write`, once its admin has accepted the
    /// program's terms. Each product asks for a net price below the distributor's own tier
    /// price, or a discount off it.
    async fn special_price_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer, the products, the prices asked for and the validity.")]
        input: SpecialPriceRequestInput,
    ) -> async_graphql::Result<SpecialPricePayload> {
        let crm = ctx.data::<CrmSettings>()?;
        let trade = ctx.data::<TradeSettings>()?;
        let result = match input.parse(trade) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::request(
                &txn, principal, crm, trade, new
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(SpecialPricePayload {
            special_price: saved.map(|(s, _)| SpecialPrice(s)),
            user_errors,
        })
    }

    /// The brand authorises a special price: its admins and managers. It gets its
    /// authorisation number, and each line the price and cap named for it or those asked for.
    async fn special_price_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The agreement, the version you read, and any other prices, caps or last day."
        )]
        input: SpecialPriceApproveInput,
    ) -> async_graphql::Result<SpecialPricePayload> {
        let crm = ctx.data::<CrmSettings>()?;
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = input_id("id", &input.id, NodeType::SpecialPrice)
            .and_then(|id| Ok((id, input.parse()?)));
        let result = match parsed {
            Ok((id, approval)) => in_transaction!(ctx, |txn, principal| service::approve(
                &txn,
                principal,
                crm,
                trade,
                id,
                input.version,
                approval
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(SpecialPricePayload {
            special_price: saved.map(|(s, _)| SpecialPrice(s)),
            user_errors,
        })
    }

    /// The brand refuses a special price, with the reason: its admins and managers.
    async fn special_price_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement, the version you read and why.")]
        input: SpecialPriceRejectInput,
    ) -> async_graphql::Result<SpecialPricePayload> {
        let parsed = input_id("id", &input.id, NodeType::SpecialPrice).and_then(|id| {
            note("reason", Some(&input.reason))?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "reason"],
                        ErrorCode::Required,
                        "reason must not be empty",
                    )
                })
                .map(|reason| (id, reason))
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
        let (saved, user_errors) = outcome(result)?;
        Ok(SpecialPricePayload {
            special_price: saved.map(|(s, _)| SpecialPrice(s)),
            user_errors,
        })
    }
}

/// Where a ship-and-debit claim stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ClaimStatus")]
pub enum ClaimStatus {
    /// Filed and checked; the brand has not decided.
    Submitted,
    /// The brand approved it, at the amounts its lines allow.
    Approved,
    /// The brand refused all of it.
    Rejected,
}

/// What the checks (or the brand) found for a claim line.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ClaimLineResult")]
pub enum ClaimLineResult {
    /// Every check holds: allowed as claimed.
    Valid,
    /// Allowed in part: capped to what the data supports.
    Adjusted,
    /// Allowed nothing.
    Rejected,
}

/// How a claim came in.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ClaimSource")]
pub enum ClaimSource {
    /// Filed in the portal or by the API.
    Portal,
    /// Sent as an X12 844.
    Edi,
}

/// A ship-and-debit claim: after selling to an end customer at a special price, a
/// distributor claims what it paid the brand above the authorised price. Staff see every
/// one; a distributor its own, to those whose roles see all of its invoices.
pub struct Claim(pub entity::claim::Model);

impl Keyed for entity::claim::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A ship-and-debit claim.
#[Object]
impl Claim {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Claim, self.0.id))
    }
    /// The brand's number for it (`CLM-000001`).
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The distributor's own debit number.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// Where it stands.
    async fn status(&self) -> ClaimStatus {
        self.0.status.into()
    }
    /// How it came in.
    async fn source(&self) -> ClaimSource {
        self.0.source.into()
    }
    /// The distributor claiming, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor_id).await
    }
    /// The special price the sales were made at, where you see it (it needs crm:read).
    async fn special_price(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<SpecialPrice>> {
        Ok(load_one(
            ctx,
            crate::catalog::loaders::SpecialPriceId(self.0.special_price_id),
        )
        .await?
        .map(SpecialPrice))
    }
    /// The sum of its lines as claimed: (cost paid − authorised price) × quantity.
    async fn claimed_amount(&self) -> Money {
        Money::of(stored(self.0.claimed_amount), &self.0.currency)
    }
    /// The sum of its lines as the checks, and the brand's overrides, allow them.
    async fn allowed_amount(&self) -> Money {
        Money::of(stored(self.0.allowed_amount), &self.0.currency)
    }
    /// What the brand approved; null until approved.
    async fn approved_amount(&self) -> Option<Money> {
        self.0
            .approved_amount
            .map(|a| Money::of(stored(a), &self.0.currency))
    }
    /// Its lines, each with what the checks found.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ClaimLine>> {
        Ok(
            load_one(ctx, crate::catalog::loaders::ClaimLinesOf(self.0.id))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(|l| ClaimLine(l, self.0.currency.clone()))
                .collect(),
        )
    }
    /// Who filed it, if you may see them.
    async fn submitted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.submitted_by).await
    }
    /// When it was filed.
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.0.submitted_at)
    }
    /// Who decided, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When the brand decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The brand's note on its approval, or the reason it rejected the claim.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// The credit memo that settled it, once approved for more than nothing.
    async fn credit_memo(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::settlement::CreditMemo>> {
        let Some(id) = self.0.credit_memo_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::catalog::loaders::CreditMemoId(id))
            .await?
            .map(super::settlement::CreditMemo))
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Why a claim line was adjusted or rejected.
#[derive(SimpleObject)]
pub struct ClaimReason {
    /// `NOT_COVERED`, `OUTSIDE_VALIDITY`, `NOTHING_TO_CLAIM`, `DUPLICATE`, `NOT_REPORTED`,
    /// `SALES_CLAIMED`, `SALES_REPORTED`, `NO_PURCHASES`, `COST_ABOVE_PURCHASE`,
    /// `PURCHASES_CLAIMED`, `PURCHASES`, `CAP_USED` or `CAP`.
    pub code: String,
    /// In words, with the figures it came from.
    pub message: String,
}

/// One sale claimed, as claimed and as checked.
pub struct ClaimLine(pub entity::claim_line::Model, pub String);

/// One sale claimed.
#[Object]
impl ClaimLine {
    /// Its number in the claim, from 1.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The product sold.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// The distributor's invoice to the end customer: a sale is its invoice and product.
    async fn invoice(&self) -> &str {
        &self.0.invoice
    }
    /// The day it was sold.
    async fn sold_on(&self) -> Date {
        Date(self.0.sold_on)
    }
    /// How many were sold, in the product's unit.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// What the distributor says it paid the brand a unit.
    async fn paid_cost(&self) -> Money {
        Money::of(stored(self.0.paid_cost), &self.1)
    }
    /// The special price's authorised price a unit (zero where it does not cover the
    /// product).
    async fn authorized_cost(&self) -> Money {
        Money::of(stored(self.0.authorized_cost), &self.1)
    }
    /// (cost paid − authorised price) × quantity, rounded to the currency's minor unit.
    async fn claimed_amount(&self) -> Money {
        Money::of(stored(self.0.claimed_amount), &self.1)
    }
    /// What the checks found.
    async fn checked_result(&self) -> ClaimLineResult {
        self.0.result.into()
    }
    /// The result that stands: the brand's override where there is one, else the checks'.
    async fn result(&self) -> ClaimLineResult {
        self.0.decided.unwrap_or(self.0.result).into()
    }
    /// Why it was adjusted or rejected; empty when valid.
    async fn reasons(&self) -> Vec<ClaimReason> {
        self.0
            .reasons
            .as_deref()
            .unwrap_or_default()
            .lines()
            .filter_map(|r| r.split_once(": "))
            .map(|(code, message)| ClaimReason {
                code: code.to_owned(),
                message: message.to_owned(),
            })
            .collect()
    }
    /// The quantity allowed.
    async fn allowed_quantity(&self) -> Decimal {
        Decimal(stored(self.0.allowed_quantity))
    }
    /// The cost a unit the distributor's purchases support.
    async fn allowed_cost(&self) -> Money {
        Money::of(stored(self.0.allowed_cost), &self.1)
    }
    /// (allowed cost − authorised price) × allowed quantity.
    async fn allowed_amount(&self) -> Money {
        Money::of(stored(self.0.allowed_amount), &self.1)
    }
    /// Why the brand overrode the checks' result, where it did.
    async fn override_reason(&self) -> Option<&str> {
        self.0.override_reason.as_deref()
    }
}

/// One sale to claim for.
#[derive(InputObject)]
pub struct ClaimLineInput {
    /// The product's SKU; case does not matter.
    pub sku: String,
    /// Your invoice to the end customer: 1 to 30 characters. A sale (invoice and product) is
    /// claimed once.
    pub invoice: String,
    /// The day you sold it: not in the future.
    pub sold_on: Date,
    /// How many, in the product's unit: more than 0.
    pub quantity: Decimal,
    /// What you paid the brand a unit.
    pub paid_cost: Decimal,
}

/// A ship-and-debit claim to file.
#[derive(InputObject)]
pub struct ClaimSubmitInput {
    /// The authorisation number of the special price you sold at (`SPA-000001`).
    pub special_price: String,
    /// Your own debit number: 1 to 30 characters, once per claim.
    pub reference: String,
    /// The sales: 1 to 500.
    pub lines: Vec<ClaimLineInput>,
}

/// The brand's own result for one line.
#[derive(InputObject)]
pub struct ClaimOverrideInput {
    /// The line's number.
    pub line_number: i32,
    /// `VALID` (allowed as claimed) or `REJECTED` (allowed nothing).
    pub result: ClaimLineResult,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// A claim to approve.
#[derive(InputObject)]
pub struct ClaimApproveInput {
    /// The claim.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Lines whose result the brand sets itself; the others stand as checked.
    pub overrides: Option<Vec<ClaimOverrideInput>>,
    /// A note to the distributor: up to 2000 characters.
    pub note: Option<String>,
}

/// A claim to refuse.
#[derive(InputObject)]
pub struct ClaimRejectInput {
    /// The claim.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// The result of filing, approving or refusing a claim.
#[derive(SimpleObject)]
pub struct ClaimPayload {
    /// The claim as it is now; null when nothing was written.
    pub claim: Option<Claim>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which claims to list.
#[derive(InputObject, Default)]
pub struct ClaimFilter {
    /// Only this distributor's.
    pub distributor_id: Option<ID>,
    /// Only those made under this special price.
    pub special_price_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<ClaimStatus>,
}

crate::program::graphql::counter!(ClaimCount, claims::ClaimFilter, claims::count);

#[derive(Default)]
pub struct ClaimQuery;

#[Object]
impl ClaimQuery {
    /// Ship-and-debit claims, newest first: every one for staff, a distributor's own for
    /// those of it whose roles see all of its invoices.
    #[allow(clippy::too_many_arguments)]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which claims.")] filter: Option<ClaimFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Claim>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = claims::ClaimFilter {
            distributor_id: id_arg(
                "filter.distributorId",
                filter.distributor_id.as_ref(),
                NodeType::Organization,
            )?,
            special_price_id: id_arg(
                "filter.specialPriceId",
                filter.special_price_id.as_ref(),
                NodeType::SpecialPrice,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = claims::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ClaimCount(filter),
            Claim,
        ))
    }
}

impl ClaimSubmitInput {
    fn parse(&self, trade: &TradeSettings) -> Result<claims::NewClaim> {
        claims::check_line_count(self.lines.len())?;
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                claims::NewClaimLine::checked(
                    i,
                    &l.sku,
                    &l.invoice,
                    l.sold_on.0,
                    l.quantity.0,
                    l.paid_cost.0,
                    trade,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(claims::NewClaim {
            distributor: None,
            special_price: domain::required_text(
                &["input", "specialPrice"],
                &self.special_price,
                super::buying::NUMBER_MAX,
            )?,
            reference: domain::required_text(
                &["input", "reference"],
                &self.reference,
                claims::REFERENCE_MAX,
            )?,
            source: entity::enums::ClaimSource::Portal,
            lines,
        })
    }
}

fn claim_payload(
    result: Result<(entity::claim::Model, Vec<entity::claim_line::Model>)>,
) -> async_graphql::Result<ClaimPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(ClaimPayload {
        claim: saved.map(|(c, _)| Claim(c)),
        user_errors,
    })
}

#[derive(Default)]
pub struct ClaimMutation;

#[Object]
impl ClaimMutation {
    /// A distributor claims back what it paid above a special price for sales made at it:
    /// its managers and finance people, or its systems with `orders:write`. Each line is
    /// checked against the special price, your sales reports, your purchases, the cap and
    /// the claims before it, and gets its result and reasons.
    async fn claim_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The special price, your debit number and the sales.")]
        input: ClaimSubmitInput,
    ) -> async_graphql::Result<ClaimPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let result = match input.parse(trade) {
            Ok(new) => in_transaction!(ctx, |txn, principal| claims::submit(&txn, principal, new)),
            Err(e) => Err(e),
        };
        claim_payload(result)
    }

    /// The brand approves a claim at what its lines allow: its admins and managers. A line
    /// may be overridden to `VALID` or `REJECTED`, with a reason.
    async fn claim_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The claim, the version you read, any overrides and a note.")]
        input: ClaimApproveInput,
    ) -> async_graphql::Result<ClaimPayload> {
        let parsed = input_id("id", &input.id, NodeType::Claim).and_then(|id| {
            let mut overrides = Vec::new();
            for (i, o) in input.overrides.iter().flatten().enumerate() {
                let index = i.to_string();
                overrides.push(claims::Override {
                    line_number: o.line_number,
                    result: o.result.into(),
                    reason: domain::required_text(
                        &["input", "overrides", index.as_str(), "reason"],
                        &o.reason,
                        claims::NOTE_MAX,
                    )?,
                });
            }
            Ok((id, overrides, note("note", input.note.as_deref())?))
        });
        let result = match parsed {
            Ok((id, overrides, note)) => in_transaction!(ctx, |txn, principal| claims::approve(
                &txn,
                principal,
                id,
                input.version,
                overrides,
                note
            )),
            Err(e) => Err(e),
        };
        claim_payload(result)
    }

    /// The brand rejects a whole claim, with the reason: its admins and managers. What its
    /// lines drew from the special price's caps returns to them.
    async fn claim_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The claim, the version you read and why.")] input: ClaimRejectInput,
    ) -> async_graphql::Result<ClaimPayload> {
        let parsed = input_id("id", &input.id, NodeType::Claim).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, claims::NOTE_MAX)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| claims::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        claim_payload(result)
    }
}
