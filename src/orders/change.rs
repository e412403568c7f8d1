//! The buyer's change to an order before it ships: lines added, quantities, dates and (on a
//! purchase order) prices changed, lines cancelled. The change is one versioned step of the
//! order with its history; the order's total follows it, and a sales order's new total is
//! checked against the buyer's credit as a new order is. The portal's `orderChange` and an
//! X12 860 both come here, so both follow the same rules.
//!
//! A change of a SUBMITTED order leaves its lines open for the seller's acknowledgement. A
//! change of an ACKNOWLEDGED order is accepted by these rules on the seller's behalf: the
//! lines it touches are accepted as changed, and the order stays acknowledged.

use entity::enums::{LineStatus, OrderKind, OrderStatus, PriceSource};
use entity::{order, order_line, organization, product, shipment};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::history::{self, Change};
use super::lifecycle::{ensure_buyer, illegal, order_lines, status_name};
use super::model::{AppliedChange, ChangedLine, LineChange, LineChangeKind, NewLine, OrderChange};
use super::reactions::{Happened, Reactor};
use super::submit::{
    PricedLine, ensure_expected_price, ensure_supplier_makes, ensure_total_in_range, ensure_unit,
    line_field, line_products, line_row, user_error,
};
use super::{credit, queries};
use crate::access::Principal;
use crate::analytics::rollups;
use crate::catalog::pricing;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Currency, Money, label, stored};
use crate::settings::TradeSettings;
use crate::store::{now, save_versioned};

fn money(amount: Decimal, currency: Currency) -> Money {
    Money { amount, currency }
}

fn line_error(i: usize, name: &str, code: ErrorCode, message: impl Into<String>) -> Error {
    user_error(&line_field(i, name), code, message)
}

/// Lines that no longer count: cancelled by a change or the order, or rejected by the
/// seller.
fn closed(status: LineStatus) -> bool {
    matches!(status, LineStatus::Cancelled | LineStatus::Rejected)
}

/// A line of the order as the change leaves it, before it is written.
struct Planned {
    line: order_line::Model,
    kind: LineChangeKind,
    previous_quantity: Decimal,
}

