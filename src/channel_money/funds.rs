//! Partner funds: money the brand sets aside for its partners' marketing in a period.
//! - A marketing development fund (MDF) gives each partner a fixed amount by its tier; a
//!   co-op fund lets each partner accrue a percentage of its purchases from the brand in
//!   the period (invoiced, before tax).
//! - A partner requests money for an activity, within what it has available; the brand
//!   approves all of it, part of it, or none, within what is left of the fund's budget.
//! - After the activity, the partner claims what it spent, up to what was approved, with
//!   proof (documents by address and digest) and its results; the brand pays the claim with
//!   a credit memo, or refuses it.
//! - Approved money not claimed within `fund_claim_days` expires.
//!
//! A request and an approval lock the fund's row first, so a partner's balance and the
//! fund's budget hold under concurrent requests.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{CreditSource, FundActivity, FundKind, FundRequestStatus};
use entity::fund::{self, Column, Entity};
use entity::fund_proof as proof;
use entity::fund_request::{self as request, Entity as Requests};
use entity::fund_tier_amount as tier_amount;
use rust_decimal::Decimal;
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

/// The longest period a fund runs.
pub const FUND_DAYS_MAX: i64 = 366;
/// How many days before it expires approved money counts as expiring.
pub const EXPIRING_DAYS: i64 = 30;
/// The most proof documents one claim carries.
pub const PROOFS_MAX: usize = 20;

/// A fund as the brand sets it up.
#[derive(Clone, Debug)]
pub struct NewFund {
    pub name: String,
    pub kind: FundKind,
    pub currency: Currency,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub budget: Decimal,
    /// Co-op: the percentage of purchases a partner accrues.
    pub accrual_rate: Option<Decimal>,
    /// MDF: what each partner of a tier gets.
    pub tier_amounts: Vec<(Uuid, Decimal)>,
}

/// A change to a fund: its name or its budget.
#[derive(Clone, Debug, Default)]
pub struct FundChange {
    pub name: Option<String>,
    pub budget: Option<Money>,
}

/// A partner's request for money out of a fund.
#[derive(Clone, Debug)]
pub struct NewFundRequest {
    pub fund: Uuid,
    /// Staff name the partner they request for; a partner requests for itself.
    pub partner: Option<Uuid>,
    pub activity: FundActivity,
    pub title: String,
    pub plan: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub amount: Money,
}

/// The brand's approval of a request.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    /// Less than requested approves part of it; none approves all.
    pub amount: Option<Money>,
    /// The brand's campaign the activity is part of.
    pub campaign: Option<Uuid>,
    pub note: Option<String>,
}

/// A partner's claim after the activity.
#[derive(Clone, Debug)]
pub struct NewFundClaim {
    pub amount: Money,
    /// Documents that prove the activity: where each is, and the digest of its bytes.
    pub proofs: Vec<(String, String)>,
    pub leads: Option<i32>,
    pub attendees: Option<i32>,
}

fn ensure_runs_funds(principal: &Principal) -> Result<()> {
    principal.ensure_runs_program().map_err(|e| match e {
        Error::Forbidden(_) => Error::Forbidden(
            "funds are set up and decided by the brand's admins and managers".into(),
        ),
        other => other,
    })
}

/// Whether an organization is one of the brand's partners: a distributor or a dealer.
pub(crate) fn is_partner(org: &entity::organization::Model) -> bool {
    use entity::enums::OrganizationKind;
    matches!(
        org.kind,
        OrganizationKind::Distributor | OrganizationKind::IntermediateCustomer
    )
}

/// An amount sent for `fund`: in its currency.
fn in_currency(field: &[&str], amount: Money, fund: &fund::Model) -> Result<Decimal> {
    if amount.currency.code() != fund.currency {
        let mut at = field.to_vec();
        at.push("currency");
        return Err(Error::user(
            &at,
            ErrorCode::Invalid,
            format!("the fund is in {}", fund.currency),
        ));
    }
    Ok(amount.amount)
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn period(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::Invalid,
            "`endsOn` must not be before `startsOn`",
        ));
    }
    if (to - from).num_days() >= FUND_DAYS_MAX {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::OutOfRange,
            format!("a fund runs at most {FUND_DAYS_MAX} days"),
        ));
    }
    Ok(())
}

