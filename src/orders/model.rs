//! The trade's domain values, already checked at the edge.

use chrono::NaiveDate;
use entity::enums::{OrderKind, OrderStatus, UnitOfMeasure};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::money::Currency;
use crate::pagination::{Keyed, SortKey, SortValue};

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
    pub notes: Option<String>,
    pub lines: Vec<NewLine>,
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
