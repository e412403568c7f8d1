//! The roles a user holds, stored as one text column: the roles' codes in a fixed order,
//! joined by commas (`PARTNER_MANAGER,PARTNER_FINANCE`). A staff user holds one staff
//! role; a partner user one or more partner roles.

use std::fmt;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{
    ActiveEnum, ColIdx, IntoActiveValue, Iterable, QueryResult, TryGetError, TryGetable, Value,
};

use crate::enums::UserRole;

/// A set of roles.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u16);

impl Roles {
    /// The set of no role.
    pub const NONE: Roles = Roles(0);

    fn bit(role: UserRole) -> u16 {
        let index = UserRole::iter().position(|r| r == role).unwrap_or(0);
        1 << index
    }

    /// The set holding `roles`.
    pub fn of(roles: impl IntoIterator<Item = UserRole>) -> Roles {
        Roles(roles.into_iter().fold(0, |bits, r| bits | Self::bit(r)))
    }

    /// Whether the set holds `role`.
    pub fn has(self, role: UserRole) -> bool {
        self.0 & Self::bit(role) != 0
    }

    /// Whether the set holds any of `roles`.
    pub fn any(self, roles: &[UserRole]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// The roles, in their fixed order.
    pub fn iter(self) -> impl Iterator<Item = UserRole> {
        UserRole::iter().filter(move |r| self.has(*r))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Every role in the set is a partner role (true of the empty set).
    pub fn all_partner(self) -> bool {
        self.iter().all(UserRole::is_partner)
    }

    /// The stored form.
    pub fn codes(self) -> String {
        self.iter()
            .map(|r| r.to_value())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form; None if any code is unknown.
    pub fn parse(raw: &str) -> Option<Roles> {
        if raw.is_empty() {
            return Some(Roles::NONE);
        }
        raw.split(',')
            .map(|code| UserRole::try_from_value(&code.to_owned()).ok())
            .collect::<Option<Vec<_>>>()
            .map(Roles::of)
    }
}

impl From<UserRole> for Roles {
    fn from(role: UserRole) -> Self {
        Roles::of([role])
    }
}

impl From<&[UserRole]> for Roles {
    fn from(roles: &[UserRole]) -> Self {
        Roles::of(roles.iter().copied())
    }
}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The audit trail shows the roles as a list of codes.
impl serde::Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl From<Roles> for Value {
    fn from(value: Roles) -> Self {
        Value::String(Some(value.codes()))
    }
}

impl TryGetable for Roles {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        let raw = String::try_get_by(res, idx)?;
        Roles::parse(&raw).ok_or_else(|| {
            TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                "users.roles holds an unknown role: {raw}"
            )))
        })
    }
}

impl ValueType for Roles {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::String(Some(raw)) => Roles::parse(&raw).ok_or(ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "Roles".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::N(200))
    }
}

impl Nullable for Roles {
    fn null() -> Value {
        Value::String(None)
    }
}

impl IntoActiveValue<Roles> for Roles {
    fn into_active_value(self) -> sea_orm::ActiveValue<Roles> {
        sea_orm::ActiveValue::Set(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_stored_in_a_fixed_order_and_read_back() {
        let roles = Roles::of([UserRole::PartnerService, UserRole::PartnerAdmin]);
        assert_eq!(roles.codes(), "PARTNER_ADMIN,PARTNER_SERVICE");
        assert_eq!(Roles::parse(&roles.codes()), Some(roles));
        assert!(roles.has(UserRole::PartnerAdmin) && !roles.has(UserRole::PartnerSales));
        assert!(roles.all_partner());
        assert_eq!(Roles::parse(""), Some(Roles::NONE));
    }

    #[test]
    fn an_unknown_code_is_not_read_as_fewer_roles() {
        assert_eq!(Roles::parse("PARTNER_ADMIN,PARTNER_MEMBER"), None);
        assert_eq!(Roles::parse("ADMIN,"), None);
    }
}
