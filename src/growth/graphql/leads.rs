//! Leads and lead routing in GraphQL.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::compiled::leads_listing;
use super::types::{Campaign, Opportunity};
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::MoneyInput;
use crate::graphql::scalars::{Date, DateTime};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::growth::leads;
use crate::growth::loaders::{CampaignId, OpportunityId};
use crate::growth::model::{
    Conversion, DuplicateReason as Reason, LeadFilter, LeadTarget, NewLead, OrganizationChoice,
};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::{
    Contact, Organization, OrganizationKind, SortDirection, input_id, organization_by_id,
};
use crate::organizations::loaders::ContactId;
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::relationship::graphql::user;
use crate::settings::{CrmSettings, TradeSettings};
use entity::{enums, lead, lead_route};

/// Where a lead came from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::LeadSource")]
pub enum LeadSource {
    /// Met at a trade show.
    TradeShow,
    /// Answered a publication: an article, an advertisement, a catalogue.
    Publication,
    /// Came through the website.
    Website,
    /// Came through an association.
    Association,
    /// Referred by a partner.
    PartnerReferral,
    /// Walked into a store.
    Store,
    /// Anything else.
    Other,
}

/// Where a lead stands. An OFFERED lead the partner did not accept or decline in time is
/// back in the pool (NEW).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::LeadStatus")]
pub enum LeadStatus {
    /// In the pool: nobody has it.
    New,
    /// A staff member has it.
    Assigned,
    /// Offered to a partner, waiting for it to accept or decline.
    Offered,
    /// A partner has it.
    Accepted,
    /// Worth pursuing.
    Qualified,
    /// Not worth pursuing.
    Disqualified,
    /// Became an organization, a contact and an opportunity.
    Converted,
}

/// Why a directory entry looks like a lead.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "Reason")]
pub enum DuplicateReason {
    /// The same company name, ignoring case, punctuation and legal forms.
    Name,
    /// The same tax id.
    TaxId,
    /// A contact with an email at the same company domain.
    EmailDomain,
    /// A contact with the same email.
    Email,
}

/// An organization of the directory that looks like a lead.
#[derive(SimpleObject)]
pub struct LeadDuplicate {
    /// The organization.
    pub organization: Option<Organization>,
    /// The contact with the same email, if one matched.
    pub contact: Option<Contact>,
    /// Why it looks the same.
    pub reasons: Vec<DuplicateReason>,
}

/// A prospective customer: where it came from, when it was captured and entered, who has
/// it, and what it converted into.
pub struct Lead(pub lead::Model);

