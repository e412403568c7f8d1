//! Price protection: when a product's list or tier price falls, a distributor's stock on
//! hand earns a credit, (old net price − new net price) × quantity, so that it is not left
//! holding stock bought dear.
//!
//! - **Stock.** The distributor's latest inventory report (portal or 846) as of the day the
//!   price falls, its on-hand quantity of the product.
//! - **Cap.** What it bought of the product from the brand (shipped, at its tier price) in
//!   the `price_protection_days` before: stock bought elsewhere earns nothing.
//! - **Prices.** Its net price for that quantity, by the same rules as an order's, read in
//!   the price change's transaction before and after the change.
//!
//! Credits are proposed as the price changes (`productUpdate`, `priceListUpdate`), in the
//! same transaction; the brand's staff approve them, which settles each by a credit memo, or
//! reject them. A distributor sees its own, where its roles see all of its invoices.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::enums::{CreditSource, OrganizationKind, PriceProtectionStatus};
use entity::price_protection_credit::{self as credit, Column, Entity};
use entity::product;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Principal, Records};
use crate::analytics::sql::Sql;
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::money::{Currency, Money, stored};
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// A distributor's stock of a product that a price change would protect, with its price
/// before the change.
#[derive(Clone, Debug)]
struct Held {
    distributor: Uuid,
    product: product::Model,
    report: Uuid,
    on_hand: Decimal,
    bought: Decimal,
    quantity: Decimal,
    before: Decimal,
    currency: String,
}

/// The stock a price change may protect, read before the change: [`Watch::after`] proposes
/// the credits once it is made.
pub struct Watch {
    on: NaiveDate,
    window_days: u32,
    held: Vec<Held>,
}

