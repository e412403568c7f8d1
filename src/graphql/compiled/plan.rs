//! From a selection set to one statement: each object a JSON object built by the database
//! under the response's keys, each relation a correlated subquery over the related table
//! (per-parent lists with their own order and limit), and the principal's visibility inside
//! every subquery, as the relation's own statement applies it. Alongside the statement, the
//! plan keeps what the server needs to turn the JSON into the response: how each value is
//! shown, which object types the rows are, and which fields their resolvers answer.

use std::collections::BTreeSet;

use async_graphql::parser::types::{Field, InlineFragment, Selection, SelectionSet, TypeCondition};
use async_graphql::{Name, Pos, Positioned, ServerResult};
use sea_orm::DbBackend;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, Order, Query, QueryStatementBuilder, SelectStatement,
};

use super::selection::{Reader, Selected};
use super::spec::{Asked, Build, BuildObject, Catalog, Col, Fallback, FieldSpec, Listing, Shape};
use crate::access::Principal;
use crate::pagination::{PageRequest, SortKey};

/// The row's id, for cursors and for fields answered by resolvers.
pub const ID_KEY: &str = "~id";
/// The row's sort value, for cursors.
pub const SORT_KEY: &str = "~s";
/// The sort value in a page's statement.
const SORT_COLUMN: &str = "cg_sort";
/// The column that tells an interface's object types apart.
pub const TYPE_KEY: &str = "~t";

/// One response key of an object.
pub enum Entry {
    Typename {
        key: Name,
        type_name: String,
    },
    Value {
        key: Name,
        sql: String,
        multi: bool,
        build: Build,
    },
    Object {
        key: Name,
        sql: String,
        build: BuildObject,
        fields: Vec<(Name, String)>,
    },
    Related {
        key: Name,
        sql: String,
        count_sql: Option<String>,
        plan: Box<Related>,
    },
    /// Null: the principal may not read the field.
    Null {
        key: Name,
    },
    /// Answered by the field's resolver, on the object's model.
    Fallback {
        key: Name,
    },
}

/// What one object type selects.
pub struct Variant {
    pub type_name: &'static str,
    /// The discriminator's value for this type, where the row may be of several.
    pub when: Option<&'static str>,
    pub entries: Vec<Entry>,
    /// The resolver-answered fields, as one selection set, and how to answer them.
    pub fallback: Option<(Fallback, Positioned<SelectionSet>)>,
}

/// What one selection of the rows asks of each object type they may be.
pub struct View {
    pub variants: Vec<Variant>,
}

pub enum EdgePart {
    Typename(Name, String),
    Cursor(Name),
    Node(Name, View),
}

pub enum ConnectionPart {
    Typename(Name, String),
    Nodes(Name, View),
    Edges(Name, Vec<EdgePart>),
    PageInfo(Name, Vec<(Name, String)>),
    TotalCount(Name),
}

pub enum Parts {
    Node(View),
    Connection(Vec<ConnectionPart>),
}

/// A relation as the response shows it.
pub struct Related {
    pub shape: Shape,
    pub parts: Parts,
    pub paging: Option<(PageRequest, SortKey)>,
}

/// A step from the root field's value to a value in it, for the objects whose fields are
/// answered by resolvers and for their errors.
#[derive(Clone, Debug)]
pub enum Step {
    Key(Name),
    Index(usize),
}

/// The rows of one relation: the columns the statement reads, and the JSON of each row.
struct Row {
    alias: String,
    table: &'static str,
    /// The relations read for this row: what was asked (field, arguments and selection)
    /// and the keys of its rows and count.
    relations: Vec<(String, String, Option<String>)>,
    columns: BTreeSet<&'static str>,
    parent_columns: BTreeSet<&'static str>,
    json: Vec<(String, Expr)>,
    /// The key of each value already in `json`, by the columns it is made of: a field that
    /// several of an interface's types select (or one asked under several aliases) is
    /// built once.
    values: Vec<(Vec<Col>, String)>,
}

impl Row {
    fn key(&self, wanted: &str) -> String {
        if !self.json.iter().any(|(k, _)| k == wanted) {
            return wanted.to_owned();
        }
        (1..)
            .map(|n| format!("{wanted}~{n}"))
            .find(|k| !self.json.iter().any(|(taken, _)| taken == k))
            .unwrap_or_default()
    }
}

