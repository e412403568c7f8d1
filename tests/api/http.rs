//! The HTTP surface: GraphQL over HTTP, probes, limits and request ids.

use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_readiness_answer_with_a_request_id() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let res = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers().get("x-request-id").is_some(), "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "portal-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "portal-42");
}

#[tokio::test]
async fn graphql_response_json_is_answered_in_kind() {
    let app = spawn_app().await;
    let res = app
        .post()
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/graphql-response+json; charset=utf-8"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_a_400_without_data_under_graphql_response_json() {
    let app = spawn_app().await;
    let res = app
        .post()
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(r#"{"query":"{ organizations { "}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body.get("data").is_none(), "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some(), "{body}");
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_a_200_with_errors_under_application_json() {
    let app = spawn_app().await;
    let res = app
        .post()
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(r#"{"query":"{ organizations { "}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let res = app
        .post()
        .header("content-type", "application/json")
        .body(r#"{ "query": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the request body is not valid JSON"),
        "{message}"
    );
}

/// A key given twice is refused, never read as its last value: the request below would
/// otherwise run the mutation behind the harmless query.
#[tokio::test]
async fn a_key_given_twice_is_a_400_that_names_it() {
    let app = spawn_app().await;
    let bodies = [
        (
            r#"{"query":"{ __typename }","query":"mutation { logout { ok } }"}"#,
            "`query`",
        ),
        (
            r#"{"query":"query($n: Int) { __typename }","variables":{"n":1,"n":2}}"#,
            "`n`",
        ),
    ];
    for (sent, named) in bodies {
        let res = app
            .post()
            .header("content-type", "application/json")
            .body(sent)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{sent}");
        let body: Value = res.json().await.unwrap();
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("the request body is not valid JSON: the key ")
                && message.contains(named),
            "{message}"
        );
    }
    let res = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "application/json")
        .query(&[
            ("query", "query($n: Int) { __typename }"),
            ("variables", r#"{"n":1,"n":2}"#),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("variables is not valid JSON: the key `n` is given twice"),
        "{message}"
    );
}

#[tokio::test]
async fn a_post_without_a_json_content_type_is_a_415() {
    let app = spawn_app().await;
    let res = app
        .post()
        .header("content-type", "text/plain")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
}

#[tokio::test]
async fn get_runs_queries_but_refuses_mutations_with_405() {
    let app = spawn_app().await;
    let res = app
        .get()
        .query(&[("query", "{ organizations { totalCount } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"]["organizations"]["totalCount"], 0);

    let mutation = r#"mutation { organizationCreate(input: {kind: SUPPLIER, name: "Via GET", code: "GET-1"}) { organization { id } } }"#;
    let res = app
        .get()
        .query(&[("query", mutation)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(app.organization_count().await, 0);

    // Another method is refused in the same shape.
    let res = app
        .client
        .put(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, POST");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["message"],
        "send queries with GET or POST, and mutations with POST"
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_browser_gets_graphiql() {
    let app = spawn_app().await;
    let res = app
        .get()
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert_eq!(
        res.headers()["content-security-policy"],
        "frame-ancestors 'none'"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("graphiql"), "GraphiQL page expected");
    // Everything the page loads comes from this server, pinned by version, and may be cached.
    let mut loaded = 0;
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            let path = piece.split('"').next().unwrap();
            assert!(path.starts_with("/graphiql/assets/"), "{path}");
            let asset = app
                .client
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .unwrap();
            assert_eq!(asset.status(), 200, "{path}");
            assert!(
                asset.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("immutable")
            );
            let media = asset.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(
                media.starts_with(if path.ends_with(".css") {
                    "text/css"
                } else {
                    "text/javascript"
                }),
                "{path}: {media}"
            );
            assert!(!asset.bytes().await.unwrap().is_empty());
            loaded += 1;
        }
    }
    assert_eq!(loaded, 4);
    let missing = app
        .client
        .get(format!(
            "{}/graphiql/assets/graphiql-9.9.9.min.js",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // Media types compare without regard to case; q=0 refuses.
    for (accept, html) in [
        ("TEXT/HTML", true),
        ("text/html;q=0, application/json", false),
    ] {
        let res = app.get().header("accept", accept).send().await.unwrap();
        assert_eq!(res.status(), if html { 200 } else { 400 }, "{accept}");
        let is_html = res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        assert_eq!(is_html, html, "{accept}");
    }
}

/// In development, anyone may read the schema, so GraphiQL's docs and completion work
/// before sign-in; the data still needs one. Production keeps the schema for signed-in
/// callers (where introspection is on at all).
#[tokio::test]
async fn development_shows_the_schema_before_sign_in_and_nothing_else() {
    let app = spawn_app().await;
    let schema = app
        .anonymous("{ __schema { queryType { name } } __typename }", json!({}))
        .await;
    assert_eq!(
        schema["data"]["__schema"]["queryType"]["name"], "Query",
        "{schema}"
    );
    let ty = app
        .anonymous("query Q { __type(name: \"Order\") { name } }", json!({}))
        .await;
    assert_eq!(ty["data"]["__type"]["name"], "Order", "{ty}");
    for query in [
        "{ __schema { queryType { name } } me { email } }",
        "{ me { email } }",
        "{ ...F } fragment F on Query { __schema { queryType { name } } }",
        "mutation { __typename }",
    ] {
        let body = app.anonymous(query, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{query}: {body}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }

    let production = spawn_app_with(|s| s.limits.anonymous_introspection = false).await;
    let body = production
        .anonymous("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    let signed_in = production
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(signed_in["data"]["__schema"]["queryType"]["name"], "Query");
}

/// A portal on an allowed origin may call the API from the browser: the preflight is
/// answered, and the answer carries the headers a browser needs. Other origins get no
/// `Access-Control-*` header, and without the setting nobody does.
#[tokio::test]
async fn cors_answers_the_allowed_origins_only() {
    let portal = "https://portal.dist-001.example";
    let app = spawn_app_with(|s| s.cors_allowed_origins = vec![portal.to_owned()]).await;
    let preflight = |origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let res = preflight(portal).await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], portal);
    assert_eq!(h["access-control-allow-credentials"], "true");
    let methods = h["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = h["access-control-allow-headers"].to_str().unwrap();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert!(h["vary"].to_str().unwrap().contains("Origin"));

    let res = app
        .post()
        .header("origin", portal)
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], portal);
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    assert_eq!(
        res.json::<Value>().await.unwrap()["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL
    );

    let res = preflight("https://elsewhere.example").await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let res = app
        .post()
        .header("origin", "https://elsewhere.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let closed = spawn_app().await;
    let res = closed
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/graphql", closed.address),
        )
        .header("origin", portal)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_and_changes_nothing() {
    let app = spawn_app_with(|s| s.body_limit_bytes = 4096).await;
    let name = "x".repeat(5000);
    let body = json!({
        "query": "mutation($input: OrganizationCreateInput!) { organizationCreate(input: $input) { organization { id } } }",
        "variables": { "input": { "kind": "SUPPLIER", "name": name, "code": "BIG-1" } }
    });
    let res = app.post().json(&body).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.headers().get("x-request-id").is_some());
    let answer: Value = res.json().await.unwrap();
    assert_eq!(
        answer,
        json!({ "errors": [{
            "message": "the request body is larger than 4096 bytes",
            "extensions": { "code": "QUERY_TOO_COMPLEX" }
        }] })
    );
    assert_eq!(app.organization_count().await, 0);
    // Sent in chunks, with no length declared, it is cut off just the same.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
        .to_string()
        .into_bytes()
        .chunks(1000)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let res = app
        .post()
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
}

#[tokio::test]
async fn response_fields_come_in_the_order_they_were_asked() {
    let app = spawn_app().await;
    app.create_org("SUPPLIER", "Ordered", "SUP-1").await;
    let text = app
        .post()
        .json(&json!({ "query": "{ suppliers { totalCount pageInfo { hasNextPage } nodes { code name } } }" }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text,
        r#"{"data":{"suppliers":{"totalCount":1,"pageInfo":{"hasNextPage":false},"nodes":[{"code":"SUP-1","name":"Ordered"}]}}}"#
    );
}

#[tokio::test]
async fn a_mutation_in_malformed_json_or_a_broken_document_writes_nothing() {
    let app = spawn_app().await;
    let broken_json = r#"{"query":"mutation { organizationCreate(input: {kind: SUPPLIER, name: \"X\", code: \"SUP-1\"}) { organization { id } } }""#;
    let broken_document = json!({
        "query": "mutation { organizationCreate(input: {kind: SUPPLIER, name: \"X\", code: \"SUP-1\"}) { organization { id } }"
    })
    .to_string();
    for (body, status) in [(broken_json.to_owned(), 400), (broken_document, 200)] {
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status);
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"][0]["message"].is_string(), "{body}");
    }
    assert_eq!(app.organization_count().await, 0);
}

#[tokio::test]
async fn an_internal_error_names_the_request_and_nothing_of_the_database() {
    let app = spawn_app().await;
    app.create_product("WIDGET-1", "Widgets", "10").await;
    // A table gone from under the server: its statement fails inside the database.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "ALTER TABLE product_specs RENAME TO product_specs_gone",
    )
    .await
    .unwrap();
    let res = app
        .post()
        .header("x-request-id", "portal-500")
        .json(&json!({ "query": "{ products { nodes { sku specifications { name } } } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL", "{body}");
    assert_eq!(error["extensions"]["requestId"], "portal-500", "{body}");
    assert_eq!(
        error["path"],
        json!(["products", "nodes", 0, "specifications"])
    );
    assert!(!body.to_string().contains("product_specs"), "{body}");
}
