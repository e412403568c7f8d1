//! Scorecards of the channel: how each distributor buys, sells, stocks, pays, complains and
//! keeps its tier's obligations, and how each supplier delivers. One grouped statement per
//! measure for a whole page of partners.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::customers::round;
use super::sql::{self, AsOf, Sql};
use crate::error::Result;
use crate::settings::AnalyticsSettings;

/// What a distributor did in the trailing 12 months (and the 12 before, for growth).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DistributorScore {
    pub orders_12: i64,
    pub revenue_12: Decimal,
    pub revenue_prior_12: Decimal,
    pub units_bought_12: Decimal,
    pub units_sold_12: Decimal,
    pub on_hand: Option<Decimal>,
    pub inventory_as_of: Option<NaiveDate>,
    pub invoices_due_12: i64,
    pub invoices_paid_on_time_12: i64,
    pub complaints_12: i64,
    pub compliance: Vec<Obligation>,
    pub money: ChannelMoney,
}

impl DistributorScore {
    /// Revenue growth against the 12 months before, as a fraction.
    pub fn growth(&self) -> Option<Decimal> {
        (!self.revenue_prior_12.is_zero()).then(|| {
            round(
                (self.revenue_12 - self.revenue_prior_12) / self.revenue_prior_12,
                4,
            )
        })
    }

    /// Units it reported selling over units it bought.
    pub fn sell_through_rate(&self) -> Option<Decimal> {
        (!self.units_bought_12.is_zero())
            .then(|| round(self.units_sold_12 / self.units_bought_12, 4))
    }

    /// Stock on hand over a week's average sales.
    pub fn weeks_of_supply(&self) -> Option<Decimal> {
        let on_hand = self.on_hand?;
        (!self.units_sold_12.is_zero())
            .then(|| round(on_hand * Decimal::from(52) / self.units_sold_12, 1))
    }

    pub fn on_time_payment_rate(&self) -> Option<Decimal> {
        (self.invoices_due_12 > 0).then(|| {
            round(
                Decimal::from(self.invoices_paid_on_time_12) / Decimal::from(self.invoices_due_12),
                4,
            )
        })
    }

    /// Complaints per order.
    pub fn complaint_rate(&self) -> Option<Decimal> {
        (self.orders_12 > 0).then(|| {
            round(
                Decimal::from(self.complaints_12) / Decimal::from(self.orders_12),
                4,
            )
        })
    }
}

/// The kinds of obligation a tier sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObligationKind {
    ProductLines,
    SalesShare,
    InventoryReports,
    SellThroughReports,
    Settlement,
}

/// One obligation, what was measured, and whether it is met.
#[derive(Clone, Debug, PartialEq)]
pub struct Obligation {
    pub kind: ObligationKind,
    pub requirement: String,
    pub measured: String,
    pub value: Option<Decimal>,
    pub met: bool,
}

/// A distributor's tier terms, as the scorecard needs them.
struct Terms {
    required_lines: Vec<String>,
    min_sales_share: Option<Decimal>,
    reports_inventory: bool,
    reports_sell_through: bool,
    cadence: String,
}

