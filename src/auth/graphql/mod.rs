//! Signing in and out, users and API tokens over GraphQL.

mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    ApiTokenCreateInput, ApiTokenRevokeInput, LoginInput, RefreshTokenInput, UserCreateInput,
    UserDeactivateInput, UserRolesSetInput,
};
pub use resolvers::{ApiTokenMutation, ApiTokenQuery, AuthContext, AuthMutation, AuthQuery};
pub use types::{
    ApiScope, ApiToken, ApiTokenCreatePayload, ApiTokenPayload, LogoutPayload, SessionPayload,
    User, UserPayload, UserRole,
};
