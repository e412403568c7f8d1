//! Tiers that qualify themselves: criteria as data, evaluations checked against figures
//! worked out by hand, proposals staff decide or the pass applies, the partner's path to
//! the next tier, and a tier's lead-routing weight and deal protection.

use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{PARTNER_ADMIN, TestApp, spawn_app_with};
use crate::orders::{mutate_as, submit_as, trade, two_lines};
use crate::webhooks::{Receiver, create_endpoint};

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The first and last day of the month `back` complete months before this one.
fn month(back: u32) -> (NaiveDate, NaiveDate) {
    let first = today().with_day(1).unwrap() - Months::new(back);
    (first, first + Months::new(1) - chrono::Days::new(1))
}

async fn partner_admin(app: &TestApp, email: &str, organization: &str) -> String {
    app.create_user(
        email,
        "partner admin password",
        PARTNER_ADMIN,
        Some(uuid_of(organization)),
    )
    .await;
    app.token_for(email, "partner admin password").await
}

async fn gold_list(app: &TestApp) -> String {
    let body = app
        .graphql("{ priceLists { nodes { id code } } }", json!({}))
        .await;
    body["data"]["priceLists"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "GOLD-2026")
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{body}"))
}

async fn tier(app: &TestApp, code: &str, rank: i32, extra: Value) -> String {
    let mut input = json!({ "code": code, "name": code, "rank": rank,
        "priceListId": gold_list(app).await, "paymentTermsDays": 30 });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let made = app
        .mutate("partnerTierCreate", "partnerTier { id }", input)
        .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    made["partnerTier"]["id"].as_str().unwrap().to_owned()
}

async fn criteria(app: &TestApp, tier: &str, version: i64, criteria: Value) -> Value {
    app.mutate(
        "partnerTierCriteriaSet",
        "criteria { measure comparison threshold periodMonths } version",
        json!({ "tierId": tier, "version": version, "criteria": criteria }),
    )
    .await
}

async fn contact(app: &TestApp, organization: &str, name: &str) -> String {
    app.mutate(
        "contactCreate",
        "contact { id }",
        json!({ "organizationId": organization, "name": name }),
    )
    .await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn certify(app: &TestApp, contact: &str, certification: &str, earned: NaiveDate) -> Value {
    let made = app
        .mutate(
            "contactCertificationRecord",
            "contactCertification { id version }",
            json!({ "contactId": contact, "certificationId": certification, "earnedOn": earned.to_string() }),
        )
        .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    made["contactCertification"].clone()
}

const EVALUATION: &str =
    "tierEvaluation { id asOf tier { code } qualifiedTier { code } nextTier { code }
    criteria { tier { code } measure value met gap summary }
    toNextTier { measure value threshold met gap summary } toKeepTier { measure met } }";

