//! Registered documents: sent by id over POST and GET (with `ETag` and `304`), Apollo's
//! automatic persisted queries, and a server that runs registered documents only.

use channelgraph::access::Principal;
use channelgraph::documents::{DocumentCache, Documents, document_id};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const ORDERS: &str = "query Orders { orders(first: 2) { totalCount nodes { number } } }";

async fn register(app: &TestApp, document: &str) -> String {
    let body = app
        .graphql(
            "mutation($d: String!) { documentRegister(input: { document: $d }) { documentId userErrors { field message } } }",
            json!({ "d": document }),
        )
        .await;
    assert_eq!(
        body["data"]["documentRegister"]["userErrors"],
        json!([]),
        "{body}"
    );
    body["data"]["documentRegister"]["documentId"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn post(app: &TestApp, body: Value) -> (StatusCode, Value) {
    post_as(app, &app.token, body).await
}

async fn post_as(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Apollo's persisted-query extension for `query`.
fn apq(query: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": &document_id(query)[7..] } })
}

async fn get(app: &TestApp, query: &[(&str, &str)], etag: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "application/json")
        .bearer_auth(&app.token)
        .query(query);
    if let Some(tag) = etag {
        request = request.header("if-none-match", tag);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_registered_document_runs_by_its_id_over_post_and_get_with_an_etag() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let id = register(&app, ORDERS).await;
    assert_eq!(id, document_id(ORDERS));
    // Registering it again changes nothing.
    assert_eq!(register(&app, ORDERS).await, id);

    let (status, body) = post(&app, json!({ "documentId": id })).await;
    assert_eq!(status, StatusCode::OK);
    let expected = app.graphql(ORDERS, json!({})).await;
    assert_eq!(body, expected);

    let first = get(&app, &[("documentId", &id)], None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "private, no-cache");
    let body: Value = first.json().await.unwrap();
    assert_eq!(body, expected);

    let again = get(&app, &[("documentId", &id)], Some(&etag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // When the answer changes, so does its tag.
    let products = "query Products { products(first: 50) { totalCount nodes { sku } } }";
    let id = register(&app, products).await;
    let before = get(&app, &[("documentId", &id)], None).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    app.create_product("WIDGET-9", "Widgets", "10").await;
    let after = get(&app, &[("documentId", &id)], Some(&etag)).await;
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn an_unknown_or_malformed_document_id_and_a_mutation_over_get_are_refused() {
    let app = spawn_app().await;
    let unknown = document_id("{ nothing }");
    let (_, body) = post(&app, json!({ "documentId": unknown })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_NOT_FOUND",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"],
        format!("no document is registered as {unknown}")
    );
    let (status, body) = post(&app, json!({ "documentId": "sha256:abc" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["message"],
        "documentId must be sha256: and 64 hex digits"
    );
    let (status, body) = post(
        &app,
        json!({ "documentId": unknown, "query": "{ me { email } }" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["message"],
        "send either query or documentId, not both"
    );

    let mutation =
        "mutation { documentRegister(input: { document: \"{ me { email } }\" }) { documentId } }";
    let id = register(&app, mutation).await;
    let res = get(&app, &[("documentId", &id)], None).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn apollo_persisted_queries_ask_for_the_text_once_then_run_by_hash() {
    let app = spawn_app().await;
    let query = "query Me { me { email } }";
    let hash = document_id(query)[7..].to_owned();
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    let (_, body) = post(&app, json!({ "extensions": extensions })).await;
    assert_eq!(
        body["errors"][0]["message"], "PersistedQueryNotFound",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    let (_, body) = post(&app, json!({ "query": query, "extensions": extensions })).await;
    assert_eq!(
        body["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{body}"
    );

    let (_, body) = post(&app, json!({ "extensions": extensions })).await;
    assert_eq!(
        body["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{body}"
    );
    // By GET too, as Apollo Client sends queries when told to.
    let res = get(&app, &[("extensions", &extensions.to_string())], None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("etag"));

    // A hash that is not the text's.
    let stale = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (_, body) = post(
        &app,
        json!({ "query": "query Me { me { roles } }", "extensions": stale }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_HASH_MISMATCH",
        "{body}"
    );
    let (status, body) = post(
        &app,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["message"],
        "extensions.persistedQuery.version must be 1"
    );
}

#[tokio::test]
async fn a_server_for_registered_documents_only_runs_nothing_else() {
    let app = spawn_app_with(|s| s.documents = Documents::Registered).await;
    let (_, body) = post(&app, json!({ "query": "{ me { email } }" })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_REQUIRED",
        "{body}"
    );
    // A persisted query is not registered on the way either.
    let query = "query Me { me { email } }";
    let extensions =
        json!({ "persistedQuery": { "version": 1, "sha256Hash": &document_id(query)[7..] } });
    let (_, body) = post(&app, json!({ "query": query, "extensions": extensions })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_REQUIRED",
        "{body}"
    );

    // The operator registers it (`channelgraph document register`).
    let id = DocumentCache::default()
        .register(&app.db, &Principal::System, query)
        .await
        .unwrap();
    let (_, body) = post(&app, json!({ "documentId": id })).await;
    assert_eq!(
        body["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{body}"
    );
    // Its text, sent as it is, runs too: it is registered.
    let (_, body) = post(&app, json!({ "query": query })).await;
    assert_eq!(
        body["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{body}"
    );
    let (_, body) = post(&app, json!({ "extensions": extensions })).await;
    assert_eq!(
        body["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{body}"
    );
}

#[tokio::test]
async fn only_admins_and_managers_register_documents_and_a_bad_document_is_refused() {
    let app = spawn_app().await;
    let body = app
        .graphql(
            "mutation { documentRegister(input: { document: \"{ me \" }) { documentId userErrors { field message } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "input.document is not a GraphQL document: at 1:6, expected selection_set, selection, directive, or arguments"
    );
    app.create_user(
        "sales@channelgraph.test",
        "sales password for tests",
        entity::enums::UserRole::Sales,
        None,
    )
    .await;
    let sales = app
        .token_for("sales@channelgraph.test", "sales password for tests")
        .await;
    let body = app
        .graphql_as(
            &sales,
            "mutation { documentRegister(input: { document: \"{ me { email } }\" }) { documentId } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
}

#[tokio::test]
async fn a_document_one_partner_registered_runs_with_another_partners_own_sight_only() {
    let app = spawn_app().await;
    let demo = channelgraph::seed::demo(&app.db).await.unwrap();
    let a = demo.api_token.clone().unwrap();
    let other = entity::organization::Entity::find()
        .filter(entity::organization::Column::Code.eq("DIST-002"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app.create_user(
        "portal@dist-002.test",
        "dist-002 portal password",
        crate::helpers::PARTNER_ADMIN,
        Some(other.id),
    )
    .await;
    let b = app
        .token_for("portal@dist-002.test", "dist-002 portal password")
        .await;
    let query = "query Mine { orders(first: 100) { nodes { buyer { code } seller { code } } } }";
    let extensions =
        json!({ "persistedQuery": { "version": 1, "sha256Hash": &document_id(query)[7..] } });
    let send = |token: &str, body: Value| {
        app.client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };
    // A's system registers the query on the way.
    let by_a: Value = send(&a, json!({ "query": query, "extensions": extensions }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !by_a["data"]["orders"]["nodes"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{by_a}"
    );
    // B runs it by hash and sees its own orders only, none of A's.
    let by_b: Value = send(&b, json!({ "extensions": extensions }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = by_b.to_string();
    assert!(by_b["errors"].is_null(), "{by_b}");
    assert!(!text.contains("DIST-001"), "{by_b}");
    // Neither partner may register documents outright.
    for token in [&a, &b] {
        let refused: Value = send(
            token,
            json!({ "query": "mutation { documentRegister(input: { document: \"{ me { email } }\" }) { documentId } }" }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{refused}"
        );
    }
}

#[tokio::test]
async fn what_a_persisted_query_leaves_behind_is_bounded_and_never_trusted() {
    let open = spawn_app().await;
    let registered =
        crate::helpers::spawn_node_like(&open, |s| s.documents = Documents::Registered).await;

    // Kept for its next request where any document runs; never run where only registered
    // ones do.
    let query = "query Kept { me { email } }";
    let (_, body) = post(&open, json!({ "query": query, "extensions": apq(query) })).await;
    assert!(body["errors"].is_null(), "{body}");
    let (_, body) = post(&open, json!({ "extensions": apq(query) })).await;
    assert!(body["errors"].is_null(), "{body}");
    let (_, body) = post(&registered, json!({ "extensions": apq(query) })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "{body}"
    );
    let (_, body) = post(&registered, json!({ "documentId": document_id(query) })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_NOT_FOUND",
        "{body}"
    );
    // Once staff register it, it is trusted everywhere.
    register(&open, query).await;
    let (_, body) = post(&registered, json!({ "documentId": document_id(query) })).await;
    assert!(body["errors"].is_null(), "{body}");

    // Too large to keep: it runs, and is asked for again next time.
    let large = format!(
        "# {}\nquery Large {{ me {{ email }} }}",
        "x".repeat(100_000)
    );
    let (_, body) = post(&open, json!({ "query": large, "extensions": apq(&large) })).await;
    assert!(body["errors"].is_null());
    let (_, body) = post(&open, json!({ "extensions": apq(&large) })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    // A document that does not validate is not kept.
    let invalid = "query Invalid { nope }";
    let (_, body) = post(
        &open,
        json!({ "query": invalid, "extensions": apq(invalid) }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{body}"
    );
    let (_, body) = post(&open, json!({ "extensions": apq(invalid) })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    // An id and a hash together.
    let (status, body) = post(
        &open,
        json!({ "documentId": document_id(query), "extensions": apq(query) }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["message"],
        "send either documentId or extensions.persistedQuery, not both"
    );
}

#[tokio::test]
async fn a_server_for_registered_documents_only_refuses_an_unregistered_subscription() {
    let app = spawn_app_with(|s| s.documents = Documents::Registered).await;
    let mut socket = crate::subscriptions::Socket::signed_in(&app.address, &app.token).await;
    socket
        .subscribe("a", "subscription { orderEvents { type } }", json!({}))
        .await;
    let errors = socket.error("a").await;
    assert_eq!(
        errors[0]["extensions"]["code"], "PERSISTED_DOCUMENT_REQUIRED",
        "{errors}"
    );
    let registered = "subscription Registered { orderEvents { type } }";
    DocumentCache::default()
        .register(&app.db, &Principal::System, registered)
        .await
        .unwrap();
    socket.subscribe("b", registered, json!({})).await;
    assert!(
        socket
            .within(std::time::Duration::from_millis(500))
            .await
            .is_none(),
        "a registered subscription runs"
    );
}

#[tokio::test]
async fn a_token_for_registered_documents_only_runs_nothing_else_on_any_server() {
    let app = spawn_app().await;
    let t = crate::orders::trade(&app).await;
    let created = app
        .mutate(
            "apiTokenCreate",
            "apiToken { registeredDocumentsOnly } secret",
            json!({ "organizationId": t.distributor, "name": "ERP", "scopes": ["ORDERS_READ"],
                    "registeredDocumentsOnly": true }),
        )
        .await;
    assert_eq!(
        created["apiToken"]["registeredDocumentsOnly"], true,
        "{created}"
    );
    let strict = created["secret"].as_str().unwrap().to_owned();
    let loose = app
        .mutate(
            "apiTokenCreate",
            "secret",
            json!({ "organizationId": t.distributor, "name": "Shop", "scopes": ["ORDERS_READ"] }),
        )
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    // A request error: nothing ran (200 with errors only, as application/json answers).
    let refused = |(status, body): (StatusCode, Value)| {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "PERSISTED_DOCUMENT_REQUIRED",
            "{body}"
        );
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("API token"),
            "{body}"
        );
    };

    // Its text, or a persisted query's hash with the text, is refused; the other token of the
    // same partner runs it, and its persisted query is kept, untrusted.
    refused(post_as(&app, &strict, json!({ "query": ORDERS })).await);
    let with_text = json!({ "query": ORDERS, "extensions": apq(ORDERS) });
    refused(post_as(&app, &strict, with_text.clone()).await);
    let (status, body) = post_as(&app, &loose, with_text).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["orders"]["totalCount"], 0, "{body}");
    // What the other token left behind is not registered for the strict one.
    refused(post_as(&app, &strict, json!({ "documentId": document_id(ORDERS) })).await);
    refused(post_as(&app, &strict, json!({ "extensions": apq(ORDERS) })).await);

    // Once staff register it, it runs by id, by hash and by its text.
    register(&app, ORDERS).await;
    for body in [
        json!({ "documentId": document_id(ORDERS) }),
        json!({ "extensions": apq(ORDERS) }),
        json!({ "query": ORDERS }),
    ] {
        let (status, answer) = post_as(&app, &strict, body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["data"]["orders"]["totalCount"], 0, "{answer}");
    }
    // Another document is still refused, and so is an unregistered subscription over the
    // socket; the other token subscribes.
    refused(
        post_as(
            &app,
            &strict,
            json!({ "query": "{ orders(first: 1) { totalCount } }" }),
        )
        .await,
    );
    let mut socket = crate::subscriptions::Socket::signed_in(&app.address, &strict).await;
    socket
        .subscribe("a", "subscription { orderEvents { type } }", json!({}))
        .await;
    let errors = socket.error("a").await;
    assert_eq!(
        errors[0]["extensions"]["code"], "PERSISTED_DOCUMENT_REQUIRED",
        "{errors}"
    );
    let mut other = crate::subscriptions::Socket::signed_in(&app.address, &loose).await;
    other
        .subscribe("b", "subscription { orderEvents { type } }", json!({}))
        .await;
    assert!(
        other
            .within(std::time::Duration::from_millis(500))
            .await
            .is_none(),
        "the other token's subscription runs"
    );
}
