//! Inventory and sell-through reports: submitted by distributors' systems, replaced per date
//! or period with the history kept, and read by the brand as stock, weeks of supply and
//! sell-through by period.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::trade;

const INVENTORY: &str =
    "mutation($input: InventoryReportSubmitInput!) { inventoryReportSubmit(input: $input) {
    report { id asOf replacedAt lines { product { sku } onHand onOrder } }
    replaced { id replacedAt replacedBy { id } }
    userErrors { field code message } } }";

const SALES: &str =
    "mutation($input: SellThroughReportSubmitInput!) { sellThroughReportSubmit(input: $input) {
    report { id periodStart periodEnd lines { product { sku } segment quantitySold } }
    replaced { id }
    userErrors { field code message } } }";

async fn erp_token(app: &TestApp, organization: &str, scopes: &str) -> String {
    let body = app
        .graphql(
            &format!("mutation($org: ID!) {{ apiTokenCreate(input: {{ organizationId: $org, name: \"ERP\", scopes: [{scopes}] }}) {{ secret }} }}"),
            json!({ "org": organization }),
        )
        .await;
    body["data"]["apiTokenCreate"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

#[tokio::test]
async fn a_distributors_system_reports_stock_and_a_second_report_for_the_day_replaces_the_first() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let erp = erp_token(
        &app,
        &t.distributor,
        "INVENTORY_WRITE, ORDERS_READ, CATALOG_READ",
    )
    .await;

    let first = app
        .graphql_as(&erp, INVENTORY, json!({ "input": { "asOf": "2026-10-31", "lines": [
            { "sku": "WIDGET-1", "onHand": "40" }, { "sku": "GADGET-1", "onHand": "0", "onOrder": "12" } ] } }))
        .await;
    let payload = &first["data"]["inventoryReportSubmit"];
    assert_eq!(payload["userErrors"], json!([]), "{first}");
    assert_eq!(payload["replaced"], Value::Null);
    assert_eq!(
        payload["report"]["lines"],
        json!([{ "product": { "sku": "WIDGET-1" }, "onHand": "40", "onOrder": null },
               { "product": { "sku": "GADGET-1" }, "onHand": "0", "onOrder": "12" }])
    );
    let first_id = payload["report"]["id"].clone();

    let second = app
        .graphql_as(&erp, INVENTORY, json!({ "input": { "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "45" }] } }))
        .await;
    let payload = &second["data"]["inventoryReportSubmit"];
    assert_eq!(payload["replaced"]["id"], first_id, "{second}");
    assert_eq!(
        payload["replaced"]["replacedBy"]["id"],
        payload["report"]["id"]
    );
    assert!(payload["replaced"]["replacedAt"].is_string());

    // The brand sees the current report, and both when it asks for the history.
    let body = app
        .graphql(
            "{ current: inventoryReports { totalCount nodes { lines { onHand } } }
               all: inventoryReports(filter: { includeReplaced: true }) { totalCount nodes { replacedAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["current"]["totalCount"], 1, "{body}");
    assert_eq!(
        body["data"]["current"]["nodes"][0]["lines"],
        json!([{ "onHand": "45" }])
    );
    assert_eq!(body["data"]["all"]["totalCount"], 2);
}

#[tokio::test]
async fn the_brand_reads_stock_weeks_of_supply_and_sell_through_by_period() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let erp = erp_token(
        &app,
        &t.distributor,
        "INVENTORY_WRITE, ORDERS_READ, CATALOG_READ",
    )
    .await;
    for (start, end, widgets) in [
        ("2026-09-01", "2026-09-30", "70"),
        ("2026-10-01", "2026-10-31", "55"),
    ] {
        let body = app
            .graphql_as(
                &erp,
                SALES,
                json!({ "input": { "periodStart": start, "periodEnd": end, "lines": [
                { "sku": "WIDGET-1", "segment": "RETAIL", "quantity": widgets },
                { "sku": "WIDGET-1", "segment": "EDUCATION", "quantity": "5" } ] } }),
            )
            .await;
        assert_eq!(
            body["data"]["sellThroughReportSubmit"]["userErrors"],
            json!([]),
            "{body}"
        );
    }
    // September is corrected: 70 retail becomes 55; the old report stays as history.
    let body = app
        .graphql_as(
            &erp,
            SALES,
            json!({ "input": { "periodStart": "2026-09-01", "periodEnd": "2026-09-30", "lines": [
            { "sku": "WIDGET-1", "segment": "RETAIL", "quantity": "55" },
            { "sku": "WIDGET-1", "segment": "EDUCATION", "quantity": "5" } ] } }),
        )
        .await;
    assert!(
        body["data"]["sellThroughReportSubmit"]["replaced"]["id"].is_string(),
        "{body}"
    );
    app.graphql_as(&erp, INVENTORY, json!({ "input": { "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "45" }] } }))
        .await;

    let body = app
        .graphql(
            "{ stockPositions(sku: \"widget-1\") { organization { code } product { sku } asOf onHand soldLast12Weeks weeksOfSupply }
               sellThrough(from: \"2026-09-01\", to: \"2026-10-31\") { organization { code } product { sku } periodStart periodEnd quantity }
               sellThroughReports(filter: { includeReplaced: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // 120 sold in 12 weeks is 10 a week; 45 on hand last 4.5 weeks.
    assert_eq!(
        body["data"]["stockPositions"],
        json!([{ "organization": { "code": "DIST-1" }, "product": { "sku": "WIDGET-1" }, "asOf": "2026-10-31",
                 "onHand": "45", "soldLast12Weeks": "120", "weeksOfSupply": "4.5" }])
    );
    assert_eq!(
        body["data"]["sellThrough"],
        json!([
            { "organization": { "code": "DIST-1" }, "product": { "sku": "WIDGET-1" }, "periodStart": "2026-09-01", "periodEnd": "2026-09-30", "quantity": "60" },
            { "organization": { "code": "DIST-1" }, "product": { "sku": "WIDGET-1" }, "periodStart": "2026-10-01", "periodEnd": "2026-10-31", "quantity": "60" }
        ])
    );
    assert_eq!(body["data"]["sellThroughReports"]["totalCount"], 3);

    // A span runs forwards and covers at most ten years.
    for (from, to, said) in [
        ("2026-10-31", "2026-09-01", "is before from"),
        ("2000-01-01", "2026-12-31", "at most ten years"),
    ] {
        let body = app
            .graphql(
                "query($from: Date!, $to: Date!) { sellThrough(from: $from, to: $to) { quantity } }",
                json!({ "from": from, "to": to }),
            )
            .await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(error["extensions"]["field"], "to", "{body}");
        assert!(error["message"].as_str().unwrap().contains(said), "{body}");
    }
}

#[tokio::test]
async fn reports_need_the_scope_a_known_sku_and_sane_numbers() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let reader = erp_token(&app, &t.distributor, "ORDERS_READ, CATALOG_READ").await;
    let body = app
        .graphql_as(&reader, INVENTORY, json!({ "input": { "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "1" }] } }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("inventory:write")
    );

    let erp = erp_token(&app, &t.distributor, "INVENTORY_WRITE, CATALOG_READ").await;
    let refused = |input: Value| {
        let app = &app;
        let erp = erp.clone();
        async move {
            let body = app
                .graphql_as(&erp, INVENTORY, json!({ "input": input }))
                .await;
            let e = &body["data"]["inventoryReportSubmit"]["userErrors"][0];
            (
                e["code"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{body}"))
                    .to_owned(),
                e["field"].clone(),
            )
        }
    };
    let line = |name: &str| json!(["input", "lines", "0", name]);
    assert_eq!(
        refused(json!({ "asOf": "2026-10-31", "lines": [{ "sku": "NOPE", "onHand": "1" }] })).await,
        ("NOT_FOUND".into(), line("sku"))
    );
    assert_eq!(
        refused(json!({ "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "-1" }] }))
            .await,
        ("OUT_OF_RANGE".into(), line("onHand"))
    );
    assert_eq!(
        refused(
            json!({ "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "99999999" }] })
        )
        .await,
        ("OUT_OF_RANGE".into(), line("onHand"))
    );
    assert_eq!(
        refused(json!({ "asOf": "2100-01-01", "lines": [{ "sku": "WIDGET-1", "onHand": "1" }] }))
            .await,
        ("INVALID".into(), json!(["input", "asOf"]))
    );
    assert_eq!(
        refused(json!({ "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "1" }, { "sku": "widget-1", "onHand": "2" }] })).await,
        ("TAKEN".into(), json!(["input", "lines", "1", "sku"]))
    );
    assert_eq!(
        refused(json!({ "organizationId": t.dealer, "asOf": "2026-10-31", "lines": [{ "sku": "WIDGET-1", "onHand": "1" }] })).await,
        ("NOT_FOUND".into(), json!(["input", "organizationId"]))
    );
    let body = app
        .graphql(
            "{ inventoryReports(filter: { includeReplaced: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["inventoryReports"]["totalCount"], 0,
        "nothing was written"
    );
}

#[tokio::test]
async fn a_sales_period_must_run_forwards_and_only_distributors_and_dealers_report() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let body = app
        .graphql(
            SALES,
            json!({ "input": { "organizationId": t.distributor, "periodStart": "2026-10-31", "periodEnd": "2026-10-01",
                               "lines": [{ "sku": "WIDGET-1", "quantity": "1" }] } }),
        )
        .await;
    let e = &body["data"]["sellThroughReportSubmit"]["userErrors"][0];
    assert_eq!(
        (e["code"].as_str(), e["field"].clone()),
        (Some("INVALID"), json!(["input", "periodEnd"])),
        "{body}"
    );
    let body = app
        .graphql(
            SALES,
            json!({ "input": { "organizationId": t.supplier, "periodStart": "2026-10-01", "periodEnd": "2026-10-31",
                               "lines": [{ "sku": "WIDGET-1", "quantity": "1" }] } }),
        )
        .await;
    let e = &body["data"]["sellThroughReportSubmit"]["userErrors"][0];
    assert_eq!(e["code"], "NOT_ALLOWED", "{body}");
    let body = app
        .graphql(
            "{ sellThroughReports(filter: { includeReplaced: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["sellThroughReports"]["totalCount"], 0);
}

#[tokio::test]
async fn a_dealers_reports_are_the_dealers_and_the_brands_not_its_distributors() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let stock = app
        .graphql(
            INVENTORY,
            json!({ "input": { "organizationId": t.dealer, "asOf": "2026-10-31",
                               "lines": [{ "sku": "WIDGET-1", "onHand": "4" }] } }),
        )
        .await;
    assert_eq!(
        stock["data"]["inventoryReportSubmit"]["userErrors"],
        json!([]),
        "{stock}"
    );
    let sales = app
        .graphql(
            SALES,
            json!({ "input": { "organizationId": t.dealer, "periodStart": "2026-10-01", "periodEnd": "2026-10-31",
                               "lines": [{ "sku": "WIDGET-1", "quantity": "3" }] } }),
        )
        .await;
    assert_eq!(
        sales["data"]["sellThroughReportSubmit"]["userErrors"],
        json!([]),
        "{sales}"
    );
    let report_id = stock["data"]["inventoryReportSubmit"]["report"]["id"].clone();
    let dealer = channelgraph::ids::GlobalId::parse(&t.dealer).unwrap().id;
    app.create_user(
        "owner@dealer.test",
        "dealer owner password",
        crate::helpers::PARTNER_ADMIN,
        Some(dealer),
    )
    .await;
    let dealer_token = app
        .token_for("owner@dealer.test", "dealer owner password")
        .await;
    let query = "query($id: ID!) {
        inventoryReports { totalCount }
        sellThroughReports { totalCount }
        stockPositions { onHand }
        sellThrough(from: \"2026-10-01\", to: \"2026-10-31\") { quantity }
        node(id: $id) { id } }";
    let seen = |body: &Value| {
        (
            body["data"]["inventoryReports"]["totalCount"].as_i64(),
            body["data"]["sellThroughReports"]["totalCount"].as_i64(),
            body["data"]["stockPositions"].as_array().map(Vec::len),
            body["data"]["sellThrough"].as_array().map(Vec::len),
            !body["data"]["node"].is_null(),
        )
    };
    let variables = json!({ "id": report_id });
    let brand = app.graphql(query, variables.clone()).await;
    assert_eq!(
        seen(&brand),
        (Some(1), Some(1), Some(1), Some(1), true),
        "{brand}"
    );
    let own = app
        .graphql_as(&dealer_token, query, variables.clone())
        .await;
    assert_eq!(
        seen(&own),
        (Some(1), Some(1), Some(1), Some(1), true),
        "{own}"
    );
    let upstream = app.graphql_as(&t.portal, query, variables).await;
    assert_eq!(
        seen(&upstream),
        (Some(0), Some(0), Some(0), Some(0), false),
        "{upstream}"
    );
}
