//! Opening, working and reading cases.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::case::{self, Column, Entity};
use entity::enums::{CaseKind, CaseStatus, TaskKind, TaskStatus};
use entity::{case_note, case_route, order, order_line, survey_response, task};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::model::{
    CaseChanges, CaseFilter, Closing, NewCase, Resolution, deadlines, goods_come_back,
};
use crate::access::{Principal, Records};
use crate::audit;
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::orders::counters;
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::relationship::{contact_at, own_side_user};
use crate::settings::CrmSettings;
use crate::store::{self, grouped, now};

impl Keyed for case::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::UpdatedAt => Column::UpdatedAt,
        _ => Column::CreatedAt,
    }
}

/// A partner sees the cases it opened and those the brand opened for it, as far as a
/// partner user's roles reach (PARTNER_SALES: the cases they opened).
pub fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.visible_records(Column::AuthorOrganizationId, Column::OrganizationId))
        .add(principal.within_reach(Records::Cases, Column::OpenedBy))
}

/// A status with its article, for messages.
fn status_word(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "an open",
        CaseStatus::InProgress => "an in-progress",
        CaseStatus::Resolved => "a resolved",
        CaseStatus::Closed => "a closed",
        CaseStatus::Reopened => "a reopened",
    }
}

/// A deadline missed: answered late or not yet answered past the deadline; resolved late,
/// or not resolved past the deadline.
fn breached(now: DateTime<Utc>) -> Condition {
    let unresolved = Column::Status.is_in([
        CaseStatus::Open,
        CaseStatus::InProgress,
        CaseStatus::Reopened,
    ]);
    Condition::any()
        .add(
            Condition::all()
                .add(Column::FirstRespondedAt.is_null())
                .add(Column::FirstResponseDueAt.lt(now)),
        )
        .add(Expr::col(Column::FirstRespondedAt).gt(Expr::col(Column::FirstResponseDueAt)))
        .add(
            Condition::all()
                .add(unresolved)
                .add(Column::ResolutionDueAt.lt(now)),
        )
        .add(Expr::col(Column::ResolvedAt).gt(Expr::col(Column::ResolutionDueAt)))
}

fn filter_condition(filter: &CaseFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(org) = filter.organization_id {
        cond = cond.add(Column::OrganizationId.eq(org));
    }
    if let Some(order) = filter.order_id {
        cond = cond.add(Column::OrderId.eq(order));
    }
    if let Some(assignee) = filter.assignee_id {
        cond = cond.add(Column::AssigneeId.eq(assignee));
    }
    if let Some(department) = &filter.department {
        cond = cond.add(Column::Department.eq(department.clone()));
    }
    if !filter.kinds.is_empty() {
        cond = cond.add(Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.categories.is_empty() {
        cond = cond.add(Column::Category.is_in(filter.categories.iter().copied()));
    }
    if !filter.severities.is_empty() {
        cond = cond.add(Column::Severity.is_in(filter.severities.iter().copied()));
    }
    match filter.breached {
        Some(true) => cond = cond.add(breached(filter.now)),
        Some(false) => cond = cond.add(breached(filter.now).not()),
        None => {}
    }
    if let Some(from) = filter.opened_from {
        cond = cond.add(Column::CreatedAt.gte(from));
    }
    if let Some(before) = filter.opened_before {
        cond = cond.add(Column::CreatedAt.lt(before));
    }
    cond
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, case::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The cases `filter` matches that the principal may see, unordered: the statement of
/// [`list`] before it is paged, for a compiled read.
pub fn listing(
    principal: &Principal,
    filter: &CaseFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_crm()?;
    Ok(sea_orm::QueryTrait::into_query(
        Entity::find().filter(filter_condition(filter).add(visible(principal))),
    ))
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CaseFilter,
    page: &PageRequest,
) -> Result<Page<case::Model>> {
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
    filter: &CaseFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter).add(visible(principal))).await
}

/// The case with this number, if the principal may see it.
pub async fn by_number(
    db: &impl ConnectionTrait,
    principal: &Principal,
    number: &str,
) -> Result<Option<case::Model>> {
    principal.ensure_can_read_crm()?;
    Ok(Entity::find()
        .filter(Column::Number.eq(number.trim().to_uppercase()))
        .filter(visible(principal))
        .one(db)
        .await?)
}

/// The notes of each case, oldest first; partners never get internal notes.
pub async fn notes_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<case_note::Model>>> {
    principal.ensure_can_read_crm()?;
    let seen = sea_orm::QueryTrait::into_query(
        sea_orm::QuerySelect::column(
            sea_orm::QuerySelect::select_only(Entity::find()),
            Column::Id,
        )
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal)),
    );
    let mut query = case_note::Entity::find().filter(case_note::Column::CaseId.in_subquery(seen));
    if principal.is_restricted() {
        query = query.filter(case_note::Column::Internal.eq(false));
    }
    let rows = query
        .order_by_asc(case_note::Column::CreatedAt)
        .order_by_asc(case_note::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |n| n.case_id))
}

