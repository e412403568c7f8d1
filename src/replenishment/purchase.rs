//! Purchase proposals: what the brand's planning proposes it buys from a supplier over the
//! coming weeks, from the supplier forecast (the channel's forecast less the brand's stock
//! position, see [`super::supply`]) and the supplier's commitments.
//!
//! - **Quantity.** Per product, the sum over the horizon of each week's net requirement,
//!   each week capped by what the supplier committed to deliver that week where it made a
//!   commitment, rounded up to a whole unit. What the caps hold back is shown as
//!   `uncommitted`: the need the supplier has not committed to.
//! - **Who acts.** The brand's admins and managers ask for a proposal, and accept it, which
//!   raises the purchase order exactly as `purchaseOrderCreate` would, at each product's
//!   standard cost unless they give a price; or reject it with the reason. A new proposal
//!   takes the place of the supplier's waiting one. Partners never see them.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{OrganizationKind, ProductStatus, ReplenishmentStatus};
use entity::purchase_proposal::{self as proposal, Column, Entity, Model};
use entity::purchase_proposal_line as line;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::supply::{self, SupplyWeek};
use crate::access::Principal;
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::money::{Currency, stored};
use crate::orders::model::{NewPurchaseLine, NewPurchaseOrder};
use crate::orders::reactions::Reactor;
use crate::pagination::{Page, PageRequest};
use crate::settings::TradeSettings;
use crate::store::{self, now};

/// The weeks a proposal covers unless asked otherwise.
pub const DEFAULT_HORIZON_WEEKS: usize = 8;
/// The most weeks a proposal covers: as far as a commitment reaches.
pub const MAX_HORIZON_WEEKS: usize = supply::COMMIT_WEEKS_MAX as usize;

/// What to buy of one product, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bought {
    pub quantity: Decimal,
    pub channel_demand: Decimal,
    pub net_requirement: Decimal,
    /// Σ of the commitments over the horizon; none where the supplier made none.
    pub committed: Option<Decimal>,
    /// Weeks where the commitment held the net requirement back.
    pub capped_weeks: i32,
    pub uncommitted: Decimal,
    pub needed_from: Option<NaiveDate>,
}

/// What to buy over `weeks`: each week's net requirement, capped by the week's commitment
/// where there is one; the sum rounded up to a whole unit.
pub fn buy(weeks: &[SupplyWeek]) -> Bought {
    let mut out = Bought {
        quantity: Decimal::ZERO,
        channel_demand: Decimal::ZERO,
        net_requirement: Decimal::ZERO,
        committed: None,
        capped_weeks: 0,
        uncommitted: Decimal::ZERO,
        needed_from: None,
    };
    let mut capped_sum = Decimal::ZERO;
    for w in weeks {
        out.channel_demand += w.channel_demand;
        out.net_requirement += w.net_requirement;
        if w.net_requirement > Decimal::ZERO && out.needed_from.is_none() {
            out.needed_from = Some(w.week);
        }
        let capped = match w.committed {
            Some(c) => {
                out.committed = Some(out.committed.unwrap_or_default() + c);
                if c < w.net_requirement {
                    out.capped_weeks += 1;
                    out.uncommitted += w.net_requirement - c;
                }
                w.net_requirement.min(c)
            }
            None => w.net_requirement,
        };
        capped_sum += capped;
    }
    out.quantity = capped_sum.ceil().normalize();
    out.channel_demand = out.channel_demand.normalize();
    out.net_requirement = out.net_requirement.normalize();
    out.uncommitted = out.uncommitted.normalize();
    out.committed = out.committed.map(|c| c.normalize());
    out
}

fn ensure_plans(principal: &Principal) -> Result<()> {
    principal.ensure_runs_program().map_err(|e| match e {
        Error::Forbidden(_) => Error::Forbidden(
            "the brand's admins and managers plan what it buys from its suppliers".into(),
        ),
        other => other,
    })
}

