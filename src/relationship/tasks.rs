//! Tasks: follow-ups, calls and visits with an assignee and a due day. A key account always
//! has one open return visit, due the configured number of days after its last visit.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use entity::enums::{InteractionKind, TaskKind, TaskStatus};
use entity::task::{self, Column, Entity};
use entity::{interaction, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{NewTask, TaskChanges, TaskFilter};
use super::{contact_at, ensure_author, own_side_user};
use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::settings::CrmSettings;
use crate::store::{self, now};

impl Keyed for task::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Due | SortKey::Name => SortValue::Date(self.due_on),
            SortKey::CreatedAt => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Due | SortKey::Name => Column::DueOn,
        SortKey::CreatedAt => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

/// Open and due before `today`: late.
fn overdue(today: NaiveDate) -> Condition {
    Condition::all()
        .add(Column::Status.eq(TaskStatus::Open))
        .add(Column::DueOn.lt(today))
}

fn filter_condition(filter: &TaskFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(assignee) = filter.assignee_id {
        cond = cond.add(Column::AssigneeId.eq(assignee));
    }
    if let Some(org) = filter.organization_id {
        cond = cond.add(Column::OrganizationId.eq(org));
    }
    if !filter.kinds.is_empty() {
        cond = cond.add(Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(Column::Status.is_in(filter.statuses.iter().copied()));
    }
    match filter.overdue {
        Some(true) => cond = cond.add(overdue(filter.today)),
        Some(false) => cond = cond.add(overdue(filter.today).not()),
        None => {}
    }
    if let Some(day) = filter.due_before {
        cond = cond.add(Column::DueOn.lt(day));
    }
    if let Some(return_visit) = filter.return_visit {
        cond = cond.add(Column::ReturnVisit.eq(return_visit));
    }
    cond
}

/// A partner's tasks are its own; staff see every task.
pub(crate) fn visible(principal: &Principal) -> Condition {
    principal
        .owned_by_self(Column::AuthorOrganizationId)
        .add(principal.within_reach(Records::Relationship, Column::AuthorOrganizationId))
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, task::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &TaskFilter,
    page: &PageRequest,
) -> Result<Page<task::Model>> {
    principal.ensure_can_read_crm()?;
    store::page_where::<Entity>(
        db,
        filter_condition(filter).add(visible(principal)),
        page,
        sort_column(page.sort.key),
        Column::Id,
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &TaskFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter).add(visible(principal))).await
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewTask,
) -> Result<task::Model> {
    principal.ensure_can_write_crm()?;
    if let Some(org) = new.organization_id {
        live_organization(db, principal, org, "organizationId").await?;
    }
    if let Some(contact) = new.contact_id {
        let Some(org) = new.organization_id else {
            return Err(Error::user(
                &["input", "organizationId"],
                ErrorCode::Required,
                "name the organizationId the contact works at",
            ));
        };
        contact_at(db, principal, contact, org, &["contactId"]).await?;
    }
    if let Some(id) = new.interaction_id {
        super::interactions::visible_interaction(db, principal, id, "interactionId").await?;
    }
    let assignee = match new.assignee_id {
        Some(id) => Some(own_side_user(db, principal, id, &["assigneeId"]).await?.id),
        None => principal.user_id(),
    };
    let at = now();
    let created = crate::changes::create::<task::Entity>(
        db,
        principal,
        crate::audit::Action::TaskCreate,
        task::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(new.kind),
            title: Set(new.title),
            notes: Set(new.notes),
            organization_id: Set(new.organization_id),
            contact_id: Set(new.contact_id),
            interaction_id: Set(new.interaction_id),
            case_id: Set(None),
            author_organization_id: Set(principal.author_organization()),
            assignee_id: Set(assignee),
            due_on: Set(new.due_on),
            status: Set(TaskStatus::Open),
            return_visit: Set(false),
            open_return_visit_of: Set(None),
            completed_at: Set(None),
            created_by: Set(principal.user_id()),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        },
    )
    .await?;
    Ok(created)
}

/// The task `id` names, on the principal's side, still open, at `version`.
async fn open_for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    step: &str,
) -> Result<task::Model> {
    principal.ensure_can_write_crm()?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    ensure_author(principal, current.author_organization_id, "task")?;
    if current.status != TaskStatus::Open {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the task is {}; only an open task can be {step}",
                status_word(current.status)
            ),
        ));
    }
    Ok(current)
}

fn status_word(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "open",
        TaskStatus::Done => "done",
        TaskStatus::Cancelled => "cancelled",
    }
}

#[tracing::instrument(skip(db, principal, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: TaskChanges,
) -> Result<task::Model> {
    let current = open_for_change(db, principal, id, version, "changed").await?;
    if let Some(assignee) = changes.assignee_id {
        own_side_user(db, principal, assignee, &["assigneeId"]).await?;
    }
    let before = current.clone();
    let mut row: task::ActiveModel = current.clone().into();
    if let Some(kind) = changes.kind {
        row.kind = Set(kind);
    }
    if let Some(title) = changes.title {
        row.title = Set(title);
    }
    row.notes = Set(changes.notes.apply(current.notes));
    if let Some(assignee) = changes.assignee_id {
        row.assignee_id = Set(Some(assignee));
    }
    if let Some(due) = changes.due_on {
        row.due_on = Set(due);
    }
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::TaskUpdate,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}

