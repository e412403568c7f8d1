//! Registered documents: sent by id over POST and GET (with `ETag` and `304`), Apollo's
//! automatic persisted queries, and a server that runs registered documents only.

use channelgraph::access::Principal;
use channelgraph::graphql::documents::{DocumentCache, Documents, document_id};
use reqwest::StatusCode;
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
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&app.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
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
        json!({ "query": "query Me { me { role } }", "extensions": stale }),
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
