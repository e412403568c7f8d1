//! Orders from submission to payment: idempotent PO numbers, prices from the buyer's price
//! list, credit holds, acknowledgement, shipments, invoices, payments and cancellation.

use std::collections::BTreeMap;

use migration::MigratorTrait;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

pub const ORDER: &str = "order { id number status version poNumber currency total { amount currency }
    buyerParty { code } sellerParty { code } paymentTermsDays
    lines { lineNumber product { sku } quantity unitPrice { amount } lineTotal { amount } status acceptedQuantity shippedQuantity invoicedQuantity promisedDate }
    history { action fromStatus toStatus actorKind actor { email } changes { field before after } note } }";

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

/// The brand, a GOLD distributor with a portal user, its dealer, and a supplier.
pub struct Trade {
    pub brand: String,
    pub distributor: String,
    pub dealer: String,
    pub supplier: String,
    pub portal: String,
}

pub async fn trade(app: &TestApp) -> Trade {
    let brand = app.create_org("BRAND", "Aurora", "BRAND").await;
    let supplier = app.create_org("SUPPLIER", "Teile GmbH", "SUP-1").await;
    let body = app
        .mutate(
            "productCreate",
            "product { id }",
            json!({ "sku": "WIDGET-1", "name": "Widget", "productLine": "Widgets", "unit": "EACH",
                    "listPrice": { "amount": "12.50", "currency": "EUR" }, "suppliers": [{ "supplierId": supplier }] }),
        )
        .await;
    let widget = body["product"]["id"].as_str().unwrap().to_owned();
    let gadget = app.create_product("GADGET-1", "Gadgets", "99").await;
    let list = app
        .create_price_list(
            "GOLD-2026",
            &[
                (&widget, "1", "10.00"),
                (&widget, "100", "9.1234"),
                (&gadget, "1", "80"),
            ],
        )
        .await;
    let gold = app.create_tier("GOLD", &list, 60).await;
    let distributor = app
        .create_org("DISTRIBUTOR", "Nordlicht Vertrieb", "DIST-1")
        .await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Ecke Laden", "DLR-1")
        .await;
    app.link(&brand, &distributor, "DISTRIBUTES_TO").await;
    app.link(&distributor, &dealer, "RESELLS_TO").await;
    app.assign_tier(&distributor, &gold).await;
    app.create_user(
        "buyer@dist-1.test",
        "buyer password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&distributor)),
    )
    .await;
    let portal = app.token_for("buyer@dist-1.test", "buyer password 1").await;
    Trade {
        brand,
        distributor,
        dealer,
        supplier,
        portal,
    }
}

