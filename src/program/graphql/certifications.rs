//! Certifications as the API shows them: the brand's catalogue, and the certifications
//! partners' contacts hold. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{certification, contact_certification};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::{id_arg, user_of};
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::organizations::graphql::{
    ArchiveInput, Contact, Organization, input_id, organization_by_id,
};
use crate::organizations::loaders::ContactId;
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::certifications::{
    self as service, CertificationChanges, CertificationState, NewCertification, NewRecord,
};
use crate::settings::CrmSettings;

/// A certification in the brand's catalogue: a training partners' people complete, valid
/// for some months from the day it is earned. Every signed-in user reads the catalogue.
pub struct Certification(pub certification::Model);

impl Keyed for certification::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Text(self.name.clone())
    }
}

/// A certification in the brand's catalogue.
#[Object]
impl Certification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Certification, self.0.id))
    }
    /// The code: 2 to 15 letters, digits, `-` or `_`, in upper case.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it covers.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Months a certification stays valid after the day it is earned.
    async fn validity_months(&self) -> i32 {
        self.0.validity_months
    }
    /// When it was taken out of the catalogue; null while people may earn it.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The version, for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where a contact's certification stands today.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "CertificationState")]
pub enum CertificationStatus {
    /// Valid, and not about to run out.
    Valid,
    /// Valid, but it runs out within `certification_notice_days` (30 unless set).
    Expiring,
    /// It ran out.
    Expired,
    /// The brand revoked it.
    Revoked,
}

/// A certification a partner's contact earned: when, until when, and the evidence. Staff
/// see every one; a partner its own company's.
pub struct ContactCertification(pub contact_certification::Model);

impl Keyed for contact_certification::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Date(self.expires_on)
    }
}

