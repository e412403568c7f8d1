use sea_orm::entity::prelude::*;

use crate::enums::IndustrySegment;
use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sell_through_report_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub product_id: Uuid,
    /// The customer segment sold to, when the distributor reports by segment.
    pub segment: Option<IndustrySegment>,
    pub quantity_sold: Fixed,
    /// The end customer sold to, where the distributor names one.
    pub end_customer_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
