//! Trade inputs, parsed into domain values at the edge.

use crate::catalog::graphql::UnitOfMeasure;
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::money::MoneyInput;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::ids::NodeType;
use crate::money::{self, Currency};
use crate::orders::model::{
    self, LineAck, LineChange, LineDecision as Decision, LineQuantity, NewLine, NewOrder,
    NewPayment, NewPurchaseLine, NewPurchaseOrder, NewShipment, OrderChange,
};
use crate::organizations::graphql::input_id;
use crate::settings::TradeSettings;
use async_graphql::{Enum, ID, InputObject};

pub use crate::orders::model::MAX_LINES;
const NOTE_MAX: usize = 2000;

fn line_field(i: usize, name: &str) -> [String; 4] {
    ["input".into(), "lines".into(), i.to_string(), name.into()]
}

fn at(field: &[String; 4]) -> [&str; 4] {
    [
        field[0].as_str(),
        field[1].as_str(),
        field[2].as_str(),
        field[3].as_str(),
    ]
}

use model::check_line_count;

fn line_number(i: usize, given: Option<i32>) -> Result<i32> {
    model::line_number(&at(&line_field(i, "lineNumber")), i, given)
}

/// Refuses a line number used twice, naming a line whose number the client gave: a number
/// made from a line's position collides only with one given to another line.
fn ensure_unique_line_numbers(given: &[Option<i32>]) -> Result<()> {
    let numbers: Vec<i32> = given
        .iter()
        .enumerate()
        .map(|(i, n)| n.unwrap_or(i as i32 + 1))
        .collect();
    for (i, n) in numbers.iter().enumerate() {
        if let Some(j) = numbers[..i].iter().position(|m| m == n) {
            let named = if given[i].is_some() { i } else { j };
            return Err(Error::user(
                &at(&line_field(named, "lineNumber")),
                ErrorCode::Taken,
                format!("line number {n} is used twice"),
            ));
        }
    }
    Ok(())
}

fn po_number(value: &str) -> Result<String> {
    model::po_number(&["input", "poNumber"], value)
}

fn note(field: &str, value: Option<String>) -> Result<Option<String>> {
    domain::optional_note(&["input", field], value.as_deref(), NOTE_MAX)
}

fn special_price_number(field: &[&str], value: Option<String>) -> Result<Option<String>> {
    crate::channel_money::buying::number(field, value.as_deref())
}

fn id_of(field: &str, raw: &ID, expected: NodeType) -> Result<uuid::Uuid> {
    input_id(field, raw, expected)
}

fn optional_id(field: &str, raw: Option<&ID>, expected: NodeType) -> Result<Option<uuid::Uuid>> {
    raw.map(|r| input_id(field, r, expected)).transpose()
}

/// One line of a sales order.
#[derive(InputObject, Clone)]
pub struct OrderLineInput {
    /// The line number (X12 PO101): 1 to 999999, unique in the order. Default: the line's
    /// position, from 1.
    pub line_number: Option<i32>,
    /// The product's SKU; case does not matter.
    pub sku: String,
    /// How many, in the product's unit: more than 0, up to four decimals.
    pub quantity: Decimal,
    /// The unit you count in; it must be the product's unit.
    pub unit: Option<UnitOfMeasure>,
    /// Your own part number for the product.
    pub buyer_part_number: Option<String>,
    /// When you want this line, if not on the order's date.
    pub requested_date: Option<Date>,
    /// The unit price you expect. It is compared with the price that applies and never
    /// used: a difference is refused with PRICE_MISMATCH.
    pub expected_unit_price: Option<Decimal>,
}

/// A sales order.
#[derive(InputObject)]
pub struct OrderSubmitInput {
    /// The buyer. Partners leave it out: they buy for themselves.
    pub buyer_id: Option<ID>,
    /// The seller: the brand when left out, or a distributor that sells to the buyer.
    pub seller_id: Option<ID>,
    /// Your own PO number, 1 to 22 characters, unique per buyer. Sending it again with the
    /// same content returns the first order; with other content is refused (CONFLICT).
    pub po_number: String,
    /// The ISO 4217 currency you expect; refused with CURRENCY_MISMATCH if your prices are in
    /// another.
    pub currency: Option<String>,
    /// When you want it delivered.
    pub requested_date: Option<Date>,
    /// One of the buyer's addresses to ship to.
    pub ship_to_address_id: Option<ID>,
    /// Notes for the seller.
    pub notes: Option<String>,
    /// The authorisation number of a special price the brand approved for you
    /// (`SPA-000001`): the products it covers are priced at its authorised prices, and
    /// what the order buys at them counts against its caps. Orders to the brand only.
    pub special_price: Option<String>,
    /// The end customer the order is for: with `specialPrice`, required, and it must be the
    /// one the special price was authorised for.
    pub end_customer_id: Option<ID>,
    /// The lines: at least 1, at most 1000.
    pub lines: Vec<OrderLineInput>,
}

