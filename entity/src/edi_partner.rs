use sea_orm::entity::prelude::*;

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
    /// ISA12 of what is sent to it: `00401` or `00501`.
    pub x12_version: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