/// The brand sets up a fund: its admins and managers.
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewFund,
) -> Result<(fund::Model, Vec<tier_amount::Model>)> {
    ensure_runs_funds(principal)?;
    period(new.starts_on, new.ends_on)?;
    match new.kind {
        FundKind::Mdf => {
            if new.accrual_rate.is_some() {
                return Err(Error::user(
                    &["input", "accrualRate"],
                    ErrorCode::Invalid,
                    "an MDF fund allocates by tier; only a co-op fund accrues",
                ));
            }
            if new.tier_amounts.is_empty() {
                return Err(Error::user(
                    &["input", "tierAmounts"],
                    ErrorCode::Invalid,
                    "an MDF fund names what each tier's partners get",
                ));
            }
        }
        FundKind::Coop => {
            if !new.tier_amounts.is_empty() {
                return Err(Error::user(
                    &["input", "tierAmounts"],
                    ErrorCode::Invalid,
                    "a co-op fund accrues on purchases; only an MDF fund allocates by tier",
                ));
            }
            match new.accrual_rate {
                Some(rate) if rate > Decimal::ZERO && rate <= Decimal::from(100) => {}
                _ => {
                    return Err(Error::user(
                        &["input", "accrualRate"],
                        ErrorCode::OutOfRange,
                        "a co-op fund accrues a percentage above 0 and at most 100",
                    ));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, (tier, _)) in new.tier_amounts.iter().enumerate() {
        if !seen.insert(*tier) {
            return Err(Error::user(
                &["input", "tierAmounts", &i.to_string(), "tierId"],
                ErrorCode::Invalid,
                "the tier is named twice",
            ));
        }
    }
    let tiers: Vec<Uuid> = new.tier_amounts.iter().map(|(t, _)| *t).collect();
    let known = entity::partner_tier::Entity::find()
        .filter(entity::partner_tier::Column::Id.is_in(tiers.iter().copied()))
        .all(db)
        .await?;
    if let Some(i) = tiers.iter().position(|t| !known.iter().any(|k| k.id == *t)) {
        return Err(Error::user(
            &["input", "tierAmounts", &i.to_string(), "tierId"],
            ErrorCode::NotFound,
            "no such partner tier",
        ));
    }
    let at = now();
    let row = fund::Model {
        id: Uuid::now_v7(),
        name: new.name,
        kind: new.kind,
        currency: new.currency.code().to_owned(),
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        budget: new.budget.into(),
        accrual_rate: new.accrual_rate.map(Into::into),
        created_by: principal.user_id(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let amounts: Vec<tier_amount::Model> = new
        .tier_amounts
        .into_iter()
        .map(|(tier_id, amount)| tier_amount::Model {
            id: Uuid::now_v7(),
            fund_id: row.id,
            tier_id,
            amount: amount.into(),
        })
        .collect();
    let mut writes = crate::writes::Writes::new();
    writes.insert(fund::ActiveModel::from(row.clone()));
    writes.insert_many(amounts.iter().cloned().map(tier_amount::ActiveModel::from));
    writes.run(db).await?;
    crate::changes::recorded::<Entity>(db, principal, Action::FundCreate, None, &row).await?;
    Ok((row, amounts))
}

/// The brand renames a fund or changes its budget, never below what it has committed.
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    change: FundChange,
) -> Result<fund::Model> {
    ensure_runs_funds(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    let budget = change
        .budget
        .map(|b| in_currency(&["input", "budget"], b, &current))
        .transpose()?;
    if let Some(budget) = budget {
        let committed = committed(db, id).await?;
        if budget < committed {
            return Err(Error::user(
                &["input", "budget", "amount"],
                ErrorCode::OutOfRange,
                format!(
                    "the fund has committed {} {} already",
                    crate::money::shown(committed, &current.currency),
                    current.currency
                ),
            ));
        }
    }
    let before = current.clone();
    let mut row: fund::ActiveModel = current.into();
    if let Some(name) = change.name {
        row.name = Set(name);
    }
    if let Some(budget) = budget {
        row.budget = Set(budget.into());
    }
    crate::changes::save::<Entity>(db, principal, Action::FundUpdate, &before, row).await
}

/// What the fund's approvals hold of its budget: approved money not expired, claims
/// awaiting a decision (at what was approved), and what was paid.
async fn committed(db: &impl ConnectionTrait, fund: Uuid) -> Result<Decimal> {
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT SUM(CASE WHEN status = 'PAID' THEN paid \
         WHEN status = 'CLAIMED' THEN approved \
         WHEN status = 'APPROVED' AND expires_on >= ",
    )
    .bind(today())
    .push(" THEN approved ELSE 0 END) AS committed FROM fund_requests WHERE fund_id = ")
    .bind(fund);
    let row = db.query_one_raw(q.build()).await?;
    Ok(match row {
        Some(row) => crate::money::column(&row, "committed")?.unwrap_or_default(),
        None => Decimal::ZERO,
    })
}

/// A partner's standing in a fund. `available` is what it may still request: what it was
/// allocated less what it requested, was approved (claimed or not), was paid, or let expire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Balance {
    pub fund: Uuid,
    pub partner: Uuid,
    pub currency: String,
    pub allocated: Decimal,
    pub requested: Decimal,
    pub approved: Decimal,
    pub claimed: Decimal,
    pub paid: Decimal,
    pub expired: Decimal,
    /// Approved, unclaimed, and expiring within [`EXPIRING_DAYS`].
    pub expiring: Decimal,
    pub available: Decimal,
}

/// What `partner` was allocated out of `fund`: for MDF its current tier's amount; for
/// co-op the accrual rate of its purchases from the brand invoiced in the fund's period,
/// before tax, rounded to the currency.
async fn allocated(
    db: &impl ConnectionTrait,
    fund: &fund::Model,
    partner: Uuid,
) -> Result<Decimal> {
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    match fund.kind {
        FundKind::Mdf => {
            q.push(
                "SELECT SUM(a.amount) AS allocated FROM fund_tier_amounts a \
                 JOIN tier_memberships m ON m.tier_id = a.tier_id \
                 WHERE m.ended_at IS NULL AND a.fund_id = ",
            )
            .bind(fund.id)
            .push(" AND m.organization_id = ")
            .bind(partner);
            let row = db.query_one_raw(q.build()).await?;
            Ok(match row {
                Some(row) => crate::money::column(&row, "allocated")?.unwrap_or_default(),
                None => Decimal::ZERO,
            })
        }
        FundKind::Coop => {
            let purchases = super::rebates::purchases(
                db,
                super::rebates::Buyers::One(partner),
                &fund.currency,
                fund.starts_on,
                fund.ends_on,
            )
            .await?
            .remove(&partner)
            .unwrap_or_default();
            let rate = fund.accrual_rate.map(stored).unwrap_or_default();
            let currency = Currency::parse(&[], &fund.currency)?;
            Ok(
                crate::money::Money::rounded(purchases * rate / Decimal::from(100), currency)
                    .amount,
            )
        }
    }
}

async fn balance_of(
    db: &impl ConnectionTrait,
    fund: &fund::Model,
    partner: Uuid,
) -> Result<Balance> {
    let allocated = allocated(db, fund, partner).await?;
    let today = today();
    let soon = today + chrono::Duration::days(EXPIRING_DAYS);
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push("SELECT SUM(CASE WHEN status = 'REQUESTED' THEN requested ELSE 0 END) AS requested, ")
        .push("SUM(CASE WHEN status = 'APPROVED' AND expires_on >= ")
        .bind(today)
        .push(" THEN approved ELSE 0 END) AS approved, ")
        .push("SUM(CASE WHEN status = 'APPROVED' AND expires_on >= ")
        .bind(today)
        .push(" AND expires_on < ")
        .bind(soon)
        .push(" THEN approved ELSE 0 END) AS expiring, ")
        .push("SUM(CASE WHEN status = 'CLAIMED' THEN claimed ELSE 0 END) AS claimed, ")
        .push("SUM(CASE WHEN status = 'CLAIMED' THEN approved ELSE 0 END) AS held, ")
        .push("SUM(CASE WHEN status = 'PAID' THEN paid ELSE 0 END) AS paid, ")
        .push("SUM(CASE WHEN status = 'EXPIRED' OR (status = 'APPROVED' AND expires_on < ")
        .bind(today)
        .push(") THEN approved ELSE 0 END) AS expired FROM fund_requests WHERE fund_id = ")
        .bind(fund.id)
        .push(" AND partner_id = ")
        .bind(partner);
    let row = db.query_one_raw(q.build()).await?;
    let get = |name: &str| -> Result<Decimal> {
        Ok(match &row {
            Some(row) => crate::money::column(row, name)?.unwrap_or_default(),
            None => Decimal::ZERO,
        })
    };
    let (requested, approved, expiring, claimed, held, paid, expired) = (
        get("requested")?,
        get("approved")?,
        get("expiring")?,
        get("claimed")?,
        get("held")?,
        get("paid")?,
        get("expired")?,
    );
    let available = (allocated - requested - approved - held - paid - expired).max(Decimal::ZERO);
    Ok(Balance {
        fund: fund.id,
        partner,
        currency: fund.currency.clone(),
        allocated,
        requested,
        approved,
        claimed,
        paid,
        expired,
        expiring,
        available,
    })
}

/// `partner`'s balance in `fund`: staff for any partner, a partner for its own (to those
/// whose roles see all of its invoices).
pub async fn balance(
    db: &impl ConnectionTrait,
    principal: &Principal,
    fund: &fund::Model,
    partner: Uuid,
) -> Result<Balance> {
    principal.ensure_can_read_orders()?;
    if principal.is_restricted()
        && (principal.partner_organization() != Some(partner)
            || principal.reach(Records::Invoices) != crate::access::Reach::All)
    {
        return Err(Error::NotFound("no such organization".into()));
    }
    balance_of(db, fund, partner).await
}

fn not_waiting(row: &request::Model, what: &str) -> Error {
    Error::user(
        &["input", "id"],
        ErrorCode::Conflict,
        format!(
            "fund request {} is {}, not {what}",
            row.number,
            status_word(effective_status(row, today()))
        ),
    )
}

fn status_word(status: FundRequestStatus) -> &'static str {
    match status {
        FundRequestStatus::Requested => "awaiting a decision",
        FundRequestStatus::Approved => "approved",
        FundRequestStatus::Rejected => "rejected",
        FundRequestStatus::Claimed => "claimed",
        FundRequestStatus::Paid => "paid",
        FundRequestStatus::ClaimRejected => "refused at its claim",
        FundRequestStatus::Expired => "expired",
    }
}

/// Where a request stands on `day`: approved money past its last day has expired, whether
/// or not the periodic pass has marked it yet.
pub fn effective_status(row: &request::Model, day: NaiveDate) -> FundRequestStatus {
    match (row.status, row.expires_on) {
        (FundRequestStatus::Approved, Some(last)) if last < day => FundRequestStatus::Expired,
        (status, _) => status,
    }
}

/// A partner requests money out of a fund for an activity: its managers, or its systems with
/// `orders:write`; staff on a partner's behalf. The amount must be within what the partner
/// has available.
pub async fn request(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewFundRequest,
) -> Result<request::Model> {
    use entity::enums::UserRole;
    if principal.user_id().is_some() && principal.partner_organization().is_some() {
        principal.require_partner_role(&[UserRole::PartnerManager])?;
    } else {
        principal.ensure_can_trade()?;
    }
    let partner = match (principal.partner_organization(), new.partner) {
        (Some(own), None) => own,
        (Some(own), Some(named)) if own == named => own,
        (None, Some(named)) if !principal.is_restricted() => named,
        (None, None) => {
            return Err(Error::user(
                &["input", "partnerId"],
                ErrorCode::Invalid,
                "staff name the partner they request for",
            ));
        }
        _ => return Err(Error::NotFound("no such organization".into())),
    };
    crate::program::terms::ensure_accepted(db, principal).await?;
    let fund = Entity::find_by_id(new.fund)
        .filter(visible_funds(principal))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::user(&["input", "fundId"], ErrorCode::NotFound, "no such fund"))?;
    let partner_row = entity::organization::Entity::find_by_id(partner)
        .one(db)
        .await?
        .filter(|o| o.archived_at.is_none())
        .ok_or_else(|| {
            Error::user(
                &["input", "partnerId"],
                ErrorCode::NotFound,
                "no such organization",
            )
        })?;
    if !is_partner(&partner_row) {
        return Err(Error::user(
            &["input", "partnerId"],
            ErrorCode::Invalid,
            "funds are for the brand's distributors and dealers",
        ));
    }
    if new.ends_on < new.starts_on {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::Invalid,
            "`endsOn` must not be before `startsOn`",
        ));
    }
    if new.starts_on < fund.starts_on || new.ends_on > fund.ends_on {
        return Err(Error::user(
            &["input", "startsOn"],
            ErrorCode::OutOfRange,
            format!(
                "the activity must take place in the fund's period, {} to {}",
                fund.starts_on, fund.ends_on
            ),
        ));
    }
    if today() > fund.ends_on {
        return Err(Error::user(
            &["input", "fundId"],
            ErrorCode::Conflict,
            format!("the fund closed on {}", fund.ends_on),
        ));
    }
    let amount = in_currency(&["input", "amount"], new.amount, &fund)?;
    let balance = balance_of(db, &fund, partner).await?;
    if amount > balance.available {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::OutOfRange,
            format!(
                "{} {} is more than the {} {} available",
                crate::money::shown(amount, &fund.currency),
                fund.currency,
                crate::money::shown(balance.available, &fund.currency),
                fund.currency
            ),
        ));
    }
    let at = now();
    let row = request::Model {
        id: Uuid::now_v7(),
        number: crate::orders::counters::next_number(db, "FR").await?,
        fund_id: fund.id,
        partner_id: partner,
        activity: new.activity,
        title: new.title,
        plan: new.plan,
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        requested: amount.into(),
        approved: None,
        status: FundRequestStatus::Requested,
        campaign_id: None,
        decided_by: None,
        decided_at: None,
        decision_note: None,
        expires_on: None,
        claimed: None,
        leads: None,
        attendees: None,
        claimed_at: None,
        paid: None,
        claim_decided_by: None,
        claim_decided_at: None,
        claim_note: None,
        credit_memo_id: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let saved = crate::changes::create::<Requests>(
        db,
        principal,
        Action::FundRequestCreate,
        request::ActiveModel::from(row),
    )
    .await?;
    announce(db, EventType::FundRequested, &saved, &fund).await?;
    Ok(saved)
}

