//! Products, the suppliers that make them, and their specifications.

use std::collections::HashMap;

use entity::enums::OrganizationKind;
use entity::product::{self, Column, Entity};
use entity::{organization, product_spec, product_supplier};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{NewProduct, NewSpec, ProductChanges, ProductFilter, ProductSupplier};
use crate::access::Principal;
use crate::domain::sort_key;
use crate::error::{Error, ErrorCode, Result};
use crate::organizations::service::contains_pattern;
use crate::pagination::{Page, PageRequest, SortKey};
use crate::store::{self, now, save_versioned};

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Name => Column::NameKey,
        SortKey::CreatedAt | SortKey::Due => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

fn filter_condition(filter: &ProductFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(sku) = &filter.sku {
        cond = cond.add(Column::Sku.eq(sku.clone()));
    }
    if let Some(needle) = &filter.name_contains {
        cond = cond.add(Column::NameKey.like(contains_pattern(needle)));
    }
    if let Some(line) = &filter.product_line {
        cond = cond.add(Column::ProductLine.eq(line.clone()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(supplier) = filter.supplier_id {
        let made = product_supplier::Entity::find()
            .select_only()
            .column(product_supplier::Column::ProductId)
            .filter(product_supplier::Column::SupplierId.eq(supplier))
            .into_query();
        cond = cond.add(Column::Id.in_subquery(made));
    }
    cond
}

/// The products the principal may see, for a compiled read.
pub fn visible(principal: &Principal) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find()
        .filter(principal.visible_products())
        .into_query())
}

#[tracing::instrument(skip(db, principal, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, product::Model>> {
    principal.ensure_can_read_catalog()?;
    store::by_ids::<Entity>(db, ids, principal.visible_products()).await
}

#[tracing::instrument(skip(db, principal))]
pub async fn by_sku(
    db: &impl ConnectionTrait,
    principal: &Principal,
    sku: &str,
) -> Result<Option<product::Model>> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find()
        .filter(Column::Sku.eq(sku.trim().to_uppercase()))
        .filter(principal.visible_products())
        .one(db)
        .await?)
}

/// The products named by SKU in an input, as far as the principal may see them, by SKU.
pub async fn by_skus(
    db: &impl ConnectionTrait,
    principal: &Principal,
    skus: &[String],
) -> Result<HashMap<String, product::Model>> {
    let rows = Entity::find()
        .filter(Column::Sku.is_in(skus.iter().cloned()))
        .filter(principal.visible_products())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| (p.sku.clone(), p)).collect())
}

/// The products `filter` matches that the principal may see, unordered: the statement of
/// [`list`] before it is paged, for a compiled read.
pub fn listing(
    principal: &Principal,
    filter: &ProductFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_products())
        .into_query())
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProductFilter,
    page: &PageRequest,
) -> Result<Page<product::Model>> {
    principal.ensure_can_read_catalog()?;
    let query = Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_products());
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
    filter: &ProductFilter,
) -> Result<u64> {
    principal.ensure_can_read_catalog()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(principal.visible_products())
        .count(db)
        .await?)
}

fn sku_taken(sku: &str) -> Error {
    Error::user(
        &["input", "sku"],
        ErrorCode::Taken,
        format!("SKU {sku} is already in the catalog"),
    )
}

fn gtin_taken(gtin: &str) -> Error {
    Error::user(
        &["input", "gtin"],
        ErrorCode::Taken,
        format!("GTIN {gtin} already belongs to another product"),
    )
}

