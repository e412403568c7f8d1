use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// What a distributor sold over a period. Replaced by a later report for the same period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sell_through_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub period_start: Date,
    pub period_end: Date,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTimeUtc,
    pub replaced_at: Option<DateTimeUtc>,
    pub replaced_by: Option<Uuid>,
    pub brand_share_percent: Option<Fixed>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
