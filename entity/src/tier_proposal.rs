use sea_orm::entity::prelude::*;

use crate::enums::TierProposalStatus;

/// A tier change an evaluation proposed for a partner, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tier_proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub evaluation_id: Uuid,
    pub from_tier_id: Option<Uuid>,
    pub to_tier_id: Uuid,
    pub status: TierProposalStatus,
    /// Why, in words: the criteria met or missed.
    pub reason: String,
    /// When the program's pass applies it unless staff decide first; null where staff
    /// decide.
    pub apply_after: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
