//! Ship-and-debit claims. After selling to an end customer at a special price, a
//! distributor claims back what it paid the brand above the authorised price, sale by sale:
//! (cost paid − authorised price) × quantity. Each line is checked as it is filed, against
//! - the agreement: it covers the product, and the sale falls within its validity;
//! - the distributor's sales reports: they name the end customer buying the product in a
//!   period holding the sale, and more of it than is claimed already;
//! - its purchases from the brand: shipped in the year before the sale, at the cost claimed
//!   or more, and more of them than are claimed already;
//! - the cap: what the agreement has left;
//! - claims already made: a sale (the distributor's invoice and the product) is claimed once.
//!
//! Each line gets its result (`VALID`, `ADJUSTED` to what the data supports, or `REJECTED`)
//! with its reasons. The quantity a line is allowed is drawn from the agreement's cap when
//! it is filed, as an order at the special price draws it. A distributor's claims are filed
//! one at a time (its organization's row is locked), so each is checked against every claim
//! before it. The brand's staff approve the results, overriding a line with a reason, or
//! reject the claim, which gives back what it drew.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::claim::{self, Column, Entity};
use entity::claim_line::{self as line, Entity as Lines};
use entity::enums::{
    ClaimLineResult, ClaimSource, ClaimStatus, LineStatus, OrderKind, PriceSource,
    SpecialPriceStatus,
};
use entity::{
    order, order_line, organization, product, sell_through_report, sell_through_report_line,
    special_price, special_price_line,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationDef, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::{Currency, Money, stored};
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// The most lines one claim carries.
pub const MAX_LINES: usize = 500;
/// How long before a sale the purchases it was sold from may be.
pub const PURCHASE_WINDOW_DAYS: u64 = 365;
/// The longest reference and invoice number read (X12 element 127 in 004010).
pub const REFERENCE_MAX: usize = 30;
pub const NOTE_MAX: usize = 2000;

/// One sale claimed.
#[derive(Clone, Debug)]
pub struct NewClaimLine {
    pub sku: String,
    /// The distributor's invoice to the end customer.
    pub invoice: String,
    pub sold_on: NaiveDate,
    pub quantity: Decimal,
    /// What the distributor paid the brand a unit.
    pub paid_cost: Decimal,
}

impl NewClaimLine {
    /// Line `i` of a claim, checked: a SKU, the invoice, a quantity and a unit cost within
    /// the limits.
    pub fn checked(
        i: usize,
        sku: &str,
        invoice: &str,
        sold_on: NaiveDate,
        quantity: Decimal,
        paid_cost: Decimal,
        limits: &crate::settings::TradeSettings,
    ) -> Result<Self> {
        let index = i.to_string();
        let at = |name: &'static str| ["input", "lines", index.as_str(), name];
        Ok(NewClaimLine {
            sku: crate::domain::sku(&at("sku"), sku)?,
            invoice: crate::domain::required_text(&at("invoice"), invoice, REFERENCE_MAX)?,
            sold_on,
            quantity: crate::money::quantity(&at("quantity"), quantity, limits.max_quantity)?,
            paid_cost: crate::money::unit_price(&at("paidCost"), paid_cost, limits.max_amount)?,
        })
    }
}

/// A claim carries 1 to [`MAX_LINES`] sales.
pub fn check_line_count(count: usize) -> Result<()> {
    if count == 0 || count > MAX_LINES {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::OutOfRange,
            format!("a claim carries 1 to {MAX_LINES} lines"),
        ));
    }
    Ok(())
}

/// A claim as a distributor files it.
#[derive(Clone, Debug)]
pub struct NewClaim {
    /// The distributor, where the brand's staff file for it (an interchange the distributor
    /// sent them); a distributor files its own.
    pub distributor: Option<Uuid>,
    /// The agreement's authorisation number.
    pub special_price: String,
    /// The distributor's own debit number.
    pub reference: String,
    pub source: ClaimSource,
    pub lines: Vec<NewClaimLine>,
}

/// The brand's own result for a line, with why.
#[derive(Clone, Debug)]
pub struct Override {
    pub line_number: i32,
    pub result: ClaimLineResult,
    pub reason: String,
}

fn line_field(i: usize, name: &str) -> Vec<String> {
    vec!["input".into(), "lines".into(), i.to_string(), name.into()]
}

