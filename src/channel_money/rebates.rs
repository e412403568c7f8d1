//! Volume rebates: programs per tier or per partner, with thresholds on a partner's volume
//! in a period, each with a rate. The volume is, as the program's basis says:
//! - what the partner bought from the brand: invoiced, before tax; or
//! - what it sold on: the units in its sell-through reports (852, 867 or the portal) for
//!   periods within the program's, each valued at the average net price the partner paid the
//!   brand for that product, in the program's currency, up to the program's end. Units of a
//!   product it never bought from the brand are worth nothing: stock bought elsewhere earns
//!   no rebate.
//!
//! - Retroactive: the rate of the highest threshold reached applies to everything bought.
//! - Incremental: each threshold's rate applies to what was bought from it to the next.
//!
//! The volume is summed by the database, for every partner a program covers in one
//! statement; a partner sees its progress ("82,000.00 of 100,000.00 for 3 %"). After the
//! period ends the brand settles the program: a settlement is proposed per partner that
//! earned anything, once (a unique index on program and partner), and approved into a
//! credit memo or refused.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{CreditSource, RebateBasis, RebateMethod, RebateStatus};
use entity::rebate_program::{self as program, Column, Entity};
use entity::rebate_settlement::{self as settlement, Entity as Settlements};
use entity::rebate_threshold::{self as threshold, Entity as Thresholds};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::{Currency, Money, stored};
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// The longest period a program runs.
pub const PROGRAM_DAYS_MAX: i64 = 366;
/// The most thresholds a program has.
pub const THRESHOLDS_MAX: usize = 20;

/// A program as the brand sets it up.
#[derive(Clone, Debug)]
pub struct NewProgram {
    pub name: String,
    pub currency: Currency,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub method: RebateMethod,
    pub basis: RebateBasis,
    pub tier: Option<Uuid>,
    pub partner: Option<Uuid>,
    /// From what volume, which rate (a percentage), in rising order.
    pub thresholds: Vec<(Decimal, Decimal)>,
}

/// The rate reached and the rebate earned on `volume` under `thresholds`
/// (from, rate; rising), rounded half-even to the currency.
pub fn rebate_of(
    method: RebateMethod,
    thresholds: &[(Decimal, Decimal)],
    volume: Decimal,
    currency: Currency,
) -> (Decimal, Decimal) {
    let hundred = Decimal::from(100);
    let reached = thresholds
        .iter()
        .rev()
        .find(|(from, _)| volume > Decimal::ZERO && volume >= *from);
    let exact = match method {
        RebateMethod::Retroactive => reached.map(|(_, rate)| volume * rate / hundred),
        RebateMethod::Incremental => {
            let mut sum = Decimal::ZERO;
            for (i, (from, rate)) in thresholds.iter().enumerate() {
                let upto = thresholds
                    .get(i + 1)
                    .map(|(next, _)| (*next).min(volume))
                    .unwrap_or(volume);
                if upto > *from {
                    sum += (upto - from) * rate / hundred;
                }
            }
            Some(sum)
        }
    }
    .unwrap_or_default();
    let amount = Money::rounded(exact, currency).amount;
    let rate = match method {
        RebateMethod::Retroactive => reached.map(|(_, rate)| *rate).unwrap_or_default(),
        RebateMethod::Incremental if volume > Decimal::ZERO => (exact * hundred / volume)
            .round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven),
        RebateMethod::Incremental => Decimal::ZERO,
    };
    (rate.normalize(), amount)
}

fn ensure_runs_rebates(principal: &Principal) -> Result<()> {
    principal.ensure_runs_program().map_err(|e| match e {
        Error::Forbidden(_) => Error::Forbidden(
            "rebate programs are set up and settled by the brand's admins and managers".into(),
        ),
        other => other,
    })
}

fn today() -> NaiveDate {
    now().date_naive()
}

