//! Domain values of the directory, already validated, and what the services accept.

use chrono::NaiveDate;
use entity::enums::{
    AddressKind, BuyingRole, ChannelLinkKind, ChannelLinkStatus, ConsentStatus, CustomerType,
    IndustrySegment, OrganizationKind, OrganizationStatus, RelationshipLevel,
};
use entity::{address, channel_link, contact, organization};
use uuid::Uuid;

use crate::pagination::{Keyed, SortKey, SortValue};

/// A change to an optional field: leave it, clear it, or set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewOrganization {
    pub kind: OrganizationKind,
    pub name: String,
    pub legal_name: Option<String>,
    pub code: String,
    pub tax_id: Option<String>,
    pub segment: Option<IndustrySegment>,
    pub customer_type: Option<CustomerType>,
    pub territory: Option<String>,
    pub parent_id: Option<Uuid>,
    pub account_owner_id: Option<Uuid>,
    pub key_account: bool,
    pub status: OrganizationStatus,
}

#[derive(Clone, Debug, Default)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub legal_name: Patch<String>,
    pub code: Option<String>,
    pub tax_id: Patch<String>,
    pub segment: Patch<IndustrySegment>,
    pub customer_type: Patch<CustomerType>,
    pub territory: Patch<String>,
    pub parent_id: Patch<Uuid>,
    pub account_owner_id: Patch<Uuid>,
    pub status: Option<OrganizationStatus>,
    pub key_account: Option<bool>,
}

impl OrganizationChanges {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        let keep = |p: &Patch<String>| matches!(p, Patch::Keep);
        self.name.is_none()
            && keep(&self.legal_name)
            && self.code.is_none()
            && keep(&self.tax_id)
            && matches!(self.segment, Patch::Keep)
            && matches!(self.customer_type, Patch::Keep)
            && keep(&self.territory)
            && matches!(self.parent_id, Patch::Keep)
            && matches!(self.account_owner_id, Patch::Keep)
            && self.status.is_none()
            && self.key_account.is_none()
    }
}

/// Why an organization of the directory may be the same company as a lead or a dealer
/// being registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DuplicateReason {
    Name,
    TaxId,
    EmailDomain,
    Email,
    Address,
}

/// Which organizations a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OrganizationFilter {
    pub kinds: Vec<OrganizationKind>,
    /// Lower-cased text the name must contain.
    pub name_contains: Option<String>,
    pub code: Option<String>,
    pub territory: Option<String>,
    pub segment: Option<IndustrySegment>,
    pub status: Option<OrganizationStatus>,
    pub parent_id: Option<Uuid>,
    pub account_owner_id: Option<Uuid>,
    pub include_archived: bool,
}

#[derive(Clone, Debug)]
pub struct NewContact {
    pub organization_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub preferences: Option<String>,
    pub notes: Option<String>,
    pub consent: Option<ConsentChange>,
}

/// A change of marketing consent, with where it was given or withdrawn.
#[derive(Clone, Debug)]
pub struct ConsentChange {
    pub status: ConsentStatus,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub title: Patch<String>,
    pub email: Patch<String>,
    pub phone: Patch<String>,
    pub buying_role: Patch<BuyingRole>,
    pub preferences: Patch<String>,
    pub notes: Patch<String>,
    pub consent: Option<ConsentChange>,
}

#[derive(Clone, Debug)]
pub struct NewAddress {
    pub organization_id: Uuid,
    pub kind: AddressKind,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub gln: Option<String>,
    pub duns: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AddressChanges {
    pub kind: Option<AddressKind>,
    pub line1: Option<String>,
    pub line2: Patch<String>,
    pub city: Option<String>,
    pub region: Patch<String>,
    pub postal_code: Patch<String>,
    pub country: Option<String>,
    pub gln: Patch<String>,
    pub duns: Patch<String>,
}

#[derive(Clone, Debug)]
pub struct NewChannelLink {
    pub upstream_id: Uuid,
    pub downstream_id: Uuid,
    pub kind: ChannelLinkKind,
    pub level: RelationshipLevel,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub territory: Option<String>,
    pub exclusive: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ChannelLinkChanges {
    pub level: Option<RelationshipLevel>,
    pub status: Option<ChannelLinkStatus>,
    pub since: Option<NaiveDate>,
    pub until: Patch<NaiveDate>,
    pub territory: Patch<String>,
    pub exclusive: Option<bool>,
}

/// Which end of a channel link the parent organization is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkEnd {
    /// Links where the organization is the upstream party (it supplies or serves).
    Upstream,
    /// Links where the organization is the downstream party (it is supplied or served).
    Downstream,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LinkFilter {
    pub kinds: Vec<ChannelLinkKind>,
    pub status: Option<ChannelLinkStatus>,
    pub include_archived: bool,
}

/// Which channel link kinds may join which organization kinds, upstream to downstream.
pub fn link_allowed(
    kind: ChannelLinkKind,
    upstream: OrganizationKind,
    downstream: OrganizationKind,
) -> bool {
    use OrganizationKind::*;
    match kind {
        ChannelLinkKind::Supplies => {
            upstream == Supplier && matches!(downstream, Brand | Distributor)
        }
        ChannelLinkKind::DistributesTo => {
            matches!(upstream, Brand | Distributor) && downstream == Distributor
        }
        ChannelLinkKind::ResellsTo => {
            matches!(upstream, Brand | Distributor) && downstream == IntermediateCustomer
        }
        ChannelLinkKind::Serves => {
            matches!(upstream, Brand | Distributor | IntermediateCustomer)
                && downstream == EndCustomer
        }
    }
}

impl Keyed for organization::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.name_key.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

impl Keyed for contact::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.name_key.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

impl Keyed for address::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name => SortValue::Text(self.city.to_lowercase()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

impl Keyed for channel_link::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Name | SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}
