//! Contacts: the people at an organization.

use std::collections::HashMap;

use entity::contact::{self, Column, Entity};
use entity::enums::ConsentStatus;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::model::{ContactChanges, NewContact};
use super::service::live_organization;
use crate::access::Principal;
use crate::domain::sort_key;
use crate::error::Result;
use crate::store::now;
use crate::store::{self, save_versioned};

#[tracing::instrument(skip(db, principal, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, contact::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Entity>(db, ids, principal.owned_by_visible(Column::OrganizationId)).await
}

async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<contact::Model> {
    principal.ensure_can_maintain_records()?;
    let current = store::for_change::<Entity>(
        db,
        id,
        version,
        principal.owned_by_visible(Column::OrganizationId),
    )
    .await?;
    principal.ensure_maintains(current.organization_id)?;
    Ok(current)
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewContact,
) -> Result<contact::Model> {
    principal.ensure_can_maintain_records()?;
    live_organization(db, principal, new.organization_id, "organizationId").await?;
    principal.ensure_maintains(new.organization_id)?;
    insert(db, principal, new).await
}

/// Writes a new contact the caller has checked `principal` may add, with its audit record.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewContact,
) -> Result<contact::Model> {
    let at = now();
    let (consent, consent_at, source) = match new.consent {
        Some(c) => (c.status, Some(at), Some(c.source)),
        None => (ConsentStatus::Unknown, None, None),
    };
    let row = contact::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(new.organization_id),
        name_key: Set(sort_key(&new.name)),
        name: Set(new.name),
        title: Set(new.title),
        email: Set(new.email),
        phone: Set(new.phone),
        buying_role: Set(new.buying_role),
        preferences: Set(new.preferences),
        notes: Set(new.notes),
        marketing_consent: Set(consent),
        consent_changed_at: Set(consent_at),
        consent_source: Set(source),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let created = row.insert(db).await?;
    if let (Some(at), Some(channel)) = (created.consent_changed_at, &created.consent_source) {
        record_consent(db, principal, &created, at, channel).await?;
    }
    crate::changes::recorded::<entity::contact::Entity>(
        db,
        principal,
        crate::audit::Action::ContactCreate,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip(db, principal, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: ContactChanges,
) -> Result<contact::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: contact::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        row.name_key = Set(sort_key(&name));
        row.name = Set(name);
    }
    row.title = Set(changes.title.apply(current.title));
    row.email = Set(changes.email.apply(current.email));
    row.phone = Set(changes.phone.apply(current.phone));
    row.buying_role = Set(changes.buying_role.apply(current.buying_role));
    row.preferences = Set(changes.preferences.apply(current.preferences));
    row.notes = Set(changes.notes.apply(current.notes));
    if let Some(consent) = changes.consent
        && consent.status != current.marketing_consent
    {
        row.marketing_consent = Set(consent.status);
        row.consent_changed_at = Set(Some(now()));
        row.consent_source = Set(Some(consent.source));
    }
    let saved = save_versioned::<Entity>(db, row, id, version).await?;
    if saved.marketing_consent != before.marketing_consent
        && let (Some(at), Some(channel)) = (saved.consent_changed_at, &saved.consent_source)
    {
        record_consent(db, principal, &saved, at, channel).await?;
    }
    crate::changes::recorded::<entity::contact::Entity>(
        db,
        principal,
        crate::audit::Action::ContactUpdate,
        Some(&before),
        &saved,
    )
    .await?;
    Ok(saved)
}

/// Keeps a change of marketing consent in the contact's history.
async fn record_consent(
    db: &impl ConnectionTrait,
    principal: &Principal,
    contact: &contact::Model,
    at: chrono::DateTime<chrono::Utc>,
    channel: &str,
) -> Result<()> {
    entity::consent_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        contact_id: Set(contact.id),
        status: Set(contact.marketing_consent),
        channel: Set(channel.to_owned()),
        recorded_at: Set(at),
        recorded_by: Set(principal.user_id()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A contact's consent history, oldest first, per contact.
pub async fn consent_history_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<entity::consent_event::Model>>> {
    use entity::consent_event::Column as E;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
    principal.ensure_can_read_directory()?;
    let visible = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_visible(Column::OrganizationId))
        .into_query();
    let rows = entity::consent_event::Entity::find()
        .filter(E::ContactId.in_subquery(visible))
        .order_by_asc(E::RecordedAt)
        .order_by_asc(E::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |e| e.contact_id))
}

#[tracing::instrument(skip(db, principal))]
pub async fn archive(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<contact::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: contact::ActiveModel = current.into();
    row.archived_at = Set(Some(now()));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::ContactArchive,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
