//! Submitting orders. A buyer's PO number names one order: submitting it again with the
//! same content returns that order and creates nothing; with other content it is refused
//! with CONFLICT. Prices come from the buyer's price list at submission; a price the client
//! sends is only compared.

use std::collections::HashMap;

use entity::enums::{
    ChannelLinkStatus, LineStatus, OrderKind, OrderStatus, OrganizationKind, PriceSource,
};
use entity::{address, channel_link, order, order_line, organization, product, product_supplier};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::history::{self, Change};
use super::model::{NewOrder, NewPurchaseOrder, OneTimeAddress, Pack, PartnerCode};
use super::reactions::{Happened, Reactor};
use super::{counters, credit, queries};
use crate::access::Principal;
use crate::analytics::rollups;
use crate::catalog::{pricing, products};
use crate::channel_money::buying;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Money, stored};
use crate::settings::TradeSettings;
use crate::store::now;
use crate::writes::Writes;

/// Payment terms for buyers outside the partner program, and for purchase orders.
pub const DEFAULT_PAYMENT_TERMS_DAYS: i32 = 30;

pub(super) fn line_field(i: usize, name: &str) -> Vec<String> {
    vec!["input".into(), "lines".into(), i.to_string(), name.into()]
}

pub(super) fn user_error(field: &[String], code: ErrorCode, message: impl Into<String>) -> Error {
    let field: Vec<&str> = field.iter().map(String::as_str).collect();
    Error::user(&field, code, message)
}

/// A fingerprint of the order as submitted, to tell a repeat from a different order.
fn content_hash(buyer: Uuid, seller: Uuid, new: &NewOrder) -> String {
    let mut text = format!(
        "{buyer}|{seller}|{}|{}|{:?}|{:?}|{:?}",
        new.po_number,
        new.currency.map(|c| c.code()).unwrap_or_default(),
        new.requested_date,
        new.ship_to_address_id,
        new.notes,
    );
    // Only where named, so orders placed before special prices keep their fingerprints.
    if new.special_price.is_some() || new.end_customer_id.is_some() {
        text.push_str(&format!(
            "|{:?}|{:?}",
            new.special_price, new.end_customer_id
        ));
    }
    let mut lines: Vec<_> = new.lines.iter().collect();
    lines.sort_by_key(|l| l.line_number);
    for l in lines {
        text.push_str(&format!(
            "\n{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
            l.line_number,
            l.sku,
            l.quantity.normalize(),
            l.unit,
            l.buyer_part_number,
            l.requested_date,
            l.expected_unit_price.map(|p| p.normalize()),
        ));
    }
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether an error is the database refusing a second order for one buyer's PO number:
/// another submission of the same PO won the race.
pub fn lost_po_race(err: &Error) -> bool {
    err.unique_violation().is_some_and(|constraint| {
        constraint.contains("ux_orders_buyer_po") || constraint.contains("orders.buyer_po_number")
    })
}

/// The order a repeated PO number names, or CONFLICT when its content differs. A caller
/// whose roles reach only its own orders learns nothing of a colleague's order but that
/// the PO is taken.
fn repeat_of(principal: &Principal, existing: order::Model, hash: &str) -> Result<order::Model> {
    if let crate::access::Reach::Own(user) = principal.reach(crate::access::Records::Orders)
        && existing.submitted_by != Some(user)
    {
        return Err(Error::user(
            &["input", "poNumber"],
            ErrorCode::Conflict,
            format!(
                "PO {} is already used by another order of your organization; use a new PO number",
                existing.buyer_po_number
            ),
        ));
    }
    if existing.content_hash == hash {
        return Ok(existing);
    }
    Err(Error::user(
        &["input", "poNumber"],
        ErrorCode::Conflict,
        format!(
            "PO {} was already submitted as order {} with different content; use a new PO number",
            existing.buyer_po_number, existing.number
        ),
    ))
}

/// The organization named by `field`, among those read, live.
fn live_org<'a>(
    read: &'a [organization::Model],
    id: Uuid,
    field: &str,
) -> Result<&'a organization::Model> {
    let org = read
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| queries::not_found(field, "organization"))?;
    if org.archived_at.is_some() {
        return Err(Error::user(
            &["input", field],
            ErrorCode::Archived,
            format!("the organization named by {field} is archived"),
        ));
    }
    if org.status == entity::enums::OrganizationStatus::Pending {
        return Err(Error::user(
            &["input", field],
            ErrorCode::NotAllowed,
            format!(
                "the organization named by {field} waits for the brand's approval; it trades once approved"
            ),
        ));
    }
    Ok(org)
}

