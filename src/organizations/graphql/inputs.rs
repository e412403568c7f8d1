//! Mutation inputs, parsed into the directory's domain values at the edge.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use uuid::Uuid;

use super::types::*;
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::connection::SortDirection;
use crate::graphql::scalars::Date;
use crate::ids::{GlobalId, IdError, NodeType, argument_id};
use crate::organizations::model::{
    AddressChanges, ChannelLinkChanges, ConsentChange, ContactChanges, NewAddress, NewChannelLink,
    NewContact, NewOrganization, OrganizationChanges, Patch,
};
use crate::pagination::{Sort, SortKey};

const NOTE_MAX: usize = 10_000;

/// Parses a global id in `input.<field>` that must name a `expected`.
pub fn input_id(field: &str, raw: &ID, expected: NodeType) -> Result<Uuid> {
    GlobalId::parse_as(raw, expected).map_err(|e| {
        let code = match e {
            IdError::Malformed => ErrorCode::Invalid,
            IdError::WrongType { .. } => ErrorCode::WrongType,
        };
        Error::user(&["input", field], code, format!("{field} {e}"))
    })
}

fn patch<T, U>(value: MaybeUndefined<T>, parse: impl FnOnce(T) -> Result<U>) -> Result<Patch<U>> {
    match value {
        MaybeUndefined::Undefined => Ok(Patch::Keep),
        MaybeUndefined::Null => Ok(Patch::Clear),
        MaybeUndefined::Value(v) => parse(v).map(Patch::Set),
    }
}

fn text_patch(field: &str, value: MaybeUndefined<String>, max: usize) -> Result<Patch<String>> {
    patch(value, |v| domain::required_text(&["input", field], &v, max)).map(|p| match p {
        // A blank value clears, like null.
        Patch::Set(v) if v.is_empty() => Patch::Clear,
        other => other,
    })
}

fn note_patch(field: &str, value: MaybeUndefined<String>) -> Result<Patch<String>> {
    match value {
        MaybeUndefined::Undefined => Ok(Patch::Keep),
        MaybeUndefined::Null => Ok(Patch::Clear),
        MaybeUndefined::Value(v) => Ok(
            match domain::optional_note(&["input", field], Some(&v), NOTE_MAX)? {
                Some(v) => Patch::Set(v),
                None => Patch::Clear,
            },
        ),
    }
}

/// A new organization.
#[derive(InputObject)]
pub struct OrganizationCreateInput {
    /// Its role in the channel; decides its type. There is one BRAND.
    pub kind: OrganizationKind,
    /// The name it trades under: 1 to 200 characters.
    pub name: String,
    /// The registered legal name.
    pub legal_name: Option<String>,
    /// Unique partner code: 2 to 15 letters, digits, `-` or `_`; stored in upper case.
    pub code: String,
    /// Tax or VAT registration number.
    pub tax_id: Option<String>,
    /// The industry it belongs to.
    pub segment: Option<IndustrySegment>,
    /// Consumer or business.
    pub customer_type: Option<CustomerType>,
    /// The sales territory it belongs to; stored in upper case.
    pub territory: Option<String>,
    /// The organization it belongs to in a corporate group.
    pub parent_id: Option<ID>,
    /// The staff user who owns the account.
    pub account_owner_id: Option<ID>,
    /// A key account: it gets a return visit on the configured interval. Default false.
    #[graphql(default)]
    pub key_account: bool,
    /// Whether it is doing business. Default ACTIVE.
    #[graphql(default_with = "OrganizationStatus::Active")]
    pub status: OrganizationStatus,
}

impl OrganizationCreateInput {
    pub fn parse(self) -> Result<NewOrganization> {
        Ok(NewOrganization {
            kind: self.kind.into(),
            name: domain::required_text(&["input", "name"], &self.name, domain::NAME_MAX)?,
            legal_name: domain::optional_text(
                &["input", "legalName"],
                self.legal_name.as_deref(),
                domain::NAME_MAX,
            )?,
            code: domain::partner_code(&["input", "code"], &self.code)?,
            tax_id: domain::optional_text(&["input", "taxId"], self.tax_id.as_deref(), 64)?,
            segment: self.segment.map(Into::into),
            customer_type: self.customer_type.map(Into::into),
            territory: self
                .territory
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| domain::territory(&["input", "territory"], t))
                .transpose()?,
            account_owner_id: self
                .account_owner_id
                .as_ref()
                .map(|id| input_id("accountOwnerId", id, NodeType::User))
                .transpose()?,
            parent_id: self
                .parent_id
                .as_ref()
                .map(|id| input_id("parentId", id, NodeType::Organization))
                .transpose()?,
            key_account: self.key_account,
            status: self.status.into(),
        })
    }
}

