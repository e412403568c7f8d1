//! Customer and channel analytics, computed by the database: figures per customer, the
//! portfolio of a seller's customers, service figures and scorecards of the channel, with
//! how distributors' stock is replenished and how suppliers keep their commitments.

pub mod cache;
pub mod channel;
pub mod customers;
pub mod graphql;
pub mod loaders;
pub mod portfolio;
pub mod replenishment;
pub mod rollups;
pub mod service;
pub mod sql;