/// Works out and writes a purchase proposal for `supplier` over `horizon` weeks from this
/// week on, in place of the one waiting: the brand's admins and managers. One line per
/// active product the supplier makes, in SKU order.
pub async fn propose(
    db: &impl ConnectionTrait,
    principal: &Principal,
    supplier: Uuid,
    horizon: usize,
) -> Result<Model> {
    ensure_plans(principal)?;
    let field: &[&str] = &["input", "supplierId"];
    let org = entity::organization::Entity::find_by_id(supplier)
        .one(db)
        .await?
        .filter(|o| o.archived_at.is_none() && o.kind == OrganizationKind::Supplier)
        .ok_or_else(|| Error::user(field, ErrorCode::NotFound, "no such supplier"))?;
    let made: Vec<Uuid> = entity::product_supplier::Entity::find()
        .filter(entity::product_supplier::Column::SupplierId.eq(supplier))
        .all(db)
        .await?
        .into_iter()
        .map(|ps| ps.product_id)
        .collect();
    let products = entity::product::Entity::find()
        .filter(entity::product::Column::Id.is_in(made))
        .filter(entity::product::Column::Status.eq(ProductStatus::Active))
        .order_by_asc(entity::product::Column::Sku)
        .all(db)
        .await?;
    if products.is_empty() {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("{} makes none of the brand's active products", org.code),
        ));
    }
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let plans = supply::plans(db, supplier, &ids, horizon, supply::Inbound::All).await?;
    let at = now();
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(ReplenishmentStatus::Superseded))
        .col_expr(Column::PendingFor, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(Column::PendingFor.eq(supplier))
        .exec(db)
        .await?;
    let id = Uuid::now_v7();
    let brand_stock_as_of = plans.iter().find_map(|p| p.brand_stock_as_of);
    let created = proposal::ActiveModel {
        id: Set(id),
        number: Set(crate::orders::counters::next_number(db, "PR").await?),
        supplier_id: Set(supplier),
        status: Set(ReplenishmentStatus::Pending),
        as_of: Set(at.date_naive()),
        horizon_weeks: Set(horizon as i32),
        brand_stock_as_of: Set(brand_stock_as_of),
        pending_for: Set(Some(supplier)),
        order_id: Set(None),
        created_by: Set(principal.user_id()),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
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
            "another proposal for this supplier was being made at the same time",
        ),
        e => e,
    })?;
    let lines: Vec<line::ActiveModel> = plans
        .iter()
        .enumerate()
        .map(|(i, plan)| {
            let b = buy(&plan.weeks);
            line::ActiveModel {
                id: Set(Uuid::now_v7()),
                proposal_id: Set(id),
                line_number: Set(i as i32 + 1),
                product_id: Set(plan.product),
                quantity: Set(b.quantity.into()),
                channel_demand: Set(b.channel_demand.into()),
                brand_on_hand: Set(plan.brand_on_hand.into()),
                inbound: Set(plan.inbound.into()),
                net_requirement: Set(b.net_requirement.into()),
                committed: Set(b.committed.map(Into::into)),
                capped_weeks: Set(b.capped_weeks),
                uncommitted: Set(b.uncommitted.into()),
                needed_from: Set(b.needed_from),
                distributors: Set(plan.distributors as i32),
                stale_distributors: Set(plan.stale_distributors as i32),
            }
        })
        .collect();
    line::Entity::insert_many(lines).exec(db).await?;
    crate::changes::recorded::<Entity>(
        db,
        principal,
        Action::PurchaseProposalPropose,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

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

/// A line changed by staff on accepting: its quantity, or its price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub line_number: i32,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
}