/// Changes to an organization. Omitted fields stay as they are; null clears a field.
#[derive(InputObject)]
pub struct OrganizationUpdateInput {
    /// The organization to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name: 1 to 200 characters.
    pub name: Option<String>,
    /// A new legal name.
    pub legal_name: MaybeUndefined<String>,
    /// A new partner code.
    pub code: Option<String>,
    /// A new tax id.
    pub tax_id: MaybeUndefined<String>,
    /// A new industry segment.
    pub segment: MaybeUndefined<IndustrySegment>,
    /// A new customer type.
    pub customer_type: MaybeUndefined<CustomerType>,
    /// A new territory.
    pub territory: MaybeUndefined<String>,
    /// A new parent; an organization cannot become its own ancestor.
    pub parent_id: MaybeUndefined<ID>,
    /// A new account owner, a staff user; null removes the owner.
    pub account_owner_id: MaybeUndefined<ID>,
    /// A new status.
    pub status: Option<OrganizationStatus>,
    /// Make it a key account (it gets return visits) or no longer one (its open return
    /// visit is cancelled).
    pub key_account: Option<bool>,
}

impl OrganizationUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, OrganizationChanges)> {
        let id = input_id("id", &self.id, NodeType::Organization)?;
        let changes = OrganizationChanges {
            name: self
                .name
                .map(|n| domain::required_text(&["input", "name"], &n, domain::NAME_MAX))
                .transpose()?,
            legal_name: text_patch("legalName", self.legal_name, domain::NAME_MAX)?,
            code: self
                .code
                .map(|c| domain::partner_code(&["input", "code"], &c))
                .transpose()?,
            tax_id: text_patch("taxId", self.tax_id, 64)?,
            segment: patch(self.segment, |s| Ok(s.into()))?,
            customer_type: patch(self.customer_type, |c| Ok(c.into()))?,
            territory: patch(self.territory, |t| {
                domain::territory(&["input", "territory"], &t)
            })?,
            account_owner_id: patch(self.account_owner_id, |o| {
                input_id("accountOwnerId", &o, NodeType::User)
            })?,
            parent_id: patch(self.parent_id, |p| {
                input_id("parentId", &p, NodeType::Organization)
            })?,
            status: self.status.map(Into::into),
            key_account: self.key_account,
        };
        Ok((id, self.version, changes))
    }
}

/// Archives an object: it keeps its history and drops out of lists unless asked for.
#[derive(InputObject)]
pub struct ArchiveInput {
    /// The object to archive.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

/// A change of marketing consent.
#[derive(InputObject)]
pub struct MarketingConsentInput {
    /// Opted in or opted out.
    pub status: ConsentStatus,
    /// Where the consent was given or withdrawn, for example `web form`; required.
    pub source: String,
}

impl MarketingConsentInput {
    fn parse(self) -> Result<ConsentChange> {
        Ok(ConsentChange {
            status: self.status.into(),
            source: domain::required_text(
                &["input", "marketingConsent", "source"],
                &self.source,
                200,
            )?,
        })
    }
}

/// A new contact at an organization.
#[derive(InputObject)]
pub struct ContactCreateInput {
    /// The organization this person works at.
    pub organization_id: ID,
    /// Full name: 1 to 200 characters.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The part this person plays in buying.
    pub buying_role: Option<BuyingRole>,
    /// What this person likes, their habits and culture.
    pub preferences: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Marketing consent, with where it was given.
    pub marketing_consent: Option<MarketingConsentInput>,
}

impl ContactCreateInput {
    pub fn parse(self) -> Result<NewContact> {
        Ok(NewContact {
            organization_id: input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            name: domain::required_text(&["input", "name"], &self.name, domain::NAME_MAX)?,
            title: domain::optional_text(&["input", "title"], self.title.as_deref(), 200)?,
            email: self
                .email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .map(|e| domain::email(&["input", "email"], e))
                .transpose()?,
            phone: self
                .phone
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| domain::phone(&["input", "phone"], p))
                .transpose()?,
            buying_role: self.buying_role.map(Into::into),
            preferences: domain::optional_note(
                &["input", "preferences"],
                self.preferences.as_deref(),
                NOTE_MAX,
            )?,
            notes: domain::optional_note(&["input", "notes"], self.notes.as_deref(), NOTE_MAX)?,
            consent: self
                .marketing_consent
                .map(MarketingConsentInput::parse)
                .transpose()?,
        })
    }
}

/// Changes to a contact. Omitted fields stay as they are; null clears a field.
#[derive(InputObject)]
pub struct ContactUpdateInput {
    /// The contact to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new name.
    pub name: Option<String>,
    /// A new title.
    pub title: MaybeUndefined<String>,
    /// A new email address.
    pub email: MaybeUndefined<String>,
    /// A new phone number.
    pub phone: MaybeUndefined<String>,
    /// A new buying role.
    pub buying_role: MaybeUndefined<BuyingRole>,
    /// New preferences.
    pub preferences: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// A change of marketing consent, with where it was given or withdrawn.
    pub marketing_consent: Option<MarketingConsentInput>,
}

