//! The organizations, contacts, addresses and channel links a request's resolvers follow,
//! batched per request, and the directory's relations: an organization's children,
//! downstream and upstream organizations, contacts, addresses and links, paged through
//! [`RelationLoader`](crate::graphql::loading::RelationLoader).

use entity::enums::{ChannelLinkKind, ChannelLinkStatus};
use entity::{address, channel_link, contact, organization};
use sea_orm::sea_query::{Expr, ExprTrait, SelectStatement};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use uuid::Uuid;

use super::model::{LinkEnd, LinkFilter};
use super::{addresses, contacts, links, service};
use crate::access::Principal;
use crate::graphql::loading::{ChildRelation, LoadScope, by_id_loader};
use crate::pagination::SortKey;

/// Loads the directory for one request, on behalf of its principal.
pub struct DirectoryLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganizationId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContactId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddressId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChannelLinkId(pub Uuid);
/// A contact's marketing consent history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConsentHistoryOf(pub Uuid);

by_id_loader!(DirectoryLoader: OrganizationId => organization::Model, service::by_ids);
by_id_loader!(DirectoryLoader: ContactId => contact::Model, contacts::by_ids);
by_id_loader!(DirectoryLoader: AddressId => address::Model, addresses::by_ids);
by_id_loader!(DirectoryLoader: ChannelLinkId => channel_link::Model, links::by_ids);
by_id_loader!(
    DirectoryLoader: ConsentHistoryOf => Vec<entity::consent_event::Model>,
    contacts::consent_history_of
);

/// Organizations hanging off an organization.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrganizationRelation {
    /// Organizations whose parent it is.
    Children { include_archived: bool },
    /// Organizations it reaches through live links of a kind (a distributor's dealers).
    Downstream(ChannelLinkKind),
    /// Organizations that reach it through live links of a kind (a dealer's distributors).
    Upstream(ChannelLinkKind),
}

impl ChildRelation for OrganizationRelation {
    type Model = organization::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        use channel_link::Column as L;
        use organization::Column as O;
        let mut query = organization::Entity::find().filter(principal.visible_organizations());
        match self {
            OrganizationRelation::Children { include_archived } => {
                if !include_archived {
                    query = query.filter(O::ArchivedAt.is_null());
                }
                query.into_query()
            }
            OrganizationRelation::Downstream(kind) | OrganizationRelation::Upstream(kind) => {
                let joined_end = match self {
                    OrganizationRelation::Downstream(_) => L::DownstreamId,
                    _ => L::UpstreamId,
                };
                let mut stmt = query.filter(O::ArchivedAt.is_null()).into_query();
                stmt.inner_join(
                    channel_link::Entity,
                    Expr::col((channel_link::Entity, joined_end))
                        .equals((organization::Entity, O::Id)),
                )
                .and_where(Expr::col((channel_link::Entity, L::Kind)).eq(kind.to_value()))
                .and_where(
                    Expr::col((channel_link::Entity, L::Status))
                        .eq(ChannelLinkStatus::Active.to_value()),
                )
                .and_where(Expr::col((channel_link::Entity, L::ArchivedAt)).is_null());
                stmt
            }
        }
    }

    fn parent(&self) -> Expr {
        use channel_link::Column as L;
        match self {
            OrganizationRelation::Children { .. } => {
                Expr::col((organization::Entity, organization::Column::ParentId))
            }
            OrganizationRelation::Downstream(_) => Expr::col((channel_link::Entity, L::UpstreamId)),
            OrganizationRelation::Upstream(_) => Expr::col((channel_link::Entity, L::DownstreamId)),
        }
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        Expr::col((organization::Entity, service::sort_column(key)))
    }

    fn id_column(&self) -> Expr {
        Expr::col((organization::Entity, organization::Column::Id))
    }
}

/// An organization's contacts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContactRelation {
    pub include_archived: bool,
}

impl ChildRelation for ContactRelation {
    type Model = contact::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        let mut query = contact::Entity::find()
            .filter(principal.owned_by_visible(contact::Column::OrganizationId));
        if !self.include_archived {
            query = query.filter(contact::Column::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        Expr::col((contact::Entity, contact::Column::OrganizationId))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::Name => contact::Column::NameKey,
            SortKey::CreatedAt | SortKey::Due => contact::Column::CreatedAt,
            SortKey::UpdatedAt => contact::Column::UpdatedAt,
        };
        Expr::col((contact::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((contact::Entity, contact::Column::Id))
    }
}

/// An organization's addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddressRelation {
    pub include_archived: bool,
}

impl ChildRelation for AddressRelation {
    type Model = address::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        let mut query = address::Entity::find()
            .filter(principal.owned_by_visible(address::Column::OrganizationId));
        if !self.include_archived {
            query = query.filter(address::Column::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        Expr::col((address::Entity, address::Column::OrganizationId))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::UpdatedAt => address::Column::UpdatedAt,
            SortKey::Name | SortKey::CreatedAt | SortKey::Due => address::Column::CreatedAt,
        };
        Expr::col((address::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((address::Entity, address::Column::Id))
    }
}

/// An organization's channel links, from one end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkRelation {
    /// The end the parent organization is at.
    pub end: LinkEnd,
    pub filter: LinkFilter,
}

impl ChildRelation for LinkRelation {
    type Model = channel_link::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        use channel_link::Column as L;
        let mut query = channel_link::Entity::find()
            .filter(principal.owned_by_visible(L::UpstreamId))
            .filter(principal.owned_by_visible(L::DownstreamId));
        if !self.filter.kinds.is_empty() {
            query = query.filter(L::Kind.is_in(self.filter.kinds.iter().copied()));
        }
        if let Some(status) = self.filter.status {
            query = query.filter(L::Status.eq(status));
        }
        if !self.filter.include_archived {
            query = query.filter(L::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        let col = match self.end {
            LinkEnd::Upstream => channel_link::Column::UpstreamId,
            LinkEnd::Downstream => channel_link::Column::DownstreamId,
        };
        Expr::col((channel_link::Entity, col))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::UpdatedAt => channel_link::Column::UpdatedAt,
            SortKey::Name | SortKey::CreatedAt | SortKey::Due => channel_link::Column::CreatedAt,
        };
        Expr::col((channel_link::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((channel_link::Entity, channel_link::Column::Id))
    }
}
