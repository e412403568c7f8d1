//! The API over HTTP, as clients use it.

mod bad_input;
mod batching;
mod directory;
mod helpers;
mod http;
mod schema;