fn at(field: &[String]) -> Vec<&str> {
    field.iter().map(String::as_str).collect()
}

/// What a line was allowed by an earlier claim, or earlier in this one.
struct Claimed {
    product: Uuid,
    invoice: String,
    special_price_line: Option<Uuid>,
    allowed: Decimal,
    number: String,
}

/// A shipped purchase of a product from the brand.
struct Purchase {
    product: Uuid,
    on: NaiveDate,
    unit_price: Decimal,
    shipped: Decimal,
    number: String,
}

/// A current sales report's line naming the end customer.
struct Sold {
    product: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    quantity: Decimal,
}

/// A line as checked.
struct Checked {
    special_price_line: Option<Uuid>,
    authorized: Decimal,
    claimed: Decimal,
    result: ClaimLineResult,
    reasons: Vec<String>,
    allowed_quantity: Decimal,
    allowed_cost: Decimal,
    allowed: Decimal,
}

/// The lines of `distributor`'s claims for `products` that still stand, with what each
/// allowed: every check a line makes is of its own product.
async fn claimed_before(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    products: &[Uuid],
) -> Result<Vec<Claimed>> {
    let rows: Vec<(line::Model, Option<claim::Model>)> = Lines::find()
        .join(JoinType::InnerJoin, claim_of())
        .select_also(Entity)
        .filter(Column::DistributorId.eq(distributor))
        .filter(line::Column::ProductId.is_in(products.iter().copied()))
        .filter(Column::Status.ne(ClaimStatus::Rejected))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(l, c)| {
            let effective = l.decided.unwrap_or(l.result);
            (effective != ClaimLineResult::Rejected).then(|| Claimed {
                product: l.product_id,
                invoice: l.invoice,
                special_price_line: l.special_price_line_id,
                allowed: stored(l.allowed_quantity),
                number: c.map(|c| c.number).unwrap_or_default(),
            })
        })
        .collect())
}

fn claim_of() -> RelationDef {
    Lines::belongs_to(Entity)
        .from(line::Column::ClaimId)
        .to(Column::Id)
        .into()
}

/// The distributor's shipped purchases of `products` from the brand, not at a special
/// price, in the window before the latest sale.
async fn purchases(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    brand: Uuid,
    products: &[Uuid],
    until: NaiveDate,
) -> Result<Vec<Purchase>> {
    let from = until
        .checked_sub_days(Days::new(PURCHASE_WINDOW_DAYS + 366))
        .unwrap_or(until);
    let rows: Vec<(order_line::Model, Option<order::Model>)> = order_line::Entity::find()
        .join(
            JoinType::InnerJoin,
            order_line::Entity::belongs_to(order::Entity)
                .from(order_line::Column::OrderId)
                .to(order::Column::Id)
                .into(),
        )
        .select_also(order::Entity)
        .filter(order::Column::BuyerId.eq(distributor))
        .filter(order::Column::SellerId.eq(brand))
        .filter(order::Column::Kind.eq(OrderKind::Sales))
        .filter(
            order::Column::SubmittedAt.gte(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        )
        .filter(order_line::Column::ProductId.is_in(products.iter().copied()))
        .filter(order_line::Column::PriceSource.ne(PriceSource::SpecialPrice))
        .filter(order_line::Column::Status.ne(LineStatus::Cancelled))
        .filter(order_line::Column::ShippedQuantity.gt(0))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(l, o)| {
            let o = o?;
            Some(Purchase {
                product: l.product_id,
                on: o.submitted_at.date_naive(),
                unit_price: stored(l.unit_price),
                shipped: stored(l.shipped_quantity),
                number: o.number,
            })
        })
        .collect())
}

/// The distributor's current sales reports' lines naming `customer`, for `products`.
async fn sold_to(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    customer: Uuid,
    products: &[Uuid],
) -> Result<Vec<Sold>> {
    let rows: Vec<(
        sell_through_report_line::Model,
        Option<sell_through_report::Model>,
    )> = sell_through_report_line::Entity::find()
        .join(
            JoinType::InnerJoin,
            sell_through_report_line::Entity::belongs_to(sell_through_report::Entity)
                .from(sell_through_report_line::Column::ReportId)
                .to(sell_through_report::Column::Id)
                .into(),
        )
        .select_also(sell_through_report::Entity)
        .filter(sell_through_report::Column::OrganizationId.eq(distributor))
        .filter(sell_through_report::Column::ReplacedAt.is_null())
        .filter(sell_through_report_line::Column::EndCustomerId.eq(customer))
        .filter(sell_through_report_line::Column::ProductId.is_in(products.iter().copied()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(l, r)| {
            let r = r?;
            Some(Sold {
                product: l.product_id,
                from: r.period_start,
                to: r.period_end,
                quantity: stored(l.quantity_sold),
            })
        })
        .collect())
}

