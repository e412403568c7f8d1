//! Submitting and reading inventory and sell-through reports. A report for a date (or a
//! period) already reported replaces the earlier one; both stay, the earlier marked replaced.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::enums::{IndustrySegment, OrganizationKind};
use entity::{
    inventory_report, inventory_report_line, organization, product, sell_through_report,
    sell_through_report_line,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::catalog::products;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::{self, now};

/// Weeks of sales that weeks of supply are measured against.
pub const SUPPLY_WINDOW_WEEKS: u64 = 12;

/// A stock report as submitted.
#[derive(Clone, Debug)]
pub struct NewInventoryReport {
    pub organization_id: Option<Uuid>,
    pub as_of: NaiveDate,
    pub lines: Vec<InventoryLine>,
}

#[derive(Clone, Debug)]
pub struct InventoryLine {
    pub sku: String,
    pub on_hand: Decimal,
    pub on_order: Option<Decimal>,
}

/// A report's line count: at least one, at most [`super::MAX_LINES`].
pub fn check_lines(count: usize) -> crate::error::Result<()> {
    use crate::error::{Error, ErrorCode};
    if count == 0 {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "name at least one line",
        ));
    }
    if count > super::MAX_LINES {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::OutOfRange,
            format!(
                "{count} lines are more than the {} one report may carry",
                super::MAX_LINES
            ),
        ));
    }
    Ok(())
}

impl InventoryLine {
    /// Line `i` of a stock report, checked: a SKU, counts of 0 or more within the limits.
    pub fn checked(
        i: usize,
        sku: &str,
        on_hand: Decimal,
        on_order: Option<Decimal>,
        limits: &crate::settings::TradeSettings,
    ) -> crate::error::Result<Self> {
        let index = i.to_string();
        let at = |name: &'static str| ["input", "lines", index.as_str(), name];
        Ok(InventoryLine {
            sku: crate::domain::sku(&at("sku"), sku)?,
            on_hand: crate::money::count(&at("onHand"), on_hand, limits.max_quantity)?,
            on_order: on_order
                .map(|q| crate::money::count(&at("onOrder"), q, limits.max_quantity))
                .transpose()?,
        })
    }
}

/// A sales report as submitted.
#[derive(Clone, Debug)]
pub struct NewSellThroughReport {
    pub organization_id: Option<Uuid>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub lines: Vec<SellThroughLine>,
    /// The share of all its sales in the period, in percent, that were the brand's
    /// products, as the partner states it.
    pub brand_share_percent: Option<Decimal>,
}

#[derive(Clone, Debug)]
pub struct SellThroughLine {
    pub sku: String,
    pub segment: Option<IndustrySegment>,
    pub quantity: Decimal,
    /// The end customer sold to, where the report names one.
    pub end_customer: Option<Uuid>,
}

impl SellThroughLine {
    /// Line `i` of a sales report, checked: a SKU, units of 0 or more within the limits.
    pub fn checked(
        i: usize,
        sku: &str,
        segment: Option<IndustrySegment>,
        quantity: Decimal,
        limits: &crate::settings::TradeSettings,
    ) -> crate::error::Result<Self> {
        let index = i.to_string();
        let at = |name: &'static str| ["input", "lines", index.as_str(), name];
        Ok(SellThroughLine {
            sku: crate::domain::sku(&at("sku"), sku)?,
            segment,
            quantity: crate::money::count(&at("quantity"), quantity, limits.max_quantity)?,
            end_customer: None,
        })
    }
}

impl Keyed for inventory_report::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.submitted_at)
    }
}

impl Keyed for sell_through_report::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.submitted_at)
    }
}

fn line_error(i: usize, name: &str, code: ErrorCode, message: impl Into<String>) -> Error {
    let index = i.to_string();
    Error::user(&["input", "lines", index.as_str(), name], code, message)
}

