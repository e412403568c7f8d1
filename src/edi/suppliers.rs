//! What suppliers send about the brand's purchase orders: an 855 acknowledges one, an 856
//! ships it, an 810 invoices it. Each becomes the domain's own values and goes through the
//! services of `orderAcknowledge`, `shipmentCreate` and `invoiceCreate`, acting as the
//! supplier, so the
//! same rules hold (every line answered, no more shipped than accepted, no more invoiced
//! than shipped). An 810 whose total is not what was shipped and not yet invoiced at the
//! agreed prices is refused, so nothing a supplier bills is silently repriced.

use entity::enums::OrderKind;
use entity::{order, organization};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::envelope::{Segment, TransactionSet};
use super::mapping::{
    Applied, Failure, anchor, failure, first, following, line_index, nth, refuse,
};
use super::sets;
use crate::access::Principal;
use crate::money;
use crate::orders::model::{LineAck, LineDecision, LineQuantity, NewShipment, check_line_count};
use crate::orders::reactions::Reactor;
use crate::orders::{fulfilment, lifecycle};
use crate::settings::TradeSettings;

/// The brand's purchase order to `supplier` with PO number `po`, refused at `at` if none.
async fn purchase_order(
    db: &impl ConnectionTrait,
    supplier: &organization::Model,
    po: &str,
    at: &Segment,
    element: Option<usize>,
) -> Result<order::Model, Failure> {
    order::Entity::find()
        .filter(order::Column::Kind.eq(OrderKind::Purchase))
        .filter(order::Column::SellerId.eq(supplier.id))
        .filter(order::Column::BuyerPoNumber.eq(po.trim()))
        .one(db)
        .await?
        .ok_or_else(|| {
            refuse(
                at,
                element,
                format!(
                    "the brand has no purchase order {po} with {}",
                    supplier.code
                ),
            )
            .into()
        })
}

/// Where an acknowledgement field came from: each answer is a PO1 and its ACK.
fn locate_855(set: &TransactionSet, field: &[String]) -> (Segment, Option<usize>) {
    let bak = anchor(set, "BAK");
    let Some(po1) = line_index(field).and_then(|i| nth(set, "PO1", i)) else {
        return (bak, None);
    };
    let ack = following(set, po1, "ACK", "PO1").unwrap_or(po1);
    match field.get(3).map(String::as_str) {
        Some("lineNumber") => (po1.clone(), Some(1)),
        Some("unitPrice") => (po1.clone(), Some(4)),
        Some("decision") => (ack.clone(), Some(1)),
        Some("quantity") => (ack.clone(), Some(2)),
        Some("promisedDate") => (ack.clone(), Some(5)),
        _ => (po1.clone(), None),
    }
}

fn line_number(segment: &Segment, value: &str) -> Result<i32, Failure> {
    value.trim().parse::<i32>().map_err(|_| {
        refuse(
            segment,
            Some(1),
            format!("`{value}` is not a line number of the order"),
        )
        .into()
    })
}

/// Applies an 855 from `supplier`: its acknowledgement of a purchase order.
pub async fn acknowledgement(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    supplier: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    let ack = sets::read_855(set)?;
    let bak = anchor(set, "BAK");
    let order = purchase_order(db, supplier, &ack.po_number, &bak, Some(3)).await?;
    let mut lines = Vec::with_capacity(ack.lines.len());
    for (i, line) in ack.lines.iter().enumerate() {
        let po1 = nth(set, "PO1", i).cloned().unwrap_or_else(|| bak.clone());
        let decision = match (line.status.as_deref(), ack.kind.as_str()) {
            (Some("IA"), _) | (None, "AD" | "AC") => LineDecision::Accept,
            (Some("IC" | "IP" | "IQ" | "DR"), _) => LineDecision::Change,
            (Some("IB"), _) => LineDecision::Backorder,
            (Some("IR" | "ID"), _) | (None, "RJ") => LineDecision::Reject,
            (Some(other), _) => {
                let at = following(set, &po1, "ACK", "PO1").unwrap_or(&po1);
                return Err(refuse(
                    at,
                    Some(1),
                    format!("ACK01 `{other}` is not one we take: IA, IC, IQ, IP, DR, IB, IR or ID"),
                )
                .into());
            }
            (None, other) => {
                return Err(refuse(
                    &po1,
                    None,
                    format!(
                        "the line has no ACK, and BAK02 `{other}` does not say what became of it"
                    ),
                )
                .into());
            }
        };
        let kept = decision != LineDecision::Reject;
        lines.push((
            line_number(&po1, &line.line_number)?,
            decision,
            line.status_quantity.filter(|_| kept),
            line.unit_price.filter(|_| kept),
            line.date,
        ));
    }
    let located = |f: &[String]| locate_855(set, f);
    let checked = || {
        check_line_count(lines.len())?;
        lines
            .iter()
            .enumerate()
            .map(|(i, (n, decision, quantity, price, date))| {
                LineAck::checked(i, *n, *decision, *quantity, *price, *date, trade)
            })
            .collect::<crate::error::Result<Vec<_>>>()
    };
    let acks = checked().map_err(|e| failure(e, located))?;
    let (id, version) = (order.id, order.version);
    let note = Some(format!("X12 855 {}", set.control_number));
    let acknowledged = lifecycle::acknowledge(db, principal, reactor, id, version, acks, note)
        .await
        .map_err(|e| failure(e, located))?;
    Ok(Applied {
        order_id: Some(acknowledged.id),
        reference: Some(ack.po_number),
        ..Applied::default()
    })
}

