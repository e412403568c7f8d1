use sea_orm::entity::prelude::*;

use crate::enums::ReplenishmentMode;

/// How the brand plans one distributor's stock, and when it last did.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "replenishment_enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub distributor_id: Uuid,
    pub mode: ReplenishmentMode,
    /// Brand-managed: hours a proposal waits for the distributor before the brand orders.
    pub acceptance_window_hours: i32,
    /// Set when a stock or sell-through report arrives: the next pass proposes.
    pub due_at: Option<DateTimeUtc>,
    /// The last review day a pass proposed on.
    pub reviewed_on: Option<Date>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
