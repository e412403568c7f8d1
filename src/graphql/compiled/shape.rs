//! The database's JSON turned into the response: each object's keys in the order the
//! client selected them, each value shown as its resolver would show it, connections cut
//! into pages with their cursors. Fields answered by resolvers are left null here and noted,
//! to be filled in once their models are read.

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};
use serde_json::Value as Json;
use uuid::Uuid;

use super::plan::{
    ConnectionPart, EdgePart, Entry, ID_KEY, Parts, Related, SORT_KEY, Step, TYPE_KEY, Variant,
    View,
};
use super::spec::Shape;
use super::values;
use crate::error::Error;
use crate::pagination::{Cursor, SortKey, SortValue};

/// An object whose resolver-answered fields are still to be filled in.
pub struct Pending<'p> {
    pub path: Vec<Step>,
    pub variant: &'p Variant,
    pub id: Uuid,
}

fn malformed(what: &str) -> Error {
    Error::Internal(format!("a compiled read returned {what}"))
}

#[derive(Default)]
pub struct Shaper<'p> {
    pub pending: Vec<Pending<'p>>,
    path: Vec<Step>,
}

impl<'p> Shaper<'p> {
    /// The value of a relation from its rows' JSON (and its count, when asked).
    pub fn related(
        &mut self,
        plan: &'p Related,
        rows: &Json,
        count: Option<&Json>,
    ) -> Result<Value, Error> {
        match (&plan.parts, plan.shape) {
            (Parts::Node(view), Shape::One) => {
                if rows.is_null() {
                    Ok(Value::Null)
                } else {
                    self.node(view, rows)
                }
            }
            (Parts::Node(view), Shape::Required) => {
                if rows.is_null() {
                    Err(Error::NotFound(
                        "an organization this object belongs to is not visible".into(),
                    ))
                } else {
                    self.node(view, rows)
                }
            }
            (Parts::Node(view), _) => {
                let rows = array(rows)?;
                let mut list = Vec::with_capacity(rows.len());
                for (i, row) in rows.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    let node = self.node(view, row);
                    self.path.pop();
                    list.push(node?);
                }
                Ok(Value::List(list))
            }
            (Parts::Connection(parts), _) => self.connection(plan, parts, rows, count),
        }
    }

    fn connection(
        &mut self,
        plan: &'p Related,
        parts: &'p [ConnectionPart],
        rows: &Json,
        count: Option<&Json>,
    ) -> Result<Value, Error> {
        let Some((page, key)) = &plan.paging else {
            return Err(malformed("a connection without its page"));
        };
        let rows: Vec<&Json> = array(rows)?.iter().collect();
        let page = page.into_page(rows);
        let cursor = |row: &Json| cursor_of(row, *key);
        let mut object = IndexMap::with_capacity(parts.len());
        for part in parts {
            match part {
                ConnectionPart::Typename(k, name) => {
                    object.insert(k.clone(), Value::String(name.clone()));
                }
                ConnectionPart::TotalCount(k) => {
                    let n = count
                        .and_then(|c| c.as_i64())
                        .ok_or_else(|| malformed("a count that is not a number"))?;
                    object.insert(k.clone(), Value::Number(n.into()));
                }
                ConnectionPart::Nodes(k, view) => {
                    self.path.push(Step::Key(k.clone()));
                    let mut list = Vec::with_capacity(page.items.len());
                    for (i, row) in page.items.iter().enumerate() {
                        self.path.push(Step::Index(i));
                        let node = self.node(view, row);
                        self.path.pop();
                        list.push(node?);
                    }
                    self.path.pop();
                    object.insert(k.clone(), Value::List(list));
                }
                ConnectionPart::Edges(k, edge_parts) => {
                    self.path.push(Step::Key(k.clone()));
                    let mut list = Vec::with_capacity(page.items.len());
                    for (i, row) in page.items.iter().enumerate() {
                        self.path.push(Step::Index(i));
                        let mut edge = IndexMap::with_capacity(edge_parts.len());
                        for part in edge_parts {
                            match part {
                                EdgePart::Typename(k, name) => {
                                    edge.insert(k.clone(), Value::String(name.clone()));
                                }
                                EdgePart::Cursor(k) => {
                                    edge.insert(k.clone(), Value::String(cursor(row)?));
                                }
                                EdgePart::Node(k, view) => {
                                    self.path.push(Step::Key(k.clone()));
                                    let node = self.node(view, row);
                                    self.path.pop();
                                    edge.insert(k.clone(), node?);
                                }
                            }
                        }
                        self.path.pop();
                        list.push(object_value(edge));
                    }
                    self.path.pop();
                    object.insert(k.clone(), Value::List(list));
                }
                ConnectionPart::PageInfo(k, fields) => {
                    let mut info = IndexMap::with_capacity(fields.len());
                    for (key, name) in fields {
                        let value = match name.as_str() {
                            "hasNextPage" => Value::Boolean(page.has_next),
                            "hasPreviousPage" => Value::Boolean(page.has_previous),
                            "startCursor" => match page.items.first() {
                                Some(row) => Value::String(cursor(row)?),
                                None => Value::Null,
                            },
                            "endCursor" => match page.items.last() {
                                Some(row) => Value::String(cursor(row)?),
                                None => Value::Null,
                            },
                            "__typename" => Value::String("PageInfo".into()),
                            _ => return Err(malformed("an unknown page info field")),
                        };
                        info.insert(key.clone(), value);
                    }
                    object.insert(k.clone(), object_value(info));
                }
            }
        }
        Ok(object_value(object))
    }

    fn node(&mut self, view: &'p View, row: &Json) -> Result<Value, Error> {
        let Json::Object(fields) = row else {
            return Err(malformed("a row that is not an object"));
        };
        let variant = match view.variants.as_slice() {
            [only] => only,
            many => {
                let kind = fields.get(TYPE_KEY).and_then(|t| t.as_str());
                match many.iter().find(|v| v.when == kind) {
                    Some(v) => v,
                    None => return Err(malformed("a row of no known type")),
                }
            }
        };
        let get = |sql: &str| fields.get(sql).unwrap_or(&Json::Null);
        let mut object = IndexMap::with_capacity(variant.entries.len());
        for entry in &variant.entries {
            match entry {
                Entry::Typename { key, type_name } => {
                    object.insert(key.clone(), Value::String(type_name.clone()));
                }
                Entry::Value {
                    key,
                    sql,
                    multi,
                    build,
                } => {
                    let raw = get(sql);
                    let value = if *multi {
                        match raw {
                            Json::Array(values) => build(values),
                            _ => None,
                        }
                    } else {
                        build(std::slice::from_ref(raw))
                    };
                    let value =
                        value.ok_or_else(|| malformed(&format!("a bad value for {key}")))?;
                    object.insert(key.clone(), value);
                }
                Entry::Object {
                    key,
                    sql,
                    build,
                    fields: selected,
                } => {
                    let value = match get(sql) {
                        Json::Array(values) => build(values, selected),
                        _ => None,
                    }
                    .ok_or_else(|| malformed(&format!("a bad value for {key}")))?;
                    object.insert(key.clone(), value);
                }
                Entry::Related {
                    key,
                    sql,
                    count_sql,
                    plan,
                } => {
                    self.path.push(Step::Key(key.clone()));
                    let value = self.related(plan, get(sql), count_sql.as_deref().map(get));
                    self.path.pop();
                    object.insert(key.clone(), value?);
                }
                Entry::Fallback { key } | Entry::Null { key } => {
                    object.insert(key.clone(), Value::Null);
                }
            }
        }
        if variant.fallback.is_some() {
            let id = values::uuid(get(ID_KEY))
                .flatten()
                .ok_or_else(|| malformed("a row without its id"))?;
            self.pending.push(Pending {
                path: self.path.clone(),
                variant,
                id,
            });
        }
        Ok(object_value(object))
    }
}

