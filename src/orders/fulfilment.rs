//! Fulfilment: ship notices (partial ones too, never more than was accepted), goods receipt
//! by the buyer, invoices for what shipped with a due date from the payment terms, and
//! payments (partial ones too, never more than is owed).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::enums::{InvoiceStatus, LineStatus, OrderStatus};
use entity::{invoice, invoice_line, order, order_line, payment, shipment, shipment_line};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::history::{self, Change};
use super::lifecycle::{ensure_buyer, ensure_seller, status_name, step};
use super::model::{LineQuantity, NewPayment, NewShipment};
use super::reactions::{Happened, Reactor};
use super::{counters, credit, queries};
use crate::access::Principal;
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::{self, Currency, stored};
use crate::store::{self, now, save_versioned};

fn line_error(i: usize, name: &str, code: ErrorCode, message: impl Into<String>) -> Error {
    let index = i.to_string();
    Error::user(&["input", "lines", index.as_str(), name], code, message)
}

fn currency_of(order: &order::Model) -> Result<Currency> {
    Currency::parse(&[], &order.currency)
        .map_err(|_| Error::Internal("an order has an unknown currency".into()))
}

/// What a line still has to ship.
fn open_to_ship(line: &order_line::Model) -> Decimal {
    match line.status {
        LineStatus::Accepted
        | LineStatus::Changed
        | LineStatus::QuantityChanged
        | LineStatus::PriceChanged
        | LineStatus::Backordered => {
            stored(line.accepted_quantity.unwrap_or_default()) - stored(line.shipped_quantity)
        }
        _ => Decimal::ZERO,
    }
}

/// Matches each requested line number to the order's line, naming unknown and repeated ones.
fn match_lines<'a>(
    order: &order::Model,
    lines: &'a [order_line::Model],
    wanted: &[LineQuantity],
) -> Result<Vec<&'a order_line::Model>> {
    if wanted.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "name at least one line",
        ));
    }
    wanted
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if wanted[..i].iter().any(|o| o.line_number == w.line_number) {
                return Err(line_error(
                    i,
                    "lineNumber",
                    ErrorCode::Taken,
                    format!("line {} is named twice", w.line_number),
                ));
            }
            lines
                .iter()
                .find(|l| l.line_number == w.line_number)
                .ok_or_else(|| {
                    line_error(
                        i,
                        "lineNumber",
                        ErrorCode::NotFound,
                        format!("order {} has no line {}", order.number, w.line_number),
                    )
                })
        })
        .collect()
}

async fn lines_of(db: &impl ConnectionTrait, order_id: Uuid) -> Result<Vec<order_line::Model>> {
    Ok(order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNumber)
        .all(db)
        .await?)
}

