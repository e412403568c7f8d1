//! The users and API tokens a request's resolvers follow, batched per request.

use uuid::Uuid;

use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads users and API tokens for one request, on behalf of its principal.
pub struct AuthLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiTokenId(pub Uuid);

by_id_loader!(AuthLoader: UserId => entity::user::Model, super::service::users_by_ids);
by_id_loader!(AuthLoader: ApiTokenId => entity::api_token::Model, super::api_tokens::by_ids);
