//! The partner program: tiers with their benefits and obligations, and which tier each
//! partner belongs to over time.

use std::collections::HashMap;

use entity::enums::OrganizationKind;
use entity::partner_tier::{self, Column, Entity};
use entity::{organization, price_list, product, tier_membership, tier_product_line};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{NewTier, TierChanges};
use crate::access::Principal;
use crate::audit;
use crate::error::{Error, ErrorCode, Result};
use crate::events;
use crate::ids::NodeType;
use crate::pagination::{Page, PageRequest, SortKey};
use crate::store::{self, now, save_versioned};

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Name => Column::Code,
        SortKey::CreatedAt | SortKey::Due => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

/// Tiers are the program's published terms: every principal that reads the catalog sees them.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, partner_tier::Model>> {
    principal.ensure_can_read_catalog()?;
    store::by_ids::<Entity>(db, ids, Condition::all()).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<partner_tier::Model>> {
    principal.ensure_can_read_catalog()?;
    store::page_of(
        db,
        Entity::find(),
        page,
        Expr::col((Entity, sort_column(page.sort.key))),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(db: &impl ConnectionTrait, principal: &Principal) -> Result<u64> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find().count(db).await?)
}

/// The product lines each tier's partners must carry.
/// Tiers' criteria, in order, for those who read the program.
pub async fn criteria_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    tier_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<entity::tier_criterion::Model>>> {
    principal.ensure_can_read_catalog()?;
    crate::program::qualification::criteria_of(db, tier_ids).await
}

pub async fn product_lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    tier_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>> {
    principal.ensure_can_read_catalog()?;
    let rows = tier_product_line::Entity::find()
        .filter(tier_product_line::Column::TierId.is_in(tier_ids.iter().copied()))
        .order_by_asc(tier_product_line::Column::ProductLine)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |l| l.tier_id)
        .into_iter()
        .map(|(tier, lines)| (tier, lines.into_iter().map(|l| l.product_line).collect()))
        .collect())
}

async fn check_price_list(db: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    price_list::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            Error::user(
                &["input", "priceListId"],
                ErrorCode::NotFound,
                "no price list has this id",
            )
        })
}

