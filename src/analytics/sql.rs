//! Analytics statements are written once as text for both databases: the few expressions
//! that differ (calendar parts of a timestamp, the hours between two) come from here, and
//! values are always bound, never spliced.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use uuid::Uuid;

use crate::access::{Principal, Reach, Records};
use crate::error::{Error, Result};

/// A statement being written, with its bound values.
pub struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::with_capacity(512),
            values: Vec::new(),
        }
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` bound to `ids`; `(NULL)` when there are none, which matches nothing.
    pub fn ids(&mut self, ids: &[Uuid]) -> &mut Self {
        if ids.is_empty() {
            return self.push("(NULL)");
        }
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(*id);
        }
        self.push(")")
    }

    /// The month of a timestamp column in UTC as one number (year × 12 + month − 1), so
    /// months since an event are a subtraction.
    pub fn month_of(&self, column: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!(
                "(CAST(EXTRACT(YEAR FROM {column} AT TIME ZONE 'UTC') AS BIGINT) * 12 \
                 + CAST(EXTRACT(MONTH FROM {column} AT TIME ZONE 'UTC') AS BIGINT) - 1)"
            ),
            _ => format!(
                "(CAST(substr({column}, 1, 4) AS INTEGER) * 12 \
                 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"
            ),
        }
    }

    /// The week of a date column as one number: whole weeks from Monday 5 January 1970, so
    /// that a week starts on Monday and equal numbers are the same week.
    pub fn week_of_day(&self, column: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("(CAST({column} - DATE '1970-01-05' AS BIGINT) / 7)"),
            _ => Self::sqlite_week(column),
        }
    }

    /// The week of a timestamp column in UTC, numbered as [`Sql::week_of_day`] numbers them.
    pub fn week_of_time(&self, column: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!(
                "(CAST(CAST({column} AT TIME ZONE 'UTC' AS DATE) - DATE '1970-01-05' AS BIGINT) / 7)"
            ),
            _ => Self::sqlite_week(column),
        }
    }

    fn sqlite_week(column: &str) -> String {
        format!(
            "CAST((julianday(substr({column}, 1, 10)) - julianday('1970-01-05')) / 7 AS INTEGER)"
        )
    }

    /// The whole seconds from timestamp column `from` to `to` (rounded), as an integer, so
    /// that sums of them are exact.
    pub fn seconds_between(&self, from: &str, to: &str) -> String {
        match self.backend {
            DbBackend::Postgres => {
                format!("CAST(ROUND(EXTRACT(EPOCH FROM ({to} - {from}))) AS BIGINT)")
            }
            _ => format!("CAST(ROUND((julianday({to}) - julianday({from})) * 86400.0) AS INTEGER)"),
        }
    }

    /// The whole days from date column `from` to `to`, as an integer.
    pub fn days_between(&self, from: &str, to: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("CAST({to} - {from} AS BIGINT)"),
            _ => format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)"),
        }
    }

    /// Appends the condition that `o` (an `orders` alias) is an order the principal may see:
    /// staff all; a partner those it placed or received.
    pub fn visible_orders(&mut self, principal: &Principal, o: &str) -> &mut Self {
        match scope(principal, Records::Orders) {
            Scope::All => self.push("1 = 1"),
            Scope::Nothing => self.push("1 = 0"),
            Scope::Own(org) => self
                .push(&format!("({o}.buyer_id = "))
                .bind(org)
                .push(&format!(" OR {o}.seller_id = "))
                .bind(org)
                .push(")"),
        }
    }

    /// Appends the condition that `r` (a case or survey response) is a record the principal
    /// may see: staff all; a partner what it recorded and what the brand recorded about it.
    pub fn visible_records(&mut self, principal: &Principal, r: &str) -> &mut Self {
        match scope(principal, Records::Cases) {
            Scope::All => self.push("1 = 1"),
            Scope::Nothing => self.push("1 = 0"),
            Scope::Own(org) => self
                .push(&format!("({r}.author_organization_id = "))
                .bind(org)
                .push(&format!(
                    " OR ({r}.author_organization_id IS NULL AND {r}.organization_id = "
                ))
                .bind(org)
                .push("))"),
        }
    }

    /// Appends the condition that `o` is a counted sale: a sales order, not cancelled, placed
    /// before `end`.
    pub fn counted_sale(&mut self, o: &str, end: DateTime<Utc>) -> &mut Self {
        self.push(&format!(
            "{o}.kind = 'SALES' AND {o}.status <> 'CANCELLED' AND {o}.submitted_at < "
        ));
        self.bind(end)
    }

    /// Appends the counted sales placed before `to` (and from `from`) as rows of
    /// `band, seller_id, buyer_id, month, currency, orders, revenue, cost, margin, first_at,
    /// last_at`, a `SELECT … UNION ALL SELECT …` to be wrapped in a derived table. The months
    /// the window covers whole come from the rollups, one row per cell; the days at its ends
    /// from the orders, one row per order. `filter` appends the conditions both parts share,
    /// on an alias with `seller_id`, `buyer_id` and `currency` columns. `band` labels the
    /// rows, so that windows side by side can be told apart in one statement.
    pub fn sales(
        &mut self,
        band: i32,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
        filter: impl Fn(&mut Sql, &str),
    ) -> &mut Self {
        let whole_from = from.map(|from| {
            let m = month_number(from.date_naive());
            if start_of(month_start(m)) == from {
                m
            } else {
                m + 1
            }
        });
        let whole_to = month_number(to.date_naive());
        let mut edges: Vec<(Option<DateTime<Utc>>, DateTime<Utc>)> = Vec::new();
        match whole_from {
            Some(lo) if lo >= whole_to => edges.push((from, to)),
            _ => {
                if let (Some(from), Some(lo)) = (from, whole_from)
                    && from < start_of(month_start(lo))
                {
                    edges.push((Some(from), start_of(month_start(lo))));
                }
                let hi = start_of(month_start(whole_to));
                if hi < to {
                    edges.push((Some(hi), to));
                }
            }
        }
        self.push(&format!(
            "SELECT {band} AS band, r.seller_id, r.buyer_id, CAST(r.month AS BIGINT) AS month, \
             r.currency, r.orders, \
             r.revenue, r.cost, r.margin, r.first_at, r.last_at FROM order_rollups r WHERE "
        ));
        if let Some(lo) = whole_from {
            self.push("r.month >= ").bind(lo).push(" AND ");
        }
        self.push("r.month < ").bind(whole_to).push(" AND ");
        filter(self, "r");
        if edges.is_empty() {
            return self;
        }
        let month = self.month_of("o.submitted_at");
        self.push(&format!(
            " UNION ALL SELECT {band}, o.seller_id, o.buyer_id, {month}, o.currency, 1, \
             o.total - o.tax_total, o.cost, o.margin, o.submitted_at, o.submitted_at \
             FROM orders o WHERE o.kind = 'SALES' AND o.status <> 'CANCELLED' AND ("
        ));
        for (i, (from, to)) in edges.into_iter().enumerate() {
            if i > 0 {
                self.push(" OR ");
            }
            self.push("(");
            if let Some(from) = from {
                self.push("o.submitted_at >= ").bind(from).push(" AND ");
            }
            self.push("o.submitted_at < ").bind(to).push(")");
        }
        self.push(") AND ");
        filter(self, "o");
        self
    }

    pub fn build(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// What a principal's rows are, for the visibility conditions.
enum Scope {
    All,
    Nothing,
    Own(Uuid),
}

/// Figures are the company's: a partner user whose roles reach only some of its `records`
/// (or none) sees none of them.
fn scope(principal: &Principal, records: Records) -> Scope {
    match principal {
        Principal::System | Principal::Staff { .. } => Scope::All,
        Principal::Anonymous => Scope::Nothing,
        Principal::Partner { .. } if principal.reach(records) != Reach::All => Scope::Nothing,
        Principal::Partner {
            organization_id, ..
        }
        | Principal::PartnerSystem {
            organization_id, ..
        } => Scope::Own(*organization_id),
    }
}

/// Runs `sql` and reads each row with `read`, keyed by its `id` column.
pub async fn keyed<T>(
    db: &impl ConnectionTrait,
    sql: Sql,
    read: impl Fn(&QueryResult) -> Result<T>,
) -> Result<HashMap<Uuid, T>> {
    let mut out = HashMap::new();
    for row in db.query_all_raw(sql.build()).await? {
        out.insert(row.try_get("", "id")?, read(&row)?);
    }
    Ok(out)
}

/// Runs `sql` and hands each row to the entry of `into` that its `id` column names; rows
/// of other ids are passed over.
pub async fn fill<S>(
    db: &impl ConnectionTrait,
    sql: Sql,
    into: &mut HashMap<Uuid, S>,
    apply: impl Fn(&mut S, &QueryResult) -> Result<()>,
) -> Result<()> {
    for row in db.query_all_raw(sql.build()).await? {
        let id: Uuid = row.try_get("", "id")?;
        if let Some(entry) = into.get_mut(&id) {
            apply(entry, &row)?;
        }
    }
    Ok(())
}

/// The month number [`Sql::month_of`] gives a day.
pub fn month_number(day: NaiveDate) -> i32 {
    day.year() * 12 + day.month0() as i32
}

/// The first day of month number `n`.
pub fn month_start(n: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(n.div_euclid(12), n.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(NaiveDate::MIN)
}

/// Midnight UTC at the start of `day`.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The window of figures "as of" a day: everything placed before the end of `as_of`, and
/// the trailing 12 and 24 months ending with it.
#[derive(Clone, Copy, Debug)]
pub struct AsOf {
    pub day: NaiveDate,
    /// Midnight after `day`: the exclusive end.
    pub end: DateTime<Utc>,
    /// The start of the trailing 12 months: the day after the same day a year earlier.
    pub start_12: DateTime<Utc>,
    /// The start of the 12 months before those.
    pub start_24: DateTime<Utc>,
}

impl AsOf {
    pub fn new(day: NaiveDate) -> Result<Self> {
        let next = day
            .checked_add_days(Days::new(1))
            .ok_or_else(|| out_of_range(day))?;
        let back = |months: u32| {
            next.checked_sub_months(Months::new(months))
                .map(start_of)
                .ok_or_else(|| out_of_range(day))
        };
        Ok(Self {
            day,
            end: start_of(next),
            start_12: back(12)?,
            start_24: back(24)?,
        })
    }
}

/// An as-of day too near the ends of the calendar to count back two years from.
fn out_of_range(day: NaiveDate) -> Error {
    Error::bad_input("asOf", format!("asOf {day} is out of range"))
}

/// A stored amount or quantity, or a sum of them, that may be NULL (an empty sum), as zero.
pub fn decimal(row: &QueryResult, column: &str) -> Result<rust_decimal::Decimal> {
    Ok(crate::money::column(row, column)?.unwrap_or_default())
}

/// A SUM of integers that may be NULL: an integer on SQLite, a numeric on PostgreSQL.
pub fn integer_sum(row: &QueryResult, column: &str) -> Result<Option<i64>> {
    if let Ok(n) = row.try_get::<Option<i64>>("", column) {
        return Ok(n);
    }
    let n: Option<rust_decimal::Decimal> = row.try_get("", column)?;
    Ok(n.and_then(|n| i64::try_from(n).ok()))
}

/// A count column.
pub fn count(row: &QueryResult, column: &str) -> Result<i64> {
    Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_windows_end_with_the_day() {
        let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let w = AsOf::new(day).unwrap();
        assert_eq!(w.end.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(w.start_12.to_rfc3339(), "2025-01-01T00:00:00+00:00");
        assert_eq!(w.start_24.to_rfc3339(), "2024-01-01T00:00:00+00:00");
        let leap = AsOf::new(NaiveDate::from_ymd_opt(2024, 2, 28).unwrap()).unwrap();
        assert_eq!(leap.start_12.to_rfc3339(), "2023-02-28T00:00:00+00:00");
        let err = AsOf::new(NaiveDate::MAX).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("asOf {} is out of range", NaiveDate::MAX)
        );
    }

    #[test]
    fn month_numbers_round_trip() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 17).unwrap();
        assert_eq!(month_number(day), 2025 * 12);
        assert_eq!(month_start(month_number(day)).to_string(), "2025-01-01");
        assert_eq!(month_start(2024 * 12 + 11).to_string(), "2024-12-01");
    }
}
