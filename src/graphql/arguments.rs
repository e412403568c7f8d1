//! Every argument value of a request, checked against the schema's types before anything
//! runs: text holds no control characters, the API's own scalars parse (dates within their
//! range), and each refusal names the argument path it found at fault.
//!
//! async-graphql parses scalars while it executes, and its message names the scalar and the
//! input types around it, not the field. Checking here, with the types read from the served
//! SDL, names the field for every argument, literal or variable, at any depth.

use std::collections::HashMap;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
    TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::{InputType, Name, ScalarType, Variables};
use async_graphql_value::{ConstValue, Value};

use crate::graphql::scalars::{Date, DateTime, Decimal};

/// Input fields that carry a trading partner's raw interchange: X12 may use control
/// characters as its separators, so only NUL is refused there.
const RAW_TEXT_FIELDS: [(&str, &str); 1] = [("EdiSubmitInput", "document")];

/// At most this many faults are reported for one request.
const MAX_FAULTS: usize = 20;

/// The argument types of the schema: each field's arguments and result type, each input
/// object's fields, each directive's arguments.
pub struct ArgumentTypes {
    /// Type name → field name → (the field's result type name, its arguments).
    fields: HashMap<Name, HashMap<Name, (Name, Arguments)>>,
    /// Input object name → field name → type.
    inputs: HashMap<Name, Arguments>,
    directives: HashMap<Name, Arguments>,
    query: Name,
    mutation: Name,
    subscription: Name,
}

type Arguments = HashMap<Name, async_graphql::parser::types::Type>;

/// One argument value that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The response path of the field whose argument it is (aliases as asked).
    pub path: Vec<String>,
    /// The argument path: the argument, then input fields and list positions.
    pub field: String,
    pub message: String,
}

fn base_name(ty: &async_graphql::parser::types::Type) -> &Name {
    match &ty.base {
        BaseType::Named(name) => name,
        BaseType::List(inner) => base_name(inner),
    }
}

fn arguments(
    values: &[Positioned<async_graphql::parser::types::InputValueDefinition>],
) -> Arguments {
    values
        .iter()
        .map(|v| (v.node.name.node.clone(), v.node.ty.node.clone()))
        .collect()
}

impl ArgumentTypes {
    /// Reads the types from the schema's SDL (which is what clients validate against).
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let doc = async_graphql::parser::parse_schema(sdl).map_err(|e| e.to_string())?;
        let mut types = ArgumentTypes {
            fields: HashMap::new(),
            inputs: HashMap::new(),
            directives: HashMap::new(),
            query: Name::new("Query"),
            mutation: Name::new("Mutation"),
            subscription: Name::new("Subscription"),
        };
        for definition in doc.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(q) = schema.query {
                        types.query = q.node;
                    }
                    if let Some(m) = schema.mutation {
                        types.mutation = m.node;
                    }
                    if let Some(s) = schema.subscription {
                        types.subscription = s.node;
                    }
                }
                TypeSystemDefinition::Type(ty) => types.add_type(ty.node),
                TypeSystemDefinition::Directive(d) => {
                    types
                        .directives
                        .insert(d.node.name.node.clone(), arguments(&d.node.arguments));
                }
            }
        }
        Ok(types)
    }

    fn add_type(&mut self, ty: TypeDefinition) {
        let fields = match ty.kind {
            TypeKind::Object(object) => object.fields,
            TypeKind::Interface(interface) => interface.fields,
            TypeKind::InputObject(input) => {
                self.inputs.insert(ty.name.node, arguments(&input.fields));
                return;
            }
            _ => return,
        };
        let fields = fields
            .into_iter()
            .map(|f| {
                let f = f.node;
                let result = base_name(&f.ty.node).clone();
                (f.name.node, (result, arguments(&f.arguments)))
            })
            .collect();
        self.fields.insert(ty.name.node, fields);
    }

    /// The faults in the arguments of the operation a request runs, in document order.
    /// An operation that cannot be selected, or a field the schema does not have, is left
    /// to validation.
    pub fn check(
        &self,
        doc: &ExecutableDocument,
        operation: &Positioned<OperationDefinition>,
        variables: &Variables,
    ) -> Vec<Fault> {
        use async_graphql::parser::types::OperationType;
        let root = match operation.node.ty {
            OperationType::Query => &self.query,
            OperationType::Mutation => &self.mutation,
            OperationType::Subscription => &self.subscription,
        };
        let mut walk = Walk {
            types: self,
            doc,
            operation: &operation.node,
            variables,
            faults: Vec::new(),
            path: Vec::new(),
            fragments: 0,
        };
        // Variables' own defaults are values too.
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                let mut name = format!("${}", definition.node.name.node);
                walk.value(
                    &default.node,
                    &definition.node.var_type.node,
                    &mut name,
                    false,
                );
            }
        }
        walk.directives(&operation.node.directives);
        walk.selections(&operation.node.selection_set.node, root);
        walk.faults
    }
}