pub async fn distributor_scores(
    db: &impl ConnectionTrait,
    settings: &AnalyticsSettings,
    as_of: NaiveDate,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, DistributorScore>> {
    let w = AsOf::new(as_of)?;
    let backend = db.get_database_backend();
    let mut scores: HashMap<Uuid, DistributorScore> = ids
        .iter()
        .map(|id| (*id, DistributorScore::default()))
        .collect();

    // Orders and revenue.
    let mut q = Sql::new(backend);
    let cur = settings.reporting_currency.as_str();
    q.push("SELECT o.buyer_id AS id, COUNT(CASE WHEN o.submitted_at >= ")
        .bind(w.start_12)
        .push(" THEN 1 END) AS orders_12, SUM(CASE WHEN o.submitted_at >= ")
        .bind(w.start_12)
        .push(" THEN o.total - o.tax_total ELSE 0 END) AS revenue_12, SUM(CASE WHEN o.submitted_at < ")
        .bind(w.start_12)
        .push(" THEN o.total - o.tax_total ELSE 0 END) AS revenue_prior FROM orders o WHERE o.buyer_id IN ")
        .ids(ids)
        .push(" AND o.currency = ")
        .bind(cur)
        .push(" AND o.submitted_at >= ")
        .bind(w.start_24)
        .push(" AND ")
        .counted_sale("o", w.end)
        .push(" GROUP BY o.buyer_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.orders_12 = sql::count(row, "orders_12")?;
        s.revenue_12 = sql::decimal(row, "revenue_12")?;
        s.revenue_prior_12 = sql::decimal(row, "revenue_prior")?;
        Ok(())
    })
    .await?;

    // Units bought, and the product lines they were of.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT o.buyer_id AS id, p.product_line AS line, \
         SUM(COALESCE(l.accepted_quantity, l.quantity)) AS units FROM orders o \
         JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id \
         WHERE o.buyer_id IN ",
    )
    .ids(ids)
    .push(" AND o.submitted_at >= ")
    .bind(w.start_12)
    .push(" AND ")
    .counted_sale("o", w.end)
    .push(" GROUP BY o.buyer_id, p.product_line");
    let mut lines: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let id: Uuid = row.try_get("", "id")?;
        let units = sql::decimal(&row, "units")?;
        if let Some(s) = scores.get_mut(&id) {
            s.units_bought_12 += units;
        }
        if units > Decimal::ZERO {
            lines
                .entry(id)
                .or_default()
                .insert(row.try_get("", "line")?);
        }
    }

    // Units sold, from the current sell-through reports of periods ending in the window.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT r.organization_id AS id, SUM(l.quantity_sold) AS units FROM sell_through_reports r \
         JOIN sell_through_report_lines l ON l.report_id = r.id WHERE r.replaced_at IS NULL \
         AND r.organization_id IN ",
    )
    .ids(ids)
    .push(" AND r.period_end >= ")
    .bind(w.start_12.date_naive())
    .push(" AND r.period_end <= ")
    .bind(as_of)
    .push(" GROUP BY r.organization_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.units_sold_12 = sql::decimal(row, "units")?;
        Ok(())
    })
    .await?;

    // Stock on hand in the latest current inventory report up to as-of.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT r.organization_id AS id, r.as_of AS as_of, SUM(l.on_hand) AS on_hand FROM inventory_reports r \
         JOIN inventory_report_lines l ON l.report_id = r.id WHERE r.replaced_at IS NULL AND r.organization_id IN ",
    )
    .ids(ids)
    .push(
        " AND r.as_of = (SELECT MAX(x.as_of) FROM inventory_reports x \
         WHERE x.organization_id = r.organization_id AND x.replaced_at IS NULL AND x.as_of <= ",
    )
    .bind(as_of)
    .push(") GROUP BY r.organization_id, r.as_of");
    sql::fill(db, q, &mut scores, |s, row| {
        s.on_hand = Some(sql::decimal(row, "on_hand")?);
        s.inventory_as_of = Some(row.try_get("", "as_of")?);
        Ok(())
    })
    .await?;

    // Invoices due in the window, and those paid in full by their due day.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT o.buyer_id AS id, COUNT(*) AS due, COUNT(CASE WHEN i.paid >= i.total AND \
         (SELECT MAX(p.received_on) FROM payments p WHERE p.invoice_id = i.id) <= i.due_on \
         THEN 1 END) AS on_time FROM invoices i JOIN orders o ON o.id = i.order_id \
         WHERE o.buyer_id IN ",
    )
    .ids(ids)
    .push(" AND i.due_on >= ")
    .bind(w.start_12.date_naive())
    .push(" AND i.due_on <= ")
    .bind(as_of)
    .push(" GROUP BY o.buyer_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.invoices_due_12 = sql::count(row, "due")?;
        s.invoices_paid_on_time_12 = sql::count(row, "on_time")?;
        Ok(())
    })
    .await?;

    // Complaints about its orders, or opened for it.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT COALESCE(o.buyer_id, c.organization_id) AS id, COUNT(*) AS n FROM cases c \
         LEFT JOIN orders o ON o.id = c.order_id WHERE c.kind = 'COMPLAINT' AND c.created_at >= ",
    )
    .bind(w.start_12)
    .push(" AND c.created_at < ")
    .bind(w.end)
    .push(" AND COALESCE(o.buyer_id, c.organization_id) IN ")
    .ids(ids)
    .push(" GROUP BY COALESCE(o.buyer_id, c.organization_id)");
    sql::fill(db, q, &mut scores, |s, row| {
        s.complaints_12 = sql::count(row, "n")?;
        Ok(())
    })
    .await?;

    // The tier in force, and what its obligations measure.
    let terms = tier_terms(db, ids).await?;
    let months = report_months(settings, as_of);
    let inventory = months_reported(db, ids, &months, "inventory_reports", "as_of").await?;
    let sell_through =
        months_reported(db, ids, &months, "sell_through_reports", "period_end").await?;
    let shares = latest_shares(db, ids, w.start_12.date_naive(), as_of).await?;
    let settlement = slowest_settlement(db, ids, w.start_12.date_naive(), as_of).await?;
    for (id, score) in scores.iter_mut() {
        let Some(t) = terms.get(id) else {
            continue;
        };
        let mut out = Vec::new();
        if !t.required_lines.is_empty() {
            let carried = lines.get(id).cloned().unwrap_or_default();
            let missing: Vec<&str> = t
                .required_lines
                .iter()
                .filter(|l| !carried.contains(*l))
                .map(String::as_str)
                .collect();
            out.push(Obligation {
                kind: ObligationKind::ProductLines,
                requirement: format!("buys {} in 12 months", t.required_lines.join(", ")),
                measured: if missing.is_empty() {
                    "bought every required line".to_owned()
                } else {
                    format!("did not buy {}", missing.join(", "))
                },
                value: Some(Decimal::from(t.required_lines.len() - missing.len())),
                met: missing.is_empty(),
            });
        }
        if let Some(min) = t.min_sales_share {
            let share = shares.get(id).copied();
            out.push(Obligation {
                kind: ObligationKind::SalesShare,
                requirement: format!(
                    "at least {} % of its sales are the brand's",
                    min.normalize()
                ),
                measured: match share {
                    Some(s) => format!("{} % in its latest sell-through report", s.normalize()),
                    None => "no sell-through report in 12 months states a share".to_owned(),
                },
                value: share,
                met: share.is_some_and(|s| s >= min),
            });
        }
        for (asked, kind, what, done) in [
            (
                t.reports_inventory,
                ObligationKind::InventoryReports,
                "an inventory report",
                &inventory,
            ),
            (
                t.reports_sell_through,
                ObligationKind::SellThroughReports,
                "a sell-through report",
                &sell_through,
            ),
        ] {
            if !asked {
                continue;
            }
            let n = done.get(id).copied().unwrap_or(0);
            out.push(Obligation {
                kind,
                requirement: format!(
                    "{what} for each of the last {} complete months",
                    months.len()
                ),
                measured: format!("{n} of {} months reported", months.len()),
                value: Some(Decimal::from(n)),
                met: n as usize >= months.len(),
            });
        }
        let limit = match t.cadence.as_str() {
            "WEEKLY" => 7,
            "QUARTERLY" => 92,
            _ => 31,
        };
        let slowest = settlement.get(id).copied();
        out.push(Obligation {
            kind: ObligationKind::Settlement,
            requirement: format!(
                "settles {}: every invoice paid in full within {limit} days of issue",
                t.cadence.to_lowercase()
            ),
            measured: match slowest {
                Some(days) => format!("slowest invoice took {days} days"),
                None => "no invoice issued in 12 months".to_owned(),
            },
            value: slowest.map(Decimal::from),
            met: slowest.is_none_or(|d| d <= limit),
        });
        score.compliance = out;
    }
    let mut money = channel_money(db, cur, &w, Party::Partners(ids)).await?;
    for (id, score) in scores.iter_mut() {
        score.money = money.remove(id).unwrap_or_default();
        score.money.revenue = score.revenue_12;
    }
    Ok(scores)
}

