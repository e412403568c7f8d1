//! The portfolio of one seller's customers: how many buy per period, how many stay, how
//! cohorts age, how concentrated revenue is, and who is slipping away. Every figure is a
//! grouped or windowed statement; Rust only fills in periods nobody bought in.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::customers::round;
use super::sql::{self, AsOf, Sql};
use crate::access::Principal;
use crate::error::{Error, Result};
use crate::settings::AnalyticsSettings;

/// Whose customers: the orders placed with one seller.
#[derive(Clone, Debug)]
pub struct Scope {
    pub seller_id: Uuid,
    pub as_of: AsOf,
}

/// Whose portfolio is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seller {
    /// The brand's: staff who name no seller.
    Brand,
    /// The organization named, or the partner's own.
    Named(Uuid),
}

/// Whose portfolio a principal asks for: staff name any seller (default: the brand); a
/// partner sees its own, and naming another is FORBIDDEN.
pub fn seller_for(principal: &Principal, asked: Option<Uuid>) -> Result<Seller> {
    match (principal.partner_organization(), asked) {
        (Some(own), None) => Ok(Seller::Named(own)),
        (Some(own), Some(asked)) if asked == own => Ok(Seller::Named(own)),
        (Some(_), Some(_)) => Err(Error::Forbidden(
            "a partner sees the portfolio of its own customers only".into(),
        )),
        (None, Some(asked)) if !principal.is_restricted() => Ok(Seller::Named(asked)),
        (None, None) if !principal.is_restricted() => Ok(Seller::Brand),
        _ => Err(Error::Unauthenticated),
    }
}

/// Calendar periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn months(self) -> i32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }

    /// The period number of month number `m`.
    fn of_month(self, m: i32) -> i32 {
        m.div_euclid(self.months())
    }

    pub fn start(self, p: i32) -> NaiveDate {
        sql::month_start(p * self.months())
    }

    pub fn end(self, p: i32) -> NaiveDate {
        sql::month_start((p + 1) * self.months())
            .pred_opt()
            .unwrap_or(NaiveDate::MIN)
    }
}

/// Customers in one period.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodFigures {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub active: i64,
    pub new: i64,
    pub cumulative: i64,
    /// Customers who bought in the period before and in this one.
    pub retained: i64,
    /// Customers who bought in the period before.
    pub previous: i64,
}

impl PeriodFigures {
    pub fn retention(&self) -> Option<Decimal> {
        (self.previous > 0).then(|| {
            round(
                Decimal::from(self.retained) / Decimal::from(self.previous),
                4,
            )
        })
    }

    pub fn churn(&self) -> Option<Decimal> {
        self.retention().map(|r| round(Decimal::ONE - r, 4))
    }
}

/// `(buyer, period)` for every period a buyer placed a counted order with the seller in, up
/// to the end of the window; `p` is the period number.
fn buyer_periods(q: &mut Sql, scope: &Scope, period: Period) {
    let months = period.months();
    q.push(&format!(
        "SELECT s.buyer_id AS buyer, s.month / {months} AS p FROM ("
    ))
    .sales(0, None, scope.as_of.end, |q, a| {
        q.push(&format!("{a}.seller_id = ")).bind(scope.seller_id);
    })
    .push(&format!(") s GROUP BY s.buyer_id, s.month / {months}"));
}

