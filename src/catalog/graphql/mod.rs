//! The catalog and the partner program in GraphQL.

mod compiled;
mod inputs;
mod resolvers;
mod types;

pub use resolvers::{CatalogMutation, CatalogQuery};
pub use types::*;

pub use compiled::register as register_compiled;
