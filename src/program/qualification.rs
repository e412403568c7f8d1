//! Tiers that qualify themselves. Each tier's criteria are data: a measure over the trailing
//! months, a comparison and a threshold. An evaluation measures a partner against every
//! tier's criteria and records each value; where the partner qualifies for another tier
//! than its own, it proposes the change. Staff approve or reject it, or the program's pass
//! applies it once `tier_grace_days` have passed. The change itself is a tier assignment,
//! which keeps the history with the reason.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, Months, NaiveDate};
use entity::enums::{TierComparison, TierMeasure, TierProposalStatus};
use entity::fixed::Fixed;
use entity::{
    organization, partner_tier, tier_criterion, tier_evaluation, tier_membership, tier_proposal,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::Principal;
use crate::analytics::customers::round;
use crate::analytics::sql::{self, Sql};
use crate::audit::{self, Action};
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::pagination::{Page, PageRequest};
use crate::settings::CrmSettings;
use crate::store::{self, now, save_versioned};

/// The most criteria one tier has.
pub const CRITERIA_MAX: usize = 20;
/// The longest period a criterion looks back over, in months.
pub const PERIOD_MAX: i32 = 36;

/// A criterion as given, parsed.
#[derive(Clone, Debug)]
pub struct NewCriterion {
    pub measure: TierMeasure,
    pub comparison: TierComparison,
    pub threshold: Decimal,
    pub period_months: i32,
}

/// What a measure's values are, for checking thresholds and for words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// An amount in the reporting currency.
    Money,
    /// A number of things.
    Count,
    /// A percentage.
    Percent,
    /// A score from 1 to 5.
    Score,
}

pub fn unit(measure: TierMeasure) -> Unit {
    use TierMeasure as M;
    match measure {
        M::Purchases => Unit::Money,
        M::SellThroughUnits
        | M::ProductLines
        | M::CertifiedContacts
        | M::DealsWon
        | M::OpenComplaints => Unit::Count,
        M::SellThroughGrowth | M::BrandShare | M::OnTimePayment | M::ReportPunctuality => {
            Unit::Percent
        }
        M::Satisfaction => Unit::Score,
    }
}

/// The words a measure goes by in a summary.
fn noun(measure: TierMeasure) -> &'static str {
    use TierMeasure as M;
    match measure {
        M::Purchases => "purchases",
        M::SellThroughUnits => "units sold through",
        M::SellThroughGrowth => "sell-through growth",
        M::BrandShare => "brand share of sales",
        M::ProductLines => "product lines carried",
        M::CertifiedContacts => "certified contacts",
        M::DealsWon => "deals won",
        M::OnTimePayment => "invoices paid on time",
        M::OpenComplaints => "open complaints",
        M::Satisfaction => "average satisfaction",
        M::ReportPunctuality => "months with both stock and sales reports",
    }
}

