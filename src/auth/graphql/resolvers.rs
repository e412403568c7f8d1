//! Queries and mutations of sign-in, users and API tokens. Thin: parse, call the
//! service, map.

use async_graphql::{Context, ID, Object};
use chrono::Duration;
use entity::user;
use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::auth::api_tokens::{self, NewApiToken};
use crate::auth::jwt::JwtKeys;
use crate::auth::service::{self};
use crate::auth::throttle::SignInThrottle;
use crate::domain;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::outcome;
use crate::ids::{NodeType, argument_id};
use crate::organizations::graphql::input_id;
use crate::pagination::{PageRequest, Sort, SortKey};

/// What sign-in needs from the application: the token keys, how long sessions last, the
/// failed sign-in throttle, and the caller's address.
pub struct AuthContext {
    pub keys: Arc<JwtKeys>,
    pub refresh_ttl: Duration,
    pub throttle: Arc<SignInThrottle>,
    pub client_address: Option<String>,
    /// The request's `User-Agent`, as the client sent it.
    pub user_agent: Option<String>,
}

fn user_payload(result: Result<user::Model>) -> async_graphql::Result<UserPayload> {
    let (user, user_errors) = outcome(result)?;
    Ok(UserPayload {
        user: user.map(User::new),
        user_errors,
    })
}

fn auth_context<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AuthContext> {
    ctx.data::<AuthContext>()
}

struct UserCount(service::UserFilter);

impl Counter for UserCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = service::count_users(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// Users by email: everyone for staff, their own organization's users for a partner.
    #[allow(clippy::too_many_arguments)]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the users of this organization.")] organization_id: Option<ID>,
        #[graphql(default = false, desc = "Include deactivated users.")] include_deactivated: bool,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<User>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let organization_id = argument_id(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )
        .gql()?;
        let filter = service::UserFilter {
            organization_id,
            include_deactivated,
        };
        let sort = Sort {
            key: SortKey::Name,
            descending: false,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = service::list_users(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(rows, sort.key, UserCount(filter), User::new))
    }

    /// The signed-in user; null for a partner system's API token.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let principal = Principal::of(ctx).gql()?;
        let Some(user_id) = principal.user_id() else {
            return Ok(None);
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let found = user::Entity::find_by_id(user_id)
            .one(db)
            .await
            .map_err(Error::from)
            .gql()?;
        Ok(found.map(User::new))
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in. A wrong email or password answers UNAUTHENTICATED with the same message
    /// either way.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Email and password.")] input: LoginInput,
    ) -> async_graphql::Result<SessionPayload> {
        let auth = auth_context(ctx)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let email_key = format!("email:{}", input.email.trim().to_lowercase());
        let mut keys = vec![email_key.clone()];
        if let Some(address) = &auth.client_address {
            keys.push(format!("ip:{address}"));
        }
        let delay = auth.throttle.delay(&keys, Instant::now());
        if !delay.is_zero() {
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                "slowing down a sign-in after repeated failures"
            );
            tokio::time::sleep(delay).await;
        }
        let txn = crate::db::begin_write(db)
            .await
            .map_err(Error::from)
            .gql()?;
        match service::login(
            &txn,
            &auth.keys,
            auth.refresh_ttl,
            &input.email,
            &input.password,
        )
        .await
        {
            Ok(session) => {
                crate::db::commit(txn).await.map_err(Error::from).gql()?;
                auth.throttle.succeeded(&email_key);
                Ok(session.into())
            }
            Err(err) => {
                if matches!(err, Error::SignInFailed) {
                    auth.throttle.failed(&keys, Instant::now());
                }
                Err(err.into_graphql())
            }
        }
    }

    /// Exchanges a refresh token for new tokens. Each refresh token works once; presenting
    /// a used one again revokes its whole session.
    async fn token_refresh(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token.")] input: RefreshTokenInput,
    ) -> async_graphql::Result<SessionPayload> {
        let auth = auth_context(ctx)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let txn = crate::db::begin_write(db)
            .await
            .map_err(Error::from)
            .gql()?;
        let result =
            service::refresh(&txn, &auth.keys, auth.refresh_ttl, &input.refresh_token).await;
        // A replayed token revokes its family even though the refresh fails: keep that.
        crate::db::commit(txn).await.map_err(Error::from).gql()?;
        Ok(result.gql()?.into())
    }

    /// Signs out: the refresh token's session ends.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the session to end.")] input: RefreshTokenInput,
    ) -> async_graphql::Result<LogoutPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let txn = crate::db::begin_write(db)
            .await
            .map_err(Error::from)
            .gql()?;
        service::logout(&txn, &input.refresh_token).await.gql()?;
        crate::db::commit(txn).await.map_err(Error::from).gql()?;
        Ok(LogoutPayload { ok: true })
    }

    /// Creates a user. Admins create anyone; a partner admin creates partner users of their
    /// own organization.
    async fn user_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new user.")] input: UserCreateInput,
    ) -> async_graphql::Result<UserPayload> {
        let parsed = input
            .organization_id
            .as_ref()
            .map(|raw| input_id("organizationId", raw, NodeType::Organization))
            .transpose()
            .and_then(|organization_id| {
                let roles = service::parse_roles(&["input", "roles"], &user_roles(&input.roles))?;
                service::parse_new_user(
                    &input.email,
                    &input.name,
                    input.password.clone(),
                    roles,
                    organization_id,
                )
            });
        let result = match parsed {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::create_user(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        user_payload(result)
    }

    /// Deactivates a user: they can no longer sign in and their tokens stop working at once.
    /// Admins deactivate anyone but themselves; a partner admin, their organization's users.
    async fn user_deactivate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and the version you read.")] input: UserDeactivateInput,
    ) -> async_graphql::Result<UserPayload> {
        let result = match input_id("id", &input.id, NodeType::User) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::deactivate_user(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        user_payload(result)
    }

    /// Sets the roles a user holds. Admins set anyone's; a partner admin sets the partner
    /// roles of their organization's users. The user's sessions end, so their next sign-in
    /// carries the new roles.
    async fn user_roles_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, the version you read, and the roles from now on.")]
        input: UserRolesSetInput,
    ) -> async_graphql::Result<UserPayload> {
        let parsed = input_id("id", &input.id, NodeType::User).and_then(|id| {
            service::parse_roles(&["input", "roles"], &user_roles(&input.roles)).map(|r| (id, r))
        });
        let result = match parsed {
            Ok((id, roles)) => in_transaction!(ctx, |txn, principal| service::set_roles(
                &txn,
                principal,
                id,
                input.version,
                roles
            )),
            Err(e) => Err(e),
        };
        user_payload(result)
    }
}

