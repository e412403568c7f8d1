//! Puts response fields in the order the query selected them, as the GraphQL spec asks.
//! async-graphql assembles each object in the order its fields finish resolving.

use std::collections::HashMap;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Reorders `data` to follow the selections of the operation the request ran.
pub fn reorder(data: &mut Value, doc: &ExecutableDocument, operation_name: Option<&str>) {
    if let Some(op) = super::selected_operation(doc, operation_name) {
        let mut budget = LAYOUT_BUDGET;
        let layout = Layout::of(
            &[&op.node.selection_set.node],
            &doc.fragments,
            0,
            &mut budget,
        );
        layout.apply(data);
    }
}

/// How many response keys a layout may hold in all; a document that expands to more (its
/// fragments spread many times over) keeps the executor's order below that point.
const LAYOUT_BUDGET: usize = 20_000;

/// The order of an object's response keys and the layouts of the objects below them, built
/// once per request from the document, then laid over every object it describes (every
/// item of a list shares its layout).
#[derive(Default)]
struct Layout<'a> {
    position: HashMap<&'a str, usize>,
    children: HashMap<&'a str, Layout<'a>>,
}

impl<'a> Layout<'a> {
    fn of(
        sets: &[&'a SelectionSet],
        fragments: &'a Fragments,
        depth: usize,
        budget: &mut usize,
    ) -> Self {
        let mut keys = Vec::new();
        let mut below: HashMap<&str, Vec<&SelectionSet>> = HashMap::new();
        for set in sets {
            collect(set, fragments, &mut keys, &mut below, 0);
        }
        *budget = budget.saturating_sub(keys.len());
        let mut layout = Layout {
            position: keys.iter().enumerate().map(|(i, k)| (*k, i)).collect(),
            children: HashMap::new(),
        };
        if depth < 32 {
            for key in keys {
                let sets = &below[key];
                if *budget > 0 && sets.iter().any(|s| !s.items.is_empty()) {
                    let child = Layout::of(sets, fragments, depth + 1, budget);
                    layout.children.insert(key, child);
                }
            }
        }
        layout
    }

    fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.apply(item);
                }
            }
            Value::Object(map) => {
                let position = |key: &Name| {
                    self.position
                        .get(key.as_str())
                        .copied()
                        .unwrap_or(usize::MAX)
                };
                // Most objects come out in order already (their fields resolve at once).
                if !map.keys().map(position).is_sorted() {
                    map.sort_by(|a, _, b, _| position(a).cmp(&position(b)));
                }
                for (key, child) in map.iter_mut() {
                    if let Some(layout) = self.children.get(key.as_str()) {
                        layout.apply(child);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Response keys in selection order, each with the selection sets below it.
fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut Vec<&'a str>,
    children: &mut HashMap<&'a str, Vec<&'a SelectionSet>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.as_str();
                if !children.contains_key(key) {
                    keys.push(key);
                }
                children
                    .entry(key)
                    .or_default()
                    .push(&field.node.selection_set.node);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        fragments,
                        keys,
                        children,
                        depth + 1,
                    );
                }
            }
            Selection::InlineFragment(inline) => collect(
                &inline.node.selection_set.node,
                fragments,
                keys,
                children,
                depth + 1,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_selection_through_aliases_and_fragments() {
        let mut data =
            Value::from_json(serde_json::from_str(r#"{"b":{"z":1,"y":{"q":2,"p":3}},"a":[{"n":1,"m":2},{"m":3,"n":4},{"n":5,"m":6}]}"#).unwrap())
                .unwrap();
        let query = "query { a { m n } b { ...F } } fragment F on T { y { p q } z }";
        let doc = async_graphql::parser::parse_query(query).unwrap();
        reorder(&mut data, &doc, None);
        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"a":[{"m":2,"n":1},{"m":3,"n":4},{"m":6,"n":5}],"b":{"y":{"p":3,"q":2},"z":1}}"#
        );
    }
}