/// What an order's first read finds: the brand, the organizations the order names, and for
/// a sales order the order its buyer already placed under the PO number, and, where order
/// numbers come from a sequence (PostgreSQL) and no order was placed under the PO, the next
/// number.
struct Parties {
    brand: Option<Uuid>,
    read: Vec<organization::Model>,
    placed: Option<Uuid>,
    number: Option<String>,
    /// The program terms' current version, where the buyer that places the order has not
    /// accepted it.
    terms_due: Option<i32>,
}

/// Reads [`Parties`] in one statement. The sequence moves only where no order was placed
/// under the PO, so a repeat takes no number; a number taken for a submission that then
/// fails its checks is skipped, as one taken by a rolled-back transaction is. The counters
/// table (SQLite) hands out its numbers after the checks.
async fn parties(
    db: &impl ConnectionTrait,
    named: &[Uuid],
    buyer_po: Option<(Uuid, &str)>,
    terms_for: Option<Uuid>,
) -> Result<Parties> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, JoinType as Join, SelectStatement};
    let none = || Expr::val(Option::<i64>::None);
    // One row of the PO's answer, joined to every organization read, so that it is worked
    // out (and the sequence moved) once, and comes back where no organization is found.
    let mut po_row = Query::select();
    match buyer_po {
        Some((buyer, po)) => {
            let placed_id = || -> Expr {
                let placed: SelectStatement = order::Entity::find()
                    .select_only()
                    .column(order::Column::Id)
                    .filter(order::Column::BuyerId.eq(buyer))
                    .filter(order::Column::BuyerPoNumber.eq(po))
                    .into_query();
                Expr::SubQuery(None, Box::new(placed.into()))
            };
            po_row.expr_as(placed_id(), "placed");
            match counters::sequence_next(db.get_database_backend(), "SO") {
                Some(next) => po_row.expr_as(Expr::case(placed_id().is_null(), next), "next"),
                None => po_row.expr_as(none(), "next"),
            };
        }
        None => {
            po_row.expr_as(none(), "placed").expr_as(none(), "next");
        }
    }
    match terms_for {
        Some(org) => po_row.expr_as(
            Expr::SubQuery(
                None,
                Box::new(crate::program::terms::unaccepted_by(org).into()),
            ),
            "terms_due",
        ),
        None => po_row.expr_as(Expr::val(Option::<i32>::None), "terms_due"),
    };
    let po_alias = Alias::new("po");
    let mut select = Query::select();
    select
        .column((po_alias.clone(), Alias::new("placed")))
        .column((po_alias.clone(), Alias::new("next")))
        .column((po_alias.clone(), Alias::new("terms_due")))
        .from_subquery(po_row, po_alias);
    crate::store::select_prefixed::<organization::Entity>(&mut select, "o_");
    select.join(
        Join::LeftJoin,
        organization::Entity,
        Condition::any()
            .add(organization::Column::Id.is_in(named.iter().copied()))
            .add(organization::Column::Kind.eq(OrganizationKind::Brand)),
    );
    let rows = db.query_all(&select).await?;
    let mut parties = Parties {
        brand: None,
        read: Vec::with_capacity(rows.len()),
        placed: None,
        number: None,
        terms_due: None,
    };
    for row in rows {
        parties.placed = row.try_get("", "placed")?;
        parties.terms_due = row.try_get("", "terms_due")?;
        if parties.placed.is_none() {
            parties.number = row
                .try_get::<Option<i64>>("", "next")?
                .map(|next| counters::number("SO", next));
        }
        if let Some(org) = Option::<organization::Model>::from_query_result(&row, "o_")? {
            if org.kind == OrganizationKind::Brand {
                parties.brand = Some(org.id);
            }
            parties.read.push(org);
        }
    }
    Ok(parties)
}

/// The seller must be the brand, or an organization that sells to the buyer through a live
/// channel link (a dealer's distributor).
async fn ensure_sells_to(
    db: &impl ConnectionTrait,
    seller: Uuid,
    buyer: Uuid,
    brand: Option<Uuid>,
) -> Result<()> {
    if Some(seller) == brand {
        return Ok(());
    }
    let link = channel_link::Entity::find()
        .filter(channel_link::Column::UpstreamId.eq(seller))
        .filter(channel_link::Column::DownstreamId.eq(buyer))
        .filter(channel_link::Column::Status.eq(ChannelLinkStatus::Active))
        .filter(crate::access::live_links())
        .one(db)
        .await?;
    link.map(|_| ()).ok_or_else(not_a_seller)
}

