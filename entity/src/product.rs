use sea_orm::entity::prelude::*;

use crate::enums::{ProductStatus, UnitOfMeasure};
use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub sku: String,
    pub name: String,
    pub name_key: String,
    pub gtin: Option<String>,
    pub product_line: String,
    pub unit: UnitOfMeasure,
    pub list_price: Fixed,
    pub currency: String,
    /// Tax on each line, in percent of the line's net amount.
    pub tax_rate: Fixed,
    pub standard_cost: Option<Fixed>,
    pub status: ProductStatus,
    pub description: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
