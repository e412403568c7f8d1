//! What a selection set asks of one concrete type, read from the request's document as the
//! executor reads it: fragments spread, inline fragments whose type condition the type
//! meets, `@skip` and `@include` decided with the request's variables, and the fields under
//! one response key merged into one.

use async_graphql::parser::types::{Directive, Field, Selection, SelectionSet};
use async_graphql::{Context, InputType, Name, Positioned, ServerError, ServerResult, Value};

/// One response key of a selection set, with every field written under it.
pub struct Selected<'a> {
    pub key: &'a Name,
    pub name: &'a str,
    /// The field as written, once or several times (through fragments); their arguments
    /// are the same (validation sees to it) and their selection sets are merged.
    pub occurrences: Vec<&'a Positioned<Field>>,
}

impl<'a> Selected<'a> {
    /// The first occurrence, for arguments and positions.
    pub fn field(&self) -> &'a Positioned<Field> {
        self.occurrences[0]
    }

    /// Whether every occurrence has the same arguments. The executor answers each with its
    /// own where they differ, which the spec forbids but validation lets through.
    pub fn same_arguments(&self) -> bool {
        let first = &self.occurrences[0].node.arguments;
        self.occurrences[1..].iter().all(|other| {
            let args = &other.node.arguments;
            args.len() == first.len()
                && args
                    .iter()
                    .zip(first)
                    .all(|((n1, v1), (n2, v2))| n1.node == n2.node && v1.node == v2.node)
        })
    }

    /// The selection sets of every occurrence.
    pub fn sets(&self) -> Vec<&'a SelectionSet> {
        self.occurrences
            .iter()
            .map(|f| &f.node.selection_set.node)
            .collect()
    }
}

/// Reads selections and arguments with a request's fragments, variables and schema.
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    ctx: &'a Context<'a>,
}

impl<'a> Reader<'a> {
    pub fn new(ctx: &'a Context<'a>) -> Self {
        Self { ctx }
    }

    /// The fields of `sets` that apply to the object type `type_name`, in document order.
    pub fn fields(
        &self,
        sets: &[&'a SelectionSet],
        type_name: &str,
    ) -> ServerResult<Vec<Selected<'a>>> {
        let mut out: Vec<Selected<'a>> = Vec::new();
        for set in sets {
            self.collect(set, type_name, &mut out)?;
        }
        Ok(out)
    }

    fn collect(
        &self,
        set: &'a SelectionSet,
        type_name: &str,
        out: &mut Vec<Selected<'a>>,
    ) -> ServerResult<()> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives)? {
                        continue;
                    }
                    let key = &field.node.response_key().node;
                    match out.iter_mut().find(|s| s.key == key) {
                        Some(selected) => selected.occurrences.push(field),
                        None => out.push(Selected {
                            key,
                            name: field.node.name.node.as_str(),
                            occurrences: vec![field],
                        }),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !self.included(&spread.node.directives)? {
                        continue;
                    }
                    let Some(fragment) = self
                        .ctx
                        .query_env
                        .fragments
                        .get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    if self.applies(&fragment.node.type_condition.node.on.node, type_name) {
                        self.collect(&fragment.node.selection_set.node, type_name, out)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    if !self.included(&inline.node.directives)? {
                        continue;
                    }
                    let applies = match &inline.node.type_condition {
                        Some(condition) => self.applies(&condition.node.on.node, type_name),
                        None => true,
                    };
                    if applies {
                        self.collect(&inline.node.selection_set.node, type_name, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a fragment on `condition` applies to an object of type `type_name`.
    fn applies(&self, condition: &str, type_name: &str) -> bool {
        condition == type_name
            || self
                .ctx
                .schema_env
                .registry
                .types
                .get(condition)
                .is_some_and(|t| t.is_possible_type(type_name))
    }

    /// `@skip(if:)` and `@include(if:)`, decided.
    fn included(&self, directives: &[Positioned<Directive>]) -> ServerResult<bool> {
        for directive in directives {
            let name = directive.node.name.node.as_str();
            if name != "skip" && name != "include" {
                continue;
            }
            let condition = match directive.node.get_argument("if") {
                Some(value) => self.value(value)?,
                None => Value::Boolean(false),
            };
            let condition = matches!(condition, Value::Boolean(true));
            if (name == "skip") == condition {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A value of the document, with the request's variables (or their defaults) put in.
    pub fn value(&self, value: &Positioned<async_graphql_value::Value>) -> ServerResult<Value> {
        let pos = value.pos;
        value
            .node
            .clone()
            .into_const_with(|name| self.variable(&name, pos))
    }

    fn variable(&self, name: &str, pos: async_graphql::Pos) -> ServerResult<Value> {
        let env = self.ctx.query_env;
        env.operation
            .node
            .variable_definitions
            .iter()
            .find(|def| def.node.name.node == name)
            .and_then(|def| {
                env.variables
                    .get(&def.node.name.node)
                    .or_else(|| def.node.default_value())
            })
            .cloned()
            .ok_or_else(|| ServerError::new(format!("Variable {name} is not defined."), Some(pos)))
    }

    /// Argument `name` of `field`, parsed as the resolver's own argument type parses it;
    /// `None` when absent or null.
    pub fn argument<T: InputType>(&self, field: &Field, name: &str) -> ServerResult<Option<T>> {
        let Some((_, raw)) = field
            .arguments
            .iter()
            .find(|(n, _)| n.node.as_str() == name)
        else {
            return Ok(None);
        };
        let value = self.value(raw)?;
        if value == Value::Null {
            return Ok(None);
        }
        T::parse(Some(value))
            .map(Some)
            .map_err(|e| e.into_server_error(raw.pos))
    }
}
