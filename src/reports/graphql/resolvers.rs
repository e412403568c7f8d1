//! Queries and mutations of partner reports. Thin: parse, call the service, map.

use async_graphql::{Context, ID, Object};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::analytics::service::Span;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::scalars::Date;
use crate::graphql::user_error::outcome;
use crate::ids::{NodeType, argument_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::reports::service::{self, ReportFilter};
use crate::settings::TradeSettings;

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
    /// A partner sees its own: a dealer's reports are the dealer's and the brand's.
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
        // At most ten years, as every figure over a span of days.
        let span = Span::new(from.0, to.0).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let org = argument_id(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )
        .gql()?;
        let product = product_argument(ctx, sku).await.gql()?;
        let rows = service::sell_through_by_period(db, principal, span.from, span.to, org, product)
            .await
            .gql()?;
        Ok(rows.into_iter().map(SellThroughFigure).collect())
    }
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
