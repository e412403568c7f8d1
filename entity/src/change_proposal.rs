use sea_orm::entity::prelude::*;

use crate::enums::ProposalStatus;

/// Changes a partner asked for on its own organization that wait for the brand's approval.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "change_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// A JSON object: each changed field (by its API name) with `before` and `after`.
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    pub status: ProposalStatus,
    /// The user who proposed it, if a person did.
    pub proposed_by: Option<Uuid>,
    /// The API token that proposed it, if a partner system did.
    pub proposed_by_token: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