/// A certification a partner's contact earned.
#[Object]
impl ContactCertification {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ContactCertification, self.0.id))
    }
    /// The person who earned it.
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        Ok(load_one(ctx, ContactId(self.0.contact_id))
            .await?
            .map(Contact))
    }
    /// The person's company.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The certification earned.
    async fn certification(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Certification>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let principal = Principal::of(ctx).gql()?;
        Ok(service::by_ids(db, principal, &[self.0.certification_id])
            .await
            .gql()?
            .remove(&self.0.certification_id)
            .map(Certification))
    }
    /// The day it was earned.
    async fn earned_on(&self) -> Date {
        Date(self.0.earned_on)
    }
    /// The day it runs out: valid before that day, not on it.
    async fn expires_on(&self) -> Date {
        Date(self.0.expires_on)
    }
    /// Where it stands today.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<CertificationStatus> {
        let crm = ctx.data::<CrmSettings>()?;
        Ok(service::state(&self.0, crm.today(), crm.partner.certification_notice_days).into())
    }
    /// An external id or URL that proves it.
    async fn evidence(&self) -> Option<&str> {
        self.0.evidence.as_deref()
    }
    /// Who recorded it, if you may see them.
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.recorded_by).await
    }
    /// When the partner was told it is about to run out (`CERTIFICATION_EXPIRING`).
    async fn notice_sent_at(&self) -> Option<DateTime> {
        self.0.notice_sent_at.map(DateTime)
    }
    /// When the brand revoked it.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
    /// Why it was revoked.
    async fn revoke_reason(&self) -> Option<&str> {
        self.0.revoke_reason.as_deref()
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The version, for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A certification to add to the catalogue.
#[derive(InputObject)]
pub struct CertificationCreateInput {
    /// The code: 2 to 15 letters, digits, `-` or `_`; stored in upper case, unique.
    pub code: String,
    /// The name: 1 to 200 characters.
    pub name: String,
    /// What it covers: up to 5000 characters.
    pub description: Option<String>,
    /// Months it stays valid after the day it is earned: 1 to 120.
    pub validity_months: i32,
}

/// Changes to a catalogue entry; omitted fields stay as they are.
#[derive(InputObject)]
pub struct CertificationUpdateInput {
    /// The certification.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The name: 1 to 200 characters.
    pub name: Option<String>,
    /// What it covers; null clears it.
    pub description: MaybeUndefined<String>,
    /// Months it stays valid: 1 to 120. Counts for certifications recorded from now on;
    /// those already recorded keep their expiry.
    pub validity_months: Option<i32>,
}

/// The result of changing the catalogue.
#[derive(SimpleObject)]
pub struct CertificationPayload {
    /// The certification as it is now; null when nothing was written.
    pub certification: Option<Certification>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which catalogue entries to list.
#[derive(InputObject, Default)]
pub struct CertificationFilter {
    /// Include archived certifications (default false).
    pub include_archived: Option<bool>,
}

/// A certification a partner's contact earned.
#[derive(InputObject)]
pub struct ContactCertificationRecordInput {
    /// The contact, at a distributor, dealer or reseller.
    pub contact_id: ID,
    /// The certification, from the catalogue.
    pub certification_id: ID,
    /// The day it was earned; not in the future. It runs out the certification's
    /// `validityMonths` later.
    pub earned_on: Date,
    /// An external id or URL that proves it: up to 500 characters.
    pub evidence: Option<String>,
}

/// A contact's certification to revoke.
#[derive(InputObject)]
pub struct ContactCertificationRevokeInput {
    /// The record.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// The result of recording or revoking a contact's certification.
#[derive(SimpleObject)]
pub struct ContactCertificationPayload {
    /// The record as it is now; null when nothing was written.
    pub contact_certification: Option<ContactCertification>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which contacts' certifications to list.
#[derive(InputObject, Default)]
pub struct ContactCertificationFilter {
    /// Only this organization's people.
    pub organization_id: Option<ID>,
    /// Only this person's.
    pub contact_id: Option<ID>,
    /// Only this certification.
    pub certification_id: Option<ID>,
    /// Only those standing so today: `EXPIRING` and `EXPIRED` list what needs renewing.
    pub status: Option<CertificationStatus>,
    /// Only those that run out on or before this day.
    pub expires_on_or_before: Option<Date>,
}

const REASON_MAX: usize = 2000;
const DESCRIPTION_MAX: usize = 5000;

counter!(CatalogueCount, service::CertificationFilter, service::count);

struct RecordCount(service::RecordFilter);

impl Counter for RecordCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let crm = ctx.data::<CrmSettings>()?;
            let n = service::count_records(db, principal, crm, &self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

const BY_NAME: Sort = Sort {
    key: SortKey::Name,
    descending: false,
};

const SOONEST_EXPIRY: Sort = Sort {
    key: SortKey::Due,
    descending: false,
};

#[derive(Default)]
pub struct CertificationQuery;

#[Object]
impl CertificationQuery {
    /// The brand's catalogue of certifications, by name: every signed-in user reads it.
    #[allow(clippy::too_many_arguments)]
    async fn certifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which certifications.")] filter: Option<CertificationFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Certification>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = service::CertificationFilter {
            include_archived: filter.unwrap_or_default().include_archived.unwrap_or(false),
        };
        let page = PageRequest::parse(BY_NAME, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            BY_NAME.key,
            CatalogueCount(filter),
            Certification,
        ))
    }

    /// Certifications partners' contacts hold, the soonest to run out first: every one for
    /// staff, its own company's for a partner. `status: EXPIRING` lists those to renew.
    #[allow(clippy::too_many_arguments)]
    async fn contact_certifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which records.")] filter: Option<ContactCertificationFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ContactCertification>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let crm = ctx.data::<CrmSettings>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::RecordFilter {
            organization_id: id_arg(
                "filter.organizationId",
                filter.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            contact_id: id_arg(
                "filter.contactId",
                filter.contact_id.as_ref(),
                NodeType::Contact,
            )?,
            certification_id: id_arg(
                "filter.certificationId",
                filter.certification_id.as_ref(),
                NodeType::Certification,
            )?,
            state: filter.status.map(Into::into),
            expires_on_or_before: filter.expires_on_or_before.map(|d| d.0),
        };
        let page =
            PageRequest::parse(SOONEST_EXPIRY, page_args(first, after, last, before)).gql()?;
        let rows = service::list_records(db, principal, crm, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SOONEST_EXPIRY.key,
            RecordCount(filter),
            ContactCertification,
        ))
    }
}

