use sea_orm::entity::prelude::*;

use crate::fixed::Fixed;

/// What the brand owes a partner back, as a document beside its invoices: it lowers the
/// partner's balance with the brand as it is issued.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "credit_memos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The brand's number for it (`CM-000001`).
    #[sea_orm(unique)]
    pub number: String,
    pub partner_id: Uuid,
    /// The brand, whose balance with the partner it lowers.
    pub seller_id: Uuid,
    pub currency: String,
    /// The sum of its lines.
    pub amount: Fixed,
    pub issued_on: Date,
    pub issued_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
