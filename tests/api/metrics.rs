//! `/metrics`: GraphQL requests and latency by operation and outcome, and the database
//! pool, in the Prometheus text format, only to a scraper holding the metrics token.

use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const TOKEN: &str = "scrape-token-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(format!("{}/metrics", app.address));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The value of one sample line, by its name and labels as the text format writes them.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn without_a_metrics_token_there_are_no_metrics() {
    let app = spawn_app().await;
    assert_eq!(scrape(&app, None).await.0, 404);
    assert_eq!(scrape(&app, Some(TOKEN)).await.0, 404);
}

#[tokio::test]
async fn requests_are_counted_by_operation_and_outcome_for_the_token_holder_only() {
    let app = spawn_app_with(|s| s.metrics_token = Some(TOKEN.to_owned())).await;
    assert_eq!(scrape(&app, None).await.0, 401);
    assert_eq!(scrape(&app, Some("scrape-token-wrong-guess")).await.0, 401);

    for _ in 0..2 {
        let body = app
            .graphql(
                "query Brand { organizations(first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    // Named by operationName among several operations; a field that fails.
    let body = app
        .post()
        .json(&json!({ "query": "query A { __typename } query Broken { node(id: \"nonsense\") { id } }", "operationName": "Broken" }))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(body.get("errors").is_some(), "{body}");
    // Refused before execution: no token, then a document that does not parse.
    let anonymous = app
        .anonymous("query Secret { organizations { totalCount } }", json!({}))
        .await;
    assert!(anonymous.get("errors").is_some(), "{anonymous}");
    app.graphql("query Torn {", json!({})).await;
    app.graphql("{ __typename }", json!({})).await;
    app.post()
        .json(&json!({ "query": "query X { __typename }", "operationName": "not a name!" }))
        .send()
        .await
        .unwrap();

    let (status, text) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, 200);
    let count = |operation: &str, outcome: &str| {
        sample(
            &text,
            &format!(
                "channelgraph_graphql_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}}"
            ),
        )
    };
    assert_eq!(count("Brand", "ok"), Some(2.0), "{text}");
    assert_eq!(count("Broken", "errors"), Some(1.0), "{text}");
    assert_eq!(count("Secret", "rejected"), Some(1.0), "{text}");
    assert_eq!(count("anonymous", "ok"), Some(1.0), "{text}");
    assert_eq!(count("invalid", "rejected"), Some(1.0), "{text}");
    assert!(
        text.contains("channelgraph_graphql_request_duration_seconds_bucket{operation=\"Brand\",outcome=\"ok\",le=\"+Inf\"} 2"),
        "{text}"
    );
    // The pool, read at the scrape.
    let max = sample(&text, "channelgraph_db_pool_max_connections").unwrap();
    let open = sample(&text, "channelgraph_db_pool_connections").unwrap();
    let idle = sample(&text, "channelgraph_db_pool_idle_connections").unwrap();
    assert!(
        max >= 1.0 && open >= 1.0 && open <= max && idle <= open,
        "{text}"
    );
}
