//! Scalars of the API beyond GraphQL's own.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// The years a date or time may fall in. Nothing the API records (a due date, a requested
/// delivery, a report period, a close date) lies outside them, and both databases sort
/// and compare every date inside them alike.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn out_of_range<T: async_graphql::InputType>(text: &str) -> InputValueError<T> {
    InputValueError::custom(format!(
        "`{text}` is outside the years {} to {}",
        YEARS.start(),
        YEARS.end()
    ))
}

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                let not_a_date =
                    || InputValueError::custom(format!("`{s}` is not a date like 2026-11-22"));
                let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| not_a_date())?;
                // chrono also reads `2026-1-5` and `+2026-01-05`; a day is written one way.
                if date.format("%Y-%m-%d").to_string() != *s {
                    return Err(not_a_date());
                }
                if !YEARS.contains(&date.year()) {
                    return Err(out_of_range(s));
                }
                Ok(Date(date))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moment in time: RFC 3339 in UTC, with microseconds, for example
/// `2026-11-22T21:41:22.123456Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<chrono::Utc>);

/// A moment in time: RFC 3339 in UTC, with microseconds, for example
/// `2026-11-22T21:41:22.123456Z`.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                let time = chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        InputValueError::custom(format!(
                            "`{s}` is not an RFC 3339 time like 2026-11-22T21:41:22Z"
                        ))
                    })?;
                if !YEARS.contains(&time.year()) {
                    return Err(out_of_range(s));
                }
                Ok(DateTime(time))
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
    }
}

/// An exact decimal number, written as a string such as `"1234.50"`. Whole numbers may also
/// be sent as JSON integers; JSON fractions are refused, because a float cannot hold every
/// decimal exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

/// An exact decimal number, written as a string such as `"1234.50"`. Whole numbers may also
/// be sent as JSON integers; JSON fractions are refused, because a float cannot hold every
/// decimal exactly.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        use std::str::FromStr;
        match &value {
            Value::String(s) => {
                let trimmed = s.trim();
                let valid = !trimmed.is_empty()
                    && trimmed.len() <= 40
                    && trimmed
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
                valid
                    .then(|| rust_decimal::Decimal::from_str(trimmed).ok())
                    .flatten()
                    .map(Decimal)
                    .ok_or_else(|| {
                        InputValueError::custom(format!("`{s}` is not a decimal like \"12.50\""))
                    })
            }
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(Decimal(rust_decimal::Decimal::from(i))),
                None => Err(InputValueError::custom(format!(
                    "{n} is not a whole number; send decimals as strings, like \"12.50\""
                ))),
            },
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}
