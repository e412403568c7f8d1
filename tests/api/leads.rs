//! Leads: late entry, routing by territory to staff or to a partner who accepts or declines
//! in time, qualification, duplicate warnings, and conversion in one transaction; and deal
//! registration with approval, protection, conflicts and expiry.

use chrono::{Duration, Utc};
use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::orders::trade;

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

fn user_gid(id: uuid::Uuid) -> String {
    channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, id)
}

const LEAD: &str = "id number status late partner { code } assignee { email } statusReason version
    convertedOrganization { code } convertedContact { name email organization { code } }
    convertedOpportunity { name stage amount { amount currency } campaign { code } }";

async fn lead_step(
    app: &TestApp,
    token: &str,
    mutation: &str,
    input_type: &str,
    input: Value,
) -> Value {
    let body = app
        .graphql_as(
            token,
            &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ lead {{ {LEAD} }} userErrors {{ field code message }} }} }}"),
            json!({ "input": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{mutation}: {body}");
    body["data"][mutation].clone()
}

async fn create_lead(app: &TestApp, token: &str, input: Value) -> Value {
    lead_step(app, token, "leadCreate", "LeadCreateInput", input).await
}

/// A distributor with a portal user, and routes: NORTH to a sales user, SOUTH to the
/// distributor.
async fn routed(app: &TestApp) -> (String, String, String) {
    let t = trade(app).await;
    let sales = app
        .create_user("sales@brand.test", "sales password", UserRole::Sales, None)
        .await;
    for input in [
        json!({ "territory": "north", "assigneeId": user_gid(sales) }),
        json!({ "territory": "SOUTH", "partnerId": t.distributor }),
    ] {
        let body = app
            .mutate("leadRouteSet", "leadRoute { territory }", input)
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
    }
    (t.distributor, t.portal, user_gid(sales))
}

fn captured(days_ago: i64) -> String {
    (Utc::now() - Duration::days(days_ago) - Duration::minutes(1)).to_rfc3339()
}

#[tokio::test]
async fn leads_are_flagged_late_and_routed_by_territory_to_staff_or_a_partner() {
    let app = spawn_app().await;
    let (_, portal, _) = routed(&app).await;

    let north = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Ines", "company": "Nordlicht AG", "source": "TRADE_SHOW", "capturedAt": captured(0), "territory": "NORTH" }),
    )
    .await;
    assert_eq!(north["userErrors"], json!([]), "{north}");
    assert_eq!(north["lead"]["status"], "ASSIGNED");
    assert_eq!(north["lead"]["assignee"]["email"], "sales@brand.test");
    assert_eq!(north["lead"]["late"], false);
    assert_eq!(north["lead"]["number"], "LEAD-000001");
    // A week after capture is at least five working days: late.
    let south = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Sven", "company": "Südwind GmbH", "source": "WEBSITE", "capturedAt": captured(7), "territory": "SOUTH" }),
    )
    .await;
    assert_eq!(south["lead"]["status"], "OFFERED");
    assert_eq!(south["lead"]["late"], true);
    assert_eq!(south["lead"]["partner"]["code"], "DIST-1");
    let body = app
        .graphql(
            "{ late: leads(filter: { late: true }) { totalCount } all: leads { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "late": { "totalCount": 1 }, "all": { "totalCount": 2 } })
    );

    // The partner sees the lead offered to it, and accepts it.
    let body = app
        .graphql_as(
            &portal,
            "{ leads { totalCount nodes { number status offerExpiresAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["leads"]["totalCount"], 1, "{body}");
    assert!(body["data"]["leads"]["nodes"][0]["offerExpiresAt"].is_string());
    let accepted = lead_step(
        &app,
        &portal,
        "leadAccept",
        "LeadStepInput",
        json!({ "id": south["lead"]["id"], "version": 1 }),
    )
    .await;
    assert_eq!(accepted["lead"]["status"], "ACCEPTED", "{accepted}");
    // Not a lead assigned to the brand's staff.
    let body = lead_step(
        &app,
        &portal,
        "leadAccept",
        "LeadStepInput",
        json!({ "id": north["lead"]["id"], "version": 1 }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "NOT_FOUND", "{body}");

    // A declined lead returns to the pool, with the reason; the partner no longer sees it.
    let third = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Theo", "source": "STORE", "capturedAt": captured(0), "territory": "SOUTH" }),
    )
    .await;
    let body = lead_step(
        &app,
        &portal,
        "leadDecline",
        "LeadStepInput",
        json!({ "id": third["lead"]["id"], "version": 1 }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "reason"], "code": "REQUIRED", "message": "give the reason" }])
    );
    let declined = lead_step(
        &app,
        &portal,
        "leadDecline",
        "LeadStepInput",
        json!({ "id": third["lead"]["id"], "version": 1, "reason": "Outside our area" }),
    )
    .await;
    assert_eq!(declined["lead"]["status"], "NEW", "{declined}");
    assert_eq!(declined["lead"]["partner"], Value::Null);
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Lead { status partner { code } statusReason } } }",
            json!({ "id": third["lead"]["id"] }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "status": "NEW", "partner": null, "statusReason": "Outside our area" })
    );
    let body = app
        .graphql_as(&portal, "{ leads { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["leads"]["totalCount"], 1);

    // Bad input names the field.
    for (input, field, code) in [
        (
            json!({ "personName": "X", "source": "OTHER", "capturedAt": (Utc::now() + Duration::days(1)).to_rfc3339() }),
            "capturedAt",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "personName": "X", "source": "OTHER", "capturedAt": captured(0), "email": "not-an-email" }),
            "email",
            "INVALID",
        ),
        (
            json!({ "personName": " ", "source": "OTHER", "capturedAt": captured(0) }),
            "personName",
            "REQUIRED",
        ),
    ] {
        let body = create_lead(&app, &app.token, input.clone()).await;
        assert_eq!(
            body["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {body}"
        );
        assert_eq!(body["userErrors"][0]["code"], code, "{input}: {body}");
    }
}

