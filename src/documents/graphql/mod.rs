//! Registering trusted documents over GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use inputs::DocumentRegisterInput;
pub use resolvers::DocumentMutation;
pub use types::DocumentRegisterPayload;
