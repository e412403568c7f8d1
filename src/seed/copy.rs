//! Rows streamed into PostgreSQL with `COPY … FROM STDIN` in its text format: the fastest
//! way to write millions of rows, and the only one that keeps the scale data set's build
//! inside minutes.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::postgres::{PgConnection, PgCopyIn};
use uuid::Uuid;

use crate::error::{Error, Result};

/// How much text is gathered before it is sent.
const CHUNK: usize = 1 << 20;

/// A database failure while copying, named by the table it was writing.
pub fn failed(table: &str, err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing {table}: {err}"))
}

/// One table's COPY in progress. Each row is a run of field calls ended by [`Copy::end`].
pub struct Copy<'c> {
    table: &'static str,
    sink: PgCopyIn<&'c mut PgConnection>,
    buf: Vec<u8>,
    fresh_row: bool,
    rows: u64,
}

impl<'c> Copy<'c> {
    pub async fn begin(
        conn: &'c mut PgConnection,
        table: &'static str,
        columns: &str,
    ) -> Result<Self> {
        let statement = format!("COPY {table} ({columns}) FROM STDIN");
        let sink = conn
            .copy_in_raw(&statement)
            .await
            .map_err(|e| failed(table, e))?;
        Ok(Copy {
            table,
            sink,
            buf: Vec::with_capacity(CHUNK + 4096),
            fresh_row: true,
            rows: 0,
        })
    }

    fn separate(&mut self) {
        if !self.fresh_row {
            self.buf.push(b'\t');
        }
        self.fresh_row = false;
    }

    /// Text, escaped as COPY's text format wants it.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for b in value.bytes() {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
        self
    }

    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
        self
    }

    /// Anything whose `Display` needs no escaping: numbers, uuids, enum values.
    pub fn plain(&mut self, value: impl std::fmt::Display) -> &mut Self {
        self.separate();
        let _ = write!(self.buf, "{value}");
        self
    }

    pub fn uuid(&mut self, id: Uuid) -> &mut Self {
        self.plain(id.hyphenated())
    }

    pub fn opt_uuid(&mut self, id: Option<Uuid>) -> &mut Self {
        match id {
            Some(id) => self.uuid(id),
            None => self.null(),
        }
    }

    /// An amount in minor units (cents) as a decimal with two places.
    /// An amount given in cents, as the tables keep it: whole ten-thousandths.
    pub fn cents(&mut self, cents: i64) -> &mut Self {
        self.plain(cents * (entity::fixed::UNITS / 100))
    }

    /// A whole quantity or percentage, as the tables keep it: whole ten-thousandths.
    pub fn whole(&mut self, n: i64) -> &mut Self {
        self.plain(n * entity::fixed::UNITS)
    }

    pub fn time(&mut self, at: DateTime<Utc>) -> &mut Self {
        self.plain(at.format("%Y-%m-%d %H:%M:%S%.6f+00"))
    }

    pub fn opt_time(&mut self, at: Option<DateTime<Utc>>) -> &mut Self {
        match at {
            Some(at) => self.time(at),
            None => self.null(),
        }
    }

    pub fn date(&mut self, day: NaiveDate) -> &mut Self {
        self.plain(day.format("%Y-%m-%d"))
    }

    /// `created_at` and `updated_at` at `at`, and `version` 1: the tail of a new row.
    pub fn stamped(&mut self, at: DateTime<Utc>) -> &mut Self {
        self.time(at).time(at).plain(1)
    }

    pub fn flag(&mut self, value: bool) -> &mut Self {
        self.plain(if value { "t" } else { "f" })
    }

    /// Ends the row; sends what has gathered once it is a chunk.
    pub async fn end(&mut self) -> Result<()> {
        self.buf.push(b'\n');
        self.fresh_row = true;
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<()> {
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096));
        self.sink
            .send(chunk)
            .await
            .map_err(|e| failed(self.table, e))?;
        Ok(())
    }

    /// Sends the rest and ends the COPY; the number of rows written.
    pub async fn finish(mut self) -> Result<u64> {
        if !self.buf.is_empty() {
            self.send().await?;
        }
        let table = self.table;
        let written = self.sink.finish().await.map_err(|e| failed(table, e))?;
        if written != self.rows {
            return Err(Error::Internal(format!(
                "writing {table}: {} rows sent, {written} written",
                self.rows
            )));
        }
        Ok(written)
    }
}
