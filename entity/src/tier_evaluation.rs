use sea_orm::entity::prelude::*;

/// What a partner measured against every tier's criteria on a day, and the tier it
/// qualified for. Never changed: each evaluation is kept as it was made.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tier_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub as_of: Date,
    /// The tier it was in.
    pub tier_id: Option<Uuid>,
    /// The tier its figures qualify it for; null where they qualify it for none.
    pub qualified_tier_id: Option<Uuid>,
    /// Each criterion with the value measured, as JSON.
    #[sea_orm(column_type = "Text")]
    pub measured: String,
    /// The last change to the tiers it measured against, as it read them: a change made
    /// after it makes it stale.
    pub program_as_of: Option<DateTimeUtc>,
    pub evaluated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
