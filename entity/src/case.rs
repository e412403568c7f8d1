use sea_orm::entity::prelude::*;

use crate::enums::{CaseCategory, CaseKind, CaseResolution, CaseSeverity, CaseStatus};
use crate::fixed::Fixed;

/// A complaint, a service or repair request, or an inquiry, from an organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub kind: CaseKind,
    /// The organization it comes from.
    pub organization_id: Uuid,
    pub contact_id: Option<Uuid>,
    /// The partner that opened it; null when the brand did.
    pub author_organization_id: Option<Uuid>,
    pub subject: String,
    pub description: Option<String>,
    pub order_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub quantity: Option<Fixed>,
    pub ship_date: Option<Date>,
    pub category: Option<CaseCategory>,
    pub severity: CaseSeverity,
    /// The department queue it is in.
    pub department: Option<String>,
    /// The person handling it.
    pub assignee_id: Option<Uuid>,
    pub status: CaseStatus,
    /// The investigated cause.
    pub cause: Option<String>,
    pub resolution: Option<CaseResolution>,
    #[sea_orm(unique)]
    pub return_authorization: Option<String>,
    pub follow_up_task_id: Option<Uuid>,
    /// The customer's satisfaction at close, 1 to 5.
    pub satisfaction: Option<i32>,
    pub first_response_due_at: DateTimeUtc,
    pub resolution_due_at: DateTimeUtc,
    pub first_responded_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub reopened_count: i32,
    pub opened_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
