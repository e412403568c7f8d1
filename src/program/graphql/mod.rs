//! The partner program as the API shows it: invitations, applications to join, the
//! program's terms with their acceptances, certifications, and tiers that qualify
//! themselves. Thin: parse, call the service, map.

/// A list's `totalCount`: the service's count of what the principal sees under the filter.
macro_rules! counter {
    ($name:ident, $filter:ty, $count:path) => {
        struct $name($filter);

        impl crate::graphql::connection::Counter for $name {
            fn count<'a>(
                &'a self,
                ctx: &'a async_graphql::Context<'_>,
            ) -> futures_util::future::BoxFuture<'a, async_graphql::Result<i64>> {
                Box::pin(async move {
                    use crate::error::GqlResult;
                    let principal = crate::access::Principal::of(ctx).gql()?;
                    let db = ctx.data::<sea_orm::DatabaseConnection>()?;
                    let n = $count(db, principal, &self.0).await.gql()?;
                    Ok(i64::try_from(n).unwrap_or(i64::MAX))
                })
            }
        }
    };
}
pub(crate) use counter;

mod certifications;
mod qualification;

pub use certifications::{
    Certification, CertificationMutation, CertificationQuery, ContactCertification,
};
pub use qualification::{
    QualificationMutation, QualificationQuery, TierCriterion, TierEvaluation, TierProposal,
};

use std::sync::Arc;

use async_graphql::{Context, Enum, ErrorExtensions, ID, InputObject, Object, SimpleObject};
use entity::{invitation, partner_application, program_terms, terms_acceptance};
use futures_util::future::BoxFuture;
use governor::DefaultKeyedRateLimiter;
use sea_orm::DatabaseConnection;

use super::applications::{self, Approval, NewApplication};
use super::invitations::{self, InvitationState, NewInvitation};
use super::terms::{self, RequestFacts};
use crate::access::Principal;
use crate::auth::graphql::{AuthContext, User, UserRole};
use crate::auth::loaders::UserId;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::{
    DealerAddressInput, DirectoryMatch, Organization, input_id, organization, organization_by_id,
    within,
};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::settings::CrmSettings;

/// How many applications one address may send in an hour: the `partner_applications_per_hour`
/// setting, per node.
pub struct ApplicationLimiter(pub Arc<DefaultKeyedRateLimiter<String>>);

/// Where an invitation stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "InvitationState")]
pub enum InvitationStatus {
    /// Waiting to be accepted.
    Pending,
    /// Accepted: the user exists.
    Accepted,
    /// Revoked before it was accepted.
    Revoked,
    /// Its time ran out before it was accepted.
    Expired,
}

/// An invitation to become a user of channelgraph: staff, or a partner's users for a
/// partner admin. The token itself travels once, in the `USER_INVITED` event.
pub struct Invitation(pub invitation::Model);

impl Keyed for invitation::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// An invitation to become a user.
#[Object]
impl Invitation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Invitation, self.0.id))
    }
    /// Where the invitation went.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The person's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The roles the user will hold.
    async fn roles(&self) -> Vec<UserRole> {
        self.0.roles.iter().map(Into::into).collect()
    }
    /// The partner organization the user will belong to; null for staff.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Pending, accepted, revoked or expired.
    async fn status(&self) -> InvitationStatus {
        invitations::state(&self.0, crate::store::now()).into()
    }
    /// When the token stops working.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }
    /// The user who invited, if a person did and you may see them.
    async fn invited_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.invited_by).await
    }
    /// The application whose approval made it, if one did (staff only).
    async fn application(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PartnerApplication>> {
        let Some(id) = self.0.application_id else {
            return Ok(None);
        };
        let db = ctx.data::<DatabaseConnection>()?;
        let principal = Principal::of(ctx).gql()?;
        Ok(applications::by_ids(db, principal, &[id])
            .await
            .gql()?
            .remove(&id)
            .map(PartnerApplication))
    }
    /// When it was accepted.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.accepted_at.map(DateTime)
    }
    /// The user accepting it made.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.user_id).await
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back to revoke.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub(crate) async fn user_of(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
) -> async_graphql::Result<Option<User>> {
    match id {
        Some(id) => Ok(load_one(ctx, UserId(id)).await?.map(User::new)),
        None => Ok(None),
    }
}