/// The brand approves a request, all or part of it, within what is left of the fund's
/// budget: its admins and managers. The partner may claim it for `claim_days`.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    approval: Approval,
    claim_days: u32,
) -> Result<request::Model> {
    ensure_runs_funds(principal)?;
    let fund = locked_fund_of(db, id).await?;
    let current = store::for_update::<Requests>(db, id, version, Condition::all()).await?;
    if current.status != FundRequestStatus::Requested {
        return Err(not_waiting(&current, "awaiting a decision"));
    }
    let requested = stored(current.requested);
    let amount = match approval.amount {
        Some(a) => in_currency(&["input", "amount"], a, &fund)?,
        None => requested,
    };
    if amount > requested {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::OutOfRange,
            format!(
                "the partner requested {} {}; the brand approves that or less",
                crate::money::shown(requested, &fund.currency),
                fund.currency
            ),
        ));
    }
    let left = stored(fund.budget) - committed(db, fund.id).await?;
    if amount > left {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::OutOfRange,
            format!(
                "the fund has {} {} of its budget left",
                crate::money::shown(left.max(Decimal::ZERO), &fund.currency),
                fund.currency
            ),
        ));
    }
    if let Some(campaign) = approval.campaign {
        crate::growth::campaigns::by_ids(db, principal, &[campaign])
            .await?
            .remove(&campaign)
            .ok_or_else(|| {
                Error::user(
                    &["input", "campaignId"],
                    ErrorCode::NotFound,
                    "no such campaign",
                )
            })?;
    }
    let before = current.clone();
    let mut row: request::ActiveModel = current.into();
    row.status = Set(FundRequestStatus::Approved);
    row.approved = Set(Some(amount.into()));
    row.campaign_id = Set(approval.campaign);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(approval.note);
    row.expires_on = Set(Some(
        today() + chrono::Duration::days(i64::from(claim_days)),
    ));
    let saved =
        crate::changes::save::<Requests>(db, principal, Action::FundRequestApprove, &before, row)
            .await?;
    announce(db, EventType::FundRequestDecided, &saved, &fund).await?;
    Ok(saved)
}

