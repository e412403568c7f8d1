//! Dealers a distributor registers in its portal, and the brand's decision on them.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::inputs::{AddressCreateInput, ContactCreateInput, input_id};
use super::resolvers::OrganizationPayload;
use super::types::{AddressKind, BuyingRole, CustomerType, IndustrySegment, Organization};
use super::types::{organization, organization_by_id};
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::organizations::dealers::{self, NewDealer, Registered};
use crate::organizations::model::NewOrganization;
use crate::settings::CrmSettings;

/// A person at the dealer.
#[derive(InputObject)]
pub struct DealerContactInput {
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
}

/// An address of the dealer.
#[derive(InputObject)]
pub struct DealerAddressInput {
    /// Billing, shipping or head office.
    pub kind: AddressKind,
    /// Street and number.
    pub line1: String,
    /// More of the street address.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Region or state.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// GS1 Global Location Number: 13 digits with a valid check digit.
    pub gln: Option<String>,
    /// D-U-N-S number: 9 digits.
    pub duns: Option<String>,
}

impl DealerAddressInput {
    /// The address as `addressCreate` would take it for `organization_id`, to parse alike.
    pub fn into_create(self, organization_id: ID) -> AddressCreateInput {
        AddressCreateInput {
            organization_id,
            kind: self.kind,
            line1: self.line1,
            line2: self.line2,
            city: self.city,
            region: self.region,
            postal_code: self.postal_code,
            country: self.country,
            gln: self.gln,
            duns: self.duns,
        }
    }
}

/// A dealer a distributor recruited.
#[derive(InputObject)]
pub struct DealerRegisterInput {
    /// Name: 1 to 200 characters.
    pub name: String,
    /// Registered legal name.
    pub legal_name: Option<String>,
    /// Unique partner code: 2 to 15 letters, digits, `-` or `_`; stored in upper case.
    pub code: String,
    /// Tax or VAT registration number.
    pub tax_id: Option<String>,
    /// The industry it belongs to.
    pub segment: Option<IndustrySegment>,
    /// Consumer or business.
    pub customer_type: Option<CustomerType>,
    /// Its people: at most 20.
    #[graphql(default)]
    pub contacts: Vec<DealerContactInput>,
    /// Its addresses: at most 20.
    #[graphql(default)]
    pub addresses: Vec<DealerAddressInput>,
    /// Register it even though the directory may hold it already (the `duplicates` of an
    /// earlier answer).
    #[graphql(default = false)]
    pub accept_duplicates: bool,
}

/// At most this many contacts or addresses come with one registration.
const MAX_PARTS: usize = 20;

/// Moves a user error on `input.X` of a part to `input.<list>.<i>.X`.
pub(crate) fn within(err: Error, list: &str, index: usize) -> Error {
    match err {
        Error::User(mut e) if e.field.first().map(String::as_str) == Some("input") => {
            let rest = e.field.split_off(1);
            e.field = vec!["input".into(), list.into(), index.to_string()];
            e.field.extend(rest);
            Error::User(e)
        }
        other => other,
    }
}

impl DealerRegisterInput {
    fn parse(self) -> Result<NewDealer> {
        for (list, n) in [
            ("contacts", self.contacts.len()),
            ("addresses", self.addresses.len()),
        ] {
            if n > MAX_PARTS {
                return Err(Error::user(
                    &["input", list],
                    ErrorCode::TooLong,
                    format!("{list} holds {n}; at most {MAX_PARTS} come with one registration"),
                ));
            }
        }
        // The dealer is not written yet; its parts are parsed as if for any organization.
        let placeholder = ID(GlobalId::encode(NodeType::Organization, uuid::Uuid::nil()));
        let organization = NewOrganization {
            kind: entity::enums::OrganizationKind::IntermediateCustomer,
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
            territory: None,
            parent_id: None,
            account_owner_id: None,
            key_account: false,
            status: entity::enums::OrganizationStatus::Pending,
        };
        let contacts = self
            .contacts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                ContactCreateInput {
                    organization_id: placeholder.clone(),
                    name: c.name,
                    title: c.title,
                    email: c.email,
                    phone: c.phone,
                    buying_role: c.buying_role,
                    preferences: None,
                    notes: None,
                    marketing_consent: None,
                }
                .parse()
                .map_err(|e| within(e, "contacts", i))
            })
            .collect::<Result<Vec<_>>>()?;
        let addresses = self
            .addresses
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                a.into_create(placeholder.clone())
                    .parse()
                    .map_err(|e| within(e, "addresses", i))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(NewDealer {
            organization,
            contacts,
            addresses,
            accept_duplicates: self.accept_duplicates,
        })
    }
}

