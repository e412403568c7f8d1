use sea_orm::entity::prelude::*;

use crate::enums::{InterchangeAcks, TextEncoding};

/// An organization that trades by X12, and the id it uses in the ISA.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "edi_partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    /// ISA05/ISA07: `ZZ` (mutually defined), `01` (DUNS), `14` (GLN), …
    pub qualifier: String,
    /// ISA06/ISA08, unique among partners.
    #[sea_orm(unique)]
    pub edi_id: String,
    /// ISA12 of what is sent to it: `00400`, `00401` or `00501`.
    pub x12_version: String,
    /// GS02/GS03 when it differs from the interchange id.
    pub group_id: Option<String>,
    /// GS08 of what is sent to it: `004010`, `004010VICS`, `005010` or `005010VICS`; unset,
    /// the release of its ISA12.
    pub group_version: Option<String>,
    /// The separators of what is sent to it.
    pub element_separator: String,
    pub component_separator: String,
    /// ISA11 in 005010; 004010 has no repetition separator.
    pub repetition_separator: Option<String>,
    /// The segment terminator, optionally followed by a line break (`~`, `~\n`, `\n`).
    pub segment_terminator: String,
    /// Whether it is sent 997s for its functional groups.
    pub functional_acks: bool,
    /// When it is sent a TA1: `WHEN_REQUESTED` (ISA14), `ALWAYS` or `NEVER` (a refused
    /// interchange is always answered).
    pub interchange_acks: InterchangeAcks,
    /// Whether its test interchanges (ISA15 `T`) are taken.
    pub test_traffic: bool,
    /// How the bytes of what it sends are read: `UTF_8` or `ISO_8859_1`.
    pub encoding: TextEncoding,
    /// Minutes after a set is sent to it by which its 997 is due.
    pub ack_window_minutes: i32,
    /// Minutes after goods ship by which their 856 is due.
    pub ship_notice_window_minutes: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
