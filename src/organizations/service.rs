//! Organizations: lookups, lists and changes. No GraphQL here.

use std::collections::HashMap;

use entity::enums::OrganizationKind;
use entity::organization::{self, Column, Entity};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{NewOrganization, OrganizationChanges, OrganizationFilter};
use crate::access::Principal;
use crate::domain::sort_key;
use crate::error::ErrorCode;
use crate::error::{Error, Result};
use crate::pagination::{Page, PageRequest, SortKey};
use crate::relationship::tasks;
use crate::settings::CrmSettings;
use crate::store::now;
use crate::store::{self, save_versioned};

/// How deep a parent chain may go before it is treated as a cycle.
const MAX_PARENT_DEPTH: usize = 64;

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Name => Column::NameKey,
        SortKey::CreatedAt | SortKey::Due => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

/// `LIKE` pattern for "contains", with the wildcards of the input escaped.
pub fn contains_pattern(needle: &str) -> LikeExpr {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Organizations whose name may have the company key `key` (`domain::company_key`): those
/// whose name holds its longest word, to be compared exactly by the caller. None when the
/// key has no word of two characters or more to look for.
pub fn may_be_named(key: &str) -> Option<Condition> {
    let word = key.split(' ').max_by_key(|w| w.chars().count())?;
    (word.chars().count() >= 2)
        .then(|| Condition::all().add(Column::NameKey.like(contains_pattern(word))))
}

fn filter_condition(filter: &OrganizationFilter) -> Condition {
    let mut cond = Condition::all();
    if !filter.kinds.is_empty() {
        cond = cond.add(Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if let Some(needle) = &filter.name_contains {
        cond = cond.add(Column::NameKey.like(contains_pattern(needle)));
    }
    if let Some(code) = &filter.code {
        cond = cond.add(Column::Code.eq(code.clone()));
    }
    if let Some(territory) = &filter.territory {
        cond = cond.add(Column::Territory.eq(territory.clone()));
    }
    if let Some(segment) = filter.segment {
        cond = cond.add(Column::Segment.eq(segment));
    }
    if let Some(status) = filter.status {
        cond = cond.add(Column::Status.eq(status));
    }
    if let Some(owner) = filter.account_owner_id {
        cond = cond.add(Column::AccountOwnerId.eq(owner));
    }
    if let Some(parent) = filter.parent_id {
        cond = cond.add(Column::ParentId.eq(parent));
    }
    if !filter.include_archived {
        cond = cond.add(Column::ArchivedAt.is_null());
    }
    cond
}

/// The organizations the principal may see, archived ones included, for a compiled read.
pub fn visible(principal: &Principal) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_directory()?;
    Ok(Entity::find()
        .filter(principal.visible_organizations())
        .into_query())
}

/// Organizations by id, as far as the principal may see them, archived ones included.
#[tracing::instrument(skip(db, principal, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, organization::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Entity>(db, ids, principal.visible_organizations_among(ids)).await
}

#[tracing::instrument(skip(db, principal))]
pub async fn by_code(
    db: &impl ConnectionTrait,
    principal: &Principal,
    code: &str,
) -> Result<Option<organization::Model>> {
    principal.ensure_can_read_directory()?;
    Ok(Entity::find()
        .filter(Column::Code.eq(code.trim().to_uppercase()))
        .filter(principal.visible_organizations())
        .one(db)
        .await?)
}

/// The parties the principal trades with and may see in part
/// ([`Principal::trading_partners`]), by name, each with its live addresses.
#[tracing::instrument(skip(db, principal))]
pub async fn trading_partners(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> Result<Vec<(organization::Model, Vec<entity::address::Model>)>> {
    use sea_orm::QueryOrder;
    principal.ensure_can_read_directory()?;
    let parties = Entity::find()
        .filter(principal.trading_partners())
        .order_by_asc(Column::NameKey)
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    if parties.is_empty() {
        return Ok(Vec::new());
    }
    let mut addresses: HashMap<Uuid, Vec<entity::address::Model>> = HashMap::new();
    for address in entity::address::Entity::find()
        .filter(entity::address::Column::OrganizationId.is_in(parties.iter().map(|p| p.id)))
        .filter(entity::address::Column::ArchivedAt.is_null())
        .order_by_asc(entity::address::Column::Id)
        .all(db)
        .await?
    {
        addresses
            .entry(address.organization_id)
            .or_default()
            .push(address);
    }
    Ok(parties
        .into_iter()
        .map(|party| {
            let at = addresses.remove(&party.id).unwrap_or_default();
            (party, at)
        })
        .collect())
}

/// The organizations `filter` matches that the principal may see, unordered: the
/// statement of [`list`] before it is paged, for a compiled read.
pub fn listing(
    principal: &Principal,
    filter: &OrganizationFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_directory()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_organizations())
        .into_query())
}

