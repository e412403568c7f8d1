//! Managing users: who may create, deactivate and change whom.

use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CREATE: &str = "mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id email roles version organization { code } } userErrors { field code message } } }";
const DEACTIVATE: &str = "mutation($input: UserDeactivateInput!) { userDeactivate(input: $input) { user { active version } userErrors { field code message } } }";
const ROLE: &str = "mutation($input: UserRolesSetInput!) { userRolesSet(input: $input) { user { roles version } userErrors { field code message } } }";

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

/// Two distributors, each with a partner admin; returns (A's id, B's id, A's token, B's token).
async fn two_partners(app: &TestApp) -> (String, String, String, String) {
    let a = app
        .create_org("DISTRIBUTOR", "A Distribution", "DIST-A")
        .await;
    let b = app
        .create_org("DISTRIBUTOR", "B Distribution", "DIST-B")
        .await;
    app.create_user(
        "admin@a.test",
        "a admin password",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&a)),
    )
    .await;
    app.create_user(
        "admin@b.test",
        "b admin password",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&b)),
    )
    .await;
    let ta = app.token_for("admin@a.test", "a admin password").await;
    let tb = app.token_for("admin@b.test", "b admin password").await;
    (a, b, ta, tb)
}

#[tokio::test]
async fn a_partner_admin_creates_users_of_its_own_organization_only() {
    let app = spawn_app().await;
    let (a, b, ta, _) = two_partners(&app).await;
    let own = app
        .graphql_as(
            &ta,
            CREATE,
            json!({ "input": { "email": "buyer@a.test", "name": "Buyer", "password": "buyer password!", "roles": ["PARTNER_SALES"], "organizationId": a } }),
        )
        .await;
    assert_eq!(own["data"]["userCreate"]["userErrors"], json!([]), "{own}");
    assert_eq!(
        own["data"]["userCreate"]["user"]["organization"]["code"],
        "DIST-A"
    );
    for input in [
        json!({ "email": "x@b.test", "name": "X", "password": "x password here", "roles": ["PARTNER_SALES"], "organizationId": b }),
        json!({ "email": "y@a.test", "name": "Y", "password": "y password here", "roles": ["ADMIN"] }),
    ] {
        let body = app.graphql_as(&ta, CREATE, json!({ "input": input })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
    }
    assert_eq!(
        app.login("x@b.test", "x password here").await,
        Value::Null,
        "nothing was created"
    );
}

#[tokio::test]
async fn user_inputs_are_checked() {
    let app = spawn_app().await;
    let (a, _, _, _) = two_partners(&app).await;
    for (input, field, code) in [
        (
            json!({ "email": "admin@a.test", "name": "Again", "password": "long enough pw", "roles": ["SALES"] }),
            "email",
            "TAKEN",
        ),
        (
            json!({ "email": "not-an-email", "name": "N", "password": "long enough pw", "roles": ["SALES"] }),
            "email",
            "INVALID",
        ),
        (
            json!({ "email": "short@x.test", "name": "N", "password": "short", "roles": ["SALES"] }),
            "password",
            "INVALID",
        ),
        (
            json!({ "email": "p@x.test", "name": "N", "password": "long enough pw", "roles": ["PARTNER_SALES"] }),
            "organizationId",
            "REQUIRED",
        ),
        (
            json!({ "email": "s@x.test", "name": "N", "password": "long enough pw", "roles": ["SALES"], "organizationId": a }),
            "organizationId",
            "NOT_ALLOWED",
        ),
    ] {
        let body = app.graphql(CREATE, json!({ "input": input })).await;
        let errors = &body["data"]["userCreate"]["userErrors"];
        assert_eq!(errors[0]["field"], json!(["input", field]), "{body}");
        assert_eq!(errors[0]["code"], code, "{body}");
    }
}

#[tokio::test]
async fn deactivation_ends_sign_in_tokens_and_sessions_at_once() {
    let app = spawn_app().await;
    let id = app
        .create_user(
            "sales@channelgraph.test",
            "a sales password",
            UserRole::Sales,
            None,
        )
        .await;
    let session = app
        .login("sales@channelgraph.test", "a sales password")
        .await;
    let access = session["accessToken"].as_str().unwrap().to_owned();
    let gid = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, id);
    let body = app
        .graphql(DEACTIVATE, json!({ "input": { "id": gid, "version": 1 } }))
        .await;
    assert_eq!(
        body["data"]["userDeactivate"]["user"],
        json!({ "active": false, "version": 2 }),
        "{body}"
    );
    let me = app.graphql_as(&access, "{ me { email } }", json!({})).await;
    assert_eq!(me["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let refresh = app
        .anonymous(
            "mutation($t: String!) { tokenRefresh(input: { refreshToken: $t }) { accessToken } }",
            json!({ "t": session["refreshToken"] }),
        )
        .await;
    assert_eq!(
        refresh["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn nobody_deactivates_themselves() {
    let app = spawn_app().await;
    let me = app.graphql("{ me { email } }", json!({})).await;
    assert!(me["data"]["me"]["email"].is_string());
    let admin = entity::user::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let gid = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, admin.id);
    let body = app
        .graphql(DEACTIVATE, json!({ "input": { "id": gid, "version": 1 } }))
        .await;
    assert_eq!(
        body["data"]["userDeactivate"]["userErrors"][0]["code"], "NOT_ALLOWED",
        "{body}"
    );
}

use sea_orm::EntityTrait;

#[tokio::test]
async fn roles_change_within_staff_or_within_a_partner() {
    let app = spawn_app().await;
    let (a, _, ta, tb) = two_partners(&app).await;
    let sales = app
        .create_user(
            "sales@channelgraph.test",
            "a sales password",
            UserRole::Sales,
            None,
        )
        .await;
    let sales_gid = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, sales);
    let body = app
        .graphql(
            ROLE,
            json!({ "input": { "id": sales_gid, "version": 1, "roles": ["MANAGER"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["userRolesSet"]["user"],
        json!({ "roles": ["MANAGER"], "version": 2 })
    );
    let body = app
        .graphql(
            ROLE,
            json!({ "input": { "id": sales_gid, "version": 2, "roles": ["PARTNER_SALES"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["userRolesSet"]["userErrors"][0]["code"],
        "NOT_ALLOWED"
    );

    let member = app
        .create_user(
            "member@a.test",
            "a member password",
            crate::helpers::PARTNER_MEMBER,
            Some(uuid_of(&a)),
        )
        .await;
    let member_gid = channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, member);
    // B's admin cannot see A's user at all.
    let body = app
        .graphql_as(
            &tb,
            ROLE,
            json!({ "input": { "id": member_gid, "version": 1, "roles": ["PARTNER_ADMIN"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["userRolesSet"]["userErrors"][0]["code"], "NOT_FOUND",
        "{body}"
    );
    let body = app
        .graphql_as(
            &tb,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": member_gid }),
        )
        .await;
    assert_eq!(body["data"]["node"], Value::Null);
    // A's admin promotes its member, but cannot make them staff.
    let body = app
        .graphql_as(
            &ta,
            ROLE,
            json!({ "input": { "id": member_gid, "version": 1, "roles": ["PARTNER_ADMIN"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["userRolesSet"]["user"]["roles"],
        json!(["PARTNER_ADMIN"]),
        "{body}"
    );
    let body = app
        .graphql_as(
            &ta,
            ROLE,
            json!({ "input": { "id": member_gid, "version": 2, "roles": ["ADMIN"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["userRolesSet"]["userErrors"][0]["code"], "NOT_ALLOWED",
        "{body}"
    );
}

#[tokio::test]
async fn staff_list_everyone_and_a_partner_its_own_users() {
    let app = spawn_app().await;
    let (a, _, ta, _) = two_partners(&app).await;
    let all = app
        .graphql("{ users { totalCount nodes { email } } }", json!({}))
        .await;
    assert_eq!(all["data"]["users"]["totalCount"], 3, "{all}");
    let filtered = app
        .graphql(
            "query($a: ID!) { users(organizationId: $a) { nodes { email roles } } }",
            json!({ "a": a }),
        )
        .await;
    assert_eq!(
        filtered["data"]["users"]["nodes"],
        json!([{ "email": "admin@a.test", "roles": ["PARTNER_ADMIN", "PARTNER_MANAGER", "PARTNER_FINANCE", "PARTNER_SERVICE"] }])
    );
    let own = app
        .graphql_as(&ta, "{ users { nodes { email } } }", json!({}))
        .await;
    assert_eq!(
        own["data"]["users"]["nodes"],
        json!([{ "email": "admin@a.test" }])
    );
}