/// Customers per period, for the `count` periods ending with the one `as_of` falls in.
pub async fn periods(
    db: &impl ConnectionTrait,
    scope: &Scope,
    period: Period,
    count: u32,
) -> Result<Vec<PeriodFigures>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push("WITH b AS (");
    buyer_periods(&mut q, scope, period);
    // One pass over each buyer's periods in order: no period before means new, the one
    // before being the previous period means retained.
    q.push(
        "), w AS (SELECT p, LAG(p) OVER (PARTITION BY buyer ORDER BY p) AS prev_p FROM b), \
         t AS (SELECT p, COUNT(*) AS active, COUNT(CASE WHEN prev_p IS NULL THEN 1 END) AS fresh, \
         COUNT(CASE WHEN prev_p = p - 1 THEN 1 END) AS retained FROM w GROUP BY p) \
         SELECT p, active, fresh, retained, SUM(fresh) OVER (ORDER BY p) AS cumulative FROM t ORDER BY p",
    );
    let mut rows: HashMap<i32, (i64, i64, i64, i64)> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let p: i64 = row.try_get("", "p")?;
        let cumulative = sql::integer_sum(&row, "cumulative")?.unwrap_or(0);
        rows.insert(
            p as i32,
            (
                sql::count(&row, "active")?,
                sql::count(&row, "fresh")?,
                sql::count(&row, "retained")?,
                cumulative,
            ),
        );
    }
    let last = period.of_month(sql::month_number(scope.as_of.day));
    let first = last - count as i32 + 1;
    // Customers won before the first period shown.
    let mut cumulative = rows
        .iter()
        .filter(|(p, _)| **p < first)
        .max_by_key(|(p, _)| **p)
        .map(|(_, r)| r.3)
        .unwrap_or(0);
    let mut out = Vec::with_capacity(count as usize);
    for p in first..=last {
        let (active, new, retained, running) =
            rows.get(&p).copied().unwrap_or((0, 0, 0, cumulative));
        cumulative = running;
        out.push(PeriodFigures {
            start: period.start(p),
            end: period.end(p),
            active,
            new,
            cumulative,
            retained,
            previous: rows.get(&(p - 1)).map(|r| r.0).unwrap_or(0),
        });
    }
    Ok(out)
}

/// One cohort: the customers whose first order with the seller fell in a month, and how
/// many of them bought in each month since.
#[derive(Clone, Debug, PartialEq)]
pub struct Cohort {
    pub month: NaiveDate,
    pub size: i64,
    /// Customers who bought in month k after the first (k = 0 is the first month itself),
    /// up to the month of `as_of`.
    pub active: Vec<i64>,
}

/// Cohorts of the `months` months ending with the month of `as_of`.
pub async fn cohorts(db: &impl ConnectionTrait, scope: &Scope, months: u32) -> Result<Vec<Cohort>> {
    let last = sql::month_number(scope.as_of.day);
    let first = last - months as i32 + 1;
    let mut q = Sql::new(db.get_database_backend());
    q.push("WITH b AS (");
    buyer_periods(&mut q, scope, Period::Month);
    q.push(
        "), f AS (SELECT p, MIN(p) OVER (PARTITION BY buyer) AS first_p FROM b) \
         SELECT first_p AS cohort, p - first_p AS k, COUNT(*) AS n FROM f WHERE first_p >= ",
    )
    .bind(first)
    .push(" GROUP BY first_p, p - first_p");
    let mut cells: HashMap<(i32, i32), i64> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let cohort: i64 = row.try_get("", "cohort")?;
        let k: i64 = row.try_get("", "k")?;
        cells.insert((cohort as i32, k as i32), sql::count(&row, "n")?);
    }
    Ok((first..=last)
        .map(|c| Cohort {
            month: sql::month_start(c),
            size: cells.get(&(c, 0)).copied().unwrap_or(0),
            active: (0..=(last - c))
                .map(|k| cells.get(&(c, k)).copied().unwrap_or(0))
                .collect(),
        })
        .collect())
}

/// How revenue is spread over customers: the revenue of the top tenth, fifth, … of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Pareto {
    pub customers: i64,
    pub revenue: Decimal,
    /// For k = 1..=10: how many customers the top k tenths are (rounded up), and their
    /// revenue.
    pub deciles: Vec<(i64, Decimal)>,
}

impl Pareto {
    /// The share of revenue from the top fifth of customers.
    pub fn top_fifth_share(&self) -> Option<Decimal> {
        let (_, top) = self.deciles.get(1)?;
        (!self.revenue.is_zero()).then(|| round(*top / self.revenue, 4))
    }
}

