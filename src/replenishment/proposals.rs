//! Replenishment proposals: vendor-managed inventory. From a distributor's latest stock
//! report, its sell-through forecast, what it has on order from the brand and its policies,
//! the brand proposes what it should order (see [`super::plan`] for the formula), each line
//! with the numbers it came from.
//!
//! - **When.** A distributor the brand plans for (its enrolment, PROPOSALS or BRAND_MANAGED)
//!   gets a proposal when a stock or sell-through report arrives, and on its review days; the
//!   periodic pass makes them, on one node at a time. Staff, or the distributor, may ask for
//!   one at any time. A new proposal takes the place of the one waiting.
//! - **Who acts.** The distributor accepts it (as proposed or with lines changed), which
//!   submits an order under `orderSubmit`'s rules with the proposal's number as the PO
//!   number; or rejects it with the reason. A brand-managed distributor's proposal is ordered
//!   by the brand when its window passes: the order is marked brand-initiated, the brand
//!   acknowledges it (which sends the distributor an 855 where it trades by X12), and it
//!   happens once, also with two nodes passing at the same moment.
//! - **Not from stale data.** A distributor whose latest stock report, or whose sell-through,
//!   is older than [`STALE_AFTER_DAYS`] gets no proposal: the refusal says which.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate, Utc};
use entity::enums::{
    OrganizationKind, ReplenishmentMode, ReplenishmentStatus, ReplenishmentTrigger, UserRole,
};
use entity::replenishment_enrolment as enrolment;
use entity::replenishment_proposal::{self as proposal, Column, Entity, Model};
use entity::replenishment_proposal_line as line;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::forecast::{self, HISTORY_WEEKS, STALE_AFTER_DAYS};
use super::{plan, policies};
use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::stored;
use crate::orders::model::{LineAck, LineDecision, NewLine, NewOrder};
use crate::orders::reactions::Reactor;
use crate::pagination::{Page, PageRequest};
use crate::settings::TradeSettings;
use crate::store::{self, now};

/// Hours a brand-managed proposal waits for the distributor, unless its enrolment says.
pub const DEFAULT_WINDOW_HOURS: i32 = 48;
/// The longest window: 30 days.
pub const MAX_WINDOW_HOURS: i32 = 720;

// ---------------------------------------------------------------------------------------
// Enrolment

/// Sets how the brand plans a distributor's stock. The brand's admins and managers enrol a
/// distributor for proposals (or take it out); brand-managed replenishment is the
/// distributor's own choice, made by its admins.
pub async fn enrol(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Option<Uuid>,
    mode: ReplenishmentMode,
    window_hours: Option<i32>,
) -> Result<enrolment::Model> {
    let distributor = match (principal.is_restricted(), distributor) {
        (true, named) => {
            // A person: an admin of the distributor who also sees and places all of its
            // orders. An API token never chooses for its company.
            let person = matches!(principal, Principal::Partner { .. });
            if !person
                || principal
                    .require_partner_role(&[UserRole::PartnerAdmin])
                    .is_err()
                || principal.reach(Records::Orders) != crate::access::Reach::All
                || principal.ensure_can_trade().is_err()
            {
                return Err(Error::Forbidden(
                    "a distributor's replenishment is chosen by its admins who also place and \
                     see all of its orders, in person"
                        .into(),
                ));
            }
            let own = principal.partner_organization().ok_or_else(|| {
                Error::Forbidden("a distributor's admins choose its replenishment".into())
            })?;
            if named.is_some_and(|n| n != own) {
                return Err(Error::user(
                    &["input", "distributorId"],
                    ErrorCode::NotFound,
                    "you choose your own company's replenishment only",
                ));
            }
            own
        }
        (false, named) => {
            policies::ensure_sets_policies(principal)?;
            if mode == ReplenishmentMode::BrandManaged {
                return Err(Error::user(
                    &["input", "mode"],
                    ErrorCode::NotAllowed,
                    "a distributor opts into brand-managed replenishment itself, by its admins",
                ));
            }
            if window_hours.is_some() {
                return Err(Error::user(
                    &["input", "acceptanceWindowHours"],
                    ErrorCode::NotAllowed,
                    "the distributor sets the window it takes to decide",
                ));
            }
            named.ok_or_else(|| {
                Error::user(
                    &["input", "distributorId"],
                    ErrorCode::Required,
                    "name the distributor",
                )
            })?
        }
    };
    policies::distributor(db, distributor, &["input", "distributorId"]).await?;
    if let Some(hours) = window_hours
        && !(1..=MAX_WINDOW_HOURS).contains(&hours)
    {
        return Err(Error::user(
            &["input", "acceptanceWindowHours"],
            ErrorCode::OutOfRange,
            format!("the window is 1 to {MAX_WINDOW_HOURS} hours"),
        ));
    }
    let at = now();
    // Out of brand-managed replenishment, the proposal waiting is the distributor's to
    // decide: the brand does not order it.
    if mode != ReplenishmentMode::BrandManaged {
        Entity::update_many()
            .col_expr(Column::BrandManaged, Expr::value(false))
            .col_expr(
                Column::AcceptAfter,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(Column::UpdatedAt, Expr::value(at))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .filter(Column::PendingFor.eq(distributor))
            .filter(Column::BrandManaged.eq(true))
            .exec(db)
            .await?;
    }
    let existing = enrolment::Entity::find()
        .filter(enrolment::Column::DistributorId.eq(distributor))
        .lock_exclusive()
        .one(db)
        .await?;
    let saved = match existing {
        Some(current) => {
            let before = current.clone();
            let mut row: enrolment::ActiveModel = current.into();
            row.mode = Set(mode);
            if let Some(hours) = window_hours {
                row.acceptance_window_hours = Set(hours);
            }
            row.updated_by = Set(principal.user_id());
            row.updated_at = Set(at);
            row.version = Set(before.version + 1);
            let saved = row.update(db).await?;
            crate::changes::recorded::<enrolment::Entity>(
                db,
                principal,
                Action::ReplenishmentEnrol,
                Some(&before),
                &saved,
            )
            .await?;
            saved
        }
        None => {
            let saved = enrolment::ActiveModel {
                id: Set(Uuid::now_v7()),
                distributor_id: Set(distributor),
                mode: Set(mode),
                acceptance_window_hours: Set(window_hours.unwrap_or(DEFAULT_WINDOW_HOURS)),
                due_at: Set(None),
                reviewed_on: Set(None),
                updated_by: Set(principal.user_id()),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
            }
            .insert(db)
            .await
            .map_err(|e| match Error::from(e) {
                e if e.unique_violation().is_some() => Error::user(
                    &["input", "distributorId"],
                    ErrorCode::Conflict,
                    "the enrolment was being set at the same time; read it and try again",
                ),
                e => e,
            })?;
            crate::changes::recorded::<enrolment::Entity>(
                db,
                principal,
                Action::ReplenishmentEnrol,
                None,
                &saved,
            )
            .await?;
            saved
        }
    };
    Ok(saved)
}

/// How the brand plans a distributor's stock, as the principal may see it: staff any
/// distributor's, a distributor its own. None where it was never enrolled or is not seen.
pub async fn enrolment_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Option<Uuid>,
) -> Result<Option<enrolment::Model>> {
    principal.ensure_can_read_orders()?;
    let Some(distributor) =
        policies::own_or_named(principal, distributor, &["distributorId"], "distributor")?
    else {
        return Ok(None);
    };
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::DistributorId.eq(distributor))
        .one(db)
        .await?)
}

