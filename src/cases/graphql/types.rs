//! The API types of service.

use async_graphql::{Context, Enum, ID, Object};
use chrono::Utc;
use entity::enums;
use entity::{case, case_note, case_route, survey_response};

use crate::auth::graphql::User;
use crate::cases::loaders::{CaseId, CaseNotesOf};
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::ids::{GlobalId, NodeType};
use crate::money;
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{Contact, Organization, organization_by_id};
use crate::relationship::graphql::{Task, contact, user};
use crate::relationship::loaders::TaskId;

/// What a case is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CaseKind")]
pub enum CaseKind {
    /// Something went wrong and the customer says so.
    Complaint,
    /// A service or repair is asked for.
    ServiceRequest,
    /// A question.
    Inquiry,
}

/// What a complaint is about; it decides the department the case goes to.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CaseCategory")]
pub enum CaseCategory {
    /// The product is faulty or not as described.
    ProductQuality,
    /// Late, short, damaged or wrong deliveries.
    Delivery,
    /// How the customer was served.
    Service,
    /// Invoices and payments.
    Billing,
    /// Anything else.
    Other,
}

/// How serious a case is; its deadlines follow from it. First response / resolution:
/// CRITICAL 4 hours / 1 working day; HIGH 8 hours / 3 working days; MEDIUM 1 / 5 working
/// days; LOW 2 / 10 working days, counted in the business time zone, Monday to Friday.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CaseSeverity")]
pub enum CaseSeverity {
    /// First response in 2 working days, resolution in 10.
    Low,
    /// First response in 1 working day, resolution in 5.
    Medium,
    /// First response in 8 hours, resolution in 3 working days.
    High,
    /// First response in 4 hours, resolution in 1 working day.
    Critical,
}

/// Where a case stands. OPEN → IN_PROGRESS → RESOLVED → CLOSED; RESOLVED or CLOSED →
/// REOPENED within the configured window after resolution; REOPENED → IN_PROGRESS or
/// RESOLVED.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CaseStatus")]
pub enum CaseStatus {
    /// Opened, not yet worked.
    Open,
    /// Being worked.
    InProgress,
    /// Resolved; the customer may confirm (close) or reopen it.
    Resolved,
    /// Done.
    Closed,
    /// Resolved before, open again.
    Reopened,
}

/// How a case was resolved.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CaseResolution")]
pub enum CaseResolution {
    /// Repaired; the goods come back.
    Repair,
    /// Exchanged; the goods come back.
    Exchange,
    /// Returned; the goods come back.
    Return,
    /// Money paid back.
    Refund,
    /// A credit note.
    Credit,
    /// Nothing to do.
    None,
}

/// A complaint, a service or repair request, or an inquiry from an organization: what it
/// concerns, who handles it, by when, how it ended and how satisfied the customer was.
#[derive(Clone, Debug)]
pub struct Case(pub case::Model);

