//! Inbound 867 product transfer and resale reports, applied as a sales report through
//! `sellThroughReportSubmit`'s service, per end customer where the report names one.
//!
//! Read segment by segment rather than with `x12-types`: its 867 nests the quantities in an
//! SII loop, where the 004010 and 005010 standards put the QTY loop directly in the PTD loop,
//! as distributors write it.
//!
//! What is read:
//! - the period: DTM `090` (start) and `091` (end) in the heading;
//! - each PTD loop: PTD01 the kind of transfer. Sales (`SS` and the other resale codes)
//!   count up and returns (`SR`, `BR`) count down; stock moves between the distributor's own
//!   places (`TR`, `TF`) are not sales and are refused, naming PTD01. Its end customer is
//!   its N1 `BY`, `SO`, `EN` or `ST` (in that preference) with N103 `91`, `92` or `ZZ` and
//!   N104 the customer's code in the directory;
//! - each QTY loop: QTY01 `32` (quantity sold) or `39` (shipped), QTY02 the units; the LIN
//!   that follows names the product (`VP` or `VN`).
//!
//! Lines for one product and end customer are added up; a total below nothing (returns over
//! sales) is refused at its QTY.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::organization;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::envelope::{Segment, TransactionSet};
use super::mapping::{Applied, Failure, anchor, failure, id_element, line_index, refuse};
use crate::access::Principal;
use crate::reports::service::{self, NewSellThroughReport, SellThroughLine};
use crate::settings::TradeSettings;

/// PTD01 codes of a sale to a customer, and of a return from one.
const SALES: [&str; 4] = ["SS", "SD", "PS", "DS"];
const RETURNS: [&str; 2] = ["SR", "BR"];
/// N101 codes that name the customer sold to, most telling first.
const CUSTOMERS: [&str; 4] = ["BY", "SO", "EN", "ST"];
/// N103 codes under which N104 is the customer's code in the directory.
const CODES: [&str; 3] = ["91", "92", "ZZ"];
/// QTY01 codes of units sold.
const SOLD: [&str; 2] = ["32", "39"];

/// The N1 that names a customer, and its code.
type Customer = (Segment, String);

/// One QTY loop: what was sold of a product to a customer.
struct Sold {
    sku: String,
    customer: Option<Customer>,
    quantity: Decimal,
    qty: Segment,
    lin: Segment,
}

fn date(segment: &Segment, element: usize) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(segment.element(element), "%Y%m%d").map_err(|_| {
        refuse(
            segment,
            Some(element),
            format!(
                "{}{element:02} `{}` is not a date (CCYYMMDD)",
                segment.id,
                segment.element(element)
            ),
        )
        .into()
    })
}

/// The customer of a PTD loop: the most telling of the N1s naming one, by its code.
fn chosen(names: &[Segment]) -> Result<Option<Customer>, Failure> {
    let rank = |n: &Segment| CUSTOMERS.iter().position(|c| *c == n.element(1));
    let Some(best) = names.iter().min_by_key(|n| rank(n)) else {
        return Ok(None);
    };
    if !CODES.contains(&best.element(3)) || best.element(4).trim().is_empty() {
        return Err(refuse(
            best,
            Some(3),
            format!(
                "name the customer by the code the brand gives it: N103 91, 92 or ZZ and N104 \
                 the code; N103 `{}` is not read",
                best.element(3)
            ),
        )
        .into());
    }
    Ok(Some((best.clone(), best.element(4).trim().to_uppercase())))
}

/// The PTD loop being read: whether it returns, the N1s naming its customer, and the
/// customer chosen from them once its quantities begin.
type Transfer = (bool, Vec<Segment>, Option<Customer>);

/// The period's first and last day, where given, and what was sold.
struct Resales {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    sold: Vec<Sold>,
}

