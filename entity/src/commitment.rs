use sea_orm::entity::prelude::*;

use crate::enums::CommitmentStatus;

/// Something promised in an interaction, by a user or a contact, due on a day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub interaction_id: Uuid,
    /// The interaction's organization, kept here for lists by customer.
    pub organization_id: Uuid,
    /// The interaction's author, kept here for access.
    pub author_organization_id: Option<Uuid>,
    pub description: String,
    pub owner_user_id: Option<Uuid>,
    pub owner_contact_id: Option<Uuid>,
    pub due_on: Date,
    pub status: CommitmentStatus,
    pub closed_at: Option<DateTimeUtc>,
    pub closing_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
