//! Inbound 850 purchase orders, applied through `orderSubmit`'s own input and path: the set
//! becomes an `OrderSubmitInput`, parsed with the same checks, and submitted with the same
//! idempotency on the PO number. BEG01 `01` cancels the order the PO number names. A field
//! the trade model refuses is reported at the segment and element it came from.

use entity::{address, order, organization};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::envelope::{Problem, Segment, TransactionSet};
use super::mapping::{
    Applied, Failure, anchor, failure, first, id_element, line_index, nth, refuse,
};
use super::sets::{self, PurchaseOrder};
use crate::access::Principal;
use crate::error::Error;
use crate::graphql::scalars::{Date, Decimal};
use crate::orders::graphql::inputs::{OrderLineInput, OrderSubmitInput};
use crate::orders::{lifecycle, submit};
use crate::settings::TradeSettings;

fn lines(set: &TransactionSet) -> Vec<&Segment> {
    set.body.iter().filter(|s| s.id == "PO1").collect()
}

/// The segment and element an input field of the order came from.
fn locate(set: &TransactionSet, field: &[String]) -> (Segment, Option<usize>) {
    let beg = anchor(set, "BEG");
    let at = |id: &str, element: usize| {
        first(set, id)
            .map(|s| (s.clone(), Some(element)))
            .unwrap_or_else(|| (beg.clone(), None))
    };
    if let Some(i) = line_index(field) {
        let Some(po1) = nth(set, "PO1", i) else {
            return (beg, None);
        };
        let element = match field.get(3).map(String::as_str) {
            Some("lineNumber") => Some(1),
            Some("quantity") => Some(2),
            Some("unit") => Some(3),
            Some("expectedUnitPrice") => Some(4),
            Some("sku") => id_element(po1, 6, &["VP", "VN"]).or(Some(7)),
            Some("buyerPartNumber") => id_element(po1, 6, &["BP"]),
            _ => None,
        };
        return (po1.clone(), element);
    }
    match field.get(1).map(String::as_str) {
        Some("poNumber") => (beg, Some(3)),
        Some("currency") => at("CUR", 2),
        Some("requestedDate") => at("DTM", 2),
        Some("shipToAddressId") => at("N1", 4),
        _ => (beg, None),
    }
}

/// The order input an 850 carries; the buyer is the sender.
fn input(
    set: &TransactionSet,
    po: &PurchaseOrder,
) -> std::result::Result<OrderSubmitInput, Problem> {
    let po1s = lines(set);
    let mut order_lines = Vec::with_capacity(po.lines.len());
    for (line, po1) in po.lines.iter().zip(&po1s) {
        let line_number =
            match line.line_number.trim() {
                "" => None,
                n => Some(n.parse::<i32>().map_err(|_| {
                    refuse(po1, Some(1), format!("PO101 `{n}` is not a line number"))
                })?),
            };
        let quantity = line
            .quantity
            .ok_or_else(|| refuse(po1, Some(2), "PO102 must give the quantity"))?;
        let unit = match line.unit.trim() {
            "" => None,
            code => Some(
                entity::enums::UnitOfMeasure::try_from_value(&code.to_owned())
                    .map_err(|_| {
                        refuse(
                            po1,
                            Some(3),
                            format!("PO103 `{code}` is not a unit we sell in"),
                        )
                    })?
                    .into(),
            ),
        };
        let sku = line.sku.clone().ok_or_else(|| {
            refuse(
                po1,
                Some(7),
                "name the product by its SKU with qualifier VP or VN",
            )
        })?;
        order_lines.push(OrderLineInput {
            line_number,
            sku,
            quantity: Decimal(quantity),
            unit,
            buyer_part_number: line.buyer_part_number.clone(),
            requested_date: None,
            expected_unit_price: line.unit_price.map(Decimal),
        });
    }
    Ok(OrderSubmitInput {
        buyer_id: None,
        seller_id: None,
        po_number: po.po_number.clone(),
        currency: po.currency.clone(),
        requested_date: po.requested_date.map(Date),
        ship_to_address_id: None,
        notes: None,
        lines: order_lines,
    })
}

