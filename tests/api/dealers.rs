//! Dealers a distributor registers in its portal: pending until the brand approves, found
//! in the directory before they are made twice, and no trade while they wait.

use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::orders::trade;

const REGISTER: &str = "mutation($input: DealerRegisterInput!) { dealerRegister(input: $input) {
    organization { id code name status statusReason version
        ... on IntermediateCustomer { contacts { nodes { name email } } addresses { nodes { line1 city } } } }
    duplicates { reasons organization { code } }
    userErrors { field code message } } }";

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

fn dealer(name: &str, code: &str) -> Value {
    json!({ "name": name, "code": code, "taxId": null,
            "contacts": [{ "name": "Olga Owner", "email": "olga@example.test" }],
            "addresses": [{ "kind": "SHIPPING", "line1": format!("{name} Straße 1"), "postalCode": "24103", "city": "Kiel", "country": "DE" }] })
}

async fn admin_of(app: &TestApp, org: &str, email: &str) -> String {
    app.create_user(
        email,
        "a partner password",
        UserRole::PartnerAdmin,
        Some(uuid_of(org)),
    )
    .await;
    app.token_for(email, "a partner password").await
}

#[tokio::test]
async fn a_distributor_registers_a_dealer_that_waits_for_the_brand_and_trades_once_approved() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let admin = admin_of(&app, &t.distributor, "admin@dist-1.test").await;
    let body = app
        .graphql_as(
            &admin,
            REGISTER,
            json!({ "input": dealer("Kieler Fahrradladen", "dlr-kiel") }),
        )
        .await;
    let payload = &body["data"]["dealerRegister"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["duplicates"], json!([]));
    let made = &payload["organization"];
    assert_eq!(made["code"], "DLR-KIEL");
    assert_eq!(made["status"], "PENDING");
    assert_eq!(
        made["contacts"]["nodes"],
        json!([{ "name": "Olga Owner", "email": "olga@example.test" }])
    );
    assert_eq!(
        made["addresses"]["nodes"],
        json!([{ "line1": "Kieler Fahrradladen Straße 1", "city": "Kiel" }])
    );
    let id = made["id"].as_str().unwrap().to_owned();

    // It is the distributor's dealer, through a link to it.
    let body = app
        .graphql_as(
            &admin,
            "{ organization(code: \"DIST-1\") { ... on Distributor { dealers { nodes { code status } } } } }",
            json!({}),
        )
        .await;
    assert!(
        body["data"]["organization"]["dealers"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": "DLR-KIEL", "status": "PENDING" })),
        "{body}"
    );

    // While it waits, nobody trades with it.
    let order = json!({ "buyerId": id, "sellerId": t.distributor, "poNumber": "K-1", "lines": [{ "sku": "WIDGET-1", "quantity": "1" }] });
    let refused = app.mutate("orderSubmit", "order { id }", order).await;
    assert_eq!(
        refused["userErrors"],
        json!([{ "field": ["input", "buyerId"], "code": "NOT_ALLOWED",
                 "message": "the organization named by buyerId waits for the brand's approval; it trades once approved" }]),
        "{refused}"
    );
    // Nor does it report or register deals, even where a user of its own exists.
    app.create_user(
        "seller@dlr-kiel.test",
        "a partner password",
        UserRole::PartnerManager,
        Some(uuid_of(&id)),
    )
    .await;
    let own = app
        .token_for("seller@dlr-kiel.test", "a partner password")
        .await;
    let body = app
        .graphql_as(
            &own,
            "mutation { inventoryReportSubmit(input: { asOf: \"2026-11-30\", lines: [{ sku: \"WIDGET-1\", onHand: \"3\" }] }) { report { id } userErrors { field code message } }
                        dealRegister(input: { customerName: \"Hotel Kiel\", lines: [{ sku: \"WIDGET-1\", quantity: \"1\" }], amount: { amount: \"100\", currency: \"EUR\" } }) { dealRegistration { id } userErrors { field code message } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["inventoryReportSubmit"],
        json!({ "report": null, "userErrors": [{ "field": ["input", "organizationId"], "code": "NOT_ALLOWED",
                 "message": "DLR-KIEL waits for the brand's approval; it reports once approved" }] }),
        "{body}"
    );
    assert_eq!(
        body["data"]["dealRegister"],
        json!({ "dealRegistration": null, "userErrors": [{ "field": ["input"], "code": "NOT_ALLOWED",
                 "message": "your company waits for the brand's approval; it registers deals once approved" }] }),
        "{body}"
    );

    // A partner does not approve; the brand's staff do.
    let body = app
        .graphql_as(
            &admin,
            "mutation($id: ID!) { dealerApprove(input: { id: $id, version: 1 }) { organization { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let approved = app
        .mutate(
            "dealerApprove",
            "organization { status version }",
            json!({ "id": id, "version": 1 }),
        )
        .await;
    assert_eq!(
        approved["organization"],
        json!({ "status": "ACTIVE", "version": 2 })
    );
    let twice = app
        .mutate(
            "dealerApprove",
            "organization { status }",
            json!({ "id": id, "version": 2 }),
        )
        .await;
    assert_eq!(
        twice["userErrors"],
        json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION",
                 "message": "DLR-KIEL is active; only a pending registration is decided" }])
    );
}