/// What moved between the brand and a partner besides the invoice in the trailing 12
/// months, in the reporting currency: credit memos by what they settle, and the claims the
/// brand decided, with what it turned down of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelMoney {
    /// What was sold (net of tax) in the window: the scorecard's and portfolio's revenue.
    pub revenue: Decimal,
    /// Ship-and-debit claims decided in the window: what was claimed,
    pub claimed: Decimal,
    /// and what of it the brand did not approve (rejected claims whole, adjusted lines' cut).
    pub claims_rejected: Decimal,
    /// Credit memos issued in the window, by what they settle.
    pub claims_paid: Decimal,
    pub price_protection_paid: Decimal,
    pub funds_paid: Decimal,
    pub rebates_paid: Decimal,
}

impl ChannelMoney {
    /// Everything credited in the window.
    pub fn credited(&self) -> Decimal {
        self.claims_paid + self.price_protection_paid + self.funds_paid + self.rebates_paid
    }

    /// What was not approved over what was claimed, 4 places.
    pub fn claim_rejection_rate(&self) -> Option<Decimal> {
        (!self.claimed.is_zero()).then(|| round(self.claims_rejected / self.claimed, 4))
    }

    /// Revenue less everything credited.
    pub fn net_revenue(&self) -> Decimal {
        self.revenue - self.credited()
    }

