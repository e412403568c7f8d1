//! Collaborative replenishment: how distributors' stock of the brand's products is kept,
//! from the stock and sell-through they report.
//! - `policies`: per distributor and product, the target in weeks of supply, the least and
//!   most to order, the pack size, the lead time and the review days; a tier's defaults with
//!   overrides per partner and per product;
//! - `forecast`: weekly demand per distributor and product from its sell-through, by
//!   exponential smoothing fitted per series, with its accuracy over a holdout;
//! - `policy_proposals`: a distributor's proposed changes to its own policy, which the brand
//!   accepts into the policy or rejects;
//! - `plan`: how much to order of a product, and the numbers that say why;
//! - `proposals`: replenishment proposals (vendor-managed inventory): made when reports
//!   arrive and on review days, accepted or rejected by the distributor, or ordered by the
//!   brand after a window where the distributor chose brand-managed replenishment;
//! - `supply`: what the brand will need of a product from its suppliers, week by week: the
//!   channel's forecasts less the brand's stock position, and the suppliers' commitments;
//! - `purchase`: purchase proposals to suppliers from that forecast and those commitments,
//!   which the brand's planners accept into purchase orders or reject.

pub mod forecast;
pub mod graphql;
pub mod plan;
pub mod policies;
pub mod policy_proposals;
pub mod proposal_graphql;
pub mod proposals;
pub mod purchase;
pub mod purchase_graphql;
pub mod supply;

/// What a client reads of replenishment.
#[derive(async_graphql::MergedObject, Default)]
pub struct ReplenishmentQuery(
    graphql::PolicyQuery,
    graphql::PolicyProposalQuery,
    graphql::ForecastQuery,
    proposal_graphql::ReplenishmentProposalQuery,
    purchase_graphql::PurchaseProposalQuery,
);

/// What a client changes of replenishment.
#[derive(async_graphql::MergedObject, Default)]
pub struct ReplenishmentMutation(
    graphql::PolicyMutation,
    graphql::PolicyProposalMutation,
    proposal_graphql::ReplenishmentProposalMutation,
    graphql::SupplyMutation,
    purchase_graphql::PurchaseProposalMutation,
);
