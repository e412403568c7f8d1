//! Customer analytics at scale, over HTTP, on PostgreSQL: the portfolio figures and the
//! figures of a page of 50 customers.
//!
//! `cargo bench --bench analytics` loads a fresh database on the server at
//! `BENCH_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`) with the demo
//! data set, then `ANALYTICS_BENCH_CUSTOMERS` end customers (default 200,000) and
//! `ANALYTICS_BENCH_ORDERS` orders (default 1,000,000) of 5 lines each over the three years
//! before today, written by SQL in bulk and deterministic (`setseed`). Order counts are
//! skewed so that about a fifth of the customers place four fifths of the orders. Each
//! query runs `ANALYTICS_BENCH_RUNS` times (default 7) after one warm-up; every answer is
//! checked for errors and for the figures it must hold. `ANALYTICS_BENCH_DATABASE_URL`
//! names a database an earlier run loaded (it prints its URL) to measure again without
//! loading.

// The schema is deep: laying out its resolvers takes more than the default limit.
#![recursion_limit = "256"]

mod common;

use std::time::{Duration, Instant};

use channelgraph::access::Principal;
use channelgraph::auth::service::{create_user, parse_new_user};
use channelgraph::settings::Settings;
use channelgraph::startup::Application;
use common::{env_number, fresh_database};
use entity::enums::UserRole;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde_json::{Value, json};