impl Watch {
    /// Reads, for `products`, each distributor's stock on hand as of today, what it bought
    /// in the window, and its net price for the protected quantity now.
    pub async fn before(
        db: &impl ConnectionTrait,
        products: &[Uuid],
        window_days: u32,
    ) -> Result<Watch> {
        let on = now().date_naive();
        let mut watch = Watch {
            on,
            window_days,
            held: Vec::new(),
        };
        if products.is_empty() {
            return Ok(watch);
        }
        let Some(brand) = crate::orders::queries::brand_id(db).await? else {
            return Ok(watch);
        };
        let stock = stock_on(db, products, on).await?;
        if stock.is_empty() {
            return Ok(watch);
        }
        let from = on
            .checked_sub_days(Days::new(window_days.into()))
            .unwrap_or(on);
        let bought = bought_since(db, brand, products, from).await?;
        let ids: Vec<Uuid> = stock.iter().map(|s| s.1).collect();
        let models: HashMap<Uuid, product::Model> = product::Entity::find()
            .filter(product::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for (distributor, product, report, on_hand) in stock {
            let bought = bought
                .get(&(distributor, product))
                .copied()
                .unwrap_or_default();
            let quantity = on_hand.min(bought);
            let Some(model) = models.get(&product) else {
                continue;
            };
            if quantity <= Decimal::ZERO {
                continue;
            }
            watch.held.push(Held {
                distributor,
                product: model.clone(),
                report,
                on_hand,
                bought,
                quantity,
                before: Decimal::ZERO,
                currency: String::new(),
            });
        }
        let priced = watch.prices(db).await?;
        watch.held = priced
            .into_iter()
            .filter_map(|(mut h, price)| {
                let (unit, currency) = price?;
                h.before = unit;
                h.currency = currency;
                Some(h)
            })
            .collect();
        Ok(watch)
    }

    /// Each held stock's net price now, per distributor in one pricing read; none where the
    /// distributor has no price (a tier list not valid today).
    async fn prices(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<(Held, Option<(Decimal, String)>)>> {
        let mut by_distributor: Vec<Uuid> = self.held.iter().map(|h| h.distributor).collect();
        by_distributor.sort();
        by_distributor.dedup();
        let mut out = Vec::with_capacity(self.held.len());
        for distributor in by_distributor {
            let mine: Vec<&Held> = self
                .held
                .iter()
                .filter(|h| h.distributor == distributor)
                .collect();
            let lines: Vec<(&product::Model, Decimal)> =
                mine.iter().map(|h| (&h.product, h.quantity)).collect();
            let priced = crate::catalog::pricing::price_lines(
                db,
                distributor,
                self.on,
                &lines,
                &["distributor"],
                &|_| Vec::new(),
            )
            .await;
            match priced {
                Ok((_, prices)) => {
                    for (h, p) in mine.into_iter().zip(prices) {
                        out.push((
                            h.clone(),
                            Some((p.unit_price, p.currency.code().to_owned())),
                        ));
                    }
                }
                Err(Error::User(_)) => out.extend(mine.into_iter().map(|h| (h.clone(), None))),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Proposes a credit for each held stock whose net price fell, in the caller's
    /// transaction, after the price change.
    pub async fn after(
        self,
        db: &impl ConnectionTrait,
        principal: &Principal,
    ) -> Result<Vec<credit::Model>> {
        if self.held.is_empty() {
            return Ok(Vec::new());
        }
        let brand = crate::orders::queries::brand_id(db)
            .await?
            .ok_or_else(|| Error::Internal("the directory has no brand".into()))?;
        let mut proposed = Vec::new();
        for (held, price) in self.prices(db).await? {
            let Some((after, currency)) = price else {
                continue;
            };
            if after >= held.before || currency != held.currency {
                continue;
            }
            let code = Currency::parse(&[], &currency)
                .map_err(|_| Error::Internal("a price has an unknown currency".into()))?;
            let amount = Money::rounded((held.before - after) * held.quantity, code).amount;
            if amount <= Decimal::ZERO {
                continue;
            }
            let at = now();
            let row = credit::Model {
                id: Uuid::now_v7(),
                number: crate::orders::counters::next_number(db, "PP").await?,
                distributor_id: held.distributor,
                seller_id: brand,
                product_id: held.product.id,
                effective_on: self.on,
                inventory_report_id: held.report,
                on_hand: held.on_hand.into(),
                bought: held.bought.into(),
                window_days: self.window_days as i32,
                quantity: held.quantity.into(),
                old_price: held.before.into(),
                new_price: after.into(),
                currency,
                amount: amount.into(),
                status: PriceProtectionStatus::Proposed,
                decided_by: None,
                decided_at: None,
                decision_note: None,
                credit_memo_id: None,
                created_at: at,
                updated_at: at,
                version: 1,
            };
            sea_orm::ActiveModelTrait::insert(credit::ActiveModel::from(row.clone()), db).await?;
            crate::changes::recorded::<Entity>(
                db,
                principal,
                Action::PriceProtectionPropose,
                None,
                &row,
            )
            .await?;
            announce(
                db,
                EventType::PriceProtectionProposed,
                &row,
                &held.product.sku,
            )
            .await?;
            proposed.push(row);
        }
        Ok(proposed)
    }
}

/// Each distributor's latest current inventory report as of `on`: its on-hand quantity of
/// each of `products`, with the report.
async fn stock_on(
    db: &impl ConnectionTrait,
    products: &[Uuid],
    on: NaiveDate,
) -> Result<Vec<(Uuid, Uuid, Uuid, Decimal)>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT r.organization_id AS distributor, l.product_id AS product, r.id AS report, \
         l.on_hand AS on_hand \
         FROM inventory_report_lines l JOIN inventory_reports r ON r.id = l.report_id \
         JOIN organizations o ON o.id = r.organization_id \
         WHERE r.replaced_at IS NULL AND o.kind = ",
    )
    .bind(sea_orm::ActiveEnum::to_value(
        &OrganizationKind::Distributor,
    ))
    .push(" AND r.as_of <= ")
    .bind(on)
    .push(" AND l.on_hand > 0 AND l.product_id IN ")
    .ids(products)
    .push(
        " AND r.as_of = (SELECT MAX(r2.as_of) FROM inventory_reports r2 \
         WHERE r2.organization_id = r.organization_id AND r2.replaced_at IS NULL \
         AND r2.as_of <= ",
    )
    .bind(on)
    .push(") ORDER BY r.organization_id, l.product_id");
    let mut out = Vec::new();
    for row in db.query_all_raw(q.build()).await? {
        out.push((
            row.try_get("", "distributor")?,
            row.try_get("", "product")?,
            row.try_get("", "report")?,
            crate::money::column(&row, "on_hand")?.unwrap_or_default(),
        ));
    }
    Ok(out)
}

/// What each distributor bought of each of `products` from the brand since `from`: shipped
/// quantities of its orders at its usual prices (not at a special price).
async fn bought_since(
    db: &impl ConnectionTrait,
    brand: Uuid,
    products: &[Uuid],
    from: NaiveDate,
) -> Result<HashMap<(Uuid, Uuid), Decimal>> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT o.buyer_id AS distributor, l.product_id AS product, \
         SUM(l.shipped_quantity) AS bought \
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.seller_id = ",
    )
    .bind(brand)
    .push(" AND o.kind = 'SALES' AND o.submitted_at >= ")
    .bind(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    .push(" AND l.status <> 'CANCELLED' AND l.price_source <> 'SPECIAL_PRICE' AND l.product_id IN ")
    .ids(products)
    .push(" GROUP BY o.buyer_id, l.product_id");
    let mut out = HashMap::new();
    for row in db.query_all_raw(q.build()).await? {
        let bought = crate::money::column(&row, "bought")?.unwrap_or_default();
        out.insert(
            (row.try_get("", "distributor")?, row.try_get("", "product")?),
            bought,
        );
    }
    Ok(out)
}

async fn announce(
    db: &impl ConnectionTrait,
    event_type: EventType,
    row: &credit::Model,
    sku: &str,
) -> Result<()> {
    let currency = row.currency.as_str();
    let money = |v: Decimal| json!({ "amount": crate::money::shown(v, currency).to_string(), "currency": currency });
    let data = json!({
        "priceProtection": {
            "id": events::gid(NodeType::PriceProtectionCredit, row.id),
            "number": row.number,
            "status": sea_orm::ActiveEnum::to_value(&row.status),
            "sku": sku,
            "quantity": stored(row.quantity).normalize().to_string(),
            "oldPrice": money(stored(row.old_price)),
            "newPrice": money(stored(row.new_price)),
            "amount": money(stored(row.amount)),
        },
        "distributorId": events::gid(NodeType::Organization, row.distributor_id),
    });
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: row.id,
            order_id: None,
            audience: vec![row.distributor_id],
            data,
        },
    )
    .await?;
    Ok(())
}

