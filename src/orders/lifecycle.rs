//! An order's decisions: credit release or rejection, the seller's acknowledgement line by
//! line, and cancellation before the first shipment. Each is one step in the history; an
//! illegal one is refused with ILLEGAL_TRANSITION and changes nothing.

use entity::enums::{LineStatus, OrderStatus};
use entity::{order, order_line, shipment};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::history::{self, Change};
use super::model::{LineAck, LineDecision};
use super::queries;
use super::reactions::{Happened, Reactor};
use crate::access::Principal;
use crate::analytics::rollups;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Currency, Money, stored};
use crate::store::save_versioned;

pub fn status_name(status: OrderStatus) -> String {
    use sea_orm::ActiveEnum;
    status.to_value()
}

pub(super) fn illegal(order: &order::Model, wanted: &str) -> Error {
    Error::user(
        &["input", "id"],
        ErrorCode::IllegalTransition,
        format!(
            "order {} is {}; {wanted}",
            order.number,
            status_name(order.status)
        ),
    )
}

/// The brand, as [`Principal::acts_for`] needs it: only the brand's staff act for the brand,
/// so only for them is it read. Partners and the operator get `None` without a statement.
async fn brand_for(db: &impl ConnectionTrait, principal: &Principal) -> Result<Option<Uuid>> {
    match principal {
        Principal::Staff { .. } => queries::brand_id(db).await,
        _ => Ok(None),
    }
}

/// The seller's side of an order: its staff for the brand, its people and systems otherwise.
pub async fn ensure_seller(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order: &order::Model,
    what: &str,
) -> Result<()> {
    let brand = brand_for(db, principal).await?;
    if principal.acts_for(order.seller_id, brand) {
        return Ok(());
    }
    Err(Error::Forbidden(format!("only the seller {what}")))
}

/// The buyer's side of an order.
pub async fn ensure_buyer(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order: &order::Model,
    what: &str,
) -> Result<()> {
    let brand = brand_for(db, principal).await?;
    if principal.acts_for(order.buyer_id, brand) {
        return Ok(());
    }
    Err(Error::Forbidden(format!("only the buyer {what}")))
}

/// An order's amounts as a step leaves them.
pub struct Totals {
    pub total: Decimal,
    pub tax: Decimal,
    /// At the costs frozen on the lines ([`rollups::line_cost`]).
    pub cost: Decimal,
    pub margin: Decimal,
    /// Whether the total's increase is already booked against the buyer's credit
    /// ([`super::credit::reserve_increase`]), so the step leaves the balance alone.
    pub booked: bool,
}

/// Saves a new status (and amounts) if the order is still at `version`, and records the
/// step.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order: order::Model,
    version: i32,
    to: OrderStatus,
    amounts: Option<Totals>,
    action: history::Step,
    mut changes: Vec<Change>,
    note: Option<String>,
) -> Result<order::Model> {
    let from = order.status;
    let id = order.id;
    let booked = amounts.as_ref().is_some_and(|a| a.booked);
    let mut row: order::ActiveModel = order.clone().into();
    row.status = Set(to);
    if let Some(amounts) = amounts {
        if stored(amounts.total) != stored(order.total) {
            changes.push(Change::new(
                "total",
                Some(crate::money::label(order.total, &order.currency)),
                Some(crate::money::label(amounts.total, &order.currency)),
            ));
            row.total = Set(amounts.total.into());
        }
        // The tax may move between lines of another rate at the same total.
        row.tax_total = Set(amounts.tax.into());
        row.cost = Set(amounts.cost.into());
        row.margin = Set(amounts.margin.into());
    }
    let saved = save_versioned::<order::Entity>(db, row, id, version).await?;
    if !booked {
        super::credit::shift(
            db,
            &[super::credit::of_order(&order)],
            &[super::credit::of_order(&saved)],
        )
        .await?;
    }
    rollups::shift(db, Some(&order), &saved).await?;
    if from != to {
        changes.insert(
            0,
            Change::new("status", Some(status_name(from)), Some(status_name(to))),
        );
    }
    history::record(
        db,
        principal,
        &saved,
        action,
        Some(from),
        to,
        &changes,
        note,
    )
    .await?;
    Ok(saved)
}