struct Walk<'a> {
    types: &'a ArgumentTypes,
    doc: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
    faults: Vec<Fault>,
    /// The response path of the field being walked.
    path: Vec<String>,
    /// Fragment spreads entered, to bound a spread cycle (validation refuses those).
    fragments: usize,
}

impl Walk<'_> {
    fn selections(&mut self, set: &SelectionSet, parent: &Name) {
        for item in &set.items {
            if self.faults.len() >= MAX_FAULTS {
                return;
            }
            match &item.node {
                Selection::Field(field) => self.field(&field.node, parent),
                Selection::InlineFragment(inline) => {
                    self.directives(&inline.node.directives);
                    let parent = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| &c.node.on.node)
                        .unwrap_or(parent);
                    self.selections(&inline.node.selection_set.node, parent);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(&spread.node.directives);
                    let Some(fragment) = self.doc.fragments.get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    if self.fragments > 256 {
                        continue;
                    }
                    self.fragments += 1;
                    let on = &fragment.node.type_condition.node.on.node;
                    self.selections(&fragment.node.selection_set.node, on);
                }
            }
        }
    }

    fn field(&mut self, field: &Field, parent: &Name) {
        let key = field.response_key().node.to_string();
        self.path.push(key);
        self.directives(&field.directives);
        let definition = self
            .types
            .fields
            .get(parent)
            .and_then(|fields| fields.get(&field.name.node));
        if let Some((result, arguments)) = definition {
            for (name, value) in &field.arguments {
                if let Some(ty) = arguments.get(&name.node) {
                    let mut at = name.node.to_string();
                    self.literal(&value.node, ty, &mut at);
                }
            }
            let result = result.clone();
            self.selections(&field.selection_set.node, &result);
        }
        self.path.pop();
    }

    fn directives(&mut self, directives: &[Positioned<async_graphql::parser::types::Directive>]) {
        for directive in directives {
            let Some(arguments) = self.types.directives.get(&directive.node.name.node) else {
                continue;
            };
            for (name, value) in &directive.node.arguments {
                if let Some(ty) = arguments.get(&name.node) {
                    let mut at = format!("@{}.{}", directive.node.name.node, name.node);
                    self.literal(&value.node, ty, &mut at);
                }
            }
        }
    }

    /// A value as written in the document, with its variables put in.
    fn literal(&mut self, value: &Value, ty: &async_graphql::parser::types::Type, at: &mut String) {
        let Ok(value) = value
            .clone()
            .into_const_with(|name| Ok::<_, std::convert::Infallible>(self.variable(&name)));
        self.value(&value, ty, at, false);
    }

    /// A variable's value: the one sent, else its default, else null.
    fn variable(&self, name: &Name) -> ConstValue {
        if let Some(value) = self.variables.get(name) {
            return value.clone();
        }
        self.operation
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == *name)
            .and_then(|d| d.node.default_value.as_ref())
            .map(|d| d.node.clone())
            .unwrap_or(ConstValue::Null)
    }

    fn fault(&mut self, at: &str, message: String) {
        if self.faults.len() < MAX_FAULTS {
            self.faults.push(Fault {
                path: self.path.clone(),
                field: at.to_owned(),
                message: format!("{at}: {message}"),
            });
        }
    }

    fn value(
        &mut self,
        value: &ConstValue,
        ty: &async_graphql::parser::types::Type,
        at: &mut String,
        raw: bool,
    ) {
        if matches!(value, ConstValue::Null) {
            return;
        }
        match &ty.base {
            BaseType::List(inner) => match value {
                ConstValue::List(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = at.len();
                        at.push_str(&format!(".{i}"));
                        self.value(item, inner, at, raw);
                        at.truncate(len);
                    }
                }
                // A single value where a list is expected is a list of one.
                other => self.value(other, inner, at, raw),
            },
            BaseType::Named(name) => self.named(value, name, at, raw),
        }
    }

    fn named(&mut self, value: &ConstValue, name: &Name, at: &mut String, raw: bool) {
        match name.as_str() {
            "String" | "ID" => {
                if let ConstValue::String(text) = value
                    && let Some(problem) = control_character(text, raw)
                {
                    self.fault(at, problem);
                }
            }
            "Date" => self.scalar::<Date>(value, at),
            "DateTime" => self.scalar::<DateTime>(value, at),
            "Decimal" => self.scalar::<Decimal>(value, at),
            _ => {
                let Some(fields) = self.types.inputs.get(name) else {
                    return;
                };
                let ConstValue::Object(object) = value else {
                    return;
                };
                for (key, item) in object {
                    let Some(ty) = fields.get(key) else {
                        continue;
                    };
                    let raw = RAW_TEXT_FIELDS
                        .iter()
                        .any(|(input, field)| name.as_str() == *input && key.as_str() == *field);
                    let len = at.len();
                    at.push('.');
                    at.push_str(key);
                    self.value(item, ty, at, raw);
                    at.truncate(len);
                }
            }
        }
    }

    fn scalar<T: ScalarType + InputType>(&mut self, value: &ConstValue, at: &str) {
        if let Err(err) = <T as ScalarType>::parse(value.clone()) {
            let message = err.into_server_error(Default::default()).message;
            // The scalar's own words, without async-graphql's `Failed to parse "Date": `.
            let message = match message.strip_prefix("Failed to parse \"") {
                Some(rest) => rest
                    .split_once("\": ")
                    .map_or(message.clone(), |(_, own)| own.to_owned()),
                None => message,
            };
            self.fault(at, message);
        }
    }
}