/// One version of the partner program's terms. The newest is current; a partner admin
/// accepts it before the company's users place orders or register deals.
pub struct ProgramTerms(pub program_terms::Model);

impl Keyed for program_terms::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.published_at)
    }
}

/// One version of the partner program's terms.
#[Object]
impl ProgramTerms {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ProgramTerms, self.0.id))
    }
    /// 1, 2, 3, … in the order published.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The text.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// When it was published.
    async fn published_at(&self) -> DateTime {
        DateTime(self.0.published_at)
    }
    /// Who published it, if you may see them.
    async fn published_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.published_by).await
    }
    /// Your company's latest acceptance of this version; null if it has not accepted it,
    /// and for staff.
    async fn acceptance(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TermsAcceptance>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let principal = Principal::of(ctx).gql()?;
        Ok(terms::own_acceptance(db, principal, self.0.id)
            .await
            .gql()?
            .map(TermsAcceptance))
    }
}

/// A partner admin's acceptance of one version of the program's terms for its company.
pub struct TermsAcceptance(pub terms_acceptance::Model);

impl Keyed for terms_acceptance::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.accepted_at)
    }
}

/// A partner admin's acceptance of one version of the program's terms.
#[Object]
impl TermsAcceptance {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::TermsAcceptance, self.0.id))
    }
    /// The version accepted.
    async fn terms(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgramTerms>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let principal = Principal::of(ctx).gql()?;
        Ok(terms::by_ids(db, principal, &[self.0.terms_id])
            .await
            .gql()?
            .remove(&self.0.terms_id)
            .map(ProgramTerms))
    }
    /// The company it binds.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The partner admin who accepted, if you may see them.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, Some(self.0.user_id)).await
    }
    /// When.
    async fn accepted_at(&self) -> DateTime {
        DateTime(self.0.accepted_at)
    }
    /// The request it was accepted in: its `x-request-id`.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The address the request came from.
    async fn client_address(&self) -> Option<&str> {
        self.0.client_address.as_deref()
    }
    /// The request's user agent.
    async fn user_agent(&self) -> Option<&str> {
        self.0.user_agent.as_deref()
    }
}

/// Where an application stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ProposalStatus")]
pub enum ApplicationStatus {
    /// Waiting for the brand.
    Pending,
    /// Approved: the organization exists and its admin is invited.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// What kind of partner a company applies to be.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicantKind {
    /// A distributor: buys from the brand and sells to dealers and end customers.
    Distributor,
    /// A dealer or reseller: buys through the channel and sells to end customers.
    Dealer,
}

impl From<ApplicantKind> for entity::enums::OrganizationKind {
    fn from(kind: ApplicantKind) -> Self {
        match kind {
            ApplicantKind::Distributor => entity::enums::OrganizationKind::Distributor,
            ApplicantKind::Dealer => entity::enums::OrganizationKind::IntermediateCustomer,
        }
    }
}

/// A person at an applying company.
#[derive(SimpleObject)]
pub struct ApplicantContact {
    /// Full name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Email address.
    pub email: String,
    /// Phone number.
    pub phone: Option<String>,
}

/// An address an applying company gave.
#[derive(SimpleObject)]
pub struct ApplicantAddress {
    /// `BILLING`, `SHIPPING` or `HEAD_OFFICE`.
    pub kind: String,
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
}

/// A company's application to join the partner program; staff only.
pub struct PartnerApplication(pub partner_application::Model);

