//! `UserError`: an expected business failure of a mutation, returned in its payload.

use async_graphql::{Enum, SimpleObject};

use crate::error::{self, Error, ErrorCode};

/// What was wrong with the input, for programs to switch on.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ErrorCode")]
pub enum UserErrorCode {
    /// The value is not in the accepted form (an email, a country code, a GLN, ...).
    Invalid,
    /// A value that must be given is missing or blank.
    Required,
    /// The value is longer than allowed.
    TooLong,
    /// The value must be unique and is already in use.
    Taken,
    /// The id names nothing this caller can see.
    NotFound,
    /// The id names an object of another type.
    WrongType,
    /// The object changed since it was read: the `version` sent is stale.
    Conflict,
    /// A channel link would connect an organization to itself.
    SelfLink,
    /// The change would make an organization its own ancestor.
    Cycle,
    /// The organizations' kinds do not allow this relationship.
    NotAllowed,
    /// The object is archived and can no longer be changed.
    Archived,
    /// A number is zero, negative, or above the configured maximum.
    OutOfRange,
    /// The product is not active and cannot be ordered.
    Inactive,
    /// No valid price list applies to this buyer today.
    NoPriceList,
    /// The amounts are in different currencies.
    CurrencyMismatch,
    /// The quantity is not in the product's unit of measure.
    UnitMismatch,
    /// The price sent differs from the price that applies.
    PriceMismatch,
    /// The object's status does not allow this change.
    IllegalTransition,
    /// The quantity is more than was accepted for the line.
    ExceedsAccepted,
    /// The amount is more than is still owed.
    ExceedsBalance,
    /// Records that look like this one already exist: link to one of them, or confirm.
    Duplicate,
    /// It was valid once and its time ran out.
    Expired,
}

/// An expected business failure: which input field, a machine code and a human message.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "UserError")]
pub struct UserErrorObject {
    /// Path to the input field at fault, from the mutation's arguments, for example
    /// `["input", "email"]`.
    pub field: Vec<String>,
    /// What kind of problem it is.
    pub code: UserErrorCode,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl From<error::UserError> for UserErrorObject {
    fn from(e: error::UserError) -> Self {
        Self {
            field: e.field,
            code: e.code.into(),
            message: e.message,
        }
    }
}

/// Splits a service result into the changed object or the user errors for a mutation
/// payload; other failures become GraphQL errors.
pub fn outcome<T>(
    result: error::Result<T>,
) -> async_graphql::Result<(Option<T>, Vec<UserErrorObject>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(Error::User(e)) => Ok((None, vec![e.into()])),
        Err(other) => Err(other.into_graphql()),
    }
}
