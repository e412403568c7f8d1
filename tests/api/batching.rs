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

const ORDERS: &str = r#"query($n: Int) {
    orders(first: $n) {
        totalCount
        nodes {
            number status total { amount }
            buyerParty { code } sellerParty { name } buyer { name }
            lines { lineNumber product { sku listPrice { amount } } lineTotal { amount } }
            history { action actor { email } changes { field } }
            shipments { number lines { lineNumber quantity product { sku } } }
            invoices { number lines { lineNumber } payments { amount { amount } } }
        }
    }
}"#;

#[tokio::test]
async fn a_page_of_orders_with_lines_history_shipments_and_invoices_costs_the_same_for_3_and_12() {
    let app = spawn_app().await;
    let t = crate::orders::trade(&app).await;
    for i in 0..12 {
        let placed = crate::orders::submit_as(
            &app,
            &t.portal,
            crate::orders::two_lines(&format!("PO-{i}")),
        )
        .await;
        let id = placed["order"]["id"].clone();
        app.mutate(
            "orderAcknowledge",
            "order { id }",
            json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }] }),
        )
        .await;
        app.mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": id, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "150" }, { "lineNumber": 2, "quantity": "2" }] }),
        )
        .await;
        app.mutate(
            "invoiceCreate",
            "invoice { id }",
            json!({ "orderId": id, "version": 3 }),
        )
        .await;
    }
    let mut costs = Vec::new();
    for n in [3, 12] {
        let before = app.statements.get();
        let body = app.graphql(ORDERS, json!({ "n": n })).await;
        let after = app.statements.get();
        assert!(body.get("errors").is_none(), "{body}");
        let nodes = body["data"]["orders"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n);
        assert!(
            nodes
                .iter()
                .all(|o| o["invoices"][0]["lines"].as_array().unwrap().len() == 2)
        );
        costs.push(after - before);
    }
    assert_eq!(costs[0], costs[1], "statements for 3 and for 12 orders");
    assert!(costs[1] <= 16, "{} statements", costs[1]);
}
