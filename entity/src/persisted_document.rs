use sea_orm::entity::prelude::*;

/// A registered GraphQL document, by its id: `sha256:` and the hex SHA-256 of its text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persisted_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub document: String,
    /// Registered by staff or the operator; a persisted query's text a client sent is not,
    /// and a server for registered documents only does not run it.
    pub trusted: bool,
    /// `STAFF`, `PARTNER_SYSTEM`, … : who registered it.
    pub registered_by_kind: String,
    pub registered_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
