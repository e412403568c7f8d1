use sea_orm::entity::prelude::*;

use crate::enums::DeliveryStatus;

/// One event on its way to one endpoint: pending until an attempt succeeds, retried with
/// backoff, dead after the retry window.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub status: DeliveryStatus,
    /// Attempts started, over the delivery's whole life.
    pub attempts: i32,
    /// When a node may claim it next. A claim moves this past the attempt's lease, so a
    /// node that dies mid-attempt leaves it to the others once the lease runs out.
    pub next_attempt_at: DateTimeUtc,
    /// Where the retry window began: at the event, or at the last redelivery.
    pub window_started_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
    pub dead_at: Option<DateTimeUtc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