/// A complaint, a service or repair request, or an inquiry from an organization: what it
/// concerns, who handles it, by when, how it ended and how satisfied the customer was.
#[Object]
impl Case {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Case, self.0.id))
    }
    /// Its number, `CASE-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// What it is.
    async fn kind(&self) -> CaseKind {
        self.0.kind.into()
    }
    /// The organization it comes from.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The person who raised it.
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        contact(ctx, self.0.contact_id).await
    }
    /// What it is about, in a line.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// What the customer said.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The order it concerns.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// The product (SKU) it concerns.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let Some(id) = self.0.product_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ProductId(id)).await?.map(Product))
    }
    /// How many units it concerns.
    async fn quantity(&self) -> Option<Decimal> {
        self.0.quantity.map(|q| Decimal(money::stored(q)))
    }
    /// The day the goods it concerns were shipped.
    async fn ship_date(&self) -> Option<Date> {
        self.0.ship_date.map(Date)
    }
    /// What a complaint is about.
    async fn category(&self) -> Option<CaseCategory> {
        self.0.category.map(Into::into)
    }
    /// How serious it is.
    async fn severity(&self) -> CaseSeverity {
        self.0.severity.into()
    }
    /// The department queue it is in, from the routing rule of its category.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    /// The person handling it, from the routing rule of its organization's territory (else
    /// the account owner); null if none, or not visible to you.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// Where it stands.
    async fn status(&self) -> CaseStatus {
        self.0.status.into()
    }
    /// The investigated cause.
    async fn cause(&self) -> Option<&str> {
        self.0.cause.as_deref()
    }
    /// How it was resolved.
    async fn resolution(&self) -> Option<CaseResolution> {
        self.0.resolution.map(Into::into)
    }
    /// The return authorisation number (`RMA-000001`), when goods come back.
    async fn return_authorization(&self) -> Option<&str> {
        self.0.return_authorization.as_deref()
    }
    /// The follow-up visit scheduled at resolution.
    async fn follow_up_visit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Task>> {
        let Some(id) = self.0.follow_up_task_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, TaskId(id)).await?.map(Task))
    }
    /// The customer's satisfaction at close, 1 to 5.
    async fn satisfaction(&self) -> Option<i32> {
        self.0.satisfaction
    }
    /// When the first response is due.
    async fn first_response_due_at(&self) -> DateTime {
        DateTime(self.0.first_response_due_at)
    }
    /// When it must be resolved.
    async fn resolution_due_at(&self) -> DateTime {
        DateTime(self.0.resolution_due_at)
    }
    /// When the brand first responded: work started, a reply, or the resolution.
    async fn first_responded_at(&self) -> Option<DateTime> {
        self.0.first_responded_at.map(DateTime)
    }
    /// Answered late, or not answered and past the deadline.
    async fn first_response_breached(&self) -> bool {
        match self.0.first_responded_at {
            Some(at) => at > self.0.first_response_due_at,
            None => Utc::now() > self.0.first_response_due_at,
        }
    }
    /// When it was resolved; null while it is not.
    async fn resolved_at(&self) -> Option<DateTime> {
        self.0.resolved_at.map(DateTime)
    }
    /// Resolved late, or not resolved and past the deadline.
    async fn resolution_breached(&self) -> bool {
        match self.0.resolved_at {
            Some(at) => at > self.0.resolution_due_at,
            None => {
                !matches!(
                    self.0.status,
                    enums::CaseStatus::Resolved | enums::CaseStatus::Closed
                ) && Utc::now() > self.0.resolution_due_at
            }
        }
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }
    /// How often it was reopened.
    async fn reopened_count(&self) -> i32 {
        self.0.reopened_count
    }
    /// Replies and, for the brand's staff only, internal investigation notes; oldest first.
    async fn notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CaseNote>> {
        Ok(load_one(ctx, CaseNotesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(CaseNote)
            .collect())
    }
    /// Who opened it; null for a partner system, or a user you may not see.
    async fn opened_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.opened_by).await
    }
    /// When it was opened.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
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

/// A note on a case.
pub struct CaseNote(pub case_note::Model);

/// A note on a case.
#[Object]
impl CaseNote {
    /// What it says.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// An investigation note for the brand's staff; partners never see these.
    async fn internal(&self) -> bool {
        self.0.internal
    }
    /// Who wrote it; null for a partner system, or a user you may not see.
    async fn written_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.written_by).await
    }
    /// Whether the customer's side wrote it (a partner), rather than the brand.
    async fn from_partner(&self) -> bool {
        self.0.author_organization_id.is_some()
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// A routing rule: cases of a category go to a department queue; cases from a territory go
/// to a person.
pub struct CaseRoute(pub case_route::Model);

/// A routing rule: cases of a category go to a department queue; cases from a territory go
/// to a person.
#[Object]
impl CaseRoute {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::CaseRoute, self.0.id))
    }
    /// The category it routes; null for a territory rule.
    async fn category(&self) -> Option<CaseCategory> {
        self.0.category.map(Into::into)
    }
    /// The department queue cases of the category go to.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    /// The territory it routes; null for a category rule.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// The person cases from the territory go to.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A customer's answer to a survey about a case, an order or the relationship.
pub struct SurveyResponse(pub survey_response::Model);

/// A customer's answer to a survey about a case, an order or the relationship.
#[Object]
impl SurveyResponse {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::SurveyResponse, self.0.id))
    }
    /// The organization that answered.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The person who answered.
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        contact(ctx, self.0.contact_id).await
    }
    /// The case it is about.
    async fn case(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Case>> {
        let Some(id) = self.0.case_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CaseId(id)).await?.map(Case))
    }
    /// The order it is about.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// Satisfaction, 1 (very unhappy) to 5 (very happy).
    async fn satisfaction(&self) -> Option<i32> {
        self.0.satisfaction
    }
    /// Likelihood to recommend, 0 to 10 (the NPS question).
    async fn likelihood_to_recommend(&self) -> Option<i32> {
        self.0.recommend
    }
    /// What they said.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// When they answered.
    async fn responded_at(&self) -> DateTime {
        DateTime(self.0.responded_at)
    }
    /// Who recorded it; null for a partner system, or a user you may not see.
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.recorded_by).await
    }
}
