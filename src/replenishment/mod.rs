//! Collaborative replenishment: how distributors' stock of the brand's products is kept,
//! from the stock and sell-through they report.
//! - `policies`: per distributor and product, the target in weeks of supply, the least and
//!   most to order, the pack size, the lead time and the review days; a tier's defaults with
//!   overrides per partner and per product.

pub mod graphql;
pub mod policies;

/// What a client reads of replenishment.
#[derive(async_graphql::MergedObject, Default)]
pub struct ReplenishmentQuery(graphql::PolicyQuery);

/// What a client changes of replenishment.
#[derive(async_graphql::MergedObject, Default)]
pub struct ReplenishmentMutation(graphql::PolicyMutation);
