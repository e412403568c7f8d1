use sea_orm::entity::prelude::*;

/// A URL that receives signed events of the types it names, for one partner organization
/// (the events it may see) or for the brand (every event).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The partner it delivers to; null for the brand's own endpoints.
    pub organization_id: Option<Uuid>,
    pub url: String,
    pub description: Option<String>,
    /// Space-separated event types, for example `ORDER_ACKNOWLEDGED SHIPMENT_SENT`.
    pub event_types: String,
    /// The HMAC-SHA256 key of the signatures; it must be kept to sign, so it is stored as is.
    pub signing_secret: String,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