/// Checks a tier's criteria: each threshold within its measure's range, each period 1 to 36
/// months, each measure once.
pub fn check_criteria(criteria: &[NewCriterion]) -> Result<()> {
    if criteria.len() > CRITERIA_MAX {
        return Err(Error::user(
            &["input", "criteria"],
            ErrorCode::TooLong,
            format!(
                "criteria has {} entries; at most {CRITERIA_MAX} are allowed",
                criteria.len()
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, c) in criteria.iter().enumerate() {
        let index = i.to_string();
        let fail = |field: &str, code: ErrorCode, message: String| {
            Error::user(&["input", "criteria", &index, field], code, message)
        };
        if !seen.insert(c.measure.to_value()) {
            return Err(fail(
                "measure",
                ErrorCode::Duplicate,
                format!(
                    "{} appears twice; a tier measures each once",
                    c.measure.to_value()
                ),
            ));
        }
        if !(1..=PERIOD_MAX).contains(&c.period_months) {
            return Err(fail(
                "periodMonths",
                ErrorCode::OutOfRange,
                format!(
                    "periodMonths is {}; it must be 1 to {PERIOD_MAX}",
                    c.period_months
                ),
            ));
        }
        let (low, high) = match unit(c.measure) {
            Unit::Money => (Decimal::ZERO, Decimal::from(1_000_000_000_000i64)),
            Unit::Count => (Decimal::ZERO, Decimal::from(1_000_000_000i64)),
            Unit::Percent if c.measure == TierMeasure::SellThroughGrowth => {
                (Decimal::from(-100), Decimal::from(10_000))
            }
            Unit::Percent => (Decimal::ZERO, Decimal::ONE_HUNDRED),
            Unit::Score => (Decimal::ONE, Decimal::from(5)),
        };
        if c.threshold < low || c.threshold > high {
            return Err(fail(
                "threshold",
                ErrorCode::OutOfRange,
                format!(
                    "threshold {} is out of range for {}: {} to {}",
                    c.threshold.normalize(),
                    c.measure.to_value(),
                    low,
                    high
                ),
            ));
        }
        if c.threshold.normalize().scale() > entity::fixed::PLACES {
            return Err(fail(
                "threshold",
                ErrorCode::Invalid,
                format!(
                    "threshold {} has more than {} decimal places",
                    c.threshold,
                    entity::fixed::PLACES
                ),
            ));
        }
        if unit(c.measure) == Unit::Count && !c.threshold.fract().is_zero() {
            return Err(fail(
                "threshold",
                ErrorCode::Invalid,
                format!(
                    "{} counts whole things; threshold must be a whole number",
                    c.measure.to_value()
                ),
            ));
        }
    }
    Ok(())
}

/// Replaces a tier's criteria, at the tier's version: the brand's admins and managers.
pub async fn set_criteria(
    db: &impl ConnectionTrait,
    principal: &Principal,
    tier_id: Uuid,
    version: i32,
    criteria: Vec<NewCriterion>,
) -> Result<partner_tier::Model> {
    principal.ensure_can_manage_catalog()?;
    check_criteria(&criteria)?;
    let current =
        store::for_change::<partner_tier::Entity>(db, tier_id, version, Condition::all()).await?;
    let before = criteria_of(db, &[tier_id])
        .await?
        .remove(&tier_id)
        .unwrap_or_default();
    tier_criterion::Entity::delete_many()
        .filter(tier_criterion::Column::TierId.eq(tier_id))
        .exec(db)
        .await?;
    let mut after = Vec::with_capacity(criteria.len());
    for (position, c) in criteria.into_iter().enumerate() {
        let row = tier_criterion::ActiveModel {
            id: Set(Uuid::now_v7()),
            tier_id: Set(tier_id),
            position: Set(position as i32),
            measure: Set(c.measure),
            comparison: Set(c.comparison),
            threshold: Set(Fixed::from(c.threshold)),
            period_months: Set(c.period_months),
        };
        after.push(row.insert(db).await?);
    }
    let row: partner_tier::ActiveModel = current.into();
    let saved = save_versioned::<partner_tier::Entity>(db, row, tier_id, version).await?;
    audit::record(
        db,
        principal,
        Action::PartnerTierCriteriaSet,
        Some(tier_id),
        Some(&json!({ "criteria": before })),
        Some(&json!({ "criteria": after })),
    )
    .await?;
    Ok(saved)
}

/// The criteria of `tiers`, in their order.
pub async fn criteria_of(
    db: &impl ConnectionTrait,
    tiers: &[Uuid],
) -> Result<HashMap<Uuid, Vec<tier_criterion::Model>>> {
    let rows = tier_criterion::Entity::find()
        .filter(tier_criterion::Column::TierId.is_in(tiers.iter().copied()))
        .order_by_asc(tier_criterion::Column::Position)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |c| c.tier_id))
}

/// The window a criterion looks at: from the start of the day `months` months before the
/// day after `as_of`, to the end of `as_of`.
struct Window {
    from: NaiveDate,
    /// The day after `as_of`: the exclusive end.
    end: NaiveDate,
}

fn window(as_of: NaiveDate, months: i32) -> Result<Window> {
    let end = as_of
        .checked_add_days(Days::new(1))
        .ok_or_else(|| Error::bad_input("asOf", format!("asOf {as_of} is out of range")))?;
    let from = end
        .checked_sub_months(Months::new(months.max(0) as u32))
        .ok_or_else(|| Error::bad_input("asOf", format!("asOf {as_of} is out of range")))?;
    Ok(Window { from, end })
}

/// Each partner's value of `measure` over the `months` before `as_of`: one statement (two
/// for growth and punctuality) for every partner at once. A partner missing from the answer
/// has nothing to measure: no invoice due, no report stating a share, no survey.
pub async fn measure(
    db: &impl ConnectionTrait,
    crm: &CrmSettings,
    ids: &[Uuid],
    as_of: NaiveDate,
    measure: TierMeasure,
    months: i32,
) -> Result<HashMap<Uuid, Decimal>> {
    use TierMeasure as M;
    let backend = db.get_database_backend();
    let w = window(as_of, months)?;
    let (from, end) = (sql::start_of(w.from), sql::start_of(w.end));
    let mut q = Sql::new(backend);
    let zeros = |mut found: HashMap<Uuid, Decimal>| {
        for id in ids {
            found.entry(*id).or_insert(Decimal::ZERO);
        }
        found
    };
    match measure {
        M::Purchases => {
            q.push("SELECT o.buyer_id AS id, SUM(o.total - o.tax_total) AS v FROM orders o WHERE o.buyer_id IN ")
                .ids(ids)
                .push(" AND o.currency = ")
                .bind(crm.analytics.reporting_currency.as_str())
                .push(" AND o.submitted_at >= ")
                .bind(from)
                .push(" AND ")
                .counted_sale("o", end)
                .push(" GROUP BY o.buyer_id");
            Ok(zeros(
                sql::keyed(db, q, |row| sql::decimal(row, "v")).await?,
            ))
        }
        M::SellThroughUnits => Ok(zeros(units_sold(db, ids, w.from, w.end).await?)),
        M::SellThroughGrowth => {
            let now = units_sold(db, ids, w.from, w.end).await?;
            let prior_from = w
                .from
                .checked_sub_months(Months::new(months.max(0) as u32))
                .unwrap_or(w.from);
            let prior = units_sold(db, ids, prior_from, w.from).await?;
            Ok(prior
                .into_iter()
                .filter(|(_, p)| !p.is_zero())
                .map(|(id, p)| {
                    let n = now.get(&id).copied().unwrap_or_default();
                    (id, round((n - p) * Decimal::ONE_HUNDRED / p, 2))
                })
                .collect())
        }
        M::BrandShare => {
            q.push(
                "SELECT id, share FROM (SELECT r.organization_id AS id, r.brand_share_percent AS share, \
                 ROW_NUMBER() OVER (PARTITION BY r.organization_id ORDER BY r.period_end DESC, r.submitted_at DESC) AS rn \
                 FROM sell_through_reports r WHERE r.replaced_at IS NULL AND r.brand_share_percent IS NOT NULL \
                 AND r.organization_id IN ",
            )
            .ids(ids)
            .push(" AND r.period_end >= ")
            .bind(w.from)
            .push(" AND r.period_end < ")
            .bind(w.end)
            .push(") s WHERE rn = 1");
            sql::keyed(db, q, |row| sql::decimal(row, "share")).await
        }
        M::ProductLines => {
            q.push(
                "SELECT x.id AS id, COUNT(DISTINCT x.line) AS n FROM (\
                 SELECT o.buyer_id AS id, p.product_line AS line FROM orders o \
                 JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id \
                 WHERE o.buyer_id IN ",
            )
            .ids(ids)
            .push(" AND o.submitted_at >= ")
            .bind(from)
            .push(" AND ")
            .counted_sale("o", end)
            .push(
                " AND COALESCE(l.accepted_quantity, l.quantity) > 0 UNION ALL \
                 SELECT r.organization_id AS id, p.product_line AS line FROM inventory_reports r \
                 JOIN inventory_report_lines l ON l.report_id = r.id JOIN products p ON p.id = l.product_id \
                 WHERE r.replaced_at IS NULL AND l.on_hand > 0 AND r.organization_id IN ",
            )
            .ids(ids)
            .push(" AND r.as_of >= ")
            .bind(w.from)
            .push(" AND r.as_of < ")
            .bind(w.end)
            .push(") x GROUP BY x.id");
            Ok(zeros(
                sql::keyed(db, q, |row| Ok(Decimal::from(sql::count(row, "n")?))).await?,
            ))
        }
        M::CertifiedContacts => {
            q.push(
                "SELECT c.organization_id AS id, COUNT(DISTINCT c.contact_id) AS n \
                 FROM contact_certifications c JOIN contacts p ON p.id = c.contact_id \
                 WHERE p.archived_at IS NULL AND c.revoked_at IS NULL AND c.organization_id IN ",
            )
            .ids(ids)
            .push(" AND c.earned_on <= ")
            .bind(as_of)
            .push(" AND c.expires_on > ")
            .bind(as_of)
            .push(" GROUP BY c.organization_id");
            Ok(zeros(
                sql::keyed(db, q, |row| Ok(Decimal::from(sql::count(row, "n")?))).await?,
            ))
        }
        M::DealsWon => {
            q.push(
                "SELECT d.partner_id AS id, COUNT(*) AS n FROM deal_registrations d \
                 JOIN opportunities p ON p.id = d.opportunity_id \
                 WHERE d.status = 'APPROVED' AND p.stage = 'WON' AND d.partner_id IN ",
            )
            .ids(ids)
            .push(" AND p.closed_at >= ")
            .bind(from)
            .push(" AND p.closed_at < ")
            .bind(end)
            .push(" GROUP BY d.partner_id");
            Ok(zeros(
                sql::keyed(db, q, |row| Ok(Decimal::from(sql::count(row, "n")?))).await?,
            ))
        }
        M::OnTimePayment => {
            q.push(
                "SELECT o.buyer_id AS id, COUNT(*) AS due, COUNT(CASE WHEN i.paid >= i.total AND \
                 (SELECT MAX(p.received_on) FROM payments p WHERE p.invoice_id = i.id) <= i.due_on \
                 THEN 1 END) AS on_time FROM invoices i JOIN orders o ON o.id = i.order_id \
                 WHERE o.buyer_id IN ",
            )
            .ids(ids)
            .push(" AND i.due_on >= ")
            .bind(w.from)
            .push(" AND i.due_on < ")
            .bind(w.end)
            .push(" GROUP BY o.buyer_id");
            let rows = sql::keyed(db, q, |row| {
                Ok((sql::count(row, "due")?, sql::count(row, "on_time")?))
            })
            .await?;
            Ok(rows
                .into_iter()
                .filter(|(_, (due, _))| *due > 0)
                .map(|(id, (due, on_time))| {
                    (
                        id,
                        round(
                            Decimal::from(on_time) * Decimal::ONE_HUNDRED / Decimal::from(due),
                            2,
                        ),
                    )
                })
                .collect())
        }
        M::OpenComplaints => {
            q.push(
                "SELECT COALESCE(o.buyer_id, c.organization_id) AS id, COUNT(*) AS n FROM cases c \
                 LEFT JOIN orders o ON o.id = c.order_id WHERE c.kind = 'COMPLAINT' \
                 AND c.status NOT IN ('RESOLVED', 'CLOSED') AND c.created_at >= ",
            )
            .bind(from)
            .push(" AND c.created_at < ")
            .bind(end)
            .push(" AND COALESCE(o.buyer_id, c.organization_id) IN ")
            .ids(ids)
            .push(" GROUP BY COALESCE(o.buyer_id, c.organization_id)");
            Ok(zeros(
                sql::keyed(db, q, |row| Ok(Decimal::from(sql::count(row, "n")?))).await?,
            ))
        }
        M::Satisfaction => {
            q.push(
                "SELECT s.organization_id AS id, SUM(s.satisfaction) AS total, COUNT(s.satisfaction) AS n \
                 FROM survey_responses s WHERE s.satisfaction IS NOT NULL AND s.organization_id IN ",
            )
            .ids(ids)
            .push(" AND s.responded_at >= ")
            .bind(from)
            .push(" AND s.responded_at < ")
            .bind(end)
            .push(" GROUP BY s.organization_id");
            let rows = sql::keyed(db, q, |row| {
                Ok((
                    sql::integer_sum(row, "total")?.unwrap_or(0),
                    sql::count(row, "n")?,
                ))
            })
            .await?;
            Ok(rows
                .into_iter()
                .filter(|(_, (_, n))| *n > 0)
                .map(|(id, (total, n))| (id, round(Decimal::from(total) / Decimal::from(n), 2)))
                .collect())
        }
        M::ReportPunctuality => {
            // The complete months before the month of as-of.
            let this = sql::month_number(as_of);
            let wanted: BTreeSet<i32> = (1..=months).map(|k| this - k).collect();
            let inventory = months_with(db, ids, &wanted, "inventory_reports", "as_of").await?;
            let sales = months_with(db, ids, &wanted, "sell_through_reports", "period_end").await?;
            Ok(ids
                .iter()
                .map(|id| {
                    let both = match (inventory.get(id), sales.get(id)) {
                        (Some(a), Some(b)) => a.intersection(b).count(),
                        _ => 0,
                    };
                    (
                        *id,
                        round(
                            Decimal::from(both as i64) * Decimal::ONE_HUNDRED
                                / Decimal::from(wanted.len().max(1) as i64),
                            2,
                        ),
                    )
                })
                .collect())
        }
    }
}

/// Units each partner reported selling, in current reports of periods ending in
/// [`from`, `end`).
async fn units_sold(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    from: NaiveDate,
    end: NaiveDate,
) -> Result<HashMap<Uuid, Decimal>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT r.organization_id AS id, SUM(l.quantity_sold) AS units FROM sell_through_reports r \
         JOIN sell_through_report_lines l ON l.report_id = r.id WHERE r.replaced_at IS NULL \
         AND r.organization_id IN ",
    )
    .ids(ids)
    .push(" AND r.period_end >= ")
    .bind(from)
    .push(" AND r.period_end < ")
    .bind(end)
    .push(" GROUP BY r.organization_id");
    sql::keyed(db, q, |row| sql::decimal(row, "units")).await
}