/// The fund a request draws on, its row held until the transaction ends.
async fn locked_fund_of(db: &impl ConnectionTrait, request: Uuid) -> Result<fund::Model> {
    let fund_id = Requests::find_by_id(request)
        .select_only()
        .column(request::Column::FundId)
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("no such fund request".into()))?;
    Entity::find_by_id(fund_id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a fund request's fund is missing".into()))
}

async fn fund_of(db: &impl ConnectionTrait, row: &request::Model) -> Result<fund::Model> {
    Entity::find_by_id(row.fund_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a fund request's fund is missing".into()))
}

/// The brand refuses a request, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<request::Model> {
    ensure_runs_funds(principal)?;
    let current = store::for_update::<Requests>(db, id, version, Condition::all()).await?;
    if current.status != FundRequestStatus::Requested {
        return Err(not_waiting(&current, "awaiting a decision"));
    }
    let fund = fund_of(db, &current).await?;
    let before = current.clone();
    let mut row: request::ActiveModel = current.into();
    row.status = Set(FundRequestStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Requests>(db, principal, Action::FundRequestReject, &before, row)
            .await?;
    announce(db, EventType::FundRequestDecided, &saved, &fund).await?;
    Ok(saved)
}

/// A partner claims approved money after the activity, up to what was approved and before
/// it expires, with proof and its results: the people who may request.
pub async fn claim(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    new: NewFundClaim,
) -> Result<request::Model> {
    use entity::enums::UserRole;
    if principal.user_id().is_some() && principal.partner_organization().is_some() {
        principal.require_partner_role(&[UserRole::PartnerManager])?;
    } else {
        principal.ensure_can_trade()?;
    }
    let current =
        store::for_update::<Requests>(db, id, version, visible_requests(principal)).await?;
    if effective_status(&current, today()) != FundRequestStatus::Approved {
        return Err(not_waiting(&current, "approved and unclaimed"));
    }
    let fund = fund_of(db, &current).await?;
    let amount = in_currency(&["input", "amount"], new.amount, &fund)?;
    let approved = current.approved.map(stored).unwrap_or_default();
    if amount > approved {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::OutOfRange,
            format!(
                "the brand approved {} {}; a claim is for that or less",
                crate::money::shown(approved, &fund.currency),
                fund.currency
            ),
        ));
    }
    if new.proofs.is_empty() {
        return Err(Error::user(
            &["input", "proofs"],
            ErrorCode::Invalid,
            "a claim carries at least one document that proves the activity",
        ));
    }
    if current.ends_on > today() {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Conflict,
            format!(
                "the activity runs until {}; claim it after",
                current.ends_on
            ),
        ));
    }
    let proofs: Vec<proof::Model> = new
        .proofs
        .into_iter()
        .enumerate()
        .map(|(i, (url, digest))| proof::Model {
            id: Uuid::now_v7(),
            fund_request_id: id,
            position: i as i32 + 1,
            url,
            digest,
        })
        .collect();
    let before = current.clone();
    let mut row: request::ActiveModel = current.into();
    row.status = Set(FundRequestStatus::Claimed);
    row.claimed = Set(Some(amount.into()));
    row.leads = Set(new.leads);
    row.attendees = Set(new.attendees);
    row.claimed_at = Set(Some(now()));
    let saved =
        crate::changes::save::<Requests>(db, principal, Action::FundClaim, &before, row).await?;
    let mut writes = crate::writes::Writes::new();
    writes.insert_many(proofs.into_iter().map(proof::ActiveModel::from));
    writes.run(db).await?;
    announce(db, EventType::FundClaimed, &saved, &fund).await?;
    Ok(saved)
}

