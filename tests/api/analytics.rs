//! Customer and channel analytics against a fixture small enough to work out by hand: twelve
//! customers over two years, with orders, margins, cases and surveys. Every figure the API
//! gives is compared exactly with the arithmetic written out beside it.

use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

pub fn at(ts: &str) -> SqlValue {
    chrono::DateTime::parse_from_rfc3339(ts)
        .unwrap()
        .with_timezone(&chrono::Utc)
        .into()
}

fn day(d: &str) -> SqlValue {
    d.parse::<chrono::NaiveDate>().unwrap().into()
}

/// Sets columns of one row directly: the fixture's history happened before the test ran.
pub async fn set(app: &TestApp, table: &str, id: &str, columns: &[(&str, SqlValue)]) {
    let backend = app.db.get_database_backend();
    let mark = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = {}", mark(i + 1)))
        .collect();
    let mut values: Vec<SqlValue> = columns.iter().map(|(_, v)| v.clone()).collect();
    values.push(uuid_of(id).into());
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = {}",
        assignments.join(", "),
        mark(columns.len() + 1)
    );
    let done = app
        .db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{table} {id}");
    // An order changed in SQL, outside the API, is counted again as an operator would.
    if table == "orders" {
        let txn = channelgraph::db::begin_write(&app.db).await.unwrap();
        channelgraph::analytics::rollups::rebuild(&txn)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
}

pub async fn customer(app: &TestApp, name: &str, code: &str, segment: Option<&str>) -> String {
    let mut input = json!({ "kind": "END_CUSTOMER", "name": name, "code": code });
    if let Some(s) = segment {
        input["segment"] = json!(s);
    }
    let body = app
        .mutate("organizationCreate", "organization { id }", input)
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["organization"]["id"].as_str().unwrap().to_owned()
}

