//! Bad input gets a clear error naming the field, and changes nothing.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn user_error(payload: &Value) -> (&Value, &str) {
    let errors = payload["userErrors"].as_array().expect("userErrors");
    assert_eq!(errors.len(), 1, "{payload}");
    (&errors[0]["field"], errors[0]["code"].as_str().unwrap())
}

async fn create_refused(app: &TestApp, input: Value) -> (Value, String) {
    let before = app.organization_count().await;
    let payload = app
        .mutate("organizationCreate", "organization { id }", input)
        .await;
    assert_eq!(payload["organization"], Value::Null, "{payload}");
    let (field, code) = user_error(&payload);
    assert_eq!(app.organization_count().await, before, "nothing is written");
    (field.clone(), code.to_owned())
}

#[tokio::test]
async fn a_duplicate_partner_code_is_taken() {
    let app = spawn_app().await;
    app.create_org("DISTRIBUTOR", "First", "DIST-1").await;
    let (field, code) = create_refused(
        &app,
        json!({ "kind": "DISTRIBUTOR", "name": "Second", "code": "dist-1" }),
    )
    .await;
    assert_eq!(field, json!(["input", "code"]));
    assert_eq!(code, "TAKEN");
}

#[tokio::test]
async fn names_must_be_present_and_at_most_200_characters() {
    let app = spawn_app().await;
    let (field, code) = create_refused(
        &app,
        json!({ "kind": "SUPPLIER", "name": "   ", "code": "SUP-1" }),
    )
    .await;
    assert_eq!(
        (field, code.as_str()),
        (json!(["input", "name"]), "REQUIRED")
    );
    let long = "名".repeat(201);
    let (field, code) = create_refused(
        &app,
        json!({ "kind": "SUPPLIER", "name": long, "code": "SUP-1" }),
    )
    .await;
    assert_eq!(
        (field, code.as_str()),
        (json!(["input", "name"]), "TOO_LONG")
    );
}

#[tokio::test]
async fn an_invalid_email_is_refused() {
    let app = spawn_app().await;
    let org = app.create_org("SUPPLIER", "Mail Test", "SUP-1").await;
    let payload = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": org, "name": "Ana", "email": "ana-at-example" }),
        )
        .await;
    let (field, code) = user_error(&payload);
    assert_eq!(field, &json!(["input", "email"]));
    assert_eq!(code, "INVALID");
    assert_eq!(
        payload["userErrors"][0]["message"],
        "`ana-at-example` is not a valid email address"
    );
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Supplier { contacts { totalCount } } } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(body["data"]["node"]["contacts"]["totalCount"], 0);
}

#[tokio::test]
async fn unknown_malformed_and_wrongly_typed_ids_are_named() {
    let app = spawn_app().await;
    let org = app.create_org("SUPPLIER", "Id Test", "SUP-1").await;
    let contact = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": org, "name": "Ana" }),
        )
        .await["contact"]["id"]
        .clone();
    let unknown = channelgraph::ids::GlobalId::encode(
        channelgraph::ids::NodeType::Organization,
        uuid::Uuid::now_v7(),
    );
    for (parent, expected) in [
        (json!(unknown), "NOT_FOUND"),
        (json!("not-an-id"), "INVALID"),
        (contact.clone(), "WRONG_TYPE"),
    ] {
        let payload = app
            .mutate(
                "addressCreate",
                "address { id }",
                json!({ "organizationId": parent, "kind": "BILLING", "line1": "x", "city": "y", "country": "DE" }),
            )
            .await;
        let (field, code) = user_error(&payload);
        assert_eq!(field, &json!(["input", "organizationId"]), "{payload}");
        assert_eq!(code, expected, "{payload}");
    }
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Supplier { addresses { totalCount } } } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(body["data"]["node"]["addresses"]["totalCount"], 0);

    // Queries: a malformed id is a BAD_USER_INPUT error naming the argument; an unknown one is null.
    let body = app
        .graphql("{ node(id: \"garbage\") { id } }", json!({}))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(body["data"]["node"], Value::Null);
    assert!(body.get("errors").is_none());
}