/// The answer to a seller that is not the brand and does not sell to the buyer, whether it
/// exists, is archived, or not: nobody learns from it what an id names.
fn not_a_seller() -> Error {
    Error::user(
        &["input", "sellerId"],
        ErrorCode::NotFound,
        "the seller must be the brand or an organization that sells to the buyer",
    )
}

/// A ship-to address must be one of the buyer's live addresses.
async fn ensure_ship_to(db: &impl ConnectionTrait, address: Uuid, buyer: Uuid) -> Result<()> {
    address::Entity::find_by_id(address)
        .filter(address::Column::OrganizationId.eq(buyer))
        .filter(address::Column::ArchivedAt.is_null())
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| queries::not_found("shipToAddressId", "address of the buyer"))
}

/// Products by SKU for each line, the line at its position in the input; an unknown SKU
/// is named at its line.
pub(super) async fn line_products(
    db: &impl ConnectionTrait,
    principal: &Principal,
    skus: &[(usize, String)],
) -> Result<Vec<product::Model>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = skus.iter().map(|(_, sku)| sku.clone()).collect();
    let found: HashMap<String, product::Model> = products::by_skus(db, principal, &names).await?;
    products_named(&found, skus)
}

/// The product of each line among those found, by SKU; an unknown SKU is named at its line.
fn products_named(
    found: &HashMap<String, product::Model>,
    skus: &[(usize, String)],
) -> Result<Vec<product::Model>> {
    skus.iter()
        .map(|(i, sku)| {
            found.get(sku).cloned().ok_or_else(|| {
                user_error(
                    &line_field(*i, "sku"),
                    ErrorCode::NotFound,
                    format!("no product has SKU {sku}"),
                )
            })
        })
        .collect()
}

/// A unit a line names must be its product's.
pub(super) fn ensure_unit(
    i: usize,
    unit: Option<entity::enums::UnitOfMeasure>,
    product: &product::Model,
) -> Result<()> {
    match unit {
        Some(unit) if unit != product.unit => Err(user_error(
            &line_field(i, "unit"),
            ErrorCode::UnitMismatch,
            format!(
                "{} is sold in {}, not {}",
                product.sku,
                unit_code(product.unit),
                unit_code(unit)
            ),
        )),
        _ => Ok(()),
    }
}

/// A price the buyer expects is compared with the one that applies, never used.
pub(super) fn ensure_expected_price(
    i: usize,
    field: &str,
    sku: &str,
    expected: Option<Decimal>,
    price: Decimal,
    currency: crate::money::Currency,
) -> Result<()> {
    match expected {
        Some(expected) if expected != price => Err(user_error(
            &line_field(i, field),
            ErrorCode::PriceMismatch,
            format!(
                "{sku} costs {} a unit for this buyer today, not {expected}",
                crate::money::label(price, currency.code())
            ),
        )),
        _ => Ok(()),
    }
}

/// Every product a purchase order names must be made by its supplier; `position` gives the
/// input line of each product.
pub(super) async fn ensure_supplier_makes(
    db: &impl ConnectionTrait,
    supplier: &organization::Model,
    products: &[&product::Model],
    position: impl Fn(usize) -> usize,
) -> Result<()> {
    let made: Vec<Uuid> = product_supplier::Entity::find()
        .filter(product_supplier::Column::SupplierId.eq(supplier.id))
        .filter(product_supplier::Column::ProductId.is_in(products.iter().map(|p| p.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|ps| ps.product_id)
        .collect();
    for (j, product) in products.iter().enumerate() {
        if !made.contains(&product.id) {
            return Err(user_error(
                &line_field(position(j), "sku"),
                ErrorCode::NotAllowed,
                format!("{} does not make {}", supplier.code, product.sku),
            ));
        }
    }
    Ok(())
}

fn ensure_unique_line_numbers(numbers: &[i32]) -> Result<()> {
    for (i, n) in numbers.iter().enumerate() {
        if numbers[..i].contains(n) {
            return Err(user_error(
                &line_field(i, "lineNumber"),
                ErrorCode::Taken,
                format!("line number {n} is used twice"),
            ));
        }
    }
    Ok(())
}

pub(super) fn ensure_total_in_range(total: Decimal, limits: &TradeSettings) -> Result<()> {
    if total > limits.max_amount {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::OutOfRange,
            format!(
                "the order's total {total} is above the most one order may carry ({})",
                limits.max_amount
            ),
        ));
    }
    Ok(())
}

