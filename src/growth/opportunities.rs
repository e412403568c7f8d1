//! Opportunities: what the brand (or a partner, through deal registration) may sell to an
//! organization, with its stage, amount, expected close and owner. WON and LOST are final.

use std::collections::HashMap;

use entity::enums::{OpportunityStage, OrderStatus};
use entity::opportunity::{self, Column, Entity};
use entity::{campaign, order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{NewOpportunity, OpportunityChanges, OpportunityFilter};
use crate::access::{Principal, Reach, Records};
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::relationship::own_side_user;
use crate::store::{self, now};

impl Keyed for opportunity::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Due | SortKey::Name => SortValue::Date(self.expected_close_on),
            SortKey::CreatedAt => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Due | SortKey::Name => Column::ExpectedCloseOn,
        SortKey::CreatedAt => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

/// The brand's pipeline is its own; a partner sees the opportunities of its registered deals.
/// A partner user's roles narrow that (PARTNER_SALES: those they own, and those of the
/// deals they registered).
pub fn visible(principal: &Principal) -> Condition {
    let reach = match principal.reach(Records::Leads) {
        Reach::Own(user) => {
            let of_their_deals = entity::deal_registration::Entity::find()
                .select_only()
                .column(entity::deal_registration::Column::OpportunityId)
                .filter(entity::deal_registration::Column::RegisteredBy.eq(user))
                .filter(entity::deal_registration::Column::OpportunityId.is_not_null())
                .into_query();
            Condition::any()
                .add(Column::OwnerId.eq(user))
                .add(Column::Id.in_subquery(of_their_deals))
        }
        _ => principal.within_reach(Records::Leads, Column::OwnerId),
    };
    principal
        .owned_by_self(Column::AuthorOrganizationId)
        .add(reach)
}

fn filter_condition(filter: &OpportunityFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(org) = filter.organization_id {
        cond = cond.add(Column::OrganizationId.eq(org));
    }
    if let Some(owner) = filter.owner_id {
        cond = cond.add(Column::OwnerId.eq(owner));
    }
    if let Some(campaign) = filter.campaign_id {
        cond = cond.add(Column::CampaignId.eq(campaign));
    }
    if !filter.stages.is_empty() {
        cond = cond.add(Column::Stage.is_in(filter.stages.iter().copied()));
    }
    if let Some(day) = filter.closing_before {
        cond = cond.add(Column::ExpectedCloseOn.lt(day));
    }
    cond
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, opportunity::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// The opportunities `filter` matches that the principal may see, unordered: the statement
/// of [`list`] before it is paged, for a compiled read.
pub fn listing(
    principal: &Principal,
    filter: &OpportunityFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_crm()?;
    Ok(sea_orm::QueryTrait::into_query(
        Entity::find().filter(filter_condition(filter).add(visible(principal))),
    ))
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OpportunityFilter,
    page: &PageRequest,
) -> Result<Page<opportunity::Model>> {
    principal.ensure_can_read_crm()?;
    store::page_where::<Entity>(
        db,
        filter_condition(filter).add(visible(principal)),
        page,
        sort_column(page.sort.key),
        Column::Id,
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OpportunityFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter).add(visible(principal))).await
}

/// The campaign an opportunity is attributed to; its money is counted in the campaign's
/// currency, so the two must agree.
async fn campaign_for(
    db: &impl ConnectionTrait,
    id: Uuid,
    currency: &str,
) -> Result<campaign::Model> {
    let found = campaign::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "campaignId"],
                ErrorCode::NotFound,
                "no campaign has this campaignId",
            )
        })?;
    if found.currency != currency {
        return Err(Error::user(
            &["input", "amount", "currency"],
            ErrorCode::CurrencyMismatch,
            format!(
                "campaign {} counts in {}; the amount is in {currency}",
                found.code, found.currency
            ),
        ));
    }
    Ok(found)
}

fn ensure_open_stage(stage: OpportunityStage) -> Result<()> {
    if matches!(stage, OpportunityStage::Won | OpportunityStage::Lost) {
        return Err(Error::user(
            &["input", "stage"],
            ErrorCode::IllegalTransition,
            "an opportunity is won with opportunityWin and lost with opportunityLose",
        ));
    }
    Ok(())
}

