//! Analytics as the API shows it: figures, portfolios, service figures and scorecards.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums;
use sea_orm::ActiveEnum;
use uuid::Uuid;

use crate::access::Principal;
use crate::analytics::channel::{DistributorScore, SupplierScore};
use crate::analytics::customers::{self, CustomerFigures as Figures};
use crate::analytics::loaders::{
    CommitmentsOf, DistributorScoreOf, FiguresOf, ReplenishmentOf, SupplierScoreOf,
};
use crate::analytics::portfolio::{self, Period, Scope};
use crate::analytics::replenishment::{DistributorReplenishment, SupplierCommitments};
use crate::analytics::service::{self, ComplaintDimension, Span, SurveyDimension};
use crate::error::{Error, GqlResult, Result};
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::organizations::graphql::{IndustrySegment, Organization, organization_by_id};
use crate::settings::{AnalyticsSettings, CrmSettings};

pub(super) fn settings<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AnalyticsSettings> {
    Ok(&ctx.data::<CrmSettings>()?.analytics)
}

/// The figures of organization `id` (already visible to the caller) for the `figures` field.
pub async fn figures_of(
    ctx: &Context<'_>,
    id: Uuid,
    kind: enums::OrganizationKind,
    as_of: Option<Date>,
) -> async_graphql::Result<Option<CustomerFigures>> {
    use enums::OrganizationKind as K;
    if !matches!(
        kind,
        K::EndCustomer | K::IntermediateCustomer | K::Distributor
    ) {
        return Ok(None);
    }
    ensure_can_read(Principal::of(ctx).gql()?).gql()?;
    let day = as_of_day(ctx, as_of)?;
    // Segment retention costs a statement or two: read it only when asked for.
    let look = ctx.look_ahead();
    let asked = |fields: &[&str]| fields.iter().any(|f| look.field(f).exists());
    let needs = customers::Needs {
        retention: asked(&["lifetimeValueRetention", "segmentRetentionRate"]),
    };
    let figures = load_one(ctx, FiguresOf(id, day, needs)).await?;
    Ok(figures.map(CustomerFigures))
}

/// The scorecard of distributor `id` for the `scorecard` field: staff see every
/// distributor's, a partner only its own.
pub async fn distributor_scorecard(
    ctx: &Context<'_>,
    id: Uuid,
    as_of: Option<Date>,
) -> async_graphql::Result<Option<DistributorScorecard>> {
    let principal = Principal::of(ctx).gql()?;
    ensure_can_read(principal).gql()?;
    if principal.is_restricted() && principal.partner_organization() != Some(id) {
        return Ok(None);
    }
    let day = as_of_day(ctx, as_of)?;
    let score = load_one(ctx, DistributorScoreOf(id, day)).await?;
    let currency = settings(ctx)?.reporting_currency.clone();
    Ok(score.map(|s| DistributorScorecard {
        id,
        as_of: day,
        currency,
        score: s,
    }))
}

/// The scorecard of supplier `id` for the `scorecard` field: staff see every supplier's, a
/// supplier its own.
pub async fn supplier_scorecard(
    ctx: &Context<'_>,
    id: Uuid,
    as_of: Option<Date>,
) -> async_graphql::Result<Option<SupplierScorecard>> {
    let principal = Principal::of(ctx).gql()?;
    ensure_can_read(principal).gql()?;
    if principal.is_restricted() && principal.partner_organization() != Some(id) {
        return Ok(None);
    }
    let day = as_of_day(ctx, as_of)?;
    let score = load_one(ctx, SupplierScoreOf(id, day)).await?;
    Ok(score.map(|s| SupplierScorecard(id, s)))
}

/// Where a customer is on the path from prospect to loyal buyer. The thresholds are in
/// `analyticsSettings`.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::analytics::customers::LifecycleStage")]
pub enum LifecycleStage {
    /// Never bought.
    Prospect,
    /// One order.
    FirstTime,
    /// Two or more orders.
    Repeat,
    /// At least `loyalMinOrders` orders, the first at least `loyalMinTenureDays` days ago.
    Loyal,
    /// No order for more than `atRiskAfterDays` days.
    AtRisk,
    /// No order for more than `lostAfterDays` days.
    Lost,
}

/// Loyalty against profitability. Loyal: at least `quadrantMinOrders` orders in the
/// trailing 12 months; profitable: a trailing-12-month margin of at least
/// `quadrantMinMargin`.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::analytics::customers::Quadrant")]
pub enum RelationshipQuadrant {
    /// Loyal and profitable: hold on.
    Partner,
    /// Profitable, not loyal: easily lost to a competitor.
    Functional,
    /// Loyal, not profitable: an advocate with potential.
    Emotional,
    /// Neither.
    Acquaintance,
}

/// What a customer bought and is worth, as of a day. Orders count when they are sales
/// orders the customer placed as buyer, not cancelled, submitted by the end of `asOf` (in
/// UTC), and visible to you: a partner's figures count only the orders placed with it or by
/// it. Money is in the reporting currency (`analyticsSettings.reportingCurrency`); orders
/// in other currencies are counted in `ordersInOtherCurrencies` and not converted.
pub struct CustomerFigures(Figures);

