//! Batched loading for the resolver path, shared by every domain. Each domain keeps its own
//! loader beside its queries (`orders::loaders`, `catalog::loaders`, …): a key type names
//! what it loads and, through [`LoadKey`], which loader answers it, so a resolver writes
//! `load_one(ctx, OrderId(id))` without naming the loader. Pages and counts of a parent's
//! children, whatever the domain, go through one [`RelationLoader`]: one query per relation
//! and page shape, however many parents a request asks about. Per-parent page limits run in
//! the database, as a `LATERAL` join on PostgreSQL (each parent's page read from an index,
//! stopping at the page's end) and with `ROW_NUMBER() OVER (PARTITION BY …)` on SQLite.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::sea_query::SelectStatement;
use sea_orm::sea_query::{Alias, Asterisk, Condition, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, GqlResult, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey};

/// What every loader of a request works with: its connection and its principal.
#[derive(Clone)]
pub struct LoadScope {
    pub db: DatabaseConnection,
    pub principal: Principal,
}

/// Loader errors are shared between every resolver waiting on the batch.
pub type Shared = Arc<Error>;

/// A loader error, for one resolver.
pub fn unshare(err: Shared) -> Error {
    match Arc::try_unwrap(err) {
        Ok(err) => err,
        // Every caller of a failed batch gets the same error: a refusal stays a refusal.
        Err(shared) => shared.duplicate(),
    }
}

/// A key a request's loaders answer, and the loader that answers it.
pub trait LoadKey: Clone + Eq + Hash + Send + Sync + 'static {
    type Loader: Loader<Self, Error = Shared>;
}

/// What loading `K` gives.
pub type Loaded<K> = <<K as LoadKey>::Loader as Loader<K>>::Value;

/// The request's loader of `L`.
pub(crate) fn loader<'a, L: Send + Sync + 'static>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a DataLoader<L>> {
    ctx.data::<DataLoader<L>>()
}

/// Loads one key through the request's loader; `None` when it names nothing the principal
/// may see.
pub async fn load_one<K: LoadKey>(
    ctx: &Context<'_>,
    key: K,
) -> async_graphql::Result<Option<Loaded<K>>> {
    loader::<K::Loader>(ctx)?
        .load_one(key)
        .await
        .map_err(unshare)
        .gql()
}

/// Loads several keys through the request's loader, in one batch; what the principal may
/// not see is left out.
pub async fn load_many<K: LoadKey>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<HashMap<K, Loaded<K>>> {
    loader::<K::Loader>(ctx)?
        .load_many(keys)
        .await
        .map_err(unshare)
        .gql()
}

/// Makes `$loader` answer `$key` (a newtype over an id) with `$model`, by calling
/// `$service(db, principal, ids)`, which gives back `(id, model)` pairs. `$loader` has a
/// `scope: LoadScope` field.
macro_rules! by_id_loader {
    ($loader:ty: $key:ident => $model:ty, $service:path) => {
        impl async_graphql::dataloader::Loader<$key> for $loader {
            type Value = $model;
            type Error = $crate::graphql::loading::Shared;

            async fn load(
                &self,
                keys: &[$key],
            ) -> std::result::Result<std::collections::HashMap<$key, $model>, Self::Error> {
                let ids: Vec<uuid::Uuid> = keys.iter().map(|k| k.0).collect();
                let rows = $service(&self.scope.db, &self.scope.principal, &ids)
                    .await
                    .map_err(std::sync::Arc::new)?;
                Ok(rows.into_iter().map(|(id, m)| ($key(id), m)).collect())
            }
        }

        impl $crate::graphql::loading::LoadKey for $key {
            type Loader = $loader;
        }
    };
}
pub(crate) use by_id_loader;

/// A list hanging off a parent.
pub trait ChildRelation: Clone + Eq + Hash + Send + Sync + 'static {
    type Model: FromQueryResult + Keyed + Clone + Send + Sync + 'static;

    /// The children of any parent, with the principal's visibility applied; no order or limit.
    fn base(&self, principal: &Principal) -> SelectStatement;
    /// The column that names the parent.
    fn parent(&self) -> Expr;
    fn sort_column(&self, key: SortKey) -> Expr;
    fn id_column(&self) -> Expr;
    /// Refuses a principal that may not read these children at all.
    fn ensure_readable(&self, principal: &Principal) -> Result<()> {
        principal.ensure_can_read_directory()
    }
    /// One parent's page (`parent` stands for its id), with the parent selected as
    /// [`PARENT_COLUMN`], for a relation that reads it better than its base query filtered,
    /// ordered and cut: a union whose parts each stop at the page's end. `None` uses the base.
    fn page_of_one(
        &self,
        _principal: &Principal,
        _parent: Expr,
        _page: &PageRequest,
    ) -> Option<SelectStatement> {
        None
    }
}

/// One page of one parent's children.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey<R> {
    pub parent: Uuid,
    pub relation: R,
    pub page: PageRequest,
}

/// How many children one parent has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey<R> {
    pub parent: Uuid,
    pub relation: R,
}

/// Loads the pages and counts of every [`ChildRelation`].
pub struct RelationLoader {
    pub scope: LoadScope,
}

impl<R: ChildRelation> LoadKey for PageKey<R> {
    type Loader = RelationLoader;
}

impl<R: ChildRelation> LoadKey for CountKey<R> {
    type Loader = RelationLoader;
}

