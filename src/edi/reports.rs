//! Inbound 846 inventory advices and 852 product activity reports, applied through the
//! inputs and services of `inventoryReportSubmit` and `sellThroughReportSubmit`: a report for
//! a date or period already reported replaces the earlier one, as it does there.

use entity::organization;

use super::envelope::{Segment, TransactionSet};
use super::mapping::{
    Applied, Failure, anchor, failure, following, id_element, line_index, nth, refuse,
};
use super::sets;
use crate::access::Principal;
use crate::reports::service::{
    self, InventoryLine, NewInventoryReport, NewSellThroughReport, SellThroughLine,
};
use crate::settings::TradeSettings;

/// The segment and element a report field came from: `head` holds the dates (BIA or XQ),
/// each line is a LIN, and its quantities are in the `quantity` segment after it.
fn locate(
    set: &TransactionSet,
    head: &str,
    quantity: &str,
    field: &[String],
) -> (Segment, Option<usize>) {
    let top = anchor(set, head);
    if let Some(i) = line_index(field) {
        let Some(lin) = nth(set, "LIN", i) else {
            return (top, None);
        };
        return match field.get(3).map(String::as_str) {
            Some("sku") => (lin.clone(), id_element(lin, 2, &["VP", "VN"]).or(Some(3))),
            Some(_) => following(set, lin, quantity, "LIN")
                .map(|q| (q.clone(), Some(2)))
                .unwrap_or_else(|| (lin.clone(), None)),
            None => (lin.clone(), None),
        };
    }
    let element = match field.get(1).map(String::as_str) {
        Some("asOf") => Some(4),
        Some("periodStart") => Some(2),
        Some("periodEnd") => Some(3),
        _ => None,
    };
    (top, element)
}

fn lin_of(set: &TransactionSet, i: usize, fallback: &Segment) -> Segment {
    nth(set, "LIN", i)
        .cloned()
        .unwrap_or_else(|| fallback.clone())
}

fn sku_required(lin: &Segment) -> impl FnOnce() -> Failure + '_ {
    move || {
        refuse(
            lin,
            Some(3),
            "name the product by its SKU with qualifier VP or VN",
        )
        .into()
    }
}

/// Applies an 846 from `reporter`.
pub async fn inventory(
    db: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    reporter: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    let advice = sets::read_846(set)?;
    let bia = anchor(set, "BIA");
    let as_of = advice.as_of.ok_or_else(|| {
        refuse(
            &bia,
            Some(4),
            "BIA04 must give the day the stock was counted",
        )
    })?;
    let mut lines = Vec::with_capacity(advice.lines.len());
    for (i, line) in advice.lines.iter().enumerate() {
        let lin = lin_of(set, i, &bia);
        let sku = line.sku.clone().ok_or_else(sku_required(&lin))?;
        let on_hand = line.on_hand.ok_or_else(|| {
            refuse(
                &lin,
                None,
                "give the stock on hand in a QTY with qualifier 17 or 33",
            )
        })?;
        lines.push((sku, on_hand, line.on_order));
    }
    let located = |f: &[String]| locate(set, "BIA", "QTY", f);
    let checked = || {
        service::check_lines(lines.len())?;
        lines
            .iter()
            .enumerate()
            .map(|(i, (sku, on_hand, on_order))| {
                InventoryLine::checked(i, sku, *on_hand, *on_order, trade)
            })
            .collect::<crate::error::Result<Vec<_>>>()
    };
    let new = NewInventoryReport {
        organization_id: Some(reporter.id),
        as_of,
        lines: checked().map_err(|e| failure(e, located))?,
    };
    let (report, _) = service::submit_inventory(db, principal, new)
        .await
        .map_err(|e| failure(e, located))?;
    Ok(Applied {
        inventory_report_id: Some(report.id),
        reference: advice.reference.or_else(|| Some(as_of.to_string())),
        ..Applied::default()
    })
}

/// Applies an 852 from `reporter`.
pub async fn sell_through(
    db: &impl sea_orm::ConnectionTrait,
    principal: &Principal,
    reporter: &organization::Model,
    set: &TransactionSet,
    trade: &TradeSettings,
) -> Result<Applied, Failure> {
    let activity = sets::read_852(set)?;
    let xq = anchor(set, "XQ");
    let start = activity
        .period_start
        .ok_or_else(|| refuse(&xq, Some(2), "XQ02 must give the first day of the period"))?;
    let end = activity
        .period_end
        .ok_or_else(|| refuse(&xq, Some(3), "XQ03 must give the last day of the period"))?;
    let mut lines = Vec::with_capacity(activity.lines.len());
    for (i, line) in activity.lines.iter().enumerate() {
        let lin = lin_of(set, i, &xq);
        let sku = line.sku.clone().ok_or_else(sku_required(&lin))?;
        let quantity = line.quantity_sold.ok_or_else(|| {
            let at = following(set, &lin, "ZA", "LIN").unwrap_or(&lin);
            refuse(at, Some(2), "give the quantity sold in a ZA with code QS")
        })?;
        lines.push((sku, quantity));
    }
    let located = |f: &[String]| locate(set, "XQ", "ZA", f);
    let checked = || {
        service::check_lines(lines.len())?;
        lines
            .iter()
            .enumerate()
            .map(|(i, (sku, quantity))| SellThroughLine::checked(i, sku, None, *quantity, trade))
            .collect::<crate::error::Result<Vec<_>>>()
    };
    let new = NewSellThroughReport {
        organization_id: Some(reporter.id),
        period_start: start,
        period_end: end,
        lines: checked().map_err(|e| failure(e, located))?,
        // An 852 carries units, not the partner's other brands.
        brand_share_percent: None,
    };
    let (report, _) = service::submit_sell_through(db, principal, new)
        .await
        .map_err(|e| failure(e, located))?;
    Ok(Applied {
        sell_through_report_id: Some(report.id),
        reference: Some(format!("{start}..{end}")),
        ..Applied::default()
    })
}
