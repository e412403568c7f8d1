//! Catalog inputs, parsed into domain values at the edge.

use async_graphql::{ID, InputObject, MaybeUndefined};
use rust_decimal::Decimal as Dec;

use super::types::*;
use crate::catalog::model::{
    NewPriceList, NewProduct, NewSpec, NewTier, PriceEntry, PriceListChanges, ProductChanges,
    ProductSupplier, TierChanges,
};
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::money::MoneyInput;
use crate::graphql::scalars::{Date, Decimal};
use crate::ids::NodeType;
use crate::money::{self, Currency};
use crate::organizations::graphql::input_id;
use crate::organizations::model::Patch;
use crate::settings::TradeSettings;

const NAME_MAX: usize = 200;
const LINE_MAX: usize = 80;
const TEXT_MAX: usize = 10_000;

/// A supplier that makes a product.
#[derive(InputObject, Clone)]
pub struct ProductSupplierInput {
    /// The supplier: an organization of kind SUPPLIER.
    pub supplier_id: ID,
    /// The supplier's own part number for the product.
    pub part_number: Option<String>,
}

fn suppliers(list: Vec<ProductSupplierInput>) -> Result<Vec<ProductSupplier>> {
    list.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let index = i.to_string();
            let supplier_id = input_id("supplierId", &s.supplier_id, NodeType::Organization)
                .map_err(|e| refield(e, &["input", "suppliers", &index, "supplierId"]))?;
            let part_number = domain::optional_text(
                &["input", "suppliers", &index, "partNumber"],
                s.part_number.as_deref(),
                48,
            )?;
            Ok(ProductSupplier {
                supplier_id,
                part_number,
            })
        })
        .collect()
}

/// Points a user error at `field`.
fn refield(err: Error, field: &[&str]) -> Error {
    match err {
        Error::User(mut e) => {
            e.field = field.iter().map(|s| (*s).to_owned()).collect();
            Error::User(e)
        }
        other => other,
    }
}

fn product_line(value: &str) -> Result<String> {
    domain::required_text(&["input", "productLine"], value, LINE_MAX)
}

/// A product to add to the catalog.
#[derive(InputObject)]
pub struct ProductCreateInput {
    /// Stock keeping unit: 1 to 48 letters, digits, `-`, `_`, `.` or `/`; unique; stored in
    /// upper case.
    pub sku: String,
    /// The product's name: 1 to 200 characters.
    pub name: String,
    /// GS1 GTIN: 8, 12, 13 or 14 digits with a valid check digit; unique.
    pub gtin: Option<String>,
    /// The product line it belongs to.
    pub product_line: String,
    /// The unit it is sold, priced and counted in.
    pub unit: UnitOfMeasure,
    /// The price per unit for buyers outside the partner program.
    pub list_price: MoneyInput,
    /// Tax on each order line, in percent of its net amount: 0 to 100. Default 0.
    #[graphql(default_with = "Decimal(Dec::ZERO)")]
    pub tax_rate_percent: Decimal,
    /// What one unit costs the brand, in the list price's currency; margins are worked
    /// out from it. Seen by the brand's staff only.
    pub standard_cost: Option<Decimal>,
    /// Whether it can be ordered. Default ACTIVE.
    #[graphql(default_with = "ProductStatus::Active")]
    pub status: ProductStatus,
    /// A longer description.
    pub description: Option<String>,
    /// The suppliers that make it.
    #[graphql(default)]
    pub suppliers: Vec<ProductSupplierInput>,
}

impl ProductCreateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<NewProduct> {
        Ok(NewProduct {
            sku: domain::sku(&["input", "sku"], &self.sku)?,
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            gtin: self
                .gtin
                .map(|g| domain::gtin(&["input", "gtin"], &g))
                .transpose()?,
            product_line: product_line(&self.product_line)?,
            unit: self.unit.into(),
            list_price: self
                .list_price
                .parse(&["input", "listPrice"], limits.max_amount)?,
            tax_rate: money::tax_rate(&["input", "taxRatePercent"], self.tax_rate_percent.0)?,
            standard_cost: self
                .standard_cost
                .map(|c| money::count(&["input", "standardCost"], c.0, limits.max_amount))
                .transpose()?,
            status: self.status.into(),
            description: domain::optional_note(
                &["input", "description"],
                self.description.as_deref(),
                TEXT_MAX,
            )?,
            suppliers: suppliers(self.suppliers)?,
        })
    }
}

