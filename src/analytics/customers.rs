//! Figures per customer: what it bought and when, what that earned, where it stands in its
//! lifecycle and relationship quadrant, and what it is worth. The database sums per buyer
//! from the sales rollups (one statement for a page of customers, with their margins; one
//! for the retention of their segments); the rules applied to those sums are the
//! configured ones.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::cache::RetentionCache;
use super::sql::{self, AsOf, Sql};
use crate::access::Principal;
use crate::error::Result;
use crate::money::Currency;
use crate::settings::AnalyticsSettings;

/// Where a customer is on the path from prospect to loyal buyer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifecycleStage {
    Prospect,
    FirstTime,
    Repeat,
    Loyal,
    AtRisk,
    Lost,
}

/// Loyalty against profitability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quadrant {
    Partner,
    Functional,
    Emotional,
    Acquaintance,
}

/// What the database summed for one buyer.
#[derive(Clone, Debug, Default)]
pub struct Sums {
    pub orders: i64,
    pub orders_12: i64,
    pub other_currency_orders: i64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub revenue: Decimal,
    pub revenue_12: Decimal,
    pub margin: Decimal,
    pub margin_12: Decimal,
}

/// One customer's figures as of a day.
#[derive(Clone, Debug)]
pub struct CustomerFigures {
    pub as_of: NaiveDate,
    pub sums: Sums,
    /// Whether margins (and what is worked out from them) may be shown to the caller.
    pub shows_margin: bool,
    pub segment_retention: Option<Decimal>,
    pub settings: AnalyticsSettings,
}

impl CustomerFigures {
    pub fn first_order_on(&self) -> Option<NaiveDate> {
        self.sums.first_at.map(|t| t.date_naive())
    }

    pub fn last_order_on(&self) -> Option<NaiveDate> {
        self.sums.last_at.map(|t| t.date_naive())
    }

    pub fn days_since_last_order(&self) -> Option<i64> {
        self.last_order_on().map(|d| (self.as_of - d).num_days())
    }

    /// Days between the first and the last order, over the gaps between orders.
    pub fn average_order_interval_days(&self) -> Option<Decimal> {
        let (first, last) = (self.first_order_on()?, self.last_order_on()?);
        if self.sums.orders < 2 {
            return None;
        }
        let days = Decimal::from((last - first).num_days());
        Some(round(days / Decimal::from(self.sums.orders - 1), 2))
    }

    pub fn stage(&self) -> LifecycleStage {
        let s = &self.settings;
        let (Some(first), Some(since)) = (self.first_order_on(), self.days_since_last_order())
        else {
            return LifecycleStage::Prospect;
        };
        if since > i64::from(s.lost_after_days) {
            LifecycleStage::Lost
        } else if since > i64::from(s.at_risk_after_days) {
            LifecycleStage::AtRisk
        } else if self.sums.orders >= i64::from(s.loyal_min_orders)
            && (self.as_of - first).num_days() >= i64::from(s.loyal_min_tenure_days)
        {
            LifecycleStage::Loyal
        } else if self.sums.orders >= 2 {
            LifecycleStage::Repeat
        } else {
            LifecycleStage::FirstTime
        }
    }

    pub fn quadrant(&self) -> Option<Quadrant> {
        if !self.shows_margin || self.sums.orders == 0 {
            return None;
        }
        let s = &self.settings;
        let loyal = self.sums.orders_12 >= i64::from(s.quadrant_min_orders);
        let profitable = self.sums.margin_12 >= s.quadrant_min_margin;
        Some(match (loyal, profitable) {
            (true, true) => Quadrant::Partner,
            (false, true) => Quadrant::Functional,
            (true, false) => Quadrant::Emotional,
            (false, false) => Quadrant::Acquaintance,
        })
    }

    /// Calendar months from the month of the first order to the month of `as_of`, both
    /// counted.
    pub fn months_as_customer(&self) -> Option<i32> {
        let first = self.first_order_on()?;
        Some(sql::month_number(self.as_of) - sql::month_number(first) + 1)
    }

