use sea_orm::entity::prelude::*;

/// A note on a case: a reply the customer's side sees, or an internal investigation note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "case_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// The partner whose person wrote it; null for the brand's.
    pub author_organization_id: Option<Uuid>,
    pub written_by: Option<Uuid>,
    pub body: String,
    /// For the brand's people only.
    pub internal: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