/// Applies a buyer's change to an order that has not shipped, at `version`.
#[tracing::instrument(skip(db, principal, reactor, change, limits))]
#[allow(clippy::too_many_arguments)]
pub async fn change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    id: uuid::Uuid,
    version: i32,
    change: OrderChange,
    limits: &TradeSettings,
) -> Result<order::Model> {
    principal.ensure_can_trade()?;
    if change.lines.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "a change needs at least one line",
        ));
    }
    let order = queries::for_change(db, principal, id, version).await?;
    ensure_buyer(db, principal, &order, "changes an order").await?;
    if !matches!(
        order.status,
        OrderStatus::Submitted | OrderStatus::CreditHold | OrderStatus::Acknowledged
    ) {
        return Err(illegal(
            &order,
            "only SUBMITTED, CREDIT_HOLD and ACKNOWLEDGED orders are changed",
        ));
    }
    let shipped = shipment::Entity::find()
        .filter(shipment::Column::OrderId.eq(id))
        .count(db)
        .await?;
    if shipped > 0 {
        return Err(illegal(
            &order,
            "an order that has shipped can no longer be changed",
        ));
    }
    let currency = Currency::parse(&[], &order.currency)
        .map_err(|_| Error::Internal("an order has an unknown currency".into()))?;
    let lines = order_lines(db, id).await?;
    let purchase = order.kind == OrderKind::Purchase;

    // Each line named once; changed and cancelled lines exist and still count; added
    // lines are new.
    for (i, c) in change.lines.iter().enumerate() {
        let n = c.line_number();
        if change.lines[..i].iter().any(|o| o.line_number() == n) {
            return Err(line_error(
                i,
                "lineNumber",
                ErrorCode::Taken,
                format!("line {n} is named twice in one change"),
            ));
        }
        let existing = lines.iter().find(|l| l.line_number == n);
        match (c, existing) {
            (LineChange::Add(_), Some(_)) => {
                return Err(line_error(
                    i,
                    "lineNumber",
                    ErrorCode::Taken,
                    format!("order {} already has a line {n}", order.number),
                ));
            }
            (LineChange::Change { .. } | LineChange::Cancel { .. }, None) => {
                return Err(line_error(
                    i,
                    "lineNumber",
                    ErrorCode::NotFound,
                    format!("order {} has no line {n}", order.number),
                ));
            }
            (LineChange::Change { .. } | LineChange::Cancel { .. }, Some(l))
                if closed(l.status) =>
            {
                return Err(line_error(
                    i,
                    "lineNumber",
                    ErrorCode::IllegalTransition,
                    format!(
                        "line {n} is {}; it can no longer be changed",
                        sea_orm::ActiveEnum::to_value(&l.status)
                    ),
                ));
            }
            _ => {}
        }
    }
    let added = change
        .lines
        .iter()
        .filter(|c| matches!(c, LineChange::Add(_)))
        .count();
    if lines.len() + added > super::model::MAX_LINES {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::OutOfRange,
            format!(
                "an order may carry at most {} lines",
                super::model::MAX_LINES
            ),
        ));
    }

    // Added lines: their products, and their prices by the rules of a new order.
    let adds: Vec<(usize, &NewLine)> = change
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            LineChange::Add(l) => Some((i, l)),
            _ => None,
        })
        .collect();
    let skus: Vec<(usize, String)> = adds.iter().map(|(i, l)| (*i, l.sku.clone())).collect();
    let added_products = line_products(db, principal, &skus).await?;
    for ((i, l), product) in adds.iter().zip(&added_products) {
        ensure_unit(*i, l.unit, product)?;
    }
    let position = |j: usize| adds.get(j).map(|(i, _)| *i).unwrap_or(j);
    let added_prices: Vec<(Decimal, PriceSource)> = if adds.is_empty() {
        Vec::new()
    } else if purchase {
        let supplier = organization::Entity::find_by_id(order.seller_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::Internal("a purchase order's supplier vanished".into()))?;
        let named: Vec<&product::Model> = added_products.iter().collect();
        ensure_supplier_makes(db, &supplier, &named, position).await?;
        adds.iter()
            .map(|(i, l)| {
                let price = l.expected_unit_price.ok_or_else(|| {
                    line_error(
                        *i,
                        "unitPrice",
                        ErrorCode::Required,
                        "a line added to a purchase order needs the agreed unitPrice",
                    )
                })?;
                Ok((price, PriceSource::Agreed))
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        let priced: Vec<(&product::Model, Decimal)> = added_products
            .iter()
            .zip(&adds)
            .map(|(p, (_, l))| (p, l.quantity))
            .collect();
        let (_, prices) = pricing::price_lines(
            db,
            order.buyer_id,
            now().date_naive(),
            &priced,
            &["input", "id"],
            &|j| line_field(position(j), "sku"),
        )
        .await?;
        let mut out = Vec::with_capacity(prices.len());
        for ((i, l), price) in adds.iter().zip(&prices) {
            if price.currency != currency {
                return Err(line_error(
                    *i,
                    "sku",
                    ErrorCode::CurrencyMismatch,
                    format!(
                        "{} is priced in {}, the order in {}",
                        l.sku,
                        price.currency.code(),
                        currency.code()
                    ),
                ));
            }
            ensure_expected_price(
                *i,
                "unitPrice",
                &l.sku,
                l.expected_unit_price,
                price.unit_price,
                currency,
            )?;
            out.push((price.unit_price, price.source));
        }
        out
    };

    // The order's lines as the change leaves them.
    let acknowledged = order.status == OrderStatus::Acknowledged;
    let mut planned: Vec<Planned> = Vec::new();
    let mut history_changes: Vec<Change> = Vec::new();
    for (i, c) in change.lines.iter().enumerate() {
        let (line_number, quantity, unit_price, requested_date) = match c {
            LineChange::Add(_) => continue,
            LineChange::Cancel { line_number } => {
                let line = lines
                    .iter()
                    .find(|l| l.line_number == *line_number)
                    .ok_or_else(|| Error::Internal("a changed line vanished".into()))?;
                let mut after = line.clone();
                after.status = LineStatus::Cancelled;
                after.accepted_quantity = Some(Decimal::ZERO.into());
                after.line_total = Decimal::ZERO.into();
                after.tax_amount = Decimal::ZERO.into();
                history_changes.push(Change::new(
                    format!("lines.{line_number}.status"),
                    Some(sea_orm::ActiveEnum::to_value(&line.status)),
                    Some("CANCELLED".into()),
                ));
                planned.push(Planned {
                    previous_quantity: stored(line.quantity),
                    line: after,
                    kind: LineChangeKind::Cancelled,
                });
                continue;
            }
            LineChange::Change {
                line_number,
                quantity,
                unit_price,
                requested_date,
            } => (line_number, quantity, unit_price, requested_date),
        };
        let line = lines
            .iter()
            .find(|l| l.line_number == *line_number)
            .ok_or_else(|| Error::Internal("a changed line vanished".into()))?;
        let ordered = stored(line.quantity);
        let price = stored(line.unit_price);
        let new_quantity = quantity.unwrap_or(ordered);
        let new_price = match unit_price {
            Some(p) if purchase => *p,
            Some(p) if *p != price => {
                return Err(line_error(
                    i,
                    "unitPrice",
                    ErrorCode::PriceMismatch,
                    format!(
                        "line {line_number} is priced {} a unit; a buyer's change keeps the \
                         price the order was placed at",
                        label(price, currency.code())
                    ),
                ));
            }
            _ => price,
        };
        let new_date = requested_date.or(line.requested_date);
        let quantity_changed = new_quantity != ordered;
        let price_changed = new_price != price;
        let date_changed = new_date != line.requested_date;
        let kind = match (quantity_changed, price_changed, date_changed) {
            (true, false, false) if new_quantity > ordered => LineChangeKind::QuantityIncreased,
            (true, false, false) => LineChangeKind::QuantityDecreased,
            (false, true, false) => LineChangeKind::PriceChanged,
            (false, false, true) => LineChangeKind::DateChanged,
            (false, false, false) => {
                return Err(line_error(
                    i,
                    "lineNumber",
                    ErrorCode::Invalid,
                    format!("the change of line {line_number} changes nothing"),
                ));
            }
            _ => LineChangeKind::Changed,
        };
        if quantity_changed {
            history_changes.push(Change::new(
                format!("lines.{line_number}.quantity"),
                Some(ordered.to_string()),
                Some(new_quantity.to_string()),
            ));
        }
        if price_changed {
            history_changes.push(Change::new(
                format!("lines.{line_number}.unitPrice"),
                Some(price.to_string()),
                Some(new_price.to_string()),
            ));
        }
        if date_changed {
            history_changes.push(Change::new(
                format!("lines.{line_number}.requestedDate"),
                line.requested_date.map(|d| d.to_string()),
                new_date.map(|d| d.to_string()),
            ));
        }
        let net = Money::rounded(new_quantity * new_price, currency);
        let tax = crate::money::line_tax(net.amount, stored(line.tax_rate), currency);
        let mut after = line.clone();
        after.quantity = new_quantity.into();
        after.unit_price = new_price.into();
        after.requested_date = new_date;
        after.line_total = net.amount.into();
        after.tax_amount = tax.amount.into();
        if acknowledged {
            after.status = LineStatus::Accepted;
            after.accepted_quantity = Some(new_quantity.into());
            after.promised_date = new_date;
        }
        planned.push(Planned {
            line: after,
            kind,
            previous_quantity: ordered,
        });
    }

    // Added lines, priced.
    let mut added_rows = Vec::with_capacity(adds.len());
    for (((_, l), product), (unit_price, source)) in
        adds.iter().zip(&added_products).zip(&added_prices)
    {
        let net = Money::rounded(l.quantity * unit_price, currency);
        let tax = crate::money::line_tax(net.amount, stored(product.tax_rate), currency);
        history_changes.push(Change::new(
            format!("lines.{}", l.line_number),
            None,
            Some(format!("{} × {}", l.quantity, product.sku)),
        ));
        added_rows.push(PricedLine {
            line_number: l.line_number,
            product,
            buyer_part_number: l.buyer_part_number.clone(),
            quantity: l.quantity,
            unit_price: *unit_price,
            source: *source,
            total: net.amount,
            tax: tax.amount,
            requested_date: l.requested_date.or(order.requested_date),
            item: l.item.clone(),
            pack: l.pack.clone(),
            special_price_line: None,
        });
    }

    // The new total: every line that still counts, as the change leaves it.
    let mut amounts: Vec<Money> = Vec::new();
    let mut taxes: Vec<Money> = Vec::new();
    let mut open_lines = 0;
    // Cost and margin at the costs frozen on the lines; closed lines have none left.
    let mut cost = Decimal::ZERO;
    let mut margin = Decimal::ZERO;
    for line in &lines {
        let line = planned
            .iter()
            .find(|p| p.line.id == line.id)
            .map(|p| &p.line)
            .unwrap_or(line);
        if closed(line.status) {
            continue;
        }
        open_lines += 1;
        amounts.push(money(stored(line.line_total), currency));
        amounts.push(money(stored(line.tax_amount), currency));
        taxes.push(money(stored(line.tax_amount), currency));
        let (c, m) = rollups::line_cost(
            stored(line.quantity),
            line.accepted_quantity.map(stored),
            stored(line.line_total),
            line.unit_cost.map(stored),
        );
        cost += c;
        margin += m;
    }
    for row in &added_rows {
        open_lines += 1;
        amounts.push(money(row.total, currency));
        amounts.push(money(row.tax, currency));
        taxes.push(money(row.tax, currency));
        let (c, m) = row.cost(&order.currency);
        cost += c;
        margin += m;
    }
    if open_lines == 0 {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Invalid,
            "a change cannot cancel every line; cancel the order instead",
        ));
    }
    let total = Money::sum(&["input", "lines"], &amounts, currency)?;
    let tax = Money::sum(&["input", "lines"], &taxes, currency)?;
    ensure_total_in_range(total.amount, limits)?;

    // Written: the lines, then the order with its credit, then the history.
    for p in &planned {
        let before = lines
            .iter()
            .find(|l| l.id == p.line.id)
            .ok_or_else(|| Error::Internal("a changed line vanished".into()))?;
        let mut row: order_line::ActiveModel = before.clone().into();
        row.quantity = Set(p.line.quantity);
        row.unit_price = Set(p.line.unit_price);
        row.requested_date = Set(p.line.requested_date);
        row.line_total = Set(p.line.line_total);
        row.tax_amount = Set(p.line.tax_amount);
        row.status = Set(p.line.status);
        row.accepted_quantity = Set(p.line.accepted_quantity);
        row.promised_date = Set(p.line.promised_date);
        row.update(db).await?;
    }
    // What the change gives back to (or takes more of) a special price's caps.
    if order.special_price_id.is_some() {
        let after: Vec<order_line::Model> = planned.iter().map(|p| p.line.clone()).collect();
        crate::channel_money::buying::follow(db, &lines, &after, &["input", "lines"]).await?;
    }
    if !added_rows.is_empty() {
        let status = if acknowledged {
            LineStatus::Accepted
        } else {
            LineStatus::Open
        };
        order_line::Entity::insert_many(
            added_rows
                .into_iter()
                .map(|l| line_row(id, l, status, &order.currency)),
        )
        .exec(db)
        .await?;
    }
    let applied = AppliedChange {
        sequence: order.change_count + 1,
        reference: change.reference.clone(),
        lines: change
            .lines
            .iter()
            .map(|c| {
                let n = c.line_number();
                match planned.iter().find(|p| p.line.line_number == n) {
                    Some(p) => ChangedLine {
                        line_number: n,
                        kind: p.kind,
                        previous_quantity: p.previous_quantity,
                    },
                    None => ChangedLine {
                        line_number: n,
                        kind: LineChangeKind::Added,
                        previous_quantity: Decimal::ZERO,
                    },
                }
            })
            .collect(),
    };
    let saved = save(
        db,
        principal,
        order,
        version,
        total,
        tax,
        (cost, margin),
        history_changes,
        &change,
    )
    .await?;
    reactor
        .react(
            db,
            Happened::Changed {
                order: &saved,
                change: &applied,
            },
        )
        .await?;
    Ok(saved)
}

