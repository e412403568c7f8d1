//! Demand forecasts per distributor, product and week, from the distributor's sell-through
//! reports (852, 867 or the portal) that ended in the last [`HISTORY_WEEKS`] weeks, read in
//! one statement and worked out here.
//!
//! The weekly series:
//! - Each current report's units are spread evenly over the days of its period, and summed
//!   into weeks that start on Monday.
//! - The series runs from the first Monday reported to the last Sunday reported, so weeks
//!   only partly reported at either end are left out: a report that ends mid-week leaves
//!   that week for the next forecast.
//! - A week inside the series that no report covers counts as nothing sold, and is counted in
//!   `missing_weeks` so a reader can see it.
//!
//! The method, fitted per series:
//! - Two seasons (104 weeks) or more: Holt–Winters, additive, a season of 52 weeks.
//! - Four weeks or more: Holt's linear trend.
//! - Fewer: simple exponential smoothing with α = 0.5.
//!
//! The smoothing constants are the ones on a grid (α and β in steps of 0.05, γ in steps of
//! 0.1) with the least sum of squared one-step errors; the first such wins a tie. Forecasts
//! below zero are zero.
//!
//! Accuracy is the WAPE (Σ|actual − forecast| / Σ actual) over a holdout of the last
//! quarter of the series, at most 8 weeks: the method is fitted again without those weeks,
//! and forecasts them. A distributor whose latest report ends more than
//! [`STALE_AFTER_DAYS`] ago is stale: its history is shown, and nothing is extrapolated from
//! it.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::Result;

/// Days after the end of a distributor's latest report from which its forecast is stale.
pub const STALE_AFTER_DAYS: i64 = 14;
/// The weeks of a season.
pub const SEASON: usize = 52;
/// The most weeks a forecast looks ahead.
pub const HORIZON_MAX: usize = 52;
/// The most weeks a holdout takes.
pub const HOLDOUT_MAX: usize = 8;
/// The weeks of history a forecast reads: three seasons.
pub const HISTORY_WEEKS: u64 = 3 * SEASON as u64;

/// How a series is forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Simple,
    Holt,
    HoltWinters,
}

/// The smoothing constants fitted, and the state after the last week.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub method: Method,
    pub alpha: f64,
    pub beta: Option<f64>,
    pub gamma: Option<f64>,
    level: f64,
    trend: f64,
    /// The seasonal terms, the next week's first.
    seasonal: Vec<f64>,
    /// Σ squared one-step errors.
    sse: f64,
}

impl Fit {
    /// The forecast `h` weeks after the last one (h ≥ 1), never below zero.
    pub fn ahead(&self, h: usize) -> f64 {
        let season = if self.seasonal.is_empty() {
            0.0
        } else {
            self.seasonal[(h - 1) % self.seasonal.len()]
        };
        (self.level + h as f64 * self.trend + season).max(0.0)
    }
}

fn grid(step: f64, upto: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut k = 1;
    while k as f64 * step <= upto + 1e-9 {
        out.push((k as f64 * step * 100.0).round() / 100.0);
        k += 1;
    }
    out
}

fn simple(y: &[f64], alpha: f64) -> Fit {
    let mut level = y[0];
    let mut sse = 0.0;
    for &v in &y[1..] {
        sse += (v - level).powi(2);
        level = alpha * v + (1.0 - alpha) * level;
    }
    Fit {
        method: Method::Simple,
        alpha,
        beta: None,
        gamma: None,
        level,
        trend: 0.0,
        seasonal: Vec::new(),
        sse,
    }
}

fn holt(y: &[f64], alpha: f64, beta: f64) -> Fit {
    let mut level = y[0];
    let mut trend = y[1] - y[0];
    let mut sse = 0.0;
    for &v in &y[1..] {
        let predicted = level + trend;
        sse += (v - predicted).powi(2);
        let previous = level;
        level = alpha * v + (1.0 - alpha) * predicted;
        trend = beta * (level - previous) + (1.0 - beta) * trend;
    }
    Fit {
        method: Method::Holt,
        alpha,
        beta: Some(beta),
        gamma: None,
        level,
        trend,
        seasonal: Vec::new(),
        sse,
    }
}