/// Runs a mutation with `token` and returns its payload.
pub async fn mutate_as(
    app: &TestApp,
    token: &str,
    name: &str,
    input_type: &str,
    selection: &str,
    input: Value,
) -> Value {
    let body = app
        .graphql_as(
            token,
            &format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"),
            json!({ "input": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{name}: {body}");
    body["data"][name].clone()
}

pub async fn submit_as(app: &TestApp, token: &str, input: Value) -> Value {
    mutate_as(app, token, "orderSubmit", "OrderSubmitInput", ORDER, input).await
}

pub fn two_lines(po: &str) -> Value {
    json!({ "poNumber": po, "requestedDate": "2026-12-01", "lines": [
        { "sku": "widget-1", "quantity": "150", "buyerPartNumber": "NL-W1" },
        { "sku": "GADGET-1", "quantity": "2", "expectedUnitPrice": "80" }
    ] })
}

#[tokio::test]
async fn a_portal_places_an_order_and_follows_it_to_payment() {
    let app = spawn_app().await;
    let t = trade(&app).await;

    let placed = submit_as(&app, &t.portal, two_lines("PO-4711")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");
    let order = &placed["order"];
    assert_eq!(order["status"], "SUBMITTED");
    assert_eq!(order["number"], "SO-000001");
    assert_eq!(order["buyerParty"]["code"], "DIST-1");
    assert_eq!(order["sellerParty"]["code"], "BRAND");
    assert_eq!(order["paymentTermsDays"], 60);
    // 150 × 9.1234 = 1368.51 (half-even to cents), 2 × 80 = 160.
    assert_eq!(order["lines"][0]["unitPrice"]["amount"], "9.1234");
    assert_eq!(order["lines"][0]["lineTotal"]["amount"], "1368.51");
    assert_eq!(order["lines"][1]["lineTotal"]["amount"], "160.00");
    assert_eq!(
        order["total"],
        json!({ "amount": "1528.51", "currency": "EUR" })
    );
    assert_eq!(order["history"][0]["action"], "SUBMITTED");
    assert_eq!(order["history"][0]["actorKind"], "PARTNER_USER");
    assert_eq!(order["history"][0]["actor"]["email"], "buyer@dist-1.test");
    let id = order["id"].as_str().unwrap().to_owned();

    // The brand acknowledges: line 1 changed to 120, line 2 back-ordered.
    let acked = app
        .mutate(
            "orderAcknowledge",
            ORDER,
            json!({ "id": id, "version": 1, "note": "short on widgets", "lines": [
                { "lineNumber": 1, "decision": "CHANGE", "quantity": "120" },
                { "lineNumber": 2, "decision": "BACKORDER", "promisedDate": "2026-12-20" }
            ] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    let order = &acked["order"];
    assert_eq!(order["status"], "ACKNOWLEDGED");
    assert_eq!(order["lines"][0]["status"], "QUANTITY_CHANGED");
    assert_eq!(order["lines"][0]["acceptedQuantity"], "120");
    // 120 × 9.1234 = 1094.808 → 1094.81; + 160.
    assert_eq!(order["total"]["amount"], "1254.81");
    assert_eq!(order["lines"][1]["promisedDate"], "2026-12-20");
    let ack = &order["history"][1];
    assert_eq!(ack["action"], "ACKNOWLEDGED");
    assert_eq!(ack["actorKind"], "STAFF");
    assert!(
        ack["changes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "field": "lines.1.quantity", "before": "150", "after": "120" }))
    );
    assert!(
        ack["changes"].as_array().unwrap().contains(
            &json!({ "field": "total", "before": "1528.51 EUR", "after": "1254.81 EUR" })
        )
    );

    // Two shipments: first the widgets, then the gadgets.
    let ship = |version: i64, lines: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            app.mutate(
                "shipmentCreate",
                "shipment { id number carrier trackingNumber lines { lineNumber quantity } order { status version } }",
                json!({ "orderId": id, "version": version, "carrier": "DHL", "trackingNumber": "JD0001", "lines": lines }),
            )
            .await
        }
    };
    let first = ship(2, json!([{ "lineNumber": 1, "quantity": "120" }])).await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(first["shipment"]["order"]["status"], "PARTIALLY_SHIPPED");
    assert_eq!(first["shipment"]["number"], "ASN-000001");
    let second = ship(3, json!([{ "lineNumber": 2, "quantity": "2" }])).await;
    assert_eq!(second["shipment"]["order"]["status"], "SHIPPED", "{second}");

    // The distributor records the goods receipt of the first shipment.
    let receipt = mutate_as(
        &app,
        &t.portal,
        "shipmentReceive",
        "ShipmentReceiveInput",
        "shipment { receivedAt lines { lineNumber quantity receivedQuantity } }",
        json!({ "id": first["shipment"]["id"], "version": 1 }),
    )
    .await;
    assert_eq!(receipt["userErrors"], json!([]), "{receipt}");
    assert_eq!(
        receipt["shipment"]["lines"],
        json!([{ "lineNumber": 1, "quantity": "120", "receivedQuantity": "120" }])
    );

    // Invoice: due after the GOLD tier's 60 days.
    let invoiced = app
        .mutate(
            "invoiceCreate",
            "invoice { id number issuedOn dueOn total { amount } balance { amount } status version order { status version } }",
            json!({ "orderId": id, "version": 4, "issuedOn": "2026-11-02" }),
        )
        .await;
    assert_eq!(invoiced["userErrors"], json!([]), "{invoiced}");
    let invoice = &invoiced["invoice"];
    assert_eq!(invoice["dueOn"], "2027-01-01");
    assert_eq!(invoice["total"]["amount"], "1254.81");
    assert_eq!(invoice["order"]["status"], "INVOICED");
    let invoice_id = invoice["id"].as_str().unwrap().to_owned();

    // Paid in two parts; paying more than is owed is refused.
    let pay = |version: i64, amount: &'static str| {
        let app = &app;
        let invoice_id = invoice_id.clone();
        async move {
            app.mutate(
                "paymentRecord",
                "invoice { status paid { amount } balance { amount } version order { status } }",
                json!({ "invoiceId": invoice_id, "version": version, "amount": { "amount": amount, "currency": "EUR" }, "reference": "BANK-1" }),
            )
            .await
        }
    };
    let part = pay(1, "1000").await;
    assert_eq!(part["invoice"]["status"], "PARTIALLY_PAID", "{part}");
    assert_eq!(part["invoice"]["balance"]["amount"], "254.81");
    assert_eq!(part["invoice"]["order"]["status"], "INVOICED");
    let too_much = pay(2, "254.82").await;
    assert_eq!(
        too_much["userErrors"][0]["code"], "EXCEEDS_BALANCE",
        "{too_much}"
    );
    assert_eq!(
        too_much["userErrors"][0]["field"],
        json!(["input", "amount", "amount"])
    );
    let rest = pay(2, "254.81").await;
    assert_eq!(rest["invoice"]["status"], "PAID", "{rest}");
    assert_eq!(rest["invoice"]["order"]["status"], "PAID");

    // The portal sees the whole story.
    let body = app
        .graphql_as(
            &t.portal,
            "query($id: ID!) { node(id: $id) { ... on Order { status history { action toStatus } invoices { number status payments { amount { amount } reference } } shipments { number } } } }",
            json!({ "id": id }),
        )
        .await;
    let order = &body["data"]["node"];
    let actions: Vec<&str> = order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "SUBMITTED",
            "ACKNOWLEDGED",
            "SHIPPED",
            "SHIPPED",
            "GOODS_RECEIVED",
            "INVOICED",
            "PAYMENT_RECORDED",
            "PAYMENT_RECORDED"
        ],
        "{body}"
    );
    assert_eq!(
        order["invoices"][0]["payments"][1]["amount"]["amount"],
        "254.81"
    );
    assert_balances_are_the_sums(&app).await;
    let _ = (&t.brand, &t.dealer, &t.supplier);
}

/// Rows of `(buyer, seller, currency, amount)`, zero amounts left out.
async fn owed(app: &TestApp, sql: &str) -> BTreeMap<(String, String, String), Decimal> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            let buyer: uuid::Uuid = row.try_get("", "buyer_id").unwrap();
            let seller: uuid::Uuid = row.try_get("", "seller_id").unwrap();
            let currency: String = row.try_get("", "currency").unwrap();
            let amount = channelgraph::money::column(row, "amount").unwrap();
            (
                (buyer.to_string(), seller.to_string(), currency),
                amount.unwrap_or_default(),
            )
        })
        .filter(|(_, amount)| !amount.is_zero())
        .collect()
}

/// The kept credit balances are exactly the sums they stand for: open sales orders' amounts
/// still to invoice plus unpaid invoices' amounts still owed, less credit memos, per buyer,
/// seller and currency.
/// Returns what is owed.
pub async fn assert_balances_are_the_sums(
    app: &TestApp,
) -> BTreeMap<(String, String, String), Decimal> {
    let kept = owed(
        app,
        "SELECT buyer_id, seller_id, currency, amount FROM credit_balances",
    )
    .await;
    let summed = owed(
        app,
        "SELECT buyer_id, seller_id, currency, SUM(amount) AS amount FROM ( \
           SELECT buyer_id, seller_id, currency, total - invoiced_amount AS amount FROM orders \
           WHERE kind = 'SALES' AND status IN \
           ('SUBMITTED', 'ACKNOWLEDGED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'INVOICED') \
           UNION ALL \
           SELECT o.buyer_id, o.seller_id, i.currency, i.total - i.paid FROM invoices i \
           JOIN orders o ON o.id = i.order_id WHERE i.status <> 'PAID' \
           UNION ALL \
           SELECT partner_id, seller_id, currency, -amount FROM credit_memos \
         ) owed GROUP BY buyer_id, seller_id, currency",
    )
    .await;
    assert_eq!(kept, summed);
    kept
}

#[tokio::test]
async fn credit_balances_follow_a_year_of_demo_trade_exactly() {
    let app = spawn_app().await;
    // The demo submits, acknowledges, ships, invoices and pays orders through the services,
    // over a year, from the brand and from distributors; holds, releases, rejections and
    // cancellations are compared in the tests that make them.
    channelgraph::seed::demo(&app.db).await.unwrap();
    let before = assert_balances_are_the_sums(&app).await;
    assert!(
        before.len() > 10,
        "the demo's recent orders are open: {before:?}"
    );

    // The migration that made the balances sums what an existing database already owes:
    // undo it (and any later one), apply again, and the balances are the same, but for the
    // demo's credit memos, which going down drops with their tables: what they credited is
    // owed again.
    let credited = owed(
        &app,
        "SELECT partner_id AS buyer_id, seller_id, currency, SUM(amount) AS amount \
         FROM credit_memos GROUP BY partner_id, seller_id, currency",
    )
    .await;
    assert!(!credited.is_empty(), "the demo issues credit memos");
    let mut expected = before.clone();
    for (key, amount) in credited {
        *expected.entry(key).or_default() += amount;
    }
    expected.retain(|_, amount| !amount.is_zero());
    let all = migration::Migrator::migrations();
    let made = all
        .iter()
        .position(|m| m.name() == "m20261129_000001_credit_balances")
        .unwrap();
    let undo = (all.len() - made) as u32;
    migration::Migrator::down(&app.db, Some(undo))
        .await
        .unwrap();
    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(assert_balances_are_the_sums(&app).await, expected);
}

