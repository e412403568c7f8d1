//! Inputs of relationship work, parsed into the services' types at the edge.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use uuid::Uuid;

use super::types::*;
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::connection::SortDirection;
use crate::graphql::scalars::{Date, DateTime};
use crate::ids::{GlobalId, IdError, NodeType, argument_id};
use crate::organizations::model::Patch;
use crate::pagination::{Sort, SortKey};
use crate::relationship::model::{
    CommitmentFilter, InteractionChanges, InteractionFilter, NewCommitment, NewInteraction,
    NewTask, Owner, TaskChanges, TaskFilter,
};

const SUMMARY_MAX: usize = 2000;
const NOTES_MAX: usize = 20_000;
const DESCRIPTION_MAX: usize = 1000;
const TITLE_MAX: usize = 200;
/// Most people and commitments one interaction records.
const PEOPLE_MAX: usize = 50;

/// The id at `path` (below `input`), which must name a `expected`.
fn id_at(path: &[&str], raw: &ID, expected: NodeType) -> Result<Uuid> {
    GlobalId::parse_as(raw, expected).map_err(|e| {
        let code = match e {
            IdError::Malformed => ErrorCode::Invalid,
            IdError::WrongType { .. } => ErrorCode::WrongType,
        };
        let mut field = vec!["input"];
        field.extend_from_slice(path);
        let label = path.last().copied().unwrap_or("id");
        Error::user(&field, code, format!("{label} {e}"))
    })
}

fn ids_at(field: &str, raw: &[ID], expected: NodeType) -> Result<Vec<Uuid>> {
    if raw.len() > PEOPLE_MAX {
        return Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!(
                "{field} holds {} ids; at most {PEOPLE_MAX} are allowed",
                raw.len()
            ),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(i, id)| id_at(&[field, &i.to_string()], id, expected))
        .collect()
}

/// A change to free notes: kept when omitted, cleared by null or blank text.
fn note_patch(field: &str, value: MaybeUndefined<String>) -> Result<Patch<String>> {
    Ok(match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => {
            match domain::optional_note(&["input", field], Some(&v), NOTES_MAX)? {
                Some(v) => Patch::Set(v),
                None => Patch::Clear,
            }
        }
    })
}

/// A commitment made in an interaction: by one of your users or by one of the customer's
/// contacts.
#[derive(InputObject)]
pub struct CommitmentInput {
    /// What was promised: 1 to 1000 characters.
    pub description: String,
    /// The user who promised it (one of yours). Give this or `ownerContactId`.
    pub owner_user_id: Option<ID>,
    /// The customer's contact who promised it. Give this or `ownerUserId`.
    pub owner_contact_id: Option<ID>,
    /// The day it is due; not before the interaction.
    pub due_on: Date,
}

impl CommitmentInput {
    fn parse(self, at: &[&str]) -> Result<NewCommitment> {
        let field = |name: &'static str| {
            let mut f = at.to_vec();
            f.push(name);
            f
        };
        let mut description_path = vec!["input"];
        description_path.extend(field("description"));
        let description =
            domain::required_text(&description_path, &self.description, DESCRIPTION_MAX)?;
        let owner = match (&self.owner_user_id, &self.owner_contact_id) {
            (Some(user), None) => Owner::User(id_at(&field("ownerUserId"), user, NodeType::User)?),
            (None, Some(contact)) => {
                Owner::Contact(id_at(&field("ownerContactId"), contact, NodeType::Contact)?)
            }
            (Some(_), Some(_)) => {
                let mut f = vec!["input"];
                f.extend(field("ownerContactId"));
                return Err(Error::user(
                    &f,
                    ErrorCode::Invalid,
                    "give ownerUserId or ownerContactId, not both",
                ));
            }
            (None, None) => {
                let mut f = vec!["input"];
                f.extend(field("ownerUserId"));
                return Err(Error::user(
                    &f,
                    ErrorCode::Required,
                    "name who promised it: ownerUserId or ownerContactId",
                ));
            }
        };
        Ok(NewCommitment {
            description,
            owner,
            due_on: self.due_on.0,
        })
    }
}

