//! Inventory and sell-through reports in GraphQL.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::service::{
    self, InventoryLine, NewInventoryReport, NewSellThroughReport, ReportFilter, SellThroughLine,
};
use crate::access::Principal;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::money;
use crate::organizations::graphql::{IndustrySegment, Organization, input_id, organization_by_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::reports::loaders::{
    InventoryLinesOf, InventoryReportId, SellThroughLinesOf, SellThroughReportId,
};
use crate::settings::TradeSettings;
use entity::{
    inventory_report, inventory_report_line, sell_through_report, sell_through_report_line,
};

async fn product(ctx: &Context<'_>, id: uuid::Uuid) -> async_graphql::Result<Option<Product>> {
    Ok(load_one(ctx, ProductId(id)).await?.map(Product))
}

/// What a distributor or dealer held on a date, per SKU (X12 846).
#[derive(Clone, Debug)]
pub struct InventoryReport(pub inventory_report::Model);

/// What a distributor or dealer held on a date, per SKU (X12 846).
#[Object]
impl InventoryReport {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::InventoryReport, self.0.id))
    }
    /// Who reported.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The day the stock was counted.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// When it arrived.
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.0.submitted_at)
    }
    /// When a later report for the same day replaced it; null while current.
    async fn replaced_at(&self) -> Option<DateTime> {
        self.0.replaced_at.map(DateTime)
    }
    /// The report that replaced it.
    async fn replaced_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<InventoryReport>> {
        let Some(id) = self.0.replaced_by else {
            return Ok(None);
        };
        Ok(load_one(ctx, InventoryReportId(id))
            .await?
            .map(InventoryReport))
    }
    /// Stock per SKU.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InventoryReportLine>> {
        let rows = load_one(ctx, InventoryLinesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(InventoryReportLine).collect())
    }
}

/// Stock of one SKU.
#[derive(Clone, Debug)]
pub struct InventoryReportLine(pub inventory_report_line::Model);

/// Stock of one SKU.
#[Object]
impl InventoryReportLine {
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        product(ctx, self.0.product_id).await
    }
    /// Units on hand, in the product's unit.
    async fn on_hand(&self) -> Decimal {
        Decimal(money::stored(self.0.on_hand))
    }
    /// Units on order from the brand, if reported.
    async fn on_order(&self) -> Option<Decimal> {
        self.0.on_order.map(|q| Decimal(money::stored(q)))
    }
}

/// What a distributor or dealer sold over a period, per SKU and optionally per customer
/// segment (X12 852).
#[derive(Clone, Debug)]
pub struct SellThroughReport(pub sell_through_report::Model);

/// What a distributor or dealer sold over a period, per SKU and optionally per customer
/// segment (X12 852).
#[Object]
impl SellThroughReport {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::SellThroughReport, self.0.id))
    }
    /// Who reported.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The first day of the period.
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }
    /// The last day of the period.
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }
    /// When it arrived.
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.0.submitted_at)
    }
    /// The share of all its sales in the period, in percent, that were the brand's
    /// products, as the partner stated it; null when it did not say.
    async fn brand_share_percent(&self) -> Option<Decimal> {
        self.0
            .brand_share_percent
            .map(|p| Decimal(crate::money::stored(p)))
    }
    /// When a later report for the same period replaced it; null while current.
    async fn replaced_at(&self) -> Option<DateTime> {
        self.0.replaced_at.map(DateTime)
    }
    /// The report that replaced it.
    async fn replaced_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<SellThroughReport>> {
        let Some(id) = self.0.replaced_by else {
            return Ok(None);
        };
        Ok(load_one(ctx, SellThroughReportId(id))
            .await?
            .map(SellThroughReport))
    }
    /// Sales per SKU and segment.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SellThroughReportLine>> {
        let rows = load_one(ctx, SellThroughLinesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(SellThroughReportLine).collect())
    }
}

/// Sales of one SKU, to one customer segment if reported by segment.
#[derive(Clone, Debug)]
pub struct SellThroughReportLine(pub sell_through_report_line::Model);

/// Sales of one SKU, to one customer segment if reported by segment.
#[Object]
impl SellThroughReportLine {
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        product(ctx, self.0.product_id).await
    }
    /// The customer segment sold to; null when not reported by segment.
    async fn segment(&self) -> Option<IndustrySegment> {
        self.0.segment.map(Into::into)
    }
    /// Units sold.
    async fn quantity_sold(&self) -> Decimal {
        Decimal(money::stored(self.0.quantity_sold))
    }
}

/// What one organization holds of one SKU, from its latest current stock report.
pub struct StockPosition(service::StockPosition);