/// The order a case is about: one the principal may see, between the case's organization
/// and someone.
async fn case_order(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    organization: Uuid,
    organization_code: &str,
) -> Result<order::Model> {
    let found = order::Entity::find_by_id(id)
        .filter(principal.visible_orders())
        .one(db)
        .await?;
    let Some(order) = found else {
        return Err(Error::user(
            &["input", "orderId"],
            ErrorCode::NotFound,
            "no order has this orderId",
        ));
    };
    if order.buyer_id != organization && order.seller_id != organization {
        return Err(Error::user(
            &["input", "orderId"],
            ErrorCode::NotAllowed,
            format!("order {} is not {organization_code}'s", order.number),
        ));
    }
    Ok(order)
}

/// Routes a new case: its category's department, and the person for its organization's
/// territory (else the account owner).
async fn route(
    db: &impl ConnectionTrait,
    new: &NewCase,
    territory: Option<&str>,
    account_owner: Option<Uuid>,
) -> Result<(Option<String>, Option<Uuid>)> {
    let department = match new.category {
        Some(category) => case_route::Entity::find()
            .filter(case_route::Column::Category.eq(category))
            .one(db)
            .await?
            .and_then(|r| r.department),
        None => None,
    };
    let person = match territory {
        Some(territory) => case_route::Entity::find()
            .filter(case_route::Column::Territory.eq(territory))
            .one(db)
            .await?
            .and_then(|r| r.assignee_id),
        None => None,
    };
    Ok((department, person.or(account_owner)))
}

/// Opens a case. A partner opens cases for itself or its downstream, about its own orders.
#[tracing::instrument(skip(db, principal, crm, new))]
pub async fn open(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    max_quantity: Decimal,
    new: NewCase,
) -> Result<case::Model> {
    principal.ensure_can_write_crm()?;
    let org = live_organization(db, principal, new.organization_id, "organizationId").await?;
    if let Some(contact) = new.contact_id {
        contact_at(db, principal, contact, org.id, &["contactId"]).await?;
    }
    if new.kind == CaseKind::Complaint && new.category.is_none() {
        return Err(Error::user(
            &["input", "category"],
            ErrorCode::Required,
            "a complaint needs a category",
        ));
    }
    let order = match new.order_id {
        Some(id) => Some(case_order(db, principal, id, org.id, &org.code).await?),
        None => None,
    };
    let product = match &new.sku {
        Some(sku) => Some(
            crate::catalog::products::by_sku(db, principal, sku)
                .await?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "sku"],
                        ErrorCode::NotFound,
                        format!("no product has SKU {sku}"),
                    )
                })?,
        ),
        None => None,
    };
    if let (Some(order), Some(product)) = (&order, &product) {
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(order.id))
            .filter(order_line::Column::ProductId.eq(product.id))
            .all(db)
            .await?;
        if lines.is_empty() {
            return Err(Error::user(
                &["input", "sku"],
                ErrorCode::NotAllowed,
                format!("SKU {} is not on order {}", product.sku, order.number),
            ));
        }
        let ordered: Decimal = lines.iter().map(|l| l.quantity).sum();
        if let Some(quantity) = new.quantity
            && quantity > ordered
        {
            return Err(Error::user(
                &["input", "quantity"],
                ErrorCode::OutOfRange,
                format!(
                    "quantity {quantity} is more than the {} ordered on {}",
                    ordered.normalize(),
                    order.number
                ),
            ));
        }
    }
    if new.quantity.is_some() && product.is_none() {
        return Err(Error::user(
            &["input", "sku"],
            ErrorCode::Required,
            "name the sku the quantity is of",
        ));
    }
    if let Some(quantity) = new.quantity {
        crate::money::quantity(&["input", "quantity"], quantity, max_quantity)?;
    }
    if let Some(shipped) = new.ship_date
        && shipped > crm.today()
    {
        return Err(Error::user(
            &["input", "shipDate"],
            ErrorCode::OutOfRange,
            format!("shipDate {shipped} is in the future"),
        ));
    }
    let (department, assignee) =
        route(db, &new, org.territory.as_deref(), org.account_owner_id).await?;
    let at = now();
    let (respond, resolve) = deadlines(new.severity);
    let number = counters::next_number(db, "CASE").await?;
    let row = case::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(number),
        kind: Set(new.kind),
        organization_id: Set(org.id),
        contact_id: Set(new.contact_id),
        author_organization_id: Set(principal.author_organization()),
        subject: Set(new.subject),
        description: Set(new.description),
        order_id: Set(order.map(|o| o.id)),
        product_id: Set(product.map(|p| p.id)),
        quantity: Set(new.quantity.map(Into::into)),
        ship_date: Set(new.ship_date),
        category: Set(new.category),
        severity: Set(new.severity),
        department: Set(department),
        assignee_id: Set(assignee),
        status: Set(CaseStatus::Open),
        cause: Set(None),
        resolution: Set(None),
        return_authorization: Set(None),
        follow_up_task_id: Set(None),
        satisfaction: Set(None),
        first_response_due_at: Set(respond.after(at, crm.business_time_zone)),
        resolution_due_at: Set(resolve.after(at, crm.business_time_zone)),
        first_responded_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        reopened_count: Set(0),
        opened_by: Set(principal.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(db, principal, Action::CaseOpen, row).await
}