/// A report from `distributor` arrived: its next pass proposes, where it is enrolled.
pub async fn report_arrived(db: &impl ConnectionTrait, distributor: Uuid) -> Result<()> {
    enrolment::Entity::update_many()
        .col_expr(enrolment::Column::DueAt, Expr::value(now()))
        .filter(enrolment::Column::DistributorId.eq(distributor))
        .filter(enrolment::Column::Mode.ne(ReplenishmentMode::Off))
        .exec(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Proposing

fn stale(field: &[&str], message: String) -> Error {
    Error::user(field, ErrorCode::Invalid, message)
}

/// What each product has in transit to `buyer` on `as_of` (the day of its stock count), from
/// its orders of `kind` of the last year (a distributor's sales orders to the brand, or the
/// brand's purchase orders), in one statement:
/// - what is still to ship on orders still open (submitted, on credit hold, acknowledged or
///   partly shipped): accepted (or as ordered) less shipped;
/// - what shipped and had not arrived by the end of that day. A shipment arrives when it is
///   received; one never marked received, on its expected day, or else its lead time after
///   it left.
pub(crate) async fn in_transit(
    db: &impl ConnectionTrait,
    kind: entity::enums::OrderKind,
    buyer: Uuid,
    seller: Option<Uuid>,
    products: &[Uuid],
    as_of: NaiveDate,
    lead_times: &HashMap<Uuid, i32>,
) -> Result<HashMap<Uuid, Decimal>> {
    let cut = (as_of + Days::new(1))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| Error::Internal("a stock report's day has no end".into()))?;
    let since = cut - chrono::Duration::days(366);
    let mut q = crate::analytics::sql::Sql::new(db.get_database_backend());
    q.push(
        "SELECT l.id AS line, l.product_id AS product, \
         CASE WHEN o.status IN ('SUBMITTED', 'CREDIT_HOLD', 'ACKNOWLEDGED', 'PARTIALLY_SHIPPED') \
         THEN COALESCE(l.accepted_quantity, l.quantity) - l.shipped_quantity ELSE 0 END AS open, \
         sl.quantity AS shipped, s.received_at AS received_at, s.expected_at AS expected_at, \
         s.shipped_at AS shipped_at \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         LEFT JOIN shipment_lines sl ON sl.order_line_id = l.id \
         LEFT JOIN shipments s ON s.id = sl.shipment_id \
         WHERE o.status <> 'CANCELLED' \
         AND l.status NOT IN ('CANCELLED', 'REJECTED') AND o.kind = ",
    )
    .bind(match kind {
        entity::enums::OrderKind::Sales => "SALES",
        entity::enums::OrderKind::Purchase => "PURCHASE",
    })
    .push(" AND o.buyer_id = ")
    .bind(buyer);
    if let Some(seller) = seller {
        q.push(" AND o.seller_id = ").bind(seller);
    }
    q.push(" AND o.submitted_at >= ")
        .bind(since)
        .push(" AND l.product_id IN (");
    if products.is_empty() {
        q.push("NULL");
    }
    for (i, p) in products.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(*p);
    }
    q.push(") ORDER BY l.id");
    let mut out: HashMap<Uuid, Decimal> = HashMap::new();
    let mut counted: Option<Uuid> = None;
    for row in db.query_all_raw(q.build()).await? {
        let line: Uuid = row.try_get("", "line")?;
        let product: Uuid = row.try_get("", "product")?;
        let total = out.entry(product).or_default();
        // A line's open remainder once, however many shipments it has.
        if counted != Some(line) {
            counted = Some(line);
            *total += crate::money::column(&row, "open")?
                .unwrap_or_default()
                .max(Decimal::ZERO);
        }
        let Some(shipped) = crate::money::column(&row, "shipped")? else {
            continue;
        };
        let received: Option<chrono::DateTime<Utc>> = row.try_get("", "received_at")?;
        let expected: Option<NaiveDate> = row.try_get("", "expected_at")?;
        let left: Option<chrono::DateTime<Utc>> = row.try_get("", "shipped_at")?;
        let arrived = match (received, expected, left) {
            (Some(received), _, _) => received < cut,
            (None, Some(expected), _) => expected <= as_of,
            (None, None, Some(left)) => {
                let lead = lead_times.get(&product).copied().unwrap_or_default();
                left.date_naive() + Days::new(u64::try_from(lead).unwrap_or_default()) <= as_of
            }
            (None, None, None) => false,
        };
        if !arrived {
            *total += shipped;
        }
    }
    Ok(out)
}

