//! Limits: each one hit, with the code a client sees.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn post_raw(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app.post().json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn depth_and_complexity_are_capped_with_query_too_complex() {
    let app = spawn_app_with(|s| {
        s.limits.max_depth = 4;
        s.limits.max_complexity = 8;
    })
    .await;
    let deep = app
        .graphql(
            "{ organizations { edges { node { parent { parent { name } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&deep), "QUERY_TOO_COMPLEX", "{deep}");
    let wide = app
        .graphql(
            "{ organizations { totalCount nodes { id name code kind status version createdAt updatedAt territory segment } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&wide), "QUERY_TOO_COMPLEX", "{wide}");
    // Nested past async-graphql's own recursion limit (32), under the text's limit (128):
    // the same code.
    let deeper = (0..40).fold(String::from("name"), |inner, _| {
        format!("parent {{ {inner} }}")
    });
    let deeper = app
        .graphql(
            &format!("{{ organizations {{ nodes {{ {deeper} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(code(&deeper), "QUERY_TOO_COMPLEX", "{deeper}");
}

#[tokio::test]
async fn a_document_that_may_return_too_many_objects_is_refused_before_it_runs() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    // Orders, their buyers' orders, theirs, … six levels of a hundred: up to 10^12 objects.
    let nested = (0..5).fold(String::from("number"), |inner, _| {
        format!("number buyer {{ orders(first: 100) {{ nodes {{ {inner} }} }} }}")
    });
    let document = format!("{{ orders(first: 100) {{ nodes {{ {nested} }} }} }}");
    let started = std::time::Instant::now();
    let (status, body) = post_raw(&app, json!({ "query": document })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 200000 objects"),
        "{body}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Page sizes given as variables count too; two levels of a hundred run.
    let two = "query($n: Int!) { orders(first: $n) { nodes { buyer { orders(first: $n) { nodes { number } } } } } }";
    let (_, body) = post_raw(&app, json!({ "query": two, "variables": { "n": 100 } })).await;
    assert!(body["errors"].is_null(), "{body}");
    let three = "query($n: Int!) { orders(first: $n) { nodes { buyer { orders(first: $n) { nodes { buyer { orders(first: $n) { nodes { number } } } } } } } } }";
    let (_, body) = post_raw(&app, json!({ "query": three, "variables": { "n": 100 } })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let (_, body) = post_raw(&app, json!({ "query": three, "variables": { "n": 10 } })).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn typename_aliases_fields_and_directives_are_counted() {
    let app = spawn_app_with(|s| {
        s.limits.max_aliases = 50;
        s.limits.max_fields = 60;
        s.limits.max_directives = 3;
    })
    .await;
    let aliases: String = (0..100).map(|i| format!("a{i}: __typename ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "the document uses more than 50 aliases"
    );

    let spreads: String = (0..40)
        .map(|i| format!("o{i}: organizations {{ ...F }} "))
        .collect();
    let body = app
        .graphql(
            &format!("{{ {spreads} }} fragment F on OrganizationConnection {{ totalCount }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "the document selects more than 60 fields"
    );

    let body = app
        .graphql(
            "query($t: Boolean!) { a: __typename @include(if: $t) b: __typename @include(if: $t) c: __typename @skip(if: $t) d: __typename @skip(if: $t) }",
            json!({ "t": true }),
        )
        .await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
    assert_eq!(
        body["errors"][0]["message"],
        "the document has 4 directives; at most 3 are allowed"
    );
}

#[tokio::test]
async fn batches_are_refused() {
    let app = spawn_app().await;
    let (status, body) = post_raw(
        &app,
        json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["message"],
        "the request body must be a JSON object"
    );
}

#[tokio::test]
async fn past_the_rate_limit_the_answer_is_429_with_retry_after() {
    let app = spawn_app_with(|s| s.limits.rate_limit_per_minute = 3).await;
    for _ in 0..3 {
        let (status, _) = post_raw(&app, json!({ "query": "{ me { email } }" })).await;
        assert_eq!(status, 200);
    }
    let res = app
        .post()
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
}

#[tokio::test]
async fn introspection_and_graphiql_can_be_switched_off() {
    let app = spawn_app_with(|s| {
        s.limits.introspection = false;
        s.limits.graphiql = false;
    })
    .await;
    let body = app
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "introspection is disabled on this server"
    );
    let body = app
        .graphql("{ __type(name: \"Query\") { name } }", json!({}))
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let res = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 200);
    assert!(!res.text().await.unwrap().contains("graphiql"));
    let asset = app
        .client
        .get(format!(
            "{}/graphiql/assets/graphiql-3.8.3.min.js",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 404);
    // Without introspection, nobody reads the schema, signed in or not.
    let body = app
        .anonymous("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_ne!(
        body["errors"][0]["extensions"]["code"],
        json!(null),
        "{body}"
    );
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
}

#[tokio::test]
async fn field_suggestions_are_never_shown_to_anonymous_callers() {
    let app = spawn_app().await;
    let anonymous = app
        .anonymous(
            "mutation { login(input: { emial: \"a@b.cd\", password: \"x\" }) { accessToken } }",
            json!({}),
        )
        .await;
    let message = anonymous["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let signed_in = app
        .graphql("{ organisations { totalCount } }", json!({}))
        .await;
    let message = signed_in["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn a_request_past_its_time_is_stopped() {
    // Resolved field by field, each level of batched loads waits for the executor to
    // settle, so three levels take well past a 1 ms limit whatever the machine.
    let app = spawn_app_with(|s| {
        s.limits.request_timeout = std::time::Duration::from_millis(1);
        s.compiled_reads = false;
    })
    .await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let body = app
        .graphql(
            "{ distributors(first: 5) { nodes { ... on Distributor { dealers(first: 5) { nodes { contacts { nodes { name organization { code } } } addresses { nodes { city } } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "the request ran longer than 1 ms and was stopped"
    );
}
