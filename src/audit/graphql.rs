//! The audit trail over GraphQL: read-only, for admins.

use async_graphql::{Context, ID, InputObject, Json, Object};
use entity::audit_event;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::AuditFilter;
use crate::access::Principal;
use crate::error::{Error, GqlResult};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::scalars::DateTime;
use crate::ids::{GlobalId, NodeType};
use crate::pagination::{PageRequest, Sort, SortKey};

/// One change made through the API.
pub struct AuditEvent(pub audit_event::Model);

fn node_type(object_type: &str) -> Option<NodeType> {
    NodeType::parse(object_type)
}

/// One change made through the API.
#[Object]
impl AuditEvent {
    /// When the change was committed.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// Who made it: STAFF, PARTNER_USER, PARTNER_SYSTEM, SYSTEM or ANONYMOUS (signing in).
    async fn principal_kind(&self) -> &str {
        &self.0.principal_kind
    }
    /// The user or API token that made it, as a global id.
    async fn principal_id(&self) -> Option<ID> {
        let node = match self.0.principal_kind.as_str() {
            "PARTNER_SYSTEM" => NodeType::ApiToken,
            _ => NodeType::User,
        };
        self.0.principal_id.map(|id| ID(GlobalId::encode(node, id)))
    }
    /// What was done, for example `organization.update` or `session.login`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The type of the object changed.
    async fn object_type(&self) -> &str {
        &self.0.object_type
    }
    /// The object changed, as a global id.
    async fn object_id(&self) -> Option<ID> {
        let node = node_type(&self.0.object_type)?;
        self.0.object_id.map(|id| ID(GlobalId::encode(node, id)))
    }
    /// The fields that changed: `{"field": {"before": …, "after": …}}`, secrets redacted.
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.changes).unwrap_or_default())
    }
    /// The request that made the change (its `x-request-id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

/// Narrows the audit trail.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Only changes to this object.
    pub object_id: Option<ID>,
    /// Only changes by this user or API token.
    pub principal_id: Option<ID>,
    /// Only this action, for example `organization.update`.
    pub action: Option<String>,
    /// Only changes at or after this time.
    pub since: Option<DateTime>,
    /// Only changes before this time.
    pub until: Option<DateTime>,
}

fn any_id(field: &str, raw: &ID) -> crate::error::Result<Uuid> {
    GlobalId::parse(raw)
        .map(|g| g.id)
        .map_err(|e| Error::bad_input(field, format!("{field} {e}")))
}

struct EventCount(AuditFilter);

impl Counter for EventCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = super::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Every change made through the API, newest first. Admins only; events cannot be
    /// changed or deleted.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the events.")] filter: Option<AuditEventFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<AuditEvent>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let f = filter.unwrap_or_default();
        let filter = AuditFilter {
            object_id: f
                .object_id
                .as_ref()
                .map(|id| any_id("filter.objectId", id))
                .transpose()
                .gql()?,
            principal_id: f
                .principal_id
                .as_ref()
                .map(|id| any_id("filter.principalId", id))
                .transpose()
                .gql()?,
            action: f.action,
            since: f.since.map(|d| d.0),
            until: f.until.map(|d| d.0),
        };
        let sort = Sort {
            key: SortKey::CreatedAt,
            descending: true,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = super::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(rows, sort.key, EventCount(filter), AuditEvent))
    }
}