/// An interaction that took place, with who took part and what was promised.
#[derive(InputObject)]
pub struct InteractionRecordInput {
    /// The organization it was with: your own, one downstream of you, or any for staff.
    pub organization_id: ID,
    /// How it took place.
    pub kind: InteractionKind,
    /// When it took place; not in the future.
    pub occurred_at: DateTime,
    /// What was said: 1 to 2000 characters.
    pub summary: String,
    /// Notes for your own people only.
    pub internal_notes: Option<String>,
    /// Your users who took part (at most 50).
    #[graphql(default)]
    pub user_ids: Vec<ID>,
    /// The organization's contacts who took part (at most 50).
    #[graphql(default)]
    pub contact_ids: Vec<ID>,
    /// What was promised (at most 50).
    #[graphql(default)]
    pub commitments: Vec<CommitmentInput>,
}

impl InteractionRecordInput {
    pub fn parse(self) -> Result<NewInteraction> {
        if self.commitments.len() > PEOPLE_MAX {
            return Err(Error::user(
                &["input", "commitments"],
                ErrorCode::OutOfRange,
                format!(
                    "commitments holds {}; at most {PEOPLE_MAX} are allowed",
                    self.commitments.len()
                ),
            ));
        }
        Ok(NewInteraction {
            organization_id: id_at(
                &["organizationId"],
                &self.organization_id,
                NodeType::Organization,
            )?,
            kind: self.kind.into(),
            occurred_at: self.occurred_at.0,
            summary: domain::required_text(&["input", "summary"], &self.summary, SUMMARY_MAX)?,
            internal_notes: domain::optional_note(
                &["input", "internalNotes"],
                self.internal_notes.as_deref(),
                NOTES_MAX,
            )?,
            user_ids: ids_at("userIds", &self.user_ids, NodeType::User)?,
            contact_ids: ids_at("contactIds", &self.contact_ids, NodeType::Contact)?,
            commitments: self
                .commitments
                .into_iter()
                .enumerate()
                .map(|(i, c)| c.parse(&["commitments", &i.to_string()]))
                .collect::<Result<_>>()?,
        })
    }
}

/// Changes to an interaction your side recorded. Omitted fields stay as they are.
#[derive(InputObject)]
pub struct InteractionUpdateInput {
    /// The interaction to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new kind.
    pub kind: Option<InteractionKind>,
    /// A new time; not in the future.
    pub occurred_at: Option<DateTime>,
    /// A new summary.
    pub summary: Option<String>,
    /// New internal notes; null clears them.
    pub internal_notes: MaybeUndefined<String>,
}

impl InteractionUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, InteractionChanges)> {
        let id = id_at(&["id"], &self.id, NodeType::Interaction)?;
        let internal_notes = note_patch("internalNotes", self.internal_notes)?;
        Ok((
            id,
            self.version,
            InteractionChanges {
                kind: self.kind.map(Into::into),
                occurred_at: self.occurred_at.map(|t| t.0),
                summary: self
                    .summary
                    .map(|s| domain::required_text(&["input", "summary"], &s, SUMMARY_MAX))
                    .transpose()?,
                internal_notes,
            },
        ))
    }
}

/// A commitment added to an interaction your side recorded.
#[derive(InputObject)]
pub struct CommitmentAddInput {
    /// The interaction it was made in.
    pub interaction_id: ID,
    /// What was promised: 1 to 1000 characters.
    pub description: String,
    /// The user who promised it (one of yours). Give this or `ownerContactId`.
    pub owner_user_id: Option<ID>,
    /// The customer's contact who promised it. Give this or `ownerUserId`.
    pub owner_contact_id: Option<ID>,
    /// The day it is due; not before the interaction.
    pub due_on: Date,
}

impl CommitmentAddInput {
    pub fn parse(self) -> Result<(Uuid, NewCommitment)> {
        let interaction = id_at(
            &["interactionId"],
            &self.interaction_id,
            NodeType::Interaction,
        )?;
        let new = CommitmentInput {
            description: self.description,
            owner_user_id: self.owner_user_id,
            owner_contact_id: self.owner_contact_id,
            due_on: self.due_on,
        }
        .parse(&[])?;
        Ok((interaction, new))
    }
}

/// How a commitment ended.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitmentOutcome {
    /// Done as promised.
    Kept,
    /// Not done as promised.
    Broken,
}

/// Records whether an open commitment was kept.
#[derive(InputObject)]
pub struct CommitmentCloseInput {
    /// The commitment.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Kept or broken.
    pub outcome: CommitmentOutcome,
    /// What happened, for whoever reads it later.
    pub note: Option<String>,
}