/// The products a distributor's plan covers: those on its latest stock report, and those in
/// its sell-through since `since`.
async fn products_of(
    db: &impl ConnectionTrait,
    distributor: Uuid,
    report: Uuid,
    since: NaiveDate,
) -> Result<BTreeSet<Uuid>> {
    use entity::{inventory_report_line, sell_through_report, sell_through_report_line};
    use sea_orm::QueryTrait;
    let sold = sell_through_report::Entity::find()
        .select_only()
        .column(sell_through_report::Column::Id)
        .filter(sell_through_report::Column::OrganizationId.eq(distributor))
        .filter(sell_through_report::Column::ReplacedAt.is_null())
        .filter(sell_through_report::Column::PeriodEnd.gte(since))
        .into_query();
    let on_report = inventory_report_line::Entity::find()
        .select_only()
        .column(inventory_report_line::Column::ProductId)
        .filter(inventory_report_line::Column::ReportId.eq(report))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let in_sales = sell_through_report_line::Entity::find()
        .select_only()
        .column(sell_through_report_line::Column::ProductId)
        .distinct()
        .filter(sell_through_report_line::Column::ReportId.in_subquery(sold))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    Ok(on_report.into_iter().chain(in_sales).collect())
}

/// What makes a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked {
    pub trigger: ReplenishmentTrigger,
    /// Made by the periodic pass: nothing is written where nothing needs ordering.
    pub only_if_needed: bool,
}

