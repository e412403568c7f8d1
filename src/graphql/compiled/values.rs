//! A field's value from what the database's JSON holds: the same formatting the resolvers
//! apply (scalars' `to_value`, money shown in its currency, global ids), without a model.
//! PostgreSQL and SQLite write some columns differently (booleans as `true` or `1`, UUIDs
//! as text or, from SQLite, as hex); each builder takes both. `None` is a value the column
//! cannot hold.

use async_graphql::resolver_utils::EnumType;
use async_graphql::{Name, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::ActiveEnum;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::ids::{GlobalId, NodeType};
use crate::money;

fn one(values: &[Json]) -> Option<&Json> {
    values.first()
}

pub fn text(values: &[Json]) -> Option<Value> {
    match one(values)? {
        Json::Null => Some(Value::Null),
        Json::String(s) => Some(Value::String(s.clone())),
        _ => None,
    }
}

pub fn int(values: &[Json]) -> Option<Value> {
    match one(values)? {
        Json::Null => Some(Value::Null),
        Json::Number(n) => Some(Value::Number(n.as_i64()?.into())),
        _ => None,
    }
}

pub fn boolean(values: &[Json]) -> Option<Value> {
    match one(values)? {
        Json::Null => Some(Value::Null),
        Json::Bool(b) => Some(Value::Boolean(*b)),
        Json::Number(n) => Some(Value::Boolean(n.as_i64()? != 0)),
        _ => None,
    }
}

pub fn date(values: &[Json]) -> Option<Value> {
    match one(values)? {
        Json::Null => Some(Value::Null),
        Json::String(s) => {
            let day = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
            Some(Value::String(day.format("%Y-%m-%d").to_string()))
        }
        _ => None,
    }
}

/// A moment as the database wrote it (RFC 3339, or PostgreSQL's text with a space).
pub fn moment(raw: &Json) -> Option<chrono::DateTime<chrono::Utc>> {
    let Json::String(s) = raw else { return None };
    let parsed = chrono::DateTime::parse_from_rfc3339(s)
        .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z"));
    parsed.ok().map(|t| t.with_timezone(&chrono::Utc))
}

pub fn date_time(values: &[Json]) -> Option<Value> {
    match one(values)? {
        Json::Null => Some(Value::Null),
        raw => Some(Value::String(
            moment(raw)?.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        )),
    }
}

/// A UUID as the database wrote it: hyphenated text, or SQLite's hex of its bytes.
pub fn uuid(raw: &Json) -> Option<Option<Uuid>> {
    match raw {
        Json::Null => Some(None),
        Json::String(s) if s.is_empty() => Some(None),
        Json::String(s) => Uuid::try_parse(s).ok().map(Some),
        _ => None,
    }
}

/// A stored amount, price or quantity (whole ten-thousandths) as a decimal.
pub fn units(raw: &Json) -> Option<Option<Decimal>> {
    match raw {
        Json::Null => Some(None),
        Json::Number(n) => Some(Some(Decimal::new(n.as_i64()?, 4))),
        Json::String(s) => Some(Some(Decimal::new(s.parse::<i64>().ok()?, 4))),
        _ => None,
    }
}

/// A stored quantity or rate, as the `Decimal` scalar shows it.
pub fn decimal(values: &[Json]) -> Option<Value> {
    Some(match units(one(values)?)? {
        None => Value::Null,
        Some(d) => Value::String(money::stored(d).to_string()),
    })
}

/// `Money { amount currency }` from a stored amount and its currency.
pub fn money(values: &[Json], fields: &[(Name, String)]) -> Option<Value> {
    let [amount, Json::String(currency)] = values else {
        return match values {
            [Json::Null, _] => Some(Value::Null),
            _ => None,
        };
    };
    let Some(amount) = units(amount)? else {
        return Some(Value::Null);
    };
    Some(money_object(amount, currency, fields))
}

/// `Money` with the amount worked out by the caller.
pub fn money_object(amount: Decimal, currency: &str, fields: &[(Name, String)]) -> Value {
    let mut object = async_graphql::indexmap::IndexMap::with_capacity(fields.len());
    for (key, name) in fields {
        let value = match name.as_str() {
            "amount" => Value::String(money::shown(amount, currency).to_string()),
            "currency" => Value::String(currency.to_owned()),
            "__typename" => Value::String("Money".into()),
            _ => Value::Null,
        };
        object.insert(key.clone(), value);
    }
    super::shape::object_value(object)
}

/// An object of plain text fields, for small types whose fields are columns
/// (`PartnerCode`): null when `required` of them are null.
pub fn text_object(
    type_name: &str,
    names: &[&str],
    values: &[Json],
    fields: &[(Name, String)],
    null_when_any_missing: bool,
) -> Option<Value> {
    let missing = |v: &Json| v.is_null();
    let null = if null_when_any_missing {
        values.iter().any(missing)
    } else {
        values.iter().all(missing)
    };
    if null {
        return Some(Value::Null);
    }
    let mut object = async_graphql::indexmap::IndexMap::with_capacity(fields.len());
    for (key, name) in fields {
        let value = if name == "__typename" {
            Value::String(type_name.into())
        } else {
            let at = names.iter().position(|n| n == name)?;
            text(std::slice::from_ref(&values[at]))?
        };
        object.insert(key.clone(), value);
    }
    Some(super::shape::object_value(object))
}

/// A global id of `node_type` from the row's id.
pub fn global_id(node_type: NodeType, values: &[Json]) -> Option<Value> {
    match uuid(one(values)?)? {
        None => Some(Value::Null),
        Some(id) => Some(Value::String(GlobalId::encode(node_type, id))),
    }
}

/// An enum stored as the entity's string and shown as the API's enum.
pub fn enumeration<E, G>(values: &[Json]) -> Option<Value>
where
    E: ActiveEnum<Value = String>,
    G: EnumType + From<E>,
{
    match one(values)? {
        Json::Null => Some(Value::Null),
        Json::String(s) => {
            let stored = E::try_from_value(s).ok()?;
            Some(async_graphql::resolver_utils::enum_value(G::from(stored)))
        }
        _ => None,
    }
}