/// The brand sets up a program: its admins and managers.
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewProgram,
) -> Result<(program::Model, Vec<threshold::Model>)> {
    ensure_runs_rebates(principal)?;
    if new.ends_on < new.starts_on {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::Invalid,
            "`endsOn` must not be before `startsOn`",
        ));
    }
    if (new.ends_on - new.starts_on).num_days() >= PROGRAM_DAYS_MAX {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::OutOfRange,
            format!("a program runs at most {PROGRAM_DAYS_MAX} days"),
        ));
    }
    match (new.tier, new.partner) {
        (Some(tier), None) => {
            entity::partner_tier::Entity::find_by_id(tier)
                .one(db)
                .await?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "tierId"],
                        ErrorCode::NotFound,
                        "no such partner tier",
                    )
                })?;
        }
        (None, Some(partner)) => {
            let found = entity::organization::Entity::find_by_id(partner)
                .one(db)
                .await?
                .filter(|o| o.archived_at.is_none())
                .ok_or_else(|| {
                    Error::user(
                        &["input", "partnerId"],
                        ErrorCode::NotFound,
                        "no such partner",
                    )
                })?;
            if !super::funds::is_partner(&found) {
                return Err(Error::user(
                    &["input", "partnerId"],
                    ErrorCode::Invalid,
                    "a rebate program is for a distributor or a dealer",
                ));
            }
        }
        _ => {
            return Err(Error::user(
                &["input", "tierId"],
                ErrorCode::Invalid,
                "a program covers a tier's partners or one partner: name `tierId` or `partnerId`",
            ));
        }
    }
    if new.thresholds.is_empty() || new.thresholds.len() > THRESHOLDS_MAX {
        return Err(Error::user(
            &["input", "thresholds"],
            ErrorCode::OutOfRange,
            format!("from 1 to {THRESHOLDS_MAX} thresholds"),
        ));
    }
    for (i, (from, rate)) in new.thresholds.iter().enumerate() {
        let index = i.to_string();
        if *rate <= Decimal::ZERO || *rate > Decimal::from(100) {
            return Err(Error::user(
                &["input", "thresholds", &index, "rate"],
                ErrorCode::OutOfRange,
                "a percentage above 0 and at most 100",
            ));
        }
        if i > 0 && *from <= new.thresholds[i - 1].0 {
            return Err(Error::user(
                &["input", "thresholds", &index, "from", "amount"],
                ErrorCode::Invalid,
                "each threshold starts above the one before",
            ));
        }
        if i > 0 && *rate < new.thresholds[i - 1].1 {
            return Err(Error::user(
                &["input", "thresholds", &index, "rate"],
                ErrorCode::Invalid,
                "each threshold's rate is at least the one before: buying more never earns less",
            ));
        }
    }
    let at = now();
    let row = program::Model {
        id: Uuid::now_v7(),
        name: new.name,
        currency: new.currency.code().to_owned(),
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        method: new.method,
        basis: new.basis,
        tier_id: new.tier,
        partner_id: new.partner,
        created_by: principal.user_id(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let steps: Vec<threshold::Model> = new
        .thresholds
        .iter()
        .enumerate()
        .map(|(i, (from, rate))| threshold::Model {
            id: Uuid::now_v7(),
            program_id: row.id,
            position: i as i32 + 1,
            from_amount: (*from).into(),
            rate: (*rate).into(),
        })
        .collect();
    let mut writes = crate::writes::Writes::new();
    writes.insert(program::ActiveModel::from(row.clone()));
    writes.insert_many(steps.iter().cloned().map(threshold::ActiveModel::from));
    writes.run(db).await?;
    crate::changes::recorded::<Entity>(db, principal, Action::RebateProgramCreate, None, &row)
        .await?;
    Ok((row, steps))
}

/// Whose volume to sum.
#[derive(Clone, Copy)]
pub(crate) enum Buyers {
    One(Uuid),
    /// The current members of a tier.
    Tier(Uuid),
}

impl Buyers {
    /// Keeps the rows whose `column` names one of the buyers.
    fn restrict(self, q: &mut crate::analytics::sql::Sql, column: &str) {
        match self {
            Buyers::One(partner) => {
                q.push(&format!(" AND {column} = ")).bind(partner);
            }
            Buyers::Tier(tier) => {
                q.push(&format!(
                    " AND {column} IN (SELECT m.organization_id FROM tier_memberships m \
                     WHERE m.ended_at IS NULL AND m.tier_id = "
                ))
                .bind(tier)
                .push(")");
            }
        }
    }
}

/// What each of `buyers` bought from the brand in `currency` invoiced from `from` to `to`,
/// before tax, in one statement; partners that bought nothing are absent.
pub(crate) async fn purchases(
    db: &impl ConnectionTrait,
    buyers: Buyers,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, Decimal>> {
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT o.buyer_id AS buyer, SUM(i.total - i.tax_total) AS purchases FROM invoices i \
         JOIN orders o ON o.id = i.order_id WHERE o.seller_id = ",
    )
    .bind(brand)
    .push(" AND i.currency = ")
    .bind(currency.to_owned())
    .push(" AND i.issued_on >= ")
    .bind(from)
    .push(" AND i.issued_on <= ")
    .bind(to);
    buyers.restrict(&mut q, "o.buyer_id");
    q.push(" GROUP BY o.buyer_id");
    let mut out = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let buyer: Uuid = row.try_get("", "buyer")?;
        out.insert(
            buyer,
            crate::money::column(&row, "purchases")?.unwrap_or_default(),
        );
    }
    Ok(out)
}