/// The months of `wanted` each partner sent a current report dated in.
async fn months_with(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    wanted: &BTreeSet<i32>,
    table: &str,
    dated: &str,
) -> Result<HashMap<Uuid, BTreeSet<i32>>> {
    let (Some(first), Some(last)) = (wanted.first(), wanted.last()) else {
        return Ok(HashMap::new());
    };
    let mut q = Sql::new(db.get_database_backend());
    let month = q.month_of(&format!("r.{dated}"));
    q.push(&format!(
        "SELECT DISTINCT r.organization_id AS id, {month} AS m FROM {table} r \
         WHERE r.replaced_at IS NULL AND r.organization_id IN "
    ))
    .ids(ids)
    .push(&format!(" AND r.{dated} >= "))
    .bind(sql::month_start(*first))
    .push(&format!(" AND r.{dated} < "))
    .bind(sql::month_start(*last + 1));
    let mut out: HashMap<Uuid, BTreeSet<i32>> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let id: Uuid = row.try_get("", "id")?;
        let m = row
            .try_get::<i64>("", "m")
            .or_else(|_| row.try_get::<i32>("", "m").map(i64::from))?;
        out.entry(id).or_default().insert(m as i32);
    }
    Ok(out)
}

/// One criterion as an evaluation measured it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    pub criterion_id: Uuid,
    pub tier_id: Uuid,
    pub measure: TierMeasure,
    pub comparison: TierComparison,
    pub threshold: Decimal,
    pub period_months: i32,
    /// Null where there was nothing to measure.
    pub value: Option<Decimal>,
    pub met: bool,
}

