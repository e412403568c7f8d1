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

/// How many lines one request names: at least one, at most [`MAX_LINES`].
pub fn check_line_count(count: usize) -> Result<()> {
    if count == 0 {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "name at least one line",
        ));
    }
    if count > MAX_LINES {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::OutOfRange,
            format!("{count} lines are more than the {MAX_LINES} one request may carry"),
        ));
    }
    Ok(())
}

/// The path of field `name` of line `i`.
fn line_field(i: usize, name: &str) -> [String; 4] {
    ["input".into(), "lines".into(), i.to_string(), name.into()]
}

fn path(field: &[String; 4]) -> [&str; 4] {
    [
        field[0].as_str(),
        field[1].as_str(),
        field[2].as_str(),
        field[3].as_str(),
    ]
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
    /// The number of the special pricing agreement the order is bought under.
    pub special_price: Option<String>,
    /// The end customer the order is for; named with the special price, it must be the one
    /// the price was authorised for.
    pub end_customer_id: Option<Uuid>,
    /// Placed by the brand for the buyer, from a brand-managed replenishment proposal.
    pub brand_initiated: bool,
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

impl LineAck {
    /// The answer for line `i` of an acknowledgement, its amounts within the limits.
    pub fn checked(
        i: usize,
        line_number: i32,
        decision: LineDecision,
        quantity: Option<Decimal>,
        unit_price: Option<Decimal>,
        promised_date: Option<NaiveDate>,
        limits: &crate::settings::TradeSettings,
    ) -> Result<Self> {
        Ok(LineAck {
            line_number,
            decision,
            quantity: quantity
                .map(|q| {
                    crate::money::quantity(
                        &path(&line_field(i, "quantity")),
                        q,
                        limits.max_quantity,
                    )
                })
                .transpose()?,
            unit_price: unit_price
                .map(|p| {
                    crate::money::unit_price(
                        &path(&line_field(i, "unitPrice")),
                        p,
                        limits.max_amount,
                    )
                })
                .transpose()?,
            promised_date,
        })
    }
}

/// A buyer's change to its order before the order ships: lines added, changed or cancelled.
#[derive(Clone, Debug)]
pub struct OrderChange {
    pub lines: Vec<LineChange>,
    /// The buyer's own number for this change (BCH05 of an 860), kept in the history.
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// One line of a change. A price in it is, on a sales order, the price the buyer expects
/// (compared, never used: prices come from the price list); on a purchase order, the price
/// agreed with the supplier.
#[derive(Clone, Debug)]
pub enum LineChange {
    Add(NewLine),
    Change {
        line_number: i32,
        quantity: Option<Decimal>,
        unit_price: Option<Decimal>,
        requested_date: Option<NaiveDate>,
    },
    Cancel {
        line_number: i32,
    },
}

impl LineChange {
    pub fn line_number(&self) -> i32 {
        match self {
            LineChange::Add(line) => line.line_number,
            LineChange::Change { line_number, .. } | LineChange::Cancel { line_number } => {
                *line_number
            }
        }
    }
}

/// What a change did to one line, in the words of an 860's and 865's POC02.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineChangeKind {
    /// `AI`: a line added.
    Added,
    /// `DI`: a line cancelled.
    Cancelled,
    /// `QI`: more of it.
    QuantityIncreased,
    /// `QD`: less of it.
    QuantityDecreased,
    /// `PC`: another price.
    PriceChanged,
    /// `CT`: another date.
    DateChanged,
    /// `CA`: several of these at once.
    Changed,
}

impl LineChangeKind {
    /// The POC02 code.
    pub fn code(self) -> &'static str {
        match self {
            LineChangeKind::Added => "AI",
            LineChangeKind::Cancelled => "DI",
            LineChangeKind::QuantityIncreased => "QI",
            LineChangeKind::QuantityDecreased => "QD",
            LineChangeKind::PriceChanged => "PC",
            LineChangeKind::DateChanged => "CT",
            LineChangeKind::Changed => "CA",
        }
    }
}

/// One line a change touched, and the quantity it had before (zero for an added line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedLine {
    pub line_number: i32,
    pub kind: LineChangeKind,
    pub previous_quantity: Decimal,
}

/// A change as it was applied: its sequence number on the order, the buyer's own number
/// for it, and the lines it touched.
#[derive(Clone, Debug)]
pub struct AppliedChange {
    pub sequence: i32,
    pub reference: Option<String>,
    pub lines: Vec<ChangedLine>,
}

/// Quantities by line number, for shipments and receipts.
#[derive(Clone, Debug)]
pub struct LineQuantity {
    pub line_number: i32,
    pub quantity: Decimal,
}

impl LineQuantity {
    /// Line `i`'s quantity, more than 0 and within the limits.
    pub fn checked(
        i: usize,
        line_number: i32,
        quantity: Decimal,
        limits: &crate::settings::TradeSettings,
    ) -> Result<Self> {
        Ok(LineQuantity {
            line_number,
            quantity: crate::money::quantity(
                &path(&line_field(i, "quantity")),
                quantity,
                limits.max_quantity,
            )?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct NewShipment {
    pub carrier: String,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expected_at: Option<NaiveDate>,
    pub lines: Vec<LineQuantity>,
}

impl NewShipment {
    /// A ship notice, checked: a carrier of 1 to 80 characters, a tracking number of at most
    /// 80, and its lines.
    pub fn checked(
        carrier: &str,
        tracking_number: Option<&str>,
        shipped_at: Option<chrono::DateTime<chrono::Utc>>,
        expected_at: Option<NaiveDate>,
        lines: Vec<LineQuantity>,
    ) -> Result<Self> {
        check_line_count(lines.len())?;
        Ok(NewShipment {
            carrier: crate::domain::required_text(&["input", "carrier"], carrier, 80)?,
            tracking_number: crate::domain::optional_text(
                &["input", "trackingNumber"],
                tracking_number,
                80,
            )?,
            shipped_at,
            expected_at,
            lines,
        })
    }
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
