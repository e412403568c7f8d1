//! Replenishment policies: a tier's defaults, a distributor's overrides for every product
//! or one, merged field by field into the policy a distributor's stock of a product is kept
//! by, each field saying where it came from; set by the brand's admins and managers, read by
//! the distributor.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::{mutate_as, trade};

const POLICY: &str = "replenishmentPolicy { id version tier { code } partner { code } product { sku } targetWeeks minQuantity maxQuantity orderMultiple leadTimeDays reviewDays }";

const EFFECTIVE: &str = "distributor { code } product { sku } targetWeeks minQuantity maxQuantity orderMultiple leadTimeDays reviewDays sources { field level policy { id } }";

async fn gold(app: &TestApp) -> Value {
    let tiers = app
        .graphql("{ partnerTiers { nodes { id code } } }", json!({}))
        .await;
    tiers["data"]["partnerTiers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "GOLD")
        .unwrap()["id"]
        .clone()
}

async fn product(app: &TestApp, sku: &str) -> Value {
    let body = app
        .graphql(
            "query($s: String!) { product(sku: $s) { id } }",
            json!({ "s": sku }),
        )
        .await;
    body["data"]["product"]["id"].clone()
}

async fn create(app: &TestApp, input: Value) -> Value {
    app.mutate("replenishmentPolicyCreate", POLICY, input).await
}

async fn effective(app: &TestApp, token: &str, sku: &str, distributor: Option<&str>) -> Value {
    let body = app
        .graphql_as(
            token,
            &format!(
                "query($d: ID, $s: String) {{ effectiveReplenishmentPolicy(distributorId: $d, sku: $s) {{ {EFFECTIVE} }} }}"
            ),
            json!({ "d": distributor, "s": sku }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["effectiveReplenishmentPolicy"].clone()
}

/// `field: LEVEL` for each source, and whether it names a policy.
fn levels(effective: &Value) -> Vec<String> {
    effective["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}{}",
                s["field"].as_str().unwrap(),
                s["level"].as_str().unwrap(),
                if s["policy"].is_null() {
                    ""
                } else {
                    " (policy)"
                }
            )
        })
        .collect()
}

#[tokio::test]
async fn a_distributors_policy_takes_each_field_from_the_narrowest_scope_that_sets_it() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let gold = gold(&app).await;
    let widget = product(&app, "WIDGET-1").await;

    // Gold's partners aim for 6 weeks, wait 14 days, order at most 500.
    let tier = create(
        &app,
        json!({ "tierId": gold, "targetWeeks": "6", "leadTimeDays": 14, "maxQuantity": "500" }),
    )
    .await;
    assert_eq!(tier["userErrors"], json!([]), "{tier}");
    assert_eq!(
        tier["replenishmentPolicy"],
        json!({ "id": tier["replenishmentPolicy"]["id"], "version": 1, "tier": { "code": "GOLD" }, "partner": null, "product": null,
                "targetWeeks": "6", "minQuantity": null, "maxQuantity": "500", "orderMultiple": null, "leadTimeDays": 14, "reviewDays": null })
    );
    // DIST-1's widgets come in cartons of 12, at least two, reviewed Mondays and Thursdays.
    let own = create(
        &app,
        json!({ "partnerId": t.distributor, "productId": widget, "orderMultiple": "12", "minQuantity": "24",
                "reviewDays": ["THURSDAY", "MONDAY"] }),
    )
    .await;
    assert_eq!(own["userErrors"], json!([]), "{own}");
    let own = own["replenishmentPolicy"].clone();
    assert_eq!(own["reviewDays"], json!(["MONDAY", "THURSDAY"]));

    let widgets = effective(&app, &t.portal, "widget-1", None).await;
    assert_eq!(
        (
            &widgets["distributor"],
            &widgets["product"],
            &widgets["targetWeeks"],
            &widgets["minQuantity"],
            &widgets["maxQuantity"],
            &widgets["orderMultiple"],
            &widgets["leadTimeDays"],
            &widgets["reviewDays"],
        ),
        (
            &json!({ "code": "DIST-1" }),
            &json!({ "sku": "WIDGET-1" }),
            &json!("6"),
            &json!("24"),
            &json!("500"),
            &json!("12"),
            &json!(14),
            &json!(["MONDAY", "THURSDAY"])
        ),
        "{widgets}"
    );
    assert_eq!(
        levels(&widgets),
        [
            "targetWeeks: TIER (policy)",
            "minQuantity: PARTNER_PRODUCT (policy)",
            "maxQuantity: TIER (policy)",
            "orderMultiple: PARTNER_PRODUCT (policy)",
            "leadTimeDays: TIER (policy)",
            "reviewDays: PARTNER_PRODUCT (policy)"
        ]
    );
    // Gadgets have no policy of their own: the tier's, then the defaults.
    let gadgets = effective(&app, &app.token, "GADGET-1", Some(&t.distributor)).await;
    assert_eq!(
        (
            &gadgets["targetWeeks"],
            &gadgets["minQuantity"],
            &gadgets["orderMultiple"],
            &gadgets["reviewDays"]
        ),
        (&json!("6"), &json!("0"), &json!("1"), &json!(["MONDAY"])),
        "{gadgets}"
    );
    assert_eq!(
        levels(&gadgets)[1..4],
        [
            "minQuantity: DEFAULT",
            "maxQuantity: TIER (policy)",
            "orderMultiple: DEFAULT"
        ]
    );

    // The distributor reads its own and its tier's; it does not set them.
    let listed = app
        .graphql_as(
            &t.portal,
            "{ replenishmentPolicies { totalCount nodes { tier { code } product { sku } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["replenishmentPolicies"]["totalCount"], 2,
        "{listed}"
    );
    let refused = app
        .graphql_as(
            &t.portal,
            "mutation($p: ID!) { replenishmentPolicyCreate(input: { partnerId: $p, targetWeeks: \"2\" }) { replenishmentPolicy { id } } }",
            json!({ "p": t.distributor }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    // One policy per scope.
    let twice = create(&app, json!({ "tierId": gold, "targetWeeks": "8" })).await;
    assert_eq!(twice["userErrors"][0]["code"], "CONFLICT", "{twice}");

    // Replaced: only the target is the partner's now; the carton comes from the default.
    let changed = app
        .mutate(
            "replenishmentPolicyUpdate",
            POLICY,
            json!({ "id": own["id"], "version": 1, "targetWeeks": "3.5" }),
        )
        .await;
    assert_eq!(changed["userErrors"], json!([]), "{changed}");
    let widgets = effective(&app, &t.portal, "WIDGET-1", None).await;
    assert_eq!(
        (&widgets["targetWeeks"], &widgets["orderMultiple"]),
        (&json!("3.5"), &json!("1")),
        "{widgets}"
    );
    let stale = app
        .mutate(
            "replenishmentPolicyUpdate",
            POLICY,
            json!({ "id": own["id"], "version": 1, "targetWeeks": "9" }),
        )
        .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT", "{stale}");
    // Removed: the tier's again.
    let removed = app
        .mutate(
            "replenishmentPolicyDelete",
            "replenishmentPolicy { id }",
            json!({ "id": own["id"], "version": 2 }),
        )
        .await;
    assert_eq!(removed["userErrors"], json!([]), "{removed}");
    let widgets = effective(&app, &t.portal, "WIDGET-1", None).await;
    assert_eq!(widgets["targetWeeks"], "6", "{widgets}");

    // Another distributor's policy is nobody else's business.
    let other = app.create_org("DISTRIBUTOR", "Süd Handel", "DIST-2").await;
    let theirs = create(&app, json!({ "partnerId": other, "targetWeeks": "1" })).await;
    assert_eq!(theirs["userErrors"], json!([]), "{theirs}");
    assert!(
        effective(&app, &t.portal, "WIDGET-1", Some(&other))
            .await
            .is_null()
    );
    let listed = app
        .graphql_as(
            &t.portal,
            "query($p: ID!, $i: ID!) { replenishmentPolicies(filter: { partnerId: $p }) { totalCount } node(id: $i) { id } }",
            json!({ "p": other, "i": theirs["replenishmentPolicy"]["id"] }),
        )
        .await;
    assert_eq!(
        listed["data"],
        json!({ "replenishmentPolicies": { "totalCount": 0 }, "node": null }),
        "{listed}"
    );
}

#[tokio::test]
async fn a_policy_that_cannot_be_followed_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let gold = gold(&app).await;
    for (input, field) in [
        (
            json!({ "targetWeeks": "0" }),
            json!(["input", "targetWeeks"]),
        ),
        (
            json!({ "targetWeeks": "53" }),
            json!(["input", "targetWeeks"]),
        ),
        (
            json!({ "targetWeeks": "2.125" }),
            json!(["input", "targetWeeks"]),
        ),
        (
            json!({ "minQuantity": "10", "maxQuantity": "5" }),
            json!(["input", "maxQuantity"]),
        ),
        (
            json!({ "orderMultiple": "0" }),
            json!(["input", "orderMultiple"]),
        ),
        (
            json!({ "minQuantity": "-1" }),
            json!(["input", "minQuantity"]),
        ),
        (
            json!({ "leadTimeDays": 400 }),
            json!(["input", "leadTimeDays"]),
        ),
        (json!({ "reviewDays": [] }), json!(["input", "reviewDays"])),
        (
            json!({ "reviewDays": ["MONDAY", "FRIDAY", "MONDAY"] }),
            json!(["input", "reviewDays", "2"]),
        ),
        (json!({}), json!(["input"])),
        (
            json!({ "tierId": gold, "targetWeeks": "2" }),
            json!(["input", "tierId"]),
        ),
        (
            json!({ "tierId": null, "partnerId": t.dealer, "targetWeeks": "2" }),
            json!(["input", "partnerId"]),
        ),
    ] {
        let mut full = json!({ "partnerId": t.distributor });
        for (k, v) in input.as_object().unwrap() {
            full[k] = v.clone();
        }
        let body = mutate_as(
            &app,
            &app.token,
            "replenishmentPolicyCreate",
            "ReplenishmentPolicyCreateInput",
            "replenishmentPolicy { id }",
            full,
        )
        .await;
        assert_eq!(body["userErrors"][0]["field"], field, "{input}: {body}");
    }
    let none = app
        .graphql("{ replenishmentPolicies { totalCount } }", json!({}))
        .await;
    assert_eq!(
        none["data"]["replenishmentPolicies"]["totalCount"], 0,
        "nothing was written: {none}"
    );
}

#[tokio::test]
async fn a_distributor_proposes_changes_to_its_own_policy_and_the_brand_decides() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let widget = product(&app, "WIDGET-1").await;
    let propose = |input: Value| {
        mutate_as(
            &app,
            &t.portal,
            "replenishmentPolicyPropose",
            "ReplenishmentPolicyProposeInput",
            "proposal { id version status partner { code } product { sku } targetWeeks orderMultiple maxQuantity note }",
            input,
        )
    };
    let asked = propose(
        json!({ "productId": widget, "targetWeeks": "5", "orderMultiple": "10", "note": "Cartons of ten now" }),
    )
    .await;
    assert_eq!(asked["userErrors"], json!([]), "{asked}");
    let asked = asked["proposal"].clone();
    assert_eq!(
        (
            &asked["status"],
            &asked["partner"],
            &asked["product"],
            &asked["targetWeeks"],
            &asked["orderMultiple"],
            &asked["maxQuantity"]
        ),
        (
            &json!("PENDING"),
            &json!({ "code": "DIST-1" }),
            &json!({ "sku": "WIDGET-1" }),
            &json!("5"),
            &json!("10"),
            &Value::Null
        )
    );
    // The brand changes policies itself; it does not propose.
    let staff = app
        .graphql(
            "mutation { replenishmentPolicyPropose(input: { targetWeeks: \"2\" }) { proposal { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        staff["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{staff}"
    );
    // Nothing changes until the brand accepts.
    let widgets = effective(&app, &t.portal, "WIDGET-1", None).await;
    assert_eq!(widgets["targetWeeks"], "4", "{widgets}");
    let decide = |name: &'static str, input: Value| {
        app.mutate(
            name,
            "proposal { status reason policy { partner { code } product { sku } targetWeeks orderMultiple version } }",
            input,
        )
    };
    let accepted = decide(
        "replenishmentPolicyProposalAccept",
        json!({ "id": asked["id"], "version": 1 }),
    )
    .await;
    assert_eq!(
        accepted["proposal"],
        json!({ "status": "APPROVED", "reason": null, "policy": { "partner": { "code": "DIST-1" }, "product": { "sku": "WIDGET-1" },
                "targetWeeks": "5", "orderMultiple": "10", "version": 1 } }),
        "{accepted}"
    );
    let widgets = effective(&app, &t.portal, "WIDGET-1", None).await;
    assert_eq!(
        (&widgets["targetWeeks"], &widgets["orderMultiple"]),
        (&json!("5"), &json!("10")),
        "{widgets}"
    );
    let again = decide(
        "replenishmentPolicyProposalAccept",
        json!({ "id": asked["id"], "version": 2 }),
    )
    .await;
    assert_eq!(
        again["userErrors"][0]["message"], "the proposal is accepted already",
        "{again}"
    );

    // Accepted over a policy whose least is 50, a most of 20 cannot hold: refused, and the
    // proposal waits.
    let policy = app
        .graphql(
            "{ replenishmentPolicies { nodes { id version } } }",
            json!({}),
        )
        .await["data"]["replenishmentPolicies"]["nodes"][0]
        .clone();
    let raised = app
        .mutate(
            "replenishmentPolicyUpdate",
            "replenishmentPolicy { version }",
            json!({ "id": policy["id"], "version": policy["version"], "targetWeeks": "5", "minQuantity": "50" }),
        )
        .await;
    assert_eq!(raised["userErrors"], json!([]), "{raised}");
    let small = propose(json!({ "productId": widget, "maxQuantity": "20" })).await;
    let small = small["proposal"].clone();
    let refused = decide(
        "replenishmentPolicyProposalAccept",
        json!({ "id": small["id"], "version": 1 }),
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "CONFLICT", "{refused}");
    // Rejected, with the reason it needs.
    let bare = decide(
        "replenishmentPolicyProposalReject",
        json!({ "id": small["id"], "version": 1, "reason": " " }),
    )
    .await;
    assert_eq!(
        bare["userErrors"][0]["field"],
        json!(["input", "reason"]),
        "{bare}"
    );
    let rejected = decide(
        "replenishmentPolicyProposalReject",
        json!({ "id": small["id"], "version": 1, "reason": "Below the pallet" }),
    )
    .await;
    assert_eq!(
        (
            &rejected["proposal"]["status"],
            &rejected["proposal"]["reason"]
        ),
        (&json!("REJECTED"), &json!("Below the pallet")),
        "{rejected}"
    );
    let mine = app
        .graphql_as(
            &t.portal,
            "{ replenishmentPolicyProposals { totalCount nodes { status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["replenishmentPolicyProposals"],
        json!({ "totalCount": 2, "nodes": [{ "status": "REJECTED" }, { "status": "APPROVED" }] }),
        "{mine}"
    );
    // The distributor does not decide.
    let own = app
        .graphql_as(
            &t.portal,
            "mutation($id: ID!) { replenishmentPolicyProposalAccept(input: { id: $id, version: 2 }) { proposal { id } } }",
            json!({ "id": small["id"] }),
        )
        .await;
    assert_eq!(own["errors"][0]["extensions"]["code"], "FORBIDDEN", "{own}");
}