/// A case's event, for the partner that may see the case (the one that opened it, or the
/// one the brand opened it for). An internal note's event is the brand's alone.
fn case_event(
    event_type: EventType,
    case: &case::Model,
    note: Option<&case_note::Model>,
) -> NewEvent {
    let internal = note.is_some_and(|n| n.internal);
    let audience = if internal {
        Vec::new()
    } else {
        vec![case.author_organization_id.unwrap_or(case.organization_id)]
    };
    let mut data = serde_json::json!({
        "case": {
            "id": events::gid(NodeType::Case, case.id),
            "number": case.number,
            "status": case.status,
            "organizationId": events::gid(NodeType::Organization, case.organization_id),
        }
    });
    if let Some(note) = note {
        data["note"] = serde_json::json!({ "internal": note.internal });
    }
    NewEvent {
        event_type,
        subject_id: case.id,
        order_id: None,
        audience,
        data,
    }
}

impl Recorded for Entity {
    fn id_of(model: &case::Model) -> Uuid {
        model.id
    }

    fn event(action: Action, _principal: &Principal, saved: &case::Model) -> Option<NewEvent> {
        let event_type = match action {
            Action::CaseOpen => EventType::CaseOpened,
            Action::CaseStart => EventType::CaseStarted,
            Action::CaseResolve => EventType::CaseResolved,
            Action::CaseClose => EventType::CaseClosed,
            Action::CaseReopen => EventType::CaseReopened,
            Action::CaseUpdate => EventType::CaseUpdated,
            _ => return None,
        };
        Some(case_event(event_type, saved, None))
    }
}

/// The case `id` names, visible to the principal, at `version`, in one of `from`.
async fn for_step(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    from: &[CaseStatus],
    step: &str,
) -> Result<case::Model> {
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    if !from.contains(&current.status) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!("{} case cannot be {step}", status_word(current.status)),
        ));
    }
    Ok(current)
}

async fn save(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    before: &case::Model,
    row: case::ActiveModel,
) -> Result<case::Model> {
    crate::changes::save::<Entity>(db, principal, action, before, row).await
}

const WORKING: [CaseStatus; 3] = [
    CaseStatus::Open,
    CaseStatus::InProgress,
    CaseStatus::Reopened,
];

