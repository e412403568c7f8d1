//! Relay connections: `edges { cursor node }`, `pageInfo`, and a lazily counted `totalCount`.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object, OutputType};
use futures_util::future::BoxFuture;

use crate::pagination::{Cursor, Keyed, Page, PageArgs, SortKey};

/// Counts a whole list, when a client asks for `totalCount`.
pub trait Counter: Send + Sync {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>>;
}

/// The fields every connection adds to Relay's.
pub struct ConnectionFields(Box<dyn Counter>);

#[Object]
impl ConnectionFields {
    /// How many items the whole list holds, across all pages. Counting costs a query; ask
    /// for it only when you show it.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.0.count(ctx).await
    }
}

pub type Conn<N> = Connection<String, N, ConnectionFields, EmptyFields>;

/// Builds a connection from a page of rows.
pub fn connection<M, N, F>(
    page: Page<M>,
    key: SortKey,
    counter: impl Counter + 'static,
    node: F,
) -> Conn<N>
where
    M: Keyed,
    N: OutputType,
    F: Fn(M) -> N,
{
    let mut conn = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        ConnectionFields(Box::new(counter)),
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|row| Edge::new(Cursor::of(&row, key).encode(), node(row))),
    );
    conn
}

/// The four Relay arguments, as resolvers receive them.
pub fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
    }
}
