//! API tokens over GraphQL.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::api_token;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::api_tokens::{self, NewApiToken};
use crate::access::{Principal, Scope};
use crate::domain;
use crate::error::GqlResult;
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::{Organization, input_id, organization};
use crate::organizations::loaders::OrganizationId;
use crate::pagination::{PageRequest, Sort, SortKey};

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
