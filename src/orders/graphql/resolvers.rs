//! Reading and working orders.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::compiled::orders_listing;
use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::error::{GqlResult, Result};
use crate::graphql::compiled::spec::{Listing, Shape};
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::SortDirection;
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{NodeType, argument_id};
use crate::orders::model::OrderFilter as Filter;
use crate::orders::{change, credit, fulfilment, lifecycle, queries, submit};
use crate::organizations::graphql::{Organization, organization};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::reactions::Reactions;
use crate::settings::TradeSettings;

/// Narrows a list of orders. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrderFilter {
    /// Only sales or only purchase orders.
    pub kind: Option<OrderKind>,
    /// Only orders in these statuses.
    pub statuses: Option<Vec<OrderStatus>>,
    /// Only orders this organization placed.
    pub buyer_id: Option<ID>,
    /// Only orders placed with this organization.
    pub seller_id: Option<ID>,
    /// Only the order with this buyer's PO number.
    pub po_number: Option<String>,
    /// Only the order with this number.
    pub number: Option<String>,
}

impl OrderFilter {
    pub(crate) fn parse(self) -> Result<Filter> {
        Ok(Filter {
            kind: self.kind.map(Into::into),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            buyer_id: argument_id(
                "filter.buyerId",
                self.buyer_id.as_ref(),
                NodeType::Organization,
            )?,
            seller_id: argument_id(
                "filter.sellerId",
                self.seller_id.as_ref(),
                NodeType::Organization,
            )?,
            po_number: self.po_number.map(|p| p.trim().to_owned()),
            number: self.number.map(|n| n.trim().to_uppercase()),
        })
    }
}

/// What an order list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderOrderField {
    /// When it was placed.
    SubmittedAt,
    /// When it last changed.
    UpdatedAt,
    /// Its number.
    Number,
}

/// How an order list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct OrderOrder {
    /// The field to sort by.
    pub field: OrderOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

pub(crate) fn sort_of(order: Option<OrderOrder>) -> Sort {
    let order = order.unwrap_or(OrderOrder {
        field: OrderOrderField::SubmittedAt,
        direction: SortDirection::Desc,
    });
    Sort {
        key: match order.field {
            OrderOrderField::SubmittedAt => SortKey::CreatedAt,
            OrderOrderField::UpdatedAt => SortKey::UpdatedAt,
            OrderOrderField::Number => SortKey::Name,
        },
        descending: order.direction == SortDirection::Desc,
    }
}

struct ListCount(Filter);

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = queries::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct TradeQuery;

#[Object]
impl TradeQuery {
    /// Orders, newest first unless `orderBy` says otherwise. Partners see the orders they
    /// placed and the orders placed with them; staff see all.
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<OrderFilter>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            OrderOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Order>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = sort_of(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = orders_listing(principal, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Order", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = queries::list(db, principal, &filter, &page).await.gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            ListCount(filter),
            Order,
        )))
    }

    /// The order with this number (`SO-…` or `PO-…`), or null.
    async fn order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An order number; case does not matter.")] number: String,
    ) -> async_graphql::Result<Compiled<Option<Order>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = Filter {
            number: Some(number.trim().to_uppercase()),
            ..Filter::default()
        };
        let listing = Listing::rows(queries::listing(principal, &filter).gql()?);
        if let Some(value) = compiled::read(ctx, "Order", Shape::One, listing).await? {
            return Ok(Compiled::read(value));
        }
        let page = PageRequest::parse(sort_of(None), page_args(Some(1), None, None, None)).gql()?;
        let rows = queries::list(db, principal, &filter, &page).await.gql()?;
        Ok(Compiled::Resolve(rows.items.into_iter().next().map(Order)))
    }
}

