//! Who is calling. Every resolver takes the principal from the request context and passes it
//! to the services, so access rules live here and in the services' scoping, not in resolvers.

use async_graphql::Context;

use crate::error::{Error, Result};

/// The caller of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// A caller on the local machine. Until sign-in exists, every request is local, and the
    /// README says the API is for local use only.
    Local,
}

impl Principal {
    /// The principal of the request behind `ctx`; a request without one is refused.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a Principal> {
        ctx.data_opt::<Principal>().ok_or(Error::Unauthenticated)
    }

    /// Whether this principal may change the directory (organizations, contacts, addresses,
    /// channel links).
    pub fn ensure_can_edit_directory(&self) -> Result<()> {
        match self {
            Principal::Local => Ok(()),
        }
    }
}

impl Principal {
    /// The organizations this principal may see, as a condition on the `organizations` table.
    /// Every list, lookup and nested relation of organizations applies it.
    pub fn visible_organizations(&self) -> sea_orm::Condition {
        match self {
            Principal::Local => sea_orm::Condition::all(),
        }
    }
}

impl Principal {
    /// Whether this principal sees only part of the graph.
    pub fn is_restricted(&self) -> bool {
        match self {
            Principal::Local => false,
        }
    }

    /// Rows that belong to an organization (through `org_column`) the principal may see.
    pub fn owned_by_visible<C: sea_orm::ColumnTrait>(&self, org_column: C) -> sea_orm::Condition {
        use sea_orm::{EntityTrait, QueryFilter, QuerySelect, QueryTrait};
        if !self.is_restricted() {
            return sea_orm::Condition::all();
        }
        let visible = entity::organization::Entity::find()
            .select_only()
            .column(entity::organization::Column::Id)
            .filter(self.visible_organizations())
            .into_query();
        sea_orm::Condition::all().add(org_column.in_subquery(visible))
    }
}