/// Whether `value` meets `criterion`; nothing measured meets nothing.
pub fn meets(comparison: TierComparison, threshold: Decimal, value: Option<Decimal>) -> bool {
    match (comparison, value) {
        (_, None) => false,
        (TierComparison::AtLeast, Some(v)) => v >= threshold,
        (TierComparison::AtMost, Some(v)) => v <= threshold,
    }
}

/// What is still missing to meet a criterion: how much more (at least) or less (at most);
/// zero when it is met, null when nothing was measured.
pub fn gap(
    comparison: TierComparison,
    threshold: Decimal,
    value: Option<Decimal>,
) -> Option<Decimal> {
    let v = value?;
    Some(match comparison {
        TierComparison::AtLeast => (threshold - v).max(Decimal::ZERO),
        TierComparison::AtMost => (v - threshold).max(Decimal::ZERO),
    })
}

/// A number for people: thousands separated, no trailing zeros, two places at most.
fn figure(value: Decimal, unit: Unit, currency: &str) -> String {
    let mut v = round(value, 2).normalize();
    // Money shows its cents, unless it is whole.
    if unit == Unit::Money && !v.fract().is_zero() {
        v.rescale(2);
    }
    let text = v.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    if v.is_sign_negative() && !v.is_zero() {
        grouped.insert(0, '-');
    }
    match unit {
        Unit::Money => format!("{currency} {grouped}"),
        Unit::Percent => format!("{grouped} %"),
        Unit::Count | Unit::Score => grouped,
    }
}

