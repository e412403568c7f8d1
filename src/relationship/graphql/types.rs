//! The API types of relationship work.

use async_graphql::{Context, Enum, ID, InputObject, Object, Union};
use entity::{commitment, enums, interaction, task};
use std::collections::HashMap;
use uuid::Uuid;

use crate::access::Principal;
use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::cases::graphql::{Case, SurveyResponse};
use crate::cases::loaders::{CaseId, SurveyResponseId};
use crate::error::GqlResult;
use crate::graphql::connection::SortDirection;
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::loading::{CountKey, PageKey, load_many, load_one};
use crate::graphql::scalars::{Date, DateTime};
use crate::ids::{GlobalId, NodeType};
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{Contact, Organization, RelationCount, organization_by_id};
use crate::organizations::loaders::ContactId;
use crate::pagination::{Keyed, Page, PageRequest, Sort, SortKey, SortValue};
use crate::relationship::loaders::{CommitmentsOf, InteractionId, ParticipantsOf};
use crate::relationship::timeline::{self, TimelineOf, TimelineRelation, TimelineRow};
use crate::settings::CrmSettings;

/// How an interaction took place.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::InteractionKind")]
pub enum InteractionKind {
    /// A telephone or video call.
    Call,
    /// A visit at the customer's site.
    Visit,
    /// An email exchange.
    Email,
    /// A meeting elsewhere, or at our site.
    Meeting,
    /// A contact made at a trade show.
    TradeShow,
    /// A message through the partner portal.
    PortalMessage,
}

/// Whether a commitment was kept.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CommitmentStatus")]
pub enum CommitmentStatus {
    /// Not yet done.
    Open,
    /// Done as promised.
    Kept,
    /// Not done as promised.
    Broken,
}

/// What a task asks for.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::TaskKind")]
pub enum TaskKind {
    /// Follow something up.
    FollowUp,
    /// Call someone.
    Call,
    /// Visit someone.
    Visit,
}

/// Where a task stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::TaskStatus")]
pub enum TaskStatus {
    /// To do.
    Open,
    /// Done.
    Done,
    /// Will not be done.
    Cancelled,
}

pub async fn user(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(load_one(ctx, UserId(id)).await?.map(User::new))
}

pub async fn contact(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<Contact>> {
    let Some(id) = id else { return Ok(None) };
    Ok(load_one(ctx, ContactId(id)).await?.map(Contact))
}

async fn interaction_by_id(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<Interaction>> {
    let Some(id) = id else { return Ok(None) };
    Ok(load_one(ctx, InteractionId(id)).await?.map(Interaction))
}

pub(super) fn today(ctx: &Context<'_>) -> async_graphql::Result<chrono::NaiveDate> {
    Ok(ctx.data::<CrmSettings>()?.today())
}

/// A call, visit, email, meeting, trade-show contact or portal message with an
/// organization: who took part, what was said, and what was promised.
#[derive(Clone, Debug)]
pub struct Interaction(pub interaction::Model);

impl Interaction {
    async fn participants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<entity::interaction_participant::Model>> {
        Ok(load_one(ctx, ParticipantsOf(self.0.id))
            .await?
            .unwrap_or_default())
    }
}

/// A call, visit, email, meeting, trade-show contact or portal message with an
/// organization: who took part, what was said, and what was promised.
#[Object]
impl Interaction {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Interaction, self.0.id))
    }
    /// How it took place.
    async fn kind(&self) -> InteractionKind {
        self.0.kind.into()
    }
    /// When it took place.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// What was said.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Notes for the recording side's own people: null for a partner reading what the
    /// brand recorded.
    async fn internal_notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let principal = Principal::of(ctx).gql()?;
        let own = principal.partner_organization().is_none()
            || principal.partner_organization() == self.0.author_organization_id;
        Ok(self.0.internal_notes.as_deref().filter(|_| own))
    }
    /// The organization it was with.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The recording side's people who took part, as far as you may see users.
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let people = self.participants(ctx).await?;
        let ids: Vec<UserId> = people
            .iter()
            .filter_map(|p| p.user_id.map(UserId))
            .collect();
        let found = load_many(ctx, ids.iter().copied()).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned().map(User::new))
            .collect())
    }
    /// The customer's people who took part.
    async fn contacts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Contact>> {
        let people = self.participants(ctx).await?;
        let ids: Vec<ContactId> = people
            .iter()
            .filter_map(|p| p.contact_id.map(ContactId))
            .collect();
        let found = load_many(ctx, ids.iter().copied()).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned().map(Contact))
            .collect())
    }
    /// What was promised, by due day.
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment>> {
        Ok(load_one(ctx, CommitmentsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Commitment)
            .collect())
    }
    /// Who recorded it; null for a partner system, or a user you may not see.
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.recorded_by).await
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Something promised in an interaction, by one person, due on a day, and whether it was
/// kept.
#[derive(Clone, Debug)]
pub struct Commitment(pub commitment::Model);

