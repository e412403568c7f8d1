use sea_orm::entity::prelude::*;

use crate::enums::OrderStatus;

/// One step in an order's history: who, when, what changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "order_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub principal_kind: String,
    pub principal_id: Option<Uuid>,
    pub action: String,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    /// JSON: what the step changed.
    pub changes: String,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
