//! What a hostile caller sends: values nested past any use, control characters in every
//! text argument, dates outside the calendar anyone uses, numbers no decimal holds. None of
//! it crashes the server or reaches INTERNAL; each is refused with a code and, where there
//! is one, the field.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

async fn healthy(app: &TestApp) {
    let res = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("the server still answers");
    assert_eq!(res.status(), 200);
}

/// A value nested `depth` deep: lists or input objects.
fn nested(depth: usize, object: bool) -> String {
    if object {
        format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
    } else {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }
}

/// Variables holding a list nested `depth` deep, as JSON text (a `Value` that deep would
/// overflow the test's own stack when dropped).
fn nested_variables(depth: usize) -> String {
    format!("{{\"v\": {}1{}}}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn deeply_nested_values_are_refused_before_parsing_and_the_server_stays_up() {
    let app = spawn_app().await;
    for depth in [31, 32, 33, 400, 1_600, 100_000] {
        for object in [false, true] {
            let value = nested(depth, object);
            let documents = [
                format!("{{ __typename(a: {value}) }}"),
                format!("query($v: Int = {value}) {{ __typename }}"),
                format!("{{ __typename @skip(if: {value}) }}"),
            ];
            for document in &documents {
                // Anonymous: the document is looked at before any credential.
                let res = app
                    .client
                    .post(format!("{}/graphql", app.address))
                    .json(&json!({ "query": document }))
                    .send()
                    .await
                    .expect("the server answers");
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                if depth > 32 {
                    assert_eq!(status, 200, "{depth} {body}");
                    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{depth} {body}");
                    assert_eq!(
                        body["errors"][0]["message"],
                        format!(
                            "the document nests list and object values {depth} deep; at most 32 are allowed"
                        )
                    );
                } else {
                    assert_ne!(code(&body), "QUERY_TOO_COMPLEX", "{depth} {body}");
                }
                // GET, as long as the address may be.
                if depth <= 1_600 {
                    let res = app
                        .client
                        .get(format!("{}/graphql", app.address))
                        .query(&[("query", document.as_str())])
                        .send()
                        .await
                        .expect("the server answers");
                    let body: Value = res.json().await.unwrap();
                    if depth > 32 {
                        assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "GET {depth} {body}");
                    }
                }
                healthy(&app).await;
            }
        }
        // In the variables, sent as JSON, by POST and by GET.
        let variables = nested_variables(depth);
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(format!(
                "{{\"query\": \"query($v: JSON) {{ __typename }}\", \"variables\": {variables}}}"
            ))
            .send()
            .await
            .expect("the server answers");
        let body: Value = res.json().await.unwrap();
        if depth > 32 {
            assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "variables {depth} {body}");
            assert_eq!(
                body["errors"][0]["message"],
                format!(
                    "the variables nest lists and objects {depth} deep; at most 32 are allowed"
                )
            );
        } else {
            assert_ne!(code(&body), "QUERY_TOO_COMPLEX", "variables {depth} {body}");
        }
        if depth <= 1_600 {
            let res = app
                .client
                .get(format!("{}/graphql", app.address))
                .query(&[
                    ("query", "query($v: JSON) { __typename }"),
                    ("variables", variables.as_str()),
                ])
                .send()
                .await
                .expect("the server answers");
            let body: Value = res.json().await.unwrap();
            if depth > 32 {
                assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "GET variables {body}");
            }
        }
        healthy(&app).await;
    }
    // Selection sets deeper than any depth limit are refused before parsing too, with a code.
    let deep = format!("{}__typename{}", "{ a ".repeat(3_000), "}".repeat(3_000));
    let body = app.anonymous(&deep, json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    healthy(&app).await;
}

