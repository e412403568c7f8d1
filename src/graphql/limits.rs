//! Limits on what one document may ask for, counted by us because async-graphql's depth and
//! complexity checks skip `__typename`: `{ a1: __typename a2: __typename … }` would pass them
//! with any number of aliases. Fragment spreads are counted where they are used, so a small
//! document that spreads one fragment many times is counted at its real size.

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql_value::Value as GqlValue;
use serde_json::{Map, Value};

use crate::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// Caps on one document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    /// Field selections, `__typename` included, with fragments expanded where spread.
    pub max_fields: usize,
    /// Aliased fields.
    pub max_aliases: usize,
    /// Directives anywhere in the document.
    pub max_directives: usize,
    /// Objects the document may return through connections and id lists: each connection's
    /// page size (`first` or `last`, else the default page) times the sizes of the
    /// connections it is nested in, summed.
    pub max_nodes: u64,
}

/// What a document asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocumentStats {
    pub fields: usize,
    pub aliases: usize,
    pub directives: usize,
    /// Objects it may return through connections and id lists, as [`DocumentLimits::max_nodes`]
    /// counts them.
    pub nodes: u64,
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
            max_nodes: limits.max_nodes,
        }
    }
}

/// Checks `doc`, whose `variables` give the page sizes it names by variable.
pub fn check(
    doc: &ExecutableDocument,
    variables: Option<&Map<String, Value>>,
    limits: &DocumentLimits,
) -> Result<DocumentStats, String> {
    let mut stats = DocumentStats::default();
    let walker = Walker {
        doc,
        variables,
        limits,
    };
    for (_, op) in doc.operations.iter() {
        stats.directives += op.node.directives.len();
        walker.walk(&op.node.selection_set.node, &mut stats, 0, 1)?;
    }
    if stats.directives > limits.max_directives {
        return Err(format!(
            "the document has {} directives; at most {} are allowed",
            stats.directives, limits.max_directives
        ));
    }
    Ok(stats)
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: Option<&'a Map<String, Value>>,
    limits: &'a DocumentLimits,
}

impl Walker<'_> {
    /// Counts `set`, each of whose objects stands for `times` in the answer.
    fn walk(
        &self,
        set: &SelectionSet,
        stats: &mut DocumentStats,
        depth: usize,
        times: u64,
    ) -> Result<(), String> {
        let limits = self.limits;
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
                    let inner = match self.objects(&field.node) {
                        Some(n) => {
                            let inner = times.saturating_mul(n);
                            stats.nodes = stats.nodes.saturating_add(inner);
                            if stats.nodes > limits.max_nodes {
                                return Err(format!(
                                    "the document may return more than {} objects (each connection's first or last, times those of the connections around it); ask for smaller pages, or page the inner lists separately",
                                    limits.max_nodes
                                ));
                            }
                            inner
                        }
                        None => times,
                    };
                    self.walk(&field.node.selection_set.node, stats, depth + 1, inner)?;
                }
                Selection::FragmentSpread(spread) => {
                    stats.directives += spread.node.directives.len();
                    if let Some(fragment) = self.doc.fragments.get(&spread.node.fragment_name.node)
                    {
                        self.walk(&fragment.node.selection_set.node, stats, depth + 1, times)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    stats.directives += inline.node.directives.len();
                    self.walk(&inline.node.selection_set.node, stats, depth + 1, times)?;
                }
            }
        }
        Ok(())
    }

    /// How many objects `field` may return when it is a list: a connection's page (`first`
    /// or `last`, at most the largest page; the default page without either), or the number
    /// of `ids` asked for. `None` for any other field.
    fn objects(&self, field: &Field) -> Option<u64> {
        let argument = |name: &str| {
            field
                .arguments
                .iter()
                .find(|(n, _)| n.node.as_str() == name)
                .map(|(_, v)| &v.node)
        };
        let number = |value: &GqlValue| -> Option<u64> { self.value(value)?.as_u64() };
        let page = argument("first")
            .or_else(|| argument("last"))
            .map(|v| number(v).unwrap_or(DEFAULT_PAGE_SIZE as u64));
        if let Some(page) = page {
            return Some(page.min(MAX_PAGE_SIZE as u64));
        }
        if let Some(ids) = argument("ids") {
            return self.value(ids)?.as_array().map(|a| a.len() as u64);
        }
        let connection = field.selection_set.node.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f)
                if matches!(f.node.name.node.as_str(), "nodes" | "edges"))
        });
        connection.then_some(DEFAULT_PAGE_SIZE as u64)
    }

    /// An argument's value: a variable's from the request, else its default in the document.
    fn value(&self, value: &GqlValue) -> Option<Value> {
        let GqlValue::Variable(name) = value else {
            return value.clone().into_json().ok();
        };
        if let Some(given) = self.variables.and_then(|v| v.get(name.as_str())) {
            return Some(given.clone());
        }
        self.doc.operations.iter().find_map(|(_, op)| {
            op.node
                .variable_definitions
                .iter()
                .find(|d| d.node.name.node == *name)
                .and_then(|d| d.node.default_value.as_ref())
                .and_then(|d| d.node.clone().into_json().ok())
        })
    }
}