pub async fn product(app: &TestApp, sku: &str, line: &str, price: &str, cost: &str) -> String {
    let body = app
        .mutate(
            "productCreate",
            "product { id standardCost { amount currency } }",
            json!({ "sku": sku, "name": sku, "productLine": line, "unit": "EACH",
                    "listPrice": { "amount": price, "currency": "EUR" }, "standardCost": cost }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["product"]["id"].as_str().unwrap().to_owned()
}

/// Places an order of `quantity` of `sku` for `buyer` (from the brand, at list price, no
/// tax) and moves it to 10:00 UTC on `on`.
pub async fn order(app: &TestApp, buyer: &str, sku: &str, quantity: u32, on: &str) -> String {
    let po = format!("PO-{}-{on}-{sku}", &buyer[buyer.len() - 6..]);
    let body = app
        .mutate(
            "orderSubmit",
            "order { id }",
            json!({ "buyerId": buyer, "poNumber": po,
                    "lines": [{ "sku": sku, "quantity": quantity.to_string() }] }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let id = body["order"]["id"].as_str().unwrap().to_owned();
    set(
        app,
        "orders",
        &id,
        &[("submitted_at", at(&format!("{on}T10:00:00.000000Z")))],
    )
    .await;
    id
}

async fn analytics_app() -> TestApp {
    spawn_app_with(|s| {
        // Defaults, except a margin threshold the fixture's small numbers can cross.
        s.crm.analytics.quadrant_min_margin = Decimal::from(1000);
    })
    .await
}

/// The twelve customers, C1 to C12, and the two products.
struct Fixture {
    c: Vec<String>,
    a: String,
    b: String,
}

/// A: list 100.00, standard cost 60.00 (margin 40.00 a unit). B: list 10.00, cost 9.00
/// (margin 1.00 a unit). No tax. Orders (day, product × quantity; net, margin):
///
/// - C1 RETAIL: 2024-03-10 A5, 2024-09-15 A5, 2025-02-10 A10, 2025-05-20 A10, 2025-08-05 A10,
///   2025-11-15 A10.
/// - C2 RETAIL: 2024-06-01 A20, 2025-03-01 B10.
/// - C3 RETAIL: 2024-02-01 A10.
/// - C4 RETAIL: 2025-10-01 A30.
/// - C5 EDUCATION: B50 on 2024-05-05, 2024-11-05, 2025-04-05, 2025-06-05, 2025-09-05,
///   2025-12-05.
/// - C6 EDUCATION: 2024-04-01 A10, 2024-10-01 A10.
/// - C7 EDUCATION: 2023-07-01 A5, 2025-07-01 A5.
/// - C8 (no segment): 2025-06-15 A10, 2025-12-20 A10.
/// - C9 (no segment): never ordered.
/// - C10 (no segment): 2024-08-01 A10 (cancelled), 2024-12-01 A10.
/// - C11 RETAIL: 2025-09-01 A10, 2025-09-15 A10 in USD.
/// - C12 RETAIL: 2026-01-15 A10, after the as-of day 2025-12-31.
async fn fixture(app: &TestApp) -> Fixture {
    app.create_org("BRAND", "Aurora", "BRAND").await;
    let a = product(app, "A", "Heat pumps", "100.00", "60.00").await;
    let b = product(app, "B", "Parts", "10.00", "9.00").await;
    let segments = [
        Some("RETAIL"),
        Some("RETAIL"),
        Some("RETAIL"),
        Some("RETAIL"),
        Some("EDUCATION"),
        Some("EDUCATION"),
        Some("EDUCATION"),
        None,
        None,
        None,
        Some("RETAIL"),
        Some("RETAIL"),
    ];
    let mut c = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        c.push(
            customer(
                app,
                &format!("C{}", i + 1),
                &format!("C-{:02}", i + 1),
                *segment,
            )
            .await,
        );
    }
    let orders: &[(usize, &str, u32, &str)] = &[
        (1, "A", 5, "2024-03-10"),
        (1, "A", 5, "2024-09-15"),
        (1, "A", 10, "2025-02-10"),
        (1, "A", 10, "2025-05-20"),
        (1, "A", 10, "2025-08-05"),
        (1, "A", 10, "2025-11-15"),
        (2, "A", 20, "2024-06-01"),
        (2, "B", 10, "2025-03-01"),
        (3, "A", 10, "2024-02-01"),
        (4, "A", 30, "2025-10-01"),
        (5, "B", 50, "2024-05-05"),
        (5, "B", 50, "2024-11-05"),
        (5, "B", 50, "2025-04-05"),
        (5, "B", 50, "2025-06-05"),
        (5, "B", 50, "2025-09-05"),
        (5, "B", 50, "2025-12-05"),
        (6, "A", 10, "2024-04-01"),
        (6, "A", 10, "2024-10-01"),
        (7, "A", 5, "2023-07-01"),
        (7, "A", 5, "2025-07-01"),
        (8, "A", 10, "2025-06-15"),
        (8, "A", 10, "2025-12-20"),
        (10, "A", 10, "2024-12-01"),
        (11, "A", 10, "2025-09-01"),
        (12, "A", 10, "2026-01-15"),
    ];
    for (n, sku, q, on) in orders {
        order(app, &c[n - 1], sku, *q, on).await;
    }
    let cancelled = order(app, &c[9], "A", 10, "2024-08-01").await;
    let body = app
        .mutate(
            "orderCancel",
            "order { status }",
            json!({ "id": cancelled, "version": 1 }),
        )
        .await;
    assert_eq!(body["order"]["status"], "CANCELLED", "{body}");
    let usd = order(app, &c[10], "A", 10, "2025-09-15").await;
    set(app, "orders", &usd, &[("currency", "USD".into())]).await;
    Fixture { c, a, b }
}

const FIGURES: &str =
    "name figures(asOf: \"2025-12-31\") { asOf firstOrderAt lastOrderAt daysSinceLastOrder
    orderCount ordersLast12Months ordersInOtherCurrencies averageOrderIntervalDays
    revenueLast12Months { amount currency } revenueLifetime { amount }
    marginLast12Months { amount } marginLifetime { amount }
    lifecycleStage relationshipQuadrant monthsAsCustomer
    lifetimeValueSimple { amount } lifetimeValueRetention { amount } segmentRetentionRate }";

#[tokio::test]
async fn customer_figures_are_worked_out_by_hand() {
    let app = analytics_app().await;
    let f = fixture(&app).await;
    let body = app
        .graphql(
            &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Organization {{ {FIGURES} }} }} }}"),
            json!({ "ids": f.c }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let got = body["data"]["nodes"].as_array().unwrap();

    // Segment retention as of 2025-12-31: who bought in 2024, and of them who bought again
    // in 2025 (every currency counts; cancelled orders and orders after as-of do not).
    //   RETAIL: C1, C2, C3 bought in 2024; C1 and C2 again → 2/3 = 0.6667.
    //   EDUCATION: C5, C6 (C7 bought in 2023, not 2024); C5 again → 1/2 = 0.5.
    //   no segment: C10 only; not again → 0/1 = 0.
    // Retention lifetime value m·r/(1+d−r), d = 0.10:
    //   RETAIL: m × (2/3) / (1.1 − 2/3) = m × (2/3) × (30/13) = m × 20/13.
    //   EDUCATION: m × 0.5 / 0.6 = m × 5/6.  No segment: 0.
    // Simple lifetime value: lifetime revenue ÷ months (first order's month to 2025-12, both
    // counted) × 12 × 3 years.
    #[rustfmt::skip]
    let expected = [
        // C1: 6 orders; 2025: 4 × A10 = 4 × 1000.00 revenue, 4 × 400.00 margin; 2024: 2 × A5
        // = 1000.00 revenue, 400.00 margin. Interval 2024-03-10 → 2025-11-15 = 615 days / 5 =
        // 123. Days since 2025-11-15: 46. LOYAL: 6 ≥ 5 orders, first 661 days ago ≥ 365.
        // Quadrant: 4 orders ≥ 4, margin 1600 ≥ 1000 → PARTNER. Months 2024-03..2025-12 = 22.
        // Simple: 5000 / 22 × 36 = 8181.8181… → 8181.82. Retention: 1600 × 20/13 = 2461.538… →
        // 2461.54.
        ("C1", "2024-03-10", "2025-11-15", 46, 6, 4, 0, json!("123.00"), "4000.00", "5000.00", "1600.00", "2000.00", "LOYAL", json!("PARTNER"), json!(22), json!("8181.82"), json!("2461.54"), json!("0.6667")),
        // C2: A20 (2000.00, margin 800.00) in 2024, B10 (100.00, margin 10.00) on 2025-03-01:
        // 305 days ago > 180 → AT_RISK. Interval 273 days. 1 order in 12 months, margin 10 →
        // ACQUAINTANCE. Months 2024-06..2025-12 = 19: 2100 / 19 × 36 = 3978.947… → 3978.95.
        // Retention: 10 × 20/13 = 15.38.
        ("C2", "2024-06-01", "2025-03-01", 305, 2, 1, 0, json!("273.00"), "100.00", "2100.00", "10.00", "810.00", "AT_RISK", json!("ACQUAINTANCE"), json!(19), json!("3978.95"), json!("15.38"), json!("0.6667")),
        // C3: one A10 on 2024-02-01, 699 days ago > 365 → LOST. Months 23: 1000 / 23 × 36 =
        // 1565.217… → 1565.22. Retention: margin 0 in 12 months → 0.
        ("C3", "2024-02-01", "2024-02-01", 699, 1, 0, 0, Value::Null, "0.00", "1000.00", "0.00", "400.00", "LOST", json!("ACQUAINTANCE"), json!(23), json!("1565.22"), json!("0.00"), json!("0.6667")),
        // C4: one A30 (3000.00, margin 1200.00) 91 days ago → FIRST_TIME; 1 order, margin
        // 1200 ≥ 1000 → FUNCTIONAL. Months 3: 3000 / 3 × 36 = 36000. 1200 × 20/13 = 1846.15.
        ("C4", "2025-10-01", "2025-10-01", 91, 1, 1, 0, Value::Null, "3000.00", "3000.00", "1200.00", "1200.00", "FIRST_TIME", json!("FUNCTIONAL"), json!(3), json!("36000.00"), json!("1846.15"), json!("0.6667")),
        // C5: six B50 (500.00, margin 50.00 each), four in 2025. 2024-05-05 → 2025-12-05 = 579
        // days / 5 = 115.8. LOYAL. 4 orders, margin 200 < 1000 → EMOTIONAL. Months 20: 3000 /
        // 20 × 36 = 5400. Retention: 200 × 5/6 = 166.67.
        ("C5", "2024-05-05", "2025-12-05", 26, 6, 4, 0, json!("115.80"), "2000.00", "3000.00", "200.00", "300.00", "LOYAL", json!("EMOTIONAL"), json!(20), json!("5400.00"), json!("166.67"), json!("0.5000")),
        // C6: A10 twice in 2024, 183 days apart; last 456 days ago → LOST. Months 21: 2000 / 21
        // × 36 = 3428.571… → 3428.57.
        ("C6", "2024-04-01", "2024-10-01", 456, 2, 0, 0, json!("183.00"), "0.00", "2000.00", "0.00", "800.00", "LOST", json!("ACQUAINTANCE"), json!(21), json!("3428.57"), json!("0.00"), json!("0.5000")),
        // C7: A5 on 2023-07-01 and 2025-07-01 (731 days apart); 183 days ago → AT_RISK.
        // Months 30: 1000 / 30 × 36 = 1200. Retention: 200 × 5/6 = 166.67.
        ("C7", "2023-07-01", "2025-07-01", 183, 2, 1, 0, json!("731.00"), "500.00", "1000.00", "200.00", "400.00", "AT_RISK", json!("ACQUAINTANCE"), json!(30), json!("1200.00"), json!("166.67"), json!("0.5000")),
        // C8: A10 twice, 188 days apart, last 11 days ago → REPEAT. 2 orders, margin 800 →
        // ACQUAINTANCE. Months 7: 2000 / 7 × 36 = 10285.714… → 10285.71. r = 0 → 0.
        ("C8", "2025-06-15", "2025-12-20", 11, 2, 2, 0, json!("188.00"), "2000.00", "2000.00", "800.00", "800.00", "REPEAT", json!("ACQUAINTANCE"), json!(7), json!("10285.71"), json!("0.00"), json!("0.0000")),
        // C9: no order → PROSPECT, no quadrant, no lifetime value.
        ("C9", "", "", -1, 0, 0, 0, Value::Null, "0.00", "0.00", "0.00", "0.00", "PROSPECT", Value::Null, Value::Null, Value::Null, Value::Null, json!("0.0000")),
        // C10: the 2024-08-01 order is cancelled; A10 on 2024-12-01, 395 days ago → LOST.
        // Months 13: 1000 / 13 × 36 = 2769.230… → 2769.23.
        ("C10", "2024-12-01", "2024-12-01", 395, 1, 0, 0, Value::Null, "0.00", "1000.00", "0.00", "400.00", "LOST", json!("ACQUAINTANCE"), json!(13), json!("2769.23"), json!("0.00"), json!("0.0000")),
        // C11: A10 in EUR and A10 in USD, 14 days apart: both count as orders, only the EUR
        // one as money. Last 107 days ago → REPEAT. Months 4: 1000 / 4 × 36 = 9000. 400 ×
        // 20/13 = 615.38.
        ("C11", "2025-09-01", "2025-09-15", 107, 2, 2, 1, json!("14.00"), "1000.00", "1000.00", "400.00", "400.00", "REPEAT", json!("ACQUAINTANCE"), json!(4), json!("9000.00"), json!("615.38"), json!("0.6667")),
        // C12: its only order is after the as-of day → PROSPECT as of 2025-12-31.
        ("C12", "", "", -1, 0, 0, 0, Value::Null, "0.00", "0.00", "0.00", "0.00", "PROSPECT", Value::Null, Value::Null, Value::Null, Value::Null, json!("0.6667")),
    ];
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(expected.iter()) {
        let (
            name,
            first,
            last,
            since,
            n,
            n12,
            other,
            interval,
            rev12,
            rev,
            m12,
            m,
            stage,
            quadrant,
            months,
            simple,
            retention,
            rate,
        ) = e;
        let fig = &g["figures"];
        assert_eq!(g["name"], *name);
        let when = |d: &str| {
            if d.is_empty() {
                Value::Null
            } else {
                json!(format!("{d}T10:00:00.000000Z"))
            }
        };
        assert_eq!(fig["asOf"], "2025-12-31", "{name}");
        assert_eq!(fig["firstOrderAt"], when(first), "{name}");
        assert_eq!(fig["lastOrderAt"], when(last), "{name}");
        assert_eq!(
            fig["daysSinceLastOrder"],
            if *since < 0 {
                Value::Null
            } else {
                json!(since)
            },
            "{name}"
        );
        assert_eq!(fig["orderCount"], json!(n), "{name}");
        assert_eq!(fig["ordersLast12Months"], json!(n12), "{name}");
        assert_eq!(fig["ordersInOtherCurrencies"], json!(other), "{name}");
        assert_eq!(fig["averageOrderIntervalDays"], *interval, "{name}");
        assert_eq!(
            fig["revenueLast12Months"],
            json!({ "amount": rev12, "currency": "EUR" }),
            "{name}"
        );
        assert_eq!(fig["revenueLifetime"]["amount"], *rev, "{name}");
        assert_eq!(fig["marginLast12Months"]["amount"], *m12, "{name}");
        assert_eq!(fig["marginLifetime"]["amount"], *m, "{name}");
        assert_eq!(fig["lifecycleStage"], *stage, "{name}");
        assert_eq!(fig["relationshipQuadrant"], *quadrant, "{name}");
        assert_eq!(fig["monthsAsCustomer"], *months, "{name}");
        let amount = |v: &Value| {
            if v.is_null() {
                Value::Null
            } else {
                json!({ "amount": v })
            }
        };
        assert_eq!(fig["lifetimeValueSimple"], amount(simple), "{name}");
        assert_eq!(fig["lifetimeValueRetention"], amount(retention), "{name}");
        assert_eq!(fig["segmentRetentionRate"], *rate, "{name}");
    }

    // The settings in force, as the descriptions name them.
    let body = app
        .graphql(
            "{ analyticsSettings { reportingCurrency atRiskAfterDays lostAfterDays loyalMinOrders loyalMinTenureDays quadrantMinOrders quadrantMinMargin { amount currency } expectedYears discountRate reportMonths } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["analyticsSettings"],
        json!({ "reportingCurrency": "EUR", "atRiskAfterDays": 180, "lostAfterDays": 365,
                "loyalMinOrders": 5, "loyalMinTenureDays": 365, "quadrantMinOrders": 4,
                "quadrantMinMargin": { "amount": "1000.00", "currency": "EUR" },
                "expectedYears": "3", "discountRate": "0.10", "reportMonths": 3 }),
        "{body}"
    );
    let _ = (&f.a, &f.b);
}

