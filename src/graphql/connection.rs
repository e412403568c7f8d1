//! Relay connections: `edges { cursor node }`, `nodes`, `pageInfo`, and a lazily counted
//! `totalCount`. Written here rather than taken from async-graphql so that every generated
//! connection and edge type carries a description.

use std::borrow::Cow;

use async_graphql::{Context, Enum, Object, OutputType, SimpleObject, TypeName};
use futures_util::future::BoxFuture;

use crate::pagination::{Cursor, Keyed, Page, PageArgs, SortKey};

/// Which way a list runs.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDirection {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Counts a whole list, when a client asks for `totalCount`.
pub trait Counter: Send + Sync {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>>;
}

/// Where a page sits in its list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether more items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// The cursor of the first item of this page; pass it as `before` to page back.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of this page; pass it as `after` to page on.
    pub end_cursor: Option<String>,
}

/// One item of a page, with its cursor.
pub struct Edge<N> {
    cursor: String,
    node: N,
}

/// One item of a page, with its cursor.
#[Object(name_type)]
impl<N: OutputType> Edge<N> {
    /// Where this item sits in the list; pass it as `after` or `before`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The item.
    async fn node(&self) -> &N {
        &self.node
    }
}

impl<N: OutputType> TypeName for Edge<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", N::type_name()).into()
    }
}

/// A page of a list: its items with their cursors, where it sits in the list, and the
/// size of the whole list.
pub struct Conn<N> {
    edges: Vec<Edge<N>>,
    has_previous: bool,
    has_next: bool,
    counter: Box<dyn Counter>,
}

/// A page of a list: its items with their cursors, where it sits in the list, and the
/// size of the whole list.
#[Object(name_type)]
impl<N: OutputType> Conn<N> {
    /// Where this page sits in the list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next,
            has_previous_page: self.has_previous,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }

    /// The items of this page, each with its cursor.
    async fn edges(&self) -> &[Edge<N>] {
        &self.edges
    }

    /// The items of this page, without cursors.
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// How many items the whole list holds, across all pages. Counting costs a query; ask
    /// for it only when you show it.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.counter.count(ctx).await
    }
}

impl<N: OutputType> TypeName for Conn<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

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
    Conn {
        edges: page
            .items
            .into_iter()
            .map(|row| Edge {
                cursor: Cursor::of(&row, key).encode(),
                node: node(row),
            })
            .collect(),
        has_previous: page.has_previous,
        has_next: page.has_next,
        counter: Box::new(counter),
    }
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
