//! Supplier planning: what the brand will need of a product from its suppliers, week by
//! week, from what the channel will sell.
//!
//! - **Channel demand.** Every distributor's forecast of the product (see [`super::forecast`]),
//!   added up per week from this week on. A distributor whose sell-through is stale adds
//!   nothing, and is counted in `stale_distributors`.
//! - **The brand's stock position.** What its own latest stock report holds, and what is
//!   coming on its purchase orders (still to ship, or shipped and not arrived): to this
//!   supplier in the supplier's forecast and 830, which never show what the brand buys from
//!   another; from every supplier of the product in the brand's purchase proposals.
//! - **Net requirement.** Week by week, the demand the position no longer covers:
//!   `net = max(0, demand − available)`, then `available = max(0, available − demand)`.
//!
//! Staff see any supplier's products; a supplier only the products it makes; no one else.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::enums::{OrderKind, OrganizationKind};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::forecast::{self, HISTORY_WEEKS, shown, week_of};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::money::stored;

/// One week of a supplier forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplyWeek {
    /// The Monday it starts on.
    pub week: NaiveDate,
    /// What the channel is forecast to sell.
    pub channel_demand: Decimal,
    /// What the brand's stock position no longer covers.
    pub net_requirement: Decimal,
    /// What the supplier committed to deliver that week, where it did.
    pub committed: Option<Decimal>,
}

/// The brand's demand for a product from a supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierForecast {
    pub supplier: Uuid,
    pub product: Uuid,
    pub weeks: Vec<SupplyWeek>,
    /// Distributors whose forecast counts.
    pub distributors: usize,
    /// Distributors that stopped reporting: they add nothing.
    pub stale_distributors: usize,
    pub brand_on_hand: Decimal,
    pub brand_stock_as_of: Option<NaiveDate>,
    /// Coming on the brand's purchase orders.
    pub inbound: Decimal,
}

/// Whose purchase orders count as inbound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inbound {
    /// The supplier's own: what it is shown.
    FromSupplier,
    /// Every supplier's: the brand's whole position, for its own planning.
    All,
}

/// Nets `demand` week by week against `available`.
pub fn net(demand: &[Decimal], mut available: Decimal) -> Vec<Decimal> {
    demand
        .iter()
        .map(|d| {
            let net = (*d - available).max(Decimal::ZERO);
            available = (available - *d).max(Decimal::ZERO);
            net
        })
        .collect()
}

/// The supplier whose forecast the principal asks for, where it may see it: a supplier its
/// own (`named` left out or its own); staff any supplier, named. None for anyone else, or
/// for a product the supplier does not make.
async fn in_view(
    db: &impl ConnectionTrait,
    principal: &Principal,
    named: Option<Uuid>,
    product: Uuid,
) -> Result<Option<Uuid>> {
    principal.ensure_can_read_orders()?;
    let Some(supplier) =
        super::policies::own_or_named(principal, named, &["supplierId"], "supplier")?
    else {
        return Ok(None);
    };
    let is_supplier = entity::organization::Entity::find_by_id(supplier)
        .one(db)
        .await?
        .is_some_and(|o| o.kind == OrganizationKind::Supplier);
    let makes = entity::product_supplier::Entity::find()
        .filter(entity::product_supplier::Column::SupplierId.eq(supplier))
        .filter(entity::product_supplier::Column::ProductId.eq(product))
        .one(db)
        .await?
        .is_some();
    Ok((is_supplier && makes).then_some(supplier))
}

/// The brand's demand for `product` from `supplier`, `horizon` weeks from this week on, as
/// the principal may see it.
pub async fn supplier_forecast(
    db: &impl ConnectionTrait,
    principal: &Principal,
    supplier: Option<Uuid>,
    product: Uuid,
    horizon: usize,
) -> Result<Option<SupplierForecast>> {
    let Some(supplier) = in_view(db, principal, supplier, product).await? else {
        return Ok(None);
    };
    Ok(
        plans(db, supplier, &[product], horizon, Inbound::FromSupplier)
            .await?
            .pop(),
    )
}

