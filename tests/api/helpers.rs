//! Spawns the real server on port 0 against a fresh database: a temporary SQLite file, or a
//! new PostgreSQL database when `TEST_DATABASE_URL` is set.

use channelgraph::access::Principal;
use channelgraph::auth::service::{create_user, parse_new_user};
use channelgraph::db::StatementCounter;
use channelgraph::settings::Settings;
use channelgraph::startup::Application;
use entity::enums::UserRole;
use entity::roles::Roles;

/// The roles a partner member moved to when partner roles came
/// (`m20261209_000001_partner_roles`): everything but administration.
pub const PARTNER_MEMBER: &[UserRole] = &[
    UserRole::PartnerManager,
    UserRole::PartnerFinance,
    UserRole::PartnerService,
];

/// The roles a partner admin moved to: administration and everything else.
pub const PARTNER_ADMIN: &[UserRole] = &[
    UserRole::PartnerAdmin,
    UserRole::PartnerManager,
    UserRole::PartnerFinance,
    UserRole::PartnerService,
];
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    /// The database this node serves, for a second node on the same one.
    pub database_url: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    /// Root fields this node read with compiled statements, and those left to resolvers.
    pub reads: std::sync::Arc<channelgraph::graphql::compiled::ReadCounts>,
    /// An access token of the admin every test app starts with.
    pub token: String,
}

pub const ADMIN_EMAIL: &str = "admin@channelgraph.test";
pub const ADMIN_PASSWORD: &str = "admin password for tests";

/// A fresh, empty database URL for one test.
pub async fn fresh_database() -> String {
    let name = format!("cg_test_{}", Uuid::now_v7().simple());
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let admin = Database::connect(&base)
                .await
                .expect("TEST_DATABASE_URL must name a reachable PostgreSQL database");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the test database");
            admin.close().await.ok();
            let (prefix, _) = base.rsplit_once('/').expect("a database URL has a path");
            format!("{prefix}/{name}")
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}", path.display())
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(fresh_database().await, configure).await
}

/// The app on the database `url` names (an empty one), with the admin.
pub async fn spawn_app_on(url: String, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (app, keys) = start(url, configure).await;
    app.create_user(ADMIN_EMAIL, ADMIN_PASSWORD, UserRole::Admin, None)
        .await;
    signed_in(app, &keys).await
}

/// Another node on `app`'s database, as a second `serve` process behind a load balancer.
pub async fn spawn_node_like(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (node, keys) = start(app.database_url.clone(), configure).await;
    signed_in(node, &keys).await
}

async fn start(
    database_url: String,
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, channelgraph::auth::jwt::JwtKeys) {
    // Logs only when asked (TEST_LOG=1), so test output stays readable.
    if std::env::var_os("TEST_LOG").is_some() {
        channelgraph::telemetry::init(channelgraph::settings::LogFormat::Text);
    }
    let mut settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    configure(&mut settings);
    let keys = settings.jwt_keys().expect("the test keys are usable");
    let app = Application::build(settings)
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let statements = app.statements();
    let reads = app.read_counts();
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        database_url,
        client: reqwest::Client::new(),
        db,
        statements,
        reads,
        token: String::new(),
    };
    (app, keys)
}

/// Signs the admin in directly, so that tests of request limits can still get a token.
async fn signed_in(mut app: TestApp, keys: &channelgraph::auth::jwt::JwtKeys) -> TestApp {
    app.token = channelgraph::auth::service::login(
        &app.db,
        keys,
        chrono::Duration::days(1),
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    )
    .await
    .expect("the admin signs in")
    .access_token;
    app
}