/// A prospective customer: where it came from, when it was captured and entered, who has
/// it, and what it converted into.
#[Object]
impl Lead {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Lead, self.0.id))
    }
    /// Its number, `LEAD-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The person.
    async fn person_name(&self) -> &str {
        &self.0.person_name
    }
    /// Their company.
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// Their email.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Their phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// The company's tax id.
    async fn tax_id(&self) -> Option<&str> {
        self.0.tax_id.as_deref()
    }
    /// Where it came from.
    async fn source(&self) -> LeadSource {
        self.0.source.into()
    }
    /// The campaign it is attributed to; null if none, or not visible to you.
    async fn campaign(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Campaign>> {
        let Some(id) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CampaignId(id)).await?.map(Campaign))
    }
    /// When it was captured (at the trade show, on the website).
    async fn captured_at(&self) -> DateTime {
        DateTime(self.0.captured_at)
    }
    /// When it was entered here.
    async fn entered_at(&self) -> DateTime {
        DateTime(self.0.entered_at)
    }
    /// Entered more than 2 working days (Monday to Friday, in the business time zone) after
    /// it was captured.
    async fn late(&self) -> bool {
        self.0.late
    }
    /// Its territory, which routes it.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// Where it stands.
    async fn status(&self) -> LeadStatus {
        self.0.status.into()
    }
    /// Why it was qualified, disqualified or declined.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// The staff member who has it.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// The partner it is offered to or that has it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Until when the partner may accept or decline it; null unless OFFERED.
    async fn offer_expires_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime>> {
        let hours = ctx.data::<CrmSettings>()?.lead_acceptance_hours;
        Ok(self
            .0
            .offered_at
            .filter(|_| self.0.status == enums::LeadStatus::Offered)
            .map(|at| DateTime(at + chrono::Duration::hours(i64::from(hours)))))
    }
    /// Organizations and contacts of the directory that look like it, by company name
    /// (normalized), tax id, email domain and email. Check before converting. Costs a few
    /// queries per lead: ask on one lead at a time.
    async fn duplicates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LeadDuplicate>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = leads::duplicates(db, &self.0).await.gql()?;
        let mut out = Vec::with_capacity(found.len());
        for d in found {
            let Some(organization) = organization_by_id(ctx, d.organization_id).await? else {
                continue;
            };
            let contact = match d.contact_id {
                Some(id) => load_one(ctx, ContactId(id)).await?.map(Contact),
                None => None,
            };
            out.push(LeadDuplicate {
                organization: Some(organization),
                contact,
                reasons: d.reasons.into_iter().map(Into::into).collect(),
            });
        }
        Ok(out)
    }
    /// The organization it converted into.
    async fn converted_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self.0.converted_organization_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The contact it converted into.
    async fn converted_contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = self.0.converted_contact_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ContactId(id)).await?.map(Contact))
    }
    /// The opportunity it converted into.
    async fn converted_opportunity(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Opportunity>> {
        let Some(id) = self.0.converted_opportunity_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OpportunityId(id)).await?.map(Opportunity))
    }
    /// When it was converted.
    async fn converted_at(&self) -> Option<DateTime> {
        self.0.converted_at.map(DateTime)
    }
    /// Free notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with a step.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Where new leads of a territory go: a staff member, or a partner that accepts or declines.
pub struct LeadRoute(pub lead_route::Model);

/// Where new leads of a territory go: a staff member, or a partner that accepts or declines.
#[Object]
impl LeadRoute {
    /// The territory.
    async fn territory(&self) -> &str {
        &self.0.territory
    }
    /// The staff member its leads go to.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// The partner its leads are offered to.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
}

fn crm<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmSettings> {
    ctx.data::<CrmSettings>()
}

/// A lead as it is entered.
#[derive(InputObject)]
pub struct LeadCreateInput {
    /// The person: 1 to 200 characters.
    pub person_name: String,
    /// Their company.
    pub company: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// The company's tax id.
    pub tax_id: Option<String>,
    /// Where it came from.
    pub source: LeadSource,
    /// The campaign it came from.
    pub campaign_id: Option<ID>,
    /// When it was captured; not in the future.
    pub captured_at: DateTime,
    /// Its territory; the brand's leads are routed by it.
    pub territory: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
}

impl LeadCreateInput {
    fn parse(self) -> Result<NewLead> {
        Ok(NewLead {
            person_name: domain::required_text(
                &["input", "personName"],
                &self.person_name,
                domain::NAME_MAX,
            )?,
            company: domain::optional_text(
                &["input", "company"],
                self.company.as_deref(),
                domain::NAME_MAX,
            )?,
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
            tax_id: domain::optional_text(&["input", "taxId"], self.tax_id.as_deref(), 64)?,
            source: self.source.into(),
            campaign_id: self
                .campaign_id
                .as_ref()
                .map(|id| input_id("campaignId", id, NodeType::Campaign))
                .transpose()?,
            captured_at: self.captured_at.0,
            territory: self
                .territory
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| domain::territory(&["input", "territory"], t))
                .transpose()?,
            notes: domain::optional_note(&["input", "notes"], self.notes.as_deref(), 20_000)?,
        })
    }
}

/// A step on a lead, with a reason where one is asked for.
#[derive(InputObject)]
pub struct LeadStepInput {
    /// The lead.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: required to decline or disqualify.
    pub reason: Option<String>,
}