/// What each of `buyers` sold on, in one statement: the units of its current sell-through
/// reports for periods from `from` to `to`, each product's valued at the average net price
/// the buyer paid the brand for it, invoiced in `currency` up to `to`, rounded half-even to
/// the currency. Partners that sold nothing they bought from the brand are absent.
pub(crate) async fn sell_through(
    db: &impl ConnectionTrait,
    buyers: Buyers,
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, Decimal>> {
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT s.buyer AS buyer, s.units AS units, p.paid AS paid, p.bought AS bought FROM \
         (SELECT r.organization_id AS buyer, l.product_id AS product, SUM(l.quantity_sold) AS units \
         FROM sell_through_reports r JOIN sell_through_report_lines l ON l.report_id = r.id \
         WHERE r.replaced_at IS NULL AND r.period_start >= ",
    )
    .bind(from)
    .push(" AND r.period_end <= ")
    .bind(to);
    buyers.restrict(&mut q, "r.organization_id");
    q.push(
        " GROUP BY r.organization_id, l.product_id) s JOIN \
         (SELECT o.buyer_id AS buyer, ol.product_id AS product, SUM(il.line_total) AS paid, \
         SUM(il.quantity) AS bought FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id \
         JOIN orders o ON o.id = i.order_id JOIN order_lines ol ON ol.id = il.order_line_id \
         WHERE o.seller_id = ",
    )
    .bind(brand)
    .push(" AND i.currency = ")
    .bind(currency.code().to_owned())
    .push(" AND i.issued_on <= ")
    .bind(to);
    buyers.restrict(&mut q, "o.buyer_id");
    q.push(
        " GROUP BY o.buyer_id, ol.product_id) p ON p.buyer = s.buyer AND p.product = s.product \
         ORDER BY s.buyer",
    );
    let mut exact: HashMap<Uuid, Decimal> = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let buyer: Uuid = row.try_get("", "buyer")?;
        let units = crate::money::column(&row, "units")?.unwrap_or_default();
        let paid = crate::money::column(&row, "paid")?.unwrap_or_default();
        let bought = crate::money::column(&row, "bought")?.unwrap_or_default();
        if bought <= Decimal::ZERO || units <= Decimal::ZERO {
            continue;
        }
        let value = units
            .checked_mul(paid)
            .and_then(|v| v.checked_div(bought))
            .and_then(|v| v.checked_add(exact.get(&buyer).copied().unwrap_or_default()))
            .ok_or_else(|| Error::Internal("a sell-through volume is out of range".into()))?;
        exact.insert(buyer, value);
    }
    Ok(exact
        .into_iter()
        .map(|(buyer, value)| (buyer, Money::rounded(value, currency).amount))
        .collect())
}