/// Refuses a SKU or GTIN another product holds, so a client learns which one.
async fn ensure_unique(
    db: &impl ConnectionTrait,
    sku: Option<&str>,
    gtin: Option<&str>,
    except: Option<Uuid>,
) -> Result<()> {
    let mut query = Entity::find();
    if let Some(id) = except {
        query = query.filter(Column::Id.ne(id));
    }
    if let Some(sku) = sku
        && query
            .clone()
            .filter(Column::Sku.eq(sku))
            .one(db)
            .await?
            .is_some()
    {
        return Err(sku_taken(sku));
    }
    // A UPC, an EAN and a GTIN-14 of one item are one item; a pack's GTIN names it too.
    if let Some(gtin) = gtin {
        let forms = crate::domain::gtin_forms(gtin);
        let mut packs = entity::product_unit::Entity::find()
            .filter(entity::product_unit::Column::Gtin.is_in(forms.clone()));
        if let Some(id) = except {
            packs = packs.filter(entity::product_unit::Column::ProductId.ne(id));
        }
        if query
            .filter(Column::Gtin.is_in(forms))
            .one(db)
            .await?
            .is_some()
            || packs.one(db).await?.is_some()
        {
            return Err(gtin_taken(gtin));
        }
    }
    Ok(())
}

/// Each supplier named must be a live organization of kind SUPPLIER, named once.
async fn check_suppliers(db: &impl ConnectionTrait, suppliers: &[ProductSupplier]) -> Result<()> {
    for (i, s) in suppliers.iter().enumerate() {
        let index = i.to_string();
        let field = ["input", "suppliers", index.as_str(), "supplierId"];
        if suppliers[..i]
            .iter()
            .any(|o| o.supplier_id == s.supplier_id)
        {
            return Err(Error::user(
                &field,
                ErrorCode::Taken,
                "this supplier is named twice",
            ));
        }
        let org = organization::Entity::find_by_id(s.supplier_id)
            .one(db)
            .await?
            .filter(|o| o.archived_at.is_none())
            .ok_or_else(|| {
                Error::user(&field, ErrorCode::NotFound, "no organization has this id")
            })?;
        if org.kind != OrganizationKind::Supplier {
            return Err(Error::user(
                &field,
                ErrorCode::NotAllowed,
                format!("{} is not a supplier", org.code),
            ));
        }
    }
    Ok(())
}