impl LeadStepInput {
    fn parse(self, reason_required: bool) -> Result<(Uuid, i32, Option<String>)> {
        let reason = domain::optional_note(&["input", "reason"], self.reason.as_deref(), 2000)?;
        if reason_required && reason.is_none() {
            return Err(Error::user(
                &["input", "reason"],
                ErrorCode::Required,
                "give the reason",
            ));
        }
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            reason,
        ))
    }
}

/// Who a lead goes to: a staff member, a partner, or its territory's route.
#[derive(InputObject)]
pub struct LeadAssignInput {
    /// The lead: in the pool or assigned.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A staff member to give it to.
    pub assignee_id: Option<ID>,
    /// A distributor or dealer to offer it to.
    pub partner_id: Option<ID>,
}

impl LeadAssignInput {
    fn parse(self) -> Result<(Uuid, i32, LeadTarget)> {
        let target = match (&self.assignee_id, &self.partner_id) {
            (Some(user), None) => LeadTarget::User(input_id("assigneeId", user, NodeType::User)?),
            (None, Some(org)) => {
                LeadTarget::Partner(input_id("partnerId", org, NodeType::Organization)?)
            }
            (None, None) => LeadTarget::Route,
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "partnerId"],
                    ErrorCode::Invalid,
                    "give assigneeId or partnerId, not both",
                ));
            }
        };
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            target,
        ))
    }
}

/// The organization a converted lead becomes, when it is new.
#[derive(InputObject)]
pub struct LeadNewOrganizationInput {
    /// Its unique partner code.
    pub code: String,
    /// Its kind. Default END_CUSTOMER.
    #[graphql(default_with = "OrganizationKind::EndCustomer")]
    pub kind: OrganizationKind,
    /// Its name. Default: the lead's company, else the person.
    pub name: Option<String>,
}

/// The opportunity a converted lead opens.
#[derive(InputObject)]
pub struct LeadOpportunityInput {
    /// What is being sold, in a line.
    pub name: String,
    /// What it is worth; in the lead's campaign's currency, if it has one.
    pub amount: MoneyInput,
    /// When it is expected to close.
    pub expected_close_on: Date,
}

/// Converts a qualified lead into an organization, a contact and an opportunity.
#[derive(InputObject)]
pub struct LeadConvertInput {
    /// The lead.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Link it to this existing organization. Give this or `newOrganization`.
    pub organization_id: Option<ID>,
    /// Create this organization. Give this or `organizationId`.
    pub new_organization: Option<LeadNewOrganizationInput>,
    /// Create the new organization even though the lead looks like existing ones
    /// (see `Lead.duplicates`). Default false: refused with DUPLICATE.
    #[graphql(default)]
    pub confirm_new: bool,
    /// The opportunity it opens.
    pub opportunity: LeadOpportunityInput,
}

impl LeadConvertInput {
    fn parse(self, max_amount: rust_decimal::Decimal) -> Result<(Uuid, i32, Conversion)> {
        let organization = match (&self.organization_id, self.new_organization) {
            (Some(org), None) => OrganizationChoice::Existing(input_id(
                "organizationId",
                org,
                NodeType::Organization,
            )?),
            (None, Some(new)) => OrganizationChoice::New {
                kind: new.kind.into(),
                code: domain::partner_code(&["input", "newOrganization", "code"], &new.code)?,
                name: domain::optional_text(
                    &["input", "newOrganization", "name"],
                    new.name.as_deref(),
                    domain::NAME_MAX,
                )?,
            },
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "newOrganization"],
                    ErrorCode::Invalid,
                    "give organizationId or newOrganization, not both",
                ));
            }
            (None, None) => {
                return Err(Error::user(
                    &["input", "organizationId"],
                    ErrorCode::Required,
                    "link an existing organization (organizationId) or create one (newOrganization)",
                ));
            }
        };
        Ok((
            input_id("id", &self.id, NodeType::Lead)?,
            self.version,
            Conversion {
                organization,
                confirm_new: self.confirm_new,
                opportunity_name: domain::required_text(
                    &["input", "opportunity", "name"],
                    &self.opportunity.name,
                    domain::NAME_MAX,
                )?,
                amount: self
                    .opportunity
                    .amount
                    .parse(&["input", "opportunity", "amount"], max_amount)?,
                expected_close_on: self.opportunity.expected_close_on.0,
            },
        ))
    }
}

