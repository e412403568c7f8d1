//! Compiled reads: a root list or lookup field and everything selected under it, read with
//! one statement that builds the response's JSON in the database.
//!
//! A resolver of a root field hands its statement (the rows the principal may see, with
//! the client's filter) to [`read`]. The compiler walks the field's selection set in the
//! request's document, with the [`spec::Catalog`] of what each type's fields are made of,
//! and nests a correlated subquery for every relation. The server then turns the JSON into
//! the response in one pass ([`shape`]), with no future per field and no model decoded.
//!
//! A field the catalog does not know (a figure worked out in Rust, a field with its own
//! authorization) is answered by its resolver on the object's model, read by id after the
//! statement: the subtree falls back from that field down. Where the selection cannot be
//! compiled at all, [`read`] answers `None` and the resolver goes on as before.

pub mod plan;
pub mod selection;
pub mod shape;
pub mod spec;
pub mod values;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{Field, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, OutputType, PathSegment, Positioned, QueryPathNode,
    QueryPathSegment, ServerError, ServerResult, Value,
};
use futures_util::future::{BoxFuture, join_all};
use sea_orm::sea_query::{Alias, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, GqlResult};
use plan::Compiler;
use selection::Reader;
use shape::{Shaper, object_at};
use spec::{Catalog, Fallback, Listing, Shape};

/// Whether reads are compiled (on by default; off, every field is resolved by its
/// resolver, as the equivalence tests compare), and how many were.
#[derive(Clone, Debug)]
pub struct CompiledReads {
    pub on: bool,
    pub counts: Arc<ReadCounts>,
}

/// Root fields read by a compiled statement, and root fields left to their resolvers
/// because their selection could not be compiled.
#[derive(Debug, Default)]
pub struct ReadCounts {
    pub compiled: AtomicU64,
    pub resolved: AtomicU64,
}

/// A field's value, read by a compiled statement or left to the type's resolvers.
pub enum Compiled<T> {
    /// The value, or the error that kept it from being read.
    Read(Mutex<Option<ServerResult<Value>>>),
    Resolve(T),
}

impl<T> Compiled<T> {
    pub fn read(value: ServerResult<Value>) -> Self {
        Compiled::Read(Mutex::new(Some(value)))
    }
}

impl<T: OutputType> OutputType for Compiled<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match self {
            Compiled::Read(value) => value
                .lock()
                .ok()
                .and_then(|mut v| v.take())
                .unwrap_or(Ok(Value::Null)),
            Compiled::Resolve(inner) => inner.resolve(ctx, field).await,
        }
    }
}

/// Reads the root field of `ctx` (a list of `target` when `shape` says so, or one of them)
/// with one statement over the rows `listing` reads. `None` when reads are not compiled or
/// the selection cannot be; the resolver then answers.
pub async fn read(
    ctx: &Context<'_>,
    target: &'static str,
    shape: Shape,
    listing: Listing,
) -> async_graphql::Result<Option<ServerResult<Value>>> {
    let Some(reads) = ctx.data_opt::<CompiledReads>().filter(|r| r.on) else {
        return Ok(None);
    };
    let (Ok(catalog), Ok(principal), Ok(db)) = (
        ctx.data::<Catalog>(),
        Principal::of(ctx),
        ctx.data::<DatabaseConnection>(),
    ) else {
        return Ok(None);
    };
    let field: &Positioned<Field> = ctx.item;
    let backend = db.get_database_backend();
    let mut compiler = Compiler::new(Reader::new(ctx), catalog, principal, backend);
    let sets = vec![&field.node.selection_set.node];
    let Ok(Some(compiled)) = compiler.relation(target, shape, listing, sets, None) else {
        reads.counts.resolved.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    };
    reads.counts.compiled.fetch_add(1, Ordering::Relaxed);
    let mut pairs = vec![("r".to_owned(), compiled.value)];
    if let Some(count) = compiled.count {
        pairs.push(("c".to_owned(), count));
    }
    let mut statement = Query::select();
    statement.expr_as(
        compiler.json_object(pairs).cast_as(Alias::new("text")),
        Alias::new("j"),
    );
    let row = db
        .query_one(&statement)
        .await
        .map_err(Error::from)
        .gql()?
        .ok_or_else(|| Error::Internal("a compiled read returned no row".into()))
        .gql()?;
    let text: String = row.try_get("", "j").map_err(Error::from).gql()?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Internal(format!("a compiled read returned bad JSON: {e}")))
        .gql()?;
    let mut shaper = Shaper::default();
    let mut value = shaper
        .related(&compiled.plan, &json["r"], json.get("c"))
        .gql()?;
    let filled = fill_in(ctx, &mut value, shaper.pending).await;
    Ok(Some(filled.map(|()| value)))
}

/// List indices above this stand for objects answered by resolvers, in the paths of their
/// errors, until they are given their place in the response.
const MARK: usize = usize::MAX / 2;