/// The brand's demand for each of `products` from `supplier`, `horizon` weeks from this week
/// on, net of the `inbound` purchase orders: the channel's sell-through read in one
/// statement for all of them.
pub async fn plans(
    db: &impl ConnectionTrait,
    supplier: Uuid,
    products: &[Uuid],
    horizon: usize,
    inbound: Inbound,
) -> Result<Vec<SupplierForecast>> {
    let today = crate::store::now().date_naive();
    let since = today - Days::new(7 * HISTORY_WEEKS);
    let this_week = week_of(today);
    let reported = forecast::reported_by(db, None, products, since).await?;
    let brand = crate::orders::queries::brand_id(db).await?;
    let (on_hand, as_of, inbound) = match brand {
        Some(brand) => {
            let (on_hand, as_of) = brand_stock(db, brand, products).await?;
            let inbound = super::proposals::in_transit(
                db,
                OrderKind::Purchase,
                brand,
                (inbound == Inbound::FromSupplier).then_some(supplier),
                products,
                today,
                &HashMap::new(),
            )
            .await?;
            (on_hand, as_of, inbound)
        }
        None => (HashMap::new(), None, HashMap::new()),
    };
    let committed = current_commitments(db, supplier, products, this_week).await?;
    let mut out = Vec::with_capacity(products.len());
    for product in products {
        let mut demand = vec![0.0_f64; horizon];
        let (mut counted, mut stale) = (0, 0);
        for ((_, of), reports) in &reported {
            if of != product {
                continue;
            }
            let made = forecast::forecast(reports, 1, today);
            let (Some(fit), Some((last, _))) = (&made.fit, made.series.weeks.last()) else {
                continue;
            };
            if made.stale {
                stale += 1;
                continue;
            }
            counted += 1;
            for (k, week) in demand.iter_mut().enumerate() {
                let monday = this_week + Days::new(7 * k as u64);
                let h = ((monday - *last).num_days() / 7).max(1) as usize;
                *week += fit.ahead(h);
            }
        }
        let brand_on_hand = on_hand.get(product).copied().unwrap_or_default();
        let coming = inbound.get(product).copied().unwrap_or_default();
        let channel: Vec<Decimal> = demand.iter().map(|d| shown(*d)).collect();
        let nets = net(&channel, brand_on_hand + coming);
        out.push(SupplierForecast {
            supplier,
            product: *product,
            weeks: channel
                .iter()
                .zip(nets)
                .enumerate()
                .map(|(k, (d, n))| {
                    let week = this_week + Days::new(7 * k as u64);
                    SupplyWeek {
                        week,
                        channel_demand: d.normalize(),
                        net_requirement: n.normalize(),
                        committed: committed.get(&(*product, week)).copied(),
                    }
                })
                .collect(),
            distributors: counted,
            stale_distributors: stale,
            brand_on_hand,
            brand_stock_as_of: as_of,
            inbound: coming,
        });
    }
    Ok(out)
}

/// The brand sends a supplier that trades by X12 its forecast for every product it makes,
/// `horizon` weeks from this week on, as an 830 numbered `PS-000001`: the brand's admins and
/// managers. Answers the number and the interchange.
pub async fn send(
    db: &impl ConnectionTrait,
    principal: &Principal,
    supplier: Uuid,
    horizon: usize,
) -> Result<(String, entity::edi_interchange::Model)> {
    principal.ensure_runs_program().map_err(|e| match e {
        Error::Forbidden(_) => {
            Error::Forbidden("the brand's admins and managers send suppliers forecasts".into())
        }
        other => other,
    })?;
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
        .filter(entity::product::Column::Id.is_in(made.iter().copied()))
        .order_by_asc(entity::product::Column::Sku)
        .all(db)
        .await?;
    if products.is_empty() {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("{} makes none of the brand's products", org.code),
        ));
    }
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let mut forecasts = plans(db, supplier, &ids, horizon, Inbound::FromSupplier).await?;
    let schedule: Vec<(entity::product::Model, Vec<SupplyWeek>)> = products
        .into_iter()
        .map(|p| {
            let weeks = forecasts
                .iter_mut()
                .find(|f| f.product == p.id)
                .map(|f| std::mem::take(&mut f.weeks))
                .unwrap_or_default();
            (p, weeks)
        })
        .collect();
    let number = crate::orders::counters::next_number(db, "PS").await?;
    crate::audit::record(
        db,
        principal,
        crate::audit::Action::SupplierForecastSend,
        Some(supplier),
        None,
        Some(&serde_json::json!({ "number": number, "weeks": horizon })),
    )
    .await?;
    let sent = crate::edi::outbound::planning_schedule(db, supplier, &number, &schedule)
        .await?
        .ok_or_else(|| {
            Error::user(
                field,
                ErrorCode::NotAllowed,
                format!(
                    "{} does not trade by X12; its planners read supplierForecast in the portal",
                    org.code
                ),
            )
        })?;
    Ok((number, sent))
}