/// Works out and writes a proposal for `distributor`, in place of the one waiting. None
/// where the pass found nothing to order.
pub async fn propose(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Uuid,
    asked: Asked,
) -> Result<Option<Model>> {
    use entity::{inventory_report, inventory_report_line};
    let field: &[&str] = &["input", "distributorId"];
    let org = entity::organization::Entity::find_by_id(distributor)
        .one(db)
        .await?
        .filter(|o| o.archived_at.is_none() && o.kind == OrganizationKind::Distributor)
        .ok_or_else(|| Error::user(field, ErrorCode::NotFound, "no such distributor"))?;
    let today = now().date_naive();
    let since = today - Days::new(7 * HISTORY_WEEKS);
    let stock = inventory_report::Entity::find()
        .filter(inventory_report::Column::OrganizationId.eq(distributor))
        .filter(inventory_report::Column::ReplacedAt.is_null())
        .order_by_desc(inventory_report::Column::AsOf)
        .one(db)
        .await?
        .ok_or_else(|| {
            stale(
                field,
                format!(
                    "{} has sent no stock report; nothing is proposed without its stock",
                    org.code
                ),
            )
        })?;
    if (today - stock.as_of).num_days() > STALE_AFTER_DAYS {
        return Err(stale(
            field,
            format!(
                "{}'s latest stock report is of {}, more than {STALE_AFTER_DAYS} days ago; \
                 nothing is proposed from stale stock",
                org.code, stock.as_of
            ),
        ));
    }
    let listed: Vec<Uuid> = products_of(db, distributor, stock.id, since)
        .await?
        .into_iter()
        .collect();
    // Only what the brand still sells is planned.
    let products: Vec<Uuid> = entity::product::Entity::find()
        .select_only()
        .column(entity::product::Column::Id)
        .filter(entity::product::Column::Id.is_in(listed))
        .filter(entity::product::Column::Status.eq(entity::enums::ProductStatus::Active))
        .order_by_asc(entity::product::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let reports = forecast::reported(db, distributor, &products, since).await?;
    let through = reports
        .values()
        .flat_map(|list| list.iter().map(|r| r.end))
        .max();
    match through {
        Some(through) if (today - through).num_days() <= STALE_AFTER_DAYS => {}
        Some(through) => {
            return Err(stale(
                field,
                format!(
                    "{} stopped reporting sell-through: its latest report ends {through}, \
                     more than {STALE_AFTER_DAYS} days ago; its demand is not forecast from \
                     stale data",
                    org.code
                ),
            ));
        }
        None => {
            return Err(stale(
                field,
                format!(
                    "{} has reported no sell-through; its demand cannot be forecast",
                    org.code
                ),
            ));
        }
    }
    let on_hand: HashMap<Uuid, Decimal> = inventory_report_line::Entity::find()
        .filter(inventory_report_line::Column::ReportId.eq(stock.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.product_id, stored(l.on_hand)))
        .collect();
    let effective = policies::effective(db, distributor, &products).await?;
    let lead_times: HashMap<Uuid, i32> = effective
        .iter()
        .map(|(product, policy)| (*product, policy.lead_time_days.value))
        .collect();
    let transit = in_transit(
        db,
        entity::enums::OrderKind::Sales,
        distributor,
        None,
        &products,
        stock.as_of,
        &lead_times,
    )
    .await?;
    let mut planned = Vec::with_capacity(products.len());
    for product in &products {
        let Some(policy) = effective.get(product) else {
            continue;
        };
        if asked.trigger == ReplenishmentTrigger::ReviewDay
            && !policy
                .review_days
                .value
                .contains(&chrono::Datelike::weekday(&today))
        {
            continue;
        }
        let made = forecast::forecast(
            reports.get(product).map(Vec::as_slice).unwrap_or_default(),
            1,
            today,
        );
        let p = plan::plan(
            policy,
            made.fit.as_ref(),
            on_hand.get(product).copied().unwrap_or_default(),
            transit.get(product).copied().unwrap_or_default(),
            today,
        );
        planned.push((*product, p, made));
    }
    if asked.only_if_needed && planned.iter().all(|(_, p, _)| p.quantity <= Decimal::ZERO) {
        return Ok(None);
    }
    let brand_managed = enrolment::Entity::find()
        .filter(enrolment::Column::DistributorId.eq(distributor))
        .one(db)
        .await?;
    let window = brand_managed
        .filter(|e| e.mode == ReplenishmentMode::BrandManaged)
        .map(|e| e.acceptance_window_hours);
    let at = now();
    // The one waiting gives way; a brand-managed deadline stays where it was, so new reports
    // do not put the brand's order off.
    let deadline = match window {
        Some(hours) => {
            let fresh = at + chrono::Duration::hours(i64::from(hours));
            let waiting = Entity::find()
                .filter(Column::PendingFor.eq(distributor))
                .one(db)
                .await?
                .and_then(|w| w.accept_after);
            Some(waiting.map_or(fresh, |w| std::cmp::Ord::min(w, fresh)))
        }
        None => None,
    };
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(ReplenishmentStatus::Superseded))
        .col_expr(Column::PendingFor, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(Column::PendingFor.eq(distributor))
        .exec(db)
        .await?;
    let id = Uuid::now_v7();
    let created = proposal::ActiveModel {
        id: Set(id),
        number: Set(crate::orders::counters::next_number(db, "RP").await?),
        distributor_id: Set(distributor),
        status: Set(ReplenishmentStatus::Pending),
        trigger: Set(asked.trigger),
        as_of: Set(today),
        stock_report_id: Set(Some(stock.id)),
        stock_as_of: Set(Some(stock.as_of)),
        reported_through: Set(through),
        brand_managed: Set(window.is_some()),
        accept_after: Set(deadline),
        pending_for: Set(Some(distributor)),
        order_id: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
        note: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await
    .map_err(|e| match Error::from(e) {
        e if e.unique_violation().is_some() => Error::user(
            field,
            ErrorCode::Conflict,
            "another proposal for this distributor was being made at the same time",
        ),
        e => e,
    })?;
    let lines: Vec<line::ActiveModel> = planned
        .iter()
        .enumerate()
        .map(|(i, (product, p, made))| line::ActiveModel {
            id: Set(Uuid::now_v7()),
            proposal_id: Set(id),
            line_number: Set(i as i32 + 1),
            product_id: Set(*product),
            quantity: Set(p.quantity.into()),
            demand: Set(p.demand.into()),
            weekly_demand: Set(p.weekly_demand.into()),
            cover_weeks: Set(p.cover_weeks.into()),
            lead_time_days: Set(p.lead_time_days),
            review_period_days: Set(p.review_period_days),
            target_weeks: Set(p.target_weeks.into()),
            safety_stock: Set(p.safety_stock.into()),
            on_hand: Set(p.on_hand.into()),
            in_transit: Set(p.in_transit.into()),
            need: Set(p.need.into()),
            order_multiple: Set(p.order_multiple.into()),
            min_quantity: Set(p.min_quantity.into()),
            max_quantity: Set(p.max_quantity.map(Into::into)),
            method: Set(made.fit.as_ref().map(|f| method_name(f.method).to_owned())),
            wape: Set(made.wape.map(|w| forecast::shown(w).into())),
        })
        .collect();
    if !lines.is_empty() {
        line::Entity::insert_many(lines).exec(db).await?;
    }
    crate::changes::recorded::<Entity>(db, principal, Action::ReplenishmentPropose, None, &created)
        .await?;
    event(
        db,
        EventType::ReplenishmentProposed,
        &created,
        serde_json::json!({
            "lines": planned.len(),
            "ordering": planned.iter().filter(|(_, p, _)| p.quantity > Decimal::ZERO).count(),
            "acceptAfter": created.accept_after.map(|t| t.to_rfc3339()),
        }),
    )
    .await?;
    Ok(Some(created))
}

pub fn method_name(method: forecast::Method) -> &'static str {
    match method {
        forecast::Method::Simple => "SIMPLE",
        forecast::Method::Holt => "HOLT",
        forecast::Method::HoltWinters => "HOLT_WINTERS",
    }
}

async fn event(
    db: &impl ConnectionTrait,
    event_type: EventType,
    row: &Model,
    more: serde_json::Value,
) -> Result<()> {
    let mut data = serde_json::json!({
        "proposal": {
            "id": events::gid(NodeType::ReplenishmentProposal, row.id),
            "number": row.number,
            "distributorId": events::gid(NodeType::Organization, row.distributor_id),
            "status": row.status,
            "orderId": row.order_id.map(|o| events::gid(NodeType::Order, o)),
            "brandManaged": row.brand_managed,
        }
    });
    if let (Some(target), serde_json::Value::Object(more)) =
        (data["proposal"].as_object_mut(), more)
    {
        target.extend(more);
    }
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: row.id,
            order_id: row.order_id,
            audience: vec![row.distributor_id],
            data,
        },
    )
    .await?;
    Ok(())
}

