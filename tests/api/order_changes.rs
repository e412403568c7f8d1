//! The buyer's change to an order before it ships: lines added, changed and cancelled, one
//! versioned step with its history, the new total checked against credit as a new order's
//! is, and the seller's line-level answers (quantity or price changed) both sides can see.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::orders::{assert_balances_are_the_sums, mutate_as, submit_as, trade, two_lines};

const CHANGED: &str = "order { id number status version total { amount currency }
    lines { lineNumber product { sku } quantity unitPrice { amount } orderedUnitPrice { amount } lineTotal { amount } status acceptedQuantity requestedDate }
    history { action fromStatus toStatus actorKind changes { field before after } note } }";

async fn change_as(app: &crate::helpers::TestApp, token: &str, input: Value) -> Value {
    mutate_as(
        app,
        token,
        "orderChange",
        "OrderChangeInput",
        CHANGED,
        input,
    )
    .await
}

#[tokio::test]
async fn a_buyer_changes_its_order_before_it_ships_and_the_seller_answers_line_by_line() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let placed = submit_as(&app, &t.portal, two_lines("PO-CH-1")).await;
    let id = placed["order"]["id"].as_str().unwrap().to_owned();
    assert_eq!(placed["order"]["total"]["amount"], "1528.51");

    // Fewer widgets at the price the line was placed at, no gadgets, and ten more widgets
    // on a new line at today's price for ten (10.00).
    let changed = change_as(
        &app,
        &t.portal,
        json!({ "id": id, "version": 1, "note": "budget cut", "lines": [
            { "action": "CHANGE", "lineNumber": 1, "quantity": "50", "requestedDate": "2026-12-10" },
            { "action": "CANCEL", "lineNumber": 2 },
            { "action": "ADD", "lineNumber": 3, "sku": "widget-1", "quantity": "10", "unitPrice": "10.00" },
        ] }),
    )
    .await;
    assert_eq!(changed["userErrors"], json!([]), "{changed}");
    let order = &changed["order"];
    assert_eq!(order["status"], "SUBMITTED");
    assert_eq!(order["version"], 2);
    // 50 × 9.1234 = 456.17; 10 × 10.00 = 100.00.
    assert_eq!(
        order["total"],
        json!({ "amount": "556.17", "currency": "EUR" })
    );
    let lines: Vec<(i64, &str, &str, &str)> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lineNumber"].as_i64().unwrap(),
                l["status"].as_str().unwrap(),
                l["quantity"].as_str().unwrap(),
                l["lineTotal"]["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (1, "OPEN", "50", "456.17"),
            (2, "CANCELLED", "2", "0.00"),
            (3, "OPEN", "10", "100.00"),
        ]
    );
    assert_eq!(order["lines"][0]["requestedDate"], "2026-12-10");
    let step = &order["history"][1];
    assert_eq!(step["action"], "CHANGED");
    assert_eq!(step["actorKind"], "PARTNER_USER");
    assert_eq!(step["note"], "change 1: budget cut");
    let changes = step["changes"].as_array().unwrap();
    for expected in [
        json!({ "field": "lines.1.quantity", "before": "150", "after": "50" }),
        json!({ "field": "lines.2.status", "before": "OPEN", "after": "CANCELLED" }),
        json!({ "field": "lines.3", "before": null, "after": "10 × WIDGET-1" }),
        json!({ "field": "total", "before": "1528.51 EUR", "after": "556.17 EUR" }),
    ] {
        assert!(changes.contains(&expected), "{expected} in {step}");
    }
    let events = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT event_type FROM events WHERE event_type = 'ORDER_CHANGED'",
        ))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);

    // Refused, and nothing changes: the seller's side, a price that is not the line's, a
    // line number taken, a line already cancelled, nothing changed, a stale version.
    let refusals = [
        (
            json!([{ "action": "CHANGE", "lineNumber": 1, "unitPrice": "8.00" }]),
            "PRICE_MISMATCH",
            "input.lines.0.unitPrice",
        ),
        (
            json!([{ "action": "ADD", "lineNumber": 1, "sku": "WIDGET-1", "quantity": "1" }]),
            "TAKEN",
            "input.lines.0.lineNumber",
        ),
        (
            json!([{ "action": "CHANGE", "lineNumber": 2, "quantity": "5" }]),
            "ILLEGAL_TRANSITION",
            "input.lines.0.lineNumber",
        ),
        (
            json!([{ "action": "CHANGE", "lineNumber": 1, "quantity": "50" }]),
            "INVALID",
            "input.lines.0.lineNumber",
        ),
        (
            json!([{ "action": "CANCEL", "lineNumber": 1 }, { "action": "CANCEL", "lineNumber": 3 }]),
            "INVALID",
            "input.lines",
        ),
        (
            json!([{ "action": "ADD", "lineNumber": 4, "sku": "NOPE-1", "quantity": "1" }]),
            "NOT_FOUND",
            "input.lines.0.sku",
        ),
        (
            json!([{ "action": "CANCEL", "lineNumber": 3, "quantity": "1" }]),
            "INVALID",
            "input.lines.0.quantity",
        ),
        (
            json!([{ "action": "CHANGE", "lineNumber": 3 }]),
            "REQUIRED",
            "input.lines.0.action",
        ),
        (
            json!([{ "action": "CHANGE", "lineNumber": 3, "quantity": "0" }]),
            "OUT_OF_RANGE",
            "input.lines.0.quantity",
        ),
    ];
    for (lines, code, field) in refusals {
        let e = change_as(
            &app,
            &t.portal,
            json!({ "id": id, "version": 2, "lines": lines }),
        )
        .await;
        assert_eq!(e["userErrors"][0]["code"], code, "{lines}: {e}");
        let path: Vec<&str> = e["userErrors"][0]["field"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(path.join("."), field, "{e}");
    }
    let price = change_as(
        &app,
        &t.portal,
        json!({ "id": id, "version": 2, "lines": [{ "action": "CHANGE", "lineNumber": 1, "unitPrice": "8.00" }] }),
    )
    .await;
    assert_eq!(
        price["userErrors"][0]["message"],
        "line 1 is priced 9.1234 EUR a unit; a buyer's change keeps the price the order was placed at"
    );
    let stale = change_as(
        &app,
        &t.portal,
        json!({ "id": id, "version": 1, "lines": [{ "action": "CANCEL", "lineNumber": 3 }] }),
    )
    .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT", "{stale}");
    let by_seller = app
        .graphql(
            &format!("mutation($input: OrderChangeInput!) {{ orderChange(input: $input) {{ {CHANGED} userErrors {{ code }} }} }}"),
            json!({ "input": { "id": id, "version": 2, "lines": [{ "action": "CANCEL", "lineNumber": 3 }] } }),
        )
        .await;
    assert!(
        by_seller.get("errors").is_some() || by_seller["data"]["orderChange"]["order"].is_null(),
        "{by_seller}"
    );
    let now = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Order { version total { amount } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        now["data"]["node"],
        json!({ "version": 2, "total": { "amount": "556.17" } })
    );

    // The seller answers the open lines: fewer widgets on line 1 (IQ), another price on
    // line 3 (IP). The cancelled line is not answered.
    let acked = app
        .mutate(
            "orderAcknowledge",
            CHANGED,
            json!({ "id": id, "version": 2, "lines": [
                { "lineNumber": 1, "decision": "CHANGE", "quantity": "40" },
                { "lineNumber": 3, "decision": "CHANGE", "unitPrice": "9.50" },
            ] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    // The buyer sees each line's answer, and what it ordered at.
    let seen = app
        .graphql_as(
            &t.portal,
            "query($id: ID!) { node(id: $id) { ... on Order { status total { amount } lines { lineNumber status acceptedQuantity unitPrice { amount } orderedUnitPrice { amount } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        seen["data"]["node"],
        json!({ "status": "ACKNOWLEDGED", "total": { "amount": "459.94" }, "lines": [
            { "lineNumber": 1, "status": "QUANTITY_CHANGED", "acceptedQuantity": "40", "unitPrice": { "amount": "9.1234" }, "orderedUnitPrice": null },
            { "lineNumber": 2, "status": "CANCELLED", "acceptedQuantity": "0", "unitPrice": { "amount": "80.00" }, "orderedUnitPrice": null },
            { "lineNumber": 3, "status": "PRICE_CHANGED", "acceptedQuantity": "10", "unitPrice": { "amount": "9.50" }, "orderedUnitPrice": { "amount": "10.00" } },
        ] }),
        "{seen}"
    );

    // Acknowledged, the order still takes a change; once shipped, no more.
    let more = change_as(
        &app,
        &t.portal,
        json!({ "id": id, "version": 3, "lines": [{ "action": "CHANGE", "lineNumber": 1, "quantity": "45" }] }),
    )
    .await;
    assert_eq!(more["userErrors"], json!([]), "{more}");
    assert_eq!(more["order"]["status"], "ACKNOWLEDGED");
    assert_eq!(more["order"]["lines"][0]["status"], "ACCEPTED");
    assert_eq!(more["order"]["lines"][0]["acceptedQuantity"], "45");
    let shipped = app
        .mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": id, "version": 4, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "45" }] }),
        )
        .await;
    assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
    let late = change_as(
        &app,
        &t.portal,
        json!({ "id": id, "version": 5, "lines": [{ "action": "CHANGE", "lineNumber": 3, "quantity": "5" }] }),
    )
    .await;
    assert_eq!(
        late["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{late}"
    );
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn a_change_past_the_credit_limit_waits_and_parallel_changes_never_pass_it_together() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Four orders of 1528.51 and room for two more gadgets (160 each) on top.
    app.mutate(
        "creditLimitSet",
        "organization { id }",
        json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await, "creditLimit": { "amount": "6434.04", "currency": "EUR" } }),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let placed = submit_as(&app, &t.portal, two_lines(&format!("PO-CL-{i}"))).await;
        assert_eq!(placed["order"]["status"], "SUBMITTED", "{placed}");
        ids.push(placed["order"]["id"].as_str().unwrap().to_owned());
    }
    let changes = ids.iter().map(|id| {
        let app = &app;
        let portal = t.portal.clone();
        async move {
            change_as(
                app,
                &portal,
                json!({ "id": id, "version": 1, "lines": [{ "action": "CHANGE", "lineNumber": 2, "quantity": "4" }] }),
            )
            .await
        }
    });
    let changed = futures_util::future::join_all(changes).await;
    let status = |s: &str| changed.iter().filter(|c| c["order"]["status"] == s).count();
    // Two changes fill the limit, so at least one waits. A hold frees its order's share, so
    // a change checked after it may fit again: one or two wait, as they happen to meet.
    let (open, waiting) = (status("SUBMITTED"), status("CREDIT_HOLD"));
    assert_eq!(open + waiting, 4, "{changed:?}");
    assert!((1..=2).contains(&waiting), "{changed:?}");
    let held = changed
        .iter()
        .find(|c| c["order"]["status"] == "CREDIT_HOLD")
        .unwrap();
    let history = held["order"]["history"].as_array().unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["SUBMITTED", "CHANGED", "CREDIT_HOLD"]
    );
    // Changed again while it waits, it still waits, with no second hold.
    let again = change_as(
        &app,
        &t.portal,
        json!({ "id": held["order"]["id"], "version": 2, "lines": [{ "action": "CHANGE", "lineNumber": 2, "quantity": "3" }] }),
    )
    .await;
    assert_eq!(again["order"]["status"], "CREDIT_HOLD", "{again}");
    assert_eq!(
        again["order"]["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["SUBMITTED", "CHANGED", "CREDIT_HOLD", "CHANGED"]
    );
    // What is open is exactly the orders that fit, within the limit.
    let body = app
        .graphql_as(&t.portal, "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount currency } } } }", json!({}))
        .await;
    let exposure: rust_decimal::Decimal =
        body["data"]["organization"]["creditExposure"][0]["amount"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(
        exposure,
        rust_decimal::Decimal::from(open as i64) * rust_decimal::Decimal::new(168851, 2)
    );
    assert!(exposure <= rust_decimal::Decimal::new(643404, 2));
    assert_balances_are_the_sums(&app).await;
}

/// A buyer's change that raises an order's total and the cancellation of the same order at
/// the same instant: one wins and the other is told the order changed meanwhile, never a
/// failure, however their locks on the order and the buyer's balance meet.
#[tokio::test]
async fn a_change_and_a_cancellation_at_once_end_in_one_of_them() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let limit = app
        .mutate(
            "creditLimitSet",
            "organization { id }",
            json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await,
                    "creditLimit": { "amount": "10000000", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(limit["userErrors"], json!([]), "{limit}");
    let mut ids = Vec::new();
    for i in 0..16 {
        let placed = submit_as(&app, &t.portal, two_lines(&format!("PO-RACE-{i}"))).await;
        assert_eq!(placed["userErrors"], json!([]), "{placed}");
        ids.push(placed["order"]["id"].as_str().unwrap().to_owned());
    }
    let cancel = "mutation($input: OrderCancelInput!) { orderCancel(input: $input) { order { status } userErrors { code } } }";
    let change = "mutation($input: OrderChangeInput!) { orderChange(input: $input) { order { status } userErrors { code message } } }";
    let races = ids.iter().map(|id| {
        let app = &app;
        let portal = &t.portal;
        async move {
            let (changed, cancelled) = futures_util::future::join(
                app.graphql_as(
                    portal,
                    change,
                    json!({ "input": { "id": id, "version": 1, "lines": [
                        { "action": "CHANGE", "lineNumber": 1, "quantity": "400" }] } }),
                ),
                app.graphql_as(
                    portal,
                    cancel,
                    json!({ "input": { "id": id, "version": 1 } }),
                ),
            )
            .await;
            (changed, cancelled)
        }
    });
    for (changed, cancelled) in futures_util::future::join_all(races).await {
        assert!(changed.get("errors").is_none(), "{changed}");
        assert!(cancelled.get("errors").is_none(), "{cancelled}");
        let won = [
            &changed["data"]["orderChange"],
            &cancelled["data"]["orderCancel"],
        ]
        .map(
            |payload| match payload["userErrors"].as_array().unwrap().as_slice() {
                [] => true,
                [e] if e["code"] == "CONFLICT" => false,
                other => panic!("{other:?}: {changed} {cancelled}"),
            },
        );
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "{changed} {cancelled}"
        );
    }
    assert_balances_are_the_sums(&app).await;
}

/// The seller's acknowledgement may lower what the buyer owes, never raise what it ordered,
/// and a raised price must fit the buyer's credit limit: acknowledgements at the same
/// instant are each checked against the others, and a refused one changes nothing.
#[tokio::test]
async fn an_acknowledgement_never_takes_more_than_ordered_or_a_buyer_past_its_credit_limit() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Four orders of 1528.51 and room for one more 160.00 on top.
    app.mutate(
        "creditLimitSet",
        "organization { id }",
        json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await, "creditLimit": { "amount": "6274.04", "currency": "EUR" } }),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let placed = submit_as(&app, &t.portal, two_lines(&format!("PO-ACK-{i}"))).await;
        assert_eq!(placed["order"]["status"], "SUBMITTED", "{placed}");
        ids.push(placed["order"]["id"].as_str().unwrap().to_owned());
    }
    let acknowledge = |id: String, lines: Value| {
        let app = &app;
        async move {
            mutate_as(
                app,
                &app.token,
                "orderAcknowledge",
                "OrderAcknowledgeInput",
                "order { status version total { amount } }",
                json!({ "id": id, "version": 1, "lines": lines }),
            )
            .await
        }
    };

    // More than was ordered, by CHANGE or BACKORDER, is the buyer's change to make.
    for second in [
        json!({ "lineNumber": 2, "decision": "CHANGE", "quantity": "3" }),
        json!({ "lineNumber": 2, "decision": "BACKORDER", "quantity": "3", "promisedDate": "2026-12-20" }),
    ] {
        let refused = acknowledge(
            ids[0].clone(),
            json!([{ "lineNumber": 1, "decision": "ACCEPT" }, second]),
        )
        .await;
        assert_eq!(refused["order"], Value::Null, "{refused}");
        let error = &refused["userErrors"][0];
        assert_eq!(error["code"], "OUT_OF_RANGE", "{refused}");
        assert_eq!(error["field"], json!(["input", "lines", "1", "quantity"]));
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("line 2 was ordered at 2"),
            "{refused}"
        );
    }

    // Each doubles the gadgets' price, 160.00 more: only one fits.
    let raised = ids.iter().map(|id| {
        acknowledge(
            id.clone(),
            json!([{ "lineNumber": 1, "decision": "ACCEPT" },
                   { "lineNumber": 2, "decision": "CHANGE", "unitPrice": "160" }]),
        )
    });
    let answers = futures_util::future::join_all(raised).await;
    let acknowledged: Vec<_> = answers
        .iter()
        .filter(|a| a["order"]["status"] == "ACKNOWLEDGED")
        .collect();
    assert_eq!(acknowledged.len(), 1, "{answers:?}");
    assert_eq!(acknowledged[0]["order"]["total"]["amount"], "1688.51");
    for refused in answers.iter().filter(|a| a["order"].is_null()) {
        let error = &refused["userErrors"][0];
        assert_eq!(error["code"], "OUT_OF_RANGE", "{refused}");
        assert_eq!(error["field"], json!(["input", "lines"]));
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("exceeds its credit limit of 6274.04 EUR"),
            "{refused}"
        );
    }
    // The refused ones are as they were: submitted, at version 1, at their total.
    let body = app
        .graphql(
            "{ orders(filter: { statuses: [SUBMITTED] }) { nodes { version total { amount } lines { status unitPrice { amount } } } } }",
            json!({}),
        )
        .await;
    let open = body["data"]["orders"]["nodes"].as_array().unwrap();
    assert_eq!(open.len(), 3, "{body}");
    for order in open {
        assert_eq!(order["version"], 1);
        assert_eq!(order["total"]["amount"], "1528.51");
        assert_eq!(order["lines"][1]["status"], "OPEN");
        assert_eq!(order["lines"][1]["unitPrice"]["amount"], "80.00");
    }
    // The one raise is booked once: the exposure is the limit, to the cent.
    let body = app
        .graphql_as(&t.portal, "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount currency } } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["organization"]["creditExposure"],
        json!([{ "amount": "6274.04", "currency": "EUR" }])
    );
    assert_balances_are_the_sums(&app).await;
}