/// The partners a program covers now.
async fn covered(db: &impl ConnectionTrait, program: &program::Model) -> Result<Vec<Uuid>> {
    if let Some(partner) = program.partner_id {
        return Ok(vec![partner]);
    }
    let Some(tier) = program.tier_id else {
        return Ok(Vec::new());
    };
    Ok(entity::tier_membership::Entity::find()
        .select_only()
        .column(entity::tier_membership::Column::OrganizationId)
        .filter(entity::tier_membership::Column::TierId.eq(tier))
        .filter(entity::tier_membership::Column::EndedAt.is_null())
        .order_by_asc(entity::tier_membership::Column::OrganizationId)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// A partner's progress in a program: what it bought so far, the rate it reached and what
/// that earns, and how far it is from the next threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub program: Uuid,
    pub partner: Uuid,
    pub currency: String,
    /// What counts toward the thresholds, as the program's basis says.
    pub volume: Decimal,
    pub rate: Decimal,
    pub earned: Decimal,
    pub next_from: Option<Decimal>,
    pub next_rate: Option<Decimal>,
}

async fn thresholds(db: &impl ConnectionTrait, program: Uuid) -> Result<Vec<(Decimal, Decimal)>> {
    Ok(Thresholds::find()
        .filter(threshold::Column::ProgramId.eq(program))
        .order_by_asc(threshold::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (stored(t.from_amount), stored(t.rate)))
        .collect())
}

async fn progress_of(
    db: &impl ConnectionTrait,
    program: &program::Model,
    partners: &[Uuid],
) -> Result<Vec<Progress>> {
    let steps = thresholds(db, program.id).await?;
    let currency = Currency::parse(&[], &program.currency)?;
    let buyers = match (program.partner_id, program.tier_id) {
        (Some(p), _) => Buyers::One(p),
        (None, Some(t)) => Buyers::Tier(t),
        (None, None) => return Ok(Vec::new()),
    };
    let (from, to) = (program.starts_on, program.ends_on);
    let volumes = match program.basis {
        RebateBasis::Purchases => purchases(db, buyers, &program.currency, from, to).await?,
        RebateBasis::SellThrough => sell_through(db, buyers, currency, from, to).await?,
    };
    Ok(partners
        .iter()
        .map(|partner| {
            let volume = volumes.get(partner).copied().unwrap_or_default();
            let (rate, earned) = rebate_of(program.method, &steps, volume, currency);
            let next = steps.iter().find(|(from, _)| *from > volume);
            Progress {
                program: program.id,
                partner: *partner,
                currency: program.currency.clone(),
                volume,
                rate,
                earned,
                next_from: next.map(|(from, _)| *from),
                next_rate: next.map(|(_, rate)| *rate),
            }
        })
        .collect())
}

/// Progress in `program`: a partner its own; staff a named partner's, or every covered
/// partner's.
pub async fn progress(
    db: &impl ConnectionTrait,
    principal: &Principal,
    program: &program::Model,
    partner: Option<Uuid>,
) -> Result<Vec<Progress>> {
    principal.ensure_can_read_orders()?;
    let partners = match (principal.is_restricted(), partner) {
        (true, named) => {
            let own = principal
                .partner_organization()
                .filter(|_| principal.reach(Records::Invoices) == crate::access::Reach::All);
            match (own, named) {
                (Some(own), None) => vec![own],
                (Some(own), Some(named)) if own == named => vec![own],
                _ => return Ok(Vec::new()),
            }
        }
        (false, Some(named)) => vec![named],
        (false, None) => covered(db, program).await?,
    };
    let covered = covered(db, program).await?;
    let partners: Vec<Uuid> = partners
        .into_iter()
        .filter(|p| covered.contains(p))
        .collect();
    progress_of(db, program, &partners).await
}

/// After its period ends the brand settles a program: a settlement is proposed for every
/// covered partner that earned something and has none yet. Returns those proposed now.
pub async fn settle(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> Result<Vec<settlement::Model>> {
    ensure_runs_rebates(principal)?;
    let program = Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "id"],
                ErrorCode::NotFound,
                "no such rebate program",
            )
        })?;
    if today() <= program.ends_on {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Conflict,
            format!(
                "the program's period ends on {}; it is settled after",
                program.ends_on
            ),
        ));
    }
    let settled: Vec<Uuid> = Settlements::find()
        .select_only()
        .column(settlement::Column::PartnerId)
        .filter(settlement::Column::ProgramId.eq(id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let partners: Vec<Uuid> = covered(db, &program)
        .await?
        .into_iter()
        .filter(|p| !settled.contains(p))
        .collect();
    let mut proposed = Vec::new();
    for p in progress_of(db, &program, &partners).await? {
        if p.earned <= Decimal::ZERO {
            continue;
        }
        let at = now();
        let row = settlement::Model {
            id: Uuid::now_v7(),
            number: crate::orders::counters::next_number(db, "RB").await?,
            program_id: id,
            partner_id: p.partner,
            currency: p.currency.clone(),
            volume: p.volume.into(),
            rate: p.rate.into(),
            amount: p.earned.into(),
            status: RebateStatus::Proposed,
            decided_by: None,
            decided_at: None,
            decision_note: None,
            credit_memo_id: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        let saved = crate::changes::create::<Settlements>(
            db,
            principal,
            Action::RebatePropose,
            settlement::ActiveModel::from(row),
        )
        .await?;
        announce(db, EventType::RebateProposed, &saved, &program).await?;
        proposed.push(saved);
    }
    Ok(proposed)
}

fn not_waiting(row: &settlement::Model) -> Error {
    let word = match row.status {
        RebateStatus::Proposed => "proposed",
        RebateStatus::Approved => "approved",
        RebateStatus::Rejected => "rejected",
    };
    Error::user(
        &["input", "id"],
        ErrorCode::Conflict,
        format!("rebate {} is {word} already", row.number),
    )
}

async fn program_of(db: &impl ConnectionTrait, row: &settlement::Model) -> Result<program::Model> {
    Entity::find_by_id(row.program_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a rebate's program is missing".into()))
}

/// The brand approves a proposed rebate: a credit memo settles it.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    note: Option<String>,
) -> Result<settlement::Model> {
    ensure_runs_rebates(principal)?;
    let current = store::for_update::<Settlements>(db, id, version, Condition::all()).await?;
    if current.status != RebateStatus::Proposed {
        return Err(not_waiting(&current));
    }
    let program = program_of(db, &current).await?;
    let line = super::credit_memos::NewCreditLine {
        source: CreditSource::Rebate,
        source_id: current.id,
        description: format!(
            "rebate {}: {} {}{} at {} %",
            current.number,
            program.name,
            crate::money::label(stored(current.volume), &current.currency),
            match program.basis {
                RebateBasis::Purchases => "",
                RebateBasis::SellThrough => " sold on",
            },
            stored(current.rate).normalize()
        ),
        amount: stored(current.amount),
    };
    let (memo, _) = super::credit_memos::issue(
        db,
        principal,
        current.partner_id,
        &current.currency,
        vec![line],
    )
    .await?;
    let before = current.clone();
    let mut row: settlement::ActiveModel = current.into();
    row.status = Set(RebateStatus::Approved);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(note);
    row.credit_memo_id = Set(Some(memo.id));
    let saved =
        crate::changes::save::<Settlements>(db, principal, Action::RebateApprove, &before, row)
            .await?;
    announce(db, EventType::RebateApproved, &saved, &program).await?;
    Ok(saved)
}

/// The brand refuses a proposed rebate, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<settlement::Model> {
    ensure_runs_rebates(principal)?;
    let current = store::for_update::<Settlements>(db, id, version, Condition::all()).await?;
    if current.status != RebateStatus::Proposed {
        return Err(not_waiting(&current));
    }
    let program = program_of(db, &current).await?;
    let before = current.clone();
    let mut row: settlement::ActiveModel = current.into();
    row.status = Set(RebateStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Settlements>(db, principal, Action::RebateReject, &before, row)
            .await?;
    announce(db, EventType::RebateRejected, &saved, &program).await?;
    Ok(saved)
}

async fn announce(
    db: &impl ConnectionTrait,
    event_type: EventType,
    row: &settlement::Model,
    program: &program::Model,
) -> Result<()> {
    let currency = row.currency.as_str();
    let amount = |v: entity::fixed::Fixed| json!({ "amount": crate::money::shown(stored(v), currency).to_string(), "currency": currency });
    let data = json!({
        "rebate": {
            "id": events::gid(NodeType::RebateSettlement, row.id),
            "number": row.number,
            "status": sea_orm::ActiveEnum::to_value(&row.status),
            "volume": amount(row.volume),
            "rate": stored(row.rate).normalize().to_string(),
            "amount": amount(row.amount),
        },
        "program": {
            "id": events::gid(NodeType::RebateProgram, program.id),
            "name": program.name,
            "basis": sea_orm::ActiveEnum::to_value(&program.basis),
        },
        "partnerId": events::gid(NodeType::Organization, row.partner_id),
    });
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: row.id,
            order_id: None,
            audience: vec![row.partner_id],
            data,
        },
    )
    .await?;
    Ok(())
}

