use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// One product of a special pricing agreement: what the distributor asked for, what the
/// brand authorised, and how much of it has been used.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "special_price_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub special_price_id: Uuid,
    pub line_number: i32,
    pub product_id: Uuid,
    /// The quantity the deal needs.
    pub quantity: Fixed,
    /// The distributor's own price for the product when it asked: its tier's price list.
    pub tier_price: Fixed,
    /// The net price asked for, where it asked for one.
    pub requested_price: Option<Fixed>,
    /// The discount off the tier price asked for, in percent, where it asked for one.
    pub requested_discount: Option<Fixed>,
    /// The price the brand authorised, once approved.
    pub authorized_price: Option<Fixed>,
    /// The most that may be sold at the authorised price, once approved.
    pub quantity_cap: Option<Fixed>,
    /// How much has been sold at it so far.
    pub consumed_quantity: Fixed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
