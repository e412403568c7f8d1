//! Deal registration: a partner claims a deal with an end customer (existing, or new and
//! pending approval) for some products and an amount; a manager approves or rejects it. An
//! approval protects the partner for the configured days and opens the partner's
//! opportunity; a registration by another partner for a protected customer is flagged as a
//! conflict and is not approved without an explicit decision. Protection ends by itself.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::deal_registration::{self, Column, Entity};
use entity::deal_registration_line as line;
use entity::enums::{
    ChannelLinkKind, DealStatus, OpportunityStage, OrganizationKind, OrganizationStatus, UserRole,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::model::{
    ApprovedCustomer, DealCustomer, DealFilter, DealState, NewDeal, NewOpportunity,
};
use crate::access::{Principal, Records};
use crate::domain::company_key;
use crate::error::{Error, ErrorCode, Result};
use crate::orders::counters;
use crate::organizations::model::NewOrganization;
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::settings::CrmSettings;
use crate::store::{self, grouped, now};

impl Keyed for deal_registration::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}

/// The state a registration is in now.
pub fn state(deal: &deal_registration::Model, at: DateTime<Utc>) -> DealState {
    match deal.status {
        DealStatus::Pending => DealState::Pending,
        DealStatus::Rejected => DealState::Rejected,
        DealStatus::Approved if deal.protected_until.is_some_and(|until| until > at) => {
            DealState::Approved
        }
        DealStatus::Approved => DealState::Expired,
    }
}

fn state_condition(state: DealState, at: DateTime<Utc>) -> Condition {
    match state {
        DealState::Pending => Condition::all().add(Column::Status.eq(DealStatus::Pending)),
        DealState::Rejected => Condition::all().add(Column::Status.eq(DealStatus::Rejected)),
        DealState::Approved => Condition::all()
            .add(Column::Status.eq(DealStatus::Approved))
            .add(Column::ProtectedUntil.gt(at)),
        DealState::Expired => Condition::all()
            .add(Column::Status.eq(DealStatus::Approved))
            .add(Column::ProtectedUntil.lte(at)),
    }
}

/// A partner sees its own registrations, as far as a partner user's roles reach
/// (PARTNER_SALES: those they registered); staff see all.
pub fn visible(principal: &Principal) -> Condition {
    principal
        .owned_by_self(Column::PartnerId)
        .add(principal.within_reach(Records::Leads, Column::RegisteredBy))
}