/// A criterion in words, as a partner reads it: "3 of 4 certified contacts", "EUR 410,000
/// of EUR 500,000 purchases in 12 months", "2 open complaints, at most 1".
pub fn summary(m: &Measured, currency: &str) -> String {
    let u = unit(m.measure);
    let period = match m.measure {
        TierMeasure::CertifiedContacts => String::new(),
        _ if m.period_months == 1 => " in the last month".to_owned(),
        _ => format!(" in {} months", m.period_months),
    };
    let needed = figure(m.threshold, u, currency);
    let Some(value) = m.value else {
        return format!(
            "no {}{period} to measure; {} {needed} needed",
            noun(m.measure),
            match m.comparison {
                TierComparison::AtLeast => "at least",
                TierComparison::AtMost => "at most",
            }
        );
    };
    let got = figure(value, u, currency);
    match m.comparison {
        TierComparison::AtLeast => format!("{got} of {needed} {}{period}", noun(m.measure)),
        TierComparison::AtMost => format!("{got} {}{period}, at most {needed}", noun(m.measure)),
    }
}

/// The tiers with their criteria, by rank (highest first).
/// Every tier, highest rank first, with its criteria.
pub async fn program(
    db: &impl ConnectionTrait,
) -> Result<Vec<(partner_tier::Model, Vec<tier_criterion::Model>)>> {
    let tiers = partner_tier::Entity::find()
        .order_by_desc(partner_tier::Column::Rank)
        .order_by_asc(partner_tier::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = tiers.iter().map(|t| t.id).collect();
    let mut criteria = criteria_of(db, &ids).await?;
    Ok(tiers
        .into_iter()
        .map(|t| {
            let c = criteria.remove(&t.id).unwrap_or_default();
            (t, c)
        })
        .collect())
}

/// The tier a partner in `current` with `measured` values should be in, if another:
/// the highest-ranked tier with criteria that it meets all of. A partner in a tier without
/// criteria (one the brand gives by hand) only moves up; a partner that meets no tier's
/// criteria moves down to the highest tier without criteria below its own, if there is one.
fn target(
    program: &[(partner_tier::Model, Vec<tier_criterion::Model>)],
    current: Option<Uuid>,
    measured: &[Measured],
) -> (Option<Uuid>, Option<Uuid>) {
    let met = |tier: Uuid| measured.iter().filter(|m| m.tier_id == tier).all(|m| m.met);
    let qualified = program
        .iter()
        .find(|(t, c)| !c.is_empty() && met(t.id))
        .map(|(t, _)| t);
    let rank_of = |id: Uuid| {
        program
            .iter()
            .find(|(t, _)| t.id == id)
            .map(|(t, c)| (t.rank, !c.is_empty()))
    };
    let Some(current) = current else {
        return (qualified.map(|t| t.id), qualified.map(|t| t.id));
    };
    let Some((rank, has_criteria)) = rank_of(current) else {
        return (qualified.map(|t| t.id), None);
    };
    let moved = match qualified {
        Some(q) if q.id == current => None,
        Some(q) if !has_criteria && q.rank <= rank => None,
        Some(q) => Some(q.id),
        None if has_criteria => program
            .iter()
            .find(|(t, c)| c.is_empty() && t.rank < rank)
            .map(|(t, _)| t.id),
        None => None,
    };
    (qualified.map(|t| t.id), moved)
}

/// What an evaluation found for one partner, before it is recorded.
pub struct Finding {
    pub organization_id: Uuid,
    pub measured: Vec<Measured>,
    /// The last change to the tiers, as the measuring read them.
    pub program_as_of: Option<chrono::DateTime<chrono::Utc>>,
}

/// The program's tiers and criteria, and every partner of `ids` measured against them as of
/// `as_of`: reads only, one grouped statement per measure and period for all of them.
pub async fn measure_partners(
    db: &impl ConnectionTrait,
    crm: &CrmSettings,
    ids: &[Uuid],
    as_of: NaiveDate,
) -> Result<(Program, Vec<Finding>)> {
    // The tiers are read before their criteria, and a change writes both at once: the
    // latest change seen here is never newer than the criteria read.
    let program = program(db).await?;
    let program_as_of = program.iter().map(|(t, _)| t.updated_at).max();
    let period_of = |c: &tier_criterion::Model| {
        if c.measure == TierMeasure::CertifiedContacts {
            0
        } else {
            c.period_months
        }
    };
    let mut values: HashMap<(TierMeasure, i32), HashMap<Uuid, Decimal>> = HashMap::new();
    if !ids.is_empty() {
        for (_, criteria) in &program {
            for c in criteria {
                let key = (c.measure, period_of(c));
                if let std::collections::hash_map::Entry::Vacant(slot) = values.entry(key) {
                    slot.insert(measure(db, crm, ids, as_of, key.0, key.1.max(1)).await?);
                }
            }
        }
    }
    let findings = ids
        .iter()
        .map(|id| {
            let mut measured = Vec::new();
            for (tier, criteria) in &program {
                for c in criteria {
                    let value = values
                        .get(&(c.measure, period_of(c)))
                        .and_then(|v| v.get(id))
                        .copied();
                    let threshold = *c.threshold;
                    measured.push(Measured {
                        criterion_id: c.id,
                        tier_id: tier.id,
                        measure: c.measure,
                        comparison: c.comparison,
                        threshold,
                        period_months: c.period_months,
                        value,
                        met: meets(c.comparison, threshold, value),
                    });
                }
            }
            Finding {
                organization_id: *id,
                measured,
                program_as_of,
            }
        })
        .collect();
    Ok((program, findings))
}

/// The tiers by rank, highest first, each with its criteria.
pub type Program = Vec<(partner_tier::Model, Vec<tier_criterion::Model>)>;

/// Records one partner's evaluation as of `as_of` and proposes the tier change it finds,
/// withdrawing a proposal the figures no longer support. The caller's transaction holds it
/// all. The partner's row is locked first and its tier read after, so an evaluation never
/// proposes a move from a tier the partner has just left (a tier assignment locks the same
/// row).
pub async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    program: &Program,
    finding: Finding,
    as_of: NaiveDate,
) -> Result<tier_evaluation::Model> {
    let Finding {
        organization_id: id,
        measured,
        program_as_of,
    } = finding;
    organization::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?;
    let current = tier_membership::Entity::find()
        .filter(tier_membership::Column::OrganizationId.eq(id))
        .filter(tier_membership::Column::EndedAt.is_null())
        .one(db)
        .await?
        .map(|m| m.tier_id);
    let (qualified, moved) = target(program, current, &measured);
    let text = serde_json::to_string(&measured).map_err(|e| Error::Internal(e.to_string()))?;
    let evaluation = tier_evaluation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(id),
        as_of: Set(as_of),
        tier_id: Set(current),
        qualified_tier_id: Set(qualified),
        measured: Set(text),
        program_as_of: Set(program_as_of),
        evaluated_at: Set(now()),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        principal,
        Action::TierEvaluationRecord,
        Some(evaluation.id),
        None::<&tier_evaluation::Model>,
        Some(&evaluation),
    )
    .await?;
    propose(db, principal, crm, program, &evaluation, &measured, moved).await?;
    Ok(evaluation)
}

