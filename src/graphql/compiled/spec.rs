//! What the compiler knows of the API's types: for each object type, its table and how each
//! field is read from its row or from a related table. A field the catalog does not know is
//! resolved by its resolver, on the object's model, after the statement has run.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Name, Positioned, ServerResult, Value};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, SelectStatement};
use serde_json::Value as Json;
use uuid::Uuid;

use super::selection::Reader;
use crate::access::Principal;
use crate::ids::NodeType;
use crate::pagination::{PageRequest, SortKey};

/// A column of a row the compiler reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Col {
    pub name: &'static str,
    /// A UUID: SQLite keeps it as 16 bytes, which JSON cannot hold, so it is read as hex.
    pub uuid: bool,
    /// A column of the parent row (an order line's currency is its order's).
    pub parent: bool,
}

impl Col {
    pub const fn of(name: &'static str) -> Col {
        Col {
            name,
            uuid: false,
            parent: false,
        }
    }

    pub const fn uuid(name: &'static str) -> Col {
        Col {
            name,
            uuid: true,
            parent: false,
        }
    }

    pub const fn of_parent(name: &'static str) -> Col {
        Col {
            name,
            uuid: false,
            parent: true,
        }
    }
}

/// Turns the values a field's columns hold into the field's value.
pub type Build = fn(&[Json]) -> Option<Value>;

/// Builds a small object (an amount with its currency, a partner code) from its columns,
/// for the sub-fields the client selected: `(response key, field name)`.
pub type BuildObject = fn(&[Json], &[(Name, String)]) -> Option<Value>;

/// The arguments a relation is asked with, for its statement.
pub struct Asked<'r, 'a> {
    pub principal: &'r Principal,
    pub reader: Reader<'a>,
    pub field: &'a async_graphql::parser::types::Field,
}

impl Asked<'_, '_> {
    pub fn argument<T: async_graphql::InputType>(&self, name: &str) -> ServerResult<Option<T>> {
        self.reader.argument(self.field, name)
    }
}

/// A page of a list: how it is cut and sorted.
pub struct Paging {
    pub page: PageRequest,
    pub key: SortKey,
    /// The sort value, over the child table.
    pub sort: Expr,
    pub id: Expr,
}

/// The rows a relation reads: a statement over the child table (the principal's visibility
/// and the client's filter applied), how it hangs off its parent, and the order it is read in.
pub struct Listing {
    pub select: SelectStatement,
    pub parent: Option<Parent>,
    pub order: Vec<Expr>,
    pub paging: Option<Paging>,
    /// Columns the rows do not hold but the statement works out (a shipment line's line
    /// number, from its order line), by the name fields read them under.
    pub computed: Vec<(&'static str, Expr)>,
}

/// The child's column equal to `column` of the parent row.
pub struct Parent {
    pub child: Expr,
    pub column: &'static str,
}

impl Listing {
    /// Rows in no particular order (one at most, or a lookup by key).
    pub fn rows(select: SelectStatement) -> Self {
        Self {
            select,
            parent: None,
            order: Vec::new(),
            paging: None,
            computed: Vec::new(),
        }
    }

    /// A page of rows.
    pub fn page(select: SelectStatement, paging: Paging) -> Self {
        Self {
            paging: Some(paging),
            ..Self::rows(select)
        }
    }

    /// Rows whose `child` column equals the parent row's `column`.
    pub fn of_parent(mut self, child: Expr, column: &'static str) -> Self {
        self.parent = Some(Parent { child, column });
        self
    }

    /// Rows carry `name`, worked out by `expr`.
    pub fn computing(mut self, name: &'static str, expr: Expr) -> Self {
        self.computed.push((name, expr));
        self
    }

    /// Read in this order.
    pub fn ordered(mut self, order: Vec<Expr>) -> Self {
        self.order = order;
        self
    }
}

/// How a relation's statement is made from its arguments. `Ok(None)` when the relation
/// cannot be compiled as asked; the field is then resolved by its resolver.
pub type Relate =
    Arc<dyn for<'r, 'a> Fn(&Asked<'r, 'a>) -> crate::error::Result<Option<Listing>> + Send + Sync>;

/// How many rows a relation holds in all, for `totalCount`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// At most one row; null when none.
    One,
    /// Exactly one row (a contact's organization): none is an error.
    Required,
    /// Every row, in order.
    List,
    /// A Relay connection, paged.
    Connection,
}

