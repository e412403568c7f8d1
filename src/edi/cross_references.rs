//! Cross-references: a trading partner's own words for ours. Item references translate its
//! buyer's part numbers (`BP`), item numbers (`IN`) and catalogue numbers (`CB`) to our
//! products; location references translate its own store and warehouse codes (`92`
//! buyer-assigned, `91` seller-assigned) to its addresses. Staff keep them, in bulk: one
//! request sets and removes up to a thousand in one transaction.

use std::collections::{HashMap, HashSet};

use entity::{address, edi_item_reference, edi_location_reference, organization, product};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::partners::ensure_can_set_up;
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::{self, now};

/// Most references one request may set or remove.
pub const MAX_REFERENCES: usize = 1000;

/// An item reference to set: the partner's qualifier and code, and our SKU.
#[derive(Clone, Debug)]
pub struct ItemReference {
    pub qualifier: String,
    pub code: String,
    pub sku: String,
}

/// A location reference to set: the partner's qualifier and code, and its address.
#[derive(Clone, Debug)]
pub struct LocationReference {
    pub qualifier: String,
    pub code: String,
    pub address_id: Uuid,
}

/// A reference to remove, by the partner's qualifier and code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub qualifier: String,
    pub code: String,
}

impl Keyed for edi_item_reference::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

impl Keyed for edi_location_reference::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

async fn partner(db: &impl ConnectionTrait, id: Uuid) -> Result<organization::Model> {
    organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| crate::orders::queries::not_found("partnerId", "organization"))
}

fn field(list: &str, i: usize, name: &str) -> [String; 4] {
    ["input".into(), list.into(), i.to_string(), name.into()]
}

fn refuse(path: [String; 4], code: ErrorCode, message: String) -> Error {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    Error::user(&path, code, message)
}

/// No code twice in one request, neither set twice nor both set and removed.
fn ensure_distinct<'a>(
    set: impl Iterator<Item = (&'a str, &'a str)>,
    removed: &[Code],
) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, (qualifier, code)) in set.enumerate() {
        let key = (qualifier.to_owned(), code.to_owned());
        if !seen.insert(key)
            || removed
                .iter()
                .any(|r| r.qualifier == qualifier && r.code == code)
        {
            return Err(refuse(
                field("references", i, "code"),
                ErrorCode::Taken,
                format!("{qualifier} `{code}` is named twice in this request"),
            ));
        }
    }
    Ok(())
}

/// The partner's codes among `codes`, as one flat `IN` on the code (the qualifier is
/// matched in Rust): a thousand codes make one list, not a thousand nested conditions.
fn codes_in<C: ColumnTrait>(code: C, codes: &[Code]) -> Condition {
    let mut values: Vec<String> = codes.iter().map(|c| c.code.clone()).collect();
    values.sort_unstable();
    values.dedup();
    Condition::all().add(code.is_in(values))
}

/// What to write so that a partner's references hold `set` (code to target) and lose
/// `remove`, given those of its references that name any of those codes (`existing`: id,
/// qualifier, code, target): targets to change, codes to add, rows to delete.
struct Plan {
    change: Vec<(Uuid, Uuid)>,
    add: Vec<(String, String, Uuid)>,
    delete: Vec<Uuid>,
}

fn plan(
    existing: &[(Uuid, &str, &str, Uuid)],
    set: &[(&str, &str, Uuid)],
    remove: &[Code],
) -> Plan {
    let by_code: HashMap<(&str, &str), (Uuid, Uuid)> = existing
        .iter()
        .map(|(id, q, c, target)| ((*q, *c), (*id, *target)))
        .collect();
    let mut out = Plan {
        change: Vec::new(),
        add: Vec::new(),
        delete: Vec::new(),
    };
    for (q, c, target) in set {
        match by_code.get(&(*q, *c)) {
            Some((_, now)) if now == target => {}
            Some((id, _)) => out.change.push((*id, *target)),
            None => out.add.push(((*q).to_owned(), (*c).to_owned(), *target)),
        }
    }
    for r in remove {
        if let Some((id, _)) = by_code.get(&(r.qualifier.as_str(), r.code.as_str())) {
            out.delete.push(*id);
        }
    }
    out
}

