//! What a partner hears of the program: decisions on its deals, its dealers and the changes
//! it proposed, and lead offers it let run out, on its webhooks and subscriptions; another
//! partner hears none of it.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{PARTNER_ADMIN, TestApp, spawn_app_with};
use crate::orders::{mutate_as, trade};
use crate::subscriptions::{Said, Socket};
use crate::webhooks::{Receiver, create_endpoint};

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

const TYPES: [&str; 7] = [
    "DEAL_APPROVED",
    "DEAL_REJECTED",
    "DEALER_APPROVED",
    "DEALER_REJECTED",
    "CHANGE_PROPOSAL_APPROVED",
    "CHANGE_PROPOSAL_REJECTED",
    "LEAD_OFFER_LAPSED",
];

async fn admin(app: &TestApp, email: &str, organization: &str) -> String {
    app.create_user(
        email,
        "partner admin password",
        PARTNER_ADMIN,
        Some(uuid_of(organization)),
    )
    .await;
    app.token_for(email, "partner admin password").await
}

fn heard(receiver: &Receiver) -> Vec<Value> {
    receiver.hits().iter().map(|h| h.json()).collect()
}

#[tokio::test]
async fn a_partner_hears_the_brands_decisions_and_its_lapsed_offers_and_no_one_elses() {
    let app = spawn_app_with(|s| {
        s.webhooks.poll = Duration::from_millis(30);
        s.crm.lead_acceptance_hours = 0;
        s.program_interval = Duration::from_millis(100);
    })
    .await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let (mine, theirs) = (Receiver::start(0).await, Receiver::start(0).await);
    let a_admin = admin(&app, "admin@dist-1.test", &t.distributor).await;
    let b_admin = admin(&app, "admin@dist-2.test", &other).await;
    for (token, receiver) in [(&a_admin, &mine), (&b_admin, &theirs)] {
        let made = create_endpoint(
            &app,
            token,
            json!({ "url": receiver.url, "eventTypes": TYPES }),
        )
        .await;
        assert_eq!(made["userErrors"], json!([]), "{made}");
    }
    // B's manager listens on the subscriptions too.
    let mut b_socket = Socket::signed_in(&app.address, &b_admin).await;
    b_socket
        .subscribe(
            "program",
            "subscription { programEvents { __typename type data } }",
            json!({}),
        )
        .await;
    // A listens to the decisions (its tier's assignment in `trade` is an event too).
    let mut a_socket = Socket::signed_in(&app.address, &a_admin).await;
    a_socket
        .subscribe(
            "program",
            "subscription { programEvents(types: [DEALER_APPROVED, DEALER_REJECTED, CHANGE_PROPOSAL_APPROVED, CHANGE_PROPOSAL_REJECTED]) { __typename type data } }",
            json!({}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Two deals: one approved, one rejected.
    let mut deals = Vec::new();
    for name in ["Hotel Sonne", "Hotel Mond"] {
        let body = app
            .graphql_as(
                &t.portal,
                "mutation($input: DealRegisterInput!) { dealRegister(input: $input) { dealRegistration { id } userErrors { message } } }",
                json!({ "input": { "customerName": name, "lines": [{ "sku": "WIDGET-1", "quantity": "10" }], "amount": { "amount": "5000", "currency": "EUR" } } }),
            )
            .await;
        deals.push(
            body["data"]["dealRegister"]["dealRegistration"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
        );
    }
    let approved = mutate_as(
        &app,
        &app.token,
        "dealApprove",
        "DealApproveInput",
        "dealRegistration { id }",
        json!({ "id": deals[0], "version": 1, "customerCode": "HOTEL-SONNE" }),
    )
    .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    mutate_as(
        &app,
        &app.token,
        "dealReject",
        "DealRejectInput",
        "dealRegistration { id }",
        json!({ "id": deals[1], "version": 1, "reason": "Hotel Mond buys direct" }),
    )
    .await;

    // A dealer A registered, approved; a tax id A proposed, rejected.
    let registered = mutate_as(
        &app,
        &a_admin,
        "dealerRegister",
        "DealerRegisterInput",
        "organization { id }",
        json!({ "name": "Kieler Laden", "code": "DLR-KIEL" }),
    )
    .await;
    let dealer = registered["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    mutate_as(
        &app,
        &app.token,
        "dealerApprove",
        "DealerApproveInput",
        "organization { id }",
        json!({ "id": dealer, "version": 1 }),
    )
    .await;
    let version = app.version_of(&t.distributor).await;
    let proposed = mutate_as(
        &app,
        &a_admin,
        "organizationUpdate",
        "OrganizationUpdateInput",
        "proposal { id }",
        json!({ "id": t.distributor, "version": version, "taxId": "DE999" }),
    )
    .await;
    let proposal = proposed["proposal"]["id"].as_str().unwrap().to_owned();
    mutate_as(
        &app,
        &app.token,
        "changeProposalReject",
        "ChangeProposalRejectInput",
        "changeProposal { id }",
        json!({ "id": proposal, "version": 1, "reason": "Send the certificate" }),
    )
    .await;

    // A lead offered to A that nobody answers: the pass returns it to the pool.
    app.mutate(
        "leadRouteSet",
        "leadRoute { territory }",
        json!({ "territory": "SOUTH", "partnerId": t.distributor }),
    )
    .await;
    let lead = app
        .mutate(
            "leadCreate",
            "lead { id number }",
            json!({ "personName": "Sven", "source": "WEBSITE", "capturedAt": chrono::Utc::now().to_rfc3339(), "territory": "SOUTH" }),
        )
        .await;
    let lead_id = lead["lead"]["id"].as_str().unwrap().to_owned();

    let hits = mine.wait_for(5).await;
    let mut types: Vec<String> = hits
        .iter()
        .map(|h| h.json()["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "CHANGE_PROPOSAL_REJECTED",
            "DEALER_APPROVED",
            "DEAL_APPROVED",
            "DEAL_REJECTED",
            "LEAD_OFFER_LAPSED",
        ],
        "{types:?}"
    );
    let by_type = |ty: &str| {
        heard(&mine)
            .into_iter()
            .find(|b| b["type"] == ty)
            .unwrap_or_else(|| panic!("no {ty}"))
    };
    let rejected = by_type("DEAL_REJECTED");
    assert_eq!(
        rejected["data"]["dealRegistration"]["reason"],
        "Hotel Mond buys direct"
    );
    let approved = by_type("DEAL_APPROVED");
    assert!(approved["data"]["dealRegistration"]["customerId"].is_string());
    assert_eq!(
        by_type("DEALER_APPROVED")["data"]["organization"]["code"],
        "DLR-KIEL"
    );
    assert_eq!(
        by_type("CHANGE_PROPOSAL_REJECTED")["data"]["changeProposal"]["reason"],
        "Send the certificate"
    );
    let lapsed = by_type("LEAD_OFFER_LAPSED");
    assert_eq!(lapsed["data"]["lead"]["id"], json!(lead_id));
    assert_eq!(lapsed["data"]["lead"]["status"], "NEW");
    assert_eq!(
        lapsed["data"]["lead"]["lapsedPartnerId"],
        json!(t.distributor)
    );
    // The lead is back in the pool, as stored.
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Lead { status partner { code } version } } }",
            json!({ "id": lead_id }),
        )
        .await;
    assert_eq!(body["data"]["node"]["status"], "NEW", "{body}");
    assert_eq!(body["data"]["node"]["partner"], Value::Null);

    // A's manager heard the program's decisions live; B nothing, on either path.
    let mut live = Vec::new();
    while live.len() < 2 {
        match a_socket.within(Duration::from_secs(10)).await {
            Some(Said::Json(m)) if m["type"] == "next" => {
                live.push(m["payload"]["data"]["programEvents"]["type"].clone())
            }
            other => panic!("A heard {live:?} and then {other:?}"),
        }
    }
    live.sort_by_key(|v| v.to_string());
    assert_eq!(
        live,
        vec![json!("CHANGE_PROPOSAL_REJECTED"), json!("DEALER_APPROVED")]
    );
    match b_socket.within(Duration::from_millis(1000)).await {
        None => {}
        Some(said) => panic!("B heard of A's program: {said:?}"),
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(heard(&theirs), Vec::<Value>::new());
}

#[tokio::test]
async fn program_events_go_to_a_companys_admins_and_managers_only() {
    let app = spawn_app_with(|_| {}).await;
    let t = trade(&app).await;
    app.create_user(
        "sales@dist-1.test",
        "a sales password",
        &[entity::enums::UserRole::PartnerSales][..],
        Some(uuid_of(&t.distributor)),
    )
    .await;
    let sales = app.token_for("sales@dist-1.test", "a sales password").await;
    let mut socket = Socket::signed_in(&app.address, &sales).await;
    socket
        .subscribe(
            "program",
            "subscription { programEvents { type } }",
            json!({}),
        )
        .await;
    let said = socket.error("program").await;
    assert!(
        said.to_string().contains("PARTNER_ADMIN"),
        "a sales user is refused, naming the roles that hear: {said}"
    );
}
