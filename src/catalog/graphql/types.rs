//! Products, specifications, price lists, tiers and memberships as GraphQL types.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{
    enums, partner_tier, price_list, price_list_entry, product, product_spec, product_supplier,
    tier_membership,
};

use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::catalog::loaders::{
    CriteriaOf, EntriesOf, MembershipsOf, PacksOf, PartnerTierId, PriceListId, ProductId,
    ProductLinesOf, SpecsOf, SuppliersOf,
};
use crate::catalog::pricing::Quote;
use crate::error::GqlResult;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::{Organization, Supplier, organization};
use crate::organizations::loaders::OrganizationId;

/// Whether a product can be ordered.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ProductStatus")]
pub enum ProductStatus {
    /// On sale.
    Active,
    /// Not on sale for now; cannot be ordered.
    Inactive,
    /// No longer made; cannot be ordered.
    Discontinued,
}

/// A unit of measure; each is stored as its ASC X12 code (data element 355).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::UnitOfMeasure")]
pub enum UnitOfMeasure {
    /// Each (X12 `EA`).
    Each,
    /// Case (X12 `CA`).
    Case,
    /// Box (X12 `BX`).
    Box,
    /// Package (X12 `PK`).
    Package,
    /// Pallet (X12 `PL`).
    Pallet,
    /// Dozen (X12 `DZ`).
    Dozen,
    /// Pair (X12 `PR`).
    Pair,
    /// Set (X12 `ST`).
    Set,
    /// Roll (X12 `RL`).
    Roll,
    /// Kilogram (X12 `KG`).
    Kilogram,
    /// Pound (X12 `LB`).
    Pound,
    /// Meter (X12 `MR`).
    Meter,
    /// Foot (X12 `FT`).
    Foot,
    /// Liter (X12 `LT`).
    Liter,
}

/// What a specification holds.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::SpecKind")]
pub enum SpecKind {
    /// A named value, such as a tolerance or a material.
    Attribute,
    /// A document, named by its address or document number.
    Document,
}

/// How often a partner settles its account with the brand.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::SettlementCadence")]
pub enum SettlementCadence {
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
}

/// Where a quoted price came from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::PriceSource")]
pub enum PriceSource {
    /// The price list of the buyer's partner tier, at the quantity break reached.
    TierPriceList,
    /// The product's list price: the buyer belongs to no partner tier.
    ListPrice,
    /// Agreed with the supplier on a purchase order.
    Agreed,
    /// Authorised by the special pricing agreement the order or quote named.
    SpecialPrice,
}

/// A product the brand sells.
#[derive(Clone, Debug)]
pub struct Product(pub product::Model);

/// A product the brand sells.
#[Object]
impl Product {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Product, self.0.id))
    }
    /// Stock keeping unit: the brand's product code, unique, in upper case.
    async fn sku(&self) -> &str {
        &self.0.sku
    }
    /// The product's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// GS1 Global Trade Item Number (8, 12, 13 or 14 digits), if it has one.
    async fn gtin(&self) -> Option<&str> {
        self.0.gtin.as_deref()
    }
    /// The product line it belongs to; tiers oblige partners to carry lines.
    async fn product_line(&self) -> &str {
        &self.0.product_line
    }
    /// The unit it is sold, priced and counted in.
    async fn unit(&self) -> UnitOfMeasure {
        self.0.unit.into()
    }
    /// The price per unit for buyers outside the partner program.
    async fn list_price(&self) -> Money {
        Money::of(*self.0.list_price, &self.0.currency)
    }
    /// Tax on each order line, in percent of the line's net amount; the tax of a line is
    /// rounded half-even to the currency's minor unit.
    async fn tax_rate_percent(&self) -> Decimal {
        Decimal(stored(self.0.tax_rate))
    }
    /// What one unit costs the brand, in the list price's currency: margins are the net
    /// line totals less this times the quantity. Null when none is set, and for partners
    /// (the brand's costs are its own).
    async fn standard_cost(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        if crate::access::Principal::of(ctx).gql()?.is_restricted() {
            return Ok(None);
        }
        Ok(self
            .0
            .standard_cost
            .map(|c| Money::of(*c, &self.0.currency)))
    }
    /// Whether it can be ordered.
    async fn status(&self) -> ProductStatus {
        self.0.status.into()
    }
    /// A longer description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The suppliers that make it. Staff see all; a supplier sees itself; buying partners
    /// see none.
    async fn suppliers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductSupplier>> {
        let rows = load_one(ctx, SuppliersOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(ProductSupplier).collect())
    }
    /// Its specifications, shared with the suppliers that make it. Others see none.
    async fn specifications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductSpec>> {
        let rows = load_one(ctx, SpecsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(ProductSpec).collect())
    }
    /// The packs it also comes in (a case of 12, …), smallest first. Orders keep the
    /// product's own unit.
    async fn packs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductPack>> {
        let rows = load_one(ctx, PacksOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|p| ProductPack {
                unit: p.unit,
                quantity: p.quantity,
                gtin: p.gtin,
            })
            .collect())
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A supplier that makes a product.
#[derive(Clone, Debug)]
pub struct ProductSupplier(pub product_supplier::Model);