/// Records a ship notice for an acknowledged order. The order becomes SHIPPED once every
/// accepted quantity has shipped, PARTIALLY_SHIPPED before.
#[tracing::instrument(skip(db, principal, reactor, new))]
pub async fn ship(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    order_id: Uuid,
    version: i32,
    new: NewShipment,
) -> Result<(order::Model, shipment::Model)> {
    principal.ensure_can_trade()?;
    let order = queries::for_change(db, principal, order_id, version)
        .await
        .map_err(|e| crate::catalog::tiers::rename_id_field(e, "orderId"))?;
    ensure_seller(db, principal, &order, "ships an order").await?;
    if !matches!(
        order.status,
        OrderStatus::Acknowledged | OrderStatus::PartiallyShipped
    ) {
        return Err(Error::user(
            &["input", "orderId"],
            ErrorCode::IllegalTransition,
            format!(
                "order {} is {}; only acknowledged orders ship",
                order.number,
                status_name(order.status)
            ),
        ));
    }
    let lines = lines_of(db, order_id).await?;
    let matched = match_lines(&order, &lines, &new.lines)?;
    for (i, (w, line)) in new.lines.iter().zip(&matched).enumerate() {
        let open = open_to_ship(line);
        if w.quantity > open {
            return Err(line_error(
                i,
                "quantity",
                ErrorCode::ExceedsAccepted,
                format!(
                    "line {} has {open} left to ship of {} accepted; {} is too many",
                    line.line_number,
                    stored(line.accepted_quantity.unwrap_or_default()),
                    w.quantity
                ),
            ));
        }
    }
    let at = now();
    let id = Uuid::now_v7();
    let created = shipment::ActiveModel {
        id: Set(id),
        order_id: Set(order_id),
        number: Set(counters::next_number(db, "ASN").await?),
        carrier: Set(new.carrier),
        tracking_number: Set(new.tracking_number),
        shipped_at: Set(new.shipped_at.unwrap_or(at)),
        expected_at: Set(new.expected_at),
        received_at: Set(None),
        received_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    let mut changes = Vec::new();
    let mut fully_shipped = true;
    shipment_line::Entity::insert_many(new.lines.iter().zip(&matched).map(|(w, line)| {
        shipment_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            shipment_id: Set(id),
            order_line_id: Set(line.id),
            quantity: Set(w.quantity.into()),
            received_quantity: Set(None),
        }
    }))
    .exec(db)
    .await?;
    crate::changes::recorded::<shipment::Entity>(
        db,
        principal,
        Action::ShipmentCreate,
        None,
        &created,
    )
    .await?;
    for (w, line) in new.lines.iter().zip(&matched) {
        let shipped = stored(line.shipped_quantity) + w.quantity;
        changes.push(Change::new(
            format!("lines.{}.shipped", line.line_number),
            Some(stored(line.shipped_quantity).to_string()),
            Some(shipped.to_string()),
        ));
        let mut row: order_line::ActiveModel = (*line).clone().into();
        row.shipped_quantity = Set(shipped.into());
        row.update(db).await?;
    }
    for line in &lines {
        let shipped_now = new
            .lines
            .iter()
            .find(|w| w.line_number == line.line_number)
            .map(|w| w.quantity)
            .unwrap_or_default();
        if open_to_ship(line) - shipped_now > Decimal::ZERO {
            fully_shipped = false;
        }
    }
    let to = if fully_shipped {
        OrderStatus::Shipped
    } else {
        OrderStatus::PartiallyShipped
    };
    let note = Some(format!("ship notice {}", created.number));
    let saved = step(
        db,
        principal,
        order,
        version,
        to,
        None,
        history::Step::Shipped,
        changes,
        note,
    )
    .await?;
    shipment_event(db, EventType::ShipmentSent, &saved, &created).await?;
    reactor
        .react(
            db,
            Happened::Shipped {
                order: &saved,
                shipment: &created,
            },
        )
        .await?;
    Ok((saved, created))
}

/// Records what arrived of a shipment: by default everything shipped; a shortage is
/// recorded per line, never more than shipped. The buyer's side records it.
#[tracing::instrument(skip(db, principal, lines, note))]
pub async fn receive(
    db: &impl ConnectionTrait,
    principal: &Principal,
    shipment_id: Uuid,
    version: i32,
    lines: Option<Vec<LineQuantity>>,
    note: Option<String>,
) -> Result<shipment::Model> {
    principal.ensure_can_trade()?;
    let current = store::for_change::<shipment::Entity>(
        db,
        shipment_id,
        version,
        principal.owned_by_visible_order(shipment::Column::OrderId),
    )
    .await?;
    let order = order::Entity::find_by_id(current.order_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a shipment's order vanished".into()))?;
    ensure_buyer(db, principal, &order, "records the goods receipt").await?;
    if current.received_at.is_some() {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!("shipment {} was already received", current.number),
        ));
    }
    let shipped: Vec<shipment_line::Model> = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.eq(shipment_id))
        .all(db)
        .await?;
    let order_lines = lines_of(db, order.id).await?;
    let number_of = |order_line_id: Uuid| {
        order_lines
            .iter()
            .find(|l| l.id == order_line_id)
            .map(|l| l.line_number)
            .unwrap_or_default()
    };
    let received: Vec<(shipment_line::Model, Decimal)> = match &lines {
        None => shipped
            .iter()
            .map(|s| (s.clone(), stored(s.quantity)))
            .collect(),
        Some(wanted) => {
            let mut out = Vec::new();
            for (i, w) in wanted.iter().enumerate() {
                let line = shipped
                    .iter()
                    .find(|s| number_of(s.order_line_id) == w.line_number)
                    .ok_or_else(|| {
                        line_error(
                            i,
                            "lineNumber",
                            ErrorCode::NotFound,
                            format!(
                                "shipment {} carries no line {}",
                                current.number, w.line_number
                            ),
                        )
                    })?;
                if w.quantity > stored(line.quantity) {
                    return Err(line_error(
                        i,
                        "quantity",
                        ErrorCode::ExceedsAccepted,
                        format!(
                            "line {} shipped {}; {} cannot have arrived",
                            w.line_number,
                            stored(line.quantity),
                            w.quantity
                        ),
                    ));
                }
                out.push((line.clone(), w.quantity));
            }
            // Lines not named arrived in full.
            for s in &shipped {
                if !out.iter().any(|(o, _)| o.id == s.id) {
                    out.push((s.clone(), stored(s.quantity)));
                }
            }
            out
        }
    };
    let mut changes = Vec::new();
    for (line, quantity) in &received {
        let n = number_of(line.order_line_id);
        changes.push(Change::new(
            format!("lines.{n}.received"),
            None,
            Some(quantity.to_string()),
        ));
        let mut row: shipment_line::ActiveModel = line.clone().into();
        row.received_quantity = Set(Some((*quantity).into()));
        row.update(db).await?;
    }
    let mut row: shipment::ActiveModel = current.clone().into();
    row.received_at = Set(Some(now()));
    row.received_by = Set(principal.user_id());
    let saved = crate::changes::save::<shipment::Entity>(
        db,
        principal,
        Action::ShipmentReceive,
        &current,
        row,
    )
    .await?;
    history::record(
        db,
        principal,
        &order,
        history::Step::GoodsReceived,
        Some(order.status),
        order.status,
        &changes,
        Some(note.unwrap_or_else(|| format!("ship notice {}", current.number))),
    )
    .await?;
    shipment_event(db, EventType::ShipmentReceived, &order, &saved).await?;
    Ok(saved)
}

