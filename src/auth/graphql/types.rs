//! Users, sessions and API tokens as the API shows them.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{api_token, user};
use sea_orm::DatabaseConnection;

use crate::access::{Principal, Scope};
use crate::auth::service::Session;
use crate::error::GqlResult;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::UserErrorObject;
use crate::ids::{GlobalId, NodeType};
use crate::organizations::graphql::{Organization, organization};
use crate::organizations::loaders::OrganizationId;

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
    /// A partner's administrator: their company's users, API tokens and webhooks, its own
    /// record (contacts, addresses, the fields partners change themselves), and its X12.
    PartnerAdmin,
    /// A partner's manager: everything of the company's trade, leads, deals, cases and
    /// reports, and the decisions on leads and deals offered to it.
    PartnerManager,
    /// A partner's salesperson: their own leads, opportunities, deal registrations, quotes
    /// and orders.
    PartnerSales,
    /// A partner's finance: the company's orders, invoices, payments and credit.
    PartnerFinance,
    /// A partner's service: the company's cases, and the orders they are about.
    PartnerService,
}

/// A person who signs in.
pub struct User {
    pub(super) model: user::Model,
    /// The user a sign-in or refresh just authenticated. That request is anonymous, so the
    /// user's own organization is read for them directly.
    pub(super) own_session: bool,
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
    /// What the user may do: one staff role, or the partner roles they hold, in a fixed
    /// order.
    async fn roles(&self) -> Vec<UserRole> {
        self.model.roles.iter().map(UserRole::from).collect()
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

/// The result of signing out.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// True: the token's session is closed (or was already).
    pub ok: bool,
}

/// The result of creating a user.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The user; null when refused.
    pub user: Option<User>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}

/// What an API token may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "Scope")]
pub enum ApiScope {
    /// `orgs:read`: read the organization and what it may see of the directory.
    OrgsRead,
    /// `orgs:write`: change directory entries.
    OrgsWrite,
    /// `orders:read`: read orders.
    OrdersRead,
    /// `orders:write`: submit and change orders.
    OrdersWrite,
    /// `catalog:read`: read products and prices.
    CatalogRead,
    /// `inventory:write`: report inventory and sell-through.
    InventoryWrite,
    /// `edi`: exchange X12 documents.
    Edi,
    /// `crm:read`: read interactions, commitments and tasks.
    CrmRead,
    /// `crm:write`: record interactions and commitments, and work tasks.
    CrmWrite,
}

/// A partner system's credential, bound to one organization. Its secret is shown only when
/// it is created.
pub struct ApiToken(pub api_token::Model);

/// A partner system's credential, bound to one organization. Its secret is shown only when
/// it is created.
#[Object]
impl ApiToken {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ApiToken, self.0.id))
    }
    /// What the token is for, for example `ERP integration`.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// What the token may do.
    async fn scopes(&self) -> Vec<ApiScope> {
        self.0
            .scopes
            .split(' ')
            .filter_map(Scope::parse)
            .map(Into::into)
            .collect()
    }
    /// The organization the token acts for.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Ok(load_one(ctx, OrganizationId(self.0.organization_id))
            .await?
            .map(organization))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it stops working by itself; null if never.
    async fn expires_at(&self) -> Option<DateTime> {
        self.0.expires_at.map(DateTime)
    }
    /// Whether it runs only documents staff registered.
    async fn registered_documents_only(&self) -> bool {
        self.0.registered_documents_only
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(DateTime)
    }
    /// When it was revoked; revoked tokens are refused.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

/// The result of creating an API token.
#[derive(SimpleObject)]
pub struct ApiTokenCreatePayload {
    /// The token; null when refused.
    pub api_token: Option<ApiToken>,
    /// The secret, `cgp_` and 43 more characters. Shown this once; store it safely.
    pub secret: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}

/// The result of revoking an API token.
#[derive(SimpleObject)]
pub struct ApiTokenPayload {
    /// The token as it is now; null when refused.
    pub api_token: Option<ApiToken>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}
