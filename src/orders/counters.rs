//! Document numbers: each counter hands out every value once, inside the caller's
//! transaction, on both databases (an upsert with `RETURNING`).

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DeriveIden};

use crate::error::{Error, Result};

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

/// The next value of the counter `name`, starting at 1.
pub async fn next(db: &impl ConnectionTrait, name: &str) -> Result<i64> {
    let stmt = Query::insert()
        .into_table(Counters::Table)
        .columns([Counters::Name, Counters::Value])
        .values_panic([name.into(), 1i64.into()])
        .on_conflict(
            OnConflict::column(Counters::Name)
                .value(
                    Counters::Value,
                    Expr::col((Counters::Table, Counters::Value)).add(1),
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
    let n = next(db, prefix).await?;
    Ok(format!("{prefix}-{n:06}"))
}
