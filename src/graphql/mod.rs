//! What every domain's GraphQL layer shares: connections, batched loading, money, scalars,
//! user errors, the write transaction of a mutation, and the compiled read path. The schema's root,
//! which merges the domains, is [`crate::schema`]; nothing here imports it.

pub mod arguments;
pub mod batching;
pub mod compiled;
pub mod connection;
pub mod limits;
pub mod loading;
pub mod money;
pub mod order;
pub mod scalars;
pub mod user_error;
pub mod written;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};

/// The operation a request runs: the only one, or the one it names. `None` when the name
/// matches nothing or a document of several operations names none; execution then reports
/// that and runs nothing.
pub fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

/// Runs `$body` with `$txn`, a write transaction, for the request's principal, committing
/// only on success: a mutation changes everything or nothing. The form without a principal
/// is for the few mutations anyone may call (`partnerApply`, `invitationAccept`).
macro_rules! in_transaction {
    ($ctx:expr, |$txn:ident| $body:expr) => {{
        async {
            let db = $ctx
                .data::<sea_orm::DatabaseConnection>()
                .map_err(|e| $crate::error::Error::Internal(e.message))?;
            let $txn = $crate::db::begin_write(db).await?;
            let value = $body.await?;
            $crate::db::commit($txn).await?;
            Ok::<_, $crate::error::Error>(value)
        }
        .await
    }};
    ($ctx:expr, |$txn:ident, $principal:ident| $body:expr) => {{
        async {
            let $principal = $crate::access::Principal::of($ctx)?;
            let db = $ctx
                .data::<sea_orm::DatabaseConnection>()
                .map_err(|e| $crate::error::Error::Internal(e.message))?;
            let $txn = $crate::db::begin_write(db).await?;
            let value = $body.await?;
            $crate::db::commit($txn).await?;
            Ok::<_, $crate::error::Error>(value)
        }
        .await
    }};
}
pub(crate) use in_transaction;

/// A nullable field's answer, its error reported at the field's path and answered as null.
/// A field an interface declares needs it: async-graphql's interface resolvers report a
/// field's error without its path, which a client needs to tell which object failed.
pub fn null_on_error<T>(
    ctx: &async_graphql::Context<'_>,
    answer: async_graphql::Result<Option<T>>,
) -> Option<T> {
    match answer {
        Ok(value) => value,
        Err(error) => {
            let mut error = error.into_server_error(ctx.item.pos);
            let mut node = ctx.path_node.as_ref();
            while let Some(at) = node {
                error.path.push(match at.segment {
                    async_graphql::QueryPathSegment::Name(name) => {
                        async_graphql::PathSegment::Field(name.to_owned())
                    }
                    async_graphql::QueryPathSegment::Index(i) => {
                        async_graphql::PathSegment::Index(i)
                    }
                });
                node = at.parent;
            }
            error.path.reverse();
            ctx.add_error(error);
            None
        }
    }
}
