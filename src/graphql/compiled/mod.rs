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
use std::sync::Mutex;

use async_graphql::parser::types::{Field, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, OutputType, Positioned, ServerError, ServerResult, Value,
};
use futures_util::future::{BoxFuture, join_all};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, GqlResult};
use plan::Compiler;
use selection::Reader;
use shape::{Shaper, object_at};
use spec::{Catalog, Fallback, Listing, Shape};

/// Whether reads are compiled. On by default; off, every field is resolved by its resolver
/// (the equivalence tests compare the two).
#[derive(Clone, Copy, Debug)]
pub struct CompiledReads(pub bool);

/// A field's value, read by a compiled statement or left to the type's resolvers.
pub enum Compiled<T> {
    Read(Mutex<Option<Value>>),
    Resolve(T),
}

impl<T> Compiled<T> {
    pub fn read(value: Value) -> Self {
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
            Compiled::Read(value) => Ok(value
                .lock()
                .ok()
                .and_then(|mut v| v.take())
                .unwrap_or(Value::Null)),
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
) -> async_graphql::Result<Option<Value>> {
    if !ctx.data_opt::<CompiledReads>().is_some_and(|on| on.0) {
        return Ok(None);
    }
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
        return Ok(None);
    };
    let mut pairs = vec![Expr::Constant("r".into()), compiled.value];
    if let Some(count) = compiled.count {
        pairs.push(Expr::Constant("c".into()));
        pairs.push(count);
    }
    let object = if backend == sea_orm::DbBackend::Sqlite {
        "json_object"
    } else {
        "json_build_object"
    };
    let mut statement = Query::select();
    statement.expr_as(
        sea_orm::sea_query::Func::cust(Alias::new(object))
            .args(pairs)
            .cast_as(Alias::new("text")),
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
    fill_in(ctx, &mut value, shaper.pending).await?;
    Ok(Some(value))
}

/// Answers the fields left to resolvers: the models of each object type are read together,
/// and each object's fields resolved on its model.
async fn fill_in(
    ctx: &Context<'_>,
    value: &mut Value,
    pending: Vec<shape::Pending<'_>>,
) -> async_graphql::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let mut groups: Vec<(&plan::Variant, Vec<Uuid>)> = Vec::new();
    for p in &pending {
        match groups.iter_mut().find(|(v, _)| std::ptr::eq(*v, p.variant)) {
            Some((_, ids)) => ids.push(p.id),
            None => groups.push((p.variant, vec![p.id])),
        }
    }
    let answers = join_all(groups.into_iter().filter_map(|(variant, ids)| {
        let (resolve, set) = variant.fallback.as_ref()?;
        Some(async move { (address(variant), resolve(ctx, ids, set).await) })
    }))
    .await;
    let mut by_variant = HashMap::new();
    for (variant, answer) in answers {
        by_variant.insert(
            variant,
            answer.map_err(|e| async_graphql::Error::new(e.message))?,
        );
    }
    for p in pending {
        let Some(answer) = by_variant
            .get(&address(p.variant))
            .and_then(|a| a.get(&p.id))
        else {
            continue;
        };
        let (Some(object), Value::Object(fields)) = (object_at(value, &p.path), answer) else {
            continue;
        };
        for (k, v) in fields {
            object.insert(k.clone(), v.clone());
        }
    }
    Ok(())
}

/// Where a variant of the plan lives, to group its objects by.
fn address(variant: &plan::Variant) -> usize {
    variant as *const plan::Variant as usize
}

/// A fallback for objects of type `T`: reads their models by id with `load` and resolves
/// the remaining fields on them.
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
    std::sync::Arc::new(move |ctx, ids, set| {
        let loaded = load(ctx, ids);
        Box::pin(async move {
            let models = loaded
                .await
                .map_err(|e| ServerError::new(e.message, None))?;
            resolve_on(ctx, set, models).await
        })
    })
}

async fn resolve_on<'a, T: OutputType>(
    ctx: &'a Context<'a>,
    set: &'a Positioned<SelectionSet>,
    models: Vec<(Uuid, T)>,
) -> ServerResult<HashMap<Uuid, Value>> {
    let selection = ctx.with_selection_set(set);
    let field = ctx.item;
    let answers = join_all(
        models
            .iter()
            .map(|(id, model)| async { (*id, model.resolve(&selection, field).await) }),
    )
    .await;
    let mut out = HashMap::with_capacity(answers.len());
    for (id, answer) in answers {
        out.insert(id, answer?);
    }
    Ok(out)
}