/// Changes to a product; fields left out stay as they are.
#[derive(InputObject)]
pub struct ProductUpdateInput {
    /// The product.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new GTIN; null removes it.
    pub gtin: MaybeUndefined<String>,
    /// A new product line.
    pub product_line: Option<String>,
    /// A new list price.
    pub list_price: Option<MoneyInput>,
    /// A new tax rate in percent; orders already placed keep theirs.
    pub tax_rate_percent: Option<Decimal>,
    /// A new standard cost per unit, in the list price's currency; null removes it.
    pub standard_cost: MaybeUndefined<Decimal>,
    /// A new status.
    pub status: Option<ProductStatus>,
    /// A new description; null removes it.
    pub description: MaybeUndefined<String>,
    /// The suppliers that make it, replacing the current ones.
    pub suppliers: Option<Vec<ProductSupplierInput>>,
}

impl ProductUpdateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<(uuid::Uuid, i32, ProductChanges)> {
        let id = input_id("id", &self.id, NodeType::Product)?;
        let gtin = match self.gtin {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(g) => Patch::Set(domain::gtin(&["input", "gtin"], &g)?),
        };
        let description = match self.description {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(d) => {
                match domain::optional_note(&["input", "description"], Some(&d), TEXT_MAX)? {
                    Some(d) => Patch::Set(d),
                    None => Patch::Clear,
                }
            }
        };
        Ok((
            id,
            self.version,
            ProductChanges {
                name: self
                    .name
                    .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                    .transpose()?,
                gtin,
                product_line: self.product_line.map(|l| product_line(&l)).transpose()?,
                list_price: self
                    .list_price
                    .map(|p| p.parse(&["input", "listPrice"], limits.max_amount))
                    .transpose()?,
                tax_rate: self
                    .tax_rate_percent
                    .map(|r| money::tax_rate(&["input", "taxRatePercent"], r.0))
                    .transpose()?,
                standard_cost: match self.standard_cost {
                    MaybeUndefined::Undefined => Patch::Keep,
                    MaybeUndefined::Null => Patch::Clear,
                    MaybeUndefined::Value(c) => Patch::Set(money::count(
                        &["input", "standardCost"],
                        c.0,
                        limits.max_amount,
                    )?),
                },
                status: self.status.map(Into::into),
                description,
                suppliers: self.suppliers.map(suppliers).transpose()?,
            },
        ))
    }
}

/// A pack a product also comes in.
#[derive(InputObject)]
pub struct ProductPackInput {
    /// Its unit: not the product's own.
    pub unit: UnitOfMeasure,
    /// How many of the product's unit one holds: 2 to 1,000,000.
    pub quantity: i32,
    /// The pack's own GTIN: 8, 12, 13 or 14 digits with a valid check digit.
    pub gtin: Option<String>,
}

/// All the packs of a product, replacing those it had.
#[derive(InputObject)]
pub struct ProductPacksSetInput {
    /// The product.
    pub product_id: ID,
    /// Its packs; at most 20. Empty removes them all.
    pub packs: Vec<ProductPackInput>,
}

