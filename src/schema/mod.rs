//! The GraphQL schema's root: the query, mutation and subscription roots merged from the
//! domain modules, the builder every node serves, and the catalog of the compiled reads.
//! The domains import what they share from [`crate::graphql`], never this.

use async_graphql::{MergedObject, Schema, SchemaBuilder};

pub mod node;

use crate::graphql::compiled::spec::Catalog;
use crate::settings::LimitSettings;

use crate::analytics::graphql::AnalyticsQuery;
use crate::audit::graphql::AuditQuery;
use crate::auth::graphql::{ApiTokenMutation, ApiTokenQuery};
use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::cases::graphql::{CaseMutation, CaseQuery};
use crate::catalog::graphql::{CatalogMutation, CatalogQuery};
use crate::edi::graphql::{CrossReferenceMutation, CrossReferenceQuery};
use crate::edi::graphql::{EdiMutation, EdiQuery};
use crate::events::graphql::EventSubscription;
use crate::events::graphql::{WebhookMutation, WebhookQuery};
use crate::growth::graphql::{
    DealMutation, DealQuery, GrowthMutation, GrowthQuery, LeadMutation, LeadQuery,
};
use crate::orders::graphql::{TradeMutation, TradeQuery};
use crate::organizations::graphql::{
    DealerMutation, DirectoryMutation, DirectoryQuery, ProposalMutation, ProposalQuery,
};
use crate::relationship::graphql::{RelationshipMutation, RelationshipQuery};
use crate::reports::graphql::{ReportMutation, ReportQuery};

/// Everything a client can read.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    AuthQuery,
    ApiTokenQuery,
    AuditQuery,
    DirectoryQuery,
    ProposalQuery,
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
    crate::program::graphql::ProgramQuery,
    crate::program::graphql::CertificationQuery,
    crate::program::graphql::QualificationQuery,
    crate::channel_money::ChannelMoneyQuery,
    crate::replenishment::ReplenishmentQuery,
);

/// Everything a client can change. Each mutation takes one `input` and returns a payload
/// with the changed object and `userErrors`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    crate::documents::graphql::DocumentMutation,
    ApiTokenMutation,
    DirectoryMutation,
    ProposalMutation,
    DealerMutation,
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
    crate::program::graphql::ProgramMutation,
    crate::program::graphql::CertificationMutation,
    crate::program::graphql::QualificationMutation,
    crate::channel_money::ChannelMoneyMutation,
    crate::replenishment::ReplenishmentMutation,
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
pub fn catalog() -> Catalog {
    let mut catalog = Catalog::default();
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

/// What a request's loaders need beyond its scope.
pub struct LoaderSettings {
    pub crm: crate::settings::CrmSettings,
    pub retention: std::sync::Arc<crate::analytics::cache::RetentionCache>,
    /// How long a loader gathers keys before it loads them.
    pub delay: std::time::Duration,
}

/// Adds every domain's loader to `request`, each loading for `scope`; `spawner` makes the
/// function each of them runs its batches with.
pub fn with_loaders<S, R>(
    request: async_graphql::Request,
    scope: crate::graphql::loading::LoadScope,
    settings: LoaderSettings,
    spawner: impl Fn() -> S,
) -> async_graphql::Request
where
    S: Fn(futures_util::future::BoxFuture<'static, ()>) -> R + Send + Sync + 'static,
{
    use async_graphql::dataloader::DataLoader;
    fn loader<T: Send + Sync + 'static, S, R>(
        loader: T,
        spawner: S,
        delay: std::time::Duration,
    ) -> DataLoader<T>
    where
        S: Fn(futures_util::future::BoxFuture<'static, ()>) -> R + Send + Sync + 'static,
    {
        DataLoader::new(loader, spawner).delay(delay)
    }
    let delay = settings.delay;
    request
        .data(loader(
            crate::organizations::loaders::DirectoryLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::graphql::loading::RelationLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::auth::loaders::AuthLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::catalog::loaders::CatalogLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::orders::loaders::OrderLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::reports::loaders::ReportLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::edi::loaders::EdiLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::relationship::loaders::RelationshipLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::cases::loaders::CaseLoader {
                scope: scope.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::growth::loaders::GrowthLoader {
                scope: scope.clone(),
                crm: settings.crm.clone(),
            },
            spawner(),
            delay,
        ))
        .data(loader(
            crate::analytics::loaders::AnalyticsLoader {
                scope,
                crm: settings.crm,
                retention: settings.retention,
            },
            spawner(),
            delay,
        ))
}