/// A shipment's event, for the buyer and the seller of its order.
async fn shipment_event(
    db: &impl ConnectionTrait,
    event_type: EventType,
    order: &order::Model,
    shipment: &shipment::Model,
) -> Result<()> {
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: shipment.id,
            order_id: Some(order.id),
            audience: vec![order.buyer_id, order.seller_id],
            data: serde_json::json!({
                "shipment": {
                    "id": events::gid(NodeType::Shipment, shipment.id),
                    "number": shipment.number,
                    "orderId": events::gid(NodeType::Order, order.id),
                    "orderNumber": order.number,
                    "shippedAt": shipment.shipped_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    "receivedAt": shipment.received_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
                }
            }),
        },
    )
    .await?;
    Ok(())
}

/// The amounts of an invoice's lines. Each is priced like the order's line (quantity times
/// unit price, then tax, each rounded to the currency's minor unit), except the invoice that
/// completes an order line: it takes what the line's net and tax still lack after the
/// invoices before it, so that an order invoiced in parts is invoiced to the cent of its
/// net and its tax, however the parts round.
async fn invoice_amounts(
    db: &impl ConnectionTrait,
    to_invoice: &[(&order_line::Model, Decimal)],
    currency: Currency,
) -> Result<crate::orders::submit::Amounts> {
    let priced = crate::orders::submit::line_amounts(
        to_invoice
            .iter()
            .map(|(l, q)| (*q, stored(l.unit_price), stored(l.tax_rate))),
        currency,
    )?;
    let completing: Vec<Uuid> = to_invoice
        .iter()
        .filter(|(l, q)| {
            let ordered = stored(l.accepted_quantity.unwrap_or(l.quantity));
            stored(l.invoiced_quantity) + *q == ordered && !stored(l.invoiced_quantity).is_zero()
        })
        .map(|(l, _)| l.id)
        .collect();
    if completing.is_empty() {
        return Ok(priced);
    }
    // What the earlier invoices took of each completed line, added up exactly.
    let mut earlier: HashMap<Uuid, (Decimal, Decimal)> = HashMap::new();
    for row in invoice_line::Entity::find()
        .filter(invoice_line::Column::OrderLineId.is_in(completing.iter().copied()))
        .all(db)
        .await?
    {
        let sums = earlier.entry(row.order_line_id).or_default();
        sums.0 += stored(row.line_total);
        sums.1 += stored(row.tax_amount);
    }
    let lines: Vec<(money::Money, money::Money)> = to_invoice
        .iter()
        .zip(priced.lines)
        .map(|((line, _), (net, tax))| match earlier.get(&line.id) {
            Some((net_before, tax_before)) if completing.contains(&line.id) => (
                money::Money::rounded(stored(line.line_total) - net_before, currency),
                money::Money::rounded(stored(line.tax_amount) - tax_before, currency),
            ),
            _ => (net, tax),
        })
        .collect();
    let all: Vec<money::Money> = lines.iter().flat_map(|(n, t)| [*n, *t]).collect();
    let taxes: Vec<money::Money> = lines.iter().map(|(_, t)| *t).collect();
    Ok(crate::orders::submit::Amounts {
        total: money::Money::sum(&["input", "orderId"], &all, currency)?,
        tax: money::Money::sum(&["input", "orderId"], &taxes, currency)?,
        lines,
    })
}

