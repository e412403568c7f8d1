//! The directory of the channel: organizations, their contacts and addresses, and the channel
//! links between them.

pub mod addresses;
pub mod contacts;
pub mod dealers;
pub mod graphql;
pub mod links;
pub mod loaders;
pub mod model;
pub mod proposals;
pub mod service;
