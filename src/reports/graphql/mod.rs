//! Inventory and sell-through reports in GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    InventoryLineInput, InventoryReportSubmitInput, ReportFilterInput, SellThroughLineInput,
    SellThroughReportSubmitInput,
};
pub use resolvers::{ReportMutation, ReportQuery};
pub use types::{
    InventoryReport, InventoryReportLine, InventoryReportPayload, SellThroughFigure,
    SellThroughReport, SellThroughReportLine, SellThroughReportPayload, StockPosition,
};