/// What a customer bought and is worth, as of a day. Orders count when they are sales
/// orders the customer placed as buyer, not cancelled, submitted by the end of `asOf` (in
/// UTC), and visible to you: a partner's figures count only the orders placed with it or by
/// it. Money is in the reporting currency (`analyticsSettings.reportingCurrency`); orders
/// in other currencies are counted in `ordersInOtherCurrencies` and not converted.
#[Object]
impl CustomerFigures {
    /// The day the figures are for.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// When the first counted order was submitted.
    async fn first_order_at(&self) -> Option<DateTime> {
        self.0.sums.first_at.map(DateTime)
    }
    /// When the last counted order was submitted.
    async fn last_order_at(&self) -> Option<DateTime> {
        self.0.sums.last_at.map(DateTime)
    }
    /// Days from the last order's day (UTC) to `asOf`.
    async fn days_since_last_order(&self) -> Option<i64> {
        self.0.days_since_last_order()
    }
    /// Counted orders, in any currency.
    async fn order_count(&self) -> i64 {
        self.0.sums.orders
    }
    /// Counted orders in the trailing 12 months: from the day after `asOf` a year earlier.
    async fn orders_last_12_months(&self) -> i64 {
        self.0.sums.orders_12
    }
    /// Counted orders in a currency other than the reporting currency: in the counts and
    /// dates, not in the money.
    async fn orders_in_other_currencies(&self) -> i64 {
        self.0.sums.other_currency_orders
    }
    /// Days from the first order's day to the last's, divided by the number of orders less
    /// one; rounded half-even to 2 places. Null below two orders.
    async fn average_order_interval_days(&self) -> Option<Decimal> {
        self.0.average_order_interval_days().map(Decimal)
    }
    /// Net order totals (without tax) in the trailing 12 months.
    async fn revenue_last_12_months(&self) -> Money {
        Money::of(self.0.sums.revenue_12, self.0.currency())
    }
    /// Net order totals (without tax) of every counted order.
    async fn revenue_lifetime(&self) -> Money {
        Money::of(self.0.sums.revenue, self.0.currency())
    }
    /// Net line totals less quantity × the product's standard cost, in the trailing 12
    /// months; lines whose product has no standard cost in the order's currency add nothing.
    /// Null for partners: it reveals the brand's costs.
    async fn margin_last_12_months(&self) -> Option<Money> {
        self.0
            .shows_margin
            .then(|| Money::of(self.0.sums.margin_12, self.0.currency()))
    }
    /// The same margin over every counted order. Null for partners.
    async fn margin_lifetime(&self) -> Option<Money> {
        self.0
            .shows_margin
            .then(|| Money::of(self.0.sums.margin, self.0.currency()))
    }
    /// The first of these that holds: PROSPECT (no counted order); LOST (more than
    /// `lostAfterDays` days since the last order); AT_RISK (more than `atRiskAfterDays`);
    /// LOYAL (at least `loyalMinOrders` orders and at least `loyalMinTenureDays` days since
    /// the first); REPEAT (two or more orders); FIRST_TIME.
    async fn lifecycle_stage(&self) -> LifecycleStage {
        self.0.stage().into()
    }
    /// Loyal when at least `quadrantMinOrders` orders in the trailing 12 months; profitable
    /// when the trailing-12-month margin is at least `quadrantMinMargin`. PARTNER both,
    /// FUNCTIONAL profitable only, EMOTIONAL loyal only, ACQUAINTANCE neither. Null for a
    /// prospect, and for partners (it rests on the margin).
    async fn relationship_quadrant(&self) -> Option<RelationshipQuadrant> {
        self.0.quadrant().map(Into::into)
    }
    /// Calendar months from the month of the first order to the month of `asOf`, both
    /// counted.
    async fn months_as_customer(&self) -> Option<i32> {
        self.0.months_as_customer()
    }
    /// The simple lifetime value: lifetime revenue ÷ `monthsAsCustomer` × 12 ×
    /// `expectedYears`, rounded half-even to the currency's minor unit. Null for a prospect.
    async fn lifetime_value_simple(&self) -> Option<Money> {
        self.0
            .lifetime_value_simple()
            .map(|v| Money::of(v, self.0.currency()))
    }
    /// The retention lifetime value m·r/(1+d−r): m the trailing-12-month margin, r
    /// `segmentRetentionRate`, d `discountRate`; rounded half-even to the currency's minor
    /// unit. Null for a prospect, when the segment has no measured rate, and for partners.
    async fn lifetime_value_retention(&self) -> Option<Money> {
        self.0
            .lifetime_value_retention()
            .map(|v| Money::of(v, self.0.currency()))
    }
    /// The retention rate of the customer's industry segment (customers without one form a
    /// group of their own): of the customers who bought in the 12 months before the
    /// trailing 12, the share who bought again in the trailing 12; 4 places. Null when none
    /// bought then, and for partners. A server works the rates out at most every five
    /// minutes for each as-of day.
    async fn segment_retention_rate(&self) -> Option<Decimal> {
        self.0
            .segment_retention
            .map(|r| Decimal(customers::round(r, 4)))
    }
}

/// The rules and thresholds customer analytics apply, as configured (each has a setting of
/// the same name in snake case).
#[derive(SimpleObject)]
pub struct AnalyticsSettingsView {
    /// The currency money figures are in; orders in other currencies are not converted.
    pub(super) reporting_currency: String,
    /// A customer with no order for more than this many days is AT_RISK.
    pub(super) at_risk_after_days: u32,
    /// A customer with no order for more than this many days is LOST.
    pub(super) lost_after_days: u32,
    /// A LOYAL customer has at least this many orders…
    pub(super) loyal_min_orders: u32,
    /// …the first at least this many days ago.
    pub(super) loyal_min_tenure_days: u32,
    /// Orders in the trailing 12 months from which a customer is loyal in the quadrant.
    pub(super) quadrant_min_orders: u32,
    /// Trailing-12-month margin from which a customer is profitable in the quadrant.
    pub(super) quadrant_min_margin: Money,
    /// Years a customer is expected to stay, in the simple lifetime value.
    pub(super) expected_years: Decimal,
    /// The yearly discount rate d of the retention lifetime value (0.1 = 10 %).
    pub(super) discount_rate: Decimal,
    /// Complete months back for which a partner's tier reports are checked.
    pub(super) report_months: u32,
}