const PARENT: &str = PARENT_COLUMN;
/// The column a per-parent page names its parent in.
pub const PARENT_COLUMN: &str = "cg_parent";
const PARENTS: &str = "cg_parents";
const PAGE: &str = "cg_page";
const ROW_NUMBER: &str = "cg_row";
const COUNT: &str = "cg_count";

impl<R: ChildRelation> Loader<PageKey<R>> for RelationLoader {
    type Value = Page<R::Model>;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[PageKey<R>],
    ) -> std::result::Result<HashMap<PageKey<R>, Self::Value>, Shared> {
        // Keys that share a relation and page shape are answered by one query.
        let mut groups: HashMap<(&R, &PageRequest), Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((&key.relation, &key.page))
                .or_default()
                .push(key.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((relation, page), parents) in groups {
            let mut pages = child_pages(
                &self.scope.db,
                &self.scope.principal,
                relation,
                page,
                &parents,
            )
            .await
            .map_err(Arc::new)?;
            for parent in parents {
                let rows = pages.remove(&parent).unwrap_or_default();
                out.insert(
                    PageKey {
                        parent,
                        relation: relation.clone(),
                        page: page.clone(),
                    },
                    page.into_page(rows),
                );
            }
        }
        Ok(out)
    }
}

async fn child_pages<R: ChildRelation>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    relation: &R,
    page: &PageRequest,
    parents: &[Uuid],
) -> Result<HashMap<Uuid, Vec<R::Model>>> {
    relation.ensure_readable(principal)?;
    let key_col = relation.sort_column(page.sort.key);
    let id_col = relation.id_column();
    let query = if db.get_database_backend() == DbBackend::Postgres {
        // FROM (VALUES (p1), (p2), …) AS cg_parents JOIN LATERAL (one parent's page): each
        // page is read in index order and stops after limit + 1 rows.
        let parent = Expr::col((Alias::new(PARENTS), Alias::new("column1")));
        let inner = match relation.page_of_one(principal, parent.clone(), page) {
            Some(inner) => inner,
            None => {
                let mut inner = relation.base(principal);
                inner
                    .expr_as(relation.parent(), Alias::new(PARENT))
                    .and_where(relation.parent().eq(parent));
                page.apply(&mut inner, key_col, id_col);
                inner
            }
        };
        Query::select()
            .column((Alias::new(PAGE), Asterisk))
            .from_values(parents.iter().copied(), Alias::new(PARENTS))
            .join_lateral(
                JoinType::InnerJoin,
                inner,
                Alias::new(PAGE),
                Condition::all().add(Expr::val(true)),
            )
            .take()
    } else {
        let mut inner = relation.base(principal);
        inner
            .expr_as(relation.parent(), Alias::new(PARENT))
            .expr_window_as(
                Expr::cust("ROW_NUMBER()"),
                page.window(relation.parent(), key_col.clone(), id_col.clone()),
                Alias::new(ROW_NUMBER),
            )
            .and_where(relation.parent().is_in(parents.iter().copied()));
        if let Some(cond) = page.keyset_condition(key_col, id_col) {
            inner.cond_where(cond);
        }
        Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new(PAGE))
            .and_where(Expr::col(Alias::new(ROW_NUMBER)).lte(page.limit as i64 + 1))
            .order_by(Alias::new(PARENT), Order::Asc)
            .order_by(Alias::new(ROW_NUMBER), Order::Asc)
            .take()
    };
    // Rows come grouped by parent, each parent's in scan order.
    let mut pages: HashMap<Uuid, Vec<R::Model>> = HashMap::new();
    for row in db.query_all(&query).await? {
        let parent: Uuid = row.try_get("", PARENT)?;
        let model = R::Model::from_query_result(&row, "")?;
        pages.entry(parent).or_default().push(model);
    }
    Ok(pages)
}

impl<R: ChildRelation> Loader<CountKey<R>> for RelationLoader {
    type Value = u64;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[CountKey<R>],
    ) -> std::result::Result<HashMap<CountKey<R>, u64>, Shared> {
        let mut groups: HashMap<&R, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.relation).or_default().push(key.parent);
        }
        let principal = &self.scope.principal;
        let mut out = HashMap::with_capacity(keys.len());
        for (relation, parents) in groups {
            relation.ensure_readable(principal).map_err(Arc::new)?;
            let mut stmt = relation.base(principal);
            stmt.clear_selects()
                .expr_as(relation.parent(), Alias::new(PARENT))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new(COUNT))
                .and_where(relation.parent().is_in(parents.iter().copied()))
                .add_group_by([relation.parent()]);
            let mut counts = HashMap::new();
            let rows = self
                .scope
                .db
                .query_all(&stmt)
                .await
                .map_err(|e| Arc::new(e.into()))?;
            for row in rows {
                let parent: Uuid = row.try_get("", PARENT).map_err(|e| Arc::new(e.into()))?;
                let count: i64 = row.try_get("", COUNT).map_err(|e| Arc::new(e.into()))?;
                counts.insert(parent, Ord::max(count, 0) as u64);
            }
            for parent in parents {
                let count = counts.get(&parent).copied().unwrap_or(0);
                out.insert(
                    CountKey {
                        parent,
                        relation: relation.clone(),
                    },
                    count,
                );
            }
        }
        Ok(out)
    }
}
