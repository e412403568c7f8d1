//! The GraphQL schema: query and mutation roots merged from the domain modules.

pub mod batching;
pub mod connection;
pub mod node;
pub mod order;
pub mod scalars;
pub mod user_error;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::auth::graphql::{AuthMutation, AuthQuery};
use crate::auth::tokens_graphql::{ApiTokenMutation, ApiTokenQuery};
use crate::organizations::graphql::{DirectoryMutation, DirectoryQuery};

/// Deepest selection a query may nest.
pub const MAX_DEPTH: usize = 20;
/// Largest complexity (fields, with lists weighted) a query may have.
pub const MAX_COMPLEXITY: usize = 20_000;

/// Everything a client can read.
#[derive(MergedObject, Default)]
pub struct Query(node::NodeQuery, AuthQuery, ApiTokenQuery, DirectoryQuery);

/// Everything a client can change. Each mutation takes one `input` and returns a payload
/// with the changed object and `userErrors`.
#[derive(MergedObject, Default)]
pub struct Mutation(AuthMutation, ApiTokenMutation, DirectoryMutation);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema without request data; the HTTP layer adds the database, the loaders and the
/// principal per request.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(async_graphql::extensions::Tracing)
}

/// The SDL clients integrate against; `schema.graphql` holds exactly this.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
