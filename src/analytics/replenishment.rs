//! Replenishment figures of the scorecards: how well a distributor's stock is kept, and how
//! a supplier delivers what it committed. One grouped statement per measure for a whole page
//! of partners; only the replenishment policies' targets are resolved per distributor, by
//! the policies' own rule.
//!
//! - **Fill rate:** units the brand shipped over units the distributor ordered, on its
//!   counted orders placed in the trailing 12 months.
//! - **Stock-out weeks:** per product, a week in the trailing 12 months in which the
//!   distributor reported selling the product (a current sell-through report ending that
//!   week) and a current stock report dated that week shows none of it (zero, or not
//!   listed).
//! - **Weeks of supply against target:** per product it sold in the 13 weeks up to the day,
//!   stock on hand (its latest current stock report up to the day) over the average weekly
//!   sales of those 13 weeks, against its policy's target; over all of them, Σ on hand ÷ Σ
//!   weekly sales against the targets weighted by weekly sales.
//! - **Proposal acceptance:** replenishment proposals decided in the trailing 12 months,
//!   accepted (by the distributor, or ordered by the brand when a brand-managed window
//!   passed) over accepted and rejected. Superseded ones were never decided.
//! - **Commitment against delivery** (suppliers): per product and complete week in the
//!   trailing 12 months with a current commitment above zero, the units shipped on the
//!   brand's purchase orders that week against the commitment; the week is met when they
//!   reach it.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::customers::round;
use super::sql::{self, AsOf, Sql};
use crate::error::Result;

/// The weeks of sales a product's weekly demand is averaged over.
pub const DEMAND_WEEKS: u64 = 13;

/// How a distributor's stock was kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DistributorReplenishment {
    pub units_ordered: Decimal,
    pub units_shipped: Decimal,
    pub stock_out_weeks: i64,
    /// Products it sold in the last 13 weeks.
    pub products: i64,
    pub products_below_target: i64,
    pub on_hand: Decimal,
    pub weekly_demand: Decimal,
    /// Σ target × weekly demand.
    pub weighted_target: Decimal,
    pub proposals_accepted: i64,
    pub proposals_ordered_by_brand: i64,
    pub proposals_rejected: i64,
}

impl DistributorReplenishment {
    /// `units_shipped ÷ units_ordered`, 4 places.
    pub fn fill_rate(&self) -> Option<Decimal> {
        (!self.units_ordered.is_zero()).then(|| round(self.units_shipped / self.units_ordered, 4))
    }

    /// Σ on hand ÷ Σ weekly demand, 1 place.
    pub fn weeks_of_supply(&self) -> Option<Decimal> {
        (!self.weekly_demand.is_zero()).then(|| round(self.on_hand / self.weekly_demand, 1))
    }

    /// The targets weighted by weekly demand, 1 place.
    pub fn target_weeks(&self) -> Option<Decimal> {
        (!self.weekly_demand.is_zero()).then(|| round(self.weighted_target / self.weekly_demand, 1))
    }

    /// Accepted ÷ (accepted + rejected), 4 places.
    pub fn acceptance_rate(&self) -> Option<Decimal> {
        let decided = self.proposals_accepted + self.proposals_rejected;
        (decided > 0).then(|| {
            round(
                Decimal::from(self.proposals_accepted) / Decimal::from(decided),
                4,
            )
        })
    }
}

