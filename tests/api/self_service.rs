//! Self-service in the portal: a partner keeps its own contacts, addresses and company
//! data; the fields that need approval wait as proposals staff decide.

use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const UPDATE: &str =
    "mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) {
    organization { name taxId legalName version }
    proposal { id status version changes { field before after } proposedBy { email } }
    userErrors { field code message } } }";
const DECIDE: &str =
    "changeProposal { status reason version decidedBy { email } decidedAt changes { field after } }
    organization { taxId legalName version }";

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

/// A distributor with an admin and a manager, its dealer, and another distributor.
struct Partners {
    a: String,
    dealer: String,
    b: String,
    admin: String,
    manager: String,
    other: String,
}

async fn partners(app: &TestApp) -> Partners {
    app.create_org("BRAND", "Aurora", "BRAND").await;
    let a = app.create_org("DISTRIBUTOR", "A Vertrieb", "DIST-A").await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "A Laden", "DLR-A")
        .await;
    app.link(&a, &dealer, "RESELLS_TO").await;
    let b = app.create_org("DISTRIBUTOR", "B Vertrieb", "DIST-B").await;
    for (email, role, org) in [
        ("admin@a.test", UserRole::PartnerAdmin, &a),
        ("manager@a.test", UserRole::PartnerManager, &a),
        ("admin@b.test", UserRole::PartnerAdmin, &b),
    ] {
        app.create_user(email, "a partner password", role, Some(uuid_of(org)))
            .await;
    }
    Partners {
        admin: app.token_for("admin@a.test", "a partner password").await,
        manager: app.token_for("manager@a.test", "a partner password").await,
        other: app.token_for("admin@b.test", "a partner password").await,
        a,
        dealer,
        b,
    }
}