/// Saves the changed order with its new total, moves its buyer's balance, and records the
/// step; a sales order to the brand whose increase no longer fits the buyer's credit limit
/// goes on CREDIT_HOLD, as a new order would.
#[allow(clippy::too_many_arguments)]
async fn save(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order: order::Model,
    version: i32,
    total: Money,
    tax: Money,
    (cost, margin): (Decimal, Decimal),
    mut changes: Vec<Change>,
    change: &OrderChange,
) -> Result<order::Model> {
    let increase = total.amount - stored(order.total);
    let limit = credit::limit_on_increase(db, &order, increase).await?;
    // The increase is booked first, only if it fits: one conditional statement, so changes
    // and orders at the same instant are each checked against the others.
    let fits = match limit {
        Some(limit) => Some(credit::reserve_increase(db, &order, increase, limit).await?),
        None => None,
    };
    let from = order.status;
    let to = if fits == Some(false) {
        OrderStatus::CreditHold
    } else {
        from
    };
    if stored(order.total) != total.amount {
        changes.push(Change::new(
            "total",
            Some(label(order.total, &order.currency)),
            Some(label(total.amount, &order.currency)),
        ));
    }
    let mut row: order::ActiveModel = order.clone().into();
    row.total = Set(total.amount.into());
    row.tax_total = Set(tax.amount.into());
    row.cost = Set(cost.into());
    row.margin = Set(margin.into());
    row.status = Set(to);
    row.change_count = Set(order.change_count + 1);
    let saved = save_versioned::<order::Entity>(db, row, order.id, version).await?;
    if fits != Some(true) {
        credit::shift(db, &[credit::of_order(&order)], &[credit::of_order(&saved)]).await?;
    }
    rollups::shift(db, Some(&order), &saved).await?;
    let mut note = match &change.reference {
        Some(reference) => format!("change {} (the buyer's {reference})", saved.change_count),
        None => format!("change {}", saved.change_count),
    };
    if let Some(text) = &change.note {
        note.push_str(": ");
        note.push_str(text);
    }
    history::record(
        db,
        principal,
        &saved,
        history::Step::Changed,
        Some(from),
        from,
        &changes,
        Some(note),
    )
    .await?;
    if to == OrderStatus::CreditHold && from != to {
        let reason = credit::hold_reason(
            db,
            saved.buyer_id,
            saved.seller_id,
            total.amount,
            &saved.currency,
            limit.unwrap_or_default(),
        )
        .await?;
        history::record(
            db,
            principal,
            &saved,
            history::Step::CreditHold,
            Some(from),
            OrderStatus::CreditHold,
            &[Change::new(
                "status",
                Some(status_name(from)),
                Some(status_name(OrderStatus::CreditHold)),
            )],
            Some(reason),
        )
        .await?;
    }
    Ok(saved)
}
