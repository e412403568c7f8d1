//! The audit trail: every change, in its own transaction, readable by admins only.

use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

const EVENTS: &str = r#"query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount nodes { action objectType objectId principalKind principalId changes requestId } } }"#;

#[tokio::test]
async fn every_change_is_recorded_with_who_what_and_the_fields_changed() {
    let app = spawn_app().await;
    let id = app.create_org("DISTRIBUTOR", "Before Name", "DIST-1").await;
    let res = app
        .post()
        .header("x-request-id", "rename-42")
        .json(&json!({
            "query": "mutation($id: ID!) { organizationUpdate(input: { id: $id, version: 1, name: \"After Name\" }) { userErrors { code } } }",
            "variables": { "id": id }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = app
        .graphql(EVENTS, json!({ "f": { "objectId": id } }))
        .await;
    let events = &body["data"]["auditEvents"];
    assert_eq!(events["totalCount"], 2, "{body}");
    let update = &events["nodes"][0];
    assert_eq!(update["action"], "organization.update");
    assert_eq!(update["objectType"], "Organization");
    assert_eq!(update["objectId"], json!(id));
    assert_eq!(update["principalKind"], "STAFF");
    assert_eq!(update["requestId"], "rename-42");
    assert_eq!(
        update["changes"]["name"],
        json!({ "before": "Before Name", "after": "After Name" })
    );
    assert_eq!(
        update["changes"]["version"],
        json!({ "before": 1, "after": 2 })
    );
    assert!(
        update["changes"].get("code").is_none(),
        "unchanged fields are left out"
    );
    assert_eq!(events["nodes"][1]["action"], "organization.create");
}

#[tokio::test]
async fn a_refused_change_records_nothing_and_secrets_are_redacted() {
    let app = spawn_app().await;
    let id = app.create_org("DISTRIBUTOR", "Name", "DIST-1").await;
    let stale = app
        .mutate(
            "organizationUpdate",
            "organization { id }",
            json!({ "id": id, "version": 7, "name": "X" }),
        )
        .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
    let body = app
        .graphql(EVENTS, json!({ "f": { "action": "organization.update" } }))
        .await;
    assert_eq!(body["data"]["auditEvents"]["totalCount"], 0);

    let created = app
        .graphql(
            "mutation { userCreate(input: { email: \"new@channelgraph.test\", name: \"New\", password: \"a new password\", roles: [SALES] }) { user { id } } }",
            json!({}),
        )
        .await;
    let user_id = created["data"]["userCreate"]["user"]["id"].clone();
    let body = app
        .graphql(EVENTS, json!({ "f": { "objectId": user_id } }))
        .await;
    let changes = &body["data"]["auditEvents"]["nodes"][0]["changes"];
    assert_eq!(
        changes["password_hash"],
        json!({ "before": null, "after": "[redacted]" }),
        "{body}"
    );
    assert!(!body.to_string().contains("argon2"));
}

#[tokio::test]
async fn only_admins_read_the_trail() {
    let app = spawn_app().await;
    app.create_user(
        "analyst@channelgraph.test",
        "an analyst password",
        UserRole::Analyst,
        None,
    )
    .await;
    let token = app
        .token_for("analyst@channelgraph.test", "an analyst password")
        .await;
    let body = app.graphql_as(&token, EVENTS, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(body["data"], Value::Null);
    let sign_ins = app
        .graphql(EVENTS, json!({ "f": { "action": "session.login" } }))
        .await;
    assert_eq!(
        sign_ins["data"]["auditEvents"]["totalCount"], 2,
        "the admin and the analyst"
    );
}

/// Walks every mutation of the schema and checks the audit records each leaves.
/// The one tier change waiting for staff.
async fn open_tier_proposal(app: &crate::helpers::TestApp) -> Value {
    app.graphql(
        "{ tierProposals(filter: { status: PROPOSED }) { nodes { id version } } }",
        json!({}),
    )
    .await["data"]["tierProposals"]["nodes"][0]
        .clone()
}

struct Walk<'a> {
    app: &'a crate::helpers::TestApp,
    /// Mutation input types, from introspection.
    inputs: std::collections::BTreeMap<String, String>,
    /// Mutations that run, with the actions they recorded.
    covered: std::collections::BTreeSet<String>,
    seen: i64,
}

impl<'a> Walk<'a> {
    async fn new(app: &'a crate::helpers::TestApp) -> Walk<'a> {
        let body = app
            .graphql(
                "{ __schema { mutationType { fields { name args { name type { ofType { name } } } } } } }",
                json!({}),
            )
            .await;
        let inputs = body["data"]["__schema"]["mutationType"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_owned(),
                    f["args"][0]["type"]["ofType"]["name"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect();
        let mut walk = Walk {
            app,
            inputs,
            covered: Default::default(),
            seen: 0,
        };
        walk.seen = walk.count().await;
        walk
    }

    async fn count(&self) -> i64 {
        self.app
            .graphql("{ auditEvents { totalCount } }", json!({}))
            .await["data"]["auditEvents"]["totalCount"]
            .as_i64()
            .unwrap()
    }

    /// Runs `mutation` as `token` (anonymously without one) and checks that it succeeded
    /// and left exactly the audit records `expected` names, each with its request id.
    async fn run(
        &mut self,
        token: Option<&str>,
        mutation: &str,
        selection: &str,
        input: Value,
        expected: &[&str],
    ) -> Value {
        let input_type = &self.inputs[mutation];
        let errors = if ["login", "tokenRefresh", "logout"].contains(&mutation) {
            ""
        } else {
            " userErrors { field code message }"
        };
        let document = format!(
            "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {selection}{errors} }} }}"
        );
        let variables = json!({ "input": input });
        let body = match token {
            Some(token) => self.app.graphql_as(token, &document, variables).await,
            None => self.app.anonymous(&document, variables).await,
        };
        assert!(body.get("errors").is_none(), "{mutation}: {body}");
        let payload = body["data"][mutation].clone();
        if !errors.is_empty() {
            assert_eq!(payload["userErrors"], json!([]), "{mutation}: {body}");
        }
        let now = self.count().await;
        let new = now - self.seen;
        self.seen = now;
        let records = self
            .app
            .graphql(
                "query($n: Int) { auditEvents(first: $n) { nodes { action requestId principalKind } } }",
                json!({ "n": new.max(1) }),
            )
            .await;
        let mut actions: Vec<String> = records["data"]["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .take(new as usize)
            .map(|n| {
                assert!(n["requestId"].is_string(), "{mutation}: {n}");
                n["action"].as_str().unwrap().to_owned()
            })
            .collect();
        actions.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        expected.sort();
        assert_eq!(actions, expected, "the audit records of {mutation}");
        self.covered.insert(mutation.to_owned());
        payload
    }
}

fn id_in(payload: &Value, object: &str) -> String {
    payload[object]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{object} in {payload}"))
        .to_owned()
}

#[tokio::test]
async fn every_mutation_in_the_schema_leaves_exactly_its_audit_records() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.limits.rate_limit_per_minute = 100_000;
        s.webhooks.poll = std::time::Duration::from_millis(50);
        s.webhooks.retry_base = std::time::Duration::from_millis(50);
        s.webhooks.retry_window = std::time::Duration::from_millis(200);
        s.webhooks.timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let admin = app.token.clone();
    let a = Some(admin.as_str());
    let mut w = Walk::new(&app).await;

    // The directory.
    let org =
        |kind: &str, name: &str, code: &str| json!({ "kind": kind, "name": name, "code": code });
    let mut created = Vec::new();
    for (kind, name, code) in [
        ("BRAND", "Walk Brand", "BRAND"),
        ("SUPPLIER", "Walk Parts", "SUP-W"),
        ("DISTRIBUTOR", "Walk Distribution", "DIST-W"),
        ("INTERMEDIATE_CUSTOMER", "Walk Dealer", "DLR-W"),
        ("END_CUSTOMER", "Walk Customer", "CUST-W"),
    ] {
        let p = w
            .run(
                a,
                "organizationCreate",
                "organization { id }",
                org(kind, name, code),
                &["organization.create"],
            )
            .await;
        created.push(id_in(&p, "organization"));
    }
    let (brand, supplier, dist, dealer, customer) = (
        created[0].clone(),
        created[1].clone(),
        created[2].clone(),
        created[3].clone(),
        created[4].clone(),
    );
    w.run(
        a,
        "organizationUpdate",
        "organization { id }",
        json!({ "id": dist, "version": 1, "territory": "NORTH" }),
        &["organization.update"],
    )
    .await;
    w.run(a, "channelLinkCreate", "channelLink { id }", json!({ "upstreamId": brand, "downstreamId": dist, "kind": "DISTRIBUTES_TO", "since": "2026-01-01" }), &["channel_link.create"]).await;
    let link = id_in(
        &w.run(a, "channelLinkCreate", "channelLink { id }", json!({ "upstreamId": dist, "downstreamId": dealer, "kind": "RESELLS_TO", "since": "2026-01-01" }), &["channel_link.create"]).await,
        "channelLink",
    );
    w.run(
        a,
        "channelLinkUpdate",
        "channelLink { id }",
        json!({ "id": link, "version": 1, "level": "PROACTIVE" }),
        &["channel_link.update"],
    )
    .await;
    let contact = id_in(
        &w.run(a, "contactCreate", "contact { id }", json!({ "organizationId": dealer, "name": "Walk Contact", "email": "walk@dealer.test" }), &["contact.create"]).await,
        "contact",
    );
    w.run(
        a,
        "contactUpdate",
        "contact { id }",
        json!({ "id": contact, "version": 1, "title": "Buyer", "marketingConsent": { "status": "OPTED_IN", "source": "trade fair" } }),
        &["contact.update"],
    )
    .await;
    let address = id_in(
        &w.run(a, "addressCreate", "address { id }", json!({ "organizationId": dist, "kind": "SHIPPING", "line1": "Dock 1", "city": "Town", "country": "DE" }), &["address.create"]).await,
        "address",
    );
    w.run(
        a,
        "addressUpdate",
        "address { id }",
        json!({ "id": address, "version": 1, "line2": "Gate 2" }),
        &["address.update"],
    )
    .await;

    // Users and sessions.
    let user = id_in(
        &w.run(a, "userCreate", "user { id }", json!({ "email": "member@dist-w.test", "name": "Walk Member", "password": "walk member password", "roles": ["PARTNER_SALES"], "organizationId": dist }), &["user.create"]).await,
        "user",
    );
    w.run(
        a,
        "userRolesSet",
        "user { id }",
        json!({ "id": user, "version": 1, "roles": ["PARTNER_ADMIN", "PARTNER_MANAGER"] }),
        &["user.roles_set"],
    )
    .await;
    let login = json!({ "email": "member@dist-w.test", "password": "walk member password" });
    let session = w
        .run(
            None,
            "login",
            "refreshToken",
            login.clone(),
            &["session.login"],
        )
        .await;
    let refreshed = w
        .run(
            None,
            "tokenRefresh",
            "refreshToken",
            json!({ "refreshToken": session["refreshToken"] }),
            &["session.refresh"],
        )
        .await;
    w.run(
        None,
        "logout",
        "ok",
        json!({ "refreshToken": refreshed["refreshToken"] }),
        &["session.logout"],
    )
    .await;
    let portal = w
        .run(None, "login", "accessToken", login, &["session.login"])
        .await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = Some(portal.as_str());

    // The partner's own record: a tax id waits for approval, a legal name is turned down.
    let version = w.app.version_of(&dist).await;
    let proposal = w
        .run(
            p,
            "organizationUpdate",
            "proposal { id }",
            json!({ "id": dist, "version": version, "taxId": "DE-WALK-1" }),
            &["change_proposal.submit"],
        )
        .await;
    w.run(
        a,
        "changeProposalApprove",
        "changeProposal { id }",
        json!({ "id": proposal["proposal"]["id"], "version": 1 }),
        &["change_proposal.approve", "organization.update"],
    )
    .await;
    let version = w.app.version_of(&dist).await;
    let proposal = w
        .run(
            p,
            "organizationUpdate",
            "proposal { id }",
            json!({ "id": dist, "version": version, "legalName": "Walk Distribution GmbH" }),
            &["change_proposal.submit"],
        )
        .await;
    // Dealers the distributor recruits: one approved, one turned down.
    let dealer_of = |name: &str, code: &str| {
        json!({ "name": name, "code": code,
        "contacts": [{ "name": "Walk Owner" }],
        "addresses": [{ "kind": "SHIPPING", "line1": format!("{name} Road 1"), "city": "Walkton", "country": "DE" }] })
    };
    let recruit = w
        .run(
            p,
            "dealerRegister",
            "organization { id }",
            dealer_of("Walk Recruit", "DLR-WR"),
            &[
                "organization.register",
                "channel_link.create",
                "contact.create",
                "address.create",
            ],
        )
        .await;
    w.run(
        a,
        "dealerApprove",
        "organization { id }",
        json!({ "id": recruit["organization"]["id"], "version": 1 }),
        &["organization.approve"],
    )
    .await;
    let refused = w
        .run(
            p,
            "dealerRegister",
            "organization { id }",
            dealer_of("Walk Stranger", "DLR-WS"),
            &[
                "organization.register",
                "channel_link.create",
                "contact.create",
                "address.create",
            ],
        )
        .await;
    w.run(
        a,
        "dealerReject",
        "organization { id }",
        json!({ "id": refused["organization"]["id"], "version": 1, "reason": "Outside the territory" }),
        &["organization.reject"],
    )
    .await;
    w.run(
        a,
        "changeProposalReject",
        "changeProposal { id }",
        json!({ "id": proposal["proposal"]["id"], "version": 1, "reason": "Register extract missing" }),
        &["change_proposal.reject"],
    )
    .await;
    let token = w
        .run(a, "apiTokenCreate", "secret apiToken { id }", json!({ "organizationId": dist, "name": "Walk ERP", "scopes": ["ORGS_READ", "ORDERS_READ", "ORDERS_WRITE", "CATALOG_READ", "INVENTORY_WRITE", "EDI", "CRM_READ"] }), &["api_token.create"])
        .await;
    let secret = token["secret"].as_str().unwrap().to_owned();
    let erp = Some(secret.as_str());

    // A webhook endpoint that nobody answers: its deliveries die, and one is sent again.
    let endpoint = id_in(
        &w.run(
            a,
            "webhookEndpointCreate",
            "webhookEndpoint { id }",
            json!({ "url": "http://127.0.0.1:9/walk", "eventTypes": ["ORDER_SUBMITTED"] }),
            &["webhook_endpoint.create"],
        )
        .await,
        "webhookEndpoint",
    );
    w.run(
        a,
        "webhookEndpointUpdate",
        "webhookEndpoint { id }",
        json!({ "id": endpoint, "version": 1, "description": "Walk receiver" }),
        &["webhook_endpoint.update"],
    )
    .await;
    w.run(
        a,
        "webhookEndpointRotateSecret",
        "webhookEndpoint { id }",
        json!({ "id": endpoint, "version": 2 }),
        &["webhook_endpoint.rotate_secret"],
    )
    .await;

    // The catalog and the program.
    let product = id_in(
        &w.run(a, "productCreate", "product { id }", json!({ "sku": "MOTOR-W", "name": "Motor", "productLine": "Motors", "unit": "EACH", "listPrice": { "amount": "250", "currency": "EUR" }, "suppliers": [{ "supplierId": supplier }] }), &["product.create"]).await,
        "product",
    );
    w.run(
        a,
        "productUpdate",
        "product { id }",
        json!({ "id": product, "version": 1, "description": "A motor" }),
        &["product.update"],
    )
    .await;
    w.run(
        a,
        "productPacksSet",
        "product { id }",
        json!({ "productId": product, "packs": [{ "unit": "CASE", "quantity": 6 }] }),
        &["product.packs"],
    )
    .await;
    let spec = id_in(
        &w.run(a, "productSpecCreate", "specification { id }", json!({ "productId": product, "kind": "DOCUMENT", "name": "Drawing", "value": "DRW-1" }), &["product_spec.create"]).await,
        "specification",
    );
    w.run(
        a,
        "productSpecUpdate",
        "specification { id }",
        json!({ "id": spec, "version": 1, "value": "DRW-2" }),
        &["product_spec.update"],
    )
    .await;
    let list = id_in(
        &w.run(a, "priceListCreate", "priceList { id }", json!({ "code": "PL-W", "name": "Walk prices", "currency": "EUR", "validFrom": "2026-01-01", "entries": [{ "productId": product, "unitPrice": "200" }] }), &["price_list.create"]).await,
        "priceList",
    );
    w.run(
        a,
        "priceListUpdate",
        "priceList { id }",
        json!({ "id": list, "version": 1, "name": "Walk price list" }),
        &["price_list.update"],
    )
    .await;
    let tier = id_in(
        &w.run(a, "partnerTierCreate", "partnerTier { id }", json!({ "code": "TIER-W", "name": "Walk tier", "rank": 1, "priceListId": list, "paymentTermsDays": 30 }), &["partner_tier.create"]).await,
        "partnerTier",
    );
    w.run(
        a,
        "partnerTierUpdate",
        "partnerTier { id }",
        json!({ "id": tier, "version": 1, "financingDays": 10 }),
        &["partner_tier.update"],
    )
    .await;
    let version = w.app.version_of(&dist).await;
    w.run(
        a,
        "partnerTierAssign",
        "organization { id }",
        json!({ "organizationId": dist, "version": version, "tierId": tier }),
        &["partner_tier.assign"],
    )
    .await;
    let version = w.app.version_of(&dist).await;
    w.run(a, "creditLimitSet", "organization { id }", json!({ "organizationId": dist, "version": version, "creditLimit": { "amount": "1000", "currency": "EUR" } }), &["organization.credit_limit"]).await;

    // Trade: an order through to payment, holds released and rejected, a cancellation.
    let order_of = |po: &str, quantity: &str| json!({ "buyerId": dist, "poNumber": po, "lines": [{ "sku": "MOTOR-W", "quantity": quantity }] });
    let order = id_in(
        &w.run(
            a,
            "orderSubmit",
            "order { id }",
            order_of("PO-W-1", "2"),
            &["order.submit"],
        )
        .await,
        "order",
    );
    let held = id_in(
        &w.run(
            a,
            "orderSubmit",
            "order { id }",
            order_of("PO-W-2", "10"),
            &["order.submit", "order.credit_hold"],
        )
        .await,
        "order",
    );
    w.run(
        a,
        "orderCreditRelease",
        "order { id }",
        json!({ "id": held, "version": 1 }),
        &["order.credit_release"],
    )
    .await;
    let rejected = id_in(
        &w.run(
            a,
            "orderSubmit",
            "order { id }",
            order_of("PO-W-3", "10"),
            &["order.submit", "order.credit_hold"],
        )
        .await,
        "order",
    );
    w.run(
        a,
        "orderCreditReject",
        "order { id }",
        json!({ "id": rejected, "version": 1 }),
        &["order.credit_reject"],
    )
    .await;
    w.run(
        p,
        "orderChange",
        "order { id }",
        json!({ "id": held, "version": 2, "lines": [{ "action": "CHANGE", "lineNumber": 1, "quantity": "1" }] }),
        &["order.change"],
    )
    .await;
    w.run(
        a,
        "orderCancel",
        "order { id }",
        json!({ "id": held, "version": 3 }),
        &["order.cancel"],
    )
    .await;
    w.run(
        a,
        "orderAcknowledge",
        "order { id }",
        json!({ "id": order, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
        &["order.acknowledge"],
    )
    .await;
    let shipment = id_in(
        &w.run(a, "shipmentCreate", "shipment { id }", json!({ "orderId": order, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "2" }] }), &["shipment.create", "order.ship"]).await,
        "shipment",
    );
    w.run(
        p,
        "shipmentReceive",
        "shipment { id }",
        json!({ "id": shipment, "version": 1 }),
        &["shipment.receive", "order.goods_receive"],
    )
    .await;
    let invoice = id_in(
        &w.run(
            a,
            "invoiceCreate",
            "invoice { id }",
            json!({ "orderId": order, "version": 3 }),
            &["invoice.create", "order.invoice"],
        )
        .await,
        "invoice",
    );
    w.run(a, "paymentRecord", "invoice { id }", json!({ "invoiceId": invoice, "version": 1, "amount": { "amount": "100", "currency": "EUR" } }), &["payment.record", "order.payment_record"]).await;
    w.run(a, "purchaseOrderCreate", "order { id }", json!({ "supplierId": supplier, "currency": "EUR", "lines": [{ "sku": "MOTOR-W", "quantity": "5", "unitPrice": "120" }] }), &["order.submit"]).await;

    // What the distributor's system sends: stock, sales and an 850.
    w.run(
        erp,
        "inventoryReportSubmit",
        "report { id }",
        json!({ "asOf": "2026-10-31", "lines": [{ "sku": "MOTOR-W", "onHand": "7" }] }),
        &["inventory_report.submit"],
    )
    .await;
    w.run(erp, "sellThroughReportSubmit", "report { id }", json!({ "periodStart": "2026-10-01", "periodEnd": "2026-10-31", "lines": [{ "sku": "MOTOR-W", "quantity": "3" }] }), &["sell_through_report.submit"]).await;
    let env = crate::edi::Env::new("DIST-W", 77);
    let body = crate::edi::po_body("00", "PO-W-EDI", &[("MOTOR-W", "1", None)]);
    let x12 = crate::edi::interchange(
        &env,
        &[crate::edi::group(
            &env,
            "PO",
            77,
            &[crate::edi::set("850", "0001", &body)],
        )],
    );
    let submitted = w
        .run(
            erp,
            "ediSubmit",
            "interchange { status documents { status message } }",
            json!({ "document": x12 }),
            &["edi_interchange.receive", "order.submit"],
        )
        .await;
    assert_eq!(
        submitted["interchange"]["status"], "ACCEPTED",
        "{submitted}"
    );
    w.run(
        a,
        "ediPartnerConfigure",
        "ediPartner { ediId }",
        json!({ "organizationId": dist, "ediId": "DIST-W-EDI" }),
        &["edi_partner.configure"],
    )
    .await;
    w.run(
        a,
        "ediItemReferencesSet",
        "totalCount",
        json!({ "partnerId": dist, "references": [{ "qualifier": "BUYER_PART_NUMBER", "code": "W-1", "sku": "MOTOR-W" }] }),
        &["edi_cross_references.set"],
    )
    .await;
    w.run(
        a,
        "ediLocationReferencesSet",
        "totalCount",
        json!({ "partnerId": dist, "references": [{ "qualifier": "ASSIGNED_BY_BUYER", "code": "STORE-W", "addressId": address }] }),
        &["edi_cross_references.set"],
    )
    .await;

    // Tier prices that fall protect the distributor's stock (7 on hand, 2 bought): one
    // credit approved, which a credit memo settles, one rejected.
    for (version, price, decision, extra, actions) in [
        (
            2,
            "190",
            "priceProtectionApprove",
            json!({ "note": "Fine" }),
            &["price_protection.approve", "credit_memo.issue"][..],
        ),
        (
            3,
            "180",
            "priceProtectionReject",
            json!({ "reason": "Counted twice" }),
            &["price_protection.reject"][..],
        ),
    ] {
        w.run(
            a,
            "priceListUpdate",
            "priceList { id }",
            json!({ "id": list, "version": version, "entries": [{ "productId": product, "unitPrice": price }] }),
            &["price_list.update", "price_protection.propose"],
        )
        .await;
        let newest = w
            .app
            .graphql(
                "{ priceProtectionCredits(first: 1) { nodes { id } } }",
                json!({}),
            )
            .await;
        let mut input = extra;
        input["id"] = newest["data"]["priceProtectionCredits"]["nodes"][0]["id"].clone();
        input["version"] = json!(1);
        w.run(a, decision, "priceProtectionCredit { id }", input, actions)
            .await;
    }

    // Partner funds: an MDF fund for the walk tier, its budget changed; one request approved,
    // claimed and paid by a credit memo, one whose claim is refused, one rejected.
    let today = chrono::Utc::now().date_naive();
    let fund = id_in(
        &w.run(a, "fundCreate", "fund { id }", json!({ "name": "Walk MDF", "kind": "MDF", "startsOn": today.to_string(), "endsOn": (today + chrono::Days::new(30)).to_string(),
               "budget": { "amount": "1000", "currency": "EUR" }, "tierAmounts": [{ "tierId": tier, "amount": { "amount": "500", "currency": "EUR" } }] }), &["fund.create"]).await,
        "fund",
    );
    w.run(
        a,
        "fundUpdate",
        "fund { id }",
        json!({ "id": fund, "version": 1, "budget": { "amount": "900", "currency": "EUR" } }),
        &["fund.update"],
    )
    .await;
    let ask = |title: &str| {
        json!({ "fundId": fund, "partnerId": dist, "activity": "TRAINING", "title": title, "plan": "Walk",
                "startsOn": today.to_string(), "endsOn": today.to_string(), "amount": { "amount": "50", "currency": "EUR" } })
    };
    let proofs = json!([{ "url": "https://walk.test/proof.pdf", "digest": format!("sha256:{}", "ab".repeat(32)) }]);
    for (title, decision, actions) in [
        (
            "Paid",
            "fundClaimPay",
            &["fund_request.pay", "credit_memo.issue"][..],
        ),
        ("Refused", "fundClaimReject", &["fund_request.refuse"][..]),
    ] {
        let id = id_in(
            &w.run(
                a,
                "fundRequestSubmit",
                "fundRequest { id }",
                ask(title),
                &["fund_request.create"],
            )
            .await,
            "fundRequest",
        );
        w.run(
            a,
            "fundRequestApprove",
            "fundRequest { id }",
            json!({ "id": id, "version": 1 }),
            &["fund_request.approve"],
        )
        .await;
        w.run(
            a,
            "fundClaimSubmit",
            "fundRequest { id }",
            json!({ "id": id, "version": 2, "amount": { "amount": "40", "currency": "EUR" }, "proofs": proofs }),
            &["fund_request.claim"],
        )
        .await;
        let mut input = json!({ "id": id, "version": 3 });
        if decision == "fundClaimReject" {
            input["reason"] = json!("No proof of attendance");
        }
        w.run(a, decision, "fundRequest { id }", input, actions)
            .await;
    }
    let rejected = id_in(
        &w.run(
            a,
            "fundRequestSubmit",
            "fundRequest { id }",
            ask("Rejected"),
            &["fund_request.create"],
        )
        .await,
        "fundRequest",
    );
    w.run(
        a,
        "fundRequestReject",
        "fundRequest { id }",
        json!({ "id": rejected, "version": 1, "reason": "Out of plan" }),
        &["fund_request.reject"],
    )
    .await;

    // Rebates: the distributor's invoices dated yesterday, two programs of its own that
    // ended then, each settled into one proposed rebate: one approved into a credit memo,
    // one refused.
    let yesterday = today - chrono::Days::new(1);
    sea_orm::ConnectionTrait::execute_unprepared(
        &w.app.db,
        &format!("UPDATE invoices SET issued_on = '{yesterday}'"),
    )
    .await
    .unwrap();
    for (decision, extra, actions) in [
        (
            "rebateSettlementApprove",
            json!({ "note": "Well done" }),
            &["rebate.approve", "credit_memo.issue"][..],
        ),
        (
            "rebateSettlementReject",
            json!({ "reason": "Returns netted off" }),
            &["rebate.reject"][..],
        ),
    ] {
        let program = id_in(
            &w.run(a, "rebateProgramCreate", "rebateProgram { id }", json!({ "name": decision, "startsOn": (today - chrono::Days::new(30)).to_string(), "endsOn": yesterday.to_string(),
                   "method": "RETROACTIVE", "partnerId": dist, "thresholds": [{ "from": { "amount": "0", "currency": "EUR" }, "rate": "1" }] }), &["rebate_program.create"]).await,
            "rebateProgram",
        );
        let settled = w
            .run(
                a,
                "rebateProgramSettle",
                "proposed { id }",
                json!({ "id": program }),
                &["rebate.propose"],
            )
            .await;
        let mut input = extra;
        input["id"] = settled["proposed"][0]["id"].clone();
        input["version"] = json!(1);
        w.run(a, decision, "rebateSettlement { id }", input, actions)
            .await;
    }

    // Replenishment: a policy for the distributor, changed, then removed.
    let policy = id_in(
        &w.run(
            a,
            "replenishmentPolicyCreate",
            "replenishmentPolicy { id }",
            json!({ "partnerId": dist, "targetWeeks": "5" }),
            &["replenishment_policy.create"],
        )
        .await,
        "replenishmentPolicy",
    );
    w.run(
        a,
        "replenishmentPolicyUpdate",
        "replenishmentPolicy { id }",
        json!({ "id": policy, "version": 1, "targetWeeks": "6", "orderMultiple": "12" }),
        &["replenishment_policy.update"],
    )
    .await;
    w.run(
        a,
        "replenishmentPolicyDelete",
        "replenishmentPolicy { id }",
        json!({ "id": policy, "version": 2 }),
        &["replenishment_policy.delete"],
    )
    .await;
    // The distributor proposes twice: one accepted into a new policy, one rejected.
    for (decision, extra, actions) in [
        (
            "replenishmentPolicyProposalAccept",
            json!({}),
            &["replenishment_policy.accept", "replenishment_policy.create"][..],
        ),
        (
            "replenishmentPolicyProposalReject",
            json!({ "reason": "Not this quarter" }),
            &["replenishment_policy.reject"][..],
        ),
    ] {
        let proposed = id_in(
            &w.run(
                p,
                "replenishmentPolicyPropose",
                "proposal { id }",
                json!({ "leadTimeDays": 5, "note": decision }),
                &["replenishment_policy.propose"],
            )
            .await,
            "proposal",
        );
        let mut input = extra;
        input["id"] = json!(proposed);
        input["version"] = json!(1);
        w.run(a, decision, "proposal { id }", input, actions).await;
    }

    // Replenishment proposals: today's stock and last week's sales, the distributor
    // enrolled; one proposal accepted into an order, the next rejected.
    let today = chrono::Utc::now().date_naive();
    let monday = today
        - chrono::Days::new(u64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let last_week = monday - chrono::Days::new(7);
    w.run(
        erp,
        "inventoryReportSubmit",
        "report { id }",
        json!({ "asOf": today.to_string(), "lines": [{ "sku": "MOTOR-W", "onHand": "1" }] }),
        &["inventory_report.submit"],
    )
    .await;
    w.run(erp, "sellThroughReportSubmit", "report { id }", json!({ "periodStart": last_week.to_string(), "periodEnd": (last_week + chrono::Days::new(6)).to_string(), "lines": [{ "sku": "MOTOR-W", "quantity": "6" }] }), &["sell_through_report.submit"]).await;
    w.run(
        a,
        "replenishmentEnrol",
        "enrolment { mode }",
        json!({ "distributorId": dist, "mode": "PROPOSALS" }),
        &["replenishment.enrol"],
    )
    .await;
    for (decision, extra, actions) in [
        (
            "replenishmentProposalAccept",
            json!({ "lines": [{ "lineNumber": 1, "quantity": "1" }] }),
            &["replenishment.accept", "order.submit"][..],
        ),
        (
            "replenishmentProposalReject",
            json!({ "reason": "Enough on the shelf" }),
            &["replenishment.reject"][..],
        ),
    ] {
        let proposed = w
            .run(
                p,
                "replenishmentPropose",
                "proposal { id version lines { quantity } }",
                json!({}),
                &["replenishment.propose"],
            )
            .await;
        let mut input = extra;
        input["id"] = proposed["proposal"]["id"].clone();
        input["version"] = proposed["proposal"]["version"].clone();
        w.run(p, decision, "proposal { id }", input, actions).await;
    }

    // Supplier planning: the supplier commits a week; the brand sends it its forecast.
    w.run(
        a,
        "supplierCommit",
        "commitments { quantity }",
        json!({ "supplierId": supplier, "productId": product, "weeks": [{ "weekStart": monday.to_string(), "quantity": "5" }] }),
        &["supplier.commit"],
    )
    .await;
    w.run(
        a,
        "ediPartnerConfigure",
        "ediPartner { ediId }",
        json!({ "organizationId": supplier, "ediId": "SUP-W-EDI" }),
        &["edi_partner.configure"],
    )
    .await;
    w.run(
        a,
        "supplierForecastSend",
        "number",
        json!({ "supplierId": supplier, "weeks": 2 }),
        &["supplier.forecast_send"],
    )
    .await;

    // The brand plans what it buys from the supplier: one proposal bought, one rejected.
    for (decision, extra, actions) in [
        (
            "purchaseProposalAccept",
            json!({ "currency": "EUR", "lines": [{ "lineNumber": 1, "quantity": "3", "unitPrice": "100" }] }),
            &["purchase_proposal.accept", "order.submit"][..],
        ),
        (
            "purchaseProposalReject",
            json!({ "reason": "Buying next month" }),
            &["purchase_proposal.reject"][..],
        ),
    ] {
        let proposed = w
            .run(
                a,
                "purchaseProposalPropose",
                "proposal { id version }",
                json!({ "supplierId": supplier, "horizonWeeks": 2 }),
                &["purchase_proposal.propose"],
            )
            .await;
        let mut input = extra;
        input["id"] = proposed["proposal"]["id"].clone();
        input["version"] = proposed["proposal"]["version"].clone();
        w.run(a, decision, "proposal { id }", input, actions).await;
    }

    // Relationship work.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let visit = id_in(
        &w.run(a, "interactionRecord", "interaction { id }", json!({ "organizationId": dealer, "kind": "VISIT", "occurredAt": yesterday, "summary": "Walk visit", "contactIds": [contact] }), &["interaction.record"]).await,
        "interaction",
    );
    w.run(
        a,
        "interactionUpdate",
        "interaction { id }",
        json!({ "id": visit, "version": 1, "summary": "Walk visit, noted" }),
        &["interaction.update"],
    )
    .await;
    let commitment = id_in(
        &w.run(a, "commitmentAdd", "commitment { id }", json!({ "interactionId": visit, "description": "Send the brochure", "ownerContactId": contact, "dueOn": "2099-01-01" }), &["commitment.add"]).await,
        "commitment",
    );
    w.run(
        a,
        "commitmentClose",
        "commitment { id }",
        json!({ "id": commitment, "version": 1, "outcome": "KEPT" }),
        &["commitment.close"],
    )
    .await;
    let task = |title: &str| json!({ "kind": "CALL", "title": title, "dueOn": "2099-01-01", "organizationId": dealer });
    let done = id_in(
        &w.run(
            a,
            "taskCreate",
            "task { id }",
            task("Call back"),
            &["task.create"],
        )
        .await,
        "task",
    );
    w.run(
        a,
        "taskUpdate",
        "task { id }",
        json!({ "id": done, "version": 1, "notes": "about the motor" }),
        &["task.update"],
    )
    .await;
    w.run(
        a,
        "taskComplete",
        "task { id }",
        json!({ "id": done, "version": 2 }),
        &["task.complete"],
    )
    .await;
    let dropped = id_in(
        &w.run(
            a,
            "taskCreate",
            "task { id }",
            task("Call again"),
            &["task.create"],
        )
        .await,
        "task",
    );
    w.run(
        a,
        "taskCancel",
        "task { id }",
        json!({ "id": dropped, "version": 1 }),
        &["task.cancel"],
    )
    .await;

    // Service.
    let case = id_in(
        &w.run(
            a,
            "caseOpen",
            "case { id }",
            json!({ "kind": "INQUIRY", "organizationId": dist, "subject": "Walk question" }),
            &["case.open"],
        )
        .await,
        "case",
    );
    w.run(
        a,
        "caseUpdate",
        "case { id }",
        json!({ "id": case, "version": 1, "severity": "HIGH" }),
        &["case.update"],
    )
    .await;
    w.run(
        a,
        "caseStart",
        "case { id }",
        json!({ "id": case, "version": 2 }),
        &["case.start"],
    )
    .await;
    let version = |v: &Value| v["case"]["version"].as_i64().unwrap();
    let noted = w
        .run(
            a,
            "caseNoteAdd",
            "case { id version }",
            json!({ "caseId": case, "body": "Looked into it" }),
            &["case.note"],
        )
        .await;
    let resolved = w
        .run(
            a,
            "caseResolve",
            "case { id version }",
            json!({ "id": case, "version": version(&noted), "resolution": "NONE" }),
            &["case.resolve"],
        )
        .await;
    let closed = w
        .run(
            a,
            "caseClose",
            "case { id version }",
            json!({ "id": case, "version": version(&resolved), "satisfaction": 4 }),
            &["case.close"],
        )
        .await;
    w.run(
        a,
        "caseReopen",
        "case { id }",
        json!({ "id": case, "version": version(&closed), "reason": "It came back" }),
        &["case.reopen"],
    )
    .await;
    let route = id_in(
        &w.run(
            a,
            "caseRouteSet",
            "caseRoute { id }",
            json!({ "category": "BILLING", "department": "Accounts" }),
            &["case_route.set"],
        )
        .await,
        "caseRoute",
    );
    w.run(
        a,
        "caseRouteDelete",
        "caseRoute { id }",
        json!({ "id": route }),
        &["case_route.delete"],
    )
    .await;
    w.run(
        a,
        "surveyResponseRecord",
        "surveyResponse { id }",
        json!({ "organizationId": dealer, "satisfaction": 5 }),
        &["survey_response.record"],
    )
    .await;

    // Growth: a campaign, opportunities, leads and deals.
    let campaign = id_in(
        &w.run(a, "campaignCreate", "campaign { id }", json!({ "code": "CAMP-W", "name": "Walk campaign", "channel": "EMAIL", "startsOn": "2026-11-01", "endsOn": "2026-11-30", "cost": { "amount": "100", "currency": "EUR" } }), &["campaign.create"]).await,
        "campaign",
    );
    w.run(
        a,
        "campaignUpdate",
        "campaign { id }",
        json!({ "id": campaign, "version": 1, "name": "Walk campaign 2" }),
        &["campaign.update"],
    )
    .await;
    w.run(
        a,
        "campaignSend",
        "campaign { id }",
        json!({ "campaignId": campaign, "contactIds": [contact] }),
        &["campaign.send"],
    )
    .await;
    w.run(
        a,
        "campaignResponseRecord",
        "campaign { id }",
        json!({ "campaignId": campaign, "contactId": contact, "kind": "CLICKED" }),
        &["campaign.response"],
    )
    .await;
    let opportunity = |name: &str| json!({ "name": name, "organizationId": dealer, "amount": { "amount": "900", "currency": "EUR" }, "expectedCloseOn": "2026-12-31" });
    let won = id_in(
        &w.run(
            a,
            "opportunityCreate",
            "opportunity { id }",
            opportunity("Walk win"),
            &["opportunity.create"],
        )
        .await,
        "opportunity",
    );
    w.run(
        a,
        "opportunityUpdate",
        "opportunity { id }",
        json!({ "id": won, "version": 1, "stage": "PROPOSAL" }),
        &["opportunity.update"],
    )
    .await;
    w.run(
        a,
        "opportunityWin",
        "opportunity { id }",
        json!({ "id": won, "version": 2 }),
        &["opportunity.win"],
    )
    .await;
    let lost = id_in(
        &w.run(
            a,
            "opportunityCreate",
            "opportunity { id }",
            opportunity("Walk loss"),
            &["opportunity.create"],
        )
        .await,
        "opportunity",
    );
    w.run(
        a,
        "opportunityLose",
        "opportunity { id }",
        json!({ "id": lost, "version": 1, "reason": "Too dear" }),
        &["opportunity.lose"],
    )
    .await;
    w.run(
        a,
        "leadRouteSet",
        "leadRoute { territory }",
        json!({ "territory": "WALK-LAND", "partnerId": dist }),
        &["lead_route.set"],
    )
    .await;
    let lead = |name: &str| json!({ "personName": name, "source": "WEBSITE", "capturedAt": yesterday, "territory": "WALK-LAND" });
    let offered = id_in(
        &w.run(
            a,
            "leadCreate",
            "lead { id }",
            lead("Walk lead one"),
            &["lead.create"],
        )
        .await,
        "lead",
    );
    let lead_version = |v: &Value| v["lead"]["version"].as_i64().unwrap();
    let accepted = w
        .run(
            p,
            "leadAccept",
            "lead { id version }",
            json!({ "id": offered, "version": 1 }),
            &["lead.accept"],
        )
        .await;
    let qualified = w
        .run(
            p,
            "leadQualify",
            "lead { id version }",
            json!({ "id": offered, "version": lead_version(&accepted) }),
            &["lead.qualify"],
        )
        .await;
    w.run(
        a,
        "leadConvert",
        "lead { id }",
        json!({ "id": offered, "version": lead_version(&qualified), "newOrganization": { "code": "CUST-LEAD-W" }, "opportunity": { "name": "From the lead", "amount": { "amount": "500", "currency": "EUR" }, "expectedCloseOn": "2026-12-31" } }),
        &["lead.convert", "organization.create", "contact.create", "opportunity.create"],
    )
    .await;
    let declined = id_in(
        &w.run(
            a,
            "leadCreate",
            "lead { id }",
            lead("Walk lead two"),
            &["lead.create"],
        )
        .await,
        "lead",
    );
    w.run(
        p,
        "leadDecline",
        "lead { id }",
        json!({ "id": declined, "version": 1, "reason": "Not ours" }),
        &["lead.decline"],
    )
    .await;
    let pooled = id_in(&w.run(a, "leadCreate", "lead { id }", json!({ "personName": "Walk lead three", "source": "WEBSITE", "capturedAt": yesterday }), &["lead.create"]).await, "lead");
    w.run(
        a,
        "leadAssign",
        "lead { id }",
        json!({ "id": pooled, "version": 1, "partnerId": dist }),
        &["lead.assign"],
    )
    .await;
    let disqualified = id_in(
        &w.run(
            a,
            "leadCreate",
            "lead { id }",
            json!({ "personName": "Walk lead four", "source": "WEBSITE", "capturedAt": yesterday }),
            &["lead.create"],
        )
        .await,
        "lead",
    );
    w.run(
        a,
        "leadDisqualify",
        "lead { id }",
        json!({ "id": disqualified, "version": 1, "reason": "Spam" }),
        &["lead.disqualify"],
    )
    .await;
    let deal = |name: &str| json!({ "customerName": name, "lines": [{ "sku": "MOTOR-W", "quantity": "1" }], "amount": { "amount": "10", "currency": "EUR" } });
    let approved = id_in(
        &w.run(
            p,
            "dealRegister",
            "dealRegistration { id }",
            deal("Walk Hotel"),
            &["deal.register"],
        )
        .await,
        "dealRegistration",
    );
    w.run(
        a,
        "dealApprove",
        "dealRegistration { id }",
        json!({ "id": approved, "version": 1, "customerId": customer }),
        &["deal.approve", "opportunity.create"],
    )
    .await;
    let refused = id_in(
        &w.run(
            p,
            "dealRegister",
            "dealRegistration { id }",
            deal("Walk Inn"),
            &["deal.register"],
        )
        .await,
        "dealRegistration",
    );
    w.run(
        a,
        "dealReject",
        "dealRegistration { id }",
        json!({ "id": refused, "version": 1, "reason": "Not a fit" }),
        &["deal.reject"],
    )
    .await;

    // Special prices for the approved deal's customer: one authorised, one refused.
    let today = chrono::Utc::now().date_naive();
    let special = |note: &str| {
        json!({ "endCustomerId": customer, "dealRegistrationId": approved, "validFrom": today.to_string(),
                "validUntil": (today + chrono::Days::new(60)).to_string(), "note": note,
                "lines": [{ "sku": "MOTOR-W", "quantity": "3", "discountPercent": "10" }] })
    };
    let authorised = id_in(
        &w.run(
            p,
            "specialPriceRequest",
            "specialPrice { id }",
            special("Walk tender"),
            &["special_price.request"],
        )
        .await,
        "specialPrice",
    );
    let number = w
        .run(
            a,
            "specialPriceApprove",
            "specialPrice { id number }",
            json!({ "id": authorised, "version": 1, "lines": [{ "lineNumber": 1, "quantityCap": "2" }] }),
            &["special_price.approve"],
        )
        .await["specialPrice"]["number"]
        .clone();
    let turned_down = id_in(
        &w.run(
            p,
            "specialPriceRequest",
            "specialPrice { id }",
            special("Walk bid"),
            &["special_price.request"],
        )
        .await,
        "specialPrice",
    );
    w.run(
        a,
        "specialPriceReject",
        "specialPrice { id }",
        json!({ "id": turned_down, "version": 1, "reason": "Margin too thin" }),
        &["special_price.reject"],
    )
    .await;

    // Claims under the authorised price: one approved, one refused.
    let claim = |reference: &str| {
        json!({ "specialPrice": number, "reference": reference,
                "lines": [{ "sku": "MOTOR-W", "invoice": reference, "soldOn": today.to_string(), "quantity": "1", "paidCost": "100" }] })
    };
    for (reference, decision, input, action) in [
        (
            "WALK-DB-1",
            "claimApprove",
            json!({ "version": 1, "note": "Fine" }),
            "claim.approve",
        ),
        (
            "WALK-DB-2",
            "claimReject",
            json!({ "version": 1, "reason": "No proof" }),
            "claim.reject",
        ),
    ] {
        let filed = id_in(
            &w.run(
                p,
                "claimSubmit",
                "claim { id }",
                claim(reference),
                &["claim.submit"],
            )
            .await,
            "claim",
        );
        let mut input = input;
        input["id"] = json!(filed);
        w.run(a, decision, "claim { id }", input, &[action]).await;
    }

    // A dead delivery sent again, then the endpoint deleted.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let delivery = loop {
        let log = app
            .graphql(
                "query($id: ID!) { webhookDeliveries(filter: { endpointId: $id }) { nodes { id status } } }",
                json!({ "id": endpoint }),
            )
            .await;
        let dead = log["data"]["webhookDeliveries"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["status"] == "DEAD")
            .map(|d| d["id"].as_str().unwrap().to_owned());
        if let Some(dead) = dead {
            break dead;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no delivery died: {log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    w.run(
        a,
        "webhookDeliveryRedeliver",
        "webhookDelivery { id }",
        json!({ "id": delivery }),
        &["webhook_delivery.redeliver"],
    )
    .await;
    w.run(
        a,
        "webhookEndpointDelete",
        "webhookEndpoint { id }",
        json!({ "id": endpoint }),
        &["webhook_endpoint.delete"],
    )
    .await;

    // Onboarding: an invitation revoked and one accepted, an application approved and one
    // rejected, the program's terms published and accepted (last: they bind trade).
    let invited = id_in(
        &w.run(p, "invitationCreate", "invitation { id }", json!({ "email": "invited@dist-w.test", "name": "Invited", "roles": ["PARTNER_SALES"], "organizationId": dist }), &["invitation.create"]).await,
        "invitation",
    );
    w.run(
        p,
        "invitationRevoke",
        "invitation { id }",
        json!({ "id": invited, "version": 1 }),
        &["invitation.revoke"],
    )
    .await;
    w.run(a, "invitationCreate", "invitation { id }", json!({ "email": "joiner@dist-w.test", "name": "Joiner", "roles": ["PARTNER_FINANCE"], "organizationId": dist }), &["invitation.create"]).await;
    let invitation = crate::onboarding::invitation_token(w.app, "joiner@dist-w.test").await;
    w.run(
        None,
        "invitationAccept",
        "user { email }",
        json!({ "token": invitation, "password": "a joiner's password" }),
        &["invitation.accept", "user.create"],
    )
    .await;
    let applicant = |name: &str| {
        json!({ "kind": "DEALER", "companyName": name,
            "contacts": [{ "name": "Applying Person", "email": format!("{}@apply.test", name.to_lowercase().replace(' ', "-")) }],
            "addresses": [{ "kind": "HEAD_OFFICE", "line1": format!("{name} Weg 1"), "city": "Lübeck", "country": "DE" }] })
    };
    let applied = w
        .run(
            None,
            "partnerApply",
            "reference",
            applicant("Walk Applicant"),
            &["partner_application.submit"],
        )
        .await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    w.run(
        a,
        "partnerApplicationApprove",
        "partnerApplication { id }",
        json!({ "id": applied, "version": 1, "code": "DLR-APPLY", "tierId": tier }),
        &[
            "organization.create",
            "contact.create",
            "address.create",
            "partner_tier.assign",
            "invitation.create",
            "partner_application.approve",
        ],
    )
    .await;
    let turned_down = w
        .run(
            None,
            "partnerApply",
            "reference",
            applicant("Walk Refused"),
            &["partner_application.submit"],
        )
        .await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    w.run(
        a,
        "partnerApplicationReject",
        "partnerApplication { id }",
        json!({ "id": turned_down, "version": 1, "reason": "No territory free" }),
        &["partner_application.reject"],
    )
    .await;
    let terms = id_in(
        &w.run(
            a,
            "programTermsPublish",
            "programTerms { id }",
            json!({ "title": "Walk terms", "body": "Be good." }),
            &["program_terms.publish"],
        )
        .await,
        "programTerms",
    );
    w.run(
        p,
        "programTermsAccept",
        "termsAcceptance { id }",
        json!({ "termsId": terms }),
        &["program_terms.accept"],
    )
    .await;

    // Certifications: the catalogue kept, one earned by the walk's contact and revoked.
    let certification = id_in(
        &w.run(
            a,
            "certificationCreate",
            "certification { id }",
            json!({ "code": "WALK-1", "name": "Walk training", "validityMonths": 12 }),
            &["certification.create"],
        )
        .await,
        "certification",
    );
    w.run(
        a,
        "certificationUpdate",
        "certification { id }",
        json!({ "id": certification, "version": 1, "validityMonths": 18 }),
        &["certification.update"],
    )
    .await;
    let held = id_in(
        &w.run(
            a,
            "contactCertificationRecord",
            "contactCertification { id }",
            json!({ "contactId": contact, "certificationId": certification, "earnedOn": "2026-02-01", "evidence": "LMS-77" }),
            &["contact_certification.record"],
        )
        .await,
        "contactCertification",
    );
    w.run(
        a,
        "contactCertificationRevoke",
        "contactCertification { id }",
        json!({ "id": held, "version": 1, "reason": "Recorded for the wrong person" }),
        &["contact_certification.revoke"],
    )
    .await;
    w.run(
        a,
        "certificationArchive",
        "certification { id }",
        json!({ "id": certification, "version": 2 }),
        &["certification.archive"],
    )
    .await;

    // Tiers that qualify themselves: the distributor qualifies for WALK-UP and is moved
    // there; then WALK-UP asks the impossible, and the move back down is rejected.
    let up = id_in(
        &w.run(a, "partnerTierCreate", "partnerTier { id }", json!({ "code": "WALK-UP", "name": "Walk up", "rank": 50, "priceListId": list, "paymentTermsDays": 30 }), &["partner_tier.create"]).await,
        "partnerTier",
    );
    w.run(
        a,
        "partnerTierCriteriaSet",
        "version",
        json!({ "tierId": up, "version": 1, "criteria": [{ "measure": "OPEN_COMPLAINTS", "comparison": "AT_MOST", "threshold": "1000" }] }),
        &["partner_tier.criteria_set"],
    )
    .await;
    w.run(
        a,
        "tierEvaluate",
        "tierEvaluation { id }",
        json!({ "organizationId": dist }),
        &["tier_evaluation.record", "tier_proposal.create"],
    )
    .await;
    let up_proposal = open_tier_proposal(w.app).await;
    w.run(
        a,
        "tierProposalApprove",
        "tierProposal { id }",
        json!({ "id": up_proposal["id"], "version": up_proposal["version"] }),
        &["partner_tier.assign", "tier_proposal.approve"],
    )
    .await;
    w.run(
        a,
        "partnerTierCriteriaSet",
        "version",
        json!({ "tierId": up, "version": 2, "criteria": [{ "measure": "PURCHASES", "comparison": "AT_LEAST", "threshold": "1000000000" }] }),
        &["partner_tier.criteria_set"],
    )
    .await;
    w.run(
        a,
        "tierEvaluate",
        "tierEvaluation { id }",
        json!({ "organizationId": dist }),
        &["tier_evaluation.record", "tier_proposal.create"],
    )
    .await;
    let down_proposal = open_tier_proposal(w.app).await;
    w.run(
        a,
        "tierProposalReject",
        "tierProposal { id }",
        json!({ "id": down_proposal["id"], "version": down_proposal["version"], "reason": "Stays up this quarter" }),
        &["tier_proposal.reject"],
    )
    .await;

    // Ends: a token revoked, records archived, a user deactivated.
    w.run(
        a,
        "apiTokenRevoke",
        "apiToken { id }",
        json!({ "id": token["apiToken"]["id"] }),
        &["api_token.revoke"],
    )
    .await;
    w.run(
        a,
        "channelLinkArchive",
        "channelLink { id }",
        json!({ "id": link, "version": 2 }),
        &["channel_link.archive"],
    )
    .await;
    w.run(
        a,
        "contactArchive",
        "contact { id }",
        json!({ "id": contact, "version": 2 }),
        &["contact.archive"],
    )
    .await;
    w.run(
        a,
        "addressArchive",
        "address { id }",
        json!({ "id": address, "version": 2 }),
        &["address.archive"],
    )
    .await;
    w.run(
        a,
        "organizationArchive",
        "organization { id }",
        json!({ "id": customer, "version": 1 }),
        &["organization.archive"],
    )
    .await;
    w.run(
        a,
        "documentRegister",
        "documentId",
        json!({ "document": "query Walk { me { email } }" }),
        &["document.register"],
    )
    .await;
    w.run(
        a,
        "userDeactivate",
        "user { id }",
        json!({ "id": user, "version": 2 }),
        &["user.deactivate"],
    )
    .await;

    // Every mutation the schema has was walked: a new one fails here until it is.
    let missing: Vec<&String> = w
        .inputs
        .keys()
        .filter(|m| !w.covered.contains(*m))
        .collect();
    assert!(
        missing.is_empty(),
        "mutations without an audit walk: {missing:?}"
    );
}
