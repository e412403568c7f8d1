//! Credit: a buyer's exposure to the brand is what its open orders will still invoice plus
//! what its invoices still owe. An order that would take the exposure past the credit limit
//! waits in CREDIT_HOLD until a manager releases or rejects it.
//!
//! Exposure is kept as a running balance per buyer, seller and currency (`credit_balances`),
//! so the check reads one row however many orders are open. Every write that changes what an
//! order or an invoice owes moves the balance in the same transaction, through [`shift`],
//! with the shares before and after the write; a test compares the balances with the sums
//! they stand for.

use std::collections::HashMap;

use entity::enums::{InvoiceStatus, OrderKind, OrderStatus};
use entity::fixed::Fixed;
use entity::{invoice, order, organization};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Func, InsertStatement, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DeriveIden, EntityTrait, Set};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Money, label, stored};
use crate::store::{self};

/// Statuses of orders that count toward exposure: accepted for credit, not yet paid.
pub const OPEN: [OrderStatus; 5] = [
    OrderStatus::Submitted,
    OrderStatus::Acknowledged,
    OrderStatus::PartiallyShipped,
    OrderStatus::Shipped,
    OrderStatus::Invoiced,
];

/// `buyer`'s exposure to `seller` in `currency`: open orders not yet invoiced, plus unpaid
/// invoices.
pub async fn exposure(
    db: &impl ConnectionTrait,
    buyer: Uuid,
    seller: Uuid,
    currency: &str,
) -> Result<Decimal> {
    let all = exposures(db, &[buyer], seller).await?;
    Ok(all
        .get(&buyer)
        .and_then(|by_currency| by_currency.iter().find(|(c, _)| c == currency))
        .map(|(_, amount)| *amount)
        .unwrap_or_default())
}

#[derive(DeriveIden)]
enum CreditBalances {
    Table,
    BuyerId,
    SellerId,
    Currency,
    Amount,
}

/// The exposure of each of `buyers` to `seller`, per currency (sorted by currency), read
/// from the balances in one statement, whatever the number of buyers.
pub async fn exposures(
    db: &impl ConnectionTrait,
    buyers: &[Uuid],
    seller: Uuid,
) -> Result<HashMap<Uuid, Vec<(String, Decimal)>>> {
    exposures_to(db, buyers, Expr::val(seller)).await
}

/// [`exposures`] to the seller `seller` works out to in the statement.
async fn exposures_to(
    db: &impl ConnectionTrait,
    buyers: &[Uuid],
    seller: Expr,
) -> Result<HashMap<Uuid, Vec<(String, Decimal)>>> {
    let stmt = Query::select()
        .columns([
            CreditBalances::BuyerId,
            CreditBalances::Currency,
            CreditBalances::Amount,
        ])
        .from(CreditBalances::Table)
        .and_where(Expr::col(CreditBalances::BuyerId).is_in(buyers.iter().copied()))
        .and_where(Expr::col(CreditBalances::SellerId).eq(seller))
        .order_by(CreditBalances::Currency, Order::Asc)
        .to_owned();
    let mut sums: HashMap<Uuid, Vec<(String, Decimal)>> = HashMap::new();
    for row in db.query_all(&stmt).await? {
        let amount = crate::money::column(&row, "amount")?.unwrap_or_default();
        if amount.is_zero() {
            continue;
        }
        sums.entry(row.try_get("", "buyer_id")?)
            .or_default()
            .push((row.try_get("", "currency")?, amount));
    }
    Ok(sums)
}

/// What one order or invoice adds to a buyer's exposure to a seller.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    buyer: Uuid,
    seller: Uuid,
    currency: String,
    amount: Decimal,
}

/// An order's share: a sales order accepted for credit and not yet paid counts what it will
/// still invoice.
pub fn of_order(o: &order::Model) -> Option<Share> {
    (o.kind == OrderKind::Sales && OPEN.contains(&o.status)).then(|| Share {
        buyer: o.buyer_id,
        seller: o.seller_id,
        currency: o.currency.clone(),
        amount: stored(o.total) - stored(o.invoiced_amount),
    })
}

