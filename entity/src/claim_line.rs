use sea_orm::entity::prelude::*;

use crate::enums::ClaimLineResult;
use crate::fixed::Fixed;

/// One sale a claim is for, as claimed and as checked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "claim_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub claim_id: Uuid,
    pub line_number: i32,
    pub product_id: Uuid,
    /// The agreement line it draws on, where the agreement covers the product.
    pub special_price_line_id: Option<Uuid>,
    /// The distributor's invoice to the end customer: a sale is its invoice and product.
    pub invoice: String,
    pub sold_on: Date,
    pub quantity: Fixed,
    /// What the distributor says it paid the brand a unit.
    pub paid_cost: Fixed,
    /// The agreement's authorised price a unit.
    pub authorized_cost: Fixed,
    /// (paid − authorised) × quantity.
    pub claimed_amount: Fixed,
    /// What the checks found.
    pub result: ClaimLineResult,
    /// Why it was adjusted or rejected: one reason a line, `CODE: words`.
    pub reasons: Option<String>,
    pub allowed_quantity: Fixed,
    /// The cost a unit the distributor's purchases support.
    pub allowed_cost: Fixed,
    pub allowed_amount: Fixed,
    /// The brand's own result, where it overrode the checks' (`VALID`, `ADJUSTED`, `REJECTED`).
    pub decided: Option<ClaimLineResult>,
    pub override_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