/// A supplier that makes a product.
#[Object]
impl ProductSupplier {
    /// The supplier.
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Supplier>> {
        let found = load_one(ctx, OrganizationId(self.0.supplier_id)).await?;
        Ok(found.map(Supplier))
    }
    /// The supplier's own part number for the product.
    async fn part_number(&self) -> Option<&str> {
        self.0.supplier_part_number.as_deref()
    }
}

/// A specification of a product (an attribute or a document), shared with its suppliers.
#[derive(Clone, Debug)]
pub struct ProductSpec(pub product_spec::Model);

/// A specification of a product (an attribute or a document), shared with its suppliers.
#[Object]
impl ProductSpec {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ProductSpec, self.0.id))
    }
    /// The product it specifies.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let found = load_one(ctx, ProductId(self.0.product_id)).await?;
        Ok(found.map(Product))
    }
    /// An attribute or a document.
    async fn kind(&self) -> SpecKind {
        self.0.kind.into()
    }
    /// What it specifies, for example `Tolerance` or `Drawing`.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The value, or the document's address or number.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Prices for a partner tier, valid from one date until another.
#[derive(Clone, Debug)]
pub struct PriceList(pub price_list::Model);

/// Prices for a partner tier, valid from one date until another.
#[Object]
impl PriceList {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::PriceList, self.0.id))
    }
    /// Unique code, in upper case.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The list's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The ISO 4217 currency of every price on it.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first day its prices apply.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }
    /// The last day its prices apply; null while open-ended.
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
    }
    /// Its prices, by product, then by quantity break.
    async fn entries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PriceListEntry>> {
        let rows = load_one(ctx, EntriesOf(self.0.id))
            .await?
            .unwrap_or_default();
        let currency = self.0.currency.clone();
        Ok(rows
            .into_iter()
            .map(|e| PriceListEntry(e, currency.clone()))
            .collect())
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The unit price of a product on a price list, from a minimum quantity on.
#[derive(Clone, Debug)]
pub struct PriceListEntry(pub price_list_entry::Model, pub String);

/// The unit price of a product on a price list, from a minimum quantity on.
#[Object]
impl PriceListEntry {
    /// The product priced.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let found = load_one(ctx, ProductId(self.0.product_id)).await?;
        Ok(found.map(Product))
    }
    /// The least quantity, in the product's unit, this price applies from.
    async fn min_quantity(&self) -> Decimal {
        Decimal(stored(self.0.min_quantity))
    }
    /// The price per unit.
    async fn unit_price(&self) -> Money {
        Money::of(*self.0.unit_price, &self.1)
    }
}