async fn mutation(app: &TestApp, token: &str, name: &str, selection: &str, input: Value) -> Value {
    let input_type = if name.ends_with("Archive") {
        "ArchiveInput".to_owned()
    } else {
        format!("{}{}Input", name[..1].to_uppercase(), &name[1..])
    };
    app.graphql_as(
        token,
        &format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

#[tokio::test]
async fn a_partner_admin_keeps_its_own_contacts_and_addresses() {
    let app = spawn_app().await;
    let p = partners(&app).await;
    let made = mutation(
        &app,
        &p.admin,
        "contactCreate",
        "contact { id name version }",
        json!({ "organizationId": p.a, "name": "Ada Buyer", "email": "ada@a.test" }),
    )
    .await;
    assert_eq!(
        made["data"]["contactCreate"]["userErrors"],
        json!([]),
        "{made}"
    );
    let contact = made["data"]["contactCreate"]["contact"]["id"].clone();
    let changed = mutation(
        &app,
        &p.admin,
        "contactUpdate",
        "contact { title version }",
        json!({ "id": contact, "version": 1, "title": "Head of purchasing" }),
    )
    .await;
    assert_eq!(
        changed["data"]["contactUpdate"]["contact"],
        json!({ "title": "Head of purchasing", "version": 2 })
    );
    let address = mutation(
        &app,
        &p.admin,
        "addressCreate",
        "address { id }",
        json!({ "organizationId": p.a, "kind": "SHIPPING", "line1": "Dock 4", "city": "Kiel", "country": "DE" }),
    )
    .await;
    let address = address["data"]["addressCreate"]["address"]["id"].clone();
    let changed = mutation(
        &app,
        &p.admin,
        "addressUpdate",
        "address { line2 }",
        json!({ "id": address, "version": 1, "line2": "Gate 2" }),
    )
    .await;
    assert_eq!(
        changed["data"]["addressUpdate"]["address"]["line2"],
        "Gate 2"
    );
    for (name, id) in [("contactArchive", &contact), ("addressArchive", &address)] {
        let archived = mutation(&app, &p.admin, name, "", json!({ "id": id, "version": 2 })).await;
        assert!(archived.get("errors").is_none(), "{name}: {archived}");
        assert_eq!(
            archived["data"][name]["userErrors"],
            json!([]),
            "{name}: {archived}"
        );
    }

    // Its dealer's records are the dealer's; another partner's do not exist for it; its
    // manager keeps none.
    let body = mutation(
        &app,
        &p.admin,
        "contactCreate",
        "contact { id }",
        json!({ "organizationId": p.dealer, "name": "Not yours" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"],
        "a partner maintains only its own organization's records"
    );
    let body = mutation(
        &app,
        &p.admin,
        "addressCreate",
        "address { id }",
        json!({ "organizationId": p.b, "kind": "BILLING", "line1": "X", "city": "Y", "country": "DE" }),
    )
    .await;
    assert_eq!(
        body["data"]["addressCreate"]["userErrors"][0]["code"], "NOT_FOUND",
        "{body}"
    );
    let body = mutation(
        &app,
        &p.manager,
        "contactCreate",
        "contact { id }",
        json!({ "organizationId": p.a, "name": "Not a manager's" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"],
        "this needs one of the roles PARTNER_ADMIN"
    );
    let contacts = app
        .graphql(
            "{ organization(code: \"DIST-A\") { contacts(includeArchived: true) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        contacts["data"]["organization"]["contacts"]["totalCount"], 1,
        "{contacts}"
    );
}

#[tokio::test]
async fn orgs_write_on_a_token_grants_exactly_its_own_records() {
    let app = spawn_app().await;
    let p = partners(&app).await;
    let writer = app.api_token(&p.a, &["ORGS_READ", "ORGS_WRITE"]).await;
    let reader = app.api_token(&p.a, &["ORGS_READ"]).await;
    let body = mutation(
        &app,
        &writer,
        "contactCreate",
        "contact { name }",
        json!({ "organizationId": p.a, "name": "From the ERP" }),
    )
    .await;
    assert_eq!(
        body["data"]["contactCreate"]["contact"]["name"], "From the ERP",
        "{body}"
    );
    let body = mutation(
        &app,
        &reader,
        "contactCreate",
        "contact { name }",
        json!({ "organizationId": p.a, "name": "Refused" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"],
        "this API token lacks the orgs:write scope"
    );
    // Nothing beyond its own records: no new organizations, no channel links.
    let body = mutation(
        &app,
        &writer,
        "organizationCreate",
        "organization { id }",
        json!({ "kind": "INTERMEDIATE_CUSTOMER", "name": "Self-made", "code": "SELF-1" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = mutation(
        &app,
        &writer,
        "channelLinkCreate",
        "channelLink { id }",
        json!({ "upstreamId": p.a, "downstreamId": p.b, "kind": "RESELLS_TO", "since": "2026-01-01" }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
}

#[tokio::test]
async fn a_partner_renames_itself_at_once_and_its_tax_id_waits_for_approval() {
    let app = spawn_app().await;
    let p = partners(&app).await;
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 1, "name": "A Vertrieb GmbH", "taxId": "DE123456789" } }),
        )
        .await;
    let payload = &body["data"]["organizationUpdate"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(
        payload["organization"],
        json!({ "name": "A Vertrieb GmbH", "taxId": null, "legalName": null, "version": 2 })
    );
    assert_eq!(payload["proposal"]["status"], "PENDING");
    assert_eq!(
        payload["proposal"]["changes"],
        json!([{ "field": "taxId", "before": null, "after": "DE123456789" }])
    );
    assert_eq!(payload["proposal"]["proposedBy"]["email"], "admin@a.test");
    let first = payload["proposal"]["id"].clone();

    // A field that waits is not asked twice; another partner sees nothing of it.
    let again = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 2, "taxId": "DE999" } }),
        )
        .await;
    assert_eq!(
        again["data"]["organizationUpdate"]["userErrors"],
        json!([{ "field": ["input", "taxId"], "code": "CONFLICT", "message": "a change of taxId already waits for the brand's approval" }])
    );
    let theirs = app
        .graphql_as(
            &p.other,
            "query($id: ID!) { node(id: $id) { id } changeProposals { totalCount } }",
            json!({ "id": first }),
        )
        .await;
    assert_eq!(
        theirs["data"],
        json!({ "node": null, "changeProposals": { "totalCount": 0 } })
    );
    let own = app
        .graphql_as(
            &p.admin,
            "{ changeProposals(filter: { status: PENDING }) { totalCount nodes { organization { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["data"]["changeProposals"],
        json!({ "totalCount": 1, "nodes": [{ "organization": { "code": "DIST-A" } }] })
    );

    // A partner does not decide; staff do.
    let body = mutation(
        &app,
        &p.admin,
        "changeProposalApprove",
        DECIDE,
        json!({ "id": first, "version": 1 }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let approved = app
        .mutate(
            "changeProposalApprove",
            DECIDE,
            json!({ "id": first, "version": 1 }),
        )
        .await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    assert_eq!(approved["changeProposal"]["status"], "APPROVED");
    assert_eq!(
        approved["changeProposal"]["decidedBy"]["email"],
        "admin@channelgraph.test"
    );
    assert_eq!(
        approved["organization"],
        json!({ "taxId": "DE123456789", "legalName": null, "version": 3 })
    );
    let twice = app
        .mutate(
            "changeProposalApprove",
            DECIDE,
            json!({ "id": first, "version": 2 }),
        )
        .await;
    assert_eq!(
        twice["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{twice}"
    );

    // A rejected proposal changes nothing and tells the partner why.
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 3, "legalName": "A Vertrieb Holding GmbH" } }),
        )
        .await;
    let second = body["data"]["organizationUpdate"]["proposal"]["id"].clone();
    let blank = app
        .mutate(
            "changeProposalReject",
            DECIDE,
            json!({ "id": second, "version": 1, "reason": "  " }),
        )
        .await;
    assert_eq!(
        blank["userErrors"][0]["field"],
        json!(["input", "reason"]),
        "{blank}"
    );
    assert_eq!(
        body["data"]["organizationUpdate"]["organization"]["version"], 3,
        "only a proposal: the organization is as it was"
    );
    let rejected = app
        .mutate(
            "changeProposalReject",
            DECIDE,
            json!({ "id": second, "version": 1, "reason": "Send the register extract first" }),
        )
        .await;
    assert_eq!(rejected["changeProposal"]["status"], "REJECTED");
    assert_eq!(
        rejected["changeProposal"]["reason"],
        "Send the register extract first"
    );
    assert_eq!(rejected["organization"]["legalName"], Value::Null);
    let history = app
        .graphql_as(
            &p.admin,
            "{ changeProposals { nodes { status changes { field } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        history["data"]["changeProposals"]["nodes"],
        json!([
            { "status": "REJECTED", "changes": [{ "field": "legalName" }] },
            { "status": "APPROVED", "changes": [{ "field": "taxId" }] }
        ])
    );
    let trail = app
        .graphql(
            "{ auditEvents(first: 100) { nodes { action } } }",
            json!({}),
        )
        .await;
    let mut actions: Vec<String> = trail["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{trail}"))
        .iter()
        .map(|n| n["action"].as_str().unwrap().to_owned())
        .filter(|a| a.starts_with("change_proposal."))
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "change_proposal.approve",
            "change_proposal.reject",
            "change_proposal.submit",
            "change_proposal.submit"
        ]
    );
}

#[tokio::test]
async fn the_brands_fields_are_refused_to_a_partner_and_nothing_is_written() {
    let app = spawn_app().await;
    let p = partners(&app).await;
    for (field, value) in [
        ("territory", json!("NORTH")),
        ("code", json!("DIST-Z")),
        ("status", json!("ON_HOLD")),
        ("keyAccount", json!(true)),
    ] {
        let mut input = json!({ "id": p.a, "version": 1, "name": "Renamed" });
        input[field] = value;
        let body = app
            .graphql_as(&p.admin, UPDATE, json!({ "input": input }))
            .await;
        let payload = &body["data"]["organizationUpdate"];
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{body}"
        );
        assert_eq!(payload["userErrors"][0]["code"], "NOT_ALLOWED");
        assert_eq!(payload["organization"], Value::Null);
    }
    let body = app
        .graphql(
            "{ organization(code: \"DIST-A\") { name version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["organization"],
        json!({ "name": "A Vertrieb", "version": 1 })
    );
    // The dealer it sees is not its own to change.
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.dealer, "version": 1, "name": "Mine now" } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "a partner maintains only its own organization's records"
    );
}

