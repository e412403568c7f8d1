//! Campaigns and opportunities in GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use resolvers::{GrowthMutation, GrowthQuery};
pub use types::{Campaign, Opportunity};