impl Keyed for partner_application::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A company's application to join the partner program.
#[Object]
impl PartnerApplication {
    /// Opaque global id: the reference the applicant was given.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::PartnerApplication, self.0.id))
    }
    /// Distributor or dealer.
    async fn kind(&self) -> ApplicantKind {
        match self.0.kind {
            entity::enums::OrganizationKind::Distributor => ApplicantKind::Distributor,
            _ => ApplicantKind::Dealer,
        }
    }
    /// The company's name.
    async fn company_name(&self) -> &str {
        &self.0.company_name
    }
    /// Its registered legal name.
    async fn legal_name(&self) -> Option<&str> {
        self.0.legal_name.as_deref()
    }
    /// Its tax or VAT registration number.
    async fn tax_id(&self) -> Option<&str> {
        self.0.tax_id.as_deref()
    }
    /// Its website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// The territory it wants to cover.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// The product lines it wants to carry.
    async fn product_lines(&self) -> async_graphql::Result<Vec<String>> {
        applications::product_lines_of(&self.0).gql()
    }
    /// Its people; the approval invites one of them as the partner's admin.
    async fn contacts(&self) -> async_graphql::Result<Vec<ApplicantContact>> {
        Ok(applications::contacts_of(&self.0)
            .gql()?
            .into_iter()
            .map(|c| ApplicantContact {
                name: c.name,
                title: c.title,
                email: c.email,
                phone: c.phone,
            })
            .collect())
    }
    /// Its addresses.
    async fn addresses(&self) -> async_graphql::Result<Vec<ApplicantAddress>> {
        Ok(applications::addresses_of(&self.0)
            .gql()?
            .into_iter()
            .map(|a| ApplicantAddress {
                kind: a.kind,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            })
            .collect())
    }
    /// What it wrote to the brand.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// Organizations of the directory it may be (name, tax id, address), found when it
    /// arrived; the approval searches again.
    async fn duplicates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DirectoryMatch>> {
        let mut out = Vec::new();
        for m in applications::duplicates_of(&self.0).gql()? {
            out.push(DirectoryMatch {
                reasons: m
                    .reasons
                    .iter()
                    .filter_map(|r| applications::reason_of(r))
                    .map(Into::into)
                    .collect(),
                organization: organization_by_id(ctx, m.organization_id).await?,
            });
        }
        Ok(out)
    }
    /// Pending, approved or rejected.
    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }
    /// Why it was rejected.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The staff user who decided it.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The organization its approval made.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The address it was sent from.
    async fn client_address(&self) -> Option<&str> {
        self.0.client_address.as_deref()
    }
    /// When it arrived.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A person to invite.
#[derive(InputObject)]
pub struct InvitationCreateInput {
    /// Where the invitation goes; it becomes the user's email.
    pub email: String,
    /// Full name: 1 to 200 characters.
    pub name: String,
    /// One staff role, or one or more partner roles.
    pub roles: Vec<UserRole>,
    /// The partner organization the user will belong to; omit for staff. A partner admin
    /// invites only to its own.
    pub organization_id: Option<ID>,
}

