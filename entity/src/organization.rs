use sea_orm::entity::prelude::*;

use crate::enums::{CustomerType, IndustrySegment, OrganizationKind, OrganizationStatus};
use crate::fixed::Fixed;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: OrganizationKind,
    pub name: String,
    /// The name folded to lower case: the key for case-insensitive search and for sorting.
    pub name_key: String,
    pub legal_name: Option<String>,
    #[sea_orm(unique)]
    pub code: String,
    pub tax_id: Option<String>,
    pub segment: Option<IndustrySegment>,
    pub customer_type: Option<CustomerType>,
    pub territory: Option<String>,
    pub parent_id: Option<Uuid>,
    /// The staff user who owns the account.
    pub account_owner_id: Option<Uuid>,
    pub status: OrganizationStatus,
    /// The most this organization may owe: open orders plus unpaid invoices.
    pub credit_limit: Option<Fixed>,
    pub credit_currency: Option<String>,
    /// Key accounts get return visits on a configured interval.
    pub key_account: bool,
    pub archived_at: Option<DateTimeUtc>,
    /// The distributor that registered it as its dealer, if one did.
    pub registered_by_id: Option<Uuid>,
    /// Why it stands as it does: the brand's reason for rejecting a registration.
    pub status_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