/// Evaluates `ids` as of `as_of` in the caller's transaction: measures every criterion of
/// every tier, records one evaluation per partner and proposes the changes it finds.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    ids: &[Uuid],
    as_of: NaiveDate,
) -> Result<Vec<tier_evaluation::Model>> {
    let (program, findings) = measure_partners(db, crm, ids, as_of).await?;
    let mut out = Vec::with_capacity(findings.len());
    for finding in findings {
        out.push(record(db, principal, crm, &program, finding, as_of).await?);
    }
    Ok(out)
}

/// Opens, keeps or withdraws the partner's proposal after `evaluation`.
async fn propose(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    program: &Program,
    evaluation: &tier_evaluation::Model,
    measured: &[Measured],
    moved: Option<Uuid>,
) -> Result<()> {
    let open = tier_proposal::Entity::find()
        .filter(tier_proposal::Column::OrganizationId.eq(evaluation.organization_id))
        .filter(tier_proposal::Column::Status.eq(TierProposalStatus::Proposed))
        .one(db)
        .await?;
    if let Some(open) = &open {
        if Some(open.to_tier_id) == moved && open.from_tier_id == evaluation.tier_id {
            return Ok(());
        }
        let before = open.clone();
        let mut row: tier_proposal::ActiveModel = open.clone().into();
        row.status = Set(TierProposalStatus::Withdrawn);
        row.decision_note = Set(Some(
            "a later evaluation qualified the partner differently".into(),
        ));
        crate::changes::save::<tier_proposal::Entity>(
            db,
            principal,
            Action::TierProposalWithdraw,
            &before,
            row,
        )
        .await?;
    }
    let Some(to) = moved else {
        return Ok(());
    };
    let tier_named = |id: Option<Uuid>| {
        id.and_then(|id| program.iter().find(|(t, _)| t.id == id))
            .map(|(t, _)| t.code.clone())
    };
    let to_code = tier_named(Some(to)).unwrap_or_default();
    let currency = crm.analytics.reporting_currency.as_str();
    let mut why: Vec<String> = measured
        .iter()
        .filter(|m| m.tier_id == to)
        .map(|m| summary(m, currency))
        .collect();
    if why.is_empty() {
        // Down to a tier without criteria: say what the current tier lacks.
        why = measured
            .iter()
            .filter(|m| Some(m.tier_id) == evaluation.tier_id && !m.met)
            .map(|m| summary(m, currency))
            .collect();
    }
    let reason = format!(
        "{} qualifies for {to_code} as of {}: {}",
        match tier_named(evaluation.tier_id) {
            Some(code) => format!("in {code},"),
            None => "with no tier,".to_owned(),
        },
        evaluation.as_of,
        why.join("; ")
    );
    let reason: String = reason.chars().take(2000).collect();
    let at = now();
    let row = tier_proposal::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(evaluation.organization_id),
        evaluation_id: Set(evaluation.id),
        from_tier_id: Set(evaluation.tier_id),
        to_tier_id: Set(to),
        status: Set(TierProposalStatus::Proposed),
        reason: Set(reason),
        apply_after: Set((crm.partner.tier_grace_days > 0)
            .then(|| at + chrono::Duration::days(i64::from(crm.partner.tier_grace_days)))),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<tier_proposal::Entity>(db, principal, Action::TierProposalCreate, row)
        .await?;
    Ok(())
}

/// Applies a proposal: the partner moves to its tier, with the proposal's reason in the
/// tier history, and the proposal is marked `status`.
async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    proposal: tier_proposal::Model,
    status: TierProposalStatus,
    note: Option<String>,
) -> Result<tier_proposal::Model> {
    let current = tier_membership::Entity::find()
        .filter(tier_membership::Column::OrganizationId.eq(proposal.organization_id))
        .filter(tier_membership::Column::EndedAt.is_null())
        .one(db)
        .await?
        .map(|m| m.tier_id);
    if current != proposal.from_tier_id {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Conflict,
            "the partner's tier changed since this was proposed; evaluate it again",
        ));
    }
    let org = organization::Entity::find_by_id(proposal.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a proposal's organization is missing".into()))?;
    let history = match &note {
        Some(note) => format!("{} ({note})", proposal.reason),
        None => proposal.reason.clone(),
    };
    let history: String = history.chars().take(2000).collect();
    crate::catalog::tiers::assign(
        db,
        principal,
        org.id,
        org.version,
        Some(proposal.to_tier_id),
        Some(history),
    )
    .await?;
    let before = proposal.clone();
    let mut row: tier_proposal::ActiveModel = proposal.into();
    row.status = Set(status);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(note);
    let action = if status == TierProposalStatus::Applied {
        Action::TierProposalApply
    } else {
        Action::TierProposalApprove
    };
    crate::changes::save::<tier_proposal::Entity>(db, principal, action, &before, row).await
}

