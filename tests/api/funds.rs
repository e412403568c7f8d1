//! Partner funds: an MDF fund allocated by tier and a co-op fund accrued on purchases; a
//! partner requests money for an activity, the brand approves all or part of it, the partner
//! claims it with proof, a credit memo pays it, and money not claimed in time expires.
//! Balances and budgets hold under parallel requests and approvals.

use chrono::{Days, Utc};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::claims::{bought, day};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, assert_balances_are_the_sums, mutate_as, trade};

const REQUEST: &str = "fundRequest { id number status version requested { amount currency }
    approved { amount } claimed { amount } paid { amount } expiresOn leads attendees
    proofs { url digest } creditMemo { number amount { amount } lines { source fundRequest { number } } }
    campaign { code } fund { name } partner { code } }";

const BALANCE: &str = "allocated { amount } requested { amount } approved { amount }
    claimed { amount } paid { amount } expired { amount } available { amount }";

/// The fund events written, oldest first.
async fn fund_events(app: &TestApp) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::event::Entity::find()
        .filter(entity::event::Column::EventType.starts_with("FUND_"))
        .order_by_asc(entity::event::Column::OccurredAt)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

fn ahead(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

const DIGEST: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// An MDF fund giving the distributor's tier `amount`, with `budget`.
async fn mdf(app: &TestApp, budget: &str, amount: &str) -> String {
    let tiers = app
        .graphql("{ partnerTiers { nodes { id code } } }", json!({}))
        .await;
    let gold = tiers["data"]["partnerTiers"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{tiers}"))
        .iter()
        .find(|t| t["code"] == "GOLD")
        .unwrap()["id"]
        .clone();
    let body = app
        .mutate(
            "fundCreate",
            "fund { id }",
            json!({ "name": "MDF 2026", "kind": "MDF", "startsOn": day(30), "endsOn": ahead(60),
                    "budget": { "amount": budget, "currency": "EUR" },
                    "tierAmounts": [{ "tierId": gold, "amount": { "amount": amount, "currency": "EUR" } }] }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["fund"]["id"].as_str().unwrap().to_owned()
}

async fn requested(app: &TestApp, t: &Trade, fund: &str, amount: &str) -> Value {
    mutate_as(
        app,
        &t.portal,
        "fundRequestSubmit",
        "FundRequestSubmitInput",
        REQUEST,
        json!({ "fundId": fund, "activity": "TRADE_SHOW", "title": "Hanover fair stand",
                "plan": "A 20 m² stand; leads into the portal", "startsOn": day(5), "endsOn": day(1),
                "amount": { "amount": amount, "currency": "EUR" } }),
    )
    .await
}

async fn balance(app: &TestApp, token: &str, fund: &str, partner: Option<&str>) -> Value {
    let body = app
        .graphql_as(
            token,
            &format!(
                "query($id: ID!, $p: ID) {{ node(id: $id) {{ ... on Fund {{ budget {{ amount }} tierAmounts {{ amount {{ amount }} }} balance(partnerId: $p) {{ {BALANCE} }} }} }} }}"
            ),
            json!({ "id": fund, "p": partner }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"].clone()
}

fn amounts(balance: &Value) -> Vec<String> {
    [
        "allocated",
        "requested",
        "approved",
        "claimed",
        "paid",
        "expired",
        "available",
    ]
    .iter()
    .map(|k| balance[k]["amount"].as_str().unwrap_or("?").to_owned())
    .collect()
}

async fn claimed(app: &TestApp, t: &Trade, id: &Value, version: &Value, amount: &str) -> Value {
    mutate_as(
        app,
        &t.portal,
        "fundClaimSubmit",
        "FundClaimSubmitInput",
        REQUEST,
        json!({ "id": id, "version": version, "amount": { "amount": amount, "currency": "EUR" },
                "proofs": [{ "url": "https://files.dist-1.test/fair/invoice.pdf", "digest": DIGEST },
                           { "url": "https://files.dist-1.test/fair/stand photo.jpg", "digest": DIGEST.to_uppercase().replace("SHA256", "sha256") }],
                "leads": 40, "attendees": 300 }),
    )
    .await
}

#[tokio::test]
async fn an_mdf_request_is_approved_in_part_claimed_with_proof_and_paid_by_a_credit_memo() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let fund = mdf(&app, "6000", "5000").await;
    let campaign = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            json!({ "code": "FAIR-26", "name": "Hanover fair", "channel": "EVENT", "startsOn": day(10), "endsOn": day(0),
                    "cost": { "amount": "0", "currency": "EUR" }, "material": "Stand" }),
        )
        .await;
    assert_eq!(campaign["userErrors"], json!([]), "{campaign}");
    let campaign = campaign["campaign"]["id"].clone();

    let first = requested(&app, &t, &fund, "3000").await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(
        (
            &first["fundRequest"]["number"],
            &first["fundRequest"]["status"]
        ),
        (&json!("FR-000001"), &json!("REQUESTED"))
    );
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        amounts(&own["balance"]),
        [
            "5000.00", "3000.00", "0.00", "0.00", "0.00", "0.00", "2000.00"
        ]
    );
    // Nor another organization's balance.
    let other = balance(&app, &t.portal, &fund, Some(&t.dealer)).await;
    assert_eq!(other["balance"], json!(null), "{other}");
    // A partner sees neither the budget nor the other tiers' amounts.
    assert_eq!(
        (&own["budget"], &own["tierAmounts"]),
        (&json!(null), &json!([]))
    );
    // More than is available is refused, naming the amount, and nothing is written.
    let over = requested(&app, &t, &fund, "2000.01").await;
    assert_eq!(
        over["userErrors"],
        json!([{ "field": ["input", "amount", "amount"], "code": "OUT_OF_RANGE",
                 "message": "2000.01 EUR is more than the 2000.00 EUR available" }]),
        "{over}"
    );
    let wrong = mutate_as(
        &app,
        &t.portal,
        "fundRequestSubmit",
        "FundRequestSubmitInput",
        "fundRequest { id }",
        json!({ "fundId": fund, "activity": "TRAINING", "title": "Course", "plan": "Two days",
                "startsOn": day(2), "endsOn": day(1), "amount": { "amount": "10", "currency": "USD" } }),
    )
    .await;
    assert_eq!(
        wrong["userErrors"][0]["field"],
        json!(["input", "amount", "currency"]),
        "{wrong}"
    );
    // An activity must lie within the fund's period, and the money is for a partner.
    let early = mutate_as(
        &app,
        &t.portal,
        "fundRequestSubmit",
        "FundRequestSubmitInput",
        "fundRequest { id }",
        json!({ "fundId": fund, "activity": "TRAINING", "title": "Course", "plan": "Two days",
                "startsOn": day(40), "endsOn": day(1), "amount": { "amount": "10", "currency": "EUR" } }),
    )
    .await;
    assert_eq!(
        early["userErrors"][0]["field"],
        json!(["input", "startsOn"]),
        "{early}"
    );
    let supplier = app
        .mutate(
            "fundRequestSubmit",
            "fundRequest { id }",
            json!({ "fundId": fund, "partnerId": t.supplier, "activity": "TRAINING", "title": "Course", "plan": "Two days",
                    "startsOn": day(2), "endsOn": day(1), "amount": { "amount": "10", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(
        supplier["userErrors"][0]["field"],
        json!(["input", "partnerId"]),
        "{supplier}"
    );

    // The partner may not decide its own request.
    let id = first["fundRequest"]["id"].clone();
    let own_approval = app
        .graphql_as(
            &t.portal,
            "mutation($id: ID!) { fundRequestApprove(input: { id: $id, version: 1 }) { fundRequest { id } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        own_approval["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{own_approval}"
    );

    let approved = app
        .mutate(
            "fundRequestApprove",
            REQUEST,
            json!({ "id": id, "version": 1, "amount": { "amount": "2400", "currency": "EUR" },
                    "campaignId": campaign, "note": "Stand size capped" }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let r = &approved["fundRequest"];
    assert_eq!(
        (
            &r["status"],
            &r["approved"],
            &r["expiresOn"],
            &r["campaign"]
        ),
        (
            &json!("APPROVED"),
            &json!({ "amount": "2400.00" }),
            &json!(ahead(90)),
            &json!({ "code": "FAIR-26" })
        ),
        "{approved}"
    );
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        amounts(&own["balance"]),
        [
            "5000.00", "0.00", "2400.00", "0.00", "0.00", "0.00", "2600.00"
        ]
    );

    // A claim above what was approved, or with a digest that is not one, is refused.
    let over = claimed(&app, &t, &id, &r["version"], "2400.01").await;
    assert_eq!(
        over["userErrors"][0]["field"],
        json!(["input", "amount", "amount"]),
        "{over}"
    );
    let bad = mutate_as(
        &app,
        &t.portal,
        "fundClaimSubmit",
        "FundClaimSubmitInput",
        "fundRequest { id }",
        json!({ "id": id, "version": r["version"], "amount": { "amount": "10", "currency": "EUR" },
                "proofs": [{ "url": "https://files.dist-1.test/a.pdf", "digest": "md5:abc" }] }),
    )
    .await;
    assert_eq!(
        bad["userErrors"][0]["field"],
        json!(["input", "proofs", "0", "digest"]),
        "{bad}"
    );
    let bad = mutate_as(
        &app,
        &t.portal,
        "fundClaimSubmit",
        "FundClaimSubmitInput",
        "fundRequest { id }",
        json!({ "id": id, "version": r["version"], "amount": { "amount": "10", "currency": "EUR" },
                "proofs": [{ "url": "ftp://files.dist-1.test/a.pdf", "digest": DIGEST }] }),
    )
    .await;
    assert_eq!(
        bad["userErrors"][0]["field"],
        json!(["input", "proofs", "0", "url"]),
        "{bad}"
    );
    for url in [
        "https://user:secret@files.dist-1.test/a.pdf",
        "https:/files.dist-1.test/a.pdf",
        "https:///files.dist-1.test/a.pdf",
        "https://127.0.0.1:8080/admin",
        "https://10.1.2.3/a.pdf",
        "https://[::1]/a.pdf",
        "https://localhost/a.pdf",
        "https://intranet/a.pdf",
    ] {
        let bad = mutate_as(
            &app,
            &t.portal,
            "fundClaimSubmit",
            "FundClaimSubmitInput",
            "fundRequest { id }",
            json!({ "id": id, "version": r["version"], "amount": { "amount": "10", "currency": "EUR" },
                    "proofs": [{ "url": url, "digest": DIGEST }] }),
        )
        .await;
        assert_eq!(
            bad["userErrors"][0]["field"],
            json!(["input", "proofs", "0", "url"]),
            "{url}: {bad}"
        );
    }
    let claim = claimed(&app, &t, &id, &r["version"], "2300").await;
    assert_eq!(claim["userErrors"], json!([]), "{claim}");
    let r = &claim["fundRequest"];
    assert_eq!(
        (
            &r["status"],
            &r["claimed"],
            &r["leads"],
            &r["attendees"],
            &r["proofs"]
        ),
        (
            &json!("CLAIMED"),
            &json!({ "amount": "2300.00" }),
            &json!(40),
            &json!(300),
            &json!([{ "url": "https://files.dist-1.test/fair/invoice.pdf", "digest": DIGEST },
                     { "url": "https://files.dist-1.test/fair/stand%20photo.jpg", "digest": DIGEST }])
        )
    );

    let paid = app
        .mutate(
            "fundClaimPay",
            REQUEST,
            json!({ "id": id, "version": r["version"] }),
        )
        .await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    assert_eq!(
        (
            &paid["fundRequest"]["status"],
            &paid["fundRequest"]["creditMemo"]
        ),
        (
            &json!("PAID"),
            &json!({ "number": "CM-000001", "amount": { "amount": "2300.00" },
                     "lines": [{ "source": "FUND_CLAIM", "fundRequest": { "number": "FR-000001" } }] })
        ),
        "{paid}"
    );
    assert_balances_are_the_sums(&app).await;
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        amounts(&own["balance"]),
        [
            "5000.00", "0.00", "0.00", "0.00", "2300.00", "0.00", "2700.00"
        ]
    );
    // Staff read any partner's balance, the budget, and what the fund brought.
    let staff = balance(&app, &app.token, &fund, Some(&t.distributor)).await;
    assert_eq!(staff["budget"], json!({ "amount": "6000.00" }));
    assert_eq!(amounts(&staff["balance"])[4], "2300.00");
    let figures = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Fund { figures { approved { amount } paid { amount } reportedLeads attendees campaigns leads returnOnPaid } } } }",
            json!({ "id": fund }),
        )
        .await;
    assert_eq!(
        figures["data"]["node"]["figures"],
        json!({ "approved": { "amount": "2400.00" }, "paid": { "amount": "2300.00" }, "reportedLeads": 40,
                "attendees": 300, "campaigns": 1, "leads": 0, "returnOnPaid": "0" }),
        "{figures}"
    );
    // The memo is on the partner's statement, and its events reached it.
    let statement = app
        .graphql_as(
            &t.portal,
            "query($org: ID!, $from: Date!, $to: Date!) { partnerStatement(organizationId: $org, from: $from, to: $to) {
                closingBalance { amount } entries { kind number } } }",
            json!({ "org": t.distributor, "from": day(1), "to": day(0) }),
        )
        .await;
    assert_eq!(
        statement["data"]["partnerStatement"],
        json!({ "closingBalance": { "amount": "-2300.00" }, "entries": [{ "kind": "CREDIT_MEMO", "number": "CM-000001" }] }),
        "{statement}"
    );
    assert_eq!(
        fund_events(&app).await,
        [
            "FUND_REQUESTED",
            "FUND_REQUEST_DECIDED",
            "FUND_CLAIMED",
            "FUND_CLAIM_DECIDED"
        ]
    );
}

#[tokio::test]
async fn co_op_accrues_on_purchases_and_balances_and_budgets_hold_under_parallel_requests() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // 300 widgets at 9.1234 and 10 gadgets at 80: 3537.02 invoiced; 2 % is 70.74.
    bought(&app, &t, "PO-COOP-1", "300", "10").await;
    let order = app
        .graphql(
            "{ orders(filter: { poNumber: \"PO-COOP-1\" }) { nodes { id version } } }",
            json!({}),
        )
        .await["data"]["orders"]["nodes"][0]
        .clone();
    let invoice = app
        .mutate(
            "invoiceCreate",
            "invoice { total { amount } }",
            json!({ "orderId": order["id"], "version": order["version"], "issuedOn": day(0) }),
        )
        .await;
    assert_eq!(invoice["userErrors"], json!([]), "{invoice}");
    let body = app
        .mutate(
            "fundCreate",
            "fund { id accrualRate }",
            json!({ "name": "Co-op 2026", "kind": "COOP", "startsOn": day(10), "endsOn": ahead(10),
                    "budget": { "amount": "50", "currency": "EUR" }, "accrualRate": "2" }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let fund = body["fund"]["id"].as_str().unwrap().to_owned();
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        own["balance"]["allocated"]["amount"], "70.74",
        "{own} {invoice}"
    );

    // Six requests of 20.00 at once: three fit in 70.74.
    let tries = (0..6).map(|_| requested(&app, &t, &fund, "20"));
    let results = futures_util::future::join_all(tries).await;
    let ids: Vec<Value> = results
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .map(|r| r["fundRequest"]["id"].clone())
        .collect();
    assert_eq!(ids.len(), 3, "{results:?}");
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        amounts(&own["balance"]),
        ["70.74", "60.00", "0.00", "0.00", "0.00", "0.00", "10.74"]
    );

    // Three approvals at once against a budget of 50.00: two fit.
    let tries = ids.iter().map(|id| {
        app.mutate(
            "fundRequestApprove",
            "fundRequest { status }",
            json!({ "id": id, "version": 1 }),
        )
    });
    let results = futures_util::future::join_all(tries).await;
    let approved = results
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .count();
    assert_eq!(approved, 2, "{results:?}");
    let refused = results
        .iter()
        .find(|r| r["userErrors"] != json!([]))
        .unwrap();
    assert_eq!(
        refused["userErrors"][0]["message"], "the fund has 10.00 EUR of its budget left",
        "{refused}"
    );
    // The budget cannot fall below what is committed.
    let lowered = app
        .mutate(
            "fundUpdate",
            "fund { budget { amount } }",
            json!({ "id": fund, "version": 1, "budget": { "amount": "39.99", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(
        lowered["userErrors"],
        json!([{ "field": ["input", "budget", "amount"], "code": "OUT_OF_RANGE",
                 "message": "the fund has committed 40.00 EUR already" }]),
        "{lowered}"
    );

    // Approved money past its last day reads as expired at once, cannot be claimed, and the
    // periodic pass marks it and tells the partner.
    app.db
        .execute_unprepared(&format!(
            "UPDATE fund_requests SET expires_on = '{}' WHERE status = 'APPROVED'",
            day(1)
        ))
        .await
        .unwrap();
    let list = app
        .graphql_as(
            &t.portal,
            "{ expired: fundRequests(filter: { status: EXPIRED }) { totalCount nodes { id version } } approved: fundRequests(filter: { status: APPROVED }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(list["data"]["expired"]["totalCount"], 2, "{list}");
    assert_eq!(list["data"]["approved"]["totalCount"], 0, "{list}");
    let late = list["data"]["expired"]["nodes"][0].clone();
    let refused = claimed(&app, &t, &late["id"], &late["version"], "5").await;
    assert_eq!(refused["userErrors"][0]["code"], "CONFLICT", "{refused}");
    let own = balance(&app, &t.portal, &fund, None).await;
    assert_eq!(
        amounts(&own["balance"]),
        ["70.74", "20.00", "0.00", "0.00", "0.00", "40.00", "10.74"]
    );
    let crm = channelgraph::settings::CrmSettings::default();
    let changed = channelgraph::program::sweep::sweep(&app.db, &crm)
        .await
        .unwrap();
    assert!(changed >= 2, "{changed}");
    let expired: Vec<String> = fund_events(&app)
        .await
        .into_iter()
        .filter(|e| e == "FUND_EXPIRED")
        .collect();
    assert_eq!(expired.len(), 2);
    let list = app
        .graphql_as(
            &t.portal,
            "{ fundRequests(filter: { status: EXPIRED }) { nodes { version } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list["data"]["fundRequests"]["nodes"],
        json!([{ "version": 3 }, { "version": 3 }]),
        "{list}"
    );
    // A second pass finds nothing left to mark.
    assert_eq!(
        channelgraph::program::sweep::sweep(&app.db, &crm)
            .await
            .unwrap(),
        0
    );
}
