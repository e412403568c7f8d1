//! Signing in, tokens, and what an anonymous caller may do.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use entity::enums::UserRole;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_app, spawn_app_with};

const ME: &str = "{ me { email roles } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn anonymous_callers_may_only_sign_in() {
    // Development lets anonymous callers read the schema (`http::development_shows_the_
    // schema_before_sign_in_and_nothing_else`); production does not.
    let app = spawn_app_with(|s| s.limits.anonymous_introspection = false).await;
    for query in [
        "{ organizations { totalCount } }",
        "{ __typename }",
        "{ __schema { queryType { name } } }",
        r#"mutation { organizationCreate(input: {kind: SUPPLIER, name: "X", code: "SUP-1"}) { organization { id } } }"#,
        r#"mutation { login(input: {email: "a@b.cd", password: "x"}) { accessToken } organizationArchive(input: {id: "x", version: 1}) { userErrors { code } } }"#,
    ] {
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{query}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        let body: Value = res.json().await.unwrap();
        assert_eq!(code(&body), "UNAUTHENTICATED", "{query}");
        assert!(body.get("data").is_none());
    }
    assert_eq!(app.organization_count().await, 0);
}

#[tokio::test]
async fn a_failed_sign_in_says_the_same_whether_or_not_the_email_exists() {
    let app = spawn_app().await;
    let query = "mutation($input: LoginInput!) { login(input: $input) { accessToken } }";
    let wrong_password = app
        .anonymous(
            query,
            json!({ "input": { "email": ADMIN_EMAIL, "password": "not the password" } }),
        )
        .await;
    let unknown_email = app
        .anonymous(query, json!({ "input": { "email": "nobody@channelgraph.test", "password": "whatever it is" } }))
        .await;
    for body in [&wrong_password, &unknown_email] {
        assert_eq!(code(body), "UNAUTHENTICATED", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            "the email or password is wrong"
        );
        assert_eq!(body["data"], Value::Null);
    }
    let session = app.login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await;
    assert_eq!(
        session["user"],
        json!({ "email": ADMIN_EMAIL, "roles": ["ADMIN"], "organization": null })
    );
    let (status, body) = app
        .send_as(session["accessToken"].as_str().unwrap(), ME)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["me"]["email"], ADMIN_EMAIL);
}