/// What was asked for a line of `product`, checked against everything else the distributor
/// has claimed (`claimed`, this claim's earlier lines included), reported and bought.
#[allow(clippy::too_many_arguments)]
fn check(
    asked: &NewClaimLine,
    product: &product::Model,
    agreement: &special_price::Model,
    covered: Option<&special_price_line::Model>,
    claimed: &[Claimed],
    drawn_here: Decimal,
    sold: &[Sold],
    bought: &[Purchase],
    customer_code: &str,
    currency: Currency,
) -> Checked {
    let number = agreement.number.as_deref().unwrap_or_default();
    let sku = &product.sku;
    let q = asked.quantity;
    let authorized = covered
        .and_then(|l| l.authorized_price)
        .map(stored)
        .unwrap_or_default();
    let amount = |cost: Decimal, quantity: Decimal| {
        Money::rounded((cost - authorized).max(Decimal::ZERO) * quantity, currency).amount
    };
    let claimed_amount = amount(asked.paid_cost, q);
    let mut reasons: Vec<String> = Vec::new();
    let mut rejected = false;
    let mut allowed_quantity = q;
    let mut allowed_cost = asked.paid_cost;
    let mut reject = |reasons: &mut Vec<String>, text: String| {
        reasons.push(text);
        rejected = true;
    };
    let label = |v: Decimal| crate::money::label(v, currency.code());
    let Some(covered) = covered else {
        reject(
            &mut reasons,
            format!("NOT_COVERED: {number} does not cover {sku}"),
        );
        return finish(
            None,
            authorized,
            claimed_amount,
            reasons,
            q,
            asked.paid_cost,
            true,
            amount,
        );
    };
    if asked.sold_on < agreement.valid_from || asked.sold_on > agreement.valid_until {
        reject(
            &mut reasons,
            format!(
                "OUTSIDE_VALIDITY: sold on {}; {number} runs from {} to {}",
                asked.sold_on, agreement.valid_from, agreement.valid_until
            ),
        );
    }
    if asked.paid_cost <= authorized {
        reject(
            &mut reasons,
            format!(
                "NOTHING_TO_CLAIM: the cost claimed is not above the authorised price of {}",
                label(authorized)
            ),
        );
    }
    if let Some(earlier) = claimed
        .iter()
        .find(|c| c.product == product.id && c.invoice == asked.invoice)
    {
        reject(
            &mut reasons,
            format!(
                "DUPLICATE: {sku} of invoice {} is already claimed on {}",
                asked.invoice, earlier.number
            ),
        );
    }
    // The sales reports: a period holding the sale names the customer buying it, and more
    // is reported over the agreement's validity than other lines claim.
    let reported_then = sold
        .iter()
        .any(|s| s.product == product.id && s.from <= asked.sold_on && asked.sold_on <= s.to);
    if !reported_then {
        reject(
            &mut reasons,
            format!(
                "NOT_REPORTED: no sales report of yours for a period holding {} names {customer_code} buying {sku}",
                asked.sold_on
            ),
        );
    } else {
        let reported: Decimal = sold
            .iter()
            .filter(|s| {
                s.product == product.id
                    && s.to >= agreement.valid_from
                    && s.from <= agreement.valid_until
            })
            .map(|s| s.quantity)
            .sum();
        let already: Decimal = claimed
            .iter()
            .filter(|c| c.special_price_line == Some(covered.id))
            .map(|c| c.allowed)
            .sum();
        let left = reported - already;
        if left <= Decimal::ZERO {
            reject(
                &mut reasons,
                format!(
                    "SALES_CLAIMED: your reports show {} {sku} sold to {customer_code}, all of them claimed already",
                    reported.normalize()
                ),
            );
        } else if left < allowed_quantity {
            allowed_quantity = left;
            reasons.push(format!(
                "SALES_REPORTED: your reports show {} {sku} sold to {customer_code}; {} are claimed already",
                reported.normalize(),
                already.normalize()
            ));
        }
    }
    // The purchases: shipped in the year before the sale, at the cost claimed, and more of
    // them than other lines claim.
    let window_from = asked
        .sold_on
        .checked_sub_days(Days::new(PURCHASE_WINDOW_DAYS))
        .unwrap_or(asked.sold_on);
    let before: Vec<&Purchase> = bought
        .iter()
        .filter(|p| p.product == product.id && p.on <= asked.sold_on && p.on >= window_from)
        .collect();
    match before.iter().max_by_key(|p| (p.on, p.number.clone())) {
        None => reject(
            &mut reasons,
            format!(
                "NO_PURCHASES: no shipped purchase of {sku} in the {PURCHASE_WINDOW_DAYS} days before the sale"
            ),
        ),
        Some(last) => {
            if asked.paid_cost > last.unit_price {
                allowed_cost = last.unit_price;
                if allowed_cost <= authorized {
                    reject(
                        &mut reasons,
                        format!(
                            "NOTHING_TO_CLAIM: your last purchase of {sku} before the sale ({}) was at {}, not above the authorised price",
                            last.number,
                            label(last.unit_price)
                        ),
                    );
                } else {
                    reasons.push(format!(
                        "COST_ABOVE_PURCHASE: your last purchase of {sku} before the sale ({}) was at {}, not {}",
                        last.number,
                        label(last.unit_price),
                        label(asked.paid_cost)
                    ));
                }
            }
            let shipped: Decimal = before.iter().map(|p| p.shipped).sum();
            let already: Decimal = claimed
                .iter()
                .filter(|c| c.product == product.id)
                .map(|c| c.allowed)
                .sum();
            let left = shipped - already;
            if left <= Decimal::ZERO {
                reject(
                    &mut reasons,
                    format!(
                        "PURCHASES_CLAIMED: the {} {sku} shipped to you in the year before the sale are all claimed already",
                        shipped.normalize()
                    ),
                );
            } else if left < allowed_quantity {
                allowed_quantity = left;
                reasons.push(format!(
                    "PURCHASES: {} {sku} were shipped to you in the year before the sale; {} are claimed already",
                    shipped.normalize(),
                    already.normalize()
                ));
            }
        }
    }
    // The cap, less what this claim's earlier lines drew.
    let cap_left = crate::channel_money::buying::left(covered) - drawn_here;
    if cap_left <= Decimal::ZERO {
        reject(
            &mut reasons,
            format!("CAP_USED: {number} has no {sku} left at its price"),
        );
    } else if cap_left < allowed_quantity {
        allowed_quantity = cap_left;
        reasons.push(format!(
            "CAP: {number} has {} {sku} left at its price",
            cap_left.normalize()
        ));
    }
    finish(
        Some(covered.id),
        authorized,
        claimed_amount,
        reasons,
        allowed_quantity,
        allowed_cost,
        rejected,
        amount,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    special_price_line: Option<Uuid>,
    authorized: Decimal,
    claimed: Decimal,
    reasons: Vec<String>,
    allowed_quantity: Decimal,
    allowed_cost: Decimal,
    rejected: bool,
    amount: impl Fn(Decimal, Decimal) -> Decimal,
) -> Checked {
    if rejected {
        return Checked {
            special_price_line,
            authorized,
            claimed,
            result: ClaimLineResult::Rejected,
            reasons,
            allowed_quantity: Decimal::ZERO,
            allowed_cost,
            allowed: Decimal::ZERO,
        };
    }
    Checked {
        special_price_line,
        authorized,
        claimed,
        result: if reasons.is_empty() {
            ClaimLineResult::Valid
        } else {
            ClaimLineResult::Adjusted
        },
        reasons,
        allowed_quantity,
        allowed_cost,
        allowed: amount(allowed_cost, allowed_quantity),
    }
}

/// Moves what an agreement line has used by `by`; a rise only where its cap holds it.
async fn draw(db: &impl ConnectionTrait, line: Uuid, by: Decimal) -> Result<bool> {
    crate::channel_money::buying::move_consumed(db, line, by).await
}

/// A distributor files a claim: its managers and finance people, or its systems with
/// `orders:write`. Each line is checked and gets its result; the claim gets its number.
pub async fn submit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewClaim,
) -> Result<(claim::Model, Vec<line::Model>)> {
    use entity::enums::UserRole;
    // A person files as a manager or in finance; a system with orders:write.
    if principal.user_id().is_some() && principal.partner_organization().is_some() {
        principal.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerFinance])?;
    } else {
        principal.ensure_can_trade()?;
    }
    let distributor = match (principal.partner_organization(), new.distributor) {
        (Some(own), None) => own,
        (Some(own), Some(named)) if own == named => own,
        // The brand's staff pass on a distributor's interchange.
        (None, Some(named)) if matches!(principal, Principal::Staff { .. } | Principal::System) => {
            named
        }
        _ => {
            return Err(Error::Forbidden(
                "claims are filed by distributors; the brand approves or rejects them".into(),
            ));
        }
    };
    crate::program::terms::ensure_accepted(db, principal).await?;
    // One claim of a distributor at a time, each checked against all before it.
    organization::Entity::find_by_id(distributor)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a partner's organization is missing".into()))?;
    if let Some(filed) = Entity::find()
        .filter(Column::DistributorId.eq(distributor))
        .filter(Column::Reference.eq(&new.reference))
        .one(db)
        .await?
    {
        return Err(Error::user(
            &["input", "reference"],
            ErrorCode::Duplicate,
            format!(
                "your claim {} was filed already, as {}",
                new.reference, filed.number
            ),
        ));
    }
    let number = new.special_price.trim().to_uppercase();
    let agreement = special_price::Entity::find()
        .filter(special_price::Column::Number.eq(&number))
        .filter(special_price::Column::DistributorId.eq(distributor))
        .filter(special_price::Column::Status.eq(SpecialPriceStatus::Approved))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "specialPrice"],
                ErrorCode::NotFound,
                format!("no special price {number} is authorised for you"),
            )
        })?;
    let currency = Currency::parse(&[], &agreement.currency)
        .map_err(|_| Error::Internal("a special price has an unknown currency".into()))?;
    let covered = special_price_line::Entity::find()
        .filter(special_price_line::Column::SpecialPriceId.eq(agreement.id))
        .all(db)
        .await?;
    let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
    let found = crate::catalog::products::by_skus(db, principal, &skus).await?;
    let mut products = Vec::with_capacity(new.lines.len());
    for (i, l) in new.lines.iter().enumerate() {
        let product = found.get(&l.sku).ok_or_else(|| {
            Error::user(
                &at(&line_field(i, "sku")),
                ErrorCode::NotFound,
                format!("no product has SKU {}", l.sku),
            )
        })?;
        products.push(product.clone());
    }
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let today = now().date_naive();
    for (i, l) in new.lines.iter().enumerate() {
        if l.sold_on > today {
            return Err(Error::user(
                &at(&line_field(i, "soldOn")),
                ErrorCode::OutOfRange,
                format!(
                    "{} is in the future; claim a sale once it is made",
                    l.sold_on
                ),
            ));
        }
    }
    let latest = new.lines.iter().map(|l| l.sold_on).max().unwrap_or(today);
    let bought = purchases(db, distributor, brand, &ids, latest).await?;
    let sold = sold_to(db, distributor, agreement.end_customer_id, &ids).await?;
    let mut claimed = claimed_before(db, distributor, &ids).await?;
    let customer = organization::Entity::find_by_id(agreement.end_customer_id)
        .one(db)
        .await?
        .map(|o| o.code)
        .unwrap_or_default();

    let id = Uuid::now_v7();
    let claim_number =
        crate::orders::counters::number("CLM", crate::orders::counters::next(db, "CLM").await?);
    let mut drawn: HashMap<Uuid, Decimal> = HashMap::new();
    let mut rows = Vec::with_capacity(new.lines.len());
    for (i, (asked, product)) in new.lines.iter().zip(&products).enumerate() {
        let line_of = covered
            .iter()
            .find(|l| l.product_id == product.id && l.authorized_price.is_some());
        let here = line_of
            .and_then(|l| drawn.get(&l.id).copied())
            .unwrap_or_default();
        let checked = check(
            asked, product, &agreement, line_of, &claimed, here, &sold, &bought, &customer,
            currency,
        );
        if let Some(l) = checked.special_price_line
            && checked.allowed_quantity > Decimal::ZERO
        {
            *drawn.entry(l).or_default() += checked.allowed_quantity;
        }
        claimed.push(Claimed {
            product: product.id,
            invoice: asked.invoice.clone(),
            special_price_line: checked.special_price_line,
            allowed: checked.allowed_quantity,
            number: format!("line {} of {claim_number}", i + 1),
        });
        rows.push(line::Model {
            id: Uuid::now_v7(),
            claim_id: id,
            line_number: i as i32 + 1,
            product_id: product.id,
            special_price_line_id: checked.special_price_line,
            invoice: asked.invoice.clone(),
            sold_on: asked.sold_on,
            quantity: asked.quantity.into(),
            paid_cost: asked.paid_cost.into(),
            authorized_cost: checked.authorized.into(),
            claimed_amount: checked.claimed.into(),
            result: checked.result,
            reasons: (!checked.reasons.is_empty()).then(|| checked.reasons.join("\n")),
            allowed_quantity: checked.allowed_quantity.into(),
            allowed_cost: checked.allowed_cost.into(),
            allowed_amount: checked.allowed.into(),
            decided: None,
            override_reason: None,
        });
    }
    // What the lines are allowed comes out of the caps, in one conditional statement each.
    for (line, quantity) in &drawn {
        if !draw(db, *line, *quantity).await? {
            return Err(Error::user(
                &["input", "specialPrice"],
                ErrorCode::Conflict,
                "the special price's cap moved while the claim was checked; file it again",
            ));
        }
    }
    let sum = |f: fn(&line::Model) -> Decimal| -> Result<Decimal> {
        let amounts: Vec<Money> = rows
            .iter()
            .map(|l| Money::rounded(f(l), currency))
            .collect();
        Ok(Money::sum(&["input", "lines"], &amounts, currency)?.amount)
    };
    let at_time = now();
    let created = claim::Model {
        id,
        number: claim_number,
        distributor_id: distributor,
        special_price_id: agreement.id,
        reference: new.reference,
        source: new.source,
        status: ClaimStatus::Submitted,
        currency: agreement.currency.clone(),
        claimed_amount: sum(|l| stored(l.claimed_amount))?.into(),
        allowed_amount: sum(|l| stored(l.allowed_amount))?.into(),
        approved_amount: None,
        submitted_by: principal.user_id(),
        submitted_at: at_time,
        decided_by: None,
        decided_at: None,
        decision_note: None,
        credit_memo_id: None,
        created_at: at_time,
        updated_at: at_time,
        version: 1,
    };
    let mut writes = crate::writes::Writes::new();
    writes.insert(claim::ActiveModel::from(created.clone()));
    writes.insert_many(rows.iter().cloned().map(line::ActiveModel::from));
    writes.run(db).await?;
    crate::changes::recorded::<Entity>(db, principal, Action::ClaimSubmit, None, &created).await?;
    announce(db, EventType::ClaimSubmitted, &created, &rows).await?;
    Ok((created, rows))
}

