//! Price lists and the one price that applies: a buyer's price comes from the price list of
//! the tier it belongs to now, at the largest quantity break its quantity reaches; a buyer
//! outside the partner program pays the list price. Nothing else decides a price, so two
//! callers asking at the same time get the same answer.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::ProductStatus;
use entity::price_list::{self, Column, Entity};
use entity::{partner_tier, price_list_entry, product, tier_membership};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{NewPriceList, PriceEntry, PriceListChanges};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Currency, stored};
use crate::pagination::{Page, PageRequest, SortKey};
use crate::store::{self, now, save_versioned};

pub use entity::enums::PriceSource;

/// The price that applies to one buyer for a quantity of one product on one day.
#[derive(Clone, Debug)]
pub struct Quote {
    pub product: product::Model,
    pub buyer_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub currency: Currency,
    pub source: PriceSource,
    pub tier: Option<partner_tier::Model>,
    pub price_list: Option<price_list::Model>,
    /// The quantity break applied, for a tier price.
    pub min_quantity: Option<Decimal>,
    pub on: NaiveDate,
    /// The special pricing agreement that priced it, with how much of its cap is left for
    /// the product.
    pub special_price: Option<(entity::special_price::Model, Decimal)>,
}

/// The statement of the buyer's current tier: its membership that has not ended.
pub(crate) fn current_tier(buyer_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    tier_membership::Entity::find()
        .select_only()
        .column(tier_membership::Column::TierId)
        .filter(tier_membership::Column::OrganizationId.eq(buyer_id))
        .filter(tier_membership::Column::EndedAt.is_null())
        .into_query()
}

/// The buyer's tier and its price list, as they stand now, or nothing for a buyer outside
/// the partner program. A tier whose price list is not valid on `on` is refused: the buyer
/// has no price rather than a guessed one.
pub async fn buyer_price_list(
    db: &impl ConnectionTrait,
    buyer_id: Uuid,
    on: NaiveDate,
    buyer_field: &[&str],
) -> Result<Option<(partner_tier::Model, price_list::Model)>> {
    // The current membership's tier with its list, in one statement.
    let found = partner_tier::Entity::find()
        .select_also(Entity)
        .join(
            JoinType::InnerJoin,
            partner_tier::Entity::belongs_to(Entity)
                .from(partner_tier::Column::PriceListId)
                .to(Column::Id)
                .into(),
        )
        .filter(partner_tier::Column::Id.in_subquery(current_tier(buyer_id)))
        .one(db)
        .await?;
    let Some((tier, Some(list))) = found else {
        return Ok(None);
    };
    ensure_list_valid(&tier, &list, on, buyer_field)?;
    Ok(Some((tier, list)))
}

fn ensure_list_valid(
    tier: &partner_tier::Model,
    list: &price_list::Model,
    on: NaiveDate,
    buyer_field: &[&str],
) -> Result<()> {
    if list.valid_from > on || list.valid_until.is_some_and(|until| until < on) {
        return Err(Error::user(
            buyer_field,
            ErrorCode::NoPriceList,
            format!(
                "the buyer's tier {} has price list {}, which is not valid on {on}",
                tier.code, list.code
            ),
        ));
    }
    Ok(())
}

/// A price list's entries for `products`, smallest quantity break first.
async fn list_entries_for(
    db: &impl ConnectionTrait,
    list_id: Uuid,
    products: &[Uuid],
) -> Result<Vec<price_list_entry::Model>> {
    Ok(price_list_entry::Entity::find()
        .filter(price_list_entry::Column::PriceListId.eq(list_id))
        .filter(price_list_entry::Column::ProductId.is_in(products.iter().copied()))
        .order_by_asc(price_list_entry::Column::MinQuantity)
        .all(db)
        .await?)
}

/// Refuses a product that is not on sale.
pub fn ensure_on_sale(product: &product::Model, field: &[&str]) -> Result<()> {
    let not_sold = match product.status {
        ProductStatus::Active => None,
        ProductStatus::Inactive => Some("inactive"),
        ProductStatus::Discontinued => Some("discontinued"),
    };
    match not_sold {
        Some(status) => Err(Error::user(
            field,
            ErrorCode::Inactive,
            format!("{} is {status} and cannot be sold", product.sku),
        )),
        None => Ok(()),
    }
}

/// The price of one line, as [`price_lines`] finds it.
#[derive(Clone, Debug)]
pub struct LinePrice {
    pub unit_price: Decimal,
    pub currency: Currency,
    pub source: PriceSource,
    pub min_quantity: Option<Decimal>,
}

/// A buyer's tier and its price list, if it has one.
pub type Program = Option<(partner_tier::Model, price_list::Model)>;