/// Signs `claims` with `alg`, `typ` and `secret`.
fn forge(alg: Algorithm, typ: &str, secret: &[u8], claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.typ = Some(typ.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn claims_for(
    user: Uuid,
    session: Uuid,
    change: impl Fn(&mut serde_json::Map<String, Value>),
) -> Value {
    let now = Utc::now().timestamp();
    let mut claims = json!({
        "sub": user.to_string(), "iss": "channelgraph", "aud": "channelgraph-api",
        "exp": now + 600, "nbf": now, "iat": now, "jti": "forged",
        "sid": session.to_string()
    });
    change(claims.as_object_mut().unwrap());
    claims
}

/// The session an access token was issued under, read from its claims.
fn session_of(access_token: &Value) -> Uuid {
    let payload = access_token.as_str().unwrap().split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let user = app
        .create_user(
            "sales@channelgraph.test",
            "a sales password",
            UserRole::Sales,
            None,
        )
        .await;
    // A token signed with the key is still refused unless its session is its user's own.
    let sid = session_of(
        &app.login("sales@channelgraph.test", "a sales password")
            .await["accessToken"],
    );
    let admins = session_of(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await["accessToken"]);
    let secret = channelgraph::settings::DEVELOPMENT_JWT_SECRET.as_bytes();
    let now = Utc::now().timestamp();
    let good = forge(
        Algorithm::HS256,
        "at+jwt",
        secret,
        &claims_for(user, sid, |_| {}),
    );
    let (status, body) = app.send_as(&good, ME).await;
    assert_eq!(
        (status, &body["data"]["me"]["email"]),
        (200, &json!("sales@channelgraph.test"))
    );

    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#),
        URL_SAFE_NO_PAD.encode(claims_for(user, sid, |_| {}).to_string())
    );
    let cases = [
        ("alg none", none),
        (
            "another key",
            forge(
                Algorithm::HS256,
                "at+jwt",
                b"another secret that is long enough!!",
                &claims_for(user, sid, |_| {}),
            ),
        ),
        (
            "another algorithm",
            forge(
                Algorithm::HS512,
                "at+jwt",
                secret,
                &claims_for(user, sid, |_| {}),
            ),
        ),
        (
            "not an access token",
            forge(
                Algorithm::HS256,
                "JWT",
                secret,
                &claims_for(user, sid, |_| {}),
            ),
        ),
        (
            "expired",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, sid, |c| {
                    c.insert("exp".into(), json!(now - 60));
                }),
            ),
        ),
        (
            "not valid yet",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, sid, |c| {
                    c.insert("nbf".into(), json!(now + 60));
                }),
            ),
        ),
        (
            "wrong issuer",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, sid, |c| {
                    c.insert("iss".into(), json!("elsewhere"));
                }),
            ),
        ),
        (
            "wrong audience",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, sid, |c| {
                    c.insert("aud".into(), json!("another-api"));
                }),
            ),
        ),
        (
            "no audience",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, sid, |c| {
                    c.remove("aud");
                }),
            ),
        ),
        (
            "a user who does not exist",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(Uuid::now_v7(), sid, |_| {}),
            ),
        ),
        (
            "a session that was never started",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, Uuid::now_v7(), |_| {}),
            ),
        ),
        (
            "another user's session",
            forge(
                Algorithm::HS256,
                "at+jwt",
                secret,
                &claims_for(user, admins, |_| {}),
            ),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (name, token) in cases {
        let (status, body) = app.send_as(&token, ME).await;
        assert_eq!(status, 401, "{name}");
        assert_eq!(code(&body), "UNAUTHENTICATED", "{name}");
    }
}

#[tokio::test]
async fn a_deactivated_users_tokens_stop_working_at_once() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = crate::helpers::spawn_app_with(|s| s.auth.credential_memory_seconds = 1).await;
    let id = app
        .create_user(
            "leaver@channelgraph.test",
            "a leaver's password",
            UserRole::Manager,
            None,
        )
        .await;
    let session = app
        .login("leaver@channelgraph.test", "a leaver's password")
        .await;
    let token = session["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(app.send_as(&token, ME).await.0, 200);
    let done = app
        .mutate(
            "userDeactivate",
            "user { active }",
            json!({ "id": channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, id), "version": 1 }),
        )
        .await;
    assert_eq!(done["user"]["active"], false, "{done}");
    let (status, body) = app.send_as(&token, ME).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    // Changed in the database behind the server's back, a user's tokens stop working once
    // the node's memory of them lapses.
    let id = app
        .create_user(
            "quiet@channelgraph.test",
            "a quiet leaver's password",
            UserRole::Manager,
            None,
        )
        .await;
    let token = app
        .token_for("quiet@channelgraph.test", "a quiet leaver's password")
        .await;
    assert_eq!(app.send_as(&token, ME).await.0, 200);
    let user = entity::user::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::user::ActiveModel = user.into();
    row.deactivated_at = Set(Some(Utc::now()));
    row.update(&app.db).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = app.send_as(&token, ME).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let again = app
        .anonymous(
            "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
            json!({ "input": { "email": "leaver@channelgraph.test", "password": "a leaver's password" } }),
        )
        .await;
    assert_eq!(
        again["errors"][0]["message"],
        "the email or password is wrong"
    );
}