#[tokio::test]
async fn an_offer_not_answered_in_time_returns_the_lead_to_the_pool() {
    let app = spawn_app_with(|s| s.crm.lead_acceptance_hours = 0).await;
    let (_, portal, sales) = routed(&app).await;
    let lead = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Sven", "source": "WEBSITE", "capturedAt": captured(0), "territory": "SOUTH" }),
    )
    .await;
    let id = lead["lead"]["id"].clone();
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Lead { status partner { code } offerExpiresAt } } pool: leads(filter: { statuses: [NEW] }) { totalCount } offered: leads(filter: { statuses: [OFFERED] }) { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "node": { "status": "NEW", "partner": null, "offerExpiresAt": null },
                "pool": { "totalCount": 1 }, "offered": { "totalCount": 0 } })
    );
    let body = app
        .graphql_as(&portal, "{ leads { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["leads"]["totalCount"], 0);
    let body = lead_step(
        &app,
        &portal,
        "leadAccept",
        "LeadStepInput",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION", "message": "the offer ran out after 0 hours; the lead is back in the pool" }])
    );
    // From the pool the brand gives it to someone.
    let body = lead_step(
        &app,
        &app.token,
        "leadAssign",
        "LeadAssignInput",
        json!({ "id": id, "version": 1, "assigneeId": sales }),
    )
    .await;
    assert_eq!(body["lead"]["status"], "ASSIGNED", "{body}");
    assert_eq!(body["lead"]["assignee"]["email"], "sales@brand.test");
}

