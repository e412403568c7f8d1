use sea_orm::entity::prelude::*;

use crate::enums::RebateStatus;
use crate::fixed::Fixed;

/// A partner's rebate for a program's period, as worked out when the period ended, and the
/// brand's decision on it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "rebate_settlements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The brand's number for it (`RB-000001`).
    #[sea_orm(unique)]
    pub number: String,
    pub program_id: Uuid,
    pub partner_id: Uuid,
    pub currency: String,
    /// What counted toward the thresholds in the period, as the program's basis says.
    pub volume: Fixed,
    /// The rate reached (retroactive) or the effective rate over all (incremental).
    pub rate: Fixed,
    pub amount: Fixed,
    pub status: RebateStatus,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub credit_memo_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