pub async fn distributor_figures(
    db: &impl ConnectionTrait,
    as_of: NaiveDate,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, DistributorReplenishment>> {
    let w = AsOf::new(as_of)?;
    let backend = db.get_database_backend();
    let start = w.start_12.date_naive();
    let mut out: HashMap<Uuid, DistributorReplenishment> = ids
        .iter()
        .map(|id| (*id, DistributorReplenishment::default()))
        .collect();

    // Fill rate: units shipped over units ordered on its counted orders in the window.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT o.buyer_id AS id, SUM(l.quantity) AS ordered, SUM(l.shipped_quantity) AS shipped \
         FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.buyer_id IN ",
    )
    .ids(ids)
    .push(" AND o.submitted_at >= ")
    .bind(w.start_12)
    .push(" AND ")
    .counted_sale("o", w.end)
    .push(" GROUP BY o.buyer_id");
    sql::fill(db, q, &mut out, |s, row| {
        s.units_ordered = sql::decimal(row, "ordered")?;
        s.units_shipped = sql::decimal(row, "shipped")?;
        Ok(())
    })
    .await?;

    // Stock-out weeks: a product sold in a week whose stock report shows none of it.
    let mut q = Sql::new(backend);
    let sold_week = q.week_of_day("r.period_end");
    let counted_week = q.week_of_day("i.as_of");
    q.push(&format!(
        "SELECT s.org AS id, COUNT(*) AS n FROM (SELECT DISTINCT r.organization_id AS org, \
         l.product_id AS product, {sold_week} AS wk FROM sell_through_reports r \
         JOIN sell_through_report_lines l ON l.report_id = r.id \
         WHERE r.replaced_at IS NULL AND l.quantity_sold > 0 AND r.organization_id IN "
    ))
    .ids(ids)
    .push(" AND r.period_end >= ")
    .bind(start)
    .push(" AND r.period_end <= ")
    .bind(as_of)
    .push(&format!(
        ") s WHERE EXISTS (SELECT 1 FROM inventory_reports i WHERE i.organization_id = s.org \
         AND i.replaced_at IS NULL AND {counted_week} = s.wk AND NOT EXISTS (SELECT 1 FROM \
         inventory_report_lines il WHERE il.report_id = i.id AND il.product_id = s.product \
         AND il.on_hand > 0)) GROUP BY s.org"
    ));
    sql::fill(db, q, &mut out, |s, row| {
        s.stock_out_weeks = sql::count(row, "n")?;
        Ok(())
    })
    .await?;

    // Weeks of supply: what each product sold in the last 13 weeks, and its stock on hand.
    let demand_from = as_of - Days::new(7 * DEMAND_WEEKS);
    let mut q = Sql::new(backend);
    q.push(
        "SELECT r.organization_id AS id, l.product_id AS product, SUM(l.quantity_sold) AS sold \
         FROM sell_through_reports r JOIN sell_through_report_lines l ON l.report_id = r.id \
         WHERE r.replaced_at IS NULL AND r.organization_id IN ",
    )
    .ids(ids)
    .push(" AND r.period_end > ")
    .bind(demand_from)
    .push(" AND r.period_end <= ")
    .bind(as_of)
    .push(" GROUP BY r.organization_id, l.product_id");
    let mut sold: HashMap<Uuid, Vec<(Uuid, Decimal)>> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let units = sql::decimal(&row, "sold")?;
        if units > Decimal::ZERO {
            sold.entry(row.try_get("", "id")?)
                .or_default()
                .push((row.try_get("", "product")?, units));
        }
    }
    let mut q = Sql::new(backend);
    q.push(
        "SELECT r.organization_id AS id, l.product_id AS product, SUM(l.on_hand) AS on_hand \
         FROM inventory_reports r JOIN inventory_report_lines l ON l.report_id = r.id \
         WHERE r.replaced_at IS NULL AND r.organization_id IN ",
    )
    .ids(ids)
    .push(
        " AND r.as_of = (SELECT MAX(x.as_of) FROM inventory_reports x \
         WHERE x.organization_id = r.organization_id AND x.replaced_at IS NULL AND x.as_of <= ",
    )
    .bind(as_of)
    .push(") GROUP BY r.organization_id, l.product_id");
    let mut on_hand: HashMap<(Uuid, Uuid), Decimal> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        on_hand.insert(
            (row.try_get("", "id")?, row.try_get("", "product")?),
            sql::decimal(&row, "on_hand")?,
        );
    }
    let weeks = Decimal::from(DEMAND_WEEKS);
    for (id, products) in &sold {
        let Some(s) = out.get_mut(id) else {
            continue;
        };
        let list: Vec<Uuid> = products.iter().map(|(p, _)| *p).collect();
        let targets = crate::replenishment::policies::effective(db, *id, &list).await?;
        for (product, units) in products {
            let weekly = units / weeks;
            let stock = on_hand.get(&(*id, *product)).copied().unwrap_or_default();
            let target = targets
                .get(product)
                .map(|p| p.target_weeks.value)
                .unwrap_or_default();
            s.products += 1;
            s.on_hand += stock;
            s.weekly_demand += weekly;
            s.weighted_target += target * weekly;
            if stock < target * weekly {
                s.products_below_target += 1;
            }
        }
    }

    // Proposals decided in the window.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT p.distributor_id AS id, \
         COUNT(CASE WHEN p.status = 'ACCEPTED' THEN 1 END) AS accepted, \
         COUNT(CASE WHEN p.status = 'ACCEPTED' AND o.brand_initiated THEN 1 END) AS by_brand, \
         COUNT(CASE WHEN p.status = 'REJECTED' THEN 1 END) AS rejected \
         FROM replenishment_proposals p LEFT JOIN orders o ON o.id = p.order_id \
         WHERE p.status IN ('ACCEPTED', 'REJECTED') AND p.distributor_id IN ",
    )
    .ids(ids)
    .push(" AND p.decided_at >= ")
    .bind(w.start_12)
    .push(" AND p.decided_at < ")
    .bind(w.end)
    .push(" GROUP BY p.distributor_id");
    sql::fill(db, q, &mut out, |s, row| {
        s.proposals_accepted = sql::count(row, "accepted")?;
        s.proposals_ordered_by_brand = sql::count(row, "by_brand")?;
        s.proposals_rejected = sql::count(row, "rejected")?;
        Ok(())
    })
    .await?;
    Ok(out)
}