/// Why an organization of the directory may be the same company as a lead or a dealer
/// being registered.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::organizations::model::DuplicateReason")]
pub enum DuplicateReason {
    /// The same company name, ignoring case, punctuation and legal forms.
    Name,
    /// The same tax id (for a dealer, spaces, dots and dashes aside).
    TaxId,
    /// A contact with an email at the same company domain.
    EmailDomain,
    /// A contact with the same email.
    Email,
    /// An address with the same street, postal code (or city) and country.
    Address,
}

/// An organization of the directory the dealer may be.
#[derive(SimpleObject)]
pub struct DirectoryMatch {
    /// What matched.
    pub reasons: Vec<DuplicateReason>,
    /// The organization, where you may see it; null where it is another partner's or the
    /// brand's alone: the match is still told, never who it is.
    pub organization: Option<Organization>,
}

/// The result of registering a dealer.
#[derive(SimpleObject)]
pub struct DealerRegisterPayload {
    /// The new dealer: `PENDING` until the brand approves it, or `ACTIVE` where
    /// registrations need no approval. Null when nothing was written.
    pub organization: Option<Organization>,
    /// Organizations of the directory it may be. With any, nothing is written unless
    /// `acceptDuplicates` is true.
    pub duplicates: Vec<DirectoryMatch>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A registration to approve.
#[derive(InputObject)]
pub struct DealerApproveInput {
    /// The dealer.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

/// A registration to reject.
#[derive(InputObject)]
pub struct DealerRejectInput {
    /// The dealer.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why, for the distributor: 1 to 2000 characters.
    pub reason: String,
}

#[derive(Default)]
pub struct DealerMutation;

#[Object]
impl DealerMutation {
    /// Registers a dealer a distributor recruited, with its contacts and addresses and a
    /// `RESELLS_TO` link from the distributor. A partner admin of a distributor, or its
    /// system with `ORGS_WRITE`. The directory is searched first (name, tax id, address):
    /// where it may hold the dealer, nothing is written and the matches are answered, with
    /// a `DUPLICATE` user error, until `acceptDuplicates` is true. The dealer waits
    /// (`PENDING`, no trade) for the brand's approval unless `partner_dealer_approval` is
    /// off.
    async fn dealer_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dealer.")] input: DealerRegisterInput,
    ) -> async_graphql::Result<DealerRegisterPayload> {
        let result = match input.parse() {
            Ok(new) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| dealers::register(
                    &txn, principal, crm, new
                ))
            }
            Err(e) => Err(e),
        };
        let (registered, mut user_errors) = outcome(result)?;
        let mut payload = DealerRegisterPayload {
            organization: None,
            duplicates: Vec::new(),
            user_errors: Vec::new(),
        };
        match registered {
            Some(Registered::Created(dealer)) => payload.organization = Some(organization(*dealer)),
            Some(Registered::Duplicates(found)) => {
                for m in found {
                    payload.duplicates.push(DirectoryMatch {
                        reasons: m.reasons.into_iter().map(Into::into).collect(),
                        organization: organization_by_id(ctx, m.organization_id).await?,
                    });
                }
                let n = payload.duplicates.len();
                user_errors.push(
                    crate::error::UserError::new(
                        &["input"],
                        ErrorCode::Duplicate,
                        format!(
                            "the directory may hold this dealer already ({n} {}); look at duplicates, and register with acceptDuplicates if it is new",
                            if n == 1 { "match" } else { "matches" }
                        ),
                    )
                    .into(),
                );
            }
            None => {}
        }
        payload.user_errors = user_errors;
        Ok(payload)
    }

    /// Approves a pending dealer: it becomes `ACTIVE` and trades. Staff who change the
    /// directory decide.
    async fn dealer_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dealer and the version you read.")] input: DealerApproveInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input_id("id", &input.id, NodeType::Organization) {
            Ok(id) => in_transaction!(ctx, |txn, principal| dealers::approve(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        super::resolvers::org_payload(result)
    }

    /// Rejects a pending dealer with the reason its distributor reads: it becomes
    /// `REJECTED` and is archived.
    async fn dealer_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dealer, the version you read, and why.")] input: DealerRejectInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let parsed = input_id("id", &input.id, NodeType::Organization).and_then(|id| {
            domain::required_text(&["input", "reason"], &input.reason, 2000).map(|r| (id, r))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| dealers::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        super::resolvers::org_payload(result)
    }
}
