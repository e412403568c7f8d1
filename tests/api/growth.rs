//! Growth: campaigns reach only contacts who opted in and have not had the material, their
//! return is their won revenue against their cost, and opportunities end won or lost.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::{submit_as, trade, two_lines};

async fn contact(app: &TestApp, org: &str, name: &str, consent: Option<(&str, &str)>) -> String {
    let mut input = json!({ "organizationId": org, "name": name });
    if let Some((status, source)) = consent {
        input["marketingConsent"] = json!({ "status": status, "source": source });
    }
    let body = app.mutate("contactCreate", "contact { id }", input).await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["contact"]["id"].as_str().unwrap().to_owned()
}

async fn campaign(app: &TestApp, code: &str, material: &str, cost: &str) -> String {
    let body = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            json!({ "code": code, "name": code, "channel": "MAIL", "startsOn": "2026-11-01", "endsOn": "2026-12-31",
                    "cost": { "amount": cost, "currency": "EUR" }, "material": material }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["campaign"]["id"].as_str().unwrap().to_owned()
}

async fn audience(app: &TestApp, campaign: &str) -> Vec<String> {
    let body = app
        .graphql(
            "query($c: ID!) { campaignAudience(campaignId: $c, filter: { organizationKinds: [END_CUSTOMER] }) { totalCount nodes { name } } }",
            json!({ "c": campaign }),
        )
        .await;
    let nodes = body["data"]["campaignAudience"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(
        body["data"]["campaignAudience"]["totalCount"],
        nodes.len(),
        "{body}"
    );
    nodes
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn send(app: &TestApp, campaign: &str, contacts: &[&str]) -> Value {
    app.mutate(
        "campaignSend",
        "campaign { sendCount }",
        json!({ "campaignId": campaign, "contactIds": contacts }),
    )
    .await
}

#[tokio::test]
async fn a_campaign_audience_never_holds_an_opted_out_contact_nor_one_who_had_the_material() {
    let app = spawn_app().await;
    let shop = app
        .create_org("END_CUSTOMER", "Laden Müller", "CUST-1")
        .await;
    let anna = contact(&app, &shop, "Anna", Some(("OPTED_IN", "web form"))).await;
    let bob = contact(&app, &shop, "Bob", Some(("OPTED_IN", "trade show"))).await;
    let _chen = contact(&app, &shop, "Chen", None).await;
    let emil = contact(&app, &shop, "Emil", Some(("OPTED_IN", "web form"))).await;
    let gone = app.create_org("END_CUSTOMER", "Alt GmbH", "CUST-2").await;
    contact(&app, &gone, "Frieda", Some(("OPTED_IN", "web form"))).await;
    let version = app.version_of(&gone).await;
    app.mutate(
        "organizationArchive",
        "organization { id }",
        json!({ "id": gone, "version": version }),
    )
    .await;
    // Bob opts out through an unsubscribe link: his history keeps both.
    let body = app
        .mutate(
            "contactUpdate",
            "contact { marketingConsent { status source } consentHistory { status source changedAt } }",
            json!({ "id": bob, "version": 1, "marketingConsent": { "status": "OPTED_OUT", "source": "unsubscribe link" } }),
        )
        .await;
    let history = body["contact"]["consentHistory"].as_array().unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| (h["status"].clone(), h["source"].clone()))
            .collect::<Vec<_>>(),
        vec![
            (json!("OPTED_IN"), json!("trade show")),
            (json!("OPTED_OUT"), json!("unsubscribe link"))
        ]
    );
    assert!(history.iter().all(|h| h["changedAt"].is_string()));

    let catalogue = campaign(&app, "CAT-MAIL", "cat-2027", "0").await;
    let reminder = campaign(&app, "CAT-REMIND", "CAT-2027", "0").await;
    // Opted in and live only: not Bob (opted out), not Chen (never asked), not Frieda
    // (archived organization).
    assert_eq!(audience(&app, &catalogue).await, vec!["Anna", "Emil"]);

    // A send with one contact who opted out sends nothing.
    let body = send(&app, &catalogue, &[&anna, &bob]).await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "contactIds", "1"], "code": "NOT_ALLOWED", "message": "Bob has opted out" }])
    );
    assert_eq!(audience(&app, &catalogue).await, vec!["Anna", "Emil"]);

    let body = send(&app, &catalogue, &[&emil]).await;
    assert_eq!(body["campaign"]["sendCount"], 1, "{body}");
    // Emil had the catalogue: out of this campaign's audience and of any other sending it.
    assert_eq!(audience(&app, &catalogue).await, vec!["Anna"]);
    assert_eq!(audience(&app, &reminder).await, vec!["Anna"]);
    let body = send(&app, &reminder, &[&anna, &emil]).await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "contactIds", "1"], "code": "TAKEN", "message": "Emil already received CAT-2027" }])
    );
    let body = send(&app, &reminder, &[&anna, &anna]).await;
    assert_eq!(body["userErrors"][0]["code"], "INVALID", "{body}");

    // Bob opts in again and is back.
    app.mutate(
        "contactUpdate",
        "contact { id }",
        json!({ "id": bob, "version": 2, "marketingConsent": { "status": "OPTED_IN", "source": "phone" } }),
    )
    .await;
    assert_eq!(audience(&app, &catalogue).await, vec!["Anna", "Bob"]);
}