/// The event of a step, for the distributor (and the brand's staff and endpoints).
async fn announce(
    db: &impl ConnectionTrait,
    event_type: EventType,
    claim: &claim::Model,
    lines: &[line::Model],
) -> Result<()> {
    let currency = claim.currency.as_str();
    let amount = |v: Decimal| json!({ "amount": crate::money::shown(v, currency).to_string(), "currency": currency });
    let data = json!({
        "claim": {
            "id": events::gid(NodeType::Claim, claim.id),
            "number": claim.number,
            "reference": claim.reference,
            "status": sea_orm::ActiveEnum::to_value(&claim.status),
            "claimedAmount": amount(stored(claim.claimed_amount)),
            "allowedAmount": amount(stored(claim.allowed_amount)),
            "approvedAmount": claim.approved_amount.map(|a| amount(stored(a))),
        },
        "distributorId": events::gid(NodeType::Organization, claim.distributor_id),
        "specialPriceId": events::gid(NodeType::SpecialPrice, claim.special_price_id),
        "lines": lines.iter().map(|l| json!({
            "lineNumber": l.line_number,
            "result": sea_orm::ActiveEnum::to_value(&l.decided.unwrap_or(l.result)),
            "allowedAmount": amount(stored(l.allowed_amount)),
        })).collect::<Vec<_>>(),
    });
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: claim.id,
            order_id: None,
            audience: vec![claim.distributor_id],
            data,
        },
    )
    .await?;
    Ok(())
}

