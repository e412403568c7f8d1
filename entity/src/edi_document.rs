use sea_orm::entity::prelude::*;

use crate::enums::{EdiDirection, EdiStatus, EdiUsage};

/// One X12 transaction set, received or sent, and what it created or came from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "edi_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub interchange_id: Uuid,
    pub organization_id: Uuid,
    pub direction: EdiDirection,
    pub usage: EdiUsage,
    /// ST01, for example `850`.
    pub transaction_set: String,
    /// GS01, for example `PO`.
    pub functional_id: String,
    /// GS08.
    pub version: String,
    /// GS06 and ST02.
    pub group_control_number: String,
    pub control_number: String,
    pub status: EdiStatus,
    pub message: Option<String>,
    /// The business reference it carries: a PO, shipment or invoice number.
    pub reference: Option<String>,
    pub order_id: Option<Uuid>,
    pub shipment_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub inventory_report_id: Option<Uuid>,
    pub sell_through_report_id: Option<Uuid>,
    /// The claim an 844 filed, or an 849 answers.
    pub claim_id: Option<Uuid>,
    /// The set, ST to SE, with the interchange's delimiters.
    pub content: String,
    /// Usage, GS06 and ST02 of a set that was applied: unique per partner.
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    /// For an outbound set: what the partner's 997 said of it (`ACCEPTED`,
    /// `ACCEPTED_WITH_ERRORS`, `REJECTED`), when, and in which inbound 997.
    pub ack_status: Option<String>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by_id: Option<Uuid>,
    /// When the partner's 997 is due; none for what expects none (a 997, a TA1).
    pub ack_due_at: Option<DateTimeUtc>,
    /// When the missing 997 was reported overdue, once.
    pub overdue_reported_at: Option<DateTimeUtc>,
    /// An 856 that went out later than the partner's window after the goods shipped.
    pub ship_notice_late: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
