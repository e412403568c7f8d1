//! Orders, their lines and history, shipments, invoices and payments as GraphQL types.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{
    enums, invoice, invoice_line, order, order_event, order_line, payment, shipment, shipment_line,
};

use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::catalog::graphql::{PriceSource, Product, UnitOfMeasure};
use crate::catalog::loaders::ProductId;
use crate::edi::graphql::{EdiDocument, documents_for};
use crate::edi::loaders::{EdiDocumentsOfInvoice, EdiDocumentsOfOrder, EdiDocumentsOfShipment};
use crate::error::GqlResult;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::orders::history::changes_of;
use crate::orders::loaders::{
    EventsOf, InvoiceLinesOf, InvoicesOf, LinesOf, OrderId, OrderLineId, PartiesOf, PaymentsOf,
    ShipmentLinesOf, ShipmentsOf,
};
use crate::orders::queries::OrderParties;
use crate::organizations::graphql::{Address, Organization, organization_by_id};
use crate::organizations::loaders::AddressId;

/// Which way an order runs.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OrderKind")]
pub enum OrderKind {
    /// A customer or partner buys from the brand, or a dealer from its distributor.
    Sales,
    /// The brand buys from a supplier.
    Purchase,
}

/// Where an order stands. SUBMITTED or CREDIT_HOLD, then ACKNOWLEDGED, PARTIALLY_SHIPPED,
/// SHIPPED, INVOICED and PAID; CANCELLED before the first shipment.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OrderStatus")]
pub enum OrderStatus {
    /// Placed, waiting for the seller's acknowledgement.
    Submitted,
    /// Placed, but it would take the buyer past its credit limit: waits for a manager.
    CreditHold,
    /// The seller answered every line.
    Acknowledged,
    /// Some of what was accepted has shipped.
    PartiallyShipped,
    /// Everything accepted has shipped.
    Shipped,
    /// Everything shipped is invoiced.
    Invoiced,
    /// Every invoice is paid.
    Paid,
    /// Cancelled by the buyer or seller, rejected on credit, or every line rejected.
    Cancelled,
}

/// The seller's answer for one line.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::LineStatus")]
pub enum LineStatus {
    /// Not yet acknowledged.
    Open,
    /// Accepted as ordered.
    Accepted,
    /// Accepted with changes to more than one of quantity, price and date, or to the date
    /// alone (X12 `IC`).
    Changed,
    /// Accepted with a changed quantity (X12 `IQ`).
    QuantityChanged,
    /// Accepted at a changed price (X12 `IP`).
    PriceChanged,
    /// Accepted, to ship later, on the promised date.
    Backordered,
    /// Not accepted.
    Rejected,
    /// The order was cancelled.
    Cancelled,
}

/// Whether an invoice is paid.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::InvoiceStatus")]
pub enum InvoiceStatus {
    /// Nothing paid yet.
    Open,
    /// Some paid.
    PartiallyPaid,
    /// Paid in full.
    Paid,
}

/// The code and name of a party to an order, shown to everyone who can see the order.
#[derive(SimpleObject, Clone, Debug)]
pub struct TradingParty {
    /// Its partner code, also its trading partner id in EDI.
    pub code: String,
    /// The name it trades under.
    pub name: String,
}

async fn parties(ctx: &Context<'_>, order: uuid::Uuid) -> async_graphql::Result<OrderParties> {
    Ok(load_one(ctx, PartiesOf(order)).await?.unwrap_or_default())
}

fn trading_party((code, name): (String, String)) -> TradingParty {
    TradingParty { code, name }
}

async fn product(ctx: &Context<'_>, id: uuid::Uuid) -> async_graphql::Result<Option<Product>> {
    if let Some(written) = crate::graphql::written::product(ctx, id) {
        // As the loader would: only for a principal that may read the catalog.
        crate::access::Principal::of(ctx)?
            .ensure_can_read_catalog()
            .gql()?;
        return Ok(Some(Product(written)));
    }
    Ok(load_one(ctx, ProductId(id)).await?.map(Product))
}

/// A sales order to the brand (or a dealer's order to its distributor), or a purchase order
/// from the brand to a supplier.
#[derive(Clone, Debug)]
pub struct Order(pub order::Model);

