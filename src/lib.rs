//! channelgraph: a CRM backend for brands that sell through channels.

pub mod access;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod ids;
pub mod organizations;
pub mod pagination;
pub mod settings;
pub mod cli;
pub mod http;
pub mod seed;
pub mod startup;
pub mod telemetry;
