//! Ship-and-debit claims: a distributor claims back what it paid above a special price for
//! sales made at it, and every line is checked against the agreement, the distributor's
//! sales reports and purchases, the cap and the claims before it.

use chrono::Days;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, mutate_as, trade};
use crate::special_prices::{authorised, served_customer};

const CLAIM: &str = "claim { id number status version reference claimedAmount { amount } allowedAmount { amount } approvedAmount { amount }
    lines { lineNumber invoice quantity claimedAmount { amount } checkedResult result reasons { code message }
            allowedQuantity allowedCost { amount } allowedAmount { amount } overrideReason } }";

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub fn day(days_ago: u64) -> String {
    (today() - Days::new(days_ago)).to_string()
}

/// The distributor buys `widgets` and `gadgets` at its tier prices, and the brand ships
/// them all.
pub async fn bought(app: &TestApp, t: &Trade, po: &str, widgets: &str, gadgets: &str) {
    let placed = mutate_as(
        app,
        &t.portal,
        "orderSubmit",
        "OrderSubmitInput",
        "order { id }",
        json!({ "poNumber": po, "lines": [{ "sku": "WIDGET-1", "quantity": widgets }, { "sku": "GADGET-1", "quantity": gadgets }] }),
    )
    .await;
    let id = placed["order"]["id"].clone();
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { version }",
            json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    let shipped = app
        .mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": id, "version": acked["order"]["version"], "carrier": "DHL",
                    "lines": [{ "lineNumber": 1, "quantity": widgets }, { "lineNumber": 2, "quantity": gadgets }] }),
        )
        .await;
    assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
}