/// A sales order to the brand (or a dealer's order to its distributor), or a purchase order
/// from the brand to a supplier.
#[Object]
impl Order {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Order, self.0.id))
    }
    /// The seller's order number: `SO-…` for sales orders, `PO-…` for purchase orders.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Sales or purchase.
    async fn kind(&self) -> OrderKind {
        self.0.kind.into()
    }
    /// The buyer's own PO number, unique per buyer (X12 BEG03).
    async fn po_number(&self) -> &str {
        &self.0.buyer_po_number
    }
    /// Who buys: code and name.
    async fn buyer_party(&self, ctx: &Context<'_>) -> async_graphql::Result<TradingParty> {
        Ok(trading_party(parties(ctx, self.0.id).await?.buyer))
    }
    /// Who sells: code and name.
    async fn seller_party(&self, ctx: &Context<'_>) -> async_graphql::Result<TradingParty> {
        Ok(trading_party(parties(ctx, self.0.id).await?.seller))
    }
    /// The buying organization, if you may see it in the directory.
    async fn buyer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.buyer_id).await
    }
    /// The selling organization, if you may see it in the directory. A dealer sees its
    /// distributor only in part: in `sellerParty`, and in `tradingPartners`.
    async fn seller(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.seller_id).await
    }
    /// The special pricing agreement it was bought under, where it named one and you see
    /// it (it needs crm:read).
    async fn special_price(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::graphql::SpecialPrice>> {
        let Some(id) = self.0.special_price_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::catalog::loaders::SpecialPriceId(id))
            .await?
            .map(crate::channel_money::graphql::SpecialPrice))
    }
    /// The end customer it is for, named with its special price, if you may see it in the
    /// directory.
    async fn end_customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.end_customer_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Placed by the brand for the buyer: a brand-managed replenishment proposal whose
    /// window passed.
    async fn brand_initiated(&self) -> bool {
        self.0.brand_initiated
    }
    /// Where it stands.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }
    /// What the buyer owes for it: the net line totals plus their tax. Each line's net and
    /// tax are rounded half-even to the currency's minor unit, and the totals are exact sums
    /// of the rounded lines; after acknowledgement, of the accepted lines.
    async fn total(&self) -> Money {
        Money::of(*self.0.total, &self.0.currency)
    }
    /// The net line totals, before tax.
    async fn subtotal(&self) -> Money {
        Money::of(
            stored(self.0.total) - stored(self.0.tax_total),
            &self.0.currency,
        )
    }
    /// The tax of its lines, each rounded on its own.
    async fn tax(&self) -> Money {
        Money::of(*self.0.tax_total, &self.0.currency)
    }
    /// How much of it has been invoiced; null for a partner user whose roles do not see the
    /// company's invoices.
    async fn invoiced(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        let principal = crate::access::Principal::of(ctx)?;
        Ok(crate::orders::queries::sees_invoices(principal)
            .then(|| Money::of(*self.0.invoiced_amount, &self.0.currency)))
    }
    /// The ISO 4217 currency of every amount on it.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// When the buyer wants it delivered.
    async fn requested_date(&self) -> Option<Date> {
        self.0.requested_date.map(Date)
    }
    /// Where it ships to; null when not named or not visible to you.
    async fn ship_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Address>> {
        let Some(id) = self.0.ship_to_address_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, AddressId(id)).await?.map(Address))
    }
    /// A ship-to given by name and address only (an 850's N1/N3/N4 with no id that resolves
    /// to an address of the buyer), kept with the order; null when it ships to an address of
    /// the directory or none was named.
    async fn one_time_ship_to(&self) -> Option<OneTimeAddress> {
        let o = &self.0;
        let any = [
            &o.ship_to_name,
            &o.ship_to_street,
            &o.ship_to_city,
            &o.ship_to_region,
            &o.ship_to_postal_code,
            &o.ship_to_country,
        ]
        .iter()
        .any(|v| v.is_some());
        any.then(|| OneTimeAddress {
            name: o.ship_to_name.clone(),
            street: o.ship_to_street.clone(),
            city: o.ship_to_city.clone(),
            region: o.ship_to_region.clone(),
            postal_code: o.ship_to_postal_code.clone(),
            country: o.ship_to_country.clone(),
        })
    }
    /// The ship-to as the buyer's system named it (N103 and N104: `UL` GLN, `1`/`9` DUNS,
    /// `92` its own location code, …), to which EDI answers refer.
    async fn ship_to_code(&self) -> Option<PartnerCodeObject> {
        Some(PartnerCodeObject {
            qualifier: self.0.ship_to_qualifier.clone()?,
            code: self.0.ship_to_code.clone()?,
        })
    }
    /// Days from invoice to due date, from the buyer's tier when the order was placed.
    async fn payment_terms_days(&self) -> i32 {
        self.0.payment_terms_days
    }
    /// The buyer's notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Its lines, by line number.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderLine>> {
        let rows = match crate::graphql::written::order_lines(ctx, self.0.id) {
            // As the loader would: only for a principal that may read orders.
            Some(written) => {
                crate::access::Principal::of(ctx)?
                    .ensure_can_read_orders()
                    .gql()?;
                written.as_ref().clone()
            }
            None => load_one(ctx, LinesOf(self.0.id)).await?.unwrap_or_default(),
        };
        let currency = self.0.currency.clone();
        Ok(rows
            .into_iter()
            .map(|l| OrderLine(l, currency.clone()))
            .collect())
    }
    /// Every step it took, oldest first: who, when, what changed. Invoicing and payments
    /// are steps only for those who see the company's invoices.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderEvent>> {
        let rows = load_one(ctx, EventsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(OrderEvent).collect())
    }
    /// Its ship notices, oldest first.
    async fn shipments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Shipment>> {
        let rows = load_one(ctx, ShipmentsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Shipment).collect())
    }
    /// The X12 documents it came with or went out as, oldest first.
    async fn edi_documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EdiDocument>> {
        documents_for(ctx, EdiDocumentsOfOrder(self.0.id)).await
    }
    /// Its invoices, oldest first.
    async fn invoices(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invoice>> {
        let rows = load_one(ctx, InvoicesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Invoice).collect())
    }
    /// When it was placed.
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.0.submitted_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with every step you take.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One line of an order.
#[derive(Clone, Debug)]
pub struct OrderLine(pub order_line::Model, pub String);

