//! The trade's domain values, already checked at the edge.

use chrono::NaiveDate;
use entity::enums::{OrderKind, OrderStatus, UnitOfMeasure};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::{Error, ErrorCode, Result};
use crate::money::Currency;
use crate::pagination::{Keyed, SortKey, SortValue};

/// Most lines one order, acknowledgement or ship notice may carry.
pub const MAX_LINES: usize = 1000;

/// A buyer's line number (X12 PO101): 1 to 999999; left out, the line's position from 1.
pub fn line_number(field: &[&str], position: usize, given: Option<i32>) -> Result<i32> {
    match given {
        None => Ok(position as i32 + 1),
        Some(n) if (1..=999_999).contains(&n) => Ok(n),
        Some(n) => Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("lineNumber must be from 1 to 999999; it was {n}"),
        )),
    }
}

/// A buyer's PO number: 1 to 22 characters, none a control character, `~` or `*`.
pub fn po_number(field: &[&str], value: &str) -> Result<String> {
    let po = crate::domain::required_text(field, value, 22)?;
    if po.chars().any(|c| c.is_control() || c == '~' || c == '*') {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            "poNumber may not hold control characters, `~` or `*`",
        ));
    }
    Ok(po)
}

/// A sales order as a buyer submits it.
#[derive(Clone, Debug)]
pub struct NewOrder {
    /// The buyer; partners leave it out and buy for themselves.
    pub buyer_id: Option<Uuid>,
    /// The seller; left out, the brand.
    pub seller_id: Option<Uuid>,
    pub po_number: String,
    /// The currency the buyer expects; the price list decides, and a mismatch is refused.
    pub currency: Option<Currency>,
    pub requested_date: Option<NaiveDate>,
    pub ship_to_address_id: Option<Uuid>,
    /// A ship-to given by name and address only, kept with the order.
    pub one_time_ship_to: Option<OneTimeAddress>,
    /// The ship-to as the buyer's system named it, to answer in its words.
    pub ship_to_reference: Option<PartnerCode>,
    pub notes: Option<String>,
    pub lines: Vec<NewLine>,
}

/// An address that is not in the directory: a one-time ship-to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OneTimeAddress {
    pub name: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// A code in a partner's own words, with the qualifier that says what kind of code it is
/// (`UP`, `EN`, `IN`, `92`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerCode {
    pub qualifier: String,
    pub code: String,
}

/// A pack of the product the buyer ordered in: its unit code and how many of the product's
/// own unit it holds. The line's quantity and price are in the product's unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pack {
    pub unit: String,
    pub size: i32,
}

/// One line of a submitted order.
#[derive(Clone, Debug)]
pub struct NewLine {
    pub line_number: i32,
    pub sku: String,
    pub quantity: Decimal,
    pub unit: Option<UnitOfMeasure>,
    pub buyer_part_number: Option<String>,
    pub requested_date: Option<NaiveDate>,
    /// The unit price the buyer expects: compared with the price that applies, never used.
    pub expected_unit_price: Option<Decimal>,
    /// The item as the buyer's system named it.
    pub item: Option<PartnerCode>,
    /// The pack it was ordered in, when not the product's own unit.
    pub pack: Option<Pack>,
}

/// A purchase order the brand raises with a supplier, at prices agreed with it.
#[derive(Clone, Debug)]
pub struct NewPurchaseOrder {
    pub supplier_id: Uuid,
    pub currency: Currency,
    pub requested_date: Option<NaiveDate>,
    pub ship_to_address_id: Option<Uuid>,
    pub notes: Option<String>,
    pub lines: Vec<NewPurchaseLine>,
}

#[derive(Clone, Debug)]
pub struct NewPurchaseLine {
    pub line_number: i32,
    pub sku: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub requested_date: Option<NaiveDate>,
}

/// What the seller decides about one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineDecision {
    Accept,
    Change,
    Backorder,
    Reject,
}

#[derive(Clone, Debug)]
pub struct LineAck {
    pub line_number: i32,
    pub decision: LineDecision,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub promised_date: Option<NaiveDate>,
}

/// Quantities by line number, for shipments and receipts.
#[derive(Clone, Debug)]
pub struct LineQuantity {
    pub line_number: i32,
    pub quantity: Decimal,
}

#[derive(Clone, Debug)]
pub struct NewShipment {
    pub carrier: String,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expected_at: Option<NaiveDate>,
    pub lines: Vec<LineQuantity>,
}

#[derive(Clone, Debug)]
pub struct NewPayment {
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

/// Order lists can be filtered by these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OrderFilter {
    pub kind: Option<OrderKind>,
    pub statuses: Vec<OrderStatus>,
    pub buyer_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
    pub po_number: Option<String>,
    pub number: Option<String>,
}

impl Keyed for entity::order::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.number.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.submitted_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}
