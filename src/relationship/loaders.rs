//! The interactions, commitments and tasks a request's resolvers follow, batched per
//! request.

use uuid::Uuid;

use super::{interactions, tasks};
use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads relationship work for one request, on behalf of its principal.
pub struct RelationshipLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InteractionId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitmentId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(pub Uuid);
/// Who took part in an interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParticipantsOf(pub Uuid);
/// The commitments made in an interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitmentsOf(pub Uuid);

by_id_loader!(
    RelationshipLoader: InteractionId => entity::interaction::Model,
    interactions::by_ids
);
by_id_loader!(
    RelationshipLoader: CommitmentId => entity::commitment::Model,
    interactions::commitments_by_ids
);
by_id_loader!(RelationshipLoader: TaskId => entity::task::Model, tasks::by_ids);
by_id_loader!(
    RelationshipLoader: ParticipantsOf => Vec<entity::interaction_participant::Model>,
    interactions::participants_of
);
by_id_loader!(
    RelationshipLoader: CommitmentsOf => Vec<entity::commitment::Model>,
    interactions::commitments_of
);
