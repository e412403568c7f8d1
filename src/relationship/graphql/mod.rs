//! Interactions, commitments and tasks in GraphQL.

mod compiled;
mod inputs;
mod resolvers;
mod timeline;
mod types;

pub use resolvers::{RelationshipMutation, RelationshipQuery};
pub use timeline::{TimelineFilter, TimelineItem, TimelineOrder, timeline_connection};
pub use types::{Commitment, Interaction, Task, contact, user};

pub use compiled::register as register_compiled;
pub(crate) use compiled::{by_id, contact_of, order_of, organization_of, product_of};