/// The deepest a list or object value may nest, in a document's arguments, variable
/// defaults and directive arguments, or in the variables. The parser recurses on values, so
/// this is counted on the text before anything parses it.
pub const MAX_VALUE_NESTING: usize = 32;

/// The deepest selection sets may nest in a document's text, fragments and inline fragments
/// counted as written. Field depth proper is `max_depth`, checked after parsing; this only
/// keeps the parser's recursion bounded.
pub const MAX_SELECTION_NESTING: usize = 128;

/// How deep a GraphQL document nests, from its text: selection sets (braces outside
/// parentheses), and values (brackets and braces inside parentheses, where arguments,
/// variable definitions and directive arguments live). Strings, block strings and comments
/// are skipped. The scan is a loop: a document of any depth is measured without recursion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nesting {
    pub selections: usize,
    pub values: usize,
}

pub fn document_nesting(text: &str) -> Nesting {
    let bytes = text.as_bytes();
    let (mut i, mut parens) = (0, 0usize);
    let (mut selections, mut values) = (0usize, 0usize);
    let mut deepest = Nesting::default();
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // `\"""` is an escaped triple quote inside a block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b'{' | b'[' if parens > 0 => {
                values += 1;
                deepest.values = deepest.values.max(values);
            }
            b'}' | b']' if parens > 0 => values = values.saturating_sub(1),
            b'{' | b'[' => {
                selections += 1;
                deepest.selections = deepest.selections.max(selections);
            }
            b'}' | b']' => selections = selections.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// How deep a JSON text nests its arrays and objects, strings skipped; a loop, like
