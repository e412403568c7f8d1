//! How much a distributor should order of a product, and the numbers that say why.
//!
//! ```text
//! cover        = lead time + review period                 (days; in weeks: ÷ 7)
//! demand       = the weekly forecast over the cover          (week 1 is the week after the
//!                                                             last one reported; a part
//!                                                             week counts its share)
//! weekly       = demand ÷ cover weeks
//! safety stock = target weeks × weekly
//! need         = demand + safety stock − on hand − in transit
//! quantity     = need rounded up to the order multiple, at least the minimum and at most
//!                the maximum (each taken to a whole multiple); nothing when need ≤ 0
//! ```
//!
//! The review period is the gap from the latest review day (on or before the day of the
//! proposal) to the next one: an order placed at a review lasts until the next review's
//! order arrives. With one review day a week it is 7 days, whatever the day of the proposal.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;

use super::forecast::{Fit, shown};
use super::policies::Effective;

/// The days from the latest of `days` on or before `today` to the next of them; 7 where
/// there is one review day a week (or none).
pub fn review_period_days(days: &[Weekday], today: NaiveDate) -> i64 {
    let reviews = |d: NaiveDate| days.contains(&d.weekday());
    let Some(last) = (0..7)
        .map(|back| today - Days::new(back))
        .find(|d| reviews(*d))
    else {
        return 7;
    };
    (1..=7)
        .find(|ahead| reviews(last + Days::new(*ahead)))
        .map_or(7, |ahead| ahead as i64)
}

/// The forecast demand over `cover_days` from the week after the last one reported.
pub fn demand_over(fit: Option<&Fit>, cover_days: i64) -> f64 {
    let Some(fit) = fit else {
        return 0.0;
    };
    let whole = (cover_days / 7) as usize;
    let part = (cover_days % 7) as f64 / 7.0;
    let mut demand: f64 = (1..=whole).map(|h| fit.ahead(h)).sum();
    if part > 0.0 {
        demand += fit.ahead(whole + 1) * part;
    }
    demand
}

/// One product's plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub quantity: Decimal,
    pub demand: Decimal,
    pub weekly_demand: Decimal,
    pub cover_weeks: Decimal,
    pub lead_time_days: i32,
    pub review_period_days: i32,
    pub target_weeks: Decimal,
    pub safety_stock: Decimal,
    pub on_hand: Decimal,
    pub in_transit: Decimal,
    pub need: Decimal,
    pub order_multiple: Decimal,
    pub min_quantity: Decimal,
    pub max_quantity: Option<Decimal>,
}

fn ceil_to(value: Decimal, multiple: Decimal) -> Decimal {
    (value / multiple).ceil() * multiple
}

fn floor_to(value: Decimal, multiple: Decimal) -> Decimal {
    (value / multiple).floor() * multiple
}

/// What to order of a product under `policy`, with its forecast `fit`, its stock on hand
/// and what is in transit to it, on `today`.
pub fn plan(
    policy: &Effective,
    fit: Option<&Fit>,
    on_hand: Decimal,
    in_transit: Decimal,
    today: NaiveDate,
) -> Planned {
    let lead = policy.lead_time_days.value;
    let review = review_period_days(&policy.review_days.value, today);
    let cover_days = i64::from(lead) + review;
    let demand = shown(demand_over(fit, cover_days));
    let cover_weeks = (Decimal::from(cover_days) / Decimal::from(7)).round_dp(4);
    let weekly_demand = if cover_days > 0 {
        (demand * Decimal::from(7) / Decimal::from(cover_days)).round_dp(2)
    } else {
        Decimal::ZERO
    };
    let target_weeks = policy.target_weeks.value;
    let safety_stock = (target_weeks * weekly_demand).round_dp(2);
    let need = demand + safety_stock - on_hand - in_transit;
    let multiple = policy.order_multiple.value;
    let min = policy.min_quantity.value;
    let max = policy.max_quantity.value;
    let quantity = if need <= Decimal::ZERO {
        Decimal::ZERO
    } else {
        let least = ceil_to(min, multiple);
        let mut quantity = ceil_to(need, multiple).max(least);
        if let Some(max) = max {
            quantity = quantity.min(floor_to(max, multiple).max(least));
        }
        quantity
    };
    Planned {
        quantity: quantity.normalize(),
        demand: demand.normalize(),
        weekly_demand: weekly_demand.normalize(),
        cover_weeks: cover_weeks.normalize(),
        lead_time_days: lead,
        review_period_days: review as i32,
        target_weeks,
        safety_stock: safety_stock.normalize(),
        on_hand,
        in_transit,
        need: need.normalize(),
        order_multiple: multiple,
        min_quantity: min,
        max_quantity: max,
    }
}

