//! Special pricing agreements as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{special_price, special_price_line};
use sea_orm::DatabaseConnection;

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
