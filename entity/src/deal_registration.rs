use sea_orm::entity::prelude::*;

use crate::enums::DealStatus;
use crate::fixed::Fixed;

/// A partner's claim to a deal with an end customer, decided by the brand and protected for
/// a while once approved.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "deal_registrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub partner_id: Uuid,
    /// The end customer, when it exists (or once approval created it).
    pub customer_id: Option<Uuid>,
    pub customer_name: String,
    /// The customer's name normalized, to recognise the same customer.
    pub customer_key: String,
    pub customer_tax_id: Option<String>,
    pub amount: Fixed,
    pub currency: String,
    pub expected_close_on: Option<Date>,
    pub status: DealStatus,
    /// Another partner's protection covered the customer when this was registered.
    pub conflict: bool,
    pub conflict_with_id: Option<Uuid>,
    /// The user who registered the deal, where one did.
    pub registered_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub protected_until: Option<DateTimeUtc>,
    pub opportunity_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
