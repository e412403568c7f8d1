use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub order_line_id: Uuid,
    pub quantity: Fixed,
    pub unit_price: Fixed,
    pub line_total: Fixed,
    pub tax_amount: Fixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