/// What the brand's latest stock report holds of each of `products`, and that report's day;
/// nothing where the brand never counted its stock.
async fn brand_stock(
    db: &impl ConnectionTrait,
    brand: Uuid,
    products: &[Uuid],
) -> Result<(HashMap<Uuid, Decimal>, Option<NaiveDate>)> {
    use entity::{inventory_report, inventory_report_line};
    let Some(report) = inventory_report::Entity::find()
        .filter(inventory_report::Column::OrganizationId.eq(brand))
        .filter(inventory_report::Column::ReplacedAt.is_null())
        .order_by_desc(inventory_report::Column::AsOf)
        .one(db)
        .await?
    else {
        return Ok((HashMap::new(), None));
    };
    let on_hand = inventory_report_line::Entity::find()
        .filter(inventory_report_line::Column::ReportId.eq(report.id))
        .filter(inventory_report_line::Column::ProductId.is_in(products.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.product_id, stored(l.on_hand)))
        .collect();
    Ok((on_hand, Some(report.as_of)))
}

/// The current commitments of `supplier` for `products`, from `from` on, by product and
/// week.
async fn current_commitments(
    db: &impl ConnectionTrait,
    supplier: Uuid,
    products: &[Uuid],
    from: NaiveDate,
) -> Result<HashMap<(Uuid, NaiveDate), Decimal>> {
    use entity::supplier_commitment::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::SupplierId.eq(supplier))
        .filter(Column::ProductId.is_in(products.iter().copied()))
        .filter(Column::WeekStart.gte(from))
        .filter(Column::ReplacedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| ((c.product_id, c.week_start), stored(c.quantity).normalize()))
        .collect())
}

/// What a supplier commits to deliver in a week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeekCommitment {
    pub week: NaiveDate,
    pub quantity: Decimal,
}

/// A supplier's commitment for a product, week by week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCommitment {
    /// Named by staff; a supplier commits for itself.
    pub supplier: Option<Uuid>,
    pub product: Uuid,
    pub weeks: Vec<WeekCommitment>,
    pub note: Option<String>,
}

/// The most weeks ahead a commitment reaches.
pub const COMMIT_WEEKS_MAX: u64 = 52;