impl CommitmentCloseInput {
    pub fn parse(self) -> Result<(Uuid, i32, entity::enums::CommitmentStatus, Option<String>)> {
        Ok((
            id_at(&["id"], &self.id, NodeType::Commitment)?,
            self.version,
            match self.outcome {
                CommitmentOutcome::Kept => entity::enums::CommitmentStatus::Kept,
                CommitmentOutcome::Broken => entity::enums::CommitmentStatus::Broken,
            },
            domain::optional_note(&["input", "note"], self.note.as_deref(), SUMMARY_MAX)?,
        ))
    }
}

/// A task to do by a day.
#[derive(InputObject)]
pub struct TaskCreateInput {
    /// What it asks for.
    pub kind: TaskKind,
    /// What to do, in a line: 1 to 200 characters.
    pub title: String,
    /// More about it.
    pub notes: Option<String>,
    /// The organization it concerns.
    pub organization_id: Option<ID>,
    /// The contact it concerns; they must work at `organizationId`.
    pub contact_id: Option<ID>,
    /// The interaction it follows up.
    pub interaction_id: Option<ID>,
    /// Who has to do it: one of your side's users. Default: you.
    pub assignee_id: Option<ID>,
    /// The day it is due.
    pub due_on: Date,
}

impl TaskCreateInput {
    pub fn parse(self) -> Result<NewTask> {
        let optional = |name: &str, raw: &Option<ID>, ty: NodeType| {
            raw.as_ref().map(|id| id_at(&[name], id, ty)).transpose()
        };
        Ok(NewTask {
            kind: self.kind.into(),
            title: domain::required_text(&["input", "title"], &self.title, TITLE_MAX)?,
            notes: domain::optional_note(&["input", "notes"], self.notes.as_deref(), NOTES_MAX)?,
            organization_id: optional(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            contact_id: optional("contactId", &self.contact_id, NodeType::Contact)?,
            interaction_id: optional("interactionId", &self.interaction_id, NodeType::Interaction)?,
            assignee_id: optional("assigneeId", &self.assignee_id, NodeType::User)?,
            due_on: self.due_on.0,
        })
    }
}

/// Changes to an open task. Omitted fields stay as they are.
#[derive(InputObject)]
pub struct TaskUpdateInput {
    /// The task to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new kind.
    pub kind: Option<TaskKind>,
    /// A new title.
    pub title: Option<String>,
    /// New notes; null clears them.
    pub notes: MaybeUndefined<String>,
    /// A new assignee: one of your side's users.
    pub assignee_id: Option<ID>,
    /// A new due day.
    pub due_on: Option<Date>,
}

impl TaskUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, TaskChanges)> {
        let notes = note_patch("notes", self.notes)?;
        Ok((
            id_at(&["id"], &self.id, NodeType::Task)?,
            self.version,
            TaskChanges {
                kind: self.kind.map(Into::into),
                title: self
                    .title
                    .map(|t| domain::required_text(&["input", "title"], &t, TITLE_MAX))
                    .transpose()?,
                notes,
                assignee_id: self
                    .assignee_id
                    .as_ref()
                    .map(|id| id_at(&["assigneeId"], id, NodeType::User))
                    .transpose()?,
                due_on: self.due_on.map(|d| d.0),
            },
        ))
    }
}

/// Completes or cancels an open task.
#[derive(InputObject)]
pub struct TaskCloseInput {
    /// The task.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

impl TaskCloseInput {
    pub fn parse(self) -> Result<(Uuid, i32)> {
        Ok((id_at(&["id"], &self.id, NodeType::Task)?, self.version))
    }
}

/// Narrows a list of interactions. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "InteractionFilter")]
pub struct InteractionFilterInput {
    /// Only interactions with this organization.
    pub organization_id: Option<ID>,
    /// Only interactions this contact took part in.
    pub contact_id: Option<ID>,
    /// Only interactions this user took part in.
    pub user_id: Option<ID>,
    /// Only these kinds.
    pub kinds: Option<Vec<InteractionKind>>,
    /// Only those that took place at or after this time.
    pub occurred_from: Option<DateTime>,
    /// Only those that took place before this time.
    pub occurred_before: Option<DateTime>,
}

impl InteractionFilterInput {
    pub fn parse(self) -> Result<InteractionFilter> {
        Ok(InteractionFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            contact_id: argument_id(
                "filter.contactId",
                self.contact_id.as_ref(),
                NodeType::Contact,
            )?,
            user_id: argument_id("filter.userId", self.user_id.as_ref(), NodeType::User)?,
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            occurred_from: self.occurred_from.map(|t| t.0),
            occurred_before: self.occurred_before.map(|t| t.0),
        })
    }
}