/// Triage and investigation: subject, category, severity (deadlines follow it, from when the
/// case was opened), department, handler and cause. A closed case changes only by reopening.
#[tracing::instrument(skip(db, principal, crm, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    changes: CaseChanges,
) -> Result<case::Model> {
    principal.ensure_can_work_cases()?;
    let current = for_step(
        db,
        principal,
        id,
        version,
        &[
            CaseStatus::Open,
            CaseStatus::InProgress,
            CaseStatus::Reopened,
            CaseStatus::Resolved,
        ],
        "changed",
    )
    .await?;
    if let crate::organizations::model::Patch::Set(assignee) = changes.assignee_id {
        own_side_user(db, principal, assignee, &["assigneeId"]).await?;
    }
    let mut row: case::ActiveModel = current.clone().into();
    if let Some(subject) = changes.subject {
        row.subject = Set(subject);
    }
    if let Some(category) = changes.category {
        row.category = Set(Some(category));
    }
    if let Some(severity) = changes.severity {
        let (respond, resolve) = deadlines(severity);
        row.severity = Set(severity);
        row.first_response_due_at = Set(respond.after(current.created_at, crm.business_time_zone));
        row.resolution_due_at = Set(resolve.after(current.created_at, crm.business_time_zone));
    }
    row.department = Set(changes.department.apply(current.department.clone()));
    row.assignee_id = Set(changes.assignee_id.apply(current.assignee_id));
    row.cause = Set(changes.cause.apply(current.cause.clone()));
    save(db, principal, Action::CaseUpdate, &current, row).await
}

/// Work starts: the first response, if there was none.
#[tracing::instrument(skip(db, principal))]
pub async fn start(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<case::Model> {
    principal.ensure_can_work_cases()?;
    let current = for_step(
        db,
        principal,
        id,
        version,
        &[CaseStatus::Open, CaseStatus::Reopened],
        "started",
    )
    .await?;
    let mut row: case::ActiveModel = current.clone().into();
    row.status = Set(CaseStatus::InProgress);
    row.first_responded_at = Set(current.first_responded_at.or(Some(now())));
    save(db, principal, Action::CaseStart, &current, row).await
}

/// Resolves a case: how, why (a complaint needs its cause), a return authorisation when goods
/// come back, and a follow-up visit when asked for.
#[tracing::instrument(skip(db, principal, crm, resolution))]
pub async fn resolve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    resolution: Resolution,
) -> Result<case::Model> {
    principal.ensure_can_work_cases()?;
    let current = for_step(db, principal, id, version, &WORKING, "resolved").await?;
    let cause = resolution.cause.or(current.cause.clone());
    if current.kind == CaseKind::Complaint && cause.is_none() {
        return Err(Error::user(
            &["input", "cause"],
            ErrorCode::Required,
            "a complaint is resolved with its investigated cause",
        ));
    }
    if let Some(day) = resolution.follow_up_on
        && day < crm.today()
    {
        return Err(Error::user(
            &["input", "followUpOn"],
            ErrorCode::OutOfRange,
            format!("followUpOn {day} is in the past"),
        ));
    }
    let at = now();
    let mut row: case::ActiveModel = current.clone().into();
    row.status = Set(CaseStatus::Resolved);
    row.resolution = Set(Some(resolution.resolution));
    row.cause = Set(cause);
    row.resolved_at = Set(Some(at));
    row.first_responded_at = Set(current.first_responded_at.or(Some(at)));
    if goods_come_back(resolution.resolution) && current.return_authorization.is_none() {
        row.return_authorization = Set(Some(counters::next_number(db, "RMA").await?));
    }
    if let Some(day) = resolution.follow_up_on {
        let visit = task::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(TaskKind::Visit),
            title: Set(format!("Follow-up visit for {}", current.number)),
            notes: Set(None),
            organization_id: Set(Some(current.organization_id)),
            contact_id: Set(current.contact_id),
            interaction_id: Set(None),
            case_id: Set(Some(current.id)),
            author_organization_id: Set(None),
            assignee_id: Set(current.assignee_id.or(principal.user_id())),
            due_on: Set(day),
            status: Set(TaskStatus::Open),
            return_visit: Set(false),
            open_return_visit_of: Set(None),
            completed_at: Set(None),
            created_by: Set(principal.user_id()),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        }
        .insert(db)
        .await?;
        row.follow_up_task_id = Set(Some(visit.id));
    }
    save(db, principal, Action::CaseResolve, &current, row).await
}

