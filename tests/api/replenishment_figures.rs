//! The replenishment figures of the scorecards on a year small enough to work out by hand:
//! a distributor's fill rate, stock-out weeks, weeks of supply against its targets and how it
//! decided proposals; a supplier's deliveries against its weekly commitments. The scorecards
//! are read as of Sunday 2025-12-28, so every week of the year has passed.

use chrono::{Datelike, Days, NaiveDate};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};

use crate::analytics::{accept_all, at, order, set, ship};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::mutate_as;

const AS_OF: &str = "2025-12-28";

fn date(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

/// The Monday of the week `weeks` before the week of 2025-12-22.
fn week(weeks: u64) -> NaiveDate {
    date("2025-12-22") - Days::new(7 * weeks)
}

async fn ok(app: &TestApp, mutation: &str, selection: &str, input: Value) -> Value {
    let body = app.mutate(mutation, selection, input).await;
    assert_eq!(body["userErrors"], json!([]), "{mutation}: {body}");
    body
}

async fn sold(app: &TestApp, org: &str, monday: NaiveDate, lines: Value) {
    ok(
        app,
        "sellThroughReportSubmit",
        "report { id }",
        json!({ "organizationId": org, "periodStart": monday.to_string(),
                "periodEnd": (monday + Days::new(6)).to_string(), "lines": lines }),
    )
    .await;
}

async fn stock(app: &TestApp, org: &str, as_of: NaiveDate, lines: Value) {
    ok(
        app,
        "inventoryReportSubmit",
        "report { id }",
        json!({ "organizationId": org, "asOf": as_of.to_string(), "lines": lines }),
    )
    .await;
}

/// Moves a product's commitments from week `from` to week `to`: a supplier commits only for
/// weeks to come, and these were made a year before the test ran.
async fn move_commitments(app: &TestApp, product: &str, from: NaiveDate, to: NaiveDate) {
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE supplier_commitments SET week_start = $1 WHERE product_id = $2 AND week_start = $3"
        }
        _ => {
            "UPDATE supplier_commitments SET week_start = ? WHERE product_id = ? AND week_start = ?"
        }
    };
    let values: Vec<SqlValue> = vec![to.into(), uuid_of(product).into(), from.into()];
    let done = app
        .db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap();
    assert!(done.rows_affected() > 0, "no commitment for {from}");
}