fn holt_winters(y: &[f64], alpha: f64, beta: f64, gamma: f64) -> Fit {
    let m = SEASON;
    let first: f64 = y[..m].iter().sum::<f64>() / m as f64;
    let second: f64 = y[m..2 * m].iter().sum::<f64>() / m as f64;
    let mut level = first;
    let mut trend = (second - first) / m as f64;
    let mut seasonal: Vec<f64> = y[..m].iter().map(|v| v - first).collect();
    let mut sse = 0.0;
    for (t, &v) in y.iter().enumerate().skip(m) {
        let s = seasonal[t % m];
        let predicted = level + trend + s;
        sse += (v - predicted).powi(2);
        let previous = level;
        level = alpha * (v - s) + (1.0 - alpha) * (level + trend);
        trend = beta * (level - previous) + (1.0 - beta) * trend;
        seasonal[t % m] = gamma * (v - level) + (1.0 - gamma) * s;
    }
    let n = y.len();
    let ahead: Vec<f64> = (0..m).map(|h| seasonal[(n + h) % m]).collect();
    Fit {
        method: Method::HoltWinters,
        alpha,
        beta: Some(beta),
        gamma: Some(gamma),
        level,
        trend,
        seasonal: ahead,
        sse,
    }
}

/// The method for `y`, with the constants of least squared one-step error; None for an
/// empty series.
pub fn fit(y: &[f64]) -> Option<Fit> {
    let better = |best: Option<Fit>, candidate: Fit| match best {
        Some(b) if b.sse <= candidate.sse + 1e-9 => Some(b),
        _ => Some(candidate),
    };
    match y.len() {
        0 => None,
        n if n < 4 => Some(simple(y, 0.5)),
        n if n < 2 * SEASON => {
            let mut best = None;
            for alpha in grid(0.05, 0.95) {
                for beta in grid(0.05, 0.95) {
                    best = better(best, holt(y, alpha, beta));
                }
            }
            best
        }
        _ => {
            let mut best = None;
            for alpha in grid(0.1, 0.9) {
                for beta in grid(0.1, 0.9) {
                    for gamma in grid(0.1, 0.9) {
                        best = better(best, holt_winters(y, alpha, beta, gamma));
                    }
                }
            }
            best
        }
    }
}

/// The WAPE of forecasting the last weeks of `y` from the ones before, and how many weeks
/// it held out; None where the series is too short (under 8 weeks) or nothing sold in them.
pub fn holdout_wape(y: &[f64]) -> (Option<f64>, usize) {
    if y.len() < 8 {
        return (None, 0);
    }
    let held = (y.len() / 4).clamp(1, HOLDOUT_MAX);
    let (train, test) = y.split_at(y.len() - held);
    let Some(fitted) = fit(train) else {
        return (None, held);
    };
    let actual: f64 = test.iter().sum();
    if actual <= 0.0 {
        return (None, held);
    }
    let error: f64 = test
        .iter()
        .enumerate()
        .map(|(i, a)| (a - fitted.ahead(i + 1)).abs())
        .sum();
    (Some(error / actual), held)
}

/// The Monday of `day`'s week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// A report's period and the units it counts of one product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub units: Decimal,
}

/// The weekly series of `reports`: each week's units (Mondays, rising), how many weeks in it
/// no report covers, and the last day reported.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub weeks: Vec<(NaiveDate, f64)>,
    pub missing_weeks: usize,
    pub reported_through: Option<NaiveDate>,
}

pub fn series(reports: &[Reported]) -> Series {
    let Some(through) = reports.iter().map(|r| r.end).max() else {
        return Series::default();
    };
    let Some(first) = reports.iter().map(|r| r.start).min() else {
        return Series::default();
    };
    // The last week wholly reported: the one ending on `through` if that is a Sunday.
    let last = week_of(through + Days::new(1)) - Days::new(7);
    let mut units: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut covered: BTreeMap<NaiveDate, bool> = BTreeMap::new();
    for r in reports {
        let days = (r.end - r.start).num_days() + 1;
        if days <= 0 {
            continue;
        }
        let per_day = r.units.to_f64().unwrap_or(0.0) / days as f64;
        let mut day = r.start;
        while day <= r.end {
            let week = week_of(day);
            *units.entry(week).or_default() += per_day;
            covered.insert(week, true);
            day = day + Days::new(1);
        }
    }
    let mut weeks = Vec::new();
    let mut missing = 0;
    // The first week wholly reported: the one starting on `first` if that is a Monday.
    let mut week = week_of(first + Days::new(6));
    while week <= last {
        if !covered.contains_key(&week) {
            missing += 1;
        }
        weeks.push((week, units.get(&week).copied().unwrap_or(0.0)));
        week = week + Days::new(7);
    }
    Series {
        weeks,
        missing_weeks: missing,
        reported_through: Some(through),
    }
}

/// What the forecast of a series says.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    pub series: Series,
    pub fit: Option<Fit>,
    pub stale: bool,
    /// The weeks ahead (Mondays) and their forecast; empty where stale or nothing was
    /// reported.
    pub ahead: Vec<(NaiveDate, f64)>,
    pub wape: Option<f64>,
    pub holdout_weeks: usize,
}

