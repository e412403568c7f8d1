use sea_orm::entity::prelude::*;

/// One thing that happened to an order, a shipment, a case, a stock report or a lead, written
/// in the change's own transaction: the outbox that webhooks and subscriptions read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// `ORDER`, `SHIPMENT`, `CASE`, `INVENTORY` or `LEAD`.
    pub topic: String,
    /// For example `ORDER_ACKNOWLEDGED`.
    pub event_type: String,
    /// The order, shipment, case, report or lead.
    pub subject_id: Uuid,
    /// The order a shipment belongs to.
    pub order_id: Option<Uuid>,
    /// The partner organizations that may see it, space-separated (also in
    /// `event_audiences`, for queries); subscribers filter on it.
    pub audience: String,
    /// JSON: the body a webhook receives.
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