impl ProductPacksSetInput {
    pub fn parse(self) -> Result<(uuid::Uuid, Vec<crate::catalog::packs::NewPack>)> {
        if self.packs.len() > 20 {
            return Err(Error::user(
                &["input", "packs"],
                ErrorCode::OutOfRange,
                format!(
                    "{} packs are more than the 20 a product may have",
                    self.packs.len()
                ),
            ));
        }
        let packs = self
            .packs
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let i = i.to_string();
                if !(2..=1_000_000).contains(&p.quantity) {
                    return Err(Error::user(
                        &["input", "packs", &i, "quantity"],
                        ErrorCode::OutOfRange,
                        format!("quantity must be from 2 to 1000000; it was {}", p.quantity),
                    ));
                }
                Ok(crate::catalog::packs::NewPack {
                    unit: p.unit.into(),
                    quantity: p.quantity,
                    gtin: p
                        .gtin
                        .as_deref()
                        .filter(|g| !g.trim().is_empty())
                        .map(|g| domain::gtin(&["input", "packs", &i, "gtin"], g))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((
            input_id("productId", &self.product_id, NodeType::Product)?,
            packs,
        ))
    }
}

/// A specification to share with a product's suppliers.
#[derive(InputObject)]
pub struct ProductSpecCreateInput {
    /// The product.
    pub product_id: ID,
    /// An attribute or a document.
    pub kind: SpecKind,
    /// What it specifies: 1 to 200 characters.
    pub name: String,
    /// The value, or the document's address or number: 1 to 10,000 characters.
    pub value: String,
}

impl ProductSpecCreateInput {
    pub fn parse(self) -> Result<NewSpec> {
        Ok(NewSpec {
            product_id: input_id("productId", &self.product_id, NodeType::Product)?,
            kind: self.kind.into(),
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            value: domain::required_text(&["input", "value"], &self.value, TEXT_MAX)?,
        })
    }
}

/// Changes to a specification.
#[derive(InputObject)]
pub struct ProductSpecUpdateInput {
    /// The specification.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new value.
    pub value: Option<String>,
}

impl ProductSpecUpdateInput {
    pub fn parse(self) -> Result<(uuid::Uuid, i32, Option<String>, Option<String>)> {
        Ok((
            input_id("id", &self.id, NodeType::ProductSpec)?,
            self.version,
            self.name
                .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                .transpose()?,
            self.value
                .map(|v| domain::required_text(&["input", "value"], &v, TEXT_MAX))
                .transpose()?,
        ))
    }
}

/// One price on a price list.
#[derive(InputObject, Clone)]
pub struct PriceListEntryInput {
    /// The product priced.
    pub product_id: ID,
    /// The least quantity this price applies from, in the product's unit. Default 1.
    #[graphql(default_with = "Decimal(Dec::ONE)")]
    pub min_quantity: Decimal,
    /// The price per unit, in the list's currency; up to four decimals.
    pub unit_price: Decimal,
}

fn entries(list: Vec<PriceListEntryInput>, limits: &TradeSettings) -> Result<Vec<PriceEntry>> {
    list.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let index = i.to_string();
            let at = |name: &'static str| ["input", "entries", index.as_str(), name];
            Ok(PriceEntry {
                product_id: input_id("productId", &e.product_id, NodeType::Product)
                    .map_err(|err| refield(err, &at("productId")))?,
                min_quantity: money::quantity(
                    &at("minQuantity"),
                    e.min_quantity.0,
                    limits.max_quantity,
                )?,
                unit_price: money::unit_price(&at("unitPrice"), e.unit_price.0, limits.max_amount)?,
            })
        })
        .collect()
}

fn price_list_code(value: &str) -> Result<String> {
    domain::partner_code(&["input", "code"], value)
}

/// A new price list with its prices.
#[derive(InputObject)]
pub struct PriceListCreateInput {
    /// Unique code: 2 to 15 letters, digits, `-` or `_`; stored in upper case.
    pub code: String,
    /// The list's name.
    pub name: String,
    /// The ISO 4217 currency of every price on it.
    pub currency: String,
    /// The first day its prices apply.
    pub valid_from: Date,
    /// The last day its prices apply; leave out for open-ended.
    pub valid_until: Option<Date>,
    /// Its prices.
    #[graphql(default)]
    pub entries: Vec<PriceListEntryInput>,
}

impl PriceListCreateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<NewPriceList> {
        Ok(NewPriceList {
            code: price_list_code(&self.code)?,
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            currency: Currency::parse(&["input", "currency"], &self.currency)?,
            valid_from: self.valid_from.0,
            valid_until: self.valid_until.map(|d| d.0),
            entries: entries(self.entries, limits)?,
        })
    }
}

/// Changes to a price list; fields left out stay as they are.
#[derive(InputObject)]
pub struct PriceListUpdateInput {
    /// The price list.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new first day.
    pub valid_from: Option<Date>,
    /// A new last day; null makes it open-ended.
    pub valid_until: MaybeUndefined<Date>,
    /// Its prices, replacing all current ones. Orders keep the prices they were placed at.
    pub entries: Option<Vec<PriceListEntryInput>>,
}