/// One line of an order.
#[Object]
impl OrderLine {
    /// The line number, as the buyer numbered it (X12 PO101).
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// The product ordered.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        product(ctx, self.0.product_id).await
    }
    /// The buyer's own part number for the product.
    async fn buyer_part_number(&self) -> Option<&str> {
        self.0.buyer_part_number.as_deref()
    }
    /// The item as the buyer's system named it (a PO1 qualifier and id: `UP`, `EN`, `BP`,
    /// `VP`, …), to which EDI answers refer.
    async fn item_code(&self) -> Option<PartnerCodeObject> {
        Some(PartnerCodeObject {
            qualifier: self.0.item_qualifier.clone()?,
            code: self.0.item_code.clone()?,
        })
    }
    /// The pack the buyer ordered in (`CA`, …), when not the product's own unit; quantity
    /// and price are in the product's unit.
    async fn ordered_unit(&self) -> Option<&str> {
        self.0.ordered_unit.as_deref()
    }
    /// How many of the product's unit one ordered pack holds.
    async fn pack_size(&self) -> Option<i32> {
        self.0.pack_size
    }
    /// How many were ordered.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// The unit of the quantities.
    async fn unit(&self) -> UnitOfMeasure {
        self.0.unit.into()
    }
    /// The price per unit: from the buyer's price list at submission, or as the seller
    /// changed it in the acknowledgement.
    async fn unit_price(&self) -> Money {
        Money::of(*self.0.unit_price, &self.1)
    }
    /// The price per unit the line was ordered at, when the seller's acknowledgement
    /// changed it; null otherwise.
    async fn ordered_unit_price(&self) -> Option<Money> {
        self.0.ordered_unit_price.map(|p| Money::of(*p, &self.1))
    }
    /// Where the price came from at submission.
    async fn price_source(&self) -> PriceSource {
        self.0.price_source.into()
    }
    /// Net: quantity (accepted, once acknowledged) times unit price, rounded half-even to the
    /// currency's minor unit.
    async fn line_total(&self) -> Money {
        Money::of(*self.0.line_total, &self.1)
    }
    /// The product's tax rate in percent when the order was placed.
    async fn tax_rate_percent(&self) -> Decimal {
        Decimal(stored(self.0.tax_rate))
    }
    /// The line's tax: its net total times the rate, rounded half-even to the currency's
    /// minor unit.
    async fn tax_amount(&self) -> Money {
        Money::of(*self.0.tax_amount, &self.1)
    }
    /// When the buyer wants this line.
    async fn requested_date(&self) -> Option<Date> {
        self.0.requested_date.map(Date)
    }
    /// The seller's answer.
    async fn status(&self) -> LineStatus {
        self.0.status.into()
    }
    /// How many the seller accepted; null until acknowledged.
    async fn accepted_quantity(&self) -> Option<Decimal> {
        self.0.accepted_quantity.map(|q| Decimal(stored(q)))
    }
    /// When the seller promises to ship it.
    async fn promised_date(&self) -> Option<Date> {
        self.0.promised_date.map(Date)
    }
    /// How many have shipped.
    async fn shipped_quantity(&self) -> Decimal {
        Decimal(stored(self.0.shipped_quantity))
    }
    /// How many have been invoiced; null for a partner user whose roles do not see the
    /// company's invoices.
    async fn invoiced_quantity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Decimal>> {
        let principal = crate::access::Principal::of(ctx)?;
        Ok(crate::orders::queries::sees_invoices(principal)
            .then(|| Decimal(stored(self.0.invoiced_quantity))))
    }
}