/// Calendar periods (UTC).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// Calendar months.
    Month,
    /// Calendar quarters (January to March, …).
    Quarter,
    /// Calendar years.
    Year,
}

impl From<PeriodUnit> for Period {
    fn from(p: PeriodUnit) -> Self {
        match p {
            PeriodUnit::Month => Period::Month,
            PeriodUnit::Quarter => Period::Quarter,
            PeriodUnit::Year => Period::Year,
        }
    }
}

/// Customers who bought from the seller in one period.
pub struct PeriodCustomers(portfolio::PeriodFigures);

/// Customers who bought from the seller in one period.
#[Object]
impl PeriodCustomers {
    /// The first day of the period.
    async fn start(&self) -> Date {
        Date(self.0.start)
    }
    /// The last day of the period.
    async fn end(&self) -> Date {
        Date(self.0.end)
    }
    /// Customers with at least one counted order in the period (transacting customers).
    async fn active(&self) -> i64 {
        self.0.active
    }
    /// Customers whose first counted order fell in the period.
    async fn new(&self) -> i64 {
        self.0.new
    }
    /// Customers whose first order fell in or before the period.
    async fn cumulative(&self) -> i64 {
        self.0.cumulative
    }
    /// Customers active in the period before.
    async fn previous(&self) -> i64 {
        self.0.previous
    }
    /// Customers active both in the period before and in this one.
    async fn retained(&self) -> i64 {
        self.0.retained
    }
    /// `retained` ÷ `previous`, 4 places; null when `previous` is 0.
    async fn retention_rate(&self) -> Option<Decimal> {
        self.0.retention().map(Decimal)
    }
    /// 1 − `retentionRate`.
    async fn churn_rate(&self) -> Option<Decimal> {
        self.0.churn().map(Decimal)
    }
}

/// Customers whose first order fell in one month, and how many bought in each month since.
pub struct Cohort(portfolio::Cohort);

/// Customers whose first order fell in one month, and how many bought in each month since.
#[Object]
impl Cohort {
    /// The first day of the month of the first order.
    async fn month(&self) -> Date {
        Date(self.0.month)
    }
    /// Customers in the cohort.
    async fn size(&self) -> i64 {
        self.0.size
    }
    /// Element k: customers of the cohort who bought k months after their first month
    /// (element 0 is `size`), up to the month of `asOf`.
    async fn active_by_month(&self) -> &[i64] {
        &self.0.active
    }
    /// Element k: `activeByMonth[k]` ÷ `size`, 4 places (0 for an empty cohort).
    async fn retention_by_month(&self) -> Vec<Decimal> {
        self.0
            .active
            .iter()
            .map(|n| {
                let share = if self.0.size == 0 {
                    rust_decimal::Decimal::ZERO
                } else {
                    rust_decimal::Decimal::from(*n) / rust_decimal::Decimal::from(self.0.size)
                };
                Decimal(customers::round(share, 4))
            })
            .collect()
    }
}

/// One step of the revenue concentration curve.
#[derive(SimpleObject)]
pub struct ParetoStep {
    /// The top share of customers, in tenths: 1 is the top 10 %, 10 all.
    decile: i32,
    /// How many customers that is: ⌈decile × customers ÷ 10⌉.
    customers: i64,
    /// Their revenue.
    revenue: Money,
    /// Their share of all revenue, 4 places.
    share: Option<Decimal>,
}

/// How concentrated revenue is (the 80/20 question).
pub struct Pareto {
    figures: portfolio::Pareto,
    currency: String,
}

/// How concentrated revenue is (the 80/20 question).
#[Object]
impl Pareto {
    /// Customers with a counted order in the window, in the reporting currency.
    async fn customers(&self) -> i64 {
        self.figures.customers
    }
    /// Their revenue (net of tax).
    async fn revenue(&self) -> Money {
        Money::of(self.figures.revenue, &self.currency)
    }
    /// The share of revenue from the top fifth of customers (⌈customers ÷ 5⌉ by revenue,
    /// ties broken by id), 4 places.
    async fn top_fifth_share(&self) -> Option<Decimal> {
        self.figures.top_fifth_share().map(Decimal)
    }
    /// The curve in deciles.
    async fn deciles(&self) -> Vec<ParetoStep> {
        self.figures
            .deciles
            .iter()
            .enumerate()
            .map(|(i, (n, revenue))| ParetoStep {
                decile: i as i32 + 1,
                customers: *n,
                revenue: Money::of(*revenue, &self.currency),
                share: (!self.figures.revenue.is_zero())
                    .then(|| Decimal(customers::round(*revenue / self.figures.revenue, 4))),
            })
            .collect()
    }
}

/// The window revenue is summed over.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RevenueWindow {
    /// The 12 months ending with `asOf`.
    Trailing12Months,
    /// Every order up to `asOf`.
    Lifetime,
}

/// A customer slipping away, for win-back.
pub struct WinBackCustomer {
    row: portfolio::WinBack,
    currency: String,
}