#[tokio::test]
async fn the_portfolio_is_worked_out_by_hand() {
    let app = analytics_app().await;
    let f = fixture(&app).await;
    let body = app
        .graphql(
            r#"{ portfolio(asOf: "2025-12-31") {
                asOf seller { code }
                q: customersByPeriod(period: QUARTER, periods: 8) { start end active new cumulative previous retained retentionRate churnRate }
                y: customersByPeriod(period: YEAR, periods: 2) { start end active new cumulative previous retained retentionRate churnRate }
                m: customersByPeriod(periods: 3) { start active new cumulative previous retained retentionRate }
                cohorts { month size activeByMonth retentionByMonth }
                long: cohorts(months: 24) { month size activeByMonth }
                pareto { customers revenue { amount currency } topFifthShare deciles { decile customers revenue { amount } share } }
                lifetime: pareto(window: LIFETIME) { customers revenue { amount } topFifthShare }
                atRisk { organization { name } lastOrderAt orderCount revenueLifetime { amount } lifetimeValue { amount } }
                lost { organization { name } lastOrderAt lifetimeValue { amount } }
              } }"#,
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let p = &body["data"]["portfolio"];
    assert_eq!(p["asOf"], "2025-12-31");
    assert_eq!(p["seller"]["code"], "BRAND");

    // Months with a counted order (any currency), per customer:
    //   C1 2024-03, 2024-09, 2025-02, 2025-05, 2025-08, 2025-11; C2 2024-06, 2025-03;
    //   C3 2024-02; C4 2025-10; C5 2024-05, 2024-11, 2025-04, 2025-06, 2025-09, 2025-12;
    //   C6 2024-04, 2024-10; C7 2023-07, 2025-07; C8 2025-06, 2025-12; C10 2024-12;
    //   C11 2025-09.
    // Quarters:      active                 new                cumulative  retained/previous
    //   2023Q3       C7                     C7                 1
    //   2024Q1       C1 C3                  C1 C3              3           0/0 (none in 2023Q4)
    //   2024Q2       C2 C5 C6               C2 C5 C6           6           0/2
    //   2024Q3       C1                     -                  6           0/3
    //   2024Q4       C5 C6 C10              C10                7           0/1
    //   2025Q1       C1 C2                  -                  7           0/3
    //   2025Q2       C1 C5 C8               C8                 8           1/2 (C1)
    //   2025Q3       C1 C5 C7 C11           C11                9           2/3 (C1 C5)
    //   2025Q4       C1 C4 C5 C8            C4                 10          2/4 (C1 C5)
    let q = |start: &str,
             end: &str,
             a: i64,
             n: i64,
             c: i64,
             prev: i64,
             r: i64,
             rate: Value,
             churn: Value| {
        json!({ "start": start, "end": end, "active": a, "new": n, "cumulative": c, "previous": prev,
                "retained": r, "retentionRate": rate, "churnRate": churn })
    };
    assert_eq!(
        p["q"],
        json!([
            q(
                "2024-01-01",
                "2024-03-31",
                2,
                2,
                3,
                0,
                0,
                Value::Null,
                Value::Null
            ),
            q(
                "2024-04-01",
                "2024-06-30",
                3,
                3,
                6,
                2,
                0,
                json!("0.0000"),
                json!("1.0000")
            ),
            q(
                "2024-07-01",
                "2024-09-30",
                1,
                0,
                6,
                3,
                0,
                json!("0.0000"),
                json!("1.0000")
            ),
            q(
                "2024-10-01",
                "2024-12-31",
                3,
                1,
                7,
                1,
                0,
                json!("0.0000"),
                json!("1.0000")
            ),
            q(
                "2025-01-01",
                "2025-03-31",
                2,
                0,
                7,
                3,
                0,
                json!("0.0000"),
                json!("1.0000")
            ),
            q(
                "2025-04-01",
                "2025-06-30",
                3,
                1,
                8,
                2,
                1,
                json!("0.5000"),
                json!("0.5000")
            ),
            q(
                "2025-07-01",
                "2025-09-30",
                4,
                1,
                9,
                3,
                2,
                json!("0.6667"),
                json!("0.3333")
            ),
            q(
                "2025-10-01",
                "2025-12-31",
                4,
                1,
                10,
                4,
                2,
                json!("0.5000"),
                json!("0.5000")
            ),
        ]),
        "{}",
        p["q"]
    );
    // Years: 2024 active C1 C2 C3 C5 C6 C10, all new (C7 came in 2023): cumulative 7; of
    // 2023's C7 none again → 0/1. 2025 active C1 C2 C4 C5 C7 C8 C11, new C4 C8 C11 →
    // cumulative 10; of 2024's six, C1 C2 C5 again → 3/6.
    assert_eq!(
        p["y"],
        json!([
            q(
                "2024-01-01",
                "2024-12-31",
                6,
                6,
                7,
                1,
                0,
                json!("0.0000"),
                json!("1.0000")
            ),
            q(
                "2025-01-01",
                "2025-12-31",
                7,
                3,
                10,
                6,
                3,
                json!("0.5000"),
                json!("0.5000")
            ),
        ])
    );
    // Months: October C4 (new; September had C5 and C11), November C1, December C5 C8.
    assert_eq!(
        p["m"],
        json!([
            { "start": "2025-10-01", "active": 1, "new": 1, "cumulative": 10, "previous": 2, "retained": 0, "retentionRate": "0.0000" },
            { "start": "2025-11-01", "active": 1, "new": 0, "cumulative": 10, "previous": 1, "retained": 0, "retentionRate": "0.0000" },
            { "start": "2025-12-01", "active": 2, "new": 0, "cumulative": 10, "previous": 1, "retained": 0, "retentionRate": "0.0000" },
        ])
    );

    // Cohorts of 2025 (12 months): first orders in 2025 are C8 (June: again in December,
    // month 6), C11 (September) and C4 (October); the other months are empty.
    let cohorts = p["cohorts"].as_array().unwrap();
    assert_eq!(cohorts.len(), 12);
    for (i, cohort) in cohorts.iter().enumerate() {
        let month = format!("2025-{:02}-01", i + 1);
        let (size, active): (i64, Vec<i64>) = match i + 1 {
            6 => (1, vec![1, 0, 0, 0, 0, 0, 1]),
            9 => (1, vec![1, 0, 0, 0]),
            10 => (1, vec![1, 0, 0]),
            m => (0, vec![0; 13 - m]),
        };
        assert_eq!(cohort["month"], month.as_str());
        assert_eq!(cohort["size"], size, "{month}");
        assert_eq!(cohort["activeByMonth"], json!(active), "{month}");
        let rates: Vec<&str> = active
            .iter()
            .map(|n| if *n == 1 { "1.0000" } else { "0.0000" })
            .collect();
        assert_eq!(cohort["retentionByMonth"], json!(rates), "{month}");
    }
    // Over 24 months, March 2024 is C1's cohort: it bought in months 0 (2024-03), 6
    // (2024-09), 11 (2025-02), 14 (2025-05), 17 (2025-08) and 20 (2025-11), of 22 months.
    let long = p["long"].as_array().unwrap();
    assert_eq!(long.len(), 24);
    assert_eq!(long[2]["month"], "2024-03-01");
    let mut c1 = vec![0; 22];
    for k in [0, 6, 11, 14, 17, 20] {
        c1[k] = 1;
    }
    assert_eq!(long[2]["activeByMonth"], json!(c1));
    // April 2024: C6 (again only in October 2024, month 6).
    assert_eq!(long[3]["size"], 1);
    assert_eq!(long[3]["activeByMonth"][6], 1);

    // Pareto over 2025 in EUR: C1 4000, C4 3000, C5 2000, C8 2000, C11 1000 (its USD order
    // left out), C7 500, C2 100: 7 customers, 12600. The top k tenths are ⌈0.7 k⌉ customers:
    //   k 1..10 → 1, 2, 3, 3, 4, 5, 5, 6, 7, 7 customers
    //   revenue 4000, 7000, 9000, 9000, 11000, 12000, 12000, 12500, 12600, 12600
    //   share 4000/12600 = 0.3175, 0.5556, 0.7143, 0.7143, 0.8730, 0.9524, 0.9524, 0.9921, 1, 1
    let pareto = &p["pareto"];
    assert_eq!(pareto["customers"], 7);
    assert_eq!(
        pareto["revenue"],
        json!({ "amount": "12600.00", "currency": "EUR" })
    );
    assert_eq!(pareto["topFifthShare"], "0.5556");
    let counts = [1, 2, 3, 3, 4, 5, 5, 6, 7, 7];
    let revenue = [
        4000, 7000, 9000, 9000, 11000, 12000, 12000, 12500, 12600, 12600,
    ];
    let share = [
        "0.3175", "0.5556", "0.7143", "0.7143", "0.8730", "0.9524", "0.9524", "0.9921", "1.0000",
        "1.0000",
    ];
    for k in 0..10 {
        assert_eq!(
            pareto["deciles"][k],
            json!({ "decile": k + 1, "customers": counts[k], "revenue": { "amount": format!("{}.00", revenue[k]) }, "share": share[k] }),
            "decile {}",
            k + 1
        );
    }
    // Lifetime: C1 5000, C4 3000, C5 3000, C2 2100, C6 2000, C8 2000, C3, C7, C10, C11 1000
    // each: 10 customers, 21100; the top fifth (2) have 8000 → 0.3791.
    assert_eq!(
        p["lifetime"],
        json!({ "customers": 10, "revenue": { "amount": "21100.00" }, "topFifthShare": "0.3791" })
    );

    // At risk (181 to 365 days since the last order): C2 (305 days, 3978.95) and C7 (183
    // days, 1200.00), most valuable first. Lost (more than 365 days): C6 (3428.57), C10
    // (2769.23), C3 (1565.22).
    assert_eq!(
        p["atRisk"],
        json!([
            { "organization": { "name": "C2" }, "lastOrderAt": "2025-03-01T10:00:00.000000Z", "orderCount": 2, "revenueLifetime": { "amount": "2100.00" }, "lifetimeValue": { "amount": "3978.95" } },
            { "organization": { "name": "C7" }, "lastOrderAt": "2025-07-01T10:00:00.000000Z", "orderCount": 2, "revenueLifetime": { "amount": "1000.00" }, "lifetimeValue": { "amount": "1200.00" } },
        ])
    );
    assert_eq!(
        p["lost"],
        json!([
            { "organization": { "name": "C6" }, "lastOrderAt": "2024-10-01T10:00:00.000000Z", "lifetimeValue": { "amount": "3428.57" } },
            { "organization": { "name": "C10" }, "lastOrderAt": "2024-12-01T10:00:00.000000Z", "lifetimeValue": { "amount": "2769.23" } },
            { "organization": { "name": "C3" }, "lastOrderAt": "2024-02-01T10:00:00.000000Z", "lifetimeValue": { "amount": "1565.22" } },
        ])
    );
    let _ = (&f.a, &f.b);
}

