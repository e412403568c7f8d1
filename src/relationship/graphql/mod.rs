//! Interactions, commitments and tasks in GraphQL.

mod inputs;
mod resolvers;
mod timeline;
mod types;

pub use resolvers::{RelationshipMutation, RelationshipQuery};
pub use timeline::{TimelineFilter, TimelineItem, TimelineOrder, timeline_connection};
pub use types::{Commitment, Interaction, Task, contact, user};