/// What a tier asks of its partners.
#[derive(SimpleObject, Clone, Debug)]
pub struct TierObligations {
    /// Product lines a partner of this tier must carry.
    pub required_product_lines: Vec<String>,
    /// The least share, in percent, of the partner's sales that must be the brand's
    /// products; null when none is asked.
    pub min_sales_share_percent: Option<Decimal>,
    /// Whether the partner must report its inventory every month.
    pub reports_inventory_monthly: bool,
    /// Whether the partner must report its sell-through every month.
    pub reports_sell_through_monthly: bool,
    /// How often the partner settles its account.
    pub settlement_cadence: SettlementCadence,
}

/// A level of the partner program (for example Registered, Silver, Gold): its benefits and
/// its obligations.
#[derive(Clone, Debug)]
pub struct PartnerTier(pub partner_tier::Model);

/// A level of the partner program (for example Registered, Silver, Gold): its benefits and
/// its obligations.
#[Object]
impl PartnerTier {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::PartnerTier, self.0.id))
    }
    /// Unique code, in upper case, for example `GOLD`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The tier's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its place in the program: higher ranks have better terms.
    async fn rank(&self) -> i32 {
        self.0.rank
    }
    /// The price list its partners buy from; null unless you are staff or a member.
    async fn price_list(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PriceList>> {
        let found = load_one(ctx, PriceListId(self.0.price_list_id)).await?;
        Ok(found.map(PriceList))
    }
    /// Days from invoice to due date.
    async fn payment_terms_days(&self) -> i32 {
        self.0.payment_terms_days
    }
    /// Days of interest-free financing on top of the payment terms.
    async fn financing_days(&self) -> i32 {
        self.0.financing_days
    }
    /// How much weight the tier's partners carry when leads are shared out (0 to 100): a
    /// territory without a lead route offers its leads to the active partners of that
    /// territory in proportion to their weights; 0 takes none.
    async fn lead_routing_weight(&self) -> i32 {
        self.0.lead_routing_weight
    }
    /// Days an approved deal registration protects the tier's partners; null where the
    /// `deal_protection_days` setting applies.
    async fn deal_protection_days(&self) -> Option<i32> {
        self.0.deal_protection_days
    }
    /// What a partner must meet, every one, to qualify for the tier by itself; empty where
    /// the brand gives the tier by hand.
    async fn criteria(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::program::graphql::TierCriterion>> {
        Ok(load_one(ctx, CriteriaOf(self.0.id))
            .await?
            .map(|c| c.iter().map(Into::into).collect())
            .unwrap_or_default())
    }
    /// What the tier asks of its partners.
    async fn obligations(&self, ctx: &Context<'_>) -> async_graphql::Result<TierObligations> {
        let lines = load_one(ctx, ProductLinesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(TierObligations {
            required_product_lines: lines,
            min_sales_share_percent: self.0.min_sales_share.map(|d| Decimal(stored(d))),
            reports_inventory_monthly: self.0.reports_inventory,
            reports_sell_through_monthly: self.0.reports_sell_through,
            settlement_cadence: self.0.settlement_cadence.into(),
        })
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An organization's membership of a partner tier, from when until when.
#[derive(Clone, Debug)]
pub struct TierMembership(pub tier_membership::Model);

/// An organization's membership of a partner tier, from when until when.
#[Object]
impl TierMembership {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::TierMembership, self.0.id))
    }
    /// The member.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let found = load_one(ctx, OrganizationId(self.0.organization_id)).await?;
        Ok(found.map(organization))
    }
    /// The tier.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        tier(ctx, self.0.tier_id).await
    }
    /// When the membership began.
    async fn started_at(&self) -> DateTime {
        DateTime(self.0.started_at)
    }
    /// When it ended; null while current.
    async fn ended_at(&self) -> Option<DateTime> {
        self.0.ended_at.map(DateTime)
    }
    /// The staff user who assigned the tier; null when not visible to you.
    async fn assigned_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.assigned_by else {
            return Ok(None);
        };
        let found = load_one(ctx, UserId(id)).await?;
        Ok(found.map(User::new))
    }
    /// Why the tier was assigned.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