fn filter_condition(filter: &DealFilter, at: DateTime<Utc>) -> Condition {
    let mut cond = Condition::all();
    if !filter.states.is_empty() {
        let mut any = Condition::any();
        for s in &filter.states {
            any = any.add(state_condition(*s, at));
        }
        cond = cond.add(any);
    }
    if let Some(partner) = filter.partner_id {
        cond = cond.add(Column::PartnerId.eq(partner));
    }
    if let Some(customer) = filter.customer_id {
        cond = cond.add(Column::CustomerId.eq(customer));
    }
    if let Some(conflict) = filter.conflict {
        cond = cond.add(Column::Conflict.eq(conflict));
    }
    cond
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, deal_registration::Model>> {
    principal.ensure_can_read_crm()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

pub async fn lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<line::Model>>> {
    let seen = by_ids(db, principal, ids).await?;
    let rows = line::Entity::find()
        .filter(line::Column::RegistrationId.is_in(seen.keys().copied()))
        .order_by_asc(line::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |l| l.registration_id))
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DealFilter,
    page: &PageRequest,
) -> Result<Page<deal_registration::Model>> {
    principal.ensure_can_read_crm()?;
    let col = match page.sort.key {
        SortKey::UpdatedAt => Column::UpdatedAt,
        _ => Column::CreatedAt,
    };
    store::page_where::<Entity>(
        db,
        filter_condition(filter, now()).add(visible(principal)),
        page,
        col,
        Column::Id,
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DealFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    store::count_where::<Entity>(db, filter_condition(filter, now()).add(visible(principal))).await
}

/// Another partner's approval that protects this customer now, if any.
async fn protection(
    db: &impl ConnectionTrait,
    partner: Uuid,
    customer: Option<Uuid>,
    key: &str,
    tax_id: Option<&str>,
) -> Result<Option<deal_registration::Model>> {
    let mut same = Condition::any().add(Column::CustomerKey.eq(key));
    if let Some(customer) = customer {
        same = same.add(Column::CustomerId.eq(customer));
    }
    if let Some(tax) = tax_id {
        same = same.add(Column::CustomerTaxId.eq(tax));
    }
    Ok(Entity::find()
        .filter(Column::PartnerId.ne(partner))
        .filter(state_condition(DealState::Approved, now()))
        .filter(same)
        .order_by_desc(Column::ProtectedUntil)
        .one(db)
        .await?)
}

/// A partner registers a deal.
#[tracing::instrument(skip(db, principal, new))]
pub async fn register(
    db: &impl ConnectionTrait,
    principal: &Principal,
    max_quantity: rust_decimal::Decimal,
    new: NewDeal,
) -> Result<deal_registration::Model> {
    principal.ensure_can_write_crm()?;
    principal.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerSales])?;
    let Some(partner) = principal.partner_organization() else {
        return Err(Error::Forbidden(
            "deals are registered by partners; the brand approves or rejects them".into(),
        ));
    };
    crate::program::terms::ensure_accepted(db, principal).await?;
    let own = entity::organization::Entity::find_by_id(partner)
        .one(db)
        .await?;
    if own.is_some_and(|o| o.status == entity::enums::OrganizationStatus::Pending) {
        return Err(Error::user(
            &["input"],
            ErrorCode::NotAllowed,
            "your company waits for the brand's approval; it registers deals once approved",
        ));
    }
    let (customer_id, name, tax_id) = match new.customer {
        DealCustomer::Existing(id) => {
            let org = live_organization(db, principal, id, "customerId").await?;
            if org.kind != OrganizationKind::EndCustomer {
                return Err(Error::user(
                    &["input", "customerId"],
                    ErrorCode::NotAllowed,
                    format!("{} is not an end customer", org.code),
                ));
            }
            (Some(org.id), org.name, org.tax_id)
        }
        DealCustomer::New { name, tax_id } => (None, name, tax_id),
    };
    let key = company_key(&name);
    if key.is_empty() {
        return Err(Error::user(
            &["input", "customerName"],
            ErrorCode::Invalid,
            "the customer's name must hold letters or digits",
        ));
    }
    if new.lines.is_empty() {
        return Err(Error::user(
            &["input", "lines"],
            ErrorCode::Required,
            "a registration names the products it covers",
        ));
    }
    let skus: Vec<String> = new.lines.iter().map(|(s, _)| s.clone()).collect();
    let products = crate::catalog::products::by_skus(db, principal, &skus).await?;
    let mut rows = Vec::with_capacity(new.lines.len());
    let id = Uuid::now_v7();
    for (i, (sku, quantity)) in new.lines.iter().enumerate() {
        let index = i.to_string();
        let Some(product) = products.get(sku) else {
            return Err(Error::user(
                &["input", "lines", &index, "sku"],
                ErrorCode::NotFound,
                format!("no product has SKU {sku}"),
            ));
        };
        crate::money::quantity(
            &["input", "lines", &index, "quantity"],
            *quantity,
            max_quantity,
        )?;
        rows.push(line::ActiveModel {
            id: Set(Uuid::now_v7()),
            registration_id: Set(id),
            product_id: Set(product.id),
            quantity: Set((*quantity).into()),
        });
    }
    let protected = protection(db, partner, customer_id, &key, tax_id.as_deref()).await?;
    let at = now();
    let created = deal_registration::ActiveModel {
        id: Set(id),
        number: Set(counters::next_number(db, "DEAL").await?),
        partner_id: Set(partner),
        customer_id: Set(customer_id),
        customer_name: Set(name),
        customer_key: Set(key),
        customer_tax_id: Set(tax_id),
        amount: Set(new.amount.amount.into()),
        currency: Set(new.amount.currency.code().to_owned()),
        expected_close_on: Set(new.expected_close_on),
        status: Set(DealStatus::Pending),
        conflict: Set(protected.is_some()),
        conflict_with_id: Set(protected.map(|p| p.id)),
        registered_by: Set(principal.user_id()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        protected_until: Set(None),
        opportunity_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await?;
    line::Entity::insert_many(rows).exec(db).await?;
    crate::changes::recorded::<entity::deal_registration::Entity>(
        db,
        principal,
        crate::audit::Action::DealRegister,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

async fn pending(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    step: &str,
) -> Result<deal_registration::Model> {
    principal.ensure_can_manage_catalog().map_err(|e| match e {
        Error::Forbidden(_) => {
            Error::Forbidden("only admins and managers decide on deal registrations".into())
        }
        other => other,
    })?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    if current.status != DealStatus::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the registration was {} already; it cannot be {step}",
                if current.status == DealStatus::Approved {
                    "approved"
                } else {
                    "rejected"
                }
            ),
        ));
    }
    Ok(current)
}