impl TestApp {
    /// Creates a user directly, as `channelgraph user create` does.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        roles: impl Into<Roles>,
        organization_id: Option<Uuid>,
    ) -> Uuid {
        let new = parse_new_user(
            email,
            email,
            password.to_owned(),
            roles.into(),
            organization_id,
        )
        .expect("a valid user");
        create_user(&self.db, &Principal::System, new)
            .await
            .expect("the user is created")
            .id
    }

    /// Signs in over HTTP and returns the session payload.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let body = self
            .anonymous(
                "mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken accessTokenExpiresAt user { email roles organization { code } } } }",
                json!({ "input": { "email": email, "password": password } }),
            )
            .await;
        body["data"]["login"].clone()
    }

    /// Signs in over HTTP and returns the access token.
    pub async fn token_for(&self, email: &str, password: &str) -> String {
        self.login(email, password).await["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{email} signs in"))
            .to_owned()
    }

    /// POSTs a GraphQL request without credentials.
    pub async fn anonymous(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the request is sent")
            .json()
            .await
            .expect("the response is JSON")
    }

    /// POSTs a GraphQL request with a given access token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the request is sent")
            .json()
            .await
            .expect("the response is JSON")
    }

    /// Sends `query` with `token` and returns the HTTP status and the body.
    pub async fn send_as(&self, token: &str, query: &str) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("the request is sent");
        (
            res.status().as_u16(),
            res.json().await.expect("the response is JSON"),
        )
    }

    /// A POST to `/graphql` as the admin, for tests that shape the request themselves.
    pub fn post(&self) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(&self.token)
    }

    /// A GET of `/graphql` as the admin.
    pub fn get(&self) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}/graphql", self.address))
            .bearer_auth(&self.token)
    }

    /// POSTs a GraphQL request as the admin and returns the response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.post()
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the request is sent")
            .json()
            .await
            .expect("the response is JSON")
    }

    /// Runs a mutation and returns its payload, asserting there were no GraphQL errors.
    pub async fn mutate(&self, name: &str, selection: &str, input: Value) -> Value {
        let input_type = if name.ends_with("Archive") {
            "ArchiveInput".to_owned()
        } else {
            format!("{}Input", upper_first(name))
        };
        let query = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
        );
        let body = self.graphql(&query, json!({ "input": input })).await;
        assert!(body.get("errors").is_none(), "{name} failed: {body}");
        body["data"][name].clone()
    }

    /// Creates an organization and returns its id.
    /// The secret of a new API token of `organization` with `scopes` (GraphQL enum names).
    pub async fn api_token(&self, organization: &str, scopes: &[&str]) -> String {
        let made = self
            .mutate(
                "apiTokenCreate",
                "secret",
                json!({ "organizationId": organization, "name": format!("Scopes {}", scopes.join(" ")),
                        "scopes": scopes }),
            )
            .await;
        made["secret"].as_str().expect("a token is made").to_owned()
    }

    pub async fn create_org(&self, kind: &str, name: &str, code: &str) -> String {
        let payload = self
            .mutate(
                "organizationCreate",
                "organization { id }",
                json!({ "kind": kind, "name": name, "code": code }),
            )
            .await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        payload["organization"]["id"].as_str().unwrap().to_owned()
    }

    /// Links two organizations (given by id) since 2025-01-01 and returns the link's id.
    pub async fn link(&self, upstream: &str, downstream: &str, kind: &str) -> String {
        let body = self
            .mutate(
                "channelLinkCreate",
                "channelLink { id }",
                json!({ "upstreamId": upstream, "downstreamId": downstream, "kind": kind, "since": "2025-01-01" }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        body["channelLink"]["id"].as_str().unwrap().to_owned()
    }

    /// Adds an active product at `list_price` EUR and returns its id.
    pub async fn create_product(&self, sku: &str, line: &str, list_price: &str) -> String {
        let body = self
            .mutate(
                "productCreate",
                "product { id }",
                json!({ "sku": sku, "name": format!("Product {sku}"), "productLine": line, "unit": "EACH",
                        "listPrice": { "amount": list_price, "currency": "EUR" } }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        body["product"]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a EUR price list valid from 2020 on, with `(product id, min quantity, unit
    /// price)` entries, and returns its id.
    pub async fn create_price_list(&self, code: &str, entries: &[(&str, &str, &str)]) -> String {
        let entries: Vec<Value> = entries
            .iter()
            .map(|(p, q, u)| json!({ "productId": p, "minQuantity": q, "unitPrice": u }))
            .collect();
        let body = self
            .mutate(
                "priceListCreate",
                "priceList { id }",
                json!({ "code": code, "name": code, "currency": "EUR", "validFrom": "2020-01-01", "entries": entries }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        body["priceList"]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a tier on a price list with payment terms, and returns its id.
    pub async fn create_tier(&self, code: &str, price_list: &str, terms_days: i32) -> String {
        let body = self
            .mutate(
                "partnerTierCreate",
                "partnerTier { id }",
                json!({ "code": code, "name": code, "rank": 1, "priceListId": price_list, "paymentTermsDays": terms_days }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        body["partnerTier"]["id"].as_str().unwrap().to_owned()
    }

    /// Moves an organization into a tier.
    pub async fn assign_tier(&self, organization: &str, tier: &str) {
        let version = self.version_of(organization).await;
        let body = self
            .mutate(
                "partnerTierAssign",
                "organization { id }",
                json!({ "organizationId": organization, "version": version, "tierId": tier }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
    }

    /// The current version of any node that has one.
    pub async fn version_of(&self, id: &str) -> i64 {
        let body = self
            .graphql(
                "query($id: ID!) { node(id: $id) { ... on Organization { version } ... on Product { version } ... on PriceList { version } ... on PartnerTier { version } ... on Interaction { version } ... on Commitment { version } ... on Task { version } ... on Case { version } ... on Campaign { version } ... on Opportunity { version } ... on Lead { version } ... on DealRegistration { version } } }",
                json!({ "id": id }),
            )
            .await;
        body["data"]["node"]["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("{id} has a version: {body}"))
    }

    /// How many organizations exist, archived ones included.
    pub async fn organization_count(&self) -> i64 {
        let body = self
            .graphql(
                "{ organizations(filter: { includeArchived: true }) { totalCount } }",
                json!({}),
            )
            .await;
        body["data"]["organizations"]["totalCount"]
            .as_i64()
            .unwrap()
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
