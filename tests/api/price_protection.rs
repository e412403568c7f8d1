//! Price protection: when a product's net price to a distributor falls, its stock on hand,
//! capped by what it bought from the brand in the window, earns a credit that staff approve
//! (a credit memo settles it) or reject.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::claims::{bought, day};
use crate::edi::token;
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, assert_balances_are_the_sums, mutate_as, trade};

const CREDIT: &str = "number status distributor { code } product { sku } effectiveOn onHand bought windowDays quantity
    oldPrice { amount } newPrice { amount } amount { amount currency } version";

async fn stock(
    app: &TestApp,
    token: &str,
    organization: Option<&str>,
    widgets: &str,
    gadgets: &str,
) {
    let mut input = json!({ "asOf": day(0), "lines": [
        { "sku": "WIDGET-1", "onHand": widgets }, { "sku": "GADGET-1", "onHand": gadgets } ] });
    if let Some(org) = organization {
        input["organizationId"] = json!(org);
    }
    let body = mutate_as(
        app,
        token,
        "inventoryReportSubmit",
        "InventoryReportSubmitInput",
        "report { id }",
        input,
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

async fn list_of(app: &TestApp) -> (String, i64) {
    let body = app
        .graphql(
            "{ priceLists(first: 1) { nodes { id version } } }",
            json!({}),
        )
        .await;
    let list = &body["data"]["priceLists"]["nodes"][0];
    (
        list["id"].as_str().unwrap().to_owned(),
        list["version"].as_i64().unwrap(),
    )
}

async fn product_id(app: &TestApp, sku: &str) -> String {
    let body = app
        .graphql(
            "query($s: String!) { product(sku: $s) { id } }",
            json!({ "s": sku }),
        )
        .await;
    body["data"]["product"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// The GOLD list reprices: widgets 9.00 from 1 and 8.50 from 100, gadgets `gadget`.
async fn reprice(app: &TestApp, gadget: &str) -> Value {
    let (list, version) = list_of(app).await;
    let (widget, gadget_id) = (
        product_id(app, "WIDGET-1").await,
        product_id(app, "GADGET-1").await,
    );
    let body = app
        .mutate(
            "priceListUpdate",
            "priceList { id }",
            json!({ "id": list, "version": version, "entries": [
                { "productId": widget, "minQuantity": "1", "unitPrice": "9.00" },
                { "productId": widget, "minQuantity": "100", "unitPrice": "8.50" },
                { "productId": gadget_id, "minQuantity": "1", "unitPrice": gadget } ] }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body
}

async fn credits(app: &TestApp, token: Option<&str>) -> Value {
    let query = format!("{{ priceProtectionCredits {{ totalCount nodes {{ id {CREDIT} }} }} }}");
    let body = match token {
        Some(t) => app.graphql_as(t, &query, json!({})).await,
        None => app.graphql(&query, json!({})).await,
    };
    body["data"]["priceProtectionCredits"].clone()
}

async fn ready(app: &TestApp) -> Trade {
    let t = trade(app).await;
    // DIST-1 bought 300 widgets at 9.1234 and 10 gadgets at 80 today, and holds 40 and 25.
    bought(app, &t, "PO-STOCK-1", "300", "10").await;
    stock(app, &t.portal, None, "40", "25").await;
    // DIST-2 holds widgets it did not buy from the brand.
    let other = app.create_org("DISTRIBUTOR", "Süd Handel", "DIST-2").await;
    let admin = app.token.clone();
    stock(app, &admin, Some(&other), "500", "0").await;
    t
}

#[tokio::test]
async fn a_falling_tier_price_proposes_credits_for_stock_bought_from_the_brand_and_approval_settles_them()
 {
    let app = spawn_app().await;
    let t = ready(&app).await;
    reprice(&app, "75").await;

    // Widgets: 40 held, 300 bought: 40 at (10.00 − 9.00), the price for 40. Gadgets: 25
    // held but only 10 bought: 10 at (80 − 75). DIST-2 bought nothing: no credit.
    let all = credits(&app, None).await;
    assert_eq!(all["totalCount"], 2, "{all}");
    let mut nodes: Vec<Value> = all["nodes"].as_array().unwrap().clone();
    nodes.sort_by_key(|n| n["number"].as_str().unwrap().to_owned());
    let shown: Vec<Value> = nodes
        .iter()
        .map(|n| {
            let mut n = n.clone();
            n.as_object_mut().unwrap().remove("id");
            n
        })
        .collect();
    assert_eq!(
        shown,
        [
            json!({ "number": "PP-000001", "status": "PROPOSED", "distributor": { "code": "DIST-1" }, "product": { "sku": "WIDGET-1" },
                    "effectiveOn": day(0), "onHand": "40", "bought": "300", "windowDays": 90, "quantity": "40",
                    "oldPrice": { "amount": "10.00" }, "newPrice": { "amount": "9.00" }, "amount": { "amount": "40.00", "currency": "EUR" }, "version": 1 }),
            json!({ "number": "PP-000002", "status": "PROPOSED", "distributor": { "code": "DIST-1" }, "product": { "sku": "GADGET-1" },
                    "effectiveOn": day(0), "onHand": "25", "bought": "10", "windowDays": 90, "quantity": "10",
                    "oldPrice": { "amount": "80.00" }, "newPrice": { "amount": "75.00" }, "amount": { "amount": "50.00", "currency": "EUR" }, "version": 1 }),
        ]
    );
    // The distributor sees its own; another partner none.
    assert_eq!(credits(&app, Some(&t.portal)).await["totalCount"], 2);
    let dealer = token(&app, &t.dealer, "ORDERS_READ").await;
    assert_eq!(credits(&app, Some(&dealer)).await["totalCount"], 0);
    let node = app
        .graphql_as(
            &dealer,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": nodes[0]["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");

    // A partner cannot decide.
    let refused = app
        .graphql_as(
            &t.portal,
            "mutation($id: ID!) { priceProtectionApprove(input: { id: $id, version: 1 }) { priceProtectionCredit { status } } }",
            json!({ "id": nodes[0]["id"] }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );

    // Approved: a credit memo settles the widgets; the balance falls by 40.00.
    let approved = app
        .mutate(
            "priceProtectionApprove",
            "priceProtectionCredit { status version creditMemo { number amount { amount } lines { source description priceProtectionCredit { number } } } }",
            json!({ "id": nodes[0]["id"], "version": 1, "note": "November list" }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    assert_eq!(
        approved["priceProtectionCredit"],
        json!({ "status": "APPROVED", "version": 2, "creditMemo": { "number": "CM-000001", "amount": { "amount": "40.00" },
                "lines": [{ "source": "PRICE_PROTECTION", "description": "price protection PP-000001: 40 WIDGET-1 from 10 to 9",
                            "priceProtectionCredit": { "number": "PP-000001" } }] } })
    );
    assert_balances_are_the_sums(&app).await;
    // Rejected: nothing settles the gadgets; a decided credit is not decided again.
    let rejected = app
        .mutate(
            "priceProtectionReject",
            "priceProtectionCredit { status decisionNote creditMemo { number } }",
            json!({ "id": nodes[1]["id"], "version": 1, "reason": "Stock counted twice" }),
        )
        .await;
    assert_eq!(
        rejected["priceProtectionCredit"],
        json!({ "status": "REJECTED", "decisionNote": "Stock counted twice", "creditMemo": null })
    );
    let again = app
        .mutate(
            "priceProtectionApprove",
            "priceProtectionCredit { status }",
            json!({ "id": nodes[1]["id"], "version": 2 }),
        )
        .await;
    assert_eq!(
        again["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{again}"
    );
    let memos = app
        .graphql("{ creditMemos { totalCount } }", json!({}))
        .await;
    assert_eq!(memos["data"]["creditMemos"]["totalCount"], 1);

    // A list price that falls changes nothing for a distributor on a tier price: its net
    // price holds, so nothing is proposed.
    let widget = product_id(&app, "WIDGET-1").await;
    let version = app.version_of(&widget).await;
    let body = app
        .mutate("productUpdate", "product { id }", json!({ "id": widget, "version": version, "listPrice": { "amount": "11.00", "currency": "EUR" } }))
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    assert_eq!(credits(&app, None).await["totalCount"], 2);

    // Bought longer ago than the window (90 days): the stock is not protected.
    app.db
        .execute_unprepared(&format!(
            "UPDATE orders SET submitted_at = '{} 10:00:00+00:00'",
            day(120)
        ))
        .await
        .unwrap();
    reprice(&app, "70").await;
    assert_eq!(credits(&app, None).await["totalCount"], 2);
}

#[tokio::test]
async fn parallel_approvals_of_one_credit_settle_it_once() {
    let app = spawn_app().await;
    let _t = ready(&app).await;
    reprice(&app, "75").await;
    let all = credits(&app, None).await;
    let id = all["nodes"][0]["id"].clone();
    let tries = (0..6).map(|_| {
        app.mutate(
            "priceProtectionApprove",
            "priceProtectionCredit { status }",
            json!({ "id": id, "version": 1 }),
        )
    });
    let results = futures_util::future::join_all(tries).await;
    let approved = results
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .count();
    assert_eq!(approved, 1, "{results:?}");
    let memos = app
        .graphql("{ creditMemos { totalCount } }", json!({}))
        .await;
    assert_eq!(memos["data"]["creditMemos"]["totalCount"], 1);
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn a_subscribed_distributor_hears_of_its_credits_with_the_credit() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.live.recheck = std::time::Duration::from_millis(200);
    })
    .await;
    let t = ready(&app).await;
    let mut portal = crate::subscriptions::Socket::signed_in(&app.address, &t.portal).await;
    portal
        .subscribe(
            "credits",
            "subscription { orderEvents(filter: { types: [PRICE_PROTECTION_PROPOSED] }) {
                type order { number } priceProtectionCredit { product { sku } amount { amount } } } }",
            json!({}),
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    reprice(&app, "75").await;
    let mut heard = Vec::new();
    for _ in 0..2 {
        heard.push(portal.event("credits").await["data"]["orderEvents"].clone());
    }
    heard.sort_by_key(|e| e["priceProtectionCredit"]["product"]["sku"].to_string());
    assert_eq!(
        heard,
        [
            json!({ "type": "PRICE_PROTECTION_PROPOSED", "order": null,
                    "priceProtectionCredit": { "product": { "sku": "GADGET-1" }, "amount": { "amount": "50.00" } } }),
            json!({ "type": "PRICE_PROTECTION_PROPOSED", "order": null,
                    "priceProtectionCredit": { "product": { "sku": "WIDGET-1" }, "amount": { "amount": "40.00" } } }),
        ]
    );
}