/// Creates one of the brand's opportunities; also used by lead conversion and deal
/// registration, with the lead or the partner given.
pub async fn insert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewOpportunity,
    lead_id: Option<Uuid>,
    author: Option<Uuid>,
) -> Result<opportunity::Model> {
    if let Some(campaign) = new.campaign_id {
        campaign_for(db, campaign, new.amount.currency.code()).await?;
    }
    let at = now();
    let row = opportunity::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(new.name),
        organization_id: Set(new.organization_id),
        author_organization_id: Set(author),
        owner_id: Set(new.owner_id),
        stage: Set(new.stage),
        amount: Set(new.amount.amount.into()),
        currency: Set(new.amount.currency.code().to_owned()),
        expected_close_on: Set(new.expected_close_on),
        campaign_id: Set(new.campaign_id),
        lead_id: Set(lead_id),
        order_id: Set(None),
        lost_reason: Set(None),
        closed_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(db, principal, Action::OpportunityCreate, row).await
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    mut new: NewOpportunity,
) -> Result<opportunity::Model> {
    principal.ensure_can_sell()?;
    ensure_open_stage(new.stage)?;
    live_organization(db, principal, new.organization_id, "organizationId").await?;
    new.owner_id = match new.owner_id {
        Some(owner) => Some(own_side_user(db, principal, owner, &["ownerId"]).await?.id),
        None => principal.user_id(),
    };
    insert(db, principal, new, None, None).await
}

async fn open_for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    step: &str,
) -> Result<opportunity::Model> {
    principal.ensure_can_sell()?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    if matches!(
        current.stage,
        OpportunityStage::Won | OpportunityStage::Lost
    ) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the opportunity is {}; it cannot be {step}",
                if current.stage == OpportunityStage::Won {
                    "won"
                } else {
                    "lost"
                }
            ),
        ));
    }
    Ok(current)
}

async fn save(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    before: &opportunity::Model,
    row: opportunity::ActiveModel,
) -> Result<opportunity::Model> {
    crate::changes::save::<Entity>(db, principal, action, before, row).await
}

#[tracing::instrument(skip(db, principal, changes))]
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: OpportunityChanges,
) -> Result<opportunity::Model> {
    let current = open_for_change(db, principal, id, version, "changed").await?;
    if let Some(stage) = changes.stage {
        ensure_open_stage(stage)?;
    }
    if let Some(owner) = changes.owner_id {
        own_side_user(db, principal, owner, &["ownerId"]).await?;
    }
    let mut row: opportunity::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(stage) = changes.stage {
        row.stage = Set(stage);
    }
    if let Some(amount) = changes.amount {
        row.amount = Set(amount.into());
    }
    if let Some(day) = changes.expected_close_on {
        row.expected_close_on = Set(day);
    }
    if let Some(owner) = changes.owner_id {
        row.owner_id = Set(Some(owner));
    }
    save(db, principal, Action::OpportunityUpdate, &current, row).await
}

/// Wins an opportunity, with the order it became if any: the order must be the
/// organization's, in the opportunity's currency, and not cancelled or rejected. Its net
/// total then counts as the revenue won.
#[tracing::instrument(skip(db, principal))]
pub async fn win(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    order_id: Option<Uuid>,
) -> Result<opportunity::Model> {
    let current = open_for_change(db, principal, id, version, "won").await?;
    if let Some(order_id) = order_id {
        let found = order::Entity::find_by_id(order_id)
            .filter(principal.visible_orders())
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::user(
                    &["input", "orderId"],
                    ErrorCode::NotFound,
                    "no order has this orderId",
                )
            })?;
        if found.buyer_id != current.organization_id {
            return Err(Error::user(
                &["input", "orderId"],
                ErrorCode::NotAllowed,
                format!(
                    "order {} was not placed by the opportunity's organization",
                    found.number
                ),
            ));
        }
        if found.currency != current.currency {
            return Err(Error::user(
                &["input", "orderId"],
                ErrorCode::CurrencyMismatch,
                format!(
                    "order {} is in {}; the opportunity in {}",
                    found.number, found.currency, current.currency
                ),
            ));
        }
        if found.status == OrderStatus::Cancelled {
            return Err(Error::user(
                &["input", "orderId"],
                ErrorCode::NotAllowed,
                format!("order {} was cancelled", found.number),
            ));
        }
    }
    let mut row: opportunity::ActiveModel = current.clone().into();
    row.stage = Set(OpportunityStage::Won);
    row.order_id = Set(order_id);
    row.closed_at = Set(Some(now()));
    save(db, principal, Action::OpportunityWin, &current, row).await
}

#[tracing::instrument(skip(db, principal, reason))]
pub async fn lose(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<opportunity::Model> {
    let current = open_for_change(db, principal, id, version, "lost").await?;
    let mut row: opportunity::ActiveModel = current.clone().into();
    row.stage = Set(OpportunityStage::Lost);
    row.lost_reason = Set(Some(reason));
    row.closed_at = Set(Some(now()));
    save(db, principal, Action::OpportunityLose, &current, row).await
}
