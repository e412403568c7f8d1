use sea_orm::entity::prelude::*;

/// An advance ship notice: what left for an order, with whom, and when it arrived.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "shipments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub carrier: String,
    pub tracking_number: Option<String>,
    pub shipped_at: DateTimeUtc,
    pub expected_at: Option<Date>,
    pub received_at: Option<DateTimeUtc>,
    pub received_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