/// How a supplier delivered what it committed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SupplierCommitments {
    /// Product-weeks with a commitment above zero.
    pub weeks: i64,
    /// Of those, weeks whose shipments reached the commitment.
    pub weeks_met: i64,
    pub committed: Decimal,
    /// Units shipped in those product-weeks.
    pub delivered: Decimal,
}

impl SupplierCommitments {
    /// `weeks_met ÷ weeks`, 4 places.
    pub fn met_rate(&self) -> Option<Decimal> {
        (self.weeks > 0)
            .then(|| round(Decimal::from(self.weeks_met) / Decimal::from(self.weeks), 4))
    }

    /// `delivered ÷ committed`, 4 places.
    pub fn delivery_rate(&self) -> Option<Decimal> {
        (!self.committed.is_zero()).then(|| round(self.delivered / self.committed, 4))
    }
}

pub async fn supplier_figures(
    db: &impl ConnectionTrait,
    as_of: NaiveDate,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, SupplierCommitments>> {
    let w = AsOf::new(as_of)?;
    let backend = db.get_database_backend();
    let mut out: HashMap<Uuid, SupplierCommitments> = ids
        .iter()
        .map(|id| (*id, SupplierCommitments::default()))
        .collect();
    let start = w.start_12.date_naive();
    // Complete weeks only: a week that has not ended cannot have been missed.
    let last_week = as_of - Days::new(6);
    let mut q = Sql::new(backend);
    let shipped_week = q.week_of_time("s.shipped_at");
    let committed_week = q.week_of_day("c.week_start");
    q.push(&format!(
        "SELECT c.supplier_id AS id, COUNT(*) AS weeks, SUM(c.quantity) AS committed, \
         SUM(COALESCE(d.shipped, 0)) AS delivered, \
         COUNT(CASE WHEN COALESCE(d.shipped, 0) >= c.quantity THEN 1 END) AS met \
         FROM supplier_commitments c LEFT JOIN (SELECT o.seller_id AS supplier, \
         ol.product_id AS product, {shipped_week} AS wk, SUM(sl.quantity) AS shipped \
         FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id \
         JOIN order_lines ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = s.order_id \
         WHERE o.kind = 'PURCHASE' AND o.seller_id IN "
    ))
    .ids(ids)
    .push(" AND s.shipped_at >= ")
    .bind(w.start_12)
    .push(" AND s.shipped_at < ")
    .bind(w.end)
    .push(&format!(
        " GROUP BY o.seller_id, ol.product_id, {shipped_week}) d ON d.supplier = c.supplier_id \
         AND d.product = c.product_id AND d.wk = {committed_week} \
         WHERE c.replaced_at IS NULL AND c.quantity > 0 AND c.supplier_id IN "
    ))
    .ids(ids)
    .push(" AND c.week_start >= ")
    .bind(start)
    .push(" AND c.week_start <= ")
    .bind(last_week)
    .push(" GROUP BY c.supplier_id");
    sql::fill(db, q, &mut out, |s, row| {
        s.weeks = sql::count(row, "weeks")?;
        s.weeks_met = sql::count(row, "met")?;
        s.committed = sql::decimal(row, "committed")?;
        s.delivered = sql::decimal(row, "delivered")?;
        Ok(())
    })
    .await?;
    Ok(out)
}
