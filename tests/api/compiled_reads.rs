//! Compiled reads answer exactly as the resolvers do. A generator reads the served schema
//! and writes random selections under the compiled root fields (depths 1 to 4, random
//! arguments, aliases, inline and named fragments, `@skip` and `@include` with variables,
//! `__typename`); two nodes on one database, one compiling reads and one resolving them
//! field by field, must give the same response to each, for staff, a distributor's portal,
//! a dealer's portal and a distributor's API token.
//!
//! `COMPILED_READS_SEED` and `COMPILED_READS_CASES` run other or more cases.

use std::collections::HashMap;
use std::fmt::Write;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_node_like};

/// A small deterministic generator (xorshift), so a failing case can be run again.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const INTROSPECTION: &str = r#"{ __schema { types { name kind
  fields { name type { ...T } args { name defaultValue type { ...T } } }
  inputFields { name defaultValue type { ...T } }
  possibleTypes { name } enumValues { name } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

#[derive(Clone, Debug)]
struct TypeRef {
    name: String,
    list: bool,
    required: bool,
}

fn type_ref(t: &Value) -> TypeRef {
    let mut required = false;
    let mut list = false;
    let mut at = t;
    if at["kind"] == "NON_NULL" {
        required = true;
        at = &at["ofType"];
    }
    while at["kind"] == "NON_NULL" || at["kind"] == "LIST" {
        if at["kind"] == "LIST" {
            list = true;
        }
        at = &at["ofType"];
    }
    TypeRef {
        name: at["name"].as_str().unwrap_or_default().to_owned(),
        list,
        required,
    }
}

struct Generator<'s> {
    types: &'s HashMap<String, Value>,
    dice: Dice,
    fragments: Vec<String>,
    aliases: usize,
}

impl<'s> Generator<'s> {
    fn kind(&self, name: &str) -> &str {
        self.types[name]["kind"].as_str().unwrap_or_default()
    }

    /// A value for an argument or input field of type `t`; `None` to leave it out.
    fn value(&mut self, name: &str, t: &TypeRef, depth: usize) -> Option<String> {
        if matches!(name, "first" | "last") {
            return Some(self.dice.below(5).to_string());
        }
        let one = |g: &mut Self| -> Option<String> {
            match (g.kind(&t.name), t.name.as_str()) {
                ("SCALAR", "Boolean") => Some(g.dice.chance(50).to_string()),
                ("SCALAR", "Int") => Some(g.dice.below(5).to_string()),
                ("ENUM", _) => {
                    let values = g.types[&t.name]["enumValues"].as_array()?.clone();
                    Some(g.dice.pick(&values)["name"].as_str()?.to_owned())
                }
                ("INPUT_OBJECT", _) if depth < 2 => {
                    let fields = g.types[&t.name]["inputFields"].as_array()?.clone();
                    let mut parts = Vec::new();
                    for f in fields {
                        let ft = type_ref(&f["type"]);
                        let fname = f["name"].as_str()?;
                        let wanted = ft.required && f["defaultValue"].is_null();
                        if wanted || g.dice.chance(40) {
                            match g.value(fname, &ft, depth + 1) {
                                Some(v) => parts.push(format!("{fname}: {v}")),
                                None if wanted => return None,
                                None => {}
                            }
                        }
                    }
                    Some(format!("{{ {} }}", parts.join(", ")))
                }
                _ => None,
            }
        };
        if t.list {
            let n = 1 + self.dice.below(2);
            let items: Option<Vec<String>> = (0..n).map(|_| one(self)).collect();
            items.map(|i| format!("[{}]", i.join(", ")))
        } else {
            one(self)
        }
    }

