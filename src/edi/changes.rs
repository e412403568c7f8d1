//! Inbound 860 purchase-order changes, applied as the domain's own change ([`OrderChange`])
//! through `orderChange`'s path, with the same rules: before shipment, prices from the price
//! list, the credit check on the new total. BCH03 names the order by the buyer's PO number;
//! BCH01 `04` changes it and `01` cancels it. Each POC is one line:
//!
//! | POC02 | what it does |
//! |---|---|
//! | `AI` | adds the line: POC03 quantity in POC05's unit, the item by POC08–POC17 as a PO1 names it |
//! | `DI` | cancels the line |
//! | `QI`, `QD` | sets the line's quantity to POC03 (more, or less) |
//! | `PC` | the unit price POC06: compared with the line's price on a sales order |
//! | `CT` | the line's requested date, from the DTM 002 in its loop |
//! | `CA`, `RZ`, `RQ` | any of quantity, price and date at once |
//! | `NC` | nothing: the line is unchanged |
//!
//! A change that breaks a rule changes nothing and is refused in the 997 at the POC element
//! it came from. An applied change is answered with an 865 by the reaction to the order's
//! step, as an 855 answers an 850.

use entity::{order, order_line, organization};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::envelope::{Problem, Segment, TransactionSet};
use super::mapping::{Applied, Failure, anchor, failure, line_index, refuse};
use super::purchase_orders::{Catalogue, at_element, line, price_per_unit, ship_to};
use super::sets;
use crate::access::Principal;
use crate::money;
use crate::orders::model::{self, LineChange, OrderChange};
use crate::orders::reactions::Reactor;
use crate::orders::{change, lifecycle};
use crate::settings::TradeSettings;

type Outcome<T> = std::result::Result<T, Failure>;

/// The POC02 codes taken, and what each may change.
const CHANGES: [&str; 10] = ["AI", "DI", "QI", "QD", "PC", "CT", "CA", "RZ", "RQ", "NC"];

/// A POC and the segments of its loop, up to the next POC or the summary.
struct Poc<'a> {
    poc: &'a Segment,
    rest: Vec<&'a Segment>,
}

fn pocs(set: &TransactionSet) -> Vec<Poc<'_>> {
    let mut out: Vec<Poc<'_>> = Vec::new();
    for s in &set.body {
        match s.id.as_str() {
            "POC" => out.push(Poc {
                poc: s,
                rest: Vec::new(),
            }),
            "CTT" | "AMT" => break,
            _ => {
                if let Some(last) = out.last_mut() {
                    last.rest.push(s);
                }
            }
        }
    }
    out
}

/// The POC element a PO1 element stands for, when a POC is read as a PO1 to add a line:
/// PO101 line, PO102 quantity, PO103 unit, PO104 price, PO105 basis, PO106… the item pairs.
fn poc_element(po1_element: usize) -> usize {
    match po1_element {
        1 => 1,
        2 => 3,
        3 => 5,
        4 => 6,
        5 => 7,
        e => e + 2,
    }
}

/// A POC as the PO1 it adds, at the POC's position.
fn as_po1(poc: &Segment) -> Segment {
    let mut elements = vec![
        poc.element(1).to_owned(),
        poc.element(3).to_owned(),
        poc.element(5).to_owned(),
        poc.element(6).to_owned(),
        poc.element(7).to_owned(),
    ];
    elements.extend(poc.elements.iter().skip(7).cloned());
    Segment {
        id: "PO1".into(),
        elements,
        position: poc.position,
    }
}

/// A refusal of the PO1 a POC was read as, told of the POC: its segment, element and the
/// element names in its message.
fn of_poc(failure: Failure) -> Failure {
    let Failure::Refused(mut p) = failure else {
        return failure;
    };
    if p.segment != "PO1" {
        return Failure::Refused(p);
    }
    p.segment = "POC".into();
    p.element = p.element.map(poc_element);
    p.message = renamed(&p.message);
    Failure::Refused(p)
}

