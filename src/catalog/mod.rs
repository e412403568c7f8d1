//! The catalog and the partner program: products with their suppliers and specifications,
//! price lists with quantity breaks, partner tiers and who belongs to them, and the one price
//! that applies to a buyer. No GraphQL outside `graphql`.

pub mod graphql;
pub mod loaders;
pub mod model;
pub mod packs;
pub mod pricing;
pub mod products;
pub mod tiers;
