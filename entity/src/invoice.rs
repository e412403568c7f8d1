use sea_orm::entity::prelude::*;

use crate::enums::InvoiceStatus;
use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub issued_on: Date,
    pub due_on: Date,
    pub currency: String,
    pub total: Fixed,
    pub tax_total: Fixed,
    pub paid: Fixed,
    pub status: InvoiceStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