/// A staff member, or the distributor itself, asks for a proposal now.
pub async fn request(
    db: &impl ConnectionTrait,
    principal: &Principal,
    distributor: Option<Uuid>,
) -> Result<Model> {
    principal.ensure_can_trade()?;
    if principal.is_restricted() && principal.reach(Records::Orders) != crate::access::Reach::All {
        return Err(Error::Forbidden(
            "proposals are asked for by those who see all of the company's orders".into(),
        ));
    }
    let field: &[&str] = &["input", "distributorId"];
    let distributor = policies::own_or_named(principal, distributor, field, "distributor")?
        .ok_or_else(|| Error::user(field, ErrorCode::NotFound, "no such distributor"))?;
    propose(
        db,
        principal,
        distributor,
        Asked {
            trigger: ReplenishmentTrigger::Requested,
            only_if_needed: false,
        },
    )
    .await?
    .ok_or_else(|| Error::Internal("a requested proposal was not written".into()))
}

// ---------------------------------------------------------------------------------------
// Deciding

/// The lines of proposals, in their order.
pub async fn lines_of(
    db: &impl ConnectionTrait,
    proposals: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    let mut out: HashMap<Uuid, Vec<line::Model>> = HashMap::new();
    for l in line::Entity::find()
        .filter(line::Column::ProposalId.is_in(proposals.iter().copied()))
        .order_by_asc(line::Column::LineNumber)
        .all(db)
        .await?
    {
        out.entry(l.proposal_id).or_default().push(l);
    }
    Ok(out)
}

/// The lines of proposals the principal was shown.
pub async fn lines_seen(
    db: &impl ConnectionTrait,
    principal: &Principal,
    proposals: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    let seen: Vec<Uuid> = by_ids(db, principal, proposals)
        .await?
        .into_keys()
        .collect();
    lines_of(db, &seen).await
}

/// The refusal to decide a proposal (`what` and its `number`) that stands at `status`.
pub(super) fn decided_already(what: &str, number: &str, status: ReplenishmentStatus) -> Error {
    let word = match status {
        ReplenishmentStatus::Pending => "waiting",
        ReplenishmentStatus::Accepted => "accepted",
        ReplenishmentStatus::Rejected => "rejected",
        ReplenishmentStatus::Superseded => "replaced by a newer one",
    };
    Error::user(
        &["input", "id"],
        ErrorCode::Conflict,
        format!("{what} {number} is {word} already"),
    )
}

/// The distributor's own proposals: what its member who may order acts on.
fn ensure_own(principal: &Principal, row: &Model, verb: &str) -> Result<()> {
    principal.ensure_can_trade()?;
    if !principal.is_restricted() {
        return Err(Error::Forbidden(format!(
            "the distributor {verb}s its proposals; the brand orders for it only where it chose \
             brand-managed replenishment"
        )));
    }
    if principal.partner_organization() != Some(row.distributor_id) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::NotFound,
            "no replenishment proposal has this id",
        ));
    }
    Ok(())
}