/// Closes a resolved case, with the customer's satisfaction if given (kept on the case and
/// recorded as a survey response about it).
#[tracing::instrument(skip(db, principal, closing))]
pub async fn close(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    closing: Closing,
) -> Result<case::Model> {
    principal.ensure_can_write_crm()?;
    let current = for_step(
        db,
        principal,
        id,
        version,
        &[CaseStatus::Resolved],
        "closed",
    )
    .await?;
    let at = now();
    let mut row: case::ActiveModel = current.clone().into();
    row.status = Set(CaseStatus::Closed);
    row.closed_at = Set(Some(at));
    if closing.satisfaction.is_some() {
        row.satisfaction = Set(closing.satisfaction);
    }
    if closing.satisfaction.is_some() || closing.recommend.is_some() {
        survey_response::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(current.organization_id),
            contact_id: Set(current.contact_id),
            case_id: Set(Some(current.id)),
            order_id: Set(current.order_id),
            author_organization_id: Set(current.author_organization_id),
            satisfaction: Set(closing.satisfaction),
            recommend: Set(closing.recommend),
            comment: Set(closing.comment),
            responded_at: Set(at),
            recorded_by: Set(principal.user_id()),
            created_at: Set(at),
        }
        .insert(db)
        .await?;
    }
    save(db, principal, Action::CaseClose, &current, row).await
}

/// Reopens a resolved or closed case within the configured window after its resolution.
#[tracing::instrument(skip(db, principal, crm, reason))]
pub async fn reopen(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    reason: Option<String>,
) -> Result<case::Model> {
    principal.ensure_can_write_crm()?;
    let current = for_step(
        db,
        principal,
        id,
        version,
        &[CaseStatus::Resolved, CaseStatus::Closed],
        "reopened",
    )
    .await?;
    let resolved = current.resolved_at.unwrap_or(current.updated_at);
    let window = Duration::days(i64::from(crm.case_reopen_days));
    if now() > resolved + window {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the case was resolved on {}; it can be reopened within {} days of that",
                resolved.with_timezone(&crm.business_time_zone).date_naive(),
                crm.case_reopen_days
            ),
        ));
    }
    let mut row: case::ActiveModel = current.clone().into();
    row.status = Set(CaseStatus::Reopened);
    row.resolved_at = Set(None);
    row.closed_at = Set(None);
    row.reopened_count = Set(current.reopened_count + 1);
    let saved = save(db, principal, Action::CaseReopen, &current, row).await?;
    if let Some(reason) = reason {
        insert_note(db, principal, saved.id, reason, false).await?;
    }
    Ok(saved)
}

async fn insert_note(
    db: &impl ConnectionTrait,
    principal: &Principal,
    case_id: Uuid,
    body: String,
    internal: bool,
) -> Result<case_note::Model> {
    Ok(case_note::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        author_organization_id: Set(principal.author_organization()),
        written_by: Set(principal.user_id()),
        body: Set(body),
        internal: Set(internal),
        created_at: Set(now()),
    }
    .insert(db)
    .await?)
}

/// Adds a note to a case: a reply both sides read, or (staff only) an internal investigation
/// note. The brand's first reply is the case's first response.
#[tracing::instrument(skip(db, principal, body))]
pub async fn note_add(
    db: &impl ConnectionTrait,
    principal: &Principal,
    case_id: Uuid,
    body: String,
    internal: bool,
) -> Result<case::Model> {
    principal.ensure_can_write_crm()?;
    if internal && principal.is_restricted() {
        return Err(Error::user(
            &["input", "internal"],
            ErrorCode::NotAllowed,
            "internal notes are for the brand's staff",
        ));
    }
    let current = Entity::find_by_id(case_id)
        .filter(visible(principal))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "caseId"],
                ErrorCode::NotFound,
                "no case has this caseId",
            )
        })?;
    if current.status == CaseStatus::Closed {
        return Err(Error::user(
            &["input", "caseId"],
            ErrorCode::IllegalTransition,
            "a closed case takes no notes; reopen it first",
        ));
    }
    let note = insert_note(db, principal, current.id, body, internal).await?;
    audit::record(
        db,
        principal,
        Action::CaseNote,
        Some(current.id),
        None,
        Some(&note),
    )
    .await?;
    events::emit(
        db,
        case_event(EventType::CaseNoteAdded, &current, Some(&note)),
    )
    .await?;
    let answers = !principal.is_restricted() && !internal && current.first_responded_at.is_none();
    if !answers {
        return Ok(current);
    }
    Entity::update_many()
        .col_expr(Column::FirstRespondedAt, Expr::value(note.created_at))
        .col_expr(Column::UpdatedAt, Expr::value(note.created_at))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(Column::Id.eq(current.id))
        .filter(Column::FirstRespondedAt.is_null())
        .exec(db)
        .await?;
    Entity::find_by_id(current.id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a case vanished while taking a note".into()))
}
