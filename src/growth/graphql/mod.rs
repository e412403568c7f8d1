//! Campaigns and opportunities in GraphQL.

mod compiled;
mod deals;
mod inputs;
mod leads;
mod resolvers;
mod types;

pub use deals::{DealMutation, DealQuery, DealRegistration};
pub use leads::{Lead, LeadMutation, LeadQuery};
pub use resolvers::{GrowthMutation, GrowthQuery};
pub use types::{Campaign, Opportunity};

pub use compiled::register as register_compiled;