impl OrderSubmitInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<NewOrder> {
        check_line_count(self.lines.len())?;
        let given: Vec<Option<i32>> = self.lines.iter().map(|l| l.line_number).collect();
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(NewLine {
                    line_number: line_number(i, l.line_number)?,
                    sku: domain::sku(&at(&line_field(i, "sku")), &l.sku)?,
                    quantity: money::quantity(
                        &at(&line_field(i, "quantity")),
                        l.quantity.0,
                        limits.max_quantity,
                    )?,
                    unit: l.unit.map(Into::into),
                    buyer_part_number: domain::optional_text(
                        &at(&line_field(i, "buyerPartNumber")),
                        l.buyer_part_number.as_deref(),
                        48,
                    )?,
                    requested_date: l.requested_date.map(|d| d.0),
                    expected_unit_price: l
                        .expected_unit_price
                        .map(|p| {
                            money::unit_price(
                                &at(&line_field(i, "expectedUnitPrice")),
                                p.0,
                                limits.max_amount,
                            )
                        })
                        .transpose()?,
                    item: None,
                    pack: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        ensure_unique_line_numbers(&given)?;
        Ok(NewOrder {
            buyer_id: optional_id("buyerId", self.buyer_id.as_ref(), NodeType::Organization)?,
            seller_id: optional_id("sellerId", self.seller_id.as_ref(), NodeType::Organization)?,
            po_number: po_number(&self.po_number)?,
            currency: self
                .currency
                .map(|c| Currency::parse(&["input", "currency"], &c))
                .transpose()?,
            requested_date: self.requested_date.map(|d| d.0),
            ship_to_address_id: optional_id(
                "shipToAddressId",
                self.ship_to_address_id.as_ref(),
                NodeType::Address,
            )?,
            one_time_ship_to: None,
            ship_to_reference: None,
            notes: note("notes", self.notes)?,
            special_price: special_price_number(&["input", "specialPrice"], self.special_price)?,
            end_customer_id: optional_id(
                "endCustomerId",
                self.end_customer_id.as_ref(),
                NodeType::Organization,
            )?,
            brand_initiated: false,
            lines,
        })
    }
}

/// One line of a purchase order.
#[derive(InputObject, Clone)]
pub struct PurchaseOrderLineInput {
    /// The line number: 1 to 999999, unique in the order. Default: the line's position.
    pub line_number: Option<i32>,
    /// The product's SKU; the supplier must make it.
    pub sku: String,
    /// How many, in the product's unit.
    pub quantity: Decimal,
    /// The unit price agreed with the supplier, up to four decimals.
    pub unit_price: Decimal,
    /// When this line is wanted, if not on the order's date.
    pub requested_date: Option<Date>,
}

/// A purchase order to a supplier.
#[derive(InputObject)]
pub struct PurchaseOrderCreateInput {
    /// The supplier.
    pub supplier_id: ID,
    /// The ISO 4217 currency of the agreed prices.
    pub currency: String,
    /// When the goods are wanted.
    pub requested_date: Option<Date>,
    /// One of the brand's addresses to deliver to.
    pub ship_to_address_id: Option<ID>,
    /// Notes for the supplier.
    pub notes: Option<String>,
    /// The lines: at least 1, at most 1000.
    pub lines: Vec<PurchaseOrderLineInput>,
}

impl PurchaseOrderCreateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<NewPurchaseOrder> {
        check_line_count(self.lines.len())?;
        let given: Vec<Option<i32>> = self.lines.iter().map(|l| l.line_number).collect();
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(NewPurchaseLine {
                    line_number: line_number(i, l.line_number)?,
                    sku: domain::sku(&at(&line_field(i, "sku")), &l.sku)?,
                    quantity: money::quantity(
                        &at(&line_field(i, "quantity")),
                        l.quantity.0,
                        limits.max_quantity,
                    )?,
                    unit_price: money::unit_price(
                        &at(&line_field(i, "unitPrice")),
                        l.unit_price.0,
                        limits.max_amount,
                    )?,
                    requested_date: l.requested_date.map(|d| d.0),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        ensure_unique_line_numbers(&given)?;
        Ok(NewPurchaseOrder {
            supplier_id: id_of("supplierId", &self.supplier_id, NodeType::Organization)?,
            currency: Currency::parse(&["input", "currency"], &self.currency)?,
            requested_date: self.requested_date.map(|d| d.0),
            ship_to_address_id: optional_id(
                "shipToAddressId",
                self.ship_to_address_id.as_ref(),
                NodeType::Address,
            )?,
            notes: note("notes", self.notes)?,
            lines,
        })
    }
}

/// Inputs that name an order, the version read, and a note for its history.
macro_rules! order_step_input {
    ($( $(#[$doc:meta])* $name:ident; )*) => {
        $(
            $(#[$doc])*
            #[derive(InputObject)]
            pub struct $name {
                /// The order.
                pub id: ID,
                /// The version you read; a stale version is refused with CONFLICT.
                pub version: i32,
                /// Why, for the order's history.
                pub note: Option<String>,
            }

            impl $name {
                pub fn parse(self) -> Result<(uuid::Uuid, i32, Option<String>)> {
                    Ok((
                        id_of("id", &self.id, NodeType::Order)?,
                        self.version,
                        note("note", self.note)?,
                    ))
                }
            }
        )*
    };
}

order_step_input! {
    /// Releases an order from credit hold.
    OrderCreditReleaseInput;
    /// Rejects an order on credit hold.
    OrderCreditRejectInput;
    /// Cancels an order before its first shipment.
    OrderCancelInput;
}

/// What a change does to one line.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineChangeAction {
    /// Add a line: `sku` and `quantity` are required.
    Add,
    /// Change a line's `quantity`, `requestedDate` or, on a purchase order, `unitPrice`.
    Change,
    /// Cancel a line.
    Cancel,
}

/// One line of an order change.
#[derive(InputObject, Clone)]
pub struct OrderLineChangeInput {
    /// What to do with the line.
    pub action: LineChangeAction,
    /// The line: an existing one to change or cancel, a new number (1 to 999999) to add.
    pub line_number: i32,
    /// ADD: the product's SKU.
    pub sku: Option<String>,
    /// ADD and CHANGE: how many, in the product's unit.
    pub quantity: Option<Decimal>,
    /// ADD and CHANGE. On a sales order, the unit price you expect: compared with the price
    /// that applies (the price list's for an added line, the line's own for a changed one)
    /// and never used; a difference is refused with PRICE_MISMATCH. On a purchase order,
    /// the price agreed with the supplier.
    pub unit_price: Option<Decimal>,
    /// ADD and CHANGE: when you want the line.
    pub requested_date: Option<Date>,
    /// ADD: your own part number for the product.
    pub buyer_part_number: Option<String>,
}

/// The buyer's change to an order that has not shipped.
#[derive(InputObject)]
pub struct OrderChangeInput {
    /// The order.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The lines the change adds, changes or cancels: at least 1, at most 1000.
    pub lines: Vec<OrderLineChangeInput>,
    /// A note for the seller and the history.
    pub note: Option<String>,
}

impl OrderChangeInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<(uuid::Uuid, i32, OrderChange)> {
        check_line_count(self.lines.len())?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let line_number = line_number(i, Some(l.line_number))?;
                let quantity = l
                    .quantity
                    .map(|q| {
                        money::quantity(&at(&line_field(i, "quantity")), q.0, limits.max_quantity)
                    })
                    .transpose()?;
                let unit_price = l
                    .unit_price
                    .map(|p| {
                        money::unit_price(&at(&line_field(i, "unitPrice")), p.0, limits.max_amount)
                    })
                    .transpose()?;
                let requested_date = l.requested_date.map(|d| d.0);
                let only = |allowed: bool, name: &str, given: bool| {
                    if given && !allowed {
                        return Err(Error::user(
                            &at(&line_field(i, name)),
                            ErrorCode::Invalid,
                            format!("{name} is not taken by this action"),
                        ));
                    }
                    Ok(())
                };
                match l.action {
                    LineChangeAction::Add => {
                        let sku = l.sku.as_deref().ok_or_else(|| {
                            Error::user(
                                &at(&line_field(i, "sku")),
                                ErrorCode::Required,
                                "a line to add needs its sku",
                            )
                        })?;
                        let quantity = quantity.ok_or_else(|| {
                            Error::user(
                                &at(&line_field(i, "quantity")),
                                ErrorCode::Required,
                                "a line to add needs its quantity",
                            )
                        })?;
                        Ok(LineChange::Add(NewLine {
                            line_number,
                            sku: domain::sku(&at(&line_field(i, "sku")), sku)?,
                            quantity,
                            unit: None,
                            buyer_part_number: domain::optional_text(
                                &at(&line_field(i, "buyerPartNumber")),
                                l.buyer_part_number.as_deref(),
                                48,
                            )?,
                            requested_date,
                            expected_unit_price: unit_price,
                            item: None,
                            pack: None,
                        }))
                    }
                    LineChangeAction::Change => {
                        only(false, "sku", l.sku.is_some())?;
                        only(false, "buyerPartNumber", l.buyer_part_number.is_some())?;
                        if quantity.is_none() && unit_price.is_none() && requested_date.is_none() {
                            return Err(Error::user(
                                &at(&line_field(i, "action")),
                                ErrorCode::Required,
                                "CHANGE needs a quantity, a unitPrice or a requestedDate",
                            ));
                        }
                        Ok(LineChange::Change {
                            line_number,
                            quantity,
                            unit_price,
                            requested_date,
                        })
                    }
                    LineChangeAction::Cancel => {
                        only(false, "sku", l.sku.is_some())?;
                        only(false, "quantity", quantity.is_some())?;
                        only(false, "unitPrice", unit_price.is_some())?;
                        only(false, "requestedDate", requested_date.is_some())?;
                        only(false, "buyerPartNumber", l.buyer_part_number.is_some())?;
                        Ok(LineChange::Cancel { line_number })
                    }
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((
            id_of("id", &self.id, NodeType::Order)?,
            self.version,
            OrderChange {
                lines,
                reference: None,
                note: note("note", self.note)?,
            },
        ))
    }
}

/// The seller's answer for one line.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineDecision {
    /// Accept the line as ordered.
    Accept,
    /// Accept with a changed quantity, unit price or date.
    Change,
    /// Accept, to ship later on `promisedDate`.
    Backorder,
    /// Do not accept the line.
    Reject,
}

/// The answer for one line of an acknowledgement.
#[derive(InputObject, Clone)]
pub struct LineAckInput {
    /// The line answered.
    pub line_number: i32,
    /// The answer.
    pub decision: LineDecision,
    /// The accepted quantity, for CHANGE or BACKORDER.
    pub quantity: Option<Decimal>,
    /// The unit price, for CHANGE.
    pub unit_price: Option<Decimal>,
    /// When it will ship; required for BACKORDER.
    pub promised_date: Option<Date>,
}

/// The seller's acknowledgement of an order: one answer for every line.
#[derive(InputObject)]
pub struct OrderAcknowledgeInput {
    /// The order.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// One answer per line of the order.
    pub lines: Vec<LineAckInput>,
    /// A note for the buyer and the history.
    pub note: Option<String>,
}

impl OrderAcknowledgeInput {
    pub fn parse(
        self,
        limits: &TradeSettings,
    ) -> Result<(uuid::Uuid, i32, Vec<LineAck>, Option<String>)> {
        check_line_count(self.lines.len())?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                LineAck::checked(
                    i,
                    l.line_number,
                    match l.decision {
                        LineDecision::Accept => Decision::Accept,
                        LineDecision::Change => Decision::Change,
                        LineDecision::Backorder => Decision::Backorder,
                        LineDecision::Reject => Decision::Reject,
                    },
                    l.quantity.map(|q| q.0),
                    l.unit_price.map(|p| p.0),
                    l.promised_date.map(|d| d.0),
                    limits,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((
            id_of("id", &self.id, NodeType::Order)?,
            self.version,
            lines,
            note("note", self.note)?,
        ))
    }
}

/// A quantity of one order line.
#[derive(InputObject, Clone)]
pub struct LineQuantityInput {
    /// The order line.
    pub line_number: i32,
    /// How many, in the line's unit.
    pub quantity: Decimal,
}

fn quantities(list: Vec<LineQuantityInput>, limits: &TradeSettings) -> Result<Vec<LineQuantity>> {
    check_line_count(list.len())?;
    list.into_iter()
        .enumerate()
        .map(|(i, l)| LineQuantity::checked(i, l.line_number, l.quantity.0, limits))
        .collect()
}

/// A ship notice for an acknowledged order.
#[derive(InputObject)]
pub struct ShipmentCreateInput {
    /// The order shipped.
    pub order_id: ID,
    /// The order's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The carrier: 1 to 80 characters.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: Option<String>,
    /// When it left; default now.
    pub shipped_at: Option<DateTime>,
    /// When it should arrive.
    pub expected_at: Option<Date>,
    /// What it carries: never more of a line than was accepted and not yet shipped.
    pub lines: Vec<LineQuantityInput>,
}

impl ShipmentCreateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<(uuid::Uuid, i32, NewShipment)> {
        Ok((
            id_of("orderId", &self.order_id, NodeType::Order)?,
            self.version,
            NewShipment::checked(
                &self.carrier,
                self.tracking_number.as_deref(),
                self.shipped_at.map(|t| t.0),
                self.expected_at.map(|d| d.0),
                quantities(self.lines, limits)?,
            )?,
        ))
    }
}

/// The goods receipt of a shipment.
#[derive(InputObject)]
pub struct ShipmentReceiveInput {
    /// The shipment.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// What arrived of each line, when less than shipped; lines left out arrived in full.
    pub lines: Option<Vec<LineQuantityInput>>,
    /// A note for the order's history.
    pub note: Option<String>,
}

impl ShipmentReceiveInput {
    #[allow(clippy::type_complexity)]
    pub fn parse(
        self,
        limits: &TradeSettings,
    ) -> Result<(uuid::Uuid, i32, Option<Vec<LineQuantity>>, Option<String>)> {
        Ok((
            id_of("id", &self.id, NodeType::Shipment)?,
            self.version,
            self.lines.map(|l| quantities(l, limits)).transpose()?,
            note("note", self.note)?,
        ))
    }
}

/// An invoice for everything shipped and not yet invoiced.
#[derive(InputObject)]
pub struct InvoiceCreateInput {
    /// The order invoiced.
    pub order_id: ID,
    /// The order's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The invoice date; default today (UTC). It is due after the order's payment terms.
    pub issued_on: Option<Date>,
}

impl InvoiceCreateInput {
    pub fn parse(self) -> Result<(uuid::Uuid, i32, Option<chrono::NaiveDate>)> {
        Ok((
            id_of("orderId", &self.order_id, NodeType::Order)?,
            self.version,
            self.issued_on.map(|d| d.0),
        ))
    }
}

/// A payment against an invoice.
#[derive(InputObject)]
pub struct PaymentRecordInput {
    /// The invoice paid.
    pub invoice_id: ID,
    /// The invoice's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The amount, in the invoice's currency; at most what is still owed.
    pub amount: MoneyInput,
    /// The day the money arrived; default today (UTC).
    pub received_on: Option<Date>,
    /// The payer's reference.
    pub reference: Option<String>,
}

impl PaymentRecordInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<(uuid::Uuid, i32, NewPayment)> {
        let amount = self.amount.parse(&["input", "amount"], limits.max_amount)?;
        Ok((
            id_of("invoiceId", &self.invoice_id, NodeType::Invoice)?,
            self.version,
            NewPayment {
                amount: amount.amount,
                currency: amount.currency,
                received_on: self.received_on.map(|d| d.0),
                reference: domain::optional_text(
                    &["input", "reference"],
                    self.reference.as_deref(),
                    80,
                )?,
            },
        ))
    }
}

/// A credit limit for an organization.
#[derive(InputObject)]
pub struct CreditLimitSetInput {
    /// The organization.
    pub organization_id: ID,
    /// The organization's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The most it may owe; null removes the limit.
    pub credit_limit: Option<MoneyInput>,
}

impl CreditLimitSetInput {
    #[allow(clippy::type_complexity)]
    pub fn parse(
        self,
        limits: &TradeSettings,
    ) -> Result<(uuid::Uuid, i32, Option<crate::money::Money>)> {
        Ok((
            id_of(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            self.version,
            self.credit_limit
                .map(|m| m.parse(&["input", "creditLimit"], limits.max_amount))
                .transpose()?,
        ))
    }
}