/// The brand pays a claim, all of it or less (with the reason), by a credit memo.
pub async fn pay(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    amount: Option<Money>,
    note: Option<String>,
) -> Result<request::Model> {
    ensure_runs_funds(principal)?;
    let current = store::for_update::<Requests>(db, id, version, Condition::all()).await?;
    if current.status != FundRequestStatus::Claimed {
        return Err(not_waiting(&current, "claimed"));
    }
    let fund = fund_of(db, &current).await?;
    let claimed = current.claimed.map(stored).unwrap_or_default();
    let paid = match amount {
        Some(a) => in_currency(&["input", "amount"], a, &fund)?,
        None => claimed,
    };
    if paid > claimed {
        return Err(Error::user(
            &["input", "amount", "amount"],
            ErrorCode::OutOfRange,
            format!(
                "the partner claimed {} {}; the brand pays that or less",
                crate::money::shown(claimed, &fund.currency),
                fund.currency
            ),
        ));
    }
    if paid < claimed && note.is_none() {
        return Err(Error::user(
            &["input", "note"],
            ErrorCode::Invalid,
            "paying less than was claimed needs the reason",
        ));
    }
    let line = super::credit_memos::NewCreditLine {
        source: CreditSource::FundClaim,
        source_id: current.id,
        description: format!("{} {}: {}", fund.name, current.number, current.title),
        amount: paid,
    };
    let (memo, _) = super::credit_memos::issue(
        db,
        principal,
        current.partner_id,
        &fund.currency,
        vec![line],
    )
    .await?;
    let before = current.clone();
    let mut row: request::ActiveModel = current.into();
    row.status = Set(FundRequestStatus::Paid);
    row.paid = Set(Some(paid.into()));
    row.claim_decided_by = Set(principal.user_id());
    row.claim_decided_at = Set(Some(now()));
    row.claim_note = Set(note);
    row.credit_memo_id = Set(Some(memo.id));
    let saved =
        crate::changes::save::<Requests>(db, principal, Action::FundClaimPay, &before, row).await?;
    announce(db, EventType::FundClaimDecided, &saved, &fund).await?;
    Ok(saved)
}

