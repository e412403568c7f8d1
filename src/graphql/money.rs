//! Money and quantities as the API shows and takes them.

use async_graphql::{InputObject, SimpleObject};
use rust_decimal::Decimal as Dec;

use crate::error::Result;
use crate::graphql::scalars::Decimal;
use crate::money::{self, Currency};

/// An amount of money: an exact decimal in an ISO 4217 currency.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct Money {
    /// The amount, exact, with at least the currency's minor unit of places: `"1234.50"` in
    /// EUR, `"1200"` in JPY; unit prices may carry up to four places.
    pub amount: Decimal,
    /// The ISO 4217 currency code, for example `EUR`.
    pub currency: String,
}

impl Money {
    /// An amount as stored, in the currency named by `currency`, with at least the currency's
    /// minor unit of places.
    pub fn of(amount: Dec, currency: &str) -> Self {
        Self {
            amount: Decimal(money::shown(amount, currency)),
            currency: currency.to_owned(),
        }
    }
}

/// An amount of money to send: an exact decimal and an ISO 4217 currency code.
#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    /// The amount, as a string such as `"1234.50"`; no finer than the currency's minor unit.
    pub amount: Decimal,
    /// The ISO 4217 currency code, for example `EUR` or `JPY`.
    pub currency: String,
}

impl MoneyInput {
    /// A positive amount, no finer than its currency, at most `max`; errors name `field`.
    pub fn parse(&self, field: &[&str], max: Dec) -> Result<money::Money> {
        let mut currency_field = field.to_vec();
        currency_field.push("currency");
        let currency = Currency::parse(&currency_field, &self.currency)?;
        let mut amount_field = field.to_vec();
        amount_field.push("amount");
        money::Money::positive(&amount_field, self.amount.0, currency, max)
    }
}
