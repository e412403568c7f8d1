use sea_orm::entity::prelude::*;

use crate::enums::{LeadSource, LeadStatus};

/// A prospective customer: where it came from, when it was captured and entered, who it is
/// routed to, and what it converted into.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub person_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tax_id: Option<String>,
    pub source: LeadSource,
    pub campaign_id: Option<Uuid>,
    pub captured_at: DateTimeUtc,
    pub entered_at: DateTimeUtc,
    /// Entered more than two working days after capture.
    pub late: bool,
    pub territory: Option<String>,
    pub status: LeadStatus,
    pub assignee_id: Option<Uuid>,
    /// The partner it is offered to or accepted by.
    pub partner_id: Option<Uuid>,
    pub offered_at: Option<DateTimeUtc>,
    pub status_reason: Option<String>,
    /// The partner that entered it; null when the brand did.
    pub author_organization_id: Option<Uuid>,
    /// The user who entered the lead, where one did.
    pub entered_by: Option<Uuid>,
    pub converted_organization_id: Option<Uuid>,
    pub converted_contact_id: Option<Uuid>,
    pub converted_opportunity_id: Option<Uuid>,
    pub converted_at: Option<DateTimeUtc>,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