    /// Everything credited over revenue, 4 places: what serving the channel cost as a share
    /// of what it bought.
    pub fn cost_to_serve_share(&self) -> Option<Decimal> {
        (!self.revenue.is_zero()).then(|| round(self.credited() / self.revenue, 4))
    }
}

/// Whose channel money to read.
#[derive(Clone, Copy)]
pub enum Party<'a> {
    /// Each of these partners'.
    Partners(&'a [Uuid]),
    /// All of what this seller credited its partners, under the seller's id; claims are
    /// made to the brand, so they count where the seller is the brand.
    Seller { id: Uuid, brand: bool },
}

/// [`ChannelMoney`] for `party` in the window ending with `w`, in `currency`: two grouped
/// statements; `revenue` is left for the caller.
pub async fn channel_money(
    db: &impl ConnectionTrait,
    currency: &str,
    w: &AsOf,
    party: Party<'_>,
) -> Result<HashMap<Uuid, ChannelMoney>> {
    let backend = db.get_database_backend();
    let mut out: HashMap<Uuid, ChannelMoney> = match &party {
        Party::Partners(ids) => ids
            .iter()
            .map(|id| (*id, ChannelMoney::default()))
            .collect(),
        Party::Seller { id, .. } => [(*id, ChannelMoney::default())].into(),
    };
    let mut q = Sql::new(backend);
    let by = match party {
        Party::Partners(_) => "m.partner_id",
        Party::Seller { .. } => "m.seller_id",
    };
    q.push(&format!(
        "SELECT {by} AS id, \
         SUM(CASE WHEN l.source = 'SHIP_AND_DEBIT' THEN l.amount ELSE 0 END) AS claims, \
         SUM(CASE WHEN l.source = 'PRICE_PROTECTION' THEN l.amount ELSE 0 END) AS protection, \
         SUM(CASE WHEN l.source = 'FUND_CLAIM' THEN l.amount ELSE 0 END) AS funds, \
         SUM(CASE WHEN l.source = 'REBATE' THEN l.amount ELSE 0 END) AS rebates \
         FROM credit_memos m JOIN credit_memo_lines l ON l.credit_memo_id = m.id WHERE {by} IN "
    ));
    match party {
        Party::Partners(ids) => q.ids(ids),
        Party::Seller { id, .. } => q.ids(&[id]),
    };
    q.push(" AND m.currency = ")
        .bind(currency.to_owned())
        .push(" AND m.issued_on >= ")
        .bind(w.start_12.date_naive())
        .push(" AND m.issued_on <= ")
        .bind(w.day)
        .push(&format!(" GROUP BY {by}"));
    sql::fill(db, q, &mut out, |m, row| {
        m.claims_paid = sql::decimal(row, "claims")?;
        m.price_protection_paid = sql::decimal(row, "protection")?;
        m.funds_paid = sql::decimal(row, "funds")?;
        m.rebates_paid = sql::decimal(row, "rebates")?;
        Ok(())
    })
    .await?;
    let mut q = Sql::new(backend);
    match party {
        Party::Partners(ids) => {
            q.push("SELECT c.distributor_id AS id, ");
            q.push(CLAIMS_DECIDED)
                .push(" WHERE c.distributor_id IN ")
                .ids(ids);
        }
        Party::Seller { id, brand: true } => {
            q.push("SELECT ").bind(id).push(" AS id, ");
            q.push(CLAIMS_DECIDED).push(" WHERE 1 = 1");
        }
        Party::Seller { brand: false, .. } => return Ok(out),
    }
    q.push(" AND c.currency = ")
        .bind(currency.to_owned())
        .push(" AND c.status IN ('APPROVED', 'REJECTED') AND c.decided_at >= ")
        .bind(w.start_12)
        .push(" AND c.decided_at < ")
        .bind(w.end);
    if let Party::Partners(_) = party {
        q.push(" GROUP BY c.distributor_id");
    }
    sql::fill(db, q, &mut out, |m, row| {
        m.claimed = sql::decimal(row, "claimed")?;
        m.claims_rejected = sql::decimal(row, "rejected")?;
        Ok(())
    })
    .await?;
    Ok(out)
}