/// Opens a case and rewrites its clock: opened, first answered, resolved, and its two
/// deadlines.
#[allow(clippy::too_many_arguments)]
async fn case(
    app: &TestApp,
    kind: &str,
    org: &str,
    category: Option<&str>,
    sku: Option<&str>,
    opened: &str,
    responded: Option<&str>,
    resolved: Option<&str>,
    response_due: &str,
    resolution_due: &str,
) -> String {
    let mut input = json!({ "kind": kind, "organizationId": org, "subject": "Fixture case" });
    if let Some(c) = category {
        input["category"] = json!(c);
    }
    if let Some(s) = sku {
        input["sku"] = json!(s);
    }
    let body = app.mutate("caseOpen", "case { id }", input).await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let id = body["case"]["id"].as_str().unwrap().to_owned();
    let optional = |t: Option<&str>| match t {
        Some(t) => at(t),
        None => SqlValue::ChronoDateTimeUtc(None),
    };
    set(
        app,
        "cases",
        &id,
        &[
            ("created_at", at(opened)),
            ("first_responded_at", optional(responded)),
            ("resolved_at", optional(resolved)),
            ("first_response_due_at", at(response_due)),
            ("resolution_due_at", at(resolution_due)),
        ],
    )
    .await;
    id
}

async fn survey(app: &TestApp, org: &str, satisfaction: i32, recommend: i32, on: &str) {
    let body = app
        .mutate(
            "surveyResponseRecord",
            "surveyResponse { id }",
            json!({ "organizationId": org, "satisfaction": satisfaction,
                    "likelihoodToRecommend": recommend, "respondedAt": format!("{on}T12:00:00Z") }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

#[tokio::test]
async fn service_figures_are_worked_out_by_hand() {
    let app = analytics_app().await;
    let f = fixture(&app).await;
    let c = |n: usize| f.c[n - 1].as_str();
    // Cases (opened → first response, resolution; deadlines):
    //   K1 complaint C1 PRODUCT_QUALITY A: 02-03 09:00 → 11:00 (2 h), 02-05 09:00 (48 h); due
    //      17:00 and 02-10: on time.
    //   K2 complaint C2 PRODUCT_QUALITY A: 03-10 08:00 → 14:00 (6 h), 03-12 08:00 (48 h); first
    //      response due 12:00: breached.
    //   K3 complaint C1 DELIVERY B: 05-05 10:00 → 14:00 (4 h), 05-11 10:00 (144 h); resolution
    //      due 05-08: breached.
    //   K4 complaint C5 DELIVERY: 11-20 10:00, never answered; response due 11-21: breached.
    //   K5 inquiry C4: 10-02 09:00 → 10:00 (1 h), 12:00 (3 h): on time.
    //   K6 complaint C3 BILLING, opened 2024-06-01: outside the span.
    //   K7 complaint C8 PRODUCT_QUALITY B: 12-30 10:00, not answered, first due 2026-01-05: not
    //      yet breached at the end of 2025.
    case(
        &app,
        "COMPLAINT",
        c(1),
        Some("PRODUCT_QUALITY"),
        Some("A"),
        "2025-02-03T09:00:00Z",
        Some("2025-02-03T11:00:00Z"),
        Some("2025-02-05T09:00:00Z"),
        "2025-02-03T17:00:00Z",
        "2025-02-10T09:00:00Z",
    )
    .await;
    case(
        &app,
        "COMPLAINT",
        c(2),
        Some("PRODUCT_QUALITY"),
        Some("A"),
        "2025-03-10T08:00:00Z",
        Some("2025-03-10T14:00:00Z"),
        Some("2025-03-12T08:00:00Z"),
        "2025-03-10T12:00:00Z",
        "2025-03-20T08:00:00Z",
    )
    .await;
    case(
        &app,
        "COMPLAINT",
        c(1),
        Some("DELIVERY"),
        Some("B"),
        "2025-05-05T10:00:00.000000Z",
        Some("2025-05-05T14:00:00Z"),
        Some("2025-05-11T10:00:00.000000Z"),
        "2025-05-06T10:00:00.000000Z",
        "2025-05-08T10:00:00.000000Z",
    )
    .await;
    case(
        &app,
        "COMPLAINT",
        c(5),
        Some("DELIVERY"),
        None,
        "2025-11-20T10:00:00.000000Z",
        None,
        None,
        "2025-11-21T10:00:00.000000Z",
        "2025-12-01T10:00:00.000000Z",
    )
    .await;
    case(
        &app,
        "INQUIRY",
        c(4),
        None,
        None,
        "2025-10-02T09:00:00Z",
        Some("2025-10-02T10:00:00.000000Z"),
        Some("2025-10-02T12:00:00Z"),
        "2025-10-02T17:00:00Z",
        "2025-10-09T09:00:00Z",
    )
    .await;
    case(
        &app,
        "COMPLAINT",
        c(3),
        Some("BILLING"),
        None,
        "2024-06-01T10:00:00.000000Z",
        None,
        None,
        "2024-06-02T10:00:00.000000Z",
        "2024-06-10T10:00:00.000000Z",
    )
    .await;
    case(
        &app,
        "COMPLAINT",
        c(8),
        Some("PRODUCT_QUALITY"),
        Some("B"),
        "2025-12-30T10:00:00.000000Z",
        None,
        None,
        "2026-01-05T10:00:00.000000Z",
        "2026-01-20T10:00:00.000000Z",
    )
    .await;
    // Surveys (satisfaction, recommend): S1 C1 5/10 02-10; S2 C2 2/3 03-15; S3 C5 4/8 04-20;
    // S4 C1 4/9 08-01; S5 C4 3/7 10-10; S6 C8 5/10 12-01; S7 C3 1/0 2024-05-05 (outside).
    for (n, s, r, on) in [
        (1, 5, 10, "2025-02-10"),
        (2, 2, 3, "2025-03-15"),
        (5, 4, 8, "2025-04-20"),
        (1, 4, 9, "2025-08-01"),
        (4, 3, 7, "2025-10-10"),
        (8, 5, 10, "2025-12-01"),
        (3, 1, 0, "2024-05-05"),
    ] {
        survey(&app, c(n), s, r, on).await;
    }

    let body = app
        .graphql(
            r#"{ serviceFigures(from: "2025-01-01", to: "2025-12-31") {
                from to
                byCategory: complaints(by: CATEGORY) { category count }
                byProduct: complaints(by: PRODUCT) { product { sku } count }
                byOrganization: complaints(by: ORGANIZATION) { organization { name } count }
                byQuarter: complaints(by: QUARTER) { periodStart periodEnd count }
                caseHandling { cases responded meanFirstResponseHours resolved meanResolutionHours breached slaBreachRate }
                quarters: satisfaction(by: QUARTER) { periodStart responses meanSatisfaction recommendAnswers promoters detractors nps }
                year: satisfaction(by: YEAR) { periodStart responses meanSatisfaction recommendAnswers promoters detractors nps }
                segments: satisfaction(by: SEGMENT) { segment responses meanSatisfaction promoters detractors nps }
              } }"#,
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let s = &body["data"]["serviceFigures"];
    assert_eq!(
        (s["from"].as_str(), s["to"].as_str()),
        (Some("2025-01-01"), Some("2025-12-31"))
    );
    // Complaints in 2025: K1 K2 K3 K4 K7. By category: PRODUCT_QUALITY K1 K2 K7, DELIVERY K3
    // K4. By product: A K1 K2, B K3 K7, none K4. By organization: C1 K1 K3, then C2, C5, C8.
    // By quarter: Q1 K1 K2, Q2 K3, Q4 K4 K7.
    assert_eq!(
        s["byCategory"],
        json!([{ "category": "PRODUCT_QUALITY", "count": 3 }, { "category": "DELIVERY", "count": 2 }])
    );
    assert_eq!(
        s["byProduct"],
        json!([{ "product": { "sku": "A" }, "count": 2 }, { "product": { "sku": "B" }, "count": 2 }, { "product": null, "count": 1 }])
    );
    assert_eq!(
        s["byOrganization"],
        json!([
            { "organization": { "name": "C1" }, "count": 2 },
            { "organization": { "name": "C2" }, "count": 1 },
            { "organization": { "name": "C5" }, "count": 1 },
            { "organization": { "name": "C8" }, "count": 1 },
        ])
    );
    assert_eq!(
        s["byQuarter"],
        json!([
            { "periodStart": "2025-01-01", "periodEnd": "2025-03-31", "count": 2 },
            { "periodStart": "2025-04-01", "periodEnd": "2025-06-30", "count": 1 },
            { "periodStart": "2025-10-01", "periodEnd": "2025-12-31", "count": 2 },
        ])
    );
    // Cases opened in 2025: K1 K2 K3 K4 K5 K7 = 6. Answered: K1 2 h, K2 6 h, K3 4 h, K5 1 h →
    // 13 / 4 = 3.25 h. Resolved: K1 48, K2 48, K3 144, K5 3 → 243 / 4 = 60.75 h. Breached:
    // K2, K3, K4 → 3 / 6 = 0.5.
    assert_eq!(
        s["caseHandling"],
        json!({ "cases": 6, "responded": 4, "meanFirstResponseHours": "3.25", "resolved": 4,
                "meanResolutionHours": "60.75", "breached": 3, "slaBreachRate": "0.5000" })
    );
    // Quarters: Q1 S1 S2: satisfaction (5 + 2) / 2 = 3.5; promoters 1 (10), detractors 1 (3)
    // → (1 − 1) × 100 / 2 = 0. Q2 S3: 4; 8 is passive → 0. Q3 S4: 4; a promoter → 100. Q4
    // S5 S6: (3 + 5) / 2 = 4; one promoter, 7 passive → 100 / 2 = 50.
    let sat = |start: &str, n: i64, mean: &str, answers: i64, p: i64, d: i64, nps: &str| {
        json!({ "periodStart": start, "responses": n, "meanSatisfaction": mean, "recommendAnswers": answers,
                "promoters": p, "detractors": d, "nps": nps })
    };
    assert_eq!(
        s["quarters"],
        json!([
            sat("2025-01-01", 2, "3.50", 2, 1, 1, "0.0"),
            sat("2025-04-01", 1, "4.00", 1, 0, 0, "0.0"),
            sat("2025-07-01", 1, "4.00", 1, 1, 0, "100.0"),
            sat("2025-10-01", 2, "4.00", 2, 1, 0, "50.0"),
        ])
    );
    // The year: 23 / 6 = 3.833… → 3.83; promoters S1 S4 S6, detractor S2 → 200 / 6 = 33.3.
    assert_eq!(
        s["year"],
        json!([sat("2025-01-01", 6, "3.83", 6, 3, 1, "33.3")])
    );
    // Segments: EDUCATION S3 (4, passive → 0); RETAIL S1 S2 S4 S5: 14 / 4 = 3.5, promoters
    // S1 S4, detractor S2 → 100 / 4 = 25; no segment S6: 5, a promoter → 100.
    assert_eq!(
        s["segments"],
        json!([
            { "segment": "EDUCATION", "responses": 1, "meanSatisfaction": "4.00", "promoters": 0, "detractors": 0, "nps": "0.0" },
            { "segment": "RETAIL", "responses": 4, "meanSatisfaction": "3.50", "promoters": 2, "detractors": 1, "nps": "25.0" },
            { "segment": null, "responses": 1, "meanSatisfaction": "5.00", "promoters": 1, "detractors": 0, "nps": "100.0" },
        ])
    );
}

async fn order_version(app: &TestApp, id: &str) -> i64 {
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Order { version } } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["node"]["version"].as_i64().unwrap()
}

/// Acknowledges every line of an order as it is, as `token`.
pub async fn accept_all(app: &TestApp, token: &str, order: &str, lines: &[i32]) -> i64 {
    let acks: Vec<Value> = lines
        .iter()
        .map(|n| json!({ "lineNumber": n, "decision": "ACCEPT" }))
        .collect();
    let version = order_version(app, order).await;
    let body = crate::orders::mutate_as(
        app,
        token,
        "orderAcknowledge",
        "OrderAcknowledgeInput",
        "order { version }",
        json!({ "id": order, "version": version, "lines": acks }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    body["order"]["version"].as_i64().unwrap()
}

/// Ships `(line, quantity)` of an order at 09:00 UTC on `on`, as `token`.
pub async fn ship(app: &TestApp, token: &str, order: &str, lines: &[(i32, u32)], on: &str) {
    let version = order_version(app, order).await;
    let lines: Vec<Value> = lines
        .iter()
        .map(|(n, q)| json!({ "lineNumber": n, "quantity": q.to_string() }))
        .collect();
    let body = crate::orders::mutate_as(
        app,
        token,
        "shipmentCreate",
        "ShipmentCreateInput",
        "shipment { id }",
        json!({ "orderId": order, "version": version, "carrier": "DHL",
                "shippedAt": format!("{on}T09:00:00Z"), "lines": lines }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

/// Invoices a shipped order on `issued` and pays it in full on `paid`, as staff.
async fn invoice_and_pay(app: &TestApp, order: &str, issued: &str, paid: &str) {
    let version = order_version(app, order).await;
    let body = app
        .mutate(
            "invoiceCreate",
            "invoice { id version total { amount currency } dueOn }",
            json!({ "orderId": order, "version": version, "issuedOn": issued }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let invoice = &body["invoice"];
    let body = app
        .mutate(
            "paymentRecord",
            "invoice { status }",
            json!({ "invoiceId": invoice["id"], "version": invoice["version"],
                    "amount": invoice["total"], "receivedOn": paid }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

#[tokio::test]
async fn scorecards_are_worked_out_by_hand() {
    let app = analytics_app().await;
    let brand = app.create_org("BRAND", "Aurora", "BRAND").await;
    let s1 = app.create_org("SUPPLIER", "Teile GmbH", "SUP-1").await;
    let body = app
        .mutate(
            "channelLinkCreate",
            "channelLink { id }",
            json!({ "upstreamId": s1, "downstreamId": brand, "kind": "SUPPLIES", "since": "2020-01-01" }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let mut ids = Vec::new();
    for (sku, line, price, cost) in [
        ("W", "Widgets", "100.00", "60.00"),
        ("P", "Parts", "10.00", "5.00"),
        ("T", "Tools", "30.00", "20.00"),
    ] {
        let body = app
            .mutate(
                "productCreate",
                "product { id }",
                json!({ "sku": sku, "name": sku, "productLine": line, "unit": "EACH",
                        "listPrice": { "amount": price, "currency": "EUR" }, "standardCost": cost,
                        "suppliers": [{ "supplierId": s1 }] }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        ids.push(body["product"]["id"].as_str().unwrap().to_owned());
    }
    let list = app
        .create_price_list(
            "GOLD",
            &[
                (&ids[0], "1", "80"),
                (&ids[1], "1", "8"),
                (&ids[2], "1", "25"),
            ],
        )
        .await;
    // GOLD: carry Tools and Widgets, at least 40 % of sales the brand's, monthly inventory
    // and sell-through reports, monthly settlement; 30 days to pay.
    let body = app
        .mutate(
            "partnerTierCreate",
            "partnerTier { id }",
            json!({ "code": "GOLD", "name": "Gold", "rank": 1, "priceListId": list, "paymentTermsDays": 30,
                    "minSalesSharePercent": "40", "requiredProductLines": ["Widgets", "Tools"],
                    "reportsInventoryMonthly": true, "reportsSellThroughMonthly": true,
                    "settlementCadence": "MONTHLY" }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let gold = body["partnerTier"]["id"].as_str().unwrap().to_owned();
    let d1 = app.create_org("DISTRIBUTOR", "Nordlicht", "DIST-1").await;
    let d2 = app.create_org("DISTRIBUTOR", "Südwind", "DIST-2").await;
    app.link(&brand, &d1, "DISTRIBUTES_TO").await;
    app.link(&brand, &d2, "DISTRIBUTES_TO").await;
    app.assign_tier(&d1, &gold).await;
    let staff = app.token.clone();

    // D1's orders at GOLD prices (W 80, P 8): 2024-06-10 W10 = 800 (the year before);
    // 2025-02-10 W10 = 800; 2025-06-10 W20 + P50 = 1600 + 400; 2025-11-10 W5 = 400.
    order(&app, &d1, "W", 10, "2024-06-10").await;
    let feb = order(&app, &d1, "W", 10, "2025-02-10").await;
    let body = app
        .mutate(
            "orderSubmit",
            "order { id }",
            json!({ "buyerId": d1, "poNumber": "D1-JUN", "lines": [
                { "sku": "W", "quantity": "20" }, { "sku": "P", "quantity": "50" } ] }),
        )
        .await;
    let jun = body["order"]["id"].as_str().unwrap().to_owned();
    set(
        &app,
        "orders",
        &jun,
        &[("submitted_at", at("2025-06-10T10:00:00Z"))],
    )
    .await;
    order(&app, &d1, "W", 5, "2025-11-10").await;
    // Invoiced 2025-02-15 (due 03-17), paid 03-10: on time, 23 days. Invoiced 2025-06-15
    // (due 07-15), paid 08-04: late, 50 days.
    accept_all(&app, &staff, &feb, &[1]).await;
    ship(&app, &staff, &feb, &[(1, 10)], "2025-02-12").await;
    invoice_and_pay(&app, &feb, "2025-02-15", "2025-03-10").await;
    accept_all(&app, &staff, &jun, &[1, 2]).await;
    ship(&app, &staff, &jun, &[(1, 20), (2, 50)], "2025-06-12").await;
    invoice_and_pay(&app, &jun, "2025-06-15", "2025-08-04").await;

    // Sell-through: September W10 (share 45 %), October W12 + P20 (38 %), November W8 (no
    // share). Inventory: 2025-10-31 W30; 2025-11-30 W20 + P10.
    for (start, end, lines, share) in [
        (
            "2025-09-01",
            "2025-09-30",
            json!([{ "sku": "W", "quantity": "10" }]),
            Some("45"),
        ),
        (
            "2025-10-01",
            "2025-10-31",
            json!([{ "sku": "W", "quantity": "12" }, { "sku": "P", "quantity": "20" }]),
            Some("38"),
        ),
        (
            "2025-11-01",
            "2025-11-30",
            json!([{ "sku": "W", "quantity": "8" }]),
            None,
        ),
    ] {
        let mut input =
            json!({ "organizationId": d1, "periodStart": start, "periodEnd": end, "lines": lines });
        if let Some(s) = share {
            input["brandSharePercent"] = json!(s);
        }
        let body = app
            .mutate(
                "sellThroughReportSubmit",
                "report { brandSharePercent }",
                input,
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        assert_eq!(body["report"]["brandSharePercent"], json!(share), "{body}");
    }
    for (as_of, lines) in [
        ("2025-10-31", json!([{ "sku": "W", "onHand": "30" }])),
        (
            "2025-11-30",
            json!([{ "sku": "W", "onHand": "20" }, { "sku": "P", "onHand": "10" }]),
        ),
    ] {
        let body = app
            .mutate(
                "inventoryReportSubmit",
                "report { id }",
                json!({ "organizationId": d1, "asOf": as_of, "lines": lines }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
    }
    // Complaints: one about the June order's W (traced to S1), one for D1 without an order.
    for (order_id, sku, opened) in [
        (Some(jun.as_str()), Some("W"), "2025-07-01T10:00:00Z"),
        (None, None, "2025-09-15T10:00:00Z"),
    ] {
        let mut input = json!({ "kind": "COMPLAINT", "organizationId": d1, "subject": "Broken", "category": "PRODUCT_QUALITY" });
        if let Some(o) = order_id {
            input["orderId"] = json!(o);
            input["sku"] = json!(sku);
        }
        let body = app.mutate("caseOpen", "case { id }", input).await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        let id = body["case"]["id"].as_str().unwrap().to_owned();
        set(&app, "cases", &id, &[("created_at", at(opened))]).await;
    }

    // Purchase orders to S1, acknowledged and shipped by its portal:
    //   PO1 2025-03-01, wanted 2025-03-20: W100, shipped 03-18 (on time).
    //   PO2 2025-06-01, wanted 2025-06-20: W100 shipped 06-25 (late), P200 of which 150
    //       shipped 06-19 (on time).
    //   PO3 2025-09-01, no day asked: P100 shipped 09-10 (not timed).
    app.create_user(
        "ops@sup-1.test",
        "ops password 1",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&s1)),
    )
    .await;
    let supplier = app.token_for("ops@sup-1.test", "ops password 1").await;
    let mut pos = Vec::new();
    for (placed, wanted, lines) in [
        (
            "2025-03-01",
            Some("2025-03-20"),
            json!([{ "sku": "W", "quantity": "100", "unitPrice": "50" }]),
        ),
        (
            "2025-06-01",
            Some("2025-06-20"),
            json!([{ "sku": "W", "quantity": "100", "unitPrice": "50" }, { "sku": "P", "quantity": "200", "unitPrice": "5" }]),
        ),
        (
            "2025-09-01",
            None,
            json!([{ "sku": "P", "quantity": "100", "unitPrice": "5" }]),
        ),
    ] {
        let body = app
            .mutate(
                "purchaseOrderCreate",
                "order { id }",
                json!({ "supplierId": s1, "currency": "EUR", "lines": lines }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        let id = body["order"]["id"].as_str().unwrap().to_owned();
        let mut columns = vec![("submitted_at", at(&format!("{placed}T08:00:00Z")))];
        if let Some(w) = wanted {
            columns.push(("requested_date", day(w)));
        }
        set(&app, "orders", &id, &columns).await;
        pos.push(id);
    }
    accept_all(&app, &supplier, &pos[0], &[1]).await;
    ship(&app, &supplier, &pos[0], &[(1, 100)], "2025-03-18").await;
    accept_all(&app, &supplier, &pos[1], &[1, 2]).await;
    ship(&app, &supplier, &pos[1], &[(2, 150)], "2025-06-19").await;
    ship(&app, &supplier, &pos[1], &[(1, 100)], "2025-06-25").await;
    accept_all(&app, &supplier, &pos[2], &[1]).await;
    ship(&app, &supplier, &pos[2], &[(1, 100)], "2025-09-10").await;

    let card = "scorecard(asOf: \"2025-12-31\") { asOf orders revenue { amount currency } revenuePrior12Months { amount }
        revenueGrowth unitsBought unitsSold sellThroughRate unitsOnHand inventoryAsOf weeksOfSupply
        invoicesDue invoicesPaidOnTime onTimePaymentRate complaints complaintRate
        compliance { obligation requirement measured value met } }";
    let supplier_card = "scorecard(asOf: \"2025-12-31\") { asOf shipments shipmentsOnTime onTimeDeliveryRate unitsOrdered unitsShipped fillRate complaints supplierSince tenureDays }";
    let query = format!(
        "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Distributor {{ code {card} }} ... on Supplier {{ code {supplier_card} }} }} }}"
    );
    let body = app.graphql(&query, json!({ "ids": [d1, d2, s1] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let nodes = &body["data"]["nodes"];
    // D1 over 2025: 3 orders, 800 + 2000 + 400 = 3200 against 800 in 2024 → growth
    // (3200 − 800) / 800 = 3. Units bought 10 + 20 + 50 + 5 = 85; sold 10 + 32 + 8 = 50 →
    // 50 / 85 = 0.5882. On hand in the 2025-11-30 report: 30 → 30 × 52 / 50 = 31.2 weeks.
    // Invoices due in 2025: 2, on time 1 → 0.5. Complaints 2 of 3 orders → 0.6667.
    // Obligations: Tools never bought; latest stated share 38 % < 40 %; inventory reported
    // for October and November of September–November; sell-through for all three; the June
    // invoice took 50 days > 31.
    let obligation = |o: &str, requirement: &str, measured: &str, value: &str, met: bool| json!({ "obligation": o, "requirement": requirement, "measured": measured, "value": value, "met": met });
    assert_eq!(
        nodes[0],
        json!({ "code": "DIST-1", "scorecard": {
            "asOf": "2025-12-31", "orders": 3, "revenue": { "amount": "3200.00", "currency": "EUR" },
            "revenuePrior12Months": { "amount": "800.00" }, "revenueGrowth": "3.0000",
            "unitsBought": "85", "unitsSold": "50", "sellThroughRate": "0.5882",
            "unitsOnHand": "30", "inventoryAsOf": "2025-11-30", "weeksOfSupply": "31.2",
            "invoicesDue": 2, "invoicesPaidOnTime": 1, "onTimePaymentRate": "0.5000",
            "complaints": 2, "complaintRate": "0.6667",
            "compliance": [
                obligation("PRODUCT_LINES", "buys Tools, Widgets in 12 months", "did not buy Tools", "1", false),
                obligation("SALES_SHARE", "at least 40 % of its sales are the brand's", "38 % in its latest sell-through report", "38", false),
                obligation("INVENTORY_REPORTS", "an inventory report for each of the last 3 complete months", "2 of 3 months reported", "2", false),
                obligation("SELL_THROUGH_REPORTS", "a sell-through report for each of the last 3 complete months", "3 of 3 months reported", "3", true),
                obligation("SETTLEMENT", "settles monthly: every invoice paid in full within 31 days of issue", "slowest invoice took 50 days", "50", false),
            ],
        } }),
        "{}",
        nodes[0]
    );
    // D2: no orders, reports or tier.
    assert_eq!(nodes[1]["scorecard"]["orders"], 0);
    assert_eq!(nodes[1]["scorecard"]["revenueGrowth"], Value::Null);
    assert_eq!(nodes[1]["scorecard"]["compliance"], json!([]));
    // S1: 3 timed shipments, 2 on time → 0.6667; 450 of 500 units shipped → 0.9; one
    // complaint about W; supplying since 2020-01-01, 2191 days before 2025-12-31.
    assert_eq!(
        nodes[2],
        json!({ "code": "SUP-1", "scorecard": {
            "asOf": "2025-12-31", "shipments": 3, "shipmentsOnTime": 2, "onTimeDeliveryRate": "0.6667",
            "unitsOrdered": "500", "unitsShipped": "450", "fillRate": "0.9000", "complaints": 1,
            "supplierSince": "2020-01-01", "tenureDays": 2191 } })
    );

    // A partner sees its own scorecard only: D1's portal gets D1's, not D2's (which it cannot
    // even see), and the supplier's portal its own.
    app.create_user(
        "buyer@dist-1.test",
        "buyer password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&d1)),
    )
    .await;
    let portal = app.token_for("buyer@dist-1.test", "buyer password 1").await;
    let body = app
        .graphql_as(&portal, &query, json!({ "ids": [d1, d2, s1] }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["nodes"][0]["scorecard"]["revenue"]["amount"],
        "3200.00"
    );
    assert_eq!(body["data"]["nodes"][1], Value::Null);
    assert_eq!(body["data"]["nodes"][2], Value::Null);
    let body = app
        .graphql_as(&supplier, &query, json!({ "ids": [d1, s1] }))
        .await;
    assert_eq!(body["data"]["nodes"][0], Value::Null, "{body}");
    assert_eq!(
        body["data"]["nodes"][1]["scorecard"]["fillRate"], "0.9000",
        "{body}"
    );
}

#[tokio::test]
async fn figures_for_a_page_of_customers_cost_the_same_statements_for_three_and_twelve() {
    let app = analytics_app().await;
    let f = fixture(&app).await;
    let query = format!(
        "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Organization {{ {FIGURES} }} }} }}"
    );
    // The server keeps segment retention rates for a few minutes: the first request works
    // them out, the next ones reuse them.
    let body = app.graphql(&query, json!({ "ids": &f.c[..1] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut costs = Vec::new();
    for n in [3, 12] {
        let before = app.statements.get();
        let body = app.graphql(&query, json!({ "ids": &f.c[..n] })).await;
        let after = app.statements.get();
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["nodes"].as_array().unwrap().len(), n);
        costs.push(after - before);
    }
    assert_eq!(costs[0], costs[1], "statements for 3 and for 12 customers");
    // The organizations, then the orders, the margins and the segments (the caller was
    // checked by the first request and is remembered).
    assert!(costs[1] <= 4, "{} statements", costs[1]);
}

#[tokio::test]
async fn a_partner_sees_figures_of_its_own_trade_only() {
    let app = analytics_app().await;
    app.create_org("BRAND", "Aurora", "BRAND").await;
    product(&app, "A", "Heat pumps", "100.00", "60.00").await;
    let x = app.create_org("DISTRIBUTOR", "X Vertrieb", "DIST-X").await;
    let y = app.create_org("DISTRIBUTOR", "Y Vertrieb", "DIST-Y").await;
    let dealer = app
        .create_org("INTERMEDIATE_CUSTOMER", "Shared Dealer", "DLR-S")
        .await;
    // The dealer buys from both distributors.
    app.link(&x, &dealer, "RESELLS_TO").await;
    app.link(&y, &dealer, "RESELLS_TO").await;
    for (seller, po, quantity, on) in [
        (&x, "X-1", "2", "2025-03-01"),
        (&y, "Y-1", "7", "2025-04-01"),
        (&y, "Y-2", "9", "2025-05-01"),
    ] {
        let body = app
            .mutate(
                "orderSubmit",
                "order { id }",
                json!({ "buyerId": dealer, "sellerId": seller, "poNumber": po,
                        "lines": [{ "sku": "A", "quantity": quantity }] }),
            )
            .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
        let id = body["order"]["id"].as_str().unwrap().to_owned();
        set(
            &app,
            "orders",
            &id,
            &[("submitted_at", at(&format!("{on}T10:00:00Z")))],
        )
        .await;
    }
    app.create_user(
        "buyer@x.test",
        "buyer password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&x)),
    )
    .await;
    let portal = app.token_for("buyer@x.test", "buyer password 1").await;
    let query = r#"query($id: ID!) { node(id: $id) { ... on Organization { figures(asOf: "2025-12-31") {
        orderCount revenueLifetime { amount } marginLifetime { amount } relationshipQuadrant
        lifetimeValueSimple { amount } lifetimeValueRetention { amount } segmentRetentionRate } } } }"#;

    // X sees the dealer's one order with X: 2 × 100; no margin (the brand's costs), so no
    // quadrant and no retention value. Simple value: 200 / 10 months (March to December)
    // × 36 = 720.
    let body = app
        .graphql_as(&portal, query, json!({ "id": dealer }))
        .await;
    assert_eq!(
        body["data"]["node"]["figures"],
        json!({ "orderCount": 1, "revenueLifetime": { "amount": "200.00" }, "marginLifetime": null,
                "relationshipQuadrant": null, "lifetimeValueSimple": { "amount": "720.00" },
                "lifetimeValueRetention": null, "segmentRetentionRate": null }),
        "{body}"
    );
    // Staff see all three orders: 1800 with a margin of 720.
    let body = app.graphql(query, json!({ "id": dealer })).await;
    assert_eq!(body["data"]["node"]["figures"]["orderCount"], 3, "{body}");
    assert_eq!(
        body["data"]["node"]["figures"]["revenueLifetime"]["amount"],
        "1800.00"
    );
    assert_eq!(
        body["data"]["node"]["figures"]["marginLifetime"]["amount"],
        "720.00"
    );

    // X's portfolio is its own customers; Y's is not X's to read.
    let body = app
        .graphql_as(&portal, r#"{ portfolio(asOf: "2025-12-31") { seller { code } pareto(window: LIFETIME) { customers revenue { amount } } } }"#, json!({}))
        .await;
    assert_eq!(
        body["data"]["portfolio"],
        json!({ "seller": { "code": "DIST-X" }, "pareto": { "customers": 1, "revenue": { "amount": "200.00" } } }),
        "{body}"
    );
    let body = app
        .graphql_as(
            &portal,
            "query($y: ID!) { portfolio(sellerId: $y) { asOf } }",
            json!({ "y": y }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    // Staff may look at Y's.
    let body = app
        .graphql(r#"query($y: ID!) { portfolio(sellerId: $y, asOf: "2025-12-31") { pareto(window: LIFETIME) { customers revenue { amount } } } }"#, json!({ "y": y }))
        .await;
    assert_eq!(
        body["data"]["portfolio"]["pareto"]["revenue"]["amount"], "1600.00",
        "{body}"
    );
    // The standard cost is the brand's.
    let body = app
        .graphql_as(
            &portal,
            "{ products { nodes { standardCost { amount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["products"]["nodes"][0]["standardCost"],
        Value::Null,
        "{body}"
    );
}

#[tokio::test]
async fn bad_analytics_arguments_are_refused_naming_the_argument() {
    let app = analytics_app().await;
    app.create_org("BRAND", "Aurora", "BRAND").await;
    let product_id = product(&app, "A", "Heat pumps", "100.00", "60.00").await;
    for (query, field, words) in [
        (
            "{ portfolio { customersByPeriod(periods: 0) { active } } }",
            "periods",
            "periods must be from 1 to 120; it was 0",
        ),
        (
            "{ portfolio { customersByPeriod(periods: 121) { active } } }",
            "periods",
            "it was 121",
        ),
        (
            "{ portfolio { cohorts(months: 61) { size } } }",
            "months",
            "months must be from 1 to 60",
        ),
        (
            "{ portfolio { atRisk(first: 101) { lastOrderAt } } }",
            "first",
            "first must be from 1 to 100",
        ),
        (
            "{ portfolio { lost(first: 0) { lastOrderAt } } }",
            "first",
            "it was 0",
        ),
        (
            r#"{ serviceFigures(from: "2025-12-31", to: "2025-01-01") { from } }"#,
            "to",
            "to (2025-01-01) is before from (2025-12-31)",
        ),
        (
            r#"{ serviceFigures(from: "2010-01-01", to: "2025-01-01") { from } }"#,
            "to",
            "at most ten years",
        ),
    ] {
        let body = app.graphql(query, json!({})).await;
        let err = &body["errors"][0];
        assert_eq!(
            err["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {body}"
        );
        assert_eq!(err["extensions"]["field"], json!(field), "{query}: {body}");
        assert!(
            err["message"].as_str().unwrap().contains(words),
            "{query}: {body}"
        );
    }
    // A seller id of another type, and one that names nothing.
    let body = app
        .graphql(
            "query($id: ID!) { portfolio(sellerId: $id) { asOf } }",
            json!({ "id": product_id }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!("sellerId"),
        "{body}"
    );
    let nobody = channelgraph::ids::GlobalId::encode(
        channelgraph::ids::NodeType::Organization,
        uuid::Uuid::now_v7(),
    );
    let body = app
        .graphql(
            "query($id: ID!) { portfolio(sellerId: $id) { asOf } }",
            json!({ "id": nobody }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!("sellerId"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no organization"),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    // A negative standard cost, and one finer than four places.
    for (cost, words) in [
        ("-1", "must be 0 or more"),
        ("1.23456", "more than 4 decimals"),
    ] {
        let body = app
            .mutate(
                "productCreate",
                "product { id }",
                json!({ "sku": "NEG", "name": "Neg", "productLine": "X", "unit": "EACH",
                        "listPrice": { "amount": "1.00", "currency": "EUR" }, "standardCost": cost }),
            )
            .await;
        assert_eq!(
            body["userErrors"][0]["field"],
            json!(["input", "standardCost"]),
            "{body}"
        );
        assert!(
            body["userErrors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{body}"
        );
    }
    // An out-of-range brand share in a sell-through report.
    let d = app.create_org("DISTRIBUTOR", "D", "DIST-1").await;
    let body = app
        .mutate(
            "sellThroughReportSubmit",
            "report { id }",
            json!({ "organizationId": d, "periodStart": "2025-01-01", "periodEnd": "2025-01-31",
                    "lines": [{ "sku": "A", "quantity": "1" }], "brandSharePercent": "101" }),
        )
        .await;
    assert_eq!(
        body["userErrors"][0]["field"],
        json!(["input", "brandSharePercent"]),
        "{body}"
    );
    // Nothing was written.
    let body = app
        .graphql(
            "{ products { totalCount } sellThroughReports { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "products": { "totalCount": 1 }, "sellThroughReports": { "totalCount": 0 } })
    );
}

#[tokio::test]
async fn margins_and_retention_are_read_only_when_asked_for_and_agree_when_asked_alone() {
    let app = analytics_app().await;
    let f = fixture(&app).await;
    let ask = |selection: &str| {
        format!(
            "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Organization {{ code figures {{ {selection} }} }} }} }}"
        )
    };
    let all = app
        .graphql(&ask(FIGURE_FIELDS_COSTLY), json!({ "ids": f.c }))
        .await;
    assert!(all.get("errors").is_none(), "{all}");
    // Each costly field alone, and through a fragment, reads what the whole set reads.
    for field in [
        "marginLast12Months { amount }",
        "marginLifetime { amount }",
        "relationshipQuadrant",
        "lifetimeValueRetention { amount }",
        "segmentRetentionRate",
    ] {
        let fragment = format!(
            "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Organization {{ code figures {{ ...F }} }} }} }} fragment F on CustomerFigures {{ {field} }}"
        );
        for query in [ask(field), fragment] {
            let body = app.graphql(&query, json!({ "ids": f.c })).await;
            assert!(body.get("errors").is_none(), "{field}: {body}");
            let name = field.split_whitespace().next().unwrap();
            for (got, whole) in body["data"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .zip(all["data"]["nodes"].as_array().unwrap())
            {
                assert_eq!(got["figures"][name], whole["figures"][name], "{field}");
            }
        }
    }
    // Counts and revenue alone: the organizations and the orders, nothing more (the caller
    // is remembered from the requests before).
    let before = app.statements.get();
    let body = app
        .graphql(
            &ask("orderCount revenueLifetime { amount } lifecycleStage"),
            json!({ "ids": f.c }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(app.statements.get() - before, 2);
}

const FIGURE_FIELDS_COSTLY: &str = "marginLast12Months { amount } marginLifetime { amount }
    relationshipQuadrant lifetimeValueRetention { amount } segmentRetentionRate";