#[tokio::test]
async fn a_channel_link_to_itself_is_refused() {
    let app = spawn_app().await;
    let dist = app.create_org("DISTRIBUTOR", "Loop", "DIST-1").await;
    let payload = app
        .mutate(
            "channelLinkCreate",
            "channelLink { id }",
            json!({ "upstreamId": dist, "downstreamId": dist, "kind": "DISTRIBUTES_TO", "since": "2025-01-01" }),
        )
        .await;
    let (field, code) = user_error(&payload);
    assert_eq!(field, &json!(["input", "downstreamId"]));
    assert_eq!(code, "SELF_LINK");
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { downstreamLinks { totalCount } } } }",
            json!({ "id": dist }),
        )
        .await;
    assert_eq!(body["data"]["node"]["downstreamLinks"]["totalCount"], 0);
}

#[tokio::test]
async fn a_link_the_kinds_do_not_allow_is_refused() {
    let app = spawn_app().await;
    let supplier = app.create_org("SUPPLIER", "Parts", "SUP-1").await;
    let customer = app.create_org("END_CUSTOMER", "Home", "CUST-1").await;
    let payload = app
        .mutate(
            "channelLinkCreate",
            "channelLink { id }",
            json!({ "upstreamId": supplier, "downstreamId": customer, "kind": "RESELLS_TO", "since": "2025-01-01" }),
        )
        .await;
    let (field, code) = user_error(&payload);
    assert_eq!((field, code), (&json!(["input", "kind"]), "NOT_ALLOWED"));
}

#[tokio::test]
async fn a_cycle_in_the_parent_chain_is_refused() {
    let app = spawn_app().await;
    let group = app.create_org("DISTRIBUTOR", "Group", "DIST-G").await;
    let sub = app
        .mutate(
            "organizationCreate",
            "organization { id }",
            json!({ "kind": "DISTRIBUTOR", "name": "Sub", "code": "DIST-S", "parentId": group }),
        )
        .await["organization"]["id"]
        .clone();
    let payload = app
        .mutate(
            "organizationUpdate",
            "organization { id }",
            json!({ "id": group, "version": 1, "parentId": sub }),
        )
        .await;
    let (field, code) = user_error(&payload);
    assert_eq!((field, code), (&json!(["input", "parentId"]), "CYCLE"));
    let payload = app
        .mutate(
            "organizationUpdate",
            "organization { id }",
            json!({ "id": group, "version": 1, "parentId": group }),
        )
        .await;
    assert_eq!(user_error(&payload).1, "CYCLE");
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { parent { id } version } } }",
            json!({ "id": group }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "parent": null, "version": 1 })
    );
}