/// Writes the customers, orders and lines in bulk.
async fn load(db: &DatabaseConnection, customers: usize, orders: usize) {
    let started = Instant::now();
    let top = customers / 5;
    let statements = [
        "SELECT setseed(0.42)".to_owned(),
        format!(
            "INSERT INTO organizations (id, kind, name, name_key, code, segment, customer_type, status, key_account, created_at, updated_at, version)
             SELECT md5('bench-customer-' || i)::uuid, 'END_CUSTOMER', 'Customer ' || i, 'customer ' || lpad(i::text, 7, '0'),
                    'BC-' || lpad(i::text, 7, '0'),
                    (ARRAY['FINANCE','ENTERPRISE','EDUCATION','GOVERNMENT','RETAIL','MANUFACTURING','HEALTHCARE','HOSPITALITY','CONSTRUCTION','OTHER'])[1 + i % 10],
                    'BUSINESS', 'ACTIVE', false, now(), now(), 1
             FROM generate_series(1, {customers}) i"
        ),
        // Four orders in five go to the first fifth of the customers, the rest to the
        // others, each uniformly: the 80/20 rule without one customer dwarfing the rest.
        format!(
            "INSERT INTO orders (id, kind, number, buyer_id, seller_id, buyer_po_number, content_hash, status, currency, total, tax_total,
                                 invoiced_amount, payment_terms_days, submitted_at, created_at, updated_at, version)
             SELECT md5('bench-order-' || i)::uuid, 'SALES', 'BO-' || lpad(i::text, 8, '0'),
                    md5('bench-customer-' || (CASE WHEN random() < 0.8
                        THEN 1 + floor(random() * {top})
                        ELSE 1 + {top} + floor(random() * ({customers} - {top})) END)::bigint)::uuid,
                    (SELECT id FROM organizations WHERE kind = 'BRAND'), 'BPO-' || i, md5(i::text),
                    CASE WHEN i % 50 = 0 THEN 'CANCELLED' ELSE 'PAID' END, 'EUR', 0, 0, 0, 30, t, t, t, 1
             FROM (SELECT i, now() - (random() * interval '1095 days') AS t FROM generate_series(1, {orders}) i) o"
        ),
        "CREATE TEMPORARY TABLE bench_products ON COMMIT DROP AS
             SELECT row_number() OVER (ORDER BY sku) - 1 AS n, id, list_price, unit FROM products".to_owned(),
        "INSERT INTO order_lines (id, order_id, line_number, product_id, quantity, unit, unit_price, price_source, line_total,
                                  tax_rate, tax_amount, status, accepted_quantity, shipped_quantity, invoiced_quantity)
         SELECT md5(o.id::text || k)::uuid, o.id, k, p.id, q, p.unit, p.list_price, 'LIST_PRICE', q * p.list_price, 0, 0,
                'ACCEPTED', q, q, q
         FROM (SELECT id, (('x' || substr(md5(id::text), 1, 8))::bit(32)::bigint) AS h FROM orders WHERE number LIKE 'BO-%') o
         CROSS JOIN generate_series(1, 5) k
         CROSS JOIN LATERAL (SELECT 1 + (o.h + k * 7) % 6 AS q) qq
         JOIN bench_products p ON p.n = (o.h + k * 3) % (SELECT count(*) FROM bench_products)".to_owned(),
        "UPDATE orders SET total = s.total FROM
             (SELECT order_id, sum(line_total) AS total FROM order_lines GROUP BY order_id) s
         WHERE orders.id = s.order_id AND orders.number LIKE 'BO-%'".to_owned(),
        // Costs frozen on the lines and the orders' margins, as the services write them.
        "UPDATE order_lines l SET unit_cost = p.standard_cost FROM products p, orders o
         WHERE p.id = l.product_id AND o.id = l.order_id AND p.currency = o.currency
           AND o.number LIKE 'BO-%'".to_owned(),
        "UPDATE orders o SET cost = c.cost, margin = c.margin FROM
             (SELECT l.order_id, sum(c) AS cost, sum(l.line_total - c) AS margin
              FROM order_lines l,
                   LATERAL (SELECT round(l.accepted_quantity::numeric * l.unit_cost / 10000.0)::bigint AS c) lc
              WHERE l.unit_cost IS NOT NULL GROUP BY l.order_id) c
         WHERE c.order_id = o.id AND o.number LIKE 'BO-%'".to_owned(),
    ];
    // One transaction, so one connection: the seed and the scratch table hold throughout.
    let txn = db.begin().await.expect("a transaction");
    for sql in statements {
        txn.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    channelgraph::analytics::rollups::rebuild(&txn)
        .await
        .expect("the rollups are built");
    txn.execute_unprepared("ANALYZE").await.expect("statistics");
    txn.commit().await.expect("the load commits");
    println!(
        "analytics: loaded {customers} customers and {orders} orders of 5 lines in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn ask(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON answer");
        assert!(body.get("errors").is_none(), "{body}");
        body
    }

    /// Runs `query` once to warm up, then `runs` times; returns the sorted latencies and
    /// the last answer.
    async fn time(&self, runs: usize, query: &str, variables: Value) -> (Vec<Duration>, Value) {
        let mut last = self.ask(query, variables.clone()).await;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            last = self.ask(query, variables.clone()).await;
            times.push(t.elapsed());
        }
        times.sort();
        (times, last)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(name: &str, times: &[Duration]) {
    println!(
        "analytics: {name}: median {:.1} ms, min {:.1} ms, max {:.1} ms over {} runs",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

const FIGURES: &str = "query($after: String) { customers(first: 50, after: $after) { pageInfo { endCursor } nodes { code figures {
    orderCount ordersLast12Months firstOrderAt lastOrderAt averageOrderIntervalDays
    revenueLast12Months { amount } revenueLifetime { amount } marginLast12Months { amount } marginLifetime { amount }
    lifecycleStage relationshipQuadrant lifetimeValueSimple { amount } lifetimeValueRetention { amount } segmentRetentionRate } } } }";