/// The forecast of `reports` for `horizon` weeks, as of `today`.
pub fn forecast(reports: &[Reported], horizon: usize, today: NaiveDate) -> Forecast {
    let series = series(reports);
    let y: Vec<f64> = series.weeks.iter().map(|(_, v)| *v).collect();
    let stale = series
        .reported_through
        .is_none_or(|through| (today - through).num_days() > STALE_AFTER_DAYS);
    let fit = fit(&y);
    let (wape, holdout_weeks) = holdout_wape(&y);
    let ahead = match (&fit, series.weeks.last()) {
        (Some(f), Some((last, _))) if !stale => (1..=horizon.min(HORIZON_MAX))
            .map(|h| (*last + Days::new(7 * h as u64), f.ahead(h)))
            .collect(),
        _ => Vec::new(),
    };
    Forecast {
        series,
        fit,
        stale,
        ahead,
        wape,
        holdout_weeks,
    }
}

/// A quantity or a rate as shown: two decimals.
pub fn shown(value: f64) -> Decimal {
    Decimal::from_f64(value)
        .unwrap_or_default()
        .round_dp(2)
        .normalize()
}

/// The current sell-through reports of `distributor`, with their units of each of
/// `products`, in one statement. Every product gets every report: one that does not name it
/// counts none of it sold, so the reports a distributor sends, not the lines, say which weeks
/// are covered and how recent its data is.
pub async fn reported(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    products: &[Uuid],
    since: NaiveDate,
) -> Result<HashMap<Uuid, Vec<Reported>>> {
    Ok(reported_by(db, Some(distributor), products, since)
        .await?
        .into_iter()
        .map(|((_, product), list)| (product, list))
        .collect())
}

/// [`reported`] for one distributor, or for every distributor that reports: by distributor
/// and product.
pub async fn reported_by(
    db: &impl ConnectionTrait,
    distributor: Option<Uuid>,
    products: &[Uuid],
    since: NaiveDate,
) -> Result<HashMap<(Uuid, Uuid), Vec<Reported>>> {
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT r.organization_id AS org, r.id AS report, r.period_start AS start, \
         r.period_end AS finish, l.product_id AS product, SUM(l.quantity_sold) AS units \
         FROM sell_through_reports r JOIN organizations o ON o.id = r.organization_id \
         LEFT JOIN sell_through_report_lines l ON l.report_id = r.id AND l.product_id IN (",
    );
    if products.is_empty() {
        q.push("NULL");
    }
    for (i, p) in products.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(*p);
    }
    q.push(") WHERE r.replaced_at IS NULL AND o.kind = 'DISTRIBUTOR' AND r.period_end >= ")
        .bind(since);
    if let Some(distributor) = distributor {
        q.push(" AND r.organization_id = ").bind(distributor);
    }
    q.push(
        " GROUP BY r.organization_id, r.id, r.period_start, r.period_end, l.product_id \
         ORDER BY r.organization_id, r.period_start, r.id",
    );
    let mut periods: Vec<(Uuid, Uuid, NaiveDate, NaiveDate)> = Vec::new();
    let mut units: HashMap<(Uuid, Uuid), Decimal> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let report: Uuid = row.try_get("", "report")?;
        if periods.last().is_none_or(|(_, id, _, _)| *id != report) {
            periods.push((
                row.try_get("", "org")?,
                report,
                row.try_get("", "start")?,
                row.try_get("", "finish")?,
            ));
        }
        if let Some(product) = row.try_get::<Option<Uuid>>("", "product")? {
            units.insert(
                (report, product),
                crate::money::column(&row, "units")?.unwrap_or_default(),
            );
        }
    }
    let mut out: HashMap<(Uuid, Uuid), Vec<Reported>> = HashMap::new();
    for (org, report, start, end) in &periods {
        for product in products {
            out.entry((*org, *product)).or_default().push(Reported {
                start: *start,
                end: *end,
                units: units.get(&(*report, *product)).copied().unwrap_or_default(),
            });
        }
    }
    if let Some(distributor) = distributor {
        for product in products {
            out.entry((distributor, *product)).or_default();
        }
    }
    Ok(out)
}

/// A distributor's forecast for a product.
#[derive(Clone, Debug, PartialEq)]
pub struct Demand {
    pub distributor: Uuid,
    pub product: Uuid,
    pub forecast: Forecast,
}

