//! Money and quantities, exact: decimal amounts in a currency with ISO 4217 minor units,
//! rounded half-even to the currency's minor unit, and positive quantities with a cap.

use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::QueryResult;

use crate::error::{Error, ErrorCode, Result};

/// ISO 4217 currencies the brand trades in, with their minor units. A code not listed here
/// is refused rather than guessed.
const CURRENCIES: [(&str, u32); 30] = [
    ("AED", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("INR", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PLN", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("TRY", 2),
    ("USD", 2),
    ("ZAR", 2),
];

/// An ISO 4217 currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

impl Currency {
    /// The currency of an ISO 4217 code as the standard writes it: three capitals, nothing
    /// around them. `eur` and ` EUR` are refused, not guessed at.
    pub fn parse(field: &[&str], raw: &str) -> Result<Self> {
        if raw != raw.trim() || raw.chars().any(|c| c.is_ascii_lowercase()) {
            return Err(Error::user(
                field,
                ErrorCode::Invalid,
                format!(
                    "`{}` is not an ISO 4217 code as written: three capital letters, like `{}`",
                    raw.trim(),
                    raw.trim().to_ascii_uppercase()
                ),
            ));
        }
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == raw)
            .map(|(code, minor_units)| Currency {
                code,
                minor_units: *minor_units,
            })
            .ok_or_else(|| {
                Error::user(
                    field,
                    ErrorCode::Invalid,
                    format!(
                        "`{}` is not an ISO 4217 currency this system trades in",
                        raw.trim()
                    ),
                )
            })
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Digits after the decimal point: 2 for EUR and CNY, 0 for JPY, 3 for KWD.
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }
}

/// An amount in a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    /// An amount as sent by a client: it may not have more digits than the currency has.
    pub fn parse(field: &[&str], amount: Decimal, currency: Currency) -> Result<Self> {
        if amount.normalize().scale() > currency.minor_units {
            return Err(Error::user(
                field,
                ErrorCode::Invalid,
                format!(
                    "{amount} has more decimals than {} allows ({})",
                    currency.code, currency.minor_units
                ),
            ));
        }
        Ok(Self { amount, currency })
    }

    /// An amount sent by a client (a payment, a credit limit): positive, at most `max`, and
    /// no finer than the currency.
    pub fn positive(
        field: &[&str],
        amount: Decimal,
        currency: Currency,
        max: Decimal,
    ) -> Result<Self> {
        in_range(field, amount, max)?;
        Self::parse(field, amount, currency)
    }

    /// Rounded half-even to the currency's minor unit, as every line total is.
    pub fn rounded(amount: Decimal, currency: Currency) -> Self {
        Self {
            amount: amount.round_dp_with_strategy(
                currency.minor_units,
                RoundingStrategy::MidpointNearestEven,
            ),
            currency,
        }
    }

    /// The sum of amounts in one currency; a mix of currencies is refused.
    pub fn sum(field: &[&str], amounts: &[Money], currency: Currency) -> Result<Self> {
        let mut total = Decimal::ZERO;
        for m in amounts {
            if m.currency != currency {
                return Err(Error::user(
                    field,
                    ErrorCode::Invalid,
                    format!(
                        "an amount in {} cannot be added to one in {}",
                        m.currency.code, currency.code
                    ),
                ));
            }
            total += m.amount;
        }
        Ok(Self {
            amount: total,
            currency,
        })
    }
}

/// A decimal to the four places the tables keep, normalised (`12.5`, not `12.5000`).
pub fn stored(value: impl Into<Decimal>) -> Decimal {
    value
        .into()
        .round_dp_with_strategy(STORED_PLACES, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// An amount, a price or a quantity from a statement's row: a stored column, which holds whole
/// ten-thousandths ([`entity::fixed::Fixed`]), or a sum of such columns, which PostgreSQL
/// hands back as a `numeric` and SQLite as an integer. `None` for NULL (an empty sum).
pub fn column(row: &QueryResult, name: &str) -> Result<Option<Decimal>> {
    let units = match row.try_get::<Option<i64>>("", name) {
        Ok(units) => units.map(Decimal::from),
        Err(err) => match row.try_get::<Option<Decimal>>("", name) {
            Ok(units) => units,
            Err(_) => return Err(err.into()),
        },
    };
    Ok(units.map(|u| stored(u / Decimal::from(entity::fixed::UNITS))))
}

/// An amount as clients see it: as stored, with at least the currency's minor unit of
/// places (`1234.50` EUR, `1200` JPY, and a unit price of `9.1234` EUR as it is).
pub fn shown(amount: impl Into<Decimal>, currency: &str) -> Decimal {
    let mut amount = stored(amount);
    let minor = Currency::parse(&[], currency)
        .map(|c| c.minor_units())
        .unwrap_or(2);
    if amount.scale() < minor {
        amount.rescale(minor);
    }
    amount
}

/// An amount and its currency for a history entry: `1234.50 EUR`.
pub fn label(amount: impl Into<Decimal>, currency: &str) -> String {
    format!("{} {currency}", shown(amount, currency))
}

/// Places after the decimal point that stored amounts, prices and quantities keep.
pub const STORED_PLACES: u32 = 4;

/// The tax on one line: its net amount times the rate in percent, rounded half-even to the
/// currency's minor unit. Tax is rounded per line, never on the total.
pub fn line_tax(net: Decimal, rate_percent: Decimal, currency: Currency) -> Money {
    Money::rounded(net * rate_percent / Decimal::ONE_HUNDRED, currency)
}

/// A tax rate in percent: 0 to 100, no finer than four places.
pub fn tax_rate(field: &[&str], value: Decimal) -> Result<Decimal> {
    if value.is_zero() {
        return Ok(Decimal::ZERO);
    }
    bounded(field, value, Decimal::ONE_HUNDRED)
}

/// A positive quantity, at most `max`, and no finer than four places.
pub fn quantity(field: &[&str], value: Decimal, max: Decimal) -> Result<Decimal> {
    bounded(field, value, max)
}

/// A counted quantity that may be zero (stock on hand, units sold), at most `max`, and no
/// finer than four places.
pub fn count(field: &[&str], value: Decimal, max: Decimal) -> Result<Decimal> {
    if value.is_zero() {
        return Ok(Decimal::ZERO);
    }
    if value.is_sign_negative() {
        let label = field.last().copied().unwrap_or("quantity");
        return Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("{label} must be 0 or more; it was {value}"),
        ));
    }
    bounded(field, value, max)
}

