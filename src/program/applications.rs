//! Applications to join the partner program. A company applies without an account (the
//! mutation is rate-limited per address and every part of it is bounded); the directory is
//! searched for it as it arrives, and what was found is shown to staff only. Staff approve,
//! which makes the organization, its contacts and addresses, its tier and an invitation for
//! its admin, or reject with a reason.

use entity::enums::{AddressKind, OrganizationKind, OrganizationStatus, ProposalStatus, UserRole};
use entity::partner_application::{self, Column, Entity};
use entity::roles::Roles;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::invitations::{self, Issued, NewInvitation};
use crate::access::Principal;
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::organizations::dealers::{self, Match, NewDealer};
use crate::organizations::model::{DuplicateReason, NewAddress, NewContact, NewOrganization};
use crate::pagination::{Page, PageRequest};
use crate::settings::CrmSettings;
use crate::store::{self, now};

/// A person at the applying company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedContact {
    pub name: String,
    pub title: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

/// An address of the applying company, as stored with the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedAddress {
    pub kind: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub gln: Option<String>,
    pub duns: Option<String>,
}

impl From<&NewAddress> for AppliedAddress {
    fn from(a: &NewAddress) -> Self {
        AppliedAddress {
            kind: a.kind.to_value(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
            gln: a.gln.clone(),
            duns: a.duns.clone(),
        }
    }
}

impl AppliedAddress {
    fn to_new(&self, organization_id: Uuid) -> Result<NewAddress> {
        Ok(NewAddress {
            organization_id,
            kind: AddressKind::try_from_value(&self.kind).map_err(|_| {
                Error::Internal(format!(
                    "an application holds an address kind {}",
                    self.kind
                ))
            })?,
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            gln: self.gln.clone(),
            duns: self.duns.clone(),
        })
    }
}

/// One organization of the directory the applicant may be, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMatch {
    pub organization_id: Uuid,
    pub reasons: Vec<String>,
}

/// An application, parsed.
#[derive(Clone, Debug)]
pub struct NewApplication {
    pub kind: OrganizationKind,
    pub company_name: String,
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub website: Option<String>,
    pub territory: Option<String>,
    pub product_lines: Vec<String>,
    pub contacts: Vec<AppliedContact>,
    pub addresses: Vec<NewAddress>,
    pub message: Option<String>,
}

fn reason_name(reason: DuplicateReason) -> &'static str {
    match reason {
        DuplicateReason::Name => "NAME",
        DuplicateReason::TaxId => "TAX_ID",
        DuplicateReason::EmailDomain => "EMAIL_DOMAIN",
        DuplicateReason::Email => "EMAIL",
        DuplicateReason::Address => "ADDRESS",
    }
}

/// A reason as stored, back.
pub fn reason_of(name: &str) -> Option<DuplicateReason> {
    [
        DuplicateReason::Name,
        DuplicateReason::TaxId,
        DuplicateReason::EmailDomain,
        DuplicateReason::Email,
        DuplicateReason::Address,
    ]
    .into_iter()
    .find(|r| reason_name(*r) == name)
}

fn json_of<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::Internal(format!("an application does not write: {e}")))
}

fn read<T: for<'a> Deserialize<'a>>(raw: &str) -> Result<T> {
    serde_json::from_str(raw)
        .map_err(|e| Error::Internal(format!("an application does not read: {e}")))
}

pub fn contacts_of(application: &partner_application::Model) -> Result<Vec<AppliedContact>> {
    read(&application.contacts)
}

pub fn addresses_of(application: &partner_application::Model) -> Result<Vec<AppliedAddress>> {
    read(&application.addresses)
}

pub fn product_lines_of(application: &partner_application::Model) -> Result<Vec<String>> {
    read(&application.product_lines)
}

pub fn duplicates_of(application: &partner_application::Model) -> Result<Vec<StoredMatch>> {
    read(&application.duplicates)
}

/// The organizations of the directory an applicant with this name, tax id and these
/// addresses may be: the dealer registration's search.
async fn directory_matches(
    db: &impl ConnectionTrait,
    name: &str,
    tax_id: Option<&str>,
    addresses: Vec<NewAddress>,
) -> Result<Vec<Match>> {
    let probe = NewDealer {
        organization: NewOrganization {
            kind: OrganizationKind::IntermediateCustomer,
            name: name.to_owned(),
            legal_name: None,
            code: String::new(),
            tax_id: tax_id.map(str::to_owned),
            segment: None,
            customer_type: None,
            territory: None,
            parent_id: None,
            account_owner_id: None,
            key_account: false,
            status: OrganizationStatus::Pending,
        },
        contacts: Vec::new(),
        addresses,
        accept_duplicates: false,
    };
    dealers::duplicates(db, &probe).await
}

