use sea_orm::entity::prelude::*;

/// One version of the partner program's terms. Published versions never change; the one
/// with the highest number is current.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "program_terms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// 1, 2, 3, … in the order published.
    #[sea_orm(unique)]
    pub number: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub published_by: Option<Uuid>,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