fn sold_in(set: &TransactionSet) -> Result<Resales, Failure> {
    let (mut start, mut end) = (None, None);
    let mut lines = Vec::new();
    let mut transfer: Option<Transfer> = None;
    let mut qty: Option<Segment> = None;
    // Whether the PTD loop's quantities began: its N1 loop comes before them.
    let mut counting = false;
    for s in &set.body {
        match (s.id.as_str(), &mut transfer) {
            ("DTM", None) if s.element(1) == "090" => start = Some(date(s, 2)?),
            ("DTM", None) if s.element(1) == "091" => end = Some(date(s, 2)?),
            ("PTD", _) => {
                let kind = s.element(1);
                let returned = if SALES.contains(&kind) {
                    false
                } else if RETURNS.contains(&kind) {
                    true
                } else {
                    return Err(refuse(
                        s,
                        Some(1),
                        format!(
                            "PTD01 `{kind}` is not a sale to a customer or a return from one; \
                             send SS, SD, PS or DS for sales and SR or BR for returns"
                        ),
                    )
                    .into());
                };
                transfer = Some((returned, Vec::new(), None));
                qty = None;
                counting = false;
            }
            ("N1", Some((_, names, _))) if !counting && CUSTOMERS.contains(&s.element(1)) => {
                names.push(s.clone());
            }
            ("QTY", Some((_, names, customer))) => {
                if !counting {
                    *customer = chosen(names)?;
                }
                if !SOLD.contains(&s.element(1)) {
                    return Err(refuse(
                        s,
                        Some(1),
                        format!(
                            "QTY01 `{}` is not units sold: send 32 (sold) or 39 (shipped)",
                            s.element(1)
                        ),
                    )
                    .into());
                }
                qty = Some(s.clone());
                counting = true;
            }
            ("LIN", Some((returned, _, customer))) => {
                let Some(q) = qty.take() else {
                    return Err(refuse(s, None, "a LIN follows the QTY of its units").into());
                };
                let Some(at) = id_element(s, 2, &["VP", "VN"]) else {
                    return Err(refuse(
                        s,
                        Some(3),
                        "name the product by its SKU with qualifier VP or VN",
                    )
                    .into());
                };
                let units = super::sets::decimal(q.element(2)).ok_or_else(|| {
                    refuse(
                        &q,
                        Some(2),
                        format!("QTY02 `{}` is not a number", q.element(2)),
                    )
                })?;
                lines.push(Sold {
                    sku: s.element(at).trim().to_owned(),
                    customer: customer.clone(),
                    quantity: if *returned { -units } else { units },
                    qty: q,
                    lin: s.clone(),
                });
            }
            ("QTY" | "LIN", None) => {
                return Err(refuse(s, None, format!("a {} belongs in a PTD loop", s.id)).into());
            }
            _ => {}
        }
    }
    if let Some(q) = qty {
        return Err(refuse(&q, None, "a QTY is followed by the LIN of its product").into());
    }
    Ok(Resales {
        start,
        end,
        sold: lines,
    })
}