/// [`ChannelMoney`] of everything `seller` credited its partners in the window ending with
/// `w`, with its revenue (net of tax, counted orders) in the window.
pub async fn seller_money(
    db: &impl ConnectionTrait,
    currency: &str,
    w: &AsOf,
    seller: Uuid,
    brand: bool,
) -> Result<ChannelMoney> {
    let mut money = channel_money(db, currency, w, Party::Seller { id: seller, brand })
        .await?
        .remove(&seller)
        .unwrap_or_default();
    let mut q = Sql::new(db.get_database_backend());
    q.push("SELECT SUM(o.total - o.tax_total) AS revenue FROM orders o WHERE o.seller_id = ")
        .bind(seller)
        .push(" AND o.currency = ")
        .bind(currency.to_owned())
        .push(" AND o.submitted_at >= ")
        .bind(w.start_12)
        .push(" AND ")
        .counted_sale("o", w.end);
    if let Some(row) = db.query_one_raw(q.build()).await? {
        money.revenue = sql::decimal(&row, "revenue")?;
    }
    Ok(money)
}

const CLAIMS_DECIDED: &str = "SUM(c.claimed_amount) AS claimed, \
    SUM(c.claimed_amount - COALESCE(c.approved_amount, 0)) AS rejected FROM claims c";

/// The complete months before the month of `as_of` that reports are expected for, as month
/// numbers.
fn report_months(settings: &AnalyticsSettings, as_of: NaiveDate) -> Vec<i32> {
    let this = sql::month_number(as_of);
    (1..=settings.report_months as i32)
        .map(|k| this - k)
        .collect()
}

async fn tier_terms(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Terms>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT m.organization_id AS id, t.id AS tier, t.min_sales_share AS share, \
         t.reports_inventory AS inventory, t.reports_sell_through AS sell_through, \
         t.settlement_cadence AS cadence, tl.product_line AS line \
         FROM tier_memberships m JOIN partner_tiers t ON t.id = m.tier_id \
         LEFT JOIN tier_product_lines tl ON tl.tier_id = t.id \
         WHERE m.ended_at IS NULL AND m.organization_id IN ",
    )
    .ids(ids)
    .push(" ORDER BY tl.product_line");
    let mut out: HashMap<Uuid, Terms> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let id: Uuid = row.try_get("", "id")?;
        let share = crate::money::column(&row, "share")?;
        let terms = match out.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(Terms {
                required_lines: Vec::new(),
                min_sales_share: share.map(crate::money::stored),
                reports_inventory: row.try_get("", "inventory")?,
                reports_sell_through: row.try_get("", "sell_through")?,
                cadence: row.try_get("", "cadence")?,
            }),
        };
        if let Some(line) = row.try_get::<Option<String>>("", "line")? {
            terms.required_lines.push(line);
        }
    }
    Ok(out)
}