/// A line's quantity changed by the distributor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub line_number: i32,
    pub quantity: Decimal,
}

/// The order a proposal makes: its lines with something to order, as proposed or edited.
async fn order_of(
    db: &impl ConnectionTrait,
    row: &Model,
    po_number: Option<String>,
    edits: &[Edit],
    brand_initiated: bool,
) -> Result<NewOrder> {
    let lines = lines_of(db, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    for (i, edit) in edits.iter().enumerate() {
        let field = |name: &str| vec!["input".into(), "lines".into(), i.to_string(), name.into()];
        let err = |name: &str, code, message: String| {
            let f: Vec<String> = field(name);
            let f: Vec<&str> = f.iter().map(String::as_str).collect();
            Error::user(&f, code, message)
        };
        if edits[..i].iter().any(|e| e.line_number == edit.line_number) {
            return Err(err(
                "lineNumber",
                ErrorCode::Taken,
                format!("line {} is changed twice", edit.line_number),
            ));
        }
        if !lines.iter().any(|l| l.line_number == edit.line_number) {
            return Err(err(
                "lineNumber",
                ErrorCode::NotFound,
                format!("proposal {} has no line {}", row.number, edit.line_number),
            ));
        }
        if edit.quantity < Decimal::ZERO {
            return Err(err(
                "quantity",
                ErrorCode::OutOfRange,
                "a quantity is 0 (leave the line out) or more".into(),
            ));
        }
    }
    let products: HashMap<Uuid, String> = entity::product::Entity::find()
        .filter(entity::product::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.sku))
        .collect();
    let mut order_lines = Vec::new();
    for l in &lines {
        let quantity = edits
            .iter()
            .find(|e| e.line_number == l.line_number)
            .map_or(stored(l.quantity), |e| e.quantity);
        if quantity <= Decimal::ZERO {
            continue;
        }
        let sku = products
            .get(&l.product_id)
            .cloned()
            .ok_or_else(|| Error::Internal("a proposal's product vanished".into()))?;
        order_lines.push(NewLine {
            line_number: l.line_number,
            sku,
            quantity,
            unit: None,
            buyer_part_number: None,
            requested_date: None,
            expected_unit_price: None,
            item: None,
            pack: None,
        });
    }
    if order_lines.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Invalid,
            format!("proposal {} orders nothing", row.number),
        ));
    }
    Ok(NewOrder {
        buyer_id: brand_initiated.then_some(row.distributor_id),
        seller_id: None,
        po_number: po_number.unwrap_or_else(|| row.number.clone()),
        currency: None,
        requested_date: None,
        ship_to_address_id: None,
        one_time_ship_to: None,
        ship_to_reference: None,
        notes: Some(format!("Replenishment proposal {}", row.number)),
        special_price: None,
        end_customer_id: None,
        brand_initiated,
        lines: order_lines,
    })
}

/// The distributor accepts a proposal, as proposed or with lines changed: the order is
/// submitted under `orderSubmit`'s rules (its price list, its credit, its PO number once).
pub async fn accept(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    po_number: Option<String>,
    edits: Vec<Edit>,
    limits: &TradeSettings,
) -> Result<Model> {
    let current = store::for_update::<Entity>(db, id, version, visible(principal)).await?;
    ensure_own(principal, &current, "accept")?;
    if current.status != ReplenishmentStatus::Pending {
        return Err(decided_already("proposal", &current.number, current.status));
    }
    let new = order_of(db, &current, po_number, &edits, false).await?;
    let ordered: Vec<(i32, String)> = new
        .lines
        .iter()
        .map(|l| (l.line_number, l.sku.clone()))
        .collect();
    let order = crate::orders::submit::submit(db, principal, new, limits)
        .await
        .map_err(|e| in_proposal_terms(e, &ordered, &edits))?;
    decide(
        db,
        principal,
        current,
        ReplenishmentStatus::Accepted,
        Some(order.id),
        None,
    )
    .await
}

/// An order's refusal in the proposal's terms: a field of the order's line `k` becomes the
/// proposal line's quantity where the distributor changed it, or else the proposal itself,
/// naming the line and its product.
fn in_proposal_terms(err: Error, ordered: &[(i32, String)], edits: &[Edit]) -> Error {
    let Error::User(mut u) = err else {
        return err;
    };
    let line = match u.field.as_slice() {
        [input, lines, k, ..] if input == "input" && lines == "lines" => {
            k.parse::<usize>().ok().and_then(|k| ordered.get(k))
        }
        _ => None,
    };
    if let Some((number, sku)) = line {
        u.field = match edits.iter().position(|e| e.line_number == *number) {
            Some(i) => vec![
                "input".into(),
                "lines".into(),
                i.to_string(),
                "quantity".into(),
            ],
            None => vec!["input".into(), "id".into()],
        };
        u.message = format!("line {number} ({sku}): {}", u.message);
    }
    Error::User(u)
}

