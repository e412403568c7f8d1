//! Interactions and the commitments made in them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::CommitmentStatus;
use entity::interaction::{self, Column, Entity};
use entity::{commitment, interaction_participant as participant, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{
    CommitmentFilter, InteractionChanges, InteractionFilter, NewCommitment, NewInteraction, Owner,
};
use super::{contact_at, ensure_author, own_side_user};
use crate::access::{Principal, Records};
use crate::error::{Error, ErrorCode, Result};
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::settings::CrmSettings;
use crate::store::{self, grouped, now};

/// How far ahead of the server's clock an interaction may be dated: clocks differ a little.
const CLOCK_SKEW_MINUTES: i64 = 5;

impl Keyed for interaction::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.occurred_at),
        }
    }
}

impl Keyed for commitment::Model {
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

pub fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.visible_records(Column::AuthorOrganizationId, Column::OrganizationId))
        .add(principal.within_reach(Records::Relationship, Column::AuthorOrganizationId))
}

pub fn visible_commitments(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.visible_records(
            commitment::Column::AuthorOrganizationId,
            commitment::Column::OrganizationId,
        ))
        .add(principal.within_reach(
            Records::Relationship,
            commitment::Column::AuthorOrganizationId,
        ))
}

fn with_participant(col: participant::Column, id: Uuid) -> Condition {
    let ids = participant::Entity::find()
        .select_only()
        .column(participant::Column::InteractionId)
        .filter(col.eq(id))
        .into_query();
    Condition::all().add(Column::Id.in_subquery(ids))
}

fn filter_condition(filter: &InteractionFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(org) = filter.organization_id {
        cond = cond.add(Column::OrganizationId.eq(org));
    }
    if let Some(contact) = filter.contact_id {
        cond = cond.add(with_participant(participant::Column::ContactId, contact));
    }
    if let Some(user) = filter.user_id {
        cond = cond.add(with_participant(participant::Column::UserId, user));
    }
    if !filter.kinds.is_empty() {
        cond = cond.add(Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if let Some(from) = filter.occurred_from {
        cond = cond.add(Column::OccurredAt.gte(from));
    }
    if let Some(before) = filter.occurred_before {
        cond = cond.add(Column::OccurredAt.lt(before));
    }
    cond
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::UpdatedAt => Column::UpdatedAt,
        _ => Column::OccurredAt,
    }
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, interaction::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The interaction `id` names, if the principal may see it; a user error on `field` if not.
pub async fn visible_interaction(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    field: &str,
) -> Result<interaction::Model> {
    Entity::find_by_id(id)
        .filter(visible(principal))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", field],
                ErrorCode::NotFound,
                format!("no interaction has this {field}"),
            )
        })
}

/// The interactions `filter` matches that the principal may see, unordered: the statement
/// of [`list`] before it is paged, for a compiled read.
pub fn listing(
    principal: &Principal,
    filter: &InteractionFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_crm()?;
    Ok(Entity::find()
        .filter(filter_condition(filter).add(visible(principal)))
        .into_query())
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &InteractionFilter,
    page: &PageRequest,
) -> Result<Page<interaction::Model>> {
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
    filter: &InteractionFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter).add(visible(principal))).await
}

/// Who took part in each of the interactions, as far as the principal sees them.
pub async fn participants_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<participant::Model>>> {
    principal.ensure_can_read_crm()?;
    let seen = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .into_query();
    let rows = participant::Entity::find()
        .filter(participant::Column::InteractionId.in_subquery(seen))
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |p| p.interaction_id))
}

/// The commitments made in each of the interactions, by due day.
pub async fn commitments_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<commitment::Model>>> {
    principal.ensure_can_read_crm()?;
    let rows = commitment::Entity::find()
        .filter(commitment::Column::InteractionId.is_in(ids.iter().copied()))
        .filter(visible_commitments(principal))
        .order_by_asc(commitment::Column::DueOn)
        .order_by_asc(commitment::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |c| c.interaction_id))
}

pub async fn commitments_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, commitment::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<commitment::Entity>(db, ids, visible_commitments(principal)).await
}

/// Open and due before `today`: not kept in time.
fn overdue(today: NaiveDate) -> Condition {
    Condition::all()
        .add(commitment::Column::Status.eq(CommitmentStatus::Open))
        .add(commitment::Column::DueOn.lt(today))
}