const REFRESH: &str = "mutation($t: String!) { tokenRefresh(input: { refreshToken: $t }) { accessToken refreshToken } }";

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replay_revokes_the_family() {
    let app = spawn_app().await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refreshToken"].as_str().unwrap().to_owned();
    assert!(r1.starts_with("cgr_"));
    let second = app.anonymous(REFRESH, json!({ "t": r1 })).await;
    let r2 = second["data"]["tokenRefresh"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(r1, r2);
    let access = second["data"]["tokenRefresh"]["accessToken"]
        .as_str()
        .unwrap();
    assert_eq!(app.send_as(access, ME).await.0, 200);

    // r1 again: a replay. It fails, and so does its successor r2 from now on.
    let replay = app.anonymous(REFRESH, json!({ "t": r1 })).await;
    assert_eq!(code(&replay), "UNAUTHENTICATED");
    let after = app.anonymous(REFRESH, json!({ "t": r2 })).await;
    assert_eq!(code(&after), "UNAUTHENTICATED", "{after}");
}

#[tokio::test]
async fn logout_ends_the_refresh_family() {
    let app = spawn_app().await;
    let session = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = session["refreshToken"].as_str().unwrap();
    let out = app
        .anonymous(
            "mutation($t: String!) { logout(input: { refreshToken: $t }) { ok } }",
            json!({ "t": refresh }),
        )
        .await;
    assert_eq!(out["data"]["logout"]["ok"], true);
    let body = app.anonymous(REFRESH, json!({ "t": refresh })).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_analyst_reads_but_cannot_change_the_directory() {
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
    let (_, body) = app
        .send_as(&token, "{ organizations { totalCount } }")
        .await;
    assert_eq!(body["data"]["organizations"]["totalCount"], 0);
    let (_, body) = app.send_as(&token,
        r#"mutation { organizationCreate(input: {kind: SUPPLIER, name: "X", code: "SUP-1"}) { organization { id } } }"#,
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.organization_count().await, 0);
}

#[tokio::test]
async fn a_partner_user_sees_its_organization_and_what_is_directly_downstream() {
    let app = spawn_app().await;
    let a = app
        .create_org("DISTRIBUTOR", "A Distribution", "DIST-A")
        .await;
    let b = app
        .create_org("DISTRIBUTOR", "B Distribution", "DIST-B")
        .await;
    let dealer_a = app
        .create_org("INTERMEDIATE_CUSTOMER", "A's Dealer", "DLR-A")
        .await;
    let dealer_b = app
        .create_org("INTERMEDIATE_CUSTOMER", "B's Dealer", "DLR-B")
        .await;
    for (up, down) in [(&a, &dealer_a), (&b, &dealer_b)] {
        app.link(up, down, "RESELLS_TO").await;
    }
    let org_b = channelgraph::ids::GlobalId::parse(&b).unwrap().id;
    app.create_user(
        "portal@b.test",
        "B portal password",
        crate::helpers::PARTNER_MEMBER,
        Some(org_b),
    )
    .await;
    let token = app.token_for("portal@b.test", "B portal password").await;
    let body = app
        .graphql_as(
            &token,
            r#"query($a: ID!, $da: ID!) {
                organizations { totalCount nodes { code } }
                a: node(id: $a) { id }
                da: node(id: $da) { id }
                byCode: organization(code: "DIST-A") { code }
                distributors { nodes { code ... on Distributor { dealers { totalCount nodes { code } } } } }
            }"#,
            json!({ "a": a, "da": dealer_a }),
        )
        .await;
    let d = &body["data"];
    assert_eq!(d["organizations"]["totalCount"], 2, "{body}");
    assert_eq!(
        d["organizations"]["nodes"],
        json!([{ "code": "DIST-B" }, { "code": "DLR-B" }])
    );
    assert_eq!(d["a"], Value::Null);
    assert_eq!(d["da"], Value::Null);
    assert_eq!(d["byCode"], Value::Null);
    assert_eq!(
        d["distributors"]["nodes"],
        json!([{ "code": "DIST-B", "dealers": { "totalCount": 1, "nodes": [{ "code": "DLR-B" }] } }])
    );
}

#[tokio::test]
async fn the_demo_portal_user_sees_its_distributor_and_its_dealers_only() {
    use channelgraph::seed::{
        DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_PARTNER_EMAIL, DEMO_PARTNER_PASSWORD,
    };
    let app = spawn_app().await;
    let report = channelgraph::seed::demo(&app.db).await.unwrap();
    assert!(report.to_string().contains(DEMO_PARTNER_EMAIL));
    let secret = report.api_token.clone().expect("the demo has an API token");
    let system = app
        .graphql_as(
            &secret,
            "{ distributors { nodes { code } } me { email } }",
            json!({}),
        )
        .await;
    assert_eq!(
        system["data"],
        json!({ "distributors": { "nodes": [{ "code": "DIST-001" }] }, "me": null }),
        "{system}"
    );
    let admin = app.login(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD).await;
    assert_eq!(admin["user"]["roles"], json!(["ADMIN"]));
    let portal = app.login(DEMO_PARTNER_EMAIL, DEMO_PARTNER_PASSWORD).await;
    assert_eq!(
        portal["user"]["roles"],
        json!([
            "PARTNER_ADMIN",
            "PARTNER_MANAGER",
            "PARTNER_FINANCE",
            "PARTNER_SERVICE"
        ])
    );
    assert_eq!(portal["user"]["organization"]["code"], "DIST-001");
    let me = app
        .graphql_as(
            portal["accessToken"].as_str().unwrap(),
            "{ me { email organization { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["organization"]["code"], "DIST-001", "{me}");
    let body = app
        .graphql_as(
            portal["accessToken"].as_str().unwrap(),
            r#"{
                organizations(first: 100) { totalCount }
                distributors { totalCount nodes { code } }
                intermediateCustomers { totalCount }
                customers { totalCount }
                brand: organization(code: "BRAND") { code }
                other: organization(code: "DIST-002") { code }
            }"#,
            json!({}),
        )
        .await;
    let d = &body["data"];
    assert_eq!(
        d["distributors"]["nodes"],
        json!([{ "code": "DIST-001" }]),
        "{body}"
    );
    assert_eq!(d["intermediateCustomers"]["totalCount"], 10);
    // The one end customer it serves itself, for the project its special price is for.
    assert_eq!(d["customers"]["totalCount"], 1);
    assert_eq!(d["organizations"]["totalCount"], 12);
    assert_eq!(d["brand"], Value::Null);
    assert_eq!(d["other"], Value::Null);
}

#[test]
fn eddsa_and_rs256_keys_come_from_files_and_accept_only_their_own_algorithm() {
    use channelgraph::settings::Settings;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let hs256 = Settings::from_sources(None, &[])
        .unwrap()
        .jwt_keys()
        .unwrap();
    let hs_token = hs256.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap().token;
    for (algorithm, stem) in [("EdDSA", "jwt-ed25519"), ("RS256", "jwt-rsa")] {
        let env = vec![
            (
                "CHANNELGRAPH_JWT_ALGORITHM".to_owned(),
                algorithm.to_owned(),
            ),
            (
                "CHANNELGRAPH_JWT_PRIVATE_KEY_FILE".to_owned(),
                format!("{fixtures}/{stem}-private.pem"),
            ),
            (
                "CHANNELGRAPH_JWT_PUBLIC_KEY_FILE".to_owned(),
                format!("{fixtures}/{stem}-public.pem"),
            ),
        ];
        let keys = Settings::from_sources(None, &env)
            .unwrap()
            .jwt_keys()
            .unwrap();
        let user = Uuid::now_v7();
        let token = keys.issue(user, Uuid::now_v7()).unwrap().token;
        assert_eq!(
            keys.validate(&token).map(|t| t.user_id),
            Ok(user),
            "{algorithm}"
        );
        assert!(
            keys.validate(&hs_token).is_err(),
            "{algorithm} refuses HS256"
        );
        assert!(hs256.validate(&token).is_err(), "HS256 refuses {algorithm}");
    }
    let missing = Settings::from_sources(
        None,
        &[("CHANNELGRAPH_JWT_ALGORITHM".to_owned(), "EdDSA".to_owned())],
    )
    .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "CHANNELGRAPH_JWT_PRIVATE_KEY_FILE: EdDSA and RS256 need a private key file (PEM)"
    );
}