/// Invoices everything shipped and not yet invoiced, due after the order's payment terms.
/// The order becomes INVOICED once it has shipped in full and every shipped unit is invoiced.
#[tracing::instrument(skip(db, principal, reactor))]
pub async fn invoice(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    order_id: Uuid,
    version: i32,
    issued_on: Option<NaiveDate>,
) -> Result<(order::Model, invoice::Model)> {
    principal.ensure_can_settle()?;
    let order = queries::for_change(db, principal, order_id, version)
        .await
        .map_err(|e| crate::catalog::tiers::rename_id_field(e, "orderId"))?;
    ensure_seller(db, principal, &order, "invoices an order").await?;
    let illegal = |why: &str| {
        Error::user(
            &["input", "orderId"],
            ErrorCode::IllegalTransition,
            format!(
                "order {} is {}; {why}",
                order.number,
                status_name(order.status)
            ),
        )
    };
    if !matches!(
        order.status,
        OrderStatus::PartiallyShipped | OrderStatus::Shipped
    ) {
        return Err(illegal("only what has shipped is invoiced"));
    }
    let currency = currency_of(&order)?;
    let lines = lines_of(db, order_id).await?;
    let to_invoice: Vec<(&order_line::Model, Decimal)> = lines
        .iter()
        .map(|l| (l, stored(l.shipped_quantity) - stored(l.invoiced_quantity)))
        .filter(|(_, q)| *q > Decimal::ZERO)
        .collect();
    if to_invoice.is_empty() {
        return Err(illegal("everything shipped is already invoiced"));
    }
    let issued = issued_on.unwrap_or_else(|| now().date_naive());
    let due = issued
        .checked_add_days(Days::new(order.payment_terms_days.max(0) as u64))
        .ok_or_else(|| {
            Error::user(
                &["input", "issuedOn"],
                ErrorCode::Invalid,
                "the due date is out of range",
            )
        })?;
    let amounts = invoice_amounts(db, &to_invoice, currency).await?;
    let total = amounts.total;
    let at = now();
    let id = Uuid::now_v7();
    let created = invoice::ActiveModel {
        id: Set(id),
        order_id: Set(order_id),
        number: Set(counters::next_number(db, "INV").await?),
        issued_on: Set(issued),
        due_on: Set(due),
        currency: Set(order.currency.clone()),
        total: Set(total.amount.into()),
        tax_total: Set(amounts.tax.amount.into()),
        paid: Set(Decimal::ZERO.into()),
        status: Set(InvoiceStatus::Open),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    invoice_line::Entity::insert_many(to_invoice.iter().zip(&amounts.lines).map(
        |((line, quantity), (net, tax))| invoice_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            invoice_id: Set(id),
            order_line_id: Set(line.id),
            quantity: Set((*quantity).into()),
            unit_price: Set(stored(line.unit_price).into()),
            line_total: Set(net.amount.into()),
            tax_amount: Set(tax.amount.into()),
        },
    ))
    .exec(db)
    .await?;
    crate::changes::recorded::<invoice::Entity>(
        db,
        principal,
        Action::InvoiceCreate,
        None,
        &created,
    )
    .await?;
    for (line, quantity) in &to_invoice {
        let mut row: order_line::ActiveModel = (*line).clone().into();
        row.invoiced_quantity = Set((stored(line.invoiced_quantity) + *quantity).into());
        row.update(db).await?;
    }
    let fully_invoiced = order.status == OrderStatus::Shipped
        && lines.iter().all(|l| {
            stored(l.shipped_quantity)
                == stored(l.invoiced_quantity)
                    + to_invoice
                        .iter()
                        .find(|(t, _)| t.id == l.id)
                        .map(|(_, q)| *q)
                        .unwrap_or_default()
        });
    let to = if fully_invoiced {
        OrderStatus::Invoiced
    } else {
        order.status
    };
    let invoiced = stored(order.invoiced_amount) + total.amount;
    let mut changes = Vec::new();
    if to != order.status {
        changes.push(Change::new(
            "status",
            Some(status_name(order.status)),
            Some(status_name(to)),
        ));
    }
    changes.push(Change::new(
        "invoiced",
        Some(money::label(order.invoiced_amount, &order.currency)),
        Some(money::label(invoiced, &order.currency)),
    ));
    let mut row: order::ActiveModel = order.clone().into();
    row.invoiced_amount = Set(invoiced.into());
    row.status = Set(to);
    let saved = save_versioned::<order::Entity>(db, row, order_id, version).await?;
    // What the order no longer counts, the invoice owes: usually no balance moves.
    credit::shift(
        db,
        &[credit::of_order(&order)],
        &[
            credit::of_order(&saved),
            credit::of_invoice(&created, &saved),
        ],
    )
    .await?;
    let note = Some(format!("invoice {} due {due}", created.number));
    history::record(
        db,
        principal,
        &saved,
        history::Step::Invoiced,
        Some(order.status),
        to,
        &changes,
        note,
    )
    .await?;
    reactor
        .react(
            db,
            Happened::Invoiced {
                order: &saved,
                invoice: &created,
            },
        )
        .await?;
    Ok((saved, created))
}