#[tokio::test]
async fn page_sizes_over_100_or_negative_are_refused() {
    let app = spawn_app().await;
    for (args, field, message) in [
        (
            "first: 101",
            "first",
            "first must be at most 100; it was 101",
        ),
        (
            "first: -1",
            "first",
            "first must not be negative; it was -1",
        ),
        ("last: 500", "last", "last must be at most 100; it was 500"),
    ] {
        let body = app
            .graphql(
                &format!("{{ organizations({args}) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(error["extensions"]["field"], field);
        assert_eq!(error["message"], message);
    }
    let body = app
        .graphql(
            "{ organizations { edges { node { contacts(first: 101) { totalCount } } } } }",
            json!({}),
        )
        .await;
    assert!(
        body.get("errors").is_none(),
        "no organizations, so no nested list to refuse"
    );
    app.create_org("SUPPLIER", "One", "SUP-1").await;
    let body = app
        .graphql(
            "{ organizations { edges { node { contacts(first: 101) { totalCount } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "first", "{body}");
}

#[tokio::test]
async fn a_cursor_from_another_order_is_refused() {
    let app = spawn_app().await;
    app.create_org("SUPPLIER", "One", "SUP-1").await;
    let body = app
        .graphql(
            "{ organizations(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = body["data"]["organizations"]["pageInfo"]["endCursor"].clone();
    let body = app
        .graphql(
            "query($c: String) { organizations(after: $c, orderBy: { field: UPDATED_AT }) { totalCount } }",
            json!({ "c": cursor }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
    assert_eq!(
        body["errors"][0]["message"],
        "after was made for another order of this list"
    );
}

#[tokio::test]
async fn wrong_types_in_variables_are_refused_before_anything_runs() {
    let app = spawn_app().await;
    let body = app
        .graphql(
            "mutation($input: OrganizationCreateInput!) { organizationCreate(input: $input) { organization { id } } }",
            json!({ "input": { "kind": "WIZARD", "name": "X", "code": "X-1" } }),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("WIZARD"),
        "{body}"
    );
    assert_eq!(app.organization_count().await, 0);
}

#[tokio::test]
async fn more_than_100_ids_for_nodes_are_refused() {
    let app = spawn_app().await;
    let ids: Vec<String> = (0..101)
        .map(|_| {
            channelgraph::ids::GlobalId::encode(
                channelgraph::ids::NodeType::Contact,
                uuid::Uuid::now_v7(),
            )
        })
        .collect();
    let body = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "ids");
    assert_eq!(
        body["errors"][0]["message"],
        "ids holds 101 ids; at most 100 are allowed"
    );
}

#[tokio::test]
async fn bad_api_token_and_user_inputs_are_named_and_write_nothing() {
    let app = spawn_app().await;
    let org = app.create_org("DISTRIBUTOR", "Tokens", "DIST-1").await;
    let create = "mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) { secret userErrors { field code } } }";
    for (input, field, code) in [
        (
            json!({ "organizationId": org, "name": "ERP", "scopes": [] }),
            "scopes",
            "REQUIRED",
        ),
        (
            json!({ "organizationId": org, "name": "  ", "scopes": ["ORGS_READ"] }),
            "name",
            "REQUIRED",
        ),
        (
            json!({ "organizationId": "nonsense", "name": "ERP", "scopes": ["ORGS_READ"] }),
            "organizationId",
            "INVALID",
        ),
    ] {
        let body = app.graphql(create, json!({ "input": input })).await;
        let payload = &body["data"]["apiTokenCreate"];
        assert_eq!(payload["secret"], Value::Null, "{body}");
        assert_eq!(
            payload["userErrors"],
            json!([{ "field": ["input", field], "code": code }]),
            "{body}"
        );
    }
    let listed = app.graphql("{ apiTokens { totalCount } }", json!({})).await;
    assert_eq!(listed["data"]["apiTokens"]["totalCount"], 0);

    let user = app
        .create_user(
            "sales@channelgraph.test",
            "a sales password",
            entity::enums::UserRole::Sales,
            None,
        )
        .await;
    let user_id = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, user);
    let deactivate = "mutation($input: UserDeactivateInput!) { userDeactivate(input: $input) { user { id } userErrors { field code } } }";
    for (input, field, code) in [
        (
            json!({ "id": user_id, "version": 5 }),
            "version",
            "CONFLICT",
        ),
        (json!({ "id": "nonsense", "version": 1 }), "id", "INVALID"),
        (json!({ "id": org, "version": 1 }), "id", "WRONG_TYPE"),
    ] {
        let body = app.graphql(deactivate, json!({ "input": input })).await;
        assert_eq!(
            body["data"]["userDeactivate"]["userErrors"],
            json!([{ "field": ["input", field], "code": code }]),
            "{body}"
        );
    }
    let still = app
        .token_for("sales@channelgraph.test", "a sales password")
        .await;
    assert!(!still.is_empty(), "the user is still active");
}

#[tokio::test]
async fn bad_id_arguments_of_lists_name_the_argument() {
    let app = spawn_app().await;
    for (query, field) in [
        (
            "{ users(organizationId: \"nonsense\") { totalCount } }",
            "organizationId",
        ),
        (
            "{ apiTokens(organizationId: \"nonsense\") { totalCount } }",
            "organizationId",
        ),
        (
            "{ auditEvents(filter: { objectId: \"nonsense\" }) { totalCount } }",
            "filter.objectId",
        ),
        (
            "{ organizations(filter: { accountOwnerId: \"nonsense\" }) { totalCount } }",
            "filter.accountOwnerId",
        ),
    ] {
        let body = app.graphql(query, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn an_unknown_account_owner_is_not_found_and_nothing_is_written() {
    let app = spawn_app().await;
    let unknown = channelgraph::ids::GlobalId::encode(
        channelgraph::ids::NodeType::User,
        uuid::Uuid::now_v7(),
    );
    let (field, code) = create_refused(
        &app,
        json!({ "kind": "DISTRIBUTOR", "name": "Owned", "code": "DIST-1", "accountOwnerId": unknown }),
    )
    .await;
    assert_eq!(
        (field, code.as_str()),
        (json!(["input", "accountOwnerId"]), "NOT_FOUND")
    );
}

/// An id of the right type that names nothing.
fn unknown(ty: channelgraph::ids::NodeType) -> String {
    channelgraph::ids::GlobalId::encode(ty, uuid::Uuid::now_v7())
}

#[tokio::test]
async fn relationship_and_growth_mutations_refuse_unknown_ids_naming_the_field() {
    use channelgraph::ids::NodeType as T;
    let app = crate::helpers::spawn_app().await;
    let org = app.create_org("END_CUSTOMER", "Kunde", "CUST-1").await;
    let distributor = app.create_org("DISTRIBUTOR", "Vertrieb", "DIST-1").await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let eur = serde_json::json!({ "amount": "10", "currency": "EUR" });
    let cases: Vec<(&str, &str, serde_json::Value, serde_json::Value)> = vec![
        (
            "interactionRecord",
            "InteractionRecordInput",
            serde_json::json!({ "organizationId": unknown(T::Organization), "kind": "CALL", "occurredAt": yesterday, "summary": "x" }),
            serde_json::json!(["input", "organizationId"]),
        ),
        (
            "interactionRecord",
            "InteractionRecordInput",
            serde_json::json!({ "organizationId": org, "kind": "CALL", "occurredAt": yesterday, "summary": "x", "contactIds": [unknown(T::Contact)] }),
            serde_json::json!(["input", "contactIds", "0"]),
        ),
        (
            "interactionUpdate",
            "InteractionUpdateInput",
            serde_json::json!({ "id": unknown(T::Interaction), "version": 1, "summary": "x" }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "commitmentAdd",
            "CommitmentAddInput",
            serde_json::json!({ "interactionId": unknown(T::Interaction), "description": "x", "ownerUserId": unknown(T::User), "dueOn": "2099-01-01" }),
            serde_json::json!(["input", "interactionId"]),
        ),
        (
            "commitmentClose",
            "CommitmentCloseInput",
            serde_json::json!({ "id": unknown(T::Commitment), "version": 1, "outcome": "KEPT" }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "taskCreate",
            "TaskCreateInput",
            serde_json::json!({ "kind": "CALL", "title": "x", "dueOn": "2099-01-01", "interactionId": unknown(T::Interaction) }),
            serde_json::json!(["input", "interactionId"]),
        ),
        (
            "taskUpdate",
            "TaskUpdateInput",
            serde_json::json!({ "id": unknown(T::Task), "version": 1, "title": "x" }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "taskComplete",
            "TaskCloseInput",
            serde_json::json!({ "id": unknown(T::Task), "version": 1 }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "caseOpen",
            "CaseOpenInput",
            serde_json::json!({ "kind": "INQUIRY", "organizationId": org, "subject": "x", "orderId": unknown(T::Order) }),
            serde_json::json!(["input", "orderId"]),
        ),
        (
            "caseOpen",
            "CaseOpenInput",
            serde_json::json!({ "kind": "INQUIRY", "organizationId": org, "subject": "x", "sku": "NOPE-1" }),
            serde_json::json!(["input", "sku"]),
        ),
        (
            "caseUpdate",
            "CaseUpdateInput",
            serde_json::json!({ "id": unknown(T::Case), "version": 1, "cause": "x" }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "caseNoteAdd",
            "CaseNoteAddInput",
            serde_json::json!({ "caseId": unknown(T::Case), "body": "x" }),
            serde_json::json!(["input", "caseId"]),
        ),
        (
            "caseRouteDelete",
            "CaseRouteDeleteInput",
            serde_json::json!({ "id": unknown(T::CaseRoute) }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "caseRouteSet",
            "CaseRouteSetInput",
            serde_json::json!({ "territory": "NORTH", "assigneeId": unknown(T::User) }),
            serde_json::json!(["input", "assigneeId"]),
        ),
        (
            "surveyResponseRecord",
            "SurveyResponseRecordInput",
            serde_json::json!({ "organizationId": org, "caseId": unknown(T::Case), "satisfaction": 3 }),
            serde_json::json!(["input", "caseId"]),
        ),
        (
            "campaignUpdate",
            "CampaignUpdateInput",
            serde_json::json!({ "id": unknown(T::Campaign), "version": 1, "name": "x" }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "campaignSend",
            "CampaignSendInput",
            serde_json::json!({ "campaignId": unknown(T::Campaign), "contactIds": [] }),
            serde_json::json!(["input", "campaignId"]),
        ),
        (
            "campaignResponseRecord",
            "CampaignResponseRecordInput",
            serde_json::json!({ "campaignId": unknown(T::Campaign), "kind": "OPENED" }),
            serde_json::json!(["input", "campaignId"]),
        ),
        (
            "opportunityCreate",
            "OpportunityCreateInput",
            serde_json::json!({ "name": "x", "organizationId": unknown(T::Organization), "amount": eur, "expectedCloseOn": "2099-01-01" }),
            serde_json::json!(["input", "organizationId"]),
        ),
        (
            "opportunityCreate",
            "OpportunityCreateInput",
            serde_json::json!({ "name": "x", "organizationId": org, "amount": eur, "expectedCloseOn": "2099-01-01", "campaignId": unknown(T::Campaign) }),
            serde_json::json!(["input", "campaignId"]),
        ),
        (
            "opportunityWin",
            "OpportunityWinInput",
            serde_json::json!({ "id": unknown(T::Opportunity), "version": 1 }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "leadCreate",
            "LeadCreateInput",
            serde_json::json!({ "personName": "x", "source": "OTHER", "capturedAt": yesterday, "campaignId": unknown(T::Campaign) }),
            serde_json::json!(["input", "campaignId"]),
        ),
        (
            "leadQualify",
            "LeadStepInput",
            serde_json::json!({ "id": unknown(T::Lead), "version": 1 }),
            serde_json::json!(["input", "id"]),
        ),
        (
            "leadRouteSet",
            "LeadRouteSetInput",
            serde_json::json!({ "territory": "NORTH", "partnerId": unknown(T::Organization) }),
            serde_json::json!(["input", "partnerId"]),
        ),
        (
            "dealApprove",
            "DealApproveInput",
            serde_json::json!({ "id": unknown(T::DealRegistration), "version": 1, "customerCode": "X-1" }),
            serde_json::json!(["input", "id"]),
        ),
    ];
    for (mutation, input_type, input, field) in cases {
        let body = app
            .graphql(
                &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ field code message }} }} }}"),
                serde_json::json!({ "input": input }),
            )
            .await;
        let errors = &body["data"][mutation]["userErrors"];
        assert_eq!(errors[0]["field"], field, "{mutation}: {body}");
        assert_eq!(errors[0]["code"], "NOT_FOUND", "{mutation}: {body}");
    }
    // A lead route to an organization that is not a distributor or dealer.
    let body = app
        .mutate(
            "leadRouteSet",
            "leadRoute { territory }",
            serde_json::json!({ "territory": "NORTH", "partnerId": org }),
        )
        .await;
    assert_eq!(
        body["userErrors"],
        serde_json::json!([{ "field": ["input", "partnerId"], "code": "NOT_ALLOWED", "message": "CUST-1 is not a distributor or dealer" }])
    );
    let body = app
        .mutate(
            "leadRouteSet",
            "leadRoute { territory partner { code } }",
            serde_json::json!({ "territory": "north", "partnerId": distributor }),
        )
        .await;
    assert_eq!(
        body["leadRoute"],
        serde_json::json!({ "territory": "NORTH", "partner": { "code": "DIST-1" } })
    );
}

#[tokio::test]
async fn a_commitment_is_added_to_an_interaction_and_a_campaign_changes_with_its_version() {
    let app = crate::helpers::spawn_app().await;
    let org = app.create_org("END_CUSTOMER", "Kunde", "CUST-1").await;
    let anna = app
        .mutate(
            "contactCreate",
            "contact { id }",
            serde_json::json!({ "organizationId": org, "name": "Anna" }),
        )
        .await["contact"]["id"]
        .clone();
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    let interaction = app
        .mutate(
            "interactionRecord",
            "interaction { id }",
            serde_json::json!({ "organizationId": org, "kind": "EMAIL", "occurredAt": yesterday.to_rfc3339(), "summary": "Offer sent" }),
        )
        .await["interaction"]["id"]
        .clone();
    let body = app
        .mutate(
            "commitmentAdd",
            "commitment { description dueOn status ownerContact { name } interaction { summary } organization { code } }",
            serde_json::json!({ "interactionId": interaction, "description": "Answer by Friday", "ownerContactId": anna, "dueOn": "2099-01-01" }),
        )
        .await;
    assert_eq!(
        body["commitment"],
        serde_json::json!({ "description": "Answer by Friday", "dueOn": "2099-01-01", "status": "OPEN",
            "ownerContact": { "name": "Anna" }, "interaction": { "summary": "Offer sent" }, "organization": { "code": "CUST-1" } })
    );
    let before = (yesterday - chrono::Duration::days(3)).date_naive();
    let body = app
        .mutate(
            "commitmentAdd",
            "commitment { id }",
            serde_json::json!({ "interactionId": interaction, "description": "x", "ownerContactId": anna, "dueOn": before.to_string() }),
        )
        .await;
    assert_eq!(
        body["userErrors"][0]["field"],
        serde_json::json!(["input", "dueOn"])
    );
    assert_eq!(body["userErrors"][0]["code"], "OUT_OF_RANGE");

    let campaign = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            serde_json::json!({ "code": "SPRING", "name": "Spring", "channel": "EMAIL", "startsOn": "2027-03-01", "endsOn": "2027-03-31", "cost": { "amount": "100", "currency": "EUR" } }),
        )
        .await["campaign"]["id"]
        .clone();
    let body = app
        .mutate(
            "campaignCreate",
            "campaign { id }",
            serde_json::json!({ "code": "spring", "name": "Again", "channel": "EMAIL", "startsOn": "2027-03-01", "endsOn": "2027-03-31", "cost": { "amount": "100", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(
        body["userErrors"],
        serde_json::json!([{ "field": ["input", "code"], "code": "TAKEN", "message": "campaign code SPRING is taken" }])
    );
    let body = app
        .mutate(
            "campaignUpdate",
            "campaign { name endsOn cost { amount } version }",
            serde_json::json!({ "id": campaign, "version": 1, "name": "Spring sale", "endsOn": "2027-04-15", "cost": "250" }),
        )
        .await;
    assert_eq!(
        body["campaign"],
        serde_json::json!({ "name": "Spring sale", "endsOn": "2027-04-15", "cost": { "amount": "250.00" }, "version": 2 })
    );
    for (input, field, code) in [
        (
            serde_json::json!({ "id": campaign, "version": 1, "name": "stale" }),
            "version",
            "CONFLICT",
        ),
        (
            serde_json::json!({ "id": campaign, "version": 2, "endsOn": "2027-01-01" }),
            "endsOn",
            "OUT_OF_RANGE",
        ),
    ] {
        let body = app.mutate("campaignUpdate", "campaign { id }", input).await;
        assert_eq!(
            body["userErrors"][0]["field"],
            serde_json::json!(["input", field]),
            "{body}"
        );
        assert_eq!(body["userErrors"][0]["code"], code, "{body}");
    }
    let body = app
        .graphql(
            "{ running: campaigns(filter: { activeOn: \"2027-04-10\" }) { totalCount } later: campaigns(filter: { activeOn: \"2027-05-01\" }) { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        serde_json::json!({ "running": { "totalCount": 1 }, "later": { "totalCount": 0 } })
    );
}

/// A name search longer than any name is refused, naming the filter, on both databases
/// (SQLite refuses LIKE patterns past 50,000 bytes, which would otherwise be INTERNAL).
#[tokio::test]
async fn a_name_search_is_at_most_200_characters() {
    let app = spawn_app().await;
    for (query, list) in [
        (
            "query($n: String!) { organizations(filter: { nameContains: $n }) { totalCount } }",
            "organizations",
        ),
        (
            "query($n: String!) { products(filter: { nameContains: $n }) { totalCount } }",
            "products",
        ),
    ] {
        let fits = app.graphql(query, json!({ "n": "é".repeat(200) })).await;
        assert_eq!(fits["data"][list]["totalCount"], 0, "{fits}");
        for long in ["é".repeat(201), "a".repeat(50_000)] {
            let body = app.graphql(query, json!({ "n": long })).await;
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
            assert_eq!(
                error["extensions"]["field"], "filter.nameContains",
                "{body}"
            );
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .ends_with("at most 200 are searched"),
                "{body}"
            );
        }
    }
}