/// The buyer's tier and list (if any) and the price of each `(product, quantity)` on `on`,
/// in one pass: one lookup of the tier and its list, one of the list's prices. Errors name
/// `fields.buyer`, or the line's own field from `line_field`.
pub async fn price_lines(
    db: &impl ConnectionTrait,
    buyer_id: Uuid,
    on: NaiveDate,
    lines: &[(&product::Model, Decimal)],
    buyer_field: &[&str],
    line_field: &(dyn Fn(usize) -> Vec<String> + Sync),
) -> Result<(Program, Vec<LinePrice>)> {
    ensure_lines_on_sale(lines, line_field)?;
    let program = buyer_price_list(db, buyer_id, on, buyer_field).await?;
    let entries = match &program {
        Some((_, list)) => {
            let products: Vec<Uuid> = lines.iter().map(|(p, _)| p.id).collect();
            list_entries_for(db, list.id, &products).await?
        }
        None => Vec::new(),
    };
    let prices = line_prices(program.as_ref(), &entries, lines, line_field)?;
    Ok((program, prices))
}

fn ensure_lines_on_sale(
    lines: &[(&product::Model, Decimal)],
    line_field: &(dyn Fn(usize) -> Vec<String> + Sync),
) -> Result<()> {
    for (i, (product, _)) in lines.iter().enumerate() {
        let field = line_field(i);
        let field: Vec<&str> = field.iter().map(String::as_str).collect();
        ensure_on_sale(product, &field)?;
    }
    Ok(())
}

/// Each line's price: the list price outside the partner program; in it, the entry of the
/// tier's list with the largest minimum quantity the line's quantity reaches. `entries` are
/// the list's entries for the lines' products, smallest break first.
fn line_prices(
    program: Option<&(partner_tier::Model, price_list::Model)>,
    entries: &[price_list_entry::Model],
    lines: &[(&product::Model, Decimal)],
    line_field: &(dyn Fn(usize) -> Vec<String> + Sync),
) -> Result<Vec<LinePrice>> {
    let Some((_, list)) = program else {
        return lines
            .iter()
            .map(|(product, _)| {
                Ok(LinePrice {
                    unit_price: stored(product.list_price),
                    currency: Currency::parse(&[], &product.currency)
                        .map_err(|_| Error::Internal("a product has an unknown currency".into()))?,
                    source: PriceSource::ListPrice,
                    min_quantity: None,
                })
            })
            .collect();
    };
    let currency = Currency::parse(&[], &list.currency)
        .map_err(|_| Error::Internal("a price list has an unknown currency".into()))?;
    let mut prices = Vec::with_capacity(lines.len());
    for (i, (product, quantity)) in lines.iter().enumerate() {
        let entry = entries
            .iter()
            .rfind(|e| e.product_id == product.id && stored(e.min_quantity) <= *quantity)
            .ok_or_else(|| {
                let field = line_field(i);
                let field: Vec<&str> = field.iter().map(String::as_str).collect();
                Error::user(
                    &field,
                    ErrorCode::NoPriceList,
                    format!(
                        "price list {} has no price for {} at quantity {quantity}",
                        list.code, product.sku
                    ),
                )
            })?;
        prices.push(LinePrice {
            unit_price: stored(entry.unit_price),
            currency,
            source: PriceSource::TierPriceList,
            min_quantity: Some(stored(entry.min_quantity)),
        });
    }
    Ok(prices)
}

/// What pricing lines named by SKU needs, read in one statement: the products among the
/// SKUs the principal may see, the buyer's current tier with its price list, and the list's
/// entries for those products.
pub struct SkuPricing {
    /// The products found, by SKU.
    pub products: HashMap<String, product::Model>,
    program: Program,
    /// Smallest quantity break first.
    entries: Vec<price_list_entry::Model>,
}