/// [`document_nesting`].
pub fn json_nesting(text: &[u8]) -> usize {
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Refuses a document whose text nests past what the parser may recurse into, before it is
/// parsed.
pub fn check_document_nesting(text: &str) -> Result<(), String> {
    let nesting = document_nesting(text);
    if nesting.values > MAX_VALUE_NESTING {
        return Err(format!(
            "the document nests list and object values {} deep; at most {MAX_VALUE_NESTING} are allowed",
            nesting.values
        ));
    }
    if nesting.selections > MAX_SELECTION_NESTING {
        return Err(format!(
            "the document nests selection sets {} deep; at most {MAX_SELECTION_NESTING} are allowed",
            nesting.selections
        ));
    }
    Ok(())
}

/// Refuses variables (or a request body holding them, `wrapping` levels above the values)
/// that nest lists and objects deeper than a document's values may.
pub fn check_json_nesting(text: &[u8], wrapping: usize) -> Result<(), String> {
    let depth = json_nesting(text).saturating_sub(wrapping);
    if depth > MAX_VALUE_NESTING {
        return Err(format!(
            "the variables nest lists and objects {depth} deep; at most {MAX_VALUE_NESTING} are allowed"
        ));
    }
    Ok(())
}

/// Reads a request's JSON (its body, or its `variables` or `extensions` sent by GET),
/// refusing an object that names a key twice: RFC 8259 leaves what a repeated name means to
/// the reader, and a `query` given twice must not quietly be the last one.
pub fn parse_json(text: &[u8]) -> serde_json::Result<Value> {
    serde_json::from_slice::<Unique>(text).map(|u| u.0)
}

/// A JSON value none of whose objects repeats a key.
struct Unique(Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match object.entry(key) {
                serde_json::map::Entry::Occupied(taken) => {
                    return Err(serde::de::Error::custom(format!(
                        "the key `{}` is given twice in one object",
                        taken.key()
                    )));
                }
                serde_json::map::Entry::Vacant(free) => {
                    free.insert(map.next_value::<Unique>()?.0);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn request_json_is_read_whole_and_a_repeated_key_is_refused() {
        let body = br#"{"query":"{ a }","variables":{"n":[1,-2,2.5,"x",null,true,{"k":18446744073709551615}]}}"#;
        assert_eq!(
            parse_json(body).unwrap(),
            serde_json::from_slice::<Value>(body).unwrap()
        );
        let twice = br#"{"query":"{ a }","query":"mutation { b }"}"#;
        let error = parse_json(twice).unwrap_err().to_string();
        assert!(
            error.starts_with("the key `query` is given twice in one object"),
            "{error}"
        );
        let nested = br#"{"variables":{"input":{"id":"1","id":"2"}}}"#;
        assert!(parse_json(nested).unwrap_err().to_string().contains("`id`"));
        // The same key in different objects is no repeat.
        assert!(parse_json(br#"[{"id":1},{"id":2}]"#).is_ok());
    }

    const LIMITS: DocumentLimits = DocumentLimits {
        max_fields: 10,
        max_aliases: 3,
        max_directives: 2,
        max_nodes: 1_000,
    };

    #[test]
    fn typename_aliases_count() {
        let doc =
            parse_query("{ a: __typename b: __typename c: __typename d: __typename }").unwrap();
        assert_eq!(
            check(&doc, None, &LIMITS).unwrap_err(),
            "the document uses more than 3 aliases"
        );
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let doc =
            parse_query("{ x { ...F } y { ...F } z { ...F } } fragment F on T { a b c }").unwrap();
        assert_eq!(
            check(&doc, None, &LIMITS).unwrap_err(),
            "the document selects more than 10 fields"
        );
    }

    #[test]
    fn directives_and_introspection_are_seen() {
        let doc =
            parse_query("{ a @skip(if: true) b @include(if: true) c @skip(if: false) }").unwrap();
        assert_eq!(
            check(&doc, None, &LIMITS).unwrap_err(),
            "the document has 3 directives; at most 2 are allowed"
        );
        let doc = parse_query("{ __schema { queryType { name } } }").unwrap();
        assert!(check(&doc, None, &LIMITS).unwrap().introspection);
    }

    #[test]
    fn nesting_is_measured_without_parsing() {
        let doc = "query($v: [[Int]] = [[1]]) { a(x: {y: [1, {z: 2}]}) { b @d(k: [[3]]) { c } } }";
        assert_eq!(
            document_nesting(doc),
            Nesting {
                selections: 3,
                values: 3
            }
        );
        // Brackets in strings, block strings and comments are text.
        let doc = "{ a(s: \"[[[{\\\"\", b: \"\"\"[[[ \\\"\"\" {{{\"\"\") # ((([[[\n }";
        assert_eq!(
            document_nesting(doc),
            Nesting {
                selections: 1,
                values: 0
            }
        );
        let deep = format!(
            "{{ a(x: {}1{}) }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(document_nesting(&deep).values, 100_000);
        assert!(check_document_nesting(&deep).is_err());
        let ok = format!("{{ a(x: {}1{}) }}", "[".repeat(32), "]".repeat(32));
        assert!(check_document_nesting(&ok).is_ok());
        let over = format!("{{ a(x: {}1{}) }}", "{a:".repeat(33), "}".repeat(33));
        assert_eq!(
            check_document_nesting(&over).unwrap_err(),
            "the document nests list and object values 33 deep; at most 32 are allowed"
        );
    }

    #[test]
    fn json_nesting_skips_strings() {
        assert_eq!(json_nesting(br#"{"a": [[1], {"b": "[[[\"]]"}]}"#), 3);
        assert!(
            check_json_nesting(
                format!("{{\"v\":{}{}}}", "[".repeat(33), "]".repeat(33)).as_bytes(),
                1
            )
            .is_err()
        );
        assert!(
            check_json_nesting(
                format!("{{\"v\":{}{}}}", "[".repeat(32), "]".repeat(32)).as_bytes(),
                1
            )
            .is_ok()
        );
    }

    #[test]
    fn objects_multiply_along_nested_connections() {
        let limits = DocumentLimits {
            max_fields: 100,
            max_nodes: 50_000,
            ..LIMITS
        };
        let nodes = |text: &str, variables: Value| {
            let doc = parse_query(text).unwrap();
            check(&doc, variables.as_object(), &limits).map(|s| s.nodes)
        };
        // 10 dealers, 10 customers each, 5 orders each: 10 + 100 + 500.
        assert_eq!(
            nodes(
                "{ a(first: 10) { nodes { b(first: 10) { nodes { c(first: 5) { nodes { n } } } } } } }",
                Value::Null
            ),
            Ok(610)
        );
        // A single object between two connections multiplies nothing; a variable and its
        // default count; a connection without first or last counts the default page (20).
        assert_eq!(
            nodes(
                "query($n: Int = 7) { o(first: $m) { nodes { buyer { o(last: $n) { edges { node { x } } } } } } c { nodes { y } } }",
                serde_json::json!({ "m": 3 })
            ),
            Ok(3 + 21 + 20)
        );
        // Ids asked for multiply what is nested in them; pages above 100 count as 100.
        assert_eq!(
            nodes(
                r#"{ nodes(ids: ["a", "b"]) { ... on X { o(first: 500) { nodes { x } } } } }"#,
                Value::Null
            ),
            Ok(2 + 200)
        );
        // Six levels of a hundred: refused, naming the limit.
        let deep = "{ o(first: 100) { nodes { b { o(first: 100) { nodes { b { o(first: 100) { nodes { b { o(first: 100) { nodes { x } } } } } } } } } } } }";
        let refused = nodes(deep, Value::Null).unwrap_err();
        assert!(refused.contains("more than 50000 objects"), "{refused}");
    }
}