#[tokio::test]
async fn a_campaigns_return_is_its_won_revenue_against_its_cost() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let fair = campaign(&app, "FAIR-2026", "FAIR-INVITE", "1000").await;
    let create = "mutation($input: OpportunityCreateInput!) { opportunityCreate(input: $input) {
        opportunity { id stage amount { amount currency } owner { email } campaign { code } version } userErrors { field code message } } }";
    let mut ids = Vec::new();
    for (name, amount) in [
        ("Shelving", "3000"),
        ("Lighting", "500"),
        ("Widgets", "1500"),
    ] {
        let body = app
            .graphql(
                create,
                json!({ "input": { "name": name, "organizationId": t.distributor, "amount": { "amount": amount, "currency": "EUR" },
                                   "expectedCloseOn": "2026-12-20", "campaignId": fair } }),
            )
            .await;
        let payload = &body["data"]["opportunityCreate"];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        assert_eq!(payload["opportunity"]["stage"], "PROSPECTING");
        assert_eq!(payload["opportunity"]["campaign"]["code"], "FAIR-2026");
        assert_eq!(
            payload["opportunity"]["owner"]["email"],
            "admin@channelgraph.test"
        );
        ids.push(payload["opportunity"]["id"].clone());
    }
    let body = app
        .graphql(
            create,
            json!({ "input": { "name": "Yen deal", "organizationId": t.distributor, "amount": { "amount": "1000", "currency": "JPY" },
                               "expectedCloseOn": "2026-12-20", "campaignId": fair } }),
        )
        .await;
    assert_eq!(
        body["data"]["opportunityCreate"]["userErrors"],
        json!([{ "field": ["input", "amount", "currency"], "code": "CURRENCY_MISMATCH", "message": "campaign FAIR-2026 counts in EUR; the amount is in JPY" }])
    );

    let placed = submit_as(&app, &t.portal, two_lines("PO-FAIR")).await;
    let order = placed["order"].clone();
    let other = submit_as(&app, &app.token, json!({ "buyerId": t.dealer, "sellerId": t.distributor, "poNumber": "PO-D", "lines": [{ "sku": "WIDGET-1", "quantity": "1" }] })).await;
    let step = |mutation: &'static str, input_type: &'static str, input: Value| {
        let app = &app;
        async move {
            let body = app
                .graphql(
                    &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ opportunity {{ stage order {{ number }} lostReason closedAt version }} userErrors {{ field code message }} }} }}"),
                    json!({ "input": input }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"][mutation].clone()
        }
    };
    let body = step(
        "opportunityUpdate",
        "OpportunityUpdateInput",
        json!({ "id": ids[0], "version": 1, "stage": "WON" }),
    )
    .await;
    assert_eq!(
        body["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{body}"
    );
    let body = step(
        "opportunityUpdate",
        "OpportunityUpdateInput",
        json!({ "id": ids[0], "version": 1, "stage": "NEGOTIATION" }),
    )
    .await;
    assert_eq!(body["opportunity"]["stage"], "NEGOTIATION");
    let body = step(
        "opportunityWin",
        "OpportunityWinInput",
        json!({ "id": ids[0], "version": 2 }),
    )
    .await;
    assert_eq!(body["opportunity"]["stage"], "WON");
    assert!(body["opportunity"]["closedAt"].is_string());
    let body = step(
        "opportunityLose",
        "OpportunityLoseInput",
        json!({ "id": ids[1], "version": 1, "reason": "Budget cut" }),
    )
    .await;
    assert_eq!(body["opportunity"]["lostReason"], "Budget cut");
    let body = step(
        "opportunityWin",
        "OpportunityWinInput",
        json!({ "id": ids[2], "version": 1, "orderId": other["order"]["id"] }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "orderId"], "code": "NOT_ALLOWED", "message": "order SO-000002 was not placed by the opportunity's organization" }])
    );
    let body = step(
        "opportunityWin",
        "OpportunityWinInput",
        json!({ "id": ids[2], "version": 1, "orderId": order["id"] }),
    )
    .await;
    assert_eq!(
        body["opportunity"]["order"]["number"], "SO-000001",
        "{body}"
    );
    for (i, id) in ids.iter().enumerate() {
        let body = step(
            "opportunityLose",
            "OpportunityLoseInput",
            json!({ "id": id, "version": 2 + i32::from(i == 0), "reason": "x" }),
        )
        .await;
        assert_eq!(
            body["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
            "{body}"
        );
    }

    app.mutate(
        "campaignResponseRecord",
        "campaign { id }",
        json!({ "campaignId": fair, "kind": "REGISTERED" }),
    )
    .await;
    // Revenue: the won opportunity without an order counts its amount, the one won with an
    // order the order's net total (without tax).
    let body = app
        .graphql(
            "query($id: ID!) { order(number: \"SO-000001\") { subtotal { amount } }
               node(id: $id) { ... on Campaign { cost { amount currency } responseCount opportunityCount wonCount revenue { amount currency } roi } } }",
            json!({ "id": fair }),
        )
        .await;
    let dec = |v: &Value| Decimal::from_str(v.as_str().unwrap()).unwrap();
    let net = dec(&body["data"]["order"]["subtotal"]["amount"]);
    let revenue = Decimal::from(3000) + net;
    let roi = ((revenue - Decimal::from(1000)) / Decimal::from(1000))
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .normalize();
    let c = &body["data"]["node"];
    assert_eq!(c["cost"], json!({ "amount": "1000.00", "currency": "EUR" }));
    assert_eq!(
        (
            c["responseCount"].clone(),
            c["opportunityCount"].clone(),
            c["wonCount"].clone()
        ),
        (json!(1), json!(3), json!(2))
    );
    assert_eq!(dec(&c["revenue"]["amount"]), revenue, "{body}");
    assert_eq!(c["roi"], json!(roi.to_string()), "{body}");
    let body = app
        .graphql(
            "query($c: ID!) { opportunities(filter: { campaignId: $c, stages: [WON] }) { totalCount } }",
            json!({ "c": fair }),
        )
        .await;
    assert_eq!(body["data"]["opportunities"]["totalCount"], 2);

    // The brand's marketing and pipeline are its own.
    let body = app
        .graphql_as(&t.portal, "{ campaigns { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .graphql_as(&t.portal, "{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["opportunities"]["totalCount"], 0, "{body}");
}
