//! The directory of the channel: organizations, their contacts and addresses, and the channel
//! links between them.

pub mod addresses;
pub mod contacts;
pub mod graphql;
pub mod links;
pub mod loaders;
pub mod model;
pub mod service;