/// This week's Monday, less `weeks` weeks.
fn monday(weeks: u64) -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    today
        - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()))
        - chrono::Days::new(7 * weeks)
}

async fn sold_in_week(app: &TestApp, token: &str, org: Option<&str>, weeks_ago: u64, lines: Value) {
    let start = monday(weeks_ago);
    let mut input = json!({ "periodStart": start.to_string(),
                            "periodEnd": (start + chrono::Days::new(6)).to_string(), "lines": lines });
    if let Some(org) = org {
        input["organizationId"] = json!(org);
    }
    let body = mutate_as(
        app,
        token,
        "sellThroughReportSubmit",
        "SellThroughReportSubmitInput",
        "report { id }",
        input,
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

const FORECAST: &str = "status method alpha beta gamma reportedThrough missingWeeks history { weekStart quantity } weeks { weekStart quantity } wape holdoutWeeks";

#[tokio::test]
async fn demand_is_forecast_from_the_weeks_a_distributor_reported() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Eight whole weeks, the last ending yesterday or before: 20, 22, … 34 widgets, and no
    // gadgets (the reports do not name them).
    for k in 0..8u64 {
        let widgets = (20 + 2 * k).to_string();
        sold_in_week(
            &app,
            &t.portal,
            None,
            8 - k,
            json!([{ "sku": "WIDGET-1", "quantity": widgets }]),
        )
        .await;
    }
    let read = |token: String, sku: &'static str, distributor: Option<String>| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(
                    &token,
                    &format!("query($d: ID, $s: String) {{ demandForecast(distributorId: $d, sku: $s, weeks: 3) {{ {FORECAST} }} }}"),
                    json!({ "d": distributor, "s": sku }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["demandForecast"].clone()
        }
    };
    let widgets = read(t.portal.clone(), "WIDGET-1", None).await;
    let history: Vec<Value> = (0..8u64)
        .map(|k| json!({ "weekStart": monday(8 - k).to_string(), "quantity": (20 + 2 * k).to_string() }))
        .collect();
    // A straight line: Holt follows it without error whatever the constants, so the first
    // on the grid (0.05, 0.05) stands; 36, 38, 40 ahead; the last two weeks held out are
    // forecast exactly.
    assert_eq!(
        widgets,
        json!({ "status": "CURRENT", "method": "HOLT", "alpha": "0.05", "beta": "0.05", "gamma": null,
                "reportedThrough": (monday(0) - chrono::Days::new(1)).to_string(), "missingWeeks": 0,
                "history": history,
                "weeks": [{ "weekStart": monday(0).to_string(), "quantity": "36" },
                          { "weekStart": (monday(0) + chrono::Days::new(7)).to_string(), "quantity": "38" },
                          { "weekStart": (monday(0) + chrono::Days::new(14)).to_string(), "quantity": "40" }],
                "wape": "0", "holdoutWeeks": 2 })
    );
    // Reported weeks that name no gadgets sold none: a flat zero, not a gap.
    let gadgets = read(app.token.clone(), "GADGET-1", Some(t.distributor.clone())).await;
    assert_eq!(
        (
            &gadgets["status"],
            &gadgets["missingWeeks"],
            &gadgets["weeks"][0]["quantity"],
            &gadgets["wape"]
        ),
        (&json!("CURRENT"), &json!(0), &json!("0"), &Value::Null),
        "{gadgets}"
    );

    // A distributor that stopped reporting three weeks ago: its history, and nothing ahead.
    let other = app.create_org("DISTRIBUTOR", "Süd Handel", "DIST-2").await;
    for weeks_ago in 6..=9 {
        sold_in_week(
            &app,
            &app.token,
            Some(&other),
            weeks_ago,
            json!([{ "sku": "WIDGET-1", "quantity": "10" }]),
        )
        .await;
    }
    let stale = read(app.token.clone(), "WIDGET-1", Some(other.clone())).await;
    assert_eq!(
        (
            &stale["status"],
            stale["history"].as_array().unwrap().len(),
            &stale["weeks"]
        ),
        (&json!("STALE"), 4, &json!([])),
        "{stale}"
    );
    // Sales not yet made, and periods over a year, are not reported.
    for (start, end) in [
        (
            chrono::Utc::now().date_naive(),
            chrono::Utc::now().date_naive() + chrono::Days::new(1),
        ),
        (
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        ),
    ] {
        let body = mutate_as(
            &app,
            &t.portal,
            "sellThroughReportSubmit",
            "SellThroughReportSubmitInput",
            "report { id }",
            json!({ "periodStart": start.to_string(), "periodEnd": end.to_string(),
                    "lines": [{ "sku": "WIDGET-1", "quantity": "1000000" }] }),
        )
        .await;
        assert_eq!(
            body["userErrors"][0]["field"],
            json!(["input", "periodEnd"]),
            "{start} to {end}: {body}"
        );
    }
    // Nobody else's forecast, and a product by id works as by SKU.
    assert!(
        read(t.portal.clone(), "WIDGET-1", Some(other))
            .await
            .is_null()
    );
    let none = app
        .graphql(
            "query($d: ID!) { demandForecast(distributorId: $d, sku: \"GADGET-1\", weeks: 0) { status } }",
            json!({ "d": t.distributor }),
        )
        .await;
    assert_eq!(none["errors"][0]["extensions"]["field"], "weeks", "{none}");
}

