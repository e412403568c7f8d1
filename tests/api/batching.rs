//! Every relation is loaded in batches: the statements a request runs do not grow with the
//! number of rows it returns.

use serde_json::json;

use crate::helpers::spawn_app;

const QUERY: &str = r#"query($n: Int) {
    organizations(first: $n, filter: { kinds: [INTERMEDIATE_CUSTOMER] }) {
        edges { node {
            name
            parent { name }
            contacts(first: 5) { totalCount edges { node { name email } } }
            addresses(first: 5) { edges { node { city gln } } }
            downstreamLinks(first: 5) { totalCount edges { node { kind downstream { name } } } }
        } }
    }
}"#;

#[tokio::test]
async fn fifty_organizations_with_their_relations_cost_as_many_statements_as_five() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();

    let mut costs = Vec::new();
    for n in [5, 50] {
        let before = app.statements.get();
        let body = app.graphql(QUERY, json!({ "n": n })).await;
        let after = app.statements.get();
        assert!(body.get("errors").is_none(), "{body}");
        let edges = body["data"]["organizations"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), n);
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["contacts"]["totalCount"] == 1)
        );
        assert!(
            edges
                .iter()
                .any(|e| e["node"]["downstreamLinks"]["totalCount"].as_i64() > Some(0))
        );
        costs.push(after - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 and for 50 organizations"
    );
    // The caller's user, the list, then one each for contacts, their count, addresses,
    // links, their count, and the linked organizations.
    assert!(costs[1] <= 8, "{} statements", costs[1]);
}