#[tokio::main]
async fn main() {
    let customers = env_number("ANALYTICS_BENCH_CUSTOMERS", 200_000).max(10);
    let orders = env_number("ANALYTICS_BENCH_ORDERS", 1_000_000).max(10);
    let runs = env_number("ANALYTICS_BENCH_RUNS", 7).max(1);
    let reuse = std::env::var("ANALYTICS_BENCH_DATABASE_URL").ok();
    let database_url = match &reuse {
        Some(url) => url.clone(),
        None => fresh_database().await,
    };
    let mut settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    settings.limits.rate_limit_per_minute = u32::MAX;
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    if reuse.is_none() {
        channelgraph::seed::demo(app.db())
            .await
            .expect("the demo seeds");
        load(app.db(), customers, orders).await;
        let new = parse_new_user(
            "analyst@bench.test",
            "Bench Analyst",
            "analyst password 1".to_owned(),
            UserRole::Analyst.into(),
            None,
        )
        .expect("a valid user");
        create_user(app.db(), &Principal::System, new)
            .await
            .expect("the analyst is created");
        println!("analytics: loaded into {database_url}");
    }
    let url = format!("http://127.0.0.1:{}/graphql", app.port());
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    let login: Value = http
        .post(&url)
        .json(&json!({ "query": "mutation { login(input: { email: \"analyst@bench.test\", password: \"analyst password 1\" }) { accessToken } }" }))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON answer");
    let client = Client {
        http,
        url,
        token: login["data"]["login"]["accessToken"]
            .as_str()
            .expect("the analyst signs in")
            .to_owned(),
    };

    // The portfolio: each figure alone, then all in one request.
    let parts = [
        (
            "customers by month, 24 months",
            "{ portfolio { customersByPeriod(periods: 24) { active new cumulative retentionRate } } }",
        ),
        (
            "cohorts, 24 months",
            "{ portfolio { cohorts(months: 24) { size activeByMonth } } }",
        ),
        (
            "Pareto, trailing 12 months",
            "{ portfolio { pareto { customers topFifthShare deciles { share } } } }",
        ),
        (
            "at risk, top 20",
            "{ portfolio { atRisk { lastOrderAt lifetimeValue { amount } } } }",
        ),
        (
            "lost, top 20",
            "{ portfolio { lost { lastOrderAt lifetimeValue { amount } } } }",
        ),
    ];
    for (name, query) in parts {
        let (times, _) = client.time(runs, query, json!({})).await;
        report(name, &times);
    }
    let all = "{ portfolio { customersByPeriod(periods: 24) { active } cohorts(months: 24) { size } pareto { customers topFifthShare } atRisk { lastOrderAt } lost { lastOrderAt } } }";
    let (times, answer) = client.time(runs, all, json!({})).await;
    report("the whole portfolio in one request", &times);
    let pareto = &answer["data"]["portfolio"]["pareto"];
    println!(
        "analytics: {} customers bought in the trailing 12 months; the top fifth brought {} of the revenue",
        pareto["customers"], pareto["topFifthShare"]
    );
    assert!(pareto["customers"].as_i64().unwrap_or(0) > 0, "{answer}");

    // Figures of pages of 50 customers who bought, each page read twice: first when its
    // orders are not yet in PostgreSQL's buffers, then again.
    let first_buyer = client
        .ask("{ organization(code: \"BC-0000001\") { name } }", json!({}))
        .await;
    assert!(
        first_buyer["data"]["organization"]["name"].is_string(),
        "{first_buyer}"
    );
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut after = Value::Null;
    // The demo's customers sort first; skip to the loaded ones (their keys start "customer ").
    loop {
        let body = client.ask(FIGURES, json!({ "after": after })).await;
        let nodes = body["data"]["customers"]["nodes"]
            .as_array()
            .expect("a page");
        if nodes
            .iter()
            .all(|n| n["code"].as_str().is_some_and(|c| c.starts_with("BC-")))
        {
            break;
        }
        after = body["data"]["customers"]["pageInfo"]["endCursor"].clone();
    }
    let mut orders = 0;
    for _ in 0..runs.max(10) {
        let t = Instant::now();
        let body = client.ask(FIGURES, json!({ "after": after })).await;
        cold.push(t.elapsed());
        let t = Instant::now();
        client.ask(FIGURES, json!({ "after": after })).await;
        warm.push(t.elapsed());
        let nodes = body["data"]["customers"]["nodes"]
            .as_array()
            .expect("a page");
        assert_eq!(nodes.len(), 50, "{body}");
        assert!(
            nodes
                .iter()
                .all(|n| n["figures"]["lifecycleStage"].is_string())
        );
        orders += nodes
            .iter()
            .map(|n| n["figures"]["orderCount"].as_i64().unwrap_or(0))
            .sum::<i64>();
        after = body["data"]["customers"]["pageInfo"]["endCursor"].clone();
    }
    cold.sort();
    warm.sort();
    println!(
        "analytics: {} pages of 50 customers with {orders} orders between them",
        cold.len()
    );
    report("figures of a page of 50 customers, first read", &cold);
    report("figures of a page of 50 customers, read again", &warm);
}