/// The programs a principal sees: staff all; a partner those for it or its current tier,
/// where its roles see all of its company's invoices.
fn visible_programs(principal: &Principal) -> Condition {
    if !principal.is_restricted() {
        return Condition::all();
    }
    let Some(own) = principal.partner_organization() else {
        return Condition::all().add(Expr::val(false));
    };
    if principal.reach(Records::Invoices) != crate::access::Reach::All {
        return Condition::all().add(Expr::val(false));
    }
    let tiers = crate::catalog::pricing::current_tier(own);
    Condition::any()
        .add(Column::PartnerId.eq(own))
        .add(Column::TierId.in_subquery(tiers))
}

fn visible_settlements(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(settlement::Column::PartnerId))
        .add(principal.reaching_all(Records::Invoices))
}

/// Which programs a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProgramFilter {
    pub tier_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    /// Only those running on this day.
    pub running_on: Option<NaiveDate>,
}

fn programs(principal: &Principal, filter: &ProgramFilter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible_programs(principal));
    if let Some(tier) = filter.tier_id {
        query = query.filter(Column::TierId.eq(tier));
    }
    if let Some(partner) = filter.partner_id {
        query = query.filter(Column::PartnerId.eq(partner));
    }
    if let Some(day) = filter.running_on {
        query = query
            .filter(Column::StartsOn.lte(day))
            .filter(Column::EndsOn.gte(day));
    }
    Ok(query)
}