/// An invoice's share: what is still owed on it, by the buyer of its order.
pub fn of_invoice(i: &invoice::Model, o: &order::Model) -> Option<Share> {
    (i.status != InvoiceStatus::Paid).then(|| Share {
        buyer: o.buyer_id,
        seller: o.seller_id,
        currency: i.currency.clone(),
        amount: stored(i.total) - stored(i.paid),
    })
}

/// A credit memo's share: it lowers what the partner owes the brand by its amount.
pub fn of_credit_memo(m: &entity::credit_memo::Model) -> Share {
    Share {
        buyer: m.partner_id,
        seller: m.seller_id,
        currency: m.currency.clone(),
        amount: -stored(m.amount),
    }
}

/// Moves the balances by what a write changed: the shares of the rows it wrote, `before` and
/// `after`. A write that leaves every balance as it was (an invoice moving an amount from its
/// order to itself) touches no row; the others change theirs in key order, with one upsert
/// each, so concurrent writers never wait on each other in a cycle.
pub async fn shift(
    db: &impl ConnectionTrait,
    before: &[Option<Share>],
    after: &[Option<Share>],
) -> Result<()> {
    let mut moves: Vec<((Uuid, Uuid, String), Decimal)> = Vec::new();
    let signed = before
        .iter()
        .flatten()
        .map(|s| (s, -s.amount))
        .chain(after.iter().flatten().map(|s| (s, s.amount)));
    for (share, amount) in signed {
        let key = (share.buyer, share.seller, share.currency.clone());
        match moves.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sum)) => *sum += amount,
            None => moves.push((key, amount)),
        }
    }
    moves.retain(|(_, amount)| !amount.is_zero());
    moves.sort_by(|a, b| a.0.cmp(&b.0));
    for ((buyer, seller, currency), amount) in moves {
        let share = Share {
            buyer,
            seller,
            currency,
            amount,
        };
        if db.query_one(&moving(&share)).await?.is_none() {
            return Err(out_of_range(&share.currency));
        }
    }
    Ok(())
}

/// The upsert that moves a balance by `share`'s amount, answering with the new balance, or
/// with nothing where it would pass what the column keeps.
fn moving(share: &Share) -> InsertStatement {
    Query::insert()
        .into_table(CreditBalances::Table)
        .columns([
            CreditBalances::BuyerId,
            CreditBalances::SellerId,
            CreditBalances::Currency,
            CreditBalances::Amount,
        ])
        .values_panic([
            share.buyer.into(),
            share.seller.into(),
            share.currency.clone().into(),
            Fixed::from(share.amount).into(),
        ])
        .on_conflict(
            OnConflict::columns([
                CreditBalances::BuyerId,
                CreditBalances::SellerId,
                CreditBalances::Currency,
            ])
            .value(CreditBalances::Amount, Expr::cust(BOOKED))
            .action_and_where(Expr::cust(IN_RANGE))
            .to_owned(),
        )
        .returning_col(CreditBalances::Amount)
        .to_owned()
}

fn out_of_range(currency: &str) -> Error {
    Error::user(
        &["input"],
        ErrorCode::OutOfRange,
        format!(
            "the open balance in {currency} would pass the largest amount kept \
             (922337203685477.5807)"
        ),
    )
}

