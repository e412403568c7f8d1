//! Puts response fields in the order the query selected them, as the GraphQL spec asks.
//! async-graphql assembles each object in the order its fields finish resolving.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use serde_json::{Map, Value};

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Reorders `data` to follow the selections of the operation the request ran.
pub fn reorder(data: &mut Value, doc: &ExecutableDocument, operation_name: Option<&str>) {
    if let Some(op) = super::selected_operation(doc, operation_name) {
        order(data, &[&op.node.selection_set.node], &doc.fragments);
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

fn order(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    match value {
        Value::Array(items) => {
            for item in items {
                order(item, sets, fragments);
            }
        }
        Value::Object(map) => {
            let mut keys = Vec::new();
            let mut children = HashMap::new();
            for set in sets {
                collect(set, fragments, &mut keys, &mut children, 0);
            }
            let mut old = std::mem::take(map);
            let mut ordered = Map::with_capacity(old.len());
            for key in keys {
                if let Some(mut child) = old.remove(key) {
                    if let Some(sets) = children.get(key) {
                        order(&mut child, sets, fragments);
                    }
                    ordered.insert(key.to_owned(), child);
                }
            }
            ordered.extend(old);
            *map = ordered;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_selection_through_aliases_and_fragments() {
        let mut data: Value =
            serde_json::from_str(r#"{"b":{"z":1,"y":{"q":2,"p":3}},"a":[{"n":1,"m":2}]}"#).unwrap();
        let query = "query { a { m n } b { ...F } } fragment F on T { y { p q } z }";
        let doc = async_graphql::parser::parse_query(query).unwrap();
        reorder(&mut data, &doc, None);
        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"a":[{"m":2,"n":1}],"b":{"y":{"p":3,"q":2},"z":1}}"#
        );
    }
}