/// Rebate programs, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProgramFilter,
    page: &PageRequest,
) -> Result<Page<program::Model>> {
    store::page_of(
        db,
        programs(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProgramFilter,
) -> Result<u64> {
    Ok(programs(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, program::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible_programs(principal)).await
}

/// The programs among `ids` the principal sees: none for one that does not read them.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, program::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible_programs(principal)).await
}

/// The thresholds of programs the principal sees, in rising order.
pub async fn thresholds_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<threshold::Model>>> {
    principal.ensure_can_read_orders()?;
    let seen = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible_programs(principal))
        .into_query();
    let rows = Thresholds::find()
        .filter(threshold::Column::ProgramId.in_subquery(seen))
        .order_by_asc(threshold::Column::ProgramId)
        .order_by_asc(threshold::Column::Position)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |t| t.program_id))
}

/// Which rebate settlements a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SettlementFilter {
    pub program_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub status: Option<RebateStatus>,
}

fn settlements(
    principal: &Principal,
    filter: &SettlementFilter,
) -> Result<sea_orm::Select<Settlements>> {
    use settlement::Column as S;
    principal.ensure_can_read_orders()?;
    let mut query = Settlements::find().filter(visible_settlements(principal));
    if let Some(program) = filter.program_id {
        query = query.filter(S::ProgramId.eq(program));
    }
    if let Some(partner) = filter.partner_id {
        query = query.filter(S::PartnerId.eq(partner));
    }
    if let Some(status) = filter.status {
        query = query.filter(S::Status.eq(status));
    }
    Ok(query)
}