/// Applies an 867 from `reporter`.
pub async fn resales(
    db: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    reporter: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    if let Some(too_many) = super::sets::over_line_limit(set) {
        return Err(too_many.into());
    }
    let bpt = anchor(set, "BPT");
    let Resales { start, end, sold } = sold_in(set)?;
    let (Some(start), Some(end)) = (start, end) else {
        return Err(refuse(
            &bpt,
            None,
            "give the period reported in a DTM 090 (first day) and a DTM 091 (last day)",
        )
        .into());
    };
    if sold.is_empty() {
        return Err(refuse(&bpt, None, "an 867 reports at least one QTY and LIN").into());
    }
    // The customers' codes, among the end customers in the directory; whether the reporter
    // may name one is the sales report's check.
    let codes: Vec<String> = sold
        .iter()
        .filter_map(|l| l.customer.as_ref().map(|(_, c)| c.clone()))
        .collect();
    let customers: HashMap<String, Uuid> = organization::Entity::find()
        .filter(organization::Column::Code.is_in(codes))
        .filter(organization::Column::Kind.eq(entity::enums::OrganizationKind::EndCustomer))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code, o.id))
        .collect();
    let unknown = |n: &Segment, code: &str| -> Failure {
        refuse(
            n,
            Some(4),
            format!("N104 `{code}` names no end customer you sell to"),
        )
        .into()
    };
    // One report line per product and customer; `first` is the QTY loop each began at.
    let mut totals: Vec<(String, Option<Uuid>, Decimal)> = Vec::new();
    let mut first: Vec<usize> = Vec::new();
    // The last return of each line, where returns could outweigh sales.
    let mut returned: Vec<Option<usize>> = Vec::new();
    for (i, l) in sold.iter().enumerate() {
        let customer = match &l.customer {
            Some((n1, code)) => Some(*customers.get(code).ok_or_else(|| unknown(n1, code))?),
            None => None,
        };
        let sku = l.sku.to_uppercase();
        let at = match totals
            .iter()
            .position(|(s, c, _)| *s == sku && *c == customer)
        {
            Some(at) => {
                totals[at].2 += l.quantity;
                at
            }
            None => {
                totals.push((sku, customer, l.quantity));
                first.push(i);
                returned.push(None);
                totals.len() - 1
            }
        };
        if l.quantity < Decimal::ZERO {
            returned[at] = Some(i);
        }
    }
    for (at, (_, _, total)) in totals.iter().enumerate() {
        if *total < Decimal::ZERO {
            let q = &sold[returned[at].unwrap_or(first[at])].qty;
            return Err(refuse(
                q,
                Some(2),
                format!(
                    "more of {} is returned than sold in the period",
                    sold[first[at]].sku
                ),
            )
            .into());
        }
    }
    let located = |field: &[String]| -> (Segment, Option<usize>) {
        let Some(l) = line_index(field)
            .and_then(|i| first.get(i))
            .map(|&i| &sold[i])
        else {
            return (bpt.clone(), None);
        };
        match field.get(3).map(String::as_str) {
            Some("sku") => (l.lin.clone(), id_element(&l.lin, 2, &["VP", "VN"])),
            Some("quantity") => (l.qty.clone(), Some(2)),
            Some("endCustomerId") => match &l.customer {
                Some((n1, _)) => (n1.clone(), Some(4)),
                None => (l.lin.clone(), None),
            },
            _ => (l.lin.clone(), None),
        }
    };
    let checked = || {
        service::check_lines(totals.len())?;
        totals
            .iter()
            .enumerate()
            .map(|(i, (sku, customer, quantity))| {
                SellThroughLine::checked(i, sku, None, *quantity, trade).map(|mut line| {
                    line.end_customer = *customer;
                    line
                })
            })
            .collect::<crate::error::Result<Vec<_>>>()
    };
    let new = NewSellThroughReport {
        organization_id: Some(reporter.id),
        period_start: start,
        period_end: end,
        lines: checked().map_err(|e| failure(e, located))?,
        brand_share_percent: None,
    };
    let (report, _) = service::submit_sell_through(db, principal, new)
        .await
        .map_err(|e| match e {
            // Whether the customer exists is not told apart from whether you sell to it.
            crate::error::Error::User(u)
                if u.field.last().map(String::as_str) == Some("endCustomerId") =>
            {
                let (n1, code) = line_index(&u.field)
                    .and_then(|i| first.get(i))
                    .and_then(|&i| sold[i].customer.clone())
                    .unwrap_or_else(|| (bpt.clone(), String::new()));
                unknown(&n1, &code)
            }
            e => failure(e, located),
        })?;
    Ok(Applied {
        sell_through_report_id: Some(report.id),
        reference: Some(match bpt.element(2).trim() {
            "" => format!("{start}..{end}"),
            reference => reference.to_owned(),
        }),
        ..Applied::default()
    })
}
