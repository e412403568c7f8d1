//! Inventory and sell-through reports as the API shows them.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{
    inventory_report, inventory_report_line, sell_through_report, sell_through_report_line,
};

use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::UserErrorObject as UserError;
use crate::ids::{GlobalId, NodeType};
use crate::money;
use crate::organizations::graphql::{IndustrySegment, Organization, organization_by_id};
use crate::reports::loaders::{
    InventoryLinesOf, InventoryReportId, SellThroughLinesOf, SellThroughReportId,
};
use crate::reports::service::{self};

pub(super) async fn product(
    ctx: &Context<'_>,
    id: uuid::Uuid,
) -> async_graphql::Result<Option<Product>> {
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
    /// The end customer sold to, where the line names one and you may see it in the
    /// directory.
    async fn end_customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.end_customer_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// What one organization holds of one SKU, from its latest current stock report.
pub struct StockPosition(pub(super) service::StockPosition);

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
pub struct SellThroughFigure(pub(super) service::SellThroughFigure);

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
