//! Onboarding: invitations whose token travels once to the brand's mail system and sets the
//! password, applications from companies without an account, and the program's terms that
//! a partner accepts before it trades.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{PARTNER_ADMIN, TestApp, spawn_app, spawn_app_with};
use crate::orders::{mutate_as, submit_as, trade, two_lines};
use crate::webhooks::{Receiver, create_endpoint};

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

const INVITATION: &str = "invitation { id email name roles status version organization { code } }";

async fn invite_as(app: &TestApp, token: &str, input: Value) -> Value {
    mutate_as(
        app,
        token,
        "invitationCreate",
        "InvitationCreateInput",
        INVITATION,
        input,
    )
    .await
}

async fn accept(app: &TestApp, token: &str, password: &str) -> Value {
    let body = app
        .anonymous(
            "mutation($input: InvitationAcceptInput!) { invitationAccept(input: $input) { user { email roles } userErrors { field code message } } }",
            json!({ "input": { "token": token, "password": password } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["invitationAccept"].clone()
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

/// The tokens of the USER_INVITED events a receiver got, by email.
fn tokens(receiver: &Receiver) -> Vec<(String, String)> {
    receiver
        .hits()
        .iter()
        .map(|h| h.json())
        .filter(|b| b["type"] == "USER_INVITED")
        .map(|b| {
            (
                b["data"]["invitation"]["email"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                b["data"]["token"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The token of the latest USER_INVITED event for `email`, as the brand's mail system got it.
pub async fn invitation_token(app: &TestApp, email: &str) -> String {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT payload FROM events WHERE event_type = 'USER_INVITED' ORDER BY id".to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.try_get::<String>("", "payload").unwrap()).unwrap()
        })
        .filter(|p| p["data"]["invitation"]["email"] == email)
        .last()
        .map(|p| p["data"]["token"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no invitation went to {email}"))
}

fn fast(settings: &mut channelgraph::settings::Settings) {
    settings.webhooks.poll = Duration::from_millis(30);
    settings.webhooks.retry_base = Duration::from_millis(200);
}

#[tokio::test]
async fn a_partner_admin_invites_a_colleague_whose_token_reaches_only_the_brands_mail_system() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let (brand_mail, partner_hook) = (Receiver::start(0).await, Receiver::start(0).await);
    create_endpoint(
        &app,
        &app.token,
        json!({ "url": brand_mail.url, "eventTypes": ["USER_INVITED"] }),
    )
    .await;
    // A partner's endpoint may not even ask for the brand's own events.
    let refused = create_endpoint(
        &app,
        &admin,
        json!({ "url": partner_hook.url, "eventTypes": ["USER_INVITED", "ORDER_SUBMITTED"] }),
    )
    .await;
    assert_eq!(
        refused["userErrors"],
        json!([{ "field": ["input", "eventTypes"], "code": "NOT_ALLOWED",
                 "message": "USER_INVITED is the brand's own; a partner's endpoint never receives it" }]),
        "{refused}"
    );
    let partner_endpoint = create_endpoint(
        &app,
        &admin,
        json!({ "url": partner_hook.url, "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    assert_eq!(
        partner_endpoint["userErrors"],
        json!([]),
        "{partner_endpoint}"
    );

    let made = invite_as(
        &app,
        &admin,
        json!({ "email": "Sam@Dist-1.test", "name": "Sam Seller", "roles": ["PARTNER_SALES"], "organizationId": t.distributor }),
    )
    .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    assert_eq!(made["invitation"]["email"], "sam@dist-1.test");
    assert_eq!(made["invitation"]["status"], "PENDING");
    assert_eq!(made["invitation"]["roles"], json!(["PARTNER_SALES"]));
    assert_eq!(made["invitation"]["organization"]["code"], "DIST-1");

    // The token goes to the brand's endpoint, once; the partner's own endpoint hears of the
    // partner's orders but never of the token.
    brand_mail.wait_for(1).await;
    let sent = tokens(&brand_mail);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "sam@dist-1.test");
    let token = sent[0].1.clone();
    assert!(token.starts_with("cgi_"), "{token}");
    submit_as(&app, &t.portal, two_lines("PO-AFTER-INVITE")).await;
    partner_hook.wait_for(1).await;
    assert!(
        partner_hook
            .hits()
            .iter()
            .all(|h| !h.body.contains(&token) && h.json()["type"] != "USER_INVITED"),
        "{:?}",
        partner_hook.hits()
    );

    // Illegal invitations are refused and write nothing.
    for (input, field, code) in [
        (
            json!({ "email": "sam@dist-1.test", "name": "Sam Again", "roles": ["PARTNER_SALES"], "organizationId": t.distributor }),
            "email",
            "DUPLICATE",
        ),
        (
            json!({ "email": "buyer@dist-1.test", "name": "Buyer", "roles": ["PARTNER_SALES"], "organizationId": t.distributor }),
            "email",
            "TAKEN",
        ),
        (
            json!({ "email": "not an email", "name": "X", "roles": ["PARTNER_SALES"], "organizationId": t.distributor }),
            "email",
            "INVALID",
        ),
        (
            json!({ "email": "x@dist-1.test", "name": "X", "roles": [], "organizationId": t.distributor }),
            "roles",
            "REQUIRED",
        ),
    ] {
        let refused = invite_as(&app, &admin, input).await;
        assert_eq!(refused["invitation"], Value::Null, "{refused}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", field]),
            "{refused}"
        );
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    // A partner admin invites only to its own company, and no staff.
    for input in [
        json!({ "email": "x@dlr-1.test", "name": "X", "roles": ["PARTNER_SALES"], "organizationId": t.dealer }),
        json!({ "email": "x@brand.test", "name": "X", "roles": ["ADMIN"] }),
    ] {
        let body = app
            .graphql_as(
                &admin,
                "mutation($input: InvitationCreateInput!) { invitationCreate(input: $input) { invitation { id } } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
    }
    // Nobody else may invite: not a partner's sales user, not the buyer's member.
    let body = app
        .graphql_as(
            &t.portal,
            "mutation($input: InvitationCreateInput!) { invitationCreate(input: $input) { invitation { id } } }",
            json!({ "input": { "email": "y@dist-1.test", "name": "Y", "roles": ["PARTNER_SALES"], "organizationId": t.distributor } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // A weak password is refused and spends nothing; then the token sets the password.
    let weak = accept(&app, &token, "short").await;
    assert_eq!(weak["userErrors"][0]["field"], json!(["input", "password"]));
    let accepted = accept(&app, &token, "a long enough password").await;
    assert_eq!(accepted["userErrors"], json!([]), "{accepted}");
    assert_eq!(
        accepted["user"],
        json!({ "email": "sam@dist-1.test", "roles": ["PARTNER_SALES"] })
    );
    let session = app.login("sam@dist-1.test", "a long enough password").await;
    assert_eq!(
        session["user"]["organization"]["code"], "DIST-1",
        "{session}"
    );
    // Once only.
    let again = accept(&app, &token, "another long password").await;
    assert_eq!(again["userErrors"][0]["code"], "INVALID", "{again}");
    let unknown = accept(&app, "cgi_not-a-token", "another long password").await;
    assert_eq!(unknown["userErrors"][0]["code"], "INVALID", "{unknown}");

    // The partner admin lists its company's invitations; accepted ones say so.
    let body = app
        .graphql_as(
            &admin,
            "{ invitations { totalCount nodes { email status user { email } invitedBy { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["invitations"],
        json!({ "totalCount": 1, "nodes": [{ "email": "sam@dist-1.test", "status": "ACCEPTED",
            "user": { "email": "sam@dist-1.test" }, "invitedBy": { "email": "admin@dist-1.test" } }] }),
        "{body}"
    );
    // The buyer's member (no admin role) sees none.
    let body = app
        .graphql_as(&t.portal, "{ invitations { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["invitations"]["totalCount"], 0, "{body}");
}

#[tokio::test]
async fn a_revoked_or_expired_invitation_sets_no_password() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let revoked = invite_as(
        &app,
        &app.token,
        json!({ "email": "rita@dist-1.test", "name": "Rita", "roles": ["PARTNER_FINANCE"], "organizationId": t.distributor }),
    )
    .await;
    let id = revoked["invitation"]["id"].as_str().unwrap().to_owned();
    let body = mutate_as(
        &app,
        &app.token,
        "invitationRevoke",
        "InvitationRevokeInput",
        "invitation { status }",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    assert_eq!(body["invitation"]["status"], "REVOKED", "{body}");
    let refused = accept(
        &app,
        &invitation_token(&app, "rita@dist-1.test").await,
        "a long enough password",
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "INVALID", "{refused}");
    // Revoked twice: illegal.
    let body = mutate_as(
        &app,
        &app.token,
        "invitationRevoke",
        "InvitationRevokeInput",
        "invitation { status }",
        json!({ "id": id, "version": 2 }),
    )
    .await;
    assert_eq!(
        body["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{body}"
    );

    // Staff invite staff too; this one's time runs out.
    invite_as(
        &app,
        &app.token,
        json!({ "email": "late@brand.test", "name": "Late", "roles": ["SALES"] }),
    )
    .await;
    app.db
        .execute_raw(Statement::from_string(
            app.db.get_database_backend(),
            "UPDATE invitations SET expires_at = created_at WHERE email = 'late@brand.test'"
                .to_owned(),
        ))
        .await
        .unwrap();
    let late = accept(
        &app,
        &invitation_token(&app, "late@brand.test").await,
        "a long enough password",
    )
    .await;
    assert_eq!(late["userErrors"][0]["code"], "EXPIRED", "{late}");
    let body = app
        .graphql(
            "{ expired: invitations(filter: { status: EXPIRED }) { nodes { email } } revoked: invitations(filter: { status: REVOKED }) { nodes { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "expired": { "nodes": [{ "email": "late@brand.test" }] }, "revoked": { "nodes": [{ "email": "rita@dist-1.test" }] } }),
        "{body}"
    );
    assert!(
        app.login("late@brand.test", "a long enough password")
            .await
            .is_null()
    );
}

#[tokio::test]
async fn one_token_accepted_twice_at_once_makes_one_user() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    invite_as(
        &app,
        &app.token,
        json!({ "email": "twice@dist-1.test", "name": "Twice", "roles": ["PARTNER_SALES"], "organizationId": t.distributor }),
    )
    .await;
    let token = invitation_token(&app, "twice@dist-1.test").await;
    let tries = (0..6).map(|i| {
        let (app, token) = (&app, token.clone());
        async move { accept(app, &token, &format!("a long enough password {i}")).await }
    });
    let results = futures_util::future::join_all(tries).await;
    let made = results.iter().filter(|r| r["user"].is_object()).count();
    assert_eq!(made, 1, "{results:?}");
    let body = app
        .graphql("{ users(first: 100) { nodes { email } } }", json!({}))
        .await;
    let same = body["data"]["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == "twice@dist-1.test")
        .count();
    assert_eq!(same, 1, "{body}");
}

const APPLY: &str = "mutation($input: PartnerApplyInput!) { partnerApply(input: $input) { reference userErrors { field code message } } }";

fn application(name: &str, email: &str) -> Value {
    json!({
        "kind": "DEALER",
        "companyName": name,
        "taxId": "DE 811 222 333",
        "website": "https://fahrrad.example",
        "territory": "de-north",
        "productLines": ["Widgets", "Gadgets", "Widgets"],
        "contacts": [
            { "name": "Petra Partner", "email": email, "title": "Owner" },
            { "name": "Ben Buyer", "email": "ben@fahrrad.example" }
        ],
        "addresses": [{ "kind": "HEAD_OFFICE", "line1": "Hafenstraße 5", "postalCode": "24103", "city": "Kiel", "country": "DE" }],
        "message": "We sell 400 bikes a year.\nWe want to carry your widgets."
    })
}

const APPLICATIONS: &str = "{ partnerApplications { totalCount nodes { id kind companyName taxId territory productLines status version
    contacts { name email } addresses { line1 city country } message duplicates { reasons organization { code } } } } }";

#[tokio::test]
async fn a_company_applies_without_an_account_and_staff_approve_it_into_a_partner() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // The directory holds a company of the same name at the same address.
    let twin = app
        .create_org("INTERMEDIATE_CUSTOMER", "Fahrrad Nord GmbH", "DLR-TWIN")
        .await;
    app.mutate(
        "addressCreate",
        "address { id }",
        json!({ "organizationId": twin, "kind": "SHIPPING", "line1": "Hafenstr. 5", "postalCode": "24103", "city": "Kiel", "country": "DE" }),
    )
    .await;

    let sent = app
        .anonymous(
            APPLY,
            json!({ "input": application("Fahrrad Nord", "petra@fahrrad.example") }),
        )
        .await;
    let reference = sent["data"]["partnerApply"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{sent}"))
        .to_owned();
    // The applicant learns nothing of the directory: the answer is the reference alone.
    assert_eq!(sent["data"]["partnerApply"]["userErrors"], json!([]));

    let body = app.graphql(APPLICATIONS, json!({})).await;
    let found = &body["data"]["partnerApplications"];
    assert_eq!(found["totalCount"], 1, "{body}");
    let a = &found["nodes"][0];
    assert_eq!(a["id"], json!(reference));
    assert_eq!(a["kind"], "DEALER");
    assert_eq!(a["status"], "PENDING");
    assert_eq!(a["territory"], "DE-NORTH");
    assert_eq!(a["productLines"], json!(["Widgets", "Gadgets"]));
    assert_eq!(
        a["contacts"],
        json!([{ "name": "Petra Partner", "email": "petra@fahrrad.example" }, { "name": "Ben Buyer", "email": "ben@fahrrad.example" }])
    );
    assert_eq!(
        a["message"],
        "We sell 400 bikes a year.\nWe want to carry your widgets."
    );
    assert_eq!(
        a["duplicates"],
        json!([{ "reasons": ["NAME", "ADDRESS"], "organization": { "code": "DLR-TWIN" } }]),
        "{body}"
    );

    // A partner never sees an application, by list or by id.
    let body = app
        .graphql_as(
            &t.portal,
            "query($id: ID!) { partnerApplications { totalCount } node(id: $id) { id } }",
            json!({ "id": reference }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "partnerApplications": { "totalCount": 0 }, "node": null }),
        "{body}"
    );

    // Approval searches the directory again and waits for the staff's word on the twin.
    let gold = app
        .graphql("{ partnerTiers { nodes { id code } } }", json!({}))
        .await["data"]["partnerTiers"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approve = |accept_duplicates: bool, admin_contact: i64| {
        json!({ "id": reference, "version": 1, "code": "dlr-nord", "tierId": gold,
                "adminContact": admin_contact, "acceptDuplicates": accept_duplicates })
    };
    const DECIDED: &str = "partnerApplication { status organization { code } } organization { code status ... on IntermediateCustomer { contacts { nodes { email } } addresses { nodes { line1 } } partnerTier { code } } } invitation { email roles status }";
    let refused = mutate_as(
        &app,
        &app.token,
        "partnerApplicationApprove",
        "PartnerApplicationApproveInput",
        DECIDED,
        approve(false, 0),
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "DUPLICATE", "{refused}");
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "acceptDuplicates"])
    );
    let refused = mutate_as(
        &app,
        &app.token,
        "partnerApplicationApprove",
        "PartnerApplicationApproveInput",
        DECIDED,
        approve(true, 5),
    )
    .await;
    assert_eq!(
        refused["userErrors"][0]["code"], "OUT_OF_RANGE",
        "{refused}"
    );
    let before = app.organization_count().await;
    // Sales staff do not run the program.
    app.create_user(
        "sales@brand.test",
        "a sales password",
        entity::enums::UserRole::Sales,
        None,
    )
    .await;
    let sales = app.token_for("sales@brand.test", "a sales password").await;
    let body = app
        .graphql_as(
            &sales,
            "mutation($input: PartnerApplicationApproveInput!) { partnerApplicationApprove(input: $input) { partnerApplication { id } } }",
            json!({ "input": approve(true, 0) }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(app.organization_count().await, before);

    let approved = mutate_as(
        &app,
        &app.token,
        "partnerApplicationApprove",
        "PartnerApplicationApproveInput",
        DECIDED,
        approve(true, 0),
    )
    .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    assert_eq!(
        approved["partnerApplication"],
        json!({ "status": "APPROVED", "organization": { "code": "DLR-NORD" } })
    );
    assert_eq!(
        approved["organization"],
        json!({ "code": "DLR-NORD", "status": "ACTIVE",
            "contacts": { "nodes": [{ "email": "ben@fahrrad.example" }, { "email": "petra@fahrrad.example" }] },
            "addresses": { "nodes": [{ "line1": "Hafenstraße 5" }] },
            "partnerTier": { "code": "GOLD" } }),
        "{approved}"
    );
    assert_eq!(
        approved["invitation"],
        json!({ "email": "petra@fahrrad.example", "roles": ["PARTNER_ADMIN"], "status": "PENDING" })
    );
    // Decided once.
    let again = mutate_as(
        &app,
        &app.token,
        "partnerApplicationReject",
        "PartnerApplicationRejectInput",
        "partnerApplication { status }",
        json!({ "id": reference, "version": 2, "reason": "changed our mind" }),
    )
    .await;
    assert_eq!(
        again["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{again}"
    );

    // The invited admin sets a password and sees its company.
    let token = invitation_token(&app, "petra@fahrrad.example").await;
    let accepted = accept(&app, &token, "petra's own password").await;
    assert_eq!(accepted["userErrors"], json!([]), "{accepted}");
    let petra = app
        .token_for("petra@fahrrad.example", "petra's own password")
        .await;
    let body = app
        .graphql_as(&petra, "{ me { roles organization { code } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["me"],
        json!({ "roles": ["PARTNER_ADMIN"], "organization": { "code": "DLR-NORD" } })
    );

    // Another is rejected with a reason.
    let second = app
        .anonymous(
            APPLY,
            json!({ "input": application("Rad und Tat", "info@radtat.example") }),
        )
        .await["data"]["partnerApply"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let rejected = mutate_as(
        &app,
        &app.token,
        "partnerApplicationReject",
        "PartnerApplicationRejectInput",
        "partnerApplication { status reason }",
        json!({ "id": second, "version": 1, "reason": "No territory free in Kiel" }),
    )
    .await;
    assert_eq!(
        rejected["partnerApplication"],
        json!({ "status": "REJECTED", "reason": "No territory free in Kiel" })
    );
    let body = app
        .graphql(
            "{ partnerApplications(filter: { status: PENDING }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["partnerApplications"]["totalCount"], 0);
}

#[tokio::test]
async fn an_application_is_bounded_checked_and_rate_limited_per_address() {
    let app = spawn_app_with(|s| s.crm.partner.applications_per_hour = 7).await;
    let send = |input: Value| {
        let app = &app;
        async move { app.anonymous(APPLY, json!({ "input": input })).await }
    };
    let mut base = application("Velo Süd", "anna@velo.example");
    let cases = [
        ("contacts", json!([]), vec!["input", "contacts"], "REQUIRED"),
        (
            "contacts",
            json!((0..11).map(|i| json!({ "name": format!("P{i}"), "email": format!("p{i}@velo.example") })).collect::<Vec<_>>()),
            vec!["input", "contacts"],
            "TOO_LONG",
        ),
        (
            "contacts",
            json!([{ "name": "Anna", "email": "anna@" }]),
            vec!["input", "contacts", "0", "email"],
            "INVALID",
        ),
        (
            "website",
            json!("javascript:alert(1)"),
            vec!["input", "website"],
            "INVALID",
        ),
        (
            "companyName",
            json!("V".repeat(201)),
            vec!["input", "companyName"],
            "TOO_LONG",
        ),
        (
            "message",
            json!("x".repeat(4001)),
            vec!["input", "message"],
            "TOO_LONG",
        ),
    ];
    for (field, value, path, code) in cases {
        let mut input = base.clone();
        input[field] = value;
        let body = send(input).await;
        let payload = &body["data"]["partnerApply"];
        assert_eq!(payload["reference"], Value::Null, "{body}");
        assert_eq!(payload["userErrors"][0]["field"], json!(path), "{body}");
        assert_eq!(payload["userErrors"][0]["code"], code, "{body}");
    }
    // Nothing was written by the refusals.
    let body = app
        .graphql("{ partnerApplications { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["partnerApplications"]["totalCount"], 0);

    // Seven an hour from one address, the refused ones counted too: one more goes in,
    // the next is turned away.
    base["companyName"] = json!("Velo Nord");
    let body = send(base.clone()).await;
    assert!(
        body["data"]["partnerApply"]["reference"].is_string(),
        "{body}"
    );
    let body = send(base.clone()).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too many applications"),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    let body = app
        .graphql("{ partnerApplications { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["partnerApplications"]["totalCount"], 1);
}

#[tokio::test]
async fn a_partner_trades_only_after_its_admin_accepts_the_current_terms() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    // No terms published: nothing to accept.
    let placed = submit_as(&app, &t.portal, two_lines("PO-BEFORE-TERMS")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");

    const PUBLISH: &str = "programTerms { id number title }";
    let v1 = mutate_as(
        &app,
        &app.token,
        "programTermsPublish",
        "ProgramTermsPublishInput",
        PUBLISH,
        json!({ "title": "Partner terms 2027", "body": "1. Carry nine lines.\n2. Report monthly." }),
    )
    .await;
    assert_eq!(v1["programTerms"]["number"], 1, "{v1}");
    let v1_id = v1["programTerms"]["id"].as_str().unwrap().to_owned();

    // Until the company accepts, its users neither order nor register deals.
    let refused = submit_as(&app, &t.portal, two_lines("PO-UNACCEPTED")).await;
    assert_eq!(refused["order"], Value::Null, "{refused}");
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED");
    assert!(
        refused["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("version 1 of the program's terms"),
        "{refused}"
    );
    let deal = app
        .graphql_as(
            &t.portal,
            "mutation($input: DealRegisterInput!) { dealRegister(input: $input) { dealRegistration { id } userErrors { code message } } }",
            json!({ "input": { "customerName": "Hotel Seeblick", "lines": [{ "sku": "WIDGET-1", "quantity": "1" }], "amount": { "amount": "10", "currency": "EUR" } } }),
        )
        .await;
    assert_eq!(
        deal["data"]["dealRegister"]["userErrors"][0]["code"], "NOT_ALLOWED",
        "{deal}"
    );

    // A member who is no admin may not accept for the company.
    let body = app
        .graphql_as(
            &t.portal,
            "mutation($input: ProgramTermsAcceptInput!) { programTermsAccept(input: $input) { termsAcceptance { id } } }",
            json!({ "input": { "termsId": v1_id } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // The brand publishes version 2 before the admin accepts 1: accepting 1 is stale.
    let v2 = mutate_as(
        &app,
        &app.token,
        "programTermsPublish",
        "ProgramTermsPublishInput",
        PUBLISH,
        json!({ "title": "Partner terms 2027, amended", "body": "1. Carry nine lines.\n2. Report monthly.\n3. Pay by EFT." }),
    )
    .await;
    let v2_id = v2["programTerms"]["id"].as_str().unwrap().to_owned();
    const ACCEPT: &str = "termsAcceptance { terms { number } organization { code } user { email } requestId clientAddress userAgent }";
    let stale = mutate_as(
        &app,
        &admin,
        "programTermsAccept",
        "ProgramTermsAcceptInput",
        ACCEPT,
        json!({ "termsId": v1_id }),
    )
    .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT", "{stale}");
    assert_eq!(stale["userErrors"][0]["field"], json!(["input", "termsId"]));

    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&admin)
        .header("user-agent", "PortalBrowser/1.0")
        .json(&json!({
            "query": format!("mutation($input: ProgramTermsAcceptInput!) {{ programTermsAccept(input: $input) {{ {ACCEPT} userErrors {{ code }} }} }}"),
            "variables": { "input": { "termsId": v2_id } }
        }))
        .send()
        .await
        .unwrap();
    let request_id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let accepted = &body["data"]["programTermsAccept"]["termsAcceptance"];
    assert_eq!(
        accepted,
        &json!({ "terms": { "number": 2 }, "organization": { "code": "DIST-1" },
                 "user": { "email": "admin@dist-1.test" }, "requestId": request_id,
                 "clientAddress": "127.0.0.1", "userAgent": "PortalBrowser/1.0" }),
        "{body}"
    );

    let placed = submit_as(&app, &t.portal, two_lines("PO-ACCEPTED")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");

    // The partner reads the current terms with its acceptance, and only its own
    // acceptances; staff read every one.
    let body = app
        .graphql_as(
            &t.portal,
            "{ programTerms { number acceptance { user { email } } } programTermsVersions { totalCount } termsAcceptances { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "programTerms": { "number": 2, "acceptance": { "user": { "email": "admin@dist-1.test" } } },
                "programTermsVersions": { "totalCount": 2 }, "termsAcceptances": { "totalCount": 1 } }),
        "{body}"
    );
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let other_admin = partner_admin(&app, "admin@dist-2.test", &other).await;
    let body = app
        .graphql_as(
            &other_admin,
            "{ programTerms { acceptance { id } } termsAcceptances { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "programTerms": { "acceptance": null }, "termsAcceptances": { "totalCount": 0 } }),
        "{body}"
    );

    // Only the brand's admins and managers publish.
    app.create_user(
        "sales@brand.test",
        "a sales password",
        entity::enums::UserRole::Sales,
        None,
    )
    .await;
    let sales = app.token_for("sales@brand.test", "a sales password").await;
    let body = app
        .graphql_as(
            &sales,
            "mutation($input: ProgramTermsPublishInput!) { programTermsPublish(input: $input) { programTerms { id } } }",
            json!({ "input": { "title": "Mine", "body": "x" } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // A new version binds again.
    mutate_as(
        &app,
        &app.token,
        "programTermsPublish",
        "ProgramTermsPublishInput",
        PUBLISH,
        json!({ "title": "Partner terms 2028", "body": "New." }),
    )
    .await;
    let refused = submit_as(&app, &t.portal, two_lines("PO-V3")).await;
    assert!(
        refused["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("version 3"),
        "{refused}"
    );
}

#[tokio::test]
async fn an_850_from_a_partner_that_has_not_accepted_the_terms_is_rejected_naming_them() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let edi = crate::edi::token(&app, &t.distributor, "EDI").await;
    mutate_as(
        &app,
        &app.token,
        "programTermsPublish",
        "ProgramTermsPublishInput",
        "programTerms { id }",
        json!({ "title": "Partner terms", "body": "Report monthly." }),
    )
    .await;
    let (status, answer) = crate::edi::post(
        &app,
        &edi,
        &crate::edi::one_850(&crate::edi::Env::new("DIST-1", 1001), 7, "NL-850-T"),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let doc = &answer["interchange"]["documents"][0];
    assert_eq!(doc["status"], "REJECTED", "{answer}");
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("has not accepted version 1 of the program's terms"),
        "{answer}"
    );
    assert_eq!(crate::edi::order_count(&app).await, 0);
}

#[tokio::test]
async fn another_companys_invitation_to_the_same_person_is_neither_told_nor_blocked() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let a = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let b = partner_admin(&app, "admin@dist-2.test", &other).await;
    let pat = |organization: &str| json!({ "email": "pat@example.test", "name": "Pat", "roles": ["PARTNER_SALES"], "organizationId": organization });
    let first = invite_as(&app, &a, pat(&t.distributor)).await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let second = invite_as(&app, &b, pat(&other)).await;
    assert_eq!(second["userErrors"], json!([]), "{second}");
    // The same company twice is still one invitation too many.
    let again = invite_as(&app, &a, pat(&t.distributor)).await;
    assert_eq!(again["userErrors"][0]["code"], "DUPLICATE", "{again}");
}