/// Submits a sales order for a buyer, or returns the order its PO number already names.
#[tracing::instrument(skip(db, principal, new, limits), fields(po = %new.po_number))]
pub async fn submit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewOrder,
    limits: &TradeSettings,
) -> Result<order::Model> {
    Ok(submit_written(db, principal, new, limits).await?.order)
}

/// A submitted order, with the lines written for it and their products; none where the
/// submission repeated an order already placed.
pub struct Submitted {
    pub order: order::Model,
    pub lines: Vec<order_line::Model>,
    pub products: Vec<product::Model>,
}

/// [`submit`], answering with the rows it wrote, so a caller that shows them reads
/// nothing back.
pub async fn submit_written(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewOrder,
    limits: &TradeSettings,
) -> Result<Submitted> {
    principal.ensure_can_trade()?;
    let buyer_id = match (new.buyer_id, principal.partner_organization()) {
        (None, Some(own)) => own,
        (Some(named), Some(own)) if named != own => {
            return Err(Error::user(
                &["input", "buyerId"],
                ErrorCode::NotFound,
                "you can submit orders for your own organization only",
            ));
        }
        (Some(named), _) => named,
        (None, None) => {
            return Err(Error::user(
                &["input", "buyerId"],
                ErrorCode::Required,
                "name the buyer",
            ));
        }
    };
    let named: Vec<Uuid> = std::iter::once(buyer_id).chain(new.seller_id).collect();
    let Parties {
        brand,
        read,
        placed,
        number,
        terms_due,
    } = parties(
        db,
        &named,
        Some((buyer_id, &new.po_number)),
        principal.partner_organization(),
    )
    .await?;
    // A partner's users trade once its company accepted the program's current terms.
    if let Some(number) = terms_due {
        return Err(crate::program::terms::not_accepted(number));
    }
    let buyer = live_org(&read, buyer_id, "buyerId")?;
    if !matches!(
        buyer.kind,
        OrganizationKind::EndCustomer
            | OrganizationKind::IntermediateCustomer
            | OrganizationKind::Distributor
    ) {
        return Err(Error::user(
            &["input", "buyerId"],
            ErrorCode::NotAllowed,
            format!("{} does not buy from the channel", buyer.code),
        ));
    }
    let seller_id = new.seller_id.or(brand).ok_or_else(|| {
        Error::user(
            &["input", "sellerId"],
            ErrorCode::Required,
            "the directory has no brand; name the seller",
        )
    })?;
    if !read.iter().any(|o| o.id == seller_id) {
        return Err(not_a_seller());
    }
    ensure_sells_to(db, seller_id, buyer_id, brand).await?;
    live_org(&read, seller_id, "sellerId")?;

    let hash = content_hash(buyer_id, seller_id, &new);
    if let Some(placed) = placed {
        let existing = order::Entity::find_by_id(placed)
            .one(db)
            .await?
            .ok_or_else(|| Error::Internal("the order a PO names vanished".into()))?;
        return Ok(Submitted {
            order: repeat_of(principal, existing, &hash)?,
            lines: Vec::new(),
            products: Vec::new(),
        });
    }

    let numbers: Vec<i32> = new.lines.iter().map(|l| l.line_number).collect();
    ensure_unique_line_numbers(&numbers)?;
    let skus: Vec<(usize, String)> = new
        .lines
        .iter()
        .map(|l| l.sku.clone())
        .enumerate()
        .collect();
    // The products, the buyer's tier and list, and their prices, in one statement.
    let names: Vec<String> = skus.iter().map(|(_, sku)| sku.clone()).collect();
    let read = pricing::SkuPricing::read(db, principal, buyer_id, &names).await?;
    let products = products_named(&read.products, &skus)?;
    for (i, (line, product)) in new.lines.iter().zip(&products).enumerate() {
        ensure_unit(i, line.unit, product)?;
    }
    let today = now().date_naive();
    let quantities: Vec<(&product::Model, Decimal)> = products
        .iter()
        .zip(&new.lines)
        .map(|(p, l)| (p, l.quantity))
        .collect();
    let (program, mut prices) = read.price(today, &quantities, &["input", "buyerId"], &|i| {
        line_field(i, "sku")
    })?;
    // A special price the order names prices the products it covers.
    let quantity_field = |i: usize| line_field(i, "quantity");
    let special_fields = buying::Fields {
        number: &["input", "specialPrice"],
        end_customer: &["input", "endCustomerId"],
        quantity: &quantity_field,
    };
    let special = match &new.special_price {
        Some(number) => {
            if Some(seller_id) != brand {
                return Err(Error::user(
                    special_fields.number,
                    ErrorCode::NotAllowed,
                    "a special price is the brand's: it applies to orders to the brand",
                ));
            }
            let agreement = buying::in_force(
                db,
                number,
                buyer_id,
                new.end_customer_id,
                today,
                &special_fields,
            )
            .await?;
            let uses = agreement.price(&quantities, &mut prices, &special_fields)?;
            Some((agreement, uses))
        }
        None if new.end_customer_id.is_some() => {
            return Err(Error::user(
                special_fields.end_customer,
                ErrorCode::NotAllowed,
                "an order names its end customer with the special price it is bought at",
            ));
        }
        None => None,
    };
    let currency = prices.first().map(|p| p.currency).ok_or_else(|| {
        Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "an order needs lines",
        )
    })?;
    if let Some(expected) = new.currency
        && expected != currency
    {
        return Err(Error::user(
            &["input", "currency"],
            ErrorCode::CurrencyMismatch,
            format!(
                "the buyer's prices are in {}, not {}",
                currency.code(),
                expected.code()
            ),
        ));
    }
    for (i, (line, price)) in new.lines.iter().zip(&prices).enumerate() {
        if price.currency != currency {
            return Err(user_error(
                &line_field(i, "sku"),
                ErrorCode::CurrencyMismatch,
                format!(
                    "{} is priced in {}, the rest of the order in {}",
                    line.sku,
                    price.currency.code(),
                    currency.code()
                ),
            ));
        }
        ensure_expected_price(
            i,
            "expectedUnitPrice",
            &line.sku,
            line.expected_unit_price,
            price.unit_price,
            currency,
        )?;
    }
    let amounts = line_amounts(
        new.lines
            .iter()
            .zip(&prices)
            .zip(&products)
            .map(|((l, p), product)| (l.quantity, p.unit_price, *product.tax_rate)),
        currency,
    )?;
    let total = amounts.total;
    ensure_total_in_range(total.amount, limits)?;
    if let Some(address) = new.ship_to_address_id {
        ensure_ship_to(db, address, buyer_id).await?;
    }
    let terms = program
        .as_ref()
        .map(|(tier, _)| tier.payment_terms_days)
        .unwrap_or(DEFAULT_PAYMENT_TERMS_DAYS);
    // Orders to the brand count against the buyer's credit limit; the check is made, and the
    // balance moved, in one statement at the end of the insert.
    let limit = if Some(seller_id) == brand {
        credit::limit_for(buyer, currency.code())
    } else {
        credit::Limit::None
    };
    let status = if matches!(limit, credit::Limit::Mismatch(_)) {
        OrderStatus::CreditHold
    } else {
        OrderStatus::Submitted
    };
    let mut priced: Vec<PricedLine> = new
        .lines
        .iter()
        .zip(&products)
        .zip(prices.iter().zip(&amounts.lines))
        .map(|((line, product), (price, (net, tax)))| PricedLine {
            line_number: line.line_number,
            product,
            buyer_part_number: line.buyer_part_number.clone(),
            quantity: line.quantity,
            unit_price: price.unit_price,
            source: price.source,
            total: net.amount,
            tax: tax.amount,
            requested_date: line.requested_date.or(new.requested_date),
            item: line.item.clone(),
            pack: line.pack.clone(),
            special_price_line: None,
        })
        .collect();
    if let Some((_, uses)) = &special {
        for (line, used) in priced.iter_mut().zip(uses) {
            line.special_price_line = *used;
        }
    }
    let header = Header {
        kind: OrderKind::Sales,
        number: match number {
            Some(number) => number,
            None => counters::next_number(db, "SO").await?,
        },
        buyer_id,
        seller_id,
        po_number: new.po_number.clone(),
        content_hash: hash,
        status,
        total,
        tax_total: amounts.tax.amount,
        requested_date: new.requested_date,
        ship_to_address_id: new.ship_to_address_id,
        one_time_ship_to: new.one_time_ship_to.clone(),
        ship_to_reference: new.ship_to_reference.clone(),
        payment_terms_days: terms,
        notes: new.notes.clone(),
        special_price_id: special.as_ref().map(|(a, _)| a.agreement.id),
        end_customer_id: new.end_customer_id.filter(|_| special.is_some()),
        brand_initiated: new.brand_initiated,
    };
    let (created, booked, lines) = insert(db, principal, header, priced, &limit).await?;
    if let Some((agreement, uses)) = &special {
        agreement
            .draw(db, &quantities, uses, &special_fields)
            .await?;
    }
    let hold = match limit {
        credit::Limit::Mismatch(reason) => Some((created.clone(), reason)),
        credit::Limit::Of(limit) if !booked => {
            let reason = credit::hold_reason(
                db,
                buyer_id,
                seller_id,
                total.amount,
                currency.code(),
                limit,
            )
            .await?;
            // Written as SUBMITTED a moment ago, in this transaction: it waits instead.
            let mut row: order::ActiveModel = created.clone().into();
            row.status = Set(OrderStatus::CreditHold);
            Some((row.update(db).await?, reason))
        }
        _ => None,
    };
    let written = |order| Submitted {
        order,
        lines,
        products,
    };
    let Some((held, reason)) = hold else {
        return Ok(written(created));
    };
    history::record(
        db,
        principal,
        &held,
        history::Step::CreditHold,
        Some(OrderStatus::Submitted),
        OrderStatus::CreditHold,
        &[],
        Some(reason),
    )
    .await?;
    Ok(written(held))
}