/// A customer slipping away, for win-back.
#[Object]
impl WinBackCustomer {
    /// The customer; null if you may not see it.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.row.organization_id).await
    }
    /// When it last ordered.
    async fn last_order_at(&self) -> DateTime {
        DateTime(self.row.last_order_at)
    }
    /// Its counted orders.
    async fn order_count(&self) -> i64 {
        self.row.orders
    }
    /// Its lifetime revenue (net of tax).
    async fn revenue_lifetime(&self) -> Money {
        Money::of(self.row.revenue, &self.currency)
    }
    /// Its simple lifetime value, as `CustomerFigures.lifetimeValueSimple`.
    async fn lifetime_value(&self) -> Money {
        Money::of(self.row.lifetime_value, &self.currency)
    }
}

/// The customers of one seller: orders placed with it, as of a day.
pub struct Portfolio {
    pub(super) scope: Scope,
}

fn bounded(field: &str, value: i32, max: i32) -> Result<u32> {
    if !(1..=max).contains(&value) {
        return Err(Error::user(
            &[field],
            crate::error::ErrorCode::OutOfRange,
            format!("{field} must be from 1 to {max}; it was {value}"),
        ));
    }
    Ok(value as u32)
}

/// The customers of one seller: orders placed with it, as of a day.
#[Object]
impl Portfolio {
    /// The seller whose customers these are.
    async fn seller(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.scope.seller_id).await
    }
    /// The day the figures are for.
    async fn as_of(&self) -> Date {
        Date(self.scope.as_of.day)
    }
    /// What the seller credited its partners besides the invoice in the trailing 12 months,
    /// against its revenue: credit memos by what they settle, claims decided (the brand's),
    /// net revenue and cost-to-serve.
    async fn channel_money(&self, ctx: &Context<'_>) -> async_graphql::Result<ChannelMoneyFigures> {
        let db = &crate::replica::for_figures(ctx).await?;
        let currency = settings(ctx)?.reporting_currency.clone();
        let brand = crate::orders::queries::brand_id(db).await.gql()? == Some(self.scope.seller_id);
        let money = crate::analytics::channel::seller_money(
            db,
            &currency,
            &self.scope.as_of,
            self.scope.seller_id,
            brand,
        )
        .await
        .gql()?;
        Ok(ChannelMoneyFigures(money, currency))
    }
    /// Transacting, new, cumulative and retained customers per period, for the `periods`
    /// periods ending with the one `asOf` falls in, oldest first.
    async fn customers_by_period(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Months, quarters or years.",
            default_with = "PeriodUnit::Month"
        )]
        period: PeriodUnit,
        #[graphql(desc = "How many periods (1 to 120).", default = 12)] periods: i32,
    ) -> async_graphql::Result<Vec<PeriodCustomers>> {
        let n = bounded("periods", periods, 120).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        Ok(portfolio::periods(db, &self.scope, period.into(), n)
            .await
            .gql()?
            .into_iter()
            .map(PeriodCustomers)
            .collect())
    }
    /// Cohorts by month of first order, for the `months` months ending with the month of
    /// `asOf`, oldest first.
    async fn cohorts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many months of cohorts (1 to 60).", default = 12)] months: i32,
    ) -> async_graphql::Result<Vec<Cohort>> {
        let n = bounded("months", months, 60).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        Ok(portfolio::cohorts(db, &self.scope, n)
            .await
            .gql()?
            .into_iter()
            .map(Cohort)
            .collect())
    }
    /// The Pareto figure: revenue per customer ranked, in the reporting currency.
    async fn pareto(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The orders counted. Default: the trailing 12 months.",
            default_with = "RevenueWindow::Trailing12Months"
        )]
        window: RevenueWindow,
    ) -> async_graphql::Result<Pareto> {
        let db = &crate::replica::for_figures(ctx).await?;
        let settings = settings(ctx)?;
        let figures =
            portfolio::pareto(db, settings, &self.scope, window == RevenueWindow::Lifetime)
                .await
                .gql()?;
        Ok(Pareto {
            figures,
            currency: settings.reporting_currency.clone(),
        })
    }
    /// Customers AT_RISK (last order more than `atRiskAfterDays` but at most `lostAfterDays`
    /// days before `asOf`), most valuable first by simple lifetime value, then by id.
    async fn at_risk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100).", default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<WinBackCustomer>> {
        self.win_back(ctx, false, first).await
    }
    /// Customers LOST (last order more than `lostAfterDays` days before `asOf`), most
    /// valuable first by simple lifetime value, then by id.
    async fn lost(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100).", default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<WinBackCustomer>> {
        self.win_back(ctx, true, first).await
    }
}

impl Portfolio {
    async fn win_back(
        &self,
        ctx: &Context<'_>,
        lost: bool,
        first: i32,
    ) -> async_graphql::Result<Vec<WinBackCustomer>> {
        let n = bounded("first", first, 100).gql()?;
        let db = &crate::replica::for_figures(ctx).await?;
        let settings = settings(ctx)?;
        Ok(portfolio::win_back(db, settings, &self.scope, lost, n)
            .await
            .gql()?
            .into_iter()
            .map(|row| WinBackCustomer {
                row,
                currency: settings.reporting_currency.clone(),
            })
            .collect())
    }
}

/// What complaints are counted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintGrouping {
    /// By the complaint's category.
    Category,
    /// By the product it is about.
    Product,
    /// By the organization it came from.
    Organization,
    /// By the calendar month it was opened in.
    Month,
    /// By the calendar quarter it was opened in.
    Quarter,
    /// By the calendar year it was opened in.
    Year,
}

/// Complaints of one group; the field of the grouping is set, the others are null.
pub struct ComplaintCount(service::ComplaintCount);