fn user_roles(given: &[super::types::UserRole]) -> Vec<entity::enums::UserRole> {
    given.iter().map(|r| (*r).into()).collect()
}

struct TokenCount(Option<Uuid>);

impl Counter for TokenCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = api_tokens::count(db, principal, self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct ApiTokenQuery;

#[Object]
impl ApiTokenQuery {
    /// API tokens, newest first: all of them for admins, their organization's for a partner
    /// admin, none for anyone else.
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the tokens of this organization.")] organization_id: Option<ID>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ApiToken>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let org = argument_id(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )
        .gql()?;
        let sort = Sort {
            key: SortKey::CreatedAt,
            descending: true,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = api_tokens::list(db, principal, org, &page).await.gql()?;
        Ok(connection(rows, sort.key, TokenCount(org), ApiToken))
    }
}

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Creates an API token for a partner system. Admins create tokens for any organization,
    /// a partner admin for their own.
    async fn api_token_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new token.")] input: ApiTokenCreateInput,
    ) -> async_graphql::Result<ApiTokenCreatePayload> {
        let parsed = input_id(
            "organizationId",
            &input.organization_id,
            NodeType::Organization,
        )
        .and_then(|organization_id| {
            Ok(NewApiToken {
                organization_id,
                name: domain::required_text(&["input", "name"], &input.name, domain::NAME_MAX)?,
                scopes: input.scopes.iter().map(|s| (*s).into()).collect(),
                expires_at: input.expires_at.map(|d| d.0),
                registered_documents_only: input.registered_documents_only,
            })
        });
        let result = match parsed {
            Ok(new) => in_transaction!(ctx, |txn, principal| api_tokens::create(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        let (created, user_errors) = outcome(result)?;
        let (api_token, secret) = match created {
            Some((token, secret)) => (Some(ApiToken(token)), Some(secret)),
            None => (None, None),
        };
        Ok(ApiTokenCreatePayload {
            api_token,
            secret,
            user_errors,
        })
    }

    /// Revokes an API token; the next request with it is refused.
    async fn api_token_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: ApiTokenRevokeInput,
    ) -> async_graphql::Result<ApiTokenPayload> {
        let result = match input_id("id", &input.id, NodeType::ApiToken) {
            Ok(id) => in_transaction!(ctx, |txn, principal| api_tokens::revoke(
                &txn, principal, id
            )),
            Err(e) => Err(e),
        };
        let (token, user_errors) = outcome(result)?;
        Ok(ApiTokenPayload {
            api_token: token.map(ApiToken),
            user_errors,
        })
    }
}