#[tokio::test]
async fn a_rejected_dealer_is_archived_with_the_reason_its_distributor_reads() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let admin = admin_of(&app, &t.distributor, "admin@dist-1.test").await;
    let body = app
        .graphql_as(
            &admin,
            REGISTER,
            json!({ "input": dealer("Flensburger Rad", "DLR-FL") }),
        )
        .await;
    let id = body["data"]["dealerRegister"]["organization"]["id"].clone();
    let blank = app
        .mutate(
            "dealerReject",
            "organization { status }",
            json!({ "id": id, "version": 1, "reason": "" }),
        )
        .await;
    assert_eq!(
        blank["userErrors"][0]["field"],
        json!(["input", "reason"]),
        "{blank}"
    );
    let rejected = app
        .mutate(
            "dealerReject",
            "organization { status statusReason archivedAt }",
            json!({ "id": id, "version": 1, "reason": "Another distributor serves Flensburg" }),
        )
        .await;
    assert_eq!(rejected["organization"]["status"], "REJECTED");
    assert!(rejected["organization"]["archivedAt"].is_string());
    let seen = app
        .graphql_as(
            &admin,
            "query($id: ID!) { node(id: $id) { ... on Organization { status statusReason } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        seen["data"]["node"],
        json!({ "status": "REJECTED", "statusReason": "Another distributor serves Flensburg" })
    );
}

#[tokio::test]
async fn registration_warns_of_the_directory_before_making_a_dealer_twice() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let admin = admin_of(&app, &t.distributor, "admin@dist-1.test").await;
    // Another distributor and its dealer, which DIST-1 does not see.
    let other = app
        .create_org("DISTRIBUTOR", "Süd Vertrieb", "DIST-S")
        .await;
    let theirs = app
        .create_org("INTERMEDIATE_CUSTOMER", "Müller Räder GmbH", "DLR-MUE")
        .await;
    app.link(&other, &theirs, "RESELLS_TO").await;
    app.mutate(
        "organizationUpdate",
        "organization { id }",
        json!({ "id": theirs, "version": 1, "taxId": "DE 811 907 980" }),
    )
    .await;
    app.mutate(
        "addressCreate",
        "address { id }",
        json!({ "organizationId": t.dealer, "kind": "SHIPPING", "line1": "Hafenstraße 5", "postalCode": "24103", "city": "Kiel", "country": "DE" }),
    )
    .await;

    let mut input = dealer("Müller Räder", "DLR-NEW");
    input["taxId"] = json!("de811907980");
    input["addresses"][0]["line1"] = json!("hafenstraße 5");
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input.clone() }))
        .await;
    let payload = &body["data"]["dealerRegister"];
    assert_eq!(payload["organization"], Value::Null, "{body}");
    assert_eq!(
        payload["userErrors"],
        json!([{ "field": ["input"], "code": "DUPLICATE",
                 "message": "the directory may hold this dealer already (2 matches); look at duplicates, and register with acceptDuplicates if it is new" }])
    );
    // The other partner's dealer is told as a match, never who it is; its own dealer is.
    let mut found: Vec<Value> = payload["duplicates"].as_array().unwrap().clone();
    found.sort_by_key(|m| m["organization"].to_string());
    assert_eq!(
        found,
        [
            json!({ "reasons": ["NAME", "TAX_ID"], "organization": null }),
            json!({ "reasons": ["ADDRESS"], "organization": { "code": "DLR-1" } }),
        ]
    );
    let count = app.organization_count().await;

    input["acceptDuplicates"] = json!(true);
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["organization"]["code"], "DLR-NEW",
        "{body}"
    );
    assert_eq!(app.organization_count().await, count + 1);
}