/// The exposure to the brand of the organizations the principal may see it for: staff for
/// every organization, a partner for its own.
pub async fn exposures_for(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organizations: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(String, Decimal)>>> {
    principal.ensure_can_read_credit()?;
    let allowed: Vec<Uuid> = match principal.partner_organization() {
        Some(own) => organizations
            .iter()
            .copied()
            .filter(|o| *o == own)
            .collect(),
        None => organizations.to_vec(),
    };
    // The brand is found in the same statement; with no brand, nothing is owed to it.
    let brand = Expr::SubQuery(None, Box::new(super::queries::brand_id_query().into()));
    let mut found = exposures_to(db, &allowed, brand).await?;
    // Organizations that owe nothing still answer, with no amounts.
    for org in allowed {
        found.entry(org).or_default();
    }
    Ok(found)
}

/// What a buyer's credit limit says of an order in `currency`.
#[derive(Clone, Debug, PartialEq)]
pub enum Limit {
    /// No limit: the order moves the balance freely.
    None,
    /// A limit in the order's currency: the order is accepted only if it fits, checked
    /// and booked in one statement ([`reserve`]).
    Of(Decimal),
    /// A limit in another currency: the order waits for a decision, for this reason.
    Mismatch(String),
}

/// The credit limit that applies to an order of `buyer`'s in `currency`.
pub fn limit_for(buyer: &organization::Model, currency: &str) -> Limit {
    let (Some(limit), Some(limit_currency)) = (buyer.credit_limit, &buyer.credit_currency) else {
        return Limit::None;
    };
    if limit_currency != currency {
        return Limit::Mismatch(format!(
            "the order is in {currency} but the credit limit is in {limit_currency}"
        ));
    }
    Limit::Of(stored(limit))
}

/// Books an open order's share against its buyer's balance only if the balance stays
/// within `limit`, and says whether it did: one conditional upsert, so that orders
/// submitted at the same instant are each checked against the others. The balance's row
/// is locked from this statement until the transaction commits, so the caller runs it as
/// late as it can.
pub async fn reserve(db: &impl ConnectionTrait, share: &Share, limit: Decimal) -> Result<bool> {
    Ok(db.query_one(&reserving(share, limit)?).await?.is_some())
}

/// The conditional upsert [`reserve`] runs: it answers with the new balance, or with
/// nothing where the share did not fit.
fn reserving(share: &Share, limit: Decimal) -> Result<InsertStatement> {
    let held_now = Query::select()
        .expr(Expr::col(CreditBalances::Amount))
        .from(CreditBalances::Table)
        .and_where(Expr::col(CreditBalances::BuyerId).eq(share.buyer))
        .and_where(Expr::col(CreditBalances::SellerId).eq(share.seller))
        .and_where(Expr::col(CreditBalances::Currency).eq(share.currency.as_str()))
        .to_owned();
    // The new row, only if the order fits what the balance held when read: a first filter.
    let candidate = Query::select()
        .exprs([
            Expr::val(share.buyer),
            Expr::val(share.seller),
            Expr::val(share.currency.as_str()),
            Expr::val(Fixed::from(share.amount)),
        ])
        .and_where(
            Expr::val(Fixed::from(share.amount)).lte(Expr::val(Fixed::from(limit)).sub(
                Func::coalesce([
                    Expr::SubQuery(None, Box::new(held_now.into())),
                    Expr::val(0),
                ]),
            )),
        )
        .to_owned();
    let stmt = Query::insert()
        .into_table(CreditBalances::Table)
        .columns([
            CreditBalances::BuyerId,
            CreditBalances::SellerId,
            CreditBalances::Currency,
            CreditBalances::Amount,
        ])
        .select_from(candidate)
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?
        .on_conflict(
            OnConflict::columns([
                CreditBalances::BuyerId,
                CreditBalances::SellerId,
                CreditBalances::Currency,
            ])
            .value(CreditBalances::Amount, Expr::cust(BOOKED))
            // The decisive check, on the row as the last committed change left it: a
            // concurrent order that booked first is counted.
            .action_and_where(Expr::cust(BOOKED).lte(Expr::val(Fixed::from(limit))))
            .to_owned(),
        )
        .returning_col(CreditBalances::Amount)
        .to_owned();
    Ok(stmt)
}

/// How an order's share is booked as the last of its writes: within its buyer's limit
/// where there is one, else freely. [`Booking::statement`] is the upsert, which answers
/// with a row where the share was booked; [`Booking::settle`] reads that answer.
pub enum Booking {
    Within(Share, Decimal),
    Free(Share),
}

impl Booking {
    pub fn of(share: Share, limit: &Limit) -> Self {
        match limit {
            Limit::Of(limit) => Booking::Within(share, *limit),
            _ => Booking::Free(share),
        }
    }

    pub fn statement(&self) -> Result<InsertStatement> {
        match self {
            Booking::Within(share, limit) => reserving(share, *limit),
            Booking::Free(share) => Ok(moving(share)),
        }
    }

    /// Whether the share was booked, from whether the statement answered with a row. A free
    /// booking always is, or the balance would pass what it keeps: that is an error.
    pub fn settle(&self, answered: bool) -> Result<bool> {
        match self {
            Booking::Within(..) => Ok(answered),
            Booking::Free(share) if !answered => Err(out_of_range(&share.currency)),
            Booking::Free(_) => Ok(true),
        }
    }
}

/// The credit limit an increase of `order`'s total is checked against: the buyer's limit in
/// the order's currency, where the order is an open sales order to the brand and the total
/// grows. `None` where no limit applies to the increase.
pub async fn limit_on_increase(
    db: &impl ConnectionTrait,
    order: &order::Model,
    increase: Decimal,
) -> Result<Option<Decimal>> {
    if order.kind != OrderKind::Sales
        || !OPEN.contains(&order.status)
        || increase <= Decimal::ZERO
        || super::queries::brand_id(db).await? != Some(order.seller_id)
    {
        return Ok(None);
    }
    let buyer = organization::Entity::find_by_id(order.buyer_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("an order's buyer vanished".into()))?;
    Ok(match limit_for(&buyer, &order.currency) {
        Limit::Of(limit) => Some(limit),
        _ => None,
    })
}

/// Books the increase of an open order's total against its buyer's balance only if the
/// balance stays within `limit`, as [`reserve`] books a new order; says whether it did.
pub async fn reserve_increase(
    db: &impl ConnectionTrait,
    order: &order::Model,
    increase: Decimal,
    limit: Decimal,
) -> Result<bool> {
    let share = Share {
        buyer: order.buyer_id,
        seller: order.seller_id,
        currency: order.currency.clone(),
        amount: increase,
    };
    reserve(db, &share, limit).await
}

/// The balance after an upsert adds its row's amount: whole ten-thousandths on both
/// databases, so the sum and the limit check are exact integer arithmetic.
const BOOKED: &str = "\"credit_balances\".\"amount\" + \"excluded\".\"amount\"";

/// That the sum [`BOOKED`] stays within a `BIGINT`, written so that it cannot overflow
/// itself: SQLite would quietly turn an overflowing sum into a real.
const IN_RANGE: &str = "(\"excluded\".\"amount\" >= 0 AND \"credit_balances\".\"amount\" <= 9223372036854775807 - \"excluded\".\"amount\") \
     OR (\"excluded\".\"amount\" < 0 AND \"credit_balances\".\"amount\" >= -9223372036854775807 - \"excluded\".\"amount\")";

/// Why an order of `amount` waits for a credit decision, in words: the exposure it would
/// have added to.
pub async fn hold_reason(
    db: &impl ConnectionTrait,
    buyer: Uuid,
    seller: Uuid,
    amount: Decimal,
    currency: &str,
    limit: Decimal,
) -> Result<String> {
    let exposure = exposure(db, buyer, seller, currency).await?;
    Ok(format!(
        "exposure {} plus this order's {} exceeds the credit limit of {}",
        label(exposure, currency),
        label(amount, currency),
        label(limit, currency)
    ))
}

/// Sets or clears an organization's credit limit. Admins and managers only.
pub async fn set_limit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Uuid,
    version: i32,
    limit: Option<Money>,
) -> Result<organization::Model> {
    principal.ensure_can_manage_credit()?;
    let current = store::for_change::<organization::Entity>(
        db,
        organization_id,
        version,
        principal.visible_organizations(),
    )
    .await
    .map_err(|e| crate::catalog::tiers::rename_id_field(e, "organizationId"))?;
    let before = current.clone();
    let mut row: organization::ActiveModel = current.into();
    row.credit_limit = Set(limit.map(|m| m.amount).map(Into::into));
    row.credit_currency = Set(limit.map(|m| m.currency.code().to_owned()));
    let saved = crate::changes::save::<organization::Entity>(
        db,
        principal,
        crate::audit::Action::OrganizationCreditLimit,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