/// Writes a plan to a reference table in at most three statements, whatever its size: one
/// delete, one update of every changed target (a `CASE` on the id), one insert; `row`
/// makes an added row from its qualifier, code, target and time.
async fn write<E>(
    db: &impl ConnectionTrait,
    plan: Plan,
    id: E::Column,
    target: E::Column,
    updated_at: E::Column,
    row: impl Fn(String, String, Uuid, chrono::DateTime<chrono::Utc>) -> E::ActiveModel,
) -> Result<()>
where
    E: EntityTrait,
    E::ActiveModel: Send,
{
    let at = now();
    if !plan.delete.is_empty() {
        E::delete_many()
            .filter(id.is_in(plan.delete))
            .exec(db)
            .await?;
    }
    if !plan.change.is_empty() {
        let ids: Vec<Uuid> = plan.change.iter().map(|(row, _)| *row).collect();
        let targets = plan
            .change
            .iter()
            .fold(CaseStatement::new(), |case, (row, to)| {
                case.case(id.eq(*row), Expr::value(*to))
            })
            .finally(target.into_expr());
        E::update_many()
            .col_expr(target, targets.into())
            .col_expr(updated_at, Expr::value(at))
            .filter(id.is_in(ids))
            .exec(db)
            .await?;
    }
    if !plan.add.is_empty() {
        E::insert_many(
            plan.add
                .into_iter()
                .map(|(qualifier, code, to)| row(qualifier, code, to, at)),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Every code a request names, set or removed.
fn named(set: impl Iterator<Item = Code>, remove: &[Code]) -> Vec<Code> {
    set.chain(remove.iter().cloned()).collect()
}

/// Sets and removes a partner's item references; returns how many it has now.
pub async fn set_items(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
    set: Vec<ItemReference>,
    remove: Vec<Code>,
) -> Result<u64> {
    ensure_can_set_up(principal)?;
    let org = partner(db, partner_id).await?;
    ensure_distinct(
        set.iter().map(|r| (r.qualifier.as_str(), r.code.as_str())),
        &remove,
    )?;
    let skus: Vec<String> = set.iter().map(|r| r.sku.clone()).collect();
    let products: HashMap<String, Uuid> = if skus.is_empty() {
        HashMap::new()
    } else {
        product::Entity::find()
            .filter(product::Column::Sku.is_in(skus))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.sku, p.id))
            .collect()
    };
    let mut resolved = Vec::with_capacity(set.len());
    for (i, r) in set.iter().enumerate() {
        let product = products.get(&r.sku).copied().ok_or_else(|| {
            refuse(
                field("references", i, "sku"),
                ErrorCode::NotFound,
                format!("no product has SKU {}", r.sku),
            )
        })?;
        resolved.push((r, product));
    }
    use edi_item_reference::{ActiveModel, Column, Entity};
    let codes = named(
        set.iter().map(|r| Code {
            qualifier: r.qualifier.clone(),
            code: r.code.clone(),
        }),
        &remove,
    );
    let rows = Entity::find()
        .filter(Column::OrganizationId.eq(org.id))
        .filter(codes_in(Column::Code, &codes))
        .all(db)
        .await?;
    let existing: Vec<_> = rows
        .iter()
        .map(|r| (r.id, r.qualifier.as_str(), r.code.as_str(), r.product_id))
        .collect();
    let wanted: Vec<_> = resolved
        .iter()
        .map(|(r, product)| (r.qualifier.as_str(), r.code.as_str(), *product))
        .collect();
    write::<Entity>(
        db,
        plan(&existing, &wanted, &remove),
        Column::Id,
        Column::ProductId,
        Column::UpdatedAt,
        |qualifier, code, product, at| ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.id),
            qualifier: Set(qualifier),
            code: Set(code),
            product_id: Set(product),
            created_at: Set(at),
            updated_at: Set(at),
        },
    )
    .await?;
    record(db, principal, org.id, "items", set.len(), remove.len()).await?;
    Ok(edi_item_reference::Entity::find()
        .filter(edi_item_reference::Column::OrganizationId.eq(org.id))
        .count(db)
        .await?)
}