fn commitment_condition(filter: &CommitmentFilter) -> Condition {
    use commitment::Column as C;
    let mut cond = Condition::all();
    if let Some(org) = filter.organization_id {
        cond = cond.add(C::OrganizationId.eq(org));
    }
    if let Some(interaction) = filter.interaction_id {
        cond = cond.add(C::InteractionId.eq(interaction));
    }
    match filter.owner {
        Some(Owner::User(id)) => cond = cond.add(C::OwnerUserId.eq(id)),
        Some(Owner::Contact(id)) => cond = cond.add(C::OwnerContactId.eq(id)),
        None => {}
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(C::Status.is_in(filter.statuses.iter().copied()));
    }
    match filter.overdue {
        Some(true) => cond = cond.add(overdue(filter.today)),
        Some(false) => cond = cond.add(overdue(filter.today).not()),
        None => {}
    }
    if let Some(day) = filter.due_before {
        cond = cond.add(C::DueOn.lt(day));
    }
    cond
}

fn commitment_sort(key: SortKey) -> commitment::Column {
    match key {
        SortKey::Due | SortKey::Name => commitment::Column::DueOn,
        SortKey::CreatedAt => commitment::Column::CreatedAt,
        SortKey::UpdatedAt => commitment::Column::UpdatedAt,
    }
}

#[tracing::instrument(skip(db, principal))]
pub async fn commitment_list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CommitmentFilter,
    page: &PageRequest,
) -> Result<Page<commitment::Model>> {
    principal.ensure_can_read_crm()?;
    store::page_where::<commitment::Entity>(
        db,
        commitment_condition(filter).add(visible_commitments(principal)),
        page,
        commitment_sort(page.sort.key),
        commitment::Column::Id,
    )
    .await
}

pub async fn commitment_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CommitmentFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<commitment::Entity>(
        db,
        commitment_condition(filter).add(visible_commitments(principal)),
    )
    .await
}

/// Refuses the same id twice in one list: each person takes part once.
fn ensure_distinct(ids: &[Uuid], field: &str) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(id) {
            let index = i.to_string();
            return Err(Error::user(
                &["input", field, &index],
                ErrorCode::Invalid,
                format!("{field} names the same person twice"),
            ));
        }
    }
    Ok(())
}

/// Checks a commitment's owner and due day, and makes its row.
async fn commitment_row(
    db: &impl ConnectionTrait,
    principal: &Principal,
    interaction: &interaction::Model,
    new: NewCommitment,
    field: &[&str],
    crm: &CrmSettings,
) -> Result<commitment::ActiveModel> {
    let mut at_field = field.to_vec();
    let (owner_user, owner_contact) = match new.owner {
        Owner::User(id) => {
            at_field.push("ownerUserId");
            own_side_user(db, principal, id, &at_field).await?;
            (Some(id), None)
        }
        Owner::Contact(id) => {
            at_field.push("ownerContactId");
            contact_at(db, principal, id, interaction.organization_id, &at_field).await?;
            (None, Some(id))
        }
    };
    let made_on = interaction
        .occurred_at
        .with_timezone(&crm.business_time_zone)
        .date_naive();
    if new.due_on < made_on {
        let mut path = vec!["input"];
        path.extend_from_slice(field);
        path.push("dueOn");
        return Err(Error::user(
            &path,
            ErrorCode::OutOfRange,
            format!(
                "dueOn {} is before the interaction, on {made_on}",
                new.due_on
            ),
        ));
    }
    let at = now();
    Ok(commitment::ActiveModel {
        id: Set(Uuid::now_v7()),
        interaction_id: Set(interaction.id),
        organization_id: Set(interaction.organization_id),
        author_organization_id: Set(interaction.author_organization_id),
        description: Set(new.description),
        owner_user_id: Set(owner_user),
        owner_contact_id: Set(owner_contact),
        due_on: Set(new.due_on),
        status: Set(CommitmentStatus::Open),
        closed_at: Set(None),
        closing_note: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    })
}

fn ensure_not_ahead(occurred_at: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if occurred_at > now() + chrono::Duration::minutes(CLOCK_SKEW_MINUTES) {
        return Err(Error::user(
            &["input", "occurredAt"],
            ErrorCode::OutOfRange,
            "occurredAt is in the future; record an interaction once it happened, and plan one as a task",
        ));
    }
    Ok(())
}