/// Something promised in an interaction, by one person, due on a day, and whether it was
/// kept.
#[Object]
impl Commitment {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Commitment, self.0.id))
    }
    /// What was promised.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The interaction it was made in.
    async fn interaction(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Interaction>> {
        interaction_by_id(ctx, Some(self.0.interaction_id)).await
    }
    /// The organization it was made to, or by.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The user who promised it, when one of ours did.
    async fn owner_user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.owner_user_id).await
    }
    /// The customer's contact who promised it, when they did.
    async fn owner_contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        contact(ctx, self.0.owner_contact_id).await
    }
    /// The day it is due.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// Whether it was kept.
    async fn status(&self) -> CommitmentStatus {
        self.0.status.into()
    }
    /// Open and past its due day, in the business time zone.
    async fn overdue(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.0.status == enums::CommitmentStatus::Open && self.0.due_on < today(ctx)?)
    }
    /// When it was marked kept or broken.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }
    /// What was said when it was closed.
    async fn closing_note(&self) -> Option<&str> {
        self.0.closing_note.as_deref()
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A follow-up, call or visit someone has to do by a day.
#[derive(Clone, Debug)]
pub struct Task(pub task::Model);

/// A follow-up, call or visit someone has to do by a day.
#[Object]
impl Task {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Task, self.0.id))
    }
    /// What it asks for.
    async fn kind(&self) -> TaskKind {
        self.0.kind.into()
    }
    /// What to do, in a line.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// More about it.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// The organization it concerns.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The contact it concerns.
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        contact(ctx, self.0.contact_id).await
    }
    /// The interaction it follows up; for a return visit that is done, the visit that did it.
    async fn interaction(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Interaction>> {
        interaction_by_id(ctx, self.0.interaction_id).await
    }
    /// The case it follows up.
    async fn case(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::cases::graphql::Case>> {
        let Some(id) = self.0.case_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::cases::loaders::CaseId(id))
            .await?
            .map(crate::cases::graphql::Case))
    }
    /// Who has to do it; null while unassigned.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user(ctx, self.0.assignee_id).await
    }
    /// The day it is due.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// Where it stands.
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }
    /// Open and past its due day, in the business time zone.
    async fn overdue(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.0.status == enums::TaskStatus::Open && self.0.due_on < today(ctx)?)
    }
    /// A key account's scheduled return visit.
    async fn return_visit(&self) -> bool {
        self.0.return_visit
    }
    /// When it was done.
    async fn completed_at(&self) -> Option<DateTime> {
        self.0.completed_at.map(DateTime)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with a change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One item of a timeline.
#[derive(Union)]
pub enum TimelineItem {
    Interaction(Interaction),
    Order(Order),
    Case(Case),
    SurveyResponse(SurveyResponse),
}

/// What a timeline item is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    /// Calls, visits, emails, meetings, trade-show contacts and portal messages, at when they
    /// took place.
    Interaction,
    /// Orders placed by or with the organization, at when they were submitted.
    Order,
    /// Cases, at when they were opened.
    Case,
    /// Survey responses, at when they were given.
    SurveyResponse,
}

