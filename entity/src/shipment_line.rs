use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "shipment_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub shipment_id: Uuid,
    pub order_line_id: Uuid,
    pub quantity: Fixed,
    /// What arrived, once the buyer records the goods receipt.
    pub received_quantity: Option<Fixed>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