/// Complaints of one group; the field of the grouping is set, the others are null.
#[Object]
impl ComplaintCount {
    /// The category (grouping CATEGORY); null for complaints without one.
    async fn category(&self) -> Option<crate::cases::graphql::CaseCategory> {
        let raw = self.0.category.as_ref()?;
        enums::CaseCategory::try_from_value(raw)
            .ok()
            .map(Into::into)
    }
    /// The product (grouping PRODUCT); null for complaints about no product, or one you may
    /// not see.
    async fn product(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::catalog::graphql::Product>> {
        let Some(id) = self.0.product_id else {
            return Ok(None);
        };
        let found = load_one(ctx, crate::catalog::loaders::ProductId(id)).await?;
        Ok(found.map(crate::catalog::graphql::Product))
    }
    /// The organization complained for (grouping ORGANIZATION).
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        organization_by_id(ctx, id).await
    }
    /// The first day of the period (groupings MONTH, QUARTER, YEAR).
    async fn period_start(&self) -> Option<Date> {
        self.0.period.map(|p| Date(p.0))
    }
    /// The last day of the period.
    async fn period_end(&self) -> Option<Date> {
        self.0.period.map(|p| Date(p.1))
    }
    /// Complaints in the group.
    async fn count(&self) -> i64 {
        self.0.count
    }
}

/// What survey responses are grouped by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SurveyGrouping {
    /// By the calendar month it was given in.
    Month,
    /// By the calendar quarter.
    Quarter,
    /// By the calendar year.
    Year,
    /// The industry segment of the organization that answered.
    Segment,
}

/// Survey responses of one group.
pub struct SatisfactionGroup(service::Satisfaction);

/// Survey responses of one group.
#[Object]
impl SatisfactionGroup {
    /// The first day of the period (period groupings).
    async fn period_start(&self) -> Option<Date> {
        self.0.period.map(|p| Date(p.0))
    }
    /// The last day of the period.
    async fn period_end(&self) -> Option<Date> {
        self.0.period.map(|p| Date(p.1))
    }
    /// The segment (grouping SEGMENT); null for organizations without one.
    async fn segment(&self) -> Option<IndustrySegment> {
        let raw = self.0.segment.as_ref()?;
        enums::IndustrySegment::try_from_value(raw)
            .ok()
            .map(Into::into)
    }
    /// Responses in the group.
    async fn responses(&self) -> i64 {
        self.0.responses
    }
    /// The mean satisfaction score (1 to 5) of the responses that gave one, rounded
    /// half-even to 2 places.
    async fn mean_satisfaction(&self) -> Option<Decimal> {
        self.0.mean_satisfaction().map(Decimal)
    }
    /// Responses that answered "would you recommend us" (0 to 10).
    async fn recommend_answers(&self) -> i64 {
        self.0.recommend_answers
    }
    /// Answers of 9 or 10.
    async fn promoters(&self) -> i64 {
        self.0.promoters
    }
    /// Answers of 0 to 6.
    async fn detractors(&self) -> i64 {
        self.0.detractors
    }
    /// Net promoter score: (promoters − detractors) × 100 ÷ `recommendAnswers`, rounded
    /// half-even to 1 place; from −100 to 100.
    async fn nps(&self) -> Option<Decimal> {
        self.0.nps().map(Decimal)
    }
}

/// How cases opened in the span were handled.
pub struct CaseHandling(service::CaseHandling);

/// How cases opened in the span were handled.
#[Object]
impl CaseHandling {
    /// Cases opened.
    async fn cases(&self) -> i64 {
        self.0.cases
    }
    /// Of those, cases with a first response.
    async fn responded(&self) -> i64 {
        self.0.responded
    }
    /// Mean hours from opening to first response, over `responded`; 2 places.
    async fn mean_first_response_hours(&self) -> Option<Decimal> {
        self.0.mean_first_response_hours.map(Decimal)
    }
    /// Of those, cases resolved.
    async fn resolved(&self) -> i64 {
        self.0.resolved
    }
    /// Mean hours from opening to resolution, over `resolved`; 2 places.
    async fn mean_resolution_hours(&self) -> Option<Decimal> {
        self.0.mean_resolution_hours.map(Decimal)
    }
    /// Cases that missed a deadline: first answered after the response deadline, resolved
    /// after the resolution deadline, or still waiting at the end of the span with one
    /// passed.
    async fn breached(&self) -> i64 {
        self.0.breached
    }
    /// `breached` ÷ `cases`, 4 places.
    async fn sla_breach_rate(&self) -> Option<Decimal> {
        self.0.breach_rate().map(Decimal)
    }
}

/// Service figures over a span of days (UTC), from the cases and survey responses you may
/// see.
pub struct ServiceFigures {
    pub(super) span: Span,
}

