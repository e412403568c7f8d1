//! Relationship work as the services take it: parsed and valid.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{CommitmentStatus, InteractionKind, TaskKind, TaskStatus};
use uuid::Uuid;

use crate::organizations::model::Patch;

/// Who promised something: a user on the recording side, or a contact of the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    User(Uuid),
    Contact(Uuid),
}

#[derive(Clone, Debug)]
pub struct NewCommitment {
    pub description: String,
    pub owner: Owner,
    pub due_on: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct NewInteraction {
    pub organization_id: Uuid,
    pub kind: InteractionKind,
    pub occurred_at: DateTime<Utc>,
    pub summary: String,
    pub internal_notes: Option<String>,
    pub user_ids: Vec<Uuid>,
    pub contact_ids: Vec<Uuid>,
    pub commitments: Vec<NewCommitment>,
}

#[derive(Clone, Debug, Default)]
pub struct InteractionChanges {
    pub kind: Option<InteractionKind>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub internal_notes: Patch<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InteractionFilter {
    pub organization_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub kinds: Vec<InteractionKind>,
    pub occurred_from: Option<DateTime<Utc>>,
    pub occurred_before: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CommitmentFilter {
    pub organization_id: Option<Uuid>,
    pub interaction_id: Option<Uuid>,
    pub owner: Option<Owner>,
    pub statuses: Vec<CommitmentStatus>,
    /// Open and past their due date (true), or not (false), as of `today`.
    pub overdue: Option<bool>,
    pub due_before: Option<NaiveDate>,
    /// Today in the business time zone, for `overdue`.
    pub today: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct NewTask {
    pub kind: TaskKind,
    pub title: String,
    pub notes: Option<String>,
    pub organization_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub interaction_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub due_on: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct TaskChanges {
    pub kind: Option<TaskKind>,
    pub title: Option<String>,
    pub notes: Patch<String>,
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TaskFilter {
    pub assignee_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub kinds: Vec<TaskKind>,
    pub statuses: Vec<TaskStatus>,
    /// Open and past their due date (true), or not (false), as of `today`.
    pub overdue: Option<bool>,
    pub due_before: Option<NaiveDate>,
    pub return_visit: Option<bool>,
    pub today: NaiveDate,
}