/// The organization a report is for: the partner's own, or the one staff name. Distributors
/// and dealers report; the brand counts its own `stock` too.
async fn reporter(
    db: &impl ConnectionTrait,
    principal: &Principal,
    named: Option<Uuid>,
    stock: bool,
) -> Result<organization::Model> {
    principal.ensure_can_report_inventory()?;
    let id = match (named, principal.partner_organization()) {
        (None, Some(own)) => own,
        (Some(named), Some(own)) if named != own => {
            return Err(Error::user(
                &["input", "organizationId"],
                ErrorCode::NotFound,
                "you can report for your own organization only",
            ));
        }
        (Some(named), _) => named,
        (None, None) => {
            return Err(Error::user(
                &["input", "organizationId"],
                ErrorCode::Required,
                "name the organization the report is for",
            ));
        }
    };
    let org = organization::Entity::find_by_id(id)
        .filter(organization::Column::ArchivedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "organizationId"],
                ErrorCode::NotFound,
                "no organization has this organizationId",
            )
        })?;
    // The brand counts its own stock, for supplier planning; it reports no sales.
    let reports = match org.kind {
        OrganizationKind::Distributor | OrganizationKind::IntermediateCustomer => true,
        OrganizationKind::Brand => stock,
        _ => false,
    };
    if !reports {
        return Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotAllowed,
            format!(
                "{} is not a distributor or dealer{}",
                org.code,
                if stock { " or the brand" } else { "" }
            ),
        ));
    }
    if org.status == entity::enums::OrganizationStatus::Pending {
        return Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotAllowed,
            format!(
                "{} waits for the brand's approval; it reports once approved",
                org.code
            ),
        ));
    }
    Ok(org)
}

/// The products named by the lines' SKUs, in line order.
async fn line_products(
    db: &impl ConnectionTrait,
    principal: &Principal,
    skus: &[String],
) -> Result<Vec<product::Model>> {
    let found = products::by_skus(db, principal, skus).await?;
    skus.iter()
        .enumerate()
        .map(|(i, sku)| {
            found.get(sku).cloned().ok_or_else(|| {
                line_error(
                    i,
                    "sku",
                    ErrorCode::NotFound,
                    format!("no product has SKU {sku}"),
                )
            })
        })
        .collect()
}

fn not_in_future(field: &str, day: NaiveDate) -> Result<()> {
    if day > now().date_naive() {
        return Err(Error::user(
            &["input", field],
            ErrorCode::Invalid,
            format!("{field} {day} is in the future"),
        ));
    }
    Ok(())
}

/// Another report for the same date or period arrived in the same instant.
fn raced(err: Error) -> Error {
    match err.unique_violation() {
        Some(_) => Error::user(
            &["input"],
            ErrorCode::Conflict,
            "another report for this date arrived at the same time; send yours again",
        ),
        None => err,
    }
}

/// Submits a stock report, replacing a current one for the same date.
#[tracing::instrument(skip(db, principal, new))]
pub async fn submit_inventory(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewInventoryReport,
) -> Result<(inventory_report::Model, Option<inventory_report::Model>)> {
    let org = reporter(db, principal, new.organization_id, true).await?;
    not_in_future("asOf", new.as_of)?;
    let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
    for (i, sku) in skus.iter().enumerate() {
        if skus[..i].contains(sku) {
            return Err(line_error(
                i,
                "sku",
                ErrorCode::Taken,
                format!("{sku} is reported twice"),
            ));
        }
    }
    let products = line_products(db, principal, &skus).await?;
    let at = now();
    let id = Uuid::now_v7();
    let earlier = inventory_report::Entity::find()
        .filter(inventory_report::Column::OrganizationId.eq(org.id))
        .filter(inventory_report::Column::AsOf.eq(new.as_of))
        .filter(inventory_report::Column::ReplacedAt.is_null())
        .one(db)
        .await?;
    let replaced = match earlier {
        Some(earlier) => {
            let mut row: inventory_report::ActiveModel = earlier.into();
            row.replaced_at = Set(Some(at));
            row.replaced_by = Set(Some(id));
            Some(row.update(db).await?)
        }
        None => None,
    };
    let created = inventory_report::ActiveModel {
        id: Set(id),
        organization_id: Set(org.id),
        as_of: Set(new.as_of),
        submitted_by: Set(principal.user_id()),
        submitted_at: Set(at),
        replaced_at: Set(None),
        replaced_by: Set(None),
    }
    .insert(db)
    .await
    .map_err(|e| raced(e.into()))?;
    inventory_report_line::Entity::insert_many(new.lines.iter().zip(&products).map(
        |(line, product)| inventory_report_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            report_id: Set(id),
            product_id: Set(product.id),
            on_hand: Set(line.on_hand.into()),
            on_order: Set(line.on_order.map(Into::into)),
        },
    ))
    .exec(db)
    .await?;
    crate::changes::recorded::<inventory_report::Entity>(
        db,
        principal,
        crate::audit::Action::InventoryReportSubmit,
        None,
        &created,
    )
    .await?;
    let data = serde_json::json!({
        "report": {
            "id": events::gid(NodeType::InventoryReport, id),
            "organizationId": events::gid(NodeType::Organization, org.id),
            "asOf": new.as_of.to_string(),
            "lines": new.lines.len(),
            "replacesId": replaced_id(replaced.as_ref().map(|r| r.id), NodeType::InventoryReport),
        }
    });
    report_event(db, EventType::InventoryReported, id, org.id, data).await?;
    crate::replenishment::proposals::report_arrived(db, org.id).await?;
    Ok((created, replaced))
}