/// The amounts of an order's lines: each line's net amount and tax, rounded per line, and
/// the order's total (net plus tax) and tax.
pub struct Amounts {
    pub lines: Vec<(Money, Money)>,
    pub total: Money,
    pub tax: Money,
}

/// Nets and taxes of `(quantity, unit price, tax rate)` lines: per line, half-even, to the
/// currency's minor unit; totals are exact sums of the rounded lines.
pub fn line_amounts(
    lines: impl Iterator<Item = (Decimal, Decimal, Decimal)>,
    currency: crate::money::Currency,
) -> Result<Amounts> {
    let lines: Vec<(Money, Money)> = lines
        .map(|(quantity, price, rate)| {
            let net = Money::rounded(quantity * price, currency);
            let tax = crate::money::line_tax(net.amount, stored(rate), currency);
            (net, tax)
        })
        .collect();
    let all: Vec<Money> = lines.iter().flat_map(|(n, t)| [*n, *t]).collect();
    let taxes: Vec<Money> = lines.iter().map(|(_, t)| *t).collect();
    Ok(Amounts {
        total: Money::sum(&["input", "lines"], &all, currency)?,
        tax: Money::sum(&["input", "lines"], &taxes, currency)?,
        lines,
    })
}

/// An order as it is written, priced and checked.
struct Header {
    kind: OrderKind,
    number: String,
    buyer_id: Uuid,
    seller_id: Uuid,
    po_number: String,
    content_hash: String,
    status: OrderStatus,
    /// Net lines plus their tax.
    total: Money,
    tax_total: Decimal,
    requested_date: Option<chrono::NaiveDate>,
    ship_to_address_id: Option<Uuid>,
    one_time_ship_to: Option<OneTimeAddress>,
    ship_to_reference: Option<PartnerCode>,
    payment_terms_days: i32,
    notes: Option<String>,
    special_price_id: Option<Uuid>,
    end_customer_id: Option<Uuid>,
    brand_initiated: bool,
}