/// The brand refuses a claim, with the reason.
pub async fn refuse(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<request::Model> {
    ensure_runs_funds(principal)?;
    let current = store::for_update::<Requests>(db, id, version, Condition::all()).await?;
    if current.status != FundRequestStatus::Claimed {
        return Err(not_waiting(&current, "claimed"));
    }
    let fund = fund_of(db, &current).await?;
    let before = current.clone();
    let mut row: request::ActiveModel = current.into();
    row.status = Set(FundRequestStatus::ClaimRejected);
    row.claim_decided_by = Set(principal.user_id());
    row.claim_decided_at = Set(Some(now()));
    row.claim_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Requests>(db, principal, Action::FundClaimRefuse, &before, row)
            .await?;
    announce(db, EventType::FundClaimDecided, &saved, &fund).await?;
    Ok(saved)
}

/// Marks approved money past its last day as expired and tells the partner: one request at
/// a time, each by the node whose update finds it still approved.
pub async fn expire(db: &sea_orm::DatabaseConnection) -> Result<usize> {
    use request::Column as R;
    let due = Requests::find()
        .filter(R::Status.eq(FundRequestStatus::Approved))
        .filter(R::ExpiresOn.lt(today()))
        .order_by_asc(R::ExpiresOn)
        .limit(500)
        .all(db)
        .await?;
    let mut expired = 0;
    for before in due {
        let txn = crate::db::begin_write(db).await?;
        let claimed = Requests::update_many()
            .col_expr(
                R::Status,
                Expr::val(sea_orm::ActiveEnum::to_value(&FundRequestStatus::Expired)),
            )
            .col_expr(
                R::Version,
                sea_orm::sea_query::ExprTrait::add(Expr::col(R::Version), 1),
            )
            .col_expr(R::UpdatedAt, Expr::val(now()))
            .filter(R::Id.eq(before.id))
            .filter(R::Status.eq(FundRequestStatus::Approved))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let after = Requests::find_by_id(before.id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::Internal("an expired fund request is missing".into()))?;
        let fund = fund_of(&txn, &after).await?;
        crate::changes::recorded::<Requests>(
            &txn,
            &Principal::System,
            Action::FundRequestExpire,
            Some(&before),
            &after,
        )
        .await?;
        announce(&txn, EventType::FundExpired, &after, &fund).await?;
        txn.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

async fn announce(
    db: &impl ConnectionTrait,
    event_type: EventType,
    row: &request::Model,
    fund: &fund::Model,
) -> Result<()> {
    let currency = fund.currency.as_str();
    let amount = |v: Option<entity::fixed::Fixed>| {
        v.map(|v| json!({ "amount": crate::money::shown(stored(v), currency).to_string(), "currency": currency }))
    };
    let data = json!({
        "fundRequest": {
            "id": events::gid(NodeType::FundRequest, row.id),
            "number": row.number,
            "status": sea_orm::ActiveEnum::to_value(&row.status),
            "title": row.title,
            "requested": amount(Some(row.requested)),
            "approved": amount(row.approved),
            "claimed": amount(row.claimed),
            "paid": amount(row.paid),
            "expiresOn": row.expires_on.map(|d| d.to_string()),
        },
        "fund": { "id": events::gid(NodeType::Fund, fund.id), "name": fund.name },
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

/// The funds a principal sees: staff all; a partner the co-op funds and the MDF funds that
/// give its current tier an amount, where its roles see all of its company's invoices.
fn visible_funds(principal: &Principal) -> Condition {
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
    let mdf = tier_amount::Entity::find()
        .select_only()
        .column(tier_amount::Column::FundId)
        .filter(tier_amount::Column::TierId.in_subquery(tiers))
        .into_query();
    Condition::any()
        .add(Column::Kind.eq(FundKind::Coop))
        .add(Column::Id.in_subquery(mdf))
}

fn visible_requests(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(request::Column::PartnerId))
        .add(principal.reaching_all(Records::Invoices))
}

/// Which funds a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FundFilter {
    pub kind: Option<FundKind>,
    /// Only those running on this day.
    pub running_on: Option<NaiveDate>,
}

fn funds(principal: &Principal, filter: &FundFilter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible_funds(principal));
    if let Some(kind) = filter.kind {
        query = query.filter(Column::Kind.eq(kind));
    }
    if let Some(day) = filter.running_on {
        query = query
            .filter(Column::StartsOn.lte(day))
            .filter(Column::EndsOn.gte(day));
    }
    Ok(query)
}

/// Funds, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &FundFilter,
    page: &PageRequest,
) -> Result<Page<fund::Model>> {
    store::page_of(
        db,
        funds(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &FundFilter,
) -> Result<u64> {
    Ok(funds(principal, filter)?.count(db).await?)
}

/// The funds among `ids` the principal sees: none for one that does not read them.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, fund::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible_funds(principal)).await
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, fund::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible_funds(principal)).await
}

/// What each fund gives each tier, to staff.
pub async fn tier_amounts_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<tier_amount::Model>>> {
    if principal.is_restricted() {
        return Ok(HashMap::new());
    }
    let rows = tier_amount::Entity::find()
        .filter(tier_amount::Column::FundId.is_in(ids.iter().copied()))
        .order_by_asc(tier_amount::Column::FundId)
        .order_by_asc(tier_amount::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |a| a.fund_id))
}

/// Which fund requests a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FundRequestFilter {
    pub fund_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub status: Option<FundRequestStatus>,
}