#[tokio::test]
async fn a_document_that_does_not_parse_or_validate_has_a_code() {
    let app = spawn_app().await;
    let body = app.anonymous("{ organizations { ", json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED", "{body}");
    let body = app.graphql("{ me { emal } }", json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    let body = app
        .graphql(
            "query($n: Int!) { organizations(first: $n) { totalCount } }",
            json!({ "n": "many" }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first", "{body}");
}

#[tokio::test]
async fn production_suggests_no_field_names() {
    let app = spawn_app_with(|s| {
        s.mode = channelgraph::settings::Mode::Production;
        s.limits.suggestions = false;
    })
    .await;
    let body = app.graphql("{ me { emal } }", json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
}

/// Where anonymous callers may not read the schema, validation does not read it to them
/// either: `login`'s selection cannot confirm types, fields or arguments one by one.
#[tokio::test]
async fn anonymous_validation_errors_do_not_map_a_hidden_schema() {
    let app = spawn_app_with(|s| {
        s.mode = channelgraph::settings::Mode::Production;
        s.limits.suggestions = false;
        s.limits.anonymous_introspection = false;
    })
    .await;
    let login = r#"login(input: { email: "a@b.cd", password: "x" })"#;
    let mut messages = BTreeSet::new();
    for selection in [
        "user { ... on SecretThing { x } }",
        "user { organization { ... on Distributor { zzz } } }",
        "user { organization { ... on Distributor { creditLimit { amount } zzz } } }",
        "user { organization { ... on Distributor { dealers(zz: 1) { totalCount } } } }",
    ] {
        let body = app
            .anonymous(
                &format!("mutation {{ {login} {{ {selection} }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
        for error in body["errors"].as_array().unwrap() {
            messages.insert(error["message"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        messages.into_iter().collect::<Vec<_>>(),
        ["the document does not validate against the schema; sign in to read the schema"]
    );
    // Signed in, the message says what is wrong.
    let body = app.graphql("{ me { emal } }", json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("emal"),
        "{body}"
    );
}

#[tokio::test]
async fn scalars_that_do_not_parse_name_their_field() {
    let app = spawn_app().await;
    let body = app
        .graphql(
            "mutation($i: OrderSubmitInput!) { orderSubmit(input: $i) { order { id } } }",
            json!({ "i": { "poNumber": "PO-1", "lines": [{ "sku": "A", "quantity": "1" }, { "sku": "B", "quantity": "1e400" }] } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.lines.1.quantity"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "input.lines.1.quantity: `1e400` is not a decimal like \"12.50\""
    );
    // Written in the document, not in a variable.
    let body = app
        .graphql(
            "mutation { orderSubmit(input: { poNumber: \"PO-1\", requestedDate: \"2026-02-30\", lines: [{ sku: \"A\", quantity: 1 }] }) { order { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.requestedDate",
        "{body}"
    );
}

#[tokio::test]
async fn dates_outside_1900_to_2200_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let org = app.create_org("DISTRIBUTOR", "Dates", "DATES-1").await;
    for date in [
        "0000-01-01",
        "-0001-01-01",
        "+10000-01-01",
        "1899-12-31",
        "2201-01-01",
    ] {
        let body = app
            .graphql(
                "mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { id } } }",
                json!({ "i": { "kind": "VISIT", "organizationId": org, "title": "Visit", "dueOn": date } }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{date}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.dueOn");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("outside the years 1900 to 2200"),
            "{date}: {body}"
        );
    }
    for date in ["1900-01-01", "2200-12-31"] {
        let body = app
            .graphql(
                "mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { dueOn } userErrors { message } } }",
                json!({ "i": { "kind": "VISIT", "organizationId": org, "title": "Visit", "dueOn": date } }),
            )
            .await;
        assert_eq!(body["data"]["taskCreate"]["task"]["dueOn"], date, "{body}");
    }
}

/// The schema's types, from introspection.
struct Types(HashMap<String, Value>);

impl Types {
    async fn load(app: &TestApp) -> Self {
        let body = app
            .graphql(
                "{ __schema { types { name kind
                    fields { name args { name type { ...T } } type { ...T } }
                    inputFields { name type { ...T } } } } }
                 fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }",
                json!({}),
            )
            .await;
        let types = body["data"]["__schema"]["types"]
            .as_array()
            .expect("introspection answers")
            .iter()
            .filter(|t| !t["name"].as_str().unwrap().starts_with("__"))
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect();
        Types(types)
    }
}

/// The named type under lists and non-nulls, and the type as written (`[X!]!`).
fn unwrap_type(ty: &Value) -> (String, String) {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => {
            let (name, written) = unwrap_type(&ty["ofType"]);
            (name, format!("{written}!"))
        }
        "LIST" => {
            let (name, written) = unwrap_type(&ty["ofType"]);
            (name, format!("[{written}]"))
        }
        _ => {
            let name = ty["name"].as_str().unwrap().to_owned();
            (name.clone(), name)
        }
    }
}

/// How a request reaches an argument: the selection path from a root, the argument, its
/// declared type, and the input fields below it.
#[derive(Clone, Debug)]
struct Route {
    root: &'static str,
    /// (field name, parent type) from the root down to the field with the argument.
    fields: Vec<(String, String)>,
    argument: String,
    argument_type: String,
    inputs: Vec<String>,
}

#[tokio::test]
async fn every_text_argument_and_input_field_refuses_control_characters_by_name() {
    let app = spawn_app_with(|s| s.limits.rate_limit_per_minute = 100_000).await;
    let types = Types::load(&app).await;
    // The shortest route from a root to every argument, and through arguments to every
    // input object field.
    let mut queue = VecDeque::new();
    let mut seen_objects = BTreeMap::new();
    for (root, name) in [
        ("query", "Query"),
        ("mutation", "Mutation"),
        ("subscription", "Subscription"),
    ] {
        queue.push_back((root, name.to_owned(), Vec::<(String, String)>::new()));
        seen_objects.insert(name.to_owned(), ());
    }
    // Input object → the first route that reaches it.
    let mut input_routes: BTreeMap<String, Route> = BTreeMap::new();
    let mut targets: Vec<(Route, String)> = Vec::new();
    while let Some((root, ty, path)) = queue.pop_front() {
        let Some(fields) = types.0[&ty]["fields"].as_array() else {
            continue;
        };
        for field in fields {
            let name = field["name"].as_str().unwrap().to_owned();
            let mut here = path.clone();
            here.push((name.clone(), ty.clone()));
            for arg in field["args"].as_array().unwrap() {
                let (base, written) = unwrap_type(&arg["type"]);
                let route = Route {
                    root,
                    fields: here.clone(),
                    argument: arg["name"].as_str().unwrap().to_owned(),
                    argument_type: written,
                    inputs: vec![],
                };
                if base == "String" || base == "ID" {
                    targets.push((route.clone(), route.argument.clone()));
                }
                if types
                    .0
                    .get(&base)
                    .is_some_and(|t| t["kind"] == "INPUT_OBJECT")
                {
                    let mut stack = vec![(base.clone(), route.clone())];
                    while let Some((input, route)) = stack.pop() {
                        if input_routes.contains_key(&input) {
                            continue;
                        }
                        input_routes.insert(input.clone(), route.clone());
                        for f in types.0[&input]["inputFields"].as_array().unwrap() {
                            let (fbase, _) = unwrap_type(&f["type"]);
                            let mut deeper = route.clone();
                            deeper.inputs.push(f["name"].as_str().unwrap().to_owned());
                            if types
                                .0
                                .get(&fbase)
                                .is_some_and(|t| t["kind"] == "INPUT_OBJECT")
                            {
                                stack.push((fbase, deeper));
                            }
                        }
                    }
                }
            }
            let (result, _) = unwrap_type(&field["type"]);
            let kind = types.0.get(&result).map(|t| t["kind"].clone());
            if matches!(
                kind.as_ref().and_then(|k| k.as_str()),
                Some("OBJECT" | "INTERFACE")
            ) && !seen_objects.contains_key(&result)
            {
                seen_objects.insert(result.clone(), ());
                queue.push_back((root, result, here));
            }
        }
    }
    // Every String or ID field of every input object reached.
    for (input, route) in &input_routes {
        for f in types.0[input]["inputFields"].as_array().unwrap() {
            let (base, _) = unwrap_type(&f["type"]);
            if base == "String" || base == "ID" {
                let mut r = route.clone();
                r.inputs.push(f["name"].as_str().unwrap().to_owned());
                let field = std::iter::once(r.argument.clone())
                    .chain(r.inputs.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(".");
                targets.push((r, field));
            }
        }
    }
    assert!(
        targets.len() > 300,
        "only {} text inputs found",
        targets.len()
    );
    let mut unrefused = Vec::new();
    for (route, field) in &targets {
        // A raw interchange may use control characters as separators (X12 allows them);
        // NUL never.
        let raw =
            route.fields.last().is_some_and(|(f, _)| f == "ediSubmit") && field == "input.document";
        let bad: &[&str] = if raw {
            &["a\u{0}b"]
        } else {
            &["a\u{0}b", "ring\u{7}", "esc\u{1b}[0m", "c1\u{85}"]
        };
        for bad in bad {
            // The value, wrapped in the input objects down to the field; sent as a variable.
            let mut value = json!(bad);
            for name in route.inputs.iter().rev() {
                value = json!({ name: value });
            }
            let mut selection = format!(
                "{}({}: $v) {{ __typename }}",
                route.fields.last().unwrap().0,
                route.argument
            );
            for (name, _) in route.fields.iter().rev().skip(1) {
                selection = format!("{name} {{ {selection} }}");
            }
            let document = format!(
                "{}($v: {}) {{ {selection} }}",
                route.root, route.argument_type
            );
            let body = app.graphql(&document, json!({ "v": value })).await;
            if code(&body) != "BAD_USER_INPUT"
                || body["errors"][0]["extensions"]["field"] != json!(field)
            {
                unrefused.push(format!("{document} with {bad:?}: {body}"));
            }
        }
    }
    assert!(
        unrefused.is_empty(),
        "{} of {} not refused by name:\n{}",
        unrefused.len(),
        targets.len() * 4,
        unrefused[..unrefused.len().min(10)].join("\n")
    );
}

#[tokio::test]
async fn nul_characters_never_reach_the_database_before_or_after_sign_in() {
    let app = spawn_app().await;
    let body = app
        .anonymous(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": "a\u{0}b@example.com", "password": "x" } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.email");
    for document in [
        "{ organization(code: \"A\\u0000B\") { id } }",
        "{ product(sku: \"A\\u0000B\") { id } }",
        "{ order(number: \"A\\u0000B\") { id } }",
        "{ case(number: \"A\\u0000B\") { id } }",
    ] {
        let body = app.graphql(document, json!({})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{document}: {body}");
    }
}

#[tokio::test]
async fn invisible_and_direction_changing_characters_are_refused_and_typed_text_is_composed() {
    let app = spawn_app().await;
    for (name, code) in [
        ("\u{200B}", "ZW-1"),
        ("Acme\u{202E}gnp.exe", "RTL-1"),
        ("Acme\u{E0041}\u{E0042}", "TAG-1"),
        ("Acme\u{FFFF}", "NON-1"),
    ] {
        let body = app
            .mutate(
                "organizationCreate",
                "organization { id }",
                json!({ "kind": "SUPPLIER", "name": name, "code": code }),
            )
            .await;
        let errors = &body["userErrors"];
        assert_eq!(
            errors[0]["field"],
            json!(["input", "name"]),
            "{name:?}: {body}"
        );
        assert_eq!(errors[0]["code"], "INVALID", "{name:?}: {body}");
    }
    assert_eq!(app.organization_count().await, 0);
    // `é` typed as `e` and a combining accent is stored as the one character, and found
    // either way.
    let body = app
        .mutate(
            "organizationCreate",
            "organization { name }",
            json!({ "kind": "SUPPLIER", "name": "  Cafe\u{301} Müller ", "code": "CAFE-1" }),
        )
        .await;
    assert_eq!(body["organization"]["name"], "Caf\u{e9} Müller");
}
