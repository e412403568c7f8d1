//! Queries and mutations of relationship work. Thin: parse, call the service, map.

use async_graphql::{Context, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::compiled::interactions_listing;
use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::error::{GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::pagination::PageRequest;
use crate::relationship::model::{CommitmentFilter, InteractionFilter, TaskFilter};
use crate::relationship::{interactions, tasks};
use crate::settings::CrmSettings;

enum ListCount {
    Interactions(InteractionFilter),
    Commitments(CommitmentFilter),
    Tasks(TaskFilter),
}

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = match self {
                ListCount::Interactions(f) => interactions::count(db, principal, f).await,
                ListCount::Commitments(f) => interactions::commitment_count(db, principal, f).await,
                ListCount::Tasks(f) => tasks::count(db, principal, f).await,
            }
            .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

fn crm<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmSettings> {
    ctx.data::<CrmSettings>()
}

#[derive(Default)]
pub struct RelationshipQuery;

#[Object]
impl RelationshipQuery {
    /// Interactions, newest first unless `orderBy` says otherwise. Staff see all; a partner
    /// sees those it recorded and those the brand recorded about it.
    #[allow(clippy::too_many_arguments)]
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<InteractionFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            InteractionOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Interaction>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = InteractionOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = interactions_listing(principal, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Interaction", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = interactions::list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            ListCount::Interactions(filter),
            Interaction,
        )))
    }

    /// Commitments made in interactions, soonest due first unless `orderBy` says otherwise.
    /// `filter: { overdue: true, ownerId: … }` lists what someone promised and has not kept
    /// in time.
    #[allow(clippy::too_many_arguments)]
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CommitmentFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: soonest due first.")] order_by: Option<
            DueOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Commitment>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse(crm(ctx)?.today()).gql()?;
        let sort = DueOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = interactions::commitment_list(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            sort.key,
            ListCount::Commitments(filter),
            Commitment,
        ))
    }

    /// Tasks, soonest due first unless `orderBy` says otherwise. Staff see all; a partner
    /// its own. `filter: { overdue: true, assigneeId: … }` lists someone's late tasks.
    #[allow(clippy::too_many_arguments)]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<TaskFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: soonest due first.")] order_by: Option<
            DueOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Task>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse(crm(ctx)?.today()).gql()?;
        let sort = DueOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = tasks::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(rows, sort.key, ListCount::Tasks(filter), Task))
    }
}

/// The result of recording or changing an interaction.
#[derive(SimpleObject)]
pub struct InteractionPayload {
    /// The interaction as it is now; null when refused.
    pub interaction: Option<Interaction>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of adding or closing a commitment.
#[derive(SimpleObject)]
pub struct CommitmentPayload {
    /// The commitment as it is now; null when refused.
    pub commitment: Option<Commitment>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a change to a task.
#[derive(SimpleObject)]
pub struct TaskPayload {
    /// The task as it is now; null when refused.
    pub task: Option<Task>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn interaction_payload(
    result: Result<entity::interaction::Model>,
) -> async_graphql::Result<InteractionPayload> {
    let (interaction, user_errors) = outcome(result)?;
    Ok(InteractionPayload {
        interaction: interaction.map(Interaction),
        user_errors,
    })
}

fn commitment_payload(
    result: Result<entity::commitment::Model>,
) -> async_graphql::Result<CommitmentPayload> {
    let (commitment, user_errors) = outcome(result)?;
    Ok(CommitmentPayload {
        commitment: commitment.map(Commitment),
        user_errors,
    })
}

fn task_payload(result: Result<entity::task::Model>) -> async_graphql::Result<TaskPayload> {
    let (task, user_errors) = outcome(result)?;
    Ok(TaskPayload {
        task: task.map(Task),
        user_errors,
    })
}

#[derive(Default)]
pub struct RelationshipMutation;

#[Object]
impl RelationshipMutation {
    /// Records an interaction that took place, with who took part and the commitments made,
    /// all or nothing. A visit the brand records at a key account completes its open return
    /// visit and schedules the next.
    async fn interaction_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The interaction.")] input: InteractionRecordInput,
    ) -> async_graphql::Result<InteractionPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| interactions::record(
                &txn, principal, crm, new
            )),
            Err(e) => Err(e),
        };
        interaction_payload(result)
    }

    /// Changes an interaction your side recorded, if it is still at the version you read.
    async fn interaction_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: InteractionUpdateInput,
    ) -> async_graphql::Result<InteractionPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, changes)) => {
                in_transaction!(ctx, |txn, principal| interactions::update(
                    &txn, principal, crm, id, version, changes
                ))
            }
            Err(e) => Err(e),
        };
        interaction_payload(result)
    }

    /// Adds a commitment to an interaction your side recorded.
    async fn commitment_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The commitment.")] input: CommitmentAddInput,
    ) -> async_graphql::Result<CommitmentPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((interaction, new)) => {
                in_transaction!(ctx, |txn, principal| interactions::commitment_add(
                    &txn,
                    principal,
                    crm,
                    interaction,
                    new
                ))
            }
            Err(e) => Err(e),
        };
        commitment_payload(result)
    }

    /// Records that an open commitment was kept or broken. A closed commitment stays closed.
    async fn commitment_close(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The commitment and how it ended.")] input: CommitmentCloseInput,
    ) -> async_graphql::Result<CommitmentPayload> {
        let result = match input.parse() {
            Ok((id, version, outcome, note)) => {
                in_transaction!(ctx, |txn, principal| interactions::commitment_close(
                    &txn, principal, id, version, outcome, note
                ))
            }
            Err(e) => Err(e),
        };
        commitment_payload(result)
    }

    /// Creates a task for one of your side's users (by default, you).
    async fn task_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task.")] input: TaskCreateInput,
    ) -> async_graphql::Result<TaskPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| tasks::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        task_payload(result)
    }

    /// Changes an open task, if it is still at the version you read.
    async fn task_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: TaskUpdateInput,
    ) -> async_graphql::Result<TaskPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| tasks::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        task_payload(result)
    }

    /// Marks an open task done. A key account's return visit that is done is followed by
    /// the next, due the configured interval from today.
    async fn task_complete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task and the version you read.")] input: TaskCloseInput,
    ) -> async_graphql::Result<TaskPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version)) => in_transaction!(ctx, |txn, principal| tasks::close(
                &txn,
                principal,
                crm,
                id,
                version,
                entity::enums::TaskStatus::Done
            )),
            Err(e) => Err(e),
        };
        task_payload(result)
    }

    /// Cancels an open task. A key account's cancelled return visit is followed by the next,
    /// due the configured interval after the cancelled one was.
    async fn task_cancel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task and the version you read.")] input: TaskCloseInput,
    ) -> async_graphql::Result<TaskPayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version)) => in_transaction!(ctx, |txn, principal| tasks::close(
                &txn,
                principal,
                crm,
                id,
                version,
                entity::enums::TaskStatus::Cancelled
            )),
            Err(e) => Err(e),
        };
        task_payload(result)
    }
}
