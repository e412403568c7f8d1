//! Trade in GraphQL.

mod compiled;
pub mod inputs;
mod resolvers;
mod types;

pub(crate) use resolvers::sort_of;
pub use resolvers::{OrderFilter, OrderOrder, TradeMutation, TradeQuery};
pub use types::*;

pub use compiled::register as register_compiled;
