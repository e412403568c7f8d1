//! The scale data set: written into PostgreSQL, served by the API like any other data, and
//! refused where it cannot go.

use channelgraph::seed::{ScaleOptions, scale};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn options(factor: f64) -> ScaleOptions {
    ScaleOptions {
        factor,
        seed: 11,
        until: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

async fn count(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn the_scale_data_set_is_served_like_any_other() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        let err = scale(&app.db, options(0.001)).await.unwrap_err();
        assert!(err.to_string().contains("PostgreSQL's COPY"), "{err}");
        assert_eq!(app.organization_count().await, 0);
        return;
    }
    // 0.001 of the full set: 1 + 1 supplier + 1 distributor... as Counts::at says.
    let report = scale(&app.db, options(0.001)).await.unwrap();
    assert_eq!(report.organizations, 1 + 1 + 1 + 10 + 200);
    assert_eq!(report.products, 2);
    assert_eq!(report.orders, 1_000);
    assert_eq!(report.cases, 100);
    assert_eq!(report.interactions, 500);
    assert_eq!(
        count(&app, "SELECT count(*) FROM order_lines").await as u64,
        report.lines
    );
    // Every order's total is its lines' nets and taxes; every dealer has a distributor.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM orders o WHERE total <> (SELECT sum(line_total + tax_amount) FROM order_lines l WHERE l.order_id = o.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM organizations d WHERE kind = 'INTERMEDIATE_CUSTOMER' AND NOT EXISTS \
             (SELECT 1 FROM channel_links l JOIN organizations u ON u.id = l.upstream_id \
              WHERE l.downstream_id = d.id AND u.kind = 'DISTRIBUTOR')"
        )
        .await,
        0
    );

    // DIST-001's partner system reads its own orders, newest first, with their lines.
    let token = report.api_token.clone();
    let body = app
        .graphql_as(
            &token,
            "{ orders(first: 20) { totalCount nodes { number submittedAt buyerParty { code } sellerParty { code } lines { lineNumber } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let orders = &body["data"]["orders"];
    let own = count(
        &app,
        "SELECT count(*) FROM orders o JOIN organizations d ON d.code = 'DIST-001' \
         WHERE o.buyer_id = d.id OR o.seller_id = d.id",
    )
    .await;
    assert_eq!(orders["totalCount"], own);
    let nodes = orders["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    for pair in nodes.windows(2) {
        assert!(pair[0]["submittedAt"].as_str() >= pair[1]["submittedAt"].as_str());
    }
    for n in nodes {
        let parties = [&n["buyerParty"]["code"], &n["sellerParty"]["code"]];
        assert!(parties.contains(&&json!("DIST-001")), "{n}");
        assert!(!n["lines"].as_array().unwrap().is_empty());
    }

    // New orders and cases are numbered after the seeded ones.
    let sku: Value = app
        .graphql("{ products(first: 1) { nodes { sku } } }", json!({}))
        .await["data"]["products"]["nodes"][0]["sku"]
        .clone();
    let placed = app
        .graphql_as(
            &token,
            "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { number status lines { unitPrice { amount } } } userErrors { field message } } }",
            json!({ "input": { "poNumber": "BENCH-1", "lines": [{ "lineNumber": 1, "sku": sku, "quantity": "3" }] } }),
        )
        .await;
    assert_eq!(
        placed["data"]["orderSubmit"]["userErrors"],
        json!([]),
        "{placed}"
    );
    assert_eq!(
        placed["data"]["orderSubmit"]["order"]["number"],
        "SO-001001"
    );
    let customer: Value = app
        .graphql("{ customers(first: 1) { nodes { id } } }", json!({}))
        .await["data"]["customers"]["nodes"][0]["id"]
        .clone();
    let opened = app
        .graphql(
            "mutation($input: CaseOpenInput!) { caseOpen(input: $input) { case { number } userErrors { message } } }",
            json!({ "input": { "kind": "INQUIRY", "organizationId": customer, "subject": "A question" } }),
        )
        .await;
    assert_eq!(
        opened["data"]["caseOpen"]["case"]["number"], "CASE-000101",
        "{opened}"
    );

    // The orders written in bulk are costed and rolled up as the services would have, and
    // the order placed since moved its rollup.
    let kept = crate::rollups::assert_rollups_are_the_sums(&app).await;
    assert!(!kept.is_empty());
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM order_lines WHERE unit_cost IS NOT NULL"
        )
        .await
            > 0
    );

    // A second build finds the data and changes nothing.
    let before = app.organization_count().await;
    let err = scale(&app.db, options(0.001)).await.unwrap_err();
    assert!(err.to_string().contains("empty database"), "{err}");
    assert_eq!(app.organization_count().await, before);
}

#[tokio::test]
async fn a_scale_factor_out_of_range_is_refused_by_name() {
    let app = spawn_app().await;
    for factor in [0.0, -1.0, 11.0, f64::NAN] {
        let err = scale(&app.db, options(factor)).await.unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--scale-factor must be above 0"),
            "{err}"
        );
    }
    assert_eq!(app.organization_count().await, 0);
}