fn replaced_id(id: Option<Uuid>, node_type: NodeType) -> serde_json::Value {
    id.map_or(serde_json::Value::Null, |id| events::gid(node_type, id))
}

/// A stock or sales report's event, for the reporter: the one partner that reads the
/// report (staff read every one).
async fn report_event(
    db: &impl ConnectionTrait,
    event_type: EventType,
    report_id: Uuid,
    organization_id: Uuid,
    data: serde_json::Value,
) -> Result<()> {
    let audience = vec![organization_id];
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: report_id,
            order_id: None,
            audience,
            data,
        },
    )
    .await?;
    Ok(())
}

/// The end customers a sales report's lines name must be end customers the reporter sees
/// in the directory, or ones the brand authorised it a special price for.
async fn ensure_end_customers(
    db: &impl ConnectionTrait,
    principal: &Principal,
    reporter: Uuid,
    lines: &[SellThroughLine],
) -> Result<()> {
    use entity::{organization, special_price};
    use sea_orm::{Condition, QuerySelect, QueryTrait};
    let named: Vec<Uuid> = lines.iter().filter_map(|l| l.end_customer).collect();
    if named.is_empty() {
        return Ok(());
    }
    let authorised = special_price::Entity::find()
        .select_only()
        .column(special_price::Column::EndCustomerId)
        .filter(special_price::Column::DistributorId.eq(reporter))
        .filter(special_price::Column::Status.eq(entity::enums::SpecialPriceStatus::Approved))
        .into_query();
    let found: Vec<Uuid> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Id.is_in(named.iter().copied()))
        .filter(organization::Column::Kind.eq(entity::enums::OrganizationKind::EndCustomer))
        .filter(organization::Column::ArchivedAt.is_null())
        .filter(
            Condition::any()
                .add(principal.visible_organizations())
                .add(organization::Column::Id.in_subquery(authorised)),
        )
        .into_tuple()
        .all(db)
        .await?;
    for (i, line) in lines.iter().enumerate() {
        if let Some(customer) = line.end_customer
            && !found.contains(&customer)
        {
            return Err(line_error(
                i,
                "endCustomerId",
                ErrorCode::NotFound,
                "no end customer you sell to has this id",
            ));
        }
    }
    Ok(())
}

