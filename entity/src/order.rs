use sea_orm::entity::prelude::*;

use crate::enums::{OrderKind, OrderStatus};
use crate::fixed::Fixed;

/// A sales order to the brand (or to a distributor), or a purchase order to a supplier.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: OrderKind,
    #[sea_orm(unique)]
    pub number: String,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    /// The buyer's own PO number: unique per buyer.
    pub buyer_po_number: String,
    /// SHA-256 of the order as submitted, to tell a repeat from a different order.
    pub content_hash: String,
    pub status: OrderStatus,
    pub currency: String,
    pub total: Fixed,
    /// The sum of the lines' tax; `total` includes it.
    pub tax_total: Fixed,
    pub invoiced_amount: Fixed,
    /// The lines' quantities (accepted, or else ordered) at their frozen unit costs, over
    /// the lines that have one.
    pub cost: Fixed,
    /// The net totals of those lines less their cost.
    pub margin: Fixed,
    pub requested_date: Option<Date>,
    pub ship_to_address_id: Option<Uuid>,
    pub payment_terms_days: i32,
    pub notes: Option<String>,
    /// A one-time ship-to named only by name and address (an 850's N1/N2/N3/N4 with no id).
    pub ship_to_name: Option<String>,
    pub ship_to_street: Option<String>,
    pub ship_to_city: Option<String>,
    pub ship_to_region: Option<String>,
    pub ship_to_postal_code: Option<String>,
    pub ship_to_country: Option<String>,
    /// The ship-to as the buyer named it (N103/N104), to answer in its words.
    pub ship_to_qualifier: Option<String>,
    pub ship_to_code: Option<String>,
    /// How many changes the buyer has made since submission: the last change's sequence
    /// number.
    pub change_count: i32,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// The special pricing agreement the order was bought under, where it named one.
    pub special_price_id: Option<Uuid>,
    /// The end customer the order is for: the one its special price was authorised for.
    pub end_customer_id: Option<Uuid>,
    /// Placed by the brand for the distributor from a replenishment proposal whose window
    /// passed (brand-managed replenishment).
    pub brand_initiated: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