/// Service figures over a span of days (UTC), from the cases and survey responses you may
/// see.
#[Object]
impl ServiceFigures {
    /// The first day counted.
    async fn from(&self) -> Date {
        Date(self.span.from)
    }
    /// The last day counted.
    async fn to(&self) -> Date {
        Date(self.span.to)
    }
    /// Complaints opened in the span, counted by `by`: largest first, then by key (periods
    /// in order).
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to count by.")] by: ComplaintGrouping,
    ) -> async_graphql::Result<Vec<ComplaintCount>> {
        let db = &crate::replica::for_figures(ctx).await?;
        let principal = Principal::of(ctx).gql()?;
        let by = match by {
            ComplaintGrouping::Category => ComplaintDimension::Category,
            ComplaintGrouping::Product => ComplaintDimension::Product,
            ComplaintGrouping::Organization => ComplaintDimension::Organization,
            ComplaintGrouping::Month => ComplaintDimension::Period(Period::Month),
            ComplaintGrouping::Quarter => ComplaintDimension::Period(Period::Quarter),
            ComplaintGrouping::Year => ComplaintDimension::Period(Period::Year),
        };
        Ok(service::complaints(db, principal, self.span, by)
            .await
            .gql()?
            .into_iter()
            .map(ComplaintCount)
            .collect())
    }
    /// Response and resolution times and deadline breaches of the cases opened in the span.
    async fn case_handling(&self, ctx: &Context<'_>) -> async_graphql::Result<CaseHandling> {
        let db = &crate::replica::for_figures(ctx).await?;
        let principal = Principal::of(ctx).gql()?;
        Ok(CaseHandling(
            service::case_handling(db, principal, self.span)
                .await
                .gql()?,
        ))
    }
    /// Satisfaction and NPS of the survey responses given in the span, by period or segment.
    async fn satisfaction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group by.")] by: SurveyGrouping,
    ) -> async_graphql::Result<Vec<SatisfactionGroup>> {
        let db = &crate::replica::for_figures(ctx).await?;
        let principal = Principal::of(ctx).gql()?;
        let by = match by {
            SurveyGrouping::Month => SurveyDimension::Period(Period::Month),
            SurveyGrouping::Quarter => SurveyDimension::Period(Period::Quarter),
            SurveyGrouping::Year => SurveyDimension::Period(Period::Year),
            SurveyGrouping::Segment => SurveyDimension::Segment,
        };
        Ok(service::satisfaction(db, principal, self.span, by)
            .await
            .gql()?
            .into_iter()
            .map(SatisfactionGroup)
            .collect())
    }
}

/// Which obligation of the partner's tier.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::analytics::channel::ObligationKind")]
pub enum ObligationType {
    /// The product lines the tier requires, bought in the trailing 12 months.
    ProductLines,
    /// The least share of its sales that are the brand's, from its latest sell-through
    /// report in the trailing 12 months that states one.
    SalesShare,
    /// An inventory report dated in each of the last `reportMonths` complete months.
    InventoryReports,
    /// A sell-through report ending in each of the last `reportMonths` complete months.
    SellThroughReports,
    /// Every invoice issued in the trailing 12 months paid in full within the cadence
    /// (WEEKLY 7, MONTHLY 31, QUARTERLY 92 days of issue; unpaid ones count to `asOf`).
    Settlement,
}

/// One obligation of a partner's tier, as measured.
#[derive(SimpleObject)]
pub struct ObligationCompliance {
    /// Which obligation.
    obligation: ObligationType,
    /// What the tier asks, in words.
    requirement: String,
    /// What was measured, in words.
    measured: String,
    /// The measured number: required lines bought, the share in percent, months reported,
    /// or the most days an invoice took to be paid.
    value: Option<Decimal>,
    /// Whether it is met.
    met: bool,
}

/// A distributor's scorecard over the trailing 12 months ending with `asOf`.
pub struct DistributorScorecard {
    id: Uuid,
    as_of: NaiveDate,
    currency: String,
    score: DistributorScore,
}

