//! Trade: sales orders to the brand (and dealers' orders to their distributors), purchase
//! orders to suppliers, and what follows them: acknowledgement, ship notices and goods
//! receipt, invoices and payments, each step in the order's history. No GraphQL outside
//! `graphql`.

pub mod counters;
pub mod credit;
pub mod fulfilment;
pub mod graphql;

pub mod change;
pub mod history;
pub mod lifecycle;
pub mod loaders;
pub mod model;
pub mod queries;
pub mod reactions;
pub mod submit;