/// Each required product line must be one the catalog has.
async fn check_product_lines(db: &impl ConnectionTrait, lines: &[String]) -> Result<()> {
    let known: Vec<String> = product::Entity::find()
        .select_only()
        .column(product::Column::ProductLine)
        .filter(product::Column::ProductLine.is_in(lines.iter().cloned()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    for (i, line) in lines.iter().enumerate() {
        let index = i.to_string();
        if !known.contains(line) {
            return Err(Error::user(
                &["input", "requiredProductLines", index.as_str()],
                ErrorCode::NotFound,
                format!("no product belongs to the product line `{line}`"),
            ));
        }
    }
    Ok(())
}

async fn replace_product_lines(
    db: &impl ConnectionTrait,
    tier_id: Uuid,
    lines: &[String],
) -> Result<()> {
    tier_product_line::Entity::delete_many()
        .filter(tier_product_line::Column::TierId.eq(tier_id))
        .exec(db)
        .await?;
    if lines.is_empty() {
        return Ok(());
    }
    tier_product_line::Entity::insert_many(lines.iter().map(|line| {
        tier_product_line::ActiveModel {
            tier_id: Set(tier_id),
            product_line: Set(line.clone()),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(db, principal, new), fields(code = %new.code))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewTier,
) -> Result<partner_tier::Model> {
    principal.ensure_can_manage_catalog()?;
    if Entity::find()
        .filter(Column::Code.eq(new.code.clone()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(Error::user(
            &["input", "code"],
            ErrorCode::Taken,
            format!("tier code {} is taken", new.code),
        ));
    }
    check_price_list(db, new.price_list_id).await?;
    check_product_lines(db, &new.required_product_lines).await?;
    let at = now();
    let id = Uuid::now_v7();
    let created = partner_tier::ActiveModel {
        id: Set(id),
        code: Set(new.code),
        name: Set(new.name),
        rank: Set(new.rank),
        price_list_id: Set(new.price_list_id),
        payment_terms_days: Set(new.payment_terms_days),
        financing_days: Set(new.financing_days),
        min_sales_share: Set(new.min_sales_share.map(Into::into)),
        reports_inventory: Set(new.reports_inventory),
        reports_sell_through: Set(new.reports_sell_through),
        settlement_cadence: Set(new.settlement_cadence),
        lead_routing_weight: Set(new.lead_routing_weight),
        deal_protection_days: Set(new.deal_protection_days),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    replace_product_lines(db, id, &new.required_product_lines).await?;
    crate::changes::recorded::<entity::partner_tier::Entity>(
        db,
        principal,
        crate::audit::Action::PartnerTierCreate,
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
    changes: TierChanges,
) -> Result<partner_tier::Model> {
    principal.ensure_can_manage_catalog()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    if let Some(list) = changes.price_list_id {
        check_price_list(db, list).await?;
    }
    if let Some(lines) = &changes.required_product_lines {
        check_product_lines(db, lines).await?;
    }
    let mut row: partner_tier::ActiveModel = current.clone().into();
    if let Some(v) = changes.name {
        row.name = Set(v);
    }
    if let Some(v) = changes.rank {
        row.rank = Set(v);
    }
    if let Some(v) = changes.price_list_id {
        row.price_list_id = Set(v);
    }
    if let Some(v) = changes.payment_terms_days {
        row.payment_terms_days = Set(v);
    }
    if let Some(v) = changes.financing_days {
        row.financing_days = Set(v);
    }
    row.min_sales_share = Set(changes
        .min_sales_share
        .apply(current.min_sales_share.map(Into::into))
        .map(Into::into));
    if let Some(v) = changes.reports_inventory {
        row.reports_inventory = Set(v);
    }
    if let Some(v) = changes.reports_sell_through {
        row.reports_sell_through = Set(v);
    }
    if let Some(v) = changes.settlement_cadence {
        row.settlement_cadence = Set(v);
    }
    if let Some(v) = changes.lead_routing_weight {
        row.lead_routing_weight = Set(v);
    }
    row.deal_protection_days = Set(changes
        .deal_protection_days
        .apply(current.deal_protection_days));
    let saved = save_versioned::<Entity>(db, row, id, version).await?;
    if let Some(lines) = &changes.required_product_lines {
        replace_product_lines(db, id, lines).await?;
    }
    crate::changes::recorded::<entity::partner_tier::Entity>(
        db,
        principal,
        crate::audit::Action::PartnerTierUpdate,
        Some(&before),
        &saved,
    )
    .await?;
    Ok(saved)
}

/// Memberships by id, as far as the principal may see the organization.
pub async fn memberships_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, tier_membership::Model>> {
    principal.ensure_can_read_directory()?;
    let rows = tier_membership::Entity::find()
        .filter(tier_membership::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_visible(tier_membership::Column::OrganizationId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// Every membership of each organization, newest first: its tier history.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<tier_membership::Model>>> {
    principal.ensure_can_read_directory()?;
    let rows = tier_membership::Entity::find()
        .filter(tier_membership::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(principal.owned_by_visible(tier_membership::Column::OrganizationId))
        .order_by_desc(tier_membership::Column::StartedAt)
        .order_by_desc(tier_membership::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |m| m.organization_id))
}

/// Moves an organization into a tier (or out of the program, with `tier_id` none): the open
/// membership ends now and the new one starts now, so the history has no gap and no overlap.
#[tracing::instrument(skip(db, principal, note))]
pub async fn assign(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Uuid,
    version: i32,
    tier_id: Option<Uuid>,
    note: Option<String>,
) -> Result<organization::Model> {
    principal.ensure_can_manage_catalog()?;
    let org =
        store::for_change::<organization::Entity>(db, organization_id, version, Condition::all())
            .await
            .map_err(|e| rename_id_field(e, "organizationId"))?;
    if !matches!(
        org.kind,
        OrganizationKind::Distributor | OrganizationKind::IntermediateCustomer
    ) {
        return Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotAllowed,
            format!(
                "{} is not a distributor or dealer, so it cannot join the partner program",
                org.code
            ),
        ));
    }
    let to = match tier_id {
        Some(tier) => Some(Entity::find_by_id(tier).one(db).await?.ok_or_else(|| {
            Error::user(
                &["input", "tierId"],
                ErrorCode::NotFound,
                "no partner tier has this id",
            )
        })?),
        None => None,
    };
    let open = tier_membership::Entity::find()
        .filter(tier_membership::Column::OrganizationId.eq(organization_id))
        .filter(tier_membership::Column::EndedAt.is_null())
        .one(db)
        .await?;
    if open.as_ref().map(|m| m.tier_id) == tier_id {
        return Err(Error::user(
            &["input", "tierId"],
            ErrorCode::Invalid,
            "the organization is already in this tier",
        ));
    }
    let at = now();
    let reason = note.clone();
    if let Some(open) = &open {
        let mut row: tier_membership::ActiveModel = open.clone().into();
        row.ended_at = Set(Some(at));
        row.update(db).await?;
    }
    let created = match tier_id {
        Some(tier) => Some(
            tier_membership::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(organization_id),
                tier_id: Set(tier),
                started_at: Set(at),
                ended_at: Set(None),
                assigned_by: Set(principal.user_id()),
                note: Set(note),
            }
            .insert(db)
            .await?,
        ),
        None => None,
    };
    // The organization's version moves, so a concurrent assignment is a CONFLICT.
    let row: organization::ActiveModel = org.clone().into();
    let saved = save_versioned::<organization::Entity>(db, row, organization_id, version).await?;
    audit::record(
        db,
        principal,
        audit::Action::PartnerTierAssign,
        Some(organization_id),
        open.as_ref(),
        created.as_ref(),
    )
    .await?;
    let from = match &open {
        Some(m) => Entity::find_by_id(m.tier_id).one(db).await?,
        None => None,
    };
    let tier_json = |t: &Option<partner_tier::Model>| {
        t.as_ref().map(|t| {
            serde_json::json!({
                "id": events::gid(NodeType::PartnerTier, t.id),
                "code": t.code,
                "name": t.name,
                "rank": t.rank,
            })
        })
    };
    events::emit(
        db,
        events::NewEvent {
            event_type: events::EventType::TierChanged,
            subject_id: organization_id,
            order_id: None,
            audience: vec![organization_id],
            data: serde_json::json!({
                "organization": {
                    "id": events::gid(NodeType::Organization, organization_id),
                    "code": org.code,
                },
                "from": tier_json(&from),
                "to": tier_json(&to),
                "reason": reason,
            }),
        },
    )
    .await?;
    Ok(saved)
}

/// The deal-protection days of `organization`'s tier, where its tier sets them.
pub async fn deal_protection_days(
    db: &impl ConnectionTrait,
    organization: Uuid,
) -> Result<Option<i32>> {
    let open = tier_membership::Entity::find()
        .filter(tier_membership::Column::OrganizationId.eq(organization))
        .filter(tier_membership::Column::EndedAt.is_null())
        .one(db)
        .await?;
    let Some(open) = open else {
        return Ok(None);
    };
    Ok(Entity::find_by_id(open.tier_id)
        .one(db)
        .await?
        .and_then(|t| t.deal_protection_days))
}

/// `for_change` names `input.id`; inputs that name the organization otherwise get their own
/// field in the error.
pub fn rename_id_field(err: Error, field: &str) -> Error {
    match err {
        Error::User(mut e) if e.field == ["input", "id"] => {
            e.field = vec!["input".into(), field.into()];
            Error::User(e)
        }
        other => other,
    }
}