/// A line as it is written, priced.
pub(super) struct PricedLine<'a> {
    pub line_number: i32,
    pub product: &'a product::Model,
    pub buyer_part_number: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub source: PriceSource,
    /// Net: quantity times unit price, rounded.
    pub total: Decimal,
    pub tax: Decimal,
    pub requested_date: Option<chrono::NaiveDate>,
    pub item: Option<PartnerCode>,
    pub pack: Option<Pack>,
    /// The special price line it is priced by, where it is.
    pub special_price_line: Option<Uuid>,
}

/// The cost a line of `product` keeps in an order in `currency`: the product's standard cost
/// now, where it is costed in that currency.
pub(super) fn frozen_cost(product: &product::Model, currency: &str) -> Option<Decimal> {
    product
        .standard_cost
        .filter(|_| product.currency == currency)
        .map(stored)
}

impl PricedLine<'_> {
    /// What the line adds to its order's cost and margin, at the cost it freezes.
    pub(super) fn cost(&self, currency: &str) -> (Decimal, Decimal) {
        rollups::line_cost(
            self.quantity,
            None,
            self.total,
            frozen_cost(self.product, currency),
        )
    }
}

/// The row of a priced line of order `order_id`, in `currency`.
pub(super) fn line_row(
    order_id: Uuid,
    line: PricedLine<'_>,
    status: LineStatus,
    currency: &str,
) -> order_line::ActiveModel {
    let accepted = (status != LineStatus::Open).then_some(line.quantity.into());
    let unit_cost = frozen_cost(line.product, currency).map(Into::into);
    order_line::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(order_id),
        line_number: Set(line.line_number),
        product_id: Set(line.product.id),
        buyer_part_number: Set(line.buyer_part_number),
        item_qualifier: Set(line.item.as_ref().map(|i| i.qualifier.clone())),
        item_code: Set(line.item.map(|i| i.code)),
        ordered_unit: Set(line.pack.as_ref().map(|p| p.unit.clone())),
        pack_size: Set(line.pack.map(|p| p.size)),
        quantity: Set(line.quantity.into()),
        unit: Set(line.product.unit),
        unit_price: Set(line.unit_price.into()),
        ordered_unit_price: Set(None),
        price_source: Set(line.source),
        line_total: Set(line.total.into()),
        tax_rate: Set(line.product.tax_rate),
        tax_amount: Set(line.tax.into()),
        requested_date: Set(line.requested_date),
        status: Set(status),
        accepted_quantity: Set(accepted),
        promised_date: Set((status != LineStatus::Open)
            .then_some(line.requested_date)
            .flatten()),
        shipped_quantity: Set(Decimal::ZERO.into()),
        invoiced_quantity: Set(Decimal::ZERO.into()),
        unit_cost: Set(unit_cost),
        special_price_line_id: Set(line.special_price_line),
    }
}