#[tokio::test]
async fn a_qualified_lead_converts_into_organization_contact_and_opportunity_at_once() {
    let app = spawn_app().await;
    let existing = app
        .mutate(
            "organizationCreate",
            "organization { id }",
            json!({ "kind": "END_CUSTOMER", "name": "Müller Präzision GmbH", "code": "CUST-1", "taxId": "DE123456789" }),
        )
        .await["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.mutate(
        "contactCreate",
        "contact { id }",
        json!({ "organizationId": existing, "name": "Anna", "email": "anna@mueller-praezision.de" }),
    )
    .await;
    let fair = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            json!({ "code": "FAIR", "name": "Fair", "channel": "TRADE_SHOW", "startsOn": "2026-11-01", "endsOn": "2026-11-30", "cost": { "amount": "500", "currency": "EUR" } }),
        )
        .await["campaign"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Karl", "company": "MÜLLER PRÄZISION", "email": "karl@mueller-praezision.de", "phone": "+49 30 1234567",
                "source": "TRADE_SHOW", "campaignId": fair, "capturedAt": captured(0) }),
    )
    .await;
    let id = lead["lead"]["id"].clone();
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Lead { duplicates { organization { code } contact { name } reasons } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"]["node"]["duplicates"],
        json!([{ "organization": { "code": "CUST-1" }, "contact": null, "reasons": ["NAME", "EMAIL_DOMAIN"] }])
    );

    let convert = |version: i64, extra: Value| {
        let mut input = json!({ "id": id, "version": version,
            "opportunity": { "name": "Spindles", "amount": { "amount": "12000", "currency": "EUR" }, "expectedCloseOn": "2027-02-01" } });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };
    let body = lead_step(
        &app,
        &app.token,
        "leadConvert",
        "LeadConvertInput",
        convert(1, json!({ "newOrganization": { "code": "NEW-1" } })),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION", "message": "the lead is in the pool; it cannot be converted" }])
    );
    let body = lead_step(
        &app,
        &app.token,
        "leadDisqualify",
        "LeadStepInput",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "REQUIRED");
    let body = lead_step(
        &app,
        &app.token,
        "leadQualify",
        "LeadStepInput",
        json!({ "id": id, "version": 1, "reason": "Budget approved" }),
    )
    .await;
    assert_eq!(body["lead"]["status"], "QUALIFIED");

    // A new organization that looks like an existing one is refused; so is an opportunity in
    // another currency than the lead's campaign. Either way nothing is written.
    let orgs_before = app.organization_count().await;
    let body = lead_step(
        &app,
        &app.token,
        "leadConvert",
        "LeadConvertInput",
        convert(2, json!({ "newOrganization": { "code": "NEW-1" } })),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "newOrganization"], "code": "DUPLICATE",
                 "message": "the lead looks like CUST-1; link it with organizationId, or confirm a new organization with confirmNew" }])
    );
    let mut yen = convert(
        2,
        json!({ "newOrganization": { "code": "NEW-1" }, "confirmNew": true }),
    );
    yen["opportunity"]["amount"] = json!({ "amount": "1000000", "currency": "JPY" });
    let body = lead_step(&app, &app.token, "leadConvert", "LeadConvertInput", yen).await;
    assert_eq!(body["userErrors"][0]["code"], "CURRENCY_MISMATCH", "{body}");
    assert_eq!(app.organization_count().await, orgs_before);
    let body = app
        .graphql("{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["opportunities"]["totalCount"], 0);

    // Linked to the existing organization instead.
    let body = lead_step(
        &app,
        &app.token,
        "leadConvert",
        "LeadConvertInput",
        convert(2, json!({ "organizationId": existing })),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let converted = &body["lead"];
    assert_eq!(converted["status"], "CONVERTED");
    assert_eq!(converted["convertedOrganization"]["code"], "CUST-1");
    assert_eq!(
        converted["convertedContact"],
        json!({ "name": "Karl", "email": "karl@mueller-praezision.de", "organization": { "code": "CUST-1" } })
    );
    assert_eq!(
        converted["convertedOpportunity"],
        json!({ "name": "Spindles", "stage": "QUALIFICATION", "amount": { "amount": "12000.00", "currency": "EUR" }, "campaign": { "code": "FAIR" } })
    );
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Campaign { leadCount opportunityCount } } }",
            json!({ "id": fair }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "leadCount": 1, "opportunityCount": 1 })
    );

    // A lead like nothing in the directory becomes a new organization.
    let fresh = create_lead(
        &app,
        &app.token,
        json!({ "personName": "Lena", "company": "Brandneu AG", "source": "WEBSITE", "capturedAt": captured(0) }),
    )
    .await;
    let fid = fresh["lead"]["id"].clone();
    lead_step(
        &app,
        &app.token,
        "leadQualify",
        "LeadStepInput",
        json!({ "id": fid, "version": 1 }),
    )
    .await;
    let body = lead_step(
        &app,
        &app.token,
        "leadConvert",
        "LeadConvertInput",
        json!({ "id": fid, "version": 2, "newOrganization": { "code": "NEW-2" },
                "opportunity": { "name": "Starter kit", "amount": { "amount": "900", "currency": "EUR" }, "expectedCloseOn": "2027-01-15" } }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    assert_eq!(body["lead"]["convertedOrganization"]["code"], "NEW-2");
    assert_eq!(app.organization_count().await, orgs_before + 1);
}

const DEAL: &str = "id number status conflict customer { code } customerName protectedUntil amount { amount currency }
    lines { product { sku } quantity } opportunity { name stage organization { code } } version";

async fn deal(app: &TestApp, token: &str, mutation: &str, input_type: &str, input: Value) -> Value {
    app.graphql_as(
            token,
            &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ dealRegistration {{ {DEAL} }} userErrors {{ field code message }} }} }}"),
            json!({ "input": input }),
        )
        .await
}