/// Approves a pending registration: the customer is settled (as registered, linked to an
/// existing organization, or created), the partner is protected for the configured days,
/// and the partner's opportunity is opened. A registration in conflict with another
/// partner's protection needs `override_conflict`.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(db, principal, crm))]
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    customer: ApprovedCustomer,
    override_conflict: bool,
) -> Result<deal_registration::Model> {
    let current = pending(db, principal, id, version, "approved").await?;
    if let Some(protected) = protection(
        db,
        current.partner_id,
        current.customer_id,
        &current.customer_key,
        current.customer_tax_id.as_deref(),
    )
    .await?
        && !override_conflict
    {
        return Err(Error::user(
            &["input", "overrideConflict"],
            ErrorCode::Conflict,
            format!(
                "{} protects this customer for another partner until {}; approve with overrideConflict to decide for this partner",
                protected.number,
                protected
                    .protected_until
                    .map(|t| t
                        .with_timezone(&crm.business_time_zone)
                        .date_naive()
                        .to_string())
                    .unwrap_or_default()
            ),
        ));
    }
    let customer_id = match (customer, current.customer_id) {
        (ApprovedCustomer::Existing(org), _) => {
            let found = live_organization(db, principal, org, "customerId").await?;
            if found.kind != OrganizationKind::EndCustomer {
                return Err(Error::user(
                    &["input", "customerId"],
                    ErrorCode::NotAllowed,
                    format!("{} is not an end customer", found.code),
                ));
            }
            found.id
        }
        (ApprovedCustomer::New { code }, _) => {
            let created = crate::organizations::service::create(
                db,
                principal,
                crm,
                NewOrganization {
                    kind: OrganizationKind::EndCustomer,
                    name: current.customer_name.clone(),
                    legal_name: None,
                    code,
                    tax_id: current.customer_tax_id.clone(),
                    segment: None,
                    customer_type: None,
                    territory: None,
                    parent_id: None,
                    account_owner_id: None,
                    key_account: false,
                    status: OrganizationStatus::Active,
                },
            )
            .await
            .map_err(|e| match e {
                Error::User(mut u) => {
                    u.field = vec!["input".into(), "customerCode".into()];
                    Error::User(u)
                }
                other => other,
            })?;
            // The partner serves the customer it brought: it sees it, as its own.
            crate::organizations::links::open(
                db,
                principal,
                current.partner_id,
                created.id,
                ChannelLinkKind::Serves,
                crm.today(),
            )
            .await?;
            created.id
        }
        (ApprovedCustomer::AsRegistered, Some(existing)) => existing,
        (ApprovedCustomer::AsRegistered, None) => {
            return Err(Error::user(
                &["input", "customerCode"],
                ErrorCode::Required,
                "the customer is new: link it with customerId or create it with customerCode",
            ));
        }
    };
    let currency = crate::money::Currency::parse(&["input", "id"], &current.currency)?;
    // The partner's tier may protect its deals longer, or shorter, than the setting.
    let protection_days = crate::catalog::tiers::deal_protection_days(db, current.partner_id)
        .await?
        .map_or(crm.deal_protection_days, |d| d.max(0) as u32);
    let opportunity = super::opportunities::insert(
        db,
        principal,
        NewOpportunity {
            name: format!("{} for {}", current.number, current.customer_name),
            organization_id: customer_id,
            owner_id: None,
            stage: OpportunityStage::Qualification,
            amount: crate::money::Money {
                amount: *current.amount,
                currency,
            },
            expected_close_on: current.expected_close_on.unwrap_or_else(|| {
                let today = crm.today();
                today
                    .checked_add_days(chrono::Days::new(protection_days.into()))
                    .unwrap_or(today)
            }),
            campaign_id: None,
        },
        None,
        Some(current.partner_id),
    )
    .await?;
    let at = now();
    let mut row: deal_registration::ActiveModel = current.clone().into();
    row.status = Set(DealStatus::Approved);
    row.customer_id = Set(Some(customer_id));
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(at));
    row.protected_until = Set(Some(at + Duration::days(i64::from(protection_days))));
    row.opportunity_id = Set(Some(opportunity.id));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::DealApprove,
        &current,
        row,
    )
    .await?;
    Ok(saved)
}

#[tracing::instrument(skip(db, principal, reason))]
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<deal_registration::Model> {
    let current = pending(db, principal, id, version, "rejected").await?;
    let mut row: deal_registration::ActiveModel = current.clone().into();
    row.status = Set(DealStatus::Rejected);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.decision_reason = Set(Some(reason));
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::DealReject,
        &current,
        row,
    )
    .await?;
    Ok(saved)
}

impl crate::changes::Recorded for Entity {
    fn id_of(model: &deal_registration::Model) -> Uuid {
        model.id
    }

    /// A decision is the partner's to hear: `DEAL_APPROVED` or `DEAL_REJECTED`.
    fn event(
        action: crate::audit::Action,
        _principal: &Principal,
        saved: &deal_registration::Model,
    ) -> Option<crate::events::NewEvent> {
        use crate::events::{EventType, gid};
        use crate::ids::NodeType;
        let event_type = match action {
            crate::audit::Action::DealApprove => EventType::DealApproved,
            crate::audit::Action::DealReject => EventType::DealRejected,
            _ => return None,
        };
        Some(crate::events::NewEvent {
            event_type,
            subject_id: saved.id,
            order_id: None,
            audience: vec![saved.partner_id],
            data: serde_json::json!({
                "dealRegistration": {
                    "id": gid(NodeType::DealRegistration, saved.id),
                    "number": saved.number,
                    "status": sea_orm::ActiveEnum::to_value(&saved.status),
                    "partnerId": gid(NodeType::Organization, saved.partner_id),
                    "customerId": saved.customer_id.map(|c| gid(NodeType::Organization, c)),
                    "reason": saved.decision_reason,
                    "protectedUntil": saved.protected_until.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                }
            }),
        })
    }
}
