//! The API types of relationship work.

use async_graphql::{Context, Enum, ID, Object};
use entity::enums;
use entity::{commitment, interaction, task};
use uuid::Uuid;

use crate::access::Principal;
use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::error::GqlResult;
use crate::graphql::loading::{load_many, load_one};
use crate::graphql::scalars::{Date, DateTime};
use crate::ids::{GlobalId, NodeType};
use crate::organizations::graphql::{Contact, Organization, organization_by_id};
use crate::organizations::loaders::ContactId;
use crate::relationship::loaders::{CommitmentsOf, InteractionId, ParticipantsOf};
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

fn today(ctx: &Context<'_>) -> async_graphql::Result<chrono::NaiveDate> {
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