#[tokio::test]
async fn the_demo_shows_policies_a_proposal_and_forecasts() {
    use channelgraph::seed::{DEMO_PARTNER_EMAIL, DEMO_PARTNER_PASSWORD};
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    let portal = app
        .token_for(DEMO_PARTNER_EMAIL, DEMO_PARTNER_PASSWORD)
        .await;
    let body = app
        .graphql_as(
            &portal,
            "{ effectiveReplenishmentPolicy(sku: \"HP-100\") { targetWeeks orderMultiple minQuantity leadTimeDays reviewDays }
               replenishmentPolicyProposals { nodes { status targetWeeks note } }
               demandForecast(sku: \"HP-100\", weeks: 4) { status method history { quantity } weeks { quantity } }
               replenishmentEnrolment { mode }
               replenishmentProposals { nodes { status lines { product { sku } quantity onHand orderMultiple explanation } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let data = &body["data"];
    assert_eq!(
        data["effectiveReplenishmentPolicy"],
        json!({ "targetWeeks": "4", "orderMultiple": "6", "minQuantity": "12", "leadTimeDays": 10,
                "reviewDays": ["MONDAY", "THURSDAY"] }),
        "{body}"
    );
    assert_eq!(
        data["replenishmentPolicyProposals"]["nodes"],
        json!([{ "status": "PENDING", "targetWeeks": "5", "note": "The spring season starts early in the north" }]),
        "{body}"
    );
    let forecast = &data["demandForecast"];
    assert_eq!(forecast["status"], "CURRENT", "{body}");
    assert_eq!(forecast["method"], "HOLT", "{body}");
    assert!(
        forecast["history"].as_array().unwrap().len() >= 20,
        "six months of reports: {body}"
    );
    assert_eq!(forecast["weeks"].as_array().unwrap().len(), 4, "{body}");
    // Enrolled for proposals: one waits, from today's count; heat pumps are out of stock
    // and come in cartons of 6.
    assert_eq!(
        data["replenishmentEnrolment"]["mode"], "PROPOSALS",
        "{body}"
    );
    let proposal = &data["replenishmentProposals"]["nodes"][0];
    assert_eq!(proposal["status"], "PENDING", "{body}");
    let heat_pumps = proposal["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product"]["sku"] == "HP-100")
        .unwrap();
    assert_eq!(
        (&heat_pumps["onHand"], &heat_pumps["orderMultiple"]),
        (&json!("0"), &json!("6")),
        "{body}"
    );
    // The heat pumps' supplier sees the channel's demand less the brand's 20, and its own
    // commitment of 15 a week.
    let supply = app
        .graphql(
            "{ organizations(filter: { code: \"SUP-001\" }) { nodes { id } } }",
            json!({}),
        )
        .await;
    let forecast = app
        .graphql(
            "query($s: ID!) { supplierForecast(supplierId: $s, sku: \"HP-100\", weeks: 4) { brandOnHand distributors weeks { committed } } }",
            json!({ "s": supply["data"]["organizations"]["nodes"][0]["id"] }),
        )
        .await;
    let forecast = &forecast["data"]["supplierForecast"];
    assert_eq!(forecast["brandOnHand"], "20", "{forecast}");
    assert!(
        forecast["distributors"].as_i64().unwrap() >= 1,
        "{forecast}"
    );
    assert_eq!(forecast["weeks"][3]["committed"], "15", "{forecast}");
    // A purchase proposal to it waits for the brand's planners: eight weeks, the heat pumps'
    // within its commitments.
    let purchase = app
        .graphql(
            "{ purchaseProposals { nodes { number status horizonWeeks supplier { code }
                lines { product { sku } quantity committed cappedWeeks } } } }",
            json!({}),
        )
        .await;
    let purchase = &purchase["data"]["purchaseProposals"]["nodes"][0];
    assert_eq!(
        (
            &purchase["number"],
            &purchase["status"],
            &purchase["horizonWeeks"],
            &purchase["supplier"]["code"]
        ),
        (
            &json!("PR-000001"),
            &json!("PENDING"),
            &json!(8),
            &json!("SUP-001")
        ),
        "{purchase}"
    );
    let pumps = purchase["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product"]["sku"] == "HP-100")
        .unwrap();
    assert_eq!(pumps["committed"], "60", "{purchase}");
    let quantity: rust_decimal::Decimal = heat_pumps["quantity"].as_str().unwrap().parse().unwrap();
    assert!(
        quantity >= rust_decimal::Decimal::from(12)
            && quantity % rust_decimal::Decimal::from(6) == rust_decimal::Decimal::ZERO,
        "{body}"
    );
}