#[tokio::test]
async fn production_disables_the_demo_sign_ins_and_token_it_finds() {
    let dev = spawn_app().await;
    let report = channelgraph::seed::demo(&dev.db).await.unwrap();
    let demo_token = report.api_token.expect("the demo has a token");
    assert!(!dev.login("admin@aurora.example", "aurora-demo-admin").await["accessToken"].is_null());
    let production = crate::helpers::spawn_node_like(&dev, |s| {
        s.mode = channelgraph::settings::Mode::Production;
        s.auth.jwt_secret = "a production secret of more than 32 bytes!".to_owned();
    })
    .await;
    for (email, password) in [
        ("admin@aurora.example", "aurora-demo-admin"),
        ("portal@dist-001.example", "dist-001-demo-portal"),
    ] {
        let body = production
            .anonymous(
                "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                json!({ "i": { "email": email, "password": password } }),
            )
            .await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{email}: {body}");
    }
    let (status, body) = production.send_as(&demo_token, ME).await;
    assert_eq!(status, 401, "{body}");
    // Each was disabled by a change on the record.
    let audit = production
        .graphql(
            "{ auditEvents(first: 20) { nodes { action objectType } } }",
            json!({}),
        )
        .await;
    let actions: Vec<String> = audit["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.as_str() == "user.deactivate")
            .count(),
        2,
        "{audit}"
    );
    assert!(actions.iter().any(|a| a == "api_token.revoke"), "{audit}");
}

