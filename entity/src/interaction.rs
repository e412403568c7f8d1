use sea_orm::entity::prelude::*;

use crate::enums::InteractionKind;

/// A call, visit, email, meeting, trade-show contact or portal message with an organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "interactions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organization it was with.
    pub organization_id: Uuid,
    /// The partner that recorded it; null when the brand did.
    pub author_organization_id: Option<Uuid>,
    pub kind: InteractionKind,
    pub occurred_at: DateTimeUtc,
    pub summary: String,
    /// Notes for the author's own people only.
    pub internal_notes: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
