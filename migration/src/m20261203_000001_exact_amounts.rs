//! Amounts, prices, rates and quantities become whole numbers of ten-thousandths (`BIGINT`)
//! on both databases. SQLite held them as 8-byte reals, so that a stored 0.10 was not 0.10
//! and a sum in SQL drifted; an integer is exact there as on PostgreSQL, and sums and
//! comparisons in SQL are integer arithmetic on both.
//!
//! Every value had at most four places, so `ROUND(value × 10000)` recovers it exactly from a
//! real (which holds 15 significant digits) and from a `numeric`. SQLite keeps the columns'
//! declared type: its numeric affinity stores integers as integers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::sqlx::{self, SqliteConnection};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each table with its decimal columns.
const COLUMNS: [(&str, &[&str]); 19] = [
    ("products", &["list_price", "tax_rate", "standard_cost"]),
    ("price_list_entries", &["min_quantity", "unit_price"]),
    ("partner_tiers", &["min_sales_share"]),
    ("organizations", &["credit_limit"]),
    ("orders", &["total", "tax_total", "invoiced_amount"]),
    (
        "order_lines",
        &[
            "quantity",
            "unit_price",
            "line_total",
            "tax_rate",
            "tax_amount",
            "accepted_quantity",
            "shipped_quantity",
            "invoiced_quantity",
        ],
    ),
    ("shipment_lines", &["quantity", "received_quantity"]),
    ("invoices", &["total", "tax_total", "paid"]),
    (
        "invoice_lines",
        &["quantity", "unit_price", "line_total", "tax_amount"],
    ),
    ("payments", &["amount"]),
    ("inventory_report_lines", &["on_hand", "on_order"]),
    ("sell_through_reports", &["brand_share_percent"]),
    ("sell_through_report_lines", &["quantity_sold"]),
    ("credit_balances", &["amount"]),
    ("cases", &["quantity"]),
    ("campaigns", &["cost"]),
    ("opportunities", &["amount"]),
    ("deal_registrations", &["amount"]),
    ("deal_registration_lines", &["quantity"]),
];

/// Columns with a default, which PostgreSQL must drop while the type changes.
const DEFAULTS: [(&str, &str); 1] = [("products", "tax_rate")];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        convert(manager, Direction::ToUnits).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        convert(manager, Direction::ToDecimals).await
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    ToUnits,
    ToDecimals,
}

async fn convert(manager: &SchemaManager<'_>, direction: Direction) -> Result<(), DbErr> {
    match manager.get_database_backend() {
        DbBackend::Postgres => postgres(manager, direction).await,
        _ => sqlite(manager, direction).await,
    }
}

/// PostgreSQL changes each table's column types in one rewrite of the table.
async fn postgres(manager: &SchemaManager<'_>, direction: Direction) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, columns) in COLUMNS {
        let mut clauses = Vec::new();
        for column in columns {
            let defaulted = DEFAULTS.contains(&(table, column));
            if defaulted {
                clauses.push(format!("ALTER COLUMN {column} DROP DEFAULT"));
            }
            clauses.push(match direction {
                Direction::ToUnits => format!(
                    "ALTER COLUMN {column} TYPE BIGINT USING CAST(ROUND({column} * 10000) AS BIGINT)"
                ),
                Direction::ToDecimals => format!(
                    "ALTER COLUMN {column} TYPE NUMERIC(19, 4) USING CAST({column} AS NUMERIC) / 10000"
                ),
            });
            if defaulted {
                clauses.push(format!("ALTER COLUMN {column} SET DEFAULT 0"));
            }
        }
        db.execute_unprepared(&format!("ALTER TABLE {table} {}", clauses.join(", ")))
            .await?;
    }
    Ok(())
}

/// The declared type of the columns on SQLite before and after: `real` affinity turns every
/// integer into a real, `bigint` has integer affinity.
const SQLITE_DECIMAL: &str = "real(19, 4)";
const SQLITE_UNITS: &str = "bigint";