/// Whether `token` is refused on `app` within `wait`, asking every 50 ms.
async fn refused_within(
    app: &crate::helpers::TestApp,
    token: &str,
    wait: std::time::Duration,
) -> bool {
    let deadline = std::time::Instant::now() + wait;
    loop {
        if app.send_as(token, ME).await.0 == 401 {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_signed_out_sessions_access_token_stops_working_on_every_node() {
    let a = spawn_app().await;
    let b = crate::helpers::spawn_node_like(&a, |_| {}).await;
    let session = a.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = session["accessToken"].as_str().unwrap();
    let other = a.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let other_access = other["accessToken"].as_str().unwrap();
    // Both nodes have checked (and remember) both tokens.
    for node in [&a, &b] {
        assert_eq!(node.send_as(access, ME).await.0, 200);
        assert_eq!(node.send_as(other_access, ME).await.0, 200);
    }
    let out = a
        .anonymous(
            "mutation($t: String!) { logout(input: { refreshToken: $t }) { ok } }",
            json!({ "t": session["refreshToken"] }),
        )
        .await;
    assert_eq!(out["data"]["logout"]["ok"], true);
    // At once on the node that signed out; within a second on the other.
    let (status, body) = a.send_as(access, ME).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert!(refused_within(&b, access, std::time::Duration::from_secs(1)).await);
    // The same user's other session goes on.
    for node in [&a, &b] {
        assert_eq!(node.send_as(other_access, ME).await.0, 200);
    }
}

#[tokio::test]
async fn a_replayed_refresh_token_ends_its_sessions_access_tokens_on_every_node() {
    let a = spawn_app().await;
    let b = crate::helpers::spawn_node_like(&a, |_| {}).await;
    let first = a.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refreshToken"].as_str().unwrap().to_owned();
    let second = b.anonymous(REFRESH, json!({ "t": r1 })).await;
    let access = second["data"]["tokenRefresh"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    for node in [&a, &b] {
        assert_eq!(node.send_as(&access, ME).await.0, 200);
        assert_eq!(
            node.send_as(first["accessToken"].as_str().unwrap(), ME)
                .await
                .0,
            200
        );
    }
    // r1 again, through A: stolen. The whole session ends, on both nodes.
    let replay = a.anonymous(REFRESH, json!({ "t": r1 })).await;
    assert_eq!(code(&replay), "UNAUTHENTICATED");
    assert_eq!(a.send_as(&access, ME).await.0, 401);
    assert!(refused_within(&b, &access, std::time::Duration::from_secs(1)).await);
    assert!(
        refused_within(
            &b,
            first["accessToken"].as_str().unwrap(),
            std::time::Duration::from_secs(1)
        )
        .await
    );
}
