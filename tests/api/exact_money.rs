//! Amounts, prices and quantities are exact on SQLite as on PostgreSQL: stored as whole
//! ten-thousandths, converted from the decimals that earlier databases hold without a digit
//! lost, and summed in SQL to the same figure on both databases.

use std::collections::BTreeMap;

use migration::MigratorTrait;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use crate::analytics::{customer, product, set};
use crate::helpers::{TestApp, spawn_app};

const MIGRATION: &str = "m20261203_000001_exact_amounts";

async fn rows(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    app.db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
}

/// Every column of the decimal type that the first migrations made: `numeric` on
/// PostgreSQL, a `real` declared with a precision on SQLite.
async fn decimal_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = match app.db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND data_type = 'numeric' ORDER BY 1, 2"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_schema m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND lower(p.type) LIKE 'real(%' ORDER BY 1, 2"
        }
    };
    rows(app, sql)
        .await
        .iter()
        .map(|r| (r.try_get("", "t").unwrap(), r.try_get("", "c").unwrap()))
        .collect()
}

/// The rows' key, for reading a column in the same order before and after.
fn key_of(table: &str) -> &'static str {
    match table {
        "credit_balances" => "buyer_id, seller_id, currency",
        _ => "id",
    }
}

/// Every value of every column, in key order: `old` reads the decimals of the first
/// migrations (SQLite's reals to the four places they were written with), otherwise the
/// stored ten-thousandths.
async fn values(
    app: &TestApp,
    columns: &[(String, String)],
    old: bool,
) -> BTreeMap<(String, String), Vec<Option<Decimal>>> {
    let mut out = BTreeMap::new();
    for (table, column) in columns {
        // Each form has its own text: PostgreSQL refuses a statement prepared on a
        // connection before the column's type changed.
        let v = if old { "decimal" } else { "units" };
        let sql = format!(
            "SELECT {column} AS {v} FROM {table} ORDER BY {}",
            key_of(table)
        );
        let read: Vec<Option<Decimal>> = rows(app, &sql)
            .await
            .iter()
            .map(|r| {
                if old {
                    r.try_get::<Option<Decimal>>("", v)
                        .unwrap()
                        .map(|d| d.round_dp(4).normalize())
                } else {
                    channelgraph::money::column(r, v).unwrap()
                }
            })
            .collect();
        out.insert((table.clone(), column.clone()), read);
    }
    out
}

/// On SQLite, every stored value of the converted columns is an integer; on PostgreSQL, the
/// columns are `bigint`. No column of the old type is left.
async fn assert_stored_as_integers(app: &TestApp, columns: &[(String, String)]) {
    assert_eq!(decimal_columns(app).await, vec![], "decimal columns left");
    for (table, column) in columns {
        let sql = match app.db.get_database_backend() {
            DbBackend::Postgres => format!(
                "SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = '{table}' AND column_name = '{column}' AND data_type <> 'bigint'"
            ),
            _ => format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE typeof({column}) NOT IN ('integer', 'null')"
            ),
        };
        let n: i64 = rows(app, &sql).await[0].try_get("", "n").unwrap();
        assert_eq!(
            n, 0,
            "{table}.{column} holds other than whole ten-thousandths"
        );
    }
}

/// How many migrations to take back to undo the conversion: it and those after it.
fn since_conversion() -> u32 {
    let all = migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == MIGRATION)
        .expect("the conversion is a migration");
    (all.len() - at) as u32
}