/// Rebate settlements, newest first.
pub async fn list_settlements(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &SettlementFilter,
    page: &PageRequest,
) -> Result<Page<settlement::Model>> {
    store::page_of(
        db,
        settlements(principal, filter)?,
        page,
        Expr::col((Settlements, settlement::Column::CreatedAt)),
        Expr::col((Settlements, settlement::Column::Id)),
    )
    .await
}

pub async fn count_settlements(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &SettlementFilter,
) -> Result<u64> {
    Ok(settlements(principal, filter)?.count(db).await?)
}

pub async fn settlements_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, settlement::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Settlements>(db, ids, visible_settlements(principal)).await
}

/// The settlements among `ids` the principal sees: none for one that does not read them.
pub async fn settlements_seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, settlement::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Settlements>(db, ids, visible_settlements(principal)).await
}

impl Recorded for Entity {
    fn id_of(model: &program::Model) -> Uuid {
        model.id
    }
}

impl Recorded for Settlements {
    fn id_of(model: &settlement::Model) -> Uuid {
        model.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse(&[], "EUR").unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// 1 % from 0, 2 % from 50,000, 3 % from 100,000.
    fn steps() -> Vec<(Decimal, Decimal)> {
        vec![
            (d("0"), d("1")),
            (d("50000"), d("2")),
            (d("100000"), d("3")),
        ]
    }

    #[test]
    fn a_retroactive_rate_applies_to_everything_bought() {
        // 82,000 reached 2 %: 1,640.00; at 100,000 the whole is at 3 %.
        assert_eq!(
            rebate_of(RebateMethod::Retroactive, &steps(), d("82000"), eur()),
            (d("2"), d("1640.00"))
        );
        assert_eq!(
            rebate_of(RebateMethod::Retroactive, &steps(), d("100000"), eur()),
            (d("3"), d("3000.00"))
        );
        assert_eq!(
            rebate_of(RebateMethod::Retroactive, &steps(), d("0"), eur()),
            (d("0"), d("0"))
        );
    }

    #[test]
    fn an_incremental_rate_applies_to_each_slice() {
        // 50,000 × 1 % + 32,000 × 2 % = 500 + 640 = 1,140.00, 1.3902 % over all.
        assert_eq!(
            rebate_of(RebateMethod::Incremental, &steps(), d("82000"), eur()),
            (d("1.3902"), d("1140.00"))
        );
        // 500 + 1,000 + 20,000 × 3 % = 2,100.00.
        assert_eq!(
            rebate_of(RebateMethod::Incremental, &steps(), d("120000"), eur()),
            (d("1.75"), d("2100.00"))
        );
    }

    #[test]
    fn a_first_threshold_above_zero_earns_nothing_below_it() {
        let steps = vec![(d("10000"), d("2.5"))];
        assert_eq!(
            rebate_of(RebateMethod::Retroactive, &steps, d("9999.99"), eur()),
            (d("0"), d("0"))
        );
        assert_eq!(
            rebate_of(RebateMethod::Incremental, &steps, d("10000.01"), eur()),
            (d("0"), d("0.00"))
        );
        // Half-even to the cent: 12,345.67 × 2.5 % = 308.64175.
        assert_eq!(
            rebate_of(RebateMethod::Retroactive, &steps, d("12345.67"), eur()),
            (d("2.5"), d("308.64"))
        );
    }
}