/// The distributor rejects a proposal, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<Model> {
    let current = store::for_update::<Entity>(db, id, version, visible(principal)).await?;
    ensure_own(principal, &current, "reject")?;
    if current.status != ReplenishmentStatus::Pending {
        return Err(decided_already("proposal", &current.number, current.status));
    }
    decide(
        db,
        principal,
        current,
        ReplenishmentStatus::Rejected,
        None,
        Some(reason),
    )
    .await
}

async fn decide(
    db: &impl ConnectionTrait,
    principal: &Principal,
    current: Model,
    status: ReplenishmentStatus,
    order: Option<Uuid>,
    reason: Option<String>,
) -> Result<Model> {
    let before = current.clone();
    let mut row: proposal::ActiveModel = current.into();
    row.status = Set(status);
    row.pending_for = Set(None);
    row.order_id = Set(order);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.reason = Set(reason);
    let action = match status {
        ReplenishmentStatus::Rejected => Action::ReplenishmentReject,
        _ => Action::ReplenishmentAccept,
    };
    let saved = crate::changes::save::<Entity>(db, principal, action, &before, row).await?;
    let event_type = match status {
        ReplenishmentStatus::Rejected => EventType::ReplenishmentRejected,
        _ => EventType::ReplenishmentAccepted,
    };
    event(
        db,
        event_type,
        &saved,
        serde_json::json!({ "reason": saved.reason }),
    )
    .await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------
// The periodic pass

/// Orders a brand-managed proposal whose window passed, once: the claim is a conditional
/// update in the order's own transaction, so a second node finds it taken. The brand
/// acknowledges the order in full, which sends the 855 where the distributor trades by X12.
/// Answers whether this call ordered it.
pub async fn order_for_distributor(
    db: &DatabaseConnection,
    reactor: &impl Reactor,
    id: Uuid,
    limits: &TradeSettings,
) -> Result<bool> {
    let txn = crate::db::begin_write(db).await?;
    let Some(current) = Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    let at = now();
    let claimed = Entity::update_many()
        .col_expr(Column::Status, Expr::value(ReplenishmentStatus::Accepted))
        .col_expr(Column::PendingFor, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::DecidedAt, Expr::value(at))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::Version.eq(current.version))
        .filter(Column::Status.eq(ReplenishmentStatus::Pending))
        .filter(Column::BrandManaged.eq(true))
        .filter(Column::AcceptAfter.lte(at))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let system = Principal::System;
    let placed = async {
        let still = enrolment::Entity::find()
            .filter(enrolment::Column::DistributorId.eq(current.distributor_id))
            .one(&txn)
            .await?
            .is_some_and(|e| e.mode == ReplenishmentMode::BrandManaged);
        if !still {
            return Err(Error::user(
                &["input", "id"],
                ErrorCode::NotAllowed,
                "the distributor left brand-managed replenishment; it decides this proposal itself",
            ));
        }
        let unaccepted = crate::program::terms::unaccepted_by(current.distributor_id);
        if let Some(row) = txn.query_one(&unaccepted).await? {
            let number: i32 = row.try_get("", "number")?;
            return Err(Error::user(
                &["input", "id"],
                ErrorCode::NotAllowed,
                format!("the distributor has not accepted version {number} of the program's terms"),
            ));
        }
        let new = order_of(&txn, &current, None, &[], true).await?;
        let submitted = crate::orders::submit::submit_written(&txn, &system, new, limits).await?;
        let order = submitted.order;
        if order.status == entity::enums::OrderStatus::Submitted {
            let acks = submitted
                .lines
                .into_iter()
                .map(|l| LineAck {
                    line_number: l.line_number,
                    decision: LineDecision::Accept,
                    quantity: None,
                    unit_price: None,
                    promised_date: None,
                })
                .collect();
            crate::orders::lifecycle::acknowledge(
                &txn,
                &system,
                reactor,
                order.id,
                order.version,
                acks,
                Some(format!("Brand-managed replenishment {}", current.number)),
            )
            .await?;
        }
        Ok::<_, Error>(order)
    }
    .await;
    let order = match placed {
        Ok(order) => order,
        Err(err @ (Error::User(_) | Error::Forbidden(_) | Error::NotFound(_))) => {
            drop(txn);
            could_not_order(db, &current, &err).await?;
            return Ok(false);
        }
        Err(other) => return Err(other),
    };
    let saved = Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Internal("a claimed proposal vanished".into()))?;
    let mut row: proposal::ActiveModel = saved.clone().into();
    row.order_id = Set(Some(order.id));
    let saved = row.update(&txn).await?;
    crate::changes::recorded::<Entity>(
        &txn,
        &system,
        Action::ReplenishmentAccept,
        Some(&current),
        &saved,
    )
    .await?;
    event(
        &txn,
        EventType::ReplenishmentAccepted,
        &saved,
        serde_json::json!({ "reason": null }),
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(true)
}