async fn tier(ctx: &Context<'_>, id: uuid::Uuid) -> async_graphql::Result<Option<PartnerTier>> {
    let found = load_one(ctx, PartnerTierId(id)).await?;
    Ok(found.map(PartnerTier))
}

/// An organization's tier memberships, newest first.
pub async fn memberships(
    ctx: &Context<'_>,
    organization: uuid::Uuid,
) -> async_graphql::Result<Vec<TierMembership>> {
    let rows = load_one(ctx, MembershipsOf(organization))
        .await?
        .unwrap_or_default();
    Ok(rows.into_iter().map(TierMembership).collect())
}

/// The tier an organization belongs to now.
pub async fn current_tier(
    ctx: &Context<'_>,
    organization: uuid::Uuid,
) -> async_graphql::Result<Option<PartnerTier>> {
    let open = memberships(ctx, organization)
        .await?
        .into_iter()
        .find(|m| m.0.ended_at.is_none());
    match open {
        Some(m) => tier(ctx, m.0.tier_id).await,
        None => Ok(None),
    }
}

/// The one price that applies to a buyer for a quantity of a product today, and where it
/// came from.
pub struct PriceQuote(pub Quote);

/// The one price that applies to a buyer for a quantity of a product today, and where it
/// came from.
#[Object]
impl PriceQuote {
    /// The product priced.
    async fn product(&self) -> Product {
        Product(self.0.product.clone())
    }
    /// The buyer priced for.
    async fn buyer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let found = load_one(ctx, OrganizationId(self.0.buyer_id)).await?;
        Ok(found.map(organization))
    }
    /// The quantity priced, in the product's unit.
    async fn quantity(&self) -> Decimal {
        Decimal(self.0.quantity)
    }
    /// The price per unit.
    async fn unit_price(&self) -> Money {
        Money::of(self.0.unit_price, self.0.currency.code())
    }
    /// Quantity times unit price, rounded half-even to the currency's minor unit.
    async fn line_total(&self) -> Money {
        let total =
            crate::money::Money::rounded(self.0.quantity * self.0.unit_price, self.0.currency);
        Money::of(total.amount, self.0.currency.code())
    }
    /// Where the price came from.
    async fn source(&self) -> PriceSource {
        self.0.source.into()
    }
    /// The buyer's tier, for a tier price.
    async fn tier(&self) -> Option<PartnerTier> {
        self.0.tier.clone().map(PartnerTier)
    }
    /// The price list the price is on, for a tier price.
    async fn price_list(&self) -> Option<PriceList> {
        self.0.price_list.clone().map(PriceList)
    }
    /// The special pricing agreement the price is authorised by, for a special price, where
    /// you see it (it needs crm:read).
    async fn special_price(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::graphql::SpecialPrice>> {
        let Some((agreement, _)) = &self.0.special_price else {
            return Ok(None);
        };
        Ok(
            load_one(ctx, crate::catalog::loaders::SpecialPriceId(agreement.id))
                .await?
                .map(crate::channel_money::graphql::SpecialPrice),
        )
    }
    /// How much of the product the special price's cap has left, before this quantity.
    async fn special_price_left(&self) -> Option<Decimal> {
        self.0
            .special_price
            .as_ref()
            .map(|(_, left)| Decimal(*left))
    }
    /// The quantity break applied, for a tier price.
    async fn min_quantity(&self) -> Option<Decimal> {
        self.0.min_quantity.map(Decimal)
    }
    /// The day the price applies on (UTC).
    async fn valid_on(&self) -> Date {
        Date(self.0.on)
    }
}

/// A pack a product also comes in.
#[derive(SimpleObject)]
pub struct ProductPack {
    /// Its X12 unit code: `CA`, `BX`, `PK`, …
    pub unit: String,
    /// How many of the product's own unit one holds.
    pub quantity: i32,
    /// The pack's own GTIN, which EDI documents may name it by.
    pub gtin: Option<String>,
}