/// The result of a step on an order.
#[derive(SimpleObject)]
pub struct OrderPayload {
    /// The order as it is now; null when the step was refused.
    pub order: Option<Order>,
    /// Why the step was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a ship notice or goods receipt.
#[derive(SimpleObject)]
pub struct ShipmentPayload {
    /// The shipment as it is now; null when refused.
    pub shipment: Option<Shipment>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of invoicing.
#[derive(SimpleObject)]
pub struct InvoicePayload {
    /// The invoice as it is now; null when refused.
    pub invoice: Option<Invoice>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of setting a credit limit.
#[derive(SimpleObject)]
pub struct CreditLimitPayload {
    /// The organization as it is now; null when refused.
    pub organization: Option<Organization>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn limits<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a TradeSettings> {
    ctx.data::<TradeSettings>()
}

fn order_payload(result: Result<entity::order::Model>) -> async_graphql::Result<OrderPayload> {
    let (order, user_errors) = outcome(result)?;
    Ok(OrderPayload {
        order: order.map(Order),
        user_errors,
    })
}

#[derive(Default)]
pub struct TradeMutation;

#[Object]
impl TradeMutation {
    /// Places a sales order. Prices come from the buyer's price list today; an order that
    /// would take the buyer past its credit limit waits in CREDIT_HOLD. The same PO number
    /// with the same content returns the first order and creates nothing; with other content
    /// it is refused with CONFLICT, also when two submissions race.
    async fn order_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: OrderSubmitInput,
    ) -> async_graphql::Result<OrderPayload> {
        let limits = limits(ctx)?;
        let new = match input.parse(limits) {
            Ok(new) => new,
            Err(e) => return order_payload(Err(e)),
        };
        let attempt = {
            let new = new.clone();
            in_transaction!(ctx, |txn, principal| submit::submit_written(
                &txn, principal, new, limits
            ))
        };
        let result = match attempt {
            // Another submission of this PO committed first: answer as a repeat would be.
            Err(e) if submit::lost_po_race(&e) => {
                tracing::info!("another submission of this PO committed first");
                in_transaction!(ctx, |txn, principal| submit::submit_written(
                    &txn, principal, new, limits
                ))
            }
            other => other,
        };
        // The payload shows the lines as written, without reading them back.
        order_payload(result.map(|submitted| {
            if !submitted.lines.is_empty() {
                crate::graphql::written::keep_order_lines(
                    ctx,
                    submitted.order.id,
                    submitted.lines,
                    submitted.products,
                );
            }
            submitted.order
        }))
    }

    /// Raises a purchase order with a supplier at agreed prices. The brand's staff only; the
    /// supplier acknowledges and ships it with `orderAcknowledge` and `shipmentCreate`.
    async fn purchase_order_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The purchase order.")] input: PurchaseOrderCreateInput,
    ) -> async_graphql::Result<OrderPayload> {
        let limits = limits(ctx)?;
        let result = match input.parse(limits) {
            Ok(new) => in_transaction!(ctx, |txn, principal| submit::purchase(
                &txn, principal, &Reactions, new, limits
            )),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// Releases an order from CREDIT_HOLD to SUBMITTED. Admins and managers only.
    async fn order_credit_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order, the version you read and a note.")]
        input: OrderCreditReleaseInput,
    ) -> async_graphql::Result<OrderPayload> {
        let result = match input.parse() {
            Ok((id, version, note)) => in_transaction!(ctx, |txn, principal| {
                lifecycle::credit_decision(&txn, principal, id, version, true, note)
            }),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// Rejects an order on CREDIT_HOLD: it is cancelled. Admins and managers only.
    async fn order_credit_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order, the version you read and a note.")]
        input: OrderCreditRejectInput,
    ) -> async_graphql::Result<OrderPayload> {
        let result = match input.parse() {
            Ok((id, version, note)) => in_transaction!(ctx, |txn, principal| {
                lifecycle::credit_decision(&txn, principal, id, version, false, note)
            }),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// The seller's answer to a SUBMITTED order, line by line: accepted, changed
    /// (quantity, price or date), back-ordered or rejected. The seller's side only.
    async fn order_acknowledge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The acknowledgement.")] input: OrderAcknowledgeInput,
    ) -> async_graphql::Result<OrderPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((id, version, lines, note)) => in_transaction!(ctx, |txn, principal| {
                lifecycle::acknowledge(&txn, principal, &Reactions, id, version, lines, note)
            }),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// The buyer's change to an order before it ships: lines added, quantities and dates
    /// changed, lines cancelled; on a purchase order, prices too. Prices of a sales order
    /// stay the price list's: a unitPrice given is compared. The new total is checked
    /// against the buyer's credit limit, as a new order's is, and an order it no longer
    /// fits goes on CREDIT_HOLD. The buyer's side only.
    async fn order_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change.")] input: OrderChangeInput,
    ) -> async_graphql::Result<OrderPayload> {
        let limits = limits(ctx)?;
        let result = match input.parse(limits) {
            Ok((id, version, new)) => in_transaction!(ctx, |txn, principal| change::change(
                &txn, principal, &Reactions, id, version, new, limits
            )),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// Cancels an order before its first shipment. The buyer's or the seller's side.
    async fn order_cancel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order, the version you read and the reason.")]
        input: OrderCancelInput,
    ) -> async_graphql::Result<OrderPayload> {
        let result = match input.parse() {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| {
                lifecycle::cancel(&txn, principal, id, version, reason)
            }),
            Err(e) => Err(e),
        };
        order_payload(result)
    }

    /// Records a ship notice for an acknowledged order; partial shipments are allowed, but
    /// never more of a line than was accepted. The seller's side only.
    async fn shipment_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ship notice.")] input: ShipmentCreateInput,
    ) -> async_graphql::Result<ShipmentPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((order, version, new)) => in_transaction!(ctx, |txn, principal| {
                fulfilment::ship(&txn, principal, &Reactions, order, version, new)
            }),
            Err(e) => Err(e),
        };
        let (shipped, user_errors) = outcome(result)?;
        Ok(ShipmentPayload {
            shipment: shipped.map(|(_, s)| Shipment(s)),
            user_errors,
        })
    }