    /// Average monthly revenue × 12 × expected years.
    pub fn lifetime_value_simple(&self) -> Option<Decimal> {
        let months = self.months_as_customer()?;
        let monthly = self.sums.revenue / Decimal::from(months);
        Some(self.money(monthly * Decimal::from(12) * self.settings.expected_years))
    }

    /// m·r / (1 + d − r): the trailing-12-month margin m kept at the segment's retention r,
    /// discounted at d, summed over the years to come.
    pub fn lifetime_value_retention(&self) -> Option<Decimal> {
        if !self.shows_margin || self.sums.orders == 0 {
            return None;
        }
        let r = self.segment_retention?;
        let d = self.settings.discount_rate;
        Some(self.money(self.sums.margin_12 * r / (Decimal::ONE + d - r)))
    }

    /// The currency the money figures are in: the reporting currency.
    pub fn currency(&self) -> &str {
        &self.settings.reporting_currency
    }

    fn money(&self, amount: Decimal) -> Decimal {
        money(self.currency(), amount)
    }
}

/// Rounded half-even to `currency`'s minor unit.
pub fn money(currency: &str, amount: Decimal) -> Decimal {
    let places = Currency::parse(&[], currency)
        .map(|c| c.minor_units())
        .unwrap_or(2);
    round(amount, places)
}

/// Rounded half-even to `places`, and shown with exactly that many.
pub fn round(value: Decimal, places: u32) -> Decimal {
    let mut v = value.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
    v.rescale(places);
    v
}

/// Which of the costlier parts of the figures to work out: segment retention (for the
/// retention value and the rate). What is not worked out reads as none and is never shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Needs {
    pub retention: bool,
}