/// Who took a step in an order's history.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// A staff member of the brand.
    Staff,
    /// A person in a partner's portal.
    PartnerUser,
    /// A partner's system, with an API token.
    PartnerSystem,
    /// The operator at the command line, or the server itself.
    System,
}

/// One field a step changed.
#[derive(SimpleObject, Clone, Debug)]
pub struct OrderChange {
    /// What changed, for example `status`, `total` or `lines.2.quantity`.
    pub field: String,
    /// The value before; null when it had none.
    pub before: Option<String>,
    /// The value after.
    pub after: Option<String>,
}

/// One step in an order's history.
#[derive(Clone, Debug)]
pub struct OrderEvent(pub order_event::Model);

/// One step in an order's history.
#[Object]
impl OrderEvent {
    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// What happened: SUBMITTED, CREDIT_HOLD, CREDIT_RELEASED, CREDIT_REJECTED,
    /// ACKNOWLEDGED, CHANGED, SHIPPED, GOODS_RECEIVED, INVOICED, PAYMENT_RECORDED or CANCELLED.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The status before; null for the first step.
    async fn from_status(&self) -> Option<OrderStatus> {
        self.0.from_status.map(Into::into)
    }
    /// The status after.
    async fn to_status(&self) -> OrderStatus {
        self.0.to_status.into()
    }
    /// Who took the step.
    async fn actor_kind(&self) -> ActorKind {
        match self.0.principal_kind.as_str() {
            "STAFF" => ActorKind::Staff,
            "PARTNER_USER" => ActorKind::PartnerUser,
            "PARTNER_SYSTEM" => ActorKind::PartnerSystem,
            _ => ActorKind::System,
        }
    }
    /// The person who took it, if a person did and you may see them.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let person = matches!(self.0.principal_kind.as_str(), "STAFF" | "PARTNER_USER");
        let Some(id) = self.0.principal_id.filter(|_| person) else {
            return Ok(None);
        };
        Ok(load_one(ctx, UserId(id)).await?.map(User::new))
    }
    /// What it changed.
    async fn changes(&self) -> Vec<OrderChange> {
        changes_of(&self.0)
            .into_iter()
            .map(|c| OrderChange {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect()
    }
    /// A note: the credit reason, the ship notice, the payment reference.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// An advance ship notice: what left for an order, with which carrier, and what arrived.
#[derive(Clone, Debug)]
pub struct Shipment(pub shipment::Model);

/// An advance ship notice: what left for an order, with which carrier, and what arrived.
#[Object]
impl Shipment {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Shipment, self.0.id))
    }
    /// The X12 856 it went out as, when the buyer trades by X12.
    async fn edi_documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EdiDocument>> {
        documents_for(ctx, EdiDocumentsOfShipment(self.0.id)).await
    }
    /// The ship notice number, `ASN-…`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The order it ships.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        Ok(load_one(ctx, OrderId(self.0.order_id)).await?.map(Order))
    }
    /// The carrier.
    async fn carrier(&self) -> &str {
        &self.0.carrier
    }
    /// The carrier's tracking number.
    async fn tracking_number(&self) -> Option<&str> {
        self.0.tracking_number.as_deref()
    }
    /// When it left.
    async fn shipped_at(&self) -> DateTime {
        DateTime(self.0.shipped_at)
    }
    /// When it is expected to arrive.
    async fn expected_at(&self) -> Option<Date> {
        self.0.expected_at.map(Date)
    }
    /// When the buyer recorded its arrival; null until then.
    async fn received_at(&self) -> Option<DateTime> {
        self.0.received_at.map(DateTime)
    }
    /// What it carries.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ShipmentLine>> {
        let rows = load_one(ctx, ShipmentLinesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(ShipmentLine).collect())
    }
    /// Increases with every change; send it back with the goods receipt.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

async fn order_line(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> async_graphql::Result<Option<order_line::Model>> {
    load_one(ctx, OrderLineId(id)).await
}

/// One line of a ship notice.
#[derive(Clone, Debug)]
pub struct ShipmentLine(pub shipment_line::Model);

/// One line of a ship notice.
#[Object]
impl ShipmentLine {
    /// The order line it ships.
    async fn line_number(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        Ok(order_line(ctx, self.0.order_line_id)
            .await?
            .map(|l| l.line_number))
    }
    /// The product shipped.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        match order_line(ctx, self.0.order_line_id).await? {
            Some(line) => product(ctx, line.product_id).await,
            None => Ok(None),
        }
    }
    /// How many shipped.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// How many arrived; null until the goods receipt.
    async fn received_quantity(&self) -> Option<Decimal> {
        self.0.received_quantity.map(|q| Decimal(stored(q)))
    }
}