/// Submits a sales report, replacing a current one for the same period.
#[tracing::instrument(skip(db, principal, new))]
pub async fn submit_sell_through(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewSellThroughReport,
) -> Result<(
    sell_through_report::Model,
    Option<sell_through_report::Model>,
)> {
    let org = reporter(db, principal, new.organization_id, false).await?;
    if new.period_end < new.period_start {
        return Err(Error::user(
            &["input", "periodEnd"],
            ErrorCode::Invalid,
            "periodEnd must not be before periodStart",
        ));
    }
    if new
        .period_start
        .checked_add_months(chrono::Months::new(12))
        .is_none_or(|year| new.period_end > year)
    {
        return Err(Error::user(
            &["input", "periodEnd"],
            ErrorCode::OutOfRange,
            "a report covers at most a year",
        ));
    }
    not_in_future("periodStart", new.period_start)?;
    // Sales are reported once they happened: a period that runs on past today would spread
    // units over days still to come.
    not_in_future("periodEnd", new.period_end)?;
    for (i, line) in new.lines.iter().enumerate() {
        if new.lines[..i].iter().any(|o| {
            o.sku == line.sku && o.segment == line.segment && o.end_customer == line.end_customer
        }) {
            return Err(line_error(
                i,
                "sku",
                ErrorCode::Taken,
                format!(
                    "{} is reported twice for one segment and end customer",
                    line.sku
                ),
            ));
        }
    }
    let skus: Vec<String> = new.lines.iter().map(|l| l.sku.clone()).collect();
    let products = line_products(db, principal, &skus).await?;
    ensure_end_customers(db, principal, org.id, &new.lines).await?;
    let at = now();
    let id = Uuid::now_v7();
    let earlier = sell_through_report::Entity::find()
        .filter(sell_through_report::Column::OrganizationId.eq(org.id))
        .filter(sell_through_report::Column::PeriodStart.eq(new.period_start))
        .filter(sell_through_report::Column::PeriodEnd.eq(new.period_end))
        .filter(sell_through_report::Column::ReplacedAt.is_null())
        .one(db)
        .await?;
    let replaced = match earlier {
        Some(earlier) => {
            let mut row: sell_through_report::ActiveModel = earlier.into();
            row.replaced_at = Set(Some(at));
            row.replaced_by = Set(Some(id));
            Some(row.update(db).await?)
        }
        None => None,
    };
    let created = sell_through_report::ActiveModel {
        id: Set(id),
        organization_id: Set(org.id),
        period_start: Set(new.period_start),
        period_end: Set(new.period_end),
        submitted_by: Set(principal.user_id()),
        submitted_at: Set(at),
        replaced_at: Set(None),
        replaced_by: Set(None),
        brand_share_percent: Set(new.brand_share_percent.map(Into::into)),
    }
    .insert(db)
    .await
    .map_err(|e| raced(e.into()))?;
    sell_through_report_line::Entity::insert_many(new.lines.iter().zip(&products).map(
        |(line, product)| sell_through_report_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            report_id: Set(id),
            product_id: Set(product.id),
            segment: Set(line.segment),
            quantity_sold: Set(line.quantity.into()),
            end_customer_id: Set(line.end_customer),
        },
    ))
    .exec(db)
    .await?;
    crate::changes::recorded::<sell_through_report::Entity>(
        db,
        principal,
        crate::audit::Action::SellThroughReportSubmit,
        None,
        &created,
    )
    .await?;
    let data = serde_json::json!({
        "report": {
            "id": events::gid(NodeType::SellThroughReport, id),
            "organizationId": events::gid(NodeType::Organization, org.id),
            "periodStart": new.period_start.to_string(),
            "periodEnd": new.period_end.to_string(),
            "lines": new.lines.len(),
            "replacesId": replaced_id(replaced.as_ref().map(|r| r.id), NodeType::SellThroughReport),
        }
    });
    report_event(db, EventType::SellThroughReported, id, org.id, data).await?;
    crate::replenishment::proposals::report_arrived(db, org.id).await?;
    Ok((created, replaced))
}

/// Report lists can be narrowed by these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReportFilter {
    pub organization_id: Option<Uuid>,
    pub include_replaced: bool,
}

fn inventory_condition(principal: &Principal, filter: &ReportFilter) -> Condition {
    let mut cond = principal.owned_by_self(inventory_report::Column::OrganizationId);
    if let Some(org) = filter.organization_id {
        cond = cond.add(inventory_report::Column::OrganizationId.eq(org));
    }
    if !filter.include_replaced {
        cond = cond.add(inventory_report::Column::ReplacedAt.is_null());
    }
    cond
}

fn sell_through_condition(principal: &Principal, filter: &ReportFilter) -> Condition {
    let mut cond = principal.owned_by_self(sell_through_report::Column::OrganizationId);
    if let Some(org) = filter.organization_id {
        cond = cond.add(sell_through_report::Column::OrganizationId.eq(org));
    }
    if !filter.include_replaced {
        cond = cond.add(sell_through_report::Column::ReplacedAt.is_null());
    }
    cond
}

