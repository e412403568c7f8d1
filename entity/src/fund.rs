use sea_orm::entity::prelude::*;

use crate::enums::FundKind;
use crate::fixed::Fixed;

/// Money the brand sets aside for its partners' marketing in a period: a marketing
/// development fund allocated by tier, or a co-op fund each partner accrues as a share of
/// its purchases.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "funds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: FundKind,
    pub currency: String,
    pub starts_on: Date,
    pub ends_on: Date,
    /// The most the brand approves out of it, across all partners.
    pub budget: Fixed,
    /// For a co-op fund: the percentage of a partner's purchases in the period it accrues.
    pub accrual_rate: Option<Fixed>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
