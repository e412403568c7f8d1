//! Document numbers: each counter hands out every value once. In the counters table (an
//! upsert with `RETURNING`, inside the caller's transaction) numbers are gapless; on
//! PostgreSQL, order, purchase order and ship notice numbers come from sequences instead,
//! which never make concurrent transactions wait.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, DeriveIden};

use crate::error::{Error, Result};

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

/// The counters that PostgreSQL keeps as sequences (see the migration that made them): no
/// transaction holds a lock on them, and a number taken by one that rolls back is skipped.
const SEQUENCES: [(&str, &str); 3] = [
    ("SO", "counter_so"),
    ("PO", "counter_po"),
    ("ASN", "counter_asn"),
];

/// The next value of the counter `name`, starting at 1.
pub async fn next(db: &impl ConnectionTrait, name: &str) -> Result<i64> {
    if let Some(next) = sequence_next(db.get_database_backend(), name) {
        let row = db
            .query_one(&Query::select().expr(next).to_owned())
            .await?
            .ok_or_else(|| Error::Internal(format!("counter {name} returned nothing")))?;
        return Ok(row.try_get_by_index::<i64>(0)?);
    }
    next_block(db, name, 1).await
}

/// Where the counter `name` is a sequence (on PostgreSQL), the expression that takes its
/// next value, for a statement that reads something else too.
pub fn sequence_next(backend: DbBackend, name: &str) -> Option<Expr> {
    if backend != DbBackend::Postgres {
        return None;
    }
    let (_, sequence) = SEQUENCES.iter().find(|(n, _)| *n == name)?;
    Some(Expr::cust(format!("nextval('{sequence}')")))
}

/// The next `n` values of the counter `name`, taken in one statement: the last of them is
/// returned, and the block is `last - n + 1 ..= last`.
pub async fn next_block(db: &impl ConnectionTrait, name: &str, n: i64) -> Result<i64> {
    let stmt = Query::insert()
        .into_table(Counters::Table)
        .columns([Counters::Name, Counters::Value])
        .values_panic([name.into(), n.into()])
        .on_conflict(
            OnConflict::column(Counters::Name)
                .value(
                    Counters::Value,
                    Expr::col((Counters::Table, Counters::Value)).add(n),
                )
                .to_owned(),
        )
        .returning_col(Counters::Value)
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| Error::Internal(format!("counter {name} returned nothing")))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// The next document number with a prefix: `SO-000042`.
pub async fn next_number(db: &impl ConnectionTrait, prefix: &str) -> Result<String> {
    Ok(number(prefix, next(db, prefix).await?))
}

/// The document number of value `n` of the counter `prefix`.
pub fn number(prefix: &str, n: i64) -> String {
    format!("{prefix}-{n:06}")
}