/// Most relations one statement reads. A selection that asks for more (a hundred aliases
/// of one list, each with its own arguments) has the rest answered by resolvers, whose
/// loaders read each distinct page once; one statement of a hundred nested lists, each
/// with the caller's visibility, would cost the database more than all of them.
const MAX_RELATIONS: usize = 32;

/// Most lists one statement nests (a root list counts): a list inside lists of a hundred,
/// a hundred deep, would run its subquery once per row of all of them. Deeper lists are read
/// by their loaders, once per level for all parents. The rule follows the document alone,
/// so a document costs the same number of statements whatever its page sizes.
const MAX_NESTED_LISTS: usize = 3;

/// What a field asks, whatever its alias and wherever it is written: its name, arguments
/// and selections.
fn signature(field: &Selected<'_>) -> String {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("pos");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let occurrences: Vec<_> = field
        .occurrences
        .iter()
        .map(|f| (&f.node.name, &f.node.arguments, &f.node.selection_set))
        .collect();
    let mut value = serde_json::to_value(occurrences).unwrap_or_default();
    strip(&mut value);
    value.to_string()
}

/// Compiles selections for one request.
pub struct Compiler<'a> {
    pub reader: Reader<'a>,
    pub catalog: &'a Catalog,
    pub principal: &'a Principal,
    pub backend: DbBackend,
    aliases: usize,
    relations: usize,
    /// How many lists hold the row being compiled.
    lists_above: usize,
}

/// A relation compiled: the expression of its rows' JSON in the parent, its count, and its
/// plan.
pub struct Compiled {
    pub value: Expr,
    pub count: Option<Expr>,
    pub plan: Related,
    /// Columns of the parent row the relation's statement refers to.
    pub parent_columns: BTreeSet<&'static str>,
}

impl<'a> Compiler<'a> {
    pub fn new(
        reader: Reader<'a>,
        catalog: &'a Catalog,
        principal: &'a Principal,
        backend: DbBackend,
    ) -> Self {
        Self {
            reader,
            catalog,
            principal,
            backend,
            aliases: 0,
            relations: 0,
            lists_above: 0,
        }
    }

    fn sqlite(&self) -> bool {
        self.backend == DbBackend::Sqlite
    }

    pub fn json_object(&self, pairs: Vec<(String, Expr)>) -> Expr {
        let (function, merge) = if self.sqlite() {
            ("json_object", "json_patch")
        } else {
            ("json_build_object", "")
        };
        // PostgreSQL takes at most 100 arguments: objects of more keys are built in parts
        // and merged (the server reorders keys anyway).
        let mut parts: Vec<Expr> = pairs
            .chunks(50)
            .map(|chunk| {
                let mut args = Vec::with_capacity(chunk.len() * 2);
                for (key, value) in chunk {
                    args.push(Expr::Constant(key.clone().into()));
                    args.push(value.clone());
                }
                Func::cust(Alias::new(function)).args(args).into()
            })
            .collect();
        if parts.is_empty() {
            return Func::cust(Alias::new(function)).into();
        }
        if parts.len() == 1 {
            return parts.remove(0);
        }
        if self.sqlite() {
            parts
                .into_iter()
                .reduce(|a, b| Func::cust(Alias::new(merge)).args([a, b]).into())
                .unwrap_or_else(|| Func::cust(Alias::new(function)).into())
        } else {
            let merged = parts
                .into_iter()
                .map(|p| p.cast_as(Alias::new("jsonb")))
                .reduce(|a, b| a.binary(sea_orm::sea_query::BinOper::Custom("||"), b))
                .unwrap_or_else(|| Func::cust(Alias::new(function)).into());
            merged.cast_as(Alias::new("json"))
        }
    }

    /// The function of this database's dialect: SQLite's name or PostgreSQL's.
    fn function(&self, sqlite: &str, postgres: &str) -> Alias {
        Alias::new(if self.sqlite() { sqlite } else { postgres })
    }

    fn json_array(&self, values: Vec<Expr>) -> Expr {
        Func::cust(self.function("json_array", "json_build_array"))
            .args(values)
            .into()
    }

    fn aggregate(&self, value: Expr) -> Expr {
        Func::cust(self.function("json_group_array", "json_agg"))
            .arg(value)
            .into()
    }

    /// A subquery's JSON, kept JSON in its parent (SQLite passes it on as text otherwise).
    fn nested(&self, subquery: SelectStatement) -> Expr {
        let expr = Expr::SubQuery(None, Box::new(subquery.into_sub_query_statement()));
        if self.sqlite() {
            Func::cust(Alias::new("json")).arg(expr).into()
        } else {
            expr
        }
    }

