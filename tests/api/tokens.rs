//! API tokens for partner systems.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str = "mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) { secret apiToken { id name prefix scopes lastUsedAt organization { code } } userErrors { field code message } } }";
const REVOKE: &str = "mutation($id: ID!) { apiTokenRevoke(input: { id: $id }) { apiToken { revokedAt } userErrors { field code message } } }";

async fn setup(app: &TestApp) -> (String, String) {
    let a = app
        .create_org("DISTRIBUTOR", "A Distribution", "DIST-A")
        .await;
    let b = app
        .create_org("DISTRIBUTOR", "B Distribution", "DIST-B")
        .await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "A's Dealer", "DLR-A")
        .await;
    app.link(&a, &dealer, "RESELLS_TO").await;
    (a, b)
}

#[tokio::test]
async fn a_token_is_shown_once_listed_by_prefix_and_sees_its_organization_only() {
    let app = spawn_app().await;
    let (a, _) = setup(&app).await;
    let created = app
        .graphql(
            CREATE,
            json!({ "input": { "organizationId": a, "name": "ERP", "scopes": ["ORGS_READ"] } }),
        )
        .await;
    let payload = &created["data"]["apiTokenCreate"];
    assert_eq!(payload["userErrors"], json!([]), "{created}");
    let secret = payload["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cgp_") && secret.len() >= 36, "{secret}");
    let token = &payload["apiToken"];
    assert_eq!(token["prefix"].as_str().unwrap(), &secret[..12]);
    assert_eq!(token["scopes"], json!(["ORGS_READ"]));
    assert_eq!(token["organization"]["code"], "DIST-A");

    let (status, body) = app.send_as(&secret,
        "{ organizations { totalCount nodes { code } } b: organization(code: \"DIST-B\") { code } }",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["organizations"]["nodes"],
        json!([{ "code": "DIST-A" }, { "code": "DLR-A" }])
    );
    assert_eq!(body["data"]["b"], Value::Null);

    let listed = app
        .graphql(
            "{ apiTokens { totalCount nodes { name prefix lastUsedAt expiresAt } } }",
            json!({}),
        )
        .await;
    let node = &listed["data"]["apiTokens"]["nodes"][0];
    assert_eq!(listed["data"]["apiTokens"]["totalCount"], 1);
    assert_eq!(node["name"], "ERP");
    assert!(node["lastUsedAt"].is_string(), "{listed}");
    assert!(
        !listed.to_string().contains(&secret[12..]),
        "the secret is never shown again"
    );
}

