use sea_orm::entity::prelude::*;

use crate::enums::{TaskKind, TaskStatus};

/// A follow-up, call or visit someone has to do by a day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: TaskKind,
    pub title: String,
    pub notes: Option<String>,
    pub organization_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// The interaction it follows up, or the visit that completed a return visit.
    pub interaction_id: Option<Uuid>,
    /// The case it follows up.
    pub case_id: Option<Uuid>,
    /// The partner whose task it is; null for the brand's.
    pub author_organization_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub due_on: Date,
    pub status: TaskStatus,
    /// A key account's scheduled return visit.
    pub return_visit: bool,
    /// The key account, while this return visit is open: at most one open per account.
    #[sea_orm(unique)]
    pub open_return_visit_of: Option<Uuid>,
    pub completed_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