/// How many of `months` each organization sent a current report dated in.
async fn months_reported(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    months: &[i32],
    table: &str,
    dated: &str,
) -> Result<HashMap<Uuid, i64>> {
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Ok(HashMap::new());
    };
    let mut q = Sql::new(db.get_database_backend());
    let month = q.month_of(&format!("r.{dated}"));
    q.push(&format!(
        "SELECT g.id AS id, COUNT(*) AS n FROM (SELECT DISTINCT r.organization_id AS id, {month} AS m \
         FROM {table} r WHERE r.replaced_at IS NULL AND r.organization_id IN "
    ))
    .ids(ids)
    .push(&format!(" AND r.{dated} >= "))
    .bind(sql::month_start(*first))
    .push(&format!(" AND r.{dated} < "))
    .bind(sql::month_start(*last + 1))
    .push(") g GROUP BY g.id");
    sql::keyed(db, q, |row| sql::count(row, "n")).await
}

/// The brand share stated in each organization's latest current sell-through report that
/// states one, among the periods ending in the window.
async fn latest_shares(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, Decimal>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT id, share FROM (SELECT r.organization_id AS id, r.brand_share_percent AS share, \
         ROW_NUMBER() OVER (PARTITION BY r.organization_id ORDER BY r.period_end DESC, r.submitted_at DESC) AS rn \
         FROM sell_through_reports r WHERE r.replaced_at IS NULL AND r.brand_share_percent IS NOT NULL \
         AND r.organization_id IN ",
    )
    .ids(ids)
    .push(" AND r.period_end >= ")
    .bind(from)
    .push(" AND r.period_end <= ")
    .bind(to)
    .push(") s WHERE rn = 1");
    sql::keyed(db, q, |row| sql::decimal(row, "share")).await
}

/// The most days any invoice issued in the window took to be paid in full (or has been open,
/// up to `to`).
async fn slowest_settlement(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, i64>> {
    let mut q = Sql::new(db.get_database_backend());
    let days = q.days_between("d.issued", "d.settled");
    q.push(&format!(
        "SELECT d.id AS id, MAX({days}) AS days FROM (SELECT o.buyer_id AS id, i.issued_on AS issued, \
         CASE WHEN s.settled IS NULL OR s.settled > "
    ))
    .bind(to)
    .push(" THEN ")
    .bind(to)
    .push(
        " ELSE s.settled END AS settled FROM invoices i JOIN orders o ON o.id = i.order_id \
         LEFT JOIN (SELECT p.invoice_id AS invoice_id, MAX(p.received_on) AS settled FROM payments p \
         GROUP BY p.invoice_id) s ON s.invoice_id = i.id AND i.paid >= i.total WHERE o.buyer_id IN ",
    )
    .ids(ids)
    .push(" AND i.issued_on >= ")
    .bind(from)
    .push(" AND i.issued_on <= ")
    .bind(to)
    .push(") d GROUP BY d.id");
    sql::keyed(db, q, |row| sql::count(row, "days")).await
}

/// How a supplier delivered on the brand's purchase orders in the trailing 12 months.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SupplierScore {
    pub shipments: i64,
    pub shipments_on_time: i64,
    pub units_ordered: Decimal,
    pub units_shipped: Decimal,
    pub complaints_12: i64,
    pub supplier_since: Option<NaiveDate>,
    pub as_of: NaiveDate,
}