fn not_waiting(claim: &claim::Model) -> Error {
    Error::user(
        &["input", "id"],
        ErrorCode::IllegalTransition,
        format!(
            "claim {} is {}; only a submitted one is decided",
            claim.number,
            sea_orm::ActiveEnum::to_value(&claim.status).to_lowercase()
        ),
    )
}

async fn lines_of_one(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<line::Model>> {
    Ok(Lines::find()
        .filter(line::Column::ClaimId.eq(id))
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?)
}

/// The 849 to a distributor that trades by X12.
async fn answer_by_x12(
    db: &impl ConnectionTrait,
    claim: &claim::Model,
    lines: &[line::Model],
) -> Result<()> {
    let number = special_price::Entity::find_by_id(claim.special_price_id)
        .one(db)
        .await?
        .and_then(|a| a.number)
        .unwrap_or_default();
    crate::edi::outbound::claim_answered(db, claim, lines, &number).await
}

/// Claims are decided by the brand's admins and managers.
fn ensure_can_decide(principal: &Principal) -> Result<()> {
    principal.ensure_can_manage_catalog().map_err(|e| match e {
        Error::Forbidden(_) => {
            Error::Forbidden("claims are decided by the brand's admins and managers".into())
        }
        other => other,
    })
}

/// The brand approves a claim at what its lines allow: its admins and managers. A line may
/// be overridden, with a reason: `REJECTED` gives back what it drew from the cap; `VALID`
/// allows it as claimed, drawing the rest from the cap where the cap holds it.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    overrides: Vec<Override>,
    note: Option<String>,
) -> Result<(claim::Model, Vec<line::Model>)> {
    ensure_can_decide(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != ClaimStatus::Submitted {
        return Err(not_waiting(&current));
    }
    let currency = Currency::parse(&[], &current.currency)
        .map_err(|_| Error::Internal("a claim has an unknown currency".into()))?;
    let mut lines = lines_of_one(db, id).await?;
    for (i, o) in overrides.iter().enumerate() {
        let field = |name: &str| {
            vec![
                "input".to_owned(),
                "overrides".to_owned(),
                i.to_string(),
                name.to_owned(),
            ]
        };
        if overrides[..i]
            .iter()
            .any(|p| p.line_number == o.line_number)
        {
            return Err(Error::user(
                &at(&field("lineNumber")),
                ErrorCode::Duplicate,
                format!("line {} is overridden twice", o.line_number),
            ));
        }
        let Some(l) = lines.iter_mut().find(|l| l.line_number == o.line_number) else {
            return Err(Error::user(
                &at(&field("lineNumber")),
                ErrorCode::NotFound,
                format!("claim {} has no line {}", current.number, o.line_number),
            ));
        };
        let was = stored(l.allowed_quantity);
        match o.result {
            ClaimLineResult::Rejected => {
                if let Some(spa_line) = l.special_price_line_id
                    && was > Decimal::ZERO
                {
                    draw(db, spa_line, -was).await?;
                }
                l.allowed_quantity = Decimal::ZERO.into();
                l.allowed_amount = Decimal::ZERO.into();
            }
            ClaimLineResult::Valid => {
                let Some(spa_line) = l.special_price_line_id else {
                    return Err(Error::user(
                        &at(&field("result")),
                        ErrorCode::NotAllowed,
                        format!(
                            "line {} is for a product the special price does not cover",
                            l.line_number
                        ),
                    ));
                };
                let more = stored(l.quantity) - was;
                if more > Decimal::ZERO && !draw(db, spa_line, more).await? {
                    return Err(Error::user(
                        &at(&field("result")),
                        ErrorCode::OutOfRange,
                        format!(
                            "the special price's cap has too little left to allow line {} as claimed",
                            l.line_number
                        ),
                    ));
                }
                l.allowed_quantity = l.quantity;
                l.allowed_cost = l.paid_cost;
                l.allowed_amount = l.claimed_amount;
            }
            ClaimLineResult::Adjusted => {
                return Err(Error::user(
                    &at(&field("result")),
                    ErrorCode::Invalid,
                    "an override allows a line as claimed (VALID) or nothing (REJECTED)",
                ));
            }
        }
        l.decided = Some(o.result);
        l.override_reason = Some(o.reason.clone());
        let mut row: line::ActiveModel = l.clone().into();
        row.allowed_quantity = Set(l.allowed_quantity);
        row.allowed_cost = Set(l.allowed_cost);
        row.allowed_amount = Set(l.allowed_amount);
        row.decided = Set(l.decided);
        row.override_reason = Set(l.override_reason.clone());
        row.update(db).await?;
    }
    let amounts: Vec<Money> = lines
        .iter()
        .map(|l| Money::rounded(stored(l.allowed_amount), currency))
        .collect();
    let allowed = Money::sum(&["input"], &amounts, currency)?.amount;
    // What is approved is settled at once, by a credit memo.
    let memo = if allowed > Decimal::ZERO {
        let line = super::credit_memos::NewCreditLine {
            source: entity::enums::CreditSource::ShipAndDebit,
            source_id: current.id,
            description: format!("claim {} ({})", current.number, current.reference),
            amount: allowed,
        };
        let (memo, _) = super::credit_memos::issue(
            db,
            principal,
            current.distributor_id,
            &current.currency,
            vec![line],
        )
        .await?;
        Some(memo.id)
    } else {
        None
    };
    let before = current.clone();
    let mut row: claim::ActiveModel = current.into();
    row.status = Set(ClaimStatus::Approved);
    row.credit_memo_id = Set(memo);
    row.allowed_amount = Set(allowed.into());
    row.approved_amount = Set(Some(allowed.into()));
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(note);
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::ClaimApprove, &before, row).await?;
    announce(db, EventType::ClaimApproved, &saved, &lines).await?;
    answer_by_x12(db, &saved, &lines).await?;
    Ok((saved, lines))
}