/// The statement of [`by_code`], for a compiled read.
pub fn by_code_listing(
    principal: &Principal,
    code: &str,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_directory()?;
    Ok(Entity::find()
        .filter(Column::Code.eq(code.trim().to_uppercase()))
        .filter(principal.visible_organizations())
        .into_query())
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OrganizationFilter,
    page: &PageRequest,
) -> Result<Page<organization::Model>> {
    principal.ensure_can_read_directory()?;
    let query = Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_organizations());
    store::page_of(
        db,
        query,
        page,
        Expr::col((Entity, sort_column(page.sort.key))),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

#[tracing::instrument(skip(db, principal))]
pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OrganizationFilter,
) -> Result<u64> {
    principal.ensure_can_read_directory()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_organizations())
        .count(db)
        .await?)
}

/// Turns a unique violation on the partner code into the business error it means.
fn code_taken(err: Error, code: &str) -> Error {
    match err.unique_violation() {
        Some(_) => code_taken_error(code),
        None => err,
    }
}

fn code_taken_error(code: &str) -> Error {
    Error::user(
        &["input", "code"],
        ErrorCode::Taken,
        format!("code {code} is already used by another organization"),
    )
}

async fn ensure_code_free(
    db: &impl ConnectionTrait,
    code: &str,
    except: Option<Uuid>,
) -> Result<()> {
    let mut query = Entity::find().filter(Column::Code.eq(code));
    if let Some(id) = except {
        query = query.filter(Column::Id.ne(id));
    }
    if query
        .select_only()
        .column(Column::Id)
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .is_some()
    {
        return Err(code_taken_error(code));
    }
    Ok(())
}

/// Loads an organization the principal may change, checking the version it read.
pub async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<organization::Model> {
    principal.ensure_can_edit_directory()?;
    store::for_change::<Entity>(db, id, version, principal.visible_organizations()).await
}

/// An organization named in an input: it must exist, be visible, and not be archived.
pub async fn live_organization(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    field: &str,
) -> Result<organization::Model> {
    let org = Entity::find_by_id(id)
        .filter(principal.visible_organizations())
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", field],
                ErrorCode::NotFound,
                format!("no organization has this {field}"),
            )
        })?;
    if org.archived_at.is_some() {
        return Err(Error::user(
            &["input", field],
            ErrorCode::Archived,
            format!("the organization named by {field} is archived"),
        ));
    }
    Ok(org)
}

/// An account owner must be an active staff user.
async fn ensure_staff_owner(db: &impl ConnectionTrait, owner: Uuid) -> Result<()> {
    let user = entity::user::Entity::find_by_id(owner).one(db).await?;
    match user {
        Some(u) if u.deactivated_at.is_none() && !u.roles.all_partner() => Ok(()),
        Some(_) => Err(Error::user(
            &["input", "accountOwnerId"],
            ErrorCode::NotAllowed,
            "the account owner must be an active staff user",
        )),
        None => Err(Error::user(
            &["input", "accountOwnerId"],
            ErrorCode::NotFound,
            "no user has this accountOwnerId",
        )),
    }
}

/// Refuses a parent whose own chain of parents leads back to `child`.
async fn ensure_no_cycle(db: &impl ConnectionTrait, child: Uuid, parent: Uuid) -> Result<()> {
    let cycle = || {
        Error::user(
            &["input", "parentId"],
            ErrorCode::Cycle,
            "this parent would make the organization its own ancestor",
        )
    };
    let mut next = Some(parent);
    for _ in 0..MAX_PARENT_DEPTH {
        let Some(id) = next else { return Ok(()) };
        if id == child {
            return Err(cycle());
        }
        next = Entity::find_by_id(id)
            .select_only()
            .column(Column::ParentId)
            .into_tuple::<Option<Uuid>>()
            .one(db)
            .await?
            .flatten();
    }
    Err(cycle())
}

#[tracing::instrument(skip(db, principal, new), fields(code = %new.code))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewOrganization,
) -> Result<organization::Model> {
    principal.ensure_can_edit_directory()?;
    if new.kind == OrganizationKind::Brand
        && Entity::find()
            .filter(Column::Kind.eq(OrganizationKind::Brand))
            .count(db)
            .await?
            > 0
    {
        return Err(Error::user(
            &["input", "kind"],
            ErrorCode::NotAllowed,
            "the brand already exists; there is one brand organization",
        ));
    }
    if let Some(parent_id) = new.parent_id {
        live_organization(db, principal, parent_id, "parentId").await?;
    }
    if let Some(owner) = new.account_owner_id {
        ensure_staff_owner(db, owner).await?;
    }
    let created = insert(
        db,
        principal,
        crate::audit::Action::OrganizationCreate,
        new,
        None,
    )
    .await?;
    if created.key_account {
        tasks::key_account_changed(db, &created, crm).await?;
    }
    Ok(created)
}