pub(super) async fn order_lines(
    db: &impl ConnectionTrait,
    order_id: Uuid,
) -> Result<Vec<order_line::Model>> {
    Ok(order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNumber)
        .all(db)
        .await?)
}

/// Releases an order from credit hold, or rejects it. Admins and managers only.
#[tracing::instrument(skip(db, principal, note))]
pub async fn credit_decision(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    release: bool,
    note: Option<String>,
) -> Result<order::Model> {
    principal.ensure_can_manage_credit()?;
    let order = queries::for_change(db, principal, id, version).await?;
    if order.status != OrderStatus::CreditHold {
        return Err(illegal(
            &order,
            "only orders on CREDIT_HOLD wait for a credit decision",
        ));
    }
    if release {
        step(
            db,
            principal,
            order,
            version,
            OrderStatus::Submitted,
            None,
            history::Step::CreditReleased,
            vec![],
            note,
        )
        .await
    } else {
        cancel_lines(db, &order).await?;
        step(
            db,
            principal,
            order,
            version,
            OrderStatus::Cancelled,
            None,
            history::Step::CreditRejected,
            vec![],
            note,
        )
        .await
    }
}

/// Cancels every line of an order; what they drew from a special price returns to its caps.
async fn cancel_lines(db: &impl ConnectionTrait, order: &order::Model) -> Result<()> {
    let order_id = order.id;
    if order.special_price_id.is_some() {
        let before = order_lines(db, order_id).await?;
        let after: Vec<order_line::Model> = before
            .iter()
            .cloned()
            .map(|mut l| {
                l.status = LineStatus::Cancelled;
                l
            })
            .collect();
        crate::channel_money::buying::follow(db, &before, &after, &["input", "id"]).await?;
    }
    order_line::Entity::update_many()
        .col_expr(
            order_line::Column::Status,
            sea_orm::sea_query::Expr::value(sea_orm::ActiveEnum::to_value(&LineStatus::Cancelled)),
        )
        .filter(order_line::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    Ok(())
}

fn ack_field(i: usize, name: &str) -> Vec<String> {
    vec!["input".into(), "lines".into(), i.to_string(), name.into()]
}

fn ack_error(i: usize, name: &str, code: ErrorCode, message: impl Into<String>) -> Error {
    let field = ack_field(i, name);
    let field: Vec<&str> = field.iter().map(String::as_str).collect();
    Error::user(&field, code, message)
}

/// The seller's answer to a submitted order: every line accepted, changed (quantity, price
/// or date), back-ordered (with the date it will ship) or rejected. The order's total
/// follows the accepted lines; an order with every line rejected is cancelled.
#[tracing::instrument(skip(db, principal, reactor, acks, note))]
pub async fn acknowledge(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    id: Uuid,
    version: i32,
    acks: Vec<LineAck>,
    note: Option<String>,
) -> Result<order::Model> {
    principal.ensure_can_trade()?;
    let order = queries::for_change(db, principal, id, version).await?;
    ensure_seller(db, principal, &order, "acknowledges an order").await?;
    if order.status != OrderStatus::Submitted {
        return Err(illegal(&order, "only SUBMITTED orders are acknowledged"));
    }
    let currency = Currency::parse(&[], &order.currency)
        .map_err(|_| Error::Internal("an order has an unknown currency".into()))?;
    // Lines the buyer cancelled by a change are not answered.
    let lines: Vec<order_line::Model> = order_lines(db, id)
        .await?
        .into_iter()
        .filter(|l| l.status != LineStatus::Cancelled)
        .collect();
    for (i, ack) in acks.iter().enumerate() {
        if acks[..i].iter().any(|a| a.line_number == ack.line_number) {
            return Err(ack_error(
                i,
                "lineNumber",
                ErrorCode::Taken,
                format!("line {} is acknowledged twice", ack.line_number),
            ));
        }
        if !lines.iter().any(|l| l.line_number == ack.line_number) {
            return Err(ack_error(
                i,
                "lineNumber",
                ErrorCode::NotFound,
                format!(
                    "order {} has no open line {}",
                    order.number, ack.line_number
                ),
            ));
        }
    }
    if let Some(missing) = lines
        .iter()
        .find(|l| !acks.iter().any(|a| a.line_number == l.line_number))
    {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            format!(
                "every line needs an answer; line {} has none",
                missing.line_number
            ),
        ));
    }
    let mut changes = Vec::new();
    let mut totals = Vec::new();
    let mut taxes = Vec::new();
    // Lines cancelled by a change have neither cost nor margin left.
    let mut cost = Decimal::ZERO;
    let mut margin = Decimal::ZERO;
    let mut all_rejected = true;
    let mut answered = Vec::with_capacity(acks.len());
    for (i, ack) in acks.iter().enumerate() {
        let line = lines
            .iter()
            .find(|l| l.line_number == ack.line_number)
            .ok_or_else(|| Error::Internal("an acknowledged line vanished".into()))?;
        let ordered = stored(line.quantity);
        let price = stored(line.unit_price);
        let (status, quantity, unit_price, promised) = match ack.decision {
            LineDecision::Accept => {
                if ack.quantity.is_some_and(|q| q != ordered)
                    || ack.unit_price.is_some_and(|p| p != price)
                {
                    return Err(ack_error(
                        i,
                        "decision",
                        ErrorCode::Invalid,
                        "ACCEPT takes the line as ordered; use CHANGE to change its quantity or price",
                    ));
                }
                (
                    LineStatus::Accepted,
                    ordered,
                    price,
                    ack.promised_date.or(line.requested_date),
                )
            }
            LineDecision::Change => {
                let quantity = ack.quantity.unwrap_or(ordered);
                let unit_price = ack.unit_price.unwrap_or(price);
                let promised = ack.promised_date.or(line.requested_date);
                if quantity == ordered && unit_price == price && promised == line.requested_date {
                    return Err(ack_error(
                        i,
                        "decision",
                        ErrorCode::Invalid,
                        "CHANGE must change the quantity, the unit price or the date",
                    ));
                }
                let status = match (quantity != ordered, unit_price != price) {
                    (true, false) if promised == line.requested_date => LineStatus::QuantityChanged,
                    (false, true) if promised == line.requested_date => LineStatus::PriceChanged,
                    _ => LineStatus::Changed,
                };
                (status, quantity, unit_price, promised)
            }
            LineDecision::Backorder => {
                let Some(promised) = ack.promised_date else {
                    return Err(ack_error(
                        i,
                        "promisedDate",
                        ErrorCode::Required,
                        "a back-ordered line needs the date it will ship",
                    ));
                };
                (
                    LineStatus::Backordered,
                    ack.quantity.unwrap_or(ordered),
                    ack.unit_price.unwrap_or(price),
                    Some(promised),
                )
            }
            LineDecision::Reject => (LineStatus::Rejected, Decimal::ZERO, price, None),
        };
        // The buyer committed to what it ordered: taking more is its own change to make.
        if quantity > ordered {
            return Err(ack_error(
                i,
                "quantity",
                ErrorCode::OutOfRange,
                format!(
                    "line {} was ordered at {}; an acknowledgement accepts at most that \
                     (the buyer changes its order for more)",
                    line.line_number,
                    ordered.normalize()
                ),
            ));
        }
        if status != LineStatus::Rejected {
            all_rejected = false;
        }
        let n = line.line_number;
        changes.push(Change::new(
            format!("lines.{n}.status"),
            Some("OPEN".into()),
            Some(sea_orm::ActiveEnum::to_value(&status)),
        ));
        if quantity != ordered {
            changes.push(Change::new(
                format!("lines.{n}.quantity"),
                Some(ordered.to_string()),
                Some(quantity.to_string()),
            ));
        }
        if unit_price != price {
            changes.push(Change::new(
                format!("lines.{n}.unitPrice"),
                Some(price.to_string()),
                Some(unit_price.to_string()),
            ));
        }
        if promised != line.requested_date {
            changes.push(Change::new(
                format!("lines.{n}.date"),
                line.requested_date.map(|d| d.to_string()),
                promised.map(|d| d.to_string()),
            ));
        }
        let total = Money::rounded(quantity * unit_price, currency);
        let tax = crate::money::line_tax(total.amount, stored(line.tax_rate), currency);
        totals.push(total);
        totals.push(tax);
        taxes.push(tax);
        let (c, m) = rollups::line_cost(quantity, None, total.amount, line.unit_cost.map(stored));
        cost += c;
        margin += m;
        let mut row: order_line::ActiveModel = line.clone().into();
        row.status = Set(status);
        row.accepted_quantity = Set(Some(quantity.into()));
        row.unit_price = Set(unit_price.into());
        row.ordered_unit_price = Set((unit_price != price).then_some(line.unit_price));
        row.line_total = Set(total.amount.into());
        row.tax_amount = Set(tax.amount.into());
        row.promised_date = Set(promised);
        answered.push(row.update(db).await?);
    }
    // What the answers give back to (or take more of) a special price's caps.
    if order.special_price_id.is_some() {
        crate::channel_money::buying::follow(db, &lines, &answered, &["input", "lines"]).await?;
    }
    let total = Money::sum(&["input", "lines"], &totals, currency)?;
    let tax = Money::sum(&["input", "lines"], &taxes, currency)?;
    // A raised price may raise the total: the increase must fit the buyer's credit limit,
    // checked and booked in one statement as orderChange books one.
    let increase = total.amount - stored(order.total);
    let booked = match super::credit::limit_on_increase(db, &order, increase).await? {
        Some(limit) => {
            if !super::credit::reserve_increase(db, &order, increase, limit).await? {
                let exposure =
                    super::credit::exposure(db, order.buyer_id, order.seller_id, &order.currency)
                        .await?;
                let label = |amount: Decimal| crate::money::label(amount, &order.currency);
                return Err(Error::user(
                    &["input", "lines"],
                    ErrorCode::OutOfRange,
                    format!(
                        "the acknowledgement raises order {}'s total by {}, which with the \
                         buyer's exposure of {} exceeds its credit limit of {}",
                        order.number,
                        label(increase),
                        label(exposure),
                        label(limit)
                    ),
                ));
            }
            true
        }
        None => false,
    };
    let to = if all_rejected {
        OrderStatus::Cancelled
    } else {
        OrderStatus::Acknowledged
    };
    let saved = step(
        db,
        principal,
        order,
        version,
        to,
        Some(Totals {
            total: total.amount,
            tax: tax.amount,
            cost,
            margin,
            booked,
        }),
        history::Step::Acknowledged,
        changes,
        note,
    )
    .await?;
    reactor
        .react(db, Happened::Acknowledged { order: &saved })
        .await?;
    Ok(saved)
}

/// Cancels an order before its first shipment, for the buyer or the seller.
#[tracing::instrument(skip(db, principal, reason))]
pub async fn cancel(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: Option<String>,
) -> Result<order::Model> {
    principal.ensure_can_trade()?;
    let order = queries::for_change(db, principal, id, version).await?;
    let brand = brand_for(db, principal).await?;
    if !principal.acts_for(order.buyer_id, brand) && !principal.acts_for(order.seller_id, brand) {
        return Err(Error::Forbidden(
            "only the buyer or the seller cancels an order".into(),
        ));
    }
    let shipped = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(id))
        .count(db)
        .await?;
    if shipped > 0 {
        return Err(illegal(
            &order,
            "an order that has shipped can no longer be cancelled",
        ));
    }
    if !matches!(
        order.status,
        OrderStatus::Submitted | OrderStatus::CreditHold | OrderStatus::Acknowledged
    ) {
        return Err(illegal(&order, "it can no longer be cancelled"));
    }
    cancel_lines(db, &order).await?;
    step(
        db,
        principal,
        order,
        version,
        OrderStatus::Cancelled,
        None,
        history::Step::Cancelled,
        vec![],
        reason,
    )
    .await
}