/// Where a ship notice field came from.
fn locate_856(set: &TransactionSet, field: &[String]) -> (Segment, Option<usize>) {
    let bsn = anchor(set, "BSN");
    if let Some(i) = line_index(field) {
        return match nth(set, "SN1", i) {
            Some(sn1) if field.get(3).map(String::as_str) == Some("lineNumber") => {
                (sn1.clone(), Some(1))
            }
            Some(sn1) => (sn1.clone(), Some(2)),
            None => (bsn, None),
        };
    }
    let at = |id: &str, element: usize| {
        first(set, id)
            .map(|s| (s.clone(), Some(element)))
            .unwrap_or_else(|| (bsn.clone(), None))
    };
    match field.get(1).map(String::as_str) {
        Some("carrier") => at("TD5", 3),
        Some("trackingNumber") => at("REF", 2),
        Some("shippedAt") => (bsn.clone(), Some(3)),
        Some("expectedAt") => at("DTM", 2),
        _ => (bsn, None),
    }
}

/// Applies an 856 from `supplier`: a shipment against a purchase order.
pub async fn ship_notice(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    supplier: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    let notice = sets::read_856(set)?;
    let bsn = anchor(set, "BSN");
    let prf = first(set, "PRF").cloned();
    let po = notice
        .po_number
        .clone()
        .ok_or_else(|| refuse(&bsn, None, "the order level needs a PRF with the PO number"))?;
    let order = purchase_order(db, supplier, &po, prf.as_ref().unwrap_or(&bsn), Some(1)).await?;
    let carrier = notice.carrier.clone().ok_or_else(|| {
        let at = first(set, "TD5").unwrap_or(&bsn);
        refuse(at, Some(3), "name the carrier in TD503")
    })?;
    let mut lines = Vec::with_capacity(notice.lines.len());
    for (i, line) in notice.lines.iter().enumerate() {
        let sn1 = nth(set, "SN1", i).cloned().unwrap_or_else(|| bsn.clone());
        let quantity = line
            .quantity
            .ok_or_else(|| refuse(&sn1, Some(2), "SN102 must give the quantity shipped"))?;
        lines.push((line_number(&sn1, &line.line_number)?, quantity));
    }
    let shipped_at = notice
        .shipped_on
        .or(notice.date)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    let located = |f: &[String]| locate_856(set, f);
    let checked = || {
        let lines = lines
            .iter()
            .enumerate()
            .map(|(i, (n, quantity))| LineQuantity::checked(i, *n, *quantity, trade))
            .collect::<crate::error::Result<Vec<_>>>()?;
        NewShipment::checked(
            &carrier,
            notice.tracking_number.as_deref(),
            shipped_at,
            notice.expected_on,
            lines,
        )
    };
    let new = checked().map_err(|e| failure(e, located))?;
    let (id, version) = (order.id, order.version);
    let (order, shipment) = fulfilment::ship(db, principal, reactor, id, version, new)
        .await
        .map_err(|e| failure(e, located))?;
    Ok(Applied {
        order_id: Some(order.id),
        shipment_id: Some(shipment.id),
        reference: Some(notice.shipment_number),
        ..Applied::default()
    })
}

/// Applies an 810 from `supplier`: its invoice for what it shipped.
pub async fn invoice(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    supplier: &organization::Model,
    set: &TransactionSet,
) -> Result<Applied, Failure> {
    let document = sets::read_810(set)?;
    let big = anchor(set, "BIG");
    let po = document
        .po_number
        .clone()
        .ok_or_else(|| refuse(&big, Some(4), "BIG04 must give the PO number"))?;
    let order = purchase_order(db, supplier, &po, &big, Some(4)).await?;
    let located = |_: &[String]| (big.clone(), None);
    let (_, created) = fulfilment::invoice(
        db,
        principal,
        reactor,
        order.id,
        order.version,
        document.date,
    )
    .await
    .map_err(|e| failure(e, located))?;
    let owed = money::stored(created.total);
    if let Some(total) = document.total
        && total != owed
    {
        let tds = first(set, "TDS").unwrap_or(&big);
        return Err(refuse(
            tds,
            Some(1),
            format!(
                "the invoice says {total}; what was shipped and not yet invoiced comes to {}",
                money::label(owed, &created.currency)
            ),
        )
        .into());
    }
    Ok(Applied {
        order_id: Some(order.id),
        invoice_id: Some(created.id),
        reference: Some(document.number),
        ..Applied::default()
    })
}