/// An invoice for what shipped, with its payments.
#[derive(Clone, Debug)]
pub struct Invoice(pub invoice::Model);

/// An invoice for what shipped, with its payments.
#[Object]
impl Invoice {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Invoice, self.0.id))
    }
    /// The X12 810 it went out as, when the buyer trades by X12.
    async fn edi_documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EdiDocument>> {
        documents_for(ctx, EdiDocumentsOfInvoice(self.0.id)).await
    }
    /// The invoice number, `INV-…`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The order it invoices.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        Ok(load_one(ctx, OrderId(self.0.order_id)).await?.map(Order))
    }
    /// The day it was issued.
    async fn issued_on(&self) -> Date {
        Date(self.0.issued_on)
    }
    /// The day it is due: issued plus the order's payment terms.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// The amount invoiced: its net lines plus their tax, each rounded per line.
    async fn total(&self) -> Money {
        Money::of(*self.0.total, &self.0.currency)
    }
    /// Its net lines, before tax.
    async fn subtotal(&self) -> Money {
        Money::of(
            stored(self.0.total) - stored(self.0.tax_total),
            &self.0.currency,
        )
    }
    /// The tax of its lines.
    async fn tax(&self) -> Money {
        Money::of(*self.0.tax_total, &self.0.currency)
    }
    /// The amount paid so far.
    async fn paid(&self) -> Money {
        Money::of(*self.0.paid, &self.0.currency)
    }
    /// What is still owed.
    async fn balance(&self) -> Money {
        Money::of(stored(self.0.total) - stored(self.0.paid), &self.0.currency)
    }
    /// Whether it is paid.
    async fn status(&self) -> InvoiceStatus {
        self.0.status.into()
    }
    /// What it invoices.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InvoiceLine>> {
        let rows = load_one(ctx, InvoiceLinesOf(self.0.id))
            .await?
            .unwrap_or_default();
        let currency = self.0.currency.clone();
        Ok(rows
            .into_iter()
            .map(|l| InvoiceLine(l, currency.clone()))
            .collect())
    }
    /// Payments against it, oldest first.
    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payment>> {
        let rows = load_one(ctx, PaymentsOf(self.0.id))
            .await?
            .unwrap_or_default();
        let currency = self.0.currency.clone();
        Ok(rows
            .into_iter()
            .map(|p| Payment(p, currency.clone()))
            .collect())
    }
    /// Increases with every change; send it back with payments.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One line of an invoice.
#[derive(Clone, Debug)]
pub struct InvoiceLine(pub invoice_line::Model, pub String);

/// One line of an invoice.
#[Object]
impl InvoiceLine {
    /// The order line it invoices.
    async fn line_number(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        Ok(order_line(ctx, self.0.order_line_id)
            .await?
            .map(|l| l.line_number))
    }
    /// How many are invoiced.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// The price per unit.
    async fn unit_price(&self) -> Money {
        Money::of(*self.0.unit_price, &self.1)
    }
    /// Net: quantity times unit price, rounded half-even to the currency's minor unit.
    async fn line_total(&self) -> Money {
        Money::of(*self.0.line_total, &self.1)
    }
    /// The line's tax, rounded half-even to the currency's minor unit.
    async fn tax_amount(&self) -> Money {
        Money::of(*self.0.tax_amount, &self.1)
    }
}

/// A payment against an invoice.
#[derive(Clone, Debug)]
pub struct Payment(pub payment::Model, pub String);

/// A payment against an invoice.
#[Object]
impl Payment {
    /// The amount paid.
    async fn amount(&self) -> Money {
        Money::of(*self.0.amount, &self.1)
    }
    /// The day the money arrived.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }
    /// The payer's reference.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// An address kept with an order rather than in the directory.
#[derive(SimpleObject)]
pub struct OneTimeAddress {
    /// The name to ship to.
    pub name: Option<String>,
    /// Street lines, joined.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country code, as given.
    pub country: Option<String>,
}

/// A code in a trading partner's own words, with the qualifier that says what kind it is.
#[derive(SimpleObject)]
#[graphql(name = "PartnerCode")]
pub struct PartnerCodeObject {
    /// The X12 qualifier: `UP`, `EN`, `BP`, `IN`, `VP`, `UL`, `92`, …
    pub qualifier: String,
    /// The code.
    pub code: String,
}