#[tokio::test]
async fn the_same_po_returns_the_first_order_and_different_content_is_a_conflict() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let first = submit_as(&app, &t.portal, two_lines("PO-1")).await;
    let again = submit_as(&app, &t.portal, two_lines("PO-1")).await;
    assert_eq!(again["userErrors"], json!([]));
    assert_eq!(again["order"]["id"], first["order"]["id"]);
    assert_eq!(again["order"]["history"].as_array().unwrap().len(), 1);

    let mut changed = two_lines("PO-1");
    changed["lines"][1]["quantity"] = json!("3");
    let conflict = submit_as(&app, &t.portal, changed).await;
    assert_eq!(conflict["order"], Value::Null);
    assert_eq!(conflict["userErrors"][0]["code"], "CONFLICT");
    assert_eq!(
        conflict["userErrors"][0]["field"],
        json!(["input", "poNumber"])
    );
    let body = app.graphql("{ orders { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["orders"]["totalCount"], 1);

    // PO numbers are per buyer: the brand's staff may use PO-1 for the dealer.
    let mut for_dealer = two_lines("PO-1");
    for_dealer["buyerId"] = json!(t.dealer);
    for_dealer["lines"][1]["expectedUnitPrice"] = json!("99");
    let other = app
        .mutate(
            "orderSubmit",
            "order { number lines { unitPrice { amount } } }",
            for_dealer,
        )
        .await;
    assert_eq!(other["order"]["number"], "SO-000002", "{other}");
    // The dealer is outside the program: list prices.
    assert_eq!(other["order"]["lines"][0]["unitPrice"]["amount"], "12.50");
}

