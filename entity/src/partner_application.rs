use sea_orm::entity::prelude::*;

use crate::enums::{OrganizationKind, ProposalStatus};

/// A company's application to join the partner program, sent without an account and
/// decided by the brand's staff.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "partner_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Distributor, or intermediate customer (dealer, reseller).
    pub kind: OrganizationKind,
    pub company_name: String,
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub website: Option<String>,
    pub territory: Option<String>,
    /// A JSON array of the product lines it wants to carry.
    #[sea_orm(column_type = "Text")]
    pub product_lines: String,
    /// A JSON array of its people: name, title, email, phone.
    #[sea_orm(column_type = "Text")]
    pub contacts: String,
    /// A JSON array of its addresses.
    #[sea_orm(column_type = "Text")]
    pub addresses: String,
    /// A JSON array of the organizations of the directory it may be, when it was sent:
    /// each id with its reasons.
    #[sea_orm(column_type = "Text")]
    pub duplicates: String,
    pub message: Option<String>,
    pub status: ProposalStatus,
    pub reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    /// The organization approving it made.
    pub organization_id: Option<Uuid>,
    /// The address the application came from.
    pub client_address: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