/// A supplier confirms or adjusts what it commits to deliver of a product, week by week: its
/// members who may trade, for itself; the brand's admins and managers for a supplier they
/// name. Each week's commitment replaces the current one, which stays as history.
pub async fn commit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewCommitment,
) -> Result<Vec<entity::supplier_commitment::Model>> {
    let NewCommitment {
        supplier,
        product,
        weeks,
        note,
    } = new;
    use entity::supplier_commitment::{ActiveModel, Column, Entity};
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::Expr;
    let supplier = if principal.is_restricted() {
        principal.ensure_can_trade()?;
        let own = principal
            .partner_organization()
            .ok_or_else(|| Error::Forbidden("a supplier commits for itself".into()))?;
        if supplier.is_some_and(|s| s != own) {
            return Err(Error::user(
                &["input", "supplierId"],
                ErrorCode::NotFound,
                "you commit for your own company only",
            ));
        }
        own
    } else {
        principal.ensure_runs_program().map_err(|e| match e {
            Error::Forbidden(_) => Error::Forbidden(
                "suppliers commit capacity; the brand's admins and managers record it for them"
                    .into(),
            ),
            other => other,
        })?;
        supplier.ok_or_else(|| {
            Error::user(
                &["input", "supplierId"],
                ErrorCode::Required,
                "name the supplier",
            )
        })?
    };
    let is_supplier = entity::organization::Entity::find_by_id(supplier)
        .one(db)
        .await?
        .is_some_and(|o| o.kind == OrganizationKind::Supplier);
    if !is_supplier {
        return Err(if principal.is_restricted() {
            Error::Forbidden("suppliers commit capacity".into())
        } else {
            Error::user(
                &["input", "supplierId"],
                ErrorCode::NotFound,
                "no such supplier",
            )
        });
    }
    let makes = entity::product_supplier::Entity::find()
        .filter(entity::product_supplier::Column::SupplierId.eq(supplier))
        .filter(entity::product_supplier::Column::ProductId.eq(product))
        .one(db)
        .await?
        .is_some();
    if !makes {
        return Err(Error::user(
            &["input", "productId"],
            ErrorCode::NotFound,
            "the supplier does not make this product",
        ));
    }
    let this_week = week_of(crate::store::now().date_naive());
    let last = this_week + Days::new(7 * COMMIT_WEEKS_MAX);
    for (i, w) in weeks.iter().enumerate() {
        let index = i.to_string();
        let field = ["input", "weeks", index.as_str(), "weekStart"];
        if week_of(w.week) != w.week {
            return Err(Error::user(
                &field,
                ErrorCode::Invalid,
                format!("{} is not a Monday: a week starts on Monday", w.week),
            ));
        }
        if w.week < this_week || w.week > last {
            return Err(Error::user(
                &field,
                ErrorCode::OutOfRange,
                format!("a week from {this_week} to {last}"),
            ));
        }
        if weeks[..i].iter().any(|o| o.week == w.week) {
            return Err(Error::user(
                &field,
                ErrorCode::Taken,
                format!("the week of {} is given twice", w.week),
            ));
        }
    }
    let at = crate::store::now();
    let mut written = Vec::with_capacity(weeks.len());
    for w in weeks {
        let id = Uuid::now_v7();
        Entity::update_many()
            .col_expr(Column::ReplacedAt, Expr::value(at))
            .col_expr(Column::ReplacedBy, Expr::value(id))
            .col_expr(Column::CurrentKey, Expr::value(Option::<String>::None))
            .filter(Column::SupplierId.eq(supplier))
            .filter(Column::ProductId.eq(product))
            .filter(Column::WeekStart.eq(w.week))
            .filter(Column::ReplacedAt.is_null())
            .exec(db)
            .await?;
        let row = ActiveModel {
            id: Set(id),
            supplier_id: Set(supplier),
            product_id: Set(product),
            week_start: Set(w.week),
            quantity: Set(w.quantity.into()),
            note: Set(note.clone()),
            committed_by: Set(principal.user_id()),
            created_at: Set(at),
            replaced_at: Set(None),
            replaced_by: Set(None),
            current_key: Set(Some(format!("{supplier}/{product}/{}", w.week))),
        };
        let saved =
            sea_orm::ActiveModelTrait::insert(row, db)
                .await
                .map_err(|e| match Error::from(e) {
                    e if e.unique_violation().is_some() => Error::user(
                        &["input", "weeks"],
                        ErrorCode::Conflict,
                        "the commitment was changed at the same time; read it and try again",
                    ),
                    e => e,
                })?;
        crate::changes::recorded::<Entity>(
            db,
            principal,
            crate::audit::Action::SupplierCommit,
            None,
            &saved,
        )
        .await?;
        written.push(saved);
    }
    Ok(written)
}

/// A supplier's commitments for a product, the current ones and (`replaced`) those they
/// replaced, by week and newest first, as the principal may see them: staff any supplier's,
/// a supplier its own. None where it may not.
pub async fn commitments(
    db: &impl ConnectionTrait,
    principal: &Principal,
    supplier: Option<Uuid>,
    product: Uuid,
    replaced: bool,
) -> Result<Option<Vec<entity::supplier_commitment::Model>>> {
    use entity::supplier_commitment::{Column, Entity};
    let Some(supplier) = in_view(db, principal, supplier, product).await? else {
        return Ok(None);
    };
    let mut q = Entity::find()
        .filter(Column::SupplierId.eq(supplier))
        .filter(Column::ProductId.eq(product));
    if !replaced {
        q = q.filter(Column::ReplacedAt.is_null());
    }
    Ok(Some(
        q.order_by_asc(Column::WeekStart)
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .limit(1000)
            .all(db)
            .await?,
    ))
}

/// A commitment is recorded against its supplier.
impl crate::changes::Recorded for entity::supplier_commitment::Entity {
    fn id_of(model: &entity::supplier_commitment::Model) -> Uuid {
        model.supplier_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_covers_the_first_weeks_then_each_week_is_needed_in_full() {
        let d = |v: i64| Decimal::from(v);
        assert_eq!(
            net(&[d(112), d(114), d(116)], d(190)),
            vec![d(0), d(36), d(116)]
        );
        assert_eq!(net(&[d(5)], d(0)), vec![d(5)]);
    }
}