    fn arguments(&mut self, field: &Value) -> Option<String> {
        let mut parts = Vec::new();
        let mut paged = false;
        for arg in field["args"].as_array()? {
            let name = arg["name"].as_str()?;
            let t = type_ref(&arg["type"]);
            let wanted = t.required && arg["defaultValue"].is_null();
            if matches!(name, "first" | "last") {
                if paged || !self.dice.chance(70) {
                    continue;
                }
                paged = true;
            } else if !wanted && !self.dice.chance(30) {
                continue;
            }
            match self.value(name, &t, 0) {
                Some(v) => parts.push(format!("{name}: {v}")),
                None if wanted => return None,
                None => {}
            }
        }
        Some(if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join(", "))
        })
    }

    fn directive(&mut self) -> &'static str {
        if !self.dice.chance(10) {
            return "";
        }
        const DIRECTIVES: [&str; 4] = [
            " @include(if: $yes)",
            " @include(if: $no)",
            " @skip(if: $yes)",
            " @skip(if: $no)",
        ];
        DIRECTIVES[self.dice.below(DIRECTIVES.len())]
    }

    /// A selection set for `type_name`, `depth` levels deep at most.
    fn selection(&mut self, type_name: &str, depth: usize) -> String {
        let t = &self.types[type_name];
        let mut out = String::new();
        if matches!(self.kind(type_name), "INTERFACE" | "UNION") {
            let possible: Vec<String> = t["possibleTypes"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .filter_map(|x| x["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if self.kind(type_name) == "INTERFACE" && self.dice.chance(70) {
                let own = self.fields_of(type_name, depth, 2);
                out.push_str(&own);
            }
            for member in possible {
                if self.dice.chance(60) {
                    let inner = self.fields_of(&member, depth, 3);
                    let _ = write!(out, " ... on {member}{} {{ {inner} }}", self.directive());
                }
            }
            out.push_str(" __typename");
            return out;
        }
        self.fields_of(type_name, depth, 5)
    }

    fn fields_of(&mut self, type_name: &str, depth: usize, most: usize) -> String {
        let fields: Vec<Value> = self.types[type_name]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut out = String::new();
        if fields.is_empty() {
            return " __typename".into();
        }
        let count = 1 + self.dice.below(most);
        let mut written = 0;
        for _ in 0..count * 3 {
            if written >= count {
                break;
            }
            let field = self.dice.pick(&fields).clone();
            let Some(text) = self.field(&field, depth) else {
                continue;
            };
            written += 1;
            if self.dice.chance(10) {
                let name = format!("F{}", self.fragments.len());
                self.fragments
                    .push(format!("fragment {name} on {type_name} {{ {text} }}"));
                let _ = write!(out, " ...{name}");
            } else if self.dice.chance(10) {
                let _ = write!(out, " ... on {type_name}{} {{ {text} }}", self.directive());
            } else {
                let _ = write!(out, " {text}");
            }
        }
        if written == 0 || self.dice.chance(15) {
            out.push_str(" __typename");
        }
        out
    }

    fn field(&mut self, field: &Value, depth: usize) -> Option<String> {
        let name = field["name"].as_str()?.to_owned();
        let t = type_ref(&field["type"]);
        let arguments = self.arguments(field)?;
        let alias = if self.dice.chance(25) {
            self.aliases += 1;
            format!("a{}: ", self.aliases)
        } else {
            String::new()
        };
        let directive = self.directive();
        match self.kind(&t.name) {
            "SCALAR" | "ENUM" => Some(format!("{alias}{name}{arguments}{directive}")),
            _ if depth == 0 => None,
            _ => {
                let inner = self.selection(&t.name, depth - 1);
                Some(format!("{alias}{name}{arguments}{directive} {{ {inner} }}"))
            }
        }
    }

    /// A root list with random arguments and a random selection.
    fn list(&mut self, name: &str, depth: usize) -> String {
        let field = self.types["Query"]["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["name"] == name))
            .cloned()
            .unwrap_or_default();
        let arguments = self.arguments(&field).unwrap_or_default();
        let connection = type_ref(&field["type"]).name;
        let inner = self.selection(&connection, depth);
        format!("{name}{arguments} {{ {inner} }}")
    }

    /// One document: a compiled root field with a random selection.
    fn document(&mut self, known: &Known) -> String {
        self.fragments.clear();
        let depth = 1 + self.dice.below(4);
        let root = match self.dice.below(8) {
            0 => self.list("orders", depth),
            1 => {
                const LISTS: [&str; 5] = [
                    "cases",
                    "interactions",
                    "opportunities",
                    "leads",
                    "products",
                ];
                let list = LISTS[self.dice.below(LISTS.len())];
                self.list(list, depth)
            }
            2 => self.list("organizations", depth),
            3 => {
                const LISTS: [&str; 4] = [
                    "customers",
                    "intermediateCustomers",
                    "distributors",
                    "suppliers",
                ];
                let list = LISTS[self.dice.below(LISTS.len())];
                self.list(list, depth)
            }
            4 => {
                let number = self.dice.pick(&known.numbers).clone();
                let inner = self.selection("Order", depth);
                format!("order(number: \"{number}\") {{ {inner} }}")
            }
            5 => {
                let code = self.dice.pick(&known.codes).clone();
                let inner = self.selection("Organization", depth);
                format!("organization(code: \"{code}\") {{ {inner} }}")
            }
            _ => {
                let id = self.dice.pick(&known.ids).clone();
                let inner = self.selection("Node", depth);
                format!("node(id: \"{id}\") {{ {inner} }}")
            }
        };
        let body = format!("{root} {}", self.fragments.join(" "));
        let variables: Vec<String> = ["yes", "no"]
            .iter()
            .filter(|v| body.contains(&format!("${v})")))
            .map(|v| format!("${v}: Boolean = {}", *v == "yes"))
            .collect();
        let header = if variables.is_empty() {
            "query".to_owned()
        } else {
            format!("query({})", variables.join(", "))
        };
        format!("{header} {{ {root} }} {}", self.fragments.join(" "))
    }
}

/// Order numbers, partner codes and global ids of the demo data to ask for.
struct Known {
    numbers: Vec<String>,
    codes: Vec<String>,
    ids: Vec<String>,
}

async fn known(app: &TestApp) -> Known {
    let body = app
        .graphql(
            "{ orders(first: 100) { nodes { id number lines { product { id } } } }
               organizations(first: 100) { nodes { id code
                 contacts(first: 2) { nodes { id } } addresses(first: 2) { nodes { id } }
                 downstreamLinks(first: 2) { nodes { id } } } }
               cases(first: 30) { nodes { id } } interactions(first: 30) { nodes { id } }
               opportunities(first: 30) { nodes { id } } leads(first: 30) { nodes { id } }
               priceLists(first: 10) { nodes { id } } tasks(first: 20) { nodes { id } }
               commitments(first: 20) { nodes { id } } }",
            json!({}),
        )
        .await;
    let text = body.to_string();
    let mut ids: Vec<String> = Vec::new();
    for part in text.split("\"id\":\"").skip(1) {
        if let Some(id) = part.split('"').next()
            && !ids.iter().any(|i| i == id)
        {
            ids.push(id.to_owned());
        }
    }
    let strings = |list: &Value, key: &str| -> Vec<String> {
        list.as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|n| n[key].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let numbers = strings(&body["data"]["orders"]["nodes"], "number");
    let codes = strings(&body["data"]["organizations"]["nodes"], "code");
    assert!(
        !numbers.is_empty() && !codes.is_empty() && ids.len() > 100,
        "{body}"
    );
    Known {
        numbers,
        codes,
        ids,
    }
}

/// A response with its errors in one order (validation reports them in no fixed order) and
/// without request ids.
fn comparable(mut body: Value) -> Value {
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors.iter_mut() {
            if let Some(extensions) = error.get_mut("extensions").and_then(Value::as_object_mut) {
                extensions.remove("requestId");
            }
        }
        errors.sort_by_key(|e| e.to_string());
    }
    body
}

async fn schema_types(app: &TestApp) -> HashMap<String, Value> {
    let body = app.graphql(INTROSPECTION, json!({})).await;
    body["data"]["__schema"]["types"]
        .as_array()
        .expect("the schema")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect()
}

/// Staff, DIST-001's portal, its service desk (which sees orders but not their
/// invoicing), DLR-0001's portal and DIST-001's API token.
async fn principals(app: &TestApp, api_token: String) -> Vec<(&'static str, String)> {
    let dealer = entity::organization::Entity::find()
        .filter(entity::organization::Column::Code.eq("DLR-0001"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has DLR-0001");
    let distributor = entity::organization::Entity::find()
        .filter(entity::organization::Column::Code.eq("DIST-001"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has DIST-001");
    app.create_user(
        "desk@dist-001.example",
        "dist-001 service password",
        entity::enums::UserRole::PartnerService,
        Some(distributor.id),
    )
    .await;
    app.create_user(
        "buyer@dlr-0001.example",
        "dlr-0001 portal password",
        crate::helpers::PARTNER_ADMIN,
        Some(dealer.id),
    )
    .await;
    vec![
        ("staff", app.token.clone()),
        (
            "distributor",
            app.token_for("portal@dist-001.example", "dist-001-demo-portal")
                .await,
        ),
        (
            "service desk",
            app.token_for("desk@dist-001.example", "dist-001 service password")
                .await,
        ),
        (
            "dealer",
            app.token_for("buyer@dlr-0001.example", "dlr-0001 portal password")
                .await,
        ),
        ("api token", api_token),
    ]
}

#[tokio::test]
async fn compiled_reads_answer_as_the_resolvers_do_for_random_selections() {
    let app = spawn_app().await;
    let demo = channelgraph::seed::demo(&app.db).await.unwrap();
    let resolving = spawn_node_like(&app, |s| s.compiled_reads = false).await;
    let types = schema_types(&app).await;
    let known = known(&app).await;
    let seed = std::env::var("COMPILED_READS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_c0de_u64);
    let cases: usize = std::env::var("COMPILED_READS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(75);
    let principals = principals(&app, demo.api_token.clone().unwrap()).await;
    let mut generator = Generator {
        types: &types,
        dice: Dice(seed | 1),
        fragments: Vec::new(),
        aliases: 0,
    };
    let mut answered = 0;
    for case in 0..cases {
        for (who, token) in &principals {
            let document = generator.document(&known);
            let compiled = comparable(app.graphql_as(token, &document, json!({})).await);
            let resolved = comparable(resolving.graphql_as(token, &document, json!({})).await);
            assert_eq!(
                compiled, resolved,
                "case {case} as {who} (seed {seed}) differs:\n{document}"
            );
            if compiled["data"].is_object() {
                answered += 1;
            }
        }
    }
    // Most roots must be compiled, or the test compares the resolvers with themselves.
    let compiled = app
        .reads
        .compiled
        .load(std::sync::atomic::Ordering::Relaxed);
    let resolved = app
        .reads
        .resolved
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        compiled > resolved * 4,
        "{compiled} roots compiled, {resolved} left to resolvers"
    );
    // Most cases must be answered, or the test compares errors only.
    assert!(
        answered * 2 > cases * principals.len(),
        "only {answered} of {} cases answered",
        cases * principals.len()
    );
}

#[tokio::test]
async fn a_field_left_to_its_resolver_fails_in_the_same_place_as_on_the_resolver_path() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let resolving = spawn_node_like(&app, |s| s.compiled_reads = false).await;
    // A table gone from under the server: every product's specifications fail.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "ALTER TABLE product_specs RENAME TO product_specs_gone",
    )
    .await
    .unwrap();
    let documents = [
        // Non-null all the way up: the root field fails.
        "{ products(first: 2) { nodes { sku specifications { name } } } }",
        // A line's product may be null: it alone is nulled, in every line.
        "{ orders(first: 2) { nodes { number lines { lineNumber product { sku specifications { name } } } } } }",
        // Under node(id:), which may be null.
        "{ o: orders(first: 1) { nodes { id } } }",
    ];
    let before = app
        .reads
        .compiled
        .load(std::sync::atomic::Ordering::Relaxed);
    for document in &documents[..2] {
        let compiled = comparable(app.graphql(document, json!({})).await);
        let resolved = comparable(resolving.graphql(document, json!({})).await);
        assert_eq!(compiled, resolved, "{document}");
        assert_eq!(compiled["errors"][0]["extensions"]["code"], "INTERNAL");
    }
    let id = app.graphql(documents[2], json!({})).await["data"]["o"]["nodes"][0]["id"].clone();
    let lookup = "query($id: ID!) { node(id: $id) { ... on Order { number lines { product { specifications { name } } } } } }";
    let compiled = comparable(app.graphql(lookup, json!({ "id": id })).await);
    let resolved = comparable(resolving.graphql(lookup, json!({ "id": id })).await);
    assert_eq!(compiled, resolved);
    assert!(
        compiled["errors"][0]["path"].as_array().unwrap().len() > 3,
        "{compiled}"
    );
    let after = app
        .reads
        .compiled
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(after >= before + 4, "the documents were compiled");
}

#[tokio::test]
async fn the_readme_lists_every_field_left_to_its_resolver() {
    let app = spawn_app().await;
    let types = schema_types(&app).await;
    let catalog = channelgraph::schema::catalog();
    let readme = include_str!("../../README.md");
    let table = readme
        .split("| type | fields answered by resolvers |")
        .nth(1)
        .expect("the README's table of fields answered by resolvers")
        .split("\n\n")
        .next()
        .unwrap();
    let ticked = |text: &str| -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let organizations = [
        "Brand",
        "Customer",
        "IntermediateCustomer",
        "Distributor",
        "Supplier",
        "PublicInterestOrganization",
    ];
    let mut listed: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split('|').collect();
        let (Some(who), Some(fields)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let who = if who.contains("every kind of organization") {
            organizations.iter().map(|s| s.to_string()).collect()
        } else {
            ticked(who)
        };
        listed.push((who, ticked(fields)));
    }
    for spec in catalog.objects() {
        let fields: Vec<String> = types[spec.name]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .filter(|f| !spec.fields.contains_key(f.as_str()))
            .collect();
        let row = listed
            .iter()
            .find(|(who, _)| who.iter().any(|w| w == spec.name));
        match row {
            None => assert!(
                fields.is_empty(),
                "the README does not list {}'s fields answered by resolvers: {fields:?}",
                spec.name
            ),
            Some((_, in_readme)) => {
                for field in &fields {
                    assert!(
                        in_readme.contains(field),
                        "the README does not list {}.{field}",
                        spec.name
                    );
                }
            }
        }
    }
    for (who, in_readme) in &listed {
        for field in in_readme {
            let answered_by_resolver = who.iter().any(|t| {
                catalog.object(t).is_some_and(|spec| {
                    !spec.fields.contains_key(field.as_str())
                        && types[t.as_str()]["fields"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|f| f["name"] == field.as_str())
                })
            });
            assert!(
                answered_by_resolver,
                "the README lists {field} for {who:?}, which the compiler reads or which is no field"
            );
        }
    }
}

#[tokio::test]
async fn many_aliases_of_one_list_cost_one_statement_and_many_lists_stay_within_a_budget() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let resolving = spawn_node_like(&app, |s| s.compiled_reads = false).await;
    let portal = app
        .token_for("portal@dist-001.example", "dist-001-demo-portal")
        .await;
    // The same list under 150 aliases: read once.
    let same: String = (0..150)
        .map(|i| format!(" r{i}: contacts(first: 1) {{ totalCount nodes {{ name organization {{ code }} }} }}"))
        .collect();
    let document = format!("{{ organizations(first: 2) {{ nodes {{ code{same} }} }} }}");
    // The first request of a sign-in checks it; count from the second.
    app.graphql_as(&portal, "{ me { email } }", json!({})).await;
    let before = app.statements.get();
    let compiled = comparable(app.graphql_as(&portal, &document, json!({})).await);
    assert_eq!(app.statements.get() - before, 1, "one statement");
    let resolved = comparable(resolving.graphql_as(&portal, &document, json!({})).await);
    assert_eq!(compiled, resolved);
    assert!(compiled["errors"].is_null(), "{compiled}");

    // Lists nested in lists six deep: past the budget of subqueries run row by row, the
    // deeper levels are read by their loaders, once per level. (Six levels of a hundred are
    // refused before they run: see limits::a_document_that_may_return_too_many_objects…)
    let nested = (0..6).fold(String::from("code"), |inner, _| {
        format!("code children(first: 4) {{ totalCount nodes {{ {inner} }} }}")
    });
    let document = format!("{{ organizations(first: 3) {{ nodes {{ {nested} }} }} }}");
    let compiled = comparable(app.graphql_as(&portal, &document, json!({})).await);
    let resolved = comparable(resolving.graphql_as(&portal, &document, json!({})).await);
    assert_eq!(compiled, resolved);
    assert!(compiled["errors"].is_null(), "{compiled}");

    // 150 different lists: past the budget, the rest are read by their loaders.
    let different: String = (0..150)
        .map(|i| {
            format!(
                " r{i}: contacts(first: {}, includeArchived: {}) {{ totalCount nodes {{ name }} }}",
                i % 75 + 1,
                i >= 75
            )
        })
        .collect();
    let document = format!("{{ organizations(first: 2) {{ nodes {{ code{different} }} }} }}");
    let compiled = comparable(app.graphql_as(&portal, &document, json!({})).await);
    let resolved = comparable(resolving.graphql_as(&portal, &document, json!({})).await);
    assert_eq!(compiled, resolved);
    assert!(compiled["errors"].is_null(), "{compiled}");
}

/// A field that an interface declares keeps its error's path on both paths, as the
/// service desk asking for figures it may not see learns which organization refused.
#[tokio::test]
async fn an_interface_fields_error_names_its_path_on_both_paths() {
    let app = spawn_app().await;
    let demo = channelgraph::seed::demo(&app.db).await.unwrap();
    let resolving = spawn_node_like(&app, |s| s.compiled_reads = false).await;
    let principals = principals(&app, demo.api_token.clone().unwrap()).await;
    let desk = &principals
        .iter()
        .find(|(w, _)| *w == "service desk")
        .unwrap()
        .1;
    let document = "{ organizations(last: 2) { nodes { name a: figures { lastOrderAt } } } }";
    for node in [&app, &resolving] {
        let body = node.graphql_as(desk, document, json!({})).await;
        let mut paths: Vec<&Value> = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| &e["path"])
            .collect();
        paths.sort_by_key(|p| p.to_string());
        assert_eq!(
            paths,
            [
                &json!(["organizations", "nodes", 0, "a"]),
                &json!(["organizations", "nodes", 1, "a"])
            ],
            "{body}"
        );
        assert_eq!(body["data"]["organizations"]["nodes"][0]["a"], Value::Null);
    }
}
