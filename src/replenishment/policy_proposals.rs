//! A distributor proposes changes to its own replenishment policy, for every product or one:
//! the fields it would set. The brand accepts them into the policy (which is made where there
//! is none) or rejects them with a reason.

use std::collections::HashMap;

use entity::enums::{OrganizationKind, ProposalStatus};
use entity::replenishment_policy_proposal::{self as proposal, Column, Entity, Model};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::policies::{self, Fields};
use crate::access::{Principal, Records};
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::money::stored;
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// A change a distributor proposes.
#[derive(Clone, Debug)]
pub struct NewProposal {
    pub product: Option<Uuid>,
    pub fields: Fields,
    pub note: Option<String>,
}

/// The fields a proposal would set.
pub fn fields_of(row: &Model) -> Fields {
    Fields {
        target_weeks: row.target_weeks.map(stored),
        min_quantity: row.min_quantity.map(stored),
        max_quantity: row.max_quantity.map(stored),
        order_multiple: row.order_multiple.map(stored),
        lead_time_days: row.lead_time_days,
        review_days: row.review_days.as_deref().map(policies::weekdays),
    }
}

/// A distributor's member who may order proposes for its own company.
pub async fn propose(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewProposal,
) -> Result<Model> {
    principal.ensure_can_trade()?;
    let Some(own) = principal
        .partner_organization()
        .filter(|_| principal.is_restricted())
    else {
        return Err(Error::Forbidden(
            "a distributor proposes changes to its own policy; the brand changes policies directly"
                .into(),
        ));
    };
    let kind = entity::organization::Entity::find_by_id(own)
        .one(db)
        .await?
        .map(|o| o.kind);
    if kind != Some(OrganizationKind::Distributor) {
        return Err(Error::Forbidden(
            "replenishment is planned for distributors".into(),
        ));
    }
    if let Some(product) = new.product {
        entity::product::Entity::find_by_id(product)
            .filter(principal.visible_products())
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::user(
                    &["input", "productId"],
                    ErrorCode::NotFound,
                    "no such product",
                )
            })?;
    }
    let at = now();
    let f = &new.fields;
    let row = proposal::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_id: Set(own),
        product_id: Set(new.product),
        target_weeks: Set(f.target_weeks.map(Into::into)),
        min_quantity: Set(f.min_quantity.map(Into::into)),
        max_quantity: Set(f.max_quantity.map(Into::into)),
        order_multiple: Set(f.order_multiple.map(Into::into)),
        lead_time_days: Set(f.lead_time_days),
        review_days: Set(f.review_days.as_deref().map(policies::weekday_list)),
        note: Set(new.note),
        status: Set(ProposalStatus::Pending),
        proposed_by: Set(principal.user_id()),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
        policy_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let created = row.insert(db).await?;
    crate::changes::recorded::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyPropose,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

fn decided_already(row: &Model) -> Error {
    let word = match row.status {
        ProposalStatus::Pending => "waiting",
        ProposalStatus::Approved => "accepted",
        ProposalStatus::Rejected => "rejected",
    };
    Error::user(
        &["input", "id"],
        ErrorCode::Conflict,
        format!("the proposal is {word} already"),
    )
}

/// The brand accepts a proposal: its fields are set over the distributor's policy for the
/// scope, in the same transaction.
pub async fn accept(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<Model> {
    policies::ensure_sets_policies(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != ProposalStatus::Pending {
        return Err(decided_already(&current));
    }
    policies::distributor(db, current.partner_id, &["input", "id"]).await?;
    let policy = policies::apply(
        db,
        principal,
        current.partner_id,
        current.product_id,
        &fields_of(&current),
    )
    .await?;
    let before = current.clone();
    let mut row: proposal::ActiveModel = current.into();
    row.status = Set(ProposalStatus::Approved);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.policy_id = Set(Some(policy.id));
    crate::changes::save::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyAccept,
        &before,
        row,
    )
    .await
}

/// The brand rejects a proposal, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<Model> {
    policies::ensure_sets_policies(principal)?;
    let current = store::for_update::<Entity>(db, id, version, Condition::all()).await?;
    if current.status != ProposalStatus::Pending {
        return Err(decided_already(&current));
    }
    let before = current.clone();
    let mut row: proposal::ActiveModel = current.into();
    row.status = Set(ProposalStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.reason = Set(Some(reason));
    crate::changes::save::<Entity>(
        db,
        principal,
        Action::ReplenishmentPolicyReject,
        &before,
        row,
    )
    .await
}

/// Staff see every proposal; a distributor its own, as far as its member reaches its orders
/// (all of them, or those the member proposed).
fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.owned_by_self(Column::PartnerId))
        .add(principal.within_reach(Records::Orders, Column::ProposedBy))
}

/// Which proposals a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub partner_id: Option<Uuid>,
    pub status: Option<ProposalStatus>,
}

fn proposals(principal: &Principal, filter: &Filter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_orders()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(partner) = filter.partner_id {
        query = query.filter(Column::PartnerId.eq(partner));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Proposals, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
    page: &PageRequest,
) -> Result<Page<Model>> {
    store::page_of(
        db,
        proposals(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &Filter,
) -> Result<u64> {
    Ok(proposals(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

impl Recorded for Entity {
    fn id_of(model: &Model) -> Uuid {
        model.id
    }
}
