//! The packs a product also comes in: a case of 12, a box of 6, each with its own GTIN when
//! it has one. Trading partners order in them (an 850's `CA` against our `EA`); the order
//! keeps the product's own unit and counts the packs in it.

use std::collections::HashMap;

use entity::{product, product_unit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::store::{self, now};

/// A pack to set: its unit code, how many of the product's unit it holds, and its GTIN.
#[derive(Clone, Debug)]
pub struct NewPack {
    pub unit: entity::enums::UnitOfMeasure,
    pub quantity: i32,
    pub gtin: Option<String>,
}

/// The packs of each product; anyone who reads the catalog.
pub async fn packs_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    product_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product_unit::Model>>> {
    principal.ensure_can_read_catalog()?;
    let rows = product_unit::Entity::find()
        .filter(product_unit::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_unit::Column::Quantity)
        .order_by_asc(product_unit::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |p| p.product_id))
}

fn pack_field(i: usize, name: &str) -> Vec<String> {
    vec!["input".into(), "packs".into(), i.to_string(), name.into()]
}

fn refuse(field: Vec<String>, code: ErrorCode, message: String) -> Error {
    let field: Vec<&str> = field.iter().map(String::as_str).collect();
    Error::user(&field, code, message)
}

/// Replaces a product's packs: admins and managers.
pub async fn set(
    db: &impl ConnectionTrait,
    principal: &Principal,
    product_id: Uuid,
    packs: Vec<NewPack>,
) -> Result<Vec<product_unit::Model>> {
    principal.ensure_can_manage_catalog()?;
    let product = product::Entity::find_by_id(product_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::orders::queries::not_found("productId", "product"))?;
    let own = crate::orders::submit::unit_code(product.unit);
    for (i, pack) in packs.iter().enumerate() {
        let unit = crate::orders::submit::unit_code(pack.unit);
        if pack.unit == product.unit {
            return Err(refuse(
                pack_field(i, "unit"),
                ErrorCode::Invalid,
                format!("{} is sold in {own}; a pack is another unit", product.sku),
            ));
        }
        if packs[..i].iter().any(|p| p.unit == pack.unit) {
            return Err(refuse(
                pack_field(i, "unit"),
                ErrorCode::Taken,
                format!("{unit} is named twice"),
            ));
        }
        if let Some(gtin) = &pack.gtin {
            // A UPC, an EAN and a GTIN-14 of one item are one item, however it is written.
            let forms = crate::domain::gtin_forms(gtin);
            let same = |other: &Option<String>| {
                other.as_deref().and_then(crate::domain::gtin14) == crate::domain::gtin14(gtin)
            };
            let taken = product::Entity::find()
                .filter(product::Column::Gtin.is_in(forms.clone()))
                .one(db)
                .await?
                .is_some()
                || product_unit::Entity::find()
                    .filter(product_unit::Column::Gtin.is_in(forms))
                    .filter(product_unit::Column::ProductId.ne(product.id))
                    .one(db)
                    .await?
                    .is_some()
                || packs[..i].iter().any(|p| same(&p.gtin));
            if taken {
                return Err(refuse(
                    pack_field(i, "gtin"),
                    ErrorCode::Taken,
                    format!("GTIN {gtin} already names another product or pack"),
                ));
            }
        }
    }
    let before = product_unit::Entity::find()
        .filter(product_unit::Column::ProductId.eq(product.id))
        .all(db)
        .await?;
    product_unit::Entity::delete_many()
        .filter(product_unit::Column::ProductId.eq(product.id))
        .exec(db)
        .await?;
    let at = now();
    let rows: Vec<product_unit::ActiveModel> = packs
        .iter()
        .map(|p| product_unit::ActiveModel {
            id: sea_orm::Set(Uuid::now_v7()),
            product_id: sea_orm::Set(product.id),
            unit: sea_orm::Set(crate::orders::submit::unit_code(p.unit)),
            quantity: sea_orm::Set(p.quantity),
            gtin: sea_orm::Set(p.gtin.clone()),
            created_at: sea_orm::Set(at),
        })
        .collect();
    if !rows.is_empty() {
        product_unit::Entity::insert_many(rows).exec(db).await?;
    }
    let after = packs_of(db, &Principal::System, &[product.id])
        .await?
        .remove(&product.id)
        .unwrap_or_default();
    crate::audit::record_changes(
        db,
        principal,
        crate::audit::Action::ProductPacksSet,
        Some(product.id),
        serde_json::json!({ "packs": { "before": before, "after": after } }),
    )
    .await?;
    Ok(after)
}
