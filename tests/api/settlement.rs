//! Settlement: an approved claim is settled by a credit memo that lowers the distributor's
//! balance with the brand at once, goes out as an 812 to a distributor trading by X12, and
//! shows on its statement beside its invoices and payments.

use serde_json::{Value, json};

use crate::claims::{bought, claim, day, reported, sale};
use crate::edi::token;
use crate::edi_partners::{read_independently, retail_partner, segments_of};
use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, assert_balances_are_the_sums, trade};
use crate::special_prices::{authorised, served_customer};

const MEMO: &str = "creditMemo { id number issuedOn amount { amount currency } partner { code }
    lines { lineNumber source description amount { amount } claim { number } } }";

async fn exposure(app: &TestApp, t: &Trade) -> Value {
    let body = app
        .graphql_as(
            &t.portal,
            "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount } } } }",
            json!({}),
        )
        .await;
    body["data"]["organization"]["creditExposure"][0]["amount"].clone()
}

/// The order a distributor bought its stock with, invoiced today and paid 1000.00 of.
async fn invoiced(app: &TestApp) -> String {
    let order = app
        .graphql(
            "{ orders(filter: { poNumber: \"PO-STOCK-1\" }) { nodes { id version } } }",
            json!({}),
        )
        .await["data"]["orders"]["nodes"][0]
        .clone();
    let body = app
        .mutate(
            "invoiceCreate",
            "invoice { id number version total { amount } }",
            json!({ "orderId": order["id"], "version": order["version"], "issuedOn": day(0) }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let invoice = &body["invoice"];
    let paid = app
        .mutate(
            "paymentRecord",
            "invoice { status }",
            json!({ "invoiceId": invoice["id"], "version": invoice["version"],
                    "amount": { "amount": "1000.00", "currency": "EUR" }, "receivedOn": day(0), "reference": "BANK-7" }),
        )
        .await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    invoice["total"]["amount"].as_str().unwrap().to_owned()
}

/// A claim of 100 widgets bought at 9.1234 and authorised at 8.50: 62.34 allowed.
async fn filed(app: &TestApp, t: &Trade, reference: &str) -> Value {
    let filed = claim(
        app,
        t,
        reference,
        json!([sale("WIDGET-1", "INV-1", day(0), "100", "9.1234")]),
    )
    .await;
    assert_eq!(
        filed["claim"]["allowedAmount"]["amount"], "62.34",
        "{filed}"
    );
    filed["claim"]["id"].clone()
}

async fn ready(app: &TestApp, t: &Trade) {
    let customer = served_customer(app, t).await;
    authorised(app, t, &customer, "400", chrono::Utc::now().date_naive()).await;
    bought(app, t, "PO-STOCK-1", "300", "10").await;
    reported(app, t, &customer, "150", "30").await;
}

fn cents(amount: &str) -> i64 {
    let d: rust_decimal::Decimal = amount.parse().unwrap();
    (d * rust_decimal::Decimal::from(100)).try_into().unwrap()
}

#[tokio::test]
async fn an_approved_claim_is_settled_by_a_credit_memo_that_lowers_the_balance_and_shows_on_the_statement()
 {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    ready(&app, &t).await;
    let total = invoiced(&app).await;
    let id = filed(&app, &t, "DB-1").await;
    let before = exposure(&app, &t).await;
    assert_eq!(
        cents(before.as_str().unwrap()),
        cents(&total) - 100_000,
        "{before}"
    );

    let approved = app
        .mutate(
            "claimApprove",
            &format!("claim {{ status {MEMO} }}"),
            json!({ "id": id, "version": 1 }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let memo = &approved["claim"]["creditMemo"];
    assert_eq!(
        (
            &memo["number"],
            &memo["amount"],
            &memo["partner"]["code"],
            &memo["issuedOn"]
        ),
        (
            &json!("CM-000001"),
            &json!({ "amount": "62.34", "currency": "EUR" }),
            &json!("DIST-1"),
            &json!(day(0))
        ),
        "{approved}"
    );
    assert_eq!(
        memo["lines"],
        json!([{ "lineNumber": 1, "source": "SHIP_AND_DEBIT", "description": "claim CLM-000001 (DB-1)",
                 "amount": { "amount": "62.34" }, "claim": { "number": "CLM-000001" } }])
    );
    // The balance fell by the memo, in the approval's transaction; the kept balances are the
    // sums of orders, invoices and memos.
    let after = exposure(&app, &t).await;
    assert_eq!(
        cents(after.as_str().unwrap()),
        cents(before.as_str().unwrap()) - 6234
    );
    assert_balances_are_the_sums(&app).await;

    // The distributor's finance reads its memos and its statement.
    let own = app
        .graphql_as(
            &t.portal,
            "{ creditMemos { totalCount nodes { number } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["data"]["creditMemos"],
        json!({ "totalCount": 1, "nodes": [{ "number": "CM-000001" }] }),
        "{own}"
    );
    let statement = app
        .graphql_as(
            &t.portal,
            "query($org: ID!, $from: Date!, $to: Date!) { partnerStatement(organizationId: $org, from: $from, to: $to) {
                currency openingBalance { amount } closingBalance { amount }
                entries { kind on number amount { amount } balance { amount } } } }",
            json!({ "org": t.distributor, "from": day(30), "to": day(0) }),
        )
        .await;
    let s = &statement["data"]["partnerStatement"];
    let owed = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    assert_eq!(
        s,
        &json!({ "currency": "EUR", "openingBalance": { "amount": "0.00" },
            "closingBalance": { "amount": owed(cents(&total) - 100_000 - 6234) },
            "entries": [
                { "kind": "INVOICE", "on": day(0), "number": "INV-000001", "amount": { "amount": total }, "balance": { "amount": total } },
                { "kind": "PAYMENT", "on": day(0), "number": "BANK-7", "amount": { "amount": "-1000.00" }, "balance": { "amount": owed(cents(&total) - 100_000) } },
                { "kind": "CREDIT_MEMO", "on": day(0), "number": "CM-000001", "amount": { "amount": "-62.34" }, "balance": { "amount": owed(cents(&total) - 100_000 - 6234) } }
            ] }),
        "{statement}"
    );
    // A later period opens at the balance the earlier one closed at.
    let later = app
        .graphql_as(
            &t.portal,
            "query($org: ID!, $from: Date!, $to: Date!) { partnerStatement(organizationId: $org, from: $from, to: $to) { openingBalance { amount } entries { kind } } }",
            json!({ "org": t.distributor, "from": (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string(), "to": (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string() }),
        )
        .await;
    assert_eq!(
        later["data"]["partnerStatement"]["openingBalance"]["amount"],
        json!(owed(cents(&total) - 100_000 - 6234)),
        "{later}"
    );
    assert_eq!(later["data"]["partnerStatement"]["entries"], json!([]));

    // Another partner reads neither the memo nor the statement.
    let dealer = token(&app, &t.dealer, "ORDERS_READ").await;
    let theirs = app
        .graphql_as(&dealer, "{ creditMemos { totalCount } }", json!({}))
        .await;
    assert_eq!(theirs["data"]["creditMemos"]["totalCount"], 0, "{theirs}");
    let node = app
        .graphql_as(
            &dealer,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": memo["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");
    let stolen = app
        .graphql_as(
            &dealer,
            "query($org: ID!) { partnerStatement(organizationId: $org, from: \"2026-01-01\", to: \"2026-12-31\") { closingBalance { amount } } }",
            json!({ "org": t.distributor }),
        )
        .await;
    assert_eq!(stolen["data"], Value::Null, "{stolen}");
    assert_eq!(
        stolen["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{stolen}"
    );

    // The distributor trades by X12: the 812 says the memo, and the claim it settles.
    let docs = app
        .graphql_as(
            &t.portal,
            "{ ediDocuments(filter: { transactionSet: \"812\" }) { nodes { reference claim { number } interchange { content } } } }",
            json!({}),
        )
        .await;
    let doc = &docs["data"]["ediDocuments"]["nodes"][0];
    assert_eq!(
        (&doc["reference"], &doc["claim"]["number"]),
        (&json!("CM-000001"), &json!("CLM-000001")),
        "{docs}"
    );
    let content = doc["interchange"]["content"].as_str().unwrap();
    let body: Vec<Vec<String>> = segments_of(content)
        .into_iter()
        .skip_while(|s| s[0] != "BCD")
        .take_while(|s| s[0] != "SE")
        .collect();
    let today = day(0).replace('-', "");
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "BCD",
            &today,
            "CM-000001",
            "I",
            "62.34",
            "C",
            "",
            "",
            "",
            "",
            "",
            "00",
            "",
            "DM",
            "DB-1",
        ],
        vec!["CUR", "SE", "EUR"],
        vec!["N1", "MF", "Aurora", "91", "BRAND"],
        vec!["N1", "DS", "Nordlicht Vertrieb", "91", "DIST-1"],
        vec!["CDD", "ZZ", "C", "1", "62.34"],
        vec!["N9", "DM", "DB-1"],
        vec!["N9", "CT", "SPA-000001"],
    ];
    assert_eq!(body, expected, "{content}");
    assert!(content.contains("|CD|"), "{content}");
}

#[tokio::test]
async fn a_claim_approved_at_nothing_or_rejected_issues_no_memo_and_parallel_approvals_issue_one() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    ready(&app, &t).await;
    // Paid 8.00, below the authorised 8.50: nothing to claim.
    let zero = claim(
        &app,
        &t,
        "DB-Z",
        json!([sale("WIDGET-1", "INV-8", day(0), "1", "8.00")]),
    )
    .await;
    assert_eq!(zero["claim"]["allowedAmount"]["amount"], "0.00", "{zero}");
    let approved = app
        .mutate(
            "claimApprove",
            "claim { status creditMemo { number } }",
            json!({ "id": zero["claim"]["id"], "version": 1 }),
        )
        .await;
    assert_eq!(
        approved["claim"],
        json!({ "status": "APPROVED", "creditMemo": null }),
        "{approved}"
    );
    let id = filed(&app, &t, "DB-R").await;
    let rejected = app
        .mutate(
            "claimReject",
            "claim { status creditMemo { number } }",
            json!({ "id": id, "version": 1, "reason": "No proof" }),
        )
        .await;
    assert_eq!(
        rejected["claim"],
        json!({ "status": "REJECTED", "creditMemo": null }),
        "{rejected}"
    );

    // Six approvals of one claim at once: one memo, the balance lowered once.
    let id = filed(&app, &t, "DB-P").await;
    let before = exposure(&app, &t).await;
    let tries = (0..6).map(|_| {
        app.mutate(
            "claimApprove",
            "claim { creditMemo { number } }",
            json!({ "id": id, "version": 1 }),
        )
    });
    let results = futures_util::future::join_all(tries).await;
    let issued: Vec<&Value> = results
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .collect();
    assert_eq!(issued.len(), 1, "{results:?}");
    let memos = app
        .graphql("{ creditMemos { totalCount } }", json!({}))
        .await;
    assert_eq!(memos["data"]["creditMemos"]["totalCount"], 1, "{memos}");
    let after = exposure(&app, &t).await;
    assert_eq!(
        cents(after.as_str().unwrap()),
        cents(before.as_str().unwrap()) - 6234
    );
    assert_balances_are_the_sums(&app).await;
}

#[tokio::test]
#[ignore = "needs Node.js and tests/x12-interop's node-x12; .ci/run installs them and runs this with --ignored"]
async fn an_independent_parser_reads_the_812_of_a_credit_memo() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    retail_partner(&app, &t).await;
    ready(&app, &t).await;
    let id = filed(&app, &t, "DB-812").await;
    app.mutate(
        "claimApprove",
        "claim { status }",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    let docs = app
        .graphql("{ ediDocuments(filter: { transactionSet: \"812\" }) { nodes { interchange { content } } } }", json!({}))
        .await;
    let content = docs["data"]["ediDocuments"]["nodes"][0]["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = read_independently(&content);
    assert_eq!(read["problems"], json!([]), "{read}");
    assert_eq!(read["groups"][0]["gs"][0], "CD");
    assert_eq!(read["groups"][0]["sets"][0]["st"][0], "812");
    let segments = read["groups"][0]["sets"][0]["segments"].as_array().unwrap();
    let cdd: Vec<&Value> = segments.iter().filter(|s| s[0] == "CDD").collect();
    assert_eq!(cdd, [&json!(["CDD", "ZZ", "C", "1", "62.34"])]);
}

/// The channel money figures of the distributor's scorecard and the brand's portfolio, over
/// a fixture worked out by hand: 3537.02 bought; a claim of 62.34 paid and one of 62.34
/// rejected; a fund claim of 400.00 paid; a 1 % rebate on 3537.02, 35.37, paid.
#[tokio::test]
async fn the_scorecard_and_portfolio_count_channel_money_as_worked_out_by_hand() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    ready(&app, &t).await;
    invoiced(&app).await;
    let turned_down = filed(&app, &t, "DB-2").await;
    let rejected = app
        .mutate(
            "claimReject",
            "claim { status }",
            json!({ "id": turned_down, "version": 1, "reason": "No proof of sale" }),
        )
        .await;
    assert_eq!(rejected["userErrors"], json!([]), "{rejected}");
    let paid = filed(&app, &t, "DB-1").await;
    let approved = app
        .mutate(
            "claimApprove",
            "claim { status }",
            json!({ "id": paid, "version": 1 }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");

    // A fund: 500.00 requested and approved, 400.00 claimed and paid.
    let tiers = app
        .graphql("{ partnerTiers { nodes { id } } }", json!({}))
        .await;
    let fund = app
        .mutate(
            "fundCreate",
            "fund { id }",
            json!({ "name": "MDF", "kind": "MDF", "startsOn": day(10), "endsOn": day(0),
                    "budget": { "amount": "1000", "currency": "EUR" },
                    "tierAmounts": [{ "tierId": tiers["data"]["partnerTiers"]["nodes"][0]["id"], "amount": { "amount": "500", "currency": "EUR" } }] }),
        )
        .await;
    let asked = app
        .mutate(
            "fundRequestSubmit",
            "fundRequest { id }",
            json!({ "fundId": fund["fund"]["id"], "partnerId": t.distributor, "activity": "TRADE_SHOW", "title": "Fair",
                    "plan": "A stand", "startsOn": day(3), "endsOn": day(1), "amount": { "amount": "500", "currency": "EUR" } }),
        )
        .await;
    let id = asked["fundRequest"]["id"].clone();
    assert!(id.is_string(), "{asked}");
    for (mutation, input) in [
        ("fundRequestApprove", json!({ "id": id, "version": 1 })),
        (
            "fundClaimSubmit",
            json!({ "id": id, "version": 2, "amount": { "amount": "400", "currency": "EUR" },
                    "proofs": [{ "url": "https://files.test/fair.pdf", "digest": format!("sha256:{}", "0f".repeat(32)) }] }),
        ),
        ("fundClaimPay", json!({ "id": id, "version": 3 })),
    ] {
        let body = app.mutate(mutation, "fundRequest { id }", input).await;
        assert_eq!(body["userErrors"], json!([]), "{mutation}: {body}");
    }

    // A rebate of 1 % on what was invoiced in a program that ended yesterday.
    let yesterday = day(1);
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!("UPDATE invoices SET issued_on = '{yesterday}'"),
    )
    .await
    .unwrap();
    let program = app
        .mutate(
            "rebateProgramCreate",
            "rebateProgram { id }",
            json!({ "name": "Flat", "startsOn": day(30), "endsOn": yesterday, "method": "RETROACTIVE", "partnerId": t.distributor,
                    "thresholds": [{ "from": { "amount": "0", "currency": "EUR" }, "rate": "1" }] }),
        )
        .await;
    let settled = app
        .mutate(
            "rebateProgramSettle",
            "proposed { id amount { amount } }",
            json!({ "id": program["rebateProgram"]["id"] }),
        )
        .await;
    assert_eq!(
        settled["proposed"][0]["amount"]["amount"], "35.37",
        "{settled}"
    );
    let rebate = app
        .mutate(
            "rebateSettlementApprove",
            "rebateSettlement { status }",
            json!({ "id": settled["proposed"][0]["id"], "version": 1 }),
        )
        .await;
    assert_eq!(rebate["userErrors"], json!([]), "{rebate}");

    // Credited 62.34 + 400.00 + 35.37 = 497.71 of 3537.02: 3039.31 left, 0.1407 of it.
    // Claimed 124.68, of which 62.34 rejected: 0.5000.
    let figures = "channelMoney { revenue { amount } claimsClaimed { amount } claimsRejected { amount } claimRejectionRate
        claimsPaid { amount } priceProtectionPaid { amount } fundsPaid { amount } rebatesPaid { amount }
        credited { amount } netRevenue { amount } costToServeShare }";
    let expected = json!({ "revenue": { "amount": "3537.02" }, "claimsClaimed": { "amount": "124.68" },
        "claimsRejected": { "amount": "62.34" }, "claimRejectionRate": "0.5000", "claimsPaid": { "amount": "62.34" },
        "priceProtectionPaid": { "amount": "0.00" }, "fundsPaid": { "amount": "400.00" }, "rebatesPaid": { "amount": "35.37" },
        "credited": { "amount": "497.71" }, "netRevenue": { "amount": "3039.31" }, "costToServeShare": "0.1407" });
    let body = app
        .graphql(
            &format!("{{ organization(code: \"DIST-1\") {{ ... on Distributor {{ scorecard {{ {figures} }} }} }} portfolio {{ {figures} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["organization"]["scorecard"]["channelMoney"], expected,
        "{body}"
    );
    assert_eq!(
        body["data"]["portfolio"]["channelMoney"], expected,
        "{body}"
    );
    // The distributor's manager reads its own scorecard's figures.
    let own = app
        .graphql_as(
            &t.portal,
            &format!("{{ organization(code: \"DIST-1\") {{ ... on Distributor {{ scorecard {{ {figures} }} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        own["data"]["organization"]["scorecard"]["channelMoney"], expected,
        "{own}"
    );
}

/// The demo data holds every flow of channel money: an approved special price with a valid
/// claim paid, a capped one waiting and a rejected one; a price drop with protection
/// credits; a funded trade show with its leads; and a rebate in progress.
#[tokio::test]
async fn the_demo_shows_every_flow_of_channel_money() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let body = app
        .graphql(
            "{ specialPrices(filter: { status: APPROVED }) { totalCount }
               claims { nodes { reference status lines { result } creditMemo { number } } }
               priceProtectionCredits { totalCount nodes { status distributor { code } product { sku } } }
               fundRequests { nodes { status activity campaign { code } leads paid { amount } creditMemo { number } } }
               rebatePrograms { nodes { name progress { partner { code } volume { amount } rate earned { amount } } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = &body["data"];
    assert_eq!(data["specialPrices"]["totalCount"], 1, "{body}");
    let mut claims: Vec<(String, String, String, bool)> = data["claims"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["reference"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
                c["lines"][0]["result"].as_str().unwrap().to_owned(),
                c["creditMemo"].is_object(),
            )
        })
        .collect();
    claims.sort();
    assert_eq!(
        claims,
        [
            (
                "DB-2026-101".into(),
                "APPROVED".into(),
                "VALID".into(),
                true
            ),
            (
                "DB-2026-102".into(),
                "SUBMITTED".into(),
                "ADJUSTED".into(),
                false
            ),
            (
                "DB-2026-103".into(),
                "REJECTED".into(),
                "REJECTED".into(),
                false
            ),
        ],
        "{body}"
    );
    let credits = data["priceProtectionCredits"]["nodes"].as_array().unwrap();
    assert!(!credits.is_empty(), "{body}");
    assert!(
        credits.iter().all(|c| c["product"]["sku"] == "HP-100"),
        "{body}"
    );
    assert!(credits.iter().any(|c| c["status"] == "APPROVED"), "{body}");
    let funded = &data["fundRequests"]["nodes"][0];
    assert_eq!(
        (
            &funded["status"],
            &funded["activity"],
            &funded["campaign"],
            &funded["leads"],
            &funded["paid"]
        ),
        (
            &json!("PAID"),
            &json!("TRADE_SHOW"),
            &json!({ "code": "FAIR-2026" }),
            &json!(14),
            &json!({ "amount": "1864.50" })
        ),
        "{body}"
    );
    let rebate = &data["rebatePrograms"]["nodes"][0];
    let progress = rebate["progress"].as_array().unwrap();
    assert_eq!(progress.len(), 5, "every Gold distributor: {body}");
    assert!(
        progress
            .iter()
            .all(|p| p["rate"] != "0" && p["earned"]["amount"] != "0.00"),
        "{body}"
    );
    assert_balances_are_the_sums(&app).await;
}