/// What one organization holds of one SKU, from its latest current stock report.
#[Object]
impl StockPosition {
    /// Who holds it.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        product(ctx, self.0.product_id).await
    }
    /// The day of the stock report.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// Units on hand.
    async fn on_hand(&self) -> Decimal {
        Decimal(self.0.on_hand)
    }
    /// Units on order, if reported.
    async fn on_order(&self) -> Option<Decimal> {
        self.0.on_order.map(Decimal)
    }
    /// Units sold in the current sell-through periods that start in the 12 weeks before the
    /// stock date.
    async fn sold_last_12_weeks(&self) -> Decimal {
        Decimal(self.0.sold_in_window)
    }
    /// On hand divided by average weekly sales over those 12 weeks, to one decimal; null
    /// when nothing was sold.
    async fn weeks_of_supply(&self) -> Option<Decimal> {
        self.0.weeks_of_supply.map(Decimal)
    }
}

/// Units one organization sold of one SKU over one reported period, over all segments.
pub struct SellThroughFigure(service::SellThroughFigure);

/// Units one organization sold of one SKU over one reported period, over all segments.
#[Object]
impl SellThroughFigure {
    /// Who sold.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        product(ctx, self.0.product_id).await
    }
    /// The first day of the period.
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }
    /// The last day of the period.
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }
    /// Units sold.
    async fn quantity(&self) -> Decimal {
        Decimal(self.0.quantity)
    }
}

/// Narrows a list of reports.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ReportFilterInput {
    /// Only this organization's reports.
    pub organization_id: Option<ID>,
    /// Include reports that a later one replaced. Default false.
    #[graphql(default)]
    pub include_replaced: bool,
}

impl ReportFilterInput {
    fn parse(self) -> Result<ReportFilter> {
        Ok(ReportFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            include_replaced: self.include_replaced,
        })
    }
}

enum ListCount {
    Inventory(ReportFilter),
    SellThrough(ReportFilter),
}

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = &crate::replica::for_figures(ctx).await?;
            let n = match self {
                ListCount::Inventory(f) => service::inventory_count(db, principal, f).await,
                ListCount::SellThrough(f) => service::sell_through_count(db, principal, f).await,
            }
            .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

fn newest_first() -> Sort {
    Sort {
        key: SortKey::CreatedAt,
        descending: true,
    }
}

/// The product an `sku` argument names; an unknown SKU is a bad argument.
async fn product_argument(ctx: &Context<'_>, sku: Option<String>) -> Result<Option<uuid::Uuid>> {
    let Some(sku) = sku else { return Ok(None) };
    let principal = Principal::of(ctx)?;
    let db = ctx
        .data::<DatabaseConnection>()
        .map_err(|e| Error::Internal(e.message))?;
    let found = crate::catalog::products::by_sku(db, principal, &sku).await?;
    found.map(|p| Some(p.id)).ok_or_else(|| {
        Error::bad_input(
            "sku",
            format!("no product has SKU {}", sku.trim().to_uppercase()),
        )
    })
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Stock reports, newest first; current ones unless asked for replaced ones too.
    /// Partners see their own and their downstream's.
    #[allow(clippy::too_many_arguments)]
    async fn inventory_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ReportFilterInput>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<InventoryReport>> {
        let principal = Principal::of(ctx).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let page =
            PageRequest::parse(newest_first(), page_args(first, after, last, before)).gql()?;
        let rows = service::inventory_list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SortKey::CreatedAt,
            ListCount::Inventory(filter),
            InventoryReport,
        ))
    }

    /// Sell-through reports, newest first; current ones unless asked for replaced ones too.
    #[allow(clippy::too_many_arguments)]
    async fn sell_through_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ReportFilterInput>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<SellThroughReport>> {
        let principal = Principal::of(ctx).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let page =
            PageRequest::parse(newest_first(), page_args(first, after, last, before)).gql()?;
        let rows = service::sell_through_list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SortKey::CreatedAt,
            ListCount::SellThrough(filter),
            SellThroughReport,
        ))
    }

    /// Stock by organization and SKU, from each organization's latest current stock report,
    /// with weeks of supply: on hand divided by average weekly sales over the 12 weeks before
    /// the stock date.
    async fn stock_positions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this organization's stock.")] organization_id: Option<ID>,
        #[graphql(desc = "Only this SKU.")] sku: Option<String>,
    ) -> async_graphql::Result<Vec<StockPosition>> {
        let principal = Principal::of(ctx).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let org = argument_id(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )
        .gql()?;
        let product = product_argument(ctx, sku).await.gql()?;
        let rows = service::stock_positions(db, principal, org, product)
            .await
            .gql()?;
        Ok(rows.into_iter().map(StockPosition).collect())
    }

    /// Units sold per organization, SKU and reported period, for periods that start between
    /// `from` and `to`, from current reports, summed over segments in the database.
    async fn sell_through(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Periods starting on or after this day.")] from: Date,
        #[graphql(desc = "Periods starting on or before this day.")] to: Date,
        #[graphql(desc = "Only this organization's sales.")] organization_id: Option<ID>,
        #[graphql(desc = "Only this SKU.")] sku: Option<String>,
    ) -> async_graphql::Result<Vec<SellThroughFigure>> {
        let principal = Principal::of(ctx).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let org = argument_id(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )
        .gql()?;
        let product = product_argument(ctx, sku).await.gql()?;
        let rows = service::sell_through_by_period(db, principal, from.0, to.0, org, product)
            .await
            .gql()?;
        Ok(rows.into_iter().map(SellThroughFigure).collect())
    }
}