impl SupplierScore {
    pub fn on_time_rate(&self) -> Option<Decimal> {
        (self.shipments > 0).then(|| {
            round(
                Decimal::from(self.shipments_on_time) / Decimal::from(self.shipments),
                4,
            )
        })
    }

    pub fn fill_rate(&self) -> Option<Decimal> {
        (!self.units_ordered.is_zero()).then(|| round(self.units_shipped / self.units_ordered, 4))
    }

    /// Whole years and days since the supplier relationship began.
    pub fn tenure_days(&self) -> Option<i64> {
        Some((self.as_of - self.supplier_since?).num_days())
    }
}

pub async fn supplier_scores(
    db: &impl ConnectionTrait,
    as_of: NaiveDate,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, SupplierScore>> {
    let w = AsOf::new(as_of)?;
    let backend = db.get_database_backend();
    let mut scores: HashMap<Uuid, SupplierScore> = ids
        .iter()
        .map(|id| {
            (
                *id,
                SupplierScore {
                    as_of,
                    ..Default::default()
                },
            )
        })
        .collect();

    // Shipments of purchase orders placed in the window, on time when sent by the day the
    // order asked for (orders that asked for no day are not timed).
    let mut q = Sql::new(backend);
    q.push("SELECT o.seller_id AS id, COUNT(*) AS shipments, COUNT(CASE WHEN s.shipped_at < ");
    let next_day = match backend {
        sea_orm::DbBackend::Postgres => "(o.requested_date + 1)",
        _ => "date(o.requested_date, '+1 day')",
    };
    q.push(&format!(
        "{next_day} THEN 1 END) AS on_time FROM shipments s JOIN orders o ON o.id = s.order_id \
         WHERE o.kind = 'PURCHASE' AND o.status <> 'CANCELLED' AND o.requested_date IS NOT NULL AND o.seller_id IN "
    ))
    .ids(ids)
    .push(" AND o.submitted_at >= ")
    .bind(w.start_12)
    .push(" AND o.submitted_at < ")
    .bind(w.end)
    .push(" GROUP BY o.seller_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.shipments = sql::count(row, "shipments")?;
        s.shipments_on_time = sql::count(row, "on_time")?;
        Ok(())
    })
    .await?;

    // Fill rate: units shipped over units ordered on those purchase orders.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT o.seller_id AS id, SUM(l.quantity) AS ordered, SUM(l.shipped_quantity) AS shipped \
         FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE o.kind = 'PURCHASE' AND o.status <> 'CANCELLED' AND o.seller_id IN ",
    )
    .ids(ids)
    .push(" AND o.submitted_at >= ")
    .bind(w.start_12)
    .push(" AND o.submitted_at < ")
    .bind(w.end)
    .push(" GROUP BY o.seller_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.units_ordered = sql::decimal(row, "ordered")?;
        s.units_shipped = sql::decimal(row, "shipped")?;
        Ok(())
    })
    .await?;

    // Complaints about products the supplier makes.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT ps.supplier_id AS id, COUNT(*) AS n FROM cases c \
         JOIN product_suppliers ps ON ps.product_id = c.product_id \
         WHERE c.kind = 'COMPLAINT' AND c.created_at >= ",
    )
    .bind(w.start_12)
    .push(" AND c.created_at < ")
    .bind(w.end)
    .push(" AND ps.supplier_id IN ")
    .ids(ids)
    .push(" GROUP BY ps.supplier_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.complaints_12 = sql::count(row, "n")?;
        Ok(())
    })
    .await?;

    // Tenure: since the earliest SUPPLIES link from the supplier.
    let mut q = Sql::new(backend);
    q.push(
        "SELECT k.upstream_id AS id, MIN(k.since) AS since FROM channel_links k \
         WHERE k.kind = 'SUPPLIES' AND k.archived_at IS NULL AND k.upstream_id IN ",
    )
    .ids(ids)
    .push(" GROUP BY k.upstream_id");
    sql::fill(db, q, &mut scores, |s, row| {
        s.supplier_since = row.try_get("", "since")?;
        Ok(())
    })
    .await?;
    Ok(scores)
}
