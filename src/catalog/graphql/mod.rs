//! The catalog and the partner program in GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use resolvers::{CatalogMutation, CatalogQuery};
pub use types::*;