    fn column(&self, alias: &str, parent: Option<&str>, col: Col) -> Expr {
        let owner = if col.parent {
            parent.unwrap_or(alias)
        } else {
            alias
        };
        let expr = Expr::col((Alias::new(owner), Alias::new(col.name)));
        if col.uuid && self.sqlite() {
            Func::lower(Func::cust(Alias::new("hex")).arg(expr)).into()
        } else {
            expr
        }
    }

    fn next_alias(&mut self) -> String {
        self.aliases += 1;
        format!("t{}", self.aliases)
    }

    /// Compiles a relation to `target` whose rows `listing` reads, for the selections of
    /// `field` (the root field or a field of the parent row `parent`). `None` when some part
    /// cannot be compiled; the caller then leaves the field to its resolver.
    pub fn relation(
        &mut self,
        target: &'static str,
        shape: Shape,
        listing: Listing,
        sets: Vec<&'a SelectionSet>,
        parent: Option<&str>,
    ) -> ServerResult<Option<Compiled>> {
        let table = match self.catalog.abstract_type(target) {
            Some(abstract_type) => abstract_type
                .members
                .first()
                .and_then(|(_, name)| self.catalog.object(name)),
            None => self.catalog.object(target),
        }
        .map(|spec| spec.table);
        let Some(table) = table else {
            return Ok(None);
        };
        // A list's subquery runs once per row of every list above it: past the depth the
        // budget allows, the lists below are read by their loaders, once per level.
        let many = !matches!(shape, Shape::One | Shape::Required);
        let lists_above = self.lists_above;
        if many && lists_above >= MAX_NESTED_LISTS {
            return Ok(None);
        }
        self.lists_above += usize::from(many);
        let compiled = self.rows(target, table, shape, listing, sets, parent);
        self.lists_above = lists_above;
        compiled
    }

    fn rows(
        &mut self,
        target: &'static str,
        table: &'static str,
        shape: Shape,
        listing: Listing,
        sets: Vec<&'a SelectionSet>,
        parent: Option<&str>,
    ) -> ServerResult<Option<Compiled>> {
        let mut row = Row {
            alias: self.next_alias(),
            table,
            relations: Vec::new(),
            columns: BTreeSet::new(),
            parent_columns: BTreeSet::new(),
            json: Vec::new(),
            values: Vec::new(),
        };
        let parts = match shape {
            Shape::One | Shape::Required | Shape::List => {
                match self.view(target, &sets, &mut row, parent)? {
                    Some(view) => Parts::Node(view),
                    None => return Ok(None),
                }
            }
            Shape::Connection => {
                let Some(parts) = self.connection(target, &sets, &mut row, parent)? else {
                    return Ok(None);
                };
                parts
            }
        };
        let counted = matches!(&parts, Parts::Connection(p) if p.iter().any(|x| matches!(x, ConnectionPart::TotalCount(_))));
        let paging = listing.paging.as_ref().map(|p| (p.page.clone(), p.key));
        if shape == Shape::Connection {
            if listing.paging.is_none() {
                return Ok(None);
            }
            let sort = Expr::col((Alias::new(&row.alias), Alias::new(SORT_COLUMN)));
            row.json.push((SORT_KEY.into(), sort));
            self.identify(&mut row, parent);
        }

        let mut inner = listing.select.clone();
        inner.clear_selects();
        for col in &row.columns {
            let value = match listing.computed.iter().find(|(name, _)| name == col) {
                Some((_, expr)) => expr.clone(),
                None => Expr::col((Alias::new(row.table), Alias::new(*col))),
            };
            inner.expr_as(value, Alias::new(*col));
        }
        if let (Shape::Connection, Some(paging)) = (shape, &listing.paging) {
            inner.expr_as(paging.sort.clone(), Alias::new(SORT_COLUMN));
        }
        if row.columns.is_empty() {
            inner.expr(Expr::val(1));
        }
        let correlation = match (parent, &listing.parent) {
            (Some(p), Some(of)) => Some(
                of.child
                    .clone()
                    .eq(Expr::col((Alias::new(p), Alias::new(of.column)))),
            ),
            (None, None) => None,
            _ => return Ok(None),
        };
        if let Some(c) = &correlation {
            inner.and_where(c.clone());
        }
        let count = counted.then(|| {
            let mut all = listing.select.clone();
            all.clear_selects();
            all.clear_order_by();
            all.reset_limit();
            all.expr(Expr::val(1));
            if let Some(c) = &correlation {
                all.and_where(c.clone());
            }
            let mut count = Query::select();
            count
                .expr(Expr::cust("COUNT(*)"))
                .from_subquery(all, Alias::new(format!("{}c", row.alias)));
            Expr::SubQuery(None, Box::new(count.into_sub_query_statement()))
        });
        match (shape, &listing.paging) {
            (Shape::Connection, Some(p)) => p.page.apply(&mut inner, p.sort.clone(), p.id.clone()),
            _ => {
                for o in &listing.order {
                    inner.order_by_expr(o.clone(), Order::Asc);
                }
                if matches!(shape, Shape::One | Shape::Required) {
                    inner.limit(1);
                }
            }
        }
        let object = self.json_object(std::mem::take(&mut row.json));
        let value = if matches!(shape, Shape::One | Shape::Required) {
            object
        } else {
            self.aggregate(object)
        };
        let mut outer = Query::select();
        outer
            .expr(value)
            .from_subquery(inner, Alias::new(row.alias.clone()));
        let mut parent_columns = row.parent_columns;
        if let Some(of) = &listing.parent {
            parent_columns.insert(of.column);
        }
        Ok(Some(Compiled {
            value: self.nested(outer),
            count,
            plan: Related {
                shape,
                parts,
                paging,
            },
            parent_columns,
        }))
    }

