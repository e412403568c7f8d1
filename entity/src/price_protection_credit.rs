use sea_orm::entity::prelude::*;

use crate::enums::PriceProtectionStatus;
use crate::fixed::Fixed;

/// A credit a distributor's stock on hand earned when a product's net price to it fell:
/// (old net price − new net price) × the quantity protected.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "price_protection_credits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The brand's number for it (`PP-000001`).
    #[sea_orm(unique)]
    pub number: String,
    pub distributor_id: Uuid,
    /// The brand.
    pub seller_id: Uuid,
    pub product_id: Uuid,
    /// The day the price fell.
    pub effective_on: Date,
    /// The inventory report the stock on hand came from.
    pub inventory_report_id: Uuid,
    pub on_hand: Fixed,
    /// What the distributor bought of the product from the brand in the window before.
    pub bought: Fixed,
    /// The window, in days, as it was set when the credit was proposed.
    pub window_days: i32,
    /// The smaller of the two: what is protected.
    pub quantity: Fixed,
    pub old_price: Fixed,
    pub new_price: Fixed,
    pub currency: String,
    pub amount: Fixed,
    pub status: PriceProtectionStatus,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// The credit memo that settled it, once approved.
    pub credit_memo_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
