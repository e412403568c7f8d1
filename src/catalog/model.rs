//! The catalog's domain values, already checked.

use chrono::NaiveDate;
use entity::enums::{ProductStatus, SettlementCadence, SpecKind, UnitOfMeasure};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::money::{Currency, Money};
use crate::organizations::model::Patch;

/// A product to add to the catalog.
#[derive(Clone, Debug)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub gtin: Option<String>,
    pub product_line: String,
    pub unit: UnitOfMeasure,
    pub list_price: Money,
    pub tax_rate: Decimal,
    /// What one unit costs the brand, in the list price's currency.
    pub standard_cost: Option<Decimal>,
    pub status: ProductStatus,
    pub description: Option<String>,
    pub suppliers: Vec<ProductSupplier>,
}

/// A supplier that makes a product, and its part number for it.
#[derive(Clone, Debug)]
pub struct ProductSupplier {
    pub supplier_id: Uuid,
    pub part_number: Option<String>,
}

/// Changes to a product; what is not named stays.
#[derive(Clone, Debug, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub gtin: Patch<String>,
    pub product_line: Option<String>,
    pub list_price: Option<Money>,
    pub tax_rate: Option<Decimal>,
    pub standard_cost: Patch<Decimal>,
    pub status: Option<ProductStatus>,
    pub description: Patch<String>,
    /// When given, replaces the product's suppliers.
    pub suppliers: Option<Vec<ProductSupplier>>,
}

/// A specification to share with a product's suppliers.
#[derive(Clone, Debug)]
pub struct NewSpec {
    pub product_id: Uuid,
    pub kind: SpecKind,
    pub name: String,
    pub value: String,
}

/// One price on a price list: the unit price from a minimum quantity on.
#[derive(Clone, Debug)]
pub struct PriceEntry {
    pub product_id: Uuid,
    pub min_quantity: Decimal,
    pub unit_price: Decimal,
}

/// A new price list with its prices.
#[derive(Clone, Debug)]
pub struct NewPriceList {
    pub code: String,
    pub name: String,
    pub currency: Currency,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub entries: Vec<PriceEntry>,
}

/// Changes to a price list; `entries`, when given, replaces all its prices.
#[derive(Clone, Debug, Default)]
pub struct PriceListChanges {
    pub name: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Patch<NaiveDate>,
    pub entries: Option<Vec<PriceEntry>>,
}

/// A tier of the partner program with its benefits and obligations.
#[derive(Clone, Debug)]
pub struct NewTier {
    pub code: String,
    pub name: String,
    pub rank: i32,
    pub price_list_id: Uuid,
    pub payment_terms_days: i32,
    pub financing_days: i32,
    pub min_sales_share: Option<Decimal>,
    pub required_product_lines: Vec<String>,
    pub reports_inventory: bool,
    pub reports_sell_through: bool,
    pub settlement_cadence: SettlementCadence,
    pub lead_routing_weight: i32,
    pub deal_protection_days: Option<i32>,
}

/// Changes to a tier; what is not named stays.
#[derive(Clone, Debug, Default)]
pub struct TierChanges {
    pub name: Option<String>,
    pub rank: Option<i32>,
    pub price_list_id: Option<Uuid>,
    pub payment_terms_days: Option<i32>,
    pub financing_days: Option<i32>,
    pub min_sales_share: Patch<Decimal>,
    pub required_product_lines: Option<Vec<String>>,
    pub reports_inventory: Option<bool>,
    pub reports_sell_through: Option<bool>,
    pub settlement_cadence: Option<SettlementCadence>,
    pub lead_routing_weight: Option<i32>,
    pub deal_protection_days: Patch<i32>,
}

/// Product lists can be filtered by these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProductFilter {
    pub sku: Option<String>,
    pub name_contains: Option<String>,
    pub product_line: Option<String>,
    pub statuses: Vec<ProductStatus>,
    pub supplier_id: Option<Uuid>,
}

use crate::pagination::{Keyed, SortKey, SortValue};

impl Keyed for entity::product::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.name_key.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

impl Keyed for entity::price_list::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.code.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

impl Keyed for entity::partner_tier::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.code.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}