/// Records a payment against an invoice: partial payments are allowed, paying more than is
/// owed is not. When every invoice of a fully invoiced order is paid, the order is PAID.
#[tracing::instrument(skip(db, principal, new))]
pub async fn pay(
    db: &impl ConnectionTrait,
    principal: &Principal,
    invoice_id: Uuid,
    version: i32,
    new: NewPayment,
) -> Result<(invoice::Model, payment::Model)> {
    principal.ensure_can_settle()?;
    let current = store::for_change::<invoice::Entity>(
        db,
        invoice_id,
        version,
        Condition::all()
            .add(principal.owned_by_visible_order(invoice::Column::OrderId))
            .add(principal.reaching_all(crate::access::Records::Invoices)),
    )
    .await
    .map_err(|e| crate::catalog::tiers::rename_id_field(e, "invoiceId"))?;
    let order = order::Entity::find_by_id(current.order_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("an invoice's order vanished".into()))?;
    ensure_seller(
        db,
        principal,
        &order,
        "records payments against its invoices",
    )
    .await?;
    if new.currency.code() != current.currency {
        return Err(Error::user(
            &["input", "amount", "currency"],
            ErrorCode::CurrencyMismatch,
            format!(
                "invoice {} is in {}, not {}",
                current.number,
                current.currency,
                new.currency.code()
            ),
        ));
    }
    let owed = stored(current.total) - stored(current.paid);
    if owed <= Decimal::ZERO {
        return Err(Error::user(
            &["input", "invoiceId"],
            ErrorCode::IllegalTransition,
            format!("invoice {} is paid", current.number),
        ));
    }
    if new.amount > owed {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::ExceedsBalance,
            format!(
                "invoice {} has {} left to pay; {} is more",
                current.number,
                money::label(owed, &current.currency),
                money::label(new.amount, &current.currency)
            ),
        ));
    }
    let at = now();
    let created = payment::ActiveModel {
        id: Set(Uuid::now_v7()),
        invoice_id: Set(invoice_id),
        amount: Set(new.amount.into()),
        received_on: Set(new.received_on.unwrap_or_else(|| at.date_naive())),
        reference: Set(new.reference),
        recorded_by: Set(principal.user_id()),
        created_at: Set(at),
    }
    .insert(db)
    .await?;
    crate::changes::recorded::<payment::Entity>(
        db,
        principal,
        Action::PaymentRecord,
        None,
        &created,
    )
    .await?;
    let paid = stored(current.paid) + new.amount;
    let status = if paid == stored(current.total) {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::PartiallyPaid
    };
    let mut row: invoice::ActiveModel = current.clone().into();
    row.paid = Set(paid.into());
    row.status = Set(status);
    let saved = save_versioned::<invoice::Entity>(db, row, invoice_id, version).await?;
    credit::shift(
        db,
        &[credit::of_invoice(&current, &order)],
        &[credit::of_invoice(&saved, &order)],
    )
    .await?;

    let unpaid_elsewhere = invoice::Entity::find()
        .filter(invoice::Column::OrderId.eq(order.id))
        .filter(invoice::Column::Id.ne(invoice_id))
        .filter(invoice::Column::Status.ne(InvoiceStatus::Paid))
        .one(db)
        .await?
        .is_some();
    let to = if order.status == OrderStatus::Invoiced
        && status == InvoiceStatus::Paid
        && !unpaid_elsewhere
    {
        OrderStatus::Paid
    } else {
        order.status
    };
    let changes = vec![Change::new(
        format!("invoices.{}.paid", current.number),
        Some(money::label(current.paid, &current.currency)),
        Some(money::label(paid, &current.currency)),
    )];
    let note = created
        .reference
        .clone()
        .map(|r| format!("payment reference {r}"));
    let version = order.version;
    step(
        db,
        principal,
        order,
        version,
        to,
        None,
        history::Step::PaymentRecorded,
        changes,
        note,
    )
    .await?;
    Ok((saved, created))
}