impl CertificationCreateInput {
    fn parse(&self) -> Result<NewCertification> {
        Ok(NewCertification {
            code: domain::partner_code(&["input", "code"], &self.code)?,
            name: domain::required_text(&["input", "name"], &self.name, domain::NAME_MAX)?,
            description: domain::optional_note(
                &["input", "description"],
                self.description.as_deref(),
                DESCRIPTION_MAX,
            )?,
            validity_months: service::check_validity(
                &["input", "validityMonths"],
                self.validity_months,
            )?,
        })
    }
}

impl CertificationUpdateInput {
    fn parse(&self) -> Result<CertificationChanges> {
        Ok(CertificationChanges {
            name: match &self.name {
                Some(name) => Some(domain::required_text(
                    &["input", "name"],
                    name,
                    domain::NAME_MAX,
                )?),
                None => None,
            },
            description: match &self.description {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(text) => Some(domain::optional_note(
                    &["input", "description"],
                    Some(text),
                    DESCRIPTION_MAX,
                )?),
            },
            validity_months: match self.validity_months {
                Some(months) => Some(service::check_validity(
                    &["input", "validityMonths"],
                    months,
                )?),
                None => None,
            },
        })
    }
}

impl ContactCertificationRecordInput {
    fn parse(&self) -> Result<NewRecord> {
        Ok(NewRecord {
            contact_id: input_id("contactId", &self.contact_id, NodeType::Contact)?,
            certification_id: input_id(
                "certificationId",
                &self.certification_id,
                NodeType::Certification,
            )?,
            earned_on: self.earned_on.0,
            evidence: domain::optional_text(
                &["input", "evidence"],
                self.evidence.as_deref(),
                service::EVIDENCE_MAX,
            )?,
        })
    }
}

#[derive(Default)]
pub struct CertificationMutation;

#[Object]
impl CertificationMutation {
    /// Adds a certification to the catalogue: the brand's admins and managers.
    async fn certification_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code, the name and how long it stays valid.")]
        input: CertificationCreateInput,
    ) -> async_graphql::Result<CertificationPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(CertificationPayload {
            certification: saved.map(Certification),
            user_errors,
        })
    }

    /// Changes a catalogue entry: the brand's admins and managers.
    async fn certification_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certification, the version you read and the changes.")]
        input: CertificationUpdateInput,
    ) -> async_graphql::Result<CertificationPayload> {
        let parsed = input_id("id", &input.id, NodeType::Certification)
            .and_then(|id| Ok((id, input.parse()?)));
        let result = match parsed {
            Ok((id, changes)) => in_transaction!(ctx, |txn, principal| service::update(
                &txn,
                principal,
                id,
                input.version,
                changes
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(CertificationPayload {
            certification: saved.map(Certification),
            user_errors,
        })
    }

    /// Takes a certification out of the catalogue: nobody earns it any more, and those
    /// who hold it keep it until it runs out.
    async fn certification_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certification and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<CertificationPayload> {
        let result = match input_id("id", &input.id, NodeType::Certification) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(CertificationPayload {
            certification: saved.map(Certification),
            user_errors,
        })
    }

    /// Records that a partner's contact earned a certification, with the evidence: the
    /// brand's admins and managers. It runs out `validityMonths` after `earnedOn`.
    async fn contact_certification_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who earned which certification, when, and the evidence.")]
        input: ContactCertificationRecordInput,
    ) -> async_graphql::Result<ContactCertificationPayload> {
        let result = match input.parse() {
            Ok(new) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::record(
                    &txn, principal, crm, new
                ))
            }
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(ContactCertificationPayload {
            contact_certification: saved.map(ContactCertification),
            user_errors,
        })
    }

    /// Revokes a contact's certification, with the reason: it no longer counts. The
    /// brand's admins and managers.
    async fn contact_certification_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record, the version you read and why.")]
        input: ContactCertificationRevokeInput,
    ) -> async_graphql::Result<ContactCertificationPayload> {
        let parsed = input_id("id", &input.id, NodeType::ContactCertification).and_then(|id| {
            domain::optional_note(&["input", "reason"], Some(&input.reason), REASON_MAX)?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "reason"],
                        ErrorCode::Required,
                        "reason must not be empty",
                    )
                })
                .map(|reason| (id, reason))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| service::revoke(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(ContactCertificationPayload {
            contact_certification: saved.map(ContactCertification),
            user_errors,
        })
    }
}
