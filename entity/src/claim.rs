use sea_orm::entity::prelude::*;

use crate::enums::{ClaimSource, ClaimStatus};
use crate::fixed::Fixed;

/// A ship-and-debit claim: after selling to an end customer at a special price, a
/// distributor claims back what it paid above the authorised price.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The brand's number for it (`CLM-000001`).
    #[sea_orm(unique)]
    pub number: String,
    pub distributor_id: Uuid,
    pub special_price_id: Uuid,
    /// The distributor's own debit number, unique per distributor.
    pub reference: String,
    pub source: ClaimSource,
    pub status: ClaimStatus,
    pub currency: String,
    /// The sum of its lines as claimed.
    pub claimed_amount: Fixed,
    /// The sum of its lines as the checks (and the brand's overrides) allow them.
    pub allowed_amount: Fixed,
    /// What the brand approved, once it decided.
    pub approved_amount: Option<Fixed>,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTimeUtc,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// The credit memo that settled it, once approved for more than nothing.
    pub credit_memo_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