/// Where new leads of a territory go.
#[derive(InputObject)]
pub struct LeadRouteSetInput {
    /// The territory.
    pub territory: String,
    /// A staff member. Give this or `partnerId`.
    pub assignee_id: Option<ID>,
    /// A distributor or dealer. Give this or `assigneeId`.
    pub partner_id: Option<ID>,
}

/// Narrows a list of leads. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "LeadFilter")]
pub struct LeadFilterInput {
    /// Only these statuses (an offer that ran out counts as NEW).
    pub statuses: Option<Vec<LeadStatus>>,
    /// Only these sources.
    pub sources: Option<Vec<LeadSource>>,
    /// Only leads this staff member has.
    pub assignee_id: Option<ID>,
    /// Only leads offered to or accepted by this partner.
    pub partner_id: Option<ID>,
    /// Only leads from this campaign.
    pub campaign_id: Option<ID>,
    /// Only late leads (true) or only timely ones (false).
    pub late: Option<bool>,
    /// Only this territory.
    pub territory: Option<String>,
}

impl LeadFilterInput {
    fn parse(self) -> Result<LeadFilter> {
        Ok(LeadFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            sources: self
                .sources
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            assignee_id: argument_id(
                "filter.assigneeId",
                self.assignee_id.as_ref(),
                NodeType::User,
            )?,
            partner_id: argument_id(
                "filter.partnerId",
                self.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            campaign_id: argument_id(
                "filter.campaignId",
                self.campaign_id.as_ref(),
                NodeType::Campaign,
            )?,
            late: self.late,
            territory: self.territory.map(|t| t.trim().to_uppercase()),
        })
    }
}

/// What a lead list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadOrderField {
    /// When it was entered.
    EnteredAt,
    /// When it last changed.
    UpdatedAt,
}

/// How a lead list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct LeadOrder {
    /// The field to sort by.
    pub field: LeadOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

fn lead_sort(order: Option<LeadOrder>) -> Sort {
    let order = order.unwrap_or(LeadOrder {
        field: LeadOrderField::EnteredAt,
        direction: SortDirection::Desc,
    });
    Sort {
        key: match order.field {
            LeadOrderField::EnteredAt => SortKey::CreatedAt,
            LeadOrderField::UpdatedAt => SortKey::UpdatedAt,
        },
        descending: order.direction == SortDirection::Desc,
    }
}

struct LeadCount(LeadFilter);

impl Counter for LeadCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = leads::count(db, principal, crm(ctx)?, &self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct LeadQuery;

#[Object]
impl LeadQuery {
    /// Leads, newest first unless `orderBy` says otherwise. Staff see all; a partner the
    /// leads it entered and those offered to (while the offer runs) or accepted by it.
    #[allow(clippy::too_many_arguments)]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<LeadFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            LeadOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Lead>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = lead_sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = leads_listing(principal, crm(ctx)?, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Lead", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = leads::list(db, principal, crm(ctx)?, &filter, &page)
            .await
            .gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            LeadCount(filter),
            Lead,
        )))
    }

    /// Where new leads go, by territory. The brand's staff only.
    async fn lead_routes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LeadRoute>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(leads::routes(db, principal)
            .await
            .gql()?
            .into_iter()
            .map(LeadRoute)
            .collect())
    }
}

