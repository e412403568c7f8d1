//! Connecting to SQLite or PostgreSQL, with a statement counter for tests and metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Counts every SQL statement the pool runs.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens the pool. SQLite files are created if missing and run in WAL mode.
pub async fn connect(
    url: &str,
    max_connections: u32,
) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let options = options(url, max_connections);
    let mut conn = Database::connect(options)
        .await
        .map_err(|err| explain_tls(url, err))?;
    let counter = StatementCounter::default();
    let inner = counter.0.clone();
    conn.set_metric_callback(move |info| {
        inner.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(
            target: "channelgraph::sql",
            micros = info.elapsed.as_micros() as u64,
            failed = info.failed,
            "{}",
            info.statement.sql
        );
    });
    Ok((conn, counter))
}

/// A pool for a streaming replica: it connects when first asked, so a replica that is down
/// does not keep the server from starting, and gives up on a connection within two seconds.
pub async fn connect_replica(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = options(url, max_connections);
    options
        .connect_lazy(true)
        .acquire_timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_secs(2));
    Database::connect(options)
        .await
        .map_err(|err| explain_tls(url, err))
}

fn options(url: &str, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    let sqlite = url.starts_with("sqlite:");
    options
        .max_connections(if sqlite {
            max_connections.min(4)
        } else {
            max_connections
        })
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // PostgreSQL plans every statement for its values. sqlx prepares each statement, and
        // after five runs on a connection PostgreSQL may switch to a generic plan that does
        // not know the values: for a partner's orders (`buyer_id = $1 OR seller_id = $2`)
        // that plan reads all of the partner's orders to show 50 (216 ms instead of 0.2 ms
        // for the biggest distributor of the scale data set).
        //
        // And no JIT: PostgreSQL compiles a statement whose estimated cost passes
        // `jit_above_cost`, which a compiled read's correlated subqueries do (W1's estimate is
        // 119,000 for 1.3 ms of work), and the compilation takes 13 ms of each run.
        .map_sqlx_postgres_opts(|opts| {
            opts.options([("plan_cache_mode", "force_custom_plan"), ("jit", "off")])
        })
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    options
}

/// A refused TLS certificate, said in the terms of the settings that decide it.
fn explain_tls(url: &str, err: DbErr) -> DbErr {
    let text = err.to_string();
    if !text.contains("invalid peer certificate") {
        return err;
    }
    let explained = if text.contains("not valid for name") || text.contains("NotValidForName") {
        format!(
            "the database server's TLS certificate was not issued for `{}`; sslmode=verify-full checks the host name, so connect by a name the certificate holds, or use sslmode=verify-ca",
            host(url)
        )
    } else if text.contains("UnknownIssuer") && url.contains("sslrootcert=") {
        "the database server's TLS certificate is not signed by a certificate authority in CHANNELGRAPH_DATABASE_CA_FILE".to_owned()
    } else if text.contains("UnknownIssuer") {
        "the database server's TLS certificate is not signed by a certificate authority this machine trusts; name its CA in CHANNELGRAPH_DATABASE_CA_FILE".to_owned()
    } else {
        return err;
    };
    let detail = text.trim_start_matches("Connection Error: ");
    DbErr::Conn(sea_orm::RuntimeErr::Internal(format!(
        "{explained} ({detail})"
    )))
}

/// The host of a PostgreSQL URL.
fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .unwrap_or_default()
}

/// Whether the database answers.
pub async fn ping(conn: &DatabaseConnection) -> Result<(), DbErr> {
    conn.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so concurrent writers queue behind the busy timeout instead of
/// failing when a read inside the transaction would have to upgrade to a write.
pub async fn begin_write(conn: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    conn.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Commits a transaction begun by [`begin_write`], and tells this node's event relay, which
/// passes the events it wrote to subscribers now rather than at its next look.
pub async fn commit(txn: DatabaseTransaction) -> Result<(), DbErr> {
    txn.commit().await?;
    crate::events::bus::committed();
    Ok(())
}