/// The forecast of a distributor's demand for a product, `horizon` weeks ahead, as the
/// principal may see it: a distributor its own; staff any distributor's.
pub async fn demand_for(
    db: &impl ConnectionTrait,
    principal: &crate::access::Principal,
    distributor: Option<Uuid>,
    product: Uuid,
    horizon: usize,
) -> Result<Option<Demand>> {
    let Some(distributor) = super::policies::in_view(db, principal, distributor, product).await?
    else {
        return Ok(None);
    };
    let today = crate::store::now().date_naive();
    let since = today - Days::new(7 * HISTORY_WEEKS);
    let reports = reported(db, distributor, &[product], since)
        .await?
        .remove(&product)
        .unwrap_or_default();
    Ok(Some(Demand {
        distributor,
        product,
        forecast: forecast(&reports, horizon, today),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_straight_line_is_forecast_along_itself() {
        // 10, 12, 14, … : Holt fits it without error, whatever the constants.
        let y: Vec<f64> = (0..12).map(|t| 10.0 + 2.0 * t as f64).collect();
        let f = fit(&y).unwrap();
        assert_eq!(f.method, Method::Holt);
        assert!(f.sse < 1e-9);
        assert!((f.ahead(1) - 34.0).abs() < 1e-9);
        assert!((f.ahead(3) - 38.0).abs() < 1e-9);
        let (wape, held) = holdout_wape(&y);
        assert_eq!(held, 3);
        assert!(wape.unwrap() < 1e-9);
    }

    #[test]
    fn short_series_are_smoothed_and_falling_ones_stop_at_zero() {
        let f = fit(&[10.0, 20.0]).unwrap();
        // 10, then 0.5 × 20 + 0.5 × 10.
        assert_eq!((f.method, f.ahead(1)), (Method::Simple, 15.0));
        let falling: Vec<f64> = (0..6).map(|t| 50.0 - 10.0 * t as f64).collect();
        assert_eq!(fit(&falling).unwrap().ahead(2), 0.0);
        assert!(fit(&[]).is_none());
    }

    #[test]
    fn two_seasons_are_forecast_with_their_season() {
        // A weekly pattern of 52 that repeats over a slowly rising base.
        let shape = |w: usize| if w % SEASON < 8 { 40.0 } else { 10.0 };
        let y: Vec<f64> = (0..2 * SEASON + 4)
            .map(|t| shape(t) + 0.1 * t as f64)
            .collect();
        let f = fit(&y).unwrap();
        assert_eq!(f.method, Method::HoltWinters);
        // Weeks 108..: the season's weeks 4..7 are high, 8.. low.
        let high = f.ahead(1);
        let low = f.ahead(6);
        assert!(high > 35.0 && low < 25.0, "{high} {low}");
    }

    #[test]
    fn reports_are_spread_over_their_days_into_weeks() {
        // Monday 2026-11-02 to Sunday 2026-11-15, 140 units: 70 a week; then a week
        // unreported; then Monday 23rd to Wednesday 25th: that week is not whole yet.
        let reports = [
            Reported {
                start: day("2026-11-02"),
                end: day("2026-11-15"),
                units: Decimal::from(140),
            },
            Reported {
                start: day("2026-11-30"),
                end: day("2026-12-06"),
                units: Decimal::from(35),
            },
            Reported {
                start: day("2026-12-07"),
                end: day("2026-12-09"),
                units: Decimal::from(30),
            },
        ];
        let s = series(&reports);
        assert_eq!(
            s.weeks,
            vec![
                (day("2026-11-02"), 70.0),
                (day("2026-11-09"), 70.0),
                (day("2026-11-16"), 0.0),
                (day("2026-11-23"), 0.0),
                (day("2026-11-30"), 35.0),
            ]
        );
        assert_eq!(s.missing_weeks, 2);
        assert_eq!(s.reported_through, Some(day("2026-12-09")));
        // A report from Thursday to Wednesday holds no whole week; one from Thursday to the
        // Sunday after next holds one.
        let s = series(&[Reported {
            start: day("2026-11-05"),
            end: day("2026-11-11"),
            units: Decimal::from(70),
        }]);
        assert_eq!(s.weeks, vec![]);
        let s = series(&[Reported {
            start: day("2026-11-05"),
            end: day("2026-11-15"),
            units: Decimal::from(110),
        }]);
        assert_eq!(s.weeks, vec![(day("2026-11-09"), 70.0)]);
    }

    #[test]
    fn a_distributor_that_stopped_reporting_is_not_extrapolated() {
        let reports: Vec<Reported> = (0..6)
            .map(|w| Reported {
                start: day("2026-09-07") + Days::new(7 * w),
                end: day("2026-09-13") + Days::new(7 * w),
                units: Decimal::from(10),
            })
            .collect();
        let f = forecast(&reports, 4, day("2026-12-07"));
        assert!(f.stale);
        assert!(f.ahead.is_empty());
        assert_eq!(f.series.weeks.len(), 6);
        let fresh = forecast(&reports, 4, day("2026-10-20"));
        assert!(!fresh.stale);
        assert_eq!(fresh.ahead[0].0, day("2026-10-19"));
        assert!((fresh.ahead[0].1 - 10.0).abs() < 1e-9);
    }
}