/// The purchase order a proposal makes: its lines with something to buy, as proposed or
/// changed, at the product's standard cost unless a price is given, in the products'
/// currency unless one is given.
async fn order_of(
    db: &impl ConnectionTrait,
    row: &Model,
    edits: &[Edit],
    currency: Option<Currency>,
) -> Result<NewPurchaseOrder> {
    let lines = lines_of(db, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    for (i, edit) in edits.iter().enumerate() {
        let index = i.to_string();
        let at = |name: &'static str| ["input", "lines", index.as_str(), name];
        if edits[..i].iter().any(|e| e.line_number == edit.line_number) {
            return Err(Error::user(
                &at("lineNumber"),
                ErrorCode::Taken,
                format!("line {} is changed twice", edit.line_number),
            ));
        }
        if !lines.iter().any(|l| l.line_number == edit.line_number) {
            return Err(Error::user(
                &at("lineNumber"),
                ErrorCode::NotFound,
                format!("proposal {} has no line {}", row.number, edit.line_number),
            ));
        }
        if edit.quantity.is_some_and(|q| q < Decimal::ZERO) {
            return Err(Error::user(
                &at("quantity"),
                ErrorCode::OutOfRange,
                "a quantity is 0 (leave the line out) or more",
            ));
        }
        if edit.unit_price.is_some_and(|p| p < Decimal::ZERO) {
            return Err(Error::user(
                &at("unitPrice"),
                ErrorCode::OutOfRange,
                "a price is 0 or more",
            ));
        }
    }
    let products: HashMap<Uuid, entity::product::Model> = entity::product::Entity::find()
        .filter(entity::product::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut ordered = Vec::new();
    let mut currencies: Vec<String> = Vec::new();
    for l in &lines {
        let edit = edits.iter().find(|e| e.line_number == l.line_number);
        let quantity = edit
            .and_then(|e| e.quantity)
            .unwrap_or_else(|| stored(l.quantity));
        if quantity <= Decimal::ZERO {
            continue;
        }
        let product = products
            .get(&l.product_id)
            .ok_or_else(|| Error::Internal("a proposal's product vanished".into()))?;
        let unit_price = match (edit.and_then(|e| e.unit_price), product.standard_cost) {
            (Some(price), _) => price,
            (None, Some(cost)) => {
                if !currencies.contains(&product.currency) {
                    currencies.push(product.currency.clone());
                }
                *cost
            }
            (None, None) => {
                let index = edits
                    .iter()
                    .position(|e| e.line_number == l.line_number)
                    .map(|i| i.to_string());
                let field: Vec<&str> = match index.as_deref() {
                    Some(i) => vec!["input", "lines", i, "unitPrice"],
                    None => vec!["input", "lines"],
                };
                return Err(Error::user(
                    &field,
                    ErrorCode::Required,
                    format!(
                        "line {} ({}) has no standard cost: give its unitPrice",
                        l.line_number, product.sku
                    ),
                ));
            }
        };
        ordered.push(NewPurchaseLine {
            line_number: l.line_number,
            sku: product.sku.clone(),
            quantity,
            unit_price,
            requested_date: l.needed_from,
        });
    }
    if ordered.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Invalid,
            format!("purchase proposal {} buys nothing", row.number),
        ));
    }
    let currency = match (currency, currencies.as_slice()) {
        (Some(c), [only]) if c.code() != only.as_str() => {
            return Err(Error::user(
                &["input", "currency"],
                ErrorCode::Invalid,
                format!(
                    "the standard costs are in {only}: give each line's unitPrice in {}",
                    c.code()
                ),
            ));
        }
        (Some(c), [] | [_]) => c,
        (None, [only]) => Currency::parse(&["input", "currency"], only)?,
        (None, []) => {
            return Err(Error::user(
                &["input", "currency"],
                ErrorCode::Required,
                "name the currency of the prices you give",
            ));
        }
        (_, _) => {
            return Err(Error::user(
                &["input", "currency"],
                ErrorCode::Invalid,
                format!(
                    "the standard costs are in {}: one purchase order has one currency; give \
                     it and the lines' unitPrice in it",
                    currencies.join(" and ")
                ),
            ));
        }
    };
    Ok(NewPurchaseOrder {
        supplier_id: row.supplier_id,
        currency,
        requested_date: None,
        ship_to_address_id: None,
        // The supplier reads the order: the brand's planning stays its own.
        notes: None,
        lines: ordered,
    })
}

/// What staff change on accepting a purchase proposal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acceptance {
    pub edits: Vec<Edit>,
    /// The order's currency; the standard costs' when none.
    pub currency: Option<Currency>,
}

