//! The demo's replenishment, through the same services the API uses:
//! - the Gold tier's policy: 4 weeks of supply, 10 days' lead time, reviewed on Mondays and
//!   Thursdays;
//! - DIST-001's own policy for HP-100: cartons of 6, at least 12;
//! - DIST-001's proposal to aim for 5 weeks of every product, waiting for the brand;
//! - DIST-001 enrolled for replenishment proposals, with today's stock count (a few of each
//!   product, none of HP-100) and a proposal from it waiting in its portal;
//! - the brand's own stock count today (20 heat pumps, 40 of everything else), and the
//!   heat pumps' supplier committing 15 a week for the next four weeks: its forecast shows
//!   both, and a purchase proposal to that supplier for the next eight weeks waits for the
//!   brand's planners.
//!
//! DIST-001's demand forecasts come from the monthly sell-through the trade demo reports.

use chrono::Weekday;
use entity::enums::UserRole;
use entity::{partner_tier, product, user};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, Result};
use crate::replenishment::policies::{self, Fields, NewPolicy, Scope};
use crate::replenishment::policy_proposals::{self, NewProposal};

pub async fn demo(
    db: &impl ConnectionTrait,
    distributors: &[(Uuid, &str)],
    portal_email: &str,
) -> Result<()> {
    let system = Principal::System;
    let dist = distributors[0].0;
    let gold = partner_tier::Entity::find()
        .filter(partner_tier::Column::Code.eq("GOLD"))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo's Gold tier is missing".into()))?;
    let heat_pump = product::Entity::find()
        .filter(product::Column::Sku.eq("HP-100"))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo's HP-100 is missing".into()))?;
    policies::create(
        db,
        &system,
        NewPolicy {
            scope: Scope::Tier(gold.id),
            product: None,
            fields: Fields {
                target_weeks: Some(Decimal::from(4)),
                lead_time_days: Some(10),
                review_days: Some(vec![Weekday::Mon, Weekday::Thu]),
                ..Default::default()
            },
        },
    )
    .await?;
    policies::create(
        db,
        &system,
        NewPolicy {
            scope: Scope::Partner(dist),
            product: Some(heat_pump.id),
            fields: Fields {
                order_multiple: Some(Decimal::from(6)),
                min_quantity: Some(Decimal::from(12)),
                ..Default::default()
            },
        },
    )
    .await?;
    let portal = user::Entity::find()
        .filter(user::Column::Email.eq(portal_email))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo portal user is missing".into()))?;
    let buyer = Principal::Partner {
        user_id: portal.id,
        roles: entity::roles::Roles::of([UserRole::PartnerManager]),
        organization_id: dist,
    };
    policy_proposals::propose(
        db,
        &buyer,
        NewProposal {
            product: None,
            fields: Fields {
                target_weeks: Some(Decimal::from(5)),
                ..Default::default()
            },
            note: Some("The spring season starts early in the north".into()),
        },
    )
    .await?;
    proposals(db, dist).await?;
    supply(db, heat_pump.id).await
}

/// The brand counts its stock; the heat pumps' supplier commits four weeks.
async fn supply(db: &impl ConnectionTrait, heat_pump: Uuid) -> Result<()> {
    use crate::replenishment::supply::{self, NewCommitment, WeekCommitment};
    use crate::reports::service::{InventoryLine, NewInventoryReport, submit_inventory};
    let system = Principal::System;
    let brand = crate::orders::queries::brand_id(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo has no brand".into()))?;
    let lines = product::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| InventoryLine {
            on_hand: Decimal::from(if p.id == heat_pump { 20 } else { 40 }),
            sku: p.sku,
            on_order: None,
        })
        .collect();
    let today = crate::store::now().date_naive();
    submit_inventory(
        db,
        &system,
        NewInventoryReport {
            organization_id: Some(brand),
            as_of: today,
            lines,
        },
    )
    .await?;
    let maker = entity::product_supplier::Entity::find()
        .filter(entity::product_supplier::Column::ProductId.eq(heat_pump))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the demo's HP-100 has no supplier".into()))?;
    let monday = crate::replenishment::forecast::week_of(today);
    supply::commit(
        db,
        &system,
        NewCommitment {
            supplier: Some(maker.supplier_id),
            product: heat_pump,
            weeks: (0..4)
                .map(|k| WeekCommitment {
                    week: monday + chrono::Days::new(7 * k),
                    quantity: Decimal::from(15),
                })
                .collect(),
            note: Some("Two shifts until the new year".into()),
        },
    )
    .await?;
    crate::replenishment::purchase::propose(
        db,
        &system,
        maker.supplier_id,
        crate::replenishment::purchase::DEFAULT_HORIZON_WEEKS,
    )
    .await?;
    Ok(())
}

/// DIST-001 counts its stock today and is enrolled for proposals: one waits in its portal.
async fn proposals(db: &impl ConnectionTrait, dist: Uuid) -> Result<()> {
    use crate::replenishment::proposals::{self, Asked};
    use crate::reports::service::{InventoryLine, NewInventoryReport, submit_inventory};
    use entity::enums::{ReplenishmentMode, ReplenishmentTrigger};
    let system = Principal::System;
    let catalog = product::Entity::find().all(db).await?;
    let lines = catalog
        .iter()
        .enumerate()
        .map(|(i, p)| InventoryLine {
            sku: p.sku.clone(),
            on_hand: if p.sku == "HP-100" {
                Decimal::ZERO
            } else {
                Decimal::from(2 + (i as i64 * 7) % 11)
            },
            on_order: None,
        })
        .collect();
    submit_inventory(
        db,
        &system,
        NewInventoryReport {
            organization_id: Some(dist),
            as_of: crate::store::now().date_naive(),
            lines,
        },
    )
    .await?;
    proposals::enrol(db, &system, Some(dist), ReplenishmentMode::Proposals, None).await?;
    proposals::propose(
        db,
        &system,
        dist,
        Asked {
            trigger: ReplenishmentTrigger::Requested,
            only_if_needed: false,
        },
    )
    .await?;
    Ok(())
}