/// Files an application. Nobody is signed in; the directory search runs now and its
/// result waits for staff.
pub async fn apply(
    db: &impl ConnectionTrait,
    new: NewApplication,
    client_address: Option<String>,
) -> Result<partner_application::Model> {
    let found = directory_matches(
        db,
        &new.company_name,
        new.tax_id.as_deref(),
        new.addresses.clone(),
    )
    .await?;
    let stored: Vec<StoredMatch> = found
        .into_iter()
        .map(|m| StoredMatch {
            organization_id: m.organization_id,
            reasons: m
                .reasons
                .into_iter()
                .map(|r| reason_name(r).to_owned())
                .collect(),
        })
        .collect();
    let addresses: Vec<AppliedAddress> = new.addresses.iter().map(Into::into).collect();
    let at = now();
    let row = partner_application::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(new.kind),
        company_name: Set(new.company_name),
        legal_name: Set(new.legal_name),
        tax_id: Set(new.tax_id),
        website: Set(new.website),
        territory: Set(new.territory),
        product_lines: Set(json_of(&new.product_lines)?),
        contacts: Set(json_of(&new.contacts)?),
        addresses: Set(json_of(&addresses)?),
        duplicates: Set(json_of(&stored)?),
        message: Set(new.message),
        status: Set(ProposalStatus::Pending),
        reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        organization_id: Set(None),
        client_address: Set(client_address),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let application = crate::changes::create::<Entity>(
        db,
        &Principal::Anonymous,
        Action::PartnerApplicationSubmit,
        row,
    )
    .await?;
    events::emit(
        db,
        NewEvent {
            event_type: EventType::PartnerApplicationReceived,
            subject_id: application.id,
            order_id: None,
            audience: Vec::new(),
            data: json!({
                "application": {
                    "id": events::gid(NodeType::PartnerApplication, application.id),
                    "companyName": application.company_name,
                    "kind": application.kind.to_value(),
                    "possibleDuplicates": stored.len(),
                },
            }),
        },
    )
    .await?;
    Ok(application)
}

/// Applications are the brand's: staff read them, partners never.
fn visible(principal: &Principal) -> Condition {
    match principal {
        Principal::System | Principal::Staff { .. } => Condition::all(),
        _ => Condition::all().add(Expr::val(false)),
    }
}

/// Which applications a list shows.
#[derive(Clone, Debug, Default)]
pub struct ApplicationFilter {
    pub status: Option<ProposalStatus>,
}

fn listing(filter: &ApplicationFilter, principal: &Principal) -> sea_orm::Select<Entity> {
    let mut query = Entity::find().filter(visible(principal));
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    query
}