/// SQLite cannot change a column's type, so each table is made again with the new types
/// and its rows copied across, converted, as SQLite's documentation describes: on one
/// connection, with foreign keys off, in one transaction that checks them before it commits.
async fn sqlite(manager: &SchemaManager<'_>, direction: Direction) -> Result<(), DbErr> {
    let SchemaManagerConnection::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "the SQLite amount conversion makes its own transaction".into(),
        ));
    };
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(|e| DbErr::Migration(e.to_string()))?;
    run(&mut conn, "PRAGMA foreign_keys = OFF").await?;
    let converted = match run(&mut conn, "BEGIN IMMEDIATE").await {
        Ok(()) => {
            let mut result = Ok(());
            for (table, columns) in COLUMNS {
                result = rebuild(&mut conn, table, columns, direction).await;
                if result.is_err() {
                    break;
                }
            }
            if result.is_ok() {
                result = foreign_keys_hold(&mut conn).await;
            }
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let ended = run(&mut conn, end).await;
            result.and(ended)
        }
        Err(err) => Err(err),
    };
    // The connection goes back to the pool as it came: with foreign keys on.
    let restored = run(&mut conn, "PRAGMA foreign_keys = ON").await;
    converted.and(restored)
}

async fn rebuild(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    direction: Direction,
) -> Result<(), DbErr> {
    let (from, to) = match direction {
        Direction::ToUnits => (SQLITE_DECIMAL, SQLITE_UNITS),
        Direction::ToDecimals => (SQLITE_UNITS, SQLITE_DECIMAL),
    };
    let create: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .bind(table)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| DbErr::Migration(format!("{table}: {e}")))?;
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| DbErr::Migration(format!("{table}: {e}")))?;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| DbErr::Migration(format!("{table}: {e}")))?;

    // A value that the other form cannot hold exactly stops the conversion, naming it,
    // rather than being clamped: text, or a real past the range of ten-thousandths on the
    // way up; on the way down, more than a real holds exactly (2^53 ten-thousandths).
    for column in columns {
        let outside = match direction {
            Direction::ToUnits => format!(
                "typeof(\"{column}\") NOT IN ('integer', 'real') \
                 OR abs(\"{column}\") > 922337203685477.5807"
            ),
            Direction::ToDecimals => format!("abs(\"{column}\") > 9007199254740992"),
        };
        let bad: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL AND ({outside})"
        )))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| DbErr::Migration(format!("{table}.{column}: {e}")))?;
        if bad > 0 {
            return Err(DbErr::Migration(format!(
                "{table}.{column}: {bad} value(s) cannot be converted exactly; nothing was changed"
            )));
        }
    }

    let new = format!("{table}__exact");
    let mut sql = replace_once(
        &create,
        &format!("CREATE TABLE \"{table}\""),
        &format!("CREATE TABLE \"{new}\""),
    )
    .ok_or_else(|| DbErr::Migration(format!("{table}: its CREATE TABLE is not as made")))?;
    for column in columns {
        sql = replace_once(
            &sql,
            &format!("\"{column}\" {from}"),
            &format!("\"{column}\" {to}"),
        )
        .ok_or_else(|| DbErr::Migration(format!("{table}.{column} is not {from}")))?;
    }
    let values: Vec<String> = names
        .iter()
        .map(|name| match (columns.contains(&name.as_str()), direction) {
            (true, Direction::ToUnits) => format!("CAST(ROUND(\"{name}\" * 10000) AS INTEGER)"),
            (true, Direction::ToDecimals) => format!("\"{name}\" / 10000.0"),
            (false, _) => format!("\"{name}\""),
        })
        .collect();
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    run(conn, &sql).await?;
    run(
        conn,
        &format!(
            "INSERT INTO \"{new}\" ({list}) SELECT {} FROM \"{table}\"",
            values.join(", ")
        ),
    )
    .await?;
    run(conn, &format!("DROP TABLE \"{table}\"")).await?;
    run(
        conn,
        &format!("ALTER TABLE \"{new}\" RENAME TO \"{table}\""),
    )
    .await?;
    for index in indexes {
        run(conn, &index).await?;
    }
    Ok(())
}

/// Refuses to commit while any row points at a row that is not there.
async fn foreign_keys_hold(conn: &mut SqliteConnection) -> Result<(), DbErr> {
    let broken: Vec<String> = sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbErr::Migration(e.to_string()))?;
    match broken.first() {
        None => Ok(()),
        Some(table) => Err(DbErr::Migration(format!(
            "{table} has rows whose foreign keys point nowhere"
        ))),
    }
}

async fn run(conn: &mut SqliteConnection, sql: &str) -> Result<(), DbErr> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|e| DbErr::Migration(format!("{e}: {sql}")))
}

fn replace_once(text: &str, from: &str, to: &str) -> Option<String> {
    (text.matches(from).count() == 1).then(|| text.replacen(from, to, 1))
}
