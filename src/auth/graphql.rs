//! Signing in and out, and managing users, over GraphQL.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::Duration;
use entity::user;
use sea_orm::{DatabaseConnection, EntityTrait};

use futures_util::future::BoxFuture;

use super::jwt::JwtKeys;
use super::service::{self, Session};
use super::throttle::SignInThrottle;
use crate::access::Principal;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::input_id;
use crate::organizations::graphql::{Organization, organization};
use crate::organizations::loaders::OrganizationId;
use crate::pagination::{PageRequest, Sort, SortKey};

/// What sign-in needs from the application: the token keys, how long sessions last, the
/// failed sign-in throttle, and the caller's address.
pub struct AuthContext {
    pub keys: Arc<JwtKeys>,
    pub refresh_ttl: Duration,
    pub throttle: Arc<SignInThrottle>,
    pub client_address: Option<String>,
}

/// What a user may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::UserRole")]
pub enum UserRole {
    /// Staff: everything, including users and settings.
    Admin,
    /// Staff: the directory and the trade of their teams.
    Manager,
    /// Staff: accounts, contacts and orders.
    Sales,
    /// Staff: cases and service.
    Service,
    /// Staff: reads everything, changes nothing.
    Analyst,
    /// A partner's administrator: their organization's users and tokens.
    PartnerAdmin,
    /// A partner's user.
    PartnerMember,
}

/// A person who signs in.
pub struct User {
    model: user::Model,
    /// The user a sign-in or refresh just authenticated. That request is anonymous, so the
    /// user's own organization is read for them directly.
    own_session: bool,
}

impl User {
    pub fn new(model: user::Model) -> Self {
        Self {
            model,
            own_session: false,
        }
    }
}

/// A person who signs in.
#[Object]
impl User {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::User, self.model.id))
    }
    /// Sign-in email, in lower case.
    async fn email(&self) -> &str {
        &self.model.email
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// What the user may do.
    async fn role(&self) -> UserRole {
        self.model.role.into()
    }
    /// The partner organization a partner user belongs to; null for staff.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(org) = self.model.organization_id else {
            return Ok(None);
        };
        if self.own_session {
            let db = ctx.data::<DatabaseConnection>()?;
            let found = crate::organizations::service::by_ids(db, &Principal::System, &[org])
                .await
                .gql()?;
            return Ok(found.into_values().next().map(organization));
        }
        Ok(load_one(ctx, OrganizationId(org)).await?.map(organization))
    }
    /// Whether the user may sign in.
    async fn active(&self) -> bool {
        self.model.deactivated_at.is_none()
    }
    /// When the user was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.model.version
    }
}

/// Tokens for a signed-in user.
#[derive(SimpleObject)]
pub struct SessionPayload {
    /// Send as `Authorization: Bearer …` with every request.
    pub access_token: String,
    /// When the access token stops working; refresh before then.
    pub access_token_expires_at: DateTime,
    /// Exchange it with `tokenRefresh` for new tokens; each can be used once.
    pub refresh_token: String,
    /// When the refresh token stops working.
    pub refresh_token_expires_at: DateTime,
    /// Who signed in.
    pub user: User,
}

impl From<Session> for SessionPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            access_token_expires_at: DateTime(s.access_token_expires_at),
            refresh_token: s.refresh_token,
            refresh_token_expires_at: DateTime(s.refresh_token_expires_at),
            user: User {
                model: s.user,
                own_session: true,
            },
        }
    }
}

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

/// The result of signing out.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// True: the token's session is closed (or was already).
    pub ok: bool,
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
    /// What the user may do. Partner roles need `organizationId`; staff roles must not have one.
    pub role: UserRole,
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

/// A user's new role.
#[derive(InputObject)]
pub struct UserRoleChangeInput {
    /// The user.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The new role: staff users keep a staff role, partner users a partner role.
    pub role: UserRole,
}

fn user_payload(result: Result<user::Model>) -> async_graphql::Result<UserPayload> {
    let (user, user_errors) = outcome(result)?;
    Ok(UserPayload {
        user: user.map(User::new),
        user_errors,
    })
}

/// The result of creating a user.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The user; null when refused.
    pub user: Option<User>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
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
                service::parse_new_user(
                    &input.email,
                    &input.name,
                    input.password.clone(),
                    input.role.into(),
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

    /// Changes a user's role. Admins change any role; a partner admin switches their
    /// organization's users between PARTNER_ADMIN and PARTNER_MEMBER.
    async fn user_role_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, the version you read, and the new role.")]
        input: UserRoleChangeInput,
    ) -> async_graphql::Result<UserPayload> {
        let result = match input_id("id", &input.id, NodeType::User) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::change_role(
                &txn,
                principal,
                id,
                input.version,
                input.role.into()
            )),
            Err(e) => Err(e),
        };
        user_payload(result)
    }
}
