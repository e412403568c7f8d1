use sea_orm::entity::prelude::*;

use crate::roles::Roles;

/// An invitation to become a user: a single-use token (kept only as its digest) that sets
/// the password when it is accepted, before it expires.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower case.
    pub email: String,
    pub name: String,
    /// The roles the user will hold.
    pub roles: Roles,
    /// The partner organization the user will belong to; null for staff.
    pub organization_id: Option<Uuid>,
    /// SHA-256 of the token; the token itself is never stored.
    #[serde(skip)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    /// The user who invited, if a person did.
    pub invited_by: Option<Uuid>,
    /// The partner application whose approval made it, if one did.
    pub application_id: Option<Uuid>,
    pub accepted_at: Option<DateTimeUtc>,
    /// The user accepting it made.
    pub user_id: Option<Uuid>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