use crate::graphql::loading::load_one;
use service::check_lines;

/// Stock of one SKU.
#[derive(InputObject, Clone)]
pub struct InventoryLineInput {
    /// The product's SKU.
    pub sku: String,
    /// Units on hand: 0 or more, up to four decimals.
    pub on_hand: Decimal,
    /// Units on order from the brand.
    pub on_order: Option<Decimal>,
}

/// A stock report.
#[derive(InputObject)]
pub struct InventoryReportSubmitInput {
    /// The organization reporting; partners and their systems leave it out.
    pub organization_id: Option<ID>,
    /// The day the stock was counted; not in the future. A second report for the same day
    /// replaces the first.
    pub as_of: Date,
    /// Stock per SKU, each SKU once.
    pub lines: Vec<InventoryLineInput>,
}

impl InventoryReportSubmitInput {
    pub(crate) fn parse(self, limits: &TradeSettings) -> Result<NewInventoryReport> {
        check_lines(self.lines.len())?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                InventoryLine::checked(i, &l.sku, l.on_hand.0, l.on_order.map(|q| q.0), limits)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(NewInventoryReport {
            organization_id: self
                .organization_id
                .map(|id| input_id("organizationId", &id, NodeType::Organization))
                .transpose()?,
            as_of: self.as_of.0,
            lines,
        })
    }
}

/// Sales of one SKU.
#[derive(InputObject, Clone)]
pub struct SellThroughLineInput {
    /// The product's SKU.
    pub sku: String,
    /// The customer segment sold to, when reporting by segment.
    pub segment: Option<IndustrySegment>,
    /// Units sold: 0 or more, up to four decimals.
    pub quantity: Decimal,
}

/// A sell-through report.
#[derive(InputObject)]
pub struct SellThroughReportSubmitInput {
    /// The organization reporting; partners and their systems leave it out.
    pub organization_id: Option<ID>,
    /// The first day of the period. A second report for the same period replaces the first.
    pub period_start: Date,
    /// The last day of the period; at most a year after the first.
    pub period_end: Date,
    /// Sales per SKU (and segment), each once.
    pub lines: Vec<SellThroughLineInput>,
    /// The share of all your sales in the period, in percent (0 to 100), that were the
    /// brand's products; tiers with a sales-share obligation are measured by it.
    pub brand_share_percent: Option<Decimal>,
}

impl SellThroughReportSubmitInput {
    pub(crate) fn parse(self, limits: &TradeSettings) -> Result<NewSellThroughReport> {
        check_lines(self.lines.len())?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                SellThroughLine::checked(i, &l.sku, l.segment.map(Into::into), l.quantity.0, limits)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(NewSellThroughReport {
            organization_id: self
                .organization_id
                .map(|id| input_id("organizationId", &id, NodeType::Organization))
                .transpose()?,
            period_start: self.period_start.0,
            period_end: self.period_end.0,
            lines,
            brand_share_percent: self
                .brand_share_percent
                .map(|p| money::tax_rate(&["input", "brandSharePercent"], p.0))
                .transpose()?,
        })
    }
}

/// The result of a stock report.
#[derive(SimpleObject)]
pub struct InventoryReportPayload {
    /// The report as stored; null when refused.
    pub report: Option<InventoryReport>,
    /// The earlier report for the same day that this one replaced, if any.
    pub replaced: Option<InventoryReport>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a sell-through report.
#[derive(SimpleObject)]
pub struct SellThroughReportPayload {
    /// The report as stored; null when refused.
    pub report: Option<SellThroughReport>,
    /// The earlier report for the same period that this one replaced, if any.
    pub replaced: Option<SellThroughReport>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Reports stock per SKU on a day. Partners' people, API tokens with `inventory:write`,
    /// and staff for a named organization.
    async fn inventory_report_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: InventoryReportSubmitInput,
    ) -> async_graphql::Result<InventoryReportPayload> {
        let result = match input.parse(ctx.data::<TradeSettings>()?) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::submit_inventory(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        let (report, replaced) = match saved {
            Some((report, replaced)) => {
                (Some(InventoryReport(report)), replaced.map(InventoryReport))
            }
            None => (None, None),
        };
        Ok(InventoryReportPayload {
            report,
            replaced,
            user_errors,
        })
    }

    /// Reports sales per SKU (and segment) over a period. Partners' people, API tokens with
    /// `inventory:write`, and staff for a named organization.
    async fn sell_through_report_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: SellThroughReportSubmitInput,
    ) -> async_graphql::Result<SellThroughReportPayload> {
        let result = match input.parse(ctx.data::<TradeSettings>()?) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::submit_sell_through(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        let (report, replaced) = match saved {
            Some((report, replaced)) => (
                Some(SellThroughReport(report)),
                replaced.map(SellThroughReport),
            ),
            None => (None, None),
        };
        Ok(SellThroughReportPayload {
            report,
            replaced,
            user_errors,
        })
    }
}
