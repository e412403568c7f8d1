//! The API over HTTP, as clients use it.

mod analytics;
mod audit;
mod auth;
mod bad_input;
mod batching;
mod bola;
mod cases;
mod catalog;
mod cli;
mod directory;
mod edi;
mod growth;
mod helpers;
mod http;
mod leads;
mod limits;
mod metrics;
mod orders;
mod relationship;
mod reports;
mod scale;
mod schema;
mod tokens;
mod users;
mod webhooks;
mod workloads;
