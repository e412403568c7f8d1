//! Volume rebates: a tier's retroactive program and a partner's incremental one, worked
//! out from what the distributor bought (3537.02 EUR invoiced) as figured by hand; a
//! partner sees its progress; after the period the brand settles a program once, even when
//! asked twice at once, and approves the rebate into a credit memo or refuses it.

use chrono::{Days, Utc};
use serde_json::{Value, json};

use crate::claims::{bought, day};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, assert_balances_are_the_sums, trade};

const PROGRESS: &str = "progress { partner { code } volume { amount } rate earned { amount } nextThreshold { amount } nextRate toNextThreshold { amount } }";

fn ahead(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

/// The distributor buys 300 widgets and 10 gadgets, invoiced five days ago: 3537.02 EUR.
async fn invoiced(app: &TestApp, t: &Trade) {
    bought(app, t, "PO-REBATE-1", "300", "10").await;
    let order = app
        .graphql(
            "{ orders(filter: { poNumber: \"PO-REBATE-1\" }) { nodes { id version } } }",
            json!({}),
        )
        .await["data"]["orders"]["nodes"][0]
        .clone();
    let invoice = app
        .mutate(
            "invoiceCreate",
            "invoice { total { amount } }",
            json!({ "orderId": order["id"], "version": order["version"], "issuedOn": day(5) }),
        )
        .await;
    assert_eq!(invoice["userErrors"], json!([]), "{invoice}");
    assert_eq!(
        invoice["invoice"]["total"]["amount"], "3537.02",
        "{invoice}"
    );
}

async fn gold(app: &TestApp) -> Value {
    let tiers = app
        .graphql("{ partnerTiers { nodes { id code } } }", json!({}))
        .await;
    tiers["data"]["partnerTiers"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{tiers}"))
        .iter()
        .find(|t| t["code"] == "GOLD")
        .unwrap()["id"]
        .clone()
}

fn threshold(from: &str, rate: &str) -> Value {
    json!({ "from": { "amount": from, "currency": "EUR" }, "rate": rate })
}

async fn program(app: &TestApp, input: Value) -> Value {
    app.mutate(
        "rebateProgramCreate",
        &format!(
            "rebateProgram {{ id name method thresholds {{ from {{ amount }} rate }} {PROGRESS} }}"
        ),
        input,
    )
    .await
}

async fn settle(app: &TestApp, id: &Value) -> Value {
    app.mutate(
        "rebateProgramSettle",
        "proposed { id number status version volume { amount } rate amount { amount } partner { code } }",
        json!({ "id": id }),
    )
    .await
}

#[tokio::test]
async fn rebates_follow_the_thresholds_and_settle_once_into_a_credit_memo() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    invoiced(&app, &t).await;
    let gold = gold(&app).await;

    // The tier's program ended yesterday: 1 % from the first euro, 2 % from 3000, 3 % from
    // 5000, retroactive. 3537.02 reached 2 %: 70.74, 1462.98 short of 3 %.
    let tier = program(
        &app,
        json!({ "name": "Gold volume", "startsOn": day(30), "endsOn": day(1), "method": "RETROACTIVE", "tierId": gold,
                "thresholds": [threshold("0", "1"), threshold("3000", "2"), threshold("5000", "3")] }),
    )
    .await;
    assert_eq!(tier["userErrors"], json!([]), "{tier}");
    assert_eq!(
        tier["rebateProgram"]["progress"],
        json!([{ "partner": { "code": "DIST-1" }, "volume": { "amount": "3537.02" }, "rate": "2",
                 "earned": { "amount": "70.74" }, "nextThreshold": { "amount": "5000.00" }, "nextRate": "3",
                 "toNextThreshold": { "amount": "1462.98" } }]),
        "{tier}"
    );
    // The distributor's own program runs on: 2 % from 1000, 4 % from 3000, incremental.
    // 2000 × 2 % + 537.02 × 4 % = 61.4808, 61.48; 1.7382 % over all.
    let own = program(
        &app,
        json!({ "name": "DIST-1 growth", "startsOn": day(30), "endsOn": ahead(30), "method": "INCREMENTAL", "partnerId": t.distributor,
                "thresholds": [threshold("1000", "2"), threshold("3000", "4")] }),
    )
    .await;
    assert_eq!(own["userErrors"], json!([]), "{own}");
    let mine = app
        .graphql_as(
            &t.portal,
            &format!("{{ rebatePrograms {{ totalCount nodes {{ name {PROGRESS} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["rebatePrograms"],
        json!({ "totalCount": 2, "nodes": [
            { "name": "DIST-1 growth", "progress": [{ "partner": { "code": "DIST-1" }, "volume": { "amount": "3537.02" }, "rate": "1.7382",
              "earned": { "amount": "61.48" }, "nextThreshold": null, "nextRate": null, "toNextThreshold": null }] },
            { "name": "Gold volume", "progress": [{ "partner": { "code": "DIST-1" }, "volume": { "amount": "3537.02" }, "rate": "2",
              "earned": { "amount": "70.74" }, "nextThreshold": { "amount": "5000.00" }, "nextRate": "3",
              "toNextThreshold": { "amount": "1462.98" } }] } ] }),
        "{mine}"
    );
    // Nobody else's progress, even named.
    let other = app
        .graphql_as(
            &t.portal,
            "query($id: ID!, $p: ID!) { node(id: $id) { ... on RebateProgram { progress(partnerId: $p) { rate } } } }",
            json!({ "id": tier["rebateProgram"]["id"], "p": t.dealer }),
        )
        .await;
    assert_eq!(other["data"]["node"]["progress"], json!([]), "{other}");

    // A program still running is not settled; a partner does not settle.
    let early = settle(&app, &own["rebateProgram"]["id"]).await;
    assert_eq!(early["userErrors"][0]["code"], "CONFLICT", "{early}");
    let by_partner = app
        .graphql_as(
            &t.portal,
            "mutation($id: ID!) { rebateProgramSettle(input: { id: $id }) { proposed { number } } }",
            json!({ "id": tier["rebateProgram"]["id"] }),
        )
        .await;
    assert_eq!(
        by_partner["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{by_partner}"
    );

    // Settled twice at once: one rebate.
    let tries = (0..2).map(|_| settle(&app, &tier["rebateProgram"]["id"]));
    let results = futures_util::future::join_all(tries).await;
    let proposed: Vec<&Value> = results
        .iter()
        .flat_map(|r| r["proposed"].as_array().unwrap().iter())
        .collect();
    assert_eq!(proposed.len(), 1, "{results:?}");
    let rebate = proposed[0].clone();
    assert_eq!(
        (
            &rebate["number"],
            &rebate["status"],
            &rebate["volume"],
            &rebate["rate"],
            &rebate["amount"],
            &rebate["partner"]
        ),
        (
            &json!("RB-000001"),
            &json!("PROPOSED"),
            &json!({ "amount": "3537.02" }),
            &json!("2"),
            &json!({ "amount": "70.74" }),
            &json!({ "code": "DIST-1" })
        )
    );
    let again = settle(&app, &tier["rebateProgram"]["id"]).await;
    assert_eq!(
        again,
        json!({ "proposed": [], "userErrors": [] }),
        "settled once"
    );

    let approved = app
        .mutate(
            "rebateSettlementApprove",
            "rebateSettlement { status creditMemo { number amount { amount } lines { source description rebate { number } } } }",
            json!({ "id": rebate["id"], "version": rebate["version"] }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    assert_eq!(
        approved["rebateSettlement"],
        json!({ "status": "APPROVED", "creditMemo": { "number": "CM-000001", "amount": { "amount": "70.74" },
                "lines": [{ "source": "REBATE", "description": "rebate RB-000001: Gold volume 3537.02 EUR at 2 %",
                            "rebate": { "number": "RB-000001" } }] } }),
        "{approved}"
    );
    assert_balances_are_the_sums(&app).await;
    let twice = app
        .mutate(
            "rebateSettlementApprove",
            "rebateSettlement { status }",
            json!({ "id": rebate["id"], "version": 2 }),
        )
        .await;
    assert_eq!(
        twice["userErrors"][0]["message"], "rebate RB-000001 is approved already",
        "{twice}"
    );

    // A second program of the distributor's, ended: 1 % of everything, 35.37, refused.
    let flat = program(
        &app,
        json!({ "name": "DIST-1 flat", "startsOn": day(30), "endsOn": day(1), "method": "RETROACTIVE", "partnerId": t.distributor,
                "thresholds": [threshold("0", "1")] }),
    )
    .await;
    let proposed = settle(&app, &flat["rebateProgram"]["id"]).await;
    assert_eq!(
        proposed["proposed"][0]["amount"],
        json!({ "amount": "35.37" }),
        "{proposed}"
    );
    let refused = app
        .mutate(
            "rebateSettlementReject",
            "rebateSettlement { status decisionNote creditMemo { number } }",
            json!({ "id": proposed["proposed"][0]["id"], "version": 1, "reason": "Returns netted off" }),
        )
        .await;
    assert_eq!(
        refused["rebateSettlement"],
        json!({ "status": "REJECTED", "decisionNote": "Returns netted off", "creditMemo": null }),
        "{refused}"
    );
    let own = app
        .graphql_as(
            &t.portal,
            "{ rebateSettlements { totalCount nodes { number status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["data"]["rebateSettlements"],
        json!({ "totalCount": 2, "nodes": [{ "number": "RB-000002", "status": "REJECTED" }, { "number": "RB-000001", "status": "APPROVED" }] }),
        "{own}"
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let events: Vec<String> = entity::event::Entity::find()
        .filter(entity::event::Column::EventType.starts_with("REBATE_"))
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
            "REBATE_PROPOSED",
            "REBATE_APPROVED",
            "REBATE_PROPOSED",
            "REBATE_REJECTED"
        ]
    );
}

/// The distributor reports what it sold from twenty days ago to two days ago.
async fn sold(app: &TestApp, t: &Trade, lines: Value) {
    let body = crate::orders::mutate_as(
        app,
        &t.portal,
        "sellThroughReportSubmit",
        "SellThroughReportSubmitInput",
        "report { id }",
        json!({ "periodStart": day(20), "periodEnd": day(2), "lines": lines }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

#[tokio::test]
async fn a_sell_through_rebate_counts_the_units_sold_on_at_what_the_partner_paid() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Bought: 300 widgets at 9.1234 and 10 gadgets at 80, invoiced five days ago.
    invoiced(&app, &t).await;
    app.create_product("SPROCKET-1", "Sprockets", "40").await;
    // A report for a period that began before the program's does not count.
    let early = crate::orders::mutate_as(
        &app,
        &t.portal,
        "sellThroughReportSubmit",
        "SellThroughReportSubmitInput",
        "report { id }",
        json!({ "periodStart": day(40), "periodEnd": day(21), "lines": [{ "sku": "WIDGET-1", "quantity": "200" }] }),
    )
    .await;
    assert_eq!(early["userErrors"], json!([]), "{early}");
    // Sold on: 100 widgets, 4 gadgets and 50 sprockets bought elsewhere.
    sold(
        &app,
        &t,
        json!([{ "sku": "WIDGET-1", "quantity": "100" }, { "sku": "GADGET-1", "quantity": "4" },
               { "sku": "SPROCKET-1", "quantity": "50" }]),
    )
    .await;

    // 100 × 2737.02 / 300 + 4 × 800 / 10 = 912.34 + 320 = 1232.34, which reached 2 %:
    // 24.6468, 24.65; 767.66 short of 3 %. The sprockets are worth nothing here.
    let created = program(
        &app,
        json!({ "name": "DIST-1 sell-through", "startsOn": day(30), "endsOn": day(1), "method": "RETROACTIVE",
                "basis": "SELL_THROUGH", "partnerId": t.distributor,
                "thresholds": [threshold("0", "1"), threshold("1000", "2"), threshold("2000", "3")] }),
    )
    .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let id = created["rebateProgram"]["id"].clone();
    let progress = |body: &Value| body["data"]["node"]["progress"].clone();
    let read = format!(
        "query($id: ID!) {{ node(id: $id) {{ ... on RebateProgram {{ basis {PROGRESS} }} }} }}"
    );
    let seen = app.graphql_as(&t.portal, &read, json!({ "id": id })).await;
    assert_eq!(seen["data"]["node"]["basis"], "SELL_THROUGH", "{seen}");
    assert_eq!(
        progress(&seen),
        json!([{ "partner": { "code": "DIST-1" }, "volume": { "amount": "1232.34" }, "rate": "2",
                 "earned": { "amount": "24.65" }, "nextThreshold": { "amount": "2000.00" }, "nextRate": "3",
                 "toNextThreshold": { "amount": "767.66" } }]),
        "{seen}"
    );

    // A corrected report for the same period replaces the first: 50 widgets and 2 gadgets,
    // 456.17 + 160 = 616.17 at 1 %: 6.1617, 6.16.
    sold(
        &app,
        &t,
        json!([{ "sku": "WIDGET-1", "quantity": "50" }, { "sku": "GADGET-1", "quantity": "2" }]),
    )
    .await;
    let seen = app.graphql_as(&t.portal, &read, json!({ "id": id })).await;
    assert_eq!(
        progress(&seen)[0]["volume"],
        json!({ "amount": "616.17" }),
        "{seen}"
    );

    let proposed = settle(&app, &id).await;
    assert_eq!(proposed["userErrors"], json!([]), "{proposed}");
    let rebate = proposed["proposed"][0].clone();
    assert_eq!(
        (&rebate["volume"], &rebate["rate"], &rebate["amount"]),
        (
            &json!({ "amount": "616.17" }),
            &json!("1"),
            &json!({ "amount": "6.16" })
        ),
        "{proposed}"
    );
    let approved = app
        .mutate(
            "rebateSettlementApprove",
            "rebateSettlement { creditMemo { amount { amount } lines { description } } }",
            json!({ "id": rebate["id"], "version": rebate["version"] }),
        )
        .await;
    assert_eq!(
        approved["rebateSettlement"]["creditMemo"],
        json!({ "amount": { "amount": "6.16" },
                "lines": [{ "description": "rebate RB-000001: DIST-1 sell-through 616.17 EUR sold on at 1 %" }] }),
        "{approved}"
    );
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
async fn a_program_that_cannot_be_worked_out_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let gold = gold(&app).await;
    for (input, field) in [
        (
            json!({ "thresholds": [threshold("1000", "2"), threshold("1000", "3")] }),
            json!(["input", "thresholds", "1", "from", "amount"]),
        ),
        (
            json!({ "thresholds": [threshold("0", "0")] }),
            json!(["input", "thresholds", "0", "rate"]),
        ),
        (
            json!({ "thresholds": [threshold("0", "1"), json!({ "from": { "amount": "10", "currency": "USD" }, "rate": "2" })] }),
            json!(["input", "thresholds", "1", "from", "currency"]),
        ),
        (
            json!({ "partnerId": t.distributor }),
            json!(["input", "tierId"]),
        ),
        (
            json!({ "tierId": null, "partnerId": t.supplier }),
            json!(["input", "partnerId"]),
        ),
        (
            json!({ "thresholds": [threshold("0", "3"), threshold("1000", "2")] }),
            json!(["input", "thresholds", "1", "rate"]),
        ),
        (
            json!({ "thresholds": [json!({ "from": { "amount": "10", "currency": "eur" }, "rate": "2" })] }),
            json!(["input", "thresholds", "0", "from", "currency"]),
        ),
        (
            json!({ "thresholds": [threshold("-100", "1")] }),
            json!(["input", "thresholds", "0", "from", "amount"]),
        ),
        (json!({ "endsOn": ahead(400) }), json!(["input", "endsOn"])),
    ] {
        let mut full = json!({ "name": "Bad", "startsOn": day(1), "endsOn": ahead(30), "method": "RETROACTIVE",
                               "tierId": gold, "thresholds": [threshold("0", "1")] });
        for (k, v) in input.as_object().unwrap() {
            full[k] = v.clone();
        }
        let body = program(&app, full).await;
        assert_eq!(body["userErrors"][0]["field"], field, "{body}");
    }
    let programs = app
        .graphql("{ rebatePrograms { totalCount } }", json!({}))
        .await;
    assert_eq!(
        programs["data"]["rebatePrograms"]["totalCount"], 0,
        "nothing was written: {programs}"
    );
}