#[tokio::test]
async fn replenishment_figures_in_the_scorecards_are_worked_out_by_hand() {
    let app = spawn_app().await;
    let brand = app.create_org("BRAND", "Aurora", "BRAND").await;
    let supplier = app.create_org("SUPPLIER", "Teile GmbH", "SUP-1").await;
    let mut products = Vec::new();
    for (sku, cost) in [("W", "60"), ("P", "5")] {
        let body = ok(
            &app,
            "productCreate",
            "product { id }",
            json!({ "sku": sku, "name": sku, "productLine": "Widgets", "unit": "EACH",
                    "listPrice": { "amount": "100", "currency": "EUR" }, "standardCost": cost,
                    "suppliers": [{ "supplierId": supplier }] }),
        )
        .await;
        products.push(body["product"]["id"].as_str().unwrap().to_owned());
    }
    let (w, p) = (products[0].clone(), products[1].clone());
    let list = app
        .create_price_list("GOLD", &[(&w, "1", "80"), (&p, "1", "8")])
        .await;
    let gold = app.create_tier("GOLD", &list, 60).await;
    let dist = app.create_org("DISTRIBUTOR", "Nordlicht", "DIST-1").await;
    app.link(&brand, &dist, "DISTRIBUTES_TO").await;
    app.assign_tier(&dist, &gold).await;
    // DIST-1 aims for 3 weeks of supply, and 1 week of P.
    for input in [
        json!({ "partnerId": dist, "targetWeeks": "3" }),
        json!({ "partnerId": dist, "productId": p, "targetWeeks": "1" }),
    ] {
        ok(
            &app,
            "replenishmentPolicyCreate",
            "replenishmentPolicy { id }",
            input,
        )
        .await;
    }

    // Sell-through: 13 W and 2 P every week of the 13 up to 2025-12-28, and 13 W in the
    // week before those (of 2025-09-22).
    for k in 0..=13 {
        let lines = if k < 13 {
            json!([{ "sku": "W", "quantity": "13" }, { "sku": "P", "quantity": "2" }])
        } else {
            json!([{ "sku": "W", "quantity": "13" }])
        };
        sold(&app, &dist, week(k), lines).await;
    }
    // Stock counts: on the day, and one after it that the scorecard does not see; in three
    // weeks with sales, a product counted at none (or not counted); and none of W in a June
    // week without any sales report.
    for (on, lines) in [
        (
            "2025-12-28",
            json!([{ "sku": "W", "onHand": "26" }, { "sku": "P", "onHand": "4" }]),
        ),
        (
            "2026-01-05",
            json!([{ "sku": "W", "onHand": "999" }, { "sku": "P", "onHand": "999" }]),
        ),
        (
            "2025-12-10",
            json!([{ "sku": "W", "onHand": "0" }, { "sku": "P", "onHand": "5" }]),
        ),
        ("2025-11-20", json!([{ "sku": "P", "onHand": "0" }])),
        ("2025-09-24", json!([{ "sku": "W", "onHand": "0" }])),
        ("2025-06-04", json!([{ "sku": "W", "onHand": "0" }])),
    ] {
        stock(&app, &dist, date(on), lines).await;
    }

    // Orders from the brand: W 10 (8 shipped), P 5 (all shipped), W 20 (none yet), one
    // cancelled, and one in the year before.
    let staff = app.token.clone();
    let a = order(&app, &dist, "W", 10, "2025-03-10").await;
    accept_all(&app, &staff, &a, &[1]).await;
    ship(&app, &staff, &a, &[(1, 8)], "2025-03-12").await;
    let b = order(&app, &dist, "P", 5, "2025-06-01").await;
    accept_all(&app, &staff, &b, &[1]).await;
    ship(&app, &staff, &b, &[(1, 5)], "2025-06-03").await;
    order(&app, &dist, "W", 20, "2025-11-01").await;
    let old = order(&app, &dist, "W", 50, "2024-11-01").await;
    accept_all(&app, &staff, &old, &[1]).await;
    ship(&app, &staff, &old, &[(1, 50)], "2024-11-03").await;
    let cancelled = order(&app, &dist, "W", 100, "2025-05-01").await;
    let body = ok(
        &app,
        "orderCancel",
        "order { status }",
        json!({ "id": cancelled, "version": 1 }),
    )
    .await;
    assert_eq!(body["order"]["status"], "CANCELLED");

    // Proposals, made today from today's count and last week's sales, and decided on the
    // days set below: two accepted (one ordered by the brand when its window passed), two
    // rejected, one rejected the year before, one superseded and one waiting.
    let today = chrono::Utc::now().date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    stock(
        &app,
        &dist,
        today,
        json!([{ "sku": "W", "onHand": "0" }, { "sku": "P", "onHand": "0" }]),
    )
    .await;
    sold(
        &app,
        &dist,
        monday - Days::new(7),
        json!([{ "sku": "W", "quantity": "13" }, { "sku": "P", "quantity": "2" }]),
    )
    .await;
    app.create_user(
        "buyer@dist-1.test",
        "buyer password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&dist)),
    )
    .await;
    let portal = app.token_for("buyer@dist-1.test", "buyer password 1").await;
    for (decision, decided) in [
        ("reject", Some("2025-04-01")),
        ("accept", Some("2025-07-01")),
        ("accept-by-brand", Some("2025-08-01")),
        ("reject", Some("2025-10-01")),
        ("reject", Some("2024-06-01")),
        ("wait", None),
        ("wait", None),
    ] {
        let proposed = ok(
            &app,
            "replenishmentPropose",
            "proposal { id version }",
            json!({ "distributorId": dist }),
        )
        .await;
        let proposal = &proposed["proposal"];
        let input = json!({ "id": proposal["id"], "version": proposal["version"] });
        let decided_body = match decision {
            "reject" => {
                let mut input = input;
                input["reason"] = json!("Enough on the shelf");
                mutate_as(
                    &app,
                    &portal,
                    "replenishmentProposalReject",
                    "ReplenishmentProposalRejectInput",
                    "proposal { id order { id } }",
                    input,
                )
                .await
            }
            "wait" => continue,
            _ => {
                // One unit of the first line: what was proposed is covered by the orders
                // already accepted.
                let mut input = input;
                input["lines"] = json!([{ "lineNumber": 1, "quantity": "1" }]);
                mutate_as(
                    &app,
                    &portal,
                    "replenishmentProposalAccept",
                    "ReplenishmentProposalAcceptInput",
                    "proposal { id order { id } }",
                    input,
                )
                .await
            }
        };
        assert_eq!(decided_body["userErrors"], json!([]), "{decided_body}");
        let id = proposal["id"].as_str().unwrap();
        let day = decided.unwrap();
        set(
            &app,
            "replenishment_proposals",
            id,
            &[("decided_at", at(&format!("{day}T12:00:00Z")))],
        )
        .await;
        if decision == "accept-by-brand" {
            let order = decided_body["proposal"]["order"]["id"].as_str().unwrap();
            set(&app, "orders", order, &[("brand_initiated", true.into())]).await;
        }
    }

    // SUP-1 committed W and P for four weeks of December 2025 (and one of January 2026),
    // W's first week twice: 50, then 20.
    let this_week = monday;
    let commit = |product: String, weeks: Vec<(u64, &'static str)>| {
        let (app, supplier) = (&app, supplier.clone());
        async move {
            let weeks: Vec<Value> = weeks
                .iter()
                .map(|(k, q)| json!({ "weekStart": (this_week + Days::new(7 * k)).to_string(), "quantity": q }))
                .collect();
            ok(
                app,
                "supplierCommit",
                "commitments { quantity }",
                json!({ "supplierId": supplier, "productId": product, "weeks": weeks }),
            )
            .await;
        }
    };
    commit(w.clone(), vec![(0, "50"), (1, "10"), (2, "15"), (3, "5")]).await;
    commit(w.clone(), vec![(0, "20")]).await;
    commit(p.clone(), vec![(1, "30")]).await;
    let ahead = |k: u64| this_week + Days::new(7 * k);
    for (product, from, to) in [
        (&w, ahead(0), date("2025-12-01")),
        (&w, ahead(1), date("2025-12-08")),
        (&w, ahead(2), date("2025-12-22")),
        (&w, ahead(3), date("2026-01-05")),
        (&p, ahead(1), date("2025-12-08")),
    ] {
        move_commitments(&app, product, from, to).await;
    }
    // The brand bought 40 W and 30 P; SUP-1 shipped 25 W in the week of 12-01, 4 W in the
    // week of 12-08 and 30 P on its Sunday, and 11 W on Monday 12-29.
    let po = ok(
        &app,
        "purchaseOrderCreate",
        "order { id }",
        json!({ "supplierId": supplier, "currency": "EUR", "lines": [
            { "sku": "W", "quantity": "40", "unitPrice": "60" },
            { "sku": "P", "quantity": "30", "unitPrice": "5" }] }),
    )
    .await;
    let po = po["order"]["id"].as_str().unwrap().to_owned();
    set(
        &app,
        "orders",
        &po,
        &[("submitted_at", at("2025-11-25T08:00:00Z"))],
    )
    .await;
    app.create_user(
        "ops@sup-1.test",
        "ops password 1",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&supplier)),
    )
    .await;
    let sup = app.token_for("ops@sup-1.test", "ops password 1").await;
    accept_all(&app, &sup, &po, &[1, 2]).await;
    for (lines, on) in [
        (vec![(1, 25)], "2025-12-03"),
        (vec![(1, 4)], "2025-12-10"),
        (vec![(2, 30)], "2025-12-14"),
        (vec![(1, 11)], "2025-12-29"),
    ] {
        ship(&app, &sup, &po, &lines, on).await;
    }

    let body = app
        .graphql(
            &format!(
                "query($d: ID!, $s: ID!) {{
                d: node(id: $d) {{ ... on Distributor {{ scorecard(asOf: \"{AS_OF}\") {{ replenishment {{
                    unitsOrdered unitsShipped fillRate stockOutWeeks productsPlanned productsBelowTarget
                    weeksOfSupply targetWeeksOfSupply proposalsAccepted proposalsOrderedByBrand
                    proposalsRejected proposalAcceptanceRate }} }} }} }}
                s: node(id: $s) {{ ... on Supplier {{ scorecard(asOf: \"{AS_OF}\") {{ commitments {{
                    weeksCommitted weeksMet weeksMetRate unitsCommitted unitsDelivered deliveryRate }} }} }} }} }}"
            ),
            json!({ "d": dist, "s": supplier }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // DIST-1, by hand:
    // - fill rate: 10 + 5 + 20 ordered in 2025 (the cancelled order and 2024's do not
    //   count; the proposals' orders were placed today), 8 + 5 shipped: 13 / 35 = 0.3714;
    // - stock-outs: W in the week of 12-08 (counted at 0), W and P in the week of 11-17 (W
    //   not counted, P at 0), W in the week of 09-22 (P did not sell that week); June's
    //   week sold nothing: 4;
    // - weeks of supply: 13 weeks of 13 W and 2 P a week, 26 W and 4 P on hand:
    //   30 / 15 = 2.0 weeks against (3 × 13 + 1 × 2) / 15 = 2.7; W lasts 2 weeks of its 3;
    // - proposals: 2 accepted (1 by the brand), 2 rejected in 2025: 0.5.
    assert_eq!(
        body["data"]["d"]["scorecard"]["replenishment"],
        json!({ "unitsOrdered": "35", "unitsShipped": "13", "fillRate": "0.3714",
                "stockOutWeeks": 4, "productsPlanned": 2, "productsBelowTarget": 1,
                "weeksOfSupply": "2.0", "targetWeeksOfSupply": "2.7",
                "proposalsAccepted": 2, "proposalsOrderedByBrand": 1, "proposalsRejected": 2,
                "proposalAcceptanceRate": "0.5000" })
    );
    // SUP-1, by hand: W 20 in the week of 12-01 (25 shipped: met), W 10 and P 30 in the week
    // of 12-08 (4 W: missed; 30 P on Sunday: met), W 15 in the week of 12-22 (the 11 came
    // the Monday after: missed); January's week is still to come, and the replaced 50 does
    // not count: 2 of 4 weeks, 59 of 75 units.
    assert_eq!(
        body["data"]["s"]["scorecard"]["commitments"],
        json!({ "weeksCommitted": 4, "weeksMet": 2, "weeksMetRate": "0.5000",
                "unitsCommitted": "75", "unitsDelivered": "59", "deliveryRate": "0.7867" })
    );
}