#[tokio::test]
async fn only_a_distributors_admin_registers_and_bad_parts_name_their_field() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let count = app.organization_count().await;
    // The portal member manages no company data; staff use organizationCreate.
    let body = app
        .graphql_as(
            &t.portal,
            REGISTER,
            json!({ "input": dealer("Laden", "DLR-X") }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "this needs one of the roles PARTNER_ADMIN"
    );
    let body = app
        .graphql(REGISTER, json!({ "input": dealer("Laden", "DLR-X") }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    // A dealer does not recruit dealers.
    let dealer_admin = admin_of(&app, &t.dealer, "admin@dlr-1.test").await;
    let body = app
        .graphql_as(
            &dealer_admin,
            REGISTER,
            json!({ "input": dealer("Laden", "DLR-X") }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "only a distributor registers the dealers it recruits"
    );

    let admin = admin_of(&app, &t.distributor, "admin@dist-1.test").await;
    let mut input = dealer("Laden", "DLR-X");
    input["addresses"][0]["country"] = json!("Germany");
    input["contacts"] = json!([{ "name": "Ok" }, { "name": "Bad", "email": "not-an-email" }]);
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["userErrors"][0]["field"],
        json!(["input", "contacts", "1", "email"]),
        "{body}"
    );
    let mut input = dealer("Laden", "DLR-X");
    input["addresses"][0]["country"] = json!("Germany");
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["userErrors"][0]["field"],
        json!(["input", "addresses", "0", "country"]),
        "{body}"
    );
    let mut input = dealer("Laden", "DLR-X");
    input["contacts"] = json!(
        (0..21)
            .map(|i| json!({ "name": format!("C{i}") }))
            .collect::<Vec<_>>()
    );
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["userErrors"],
        json!([{ "field": ["input", "contacts"], "code": "TOO_LONG",
                 "message": "contacts holds 21; at most 20 come with one registration" }])
    );
    let mut input = dealer("Laden", "DLR-1");
    input["name"] = json!("Ganz Neuer Laden");
    let body = app
        .graphql_as(&admin, REGISTER, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["userErrors"][0]["code"], "TAKEN",
        "{body}"
    );
    assert_eq!(app.organization_count().await, count, "nothing was written");
}

#[tokio::test]
async fn where_registrations_need_no_approval_a_dealer_is_active_at_once() {
    let app = spawn_app_with(|s| s.crm.partner.dealer_approval = false).await;
    let t = trade(&app).await;
    let admin = admin_of(&app, &t.distributor, "admin@dist-1.test").await;
    let body = app
        .graphql_as(
            &admin,
            REGISTER,
            json!({ "input": dealer("Sofortladen", "DLR-NOW") }),
        )
        .await;
    assert_eq!(
        body["data"]["dealerRegister"]["organization"]["status"], "ACTIVE",
        "{body}"
    );
}