/// Applications, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ApplicationFilter,
    page: &PageRequest,
) -> Result<Page<partner_application::Model>> {
    store::page_of(
        db,
        listing(filter, principal),
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ApplicationFilter,
) -> Result<u64> {
    Ok(listing(filter, principal).count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, partner_application::Model>> {
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// A pending application staff may decide, at the version read.
async fn pending(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<partner_application::Model> {
    principal.ensure_runs_program()?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    if current.status != ProposalStatus::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the application is {}; only a pending application is decided",
                current.status.to_value().to_lowercase()
            ),
        ));
    }
    Ok(current)
}

/// What staff decide with an approval.
#[derive(Clone, Debug)]
pub struct Approval {
    pub id: Uuid,
    pub version: i32,
    /// The new organization's partner code.
    pub code: String,
    /// The tier it joins, if any.
    pub tier_id: Option<Uuid>,
    /// Which of the application's contacts becomes the partner's admin (by position).
    pub admin_contact: usize,
    /// Create it even though the directory may hold it already.
    pub accept_duplicates: bool,
}

/// What an approval made.
pub struct Approved {
    pub application: partner_application::Model,
    pub organization: entity::organization::Model,
    pub invitation: Issued,
}

/// Approves a pending application: the organization is made, active, with the contacts
/// and addresses the application named; it joins the tier given; and the contact chosen
/// is invited as its partner admin. The directory is searched again: where it may hold the
/// company, nothing is written unless `accept_duplicates`.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    approval: Approval,
) -> Result<Approved> {
    let current = pending(db, principal, approval.id, approval.version).await?;
    let contacts = contacts_of(&current)?;
    let admin = contacts
        .get(approval.admin_contact)
        .cloned()
        .ok_or_else(|| {
            Error::user(
                &["input", "adminContact"],
                ErrorCode::OutOfRange,
                format!(
                    "the application names {} contacts; adminContact counts from 0",
                    contacts.len()
                ),
            )
        })?;
    let addresses = addresses_of(&current)?
        .iter()
        .map(|a| a.to_new(Uuid::nil()))
        .collect::<Result<Vec<_>>>()?;
    if !approval.accept_duplicates {
        let found = directory_matches(
            db,
            &current.company_name,
            current.tax_id.as_deref(),
            addresses.clone(),
        )
        .await?;
        if !found.is_empty() {
            return Err(Error::user(
                &["input", "acceptDuplicates"],
                ErrorCode::Duplicate,
                format!(
                    "the directory may hold this company already ({} organizations); look at the application's duplicates, and approve with acceptDuplicates if it is new",
                    found.len()
                ),
            ));
        }
    }
    let organization = crate::organizations::service::insert(
        db,
        principal,
        Action::OrganizationCreate,
        NewOrganization {
            kind: current.kind,
            name: current.company_name.clone(),
            legal_name: current.legal_name.clone(),
            code: approval.code,
            tax_id: current.tax_id.clone(),
            segment: None,
            customer_type: None,
            territory: current.territory.clone(),
            parent_id: None,
            account_owner_id: None,
            key_account: false,
            status: OrganizationStatus::Active,
        },
        None,
    )
    .await?;
    for contact in &contacts {
        crate::organizations::contacts::insert(
            db,
            principal,
            NewContact {
                organization_id: organization.id,
                name: contact.name.clone(),
                title: contact.title.clone(),
                email: Some(contact.email.clone()),
                phone: contact.phone.clone(),
                buying_role: None,
                preferences: None,
                notes: None,
                consent: None,
            },
        )
        .await?;
    }
    for mut place in addresses {
        place.organization_id = organization.id;
        crate::organizations::addresses::insert(db, principal, place).await?;
    }
    let organization = match approval.tier_id {
        Some(tier) => {
            crate::catalog::tiers::assign(
                db,
                principal,
                organization.id,
                organization.version,
                Some(tier),
                Some(format!("joined with application {}", current.company_name)),
            )
            .await?
        }
        None => organization,
    };
    let invitation = invitations::invite(
        db,
        principal,
        crm,
        NewInvitation {
            email: admin.email.clone(),
            name: admin.name.clone(),
            roles: Roles::from(UserRole::PartnerAdmin),
            organization_id: Some(organization.id),
        },
        Some(current.id),
    )
    .await
    .map_err(|e| match e {
        Error::User(mut u) if u.field.get(1).map(String::as_str) == Some("email") => {
            u.field = vec!["input".into(), "adminContact".into()];
            Error::User(u)
        }
        other => other,
    })?;
    let before = current.clone();
    let mut row: partner_application::ActiveModel = current.into();
    row.status = Set(ProposalStatus::Approved);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.organization_id = Set(Some(organization.id));
    let application = crate::changes::save::<Entity>(
        db,
        principal,
        Action::PartnerApplicationApprove,
        &before,
        row,
    )
    .await?;
    decided(db, &application, EventType::PartnerApplicationApproved).await?;
    Ok(Approved {
        application,
        organization,
        invitation,
    })
}

/// Rejects a pending application with a reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<partner_application::Model> {
    let current = pending(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: partner_application::ActiveModel = current.into();
    row.status = Set(ProposalStatus::Rejected);
    row.reason = Set(Some(reason));
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    let application = crate::changes::save::<Entity>(
        db,
        principal,
        Action::PartnerApplicationReject,
        &before,
        row,
    )
    .await?;
    decided(db, &application, EventType::PartnerApplicationRejected).await?;
    Ok(application)
}

/// The decision's event: the brand's own (the applicant has no endpoint yet).
async fn decided(
    db: &impl ConnectionTrait,
    application: &partner_application::Model,
    event_type: EventType,
) -> Result<()> {
    events::emit(
        db,
        NewEvent {
            event_type,
            subject_id: application.id,
            order_id: None,
            audience: Vec::new(),
            data: json!({
                "application": {
                    "id": events::gid(NodeType::PartnerApplication, application.id),
                    "companyName": application.company_name,
                    "status": application.status.to_value(),
                    "reason": application.reason,
                    "organizationId": application.organization_id.map(|o| events::gid(NodeType::Organization, o)),
                },
            }),
        },
    )
    .await?;
    Ok(())
}