/// Two distributors with portals.
async fn two_partners(app: &TestApp) -> (String, String) {
    let t = trade(app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Süd Vertrieb", "DIST-2")
        .await;
    app.create_user(
        "buyer@dist-2.test",
        "buyer password 2",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&other)),
    )
    .await;
    (
        t.portal,
        app.token_for("buyer@dist-2.test", "buyer password 2").await,
    )
}

fn hotel(name: &str) -> Value {
    json!({ "customerName": name, "lines": [{ "sku": "WIDGET-1", "quantity": "10" }], "amount": { "amount": "5000", "currency": "EUR" } })
}

#[tokio::test]
async fn a_second_partner_registering_a_protected_customer_is_a_conflict() {
    let app = spawn_app().await;
    let (a, b) = two_partners(&app).await;

    let first = deal(
        &app,
        &a,
        "dealRegister",
        "DealRegisterInput",
        hotel("Hotel Sonne"),
    )
    .await;
    let registered = &first["data"]["dealRegister"]["dealRegistration"];
    assert_eq!(registered["status"], "PENDING", "{first}");
    assert_eq!(registered["conflict"], false);
    assert_eq!(registered["customer"], Value::Null);
    assert_eq!(
        registered["lines"],
        json!([{ "product": { "sku": "WIDGET-1" }, "quantity": "10" }])
    );

    // A sales user may not decide; a manager approves and creates the new customer.
    app.create_user("sales@brand.test", "sales password", UserRole::Sales, None)
        .await;
    let sales = app.token_for("sales@brand.test", "sales password").await;
    let body = deal(
        &app,
        &sales,
        "dealApprove",
        "DealApproveInput",
        json!({ "id": registered["id"], "version": 1, "customerCode": "HOTEL-1" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = deal(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        json!({ "id": registered["id"], "version": 1 }),
    )
    .await;
    assert_eq!(
        body["data"]["dealApprove"]["userErrors"][0]["field"],
        json!(["input", "customerCode"])
    );
    let body = deal(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        json!({ "id": registered["id"], "version": 1, "customerCode": "HOTEL-1" }),
    )
    .await;
    let approved = &body["data"]["dealApprove"]["dealRegistration"];
    assert_eq!(approved["status"], "APPROVED", "{body}");
    assert_eq!(approved["customer"]["code"], "HOTEL-1");
    assert_eq!(
        approved["opportunity"],
        json!({ "name": "DEAL-000001 for Hotel Sonne", "stage": "QUALIFICATION", "organization": { "code": "HOTEL-1" } })
    );
    let until =
        chrono::DateTime::parse_from_rfc3339(approved["protectedUntil"].as_str().unwrap()).unwrap();
    let days = (until.with_timezone(&Utc) - Utc::now()).num_days();
    assert!((89..=90).contains(&days), "{days} days of protection");
    let body = deal(
        &app,
        &app.token,
        "dealReject",
        "DealRejectInput",
        json!({ "id": registered["id"], "version": 2, "reason": "x" }),
    )
    .await;
    assert_eq!(
        body["data"]["dealReject"]["userErrors"][0]["code"],
        "ILLEGAL_TRANSITION"
    );
    // The partner sees its deal's opportunity, and the new customer it brought, which it
    // now serves.
    let body = app
        .graphql_as(
            &a,
            "{ opportunities { totalCount } dealRegistrations { nodes { customer { code } } } customers { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["opportunities"]["totalCount"], 1);
    assert_eq!(
        body["data"]["dealRegistrations"]["nodes"],
        json!([{ "customer": { "code": "HOTEL-1" } }]),
        "{body}"
    );
    assert!(
        body["data"]["customers"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": "HOTEL-1" })),
        "{body}"
    );

    // B registers the same customer under another spelling: a conflict, not approved
    // without an explicit decision.
    let second = deal(
        &app,
        &b,
        "dealRegister",
        "DealRegisterInput",
        hotel("HOTEL SONNE GmbH"),
    )
    .await;
    let conflicting = &second["data"]["dealRegister"]["dealRegistration"];
    assert_eq!(conflicting["conflict"], true, "{second}");
    assert_eq!(conflicting["status"], "PENDING");
    let body = deal(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        json!({ "id": conflicting["id"], "version": 1, "customerCode": "HOTEL-2" }),
    )
    .await;
    let errors = &body["data"]["dealApprove"]["userErrors"];
    assert_eq!(errors[0]["code"], "CONFLICT", "{body}");
    assert_eq!(errors[0]["field"], json!(["input", "overrideConflict"]));
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("DEAL-000001 protects this customer for another partner until ")
    );
    let body = deal(
        &app,
        &app.token,
        "dealReject",
        "DealRejectInput",
        json!({ "id": conflicting["id"], "version": 1, "reason": "Protected for another partner" }),
    )
    .await;
    assert_eq!(
        body["data"]["dealReject"]["dealRegistration"]["status"],
        "REJECTED"
    );

    // Each partner sees its own registrations only.
    for (token, count) in [(&a, 1), (&b, 1)] {
        let body = app
            .graphql_as(token, "{ dealRegistrations { totalCount } }", json!({}))
            .await;
        assert_eq!(body["data"]["dealRegistrations"]["totalCount"], count);
    }
    let body = app
        .graphql("{ c: dealRegistrations(filter: { conflict: true }) { totalCount } a: dealRegistrations(filter: { statuses: [APPROVED] }) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["data"],
        json!({ "c": { "totalCount": 1 }, "a": { "totalCount": 1 } })
    );

    // Bad registrations change nothing.
    for (input, field, code) in [
        (
            json!({ "customerName": "X", "lines": [{ "sku": "NOPE-1", "quantity": "1" }], "amount": { "amount": "1", "currency": "EUR" } }),
            json!(["input", "lines", "0", "sku"]),
            "NOT_FOUND",
        ),
        (
            json!({ "customerName": "X", "lines": [], "amount": { "amount": "1", "currency": "EUR" } }),
            json!(["input", "lines"]),
            "REQUIRED",
        ),
        (
            json!({ "lines": [{ "sku": "WIDGET-1", "quantity": "1" }], "amount": { "amount": "1", "currency": "EUR" } }),
            json!(["input", "customerId"]),
            "REQUIRED",
        ),
        (
            json!({ "customerName": "X", "lines": [{ "sku": "WIDGET-1", "quantity": "0" }], "amount": { "amount": "1", "currency": "EUR" } }),
            json!(["input", "lines", "0", "quantity"]),
            "OUT_OF_RANGE",
        ),
    ] {
        let body = deal(&app, &a, "dealRegister", "DealRegisterInput", input.clone()).await;
        let errors = &body["data"]["dealRegister"]["userErrors"];
        assert_eq!(
            (errors[0]["field"].clone(), errors[0]["code"].clone()),
            (field, json!(code)),
            "{input}: {body}"
        );
    }
    let body = deal(
        &app,
        &app.token,
        "dealRegister",
        "DealRegisterInput",
        hotel("Brand's own"),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let body = app
        .graphql("{ dealRegistrations { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["dealRegistrations"]["totalCount"], 2);
}

#[tokio::test]
async fn protection_ends_by_itself() {
    let app = spawn_app_with(|s| s.crm.deal_protection_days = 0).await;
    let (a, b) = two_partners(&app).await;
    let first = deal(
        &app,
        &a,
        "dealRegister",
        "DealRegisterInput",
        hotel("Hotel Mond"),
    )
    .await;
    let id = first["data"]["dealRegister"]["dealRegistration"]["id"].clone();
    let body = deal(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        json!({ "id": id, "version": 1, "customerCode": "MOND" }),
    )
    .await;
    assert_eq!(
        body["data"]["dealApprove"]["dealRegistration"]["status"], "EXPIRED",
        "{body}"
    );
    let second = deal(
        &app,
        &b,
        "dealRegister",
        "DealRegisterInput",
        hotel("Hotel Mond"),
    )
    .await;
    assert_eq!(
        second["data"]["dealRegister"]["dealRegistration"]["conflict"], false,
        "{second}"
    );
    let body = app
        .graphql("{ e: dealRegistrations(filter: { statuses: [EXPIRED] }) { totalCount } a: dealRegistrations(filter: { statuses: [APPROVED] }) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["data"],
        json!({ "e": { "totalCount": 1 }, "a": { "totalCount": 0 } })
    );
}