#[tokio::test]
async fn a_request_outside_the_tokens_scopes_is_forbidden_and_names_the_scope() {
    let app = spawn_app().await;
    let (a, _) = setup(&app).await;
    let created = app
        .graphql(CREATE, json!({ "input": { "organizationId": a, "name": "Orders only", "scopes": ["ORDERS_READ"] } }))
        .await;
    let secret = created["data"]["apiTokenCreate"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .send_as(&secret, "{ organizations { totalCount } }")
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "this API token lacks the orgs:read scope"
    );

    let created = app
        .graphql(
            CREATE,
            json!({ "input": { "organizationId": a, "name": "Read", "scopes": ["ORGS_READ"] } }),
        )
        .await;
    let reader = created["data"]["apiTokenCreate"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app.send_as(&reader,
        r#"mutation { organizationCreate(input: {kind: SUPPLIER, name: "X", code: "SUP-X"}) { organization { id } } }"#,
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"],
        "this API token lacks the orgs:write scope"
    );
    assert_eq!(app.organization_count().await, 3);
}

#[tokio::test]
async fn revocation_and_expiry_take_effect_on_the_next_request() {
    let app = spawn_app().await;
    let (a, _) = setup(&app).await;
    let mut secrets = Vec::new();
    let mut ids = Vec::new();
    // The second expires in two seconds: the server checks it on every use until then.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    for (name, expires) in [("revoked", None), ("expired", Some(soon))] {
        let created = app
            .graphql(
                CREATE,
                json!({ "input": { "organizationId": a, "name": name, "scopes": ["ORGS_READ"], "expiresAt": expires } }),
            )
            .await;
        secrets.push(
            created["data"]["apiTokenCreate"]["secret"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        ids.push(created["data"]["apiTokenCreate"]["apiToken"]["id"].clone());
    }
    for secret in &secrets {
        assert_eq!(app.send_as(secret, "{ me { email } }").await.0, 200);
    }
    let revoked = app.graphql(REVOKE, json!({ "id": ids[0] })).await;
    assert!(revoked["data"]["apiTokenRevoke"]["apiToken"]["revokedAt"].is_string());
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    for secret in &secrets {
        let (status, body) = app
            .send_as(secret, "{ organizations { totalCount } }")
            .await;
        assert_eq!(
            (status, body["errors"][0]["extensions"]["code"].as_str()),
            (401, Some("UNAUTHENTICATED"))
        );
    }
    let past = app
        .graphql(CREATE, json!({ "input": { "organizationId": a, "name": "late", "scopes": ["ORGS_READ"], "expiresAt": "2020-01-01T00:00:00Z" } }))
        .await;
    assert_eq!(
        past["data"]["apiTokenCreate"]["userErrors"][0]["field"],
        json!(["input", "expiresAt"])
    );
}

#[tokio::test]
async fn partner_admins_manage_only_their_own_organizations_tokens() {
    let app = spawn_app().await;
    let (a, b) = setup(&app).await;
    let org_a = channelgraph::ids::GlobalId::parse(&a).unwrap().id;
    let org_b = channelgraph::ids::GlobalId::parse(&b).unwrap().id;
    app.create_user(
        "admin@a.test",
        "a admin password",
        crate::helpers::PARTNER_ADMIN,
        Some(org_a),
    )
    .await;
    app.create_user(
        "admin@b.test",
        "b admin password",
        crate::helpers::PARTNER_ADMIN,
        Some(org_b),
    )
    .await;
    app.create_user(
        "member@a.test",
        "a member password",
        crate::helpers::PARTNER_MEMBER,
        Some(org_a),
    )
    .await;
    let ta = app.token_for("admin@a.test", "a admin password").await;
    let tb = app.token_for("admin@b.test", "b admin password").await;
    let tm = app.token_for("member@a.test", "a member password").await;

    let own = app
        .graphql_as(&ta, CREATE, json!({ "input": { "organizationId": a, "name": "A ERP", "scopes": ["ORGS_READ", "EDI"] } }))
        .await;
    let token_id = own["data"]["apiTokenCreate"]["apiToken"]["id"].clone();
    assert!(token_id.is_string(), "{own}");
    for (token, org) in [(&ta, &b), (&tm, &a)] {
        let body = app
            .graphql_as(token, CREATE, json!({ "input": { "organizationId": org, "name": "no", "scopes": ["ORGS_READ"] } }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
    }
    let seen_by_b = app
        .graphql_as(
            &tb,
            "query($id: ID!) { apiTokens { totalCount } node(id: $id) { id } }",
            json!({ "id": token_id }),
        )
        .await;
    assert_eq!(
        seen_by_b["data"],
        json!({ "apiTokens": { "totalCount": 0 }, "node": null })
    );
    let revoke_by_b = app.graphql_as(&tb, REVOKE, json!({ "id": token_id })).await;
    assert_eq!(
        revoke_by_b["data"]["apiTokenRevoke"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let seen_by_a = app
        .graphql_as(&ta, "{ apiTokens { totalCount } }", json!({}))
        .await;
    assert_eq!(seen_by_a["data"]["apiTokens"]["totalCount"], 1);
}

/// A scope a token lacks is named for every object that needs it, also where several ask
/// for it at once and share one refusal.
#[tokio::test]
async fn a_missing_scope_is_forbidden_on_every_element_of_a_list() {
    let app = spawn_app().await;
    let t = crate::orders::trade(&app).await;
    for po in ["PO-SCOPE-1", "PO-SCOPE-2", "PO-SCOPE-3"] {
        let placed = crate::orders::submit_as(&app, &t.portal, crate::orders::two_lines(po)).await;
        assert_eq!(placed["userErrors"], json!([]), "{placed}");
    }
    let token = app.api_token(&t.distributor, &["ORDERS_READ"]).await;
    let body = app
        .graphql_as(
            &token,
            "{ orders(first: 10) { nodes { number seller { code } buyer { code } } } }",
            json!({}),
        )
        .await;
    let errors = body["errors"]
        .as_array()
        .expect("the organizations are refused");
    assert_eq!(errors.len(), 6, "{body}");
    for e in errors {
        assert_eq!(e["extensions"]["code"], "FORBIDDEN", "{body}");
        assert!(
            e["message"].as_str().unwrap().contains("orgs:read"),
            "{body}"
        );
    }
}