/// Why `text` cannot be taken: a control character. Tab, line feed and carriage return
/// are text (notes span lines; single-line fields refuse them where they are parsed).
/// Raw interchange text may hold any control character but NUL.
pub fn control_character(text: &str, raw: bool) -> Option<String> {
    let bad = text.chars().find(|&c| {
        if raw {
            c == '\0'
        } else {
            c.is_control() && !matches!(c, '\t' | '\n' | '\r')
        }
    })?;
    Some(format!(
        "U+{:04X} is a control character, which is not allowed here",
        u32::from(bad)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
        type Query { find(code: String, on: Date, filter: Filter): Thing }
        type Thing { name(lang: String): String  parts(first: Int, after: String): [Thing] }
        input Filter { text: String  prices: [Decimal!]  inner: Filter }
        input EdiSubmitInput { document: String! }
        type Mutation { ediSubmit(input: EdiSubmitInput!): Boolean }
        directive @tag(label: String) on FIELD
        schema { query: Query mutation: Mutation }
    "#;

    fn faults(query: &str, variables: serde_json::Value) -> Vec<Fault> {
        let types = ArgumentTypes::from_sdl(SDL).unwrap();
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let op = crate::graphql::selected_operation(&doc, None).unwrap();
        types.check(&doc, op, &Variables::from_json(variables))
    }

    #[test]
    fn control_characters_are_named_wherever_they_are() {
        let found = faults(
            r#"query($f: Filter) { a: find(code: "x\u0000y") { name(lang: "en") parts(after: "\u001b") { name } } find(filter: $f) { name @tag(label: "\u0007") } }"#,
            serde_json::json!({ "f": { "inner": { "text": "ok\ttab\nline", "prices": ["1"] }, "text": "bell\u{7}" } }),
        );
        let fields: Vec<_> = found
            .iter()
            .map(|f| (f.path.join("/"), f.field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("a".to_owned(), "code"),
                ("a/parts".to_owned(), "after"),
                ("find".to_owned(), "filter.text"),
                ("find/name".to_owned(), "@tag.label"),
            ]
        );
        assert_eq!(
            found[0].message,
            "code: U+0000 is a control character, which is not allowed here"
        );
    }

    #[test]
    fn scalars_are_parsed_and_named() {
        let found = faults(
            r#"query($d: Date = "2026-13-01") { find(on: $d, filter: { prices: ["1", "1e400"] }) { name } }"#,
            serde_json::json!({}),
        );
        let fields: Vec<_> = found.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["$d", "on", "filter.prices.1"]);
    }

    #[test]
    fn raw_interchanges_may_use_control_separators_but_not_nul() {
        assert!(
            faults(
                "mutation($i: EdiSubmitInput!) { ediSubmit(input: $i) }",
                serde_json::json!({ "i": { "document": "ISA*00\u{1d}GS*PO\u{1c}" } })
            )
            .is_empty()
        );
        let found = faults(
            "mutation($i: EdiSubmitInput!) { ediSubmit(input: $i) }",
            serde_json::json!({ "i": { "document": "ISA\u{0}" } }),
        );
        assert_eq!(found[0].field, "input.document");
    }
}
