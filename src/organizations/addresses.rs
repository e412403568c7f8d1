//! Addresses: billing, shipping and head office, with an optional GLN for EDI.

use std::collections::HashMap;

use entity::address::{self, Column, Entity};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::model::{AddressChanges, NewAddress};
use super::service::live_organization;
use crate::access::Principal;
use crate::error::Result;
use crate::store::now;
use crate::store::{self};

#[tracing::instrument(skip(db, principal, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, address::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Entity>(db, ids, principal.owned_by_visible(Column::OrganizationId)).await
}

async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<address::Model> {
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
    new: NewAddress,
) -> Result<address::Model> {
    principal.ensure_can_maintain_records()?;
    live_organization(db, principal, new.organization_id, "organizationId").await?;
    principal.ensure_maintains(new.organization_id)?;
    insert(db, principal, new).await
}

/// Writes a new address the caller has checked `principal` may add, with its audit record.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewAddress,
) -> Result<address::Model> {
    let at = now();
    let row = address::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(new.organization_id),
        kind: Set(new.kind),
        line1: Set(new.line1),
        line2: Set(new.line2),
        city: Set(new.city),
        region: Set(new.region),
        postal_code: Set(new.postal_code),
        country: Set(new.country),
        gln: Set(new.gln),
        duns: Set(new.duns),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let created = row.insert(db).await?;
    crate::changes::recorded::<entity::address::Entity>(
        db,
        principal,
        crate::audit::Action::AddressCreate,
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
    changes: AddressChanges,
) -> Result<address::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: address::ActiveModel = current.clone().into();
    if let Some(kind) = changes.kind {
        row.kind = Set(kind);
    }
    if let Some(line1) = changes.line1 {
        row.line1 = Set(line1);
    }
    row.line2 = Set(changes.line2.apply(current.line2));
    if let Some(city) = changes.city {
        row.city = Set(city);
    }
    row.region = Set(changes.region.apply(current.region));
    row.postal_code = Set(changes.postal_code.apply(current.postal_code));
    if let Some(country) = changes.country {
        row.country = Set(country);
    }
    row.gln = Set(changes.gln.apply(current.gln));
    row.duns = Set(changes.duns.apply(current.duns));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::AddressUpdate,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}

#[tracing::instrument(skip(db, principal))]
pub async fn archive(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<address::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: address::ActiveModel = current.into();
    row.archived_at = Set(Some(now()));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::AddressArchive,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