/// The result of a step on a lead.
#[derive(SimpleObject)]
pub struct LeadPayload {
    /// The lead as it is now; null when refused.
    pub lead: Option<Lead>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of setting a lead route.
#[derive(SimpleObject)]
pub struct LeadRoutePayload {
    /// The route as it is now; null when refused.
    pub lead_route: Option<LeadRoute>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn lead_payload(result: Result<lead::Model>) -> async_graphql::Result<LeadPayload> {
    let (lead, user_errors) = outcome(result)?;
    Ok(LeadPayload {
        lead: lead.map(Lead),
        user_errors,
    })
}

#[derive(Default)]
pub struct LeadMutation;

#[Object]
impl LeadMutation {
    /// Enters a lead. The brand's are routed by territory (to a staff member, or offered to
    /// a partner); a partner's own stay with it.
    async fn lead_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead.")] input: LeadCreateInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| leads::create(
                &txn, principal, crm, new
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// A partner accepts a lead offered to it, within the configured hours.
    async fn lead_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and the version you read.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(false) {
            Ok((id, version, _)) => in_transaction!(ctx, |txn, principal| leads::accept(
                &txn, principal, crm, id, version
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// A partner declines a lead offered to it, with the reason; it returns to the pool.
    async fn lead_decline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead, the version you read, and why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(true) {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| leads::decline(
                &txn,
                principal,
                crm,
                id,
                version,
                reason.unwrap_or_default()
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Gives a lead in the pool (or assigned) to a staff member, offers it to a partner, or
    /// (naming neither) routes it again by its territory.
    async fn lead_assign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and where it goes.")] input: LeadAssignInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, target)) => in_transaction!(ctx, |txn, principal| leads::assign(
                &txn, principal, crm, id, version, target
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Qualifies a lead that is in the pool, assigned or accepted.
    async fn lead_qualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and, if you like, why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(false) {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| leads::qualify(
                &txn, principal, crm, id, version, reason
            )),
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Disqualifies a lead, with the reason.
    async fn lead_disqualify(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and why.")] input: LeadStepInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse(true) {
            Ok((id, version, reason)) => {
                in_transaction!(ctx, |txn, principal| leads::disqualify(
                    &txn,
                    principal,
                    crm,
                    id,
                    version,
                    reason.unwrap_or_default()
                ))
            }
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Converts a qualified lead into an organization (new, or an existing one it is linked
    /// to), a contact and an opportunity, all or nothing. A new organization that looks like
    /// an existing one is refused with DUPLICATE unless `confirmNew`.
    async fn lead_convert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lead and what it becomes.")] input: LeadConvertInput,
    ) -> async_graphql::Result<LeadPayload> {
        let crm = crm(ctx)?;
        let max = ctx.data::<TradeSettings>()?.max_amount;
        let result = match input.parse(max) {
            Ok((id, version, conversion)) => {
                in_transaction!(ctx, |txn, principal| leads::convert(
                    &txn, principal, crm, id, version, conversion
                ))
            }
            Err(e) => Err(e),
        };
        lead_payload(result)
    }

    /// Sets where new leads of a territory go: a staff member or a partner.
    async fn lead_route_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The route.")] input: LeadRouteSetInput,
    ) -> async_graphql::Result<LeadRoutePayload> {
        let parsed = (|| {
            let territory = domain::territory(&["input", "territory"], &input.territory)?;
            let target = match (&input.assignee_id, &input.partner_id) {
                (Some(u), None) => LeadTarget::User(input_id("assigneeId", u, NodeType::User)?),
                (None, Some(o)) => {
                    LeadTarget::Partner(input_id("partnerId", o, NodeType::Organization)?)
                }
                (Some(_), Some(_)) => {
                    return Err(Error::user(
                        &["input", "partnerId"],
                        ErrorCode::Invalid,
                        "give assigneeId or partnerId, not both",
                    ));
                }
                (None, None) => LeadTarget::Route,
            };
            Ok((territory, target))
        })();
        let result = match parsed {
            Ok((territory, target)) => in_transaction!(ctx, |txn, principal| leads::route_set(
                &txn, principal, territory, target
            )),
            Err(e) => Err(e),
        };
        let (route, user_errors) = outcome(result)?;
        Ok(LeadRoutePayload {
            lead_route: route.map(LeadRoute),
            user_errors,
        })
    }
}
