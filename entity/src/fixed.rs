//! Amounts, prices, rates and quantities as the tables keep them: decimals with at most four
//! places, stored as a whole number of ten-thousandths (`BIGINT`) on both databases. SQLite
//! keeps them as exactly as PostgreSQL does, and a sum or a comparison in SQL is integer
//! arithmetic on both, so both give the same answer to the last place.
//!
//! The range is ±922,337,203,685,477.5807, the range of a 64-bit integer of ten-thousandths.

use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Deref, Div, Mul, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};

/// Places after the decimal point that the tables keep.
pub const PLACES: u32 = 4;

/// Stored units in one: 10^[`PLACES`]. SQL that turns a stored column into a number divides
/// by this.
pub const UNITS: i64 = 10_000;

/// A decimal as a table keeps it. Made from a `Decimal`, it is rounded half-even to four
/// places; arithmetic on it gives a `Decimal`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed(Decimal);

impl Fixed {
    pub const ZERO: Fixed = Fixed(Decimal::ZERO);

    /// The decimal that `units` ten-thousandths make.
    pub fn from_units(units: i64) -> Self {
        Self(Decimal::new(units, PLACES).normalize())
    }

    /// The stored form: a whole number of ten-thousandths, or `None` outside the range.
    pub fn units(self) -> Option<i64> {
        let mut d = self.0;
        d.rescale(PLACES);
        if d.scale() != PLACES {
            return None;
        }
        <i64 as TryFrom<i128>>::try_from(d.mantissa()).ok()
    }

    /// The value as a decimal, normalised (`12.5`, not `12.5000`).
    pub fn get(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Fixed {
    fn from(value: Decimal) -> Self {
        Self(
            value
                .round_dp_with_strategy(PLACES, RoundingStrategy::MidpointNearestEven)
                .normalize(),
        )
    }
}

impl From<Fixed> for Decimal {
    fn from(value: Fixed) -> Self {
        value.0
    }
}

impl Deref for Fixed {
    type Target = Decimal;

    fn deref(&self) -> &Decimal {
        &self.0
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for Fixed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.0, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Fixed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Decimal as serde::Deserialize>::deserialize(deserializer).map(Fixed::from)
    }
}

// Arithmetic leaves the stored form: its results are decimals, rounded where the caller says.
macro_rules! arithmetic {
    ($trait:ident, $method:ident) => {
        impl $trait<Fixed> for Fixed {
            type Output = Decimal;
            fn $method(self, rhs: Fixed) -> Decimal {
                self.0.$method(rhs.0)
            }
        }
        impl $trait<Decimal> for Fixed {
            type Output = Decimal;
            fn $method(self, rhs: Decimal) -> Decimal {
                self.0.$method(rhs)
            }
        }
        impl $trait<Fixed> for Decimal {
            type Output = Decimal;
            fn $method(self, rhs: Fixed) -> Decimal {
                self.$method(rhs.0)
            }
        }
    };
}

arithmetic!(Add, add);
arithmetic!(Sub, sub);
arithmetic!(Mul, mul);
arithmetic!(Div, div);

impl Neg for Fixed {
    type Output = Fixed;
    fn neg(self) -> Fixed {
        Fixed(-self.0)
    }
}

impl AddAssign<Fixed> for Decimal {
    fn add_assign(&mut self, rhs: Fixed) {
        *self += rhs.0;
    }
}

impl SubAssign<Fixed> for Decimal {
    fn sub_assign(&mut self, rhs: Fixed) {
        *self -= rhs.0;
    }
}

impl Sum<Fixed> for Decimal {
    fn sum<I: Iterator<Item = Fixed>>(iter: I) -> Decimal {
        iter.map(|f| f.0).sum()
    }
}

impl<'a> Sum<&'a Fixed> for Decimal {
    fn sum<I: Iterator<Item = &'a Fixed>>(iter: I) -> Decimal {
        iter.map(|f| f.0).sum()
    }
}

impl PartialEq<Decimal> for Fixed {
    fn eq(&self, other: &Decimal) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Fixed> for Decimal {
    fn eq(&self, other: &Fixed) -> bool {
        *self == other.0
    }
}

impl PartialOrd<Decimal> for Fixed {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        self.0.partial_cmp(other)
    }
}

impl PartialOrd<Fixed> for Decimal {
    fn partial_cmp(&self, other: &Fixed) -> Option<Ordering> {
        self.partial_cmp(&other.0)
    }
}

impl From<Fixed> for Value {
    /// Ten-thousandths as a `BIGINT`. A value outside the range goes as the decimal it is,
    /// which a `BIGINT` column refuses on PostgreSQL and which SQLite keeps as a real that
    /// no read accepts: never a different amount.
    fn from(value: Fixed) -> Self {
        match value.units() {
            Some(units) => Value::BigInt(Some(units)),
            None => Value::Decimal(Some(value.0)),
        }
    }
}

impl TryGetable for Fixed {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        i64::try_get_by(res, idx).map(Fixed::from_units)
    }
}

impl ValueType for Fixed {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::BigInt(Some(units)) => Ok(Fixed::from_units(units)),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "Fixed".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::BigInt
    }

    fn column_type() -> ColumnType {
        ColumnType::BigInteger
    }
}

impl Nullable for Fixed {
    fn null() -> Value {
        Value::BigInt(None)
    }
}

impl IntoActiveValue<Fixed> for Fixed {
    fn into_active_value(self) -> sea_orm::ActiveValue<Fixed> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decimals_go_to_ten_thousandths_and_back_exactly() {
        for s in ["0.1", "-3.35", "1234567.8901", "0", "922337203685477.5807"] {
            let f = Fixed::from(d(s));
            let units = f.units().unwrap();
            assert_eq!(Fixed::from_units(units), f, "{s}");
            assert_eq!(f.get(), d(s).normalize(), "{s}");
        }
        assert_eq!(Fixed::from(d("0.1")).units(), Some(1_000));
        assert_eq!(Fixed::from_units(12_500).to_string(), "1.25");
    }

    #[test]
    fn finer_values_round_half_even_to_four_places() {
        assert_eq!(Fixed::from(d("0.00005")).get(), d("0"));
        assert_eq!(Fixed::from(d("0.00015")).get(), d("0.0002"));
        assert_eq!(Fixed::from(d("-0.00015")).get(), d("-0.0002"));
    }

    #[test]
    fn values_outside_the_range_never_become_another_amount() {
        let big = Fixed::from(d("922337203685477.5808"));
        assert_eq!(big.units(), None);
        assert!(matches!(Value::from(big), Value::Decimal(Some(_))));
        assert!(matches!(
            Value::from(Fixed::from(d("-1.5"))),
            Value::BigInt(Some(-15_000))
        ));
    }

    #[test]
    fn ten_thousand_lines_of_a_dime_sum_to_a_thousand() {
        let dime = Fixed::from(d("0.10"));
        let units: i64 = (0..10_000).map(|_| dime.units().unwrap()).sum();
        assert_eq!(Fixed::from_units(units).get(), d("1000"));
        let total: Decimal = std::iter::repeat_n(dime, 10_000).sum();
        assert_eq!(total, d("1000"));
    }
}