fn pending(proposal: &tier_proposal::Model) -> Result<()> {
    if proposal.status != TierProposalStatus::Proposed {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the proposal is {}; only a proposed change is decided",
                proposal.status.to_value().to_lowercase()
            ),
        ));
    }
    Ok(())
}

/// Approves a proposal: the partner moves now. The brand's admins and managers.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    note: Option<String>,
) -> Result<tier_proposal::Model> {
    principal.ensure_runs_program()?;
    let current =
        store::for_change::<tier_proposal::Entity>(db, id, version, Condition::all()).await?;
    pending(&current)?;
    apply(db, principal, current, TierProposalStatus::Approved, note).await
}

/// Rejects a proposal, with the reason: the partner stays where it is.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    note: String,
) -> Result<tier_proposal::Model> {
    principal.ensure_runs_program()?;
    let current =
        store::for_change::<tier_proposal::Entity>(db, id, version, Condition::all()).await?;
    pending(&current)?;
    let before = current.clone();
    let mut row: tier_proposal::ActiveModel = current.into();
    row.status = Set(TierProposalStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(note));
    crate::changes::save::<tier_proposal::Entity>(
        db,
        principal,
        Action::TierProposalReject,
        &before,
        row,
    )
    .await
}

/// Evaluates one partner now, as of today: the brand's admins and managers.
pub async fn evaluate_one(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    organization_id: Uuid,
) -> Result<tier_evaluation::Model> {
    principal.ensure_runs_program()?;
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "organizationId"],
                ErrorCode::NotFound,
                "no organization has this id",
            )
        })?;
    if !matches!(
        org.kind,
        entity::enums::OrganizationKind::Distributor
            | entity::enums::OrganizationKind::IntermediateCustomer
    ) {
        return Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotAllowed,
            format!(
                "{} is not a distributor or dealer, so it has no tier to qualify for",
                org.code
            ),
        ));
    }
    evaluate(db, principal, crm, &[org.id], crm.today())
        .await?
        .pop()
        .ok_or_else(|| Error::Internal("an evaluation was not recorded".into()))
}