/// The buyer's address an N1*ST names by its GLN; a name alone goes into the notes.
async fn ship_to(
    db: &impl ConnectionTrait,
    set: &TransactionSet,
    po: &PurchaseOrder,
    buyer: &organization::Model,
) -> std::result::Result<(Option<Uuid>, Option<String>), Failure> {
    let Some(party) = &po.ship_to else {
        return Ok((None, None));
    };
    let Some(gln) = &party.id else {
        return Ok((None, party.name.as_ref().map(|n| format!("Ship to: {n}"))));
    };
    let found = address::Entity::find()
        .filter(address::Column::OrganizationId.eq(buyer.id))
        .filter(address::Column::Gln.eq(gln.clone()))
        .filter(address::Column::ArchivedAt.is_null())
        .one(db)
        .await
        .map_err(|e| Failure::Fault(e.into()))?;
    match found {
        Some(a) => Ok((Some(a.id), None)),
        None => {
            let n1 = set
                .body
                .iter()
                .find(|s| s.id == "N1" && s.element(1) == "ST")
                .cloned()
                .unwrap_or_else(|| anchor(set, "BEG"));
            Err(refuse(
                &n1,
                Some(4),
                format!("no address of {} has the GLN {gln}", buyer.code),
            )
            .into())
        }
    }
}

/// Applies an 850 from `buyer`.
pub async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    buyer: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> std::result::Result<Applied, Failure> {
    let po = sets::read_850(set)?;
    let beg = anchor(set, "BEG");
    match po.purpose.as_str() {
        "00" => {}
        "01" => return cancel(db, principal, buyer, set, &po).await,
        other => {
            return Err(refuse(
                &beg,
                Some(1),
                format!("BEG01 `{other}` is not supported: send 00 (original) or 01 (cancel)"),
            )
            .into());
        }
    }
    let input = input(set, &po)?;
    let mut new = input
        .parse(trade)
        .map_err(|e| failure(e, |f| locate(set, f)))?;
    new.buyer_id = Some(buyer.id);
    let (address, notes) = ship_to(db, set, &po, buyer).await?;
    new.ship_to_address_id = address;
    new.notes = notes;
    let order = submit::submit(db, principal, new, trade)
        .await
        .map_err(|e| failure(e, |f| locate(set, f)))?;
    Ok(Applied {
        order_id: Some(order.id),
        reference: Some(po.po_number),
        ..Applied::default()
    })
}

/// BEG01 `01`: cancels the order the PO number names.
async fn cancel(
    db: &impl ConnectionTrait,
    principal: &Principal,
    buyer: &organization::Model,
    set: &TransactionSet,
    po: &PurchaseOrder,
) -> std::result::Result<Applied, Failure> {
    let beg = anchor(set, "BEG");
    let existing = order::Entity::find()
        .filter(order::Column::BuyerId.eq(buyer.id))
        .filter(order::Column::BuyerPoNumber.eq(po.po_number.clone()))
        .one(db)
        .await
        .map_err(|e| Failure::Fault(e.into()))?
        .ok_or_else(|| {
            refuse(
                &beg,
                Some(3),
                format!("no order of {} has PO number {}", buyer.code, po.po_number),
            )
        })?;
    let cancelled = lifecycle::cancel(
        db,
        principal,
        existing.id,
        existing.version,
        Some(format!("cancelled by X12 850 {}", set.control_number)),
    )
    .await
    .map_err(|e| match e {
        Error::User(u) => Failure::Refused(refuse(&beg, Some(1), u.message)),
        other => failure(other, |f| locate(set, f)),
    })?;
    Ok(Applied {
        order_id: Some(cancelled.id),
        reference: Some(po.po_number.clone()),
        ..Applied::default()
    })
}
