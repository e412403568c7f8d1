//! The stock and sales reports a request's resolvers follow, batched per request.

use uuid::Uuid;

use super::service as reports;
use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads partner reports for one request, on behalf of its principal.
pub struct ReportLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InventoryReportId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SellThroughReportId(pub Uuid);
/// A stock report's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InventoryLinesOf(pub Uuid);
/// A sales report's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SellThroughLinesOf(pub Uuid);

by_id_loader!(
    ReportLoader: InventoryReportId => entity::inventory_report::Model,
    reports::inventory_by_ids
);
by_id_loader!(
    ReportLoader: SellThroughReportId => entity::sell_through_report::Model,
    reports::sell_through_by_ids
);
by_id_loader!(
    ReportLoader: InventoryLinesOf => Vec<entity::inventory_report_line::Model>,
    reports::inventory_lines_of
);
by_id_loader!(
    ReportLoader: SellThroughLinesOf => Vec<entity::sell_through_report_line::Model>,
    reports::sell_through_lines_of
);