/// Writes a new organization whose parties the caller has checked, with its audit record
/// under `action`; `registered_by` is the distributor that registered it as its dealer.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: crate::audit::Action,
    new: NewOrganization,
    registered_by: Option<Uuid>,
) -> Result<organization::Model> {
    ensure_code_free(db, &new.code, None).await?;
    let at = now();
    let code = new.code.clone();
    let row = organization::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(new.kind),
        name_key: Set(sort_key(&new.name)),
        name: Set(new.name),
        legal_name: Set(new.legal_name),
        code: Set(new.code),
        tax_id: Set(new.tax_id),
        segment: Set(new.segment),
        customer_type: Set(new.customer_type),
        territory: Set(new.territory),
        parent_id: Set(new.parent_id),
        account_owner_id: Set(new.account_owner_id),
        status: Set(new.status),
        archived_at: Set(None),
        registered_by_id: Set(registered_by),
        status_reason: Set(None),
        credit_limit: Set(None),
        credit_currency: Set(None),
        key_account: Set(new.key_account),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let created = row
        .insert(db)
        .await
        .map_err(|e| code_taken(Error::from(e), &code))?;
    crate::changes::recorded::<entity::organization::Entity>(db, principal, action, None, &created)
        .await?;
    Ok(created)
}

/// An organization as an update left it, with the changes that wait for approval.
pub struct Updated {
    pub organization: organization::Model,
    pub proposal: Option<entity::change_proposal::Model>,
}

/// Changes an organization. Staff change any field. A partner changes its own
/// organization's self-service fields; those that need approval wait as a proposal, and
/// the rest are the brand's.
#[tracing::instrument(skip(db, principal, crm, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    changes: OrganizationChanges,
) -> Result<Updated> {
    if principal.partner_organization().is_none() {
        let current = for_change(db, principal, id, version).await?;
        return Ok(Updated {
            organization: apply(db, principal, crm, current, changes).await?,
            proposal: None,
        });
    }
    principal.ensure_can_maintain_records()?;
    // Held until the change commits, so that two updates cannot both find no waiting
    // proposal for a field and both file one.
    let current =
        store::for_update::<Entity>(db, id, version, principal.visible_organizations()).await?;
    principal.ensure_maintains(id)?;
    let (direct, proposed) = super::proposals::split(&current, changes, &crm.partner)?;
    let organization = if direct.is_empty() {
        current
    } else {
        apply(db, principal, crm, current, direct).await?
    };
    let proposal = if proposed.is_empty() {
        None
    } else {
        Some(super::proposals::submit(db, principal, &organization, proposed).await?)
    };
    Ok(Updated {
        organization,
        proposal,
    })
}

/// Writes `changes` to `current` (read at its version), with their audit record.
pub(super) async fn apply(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    current: organization::Model,
    changes: OrganizationChanges,
) -> Result<organization::Model> {
    let (id, version) = (current.id, current.version);
    let before = current.clone();
    if let Some(code) = &changes.code {
        ensure_code_free(db, code, Some(id)).await?;
    }
    if let super::model::Patch::Set(parent_id) = changes.parent_id {
        live_organization(db, principal, parent_id, "parentId").await?;
        ensure_no_cycle(db, id, parent_id).await?;
    }
    if let super::model::Patch::Set(owner) = changes.account_owner_id {
        ensure_staff_owner(db, owner).await?;
    }
    let code = changes.code.clone().unwrap_or_else(|| current.code.clone());
    let mut row: organization::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        row.name_key = Set(sort_key(&name));
        row.name = Set(name);
    }
    row.legal_name = Set(changes.legal_name.apply(current.legal_name));
    if let Some(code) = changes.code {
        row.code = Set(code);
    }
    row.tax_id = Set(changes.tax_id.apply(current.tax_id));
    row.segment = Set(changes.segment.apply(current.segment));
    row.customer_type = Set(changes.customer_type.apply(current.customer_type));
    row.territory = Set(changes.territory.apply(current.territory));
    row.parent_id = Set(changes.parent_id.apply(current.parent_id));
    row.account_owner_id = Set(changes.account_owner_id.apply(current.account_owner_id));
    if let Some(status) = changes.status {
        row.status = Set(status);
    }
    if let Some(key) = changes.key_account {
        row.key_account = Set(key);
    }
    let saved = save_versioned::<Entity>(db, row, id, version)
        .await
        .map_err(|e| code_taken(e, &code))?;
    crate::changes::recorded::<entity::organization::Entity>(
        db,
        principal,
        crate::audit::Action::OrganizationUpdate,
        Some(&before),
        &saved,
    )
    .await?;
    if saved.key_account != before.key_account {
        tasks::key_account_changed(db, &saved, crm).await?;
    }
    Ok(saved)
}

#[tracing::instrument(skip(db, principal))]
pub async fn archive(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<organization::Model> {
    let current = for_change(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: organization::ActiveModel = current.into();
    row.archived_at = Set(Some(now()));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::OrganizationArchive,
        &before,
        row,
    )
    .await?;
    // An archived account is not visited.
    tasks::stop_return_visits(db, id).await?;
    Ok(saved)
}
