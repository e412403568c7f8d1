//! What distributors report: stock per SKU on a date and sales per SKU over a period, and
//! the brand's figures from them (stock by distributor and SKU, weeks of supply,
//! sell-through by period). No GraphQL outside `graphql`.

pub mod graphql;
pub mod loaders;
pub mod service;

/// Most lines one stock or sell-through report may carry.
pub const MAX_LINES: usize = 5000;