#[tokio::test]
async fn an_approval_is_refused_when_the_field_moved_on_since_it_was_proposed() {
    let app = spawn_app().await;
    let p = partners(&app).await;
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 1, "taxId": "DE111" } }),
        )
        .await;
    let proposal = body["data"]["organizationUpdate"]["proposal"]["id"].clone();
    app.mutate(
        "organizationUpdate",
        "organization { taxId }",
        json!({ "id": p.a, "version": 1, "taxId": "DE222" }),
    )
    .await;
    let refused = app
        .mutate(
            "changeProposalApprove",
            DECIDE,
            json!({ "id": proposal, "version": 1 }),
        )
        .await;
    assert_eq!(
        refused["userErrors"],
        json!([{ "field": ["input", "id"], "code": "CONFLICT",
                 "message": "the organization's taxId changed since it was proposed; reject the proposal and let the partner ask again" }])
    );
    let body = app
        .graphql("{ organization(code: \"DIST-A\") { taxId } }", json!({}))
        .await;
    assert_eq!(body["data"]["organization"]["taxId"], "DE222");
}

#[tokio::test]
async fn which_fields_partners_change_and_which_wait_are_settings() {
    let app = spawn_app_with(|s| {
        s.crm.partner.self_service = vec![channelgraph::settings::PartnerField::Name];
        s.crm.partner.needs_approval = vec![channelgraph::settings::PartnerField::Name];
    })
    .await;
    let p = partners(&app).await;
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 1, "taxId": "DE1" } }),
        )
        .await;
    assert_eq!(
        body["data"]["organizationUpdate"]["userErrors"],
        json!([{ "field": ["input", "taxId"], "code": "NOT_ALLOWED",
                 "message": "taxId is not a field partners change themselves; ask your channel manager" }])
    );
    let body = app
        .graphql_as(
            &p.admin,
            UPDATE,
            json!({ "input": { "id": p.a, "version": 1, "name": "A Neu" } }),
        )
        .await;
    let payload = &body["data"]["organizationUpdate"];
    assert_eq!(payload["organization"]["name"], "A Vertrieb", "{body}");
    assert_eq!(
        payload["proposal"]["changes"],
        json!([{ "field": "name", "before": "A Vertrieb", "after": "A Neu" }])
    );
}