#[tokio::test]
async fn the_migration_keeps_every_amount_of_the_demo_data_exactly() {
    let app = spawn_app().await;
    channelgraph::seed::demo(&app.db).await.unwrap();
    // The database as the earlier version kept it: decimals (reals on SQLite).
    migration::Migrator::down(&app.db, Some(since_conversion()))
        .await
        .unwrap();
    let columns = decimal_columns(&app).await;
    assert!(columns.len() >= 38, "{columns:?}");
    // Values a binary float cannot hold, written the way the earlier version wrote them.
    for (k, v) in ["0.1", "0.7", "2.675", "1.005", "123456789.0123", "0.0001"]
        .iter()
        .enumerate()
    {
        app.db
            .execute_unprepared(&format!(
                "UPDATE order_lines SET unit_price = {v} \
                 WHERE id = (SELECT id FROM order_lines ORDER BY id LIMIT 1 OFFSET {k})"
            ))
            .await
            .unwrap();
    }
    let before = values(&app, &columns, true).await;
    let counted: usize = before.values().map(|v| v.iter().flatten().count()).sum();
    assert!(counted > 5_000, "the demo data holds {counted} amounts");
    let prices = &before[&("order_lines".to_owned(), "unit_price".to_owned())];
    assert_eq!(prices[2], Some("2.675".parse().unwrap()));

    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_stored_as_integers(&app, &columns).await;
    let after = values(&app, &columns, false).await;
    for (column, was) in &before {
        assert_eq!(&after[column], was, "{column:?}");
    }

    // And back: the earlier form again, equal to what it was.
    migration::Migrator::down(&app.db, Some(since_conversion()))
        .await
        .unwrap();
    assert_eq!(values(&app, &columns, true).await, before);
    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(values(&app, &columns, false).await, before);

    // The rows still hang together, and the API reads what was converted.
    if app.db.get_database_backend() == DbBackend::Sqlite {
        let check: String = rows(&app, "PRAGMA integrity_check").await[0]
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(check, "ok");
        assert!(rows(&app, "PRAGMA foreign_key_check").await.is_empty());
    }
    let body = app
        .graphql(
            "{ orders(first: 1) { nodes { total { amount } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

/// Places one order of one dime product for `buyer` on `on` with its own PO number.
async fn dime_order(app: &TestApp, buyer: &str, n: usize, on: &str) {
    let body = app
        .mutate(
            "orderSubmit",
            "order { id total { amount } }",
            json!({ "buyerId": buyer, "poNumber": format!("DIME-{n}"),
                    "lines": [{ "sku": "DIME", "quantity": "1" }] }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    assert_eq!(body["order"]["total"]["amount"], "0.10");
    let id = body["order"]["id"].as_str().unwrap();
    set(
        app,
        "orders",
        id,
        &[(
            "submitted_at",
            chrono::DateTime::parse_from_rfc3339(&format!("{on}T10:00:00Z"))
                .unwrap()
                .with_timezone(&chrono::Utc)
                .into(),
        )],
    )
    .await;
}

#[tokio::test]
async fn sums_of_many_dimes_are_exact_in_sql_and_in_the_figures() {
    let app = spawn_app().await;
    app.create_org("BRAND", "Aurora", "BRAND").await;
    product(&app, "DIME", "Parts", "0.10", "0.07").await;
    let buyer = customer(&app, "Dimes", "C-DIME", Some("RETAIL")).await;
    // Sixty orders of 0.10 over 2025: a binary float sums them to 6.000000000000001.
    for n in 0..60 {
        let on = format!("2025-{:02}-{:02}", n % 12 + 1, n / 12 + 1);
        dime_order(&app, &buyer, n, &on).await;
    }

    // In SQL, the sum is an integer and exact, and so is a comparison with it.
    let sum = &rows(
        &app,
        "SELECT SUM(total) AS s, SUM(tax_total) AS t FROM orders",
    )
    .await[0];
    assert_eq!(
        channelgraph::money::column(sum, "s").unwrap(),
        Some(Decimal::from(6))
    );
    let fits = rows(
        &app,
        "SELECT COUNT(*) AS n FROM orders HAVING SUM(total) = 60000 AND SUM(total) <= 60000",
    )
    .await;
    assert_eq!(fits.len(), 1, "the sum compares equal to 6.0000 exactly");
    if app.db.get_database_backend() == DbBackend::Sqlite {
        let kinds = rows(&app, "SELECT DISTINCT typeof(total) AS k FROM orders").await;
        let kinds: Vec<String> = kinds.iter().map(|r| r.try_get("", "k").unwrap()).collect();
        assert_eq!(kinds, ["integer"]);
    }

    // The figures that sum in SQL give the same answer on both databases, to the cent.
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Organization { figures(asOf: \"2025-12-31\") {
                orderCount revenueLifetime { amount } revenueLast12Months { amount }
                marginLifetime { amount } } } } }",
            json!({ "id": buyer }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let figures = &body["data"]["node"]["figures"];
    assert_eq!(figures["orderCount"], 60);
    assert_eq!(figures["revenueLifetime"]["amount"], "6.00");
    assert_eq!(figures["revenueLast12Months"]["amount"], "6.00");
    // 60 × (0.10 − 0.07) = 1.80.
    assert_eq!(figures["marginLifetime"]["amount"], "1.80");
}

#[tokio::test]
async fn a_balance_that_would_pass_the_range_refuses_the_order_and_changes_nothing() {
    let app = spawn_app().await;
    app.create_org("BRAND", "Aurora", "BRAND").await;
    product(&app, "BIG", "Parts", "10.00", "5.00").await;
    let buyer = customer(&app, "Big", "C-BIG", None).await;
    big_order(&app, &buyer, "BIG-1", None).await;
    // A balance one order short of the largest amount kept.
    app.db
        .execute_unprepared("UPDATE credit_balances SET amount = 9223372036854700000")
        .await
        .unwrap();
    let refused = big_order(&app, &buyer, "BIG-2", Some("OUT_OF_RANGE")).await;
    assert!(refused.contains("largest amount kept"), "{refused}");
    let kept = &rows(
        &app,
        "SELECT amount, (SELECT COUNT(*) FROM orders) AS n FROM credit_balances",
    )
    .await[0];
    assert_eq!(
        kept.try_get::<i64>("", "amount").unwrap(),
        9_223_372_036_854_700_000
    );
    assert_eq!(
        kept.try_get::<i64>("", "n").unwrap(),
        1,
        "the refused order is not kept"
    );

    // Sums past the range in the figures are refused by code, never INTERNAL.
    app.db
        .execute_unprepared("UPDATE orders SET total = 9223372036854700000")
        .await
        .unwrap();
    big_order(&app, &buyer, "BIG-3", Some("OUT_OF_RANGE")).await;
    let body = app
        .graphql(
            "{ portfolio { pareto { customers revenue { amount } } } }",
            json!({}),
        )
        .await;
    assert_ne!(
        body["errors"][0]["extensions"]["code"], "INTERNAL",
        "{body}"
    );
}

/// Submits one BIG for `buyer`; with `refused`, expects that code and returns the answer.
async fn big_order(app: &TestApp, buyer: &str, po: &str, refused: Option<&str>) -> String {
    let body = app
        .graphql(
            "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) {
                order { id } userErrors { code message } } }",
            json!({ "input": { "buyerId": buyer, "poNumber": po,
                               "lines": [{ "sku": "BIG", "quantity": "1" }] } }),
        )
        .await;
    let text = body.to_string();
    match refused {
        None => assert_eq!(
            body["data"]["orderSubmit"]["userErrors"],
            json!([]),
            "{body}"
        ),
        Some(code) => {
            assert!(text.contains(code), "{body}");
            assert!(!text.contains("INTERNAL"), "{body}");
            assert_eq!(
                body["data"]["orderSubmit"]["order"],
                serde_json::Value::Null
            );
        }
    }
    text
}

#[tokio::test]
async fn the_migration_refuses_a_value_it_cannot_convert_exactly_and_changes_nothing() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        // PostgreSQL's numeric holds nothing else, and its cast refuses out of range.
        return;
    }
    product(&app, "ODD", "Parts", "10.00", "5.00").await;
    migration::Migrator::down(&app.db, Some(since_conversion()))
        .await
        .unwrap();
    app.db
        .execute_unprepared("UPDATE products SET standard_cost = 'abc'")
        .await
        .unwrap();
    let err = migration::Migrator::up(&app.db, None).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("products.standard_cost: 1 value(s) cannot be converted exactly"),
        "{err}"
    );
    let kind: String = rows(&app, "SELECT typeof(list_price) AS k FROM products").await[0]
        .try_get("", "k")
        .unwrap();
    assert_eq!(kind, "real", "nothing was converted");
    app.db
        .execute_unprepared("UPDATE products SET standard_cost = 5")
        .await
        .unwrap();
    migration::Migrator::up(&app.db, None).await.unwrap();
    let cost = &rows(&app, "SELECT standard_cost AS c FROM products").await[0];
    assert_eq!(
        channelgraph::money::column(cost, "c").unwrap(),
        Some(Decimal::from(5))
    );
}