impl SkuPricing {
    /// Reads the products named by `skus`, `buyer_id`'s tier and list, and the list's
    /// prices for those products. A product's row comes once for each of its entries on
    /// the list, or once with none.
    pub async fn read(
        db: &impl ConnectionTrait,
        principal: &Principal,
        buyer_id: Uuid,
        skus: &[String],
    ) -> Result<Self> {
        use sea_orm::FromQueryResult;
        use sea_orm::sea_query::{ExprTrait, Order, Query};
        let mut select = Query::select();
        select.from(product::Entity);
        store::select_prefixed::<product::Entity>(&mut select, "p_");
        store::select_prefixed::<partner_tier::Entity>(&mut select, "t_");
        store::select_prefixed::<Entity>(&mut select, "l_");
        store::select_prefixed::<price_list_entry::Entity>(&mut select, "e_");
        select
            .left_join(
                partner_tier::Entity,
                Expr::col((partner_tier::Entity, partner_tier::Column::Id))
                    .in_subquery(current_tier(buyer_id)),
            )
            .left_join(
                Entity,
                Expr::col((Entity, Column::Id))
                    .equals((partner_tier::Entity, partner_tier::Column::PriceListId)),
            )
            .left_join(
                price_list_entry::Entity,
                Condition::all()
                    .add(
                        Expr::col((
                            price_list_entry::Entity,
                            price_list_entry::Column::PriceListId,
                        ))
                        .equals((Entity, Column::Id)),
                    )
                    .add(
                        Expr::col((
                            price_list_entry::Entity,
                            price_list_entry::Column::ProductId,
                        ))
                        .equals((product::Entity, product::Column::Id)),
                    ),
            )
            .cond_where(product::Column::Sku.is_in(skus.iter().cloned()))
            .cond_where(principal.visible_products())
            .order_by(
                (
                    price_list_entry::Entity,
                    price_list_entry::Column::MinQuantity,
                ),
                Order::Asc,
            );
        let mut read = Self {
            products: HashMap::new(),
            program: None,
            entries: Vec::new(),
        };
        for row in db.query_all(&select).await? {
            let product = product::Model::from_query_result(&row, "p_")?;
            if read.program.is_none()
                && let Some(tier) = Option::<partner_tier::Model>::from_query_result(&row, "t_")?
                && let Some(list) = Option::<price_list::Model>::from_query_result(&row, "l_")?
            {
                read.program = Some((tier, list));
            }
            if let Some(entry) = Option::<price_list_entry::Model>::from_query_result(&row, "e_")? {
                read.entries.push(entry);
            }
            read.products.entry(product.sku.clone()).or_insert(product);
        }
        Ok(read)
    }

    /// The buyer's tier and list (if any) and the price of each `(product, quantity)` on
    /// `on`, checked as [`price_lines`] checks them.
    pub fn price(
        self,
        on: NaiveDate,
        lines: &[(&product::Model, Decimal)],
        buyer_field: &[&str],
        line_field: &(dyn Fn(usize) -> Vec<String> + Sync),
    ) -> Result<(Program, Vec<LinePrice>)> {
        ensure_lines_on_sale(lines, line_field)?;
        if let Some((tier, list)) = &self.program {
            ensure_list_valid(tier, list, on, buyer_field)?;
        }
        let prices = line_prices(self.program.as_ref(), &self.entries, lines, line_field)?;
        Ok((self.program, prices))
    }
}

/// The products a price list has prices for.
pub async fn products_on(db: &impl ConnectionTrait, list: Uuid) -> Result<Vec<Uuid>> {
    Ok(price_list_entry::Entity::find()
        .select_only()
        .column(price_list_entry::Column::ProductId)
        .filter(price_list_entry::Column::PriceListId.eq(list))
        .distinct()
        .into_tuple()
        .all(db)
        .await?)
}

/// Prices `quantity` of `product` for `buyer_id` on `on`.
pub async fn quote(
    db: &impl ConnectionTrait,
    product: product::Model,
    buyer_id: Uuid,
    quantity: Decimal,
    on: NaiveDate,
    fields: QuoteFields<'_>,
) -> Result<Quote> {
    let product_field: Vec<String> = fields.product.iter().map(|s| (*s).to_owned()).collect();
    let (program, mut prices) = price_lines(
        db,
        buyer_id,
        on,
        &[(&product, quantity)],
        fields.buyer,
        &|_| product_field.clone(),
    )
    .await?;
    let price = prices
        .pop()
        .ok_or_else(|| Error::Internal("a quote priced no line".into()))?;
    let (tier, price_list) = match program {
        Some((tier, list)) => (Some(tier), Some(list)),
        None => (None, None),
    };
    Ok(Quote {
        product,
        buyer_id,
        quantity,
        unit_price: price.unit_price,
        currency: price.currency,
        source: price.source,
        tier,
        price_list,
        min_quantity: price.min_quantity,
        on,
        special_price: None,
    })
}

/// The input fields a quote's errors point at.
#[derive(Clone, Copy, Debug)]
pub struct QuoteFields<'a> {
    pub buyer: &'a [&'a str],
    pub product: &'a [&'a str],
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Name => Column::Code,
        SortKey::CreatedAt | SortKey::Due => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, price_list::Model>> {
    principal.ensure_can_read_catalog()?;
    store::by_ids::<Entity>(db, ids, principal.visible_price_lists()).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<price_list::Model>> {
    principal.ensure_can_read_catalog()?;
    let query = Entity::find().filter(principal.visible_price_lists());
    store::page_of(
        db,
        query,
        page,
        Expr::col((Entity, sort_column(page.sort.key))),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(db: &impl ConnectionTrait, principal: &Principal) -> Result<u64> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find()
        .filter(principal.visible_price_lists())
        .count(db)
        .await?)
}

/// The prices on each list, by product and quantity break.
pub async fn entries_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    list_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<price_list_entry::Model>>> {
    principal.ensure_can_read_catalog()?;
    let visible = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(principal.visible_price_lists())
        .into_query();
    let rows = price_list_entry::Entity::find()
        .filter(price_list_entry::Column::PriceListId.is_in(list_ids.iter().copied()))
        .filter(price_list_entry::Column::PriceListId.in_subquery(visible))
        .order_by_asc(price_list_entry::Column::ProductId)
        .order_by_asc(price_list_entry::Column::MinQuantity)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |e| e.price_list_id))
}

