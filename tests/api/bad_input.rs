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
