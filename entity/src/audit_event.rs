use sea_orm::entity::prelude::*;

/// One change made through the API: who, what, to which object, the fields before and after
/// (secrets redacted), and the request it came from. Written in the change's transaction;
/// never updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub principal_kind: String,
    pub principal_id: Option<Uuid>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    /// JSON: `{"field": {"before": …, "after": …}}`.
    pub changes: String,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