/// Marks an open task done, or cancels it. A key account's return visit that is done or
/// cancelled is followed by the next one.
#[tracing::instrument(skip(db, principal, crm))]
pub async fn close(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    outcome: TaskStatus,
) -> Result<task::Model> {
    let step = if outcome == TaskStatus::Done {
        "completed"
    } else {
        "cancelled"
    };
    let current = open_for_change(db, principal, id, version, step).await?;
    let before = current.clone();
    let mut row: task::ActiveModel = current.clone().into();
    row.status = Set(outcome);
    row.open_return_visit_of = Set(None);
    if outcome == TaskStatus::Done {
        row.completed_at = Set(Some(now()));
    }
    let action = if outcome == TaskStatus::Done {
        Action::TaskComplete
    } else {
        Action::TaskCancel
    };
    let saved = crate::changes::save::<Entity>(db, principal, action, &before, row).await?;
    if let (true, Some(org)) = (saved.return_visit, saved.organization_id) {
        // Done today: the next visit is an interval from today. Cancelled: an interval from
        // the day it was due, so the rhythm holds.
        let from = if outcome == TaskStatus::Done {
            crm.today()
        } else {
            saved.due_on
        };
        schedule_return_visit(db, org, from, crm).await?;
    }
    Ok(saved)
}

/// The open return visit of a key account, if any.
async fn open_return_visit(db: &impl ConnectionTrait, org: Uuid) -> Result<Option<task::Model>> {
    Ok(Entity::find()
        .filter(Column::OpenReturnVisitOf.eq(org))
        .one(db)
        .await?)
}

/// Schedules the key account's next return visit an interval after `last_visit`, unless one
/// is open or the organization is no longer a live key account.
async fn schedule_return_visit(
    db: &impl ConnectionTrait,
    org: Uuid,
    last_visit: NaiveDate,
    crm: &CrmSettings,
) -> Result<()> {
    let Some(account) = organization::Entity::find_by_id(org).one(db).await? else {
        return Ok(());
    };
    if !account.key_account
        || account.archived_at.is_some()
        || open_return_visit(db, org).await?.is_some()
    {
        return Ok(());
    }
    let due = last_visit
        .checked_add_days(Days::new(crm.key_account_visit_days.into()))
        .unwrap_or(last_visit);
    let at = now();
    task::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(TaskKind::Visit),
        title: Set(format!("Return visit to {}", account.name)),
        notes: Set(None),
        organization_id: Set(Some(org)),
        contact_id: Set(None),
        interaction_id: Set(None),
        case_id: Set(None),
        author_organization_id: Set(None),
        assignee_id: Set(account.account_owner_id),
        due_on: Set(due),
        status: Set(TaskStatus::Open),
        return_visit: Set(true),
        open_return_visit_of: Set(Some(org)),
        completed_at: Set(None),
        created_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The day of the brand's last visit to `org`, in the business time zone.
async fn last_visit(
    db: &impl ConnectionTrait,
    org: Uuid,
    crm: &CrmSettings,
) -> Result<Option<NaiveDate>> {
    let last = interaction::Entity::find()
        .select_only()
        .column(interaction::Column::OccurredAt)
        .filter(interaction::Column::OrganizationId.eq(org))
        .filter(interaction::Column::AuthorOrganizationId.is_null())
        .filter(interaction::Column::Kind.eq(InteractionKind::Visit))
        .order_by_desc(interaction::Column::OccurredAt)
        .into_tuple::<chrono::DateTime<chrono::Utc>>()
        .one(db)
        .await?;
    Ok(last.map(|t| t.with_timezone(&crm.business_time_zone).date_naive()))
}

/// Follows a change of the key-account flag: a new key account gets its return visit, an
/// interval after its last visit (or from today); an account that is no longer key, or is
/// archived, has its open return visit cancelled.
pub async fn key_account_changed(
    db: &impl ConnectionTrait,
    account: &organization::Model,
    crm: &CrmSettings,
) -> Result<()> {
    if account.key_account && account.archived_at.is_none() {
        let from = last_visit(db, account.id, crm)
            .await?
            .unwrap_or_else(|| crm.today());
        return schedule_return_visit(db, account.id, from, crm).await;
    }
    stop_return_visits(db, account.id).await
}

/// Cancels the open return visit of an account that is no longer key, or archived.
pub async fn stop_return_visits(db: &impl ConnectionTrait, account: Uuid) -> Result<()> {
    if let Some(open) = open_return_visit(db, account).await? {
        let mut row: task::ActiveModel = open.into();
        row.status = Set(TaskStatus::Cancelled);
        row.open_return_visit_of = Set(None);
        row.updated_at = Set(now());
        row.version = Set(row.version.take().unwrap_or(1) + 1);
        row.update(db).await?;
    }
    Ok(())
}

/// Follows a visit the brand recorded: the key account's open return visit is done, by that
/// visit, and the next is due an interval after the latest visit.
pub async fn visit_recorded(
    db: &impl ConnectionTrait,
    visit: &interaction::Model,
    crm: &CrmSettings,
) -> Result<()> {
    if visit.kind != InteractionKind::Visit || visit.author_organization_id.is_some() {
        return Ok(());
    }
    let Some(account) = organization::Entity::find_by_id(visit.organization_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if !account.key_account {
        return Ok(());
    }
    if let Some(open) = open_return_visit(db, account.id).await? {
        let mut row: task::ActiveModel = open.into();
        row.status = Set(TaskStatus::Done);
        row.open_return_visit_of = Set(None);
        row.interaction_id = Set(Some(visit.id));
        row.completed_at = Set(Some(visit.occurred_at));
        row.updated_at = Set(now());
        row.version = Set(row.version.take().unwrap_or(1) + 1);
        row.update(db).await?;
    }
    let from = last_visit(db, account.id, crm)
        .await?
        .unwrap_or_else(|| crm.today());
    schedule_return_visit(db, account.id, from, crm).await
}
