//! Limits on what one document may ask for, counted by us because async-graphql's depth and
//! complexity checks skip `__typename`: `{ a1: __typename a2: __typename … }` would pass them
//! with any number of aliases. Fragment spreads are counted where they are used, so a small
//! document that spreads one fragment many times is counted at its real size.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Caps on one document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Field selections, `__typename` included, with fragments expanded where spread.
    pub max_fields: usize,
    /// Aliased fields.
    pub max_aliases: usize,
    /// Directives anywhere in the document.
    pub max_directives: usize,
}

/// What a document asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocumentStats {
    pub fields: usize,
    pub aliases: usize,
    pub directives: usize,
    /// Whether it selects `__schema` or `__type`.
    pub introspection: bool,
}

/// The first limit a document exceeds, as a message for the client.
impl From<&crate::settings::LimitSettings> for DocumentLimits {
    fn from(limits: &crate::settings::LimitSettings) -> Self {
        Self {
            max_fields: limits.max_fields,
            max_aliases: limits.max_aliases,
            max_directives: limits.max_directives,
        }
    }
}

pub fn check(doc: &ExecutableDocument, limits: &DocumentLimits) -> Result<DocumentStats, String> {
    let mut stats = DocumentStats::default();
    for (_, op) in doc.operations.iter() {
        stats.directives += op.node.directives.len();
        walk(&op.node.selection_set.node, doc, limits, &mut stats, 0)?;
    }
    if stats.directives > limits.max_directives {
        return Err(format!(
            "the document has {} directives; at most {} are allowed",
            stats.directives, limits.max_directives
        ));
    }
    Ok(stats)
}

fn walk(
    set: &SelectionSet,
    doc: &ExecutableDocument,
    limits: &DocumentLimits,
    stats: &mut DocumentStats,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Err("the document nests fragments too deeply".into());
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                stats.fields += 1;
                if field.node.alias.is_some() {
                    stats.aliases += 1;
                }
                stats.directives += field.node.directives.len();
                let name = field.node.name.node.as_str();
                if name == "__schema" || name == "__type" {
                    stats.introspection = true;
                }
                if stats.fields > limits.max_fields {
                    return Err(format!(
                        "the document selects more than {} fields",
                        limits.max_fields
                    ));
                }
                if stats.aliases > limits.max_aliases {
                    return Err(format!(
                        "the document uses more than {} aliases",
                        limits.max_aliases
                    ));
                }
                walk(
                    &field.node.selection_set.node,
                    doc,
                    limits,
                    stats,
                    depth + 1,
                )?;
            }
            Selection::FragmentSpread(spread) => {
                stats.directives += spread.node.directives.len();
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    walk(
                        &fragment.node.selection_set.node,
                        doc,
                        limits,
                        stats,
                        depth + 1,
                    )?;
                }
            }
            Selection::InlineFragment(inline) => {
                stats.directives += inline.node.directives.len();
                walk(
                    &inline.node.selection_set.node,
                    doc,
                    limits,
                    stats,
                    depth + 1,
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const LIMITS: DocumentLimits = DocumentLimits {
        max_fields: 10,
        max_aliases: 3,
        max_directives: 2,
    };

    #[test]
    fn typename_aliases_count() {
        let doc =
            parse_query("{ a: __typename b: __typename c: __typename d: __typename }").unwrap();
        assert_eq!(
            check(&doc, &LIMITS).unwrap_err(),
            "the document uses more than 3 aliases"
        );
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let doc =
            parse_query("{ x { ...F } y { ...F } z { ...F } } fragment F on T { a b c }").unwrap();
        assert_eq!(
            check(&doc, &LIMITS).unwrap_err(),
            "the document selects more than 10 fields"
        );
    }

    #[test]
    fn directives_and_introspection_are_seen() {
        let doc =
            parse_query("{ a @skip(if: true) b @include(if: true) c @skip(if: false) }").unwrap();
        assert_eq!(
            check(&doc, &LIMITS).unwrap_err(),
            "the document has 3 directives; at most 2 are allowed"
        );
        let doc = parse_query("{ __schema { queryType { name } } }").unwrap();
        assert!(check(&doc, &LIMITS).unwrap().introspection);
    }
}