/// A distributor's scorecard over the trailing 12 months ending with `asOf`.
#[Object]
impl DistributorScorecard {
    /// The day the scorecard is for.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    /// Its counted orders in the trailing 12 months (in the reporting currency).
    async fn orders(&self) -> i64 {
        self.score.orders_12
    }
    /// What it bought (net of tax) in the trailing 12 months.
    async fn revenue(&self) -> Money {
        Money::of(self.score.revenue_12, &self.currency)
    }
    /// What it bought in the 12 months before those.
    async fn revenue_prior_12_months(&self) -> Money {
        Money::of(self.score.revenue_prior_12, &self.currency)
    }
    /// (revenue − revenuePrior12Months) ÷ revenuePrior12Months, 4 places; null without a
    /// prior year.
    async fn revenue_growth(&self) -> Option<Decimal> {
        self.score.growth().map(Decimal)
    }
    /// Units it bought (accepted quantities) in the trailing 12 months.
    async fn units_bought(&self) -> Decimal {
        Decimal(self.score.units_bought_12)
    }
    /// Units it reported selling, in its current sell-through reports whose period ends in
    /// the trailing 12 months.
    async fn units_sold(&self) -> Decimal {
        Decimal(self.score.units_sold_12)
    }
    /// `unitsSold` ÷ `unitsBought`, 4 places.
    async fn sell_through_rate(&self) -> Option<Decimal> {
        self.score.sell_through_rate().map(Decimal)
    }
    /// Units on hand in its latest current inventory report up to `asOf`.
    async fn units_on_hand(&self) -> Option<Decimal> {
        self.score.on_hand.map(Decimal)
    }
    /// The day of that inventory report.
    async fn inventory_as_of(&self) -> Option<Date> {
        self.score.inventory_as_of.map(Date)
    }
    /// `unitsOnHand` ÷ (`unitsSold` ÷ 52): how many weeks its stock lasts at its average
    /// weekly sales; 1 place.
    async fn weeks_of_supply(&self) -> Option<Decimal> {
        self.score.weeks_of_supply().map(Decimal)
    }
    /// Its invoices due in the trailing 12 months.
    async fn invoices_due(&self) -> i64 {
        self.score.invoices_due_12
    }
    /// Of those, invoices paid in full by their due day.
    async fn invoices_paid_on_time(&self) -> i64 {
        self.score.invoices_paid_on_time_12
    }
    /// `invoicesPaidOnTime` ÷ `invoicesDue`, 4 places.
    async fn on_time_payment_rate(&self) -> Option<Decimal> {
        self.score.on_time_payment_rate().map(Decimal)
    }
    /// Complaints opened in the trailing 12 months about its orders, or for it.
    async fn complaints(&self) -> i64 {
        self.score.complaints_12
    }
    /// `complaints` ÷ `orders`, 4 places.
    async fn complaint_rate(&self) -> Option<Decimal> {
        self.score.complaint_rate().map(Decimal)
    }
    /// How its stock of the brand's products was kept: fill rate, stock-outs, weeks of
    /// supply against its replenishment targets, and how it decided replenishment
    /// proposals.
    async fn replenishment(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ReplenishmentFigures> {
        let figures = load_one(ctx, ReplenishmentOf(self.id, self.as_of))
            .await?
            .unwrap_or_default();
        Ok(ReplenishmentFigures(figures))
    }
    /// What moved between the brand and it besides the invoice: credit memos by what they
    /// settle, claims decided, net revenue and cost-to-serve.
    async fn channel_money(&self) -> ChannelMoneyFigures {
        ChannelMoneyFigures(self.score.money.clone(), self.currency.clone())
    }
    /// Each obligation of its current tier, met or not, with the measured value; empty
    /// without a tier.
    async fn compliance(&self) -> Vec<ObligationCompliance> {
        self.score
            .compliance
            .iter()
            .map(|o| ObligationCompliance {
                obligation: o.kind.into(),
                requirement: o.requirement.clone(),
                measured: o.measured.clone(),
                value: o.value.map(Decimal),
                met: o.met,
            })
            .collect()
    }
}

/// How a distributor's stock was kept over a scorecard's trailing 12 months.
pub struct ReplenishmentFigures(DistributorReplenishment);

/// How a distributor's stock of the brand's products was kept, in the trailing 12 months
/// ending with the scorecard's `asOf` (weeks of supply: the 13 weeks up to it).
#[Object]
impl ReplenishmentFigures {
    /// Units it ordered from the brand on its counted orders placed in the window.
    async fn units_ordered(&self) -> Decimal {
        Decimal(self.0.units_ordered)
    }
    /// Units the brand shipped against them.
    async fn units_shipped(&self) -> Decimal {
        Decimal(self.0.units_shipped)
    }
    /// `unitsShipped` ÷ `unitsOrdered`, 4 places; null without orders.
    async fn fill_rate(&self) -> Option<Decimal> {
        self.0.fill_rate().map(Decimal)
    }
    /// Weeks, counted per product, in which it reported selling a product and a stock
    /// report dated that week showed none of it (zero, or not listed).
    async fn stock_out_weeks(&self) -> i64 {
        self.0.stock_out_weeks
    }
    /// Products it reported selling in the 13 weeks up to `asOf`: those the weeks of
    /// supply are over.
    async fn products_planned(&self) -> i64 {
        self.0.products
    }
    /// Of those, products whose stock lasts fewer weeks than their policy's target.
    async fn products_below_target(&self) -> i64 {
        self.0.products_below_target
    }
    /// Σ stock on hand (latest stock report up to `asOf`) ÷ Σ average weekly sales over the
    /// 13 weeks, over those products; 1 place.
    async fn weeks_of_supply(&self) -> Option<Decimal> {
        self.0.weeks_of_supply().map(Decimal)
    }
    /// Their policies' target weeks of supply, weighted by weekly sales; 1 place.
    async fn target_weeks_of_supply(&self) -> Option<Decimal> {
        self.0.target_weeks().map(Decimal)
    }
    /// Replenishment proposals decided in the window and accepted: by it, or ordered by
    /// the brand when a brand-managed window passed.
    async fn proposals_accepted(&self) -> i64 {
        self.0.proposals_accepted
    }
    /// Of those, the ones the brand ordered when the window passed.
    async fn proposals_ordered_by_brand(&self) -> i64 {
        self.0.proposals_ordered_by_brand
    }
    /// Proposals it rejected in the window.
    async fn proposals_rejected(&self) -> i64 {
        self.0.proposals_rejected
    }
    /// `proposalsAccepted` ÷ (`proposalsAccepted` + `proposalsRejected`), 4 places; null
    /// without decided proposals.
    async fn proposal_acceptance_rate(&self) -> Option<Decimal> {
        self.0.acceptance_rate().map(Decimal)
    }
}

/// How a supplier delivered what it committed.
pub struct CommitmentFigures(SupplierCommitments);

/// How a supplier delivered what it committed to the brand, in complete weeks of the
/// trailing 12 months ending with the scorecard's `asOf`: per product and week with a
/// current commitment above zero, the units shipped on the brand's purchase orders that
/// week.
#[Object]
impl CommitmentFigures {
    /// Product-weeks with a commitment.
    async fn weeks_committed(&self) -> i64 {
        self.0.weeks
    }
    /// Of those, weeks whose shipments reached the commitment.
    async fn weeks_met(&self) -> i64 {
        self.0.weeks_met
    }
    /// `weeksMet` ÷ `weeksCommitted`, 4 places; null without commitments.
    async fn weeks_met_rate(&self) -> Option<Decimal> {
        self.0.met_rate().map(Decimal)
    }
    /// Units committed over those weeks.
    async fn units_committed(&self) -> Decimal {
        Decimal(self.0.committed)
    }
    /// Units shipped in those weeks, of the committed products.
    async fn units_delivered(&self) -> Decimal {
        Decimal(self.0.delivered)
    }
    /// `unitsDelivered` ÷ `unitsCommitted`, 4 places.
    async fn delivery_rate(&self) -> Option<Decimal> {
        self.0.delivery_rate().map(Decimal)
    }
}

/// What moved between the brand and its channel besides the invoice, in a scorecard's or
/// portfolio's trailing 12 months, in the reporting currency.
pub struct ChannelMoneyFigures(pub crate::analytics::channel::ChannelMoney, pub String);

/// What moved between the brand and its channel besides the invoice in the trailing 12
/// months ending with `asOf`, in the reporting currency: credit memos issued by what they
/// settle, claims decided, and what is left of revenue.
#[Object]
impl ChannelMoneyFigures {
    /// What was sold, net of tax: the scorecard's or portfolio's revenue.
    async fn revenue(&self) -> Money {
        Money::of(self.0.revenue, &self.1)
    }
    /// What ship-and-debit claims decided in the window claimed.
    async fn claims_claimed(&self) -> Money {
        Money::of(self.0.claimed, &self.1)
    }
    /// What of those the brand did not approve: rejected claims whole, and what adjusted
    /// lines cut.
    async fn claims_rejected(&self) -> Money {
        Money::of(self.0.claims_rejected, &self.1)
    }
    /// `claimsRejected` ÷ `claimsClaimed`, 4 places; null without decided claims.
    async fn claim_rejection_rate(&self) -> Option<Decimal> {
        self.0.claim_rejection_rate().map(Decimal)
    }
    /// Credit memos for ship-and-debit claims.
    async fn claims_paid(&self) -> Money {
        Money::of(self.0.claims_paid, &self.1)
    }
    /// Credit memos for price protection.
    async fn price_protection_paid(&self) -> Money {
        Money::of(self.0.price_protection_paid, &self.1)
    }
    /// Credit memos for fund claims (MDF and co-op).
    async fn funds_paid(&self) -> Money {
        Money::of(self.0.funds_paid, &self.1)
    }
    /// Credit memos for rebates.
    async fn rebates_paid(&self) -> Money {
        Money::of(self.0.rebates_paid, &self.1)
    }
    /// Every credit memo issued in the window.
    async fn credited(&self) -> Money {
        Money::of(self.0.credited(), &self.1)
    }
    /// `revenue` − `credited`.
    async fn net_revenue(&self) -> Money {
        Money::of(self.0.net_revenue(), &self.1)
    }
    /// `credited` ÷ `revenue`, 4 places: what serving the channel cost as a share of what it
    /// bought; null without revenue.
    async fn cost_to_serve_share(&self) -> Option<Decimal> {
        self.0.cost_to_serve_share().map(Decimal)
    }
}

/// A supplier's scorecard over the brand's purchase orders placed in the trailing 12 months
/// ending with `asOf`.
pub struct SupplierScorecard(Uuid, SupplierScore);

/// A supplier's scorecard over the brand's purchase orders placed in the trailing 12 months
/// ending with `asOf`.
#[Object]
impl SupplierScorecard {
    /// The day the scorecard is for.
    async fn as_of(&self) -> Date {
        Date(self.1.as_of)
    }
    /// Shipments against purchase orders that asked for a day.
    async fn shipments(&self) -> i64 {
        self.1.shipments
    }
    /// Of those, shipments sent by the day the order asked for.
    async fn shipments_on_time(&self) -> i64 {
        self.1.shipments_on_time
    }
    /// `shipmentsOnTime` ÷ `shipments`, 4 places.
    async fn on_time_delivery_rate(&self) -> Option<Decimal> {
        self.1.on_time_rate().map(Decimal)
    }
    /// Units ordered on those purchase orders.
    async fn units_ordered(&self) -> Decimal {
        Decimal(self.1.units_ordered)
    }
    /// Units shipped against them.
    async fn units_shipped(&self) -> Decimal {
        Decimal(self.1.units_shipped)
    }
    /// `unitsShipped` ÷ `unitsOrdered`, 4 places.
    async fn fill_rate(&self) -> Option<Decimal> {
        self.1.fill_rate().map(Decimal)
    }
    /// Complaints opened in the trailing 12 months about products it makes.
    async fn complaints(&self) -> i64 {
        self.1.complaints_12
    }
    /// How it delivered what it committed, week by week: complete weeks of the trailing 12
    /// months with a current commitment above zero, against the units shipped on the
    /// brand's purchase orders in each.
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<CommitmentFigures> {
        let figures = load_one(ctx, CommitmentsOf(self.0, self.1.as_of))
            .await?
            .unwrap_or_default();
        Ok(CommitmentFigures(figures))
    }
    /// The day its earliest supply link began.
    async fn supplier_since(&self) -> Option<Date> {
        self.1.supplier_since.map(Date)
    }
    /// Days from `supplierSince` to `asOf`.
    async fn tenure_days(&self) -> Option<i64> {
        self.1.tenure_days()
    }
}

/// The day figures are worked out for: the one asked for, else today in the business time
/// zone.
pub(super) fn as_of_day(
    ctx: &Context<'_>,
    asked: Option<Date>,
) -> async_graphql::Result<NaiveDate> {
    Ok(match asked {
        Some(d) => d.0,
        None => ctx.data::<CrmSettings>()?.today(),
    })
}

/// Who may read analytics: the brand's staff and the operator everything, partners their
/// own and their downstream's; partner systems need the `orders:read` scope.
/// Scorecards and portfolios are the company's figures of orders, invoices and cases: a
/// partner user needs roles that see all of each (PARTNER_MANAGER).
pub(super) fn ensure_can_read(principal: &Principal) -> Result<()> {
    principal.ensure_can_read_orders()?;
    use crate::access::{Reach, Records};
    let whole = [Records::Orders, Records::Invoices, Records::Cases]
        .into_iter()
        .all(|r| principal.reach(r) == Reach::All);
    if !whole {
        return Err(crate::error::Error::Forbidden(
            "the company's scorecard and portfolio need one of the roles PARTNER_MANAGER".into(),
        ));
    }
    Ok(())
}