/// An object as the executor answers it: null when every field was skipped.
pub fn object_value(object: IndexMap<Name, Value>) -> Value {
    if object.is_empty() {
        Value::Null
    } else {
        Value::Object(object)
    }
}

fn array(rows: &Json) -> Result<&[Json], Error> {
    match rows {
        // PostgreSQL aggregates no rows to null.
        Json::Null => Ok(&[]),
        Json::Array(rows) => Ok(rows),
        _ => Err(malformed("rows that are not a list")),
    }
}

fn cursor_of(row: &Json, key: SortKey) -> Result<String, Error> {
    let bad = || malformed("a row without its sort value");
    let id = values::uuid(row.get(ID_KEY).unwrap_or(&Json::Null))
        .flatten()
        .ok_or_else(bad)?;
    let raw = row.get(SORT_KEY).ok_or_else(bad)?;
    let value = match key {
        SortKey::Name => SortValue::Text(raw.as_str().ok_or_else(bad)?.to_owned()),
        SortKey::CreatedAt | SortKey::UpdatedAt => {
            SortValue::Time(values::moment(raw).ok_or_else(bad)?)
        }
        SortKey::Due => SortValue::Date(
            raw.as_str()
                .and_then(|s| s.get(..10))
                .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .ok_or_else(bad)?,
        ),
    };
    Ok(Cursor { key, value, id }.encode())
}

/// The value at `path` in `value`.
pub fn value_at<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Key(k), Value::Object(o)) => o.get_mut(k)?,
            (Step::Index(i), Value::List(l)) => l.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// The object at `path` in `value`.
pub fn object_at<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut IndexMap<Name, Value>> {
    match value_at(value, path)? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}
