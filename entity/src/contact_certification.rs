use sea_orm::entity::prelude::*;

/// A certification a partner contact earned: when, until when, and the evidence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "contact_certifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contact_id: Uuid,
    /// The contact's organization, kept here so that a partner's records are found, and
    /// fenced, without reading the contact.
    pub organization_id: Uuid,
    pub certification_id: Uuid,
    pub earned_on: Date,
    /// The last day it is valid.
    pub expires_on: Date,
    /// An external id or URL that proves it.
    pub evidence: Option<String>,
    pub recorded_by: Option<Uuid>,
    /// When the partner was told it is about to expire.
    pub notice_sent_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub revoke_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