    /// Whether one of several fields under one response key selects nothing from an object
    /// of one of `types`. The executor answers each occurrence on its own and keeps the null
    /// of the one that finishes first, so such a selection is left to it.
    fn left_to_executor(&self, selected: &Selected<'a>, types: &[&str]) -> ServerResult<bool> {
        if selected.occurrences.len() < 2 {
            return Ok(false);
        }
        if !selected.same_arguments() {
            return Ok(true);
        }
        for occurrence in &selected.occurrences {
            let set = [&occurrence.node.selection_set.node];
            for type_name in types {
                if self.reader.fields(&set, type_name)?.is_empty() {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The object types a value of `target` may be.
    fn possible(&self, target: &'static str) -> Vec<&'static str> {
        match self.catalog.abstract_type(target) {
            Some(abstract_type) => abstract_type.members.iter().map(|(_, t)| *t).collect(),
            None => vec![target],
        }
    }

    fn identify(&self, row: &mut Row, parent: Option<&str>) {
        if row.json.iter().any(|(k, _)| k == ID_KEY) {
            return;
        }
        let id = Col::uuid("id");
        row.columns.insert("id");
        let expr = self.column(&row.alias, parent, id);
        row.json.push((ID_KEY.into(), expr));
    }

    fn connection(
        &mut self,
        target: &'static str,
        sets: &[&'a SelectionSet],
        row: &mut Row,
        parent: Option<&str>,
    ) -> ServerResult<Option<Parts>> {
        let connection_type = format!("{target}Connection");
        let edge_type = format!("{target}Edge");
        let mut parts = Vec::new();
        for selected in self.reader.fields(sets, &connection_type)? {
            let key = selected.key.clone();
            let types: Vec<&str> = match selected.name {
                "nodes" => self.possible(target),
                "pageInfo" => vec!["PageInfo"],
                "edges" => vec![edge_type.as_str()],
                _ => Vec::new(),
            };
            if self.left_to_executor(&selected, &types)? {
                return Ok(None);
            }
            let part = match selected.name {
                "__typename" => ConnectionPart::Typename(key, connection_type.clone()),
                "totalCount" => ConnectionPart::TotalCount(key),
                "nodes" => match self.view(target, &selected.sets(), row, parent)? {
                    Some(view) => ConnectionPart::Nodes(key, view),
                    None => return Ok(None),
                },
                "pageInfo" => {
                    let fields = self
                        .reader
                        .fields(&selected.sets(), "PageInfo")?
                        .into_iter()
                        .map(|f| (f.key.clone(), f.name.to_owned()))
                        .collect();
                    ConnectionPart::PageInfo(key, fields)
                }
                "edges" => {
                    let mut edge = Vec::new();
                    for part in self.reader.fields(&selected.sets(), &edge_type)? {
                        let key = part.key.clone();
                        if part.name == "node"
                            && self.left_to_executor(&part, &self.possible(target))?
                        {
                            return Ok(None);
                        }
                        edge.push(match part.name {
                            "__typename" => EdgePart::Typename(key, edge_type.clone()),
                            "cursor" => EdgePart::Cursor(key),
                            "node" => match self.view(target, &part.sets(), row, parent)? {
                                Some(view) => EdgePart::Node(key, view),
                                None => return Ok(None),
                            },
                            _ => return Ok(None),
                        });
                    }
                    ConnectionPart::Edges(key, edge)
                }
                _ => return Ok(None),
            };
            parts.push(part);
        }
        Ok(Some(Parts::Connection(parts)))
    }

    /// The selections `sets` of rows of `target` (an object type, or an interface whose
    /// types share a table), adding what they need to `row`.
    fn view(
        &mut self,
        target: &'static str,
        sets: &[&'a SelectionSet],
        row: &mut Row,
        parent: Option<&str>,
    ) -> ServerResult<Option<View>> {
        let members: Vec<(&'static str, Option<&'static str>)> =
            match self.catalog.abstract_type(target) {
                Some(abstract_type) => {
                    let discriminator = abstract_type.discriminator;
                    if !row.json.iter().any(|(k, _)| k == TYPE_KEY) {
                        row.columns.insert(discriminator.name);
                        let expr = self.column(&row.alias, parent, discriminator);
                        row.json.push((TYPE_KEY.into(), expr));
                    }
                    abstract_type
                        .members
                        .iter()
                        .map(|(value, type_name)| (*type_name, Some(*value)))
                        .collect()
                }
                None => vec![(target, None)],
            };
        let mut variants = Vec::with_capacity(members.len());
        for (type_name, when) in members {
            let Some(spec) = self.catalog.object(type_name) else {
                return Ok(None);
            };
            if row.table != spec.table {
                return Ok(None);
            }
            let mut entries = Vec::new();
            let mut fallback_fields: Vec<Positioned<Selection>> = Vec::new();
            let selected: Vec<Selected<'a>> = self.reader.fields(sets, type_name)?;
            for field in &selected {
                let key = field.key.clone();
                if field.name == "__typename" {
                    entries.push(Entry::Typename {
                        key,
                        type_name: type_name.to_owned(),
                    });
                    continue;
                }
                if spec
                    .guards
                    .get(field.name)
                    .is_some_and(|may_read| !may_read(self.principal))
                {
                    entries.push(Entry::Null { key });
                    continue;
                }
                let compiled = match spec.fields.get(field.name) {
                    Some(FieldSpec::Value { columns, build }) => {
                        let multi = columns.len() > 1;
                        if let Some((_, sql)) = row.values.iter().find(|(c, _)| c == columns) {
                            entries.push(Entry::Value {
                                key,
                                sql: sql.clone(),
                                multi,
                                build: *build,
                            });
                            continue;
                        }
                        let sql = row.key(field.key.as_str());
                        let exprs: Vec<Expr> = columns
                            .iter()
                            .map(|c| self.column(&row.alias, parent, *c))
                            .collect();
                        for c in columns {
                            if c.parent {
                                row.parent_columns.insert(c.name);
                            } else {
                                row.columns.insert(c.name);
                            }
                        }
                        let expr = if multi {
                            self.json_array(exprs)
                        } else {
                            exprs
                                .into_iter()
                                .next()
                                .unwrap_or(Expr::val(None::<String>))
                        };
                        row.json.push((sql.clone(), expr));
                        row.values.push((columns.clone(), sql.clone()));
                        Some(Entry::Value {
                            key,
                            sql,
                            multi,
                            build: *build,
                        })
                    }
                    Some(FieldSpec::Object {
                        type_name: object_type,
                        ..
                    }) if self.left_to_executor(field, &[object_type])? => {
                        return Ok(None);
                    }
                    Some(FieldSpec::Related { target, shape, .. })
                        if self.left_to_executor(
                            field,
                            &match shape {
                                Shape::Connection => vec![format!("{target}Connection")],
                                _ => self
                                    .possible(target)
                                    .into_iter()
                                    .map(str::to_owned)
                                    .collect(),
                            }
                            .iter()
                            .map(String::as_str)
                            .collect::<Vec<_>>(),
                        )? =>
                    {
                        return Ok(None);
                    }
                    Some(FieldSpec::Object {
                        type_name: object_type,
                        columns,
                        build,
                    }) => {
                        let sql = row.key(field.key.as_str());
                        let exprs: Vec<Expr> = columns
                            .iter()
                            .map(|c| self.column(&row.alias, parent, *c))
                            .collect();
                        for c in columns {
                            if c.parent {
                                row.parent_columns.insert(c.name);
                            } else {
                                row.columns.insert(c.name);
                            }
                        }
                        let fields = self
                            .reader
                            .fields(&field.sets(), object_type)?
                            .into_iter()
                            .map(|f| (f.key.clone(), f.name.to_owned()))
                            .collect();
                        let expr = self.json_array(exprs);
                        row.json.push((sql.clone(), expr));
                        Some(Entry::Object {
                            key,
                            sql,
                            build: *build,
                            fields,
                        })
                    }
                    Some(FieldSpec::Related {
                        target,
                        shape,
                        relate,
                    }) => {
                        let asked = Asked {
                            principal: self.principal,
                            reader: self.reader,
                            field: &field.field().node,
                        };
                        let signature = signature(field);
                        let earlier = row
                            .relations
                            .iter()
                            .find(|(s, _, _)| *s == signature)
                            .map(|(_, sql, count)| (sql.clone(), count.clone()));
                        let within_budget = earlier.is_some() || self.relations < MAX_RELATIONS;
                        match relate(&asked) {
                            Ok(Some(listing)) if within_budget => {
                                let alias = row.alias.clone();
                                // A repeat adds nothing to the statement, so nothing it
                                // holds counts against the budget.
                                let budget_used = self.relations;
                                let compiled = self.relation(
                                    target,
                                    *shape,
                                    listing,
                                    field.sets(),
                                    Some(&alias),
                                )?;
                                if earlier.is_some() {
                                    self.relations = budget_used;
                                }
                                match compiled {
                                    Some(compiled) => {
                                        row.columns.extend(compiled.parent_columns);
                                        // The same relation asked again under another
                                        // alias reads the rows the first one read.
                                        let (sql, count_sql) = match earlier {
                                            Some(keys) => keys,
                                            None => {
                                                self.relations += 1;
                                                let sql = row.key(field.key.as_str());
                                                row.json.push((sql.clone(), compiled.value));
                                                let count_sql = compiled.count.map(|count| {
                                                    let key = row.key(&format!("{sql}~count"));
                                                    row.json.push((key.clone(), count));
                                                    key
                                                });
                                                row.relations.push((
                                                    signature,
                                                    sql.clone(),
                                                    count_sql.clone(),
                                                ));
                                                (sql, count_sql)
                                            }
                                        };
                                        Some(Entry::Related {
                                            key,
                                            sql,
                                            count_sql,
                                            plan: Box::new(compiled.plan),
                                        })
                                    }
                                    None => None,
                                }
                            }
                            // Arguments the resolver refuses are refused by it, and
                            // relations past the statement's budget read by it.
                            Ok(_) | Err(_) => None,
                        }
                    }
                    None => None,
                };
                match compiled {
                    Some(entry) => entries.push(entry),
                    None if spec.fallback.is_some() => {
                        let key = field.key.clone();
                        for occurrence in &field.occurrences {
                            fallback_fields.push(Positioned::new(
                                Selection::Field((*occurrence).clone()),
                                occurrence.pos,
                            ));
                        }
                        entries.push(Entry::Fallback { key });
                    }
                    None => return Ok(None),
                }
            }
            let fallback = match (&spec.fallback, fallback_fields.is_empty()) {
                (Some(resolve), false) => {
                    self.identify(row, parent);
                    // Under a fragment on the object type, so that a model read as an
                    // interface answers the fields of its own type too.
                    let fragment = InlineFragment {
                        type_condition: Some(Positioned::new(
                            TypeCondition {
                                on: Positioned::new(Name::new(type_name), Pos::default()),
                            },
                            Pos::default(),
                        )),
                        directives: Vec::new(),
                        selection_set: Positioned::new(
                            SelectionSet {
                                items: fallback_fields,
                            },
                            Pos::default(),
                        ),
                    };
                    Some((
                        resolve.clone(),
                        Positioned::new(
                            SelectionSet {
                                items: vec![Positioned::new(
                                    Selection::InlineFragment(Positioned::new(
                                        fragment,
                                        Pos::default(),
                                    )),
                                    Pos::default(),
                                )],
                            },
                            Pos::default(),
                        ),
                    ))
                }
                _ => None,
            };
            variants.push(Variant {
                type_name,
                when,
                entries,
                fallback,
            });
        }
        Ok(Some(View { variants }))
    }
}

/// Selections of a root field, as the compiler reads them.
pub fn root<'a>(field: &'a Positioned<Field>) -> Selected<'a> {
    Selected {
        key: &field.node.response_key().node,
        name: field.node.name.node.as_str(),
        occurrences: vec![field],
    }
}