impl ContactUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, ContactChanges)> {
        let id = input_id("id", &self.id, NodeType::Contact)?;
        let changes = ContactChanges {
            name: self
                .name
                .map(|n| domain::required_text(&["input", "name"], &n, domain::NAME_MAX))
                .transpose()?,
            title: text_patch("title", self.title, 200)?,
            email: patch(self.email, |e| domain::email(&["input", "email"], &e))?,
            phone: patch(self.phone, |p| domain::phone(&["input", "phone"], &p))?,
            buying_role: patch(self.buying_role, |r| Ok(r.into()))?,
            preferences: note_patch("preferences", self.preferences)?,
            notes: note_patch("notes", self.notes)?,
            consent: self
                .marketing_consent
                .map(MarketingConsentInput::parse)
                .transpose()?,
        };
        Ok((id, self.version, changes))
    }
}

/// A new address of an organization.
#[derive(InputObject)]
pub struct AddressCreateInput {
    /// The organization at this address.
    pub organization_id: ID,
    /// What the address is used for.
    pub kind: AddressKind,
    /// Street and number.
    pub line1: String,
    /// Building, floor or other detail.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State, province or prefecture.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// GS1 Global Location Number: 13 digits with a valid check digit.
    pub gln: Option<String>,
    /// D-U-N-S number: 9 digits, or 13 with a location suffix (DUNS+4). EDI ship-tos with
    /// qualifier `1` or `9` name an address by it.
    pub duns: Option<String>,
}

impl AddressCreateInput {
    pub fn parse(self) -> Result<NewAddress> {
        Ok(NewAddress {
            organization_id: input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            kind: self.kind.into(),
            line1: domain::required_text(&["input", "line1"], &self.line1, 200)?,
            line2: domain::optional_text(&["input", "line2"], self.line2.as_deref(), 200)?,
            city: domain::required_text(&["input", "city"], &self.city, 100)?,
            region: domain::optional_text(&["input", "region"], self.region.as_deref(), 100)?,
            postal_code: domain::optional_text(
                &["input", "postalCode"],
                self.postal_code.as_deref(),
                20,
            )?,
            country: domain::country(&["input", "country"], &self.country)?,
            gln: self
                .gln
                .as_deref()
                .filter(|g| !g.trim().is_empty())
                .map(|g| domain::gln(&["input", "gln"], g))
                .transpose()?,
            duns: self
                .duns
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(|d| domain::duns(&["input", "duns"], d))
                .transpose()?,
        })
    }
}

/// Changes to an address. Omitted fields stay as they are; null clears a field.
#[derive(InputObject)]
pub struct AddressUpdateInput {
    /// The address to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new use.
    pub kind: Option<AddressKind>,
    /// A new street and number.
    pub line1: Option<String>,
    /// A new second line.
    pub line2: MaybeUndefined<String>,
    /// A new city.
    pub city: Option<String>,
    /// A new region.
    pub region: MaybeUndefined<String>,
    /// A new postal code.
    pub postal_code: MaybeUndefined<String>,
    /// A new country code.
    pub country: Option<String>,
    /// A new GLN.
    pub gln: MaybeUndefined<String>,
    /// A new D-U-N-S number.
    pub duns: MaybeUndefined<String>,
}

impl AddressUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, AddressChanges)> {
        let id = input_id("id", &self.id, NodeType::Address)?;
        let changes = AddressChanges {
            kind: self.kind.map(Into::into),
            line1: self
                .line1
                .map(|l| domain::required_text(&["input", "line1"], &l, 200))
                .transpose()?,
            line2: text_patch("line2", self.line2, 200)?,
            city: self
                .city
                .map(|c| domain::required_text(&["input", "city"], &c, 100))
                .transpose()?,
            region: text_patch("region", self.region, 100)?,
            postal_code: text_patch("postalCode", self.postal_code, 20)?,
            country: self
                .country
                .map(|c| domain::country(&["input", "country"], &c))
                .transpose()?,
            gln: patch(self.gln, |g| domain::gln(&["input", "gln"], &g))?,
            duns: patch(self.duns, |d| domain::duns(&["input", "duns"], &d))?,
        };
        Ok((id, self.version, changes))
    }
}

