use sea_orm::entity::prelude::*;

use crate::enums::{EdiDirection, EdiStatus, EdiUsage};

/// An X12 interchange received from or sent to a partner, stored as it was.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "edi_interchanges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The partner: the sender of an inbound interchange, the receiver of an outbound one.
    pub organization_id: Uuid,
    pub direction: EdiDirection,
    pub usage: EdiUsage,
    /// ISA06 and ISA08.
    pub sender_id: String,
    pub receiver_id: String,
    /// ISA13, when the ISA could be read.
    pub control_number: Option<String>,
    /// ISA12.
    pub version: Option<String>,
    pub status: EdiStatus,
    pub message: Option<String>,
    pub content: String,
    /// The inbound interchange an acknowledgement answers.
    pub answers_id: Option<Uuid>,
    /// Usage and ISA13 of an interchange that was applied: unique per partner.
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