/// Writes an order, its lines and the first step of its history, and moves its buyer's
/// balance: within `limit` when there is one, in the last statement, which says whether
/// the order fitted (`false`: nothing was booked; the caller holds the order). Answers
/// with the order and its lines as written.
async fn insert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    header: Header,
    lines: Vec<PricedLine<'_>>,
    limit: &credit::Limit,
) -> Result<(order::Model, bool, Vec<order_line::Model>)> {
    let at = now();
    let id = Uuid::now_v7();
    let total = header.total;
    let currency = total.currency.code();
    let (cost, margin) = lines
        .iter()
        .map(|line| line.cost(currency))
        .fold((Decimal::ZERO, Decimal::ZERO), |(c, m), (lc, lm)| {
            (c + lc, m + lm)
        });
    let ship_to = header.one_time_ship_to.unwrap_or_default();
    let row = order::ActiveModel {
        id: Set(id),
        kind: Set(header.kind),
        number: Set(header.number),
        buyer_id: Set(header.buyer_id),
        seller_id: Set(header.seller_id),
        buyer_po_number: Set(header.po_number),
        content_hash: Set(header.content_hash),
        status: Set(header.status),
        currency: Set(total.currency.code().to_owned()),
        total: Set(total.amount.into()),
        tax_total: Set(header.tax_total.into()),
        invoiced_amount: Set(Decimal::ZERO.into()),
        cost: Set(cost.into()),
        margin: Set(margin.into()),
        requested_date: Set(header.requested_date),
        ship_to_address_id: Set(header.ship_to_address_id),
        ship_to_name: Set(ship_to.name),
        ship_to_street: Set(ship_to.street),
        ship_to_city: Set(ship_to.city),
        ship_to_region: Set(ship_to.region),
        ship_to_postal_code: Set(ship_to.postal_code),
        ship_to_country: Set(ship_to.country),
        ship_to_qualifier: Set(header
            .ship_to_reference
            .as_ref()
            .map(|r| r.qualifier.clone())),
        ship_to_code: Set(header.ship_to_reference.map(|r| r.code)),
        payment_terms_days: Set(header.payment_terms_days),
        notes: Set(header.notes),
        change_count: Set(0),
        submitted_by: Set(principal.user_id()),
        submitted_at: Set(at),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        special_price_id: Set(header.special_price_id),
        end_customer_id: Set(header.end_customer_id),
        brand_initiated: Set(header.brand_initiated),
    };
    let created = sea_orm::TryIntoModel::try_into_model(row.clone())?;
    let rows: Vec<order_line::ActiveModel> = lines
        .into_iter()
        .map(|line| line_row(id, line, LineStatus::Open, currency))
        .collect();
    let written = rows
        .iter()
        .map(|row| sea_orm::TryIntoModel::try_into_model(row.clone()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    // The order, its lines and its first step in one batch: one statement on PostgreSQL.
    let mut writes = Writes::new();
    writes.insert(row);
    writes.insert_many(rows);
    history::record_into(
        &mut writes,
        principal,
        &created,
        history::Step::Submitted,
        None,
        OrderStatus::Submitted,
        &[Change::new(
            "total",
            None,
            Some(crate::money::label(total.amount, total.currency.code())),
        )],
        None,
    );
    // Counted in its month's rollup, and booked against its buyer's balance as the last of
    // its writes: on PostgreSQL all of it is one statement.
    let backend = db.get_database_backend();
    if let Some(rollup) = rollups::entering_new(&created, backend) {
        writes.insert_statement(rollup);
    }
    let booked = match credit::of_order(&created) {
        Some(share) => {
            let booking = credit::Booking::of(share, limit);
            let answer = writes.run_answering(db, booking.statement()?).await?;
            booking.settle(answer.is_some())?
        }
        None => {
            writes.run(db).await?;
            true
        }
    };
    Ok((created, booked, written))
}

pub fn unit_code(unit: entity::enums::UnitOfMeasure) -> String {
    use sea_orm::ActiveEnum;
    unit.to_value()
}

/// Raises a purchase order with a supplier at agreed prices. Staff act for the brand.
#[tracing::instrument(skip(db, principal, reactor, new, limits))]
pub async fn purchase(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    new: NewPurchaseOrder,
    limits: &TradeSettings,
) -> Result<order::Model> {
    principal.ensure_can_trade()?;
    let Parties { brand, read, .. } = parties(db, &[new.supplier_id], None, None).await?;
    let Some(brand_id) = brand.filter(|b| principal.acts_for(*b, brand)) else {
        return Err(Error::Forbidden(
            "purchase orders are raised by the brand's staff".into(),
        ));
    };
    let supplier = live_org(&read, new.supplier_id, "supplierId")?;
    if supplier.kind != OrganizationKind::Supplier {
        return Err(Error::user(
            &["input", "supplierId"],
            ErrorCode::NotAllowed,
            format!("{} is not a supplier", supplier.code),
        ));
    }
    let numbers: Vec<i32> = new.lines.iter().map(|l| l.line_number).collect();
    ensure_unique_line_numbers(&numbers)?;
    let skus: Vec<(usize, String)> = new
        .lines
        .iter()
        .map(|l| l.sku.clone())
        .enumerate()
        .collect();
    let products = line_products(db, principal, &skus).await?;
    let named: Vec<&product::Model> = products.iter().collect();
    ensure_supplier_makes(db, supplier, &named, |j| j).await?;
    let amounts = line_amounts(
        new.lines
            .iter()
            .zip(&products)
            .map(|(l, product)| (l.quantity, l.unit_price, *product.tax_rate)),
        new.currency,
    )?;
    let total = amounts.total;
    ensure_total_in_range(total.amount, limits)?;
    if let Some(address) = new.ship_to_address_id {
        ensure_ship_to(db, address, brand_id).await?;
    }
    let number = counters::next_number(db, "PO").await?;
    let priced = new
        .lines
        .iter()
        .zip(&products)
        .zip(&amounts.lines)
        .map(|((line, product), (net, tax))| PricedLine {
            line_number: line.line_number,
            product,
            buyer_part_number: None,
            quantity: line.quantity,
            unit_price: line.unit_price,
            source: PriceSource::Agreed,
            total: net.amount,
            tax: tax.amount,
            requested_date: line.requested_date.or(new.requested_date),
            item: None,
            pack: None,
            special_price_line: None,
        })
        .collect();
    let header = Header {
        kind: OrderKind::Purchase,
        number: number.clone(),
        buyer_id: brand_id,
        seller_id: supplier.id,
        content_hash: number.clone(),
        po_number: number,
        status: OrderStatus::Submitted,
        total,
        tax_total: amounts.tax.amount,
        requested_date: new.requested_date,
        ship_to_address_id: new.ship_to_address_id,
        one_time_ship_to: None,
        ship_to_reference: None,
        payment_terms_days: DEFAULT_PAYMENT_TERMS_DAYS,
        notes: new.notes.clone(),
        special_price_id: None,
        end_customer_id: None,
        brand_initiated: false,
    };
    let (created, _, _) = insert(db, principal, header, priced, &credit::Limit::None).await?;
    reactor
        .react(db, Happened::PurchaseOrdered { order: &created })
        .await?;
    Ok(created)
}