/// The figures of `ids` as of `as_of`, from the orders the principal may see; segment
/// retention only as far as `needs` asks.
#[allow(clippy::too_many_arguments)]
pub async fn figures(
    db: &impl ConnectionTrait,
    principal: &Principal,
    settings: &AnalyticsSettings,
    cache: &RetentionCache,
    as_of: NaiveDate,
    needs: Needs,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, CustomerFigures>> {
    let window = AsOf::new(as_of)?;
    let mut sums = order_sums(db, principal, settings, &window, ids).await?;
    let shows_margin = !principal.is_restricted();
    if !shows_margin {
        for entry in sums.values_mut() {
            entry.margin = Decimal::ZERO;
            entry.margin_12 = Decimal::ZERO;
        }
    }
    let retention_asked = shows_margin && needs.retention;
    let segments = if retention_asked {
        segment_of(db, ids).await?
    } else {
        HashMap::new()
    };
    // Only staff and the operator get rates, and they all see every order: one set per day.
    let retention = if retention_asked {
        cache
            .get_or_compute(as_of, segment_retention(db, principal, &window))
            .await?
    } else {
        Default::default()
    };
    Ok(ids
        .iter()
        .map(|id| {
            let segment = segments.get(id).cloned().flatten();
            (
                *id,
                CustomerFigures {
                    as_of,
                    sums: sums.remove(id).unwrap_or_default(),
                    shows_margin,
                    segment_retention: retention.get(&segment).copied(),
                    settings: settings.clone(),
                },
            )
        })
        .collect())
}

/// Orders, dates, revenue and margin per buyer: the trailing 12 months and what came before
/// them side by side, from the rollups and the orders at the windows' ends.
async fn order_sums(
    db: &impl ConnectionTrait,
    principal: &Principal,
    settings: &AnalyticsSettings,
    window: &AsOf,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Sums>> {
    let mut q = Sql::new(db.get_database_backend());
    let cur = settings.reporting_currency.as_str();
    let ours = |q: &mut Sql, a: &str| {
        q.push(&format!("{a}.buyer_id IN "))
            .ids(ids)
            .push(" AND ")
            .visible_orders(principal, a);
    };
    q.push(
        "SELECT s.buyer_id AS id, CAST(SUM(s.orders) AS BIGINT) AS orders, \
         CAST(SUM(CASE WHEN s.band = 1 THEN s.orders ELSE 0 END) AS BIGINT) AS orders_12, \
         CAST(SUM(CASE WHEN s.currency <> ",
    )
    .bind(cur)
    .push(" THEN s.orders ELSE 0 END) AS BIGINT) AS other_currency, MIN(s.first_at) AS first_at, MAX(s.last_at) AS last_at, SUM(CASE WHEN s.currency = ")
    .bind(cur)
    .push(" THEN s.revenue ELSE 0 END) AS revenue, SUM(CASE WHEN s.band = 1 AND s.currency = ")
    .bind(cur)
    .push(" THEN s.revenue ELSE 0 END) AS revenue_12, SUM(CASE WHEN s.currency = ")
    .bind(cur)
    .push(" THEN s.margin ELSE 0 END) AS margin, SUM(CASE WHEN s.band = 1 AND s.currency = ")
    .bind(cur)
    .push(" THEN s.margin ELSE 0 END) AS margin_12 FROM (")
    .sales(0, None, window.start_12, ours)
    .push(" UNION ALL ")
    .sales(1, Some(window.start_12), window.end, ours)
    .push(") s GROUP BY s.buyer_id");
    sql::keyed(db, q, |row| {
        Ok(Sums {
            orders: sql::count(row, "orders")?,
            orders_12: sql::count(row, "orders_12")?,
            other_currency_orders: sql::count(row, "other_currency")?,
            first_at: row.try_get("", "first_at")?,
            last_at: row.try_get("", "last_at")?,
            revenue: sql::decimal(row, "revenue")?,
            revenue_12: sql::decimal(row, "revenue_12")?,
            margin: sql::decimal(row, "margin")?,
            margin_12: sql::decimal(row, "margin_12")?,
        })
    })
    .await
}

/// The industry segment of each organization (stored text, or None).
async fn segment_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Option<String>>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push("SELECT id, segment FROM organizations WHERE id IN ")
        .ids(ids);
    sql::keyed(db, q, |row| Ok(row.try_get("", "segment")?)).await
}

/// The retention rate of each industry segment (customers without one form their own
/// group): of the customers who bought in the 12 months before the trailing 12, the share
/// who bought again in the trailing 12. A segment with no such customers has no rate.
pub async fn segment_retention(
    db: &impl ConnectionTrait,
    principal: &Principal,
    window: &AsOf,
) -> Result<HashMap<Option<String>, Decimal>> {
    let mut q = Sql::new(db.get_database_backend());
    let visible = |q: &mut Sql, a: &str| {
        q.visible_orders(principal, a);
    };
    q.push(
        "SELECT g.segment AS segment, COUNT(*) AS base, COUNT(CASE WHEN g.recent > 0 THEN 1 END) AS kept \
         FROM (SELECT s.buyer_id, c.segment AS segment, \
         SUM(CASE WHEN s.band = 1 THEN s.orders ELSE 0 END) AS recent, \
         SUM(CASE WHEN s.band = 0 THEN s.orders ELSE 0 END) AS prior FROM (",
    )
    .sales(0, Some(window.start_24), window.start_12, visible)
    .push(" UNION ALL ")
    .sales(1, Some(window.start_12), window.end, visible)
    .push(") s JOIN organizations c ON c.id = s.buyer_id GROUP BY s.buyer_id, c.segment) g WHERE g.prior > 0 GROUP BY g.segment");
    let mut out = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let segment: Option<String> = row.try_get("", "segment")?;
        let base = sql::count(&row, "base")?;
        let kept = sql::count(&row, "kept")?;
        if base > 0 {
            out.insert(segment, Decimal::from(kept) / Decimal::from(base));
        }
    }
    Ok(out)
}
