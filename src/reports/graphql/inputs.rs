//! What partners send as inventory and sell-through reports.

use async_graphql::{ID, InputObject};
use service::check_lines;

use crate::error::{Error, ErrorCode, Result};
use crate::graphql::scalars::{Date, Decimal};
use crate::ids::{NodeType, argument_id};
use crate::money;
use crate::organizations::graphql::{IndustrySegment, input_id};
use crate::reports::service::{
    self, InventoryLine, NewInventoryReport, NewSellThroughReport, ReportFilter, SellThroughLine,
};
use crate::settings::TradeSettings;

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
    pub(super) fn parse(self) -> Result<ReportFilter> {
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
    /// The end customer sold to: one you see in the directory, or one the brand authorised
    /// you a special price for. Ship-and-debit claims are checked against these lines.
    pub end_customer_id: Option<ID>,
}

/// A sell-through report.
#[derive(InputObject)]
pub struct SellThroughReportSubmitInput {
    /// The organization reporting; partners and their systems leave it out.
    pub organization_id: Option<ID>,
    /// The first day of the period. A second report for the same period replaces the first.
    pub period_start: Date,
    /// The last day of the period: not after today, and at most a year after the first.
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
                let mut line = SellThroughLine::checked(
                    i,
                    &l.sku,
                    l.segment.map(Into::into),
                    l.quantity.0,
                    limits,
                )?;
                line.end_customer = l
                    .end_customer_id
                    .as_ref()
                    .map(|id| {
                        crate::ids::GlobalId::parse_as(id, NodeType::Organization).map_err(|e| {
                            Error::user(
                                &["input", "lines", &i.to_string(), "endCustomerId"],
                                ErrorCode::Invalid,
                                format!("endCustomerId {e}"),
                            )
                        })
                    })
                    .transpose()?;
                Ok(line)
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
