//! What clients send to sign in, manage users and issue API tokens.

use async_graphql::{ID, InputObject};

use super::types::*;
use crate::graphql::scalars::DateTime;

/// Sign-in with email and password.
#[derive(InputObject)]
pub struct LoginInput {
    /// The email the user was created with; case does not matter.
    pub email: String,
    /// The password.
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The refresh token from `login` or the last `tokenRefresh`.
    pub refresh_token: String,
}

/// A new user.
#[derive(InputObject)]
pub struct UserCreateInput {
    /// Sign-in email; unique.
    pub email: String,
    /// Full name.
    pub name: String,
    /// At least 12 characters.
    pub password: String,
    /// What the user may do: one staff role, or one or more partner roles. Partner roles
    /// need `organizationId`; staff roles must not have one.
    pub roles: Vec<UserRole>,
    /// The partner organization of a partner user.
    pub organization_id: Option<ID>,
}

/// A user to deactivate.
#[derive(InputObject)]
pub struct UserDeactivateInput {
    /// The user.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

/// A user's new roles.
#[derive(InputObject)]
pub struct UserRolesSetInput {
    /// The user.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The roles the user holds from now on, in place of those held: staff users one
    /// staff role, partner users one or more partner roles.
    pub roles: Vec<UserRole>,
}

/// A new API token.
#[derive(InputObject)]
pub struct ApiTokenCreateInput {
    /// The organization it acts for. A partner admin may only name their own.
    pub organization_id: ID,
    /// What it is for: 1 to 200 characters.
    pub name: String,
    /// What it may do; at least one.
    pub scopes: Vec<ApiScope>,
    /// When it stops working by itself; omit for never.
    pub expires_at: Option<DateTime>,
    /// Whether it may run only documents staff registered (`documentRegister`), sent by
    /// `documentId` or Apollo's persisted-query hash; any other document is refused with
    /// `PERSISTED_DOCUMENT_REQUIRED`. For a partner system whose queries are known.
    #[graphql(default = false)]
    pub registered_documents_only: bool,
}

/// A token to revoke.
#[derive(InputObject)]
pub struct ApiTokenRevokeInput {
    /// The token.
    pub id: ID,
}