/// The brand could not order a proposal when its window passed (the distributor's credit is
/// not the reason: such an order waits in CREDIT_HOLD): it waits for the distributor, with
/// the reason, and the pass leaves it alone.
async fn could_not_order(db: &DatabaseConnection, row: &Model, err: &Error) -> Result<()> {
    let note: String = format!("the brand could not order it: {err}")
        .chars()
        .take(2000)
        .collect();
    Entity::update_many()
        .col_expr(
            Column::AcceptAfter,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(Column::Note, Expr::value(note))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(Column::Id.eq(row.id))
        .filter(Column::Version.eq(row.version))
        .exec(db)
        .await?;
    Ok(())
}

/// One pass: proposals for enrolled distributors whose reports arrived or whose review day
/// it is, and brand-managed proposals whose window passed ordered. Returns how many
/// proposals it made or ordered.
pub async fn sweep(db: &DatabaseConnection, limits: &TradeSettings) -> Result<usize> {
    let mut changed = 0;
    // Proposals whose window passed are ordered before new ones could take their place.
    let due: Vec<Uuid> = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(ReplenishmentStatus::Pending))
        .filter(Column::BrandManaged.eq(true))
        .filter(Column::AcceptAfter.lte(now()))
        .order_by_asc(Column::AcceptAfter)
        .limit(100)
        .into_tuple()
        .all(db)
        .await?;
    for id in due {
        if order_for_distributor(db, &crate::reactions::Reactions, id, limits).await? {
            changed += 1;
        }
    }
    let today = now().date_naive();
    let enrolled = enrolment::Entity::find()
        .filter(enrolment::Column::Mode.ne(ReplenishmentMode::Off))
        .filter(
            Condition::any()
                .add(enrolment::Column::DueAt.is_not_null())
                .add(enrolment::Column::ReviewedOn.is_null())
                .add(enrolment::Column::ReviewedOn.lt(today)),
        )
        .all(db)
        .await?;
    for e in enrolled {
        // Claimed by a conditional update, so one node proposes.
        let (claim, trigger) = match e.due_at {
            Some(due) => (
                enrolment::Entity::update_many()
                    .col_expr(
                        enrolment::Column::DueAt,
                        Expr::value(Option::<chrono::DateTime<Utc>>::None),
                    )
                    .col_expr(enrolment::Column::ReviewedOn, Expr::value(today))
                    .filter(enrolment::Column::Id.eq(e.id))
                    .filter(enrolment::Column::DueAt.eq(due)),
                ReplenishmentTrigger::Report,
            ),
            None => (
                enrolment::Entity::update_many()
                    .col_expr(enrolment::Column::ReviewedOn, Expr::value(today))
                    .filter(enrolment::Column::Id.eq(e.id))
                    .filter(
                        Condition::any()
                            .add(enrolment::Column::ReviewedOn.is_null())
                            .add(enrolment::Column::ReviewedOn.lt(today)),
                    ),
                ReplenishmentTrigger::ReviewDay,
            ),
        };
        let txn = crate::db::begin_write(db).await?;
        if claim.exec(&txn).await?.rows_affected != 1 {
            continue;
        }
        crate::db::commit(txn).await?;
        let txn = crate::db::begin_write(db).await?;
        let asked = Asked {
            trigger,
            only_if_needed: true,
        };
        match propose(&txn, &Principal::System, e.distributor_id, asked).await {
            Ok(Some(_)) => {
                crate::db::commit(txn).await?;
                changed += 1;
            }
            Ok(None) => {}
            Err(Error::User(why)) => {
                tracing::info!(distributor = %e.distributor_id, reason = %why.message, "no replenishment proposal");
            }
            Err(other) => return Err(other),
        }
    }
    Ok(changed)
}

/// Every `interval`, the node that takes the lease `replenishment` passes, until `stop`
/// turns true.
pub async fn run(
    db: DatabaseConnection,
    limits: TradeSettings,
    interval: std::time::Duration,
    node: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let lease = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::hours(1));
        match crate::events::retention::take_lease(&db, "replenishment", &node, Utc::now() + lease)
            .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "the replenishment lease could not be taken");
                continue;
            }
        }
        match sweep(&db, &limits).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(changes = n, "the replenishment pass made changes"),
            Err(err) => {
                tracing::warn!(error = %err, "the replenishment pass failed; it runs again later")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// Staff see every proposal; a distributor its own, where its member reaches all of its
/// orders (a proposal is the company's, not one member's).
fn visible(principal: &Principal) -> Condition {
    let mut c = Condition::all().add(principal.owned_by_self(Column::DistributorId));
    if principal.is_restricted() && principal.reach(Records::Orders) != crate::access::Reach::All {
        c = c.add(Expr::val(false));
    }
    c
}

/// Which proposals a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub distributor_id: Option<Uuid>,
    pub status: Option<ReplenishmentStatus>,
}

fn proposals(principal: &Principal, filter: &Filter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(d) = filter.distributor_id {
        query = query.filter(Column::DistributorId.eq(d));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Proposals, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Model>> {
    store::page_of(
        db,
        proposals(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
) -> Result<u64> {
    Ok(proposals(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

impl Recorded for Entity {
    fn id_of(model: &Model) -> Uuid {
        model.id
    }
}

/// An enrolment is recorded against its distributor.
impl Recorded for enrolment::Entity {
    fn id_of(model: &enrolment::Model) -> Uuid {
        model.distributor_id
    }
}
