//! The analytics queries. Thin: check who asks, call the figures, map.

use async_graphql::{Context, ID, Object};

use super::types::*;
use crate::access::Principal;
use crate::analytics::portfolio::{self, Scope};
use crate::analytics::service::Span;
use crate::analytics::sql::AsOf;
use crate::error::{Error, GqlResult};
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, Decimal};
use crate::ids::NodeType;
use crate::organizations::graphql::organization_by_id;

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// The rules and thresholds customer analytics apply.
    async fn analytics_settings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<AnalyticsSettingsView> {
        ensure_can_read(Principal::of(ctx).gql()?).gql()?;
        let s = settings(ctx)?;
        Ok(AnalyticsSettingsView {
            reporting_currency: s.reporting_currency.clone(),
            at_risk_after_days: s.at_risk_after_days,
            lost_after_days: s.lost_after_days,
            loyal_min_orders: s.loyal_min_orders,
            loyal_min_tenure_days: s.loyal_min_tenure_days,
            quadrant_min_orders: s.quadrant_min_orders,
            quadrant_min_margin: Money::of(s.quadrant_min_margin, &s.reporting_currency),
            expected_years: Decimal(s.expected_years),
            discount_rate: Decimal(s.discount_rate),
            report_months: s.report_months,
        })
    }

    /// The portfolio of one seller's customers. Staff may name any seller (default: the
    /// brand); a partner sees its own customers only, and naming another seller is
    /// FORBIDDEN.
    async fn portfolio(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose customers. Default: the brand, or for a partner itself.")]
        seller_id: Option<ID>,
        #[graphql(desc = "The day the figures are for. Default: today in the business time zone.")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Portfolio> {
        let principal = Principal::of(ctx).gql()?;
        ensure_can_read(principal).gql()?;
        let asked = crate::ids::argument_id("sellerId", seller_id.as_ref(), NodeType::Organization)
            .gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        // The brand, found by its kind, exists; a seller named by id is looked up.
        let seller = match portfolio::seller_for(principal, asked).gql()? {
            portfolio::Seller::Brand => crate::orders::queries::brand_id(db)
                .await
                .gql()?
                .ok_or_else(|| {
                    Error::user(
                        &["sellerId"],
                        crate::error::ErrorCode::Required,
                        "there is no brand organization yet; name the seller",
                    )
                })
                .gql()?,
            portfolio::Seller::Named(seller) => {
                if organization_by_id(ctx, seller).await?.is_none() {
                    return Err(Error::user(
                        &["sellerId"],
                        crate::error::ErrorCode::NotFound,
                        "no organization with this id",
                    ))
                    .gql();
                }
                seller
            }
        };
        let day = as_of_day(ctx, as_of)?;
        Ok(Portfolio {
            scope: Scope {
                seller_id: seller,
                as_of: AsOf::new(day).gql()?,
            },
        })
    }

    /// Service figures over a span of days (UTC, both ends counted, at most ten years):
    /// from the cases and survey responses you may see.
    async fn service_figures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day.")] from: Date,
        #[graphql(desc = "The last day.")] to: Date,
    ) -> async_graphql::Result<ServiceFigures> {
        Principal::of(ctx).gql()?.ensure_can_read_crm().gql()?;
        Ok(ServiceFigures {
            span: Span::new(from.0, to.0).gql()?,
        })
    }
}