impl PriceListUpdateInput {
    pub fn parse(self, limits: &TradeSettings) -> Result<(uuid::Uuid, i32, PriceListChanges)> {
        Ok((
            input_id("id", &self.id, NodeType::PriceList)?,
            self.version,
            PriceListChanges {
                name: self
                    .name
                    .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                    .transpose()?,
                valid_from: self.valid_from.map(|d| d.0),
                valid_until: match self.valid_until {
                    MaybeUndefined::Undefined => Patch::Keep,
                    MaybeUndefined::Null => Patch::Clear,
                    MaybeUndefined::Value(d) => Patch::Set(d.0),
                },
                entries: self.entries.map(|e| entries(e, limits)).transpose()?,
            },
        ))
    }
}

fn days(field: &str, value: i32) -> Result<i32> {
    if !(0..=365).contains(&value) {
        return Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!("{field} must be from 0 to 365 days; it was {value}"),
        ));
    }
    Ok(value)
}

fn share(value: Decimal) -> Result<Dec> {
    if value.0 <= Dec::ZERO || value.0 > Dec::ONE_HUNDRED {
        return Err(Error::user(
            &["input", "minSalesSharePercent"],
            ErrorCode::OutOfRange,
            format!(
                "minSalesSharePercent must be above 0 and at most 100; it was {}",
                value.0
            ),
        ));
    }
    Ok(value.0)
}

fn product_lines(lines: Vec<String>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let index = i.to_string();
        let field = ["input", "requiredProductLines", index.as_str()];
        let line = domain::required_text(&field, line, LINE_MAX)?;
        if out.contains(&line) {
            return Err(Error::user(
                &field,
                ErrorCode::Taken,
                format!("the product line `{line}` is named twice"),
            ));
        }
        out.push(line);
    }
    Ok(out)
}

/// A tier of the partner program.
#[derive(InputObject)]
pub struct PartnerTierCreateInput {
    /// Unique code: 2 to 15 letters, digits, `-` or `_`; stored in upper case.
    pub code: String,
    /// The tier's name.
    pub name: String,
    /// Its place in the program: higher ranks have better terms.
    pub rank: i32,
    /// The price list its partners buy from.
    pub price_list_id: ID,
    /// Days from invoice to due date: 0 to 365.
    pub payment_terms_days: i32,
    /// Days of interest-free financing on top of the terms: 0 to 365. Default 0.
    #[graphql(default)]
    pub financing_days: i32,
    /// The least share, in percent, of the partner's sales that must be the brand's.
    pub min_sales_share_percent: Option<Decimal>,
    /// Product lines a partner of this tier must carry; each must exist in the catalog.
    #[graphql(default)]
    pub required_product_lines: Vec<String>,
    /// Whether the partner must report its inventory every month. Default false.
    #[graphql(default)]
    pub reports_inventory_monthly: bool,
    /// Whether the partner must report its sell-through every month. Default false.
    #[graphql(default)]
    pub reports_sell_through_monthly: bool,
    /// How often the partner settles its account. Default MONTHLY.
    #[graphql(default_with = "SettlementCadence::Monthly")]
    pub settlement_cadence: SettlementCadence,
    /// How much weight the tier's partners carry when leads are shared out: 0 to 100.
    /// Default 1.
    #[graphql(default = 1)]
    pub lead_routing_weight: i32,
    /// Days an approved deal registration protects the tier's partners: 0 to 3650. Omit
    /// for the `deal_protection_days` setting.
    pub deal_protection_days: Option<i32>,
}

impl PartnerTierCreateInput {
    pub fn parse(self) -> Result<NewTier> {
        Ok(NewTier {
            code: domain::partner_code(&["input", "code"], &self.code)?,
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            rank: self.rank,
            price_list_id: input_id("priceListId", &self.price_list_id, NodeType::PriceList)?,
            payment_terms_days: days("paymentTermsDays", self.payment_terms_days)?,
            financing_days: days("financingDays", self.financing_days)?,
            min_sales_share: self.min_sales_share_percent.map(share).transpose()?,
            required_product_lines: product_lines(self.required_product_lines)?,
            reports_inventory: self.reports_inventory_monthly,
            reports_sell_through: self.reports_sell_through_monthly,
            settlement_cadence: self.settlement_cadence.into(),
            lead_routing_weight: weight(self.lead_routing_weight)?,
            deal_protection_days: self.deal_protection_days.map(protection).transpose()?,
        })
    }
}

