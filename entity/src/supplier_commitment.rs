use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// What a supplier commits to deliver of a product in a week. A later commitment for the
/// same week replaces it; the replaced ones are its history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "supplier_commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub supplier_id: Uuid,
    pub product_id: Uuid,
    /// The Monday of the week.
    pub week_start: Date,
    pub quantity: Fixed,
    pub note: Option<String>,
    pub committed_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub replaced_at: Option<DateTimeUtc>,
    pub replaced_by: Option<Uuid>,
    /// `supplier/product/week` while current: one current commitment a week.
    #[sea_orm(unique)]
    pub current_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