fn requests(
    principal: &Principal,
    filter: &FundRequestFilter,
) -> Result<sea_orm::Select<Requests>> {
    use request::Column as R;
    principal.ensure_can_read_orders()?;
    let mut query = Requests::find().filter(visible_requests(principal));
    if let Some(fund) = filter.fund_id {
        query = query.filter(R::FundId.eq(fund));
    }
    if let Some(org) = filter.partner_id {
        query = query.filter(R::PartnerId.eq(org));
    }
    match filter.status {
        // Approved money past its last day reads as expired before the pass marks it.
        Some(FundRequestStatus::Approved) => {
            query = query
                .filter(R::Status.eq(FundRequestStatus::Approved))
                .filter(R::ExpiresOn.gte(today()));
        }
        Some(FundRequestStatus::Expired) => {
            query = query.filter(
                Condition::any()
                    .add(R::Status.eq(FundRequestStatus::Expired))
                    .add(
                        Condition::all()
                            .add(R::Status.eq(FundRequestStatus::Approved))
                            .add(R::ExpiresOn.lt(today())),
                    ),
            );
        }
        Some(status) => query = query.filter(R::Status.eq(status)),
        None => {}
    }
    Ok(query)
}

/// Fund requests, newest first.
pub async fn list_requests(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &FundRequestFilter,
    page: &PageRequest,
) -> Result<Page<request::Model>> {
    store::page_of(
        db,
        requests(principal, filter)?,
        page,
        Expr::col((Requests, request::Column::CreatedAt)),
        Expr::col((Requests, request::Column::Id)),
    )
    .await
}