impl From<TimelineKind> for timeline::TimelineKind {
    fn from(kind: TimelineKind) -> Self {
        match kind {
            TimelineKind::Interaction => timeline::TimelineKind::Interaction,
            TimelineKind::Order => timeline::TimelineKind::Order,
            TimelineKind::Case => timeline::TimelineKind::Case,
            TimelineKind::SurveyResponse => timeline::TimelineKind::SurveyResponse,
        }
    }
}

/// Narrows a timeline.
#[derive(InputObject, Clone, Debug, Default)]
pub struct TimelineFilter {
    /// Only these kinds of items; all when omitted.
    pub kinds: Option<Vec<TimelineKind>>,
}

/// How a timeline is sorted: by the time of each item, ties broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct TimelineOrder {
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

/// A timeline row with the object it names.
struct Entry {
    row: TimelineRow,
    item: TimelineItem,
}

impl Keyed for Entry {
    fn id(&self) -> Uuid {
        self.row.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        self.row.sort_value(key)
    }
}

/// A page of the timeline of an organization or a contact, batched with every other
/// parent's timeline in the request.
#[allow(clippy::too_many_arguments)]
pub async fn timeline_connection(
    ctx: &Context<'_>,
    parent: Uuid,
    of: TimelineOf,
    filter: Option<TimelineFilter>,
    order_by: Option<TimelineOrder>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<Conn<TimelineItem>> {
    Principal::of(ctx).gql()?.ensure_can_read_crm().gql()?;
    let mut kinds: Vec<timeline::TimelineKind> = filter
        .unwrap_or_default()
        .kinds
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    kinds.sort();
    kinds.dedup();
    let relation = TimelineRelation { of, kinds };
    let sort = Sort {
        key: SortKey::CreatedAt,
        descending: order_by.is_none_or(|o| o.direction == SortDirection::Desc),
    };
    let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
    let rows: Page<TimelineRow> = load_one(
        ctx,
        PageKey {
            parent,
            relation: relation.clone(),
            page,
        },
    )
    .await?
    .unwrap_or_default();
    let mut items = items_of(ctx, &rows.items).await?;
    let entries = Page {
        items: rows
            .items
            .into_iter()
            .filter_map(|row| items.remove(&row.id).map(|item| Entry { row, item }))
            .collect(),
        has_next: rows.has_next,
        has_previous: rows.has_previous,
    };
    Ok(connection(
        entries,
        SortKey::CreatedAt,
        RelationCount {
            key: CountKey { parent, relation },
        },
        |e| e.item,
    ))
}

/// The objects the rows name, loaded in one batch per kind. Each loader applies the
/// principal's visibility again.
async fn items_of(
    ctx: &Context<'_>,
    rows: &[TimelineRow],
) -> async_graphql::Result<HashMap<Uuid, TimelineItem>> {
    let ids = |kind: timeline::TimelineKind| -> Vec<Uuid> {
        rows.iter()
            .filter(|r| timeline::TimelineKind::from_tag(&r.kind) == Some(kind))
            .map(|r| r.id)
            .collect()
    };
    let (interactions, orders, cases, surveys) = futures_util::try_join!(
        load_many(
            ctx,
            ids(timeline::TimelineKind::Interaction)
                .into_iter()
                .map(InteractionId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::Order).into_iter().map(OrderId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::Case).into_iter().map(CaseId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::SurveyResponse)
                .into_iter()
                .map(SurveyResponseId)
        ),
    )?;
    let mut out = HashMap::with_capacity(rows.len());
    out.extend(
        interactions
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Interaction(Interaction(m)))),
    );
    out.extend(
        orders
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Order(Order(m)))),
    );
    out.extend(
        cases
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Case(Case(m)))),
    );
    out.extend(
        surveys
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::SurveyResponse(SurveyResponse(m)))),
    );
    Ok(out)
}
