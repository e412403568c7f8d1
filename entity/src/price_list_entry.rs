use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// The unit price of a product on a price list from a minimum quantity on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "price_list_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub price_list_id: Uuid,
    pub product_id: Uuid,
    pub min_quantity: Fixed,
    pub unit_price: Fixed,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