/// How one field of an object is read.
#[derive(Clone)]
pub enum FieldSpec {
    /// Read from the row's columns.
    Value { columns: Vec<Col>, build: Build },
    /// A small object built from the row's columns.
    Object {
        type_name: &'static str,
        columns: Vec<Col>,
        build: BuildObject,
    },
    /// Rows of another type.
    Related {
        target: &'static str,
        shape: Shape,
        relate: Relate,
    },
}

/// Resolves fields the catalog does not know, with their resolvers, on models read by id:
/// for each object, its marker (where it sits) and id; the answer of each marker.
pub type Fallback = Arc<
    dyn for<'a> Fn(
            &'a Context<'a>,
            Vec<(usize, Uuid)>,
            &'a Positioned<async_graphql::parser::types::SelectionSet>,
        ) -> BoxFuture<'a, ServerResult<Vec<(usize, ServerResult<Value>)>>>
        + Send
        + Sync,
>;

/// Whether a principal may read a field; where it may not, the field answers null.
pub type Guard = fn(&Principal) -> bool;

/// An object type the compiler can read.
#[derive(Clone)]
pub struct ObjectSpec {
    pub name: &'static str,
    pub table: &'static str,
    pub fields: HashMap<&'static str, FieldSpec>,
    pub guards: HashMap<&'static str, Guard>,
    pub fallback: Option<Fallback>,
}

impl ObjectSpec {
    pub fn new(name: &'static str, table: &'static str) -> Self {
        Self {
            name,
            table,
            fields: HashMap::new(),
            guards: HashMap::new(),
            fallback: None,
        }
    }

    pub fn value(mut self, field: &'static str, column: Col, build: Build) -> Self {
        self.fields.insert(
            field,
            FieldSpec::Value {
                columns: vec![column],
                build,
            },
        );
        self
    }

    pub fn values(mut self, field: &'static str, columns: &[Col], build: Build) -> Self {
        self.fields.insert(
            field,
            FieldSpec::Value {
                columns: columns.to_vec(),
                build,
            },
        );
        self
    }

    pub fn object(
        mut self,
        field: &'static str,
        type_name: &'static str,
        columns: &[Col],
        build: BuildObject,
    ) -> Self {
        self.fields.insert(
            field,
            FieldSpec::Object {
                type_name,
                columns: columns.to_vec(),
                build,
            },
        );
        self
    }

    pub fn related(
        mut self,
        field: &'static str,
        target: &'static str,
        shape: Shape,
        relate: impl for<'r, 'a> Fn(&Asked<'r, 'a>) -> crate::error::Result<Option<Listing>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.fields.insert(
            field,
            FieldSpec::Related {
                target,
                shape,
                relate: Arc::new(relate),
            },
        );
        self
    }

    /// `field` answers null to a principal `may_read` refuses, as its resolver does.
    pub fn guarded(mut self, field: &'static str, may_read: Guard) -> Self {
        self.guards.insert(field, may_read);
        self
    }

    pub fn fallback(mut self, fallback: Fallback) -> Self {
        self.fallback = Some(fallback);
        self
    }
}

/// An interface whose object types share one table and are told apart by one column.
#[derive(Clone)]
pub struct AbstractSpec {
    pub name: &'static str,
    pub discriminator: Col,
    /// The column's value for each object type.
    pub members: Vec<(&'static str, &'static str)>,
}

/// The statement that reads one object by id, as far as the principal may see it.
pub type Lookup = fn(&Principal, Uuid) -> crate::error::Result<Listing>;

/// Every type the compiler can read, built once with the schema.
#[derive(Clone, Default)]
pub struct Catalog {
    objects: HashMap<&'static str, ObjectSpec>,
    abstracts: HashMap<&'static str, AbstractSpec>,
    nodes: HashMap<NodeType, (&'static str, Lookup)>,
}

impl Catalog {
    /// `node(id:)` reads ids of `node_type` as `target` with `lookup`.
    pub fn add_node(&mut self, node_type: NodeType, target: &'static str, lookup: Lookup) {
        self.nodes.insert(node_type, (target, lookup));
    }

    pub fn node(&self, node_type: NodeType) -> Option<(&'static str, Lookup)> {
        self.nodes.get(&node_type).copied()
    }

    pub fn add(&mut self, spec: ObjectSpec) {
        self.objects.insert(spec.name, spec);
    }

    pub fn add_abstract(&mut self, spec: AbstractSpec) {
        self.abstracts.insert(spec.name, spec);
    }

    /// Every object type the compiler can read.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectSpec> {
        self.objects.values()
    }

    pub fn object(&self, name: &str) -> Option<&ObjectSpec> {
        self.objects.get(name)
    }

    pub fn abstract_type(&self, name: &str) -> Option<&AbstractSpec> {
        self.abstracts.get(name)
    }
}
