//! Survey responses: satisfaction (1 to 5) and likelihood to recommend (0 to 10), about a
//! case, an order or the relationship with an organization.

use std::collections::HashMap;

use entity::survey_response::{self, Column, Entity};
use entity::{case, order};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::model::{NewSurveyResponse, SurveyFilter};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::relationship::contact_at;
use crate::store::{self, now};

impl Keyed for survey_response::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::UpdatedAt => SortValue::Time(self.created_at),
            _ => SortValue::Time(self.responded_at),
        }
    }
}

fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::UpdatedAt => Column::CreatedAt,
        _ => Column::RespondedAt,
    }
}

/// Answers go with the cases: a partner user sees them as far as their roles reach cases.
pub(crate) fn visible(principal: &Principal) -> Condition {
    Condition::all()
        .add(principal.visible_records(Column::AuthorOrganizationId, Column::OrganizationId))
        .add(principal.within_reach(crate::access::Records::Cases, Column::RecordedBy))
}

fn filter_condition(filter: &SurveyFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(org) = filter.organization_id {
        cond = cond.add(Column::OrganizationId.eq(org));
    }
    if let Some(case) = filter.case_id {
        cond = cond.add(Column::CaseId.eq(case));
    }
    if let Some(order) = filter.order_id {
        cond = cond.add(Column::OrderId.eq(order));
    }
    if let Some(from) = filter.responded_from {
        cond = cond.add(Column::RespondedAt.gte(from));
    }
    if let Some(before) = filter.responded_before {
        cond = cond.add(Column::RespondedAt.lt(before));
    }
    cond
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, survey_response::Model>> {
    principal.ensure_can_read_crm()?;
    let rows = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(visible(principal))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &SurveyFilter,
    page: &PageRequest,
) -> Result<Page<survey_response::Model>> {
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
    filter: &SurveyFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter).add(visible(principal))).await
}

/// Records a response. A case or order it is about must be the organization's.
#[tracing::instrument(skip(db, principal, new))]
pub async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewSurveyResponse,
) -> Result<survey_response::Model> {
    principal.ensure_can_write_crm()?;
    let org = live_organization(db, principal, new.organization_id, "organizationId").await?;
    if let Some(contact) = new.contact_id {
        contact_at(db, principal, contact, org.id, &["contactId"]).await?;
    }
    if let Some(id) = new.case_id {
        let found = case::Entity::find_by_id(id)
            .filter(super::service::visible(principal))
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::user(
                    &["input", "caseId"],
                    ErrorCode::NotFound,
                    "no case has this caseId",
                )
            })?;
        if found.organization_id != org.id {
            return Err(Error::user(
                &["input", "caseId"],
                ErrorCode::NotAllowed,
                format!("case {} is not {}'s", found.number, org.code),
            ));
        }
    }
    if let Some(id) = new.order_id {
        let found = order::Entity::find_by_id(id)
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
        if found.buyer_id != org.id && found.seller_id != org.id {
            return Err(Error::user(
                &["input", "orderId"],
                ErrorCode::NotAllowed,
                format!("order {} is not {}'s", found.number, org.code),
            ));
        }
    }
    let at = now();
    let responded_at = new.responded_at.unwrap_or(at);
    if responded_at > at + chrono::Duration::minutes(5) {
        return Err(Error::user(
            &["input", "respondedAt"],
            ErrorCode::OutOfRange,
            "respondedAt is in the future",
        ));
    }
    let created = crate::changes::create::<survey_response::Entity>(
        db,
        principal,
        crate::audit::Action::SurveyResponseRecord,
        survey_response::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org.id),
            contact_id: Set(new.contact_id),
            case_id: Set(new.case_id),
            order_id: Set(new.order_id),
            author_organization_id: Set(principal.author_organization()),
            satisfaction: Set(new.satisfaction),
            recommend: Set(new.recommend),
            comment: Set(new.comment),
            responded_at: Set(responded_at),
            recorded_by: Set(principal.user_id()),
            created_at: Set(at),
        },
    )
    .await?;
    Ok(created)
}