pub async fn inventory_list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ReportFilter,
    page: &PageRequest,
) -> Result<Page<inventory_report::Model>> {
    principal.ensure_can_read_orders()?;
    store::page_of(
        db,
        inventory_report::Entity::find().filter(inventory_condition(principal, filter)),
        page,
        Expr::col((
            inventory_report::Entity,
            inventory_report::Column::SubmittedAt,
        )),
        Expr::col((inventory_report::Entity, inventory_report::Column::Id)),
    )
    .await
}

pub async fn inventory_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ReportFilter,
) -> Result<u64> {
    principal.ensure_can_read_orders()?;
    Ok(inventory_report::Entity::find()
        .filter(inventory_condition(principal, filter))
        .count(db)
        .await?)
}

pub async fn sell_through_list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ReportFilter,
    page: &PageRequest,
) -> Result<Page<sell_through_report::Model>> {
    principal.ensure_can_read_orders()?;
    store::page_of(
        db,
        sell_through_report::Entity::find().filter(sell_through_condition(principal, filter)),
        page,
        Expr::col((
            sell_through_report::Entity,
            sell_through_report::Column::SubmittedAt,
        )),
        Expr::col((sell_through_report::Entity, sell_through_report::Column::Id)),
    )
    .await
}

pub async fn sell_through_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ReportFilter,
) -> Result<u64> {
    principal.ensure_can_read_orders()?;
    Ok(sell_through_report::Entity::find()
        .filter(sell_through_condition(principal, filter))
        .count(db)
        .await?)
}