/// Staff accept a purchase proposal, as proposed or with lines changed: the purchase order
/// is raised as `purchaseOrderCreate` raises it, numbered `PO-`.
pub async fn accept(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reactor: &impl Reactor,
    id: Uuid,
    version: i32,
    acceptance: Acceptance,
    limits: &TradeSettings,
) -> Result<Model> {
    let Acceptance { edits, currency } = acceptance;
    ensure_plans(principal)?;
    let current = store::for_update::<Entity>(db, id, version, visible(principal)).await?;
    if current.status != ReplenishmentStatus::Pending {
        return Err(super::proposals::decided_already(
            "purchase proposal",
            &current.number,
            current.status,
        ));
    }
    let new = order_of(db, &current, &edits, currency).await?;
    let ordered: Vec<(i32, String)> = new
        .lines
        .iter()
        .map(|l| (l.line_number, l.sku.clone()))
        .collect();
    let order = crate::orders::submit::purchase(db, principal, reactor, new, limits)
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

/// A purchase order's refusal in the proposal's terms: a field of the order's line `k`
/// becomes the changed line's quantity, or else the proposal, naming the line.
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
        let name = u.field.get(3).cloned();
        u.field = match edits.iter().position(|e| e.line_number == *number) {
            Some(i) => {
                let mut f = vec!["input".into(), "lines".into(), i.to_string()];
                f.extend(name.filter(|n| n == "unitPrice" || n == "quantity"));
                f
            }
            None => vec!["input".into(), "id".into()],
        };
        u.message = format!("line {number} ({sku}): {}", u.message);
    }
    Error::User(u)
}

/// Staff reject a purchase proposal, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<Model> {
    ensure_plans(principal)?;
    let current = store::for_update::<Entity>(db, id, version, visible(principal)).await?;
    if current.status != ReplenishmentStatus::Pending {
        return Err(super::proposals::decided_already(
            "purchase proposal",
            &current.number,
            current.status,
        ));
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
        ReplenishmentStatus::Rejected => Action::PurchaseProposalReject,
        _ => Action::PurchaseProposalAccept,
    };
    crate::changes::save::<Entity>(db, principal, action, &before, row).await
}

// ---------------------------------------------------------------------------------------
// Reading

/// The brand's staff see every purchase proposal; partners none: they are the brand's
/// planning.
fn visible(principal: &Principal) -> Condition {
    if principal.is_restricted() {
        Condition::all().add(Expr::val(false))
    } else {
        Condition::all()
    }
}

/// Which proposals a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub supplier_id: Option<Uuid>,
    pub status: Option<ReplenishmentStatus>,
}

fn proposals(principal: &Principal, filter: &Filter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(s) = filter.supplier_id {
        query = query.filter(Column::SupplierId.eq(s));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Purchase proposals, newest first.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn week(day: u32, demand: i64, net: i64, committed: Option<i64>) -> SupplyWeek {
        SupplyWeek {
            week: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            channel_demand: Decimal::from(demand),
            net_requirement: Decimal::from(net),
            committed: committed.map(Decimal::from),
        }
    }

    #[test]
    fn each_week_is_capped_by_its_commitment_and_the_sum_rounded_up() {
        let b = buy(&[
            week(7, 30, 0, Some(15)),
            week(14, 30, 20, Some(15)),
            week(21, 30, 30, None),
        ]);
        assert_eq!(b.channel_demand, Decimal::from(90));
        assert_eq!(b.net_requirement, Decimal::from(50));
        assert_eq!(b.committed, Some(Decimal::from(30)));
        assert_eq!(b.capped_weeks, 1);
        assert_eq!(b.uncommitted, Decimal::from(5));
        assert_eq!(b.quantity, Decimal::from(45));
        assert_eq!(b.needed_from, NaiveDate::from_ymd_opt(2026, 12, 14));
    }

    #[test]
    fn a_fraction_of_a_unit_is_bought_whole_and_nothing_needed_buys_nothing() {
        let fraction = SupplyWeek {
            week: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            channel_demand: Decimal::new(125, 1),
            net_requirement: Decimal::new(25, 1),
            committed: None,
        };
        let b = buy(&[fraction]);
        assert_eq!(b.quantity, Decimal::from(3));
        assert_eq!(b.committed, None);
        let none = buy(&[week(7, 10, 0, None)]);
        assert_eq!(none.quantity, Decimal::ZERO);
        assert_eq!(none.needed_from, None);
    }
}
