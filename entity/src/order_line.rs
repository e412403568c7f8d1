use sea_orm::entity::prelude::*;

use crate::enums::{LineStatus, PriceSource, UnitOfMeasure};
use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    /// The line number, as the buyer numbered it (X12 PO101).
    pub line_number: i32,
    pub product_id: Uuid,
    pub buyer_part_number: Option<String>,
    /// The item as the buyer named it (PO1's qualifier and id, `UP`, `EN`, `IN`, …).
    pub item_qualifier: Option<String>,
    pub item_code: Option<String>,
    /// The unit the buyer ordered in, when it is a pack of ours (`CA` of 12), and how many of
    /// the product's own unit one holds; quantity and price are kept in the product's unit.
    pub ordered_unit: Option<String>,
    pub pack_size: Option<i32>,
    pub quantity: Fixed,
    pub unit: UnitOfMeasure,
    pub unit_price: Fixed,
    /// The price the line was ordered at, kept when the seller's acknowledgement changed it.
    pub ordered_unit_price: Option<Fixed>,
    pub price_source: PriceSource,
    pub line_total: Fixed,
    pub tax_rate: Fixed,
    pub tax_amount: Fixed,
    pub requested_date: Option<Date>,
    pub status: LineStatus,
    pub accepted_quantity: Option<Fixed>,
    pub promised_date: Option<Date>,
    pub shipped_quantity: Fixed,
    pub invoiced_quantity: Fixed,
    /// The product's standard cost when the line was written, where the product is costed
    /// in the order's currency: margins stay as they were when today's cost changes.
    pub unit_cost: Option<Fixed>,
    /// The line of the special pricing agreement it is priced by and draws on, where it is.
    pub special_price_line_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