/// A new channel link between two organizations.
#[derive(InputObject)]
pub struct ChannelLinkCreateInput {
    /// The supplying or serving organization.
    pub upstream_id: ID,
    /// The supplied or served organization; not the upstream one.
    pub downstream_id: ID,
    /// What flows along the link; the kinds of the two organizations must allow it.
    pub kind: ChannelLinkKind,
    /// How close the relationship is. Default REACTIVE.
    #[graphql(default_with = "RelationshipLevel::Reactive")]
    pub level: RelationshipLevel,
    /// The first day of the relationship.
    pub since: Date,
    /// The last day, if it ends; not before `since`.
    pub until: Option<Date>,
    /// The territory the link covers.
    pub territory: Option<String>,
    /// Whether the downstream party has the territory exclusively. Default false.
    #[graphql(default)]
    pub exclusive: bool,
}

impl ChannelLinkCreateInput {
    pub fn parse(self) -> Result<NewChannelLink> {
        Ok(NewChannelLink {
            upstream_id: input_id("upstreamId", &self.upstream_id, NodeType::Organization)?,
            downstream_id: input_id("downstreamId", &self.downstream_id, NodeType::Organization)?,
            kind: self.kind.into(),
            level: self.level.into(),
            since: self.since.0,
            until: self.until.map(|d| d.0),
            territory: self
                .territory
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| domain::territory(&["input", "territory"], t))
                .transpose()?,
            exclusive: self.exclusive,
        })
    }
}

/// Changes to a channel link. Omitted fields stay as they are; null clears a field.
#[derive(InputObject)]
pub struct ChannelLinkUpdateInput {
    /// The link to change.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A new relationship level.
    pub level: Option<RelationshipLevel>,
    /// A new status.
    pub status: Option<ChannelLinkStatus>,
    /// A new first day.
    pub since: Option<Date>,
    /// A new last day.
    pub until: MaybeUndefined<Date>,
    /// A new territory.
    pub territory: MaybeUndefined<String>,
    /// Whether the downstream party has the territory exclusively.
    pub exclusive: Option<bool>,
}

impl ChannelLinkUpdateInput {
    pub fn parse(self) -> Result<(Uuid, i32, ChannelLinkChanges)> {
        let id = input_id("id", &self.id, NodeType::ChannelLink)?;
        let changes = ChannelLinkChanges {
            level: self.level.map(Into::into),
            status: self.status.map(Into::into),
            since: self.since.map(|d| d.0),
            until: patch(self.until, |d| Ok(d.0))?,
            territory: patch(self.territory, |t| {
                domain::territory(&["input", "territory"], &t)
            })?,
            exclusive: self.exclusive,
        };
        Ok((id, self.version, changes))
    }
}

/// Narrows a list of organizations. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrganizationFilter {
    /// Only organizations of these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only those whose name contains this text, ignoring case (in every script that has case).
    pub name_contains: Option<String>,
    /// Only the organization with this partner code.
    pub code: Option<String>,
    /// Only those in this territory.
    pub territory: Option<String>,
    /// Only those in this industry segment.
    pub segment: Option<IndustrySegment>,
    /// Only those with this status.
    pub status: Option<OrganizationStatus>,
    /// Only the children of this organization.
    pub parent_id: Option<ID>,
    /// Only the accounts this staff user owns.
    pub account_owner_id: Option<ID>,
    /// Include archived organizations. Default false.
    #[graphql(default)]
    pub include_archived: bool,
}

/// What an organization list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganizationOrderField {
    /// The name, ignoring case.
    Name,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How an organization list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct OrganizationOrder {
    /// The field to sort by.
    pub field: OrganizationOrderField,
    /// The direction. Default ASC.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl OrganizationFilter {
    pub(super) fn parse(self) -> Result<crate::organizations::model::OrganizationFilter> {
        let parent_id = argument_id(
            "filter.parentId",
            self.parent_id.as_ref(),
            NodeType::Organization,
        )?;
        let account_owner_id = argument_id(
            "filter.accountOwnerId",
            self.account_owner_id.as_ref(),
            NodeType::User,
        )?;
        Ok(crate::organizations::model::OrganizationFilter {
            account_owner_id,
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            name_contains: domain::search_text("filter.nameContains", self.name_contains)?,
            code: self.code.map(|c| c.trim().to_uppercase()),
            territory: self.territory.map(|t| t.trim().to_uppercase()),
            segment: self.segment.map(Into::into),
            status: self.status.map(Into::into),
            parent_id,
            include_archived: self.include_archived,
        })
    }
}

pub(super) fn sort_of(order: Option<OrganizationOrder>) -> Sort {
    let order = order.unwrap_or(OrganizationOrder {
        field: OrganizationOrderField::Name,
        direction: SortDirection::Asc,
    });
    Sort {
        key: match order.field {
            OrganizationOrderField::Name => SortKey::Name,
            OrganizationOrderField::CreatedAt => SortKey::CreatedAt,
            OrganizationOrderField::UpdatedAt => SortKey::UpdatedAt,
        },
        descending: order.direction == SortDirection::Desc,
    }
}