/// Records an interaction with who took part and the commitments made, in one go. A visit
/// the brand records at a key account completes its return visit and schedules the next.
#[tracing::instrument(skip(db, principal, crm, new))]
pub async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewInteraction,
) -> Result<interaction::Model> {
    principal.ensure_can_write_crm()?;
    let org: organization::Model =
        live_organization(db, principal, new.organization_id, "organizationId").await?;
    ensure_not_ahead(new.occurred_at)?;
    ensure_distinct(&new.user_ids, "userIds")?;
    ensure_distinct(&new.contact_ids, "contactIds")?;
    for (i, id) in new.user_ids.iter().enumerate() {
        own_side_user(db, principal, *id, &["userIds", &i.to_string()]).await?;
    }
    for (i, id) in new.contact_ids.iter().enumerate() {
        contact_at(db, principal, *id, org.id, &["contactIds", &i.to_string()]).await?;
    }
    let at = now();
    let created = interaction::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.id),
        author_organization_id: Set(principal.author_organization()),
        kind: Set(new.kind),
        occurred_at: Set(new.occurred_at),
        summary: Set(new.summary),
        internal_notes: Set(new.internal_notes),
        recorded_by: Set(principal.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    let people = new
        .user_ids
        .iter()
        .map(|u| (Some(*u), None))
        .chain(new.contact_ids.iter().map(|c| (None, Some(*c))));
    let rows: Vec<participant::ActiveModel> = people
        .map(|(user, contact)| participant::ActiveModel {
            id: Set(Uuid::now_v7()),
            interaction_id: Set(created.id),
            user_id: Set(user),
            contact_id: Set(contact),
        })
        .collect();
    if !rows.is_empty() {
        participant::Entity::insert_many(rows).exec(db).await?;
    }
    let mut commitments = Vec::with_capacity(new.commitments.len());
    for (i, c) in new.commitments.into_iter().enumerate() {
        let index = i.to_string();
        commitments
            .push(commitment_row(db, principal, &created, c, &["commitments", &index], crm).await?);
    }
    if !commitments.is_empty() {
        commitment::Entity::insert_many(commitments)
            .exec(db)
            .await?;
    }
    crate::changes::recorded::<entity::interaction::Entity>(
        db,
        principal,
        crate::audit::Action::InteractionRecord,
        None,
        &created,
    )
    .await?;
    super::tasks::visit_recorded(db, &created, crm).await?;
    Ok(created)
}

#[tracing::instrument(skip(db, principal, crm, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    changes: InteractionChanges,
) -> Result<interaction::Model> {
    principal.ensure_can_write_crm()?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    ensure_author(principal, current.author_organization_id, "interaction")?;
    if let Some(at) = changes.occurred_at {
        ensure_not_ahead(at)?;
    }
    let before = current.clone();
    let mut row: interaction::ActiveModel = current.clone().into();
    if let Some(kind) = changes.kind {
        row.kind = Set(kind);
    }
    if let Some(at) = changes.occurred_at {
        row.occurred_at = Set(at);
    }
    if let Some(summary) = changes.summary {
        row.summary = Set(summary);
    }
    row.internal_notes = Set(changes.internal_notes.apply(current.internal_notes));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::InteractionUpdate,
        &before,
        row,
    )
    .await?;
    if before.kind != saved.kind || before.occurred_at != saved.occurred_at {
        super::tasks::visit_recorded(db, &saved, crm).await?;
    }
    Ok(saved)
}

/// Adds a commitment to an interaction the principal's side recorded.
#[tracing::instrument(skip(db, principal, crm, new))]
pub async fn commitment_add(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    interaction_id: Uuid,
    new: NewCommitment,
) -> Result<commitment::Model> {
    principal.ensure_can_write_crm()?;
    let interaction = visible_interaction(db, principal, interaction_id, "interactionId").await?;
    ensure_author(principal, interaction.author_organization_id, "interaction").map_err(|_| {
        Error::user(
            &["input", "interactionId"],
            ErrorCode::NotAllowed,
            "this interaction was recorded by another organization; only it adds commitments",
        )
    })?;
    let row = commitment_row(db, principal, &interaction, new, &[], crm).await?;
    let created = row.insert(db).await?;
    crate::changes::recorded::<entity::commitment::Entity>(
        db,
        principal,
        crate::audit::Action::CommitmentAdd,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

/// Records whether an open commitment was kept.
#[tracing::instrument(skip(db, principal, note))]
pub async fn commitment_close(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    outcome: CommitmentStatus,
    note: Option<String>,
) -> Result<commitment::Model> {
    principal.ensure_can_write_crm()?;
    let current =
        store::for_change::<commitment::Entity>(db, id, version, visible_commitments(principal))
            .await?;
    ensure_author(principal, current.author_organization_id, "commitment")?;
    if current.status != CommitmentStatus::Open {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the commitment is already closed as {}",
                match current.status {
                    CommitmentStatus::Kept => "kept",
                    _ => "broken",
                }
            ),
        ));
    }
    if outcome == CommitmentStatus::Open {
        return Err(Error::user(
            &["input", "outcome"],
            ErrorCode::Invalid,
            "outcome must be KEPT or BROKEN",
        ));
    }
    let before = current.clone();
    let mut row: commitment::ActiveModel = current.into();
    row.status = Set(outcome);
    row.closed_at = Set(Some(now()));
    row.closing_note = Set(note);
    let saved = crate::changes::save::<commitment::Entity>(
        db,
        principal,
        crate::audit::Action::CommitmentClose,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