async fn evaluate(app: &TestApp, organization: &str) -> Value {
    let body = app
        .mutate(
            "tierEvaluate",
            EVALUATION,
            json!({ "organizationId": organization }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["tierEvaluation"].clone()
}

/// `measure → (value, met, gap)` of one tier's criteria in an evaluation.
fn of_tier(evaluation: &Value, tier: &str) -> Vec<(String, Value, bool, Value)> {
    evaluation["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["tier"]["code"] == tier)
        .map(|c| {
            (
                c["measure"].as_str().unwrap().to_owned(),
                c["value"].clone(),
                c["met"].as_bool().unwrap(),
                c["gap"].clone(),
            )
        })
        .collect()
}

fn row(measure: &str, value: Value, met: bool, gap: Value) -> (String, Value, bool, Value) {
    (measure.to_owned(), value, met, gap)
}

#[tokio::test]
async fn an_evaluation_measures_a_partner_as_worked_out_by_hand_and_staff_decide_the_change() {
    let app = spawn_app_with(|s| s.webhooks.poll = Duration::from_millis(30)).await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let a_admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let b_admin = partner_admin(&app, "admin@dist-2.test", &other).await;
    let (mine, theirs) = (Receiver::start(0).await, Receiver::start(0).await);
    for (token, receiver) in [(&a_admin, &mine), (&b_admin, &theirs)] {
        let made = create_endpoint(
            &app,
            token,
            json!({ "url": receiver.url, "eventTypes": ["TIER_CHANGE_PROPOSED", "TIER_CHANGED"] }),
        )
        .await;
        assert_eq!(made["userErrors"], json!([]), "{made}");
    }

    // The fixture, as of today. DIST-1 is in GOLD (rank 1), which the brand gives by hand.
    // Purchases: two orders of 150 WIDGET-1 at 9.1234 (1,368.51) and 2 GADGET-1 at 80
    // (160): 1,528.51 each before tax, 3,057.02 in all; two product lines.
    for po in ["PO-Q-1", "PO-Q-2"] {
        let placed = submit_as(&app, &t.portal, two_lines(po)).await;
        assert_eq!(placed["userErrors"], json!([]), "{placed}");
    }
    // Certified contacts: Ada and Ben hold a valid one; Cleo's ran out; Dan's was revoked.
    let course = app
        .mutate(
            "certificationCreate",
            "certification { id }",
            json!({ "code": "SVC-1", "name": "Service", "validityMonths": 24 }),
        )
        .await["certification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = contact(&app, &t.distributor, "Ada").await;
    let ben = contact(&app, &t.distributor, "Ben").await;
    let cleo = contact(&app, &t.distributor, "Cleo").await;
    let dan = contact(&app, &t.distributor, "Dan").await;
    certify(&app, &ada, &course, today() - Months::new(1)).await;
    let bens = certify(&app, &ben, &course, today() - Months::new(2)).await;
    certify(&app, &cleo, &course, today() - Months::new(30)).await;
    let dans = certify(&app, &dan, &course, today() - Months::new(1)).await;
    let revoked = app
        .mutate(
            "contactCertificationRevoke",
            "contactCertification { status }",
            json!({ "id": dans["id"], "version": 1, "reason": "Recorded in error" }),
        )
        .await;
    assert_eq!(revoked["contactCertification"]["status"], "REVOKED");
    // Reports over the last three complete months: stock in all three, sales (4 units
    // each) in the last two only. Months with both: 2 of 3 = 66.67 %; units sold in the
    // trailing three months: 8.
    for back in 1..=3 {
        let (first, last) = month(back);
        let stock = app
            .mutate(
                "inventoryReportSubmit",
                "report { id }",
                json!({ "organizationId": t.distributor, "asOf": last.to_string(), "lines": [{ "sku": "WIDGET-1", "onHand": "20" }] }),
            )
            .await;
        assert_eq!(stock["userErrors"], json!([]), "{stock}");
        if back <= 2 {
            let sales = app
                .mutate(
                    "sellThroughReportSubmit",
                    "report { id }",
                    json!({ "organizationId": t.distributor, "periodStart": first.to_string(), "periodEnd": last.to_string(),
                            "lines": [{ "sku": "WIDGET-1", "quantity": "4" }] }),
                )
                .await;
            assert_eq!(sales["userErrors"], json!([]), "{sales}");
        }
    }
    // One complaint, still open.
    let complaint = app
        .mutate(
            "caseOpen",
            "case { id }",
            json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "Late delivery", "category": "PRODUCT_QUALITY" }),
        )
        .await;
    assert_eq!(complaint["userErrors"], json!([]), "{complaint}");

    // The program: SILVER (rank 2) and PLATINUM (rank 3) qualify themselves.
    let silver = tier(&app, "SILVER", 2, json!({ "leadRoutingWeight": 3 })).await;
    let platinum = tier(&app, "PLATINUM", 3, json!({ "dealProtectionDays": 180 })).await;
    // Bad criteria are refused, naming the entry and the field; nothing is written.
    for (bad, field, code) in [
        (
            json!([{ "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "1" },
                   { "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "2" }]),
            json!(["input", "criteria", "1", "measure"]),
            "DUPLICATE",
        ),
        (
            json!([{ "measure": "BRAND_SHARE", "comparison": "AT_LEAST", "threshold": "101" }]),
            json!(["input", "criteria", "0", "threshold"]),
            "OUT_OF_RANGE",
        ),
        (
            json!([{ "measure": "DEALS_WON", "comparison": "AT_LEAST", "threshold": "1.5" }]),
            json!(["input", "criteria", "0", "threshold"]),
            "INVALID",
        ),
        (
            json!([{ "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "0.00001" }]),
            json!(["input", "criteria", "0", "threshold"]),
            "INVALID",
        ),
        (
            json!([{ "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "1", "periodMonths": 0 }]),
            json!(["input", "criteria", "0", "periodMonths"]),
            "OUT_OF_RANGE",
        ),
    ] {
        let refused = criteria(&app, &silver, 1, bad).await;
        assert_eq!(refused["userErrors"][0]["field"], field, "{refused}");
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    let body = app
        .graphql_as(
            &a_admin,
            "mutation($input: PartnerTierCriteriaSetInput!) { partnerTierCriteriaSet(input: $input) { version userErrors { code } } }",
            json!({ "input": { "tierId": silver, "version": 1, "criteria": [] } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let set = criteria(
        &app,
        &silver,
        1,
        json!([
            { "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "3000" },
            { "measure": "CERTIFIED_CONTACTS", "comparison": "AT_LEAST", "threshold": "2" },
            { "measure": "PRODUCT_LINES", "comparison": "AT_LEAST", "threshold": "2" }
        ]),
    )
    .await;
    assert_eq!(set["version"], 2, "{set}");
    assert_eq!(
        set["criteria"][0],
        json!({ "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "3000", "periodMonths": 12 })
    );
    criteria(
        &app,
        &platinum,
        1,
        json!([
            { "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "5000" },
            { "measure": "CERTIFIED_CONTACTS", "comparison": "AT_LEAST", "threshold": "4" },
            { "measure": "REPORT_PUNCTUALITY", "comparison": "AT_LEAST", "threshold": "100", "periodMonths": 3 },
            { "measure": "ON_TIME_PAYMENT", "comparison": "AT_LEAST", "threshold": "90" },
            { "measure": "SELL_THROUGH_UNITS", "comparison": "AT_LEAST", "threshold": "10", "periodMonths": 3 },
            { "measure": "OPEN_COMPLAINTS", "comparison": "AT_MOST", "threshold": "0" }
        ]),
    )
    .await;

    // The evaluation, against the figures above.
    let first = evaluate(&app, &t.distributor).await;
    assert_eq!(first["asOf"], today().to_string());
    assert_eq!(first["tier"]["code"], "GOLD");
    assert_eq!(first["qualifiedTier"]["code"], "SILVER");
    assert_eq!(first["nextTier"]["code"], "SILVER");
    assert_eq!(
        of_tier(&first, "SILVER"),
        [
            row("PURCHASES", json!("3057.02"), true, json!("0")),
            row("CERTIFIED_CONTACTS", json!("2"), true, json!("0")),
            row("PRODUCT_LINES", json!("2"), true, json!("0")),
        ]
    );
    assert_eq!(
        of_tier(&first, "PLATINUM"),
        [
            row("PURCHASES", json!("3057.02"), false, json!("1942.98")),
            row("CERTIFIED_CONTACTS", json!("2"), false, json!("2")),
            row("REPORT_PUNCTUALITY", json!("66.67"), false, json!("33.33")),
            row("ON_TIME_PAYMENT", Value::Null, false, Value::Null),
            row("SELL_THROUGH_UNITS", json!("8"), false, json!("2")),
            row("OPEN_COMPLAINTS", json!("1"), false, json!("1")),
        ]
    );
    assert_eq!(
        first["toKeepTier"],
        json!([]),
        "GOLD has no criteria to keep"
    );

    // It proposed GOLD → SILVER; the partner hears of it, the other partner does not.
    let proposals = app
        .graphql(
            "{ tierProposals(filter: { status: PROPOSED }) { totalCount nodes { id version fromTier { code } toTier { code } reason applyAfter evaluation { id } } } }",
            json!({}),
        )
        .await;
    let list = &proposals["data"]["tierProposals"];
    assert_eq!(list["totalCount"], 1, "{proposals}");
    let proposal = &list["nodes"][0];
    assert_eq!(proposal["fromTier"]["code"], "GOLD");
    assert_eq!(proposal["toTier"]["code"], "SILVER");
    assert_eq!(proposal["applyAfter"], Value::Null, "staff decide");
    assert_eq!(proposal["evaluation"]["id"], first["id"]);
    assert_eq!(
        proposal["reason"],
        format!(
            "in GOLD, qualifies for SILVER as of {}: EUR 3,057.02 of EUR 3,000 purchases in 12 months; 2 of 2 certified contacts; 2 of 2 product lines carried in 12 months",
            today()
        )
    );
    let heard = mine.wait_for(1).await;
    assert_eq!(heard[0].json()["type"], "TIER_CHANGE_PROPOSED");
    assert_eq!(
        heard[0].json()["data"]["tierProposal"]["id"],
        proposal["id"]
    );

    // The partner reads its own evaluation and proposals; the other partner reads none.
    let own = app
        .graphql_as(
            &a_admin,
            &format!(
                "{{ tierEvaluation {} tierProposals {{ totalCount }} }}",
                &EVALUATION["tierEvaluation ".len()..]
            ),
            json!({}),
        )
        .await;
    assert_eq!(own["data"]["tierEvaluation"]["id"], first["id"], "{own}");
    assert_eq!(own["data"]["tierProposals"]["totalCount"], 1);
    let peek = app
        .graphql_as(
            &b_admin,
            "query($a: ID!, $e: ID!) { tierEvaluation(organizationId: $a) { id } tierProposals(filter: { organizationId: $a }) { totalCount } tierEvaluations { totalCount } node(id: $e) { id } }",
            json!({ "a": t.distributor, "e": first["id"] }),
        )
        .await;
    assert_eq!(
        peek["data"],
        json!({ "tierEvaluation": null, "tierProposals": { "totalCount": 0 }, "tierEvaluations": { "totalCount": 0 }, "node": null }),
        "{peek}"
    );

    // Staff approve: DIST-1 is in SILVER, with the reason in its history.
    let approved = app
        .mutate(
            "tierProposalApprove",
            "tierProposal { status decidedAt decisionNote }",
            json!({ "id": proposal["id"], "version": proposal["version"], "note": "Welcome to Silver" }),
        )
        .await;
    assert_eq!(approved["tierProposal"]["status"], "APPROVED", "{approved}");
    let again = app
        .mutate(
            "tierProposalApprove",
            "tierProposal { status }",
            json!({ "id": proposal["id"], "version": 2 }),
        )
        .await;
    assert_eq!(
        again["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{again}"
    );
    let org = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { partnerTier { code } tierHistory { tier { code } note } } } }",
            json!({ "id": t.distributor }),
        )
        .await;
    let node = &org["data"]["node"];
    assert_eq!(node["partnerTier"]["code"], "SILVER", "{org}");
    assert_eq!(node["tierHistory"][0]["tier"]["code"], "SILVER");
    let note = node["tierHistory"][0]["note"].as_str().unwrap();
    assert!(
        note.starts_with("in GOLD, qualifies for SILVER") && note.ends_with("(Welcome to Silver)"),
        "{note}"
    );
    let heard = mine.wait_for(2).await;
    let changed = heard
        .iter()
        .map(|h| h.json())
        .find(|b| b["type"] == "TIER_CHANGED")
        .unwrap();
    assert_eq!(changed["data"]["from"]["code"], "GOLD");
    assert_eq!(changed["data"]["to"]["code"], "SILVER");

    // The path to PLATINUM, as the partner reads it.
    let second = evaluate(&app, &t.distributor).await;
    assert_eq!(second["tier"]["code"], "SILVER");
    assert_eq!(second["nextTier"]["code"], "PLATINUM");
    let path: Vec<&str> = second["toNextTier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        path,
        [
            "EUR 3,057.02 of EUR 5,000 purchases in 12 months",
            "2 of 4 certified contacts",
            "66.67 % of 100 % months with both stock and sales reports in 3 months",
            "no invoices paid on time in 12 months to measure; at least 90 % needed",
            "8 of 10 units sold through in 3 months",
            "1 open complaints in 12 months, at most 0",
        ]
    );
    assert_eq!(
        second["toKeepTier"],
        json!([{ "measure": "PURCHASES", "met": true }, { "measure": "CERTIFIED_CONTACTS", "met": true }, { "measure": "PRODUCT_LINES", "met": true }])
    );
    // Each evaluation is kept as made: the approved proposal still points at the first.
    let count = app
        .graphql(
            "query($a: ID!, $p: ID!) { tierEvaluations(filter: { organizationId: $a }) { totalCount } tierProposals(filter: { status: PROPOSED }) { totalCount }
               node(id: $p) { ... on TierProposal { evaluation { id tier { code } } } } }",
            json!({ "a": t.distributor, "p": proposal["id"] }),
        )
        .await;
    assert_eq!(count["data"]["tierEvaluations"]["totalCount"], 2, "{count}");
    assert_eq!(count["data"]["tierProposals"]["totalCount"], 0, "{count}");
    assert_eq!(
        count["data"]["node"]["evaluation"],
        json!({ "id": first["id"], "tier": { "code": "GOLD" } })
    );

    // Ben's certification revoked: SILVER's criteria are missed, and the change proposed is
    // down to GOLD, the tier below without criteria. Staff reject it.
    app.mutate(
        "contactCertificationRevoke",
        "contactCertification { id }",
        json!({ "id": bens["id"], "version": 1, "reason": "Left the company" }),
    )
    .await;
    let third = evaluate(&app, &t.distributor).await;
    assert_eq!(third["qualifiedTier"], Value::Null);
    let down = app
        .graphql(
            "{ tierProposals(filter: { status: PROPOSED }) { nodes { id version toTier { code } reason } } }",
            json!({}),
        )
        .await;
    let down = &down["data"]["tierProposals"]["nodes"][0];
    assert_eq!(down["toTier"]["code"], "GOLD", "{down}");
    assert!(
        down["reason"]
            .as_str()
            .unwrap()
            .contains("1 of 2 certified contacts"),
        "{down}"
    );
    let blank = app
        .mutate(
            "tierProposalReject",
            "tierProposal { status }",
            json!({ "id": down["id"], "version": down["version"], "reason": " " }),
        )
        .await;
    assert_eq!(blank["userErrors"][0]["code"], "REQUIRED", "{blank}");
    let rejected = app
        .mutate(
            "tierProposalReject",
            "tierProposal { status decisionNote }",
            json!({ "id": down["id"], "version": down["version"], "reason": "Ben's successor trains next month" }),
        )
        .await;
    assert_eq!(rejected["tierProposal"]["status"], "REJECTED", "{rejected}");
    let org = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { partnerTier { code } } } }",
            json!({ "id": t.distributor }),
        )
        .await;
    assert_eq!(org["data"]["node"]["partnerTier"]["code"], "SILVER");
    assert!(theirs.hits().is_empty(), "the other partner heard nothing");
}

#[tokio::test]
async fn the_pass_evaluates_every_partner_once_a_day_and_applies_a_change_after_its_grace() {
    let app = spawn_app_with(|s| {
        s.webhooks.poll = Duration::from_millis(30);
        s.program_interval = Duration::from_millis(100);
        s.crm.partner.tier_grace_days = 7;
    })
    .await;
    let t = trade(&app).await;
    let admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let receiver = Receiver::start(0).await;
    create_endpoint(
        &app,
        &admin,
        json!({ "url": receiver.url, "eventTypes": ["TIER_CHANGE_PROPOSED", "TIER_CHANGED"] }),
    )
    .await;
    let course = app
        .mutate(
            "certificationCreate",
            "certification { id }",
            json!({ "code": "SVC-1", "name": "Service", "validityMonths": 24 }),
        )
        .await["certification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = contact(&app, &t.distributor, "Ada").await;
    certify(&app, &ada, &course, today()).await;
    let silver = tier(&app, "SILVER", 2, json!({})).await;
    criteria(
        &app,
        &silver,
        1,
        json!([{ "measure": "CERTIFIED_CONTACTS", "comparison": "AT_LEAST", "threshold": "1" }]),
    )
    .await;

    // The pass evaluates DIST-1 by itself and proposes the move, to apply in 7 days.
    let heard = receiver.wait_for(1).await;
    let proposed = heard[0].json();
    assert_eq!(proposed["type"], "TIER_CHANGE_PROPOSED");
    let apply_after = proposed["data"]["tierProposal"]["applyAfter"]
        .as_str()
        .unwrap()
        .to_owned();
    let days = (chrono::DateTime::parse_from_rfc3339(&apply_after)
        .unwrap()
        .to_utc()
        - Utc::now())
    .num_hours();
    assert!((167..=168).contains(&days), "{apply_after}");
    let listed = || async {
        app.graphql(
            "{ tierEvaluations { totalCount } tierProposals { totalCount nodes { status } } }",
            json!({}),
        )
        .await["data"]
            .clone()
    };
    let before = listed().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = listed().await;
    assert_eq!(after, before, "once a day, until the program changes");
    assert_eq!(
        after["tierProposals"],
        json!({ "totalCount": 1, "nodes": [{ "status": "PROPOSED" }] })
    );

    // Its grace runs out: the pass applies it.
    app.db
        .execute_raw(Statement::from_string(
            app.db.get_database_backend(),
            "UPDATE tier_proposals SET apply_after = created_at".to_owned(),
        ))
        .await
        .unwrap();
    let heard = receiver.wait_for(2).await;
    let changed = heard[1].json();
    assert_eq!(changed["type"], "TIER_CHANGED", "{changed}");
    assert_eq!(changed["data"]["to"]["code"], "SILVER");
    assert!(
        changed["data"]["reason"]
            .as_str()
            .unwrap()
            .contains("1 of 1 certified contacts"),
        "{changed}"
    );
    let listed = app
        .graphql(
            "{ tierProposals { nodes { status decidedBy { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["tierProposals"]["nodes"],
        json!([{ "status": "APPLIED", "decidedBy": null }])
    );
}

#[tokio::test]
async fn a_tiers_weight_shares_out_a_territorys_leads_and_its_protection_days_hold_its_deals() {
    let app = spawn_app_with(|_| {}).await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let heavy = tier(
        &app,
        "HEAVY",
        2,
        json!({ "leadRoutingWeight": 3, "dealProtectionDays": 200 }),
    )
    .await;
    let light = tier(&app, "LIGHT", 1, json!({ "leadRoutingWeight": 1 })).await;
    let none = tier(&app, "NONE", 0, json!({ "leadRoutingWeight": 0 })).await;
    let third = app
        .create_org("DISTRIBUTOR", "Dritter Vertrieb", "DIST-3")
        .await;
    app.assign_tier(&t.distributor, &heavy).await;
    app.assign_tier(&other, &light).await;
    app.assign_tier(&third, &none).await;
    for org in [&t.distributor, &other, &third] {
        let version = app.version_of(org).await;
        let moved = app
            .mutate(
                "organizationUpdate",
                "organization { territory }",
                json!({ "id": org, "version": version, "territory": "NORD" }),
            )
            .await;
        assert_eq!(moved["userErrors"], json!([]), "{moved}");
    }
    let bad = app
        .mutate(
            "partnerTierUpdate",
            "partnerTier { id }",
            json!({ "id": light, "version": 1, "leadRoutingWeight": 101 }),
        )
        .await;
    assert_eq!(
        bad["userErrors"][0]["field"],
        json!(["input", "leadRoutingWeight"])
    );
    assert_eq!(bad["userErrors"][0]["code"], "OUT_OF_RANGE");

    // Eight leads in NORD, which has no route: shared 3 to 1, none to the weight of 0.
    let mut offered = std::collections::BTreeMap::new();
    for n in 0..8 {
        let lead = app
            .mutate(
                "leadCreate",
                "lead { status partner { code } }",
                json!({ "personName": format!("Lead {n}"), "source": "WEBSITE",
                        "capturedAt": Utc::now().to_rfc3339(), "territory": "NORD" }),
            )
            .await;
        assert_eq!(lead["lead"]["status"], "OFFERED", "{lead}");
        *offered
            .entry(lead["lead"]["partner"]["code"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(
        offered,
        [("DIST-1".to_owned(), 6), ("DIST-2".to_owned(), 2)].into()
    );

    // A deal of DIST-1 (HEAVY: 200 days) is protected 200 days, not the setting's 90.
    let deal = app
        .graphql_as(
            &t.portal,
            "mutation($input: DealRegisterInput!) { dealRegister(input: $input) { dealRegistration { id } userErrors { message } } }",
            json!({ "input": { "customerName": "Hotel Sonne", "lines": [{ "sku": "WIDGET-1", "quantity": "10" }], "amount": { "amount": "5000", "currency": "EUR" } } }),
        )
        .await;
    let deal = deal["data"]["dealRegister"]["dealRegistration"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{deal}"))
        .to_owned();
    let approved = mutate_as(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        "dealRegistration { protectedUntil }",
        json!({ "id": deal, "version": 1, "customerCode": "HOTEL-SONNE" }),
    )
    .await;
    let until = approved["dealRegistration"]["protectedUntil"]
        .as_str()
        .unwrap_or_else(|| panic!("{approved}"));
    let days = (chrono::DateTime::parse_from_rfc3339(until)
        .unwrap()
        .to_utc()
        - Utc::now())
    .num_days();
    assert!((199..=200).contains(&days), "{until}");
}

#[tokio::test]
async fn the_demo_shows_the_program_an_application_waits_a_partner_is_one_short_and_a_certificate_runs_out()
 {
    let app = spawn_app_with(|_| {}).await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let body = app
        .graphql(
            "{ partnerApplications(filter: { status: PENDING }) { nodes { companyName } }
               programTerms { number }
               termsAcceptances { nodes { organization { code } terms { number } } }
               contactCertifications(filter: { status: EXPIRING }) { nodes { organization { code } certification { code } } }
               dist2: organization(code: \"DIST-002\") { id ... on Distributor { partnerTier { code } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = &body["data"];
    assert_eq!(
        data["partnerApplications"]["nodes"],
        json!([{ "companyName": "Fahrrad Nord" }])
    );
    assert_eq!(data["programTerms"]["number"], 1);
    assert_eq!(
        data["termsAcceptances"]["nodes"],
        json!([{ "organization": { "code": "DIST-001" }, "terms": { "number": 1 } }])
    );
    assert_eq!(
        data["contactCertifications"]["nodes"],
        json!([{ "organization": { "code": "DIST-001" }, "certification": { "code": "INSTALLER" } }])
    );
    assert_eq!(data["dist2"]["partnerTier"]["code"], "SILVER");
    let evaluation = app
        .graphql(
            "query($id: ID!) { tierEvaluation(organizationId: $id) { tier { code } nextTier { code } toNextTier { measure met summary } } }",
            json!({ "id": data["dist2"]["id"] }),
        )
        .await;
    let evaluation = &evaluation["data"]["tierEvaluation"];
    assert_eq!(evaluation["tier"]["code"], "SILVER", "{evaluation}");
    assert_eq!(evaluation["nextTier"]["code"], "GOLD");
    let missed: Vec<&Value> = evaluation["toNextTier"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["met"] == false)
        .collect();
    assert_eq!(missed.len(), 1, "{evaluation}");
    assert_eq!(missed[0]["measure"], "CERTIFIED_CONTACTS");
    assert_eq!(missed[0]["summary"], "1 of 2 certified contacts");
}