/// The distributor reports what it sold to `customer` over the last twenty days.
pub async fn reported(app: &TestApp, t: &Trade, customer: &str, widgets: &str, gadgets: &str) {
    let body = mutate_as(
        app,
        &t.portal,
        "sellThroughReportSubmit",
        "SellThroughReportSubmitInput",
        "report { id lines { quantitySold endCustomer { code } } }",
        json!({ "periodStart": day(20), "periodEnd": day(0), "lines": [
            { "sku": "WIDGET-1", "quantity": widgets, "endCustomerId": customer },
            { "sku": "GADGET-1", "quantity": gadgets, "endCustomerId": customer },
            { "sku": "WIDGET-1", "quantity": "999" } ] }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let named: Vec<&Value> = body["report"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["endCustomer"]["code"])
        .collect();
    assert_eq!(named, [&json!("CUST-1"), &json!("CUST-1"), &Value::Null]);
}

pub async fn claim(app: &TestApp, t: &Trade, reference: &str, lines: Value) -> Value {
    mutate_as(
        app,
        &t.portal,
        "claimSubmit",
        "ClaimSubmitInput",
        CLAIM,
        json!({ "specialPrice": "SPA-000001", "reference": reference, "lines": lines }),
    )
    .await
}

pub fn sale(sku: &str, invoice: &str, sold_on: String, quantity: &str, paid: &str) -> Value {
    json!({ "sku": sku, "invoice": invoice, "soldOn": sold_on, "quantity": quantity, "paidCost": paid })
}

/// Each line's result and reason codes.
fn results(claim: &Value) -> Vec<(String, Vec<String>)> {
    claim["claim"]["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("{claim}"))
        .iter()
        .map(|l| {
            (
                l["result"].as_str().unwrap().to_owned(),
                l["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["code"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn expect(rows: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    rows.iter()
        .map(|(r, codes)| (r.to_string(), codes.iter().map(|c| c.to_string()).collect()))
        .collect()
}

#[tokio::test]
async fn every_claim_line_is_checked_against_the_agreement_sales_purchases_cap_and_earlier_claims()
{
    let app = spawn_app().await;
    let t = trade(&app).await;
    app.create_product("BOLT-1", "Bolts", "5").await;
    let customer = served_customer(&app, &t).await;
    // 500 widgets at 8.50 capped at 400; 20 gadgets at 70. Valid from thirty days ago.
    let spa = authorised(&app, &t, &customer, "400", today() - Days::new(30)).await;
    // Bought and shipped today: 300 widgets at 9.1234, 10 gadgets at 80. Sold to the
    // customer: 150 widgets and 30 gadgets.
    bought(&app, &t, "PO-STOCK-1", "300", "10").await;
    reported(&app, &t, &customer, "150", "30").await;

    let first = claim(
        &app,
        &t,
        "DB-1",
        json!([
            sale("WIDGET-1", "INV-1", day(0), "100", "9.1234"),
            sale("widget-1", "INV-2", day(0), "80", "9.50"),
            sale("WIDGET-1", "INV-1", day(0), "5", "9.1234"),
            sale("WIDGET-1", "INV-9", day(0), "5", "8.00"),
            sale("GADGET-1", "INV-3", day(31), "1", "80"),
            sale("GADGET-1", "INV-4", day(0), "12", "75"),
            sale("GADGET-1", "INV-5", day(0), "1", "80"),
            sale("BOLT-1", "INV-6", day(0), "1", "5"),
        ]),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(first["claim"]["number"], "CLM-000001");
    assert_eq!(first["claim"]["status"], "SUBMITTED");
    assert_eq!(
        results(&first),
        expect(&[
            ("VALID", &[]),
            ("ADJUSTED", &["SALES_REPORTED", "COST_ABOVE_PURCHASE"]),
            ("REJECTED", &["DUPLICATE", "SALES_CLAIMED"]),
            ("REJECTED", &["NOTHING_TO_CLAIM", "SALES_CLAIMED"]),
            (
                "REJECTED",
                &["OUTSIDE_VALIDITY", "NOT_REPORTED", "NO_PURCHASES"]
            ),
            ("ADJUSTED", &["PURCHASES"]),
            ("REJECTED", &["PURCHASES_CLAIMED"]),
            ("REJECTED", &["NOT_COVERED"]),
        ])
    );
    let lines = &first["claim"]["lines"];
    // (9.1234 − 8.50) × 100 = 62.34; the second allowed at its last purchase price, for the
    // 50 the reports leave: 0.6234 × 50 = 31.17; five gadgets at 75 − 70 ten times: 50.00.
    assert_eq!(lines[0]["allowedAmount"]["amount"], "62.34");
    assert_eq!(
        (
            &lines[1]["allowedQuantity"],
            &lines[1]["allowedCost"]["amount"],
            &lines[1]["allowedAmount"]["amount"],
            &lines[1]["claimedAmount"]["amount"]
        ),
        (
            &json!("50"),
            &json!("9.1234"),
            &json!("31.17"),
            &json!("80.00")
        )
    );
    assert_eq!(lines[5]["allowedQuantity"], "10");
    assert_eq!(lines[5]["allowedAmount"]["amount"], "50.00");
    assert_eq!(lines[7]["allowedAmount"]["amount"], "0.00");
    assert_eq!(first["claim"]["allowedAmount"]["amount"], "143.51");
    let message = lines[1]["reasons"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("150 WIDGET-1 sold to CUST-1; 100 are claimed"),
        "{message}"
    );

    // A sale in the future is refused at its line; nothing is written.
    let early = claim(
        &app,
        &t,
        "DB-9",
        json!([sale(
            "WIDGET-1",
            "INV-88",
            (today() + Days::new(1)).to_string(),
            "1",
            "9.1234"
        )]),
    )
    .await;
    assert_eq!(
        early["userErrors"][0]["field"],
        json!(["input", "lines", "0", "soldOn"]),
        "{early}"
    );
    assert_eq!(early["userErrors"][0]["code"], "OUT_OF_RANGE", "{early}");
    // The same debit number twice is refused; nothing is written.
    let again = claim(
        &app,
        &t,
        "DB-1",
        json!([sale("WIDGET-1", "INV-77", day(0), "1", "9.1234")]),
    )
    .await;
    assert_eq!(again["userErrors"][0]["code"], "DUPLICATE", "{again}");

    // The cap: another 10 gadgets bought, 8 sold at the special price on an order; of the
    // cap's 20, 10 are claimed and 8 ordered.
    bought(&app, &t, "PO-STOCK-2", "1", "10").await;
    let ordered = mutate_as(
        &app,
        &t.portal,
        "orderSubmit",
        "OrderSubmitInput",
        "order { id }",
        json!({ "poNumber": "PO-SPA-G", "specialPrice": "SPA-000001", "endCustomerId": customer,
                "lines": [{ "sku": "GADGET-1", "quantity": "8" }] }),
    )
    .await;
    assert_eq!(ordered["userErrors"], json!([]), "{ordered}");
    let second = claim(
        &app,
        &t,
        "DB-2",
        json!([
            sale("GADGET-1", "INV-13", day(0), "5", "80"),
            sale("GADGET-1", "INV-14", day(0), "1", "80"),
            sale("WIDGET-1", "INV-10", day(0), "1", "9.1234"),
            sale("WIDGET-1", "INV-11", day(25), "1", "9.1234"),
        ]),
    )
    .await;
    assert_eq!(second["userErrors"], json!([]), "{second}");
    assert_eq!(
        results(&second),
        expect(&[
            ("ADJUSTED", &["CAP"]),
            ("REJECTED", &["CAP_USED"]),
            ("REJECTED", &["SALES_CLAIMED"]),
            ("REJECTED", &["NOT_REPORTED", "NO_PURCHASES"]),
        ])
    );
    assert_eq!(second["claim"]["lines"][0]["allowedQuantity"], "2");
    let cap = || {
        let (app, spa, token) = (&app, spa.clone(), t.portal.clone());
        async move {
            let body = app
                .graphql_as(
                    &token,
                    "query($id: ID!) { node(id: $id) { ... on SpecialPrice { lines { consumedQuantity } } } }",
                    json!({ "id": spa }),
                )
                .await;
            body["data"]["node"]["lines"][1]["consumedQuantity"].clone()
        }
    };
    assert_eq!(cap().await, "20");

    // The brand rejects the second claim: its two gadgets return to the cap. It approves
    // the first, refusing line 6 with a reason: its ten gadgets return too.
    let id = second["claim"]["id"].clone();
    let rejected = app
        .mutate(
            "claimReject",
            CLAIM,
            json!({ "id": id, "version": 1, "reason": "Resubmit with proof" }),
        )
        .await;
    assert_eq!(rejected["claim"]["status"], "REJECTED", "{rejected}");
    assert_eq!(cap().await, "18");
    let id = first["claim"]["id"].clone();
    let approved = app
        .mutate(
            "claimApprove",
            CLAIM,
            json!({ "id": id, "version": 1, "note": "Paid by credit memo",
                    "overrides": [{ "lineNumber": 6, "result": "REJECTED", "reason": "No proof of sale" }] }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let c = &approved["claim"];
    assert_eq!(c["status"], "APPROVED");
    assert_eq!(c["approvedAmount"]["amount"], "93.51");
    assert_eq!(c["lines"][5]["checkedResult"], "ADJUSTED");
    assert_eq!(c["lines"][5]["result"], "REJECTED");
    assert_eq!(c["lines"][5]["overrideReason"], "No proof of sale");
    assert_eq!(cap().await, "8");
    let twice = app
        .mutate(
            "claimReject",
            CLAIM,
            json!({ "id": id, "version": 2, "reason": "No" }),
        )
        .await;
    assert_eq!(
        twice["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{twice}"
    );

    // The distributor sees its claims and their events; the steps are audited.
    let body = app
        .graphql_as(
            &t.portal,
            "{ claims { totalCount nodes { number status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["claims"],
        json!({ "totalCount": 2, "nodes": [{ "number": "CLM-000002", "status": "REJECTED" }, { "number": "CLM-000001", "status": "APPROVED" }] }),
        "{body}"
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let events: Vec<String> = entity::event::Entity::find()
        .filter(entity::event::Column::EventType.starts_with("CLAIM_"))
        .order_by_asc(entity::event::Column::OccurredAt)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        events,
        [
            "CLAIM_SUBMITTED",
            "CLAIM_SUBMITTED",
            "CLAIM_REJECTED",
            "CLAIM_APPROVED"
        ]
    );
}

#[tokio::test]
async fn parallel_claims_never_claim_one_sale_or_report_twice() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let customer = served_customer(&app, &t).await;
    authorised(&app, &t, &customer, "400", today()).await;
    bought(&app, &t, "PO-STOCK-1", "300", "10").await;
    reported(&app, &t, &customer, "200", "0").await;
    // Eight claims of 50 widgets at once, two of them for one sale: the reports hold four.
    let claims = (0..8).map(|i| {
        let (app, t) = (&app, &t);
        let invoice = format!("INV-{}", i.min(6));
        async move {
            claim(
                app,
                t,
                &format!("DB-{i}"),
                json!([sale("WIDGET-1", &invoice, day(0), "50", "9.1234")]),
            )
            .await
        }
    });
    let filed = futures_util::future::join_all(claims).await;
    let allowed: Vec<&Value> = filed
        .iter()
        .map(|c| &c["claim"]["lines"][0]["allowedQuantity"])
        .collect();
    assert_eq!(
        allowed.iter().filter(|a| **a == "50").count(),
        4,
        "{filed:?}"
    );
    assert_eq!(
        allowed.iter().filter(|a| **a == "0").count(),
        4,
        "{filed:?}"
    );
    let body = app
        .graphql_as(
            &t.portal,
            "{ specialPrices { nodes { lines { consumedQuantity } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["specialPrices"]["nodes"][0]["lines"][0]["consumedQuantity"],
        "200"
    );
}
