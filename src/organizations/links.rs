//! Channel links: who supplies, distributes to, resells to or serves whom.

use std::collections::HashMap;

use entity::channel_link::{self, Column, Entity};
use entity::enums::{ChannelLinkKind, ChannelLinkStatus, RelationshipLevel};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{ChannelLinkChanges, NewChannelLink, link_allowed};
use super::service::live_organization;
use crate::access::Principal;
use crate::error::ErrorCode;
use crate::error::{Error, Result};
use crate::store::now;
use crate::store::{self};

/// A link is visible when both of its ends are.
pub(crate) fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_visible(Column::UpstreamId))
        .add(principal.owned_by_visible(Column::DownstreamId))
}

#[tracing::instrument(skip(db, principal, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, channel_link::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<channel_link::Model> {
    principal.ensure_can_edit_directory()?;
    store::for_change::<Entity>(db, id, version, visible(principal)).await
}

fn check_dates(since: chrono::NaiveDate, until: Option<chrono::NaiveDate>) -> Result<()> {
    match until {
        Some(until) if until < since => Err(Error::user(
            &["input", "until"],
            ErrorCode::Invalid,
            format!("until ({until}) is before since ({since})"),
        )),
        _ => Ok(()),
    }
}

/// Opens a `kind` link from `upstream` to `downstream` from `since`, unless a live one is
/// there already, with its audit record: for the links the partner program gives (a
/// registered dealer's, an approved deal's new customer's), whose ends the caller checked.
pub(crate) async fn open(
    db: &impl ConnectionTrait,
    principal: &Principal,
    upstream: Uuid,
    downstream: Uuid,
    kind: ChannelLinkKind,
    since: chrono::NaiveDate,
) -> Result<()> {
    let live = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::UpstreamId.eq(upstream))
        .filter(Column::DownstreamId.eq(downstream))
        .filter(crate::access::live_links())
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if live.is_some() {
        return Ok(());
    }
    let at = now();
    let row = channel_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        upstream_id: Set(upstream),
        downstream_id: Set(downstream),
        kind: Set(kind),
        level: Set(RelationshipLevel::Reactive),
        status: Set(ChannelLinkStatus::Active),
        since: Set(since),
        until: Set(None),
        territory: Set(None),
        exclusive: Set(false),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(db, principal, crate::audit::Action::ChannelLinkCreate, row)
        .await?;
    Ok(())
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewChannelLink,
) -> Result<channel_link::Model> {
    principal.ensure_can_edit_directory()?;
    if new.upstream_id == new.downstream_id {
        return Err(Error::user(
            &["input", "downstreamId"],
            ErrorCode::SelfLink,
            "an organization cannot be linked to itself",
        ));
    }
    let upstream = live_organization(db, principal, new.upstream_id, "upstreamId").await?;
    let downstream = live_organization(db, principal, new.downstream_id, "downstreamId").await?;
    if !link_allowed(new.kind, upstream.kind, downstream.kind) {
        return Err(Error::user(
            &["input", "kind"],
            ErrorCode::NotAllowed,
            format!(
                "a {:?} link cannot run from a {:?} to a {:?}",
                new.kind, upstream.kind, downstream.kind
            ),
        ));
    }
    check_dates(new.since, new.until)?;
    let existing = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::UpstreamId.eq(new.upstream_id))
        .filter(Column::DownstreamId.eq(new.downstream_id))
        .filter(Column::Kind.eq(new.kind))
        .filter(Column::ArchivedAt.is_null())
        .filter(Column::Status.ne(ChannelLinkStatus::Ended))
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(Error::user(
            &["input", "downstreamId"],
            ErrorCode::Taken,
            "these organizations already have a live link of this kind",
        ));
    }
    let at = now();
    let row = channel_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        upstream_id: Set(new.upstream_id),
        downstream_id: Set(new.downstream_id),
        kind: Set(new.kind),
        level: Set(new.level),
        status: Set(ChannelLinkStatus::Active),
        since: Set(new.since),
        until: Set(new.until),
        territory: Set(new.territory),
        exclusive: Set(new.exclusive),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let created = row.insert(db).await?;
    crate::changes::recorded::<entity::channel_link::Entity>(
        db,
        principal,
        crate::audit::Action::ChannelLinkCreate,
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
    changes: ChannelLinkChanges,
) -> Result<channel_link::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let since = changes.since.unwrap_or(current.since);
    let until = changes.until.clone().apply(current.until);
    check_dates(since, until)?;
    let mut row: channel_link::ActiveModel = current.clone().into();
    if let Some(level) = changes.level {
        row.level = Set(level);
    }
    if let Some(status) = changes.status {
        row.status = Set(status);
    }
    row.since = Set(since);
    row.until = Set(until);
    row.territory = Set(changes.territory.apply(current.territory));
    if let Some(exclusive) = changes.exclusive {
        row.exclusive = Set(exclusive);
    }
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::ChannelLinkUpdate,
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
) -> Result<channel_link::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: channel_link::ActiveModel = current.into();
    row.archived_at = Set(Some(now()));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::ChannelLinkArchive,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