/// The next unused marker: each read takes its own, so that root fields resolved side by
/// side never place each other's errors.
static NEXT_MARK: AtomicUsize = AtomicUsize::new(0);

/// Answers the fields left to resolvers: the models of each object type are read together,
/// and each object's fields resolved on its model, its errors given the paths of the fields
/// that failed. `Err` when the models cannot be read.
async fn fill_in(
    ctx: &Context<'_>,
    value: &mut Value,
    pending: Vec<shape::Pending<'_>>,
) -> ServerResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let base = MARK + NEXT_MARK.fetch_add(pending.len(), Ordering::Relaxed) % (MARK / 2);
    let ours = base..base + pending.len();
    let mut groups: Vec<(&plan::Variant, Vec<(usize, Uuid)>)> = Vec::new();
    for (i, p) in pending.iter().enumerate() {
        let item = (base + i, p.id);
        match groups.iter_mut().find(|(v, _)| std::ptr::eq(*v, p.variant)) {
            Some((_, items)) => items.push(item),
            None => groups.push((p.variant, vec![item])),
        }
    }
    let answers = join_all(groups.into_iter().filter_map(|(variant, items)| {
        let (resolve, set) = variant.fallback.as_ref()?;
        Some(resolve(ctx, items, set))
    }))
    .await;
    let root: Vec<PathSegment> = ctx
        .path_node
        .map(|node| {
            node.to_string_vec()
                .into_iter()
                .map(PathSegment::Field)
                .collect()
        })
        .unwrap_or_default();
    let place = |path: &mut Vec<PathSegment>| {
        let Some(at) = path
            .iter()
            .position(|s| matches!(s, PathSegment::Index(i) if ours.contains(i)))
        else {
            return;
        };
        let PathSegment::Index(marker) = path[at] else {
            return;
        };
        let Some(p) = pending.get(marker - base) else {
            return;
        };
        let mut full = root.clone();
        full.extend(p.path.iter().map(|step| match step {
            plan::Step::Key(k) => PathSegment::Field(k.to_string()),
            plan::Step::Index(i) => PathSegment::Index(*i),
        }));
        full.extend(path.drain(at + 1..));
        *path = full;
    };
    for answers in answers {
        for (marker, answer) in answers? {
            let Some(p) = pending.get(marker - base) else {
                continue;
            };
            // The executor answers an object's fields, leaving out those whose resolvers
            // failed (their errors are in the request's); an object of no field is null.
            let fields = match answer {
                Ok(Value::Object(fields)) => fields,
                Ok(_) => Default::default(),
                Err(mut error) => {
                    place(&mut error.path);
                    ctx.add_error(error);
                    Default::default()
                }
            };
            let Some(object) = object_at(value, &p.path) else {
                continue;
            };
            for entry in &p.variant.entries {
                if let plan::Entry::Fallback { key } = entry
                    && !fields.contains_key(key)
                {
                    object.shift_remove(key);
                }
            }
            for (k, v) in fields {
                object.insert(k, v);
            }
            if object.is_empty()
                && let Some(at) = shape::value_at(value, &p.path)
            {
                *at = Value::Null;
            }
        }
    }
    if let Ok(mut errors) = ctx.query_env.errors.lock() {
        for error in errors.iter_mut() {
            place(&mut error.path);
        }
    }
    Ok(())
}

/// A fallback for objects of type `T`: reads their models by id with `load` and resolves
/// the remaining fields on each, under its place's marker.
pub fn fallback<T, L>(load: L) -> Fallback
where
    T: OutputType + Send + Sync + 'static,
    L: for<'a> Fn(
            &'a Context<'a>,
            Vec<Uuid>,
        ) -> BoxFuture<'a, async_graphql::Result<Vec<(Uuid, T)>>>
        + Send
        + Sync
        + 'static,
{
    std::sync::Arc::new(move |ctx, items, set| {
        let mut ids: Vec<Uuid> = items.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        let loaded = load(ctx, ids);
        Box::pin(async move {
            let models: HashMap<Uuid, T> = loaded
                .await
                .map_err(|e| ServerError::new(e.message, None))?
                .into_iter()
                .collect();
            Ok(resolve_on(ctx, set, &items, &models).await)
        })
    })
}

async fn resolve_on<'a, T: OutputType>(
    ctx: &'a Context<'a>,
    set: &'a Positioned<SelectionSet>,
    items: &[(usize, Uuid)],
    models: &HashMap<Uuid, T>,
) -> Vec<(usize, ServerResult<Value>)> {
    let field = ctx.item;
    join_all(items.iter().filter_map(|(marker, id)| {
        let model = models.get(id)?;
        Some(async move {
            let mut selection = ctx.with_selection_set(set);
            selection.path_node = Some(QueryPathNode {
                parent: ctx.path_node.as_ref(),
                segment: QueryPathSegment::Index(*marker),
            });
            (*marker, model.resolve(&selection, field).await)
        })
    }))
    .await
}