/// The Pareto figure over the trailing 12 months, or the whole history when `lifetime`.
pub async fn pareto(
    db: &impl ConnectionTrait,
    settings: &AnalyticsSettings,
    scope: &Scope,
    lifetime: bool,
) -> Result<Pareto> {
    let mut q = Sql::new(db.get_database_backend());
    let currency = settings.reporting_currency.as_str();
    let from = (!lifetime).then_some(scope.as_of.start_12);
    q.push("WITH r AS (SELECT s.buyer_id AS buyer, SUM(s.revenue) AS revenue FROM (")
        .sales(0, from, scope.as_of.end, |q, a| {
            q.push(&format!("{a}.seller_id = "))
                .bind(scope.seller_id)
                .push(&format!(" AND {a}.currency = "))
                .bind(currency);
        })
        .push(") s");
    let deciles = (1..=10)
        .map(|k| format!("SELECT {k} AS k"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    // One pass over the customers ranked by revenue with a running sum; the top k tenths
    // are the first ceil(k·n/10), so each decile is the one row at that rank.
    q.push(&format!(
        " GROUP BY s.buyer_id), \
         ranked AS (SELECT ROW_NUMBER() OVER w AS rn, SUM(revenue) OVER w AS running, \
         COUNT(*) OVER () AS n FROM r \
         WINDOW w AS (ORDER BY revenue DESC, buyer ROWS UNBOUNDED PRECEDING)) \
         SELECT d.k AS k, ranked.n AS n, ranked.rn AS top, ranked.running AS revenue \
         FROM ranked JOIN ({deciles}) d ON ranked.rn = (d.k * ranked.n + 9) / 10 ORDER BY d.k"
    ));
    let mut out = Pareto {
        customers: 0,
        revenue: Decimal::ZERO,
        deciles: Vec::with_capacity(10),
    };
    for row in db.query_all_raw(q.build()).await? {
        out.customers = sql::count(&row, "n")?;
        out.deciles
            .push((sql::count(&row, "top")?, sql::decimal(&row, "revenue")?));
    }
    if out.deciles.is_empty() {
        out.deciles = vec![(0, Decimal::ZERO); 10];
    }
    out.revenue = out.deciles.last().map(|d| d.1).unwrap_or_default();
    Ok(out)
}

/// A customer slipping away, with what it was worth.
#[derive(Clone, Debug, PartialEq)]
pub struct WinBack {
    pub organization_id: Uuid,
    pub last_order_at: chrono::DateTime<chrono::Utc>,
    pub orders: i64,
    pub revenue: Decimal,
    pub lifetime_value: Decimal,
}

/// The at-risk (`lost` false) or lost customers of the seller, most valuable first (by the
/// simple lifetime value), at most `first`.
pub async fn win_back(
    db: &impl ConnectionTrait,
    settings: &AnalyticsSettings,
    scope: &Scope,
    lost: bool,
    first: u32,
) -> Result<Vec<WinBack>> {
    let day = |days: u32| {
        scope
            .as_of
            .day
            .checked_sub_days(chrono::Days::new(u64::from(days)))
            .map(sql::start_of)
            .ok_or_else(|| Error::bad_input("asOf", "asOf is out of range"))
    };
    // Days since the last order above a threshold: the last order was before the day
    // `threshold` days before as-of.
    let at_risk = day(settings.at_risk_after_days)?;
    let lost_before = day(settings.lost_after_days)?;
    let mut q = Sql::new(db.get_database_backend());
    let now_month = sql::month_number(scope.as_of.day);
    let currency = settings.reporting_currency.as_str();
    q.push("SELECT s.buyer_id AS buyer, CAST(SUM(s.orders) AS BIGINT) AS orders, MAX(s.last_at) AS last_at, SUM(CASE WHEN s.currency = ")
        .bind(currency)
        .push(&format!(
            " THEN s.revenue ELSE 0 END) AS revenue, {now_month} - MIN(s.month) + 1 AS months FROM ("
        ))
        .sales(0, None, scope.as_of.end, |q, a| {
            q.push(&format!("{a}.seller_id = ")).bind(scope.seller_id);
        })
        .push(") s GROUP BY s.buyer_id HAVING MAX(s.last_at) < ");
    if lost {
        q.bind(lost_before);
    } else {
        q.bind(at_risk)
            .push(" AND MAX(s.last_at) >= ")
            .bind(lost_before);
    }
    q.push(" ORDER BY SUM(CASE WHEN s.currency = ")
        .bind(currency)
        .push(&format!(
            " THEN s.revenue ELSE 0 END) * 1.0 / ({now_month} - MIN(s.month) + 1) DESC, \
             s.buyer_id LIMIT {first}"
        ));
    let mut out = Vec::new();
    for row in db.query_all_raw(q.build()).await? {
        let revenue = sql::decimal(&row, "revenue")?;
        let months: i64 = row.try_get("", "months")?;
        let monthly = revenue / Decimal::from(months.max(1));
        out.push(WinBack {
            organization_id: row.try_get("", "buyer")?,
            last_order_at: row.try_get("", "last_at")?,
            orders: sql::count(&row, "orders")?,
            revenue,
            lifetime_value: super::customers::money(
                &settings.reporting_currency,
                monthly * Decimal::from(12) * settings.expected_years,
            ),
        });
    }
    Ok(out)
}
