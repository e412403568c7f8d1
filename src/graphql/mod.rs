//! The GraphQL schema: query and mutation roots merged from the domain modules.

pub mod arguments;
pub mod batching;
pub mod compiled;
pub mod connection;
pub mod documents;
pub mod limits;
pub mod money;
pub mod node;
pub mod order;
pub mod scalars;
pub mod user_error;
pub mod written;

use async_graphql::{MergedObject, Schema, SchemaBuilder};

use crate::settings::LimitSettings;

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

use crate::analytics::graphql::AnalyticsQuery;
use crate::audit::graphql::AuditQuery;
use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::auth::tokens_graphql::{ApiTokenMutation, ApiTokenQuery};
use crate::cases::graphql::{CaseMutation, CaseQuery};
use crate::catalog::graphql::{CatalogMutation, CatalogQuery};
use crate::edi::cross_references_graphql::{CrossReferenceMutation, CrossReferenceQuery};
use crate::edi::graphql::{EdiMutation, EdiQuery};
use crate::events::graphql::{WebhookMutation, WebhookQuery};
use crate::events::subscriptions::EventSubscription;
use crate::growth::graphql::{
    DealMutation, DealQuery, GrowthMutation, GrowthQuery, LeadMutation, LeadQuery,
};
use crate::orders::graphql::{TradeMutation, TradeQuery};
use crate::organizations::graphql::{DirectoryMutation, DirectoryQuery};
use crate::relationship::graphql::{RelationshipMutation, RelationshipQuery};
use crate::reports::graphql::{ReportMutation, ReportQuery};

/// Runs `$body` with `$txn`, a write transaction, for the request's principal, committing
/// only on success: a mutation changes everything or nothing.
macro_rules! in_transaction {
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

/// Everything a client can read.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    AuthQuery,
    ApiTokenQuery,
    AuditQuery,
    DirectoryQuery,
    CatalogQuery,
    TradeQuery,
    ReportQuery,
    EdiQuery,
    CrossReferenceQuery,
    RelationshipQuery,
    CaseQuery,
    GrowthQuery,
    LeadQuery,
    DealQuery,
    AnalyticsQuery,
    WebhookQuery,
);

/// Everything a client can change. Each mutation takes one `input` and returns a payload
/// with the changed object and `userErrors`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    documents::DocumentMutation,
    ApiTokenMutation,
    DirectoryMutation,
    CatalogMutation,
    TradeMutation,
    ReportMutation,
    EdiMutation,
    CrossReferenceMutation,
    RelationshipMutation,
    CaseMutation,
    GrowthMutation,
    LeadMutation,
    DealMutation,
    WebhookMutation,
);

pub type AppSchema = Schema<Query, Mutation, EventSubscription>;

/// The schema without request data; the HTTP layer adds the database, the loaders and the
/// principal per request. Depth and complexity come from the settings. No extension runs
/// per field (async-graphql's `Tracing` made a span for every object field, which cost
/// more than resolving most of them); the HTTP layer's request span carries every log line
/// a request causes.
pub fn schema_builder(limits: &LimitSettings) -> SchemaBuilder<Query, Mutation, EventSubscription> {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EventSubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity);
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    if limits.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

/// What the compiled read path knows of each domain's types.
pub fn catalog() -> compiled::spec::Catalog {
    let mut catalog = compiled::spec::Catalog::default();
    crate::organizations::graphql::register_compiled(&mut catalog);
    crate::catalog::graphql::register_compiled(&mut catalog);
    crate::orders::graphql::register_compiled(&mut catalog);
    crate::relationship::graphql::register_compiled(&mut catalog);
    crate::cases::graphql::register_compiled(&mut catalog);
    crate::growth::graphql::register_compiled(&mut catalog);
    catalog
}

/// The SDL clients integrate against; `schema.graphql` holds exactly this.
pub fn sdl() -> String {
    schema_builder(&LimitSettings::default()).finish().sdl()
}
