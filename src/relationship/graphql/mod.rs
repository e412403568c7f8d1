//! Interactions, commitments and tasks in GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use resolvers::{RelationshipMutation, RelationshipQuery};
pub use types::{Commitment, Interaction, Task, contact, user};