fn check_dates(from: NaiveDate, until: Option<NaiveDate>) -> Result<()> {
    if until.is_some_and(|u| u < from) {
        return Err(Error::user(
            &["input", "validUntil"],
            ErrorCode::Invalid,
            "validUntil must not be before validFrom",
        ));
    }
    Ok(())
}

/// Each entry names a known product, once per quantity break.
async fn check_entries(db: &impl ConnectionTrait, entries: &[PriceEntry]) -> Result<()> {
    let ids: Vec<Uuid> = entries.iter().map(|e| e.product_id).collect();
    let known: Vec<Uuid> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for (i, entry) in entries.iter().enumerate() {
        let index = i.to_string();
        let at = |name: &'static str| ["input", "entries", index.as_str(), name];
        if !known.contains(&entry.product_id) {
            return Err(Error::user(
                &at("productId"),
                ErrorCode::NotFound,
                "no product has this id",
            ));
        }
        if entries[..i]
            .iter()
            .any(|o| o.product_id == entry.product_id && o.min_quantity == entry.min_quantity)
        {
            return Err(Error::user(
                &at("minQuantity"),
                ErrorCode::Taken,
                format!(
                    "this product already has a price from quantity {} on this list",
                    entry.min_quantity
                ),
            ));
        }
    }
    Ok(())
}

async fn replace_entries(
    db: &impl ConnectionTrait,
    list_id: Uuid,
    entries: &[PriceEntry],
) -> Result<()> {
    price_list_entry::Entity::delete_many()
        .filter(price_list_entry::Column::PriceListId.eq(list_id))
        .exec(db)
        .await?;
    if entries.is_empty() {
        return Ok(());
    }
    let at = now();
    // Inserted in chunks: a long list stays under both databases' bind-parameter limits.
    for chunk in entries.chunks(500) {
        price_list_entry::Entity::insert_many(chunk.iter().map(|e| {
            price_list_entry::ActiveModel {
                id: Set(Uuid::now_v7()),
                price_list_id: Set(list_id),
                product_id: Set(e.product_id),
                min_quantity: Set(e.min_quantity.into()),
                unit_price: Set(e.unit_price.into()),
                created_at: Set(at),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

#[tracing::instrument(skip(db, principal, new), fields(code = %new.code))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewPriceList,
) -> Result<price_list::Model> {
    principal.ensure_can_manage_catalog()?;
    check_dates(new.valid_from, new.valid_until)?;
    if Entity::find()
        .filter(Column::Code.eq(new.code.clone()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(Error::user(
            &["input", "code"],
            ErrorCode::Taken,
            format!("price list code {} is taken", new.code),
        ));
    }
    check_entries(db, &new.entries).await?;
    let at = now();
    let id = Uuid::now_v7();
    let created = price_list::ActiveModel {
        id: Set(id),
        code: Set(new.code),
        name: Set(new.name),
        currency: Set(new.currency.code().to_owned()),
        valid_from: Set(new.valid_from),
        valid_until: Set(new.valid_until),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    replace_entries(db, id, &new.entries).await?;
    crate::changes::recorded::<entity::price_list::Entity>(
        db,
        principal,
        crate::audit::Action::PriceListCreate,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip(db, principal, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: PriceListChanges,
) -> Result<price_list::Model> {
    principal.ensure_can_manage_catalog()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let valid_from = changes.valid_from.unwrap_or(current.valid_from);
    let valid_until = changes.valid_until.apply(current.valid_until);
    check_dates(valid_from, valid_until)?;
    if let Some(entries) = &changes.entries {
        check_entries(db, entries).await?;
    }
    let mut row: price_list::ActiveModel = current.into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    row.valid_from = Set(valid_from);
    row.valid_until = Set(valid_until);
    let saved = save_versioned::<Entity>(db, row, id, version).await?;
    if let Some(entries) = &changes.entries {
        replace_entries(db, id, entries).await?;
    }
    crate::changes::recorded::<entity::price_list::Entity>(
        db,
        principal,
        crate::audit::Action::PriceListUpdate,
        Some(&before),
        &saved,
    )
    .await?;
    Ok(saved)
}