/// The program's pass: evaluates up to 200 partners in a tier that have not been evaluated
/// today since the program last changed, then applies proposals whose grace period has
/// passed. Returns how many of each.
pub async fn sweep(db: &sea_orm::DatabaseConnection, crm: &CrmSettings) -> Result<usize> {
    let today = crm.today();
    // Evaluated today, and since the program last changed: a tier or its criteria changed
    // today are measured again.
    let changed: Option<chrono::DateTime<chrono::Utc>> = partner_tier::Entity::find()
        .select_only()
        .column_as(partner_tier::Column::UpdatedAt.max(), "changed")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let mut current = tier_evaluation::Entity::find()
        .select_only()
        .column(tier_evaluation::Column::OrganizationId)
        .filter(tier_evaluation::Column::AsOf.eq(today));
    if let Some(changed) = changed {
        current = current.filter(tier_evaluation::Column::ProgramAsOf.gte(changed));
    }
    let evaluated_today = current.into_query();
    let due: Vec<Uuid> = tier_membership::Entity::find()
        .select_only()
        .column(tier_membership::Column::OrganizationId)
        .filter(tier_membership::Column::EndedAt.is_null())
        .filter(tier_membership::Column::OrganizationId.not_in_subquery(evaluated_today))
        .order_by_asc(tier_membership::Column::OrganizationId)
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    // Measured together; each partner's evaluation, and what it proposes or withdraws,
    // commits on its own.
    let (program, findings) = measure_partners(db, crm, &due, today).await?;
    let mut changes = 0;
    for finding in findings {
        let txn = crate::db::begin_write(db).await?;
        record(&txn, &Principal::System, crm, &program, finding, today).await?;
        crate::db::commit(txn).await?;
        changes += 1;
    }
    let ripe = tier_proposal::Entity::find()
        .filter(tier_proposal::Column::Status.eq(TierProposalStatus::Proposed))
        .filter(tier_proposal::Column::ApplyAfter.lte(now()))
        .limit(200)
        .all(db)
        .await?;
    for proposal in ripe {
        let txn = crate::db::begin_write(db).await?;
        match apply(
            &txn,
            &Principal::System,
            proposal,
            TierProposalStatus::Applied,
            None,
        )
        .await
        {
            Ok(_) => {
                crate::db::commit(txn).await?;
                changes += 1;
            }
            // A partner moved by hand since, or another node applied it: the next
            // evaluation withdraws what is left.
            Err(Error::User(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changes)
}

/// Evaluations and proposals this principal may see: every one for staff, its own for a
/// partner.
fn own<C: ColumnTrait>(principal: &Principal, column: C) -> Result<Condition> {
    principal.ensure_can_read_directory()?;
    Ok(principal.owned_by_self(column))
}

/// Which evaluations a list shows.
#[derive(Clone, Debug, Default)]
pub struct EvaluationFilter {
    pub organization_id: Option<Uuid>,
}

fn evaluations(
    principal: &Principal,
    filter: &EvaluationFilter,
) -> Result<sea_orm::Select<tier_evaluation::Entity>> {
    let mut query = tier_evaluation::Entity::find()
        .filter(own(principal, tier_evaluation::Column::OrganizationId)?);
    if let Some(org) = filter.organization_id {
        query = query.filter(tier_evaluation::Column::OrganizationId.eq(org));
    }
    Ok(query)
}

/// Evaluations, newest first.
pub async fn list_evaluations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &EvaluationFilter,
    page: &PageRequest,
) -> Result<Page<tier_evaluation::Model>> {
    store::page_of(
        db,
        evaluations(principal, filter)?,
        page,
        Expr::col((
            tier_evaluation::Entity,
            tier_evaluation::Column::EvaluatedAt,
        )),
        Expr::col((tier_evaluation::Entity, tier_evaluation::Column::Id)),
    )
    .await
}

pub async fn count_evaluations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &EvaluationFilter,
) -> Result<u64> {
    Ok(evaluations(principal, filter)?.count(db).await?)
}

pub async fn evaluations_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, tier_evaluation::Model>> {
    Ok(tier_evaluation::Entity::find()
        .filter(tier_evaluation::Column::Id.is_in(ids.iter().copied()))
        .filter(own(principal, tier_evaluation::Column::OrganizationId)?)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect())
}

/// The latest evaluation of `organization`, if the principal may see it.
pub async fn latest(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization: Uuid,
) -> Result<Option<tier_evaluation::Model>> {
    Ok(tier_evaluation::Entity::find()
        .filter(own(principal, tier_evaluation::Column::OrganizationId)?)
        .filter(tier_evaluation::Column::OrganizationId.eq(organization))
        .order_by_desc(tier_evaluation::Column::EvaluatedAt)
        .order_by_desc(tier_evaluation::Column::Id)
        .one(db)
        .await?)
}

/// An evaluation's measured criteria.
pub fn measured_of(evaluation: &tier_evaluation::Model) -> Result<Vec<Measured>> {
    serde_json::from_str(&evaluation.measured).map_err(|e| Error::Internal(e.to_string()))
}

/// The next tier up from `current` (or from none) that has criteria: the one a partner in
/// `current` works towards.
pub fn next_above(
    program: &[(partner_tier::Model, Vec<tier_criterion::Model>)],
    current: Option<Uuid>,
) -> Option<&partner_tier::Model> {
    let floor = current
        .and_then(|id| program.iter().find(|(t, _)| t.id == id))
        .map_or(i32::MIN, |(t, _)| t.rank);
    program
        .iter()
        .rev()
        .find(|(t, c)| !c.is_empty() && t.rank > floor)
        .map(|(t, _)| t)
}

/// Which proposals a list shows.
#[derive(Clone, Debug, Default)]
pub struct ProposalFilter {
    pub organization_id: Option<Uuid>,
    pub status: Option<TierProposalStatus>,
}

fn proposals(
    principal: &Principal,
    filter: &ProposalFilter,
) -> Result<sea_orm::Select<tier_proposal::Entity>> {
    let mut query = tier_proposal::Entity::find()
        .filter(own(principal, tier_proposal::Column::OrganizationId)?);
    if let Some(org) = filter.organization_id {
        query = query.filter(tier_proposal::Column::OrganizationId.eq(org));
    }
    if let Some(status) = filter.status {
        query = query.filter(tier_proposal::Column::Status.eq(status));
    }
    Ok(query)
}

/// Proposals, newest first.
pub async fn list_proposals(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProposalFilter,
    page: &PageRequest,
) -> Result<Page<tier_proposal::Model>> {
    store::page_of(
        db,
        proposals(principal, filter)?,
        page,
        Expr::col((tier_proposal::Entity, tier_proposal::Column::CreatedAt)),
        Expr::col((tier_proposal::Entity, tier_proposal::Column::Id)),
    )
    .await
}

pub async fn count_proposals(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProposalFilter,
) -> Result<u64> {
    Ok(proposals(principal, filter)?.count(db).await?)
}

pub async fn proposals_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, tier_proposal::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<tier_proposal::Entity>(
        db,
        ids,
        principal.owned_by_self(tier_proposal::Column::OrganizationId),
    )
    .await
}

impl Recorded for tier_proposal::Entity {
    fn id_of(model: &tier_proposal::Model) -> Uuid {
        model.id
    }

    fn event(
        action: Action,
        _principal: &Principal,
        saved: &tier_proposal::Model,
    ) -> Option<NewEvent> {
        matches!(action, Action::TierProposalCreate).then(|| NewEvent {
            event_type: EventType::TierChangeProposed,
            subject_id: saved.id,
            order_id: None,
            audience: vec![saved.organization_id],
            data: json!({
                "tierProposal": {
                    "id": events::gid(NodeType::TierProposal, saved.id),
                    "organizationId": events::gid(NodeType::Organization, saved.organization_id),
                    "fromTierId": saved.from_tier_id.map(|t| events::gid(NodeType::PartnerTier, t)),
                    "toTierId": events::gid(NodeType::PartnerTier, saved.to_tier_id),
                    "reason": saved.reason,
                    "applyAfter": saved.apply_after.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                }
            }),
        })
    }
}