/// A unit price as a client sends it: positive, at most `max`, and no finer than four places
/// (prices of small parts go below the minor unit; line totals never do).
pub fn unit_price(field: &[&str], value: Decimal, max: Decimal) -> Result<Decimal> {
    bounded(field, value, max)
}

fn bounded(field: &[&str], value: Decimal, max: Decimal) -> Result<Decimal> {
    in_range(field, value, max)?;
    if value.normalize().scale() > STORED_PLACES {
        let label = field.last().copied().unwrap_or("quantity");
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("{label} {value} has more than {STORED_PLACES} decimals"),
        ));
    }
    Ok(value)
}

/// Refuses zero, negative and absurd values, naming the field.
fn in_range(field: &[&str], value: Decimal, max: Decimal) -> Result<()> {
    let label = field.last().copied().unwrap_or("value");
    if value <= Decimal::ZERO {
        return Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("{label} must be more than zero; it was {value}"),
        ));
    }
    if value > max {
        return Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("{label} must be at most {max}; it was {value}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_are_shown_with_the_currencys_minor_unit() {
        assert_eq!(shown(d("47527.2"), "EUR").to_string(), "47527.20");
        assert_eq!(shown(d("3444"), "EUR").to_string(), "3444.00");
        assert_eq!(shown(d("9.1234"), "EUR").to_string(), "9.1234");
        assert_eq!(shown(d("1200"), "JPY").to_string(), "1200");
        assert_eq!(shown(d("1.5"), "KWD").to_string(), "1.500");
        assert_eq!(label(d("10"), "EUR"), "10.00 EUR");
    }

    #[test]
    fn tax_is_rounded_half_even_per_line() {
        let eur = Currency::parse(&["c"], "EUR").unwrap();
        assert_eq!(line_tax(d("9.99"), d("19"), eur).amount, d("1.90"));
        // 0.50 at 5% is 0.025: half-even rounds to 0.02, not 0.03.
        assert_eq!(line_tax(d("0.50"), d("5"), eur).amount, d("0.02"));
        assert_eq!(line_tax(d("0.70"), d("5"), eur).amount, d("0.04"));
        assert!(tax_rate(&["t"], d("101")).is_err());
        assert!(tax_rate(&["t"], d("-1")).is_err());
        assert_eq!(tax_rate(&["t"], d("0")).unwrap(), d("0"));
    }

    #[test]
    fn currencies_carry_their_minor_units() {
        assert_eq!(Currency::parse(&["c"], "CNY").unwrap().minor_units(), 2);
        assert!(Currency::parse(&["c"], "cny").is_err());
        assert!(Currency::parse(&["c"], " EUR").is_err());
        assert_eq!(Currency::parse(&["c"], "JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse(&["c"], "KWD").unwrap().minor_units(), 3);
        assert!(Currency::parse(&["c"], "XYZ").is_err());
    }

    #[test]
    fn amounts_may_not_be_finer_than_the_currency() {
        let jpy = Currency::parse(&["c"], "JPY").unwrap();
        let eur = Currency::parse(&["c"], "EUR").unwrap();
        assert!(Money::parse(&["price"], d("1200"), jpy).is_ok());
        assert!(Money::parse(&["price"], d("1200.5"), jpy).is_err());
        assert!(Money::parse(&["price"], d("19.990"), eur).is_ok());
        assert!(Money::parse(&["price"], d("19.995"), eur).is_err());
    }

    #[test]
    fn rounding_is_half_even_to_the_minor_unit() {
        let eur = Currency::parse(&["c"], "EUR").unwrap();
        let jpy = Currency::parse(&["c"], "JPY").unwrap();
        assert_eq!(Money::rounded(d("2.345"), eur).amount, d("2.34"));
        assert_eq!(Money::rounded(d("2.355"), eur).amount, d("2.36"));
        assert_eq!(Money::rounded(d("1234.5"), jpy).amount, d("1234"));
        assert_eq!(Money::rounded(d("1235.5"), jpy).amount, d("1236"));
    }

    #[test]
    fn sums_are_exact_and_in_one_currency() {
        let eur = Currency::parse(&["c"], "EUR").unwrap();
        let usd = Currency::parse(&["c"], "USD").unwrap();
        let lines: Vec<Money> = (0..10).map(|_| Money::rounded(d("0.10"), eur)).collect();
        assert_eq!(
            Money::sum(&["total"], &lines, eur).unwrap().amount,
            d("1.00")
        );
        let mixed = [Money::rounded(d("1"), eur), Money::rounded(d("1"), usd)];
        assert!(Money::sum(&["total"], &mixed, eur).is_err());
    }

    #[test]
    fn quantities_are_positive_and_bounded() {
        let max = d("1000000");
        assert!(quantity(&["quantity"], d("0"), max).is_err());
        assert!(quantity(&["quantity"], d("-1"), max).is_err());
        assert!(quantity(&["quantity"], d("1000001"), max).is_err());
        assert_eq!(quantity(&["quantity"], d("2.5"), max).unwrap(), d("2.5"));
    }
}