fn not_waiting(row: &credit::Model) -> Error {
    Error::user(
        &["input", "id"],
        ErrorCode::IllegalTransition,
        format!(
            "price protection credit {} is {}; only a proposed one is decided",
            row.number,
            sea_orm::ActiveEnum::to_value(&row.status).to_lowercase()
        ),
    )
}

fn ensure_can_decide(principal: &Principal) -> Result<()> {
    principal.ensure_can_manage_catalog().map_err(|e| match e {
        Error::Forbidden(_) => Error::Forbidden(
            "price protection credits are decided by the brand's admins and managers".into(),
        ),
        other => other,
    })
}

/// The brand approves a proposed credit: a credit memo settles it.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    note: Option<String>,
) -> Result<credit::Model> {
    ensure_can_decide(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != PriceProtectionStatus::Proposed {
        return Err(not_waiting(&current));
    }
    let sku = product::Entity::find_by_id(current.product_id)
        .one(db)
        .await?
        .map(|p| p.sku)
        .unwrap_or_default();
    let line = super::credit_memos::NewCreditLine {
        source: CreditSource::PriceProtection,
        source_id: current.id,
        description: format!(
            "price protection {}: {} {sku} from {} to {}",
            current.number,
            stored(current.quantity).normalize(),
            stored(current.old_price).normalize(),
            stored(current.new_price).normalize()
        ),
        amount: stored(current.amount),
    };
    let (memo, _) = super::credit_memos::issue(
        db,
        principal,
        current.distributor_id,
        &current.currency,
        vec![line],
    )
    .await?;
    let before = current.clone();
    let mut row: credit::ActiveModel = current.into();
    row.status = Set(PriceProtectionStatus::Approved);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(note);
    row.credit_memo_id = Set(Some(memo.id));
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::PriceProtectionApprove, &before, row)
            .await?;
    announce(db, EventType::PriceProtectionApproved, &saved, &sku).await?;
    Ok(saved)
}

/// The brand rejects a proposed credit, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<credit::Model> {
    ensure_can_decide(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != PriceProtectionStatus::Proposed {
        return Err(not_waiting(&current));
    }
    let sku = product::Entity::find_by_id(current.product_id)
        .one(db)
        .await?
        .map(|p| p.sku)
        .unwrap_or_default();
    let before = current.clone();
    let mut row: credit::ActiveModel = current.into();
    row.status = Set(PriceProtectionStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_note = Set(Some(reason));
    let saved =
        crate::changes::save::<Entity>(db, principal, Action::PriceProtectionReject, &before, row)
            .await?;
    announce(db, EventType::PriceProtectionRejected, &saved, &sku).await?;
    Ok(saved)
}

/// What a principal sees: staff all; a distributor its own, where its roles see all of its
/// company's invoices.
fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(Column::DistributorId))
        .add(principal.reaching_all(Records::Invoices))
}

/// Which credits a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PriceProtectionFilter {
    pub distributor_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub status: Option<PriceProtectionStatus>,
}

fn credits(
    principal: &Principal,
    filter: &PriceProtectionFilter,
) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.distributor_id {
        query = query.filter(Column::DistributorId.eq(org));
    }
    if let Some(product) = filter.product_id {
        query = query.filter(Column::ProductId.eq(product));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Price protection credits, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &PriceProtectionFilter,
    page: &PageRequest,
) -> Result<Page<credit::Model>> {
    store::page_of(
        db,
        credits(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &PriceProtectionFilter,
) -> Result<u64> {
    Ok(credits(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, credit::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The credits among `ids` the principal sees: none for one that does not read them.
pub async fn seen_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, credit::Model>> {
    if principal.ensure_can_read_orders().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

impl Recorded for Entity {
    fn id_of(model: &credit::Model) -> Uuid {
        model.id
    }
}
