use sea_orm::entity::prelude::*;

/// A distributor's stock on a date. Replaced by a later report for the same date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "inventory_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub as_of: Date,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTimeUtc,
    pub replaced_at: Option<DateTimeUtc>,
    pub replaced_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
