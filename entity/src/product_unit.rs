use sea_orm::entity::prelude::*;

/// A pack a product also comes in: a unit (`CA`, `BX`, …) holding `quantity` of the
/// product's own unit, with the pack's own GTIN when it has one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "product_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub unit: String,
    pub quantity: i32,
    pub gtin: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