/// An invitation to revoke.
#[derive(InputObject)]
pub struct InvitationRevokeInput {
    /// The invitation.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

/// An invitation to accept.
#[derive(InputObject)]
pub struct InvitationAcceptInput {
    /// The token from the invitation's link.
    pub token: String,
    /// The password to sign in with: 12 to 200 characters.
    pub password: String,
}

/// Which invitations to list.
#[derive(InputObject, Default)]
pub struct InvitationFilter {
    /// Only those to this organization's users.
    pub organization_id: Option<ID>,
    /// Only those in this state.
    pub status: Option<InvitationStatus>,
}

/// The result of inviting or revoking.
#[derive(SimpleObject)]
pub struct InvitationPayload {
    /// The invitation as it is now; null when nothing was written.
    pub invitation: Option<Invitation>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of accepting an invitation.
#[derive(SimpleObject)]
pub struct InvitationAcceptPayload {
    /// The user made; sign in with `login`. Null when nothing was written.
    pub user: Option<User>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A new version of the program's terms.
#[derive(InputObject)]
pub struct ProgramTermsPublishInput {
    /// The title: 1 to 200 characters.
    pub title: String,
    /// The text: 1 to 200000 characters; line breaks are kept.
    pub body: String,
}

/// Terms to accept.
#[derive(InputObject)]
pub struct ProgramTermsAcceptInput {
    /// The current version, as `programTerms` shows it.
    pub terms_id: ID,
}

/// The result of publishing terms.
#[derive(SimpleObject)]
pub struct ProgramTermsPayload {
    /// The version published; null when nothing was written.
    pub program_terms: Option<ProgramTerms>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of accepting terms.
#[derive(SimpleObject)]
pub struct TermsAcceptancePayload {
    /// The acceptance recorded; null when nothing was written.
    pub terms_acceptance: Option<TermsAcceptance>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which acceptances to list.
#[derive(InputObject, Default)]
pub struct TermsAcceptanceFilter {
    /// Only this organization's.
    pub organization_id: Option<ID>,
    /// Only those of this version.
    pub terms_id: Option<ID>,
}

/// A person at the applying company.
#[derive(InputObject)]
pub struct ApplicantContactInput {
    /// Full name: 1 to 200 characters.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Email address: the approval may invite this person as the partner's admin.
    pub email: String,
    /// Phone number.
    pub phone: Option<String>,
}

/// An application to join the partner program.
#[derive(InputObject)]
pub struct PartnerApplyInput {
    /// Distributor or dealer.
    pub kind: ApplicantKind,
    /// The company's name: 1 to 200 characters.
    pub company_name: String,
    /// Its registered legal name.
    pub legal_name: Option<String>,
    /// Its tax or VAT registration number.
    pub tax_id: Option<String>,
    /// Its website: an `https://` or `http://` address of at most 500 characters.
    pub website: Option<String>,
    /// The territory it wants to cover.
    pub territory: Option<String>,
    /// The product lines it wants to carry: at most 30, each 1 to 100 characters.
    #[graphql(default)]
    pub product_lines: Vec<String>,
    /// Its people: 1 to 10, each with an email.
    pub contacts: Vec<ApplicantContactInput>,
    /// Its addresses: at most 5.
    #[graphql(default)]
    pub addresses: Vec<DealerAddressInput>,
    /// What it wants the brand to know: at most 4000 characters.
    pub message: Option<String>,
}

/// The result of applying.
#[derive(SimpleObject)]
pub struct PartnerApplyPayload {
    /// The application's reference, to quote to the brand; null when nothing was written.
    pub reference: Option<ID>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which applications to list.
#[derive(InputObject, Default)]
pub struct PartnerApplicationFilter {
    /// Only those in this state.
    pub status: Option<ApplicationStatus>,
}

/// An application to approve.
#[derive(InputObject)]
pub struct PartnerApplicationApproveInput {
    /// The application.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The new organization's partner code: 2 to 15 letters, digits, `-` or `_`.
    pub code: String,
    /// The tier it joins.
    pub tier_id: Option<ID>,
    /// Which of the application's contacts is invited as the partner's admin, counting
    /// from 0.
    #[graphql(default = 0)]
    pub admin_contact: i32,
    /// Create it even though the directory may hold it already (the application's
    /// `duplicates`).
    #[graphql(default = false)]
    pub accept_duplicates: bool,
}

/// An application to reject.
#[derive(InputObject)]
pub struct PartnerApplicationRejectInput {
    /// The application.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// The result of deciding an application.
#[derive(SimpleObject)]
pub struct PartnerApplicationPayload {
    /// The application as it is now; null when the decision was refused.
    pub partner_application: Option<PartnerApplication>,
    /// The organization an approval made.
    pub organization: Option<Organization>,
    /// The invitation an approval sent to the partner's admin.
    pub invitation: Option<Invitation>,
    /// Why the decision was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

const MAX_CONTACTS: usize = 10;
const MAX_ADDRESSES: usize = 5;
const MAX_LINES: usize = 30;
const MESSAGE_MAX: usize = 4000;

fn too_many(field: &str, n: usize, max: usize) -> Error {
    Error::user(
        &["input", field],
        ErrorCode::TooLong,
        format!("{field} holds {n}; at most {max} come with one application"),
    )
}

fn website(raw: Option<&str>) -> Result<Option<String>> {
    let Some(url) = domain::optional_text(&["input", "website"], raw, 500)? else {
        return Ok(None);
    };
    let lower = url.to_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(' ') {
        return Err(Error::user(
            &["input", "website"],
            ErrorCode::Invalid,
            "website is an https:// or http:// address without spaces",
        ));
    }
    Ok(Some(url))
}

impl PartnerApplyInput {
    fn parse(self) -> Result<NewApplication> {
        if self.contacts.is_empty() {
            return Err(Error::user(
                &["input", "contacts"],
                ErrorCode::Required,
                "name at least one person, with an email",
            ));
        }
        for (list, n, max) in [
            ("contacts", self.contacts.len(), MAX_CONTACTS),
            ("addresses", self.addresses.len(), MAX_ADDRESSES),
            ("productLines", self.product_lines.len(), MAX_LINES),
        ] {
            if n > max {
                return Err(too_many(list, n, max));
            }
        }
        let contacts = self
            .contacts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let parsed = (|| {
                    Ok(applications::AppliedContact {
                        name: domain::required_text(&["input", "name"], &c.name, domain::NAME_MAX)?,
                        title: domain::optional_text(&["input", "title"], c.title.as_deref(), 200)?,
                        email: domain::email(&["input", "email"], &c.email)?.to_lowercase(),
                        phone: c
                            .phone
                            .as_deref()
                            .map(|p| domain::phone(&["input", "phone"], p))
                            .transpose()?,
                    })
                })();
                parsed.map_err(|e| within(e, "contacts", i))
            })
            .collect::<Result<Vec<_>>>()?;
        let placeholder = ID(GlobalId::encode(NodeType::Organization, uuid::Uuid::nil()));
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
        let mut product_lines = Vec::with_capacity(self.product_lines.len());
        for (i, line) in self.product_lines.iter().enumerate() {
            let line =
                domain::required_text(&["input", "productLines", &i.to_string()], line, 100)?;
            if !product_lines.contains(&line) {
                product_lines.push(line);
            }
        }
        Ok(NewApplication {
            kind: self.kind.into(),
            company_name: domain::required_text(
                &["input", "companyName"],
                &self.company_name,
                domain::NAME_MAX,
            )?,
            legal_name: domain::optional_text(
                &["input", "legalName"],
                self.legal_name.as_deref(),
                domain::NAME_MAX,
            )?,
            tax_id: domain::optional_text(&["input", "taxId"], self.tax_id.as_deref(), 64)?,
            website: website(self.website.as_deref())?,
            territory: self
                .territory
                .as_deref()
                .map(|t| domain::territory(&["input", "territory"], t))
                .transpose()?,
            product_lines,
            contacts,
            addresses,
            message: domain::optional_note(
                &["input", "message"],
                self.message.as_deref(),
                MESSAGE_MAX,
            )?,
        })
    }
}

counter!(
    InvitationCount,
    invitations::InvitationFilter,
    invitations::count
);
counter!(
    ApplicationCount,
    applications::ApplicationFilter,
    applications::count
);
counter!(
    AcceptanceCount,
    terms::AcceptanceFilter,
    terms::count_acceptances
);

struct TermsCount;

impl Counter for TermsCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = terms::count(db, principal).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

pub(crate) fn id_arg(
    field: &str,
    raw: Option<&ID>,
    node_type: NodeType,
) -> async_graphql::Result<Option<uuid::Uuid>> {
    argument_id(field, raw, node_type).gql()
}

#[derive(Default)]
pub struct ProgramQuery;

#[Object]
impl ProgramQuery {
    /// Invitations, newest first: every one for the brand's admins, its own company's for
    /// a partner admin.
    #[allow(clippy::too_many_arguments)]
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which invitations.")] filter: Option<InvitationFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Invitation>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = invitations::InvitationFilter {
            organization_id: id_arg(
                "filter.organizationId",
                filter.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            state: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = invitations::list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            InvitationCount(filter),
            Invitation,
        ))
    }