fn weight(value: i32) -> Result<i32> {
    if !(0..=100).contains(&value) {
        return Err(Error::user(
            &["input", "leadRoutingWeight"],
            ErrorCode::OutOfRange,
            format!("leadRoutingWeight must be from 0 to 100; it was {value}"),
        ));
    }
    Ok(value)
}

fn protection(value: i32) -> Result<i32> {
    if !(0..=3650).contains(&value) {
        return Err(Error::user(
            &["input", "dealProtectionDays"],
            ErrorCode::OutOfRange,
            format!("dealProtectionDays must be from 0 to 3650; it was {value}"),
        ));
    }
    Ok(value)
}

/// Changes to a tier; fields left out stay as they are.
#[derive(InputObject)]
pub struct PartnerTierUpdateInput {
    /// The tier.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new rank.
    pub rank: Option<i32>,
    /// A new price list.
    pub price_list_id: Option<ID>,
    /// New payment terms in days.
    pub payment_terms_days: Option<i32>,
    /// New financing days.
    pub financing_days: Option<i32>,
    /// A new minimum sales share in percent; null removes it.
    pub min_sales_share_percent: MaybeUndefined<Decimal>,
    /// The product lines to carry, replacing the current ones.
    pub required_product_lines: Option<Vec<String>>,
    /// Whether monthly inventory reports are required.
    pub reports_inventory_monthly: Option<bool>,
    /// Whether monthly sell-through reports are required.
    pub reports_sell_through_monthly: Option<bool>,
    /// A new settlement cadence.
    pub settlement_cadence: Option<SettlementCadence>,
    /// A new lead-routing weight: 0 to 100.
    pub lead_routing_weight: Option<i32>,
    /// New deal-protection days: 0 to 3650; null returns to the setting.
    pub deal_protection_days: MaybeUndefined<i32>,
}

impl PartnerTierUpdateInput {
    pub fn parse(self) -> Result<(uuid::Uuid, i32, TierChanges)> {
        Ok((
            input_id("id", &self.id, NodeType::PartnerTier)?,
            self.version,
            TierChanges {
                name: self
                    .name
                    .map(|n| domain::required_text(&["input", "name"], &n, NAME_MAX))
                    .transpose()?,
                rank: self.rank,
                price_list_id: self
                    .price_list_id
                    .map(|id| input_id("priceListId", &id, NodeType::PriceList))
                    .transpose()?,
                payment_terms_days: self
                    .payment_terms_days
                    .map(|d| days("paymentTermsDays", d))
                    .transpose()?,
                financing_days: self
                    .financing_days
                    .map(|d| days("financingDays", d))
                    .transpose()?,
                min_sales_share: match self.min_sales_share_percent {
                    MaybeUndefined::Undefined => Patch::Keep,
                    MaybeUndefined::Null => Patch::Clear,
                    MaybeUndefined::Value(v) => Patch::Set(share(v)?),
                },
                required_product_lines: self
                    .required_product_lines
                    .map(product_lines)
                    .transpose()?,
                reports_inventory: self.reports_inventory_monthly,
                reports_sell_through: self.reports_sell_through_monthly,
                settlement_cadence: self.settlement_cadence.map(Into::into),
                lead_routing_weight: self.lead_routing_weight.map(weight).transpose()?,
                deal_protection_days: match self.deal_protection_days {
                    MaybeUndefined::Undefined => Patch::Keep,
                    MaybeUndefined::Null => Patch::Clear,
                    MaybeUndefined::Value(v) => Patch::Set(protection(v)?),
                },
            },
        ))
    }
}

/// Moves a distributor or dealer into a tier, or out of the program.
#[derive(InputObject)]
pub struct PartnerTierAssignInput {
    /// The distributor or dealer.
    pub organization_id: ID,
    /// The organization's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The tier to join; null ends its membership of the program.
    pub tier_id: Option<ID>,
    /// Why, for the history.
    pub note: Option<String>,
}

impl PartnerTierAssignInput {
    pub fn parse(self) -> Result<(uuid::Uuid, i32, Option<uuid::Uuid>, Option<String>)> {
        Ok((
            input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            self.version,
            self.tier_id
                .map(|id| input_id("tierId", &id, NodeType::PartnerTier))
                .transpose()?,
            domain::optional_note(&["input", "note"], self.note.as_deref(), 2000)?,
        ))
    }
}
