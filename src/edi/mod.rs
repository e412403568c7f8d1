//! ASC X12 EDI: partners' ERPs exchange the trade model's orders, acknowledgements, ship
//! notices, invoices and reports as X12 documents, through `POST /edi/x12` and the
//! `ediSubmit` mutation. The envelope (delimiters, counts, control numbers, TA1) is read and
//! written here; transaction set bodies are read with the `x12-types` crate (see [`sets`]).

pub mod ack;
pub mod changes;
pub mod claims;
pub mod cross_references;
pub mod envelope;
pub mod graphql;
pub mod http;
pub mod inbound;
pub mod loaders;
pub mod mapping;
pub mod outbound;
pub mod overdue;
pub mod partners;
pub mod purchase_orders;
pub mod reconcile;
pub mod reports;
pub mod resales;
pub mod service;
pub mod sets;
pub mod suppliers;
pub mod writer;

/// `value` cut to `max` characters, to fit its column.
pub(crate) fn clip(value: &str, max: usize) -> String {
    value.chars().take(max).collect()
}