    /// The current version of the program's terms: the one partners accept now. Null where
    /// the brand has published none.
    async fn program_terms(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ProgramTerms>> {
        let principal = Principal::of(ctx).gql()?;
        if *principal == Principal::Anonymous {
            return Err(Error::Unauthenticated.into_graphql());
        }
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(terms::current(db).await.gql()?.map(ProgramTerms))
    }

    /// Every version of the program's terms, newest first.
    async fn program_terms_versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ProgramTerms>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = terms::list(db, principal, &page).await.gql()?;
        Ok(connection(rows, NEWEST_FIRST.key, TermsCount, ProgramTerms))
    }

    /// Acceptances of the program's terms, newest first: every one for staff, its own
    /// company's for a partner.
    #[allow(clippy::too_many_arguments)]
    async fn terms_acceptances(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which acceptances.")] filter: Option<TermsAcceptanceFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<TermsAcceptance>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = terms::AcceptanceFilter {
            organization_id: id_arg(
                "filter.organizationId",
                filter.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            terms_id: id_arg(
                "filter.termsId",
                filter.terms_id.as_ref(),
                NodeType::ProgramTerms,
            )?,
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = terms::list_acceptances(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            AcceptanceCount(filter),
            TermsAcceptance,
        ))
    }

    /// Applications to join the partner program, newest first: staff only.
    #[allow(clippy::too_many_arguments)]
    async fn partner_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which applications.")] filter: Option<PartnerApplicationFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<PartnerApplication>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = applications::ApplicationFilter {
            status: filter.unwrap_or_default().status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = applications::list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ApplicationCount(filter),
            PartnerApplication,
        ))
    }
}

#[derive(Default)]
pub struct ProgramMutation;

#[Object]
impl ProgramMutation {
    /// Invites a person by email. The brand's admins invite anyone; a partner admin its own
    /// company's users. The token goes once, in the `USER_INVITED` webhook event, for the
    /// brand's mail system to send; it works for `invitation_days`.
    async fn invitation_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who, with which roles, for which organization.")]
        input: InvitationCreateInput,
    ) -> async_graphql::Result<InvitationPayload> {
        let parsed = (|| {
            let roles: Vec<entity::enums::UserRole> =
                input.roles.iter().map(|r| (*r).into()).collect();
            Ok::<_, Error>(NewInvitation {
                email: domain::email(&["input", "email"], &input.email)?.to_lowercase(),
                name: domain::required_text(&["input", "name"], &input.name, domain::NAME_MAX)?,
                roles: crate::auth::service::parse_roles(&["input", "roles"], &roles)?,
                organization_id: match &input.organization_id {
                    Some(id) => Some(input_id("organizationId", id, NodeType::Organization)?),
                    None => None,
                },
            })
        })();
        let result = match parsed {
            Ok(new) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| async {
                    invitations::invite(&txn, principal, crm, new, None)
                        .await
                        .map(|issued| issued.invitation)
                })
            }
            Err(e) => Err(e),
        };
        let (invitation, user_errors) = outcome(result)?;
        Ok(InvitationPayload {
            invitation: invitation.map(Invitation),
            user_errors,
        })
    }

    /// Revokes a pending invitation: its token stops working.
    async fn invitation_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation and the version you read.")] input: InvitationRevokeInput,
    ) -> async_graphql::Result<InvitationPayload> {
        let result = match input_id("id", &input.id, NodeType::Invitation) {
            Ok(id) => in_transaction!(ctx, |txn, principal| invitations::revoke(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        let (invitation, user_errors) = outcome(result)?;
        Ok(InvitationPayload {
            invitation: invitation.map(Invitation),
            user_errors,
        })
    }

    /// Accepts an invitation with its token and sets the password: the user exists from
    /// now and signs in with `login`. Needs no sign-in; the token works once.
    async fn invitation_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token and the password.")] input: InvitationAcceptInput,
    ) -> async_graphql::Result<InvitationAcceptPayload> {
        let result = in_transaction!(ctx, |txn| invitations::accept(
            &txn,
            &input.token,
            input.password
        ));
        let (accepted, user_errors) = outcome(result)?;
        Ok(InvitationAcceptPayload {
            user: accepted.map(|(_, user)| User::new(user)),
            user_errors,
        })
    }

    /// Publishes a new version of the program's terms; it is current at once, and every
    /// partner accepts it before its users place orders or register deals again. The
    /// brand's admins and managers.
    async fn program_terms_publish(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The title and the text.")] input: ProgramTermsPublishInput,
    ) -> async_graphql::Result<ProgramTermsPayload> {
        let parsed = domain::required_text(&["input", "title"], &input.title, domain::NAME_MAX)
            .and_then(|title| {
                domain::optional_note(&["input", "body"], Some(&input.body), terms::BODY_MAX)?
                    .ok_or_else(|| {
                        Error::user(&["input", "body"], ErrorCode::Required, "body is empty")
                    })
                    .map(|body| (title, body))
            });
        let result = match parsed {
            Ok((title, body)) => in_transaction!(ctx, |txn, principal| terms::publish(
                &txn, principal, title, body
            )),
            Err(e) => Err(e),
        };
        let (published, user_errors) = outcome(result)?;
        Ok(ProgramTermsPayload {
            program_terms: published.map(ProgramTerms),
            user_errors,
        })
    }

    /// Accepts the current version of the program's terms for your company: a partner
    /// admin does. The acceptance keeps who, when, which version and the request.
    async fn program_terms_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version you read.")] input: ProgramTermsAcceptInput,
    ) -> async_graphql::Result<TermsAcceptancePayload> {
        let auth = ctx.data::<AuthContext>()?;
        let request = RequestFacts {
            request_id: crate::audit::REQUEST_ID.try_with(Clone::clone).ok(),
            client_address: auth.client_address.clone(),
            user_agent: auth.user_agent.clone(),
        };
        let result = match input_id("termsId", &input.terms_id, NodeType::ProgramTerms) {
            Ok(id) => in_transaction!(ctx, |txn, principal| terms::accept(
                &txn, principal, id, request
            )),
            Err(e) => Err(e),
        };
        let (accepted, user_errors) = outcome(result)?;
        Ok(TermsAcceptancePayload {
            terms_acceptance: accepted.map(TermsAcceptance),
            user_errors,
        })
    }

    /// Applies to join the partner program. Needs no sign-in; limited to
    /// `partner_applications_per_hour` per address. The answer is a reference only: staff
    /// review the application and approve or reject it.
    async fn partner_apply(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company, its people, territory and the lines it wants.")]
        input: PartnerApplyInput,
    ) -> async_graphql::Result<PartnerApplyPayload> {
        let auth = ctx.data::<AuthContext>()?;
        let address = auth.client_address.clone();
        if let Ok(limiter) = ctx.data::<ApplicationLimiter>() {
            let key = address.clone().unwrap_or_default();
            if limiter.0.check_key(&key).is_err() {
                return Err(async_graphql::Error::new(
                    "too many applications from your address; try again in an hour",
                )
                .extend_with(|_, e| e.set("code", "RATE_LIMITED")));
            }
        }
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn| applications::apply(&txn, new, address)),
            Err(e) => Err(e),
        };
        let (application, user_errors) = outcome(result)?;
        Ok(PartnerApplyPayload {
            reference: application
                .map(|a| ID(GlobalId::encode(NodeType::PartnerApplication, a.id))),
            user_errors,
        })
    }

    /// Approves a pending application: the organization is made, active, with the
    /// application's contacts and addresses; it joins the tier given; and the contact
    /// chosen is invited as its partner admin (`USER_INVITED`). Where the directory may
    /// hold the company already, refused with DUPLICATE until `acceptDuplicates`. The
    /// brand's admins and managers.
    async fn partner_application_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application, the code, tier and admin.")]
        input: PartnerApplicationApproveInput,
    ) -> async_graphql::Result<PartnerApplicationPayload> {
        let parsed = (|| {
            Ok::<_, Error>(Approval {
                id: input_id("id", &input.id, NodeType::PartnerApplication)?,
                version: input.version,
                code: domain::partner_code(&["input", "code"], &input.code)?,
                tier_id: match &input.tier_id {
                    Some(id) => Some(input_id("tierId", id, NodeType::PartnerTier)?),
                    None => None,
                },
                admin_contact: usize::try_from(input.admin_contact).map_err(|_| {
                    Error::user(
                        &["input", "adminContact"],
                        ErrorCode::OutOfRange,
                        "adminContact counts from 0",
                    )
                })?,
                accept_duplicates: input.accept_duplicates,
            })
        })();
        let result = match parsed {
            Ok(approval) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| applications::approve(
                    &txn, principal, crm, approval
                ))
            }
            Err(e) => Err(e),
        };
        let (approved, user_errors) = outcome(result)?;
        Ok(match approved {
            Some(a) => PartnerApplicationPayload {
                partner_application: Some(PartnerApplication(a.application)),
                organization: Some(organization(a.organization)),
                invitation: Some(Invitation(a.invitation.invitation)),
                user_errors,
            },
            None => PartnerApplicationPayload {
                partner_application: None,
                organization: None,
                invitation: None,
                user_errors,
            },
        })
    }

    /// Rejects a pending application with a reason. The brand's admins and managers.
    async fn partner_application_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application, the version you read, and why.")]
        input: PartnerApplicationRejectInput,
    ) -> async_graphql::Result<PartnerApplicationPayload> {
        let parsed = input_id("id", &input.id, NodeType::PartnerApplication).and_then(|id| {
            domain::required_text(&["input", "reason"], &input.reason, 2000).map(|r| (id, r))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| applications::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        let (decided, user_errors) = outcome(result)?;
        Ok(PartnerApplicationPayload {
            partner_application: decided.map(PartnerApplication),
            organization: None,
            invitation: None,
            user_errors,
        })
    }
}
