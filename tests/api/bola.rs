//! The cross-partner matrix: B's principals (a portal user and an API token) try every path
//! to A's objects, of every type that has an identity, and learn nothing.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// A's objects, by the type of each, as global ids.
pub struct World {
    pub a_objects: Vec<(&'static str, String)>,
    /// Objects every partner may read: the catalog and the program's published terms.
    pub shared: Vec<(&'static str, String)>,
    pub a_codes: Vec<&'static str>,
    pub b_user: String,
    pub b_token: String,
    a_user_id: String,
    a_token_id: String,
}

pub fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

pub async fn world(app: &TestApp) -> World {
    let brand = app.create_org("BRAND", "The Brand", "BRAND").await;
    let supplier = app.create_org("SUPPLIER", "Parts Co", "SUP-1").await;
    let association = app
        .create_org("PUBLIC_INTEREST", "Trade Association", "ASSOC")
        .await;
    let body = app
        .mutate(
            "productCreate",
            "product { id }",
            json!({ "sku": "MOTOR-1", "name": "Motor", "productLine": "Motors", "unit": "EACH",
                    "listPrice": { "amount": "250", "currency": "EUR" }, "suppliers": [{ "supplierId": supplier }] }),
        )
        .await;
    let product = body["product"]["id"].as_str().unwrap().to_owned();
    let spec = app
        .mutate(
            "productSpecCreate",
            "specification { id }",
            json!({ "productId": product, "kind": "DOCUMENT", "name": "Drawing", "value": "SPEC-A-DRAWING" }),
        )
        .await["specification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids = Vec::new();
    let mut lists = Vec::new();
    let mut tiers = Vec::new();
    for side in ["A", "B"] {
        let list = app
            .create_price_list(&format!("PL-{side}"), &[(&product, "1", "200")])
            .await;
        tiers.push(app.create_tier(&format!("TIER-{side}"), &list, 30).await);
        lists.push(list);
    }
    for side in ["A", "B"] {
        let dist = app
            .create_org(
                "DISTRIBUTOR",
                &format!("{side} Distribution"),
                &format!("DIST-{side}"),
            )
            .await;
        let dealer = app
            .create_org(
                "INTERMEDIATE_CUSTOMER",
                &format!("{side} Dealer"),
                &format!("DLR-{side}"),
            )
            .await;
        let customer = app
            .create_org(
                "END_CUSTOMER",
                &format!("{side} Customer"),
                &format!("CUST-{side}"),
            )
            .await;
        let resells = app.link(&dist, &dealer, "RESELLS_TO").await;
        app.link(&dist, &customer, "SERVES").await;
        let contact = app
            .mutate(
                "contactCreate",
                "contact { id }",
                json!({ "organizationId": dealer, "name": format!("{side} Contact") }),
            )
            .await["contact"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let address = app
            .mutate(
                "addressCreate",
                "address { id }",
                json!({ "organizationId": dist, "kind": "BILLING", "line1": format!("{side} Street 1"), "city": "Town", "country": "DE" }),
            )
            .await["address"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let lower = side.to_lowercase();
        let user = app
            .create_user(
                &format!("member@{lower}.test"),
                "member password",
                crate::helpers::PARTNER_MEMBER,
                Some(uuid_of(&dist)),
            )
            .await;
        let token = app
            .graphql(
                "mutation($org: ID!) { apiTokenCreate(input: { organizationId: $org, name: \"ERP\", scopes: [ORGS_READ, ORGS_WRITE, ORDERS_READ, ORDERS_WRITE, CATALOG_READ, INVENTORY_WRITE, EDI, CRM_READ, CRM_WRITE] }) { secret apiToken { id } } }",
                json!({ "org": dist }),
            )
            .await;
        app.assign_tier(&dist, &tiers[ids.len()]).await;
        ids.push((
            dist, dealer, customer, resells, contact, address, user, token,
        ));
    }
    let (a, b) = (&ids[0], &ids[1]);
    // A's webhook endpoint, which the order below makes a delivery to (nobody listens).
    let endpoint = app
        .mutate(
            "webhookEndpointCreate",
            "webhookEndpoint { id }",
            json!({ "organizationId": a.0, "url": "http://127.0.0.1:9/A-SECRET-HOOK", "description": "A-SECRET-ERP", "eventTypes": ["ORDER_SUBMITTED"] }),
        )
        .await["webhookEndpoint"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A's distributor buys; the brand acknowledges, ships and invoices.
    let order = app
        .mutate(
            "orderSubmit",
            "order { id }",
            json!({ "buyerId": a.0, "poNumber": "PO-A-1", "lines": [{ "sku": "MOTOR-1", "quantity": "2" }] }),
        )
        .await["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.mutate(
        "orderAcknowledge",
        "order { id }",
        json!({ "id": order, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
    )
    .await;
    let shipment = app
        .mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": order, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "2" }] }),
        )
        .await["shipment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invoice = app
        .mutate(
            "invoiceCreate",
            "invoice { id }",
            json!({ "orderId": order, "version": 3 }),
        )
        .await["invoice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_gid = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, a.6);
    let token_gid = a.7["data"]["apiTokenCreate"]["apiToken"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let membership = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { tierHistory { id } } } }",
            json!({ "id": a.0 }),
        )
        .await["data"]["node"]["tierHistory"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let inventory = app
        .graphql(
            "mutation($org: ID!) { inventoryReportSubmit(input: { organizationId: $org, asOf: \"2026-10-31\", lines: [{ sku: \"MOTOR-1\", onHand: \"7\" }] }) { report { id } } }",
            json!({ "org": a.0 }),
        )
        .await["data"]["inventoryReportSubmit"]["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A's tier price falls: its stock bought from the brand earns a price protection credit.
    let priced = app
        .graphql("{ priceLists(first: 10) { nodes { id code version } } product(sku: \"MOTOR-1\") { id } }", json!({}))
        .await;
    let list_a = priced["data"]["priceLists"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "PL-A")
        .unwrap()
        .clone();
    let repriced = app
        .mutate(
            "priceListUpdate",
            "priceList { id }",
            json!({ "id": list_a["id"], "version": list_a["version"],
                    "entries": [{ "productId": priced["data"]["product"]["id"], "unitPrice": "180" }] }),
        )
        .await;
    assert_eq!(repriced["userErrors"], json!([]), "{repriced}");
    let protection = app
        .graphql(
            "{ priceProtectionCredits { nodes { id number } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        protection["data"]["priceProtectionCredits"]["nodes"][0]["number"], "PP-000001",
        "{protection}"
    );
    let protection = protection["data"]["priceProtectionCredits"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sales = app
        .graphql(
            "mutation($org: ID!) { sellThroughReportSubmit(input: { organizationId: $org, periodStart: \"2026-10-01\", periodEnd: \"2026-10-31\", lines: [{ sku: \"MOTOR-1\", quantity: \"3\" }] }) { report { id } } }",
            json!({ "org": a.0 }),
        )
        .await["data"]["sellThroughReportSubmit"]["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A's distributor sends an 850 as X12; the brand answers with a 997.
    let a_secret = a.7["data"]["apiTokenCreate"]["secret"].as_str().unwrap();
    let (status, received) = crate::edi::post(
        app,
        a_secret,
        &crate::edi::one_850(&crate::edi::Env::new("DIST-A", 1), 1, "PO-A-EDI"),
    )
    .await;
    assert_eq!(status, 200, "{received}");
    let configured = app.graphql(
        "mutation($org: ID!) { ediPartnerConfigure(input: { organizationId: $org, ediId: \"A-EDI-ID\" }) { ediPartner { ediId } } }",
        json!({ "org": a.0 }),
    )
    .await;
    assert_eq!(
        configured["data"]["ediPartnerConfigure"]["ediPartner"]["ediId"], "A-EDI-ID",
        "{configured}"
    );
    let interchange = received["interchange"]["id"].as_str().unwrap().to_owned();
    let document = received["interchange"]["documents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A's member records a visit at A's dealer with a commitment, and a task; the brand
    // records a meeting with A's distributor.
    let a_member = app.token_for("member@a.test", "member password").await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let visit = app
        .graphql_as(
            &a_member,
            "mutation($input: InteractionRecordInput!) { interactionRecord(input: $input) { interaction { id commitments { id } } userErrors { message } } }",
            json!({ "input": { "organizationId": a.1, "kind": "VISIT", "occurredAt": yesterday,
                "summary": "A-SECRET-VISIT", "contactIds": [a.4],
                "commitments": [{ "description": "A-SECRET-PROMISE", "ownerContactId": a.4, "dueOn": "2099-01-01" }] } }),
        )
        .await;
    let a_visit = visit["data"]["interactionRecord"]["interaction"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{visit}"))
        .to_owned();
    let a_commitment = visit["data"]["interactionRecord"]["interaction"]["commitments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a_task = app
        .graphql_as(
            &a_member,
            "mutation($input: TaskCreateInput!) { taskCreate(input: $input) { task { id } userErrors { message } } }",
            json!({ "input": { "kind": "CALL", "title": "A-SECRET-TASK", "dueOn": "2020-01-01", "organizationId": a.1 } }),
        )
        .await["data"]["taskCreate"]["task"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let brand_meeting = app
        .mutate(
            "interactionRecord",
            "interaction { id }",
            json!({ "organizationId": a.0, "kind": "MEETING", "occurredAt": yesterday, "summary": "A-SECRET-MEETING" }),
        )
        .await["interaction"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A's member opens a complaint about A's order and records a survey response; the brand
    // opens a case for A's distributor with an internal note, and routes a category.
    let a_case = app
        .graphql_as(
            &a_member,
            "mutation($input: CaseOpenInput!) { caseOpen(input: $input) { case { id } userErrors { message } } }",
            json!({ "input": { "kind": "COMPLAINT", "organizationId": a.0, "orderId": order, "sku": "MOTOR-1",
                "subject": "A-SECRET-COMPLAINT", "category": "PRODUCT_QUALITY" } }),
        )
        .await["data"]["caseOpen"]["case"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a_survey = app
        .graphql_as(
            &a_member,
            "mutation($input: SurveyResponseRecordInput!) { surveyResponseRecord(input: $input) { surveyResponse { id } userErrors { message } } }",
            json!({ "input": { "organizationId": a.1, "satisfaction": 2, "comment": "A-SECRET-SURVEY" } }),
        )
        .await["data"]["surveyResponseRecord"]["surveyResponse"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let brand_case = app
        .mutate(
            "caseOpen",
            "case { id }",
            json!({ "kind": "INQUIRY", "organizationId": a.0, "subject": "A-SECRET-INQUIRY" }),
        )
        .await["case"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.mutate(
        "caseNoteAdd",
        "case { id }",
        json!({ "caseId": brand_case, "body": "A-SECRET-NOTE", "internal": true }),
    )
    .await;
    let route = app
        .mutate(
            "caseRouteSet",
            "caseRoute { id }",
            json!({ "category": "BILLING", "department": "A-SECRET-DEPT" }),
        )
        .await["caseRoute"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The brand's campaign, and its opportunity with A's distributor.
    let campaign = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            json!({ "code": "A-SECRET-CAMP", "name": "A-SECRET-CAMPAIGN", "channel": "EMAIL", "startsOn": "2026-11-01",
                    "endsOn": "2026-11-30", "cost": { "amount": "100", "currency": "EUR" } }),
        )
        .await["campaign"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let opportunity = app
        .mutate(
            "opportunityCreate",
            "opportunity { id }",
            json!({ "name": "A-SECRET-DEAL", "organizationId": a.0, "amount": { "amount": "900", "currency": "EUR" },
                    "expectedCloseOn": "2026-12-31", "campaignId": campaign }),
        )
        .await["opportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A lead offered to A's distributor, and a deal A registered.
    app.mutate(
        "leadRouteSet",
        "leadRoute { territory }",
        json!({ "territory": "A-LAND", "partnerId": a.0 }),
    )
    .await;
    let lead = app
        .mutate(
            "leadCreate",
            "lead { id }",
            json!({ "personName": "A-SECRET-LEAD", "source": "WEBSITE", "capturedAt": yesterday, "territory": "A-LAND" }),
        )
        .await["lead"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deal = app
        .graphql_as(
            &a_member,
            "mutation($input: DealRegisterInput!) { dealRegister(input: $input) { dealRegistration { id } userErrors { message } } }",
            json!({ "input": { "customerName": "A-SECRET-HOTEL", "lines": [{ "sku": "MOTOR-1", "quantity": "1" }], "amount": { "amount": "10", "currency": "EUR" } } }),
        )
        .await["data"]["dealRegister"]["dealRegistration"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A special price A asked for its customer, which the brand authorised.
    let today = chrono::Utc::now().date_naive();
    let special_price = app
        .graphql_as(
            &a_member,
            "mutation($input: SpecialPriceRequestInput!) { specialPriceRequest(input: $input) { specialPrice { id } userErrors { message } } }",
            json!({ "input": { "endCustomerId": a.2, "validFrom": today.to_string(), "validUntil": (today + chrono::Days::new(90)).to_string(),
                               "lines": [{ "sku": "MOTOR-1", "quantity": "5", "netPrice": "150" }], "note": "A-SECRET-SPA" } }),
        )
        .await;
    let special_price = special_price["data"]["specialPriceRequest"]["specialPrice"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{special_price}"))
        .to_owned();
    let approved = app
        .mutate(
            "specialPriceApprove",
            "specialPrice { number }",
            json!({ "id": special_price, "version": 1 }),
        )
        .await;
    assert_eq!(
        approved["specialPrice"]["number"], "SPA-000001",
        "{approved}"
    );
    // A claim A filed under it.
    let claim = app
        .graphql_as(
            &a_member,
            "mutation($input: ClaimSubmitInput!) { claimSubmit(input: $input) { claim { id number } userErrors { message } } }",
            json!({ "input": { "specialPrice": "SPA-000001", "reference": "A-SECRET-DEBIT",
                               "lines": [{ "sku": "MOTOR-1", "invoice": "A-SECRET-INV", "soldOn": today.to_string(), "quantity": "1", "paidCost": "200" }] } }),
        )
        .await;
    assert_eq!(
        claim["data"]["claimSubmit"]["claim"]["number"], "CLM-000001",
        "{claim}"
    );
    let claim = claim["data"]["claimSubmit"]["claim"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The brand approves it as claimed: a credit memo settles it.
    let approved = app
        .mutate(
            "claimApprove",
            "claim { creditMemo { id number } }",
            json!({ "id": claim, "version": 1, "overrides": [{ "lineNumber": 1, "result": "VALID", "reason": "proof on file" }] }),
        )
        .await;
    assert_eq!(
        approved["claim"]["creditMemo"]["number"], "CM-000001",
        "{approved}"
    );
    let credit_memo = approved["claim"]["creditMemo"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An MDF fund for A's tier alone, and A's request out of it.
    let fund = app
        .mutate(
            "fundCreate",
            "fund { id }",
            json!({ "name": "A-SECRET-FUND", "kind": "MDF", "startsOn": today.to_string(),
                    "endsOn": (today + chrono::Days::new(30)).to_string(),
                    "budget": { "amount": "1000", "currency": "EUR" },
                    "tierAmounts": [{ "tierId": tiers[0], "amount": { "amount": "500", "currency": "EUR" } }] }),
        )
        .await;
    let fund = fund["fund"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{fund}"))
        .to_owned();
    let fund_request = app
        .graphql_as(
            &a_member,
            "mutation($input: FundRequestSubmitInput!) { fundRequestSubmit(input: $input) { fundRequest { id number } userErrors { message } } }",
            json!({ "input": { "fundId": fund, "activity": "TRADE_SHOW", "title": "A-SECRET-SHOW", "plan": "A-SECRET-PLAN",
                               "startsOn": today.to_string(), "endsOn": today.to_string(),
                               "amount": { "amount": "100", "currency": "EUR" } } }),
        )
        .await;
    assert_eq!(
        fund_request["data"]["fundRequestSubmit"]["fundRequest"]["number"], "FR-000001",
        "{fund_request}"
    );
    let fund_request = fund_request["data"]["fundRequestSubmit"]["fundRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A rebate program of A's own that ended yesterday, the invoices dated in it, settled.
    let yesterday = today - chrono::Days::new(1);
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!("UPDATE invoices SET issued_on = '{yesterday}'"),
    )
    .await
    .unwrap();
    let rebate_program = app
        .mutate(
            "rebateProgramCreate",
            "rebateProgram { id }",
            json!({ "name": "A-SECRET-REBATE", "startsOn": (today - chrono::Days::new(30)).to_string(), "endsOn": yesterday.to_string(),
                    "method": "RETROACTIVE", "partnerId": a.0, "thresholds": [{ "from": { "amount": "0", "currency": "EUR" }, "rate": "1" }] }),
        )
        .await;
    let rebate_program = rebate_program["rebateProgram"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{rebate_program}"))
        .to_owned();
    let policy = app
        .mutate(
            "replenishmentPolicyCreate",
            "replenishmentPolicy { id }",
            json!({ "partnerId": a.0, "targetWeeks": "5", "orderMultiple": "6" }),
        )
        .await;
    let policy = policy["replenishmentPolicy"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{policy}"))
        .to_owned();
    let policy_proposal = app
        .graphql_as(
            &a_member,
            "mutation { replenishmentPolicyPropose(input: { targetWeeks: \"8\", note: \"A-SECRET-PLAN\" }) { proposal { id } userErrors { message } } }",
            json!({}),
        )
        .await;
    let policy_proposal = policy_proposal["data"]["replenishmentPolicyPropose"]["proposal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{policy_proposal}"))
        .to_owned();
    // A counts its stock today and reported last week's sales; the brand enrols it for
    // replenishment and proposes what it should order.
    let monday = today
        - chrono::Days::new(u64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let last_week = monday - chrono::Days::new(7);
    for (mutation, input) in [
        (
            "inventoryReportSubmit",
            json!({ "organizationId": a.0, "asOf": today.to_string(), "lines": [{ "sku": "MOTOR-1", "onHand": "1" }] }),
        ),
        (
            "sellThroughReportSubmit",
            json!({ "organizationId": a.0, "periodStart": last_week.to_string(),
            "periodEnd": (last_week + chrono::Days::new(6)).to_string(), "lines": [{ "sku": "MOTOR-1", "quantity": "9" }] }),
        ),
        (
            "replenishmentEnrol",
            json!({ "distributorId": a.0, "mode": "PROPOSALS" }),
        ),
    ] {
        let body = app.mutate(mutation, "userErrors { message }", input).await;
        assert_eq!(body["userErrors"], json!([]), "{mutation}: {body}");
    }
    let replenishment = app
        .mutate(
            "replenishmentPropose",
            "proposal { id number }",
            json!({ "distributorId": a.0 }),
        )
        .await;
    let replenishment = replenishment["proposal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{replenishment}"))
        .to_owned();
    // The brand plans what it buys from SUP-1.
    let purchase = app
        .mutate(
            "purchaseProposalPropose",
            "proposal { id number }",
            json!({ "supplierId": supplier, "horizonWeeks": 4 }),
        )
        .await;
    let purchase = purchase["proposal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{purchase}"))
        .to_owned();
    let rebate = app
        .mutate(
            "rebateProgramSettle",
            "proposed { id number }",
            json!({ "id": rebate_program }),
        )
        .await;
    assert_eq!(rebate["proposed"][0]["number"], "RB-000001", "{rebate}");
    let rebate = rebate["proposed"][0]["id"].as_str().unwrap().to_owned();
    // A's system asks for a new tax id, which waits for the brand.
    let proposal = app
        .graphql_as(
            a_secret,
            "mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { proposal { id } userErrors { message } } }",
            json!({ "input": { "id": a.0, "version": 2, "taxId": "A-SECRET-TAX" } }),
        )
        .await;
    let proposal = proposal["data"]["organizationUpdate"]["proposal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{proposal}"))
        .to_owned();
    // An invitation to A's distributor; A's admin accepts the program's terms (B's admin
    // too, so that B still trades); an application, which no partner sees.
    let invitation = app
        .mutate(
            "invitationCreate",
            "invitation { id }",
            json!({ "email": "a-secret-invitee@a.test", "name": "A-SECRET-INVITEE", "roles": ["PARTNER_SALES"], "organizationId": a.0 }),
        )
        .await["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let terms = app
        .mutate(
            "programTermsPublish",
            "programTerms { id }",
            json!({ "title": "Program terms", "body": "Trade fairly." }),
        )
        .await["programTerms"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut acceptances = Vec::new();
    for (side, dist) in [("a", &a.0), ("b", &b.0)] {
        let email = format!("admin@{side}.test");
        app.create_user(
            &email,
            "admin password",
            crate::helpers::PARTNER_ADMIN,
            Some(uuid_of(dist)),
        )
        .await;
        let admin = app.token_for(&email, "admin password").await;
        let body = app
            .graphql_as(
                &admin,
                "mutation($input: ProgramTermsAcceptInput!) { programTermsAccept(input: $input) { termsAcceptance { id } userErrors { message } } }",
                json!({ "input": { "termsId": terms } }),
            )
            .await;
        acceptances.push(
            body["data"]["programTermsAccept"]["termsAcceptance"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
        );
    }
    let certification = app
        .mutate(
            "certificationCreate",
            "certification { id }",
            json!({ "code": "CERT-1", "name": "Installer", "validityMonths": 24 }),
        )
        .await["certification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let held = app
        .mutate(
            "contactCertificationRecord",
            "contactCertification { id }",
            json!({ "contactId": a.4, "certificationId": certification, "earnedOn": "2026-03-01", "evidence": "A-SECRET-EVIDENCE" }),
        )
        .await["contactCertification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A qualifies for a tier above its own: an evaluation and a proposal of A's.
    let upper = app
        .mutate(
            "partnerTierCreate",
            "partnerTier { id }",
            json!({ "code": "UPPER", "name": "Upper", "rank": 99, "priceListId": lists[0], "paymentTermsDays": 30 }),
        )
        .await["partnerTier"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.mutate(
        "partnerTierCriteriaSet",
        "version",
        json!({ "tierId": upper, "version": 1, "criteria": [{ "measure": "OPEN_COMPLAINTS", "comparison": "AT_MOST", "threshold": "1000" }] }),
    )
    .await;
    let evaluation = app
        .mutate(
            "tierEvaluate",
            "tierEvaluation { id }",
            json!({ "organizationId": a.0 }),
        )
        .await["tierEvaluation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tier_proposal = app
        .graphql("{ tierProposals { nodes { id } } }", json!({}))
        .await["data"]["tierProposals"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let application = app
        .anonymous(
            "mutation($input: PartnerApplyInput!) { partnerApply(input: $input) { reference userErrors { message } } }",
            json!({ "input": { "kind": "DEALER", "companyName": "A-SECRET-APPLICANT", "contacts": [{ "name": "A-SECRET-PERSON", "email": "person@applicant.test" }] } }),
        )
        .await;
    let application = application["data"]["partnerApply"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{application}"))
        .to_owned();
    let log = app
        .graphql(
            "query($id: ID!) { webhookDeliveries(filter: { endpointId: $id }) { nodes { id event { id } } } }",
            json!({ "id": endpoint }),
        )
        .await;
    let delivery = log["data"]["webhookDeliveries"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let event = log["data"]["webhookDeliveries"]["nodes"][0]["event"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        shared: vec![
            ("Product", product),
            ("PartnerTier", tiers[0].clone()),
            ("ProgramTerms", terms),
            ("Certification", certification),
        ],
        a_objects: vec![
            ("ProductSpec", spec),
            ("PriceList", lists[0].clone()),
            ("TierMembership", membership),
            ("Order", order),
            ("Shipment", shipment),
            ("Invoice", invoice),
            ("InventoryReport", inventory),
            ("SellThroughReport", sales),
            ("EdiInterchange", interchange),
            ("EdiDocument", document),
            ("Brand", brand),
            ("Supplier", supplier),
            ("PublicInterestOrganization", association),
            ("Distributor", a.0.clone()),
            ("IntermediateCustomer", a.1.clone()),
            ("Customer", a.2.clone()),
            ("ChannelLink", a.3.clone()),
            ("Contact", a.4.clone()),
            ("Address", a.5.clone()),
            ("User", user_gid.clone()),
            ("ApiToken", token_gid.clone()),
            ("Interaction", a_visit),
            ("Interaction", brand_meeting),
            ("Commitment", a_commitment),
            ("Task", a_task),
            ("Case", a_case),
            ("Case", brand_case),
            ("SurveyResponse", a_survey),
            ("CaseRoute", route),
            ("Campaign", campaign),
            ("Opportunity", opportunity),
            ("Lead", lead),
            ("DealRegistration", deal),
            ("ChangeProposal", proposal),
            ("Invitation", invitation),
            ("TermsAcceptance", acceptances[0].clone()),
            ("ContactCertification", held),
            ("TierEvaluation", evaluation),
            ("TierProposal", tier_proposal),
            ("SpecialPrice", special_price),
            ("Claim", claim),
            ("CreditMemo", credit_memo),
            ("PriceProtectionCredit", protection),
            ("Fund", fund),
            ("FundRequest", fund_request),
            ("RebateProgram", rebate_program),
            ("RebateSettlement", rebate),
            ("ReplenishmentPolicy", policy),
            ("ReplenishmentPolicyProposal", policy_proposal),
            ("ReplenishmentProposal", replenishment),
            ("PurchaseProposal", purchase),
            ("PartnerApplication", application),
            ("WebhookEndpoint", endpoint),
            ("WebhookDelivery", delivery),
            ("Event", event),
        ],
        a_codes: vec![
            "BRAND",
            "SUP-1",
            "ASSOC",
            "DIST-A",
            "DLR-A",
            "CUST-A",
            "PL-A",
            "SPEC-A",
            "PO-A-1",
            "PO-A-EDI",
            "A-EDI-ID",
            "SO-000001",
            "ASN-000001",
            "INV-000001",
            "SPA-000001",
            "CLM-000001",
            "CM-000001",
            "PP-000001",
            "FR-000001",
            "RB-000001",
            "RP-000001",
            "A-SECRET",
        ],
        b_user: app.token_for("member@b.test", "member password").await,
        b_token: b.7["data"]["apiTokenCreate"]["secret"]
            .as_str()
            .unwrap()
            .to_owned(),
        a_user_id: user_gid,
        a_token_id: token_gid,
    }
}

/// Every type that implements Node, from introspection.
pub async fn node_types(app: &TestApp) -> BTreeSet<String> {
    let body = app
        .graphql(
            "{ __type(name: \"Node\") { possibleTypes { name } } }",
            json!({}),
        )
        .await;
    body["data"]["__type"]["possibleTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn another_partner_learns_nothing_of_a_partners_objects_by_any_path() {
    let app = spawn_app().await;
    let w = world(&app).await;

    // Every identified type is in the matrix; a new type fails here until it is added.
    let covered: BTreeSet<String> = w
        .a_objects
        .iter()
        .chain(&w.shared)
        .map(|(t, _)| t.to_string())
        .collect();
    assert_eq!(
        node_types(&app).await,
        covered,
        "extend the matrix with the new types"
    );

    for (who, token) in [
        ("B's portal user", &w.b_user),
        ("B's API token", &w.b_token),
    ] {
        // node(id:), nodes(ids:) and aliases.
        let ids: Vec<&String> = w.a_objects.iter().map(|(_, id)| id).collect();
        for (ty, id) in &w.a_objects {
            let body = app
                .graphql_as(
                    token,
                    "query($id: ID!) { a: node(id: $id) { id } b: node(id: $id) { __typename } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(
                body["data"],
                json!({ "a": null, "b": null }),
                "{who} reads {ty} by node: {body}"
            );
        }
        let body = app
            .graphql_as(
                token,
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": ids }),
            )
            .await;
        assert!(
            body["data"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_null),
            "{who}: {body}"
        );

        // The catalog and the program's terms are shared: every partner reads them.
        for (ty, id) in &w.shared {
            let body = app
                .graphql_as(
                    token,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(
                body["data"]["node"]["id"],
                json!(id),
                "{who} reads shared {ty}: {body}"
            );
        }

        // Lists, counts, lookups by code and nested relations.
        let body = app
            .graphql_as(
                token,
                r#"{
                    organizations(first: 100, filter: { includeArchived: true }) { totalCount nodes { code } }
                    customers { totalCount nodes { code } }
                    intermediateCustomers { totalCount nodes { code } }
                    distributors { totalCount nodes { code orders { totalCount nodes { number } }
                        dealers { nodes { code timeline { totalCount } orders(first: 5) { totalCount nodes { number } } } }
                        customers { nodes { code orders { totalCount nodes { number } } } }
                        timeline { totalCount nodes { __typename ... on Interaction { summary } ... on Case { subject } ... on Order { number } ... on SurveyResponse { comment } } }
                        downstreamLinks { totalCount nodes { downstream { code } } } upstreamLinks { totalCount }
                        addresses { nodes { line1 } } } }
                    suppliers { totalCount nodes { code } }
                    brand: organization(code: "BRAND") { code }
                    a: organization(code: "DIST-A") { code }
                    dealer: organization(code: "DLR-A") { code }
                    products { nodes { sku suppliers { supplier { code } } specifications { value } } }
                    priceLists { totalCount nodes { code } }
                    orders { totalCount nodes { number } }
                    inventoryReports(filter: { includeReplaced: true }) { totalCount }
                    sellThroughReports(filter: { includeReplaced: true }) { totalCount }
                    ediDocuments(first: 100) { totalCount nodes { reference content } }
                    stockPositions { onHand }
                    sellThrough(from: "2026-01-01", to: "2026-12-31") { quantity }
                    order(number: "SO-000001") { number }
                    own: distributors { nodes { partnerTier { code priceList { code } } tierHistory { tier { priceList { code } } } } }
                    interactions(first: 100) { totalCount nodes { summary commitments { description } } }
                    overdue: commitments(filter: { overdue: false }) { totalCount nodes { description } }
                    commitments { totalCount }
                    tasks(filter: { overdue: true }) { totalCount nodes { title } }
                    cases { totalCount nodes { subject notes { body } } }
                    surveyResponses { totalCount nodes { comment } }
                    opportunities { totalCount nodes { name campaign { code } } }
                    leads { totalCount nodes { personName } }
                    dealRegistrations { totalCount nodes { customerName } }
                    changeProposals(first: 100) { totalCount nodes { changes { after } } }
                    figures: distributors { nodes { code figures { orderCount revenueLifetime { amount } marginLifetime { amount } }
                        scorecard { orders complaints invoicesDue compliance { measured } }
                        dealers { nodes { figures { orderCount } } } } }
                    portfolio { seller { code } pareto { customers } customersByPeriod { active }
                        atRisk { organization { code } } lost { organization { code } } }
                    serviceFigures(from: "2020-01-01", to: "2029-12-31") {
                        byOrganization: complaints(by: ORGANIZATION) { organization { code } count }
                        byProduct: complaints(by: PRODUCT) { count }
                        caseHandling { cases }
                        satisfaction(by: SEGMENT) { responses } }
                }"#,
                json!({}),
            )
            .await;
        assert!(body.get("errors").is_none(), "{who}: {body}");
        let text = body.to_string();
        for code in &w.a_codes {
            assert!(!text.contains(code), "{who} sees {code}: {text}");
        }
        assert!(!text.contains("A Street"), "{who} sees A's address: {text}");
        assert_eq!(
            body["data"]["organizations"]["totalCount"], 3,
            "{who}: B, its dealer and its customer"
        );
        assert_eq!(body["data"]["suppliers"]["totalCount"], 0);
        assert_eq!(body["data"]["orders"]["totalCount"], 0, "{who}: {body}");
        assert_eq!(
            body["data"]["inventoryReports"]["totalCount"], 0,
            "{who}: {body}"
        );
        assert_eq!(
            body["data"]["sellThroughReports"]["totalCount"], 0,
            "{who}: {body}"
        );
        assert_eq!(
            body["data"]["ediDocuments"]["totalCount"], 0,
            "{who}: {body}"
        );
        for list in [
            "interactions",
            "commitments",
            "tasks",
            "cases",
            "surveyResponses",
            "opportunities",
            "leads",
            "dealRegistrations",
            "changeProposals",
        ] {
            assert_eq!(body["data"][list]["totalCount"], 0, "{who}: {body}");
        }
        // Figures, portfolio and service figures are B's own: A's order, case and survey
        // count nowhere.
        assert_eq!(
            body["data"]["figures"]["nodes"][0]["figures"]["orderCount"], 0,
            "{who}: {body}"
        );
        assert_eq!(
            body["data"]["figures"]["nodes"][0]["figures"]["marginLifetime"],
            Value::Null,
            "{who}: {body}"
        );
        assert_eq!(
            body["data"]["figures"]["nodes"][0]["scorecard"]["orders"], 0,
            "{who}: {body}"
        );
        assert_eq!(body["data"]["portfolio"]["seller"]["code"], "DIST-B");
        assert_eq!(body["data"]["portfolio"]["pareto"]["customers"], 0);
        let service = &body["data"]["serviceFigures"];
        assert_eq!(service["caseHandling"]["cases"], 0, "{who}: {body}");
        assert_eq!(service["byOrganization"], json!([]), "{who}: {body}");
        assert_eq!(service["byProduct"], json!([]), "{who}: {body}");
        assert_eq!(service["satisfaction"], json!([]), "{who}: {body}");
        // A's portfolio, named.
        let a_dist = &w
            .a_objects
            .iter()
            .find(|(t, _)| *t == "Distributor")
            .unwrap()
            .1;
        let named = app
            .graphql_as(
                token,
                "query($a: ID!) { portfolio(sellerId: $a) { pareto { customers } } }",
                json!({ "a": a_dist }),
            )
            .await;
        assert_eq!(
            named["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{who}: {named}"
        );
        assert!(!named.to_string().contains("DIST-A"), "{who}: {named}");
        assert_eq!(named["data"], Value::Null, "{who}: {named}");
        // Filters naming A, or the brand A buys from, as a party narrow B's orders and never
        // widen them (B's own organization in a filter lets the visibility test go).
        let brand = app
            .graphql("{ organization(code: \"BRAND\") { id } }", json!({}))
            .await["data"]["organization"]["id"]
            .clone();
        for filter in [
            json!({ "sellerId": brand }),
            json!({ "buyerId": a_dist }),
            json!({ "sellerId": a_dist }),
            json!({ "buyerId": a_dist, "sellerId": brand }),
        ] {
            let body = app
                .graphql_as(
                    token,
                    "query($f: OrderFilter) { orders(filter: $f) { totalCount nodes { number } } }",
                    json!({ "f": filter }),
                )
                .await;
            assert_eq!(
                body["data"]["orders"],
                json!({ "totalCount": 0, "nodes": [] }),
                "{who}, {filter}: {body}"
            );
        }
        assert_eq!(body["data"]["stockPositions"], json!([]), "{who}: {body}");
        assert_eq!(body["data"]["sellThrough"], json!([]), "{who}: {body}");
        assert_eq!(
            body["data"]["priceLists"]["totalCount"], 1,
            "{who}: its own tier's list"
        );

        // Changes: refused without revealing whether A's objects exist.
        for (ty, id) in &w.a_objects {
            let (mutation, input_type) = match *ty {
                // No mutation takes a membership: tiers are assigned to organizations.
                "TierMembership" | "InventoryReport" | "SellThroughReport" | "EdiInterchange"
                | "EdiDocument" | "SurveyResponse" | "Event" | "TermsAcceptance"
                | "TierEvaluation" | "CreditMemo" => continue,
                "TierProposal" => ("tierProposalReject", "TierProposalRejectInput"),
                "SpecialPrice" => ("specialPriceReject", "SpecialPriceRejectInput"),
                "Claim" => ("claimReject", "ClaimRejectInput"),
                "PriceProtectionCredit" => ("priceProtectionReject", "PriceProtectionRejectInput"),
                "Fund" => ("fundUpdate", "FundUpdateInput"),
                "FundRequest" => ("fundRequestReject", "FundRejectInput"),
                "RebateProgram" => ("rebateProgramSettle", "RebateProgramSettleInput"),
                "RebateSettlement" => ("rebateSettlementReject", "RebateSettlementRejectInput"),
                "ReplenishmentPolicy" => (
                    "replenishmentPolicyDelete",
                    "ReplenishmentPolicyDeleteInput",
                ),
                "ReplenishmentPolicyProposal" => (
                    "replenishmentPolicyProposalAccept",
                    "ReplenishmentPolicyProposalAcceptInput",
                ),
                "ReplenishmentProposal" => (
                    "replenishmentProposalAccept",
                    "ReplenishmentProposalAcceptInput",
                ),
                "PurchaseProposal" => ("purchaseProposalReject", "PurchaseProposalRejectInput"),
                "Invitation" => ("invitationRevoke", "InvitationRevokeInput"),
                "ContactCertification" => (
                    "contactCertificationRevoke",
                    "ContactCertificationRevokeInput",
                ),
                "PartnerApplication" => {
                    ("partnerApplicationReject", "PartnerApplicationRejectInput")
                }
                "WebhookEndpoint" => ("webhookEndpointUpdate", "WebhookEndpointUpdateInput"),
                "WebhookDelivery" => ("webhookDeliveryRedeliver", "WebhookDeliveryRedeliverInput"),
                "Case" => ("caseClose", "CaseCloseInput"),
                "CaseRoute" => ("caseRouteDelete", "CaseRouteDeleteInput"),
                "Campaign" => ("campaignUpdate", "CampaignUpdateInput"),
                "Opportunity" => ("opportunityUpdate", "OpportunityUpdateInput"),
                "Lead" => ("leadAccept", "LeadStepInput"),
                "DealRegistration" => ("dealApprove", "DealApproveInput"),
                "ChangeProposal" => ("changeProposalApprove", "ChangeProposalApproveInput"),
                "ProductSpec" => ("productSpecUpdate", "ProductSpecUpdateInput"),
                "Interaction" => ("interactionUpdate", "InteractionUpdateInput"),
                "Commitment" => ("commitmentClose", "CommitmentCloseInput"),
                "Task" => ("taskComplete", "TaskCloseInput"),
                "Order" => ("orderCancel", "OrderCancelInput"),
                "Shipment" => ("shipmentReceive", "ShipmentReceiveInput"),
                "Invoice" => ("paymentRecord", "PaymentRecordInput"),
                "PriceList" => ("priceListUpdate", "PriceListUpdateInput"),
                "User" => ("userDeactivate", "UserDeactivateInput"),
                "ApiToken" => ("apiTokenRevoke", "ApiTokenRevokeInput"),
                "Contact" => ("contactArchive", "ArchiveInput"),
                "Address" => ("addressArchive", "ArchiveInput"),
                "ChannelLink" => ("channelLinkArchive", "ArchiveInput"),
                _ => ("organizationArchive", "ArchiveInput"),
            };
            let input = if matches!(
                *ty,
                "ApiToken" | "CaseRoute" | "WebhookDelivery" | "RebateProgram"
            ) {
                json!({ "id": id })
            } else if *ty == "Invoice" {
                json!({ "invoiceId": id, "version": 1, "amount": { "amount": "1", "currency": "EUR" } })
            } else if matches!(
                *ty,
                "PartnerApplication"
                    | "ContactCertification"
                    | "TierProposal"
                    | "SpecialPrice"
                    | "Claim"
                    | "PriceProtectionCredit"
                    | "FundRequest"
                    | "RebateSettlement"
                    | "PurchaseProposal"
            ) {
                json!({ "id": id, "version": 1, "reason": "taken over" })
            } else if *ty == "Commitment" {
                json!({ "id": id, "version": 1, "outcome": "BROKEN" })
            } else if *ty == "Interaction" {
                json!({ "id": id, "version": 1, "summary": "taken over" })
            } else if matches!(
                *ty,
                "ProductSpec" | "PriceList" | "Campaign" | "Opportunity"
            ) {
                json!({ "id": id, "version": 1, "name": "taken over" })
            } else {
                json!({ "id": id, "version": 1 })
            };
            let body = app
                .graphql_as(
                    token,
                    &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code message }} }} }}"),
                    json!({ "input": input }),
                )
                .await;
            let text = body.to_string();
            let refused = text.contains("NOT_FOUND") || text.contains("FORBIDDEN");
            assert!(refused, "{who} changes {ty}: {text}");
            for code in &w.a_codes {
                assert!(!text.contains(code), "{who}'s error names {code}: {text}");
            }
        }
        // A's order named in every other trade mutation.
        let order = &w.a_objects.iter().find(|(t, _)| *t == "Order").unwrap().1;
        for (mutation, input_type, input) in [
            (
                "orderAcknowledge",
                "OrderAcknowledgeInput",
                json!({ "id": order, "version": 1, "lines": [{ "lineNumber": 1, "decision": "REJECT" }] }),
            ),
            (
                "orderCreditRelease",
                "OrderCreditReleaseInput",
                json!({ "id": order, "version": 1 }),
            ),
            (
                "orderChange",
                "OrderChangeInput",
                json!({ "id": order, "version": 4, "lines": [{ "action": "CANCEL", "lineNumber": 1 }] }),
            ),
            (
                "shipmentCreate",
                "ShipmentCreateInput",
                json!({ "orderId": order, "version": 4, "carrier": "X", "lines": [{ "lineNumber": 1, "quantity": "1" }] }),
            ),
            (
                "invoiceCreate",
                "InvoiceCreateInput",
                json!({ "orderId": order, "version": 4 }),
            ),
        ] {
            let body = app
                .graphql_as(
                    token,
                    &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code message }} }} }}"),
                    json!({ "input": input }),
                )
                .await;
            let text = body.to_string();
            assert!(
                text.contains("NOT_FOUND") || text.contains("FORBIDDEN"),
                "{who} runs {mutation} on A's order: {text}"
            );
            for code in &w.a_codes {
                assert!(!text.contains(code), "{who}'s error names {code}: {text}");
            }
        }
        // A's EDI settings.
        let a_org = w
            .a_objects
            .iter()
            .find(|(t, _)| *t == "Distributor")
            .unwrap()
            .1
            .clone();
        let body = app
            .graphql_as(
                token,
                "query($a: ID!) { ediPartner(organizationId: $a) { ediId } }",
                json!({ "a": a_org }),
            )
            .await;
        assert_eq!(body["data"]["ediPartner"], Value::Null, "{who}: {body}");

        // X12 in A's name, as a fresh interchange and as A's own again.
        for raw in [
            crate::edi::one_850(&crate::edi::Env::new("DIST-A", 2), 2, "PO-A-EDI"),
            crate::edi::one_850(&crate::edi::Env::new("DIST-A", 1), 1, "PO-A-EDI"),
        ] {
            let body = app
                .graphql_as(
                    token,
                    "mutation($input: EdiSubmitInput!) { ediSubmit(input: $input) { interchange { id } userErrors { code message } } }",
                    json!({ "input": { "document": raw } }),
                )
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{who} sends X12 as A: {body}"
            );
            let (status, answer) = crate::edi::post(&app, token, &raw).await;
            assert_eq!(status, 403, "{who} posts X12 as A: {answer}");
        }
        let body = app
            .graphql_as(
                token,
                "{ apiTokens { totalCount } users { totalCount nodes { email } } }",
                json!({}),
            )
            .await;
        assert_eq!(body["data"]["apiTokens"]["totalCount"], 0, "{who}: {body}");
        assert_eq!(
            body["data"]["users"],
            json!({ "totalCount": 2, "nodes": [{ "email": "admin@b.test" }, { "email": "member@b.test" }] }),
            "{who} lists users"
        );
        // Onboarding: no invitation or application of A's; B's own acceptance only.
        let body = app
            .graphql_as(
                token,
                "{ invitations { totalCount } partnerApplications { totalCount } termsAcceptances { totalCount nodes { organization { code } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "invitations": { "totalCount": 0 }, "partnerApplications": { "totalCount": 0 },
                    "termsAcceptances": { "totalCount": 1, "nodes": [{ "organization": { "code": "DIST-B" } }] } }),
            "{who}: {body}"
        );
        // Special prices: none of A's, asked for by distributor, customer or not.
        let a_dist = &w
            .a_objects
            .iter()
            .find(|(t, _)| *t == "Distributor")
            .unwrap()
            .1;
        let a_customer = &w
            .a_objects
            .iter()
            .find(|(t, _)| *t == "Customer")
            .unwrap()
            .1;
        let body = app
            .graphql_as(
                token,
                "query($d: ID!, $c: ID!) { all: specialPrices { totalCount } theirs: specialPrices(filter: { distributorId: $d }) { totalCount } forCustomer: specialPrices(filter: { endCustomerId: $c, status: APPROVED }) { totalCount nodes { note } } }",
                json!({ "d": a_dist, "c": a_customer }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "all": { "totalCount": 0 }, "theirs": { "totalCount": 0 }, "forCustomer": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Claims: none of A's, asked for by distributor or not.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { all: claims { totalCount } theirs: claims(filter: { distributorId: $d }) { totalCount nodes { reference } } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "all": { "totalCount": 0 }, "theirs": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Price protection: none of A's credits, asked for by distributor or not.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { all: priceProtectionCredits { totalCount } theirs: priceProtectionCredits(filter: { distributorId: $d }) { totalCount nodes { number } } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "all": { "totalCount": 0 }, "theirs": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Funds: not A's tier's fund, nor A's requests, asked for by partner or not.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { funds { totalCount nodes { name } } all: fundRequests { totalCount } theirs: fundRequests(filter: { partnerId: $d }) { totalCount nodes { number } } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "funds": { "totalCount": 0, "nodes": [] }, "all": { "totalCount": 0 }, "theirs": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Rebates: not A's program, nor A's rebate, asked for by partner or not.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { rebatePrograms { totalCount } named: rebatePrograms(filter: { partnerId: $d }) { totalCount } all: rebateSettlements { totalCount } theirs: rebateSettlements(filter: { partnerId: $d }) { totalCount nodes { number } } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "rebatePrograms": { "totalCount": 0 }, "named": { "totalCount": 0 }, "all": { "totalCount": 0 }, "theirs": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Replenishment: not A's policy, asked for by partner or not, nor A's effective one.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { replenishmentPolicies { totalCount } named: replenishmentPolicies(filter: { partnerId: $d }) { totalCount } effectiveReplenishmentPolicy(distributorId: $d, sku: \"MOTOR-1\") { targetWeeks } proposals: replenishmentPolicyProposals(filter: { partnerId: $d }) { totalCount } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "replenishmentPolicies": { "totalCount": 0 }, "named": { "totalCount": 0 }, "effectiveReplenishmentPolicy": null, "proposals": { "totalCount": 0 } }),
            "{who}: {body}"
        );
        // Credit memos: none of A's, asked for by partner or not.
        let body = app
            .graphql_as(
                token,
                "query($d: ID!) { all: creditMemos { totalCount } theirs: creditMemos(filter: { partnerId: $d }) { totalCount nodes { number } } }",
                json!({ "d": a_dist }),
            )
            .await;
        assert_eq!(
            body["data"],
            json!({ "all": { "totalCount": 0 }, "theirs": { "totalCount": 0, "nodes": [] } }),
            "{who}: {body}"
        );
        // Tiers: none of A's evaluations or proposals, asked for by name or not.
        let body = app
            .graphql_as(
                token,
                "query($a: ID!) { tierEvaluation(organizationId: $a) { id } tierEvaluations { totalCount } tierProposals { totalCount } named: tierProposals(filter: { organizationId: $a }) { totalCount } }",
                json!({ "a": a_dist }),
            )
            .await;
        if body.get("errors").is_some() {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{who}: {body}"
            );
        } else {
            assert_eq!(
                body["data"],
                json!({ "tierEvaluation": null, "tierEvaluations": { "totalCount": 0 }, "tierProposals": { "totalCount": 0 }, "named": { "totalCount": 0 } }),
                "{who}: {body}"
            );
        }
        // Certifications: none of A's people's, asked for by name or not.
        for filter in [json!({}), json!({ "organizationId": a_dist })] {
            let body = app
                .graphql_as(
                    token,
                    "query($f: ContactCertificationFilter) { contactCertifications(filter: $f) { totalCount nodes { evidence } } }",
                    json!({ "f": filter }),
                )
                .await;
            if body.get("errors").is_some() {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                    "{who}: {body}"
                );
            } else {
                assert_eq!(
                    body["data"]["contactCertifications"],
                    json!({ "totalCount": 0, "nodes": [] }),
                    "{who}, {filter}: {body}"
                );
            }
        }
        // Case routing and campaigns are the brand's own.
        for query in [
            "{ caseRoutes { department } }",
            "{ campaigns { totalCount } }",
            "{ leadRoutes { territory } }",
        ] {
            let body = app.graphql_as(token, query, json!({})).await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{who}: {body}"
            );
            // The refusal names what was asked for.
            let asked = query.split_whitespace().nth(1).unwrap();
            let named = match asked {
                "caseRoutes" => "rout",
                "campaigns" => "campaigns",
                _ => "lead routes",
            };
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains(named),
                "{who}: {body}"
            );
        }
        // The audit trail, which names everyone's objects, is for admins only.
        let body = app
            .graphql_as(token, "{ auditEvents { totalCount } }", json!({}))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{who}: {body}"
        );
    }

    // Nothing B sent was stored: A's one 850, its 997, the 845 of A's special price, and
    // the 849 and 812 of A's claim.
    let body = app
        .graphql("{ ediDocuments { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["ediDocuments"]["totalCount"], 5, "{body}");

    // Nothing changed on A's side.
    for (ty, id) in &w.a_objects {
        if matches!(
            *ty,
            "Interaction"
                | "Commitment"
                | "Task"
                | "Case"
                | "Campaign"
                | "Opportunity"
                | "Lead"
                | "DealRegistration"
        ) {
            assert_eq!(app.version_of(id).await, 1, "B changed A's {ty}");
        }
    }
    let body = app
        .graphql(
            "query($u: ID!, $t: ID!) { u: node(id: $u) { ... on User { active } } t: node(id: $t) { ... on ApiToken { revokedAt } } a: organization(code: \"DIST-A\") { archivedAt } }",
            json!({ "u": w.a_user_id, "t": w.a_token_id }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "u": { "active": true }, "t": { "revokedAt": null }, "a": { "archivedAt": null } })
    );
}

/// A dealer sees the distributor it buys from, and the brand, in part: who they are and
/// where, through `tradingPartners` and its orders' parties. Nothing else of them, and
/// nothing of another distributor; a distributor sees the brand so, and not its peers.
#[tokio::test]
async fn a_dealer_sees_its_distributor_and_the_brand_in_part_and_nothing_else() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let find = |ty: &str| {
        w.a_objects
            .iter()
            .find(|(t, _)| *t == ty)
            .unwrap()
            .1
            .clone()
    };
    let (dist_a, dealer_a) = (find("Distributor"), find("IntermediateCustomer"));
    app.create_user(
        "dealer@a.test",
        "dealer password",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&dealer_a)),
    )
    .await;
    let dealer = app.token_for("dealer@a.test", "dealer password").await;
    let dist_contact = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": dist_a, "name": "A-SECRET Buyer", "email": "buyer@dist-a.test" }),
        )
        .await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The dealer's order to its distributor, placed by the brand's staff for it.
    app.mutate(
        "orderSubmit",
        "order { id }",
        json!({ "buyerId": dealer_a, "sellerId": dist_a, "poNumber": "PO-DLR-1", "lines": [{ "sku": "MOTOR-1", "quantity": "1" }] }),
    )
    .await;

    let body = app
        .graphql_as(
            &dealer,
            "{ tradingPartners { id kind code name addresses { kind line1 city country gln } }
               orders { nodes { number sellerParty { code name } seller { code } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["tradingPartners"],
        json!([
            { "id": dist_a, "kind": "DISTRIBUTOR", "code": "DIST-A", "name": "A Distribution",
              "addresses": [{ "kind": "BILLING", "line1": "A Street 1", "city": "Town", "country": "DE", "gln": null }] },
            { "id": find("Brand"), "kind": "BRAND", "code": "BRAND", "name": "The Brand", "addresses": [] },
        ]),
        "{body}"
    );
    assert_eq!(
        body["data"]["orders"]["nodes"],
        json!([{ "number": "SO-000002", "sellerParty": { "code": "DIST-A", "name": "A Distribution" }, "seller": null }]),
        "{body}"
    );
    // In part only: not by node, not in the directory, not its orders with others, its
    // contacts or its links.
    let body = app
        .graphql_as(
            &dealer,
            "query($d: ID!, $o: ID!) { node(id: $d) { id } organization(code: \"DIST-A\") { code }
               distributors { totalCount } contacts: node(id: $o) { id }
               orders(filter: { sellerId: $d }) { totalCount } }",
            json!({ "d": dist_a, "o": dist_contact }),
        )
        .await;
    assert_eq!(body["data"]["node"], Value::Null, "{body}");
    assert_eq!(body["data"]["organization"], Value::Null, "{body}");
    assert_eq!(body["data"]["distributors"]["totalCount"], 0, "{body}");
    assert_eq!(
        body["data"]["orders"]["totalCount"], 1,
        "its own order only: {body}"
    );
    assert_eq!(body["data"]["contacts"], Value::Null, "{body}");
    assert!(!body.to_string().contains("PO-A-1"), "{body}");

    // Distributor B sees the brand in part, and nothing of A.
    for token in [&w.b_user, &w.b_token] {
        let body = app
            .graphql_as(
                token,
                "{ tradingPartners { code name addresses { line1 } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            body["data"]["tradingPartners"],
            json!([{ "code": "BRAND", "name": "The Brand", "addresses": [] }]),
            "{body}"
        );
    }
    // Staff: the brand.
    let body = app.graphql("{ tradingPartners { code } }", json!({})).await;
    assert_eq!(
        body["data"]["tradingPartners"],
        json!([{ "code": "BRAND" }])
    );
}

/// A channel link grants sight and trade only within its dates: not before `since`, not
/// after `until`, whatever its status says.
#[tokio::test]
async fn a_link_outside_its_dates_grants_nothing() {
    let app = spawn_app().await;
    app.create_org("BRAND", "The Brand", "BRAND").await;
    let dist = app.create_org("DISTRIBUTOR", "Dist", "DIST-1").await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Dealer", "DLR-1")
        .await;
    app.create_product("MOTOR-1", "Motors", "250").await;
    app.create_user(
        "dist@dist.test",
        "distributor password",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&dist)),
    )
    .await;
    app.create_user(
        "dealer@dealer.test",
        "dealer password",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&dealer)),
    )
    .await;
    let dist_user = app
        .token_for("dist@dist.test", "distributor password")
        .await;
    let dealer_user = app.token_for("dealer@dealer.test", "dealer password").await;
    let link = app
        .mutate(
            "channelLinkCreate",
            "channelLink { id version }",
            json!({ "upstreamId": dist, "downstreamId": dealer, "kind": "RESELLS_TO", "since": "2099-01-01" }),
        )
        .await["channelLink"]
        .clone();
    let sees = |token: String| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(
                    &token,
                    "{ intermediateCustomers { totalCount } tradingPartners { code } }",
                    json!({}),
                )
                .await;
            (
                body["data"]["intermediateCustomers"]["totalCount"].clone(),
                body["data"]["tradingPartners"].clone(),
            )
        }
    };
    let order = |po: &str| json!({ "buyerId": dealer, "sellerId": dist, "poNumber": po, "lines": [{ "sku": "MOTOR-1", "quantity": "1" }] });
    let refused = |body: Value| {
        assert_eq!(
            body["data"]["orderSubmit"]["userErrors"][0]["field"],
            json!(["input", "sellerId"]),
            "{body}"
        );
    };
    let submit = "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { id } userErrors { field } } }";

    // Not yet in force.
    assert_eq!(sees(dist_user.clone()).await.0, 0);
    assert_eq!(
        sees(dealer_user.clone()).await.1,
        json!([{ "code": "BRAND" }])
    );
    refused(
        app.graphql(submit, json!({ "input": order("PO-EARLY") }))
            .await,
    );

    // In force.
    let updated = app
        .mutate(
            "channelLinkUpdate",
            "channelLink { version }",
            json!({ "id": link["id"], "version": link["version"], "since": "2025-01-01" }),
        )
        .await;
    assert_eq!(sees(dist_user.clone()).await.0, 1);
    assert_eq!(
        sees(dealer_user.clone()).await.1,
        json!([{ "code": "DIST-1" }, { "code": "BRAND" }])
    );
    let placed = app
        .graphql(submit, json!({ "input": order("PO-IN-FORCE") }))
        .await;
    assert!(
        placed["data"]["orderSubmit"]["order"]["id"].is_string(),
        "{placed}"
    );

    // Over, though still ACTIVE.
    app.mutate(
        "channelLinkUpdate",
        "channelLink { version }",
        json!({ "id": link["id"], "version": updated["channelLink"]["version"], "until": "2025-06-30" }),
    )
    .await;
    assert_eq!(sees(dist_user).await.0, 0);
    assert_eq!(sees(dealer_user).await.1, json!([{ "code": "BRAND" }]));
    refused(
        app.graphql(submit, json!({ "input": order("PO-LATE") }))
            .await,
    );
}
