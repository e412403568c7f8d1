//! What a mutation has just written, kept for its own payload: an order's lines and their
//! products are answered from the rows the mutation holds instead of being read back.
//!
//! Rows are kept under the mutation's response key and found only by fields below it.
//! Mutations run one after another, each payload answered before the next starts, so a
//! payload never sees what another mutation of the request kept, nor rows a later one may
//! have changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, QueryPathNode, QueryPathSegment};
use entity::{order_line, product};
use uuid::Uuid;

/// The request's kept rows, by the mutation's response key.
#[derive(Default)]
pub struct Written(Mutex<HashMap<String, Kept>>);

#[derive(Default)]
struct Kept {
    lines: HashMap<Uuid, Arc<Vec<order_line::Model>>>,
    products: HashMap<Uuid, product::Model>,
}

/// The response key of the root field `node` is under.
fn root_key<'a>(node: Option<&QueryPathNode<'a>>) -> Option<&'a str> {
    let mut node = node?;
    while let Some(parent) = node.parent {
        node = parent;
    }
    match node.segment {
        QueryPathSegment::Name(name) => Some(name),
        QueryPathSegment::Index(_) => None,
    }
}

/// What the mutation `ctx` is under kept, if anything.
fn find<T>(ctx: &Context<'_>, f: impl FnOnce(&Kept) -> Option<T>) -> Option<T> {
    let written = ctx.data_opt::<Written>()?;
    let key = root_key(ctx.path_node.as_ref())?;
    let kept = written.0.lock().unwrap_or_else(|e| e.into_inner());
    f(kept.get(key)?)
}

/// Keeps, for the payload of the mutation `ctx` resolves, the lines it wrote for an order
/// and their products.
pub fn keep_order_lines(
    ctx: &Context<'_>,
    order_id: Uuid,
    mut lines: Vec<order_line::Model>,
    products: impl IntoIterator<Item = product::Model>,
) {
    let (Some(written), Some(key)) = (ctx.data_opt::<Written>(), root_key(ctx.path_node.as_ref()))
    else {
        return;
    };
    lines.sort_by_key(|l| l.line_number);
    let mut all = written.0.lock().unwrap_or_else(|e| e.into_inner());
    let kept = all.entry(key.to_owned()).or_default();
    kept.lines.insert(order_id, Arc::new(lines));
    kept.products
        .extend(products.into_iter().map(|p| (p.id, p)));
}

/// The lines of `order_id`, by line number, where this field's mutation wrote them.
pub fn order_lines(ctx: &Context<'_>, order_id: Uuid) -> Option<Arc<Vec<order_line::Model>>> {
    find(ctx, |kept| kept.lines.get(&order_id).cloned())
}

/// Product `id`, where this field's mutation read it to write its lines.
pub fn product(ctx: &Context<'_>, id: Uuid) -> Option<product::Model> {
    find(ctx, |kept| kept.products.get(&id).cloned())
}
