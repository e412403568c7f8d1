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
            "mutation { userCreate(input: { email: \"new@channelgraph.test\", name: \"New\", password: \"a new password\", role: SALES }) { user { id } } }",
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
