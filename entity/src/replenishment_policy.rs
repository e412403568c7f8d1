use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// How a distributor's stock of a product is replenished, for one scope: a tier's partners,
/// one partner, or one partner's product (or a tier's, for one product). Each field left
/// empty is taken from the wider scope.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "replenishment_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `tier:<id>` or `partner:<id>`, with `/product:<id>` for one product: one row each.
    #[sea_orm(unique)]
    pub scope: String,
    pub tier_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    /// The stock to aim for, in weeks of forecast demand.
    pub target_weeks: Option<Fixed>,
    pub min_quantity: Option<Fixed>,
    pub max_quantity: Option<Fixed>,
    /// The pack size: a proposal is a multiple of it.
    pub order_multiple: Option<Fixed>,
    pub lead_time_days: Option<i32>,
    /// The weekdays stock is reviewed, `MON,THU`.
    pub review_days: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
