//! channelgraph: a CRM backend for brands that sell through channels.

pub mod access;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod cli;
pub mod db;
pub mod domain;
pub mod edi;
pub mod error;
pub mod graphql;
pub mod growth;
pub mod http;
pub mod ids;
pub mod money;
pub mod orders;
pub mod organizations;
pub mod pagination;
pub mod relationship;
pub mod reports;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