#[tokio::test]
async fn parallel_submissions_of_one_po_make_exactly_one_order() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let tries = (0..8).map(|_| submit_as(&app, &t.portal, two_lines("PO-RACE")));
    let results = futures_util::future::join_all(tries).await;
    let ids: std::collections::BTreeSet<String> = results
        .iter()
        .map(|r| {
            assert_eq!(r["userErrors"], json!([]), "{r}");
            r["order"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{results:?}");
    let body = app
        .graphql(
            "{ orders { totalCount nodes { history { action } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["orders"]["totalCount"], 1);
    assert_eq!(
        body["data"]["orders"]["nodes"][0]["history"],
        json!([{ "action": "SUBMITTED" }])
    );

    // Racing with different content: one wins, the others are told CONFLICT.
    let tries = (0..6).map(|i| {
        let mut input = two_lines("PO-RACE-2");
        input["lines"][1]["quantity"] = json!((i + 1).to_string());
        submit_as(&app, &t.portal, input)
    });
    let results = futures_util::future::join_all(tries).await;
    let won = results.iter().filter(|r| r["order"].is_object()).count();
    let conflicts = results
        .iter()
        .filter(|r| r["userErrors"][0]["code"] == "CONFLICT")
        .count();
    assert_eq!((won, conflicts), (1, 5), "{results:?}");
}

#[tokio::test]
async fn an_order_past_the_credit_limit_waits_for_a_manager() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let limit = app
        .mutate(
            "creditLimitSet",
            "organization { ... on Distributor { creditLimit { amount currency } version } }",
            json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await, "creditLimit": { "amount": "2000", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(
        limit["organization"]["creditLimit"],
        json!({ "amount": "2000.00", "currency": "EUR" }),
        "{limit}"
    );

    // 1528.51 fits; a second one would make 3057.02: held.
    let first = submit_as(&app, &t.portal, two_lines("PO-A")).await;
    assert_eq!(first["order"]["status"], "SUBMITTED");
    let exposure = || {
        let app = &app;
        let portal = t.portal.clone();
        async move {
            let body = app
                .graphql_as(&portal, "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount currency } } } }", json!({}))
                .await;
            body["data"]["organization"]["creditExposure"].clone()
        }
    };
    assert_eq!(
        exposure().await,
        json!([{ "amount": "1528.51", "currency": "EUR" }])
    );
    let second = submit_as(&app, &t.portal, two_lines("PO-B")).await;
    let order = &second["order"];
    assert_eq!(order["status"], "CREDIT_HOLD", "{second}");
    assert_eq!(order["history"][1]["action"], "CREDIT_HOLD");
    assert_eq!(
        exposure().await,
        json!([{ "amount": "1528.51", "currency": "EUR" }]),
        "a held order does not count"
    );
    assert_eq!(
        order["history"][1]["note"],
        "exposure 1528.51 EUR plus this order's 1528.51 EUR exceeds the credit limit of 2000.00 EUR"
    );
    let id = order["id"].clone();

    // A held order is not acknowledged; the partner cannot release it; a manager can.
    let ack = app
        .mutate("orderAcknowledge", "order { id }", json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }] }))
        .await;
    assert_eq!(ack["userErrors"][0]["code"], "ILLEGAL_TRANSITION", "{ack}");
    let body = app
        .graphql_as(&t.portal, "mutation($id: ID!) { orderCreditRelease(input: { id: $id, version: 1 }) { order { status } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let released = app
        .mutate(
            "orderCreditRelease",
            "order { status history { action note } }",
            json!({ "id": id, "version": 1, "note": "paid in advance" }),
        )
        .await;
    assert_eq!(released["order"]["status"], "SUBMITTED", "{released}");
    assert_eq!(
        exposure().await,
        json!([{ "amount": "3057.02", "currency": "EUR" }]),
        "a released order counts"
    );
    assert_eq!(
        released["order"]["history"][2],
        json!({ "action": "CREDIT_RELEASED", "note": "paid in advance" })
    );

    // A third one is held and rejected: cancelled.
    let third = submit_as(&app, &t.portal, two_lines("PO-C")).await;
    assert_eq!(third["order"]["status"], "CREDIT_HOLD");
    let rejected = app
        .mutate(
            "orderCreditReject",
            "order { status lines { status } }",
            json!({ "id": third["order"]["id"], "version": 1 }),
        )
        .await;
    assert_eq!(rejected["order"]["status"], "CANCELLED");
    assert_eq!(rejected["order"]["lines"][0]["status"], "CANCELLED");
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn bad_orders_are_refused_with_the_field_named_and_nothing_written() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let refused = |input: Value| {
        let app = &app;
        let portal = t.portal.clone();
        async move {
            let body = submit_as(app, &portal, input).await;
            assert_eq!(body["order"], Value::Null, "{body}");
            let e = &body["userErrors"][0];
            (e["code"].as_str().unwrap().to_owned(), e["field"].clone())
        }
    };
    let line = |sku: &str, quantity: Value| json!({ "poNumber": "PO-X", "lines": [{ "sku": "WIDGET-1", "quantity": "1" }, { "sku": sku, "quantity": quantity }] });
    let field = |name: &str| json!(["input", "lines", "1", name]);

    assert_eq!(
        refused(line("NOPE-1", json!("1"))).await,
        ("NOT_FOUND".into(), field("sku"))
    );
    assert_eq!(
        refused(line("GADGET-1", json!("0"))).await,
        ("OUT_OF_RANGE".into(), field("quantity"))
    );
    assert_eq!(
        refused(line("GADGET-1", json!("-3"))).await,
        ("OUT_OF_RANGE".into(), field("quantity"))
    );
    assert_eq!(
        refused(line("GADGET-1", json!("5000000"))).await,
        ("OUT_OF_RANGE".into(), field("quantity"))
    );
    assert_eq!(
        refused(line("GADGET-1", json!("1.00001"))).await,
        ("INVALID".into(), field("quantity"))
    );
    let mut wrong_price = line("GADGET-1", json!("1"));
    wrong_price["lines"][1]["expectedUnitPrice"] = json!("79.99");
    assert_eq!(
        refused(wrong_price).await,
        ("PRICE_MISMATCH".into(), field("expectedUnitPrice"))
    );
    let mut wrong_unit = line("GADGET-1", json!("1"));
    wrong_unit["lines"][1]["unit"] = json!("CASE");
    assert_eq!(
        refused(wrong_unit).await,
        ("UNIT_MISMATCH".into(), field("unit"))
    );
    let mut usd = line("GADGET-1", json!("1"));
    usd["currency"] = json!("USD");
    assert_eq!(
        refused(usd).await,
        ("CURRENCY_MISMATCH".into(), json!(["input", "currency"]))
    );
    let mut twice = line("GADGET-1", json!("1"));
    twice["lines"][1]["lineNumber"] = json!(1);
    assert_eq!(refused(twice).await, ("TAKEN".into(), field("lineNumber")));
    // A number the client gave is named, not the line numbered by its position.
    let mut given_first = line("GADGET-1", json!("1"));
    given_first["lines"][0]["lineNumber"] = json!(2);
    assert_eq!(
        refused(given_first).await,
        ("TAKEN".into(), json!(["input", "lines", "0", "lineNumber"]))
    );
    assert_eq!(
        refused(json!({ "poNumber": "PO-X", "lines": [] })).await,
        ("REQUIRED".into(), json!(["input", "lines"]))
    );
    // Ordering for another organization, or from a seller that does not sell to you.
    let mut other_buyer = line("GADGET-1", json!("1"));
    other_buyer["buyerId"] = json!(t.dealer);
    assert_eq!(
        refused(other_buyer).await,
        ("NOT_FOUND".into(), json!(["input", "buyerId"]))
    );
    // A seller that does not sell to the buyer is answered alike whether it exists, is
    // archived, or not.
    let archived = app
        .create_org("DISTRIBUTOR", "Gone Distribution", "GONE-1")
        .await;
    app.mutate(
        "organizationArchive",
        "organization { id }",
        json!({ "id": archived, "version": 1 }),
    )
    .await;
    let unknown = channelgraph::ids::GlobalId::encode(
        channelgraph::ids::NodeType::Organization,
        uuid::Uuid::now_v7(),
    );
    for seller in [json!(t.supplier), json!(archived), json!(unknown)] {
        let mut other_seller = line("GADGET-1", json!("1"));
        other_seller["sellerId"] = seller.clone();
        let body = submit_as(&app, &t.portal, other_seller).await;
        assert_eq!(
            body["userErrors"],
            json!([{ "field": ["input", "sellerId"], "code": "NOT_FOUND",
                     "message": "the seller must be the brand or an organization that sells to the buyer" }]),
            "{seller}"
        );
    }

    // An inactive product.
    let gadget = app
        .graphql("{ product(sku: \"GADGET-1\") { id version } }", json!({}))
        .await;
    let p = &gadget["data"]["product"];
    app.mutate(
        "productUpdate",
        "product { status }",
        json!({ "id": p["id"], "version": p["version"], "status": "DISCONTINUED" }),
    )
    .await;
    assert_eq!(
        refused(line("GADGET-1", json!("1"))).await,
        ("INACTIVE".into(), field("sku"))
    );

    // A tier whose price list has lapsed.
    let list = app
        .graphql("{ priceLists { nodes { id version } } }", json!({}))
        .await;
    let l = &list["data"]["priceLists"]["nodes"][0];
    app.mutate(
        "priceListUpdate",
        "priceList { id }",
        json!({ "id": l["id"], "version": l["version"], "validUntil": "2021-01-01" }),
    )
    .await;
    assert_eq!(
        refused(json!({ "poNumber": "PO-X", "lines": [{ "sku": "WIDGET-1", "quantity": "1" }] }))
            .await,
        ("NO_PRICE_LIST".into(), json!(["input", "buyerId"]))
    );

    let body = app.graphql("{ orders { totalCount } }", json!({})).await;
    assert_eq!(
        body["data"]["orders"]["totalCount"], 0,
        "nothing was written"
    );
}

#[tokio::test]
async fn illegal_steps_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let placed = submit_as(&app, &t.portal, two_lines("PO-9")).await;
    let id = placed["order"]["id"].as_str().unwrap().to_owned();
    let step = |name: &'static str, input: Value| {
        let app = &app;
        async move { app.mutate(name, "order { status version }", input).await["userErrors"][0].clone() }
    };

    // Shipping or invoicing before acknowledgement.
    let e = app
        .mutate("shipmentCreate", "shipment { id }", json!({ "orderId": id, "version": 1, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "1" }] }))
        .await;
    assert_eq!(e["userErrors"][0]["code"], "ILLEGAL_TRANSITION", "{e}");
    // The buyer cannot acknowledge its own order.
    let body = app
        .graphql_as(&t.portal, "mutation($id: ID!) { orderAcknowledge(input: { id: $id, version: 1, lines: [{ lineNumber: 1, decision: ACCEPT }] }) { order { id } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    // Every line needs an answer; a stale version is a conflict.
    let e = step(
        "orderAcknowledge",
        json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
    )
    .await;
    assert_eq!(e["code"], "REQUIRED", "{e}");
    let e = step("orderAcknowledge", json!({ "id": id, "version": 7, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "REJECT" }] })).await;
    assert_eq!(e["code"], "CONFLICT", "{e}");
    let e = step("orderAcknowledge", json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "BACKORDER" }] })).await;
    assert_eq!(
        e["field"],
        json!(["input", "lines", "1", "promisedDate"]),
        "{e}"
    );
    let ok = app
        .mutate("orderAcknowledge", "order { version }", json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "REJECT" }] }))
        .await;
    assert_eq!(ok["order"]["version"], 2, "{ok}");

    // Shipping more than was accepted, or a rejected line.
    let ship = |lines: Value, version: i64| {
        let app = &app;
        let id = id.clone();
        async move {
            app.mutate(
                "shipmentCreate",
                "shipment { id order { version } }",
                json!({ "orderId": id, "version": version, "carrier": "DHL", "lines": lines }),
            )
            .await
        }
    };
    let e = ship(json!([{ "lineNumber": 1, "quantity": "151" }]), 2).await;
    assert_eq!(e["userErrors"][0]["code"], "EXCEEDS_ACCEPTED", "{e}");
    assert_eq!(
        e["userErrors"][0]["field"],
        json!(["input", "lines", "0", "quantity"])
    );
    let e = ship(json!([{ "lineNumber": 2, "quantity": "1" }]), 2).await;
    assert_eq!(e["userErrors"][0]["code"], "EXCEEDS_ACCEPTED", "{e}");
    let shipped = ship(json!([{ "lineNumber": 1, "quantity": "100" }]), 2).await;
    assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
    let e = ship(json!([{ "lineNumber": 1, "quantity": "51" }]), 3).await;
    assert_eq!(e["userErrors"][0]["code"], "EXCEEDS_ACCEPTED", "{e}");

    // Cancelling after the first shipment.
    let e = step("orderCancel", json!({ "id": id, "version": 3 })).await;
    assert_eq!(e["code"], "ILLEGAL_TRANSITION", "{e}");
    assert!(e["message"].as_str().unwrap().contains("shipped"), "{e}");

    let body = app
        .graphql("query($id: ID!) { node(id: $id) { ... on Order { status version history { action } lines { shippedQuantity } } } }", json!({ "id": id }))
        .await;
    let order = &body["data"]["node"];
    assert_eq!(order["status"], "PARTIALLY_SHIPPED");
    assert_eq!(order["version"], 3);
    assert_eq!(order["history"].as_array().unwrap().len(), 3);
    assert_eq!(order["lines"][0]["shippedQuantity"], "100");

    // A fresh order is cancelled by the buyer; a second cancel is illegal.
    let fresh = submit_as(&app, &t.portal, two_lines("PO-10")).await;
    let cancelled = mutate_as(
        &app,
        &t.portal,
        "orderCancel",
        "OrderCancelInput",
        "order { status lines { status } }",
        json!({ "id": fresh["order"]["id"], "version": 1, "note": "ordered twice" }),
    )
    .await;
    assert_eq!(cancelled["order"]["status"], "CANCELLED", "{cancelled}");
    let again = mutate_as(
        &app,
        &t.portal,
        "orderCancel",
        "OrderCancelInput",
        "order { status }",
        json!({ "id": fresh["order"]["id"], "version": 2 }),
    )
    .await;
    assert_eq!(again["userErrors"][0]["code"], "ILLEGAL_TRANSITION");
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn a_supplier_confirms_and_ships_the_brands_purchase_order_and_the_brand_receives_it() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let po = app
        .mutate(
            "purchaseOrderCreate",
            ORDER,
            json!({ "supplierId": t.supplier, "currency": "EUR", "requestedDate": "2026-12-15",
                    "lines": [{ "sku": "WIDGET-1", "quantity": "500", "unitPrice": "4.125" }] }),
        )
        .await;
    assert_eq!(po["userErrors"], json!([]), "{po}");
    assert_eq!(po["order"]["number"], "PO-000001");
    assert_eq!(po["order"]["total"]["amount"], "2062.50");
    let id = po["order"]["id"].as_str().unwrap().to_owned();

    // A product the supplier does not make cannot be ordered from it.
    let e = app
        .mutate("purchaseOrderCreate", "order { id }", json!({ "supplierId": t.supplier, "currency": "EUR", "lines": [{ "sku": "GADGET-1", "quantity": "1", "unitPrice": "1" }] }))
        .await;
    assert_eq!(e["userErrors"][0]["code"], "NOT_ALLOWED", "{e}");

    app.create_user(
        "sales@sup-1.test",
        "supplier password",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&t.supplier)),
    )
    .await;
    let supplier = app.token_for("sales@sup-1.test", "supplier password").await;
    let body = app
        .graphql_as(
            &supplier,
            "{ orders { totalCount nodes { number kind buyerParty { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["orders"],
        json!({ "totalCount": 1, "nodes": [{ "number": "PO-000001", "kind": "PURCHASE", "buyerParty": { "code": "BRAND" } }] }),
        "{body}"
    );
    let acked = mutate_as(&app, &supplier, "orderAcknowledge", "OrderAcknowledgeInput", "order { status }",
        json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT", "promisedDate": "2026-12-10" }] })).await;
    assert_eq!(acked["order"]["status"], "ACKNOWLEDGED", "{acked}");
    let shipped = mutate_as(&app, &supplier, "shipmentCreate", "ShipmentCreateInput", "shipment { id version order { status } }",
        json!({ "orderId": id, "version": 2, "carrier": "Kuehne+Nagel", "trackingNumber": "KN-77", "lines": [{ "lineNumber": 1, "quantity": "500" }] })).await;
    assert_eq!(
        shipped["shipment"]["order"]["status"], "SHIPPED",
        "{shipped}"
    );

    // The supplier cannot record the brand's goods receipt; the brand records a shortage.
    let e = app
        .graphql_as(&supplier, "mutation($id: ID!) { shipmentReceive(input: { id: $id, version: 1 }) { shipment { id } } }", json!({ "id": shipped["shipment"]["id"] }))
        .await;
    assert_eq!(e["errors"][0]["extensions"]["code"], "FORBIDDEN", "{e}");
    let received = app
        .mutate("shipmentReceive", "shipment { receivedAt lines { quantity receivedQuantity } }",
            json!({ "id": shipped["shipment"]["id"], "version": 1, "lines": [{ "lineNumber": 1, "quantity": "498" }], "note": "two crushed" }))
        .await;
    assert_eq!(
        received["shipment"]["lines"],
        json!([{ "quantity": "500", "receivedQuantity": "498" }]),
        "{received}"
    );
    let over = app
        .mutate(
            "shipmentReceive",
            "shipment { id }",
            json!({ "id": shipped["shipment"]["id"], "version": 2 }),
        )
        .await;
    assert_eq!(
        over["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "received once"
    );
}

#[tokio::test]
async fn each_side_sees_the_orders_it_placed_and_the_orders_placed_with_it() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    app.create_user(
        "owner@dlr-1.test",
        "dealer password",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&t.dealer)),
    )
    .await;
    let dealer = app.token_for("owner@dlr-1.test", "dealer password").await;
    app.create_user(
        "sales@sup-1.test",
        "supplier password",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&t.supplier)),
    )
    .await;
    let supplier = app.token_for("sales@sup-1.test", "supplier password").await;

    // The distributor buys from the brand; the dealer buys from the distributor.
    submit_as(&app, &t.portal, two_lines("DIST-PO-1")).await;
    let mut from_distributor = json!({ "poNumber": "DLR-PO-1", "sellerId": t.distributor, "lines": [{ "sku": "WIDGET-1", "quantity": "5" }] });
    let placed = submit_as(&app, &dealer, from_distributor.clone()).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");
    assert_eq!(placed["order"]["sellerParty"]["code"], "DIST-1");
    // The dealer cannot name a seller that does not sell to it.
    from_distributor["sellerId"] = json!(t.supplier);
    from_distributor["poNumber"] = json!("DLR-PO-2");
    let refused = submit_as(&app, &dealer, from_distributor).await;
    assert_eq!(refused["userErrors"][0]["code"], "NOT_FOUND");
    app.mutate("purchaseOrderCreate", "order { id }", json!({ "supplierId": t.supplier, "currency": "EUR", "lines": [{ "sku": "WIDGET-1", "quantity": "10", "unitPrice": "4" }] }))
        .await;

    let numbers = |token: String| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(&token, "{ orders(orderBy: { field: NUMBER, direction: ASC }) { totalCount nodes { number poNumber } } }", json!({}))
                .await;
            body["data"]["orders"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|o| o["poNumber"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(numbers(t.portal.clone()).await, ["DIST-PO-1", "DLR-PO-1"]);
    assert_eq!(numbers(dealer.clone()).await, ["DLR-PO-1"]);
    assert_eq!(numbers(supplier.clone()).await, ["PO-000001"]);
    let staff = app.graphql("{ orders { totalCount } }", json!({})).await;
    assert_eq!(staff["data"]["orders"]["totalCount"], 3);
    // Naming itself as seller or buyer, the distributor gets its sales and its purchases;
    // naming the dealer's seller, the dealer gets only what it bought there.
    let filtered = |token: String, filter: Value| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(&token, "query($f: OrderFilter) { orders(filter: $f) { totalCount nodes { poNumber } } }", json!({ "f": filter }))
                .await;
            let count = body["data"]["orders"]["totalCount"].clone();
            let pos: Vec<String> = body["data"]["orders"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|o| o["poNumber"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(count, json!(pos.len()), "{body}");
            pos
        }
    };
    let dist = &t.distributor;
    assert_eq!(
        filtered(t.portal.clone(), json!({ "sellerId": dist })).await,
        ["DLR-PO-1"]
    );
    assert_eq!(
        filtered(t.portal.clone(), json!({ "buyerId": dist })).await,
        ["DIST-PO-1"]
    );
    assert_eq!(
        filtered(
            t.portal.clone(),
            json!({ "buyerId": dist, "sellerId": dist })
        )
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        filtered(dealer.clone(), json!({ "sellerId": dist })).await,
        ["DLR-PO-1"]
    );
    assert_eq!(
        filtered(dealer.clone(), json!({ "sellerId": t.brand })).await,
        Vec::<String>::new()
    );
    assert_eq!(
        filtered(supplier.clone(), json!({ "sellerId": t.brand })).await,
        Vec::<String>::new()
    );

    // The distributor works the dealer's order as its seller; the dealer's order never goes
    // to the brand's credit check.
    let acked = mutate_as(&app, &t.portal, "orderAcknowledge", "OrderAcknowledgeInput", "order { status }",
        json!({ "id": placed["order"]["id"], "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] })).await;
    assert_eq!(acked["order"]["status"], "ACKNOWLEDGED", "{acked}");
    // The brand's staff do not act for the distributor.
    let body = app
        .graphql(
            "mutation($id: ID!) { shipmentCreate(input: { orderId: $id, version: 2, carrier: \"DHL\", lines: [{ lineNumber: 1, quantity: \"5\" }] }) { shipment { id } } }",
            json!({ "id": placed["order"]["id"] }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "only the seller ships an order"
    );
}

#[tokio::test]
async fn tax_is_computed_per_line_rounded_half_even_and_carried_to_the_invoice() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    for (sku, price, rate) in [("TAX-19", "9.99", "19"), ("TAX-5", "0.50", "5")] {
        let body = app
            .mutate(
                "productCreate",
                "product { taxRatePercent }",
                json!({ "sku": sku, "name": sku, "productLine": "Taxed", "unit": "EACH", "taxRatePercent": rate,
                        "listPrice": { "amount": price, "currency": "EUR" } }),
            )
            .await;
        assert_eq!(body["product"]["taxRatePercent"], rate, "{body}");
    }
    let bad = app
        .mutate(
            "productCreate",
            "product { id }",
            json!({ "sku": "TAX-X", "name": "X", "productLine": "Taxed", "unit": "EACH", "taxRatePercent": "120",
                    "listPrice": { "amount": "1", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(bad["userErrors"][0]["code"], "OUT_OF_RANGE");
    assert_eq!(
        bad["userErrors"][0]["field"],
        json!(["input", "taxRatePercent"])
    );

    // The dealer pays list prices: 9.99 at 19% is 1.8981, so 1.90; 0.50 at 5% is 0.025,
    // which half-even rounds to 0.02.
    let placed = app
        .mutate(
            "orderSubmit",
            "order { id subtotal { amount } tax { amount } total { amount } lines { lineTotal { amount } taxRatePercent taxAmount { amount } } }",
            json!({ "buyerId": t.dealer, "poNumber": "TAX-1", "lines": [{ "sku": "TAX-19", "quantity": "1" }, { "sku": "TAX-5", "quantity": "1" }] }),
        )
        .await;
    let order = &placed["order"];
    assert_eq!(
        order["lines"],
        json!([{ "lineTotal": { "amount": "9.99" }, "taxRatePercent": "19", "taxAmount": { "amount": "1.90" } },
               { "lineTotal": { "amount": "0.50" }, "taxRatePercent": "5", "taxAmount": { "amount": "0.02" } }]),
        "{placed}"
    );
    assert_eq!(order["subtotal"]["amount"], "10.49");
    assert_eq!(order["tax"]["amount"], "1.92");
    assert_eq!(order["total"]["amount"], "12.41");

    let id = order["id"].clone();
    app.mutate("orderAcknowledge", "order { id }", json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }] }))
        .await;
    app.mutate("shipmentCreate", "shipment { id }", json!({ "orderId": id, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "1" }, { "lineNumber": 2, "quantity": "1" }] }))
        .await;
    let invoiced = app
        .mutate("invoiceCreate", "invoice { subtotal { amount } tax { amount } total { amount } lines { taxAmount { amount } } }", json!({ "orderId": id, "version": 3 }))
        .await;
    assert_eq!(
        invoiced["invoice"],
        json!({ "subtotal": { "amount": "10.49" }, "tax": { "amount": "1.92" }, "total": { "amount": "12.41" },
                "lines": [{ "taxAmount": { "amount": "1.90" } }, { "taxAmount": { "amount": "0.02" } }] }),
        "{invoiced}"
    );
}

#[tokio::test]
async fn a_partner_system_submits_orders_with_its_token_only_when_it_holds_orders_write() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let token = |scopes: &'static str| {
        let app = &app;
        let org = t.distributor.clone();
        async move {
            let body = app
                .graphql(
                    &format!("mutation($org: ID!) {{ apiTokenCreate(input: {{ organizationId: $org, name: \"ERP\", scopes: [{scopes}] }}) {{ secret }} }}"),
                    json!({ "org": org }),
                )
                .await;
            body["data"]["apiTokenCreate"]["secret"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let reader = token("ORDERS_READ, CATALOG_READ").await;
    let body = app
        .graphql_as(
            &reader,
            "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { id } } }",
            json!({ "input": two_lines("ERP-1") }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("orders:write")
    );

    let erp = token("ORDERS_READ, ORDERS_WRITE, CATALOG_READ").await;
    let placed = submit_as(&app, &erp, two_lines("ERP-1")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");
    assert_eq!(placed["order"]["buyerParty"]["code"], "DIST-1");
    assert_eq!(placed["order"]["history"][0]["actorKind"], "PARTNER_SYSTEM");
    assert_eq!(placed["order"]["history"][0]["actor"], Value::Null);
    // The portal sees the order its system placed.
    let body = app
        .graphql_as(
            &t.portal,
            "{ orders { totalCount nodes { poNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["orders"],
        json!({ "totalCount": 1, "nodes": [{ "poNumber": "ERP-1" }] })
    );
}

#[tokio::test]
async fn an_organizations_orders_are_the_ones_it_placed_that_you_may_see() {
    let app = spawn_app().await;
    app.create_org("BRAND", "The Brand", "BRAND").await;
    app.create_product("PUMP-1", "Pumps", "100").await;
    let a = app
        .create_org("DISTRIBUTOR", "A Distribution", "DIST-A")
        .await;
    let b = app
        .create_org("DISTRIBUTOR", "B Distribution", "DIST-B")
        .await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Shared Dealer", "DLR-S")
        .await;
    app.link(&a, &dealer, "RESELLS_TO").await;
    app.link(&b, &dealer, "RESELLS_TO").await;
    let mut tokens = Vec::new();
    for (org, email) in [(&a, "portal@a.test"), (&b, "portal@b.test")] {
        app.create_user(
            email,
            "portal password",
            crate::helpers::PARTNER_ADMIN,
            Some(uuid_of(org)),
        )
        .await;
        tokens.push(app.token_for(email, "portal password").await);
    }
    // The dealer orders twice from A and once from B.
    for (seller, po) in [(&a, "PO-A1"), (&b, "PO-B1"), (&a, "PO-A2")] {
        let placed = app
            .mutate(
                "orderSubmit",
                "order { id }",
                json!({ "buyerId": dealer, "sellerId": seller, "poNumber": po,
                        "lines": [{ "sku": "PUMP-1", "quantity": "1" }] }),
            )
            .await;
        assert_eq!(placed["userErrors"], json!([]), "{placed}");
    }
    let query = r#"query($filter: OrderFilter, $first: Int) { organization(code: "DLR-S") {
        orders(filter: $filter, first: $first) { totalCount nodes { poNumber seller { code } } } } }"#;
    let pos = |body: &Value| -> Vec<String> {
        body["data"]["organization"]["orders"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["poNumber"].as_str().unwrap().to_owned())
            .collect()
    };
    // Staff see all three, newest first; each partner only those placed with it.
    let body = app.graphql(query, json!({})).await;
    assert_eq!(pos(&body), ["PO-A2", "PO-B1", "PO-A1"], "{body}");
    assert_eq!(body["data"]["organization"]["orders"]["totalCount"], 3);
    for (token, expected) in [
        (&tokens[0], vec!["PO-A2", "PO-A1"]),
        (&tokens[1], vec!["PO-B1"]),
    ] {
        let body = app.graphql_as(token, query, json!({})).await;
        assert_eq!(pos(&body), expected, "{body}");
        assert_eq!(
            body["data"]["organization"]["orders"]["totalCount"],
            expected.len()
        );
    }
    // The filter narrows, the page size is bounded, and a distributor placed none itself.
    let body = app
        .graphql(query, json!({ "filter": { "sellerId": b }, "first": 1 }))
        .await;
    assert_eq!(pos(&body), ["PO-B1"], "{body}");
    let body = app.graphql(query, json!({ "first": 101 })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    let body = app
        .graphql_as(
            &tokens[0],
            r#"{ organization(code: "DIST-A") { orders { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["organization"]["orders"]["totalCount"], 0,
        "{body}"
    );
}

#[tokio::test]
async fn parallel_orders_never_pass_a_credit_limit_together() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Each order is 1528.51 EUR; the limit holds exactly eight of them, and sixteen arrive
    // at once: twice the limit.
    app.mutate(
        "creditLimitSet",
        "organization { id }",
        json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await, "creditLimit": { "amount": "12228.08", "currency": "EUR" } }),
    )
    .await;
    let submissions = (0..16).map(|i| {
        let app = &app;
        let portal = t.portal.clone();
        async move { submit_as(app, &portal, two_lines(&format!("PO-PAR-{i}"))).await }
    });
    let placed = futures_util::future::join_all(submissions).await;
    let status = |s: &str| placed.iter().filter(|p| p["order"]["status"] == s).count();
    assert_eq!(
        (status("SUBMITTED"), status("CREDIT_HOLD")),
        (8, 8),
        "{placed:?}"
    );
    let body = app
        .graphql_as(&t.portal, "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount currency } } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["organization"]["creditExposure"],
        json!([{ "amount": "12228.08", "currency": "EUR" }])
    );
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn an_order_invoiced_in_parts_is_invoiced_to_the_cent_of_its_net_and_tax() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let created = app
        .mutate(
            "productCreate",
            "product { id }",
            json!({ "sku": "THIRD", "name": "A third", "productLine": "Taxed", "unit": "EACH", "taxRatePercent": "19",
                    "listPrice": { "amount": "0.33", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    // Three at 0.33 are 0.99 net, and 19 % of that is 0.1881, so 0.19 tax. One at a time,
    // each part's tax is 0.0627, so 0.06: three such parts would tax 0.18.
    let placed = app
        .mutate(
            "orderSubmit",
            "order { id subtotal { amount } tax { amount } total { amount } }",
            json!({ "buyerId": t.dealer, "poNumber": "THIRDS", "lines": [{ "sku": "THIRD", "quantity": "3" }] }),
        )
        .await;
    let order = &placed["order"];
    assert_eq!(
        (
            &order["subtotal"]["amount"],
            &order["tax"]["amount"],
            &order["total"]["amount"]
        ),
        (&json!("0.99"), &json!("0.19"), &json!("1.18")),
        "{placed}"
    );
    let id = order["id"].clone();
    app.mutate(
        "orderAcknowledge",
        "order { id }",
        json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
    )
    .await;
    let version_of = || {
        let (app, id) = (&app, id.clone());
        async move {
            let body = app
                .graphql(
                    "query($id: ID!) { node(id: $id) { ... on Order { version } } }",
                    json!({ "id": id }),
                )
                .await;
            body["data"]["node"]["version"].as_i64().unwrap()
        }
    };
    let mut invoices = Vec::new();
    for _ in 0..3 {
        let version = version_of().await;
        let shipped = app
            .mutate("shipmentCreate", "shipment { id }", json!({ "orderId": id, "version": version, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "1" }] }))
            .await;
        assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
        let version = version_of().await;
        let invoiced = app
            .mutate(
                "invoiceCreate",
                "invoice { subtotal { amount } tax { amount } total { amount } }",
                json!({ "orderId": id, "version": version }),
            )
            .await;
        assert_eq!(invoiced["userErrors"], json!([]), "{invoiced}");
        invoices.push(invoiced["invoice"].clone());
    }
    // The first two are priced as shipped; the last takes what the order still lacks.
    assert_eq!(
        invoices,
        [
            json!({ "subtotal": { "amount": "0.33" }, "tax": { "amount": "0.06" }, "total": { "amount": "0.39" } }),
            json!({ "subtotal": { "amount": "0.33" }, "tax": { "amount": "0.06" }, "total": { "amount": "0.39" } }),
            json!({ "subtotal": { "amount": "0.33" }, "tax": { "amount": "0.07" }, "total": { "amount": "0.40" } }),
        ]
    );
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Order { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["node"]["status"], "INVOICED", "{body}");
    assert_balances_are_the_sums(&app).await;
}

/// An order's payload shows its lines as written, without reading them back: equal to what
/// reading the order shows, for each of two submissions in one document, and refused where
/// reading the products would be.
#[tokio::test]
async fn a_submitted_orders_lines_in_its_payload_are_what_reading_it_shows() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    const ORDER: &str = "fragment O on Order { id number version status total { amount currency }
        lines { lineNumber buyerPartNumber itemCode { qualifier code } orderedUnit packSize
          quantity unit unitPrice { amount currency } orderedUnitPrice { amount } priceSource
          lineTotal { amount currency } taxRatePercent taxAmount { amount } requestedDate
          status acceptedQuantity
          product { id sku name listPrice { amount currency } } } }";
    let mut other = two_lines("PO-PAYLOAD-2");
    other["lines"] = json!([
        { "sku": "GADGET-1", "quantity": "3", "lineNumber": 7 },
        { "sku": "widget-1", "quantity": "1.5", "lineNumber": 2, "requestedDate": "2026-12-24" }
    ]);
    let placed = app
        .graphql_as(
            &t.portal,
            &format!(
                "mutation($a: OrderSubmitInput!, $b: OrderSubmitInput!) {{
                   first: orderSubmit(input: $a) {{ order {{ ...O }} userErrors {{ message }} }}
                   second: orderSubmit(input: $b) {{ order {{ ...O }} userErrors {{ message }} }} }} {ORDER}"
            ),
            json!({ "a": two_lines("PO-PAYLOAD-1"), "b": other }),
        )
        .await;
    assert!(placed.get("errors").is_none(), "{placed}");
    for key in ["first", "second"] {
        let shown = &placed["data"][key]["order"];
        assert_eq!(placed["data"][key]["userErrors"], json!([]), "{placed}");
        let read = app
            .graphql_as(
                &t.portal,
                &format!("query($n: String!) {{ order(number: $n) {{ ...O }} }} {ORDER}"),
                json!({ "n": shown["number"] }),
            )
            .await;
        assert_eq!(&read["data"]["order"], shown, "{key}");
    }
    assert_eq!(
        placed["data"]["second"]["order"]["lines"][0]["lineNumber"],
        2
    );

    // A token that trades but may not read the catalog is refused the products, and one
    // that may not read orders the lines, as when reading the order.
    for (i, (scopes, selection, refused, scope)) in [
        (
            ["ORDERS_READ", "ORDERS_WRITE"],
            "lines { lineNumber product { sku } }",
            vec![
                json!(["orderSubmit", "order", "lines", 0, "product"]),
                json!(["orderSubmit", "order", "lines", 1, "product"]),
            ],
            "catalog:read",
        ),
        (
            ["ORDERS_WRITE", "CATALOG_READ"],
            "number lines { lineNumber }",
            vec![json!(["orderSubmit", "order", "lines"])],
            "orders:read",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let token = app.api_token(&t.distributor, &scopes).await;
        let placed = app
            .graphql_as(
                &token,
                &format!("mutation($a: OrderSubmitInput!) {{ orderSubmit(input: $a) {{ order {{ {selection} }} }} }}"),
                json!({ "a": two_lines(&format!("PO-PAYLOAD-SCOPE-{i}")) }),
            )
            .await;
        let errors = placed["errors"].as_array().expect("refused");
        let paths: Vec<Value> = errors.iter().map(|e| e["path"].clone()).collect();
        assert_eq!(paths, refused, "{placed}");
        assert!(
            errors
                .iter()
                .all(|e| e["message"].as_str().unwrap().contains(scope)),
            "{placed}"
        );
    }
}