/// The brand rejects a whole claim, with the reason: what its lines drew returns to the
/// caps.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<(claim::Model, Vec<line::Model>)> {
    ensure_can_decide(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != ClaimStatus::Submitted {
        return Err(not_waiting(&current));
    }
    let lines = lines_of_one(db, id).await?;
    for l in &lines {
        let was = stored(l.allowed_quantity);
        if let Some(spa_line) = l.special_price_line_id
            && was > Decimal::ZERO
        {
            draw(db, spa_line, -was).await?;
        }
    }
    let before = current.clone();
    let mut row: claim::ActiveModel = current.into();
    row.status = Set(ClaimStatus::Rejected);
    row.approved_amount = Set(None);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::ClaimReject, &before, row).await?;
    announce(db, EventType::ClaimRejected, &saved, &lines).await?;
    answer_by_x12(db, &saved, &lines).await?;
    Ok((saved, lines))
}

/// The claims a principal sees: every one for staff; its own company's for a partner whose
/// roles see all of its invoices (claims are money owed to it).
fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(Column::DistributorId))
        .add(principal.reaching_all(Records::Invoices))
}

/// Which claims a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClaimFilter {
    pub distributor_id: Option<Uuid>,
    pub special_price_id: Option<Uuid>,
    pub status: Option<ClaimStatus>,
}

fn claims(principal: &Principal, filter: &ClaimFilter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.distributor_id {
        query = query.filter(Column::DistributorId.eq(org));
    }
    if let Some(agreement) = filter.special_price_id {
        query = query.filter(Column::SpecialPriceId.eq(agreement));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Claims, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ClaimFilter,
    page: &PageRequest,
) -> Result<Page<claim::Model>> {
    store::page_of(
        db,
        claims(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ClaimFilter,
) -> Result<u64> {
    Ok(claims(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, claim::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The claims among `ids` the principal sees: none for one that does not read claims.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, claim::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The lines of claims the principal sees, by line number.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    principal.ensure_can_read_orders()?;
    let seen = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .into_query();
    let rows = Lines::find()
        .filter(line::Column::ClaimId.in_subquery(seen))
        .order_by_asc(line::Column::ClaimId)
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.claim_id))
}

impl Recorded for Entity {
    fn id_of(model: &claim::Model) -> Uuid {
        model.id
    }
}