pub async fn count_requests(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &FundRequestFilter,
) -> Result<u64> {
    Ok(requests(principal, filter)?.count(db).await?)
}

pub async fn requests_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, request::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Requests>(db, ids, visible_requests(principal)).await
}

/// The requests among `ids` the principal sees: none for one that does not read them.
pub async fn requests_seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, request::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Requests>(db, ids, visible_requests(principal)).await
}

/// The proof documents of requests the principal sees, in the order they were sent.
pub async fn proofs_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<proof::Model>>> {
    principal.ensure_can_read_orders()?;
    let seen = Requests::find()
        .select_only()
        .column(request::Column::Id)
        .filter(request::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_requests(principal))
        .into_query();
    let rows = proof::Entity::find()
        .filter(proof::Column::FundRequestId.in_subquery(seen))
        .order_by_asc(proof::Column::FundRequestId)
        .order_by_asc(proof::Column::Position)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |p| p.fund_request_id))
}

/// What a fund brought, to staff: what it paid, the results partners reported, and what the
/// brand's campaigns its activities belong to brought, with the return on what was paid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FundFigures {
    pub approved: Decimal,
    pub paid: Decimal,
    pub reported_leads: i64,
    pub attendees: i64,
    pub campaigns: i64,
    pub leads: i64,
    pub opportunities: i64,
    pub won: i64,
    pub revenue: Decimal,
}

/// [`FundFigures`] for a fund, in two statements and the campaigns' own figures.
pub async fn figures(
    db: &impl ConnectionTrait,
    principal: &Principal,
    fund: Uuid,
) -> Result<FundFigures> {
    principal.ensure_can_read_marketing()?;
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT SUM(CASE WHEN status IN ('APPROVED', 'CLAIMED', 'PAID', 'CLAIM_REJECTED', 'EXPIRED') \
         THEN approved ELSE 0 END) AS approved, \
         SUM(CASE WHEN status = 'PAID' THEN paid ELSE 0 END) AS paid, \
         SUM(CASE WHEN status IN ('CLAIMED', 'PAID') THEN COALESCE(leads, 0) ELSE 0 END) AS leads, \
         SUM(CASE WHEN status IN ('CLAIMED', 'PAID') THEN COALESCE(attendees, 0) ELSE 0 END) \
         AS attendees FROM fund_requests WHERE fund_id = ",
    )
    .bind(fund);
    let row = db.query_one_raw(q.build()).await?;
    let mut out = FundFigures::default();
    if let Some(row) = row {
        out.approved = crate::money::column(&row, "approved")?.unwrap_or_default();
        out.paid = crate::money::column(&row, "paid")?.unwrap_or_default();
        out.reported_leads = crate::analytics::sql::count(&row, "leads")?;
        out.attendees = crate::analytics::sql::count(&row, "attendees")?;
    }
    let campaigns: Vec<Uuid> = Requests::find()
        .select_only()
        .column(request::Column::CampaignId)
        .distinct()
        .filter(request::Column::FundId.eq(fund))
        .filter(request::Column::CampaignId.is_not_null())
        .filter(request::Column::Status.is_in([
            FundRequestStatus::Approved,
            FundRequestStatus::Claimed,
            FundRequestStatus::Paid,
        ]))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    out.campaigns = campaigns.len() as i64;
    if !campaigns.is_empty() {
        for f in crate::growth::campaigns::figures(db, principal, &campaigns)
            .await?
            .into_values()
        {
            out.leads += f.leads;
            out.opportunities += f.opportunities;
            out.won += f.won;
            out.revenue += f.revenue;
        }
    }
    Ok(out)
}

impl Recorded for Entity {
    fn id_of(model: &fund::Model) -> Uuid {
        model.id
    }
}

impl Recorded for Requests {
    fn id_of(model: &request::Model) -> Uuid {
        model.id
    }
}