async fn replace_suppliers(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    suppliers: &[ProductSupplier],
) -> Result<()> {
    product_supplier::Entity::delete_many()
        .filter(product_supplier::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if suppliers.is_empty() {
        return Ok(());
    }
    let at = now();
    product_supplier::Entity::insert_many(suppliers.iter().map(|s| {
        product_supplier::ActiveModel {
            product_id: Set(product_id),
            supplier_id: Set(s.supplier_id),
            supplier_part_number: Set(s.part_number.clone()),
            created_at: Set(at),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(db, principal, new), fields(sku = %new.sku))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewProduct,
) -> Result<product::Model> {
    principal.ensure_can_manage_catalog()?;
    ensure_unique(db, Some(&new.sku), new.gtin.as_deref(), None).await?;
    check_suppliers(db, &new.suppliers).await?;
    let at = now();
    let id = Uuid::now_v7();
    let created = product::ActiveModel {
        id: Set(id),
        sku: Set(new.sku),
        name_key: Set(sort_key(&new.name)),
        name: Set(new.name),
        gtin: Set(new.gtin),
        product_line: Set(new.product_line),
        unit: Set(new.unit),
        list_price: Set(new.list_price.amount.into()),
        currency: Set(new.list_price.currency.code().to_owned()),
        tax_rate: Set(new.tax_rate.into()),
        standard_cost: Set(new.standard_cost.map(Into::into)),
        status: Set(new.status),
        description: Set(new.description),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    replace_suppliers(db, id, &new.suppliers).await?;
    crate::changes::recorded::<entity::product::Entity>(
        db,
        principal,
        crate::audit::Action::ProductCreate,
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
    changes: ProductChanges,
) -> Result<product::Model> {
    principal.ensure_can_manage_catalog()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let gtin = changes.gtin.clone().apply(current.gtin.clone());
    ensure_unique(db, None, gtin.as_deref(), Some(id)).await?;
    if let Some(suppliers) = &changes.suppliers {
        check_suppliers(db, suppliers).await?;
    }
    let mut row: product::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        row.name_key = Set(sort_key(&name));
        row.name = Set(name);
    }
    row.gtin = Set(gtin);
    if let Some(line) = changes.product_line {
        row.product_line = Set(line);
    }
    if let Some(price) = changes.list_price {
        row.list_price = Set(price.amount.into());
        row.currency = Set(price.currency.code().to_owned());
    }
    if let Some(status) = changes.status {
        row.status = Set(status);
    }
    if let Some(rate) = changes.tax_rate {
        row.tax_rate = Set(rate.into());
    }
    row.standard_cost = Set(changes
        .standard_cost
        .apply(current.standard_cost.map(Into::into))
        .map(Into::into));
    row.description = Set(changes.description.apply(current.description));
    let saved = save_versioned::<Entity>(db, row, id, version).await?;
    if let Some(suppliers) = &changes.suppliers {
        replace_suppliers(db, id, suppliers).await?;
    }
    crate::changes::recorded::<entity::product::Entity>(
        db,
        principal,
        crate::audit::Action::ProductUpdate,
        Some(&before),
        &saved,
    )
    .await?;
    Ok(saved)
}

/// The suppliers of each product, as far as the principal may see them: staff see all, a
/// supplier only itself, a buying partner none (who makes the brand's products is the
/// brand's business).
pub async fn suppliers_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    product_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product_supplier::Model>>> {
    principal.ensure_can_read_catalog()?;
    let rows = product_supplier::Entity::find()
        .filter(product_supplier::Column::ProductId.is_in(product_ids.iter().copied()))
        .filter(principal.owned_by_visible(product_supplier::Column::SupplierId))
        .order_by_asc(product_supplier::Column::CreatedAt)
        .order_by_asc(product_supplier::Column::SupplierId)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |s| s.product_id))
}

/// The specifications of each product, as far as the principal may see them.
pub async fn specs_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    product_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product_spec::Model>>> {
    principal.ensure_can_read_catalog()?;
    let rows = product_spec::Entity::find()
        .filter(product_spec::Column::ProductId.is_in(product_ids.iter().copied()))
        .filter(principal.visible_specs(product_spec::Column::ProductId))
        .order_by_asc(product_spec::Column::CreatedAt)
        .order_by_asc(product_spec::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |s| s.product_id))
}

pub async fn specs_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, product_spec::Model>> {
    principal.ensure_can_read_catalog()?;
    store::by_ids::<product_spec::Entity>(
        db,
        ids,
        principal.visible_specs(product_spec::Column::ProductId),
    )
    .await
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn spec_create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewSpec,
) -> Result<product_spec::Model> {
    principal.ensure_can_manage_catalog()?;
    Entity::find_by_id(new.product_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "productId"],
                ErrorCode::NotFound,
                "no product has this id",
            )
        })?;
    let at = now();
    let created = product_spec::ActiveModel {
        id: Set(Uuid::now_v7()),
        product_id: Set(new.product_id),
        kind: Set(new.kind),
        name: Set(new.name),
        value: Set(new.value),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    crate::changes::recorded::<entity::product_spec::Entity>(
        db,
        principal,
        crate::audit::Action::ProductSpecCreate,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip(db, principal, name, value))]
pub async fn spec_update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    name: Option<String>,
    value: Option<String>,
) -> Result<product_spec::Model> {
    principal.ensure_can_manage_catalog()?;
    let current =
        store::for_change::<product_spec::Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let mut row: product_spec::ActiveModel = current.into();
    if let Some(name) = name {
        row.name = Set(name);
    }
    if let Some(value) = value {
        row.value = Set(value);
    }
    let saved = crate::changes::save::<product_spec::Entity>(
        db,
        principal,
        crate::audit::Action::ProductSpecUpdate,
        &before,
        row,
    )
    .await?;
    Ok(saved)
}
