//! The audit trail's query.

use async_graphql::{Context, ID, Object};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::audit::AuditFilter;
use crate::error::{Error, GqlResult};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::ids::GlobalId;
use crate::pagination::{PageRequest, Sort, SortKey};

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
            let n = crate::audit::count(db, principal, &self.0).await.gql()?;
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
        let rows = crate::audit::list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(rows, sort.key, EventCount(filter), AuditEvent))
    }
}