/// What an interaction list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InteractionOrderField {
    /// When it took place.
    OccurredAt,
    /// When it last changed.
    UpdatedAt,
}

/// How an interaction list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct InteractionOrder {
    /// The field to sort by.
    pub field: InteractionOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl InteractionOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(InteractionOrder {
            field: InteractionOrderField::OccurredAt,
            direction: SortDirection::Desc,
        });
        Sort {
            key: match order.field {
                InteractionOrderField::OccurredAt => SortKey::CreatedAt,
                InteractionOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// The owner a commitment filter names: a user or a contact.
fn owner_argument(raw: Option<&ID>) -> Result<Option<Owner>> {
    let Some(raw) = raw else { return Ok(None) };
    let bad = |message: String| Error::bad_input("filter.ownerId", message);
    let gid = GlobalId::parse(raw).map_err(|e| bad(format!("filter.ownerId {e}")))?;
    match gid.node_type {
        NodeType::User => Ok(Some(Owner::User(gid.id))),
        NodeType::Contact => Ok(Some(Owner::Contact(gid.id))),
        other => Err(bad(format!(
            "filter.ownerId is the id of {}, not of a User or a Contact",
            crate::ids::with_article(other.name())
        ))),
    }
}

/// Narrows a list of commitments. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "CommitmentFilter")]
pub struct CommitmentFilterInput {
    /// Only commitments made with this organization.
    pub organization_id: Option<ID>,
    /// Only those made in this interaction.
    pub interaction_id: Option<ID>,
    /// Only those this user or contact promised.
    pub owner_id: Option<ID>,
    /// Only these statuses.
    pub statuses: Option<Vec<CommitmentStatus>>,
    /// Only open ones past their due day (true), or only the others (false).
    pub overdue: Option<bool>,
    /// Only those due before this day.
    pub due_before: Option<Date>,
}

impl CommitmentFilterInput {
    pub fn parse(self, today: chrono::NaiveDate) -> Result<CommitmentFilter> {
        Ok(CommitmentFilter {
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            interaction_id: argument_id(
                "filter.interactionId",
                self.interaction_id.as_ref(),
                NodeType::Interaction,
            )?,
            owner: owner_argument(self.owner_id.as_ref())?,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            overdue: self.overdue,
            due_before: self.due_before.map(|d| d.0),
            today,
        })
    }
}

/// What a commitment or task list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueOrderField {
    /// The day it is due.
    DueOn,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How a commitment or task list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct DueOrder {
    /// The field to sort by.
    pub field: DueOrderField,
    /// The direction. Default ASC: soonest due first.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl DueOrder {
    pub fn sort(order: Option<Self>) -> Sort {
        let order = order.unwrap_or(DueOrder {
            field: DueOrderField::DueOn,
            direction: SortDirection::Asc,
        });
        Sort {
            key: match order.field {
                DueOrderField::DueOn => SortKey::Due,
                DueOrderField::CreatedAt => SortKey::CreatedAt,
                DueOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// Narrows a list of tasks. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "TaskFilter")]
pub struct TaskFilterInput {
    /// Only tasks assigned to this user.
    pub assignee_id: Option<ID>,
    /// Only tasks about this organization.
    pub organization_id: Option<ID>,
    /// Only these kinds.
    pub kinds: Option<Vec<TaskKind>>,
    /// Only these statuses.
    pub statuses: Option<Vec<TaskStatus>>,
    /// Only open tasks past their due day (true), or only the others (false).
    pub overdue: Option<bool>,
    /// Only those due before this day.
    pub due_before: Option<Date>,
    /// Only key accounts' return visits (true), or only other tasks (false).
    pub return_visit: Option<bool>,
}

impl TaskFilterInput {
    pub fn parse(self, today: chrono::NaiveDate) -> Result<TaskFilter> {
        Ok(TaskFilter {
            assignee_id: argument_id(
                "filter.assigneeId",
                self.assignee_id.as_ref(),
                NodeType::User,
            )?,
            organization_id: argument_id(
                "filter.organizationId",
                self.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            overdue: self.overdue,
            due_before: self.due_before.map(|d| d.0),
            return_visit: self.return_visit,
            today,
        })
    }
}