    /// Records the goods receipt of a shipment: what arrived of each line. The buyer's side
    /// only.
    async fn shipment_receive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goods receipt.")] input: ShipmentReceiveInput,
    ) -> async_graphql::Result<ShipmentPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((id, version, lines, note)) => in_transaction!(ctx, |txn, principal| {
                fulfilment::receive(&txn, principal, id, version, lines, note)
            }),
            Err(e) => Err(e),
        };
        let (shipment, user_errors) = outcome(result)?;
        Ok(ShipmentPayload {
            shipment: shipment.map(Shipment),
            user_errors,
        })
    }

    /// Invoices everything shipped and not yet invoiced; it is due after the order's payment
    /// terms (from the buyer's tier). The seller's side only.
    async fn invoice_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order to invoice.")] input: InvoiceCreateInput,
    ) -> async_graphql::Result<InvoicePayload> {
        let result = match input.parse() {
            Ok((order, version, issued_on)) => in_transaction!(ctx, |txn, principal| {
                fulfilment::invoice(&txn, principal, &Reactions, order, version, issued_on)
            }),
            Err(e) => Err(e),
        };
        let (invoiced, user_errors) = outcome(result)?;
        Ok(InvoicePayload {
            invoice: invoiced.map(|(_, i)| Invoice(i)),
            user_errors,
        })
    }

    /// Records a payment against an invoice; partial payments are allowed, more than is owed
    /// is not. The seller's side records what it received.
    async fn payment_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The payment.")] input: PaymentRecordInput,
    ) -> async_graphql::Result<InvoicePayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((invoice, version, new)) => in_transaction!(ctx, |txn, principal| {
                fulfilment::pay(&txn, principal, invoice, version, new)
            }),
            Err(e) => Err(e),
        };
        let (paid, user_errors) = outcome(result)?;
        Ok(InvoicePayload {
            invoice: paid.map(|(i, _)| Invoice(i)),
            user_errors,
        })
    }

    /// Sets or removes an organization's credit limit. Admins and managers only.
    async fn credit_limit_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and its limit.")] input: CreditLimitSetInput,
    ) -> async_graphql::Result<CreditLimitPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((org, version, limit)) => in_transaction!(ctx, |txn, principal| {
                credit::set_limit(&txn, principal, org, version, limit)
            }),
            Err(e) => Err(e),
        };
        let (org, user_errors) = outcome(result)?;
        Ok(CreditLimitPayload {
            organization: org.map(organization),
            user_errors,
        })
    }
}
