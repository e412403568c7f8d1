//! The directory as the API shows it: designed types, not the tables.

mod compiled;
mod inputs;
mod mutation;
mod query;
mod types;

pub use inputs::input_id;
pub use mutation::DirectoryMutation;
pub use query::{DirectoryQuery, SortDirection};
pub use types::*;

pub(crate) use compiled::loaded;
pub use compiled::register as register_compiled;
