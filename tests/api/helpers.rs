//! Spawns the real server on port 0 against a fresh database: a temporary SQLite file, or a
//! new PostgreSQL database when `TEST_DATABASE_URL` is set.

use channelgraph::db::StatementCounter;
use channelgraph::settings::Settings;
use channelgraph::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
}

/// A fresh, empty database URL for one test.
async fn fresh_database() -> String {
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
    // Logs only when asked (TEST_LOG=1), so test output stays readable.
    if std::env::var_os("TEST_LOG").is_some() {
        channelgraph::telemetry::init(channelgraph::settings::LogFormat::Text);
    }
    let mut settings = Settings {
        database_url: fresh_database().await,
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let statements = app.statements();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        statements,
    }
}

impl TestApp {
    /// POSTs a GraphQL request as JSON and returns the response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
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