pub async fn inventory_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, inventory_report::Model>> {
    principal.ensure_can_read_orders()?;
    let rows = inventory_report::Entity::find()
        .filter(inventory_report::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(inventory_report::Column::OrganizationId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn sell_through_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, sell_through_report::Model>> {
    principal.ensure_can_read_orders()?;
    let rows = sell_through_report::Entity::find()
        .filter(sell_through_report::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(sell_through_report::Column::OrganizationId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn inventory_lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    report_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<inventory_report_line::Model>>> {
    principal.ensure_can_read_orders()?;
    let visible = inventory_report::Entity::find()
        .select_only()
        .column(inventory_report::Column::Id)
        .filter(principal.owned_by_self(inventory_report::Column::OrganizationId))
        .into_query();
    let rows = inventory_report_line::Entity::find()
        .filter(inventory_report_line::Column::ReportId.is_in(report_ids.iter().copied()))
        .filter(inventory_report_line::Column::ReportId.in_subquery(visible))
        .order_by_asc(inventory_report_line::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.report_id))
}

pub async fn sell_through_lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    report_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<sell_through_report_line::Model>>> {
    principal.ensure_can_read_orders()?;
    let visible = sell_through_report::Entity::find()
        .select_only()
        .column(sell_through_report::Column::Id)
        .filter(principal.owned_by_self(sell_through_report::Column::OrganizationId))
        .into_query();
    let rows = sell_through_report_line::Entity::find()
        .filter(sell_through_report_line::Column::ReportId.is_in(report_ids.iter().copied()))
        .filter(sell_through_report_line::Column::ReportId.in_subquery(visible))
        .order_by_asc(sell_through_report_line::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.report_id))
}

/// What one distributor holds of one SKU, from its latest current stock report, with
/// weeks of supply against its recent sales.
#[derive(Clone, Debug)]
pub struct StockPosition {
    pub organization_id: Uuid,
    pub product_id: Uuid,
    pub as_of: NaiveDate,
    pub on_hand: Decimal,
    pub on_order: Option<Decimal>,
    /// Units sold in current sell-through periods that start in the 12 weeks before `as_of`.
    pub sold_in_window: Decimal,
    pub weeks_of_supply: Option<Decimal>,
}

/// Stock by distributor and SKU: each organization's latest current stock report, joined
/// in the database with its sales of the weeks before.
pub async fn stock_positions(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization: Option<Uuid>,
    product: Option<Uuid>,
) -> Result<Vec<StockPosition>> {
    principal.ensure_can_read_orders()?;
    let r = Alias::new("r");
    let lines = inventory_report_line::Entity;
    use inventory_report::Column as R;
    use inventory_report_line::Column as L;
    // Each organization's latest date with a current report.
    let latest = Query::select()
        .expr(Func::max(Expr::col((Alias::new("r2"), R::AsOf))))
        .from_as(inventory_report::Entity, Alias::new("r2"))
        .and_where(
            Expr::col((Alias::new("r2"), R::OrganizationId)).equals((r.clone(), R::OrganizationId)),
        )
        .and_where(Expr::col((Alias::new("r2"), R::ReplacedAt)).is_null())
        .to_owned();
    let mut stmt = Query::select()
        .column((r.clone(), R::OrganizationId))
        .column((lines, L::ProductId))
        .column((r.clone(), R::AsOf))
        .column((lines, L::OnHand))
        .column((lines, L::OnOrder))
        .from_as(inventory_report::Entity, r.clone())
        .inner_join(
            lines,
            Expr::col((lines, L::ReportId)).equals((r.clone(), R::Id)),
        )
        .and_where(Expr::col((r.clone(), R::ReplacedAt)).is_null())
        .and_where(Expr::col((r.clone(), R::AsOf)).in_subquery(latest))
        .order_by((r.clone(), R::OrganizationId), Order::Asc)
        .order_by((lines, L::ProductId), Order::Asc)
        .to_owned();
    if principal.is_restricted() {
        let visible = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(principal.owned_by_self(organization::Column::Id))
            .into_query();
        stmt.and_where(Expr::col((r.clone(), R::OrganizationId)).in_subquery(visible));
    }
    if let Some(org) = organization {
        stmt.and_where(Expr::col((r.clone(), R::OrganizationId)).eq(org));
    }
    if let Some(product) = product {
        stmt.and_where(Expr::col((lines, L::ProductId)).eq(product));
    }
    let rows = db.query_all(&stmt).await?;
    let mut positions = Vec::with_capacity(rows.len());
    for row in rows {
        positions.push(StockPosition {
            organization_id: row.try_get("", "organization_id")?,
            product_id: row.try_get("", "product_id")?,
            as_of: row.try_get("", "as_of")?,
            on_hand: crate::money::column(&row, "on_hand")?.unwrap_or_default(),
            on_order: crate::money::column(&row, "on_order")?,
            sold_in_window: Decimal::ZERO,
            weeks_of_supply: None,
        });
    }
    let sold = sold_before(db, &positions).await?;
    for p in &mut positions {
        let units = sold
            .get(&(p.organization_id, p.product_id, p.as_of))
            .copied()
            .unwrap_or_default();
        p.sold_in_window = units;
        if units > Decimal::ZERO {
            let weekly = units / Decimal::from(SUPPLY_WINDOW_WEEKS);
            p.weeks_of_supply = Some((p.on_hand / weekly).round_dp(1));
        }
    }
    Ok(positions)
}

/// Units sold per (organization, product, stock date) in the supply window before each date,
/// summed in the database.
async fn sold_before(
    db: &impl ConnectionTrait,
    positions: &[StockPosition],
) -> Result<HashMap<(Uuid, Uuid, NaiveDate), Decimal>> {
    let mut out = HashMap::new();
    // One grouped query per stock date (a distributor reports few dates at a time).
    let mut dates: Vec<(NaiveDate, Vec<Uuid>)> = Vec::new();
    for p in positions {
        match dates.iter_mut().find(|(d, _)| *d == p.as_of) {
            Some((_, orgs)) if !orgs.contains(&p.organization_id) => orgs.push(p.organization_id),
            Some(_) => {}
            None => dates.push((p.as_of, vec![p.organization_id])),
        }
    }
    for (as_of, orgs) in dates {
        let from = as_of
            .checked_sub_days(Days::new(SUPPLY_WINDOW_WEEKS * 7))
            .unwrap_or(as_of);
        let stmt = Query::select()
            .column((
                sell_through_report::Entity,
                sell_through_report::Column::OrganizationId,
            ))
            .column((
                sell_through_report_line::Entity,
                sell_through_report_line::Column::ProductId,
            ))
            .expr_as(
                Func::sum(Expr::col((
                    sell_through_report_line::Entity,
                    sell_through_report_line::Column::QuantitySold,
                ))),
                Alias::new("sold"),
            )
            .from(sell_through_report::Entity)
            .inner_join(
                sell_through_report_line::Entity,
                Expr::col((
                    sell_through_report_line::Entity,
                    sell_through_report_line::Column::ReportId,
                ))
                .equals((sell_through_report::Entity, sell_through_report::Column::Id)),
            )
            .and_where(
                Expr::col((
                    sell_through_report::Entity,
                    sell_through_report::Column::ReplacedAt,
                ))
                .is_null(),
            )
            .and_where(
                Expr::col((
                    sell_through_report::Entity,
                    sell_through_report::Column::OrganizationId,
                ))
                .is_in(orgs),
            )
            .and_where(
                Expr::col((
                    sell_through_report::Entity,
                    sell_through_report::Column::PeriodStart,
                ))
                .gte(from),
            )
            .and_where(
                Expr::col((
                    sell_through_report::Entity,
                    sell_through_report::Column::PeriodStart,
                ))
                .lt(as_of),
            )
            .group_by_col((
                sell_through_report::Entity,
                sell_through_report::Column::OrganizationId,
            ))
            .group_by_col((
                sell_through_report_line::Entity,
                sell_through_report_line::Column::ProductId,
            ))
            .to_owned();
        for row in db.query_all(&stmt).await? {
            let org: Uuid = row.try_get("", "organization_id")?;
            let product: Uuid = row.try_get("", "product_id")?;
            let sold = crate::money::column(&row, "sold")?.unwrap_or_default();
            out.insert((org, product, as_of), sold);
        }
    }
    Ok(out)
}

/// Units one organization sold of one SKU over one reported period.
#[derive(Clone, Debug)]
pub struct SellThroughFigure {
    pub organization_id: Uuid,
    pub product_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub quantity: Decimal,
}

/// Sell-through by period from current reports, summed over segments in the database.
pub async fn sell_through_by_period(
    db: &impl ConnectionTrait,
    principal: &Principal,
    from: NaiveDate,
    to: NaiveDate,
    organization: Option<Uuid>,
    product: Option<Uuid>,
) -> Result<Vec<SellThroughFigure>> {
    principal.ensure_can_read_orders()?;
    let report = sell_through_report::Entity;
    let line = sell_through_report_line::Entity;
    use sell_through_report::Column as R;
    use sell_through_report_line::Column as L;
    let mut stmt = Query::select()
        .column((report, R::OrganizationId))
        .column((line, L::ProductId))
        .column((report, R::PeriodStart))
        .column((report, R::PeriodEnd))
        .expr_as(
            Func::sum(Expr::col((line, L::QuantitySold))),
            Alias::new("quantity"),
        )
        .from(report)
        .inner_join(line, Expr::col((line, L::ReportId)).equals((report, R::Id)))
        .and_where(Expr::col((report, R::ReplacedAt)).is_null())
        .and_where(Expr::col((report, R::PeriodStart)).gte(from))
        .and_where(Expr::col((report, R::PeriodStart)).lte(to))
        .group_by_col((report, R::OrganizationId))
        .group_by_col((line, L::ProductId))
        .group_by_col((report, R::PeriodStart))
        .group_by_col((report, R::PeriodEnd))
        .order_by((report, R::PeriodStart), Order::Asc)
        .order_by((report, R::OrganizationId), Order::Asc)
        .order_by((line, L::ProductId), Order::Asc)
        .to_owned();
    if principal.is_restricted() {
        let visible = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(principal.owned_by_self(organization::Column::Id))
            .into_query();
        stmt.and_where(Expr::col((report, R::OrganizationId)).in_subquery(visible));
    }
    if let Some(org) = organization {
        stmt.and_where(Expr::col((report, R::OrganizationId)).eq(org));
    }
    if let Some(product) = product {
        stmt.and_where(Expr::col((line, L::ProductId)).eq(product));
    }
    let mut out = Vec::new();
    for row in db.query_all(&stmt).await? {
        out.push(SellThroughFigure {
            organization_id: row.try_get("", "organization_id")?,
            product_id: row.try_get("", "product_id")?,
            period_start: row.try_get("", "period_start")?,
            period_end: row.try_get("", "period_end")?,
            quantity: crate::money::column(&row, "quantity")?.unwrap_or_default(),
        });
    }
    Ok(out)
}