/// Sets and removes a partner's location references; returns how many it has now.
pub async fn set_locations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
    set: Vec<LocationReference>,
    remove: Vec<Code>,
) -> Result<u64> {
    ensure_can_set_up(principal)?;
    let org = partner(db, partner_id).await?;
    ensure_distinct(
        set.iter().map(|r| (r.qualifier.as_str(), r.code.as_str())),
        &remove,
    )?;
    let ids: Vec<Uuid> = set.iter().map(|r| r.address_id).collect();
    let addresses: HashSet<Uuid> = if ids.is_empty() {
        HashSet::new()
    } else {
        address::Entity::find()
            .filter(address::Column::Id.is_in(ids))
            .filter(address::Column::OrganizationId.eq(org.id))
            .filter(address::Column::ArchivedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    for (i, r) in set.iter().enumerate() {
        if !addresses.contains(&r.address_id) {
            return Err(refuse(
                field("references", i, "addressId"),
                ErrorCode::NotFound,
                format!("{} has no such address", org.code),
            ));
        }
    }
    use edi_location_reference::{ActiveModel, Column, Entity};
    let codes = named(
        set.iter().map(|r| Code {
            qualifier: r.qualifier.clone(),
            code: r.code.clone(),
        }),
        &remove,
    );
    let rows = Entity::find()
        .filter(Column::OrganizationId.eq(org.id))
        .filter(codes_in(Column::Code, &codes))
        .all(db)
        .await?;
    let existing: Vec<_> = rows
        .iter()
        .map(|r| (r.id, r.qualifier.as_str(), r.code.as_str(), r.address_id))
        .collect();
    let wanted: Vec<_> = set
        .iter()
        .map(|r| (r.qualifier.as_str(), r.code.as_str(), r.address_id))
        .collect();
    write::<Entity>(
        db,
        plan(&existing, &wanted, &remove),
        Column::Id,
        Column::AddressId,
        Column::UpdatedAt,
        |qualifier, code, address, at| ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.id),
            qualifier: Set(qualifier),
            code: Set(code),
            address_id: Set(address),
            created_at: Set(at),
            updated_at: Set(at),
        },
    )
    .await?;
    record(db, principal, org.id, "locations", set.len(), remove.len()).await?;
    Ok(edi_location_reference::Entity::find()
        .filter(edi_location_reference::Column::OrganizationId.eq(org.id))
        .count(db)
        .await?)
}

/// The audit record of a bulk change: how many were set and removed.
async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner: Uuid,
    kind: &str,
    set: usize,
    removed: usize,
) -> Result<()> {
    crate::audit::record_changes(
        db,
        principal,
        crate::audit::Action::EdiCrossReferencesSet,
        Some(partner),
        serde_json::json!({
            "kind": { "before": null, "after": kind },
            "set": { "before": null, "after": set },
            "removed": { "before": null, "after": removed },
        }),
    )
    .await
}

/// A page of a partner's item references: staff only.
pub async fn items(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
    page: &PageRequest,
) -> Result<Page<edi_item_reference::Model>> {
    ensure_can_set_up(principal)?;
    store::page_of(
        db,
        edi_item_reference::Entity::find()
            .filter(edi_item_reference::Column::OrganizationId.eq(partner_id)),
        page,
        Expr::col((
            edi_item_reference::Entity,
            edi_item_reference::Column::CreatedAt,
        )),
        Expr::col((edi_item_reference::Entity, edi_item_reference::Column::Id)),
    )
    .await
}

/// How many item references a partner has.
pub async fn item_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
) -> Result<u64> {
    ensure_can_set_up(principal)?;
    Ok(edi_item_reference::Entity::find()
        .filter(edi_item_reference::Column::OrganizationId.eq(partner_id))
        .count(db)
        .await?)
}

/// A page of a partner's location references: staff only.
pub async fn locations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
    page: &PageRequest,
) -> Result<Page<edi_location_reference::Model>> {
    ensure_can_set_up(principal)?;
    store::page_of(
        db,
        edi_location_reference::Entity::find()
            .filter(edi_location_reference::Column::OrganizationId.eq(partner_id)),
        page,
        Expr::col((
            edi_location_reference::Entity,
            edi_location_reference::Column::CreatedAt,
        )),
        Expr::col((
            edi_location_reference::Entity,
            edi_location_reference::Column::Id,
        )),
    )
    .await
}

/// How many location references a partner has.
pub async fn location_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    partner_id: Uuid,
) -> Result<u64> {
    ensure_can_set_up(principal)?;
    Ok(edi_location_reference::Entity::find()
        .filter(edi_location_reference::Column::OrganizationId.eq(partner_id))
        .count(db)
        .await?)
}