/// `PO1nn` element names in a message, as the POC elements they stand for.
fn renamed(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("PO1") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let digits: String = after.chars().take(2).collect();
        match digits.parse::<usize>() {
            Ok(n) if digits.len() == 2 && digits.chars().all(|c| c.is_ascii_digit()) => {
                out.push_str(&format!("POC{:02}", poc_element(n)));
                rest = &after[2..];
            }
            _ => {
                out.push_str("POC");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The segment and element an input field of the change came from.
fn locate(set: &TransactionSet, field: &[String]) -> (Segment, Option<usize>) {
    let bch = anchor(set, "BCH");
    let loops = pocs(set);
    if let Some(i) = line_index(field) {
        let Some(l) = loops.get(i) else {
            return (bch, None);
        };
        let element = match field.get(3).map(String::as_str) {
            Some("lineNumber") => Some(1),
            Some("quantity") => Some(3),
            Some("unit") => Some(5),
            Some("unitPrice" | "expectedUnitPrice") => Some(6),
            Some("sku") => Some(9),
            Some("requestedDate") => {
                if let Some(dtm) = l.rest.iter().find(|s| s.id == "DTM") {
                    return ((*dtm).clone(), Some(2));
                }
                None
            }
            _ => None,
        };
        return (l.poc.clone(), element);
    }
    match field.get(1).map(String::as_str) {
        Some("id") => (bch, Some(3)),
        _ => (bch, None),
    }
}

/// A decimal element of a POC, or the refusal that names it.
fn number(poc: &Segment, element: usize, what: &str) -> Outcome<Option<Decimal>> {
    match poc.element(element).trim() {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| {
            refuse(
                poc,
                Some(element),
                format!("POC{element:02} `{raw}` is not {what}"),
            )
            .into()
        }),
    }
}

/// The date a POC's loop asks for: its DTM 002 (delivery requested) or 010 (ship
/// requested); a DTM02 that is no date is refused, not passed over.
fn loop_date(l: &Poc<'_>) -> Outcome<Option<chrono::NaiveDate>> {
    let Some(dtm) = l
        .rest
        .iter()
        .find(|s| s.id == "DTM" && matches!(s.element(1), "002" | "010"))
    else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(dtm.element(2).trim(), "%Y%m%d")
        .map(Some)
        .map_err(|_| refuse(dtm, Some(2), "DTM02 must be a date, CCYYMMDD").into())
}

/// What a POC changes on an existing line, in the product's unit.
fn line_change(
    l: &Poc<'_>,
    code: &str,
    existing: &order_line::Model,
    trade: &TradeSettings,
) -> Outcome<LineChange> {
    let poc = l.poc;
    let field = |name: &'static str| ["input", "lines", "", name];
    let own_unit = crate::orders::submit::unit_code(existing.unit);
    let unit = poc.element(5).trim().to_uppercase();
    let size = if unit.is_empty() || unit == own_unit {
        Decimal::ONE
    } else if existing.ordered_unit.as_deref() == Some(unit.as_str()) {
        Decimal::from(existing.pack_size.unwrap_or(1).max(1))
    } else {
        return Err(refuse(
            poc,
            Some(5),
            format!(
                "POC05 `{unit}`: line {} is in {own_unit}{}",
                existing.line_number,
                existing
                    .ordered_unit
                    .as_deref()
                    .map(|p| format!(" or in packs of {p}"))
                    .unwrap_or_default()
            ),
        )
        .into());
    };
    let takes_quantity = matches!(code, "QI" | "QD" | "CA" | "RZ" | "RQ");
    let takes_price = matches!(code, "PC" | "CA" | "RZ");
    let takes_date = matches!(code, "CT" | "CA" | "RZ" | "RQ");
    let quantity = if takes_quantity {
        match number(poc, 3, "a quantity")? {
            Some(q) => Some(
                money::quantity(&field("quantity"), q * size, trade.max_quantity)
                    .map_err(at_element(poc, 3))?,
            ),
            None if matches!(code, "QI" | "QD") => {
                return Err(refuse(poc, Some(3), format!("POC02 `{code}` needs POC03")).into());
            }
            None => None,
        }
    } else {
        None
    };
    let ordered = money::stored(existing.quantity);
    match (code, quantity) {
        ("QI", Some(q)) if q <= ordered => {
            return Err(refuse(
                poc,
                Some(3),
                format!(
                    "POC02 `QI` is an increase, but POC03 takes line {} from {ordered} to {q}",
                    existing.line_number
                ),
            )
            .into());
        }
        ("QD", Some(q)) if q >= ordered => {
            return Err(refuse(
                poc,
                Some(3),
                format!(
                    "POC02 `QD` is a decrease, but POC03 takes line {} from {ordered} to {q}",
                    existing.line_number
                ),
            )
            .into());
        }
        _ => {}
    }
    let unit_price = if takes_price {
        match number(poc, 6, "a price")? {
            Some(p) => Some(price_per_unit(poc, 6, p, size, &own_unit, trade)?),
            None if code == "PC" => {
                return Err(refuse(poc, Some(6), "POC02 `PC` needs POC06").into());
            }
            None => None,
        }
    } else {
        None
    };
    let requested_date = if takes_date {
        match loop_date(l)? {
            Some(date) => Some(date),
            None if code == "CT" => {
                return Err(refuse(
                    poc,
                    Some(2),
                    "POC02 `CT` needs the new date in a DTM 002 in the line's loop",
                )
                .into());
            }
            None => None,
        }
    } else {
        None
    };
    Ok(LineChange::Change {
        line_number: existing.line_number,
        quantity,
        unit_price,
        requested_date,
    })
}

/// The header's ship-to, when it names one, must be the order's: an 860 does not move an
/// order to another place.
async fn ensure_same_ship_to(
    db: &impl ConnectionTrait,
    set: &TransactionSet,
    buyer: &organization::Model,
    order: &order::Model,
) -> Outcome<()> {
    let Some(n1) = set
        .body
        .iter()
        .take_while(|s| s.id != "POC")
        .find(|s| s.id == "N1" && s.element(1) == "ST")
    else {
        return Ok(());
    };
    let (address, one_time, _) = ship_to(db, set, buyer).await?;
    let same = match (address, one_time) {
        (Some(a), _) => order.ship_to_address_id == Some(a),
        (None, Some(t)) => {
            order.ship_to_address_id.is_none()
                && order.ship_to_name == t.name
                && order.ship_to_street == t.street
                && order.ship_to_city == t.city
                && order.ship_to_region == t.region
                && order.ship_to_postal_code == t.postal_code
                && order.ship_to_country == t.country
        }
        (None, None) => order.ship_to_address_id.is_none() && order.ship_to_name.is_none(),
    };
    if same {
        return Ok(());
    }
    Err(refuse(
        n1,
        Some(4),
        format!(
            "the N1 ST loop names another ship-to than order {}'s; an 860 does not move an \
             order: cancel it (BCH01 01) and send a new 850",
            order.number
        ),
    )
    .into())
}

/// Applies an 860 from `buyer`, to an order with the brand or with `seller` in the channel.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    buyer: &organization::Model,
    seller: Option<&organization::Model>,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Outcome<Applied> {
    let doc = sets::read_860(set)?;
    let bch = anchor(set, "BCH");
    let po_number =
        model::po_number(&["input", "poNumber"], &doc.po_number).map_err(at_element(&bch, 3))?;
    // The order with the seller the interchange went to: the brand, or the seller ISA08
    // names; a change sent elsewhere names no order.
    let seller_id = match seller {
        Some(s) => Some(s.id),
        None => crate::orders::queries::brand_id(db)
            .await
            .map_err(Failure::Fault)?,
    };
    let existing = order::Entity::find()
        .filter(order::Column::BuyerId.eq(buyer.id))
        .filter(order::Column::BuyerPoNumber.eq(po_number.clone()))
        .filter(order::Column::SellerId.eq(seller_id.unwrap_or_default()))
        .one(db)
        .await?;
    let existing = existing.ok_or_else(|| {
        refuse(
            &bch,
            Some(3),
            format!("no order of {} has PO number {po_number}", buyer.code),
        )
    })?;
    if let Some(c) = &doc.currency
        && c != &existing.currency
    {
        let cur = anchor(set, "CUR");
        return Err(refuse(
            &cur,
            Some(2),
            format!(
                "CUR02 `{c}`: order {} is in {}",
                existing.number, existing.currency
            ),
        )
        .into());
    }
    let applied = |order: &order::Model| Applied {
        order_id: Some(order.id),
        reference: Some(po_number.clone()),
        ..Applied::default()
    };
    match doc.purpose.as_str() {
        "04" => {}
        "01" => {
            let cancelled = lifecycle::cancel(
                db,
                principal,
                existing.id,
                existing.version,
                Some(format!("cancelled by X12 860 {}", set.control_number)),
            )
            .await
            .map_err(|e| match e {
                crate::error::Error::User(u) => Failure::Refused(refuse(&bch, Some(1), u.message)),
                other => failure(other, |f| locate(set, f)),
            })?;
            return Ok(applied(&cancelled));
        }
        other => {
            return Err(refuse(
                &bch,
                Some(1),
                format!("BCH01 `{other}` is not supported: send 04 (change) or 01 (cancel)"),
            )
            .into());
        }
    }
    ensure_same_ship_to(db, set, buyer, &existing).await?;
    let sequence = match &doc.sequence {
        Some(s) => Some(
            crate::domain::optional_text(&["input", "reference"], Some(s), 30)
                .map_err(at_element(&bch, 5))?,
        )
        .flatten(),
        None => None,
    };

    let loops = pocs(set);
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(existing.id))
        .order_by_asc(order_line::Column::LineNumber)
        .all(db)
        .await?;
    let added: Vec<Segment> = loops
        .iter()
        .filter(|l| l.poc.element(2).trim().eq_ignore_ascii_case("AI"))
        .map(|l| as_po1(l.poc))
        .collect();
    let added_refs: Vec<&Segment> = added.iter().collect();
    let catalogue = Catalogue::of(db, principal, buyer.id, &added_refs)
        .await
        .map_err(of_poc)?;
    let mut changes = Vec::with_capacity(loops.len());
    for (i, l) in loops.iter().enumerate() {
        let poc = l.poc;
        let code = poc.element(2).trim().to_uppercase();
        if !CHANGES.contains(&code.as_str()) {
            return Err(refuse(
                poc,
                Some(2),
                format!(
                    "POC02 `{code}` is not a change we take: {}",
                    CHANGES.join(", ")
                ),
            )
            .into());
        }
        if code == "NC" {
            continue;
        }
        if code == "AI" {
            let mut new = line(&as_po1(poc), i, &catalogue, trade).map_err(of_poc)?;
            new.requested_date = loop_date(l)?;
            changes.push(LineChange::Add(new));
            continue;
        }
        let number: i32 = poc.element(1).trim().parse().map_err(|_| {
            refuse(
                poc,
                Some(1),
                format!(
                    "POC01 `{}` is not a line number of the order",
                    poc.element(1)
                ),
            )
        })?;
        let Some(existing_line) = lines.iter().find(|x| x.line_number == number) else {
            return Err(refuse(
                poc,
                Some(1),
                format!("order {} has no line {number}", existing.number),
            )
            .into());
        };
        if code == "DI" {
            changes.push(LineChange::Cancel {
                line_number: number,
            });
            continue;
        }
        changes.push(line_change(l, &code, existing_line, trade)?);
    }
    if changes.is_empty() {
        return Err(Failure::Refused(Problem::at(
            "5",
            &bch,
            None,
            "the 860 changes no line: every POC says NC, or there is none",
        )));
    }
    // Lines the change names are counted from its POCs: an error at `input.lines.<i>` is
    // the i-th POC's, so NC lines keep their place.
    let positions: Vec<usize> = loops
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.poc.element(2).trim().eq_ignore_ascii_case("NC"))
        .map(|(i, _)| i)
        .collect();
    let order = change::change(
        db,
        principal,
        reactor,
        existing.id,
        existing.version,
        OrderChange {
            lines: changes,
            reference: sequence,
            note: Some(format!("X12 860 {}", set.control_number)),
        },
        trade,
    )
    .await
    .map_err(|e| {
        failure(e, |f| {
            let mut f = f.to_vec();
            if let Some(i) = line_index(&f)
                && let Some(p) = positions.get(i)
            {
                f[2] = p.to_string();
            }
            locate(set, &f)
        })
    })?;
    Ok(applied(&order))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn po1_element_names_become_the_poc_elements_they_stand_for() {
        assert_eq!(
            renamed("PO103 `CA`: sold in EA; PO107: no product is known by UP `1`"),
            "POC05 `CA`: sold in EA; POC09: no product is known by UP `1`"
        );
        assert_eq!(
            renamed("PO1 names no item: give a pair from PO106"),
            "POC names no item: give a pair from POC08"
        );
    }

    #[test]
    fn a_poc_reads_as_the_po1_it_adds() {
        let poc = Segment {
            id: "POC".into(),
            elements: [
                "3",
                "AI",
                "12",
                "12",
                "CA",
                "9.5",
                "PE",
                "UP",
                "036000291452",
            ]
            .map(String::from)
            .to_vec(),
            position: 7,
        };
        let po1 = as_po1(&poc);
        assert_eq!(po1.element(1), "3");
        assert_eq!(po1.element(2), "12");
        assert_eq!(po1.element(3), "CA");
        assert_eq!(po1.element(4), "9.5");
        assert_eq!(po1.element(6), "UP");
        assert_eq!(po1.element(7), "036000291452");
        assert_eq!(poc_element(7), 9);
        assert_eq!(po1.position, 7);
    }
}
