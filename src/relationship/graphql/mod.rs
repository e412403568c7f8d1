//! Interactions, commitments, tasks and timelines in GraphQL.

mod compiled;
mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    CommitmentAddInput, CommitmentCloseInput, CommitmentFilterInput, CommitmentInput,
    CommitmentOutcome, DueOrder, DueOrderField, InteractionFilterInput, InteractionOrder,
    InteractionOrderField, InteractionRecordInput, InteractionUpdateInput, TaskCloseInput,
    TaskCreateInput, TaskFilterInput, TaskUpdateInput,
};
pub use resolvers::{
    CommitmentPayload, InteractionPayload, RelationshipMutation, RelationshipQuery, TaskPayload,
};
pub use types::{
    Commitment, CommitmentStatus, Interaction, InteractionKind, Task, TaskKind, TaskStatus,
    TimelineFilter, TimelineItem, TimelineKind, TimelineOrder, contact, timeline_connection, user,
};

pub use compiled::register as register_compiled;
pub(crate) use compiled::{by_id, contact_of, order_of, organization_of, product_of};