#[cfg(test)]
mod tests {
    use super::super::forecast;
    use super::super::policies::{Level, Sourced};
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn set<T>(value: T) -> Sourced<T> {
        Sourced {
            value,
            level: Level::Partner,
            policy: None,
        }
    }

    fn policy(
        target: i64,
        min: i64,
        max: Option<i64>,
        multiple: i64,
        lead: i32,
        review: Vec<Weekday>,
    ) -> Effective {
        Effective {
            distributor: uuid::Uuid::nil(),
            product: uuid::Uuid::nil(),
            target_weeks: set(Decimal::from(target)),
            min_quantity: set(Decimal::from(min)),
            max_quantity: set(max.map(Decimal::from)),
            order_multiple: set(Decimal::from(multiple)),
            lead_time_days: set(lead),
            review_days: set(review),
        }
    }

    #[test]
    fn the_review_period_runs_from_the_latest_review_to_the_next() {
        use Weekday::*;
        // 2026-12-07 is a Monday.
        assert_eq!(review_period_days(&[Mon], day("2026-12-07")), 7);
        assert_eq!(review_period_days(&[Mon], day("2026-12-10")), 7);
        assert_eq!(review_period_days(&[Mon, Thu], day("2026-12-07")), 3);
        assert_eq!(review_period_days(&[Mon, Thu], day("2026-12-09")), 3);
        assert_eq!(review_period_days(&[Mon, Thu], day("2026-12-11")), 4);
        assert_eq!(review_period_days(&[], day("2026-12-11")), 7);
        let every: Vec<Weekday> = [Mon, Tue, Wed, Thu, Fri, Sat, Sun].into();
        assert_eq!(review_period_days(&every, day("2026-12-11")), 1);
    }

    #[test]
    fn a_trend_is_ordered_along_with_its_safety_stock() {
        // 10, 12, … 60 a week: 62 and 64 forecast over 7 days' lead and a weekly review.
        let y: Vec<f64> = (0..26).map(|t| 10.0 + 2.0 * t as f64).collect();
        let fit = forecast::fit(&y).unwrap();
        let p = policy(2, 0, None, 1, 7, vec![Weekday::Mon]);
        let planned = plan(
            &p,
            Some(&fit),
            Decimal::from(100),
            Decimal::from(30),
            day("2026-12-09"),
        );
        assert_eq!(
            (
                planned.demand,
                planned.weekly_demand,
                planned.safety_stock,
                planned.need,
                planned.quantity
            ),
            (
                Decimal::from(126),
                Decimal::from(63),
                Decimal::from(126),
                Decimal::from(122),
                Decimal::from(122)
            )
        );
    }

    #[test]
    fn quantities_come_in_packs_within_the_least_and_the_most() {
        let flat = forecast::fit(&[7.0; 10]).unwrap();
        let today = day("2026-12-07");
        // Need 14 + 14 − 5 = 23: two packs of 12.
        let packs = policy(2, 0, None, 12, 7, vec![Weekday::Mon]);
        let q = |p: &Effective, on_hand: i64| {
            plan(p, Some(&flat), Decimal::from(on_hand), Decimal::ZERO, today).quantity
        };
        assert_eq!(q(&packs, 5), Decimal::from(24));
        // At least 30 (three packs of 12 is the least whole number of packs: 36).
        let least = policy(2, 30, None, 12, 7, vec![Weekday::Mon]);
        assert_eq!(q(&least, 5), Decimal::from(36));
        // At most 20: one pack of 12.
        let most = policy(2, 0, Some(20), 12, 7, vec![Weekday::Mon]);
        assert_eq!(q(&most, 5), Decimal::from(12));
        // Stock covers it: nothing, whatever the least.
        assert_eq!(q(&least, 40), Decimal::ZERO);
        // Ten days' lead and a weekly review: 17 days, 2 weeks and 3/7 of the third.
        let long = policy(0, 0, None, 1, 10, vec![Weekday::Mon]);
        let planned = plan(&long, Some(&flat), Decimal::ZERO, Decimal::ZERO, today);
        assert_eq!(planned.demand, Decimal::from(17));
        assert_eq!(planned.cover_weeks, "2.4286".parse::<Decimal>().unwrap());
        // Nothing reported in whole weeks yet: no demand.
        assert_eq!(
            plan(&long, None, Decimal::ZERO, Decimal::ZERO, today).quantity,
            Decimal::ZERO
        );
    }
}
