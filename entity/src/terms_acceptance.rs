use sea_orm::entity::prelude::*;

/// A partner admin's acceptance of one version of the program terms for its organization:
/// who, when, which version and from which request. Never changed or removed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "terms_acceptances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub terms_id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub accepted_at: DateTimeUtc,
    /// The request's id, as its response's `x-request-id` carried it.
    pub request_id: Option<String>,
    /// The address the request came from.
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
