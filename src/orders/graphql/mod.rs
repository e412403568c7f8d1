//! Trade in GraphQL.

pub mod inputs;
mod resolvers;
mod types;

pub use resolvers::{TradeMutation, TradeQuery};
pub use types::*;
