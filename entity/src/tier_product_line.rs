use sea_orm::entity::prelude::*;

/// A product line that partners of a tier must carry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "tier_product_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tier_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_line: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
