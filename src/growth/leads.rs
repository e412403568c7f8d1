//! Leads: entered with their source, capture time and campaign (late when entered more than
//! two working days after capture), routed by territory to a staff member or offered to a
//! partner, who accepts or declines within the configured window (else the lead returns to
//! the pool), qualified or disqualified with a reason, checked against the directory for
//! duplicates, and converted into an organization, a contact and an opportunity at once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::enums::{LeadStatus, OpportunityStage, OrganizationKind, OrganizationStatus, UserRole};
use entity::lead::{self, Column, Entity};
use entity::{contact, lead_route, organization};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{
    Conversion, DuplicateReason, LeadDuplicate, LeadFilter, LeadTarget, NewLead, NewOpportunity,
    OrganizationChoice,
};
use crate::access::{Principal, Reach, Records};
use crate::audit::{self, Action};
use crate::calendar::working_days_between;
use crate::changes::Recorded;
use crate::domain::company_key;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::orders::counters;
use crate::organizations::model::{NewContact, NewOrganization};
use crate::organizations::service::live_organization;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::relationship::own_side_user;
use crate::settings::CrmSettings;
use crate::store::{self, now};

/// More working days than this between capture and entry make a lead late.
pub const LATE_AFTER_WORKING_DAYS: i64 = 2;

/// Mail providers whose domain says nothing about the company.
const FREE_MAIL: [&str; 12] = [
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "qq.com",
    "163.com",
    "126.com",
];

impl Keyed for lead::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.entered_at),
        }
    }
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::UpdatedAt => Column::UpdatedAt,
        _ => Column::EnteredAt,
    }
}

/// Offers made before this moment have run out.
pub fn cutoff(crm: &CrmSettings) -> DateTime<Utc> {
    now() - Duration::hours(i64::from(crm.lead_acceptance_hours))
}

/// The lead as it stands: an offer that ran out is back in the pool.
pub fn effective(mut lead: lead::Model, cutoff: DateTime<Utc>) -> lead::Model {
    if lead.status == LeadStatus::Offered && lead.offered_at.is_none_or(|at| at < cutoff) {
        lead.status = LeadStatus::New;
        lead.partner_id = None;
        lead.offered_at = None;
    }
    lead
}

/// Most lapsed offers one pass returns to the pool; the next pass takes the rest.
const LAPSE_BATCH: u64 = 500;

/// Returns the leads whose offer ran out to the pool, each in its own transaction, with
/// `LEAD_OFFER_LAPSED` to the partner that let it run out. The save is at the version read,
/// so a partner's answer or another node's pass that came first wins. Returns how many.
pub async fn lapse_offers(db: &sea_orm::DatabaseConnection, crm: &CrmSettings) -> Result<usize> {
    use sea_orm::{QueryOrder, QuerySelect};
    let due = Entity::find()
        .filter(expired_offer(cutoff(crm)))
        .order_by_asc(Column::OfferedAt)
        .limit(LAPSE_BATCH)
        .all(db)
        .await?;
    let mut lapsed = 0;
    for lead in due {
        let txn = crate::db::begin_write(db).await?;
        let before = lead.clone();
        let mut row: lead::ActiveModel = lead.into();
        row.status = Set(LeadStatus::New);
        row.partner_id = Set(None);
        row.offered_at = Set(None);
        let saved = match crate::changes::save::<Entity>(
            &txn,
            &Principal::System,
            Action::LeadOfferLapse,
            &before,
            row,
        )
        .await
        {
            Ok(saved) => saved,
            Err(Error::User(_)) => continue,
            Err(e) => return Err(e),
        };
        let mut event = lead_event(&Principal::System, EventType::LeadOfferLapsed, &saved);
        event.audience.extend(before.partner_id);
        event.data["lead"]["lapsedPartnerId"] = serde_json::json!(
            before
                .partner_id
                .map(|p| events::gid(NodeType::Organization, p))
        );
        events::emit(&txn, event).await?;
        crate::db::commit(txn).await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

fn expired_offer(cutoff: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Column::Status.eq(LeadStatus::Offered))
        .add(Column::OfferedAt.lt(cutoff))
}

/// Staff see every lead; a partner the leads it entered and those offered to (while the
/// offer runs) or accepted by it.
/// A partner user's roles narrow that: PARTNER_SALES sees the leads they entered or that
/// are assigned to them.
fn visible(principal: &Principal, cutoff: DateTime<Utc>) -> Condition {
    let company = match principal.partner_organization() {
        None if principal.is_restricted() => Condition::all().add(Expr::val(false)),
        None => Condition::all(),
        Some(org) => Condition::any()
            .add(Column::AuthorOrganizationId.eq(org))
            .add(
                Condition::all()
                    .add(Column::PartnerId.eq(org))
                    .add(expired_offer(cutoff).not()),
            ),
    };
    match principal.reach(Records::Leads) {
        Reach::All => company,
        Reach::Own(user) => Condition::all().add(company).add(
            Condition::any()
                .add(Column::EnteredBy.eq(user))
                .add(Column::AssigneeId.eq(user)),
        ),
        Reach::Nothing => Condition::all().add(Expr::val(false)),
    }
}

fn status_condition(status: LeadStatus, cutoff: DateTime<Utc>) -> Condition {
    match status {
        LeadStatus::New => Condition::any()
            .add(Column::Status.eq(LeadStatus::New))
            .add(expired_offer(cutoff)),
        LeadStatus::Offered => Condition::all()
            .add(Column::Status.eq(LeadStatus::Offered))
            .add(expired_offer(cutoff).not()),
        other => Condition::all().add(Column::Status.eq(other)),
    }
}

fn filter_condition(filter: &LeadFilter, cutoff: DateTime<Utc>) -> Condition {
    let mut cond = Condition::all();
    if !filter.statuses.is_empty() {
        let mut any = Condition::any();
        for status in &filter.statuses {
            any = any.add(status_condition(*status, cutoff));
        }
        cond = cond.add(any);
    }
    if !filter.sources.is_empty() {
        cond = cond.add(Column::Source.is_in(filter.sources.iter().copied()));
    }
    if let Some(assignee) = filter.assignee_id {
        cond = cond.add(Column::AssigneeId.eq(assignee));
    }
    if let Some(partner) = filter.partner_id {
        cond = cond
            .add(Column::PartnerId.eq(partner))
            .add(expired_offer(cutoff).not());
    }
    if let Some(campaign) = filter.campaign_id {
        cond = cond.add(Column::CampaignId.eq(campaign));
    }
    if let Some(late) = filter.late {
        cond = cond.add(Column::Late.eq(late));
    }
    if let Some(territory) = &filter.territory {
        cond = cond.add(Column::Territory.eq(territory.clone()));
    }
    cond
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, lead::Model>> {
    principal.ensure_can_read_crm()?;
    let cutoff = cutoff(crm);
    let rows = store::by_ids::<Entity>(db, ids, visible(principal, cutoff)).await?;
    Ok(rows
        .into_iter()
        .map(|(id, m)| (id, effective(m, cutoff)))
        .collect())
}

/// The leads `filter` matches that the principal may see, unordered: the statement of
/// [`list`] before it is paged, for a compiled read. Its rows are as stored: the fields an
/// offer that ran out changes ([`effective`]) are for the resolvers.
pub fn listing(
    principal: &Principal,
    crm: &CrmSettings,
    filter: &LeadFilter,
) -> Result<sea_orm::sea_query::SelectStatement> {
    principal.ensure_can_read_crm()?;
    let cutoff = cutoff(crm);
    Ok(Entity::find()
        .filter(filter_condition(filter, cutoff).add(visible(principal, cutoff)))
        .into_query())
}

#[tracing::instrument(skip(db, principal, crm))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    filter: &LeadFilter,
    page: &PageRequest,
) -> Result<Page<lead::Model>> {
    principal.ensure_can_read_crm()?;
    let cutoff = cutoff(crm);
    let page = store::page_where::<Entity>(
        db,
        filter_condition(filter, cutoff).add(visible(principal, cutoff)),
        page,
        sort_column(page.sort.key),
        Column::Id,
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|m| effective(m, cutoff))
            .collect(),
        has_next: page.has_next,
        has_previous: page.has_previous,
    })
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    filter: &LeadFilter,
) -> Result<u64> {
    principal.ensure_can_read_crm()?;
    let cutoff = cutoff(crm);
    store::count_where::<Entity>(
        db,
        filter_condition(filter, cutoff).add(visible(principal, cutoff)),
    )
    .await
}

/// Where the routing rule of a territory sends a new lead.
async fn route(
    db: &impl ConnectionTrait,
    territory: Option<&str>,
) -> Result<(
    LeadStatus,
    Option<Uuid>,
    Option<Uuid>,
    Option<DateTime<Utc>>,
)> {
    let rule = match territory {
        Some(t) => {
            lead_route::Entity::find()
                .filter(lead_route::Column::Territory.eq(t))
                .one(db)
                .await?
        }
        None => None,
    };
    Ok(match rule {
        Some(lead_route::Model {
            partner_id: Some(partner),
            ..
        }) => (LeadStatus::Offered, None, Some(partner), Some(now())),
        Some(lead_route::Model {
            assignee_id: Some(user),
            ..
        }) => (LeadStatus::Assigned, Some(user), None, None),
        Some(_) => (LeadStatus::New, None, None, None),
        None => match territory {
            Some(t) => match weighted_partner(db, t).await? {
                Some(partner) => (LeadStatus::Offered, None, Some(partner), Some(now())),
                None => (LeadStatus::New, None, None, None),
            },
            None => (LeadStatus::New, None, None, None),
        },
    })
}

/// Where a territory has no route: the active partner of that territory whose share of
/// the leads offered so far lies furthest below its tier's lead-routing weight, so that
/// leads are shared out in proportion to the weights. A weight of 0 takes none; a partner
/// without a tier takes none.
async fn weighted_partner(db: &impl ConnectionTrait, territory: &str) -> Result<Option<Uuid>> {
    use crate::analytics::sql::{self, Sql};
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "SELECT o.id AS id, t.lead_routing_weight AS weight, \
         (SELECT COUNT(*) FROM leads l WHERE l.partner_id = o.id) AS offered \
         FROM organizations o JOIN tier_memberships m ON m.organization_id = o.id AND m.ended_at IS NULL \
         JOIN partner_tiers t ON t.id = m.tier_id WHERE o.territory = ",
    )
    .bind(territory)
    .push(
        " AND o.status = 'ACTIVE' AND o.archived_at IS NULL \
         AND o.kind IN ('DISTRIBUTOR', 'INTERMEDIATE_CUSTOMER') AND t.lead_routing_weight > 0",
    );
    let mut best: Option<(Uuid, i64, i64)> = None;
    for row in db.query_all_raw(q.build()).await? {
        let id: Uuid = row.try_get("", "id")?;
        let weight = i64::from(row.try_get::<i32>("", "weight")?);
        let offered = sql::count(&row, "offered")?;
        // offered / weight, compared without division; ties go to the heavier, then the
        // older id.
        let better = match best {
            None => true,
            Some((best_id, w, n)) => {
                let (mine, theirs) = (offered * w, n * weight);
                mine < theirs || (mine == theirs && (weight, best_id) > (w, id))
            }
        };
        if better {
            best = Some((id, weight, offered));
        }
    }
    Ok(best.map(|(id, _, _)| id))
}

/// Enters a lead. The brand's leads are routed by territory; a partner's own leads stay with
/// it, accepted.
#[tracing::instrument(skip(db, principal, crm, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewLead,
) -> Result<lead::Model> {
    principal.ensure_can_write_crm()?;
    principal.require_partner_role(&[UserRole::PartnerManager, UserRole::PartnerSales])?;
    let at = now();
    if new.captured_at > at + Duration::minutes(5) {
        return Err(Error::user(
            &["input", "capturedAt"],
            ErrorCode::OutOfRange,
            "capturedAt is in the future",
        ));
    }
    if let Some(campaign) = new.campaign_id
        && entity::campaign::Entity::find_by_id(campaign)
            .one(db)
            .await?
            .is_none()
    {
        return Err(Error::user(
            &["input", "campaignId"],
            ErrorCode::NotFound,
            "no campaign has this campaignId",
        ));
    }
    let (status, assignee, partner, offered_at) = match principal.partner_organization() {
        Some(own) => (LeadStatus::Accepted, None, Some(own), None),
        None => route(db, new.territory.as_deref()).await?,
    };
    let late =
        working_days_between(new.captured_at, at, crm.business_time_zone) > LATE_AFTER_WORKING_DAYS;
    let created = lead::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(counters::next_number(db, "LEAD").await?),
        person_name: Set(new.person_name),
        company: Set(new.company),
        email: Set(new.email),
        phone: Set(new.phone),
        tax_id: Set(new.tax_id),
        source: Set(new.source),
        campaign_id: Set(new.campaign_id),
        captured_at: Set(new.captured_at),
        entered_at: Set(at),
        late: Set(late),
        territory: Set(new.territory),
        status: Set(status),
        assignee_id: Set(assignee),
        partner_id: Set(partner),
        offered_at: Set(offered_at),
        status_reason: Set(None),
        author_organization_id: Set(principal.author_organization()),
        entered_by: Set(principal.user_id()),
        converted_organization_id: Set(None),
        converted_contact_id: Set(None),
        converted_opportunity_id: Set(None),
        converted_at: Set(None),
        notes: Set(new.notes),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(db, principal, Action::LeadCreate, created).await
}

/// A lead's event, for the partner that entered it, the partner it is with now, and the
/// partner that took the step (one that declines a lead saw it until then). It names the
/// lead and its status only; the person's details are read through the API.
fn lead_event(principal: &Principal, event_type: EventType, lead: &lead::Model) -> NewEvent {
    let audience = [
        lead.author_organization_id,
        lead.partner_id,
        principal.partner_organization(),
    ]
    .into_iter()
    .flatten()
    .collect();
    NewEvent {
        event_type,
        subject_id: lead.id,
        order_id: None,
        audience,
        data: serde_json::json!({
            "lead": {
                "id": events::gid(NodeType::Lead, lead.id),
                "number": lead.number,
                "status": lead.status,
                "partnerId": lead.partner_id.map(|p| events::gid(NodeType::Organization, p)),
            }
        }),
    }
}

impl Recorded for Entity {
    fn id_of(model: &lead::Model) -> Uuid {
        model.id
    }

    fn event(action: Action, principal: &Principal, saved: &lead::Model) -> Option<NewEvent> {
        let event_type = match action {
            Action::LeadCreate => EventType::LeadCreated,
            Action::LeadAccept => EventType::LeadAccepted,
            Action::LeadDecline => EventType::LeadDeclined,
            Action::LeadQualify => EventType::LeadQualified,
            Action::LeadDisqualify => EventType::LeadDisqualified,
            Action::LeadConvert => EventType::LeadConverted,
            Action::LeadAssign => EventType::LeadAssigned,
            _ => return None,
        };
        Some(lead_event(principal, event_type, saved))
    }
}

fn status_word(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::New => "in the pool",
        LeadStatus::Assigned => "assigned",
        LeadStatus::Offered => "offered to a partner",
        LeadStatus::Accepted => "accepted",
        LeadStatus::Qualified => "qualified",
        LeadStatus::Disqualified => "disqualified",
        LeadStatus::Converted => "converted",
    }
}

/// The lead `id` names as it stands, visible to the principal, at `version`, in one of `from`.
async fn for_step(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    from: &[LeadStatus],
    step: &str,
) -> Result<lead::Model> {
    principal.ensure_can_write_crm()?;
    let cutoff = cutoff(crm);
    let current = effective(
        store::for_change::<Entity>(db, id, version, visible(principal, cutoff)).await?,
        cutoff,
    );
    if !from.contains(&current.status) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the lead is {}; it cannot be {step}",
                status_word(current.status)
            ),
        ));
    }
    // A partner works only the leads it holds.
    if let Some(own) = principal.partner_organization()
        && current.partner_id != Some(own)
    {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::NotAllowed,
            "this lead is not yours to work",
        ));
    }
    Ok(current)
}

/// Saves a step and answers with the lead as it stands (an offer that already ran out reads
/// as back in the pool, as every later read will).
async fn save(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    action: Action,
    before: &lead::Model,
    row: lead::ActiveModel,
) -> Result<lead::Model> {
    let saved = crate::changes::save::<Entity>(db, principal, action, before, row).await?;
    Ok(effective(saved, cutoff(crm)))
}

/// A partner accepts a lead offered to it, while the offer runs.
#[tracing::instrument(skip(db, principal, crm))]
pub async fn accept(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
) -> Result<lead::Model> {
    let current = offered_to(db, principal, crm, id, version).await?;
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(LeadStatus::Accepted);
    save(db, principal, crm, Action::LeadAccept, &current, row).await
}

/// A partner declines a lead offered to it: it returns to the pool, with the reason.
#[tracing::instrument(skip(db, principal, crm, reason))]
pub async fn decline(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<lead::Model> {
    let current = offered_to(db, principal, crm, id, version).await?;
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(LeadStatus::New);
    row.partner_id = Set(None);
    row.offered_at = Set(None);
    row.status_reason = Set(Some(reason));
    save(db, principal, crm, Action::LeadDecline, &current, row).await
}

/// The lead offered to the principal's organization, with its offer still running.
async fn offered_to(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
) -> Result<lead::Model> {
    principal.ensure_can_write_crm()?;
    // Taking or declining a lead is the company's decision, its managers'.
    principal.require_partner_role(&[UserRole::PartnerManager])?;
    let Some(own) = principal.partner_organization() else {
        return Err(Error::Forbidden(
            "leads are accepted or declined by the partner they are offered to".into(),
        ));
    };
    // The partner it was offered to may learn that its offer ran out.
    let raw = store::for_change::<Entity>(
        db,
        id,
        version,
        Condition::all().add(Column::PartnerId.eq(own)),
    )
    .await?;
    let cutoff = cutoff(crm);
    if raw.status == LeadStatus::Offered && raw.offered_at.is_none_or(|at| at < cutoff) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the offer ran out after {} hours; the lead is back in the pool",
                crm.lead_acceptance_hours
            ),
        ));
    }
    if raw.status != LeadStatus::Offered {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the lead is {}, not offered to you",
                status_word(raw.status)
            ),
        ));
    }
    Ok(raw)
}

/// The brand gives a lead in the pool (or assigned) to a staff member or offers it to a
/// partner, or routes it again by its territory.
#[tracing::instrument(skip(db, principal, crm))]
pub async fn assign(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    target: LeadTarget,
) -> Result<lead::Model> {
    principal.ensure_can_sell()?;
    let current = for_step(
        db,
        principal,
        crm,
        id,
        version,
        &[LeadStatus::New, LeadStatus::Assigned],
        "assigned",
    )
    .await?;
    let (status, assignee, partner, offered_at) = match target {
        LeadTarget::User(user) => {
            own_side_user(db, principal, user, &["assigneeId"]).await?;
            (LeadStatus::Assigned, Some(user), None, None)
        }
        LeadTarget::Partner(org) => {
            let partner = live_organization(db, principal, org, "partnerId").await?;
            ensure_partner(&partner, &["input", "partnerId"])?;
            (LeadStatus::Offered, None, Some(org), Some(now()))
        }
        LeadTarget::Route => route(db, current.territory.as_deref()).await?,
    };
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(status);
    row.assignee_id = Set(assignee);
    row.partner_id = Set(partner);
    row.offered_at = Set(offered_at);
    save(db, principal, crm, Action::LeadAssign, &current, row).await
}

fn ensure_partner(org: &organization::Model, field: &[&str]) -> Result<()> {
    if !matches!(
        org.kind,
        OrganizationKind::Distributor | OrganizationKind::IntermediateCustomer
    ) {
        return Err(Error::user(
            field,
            ErrorCode::NotAllowed,
            format!("{} is not a distributor or dealer", org.code),
        ));
    }
    Ok(())
}

#[tracing::instrument(skip(db, principal, crm, reason))]
pub async fn qualify(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    reason: Option<String>,
) -> Result<lead::Model> {
    let current = for_step(
        db,
        principal,
        crm,
        id,
        version,
        &[LeadStatus::New, LeadStatus::Assigned, LeadStatus::Accepted],
        "qualified",
    )
    .await?;
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(LeadStatus::Qualified);
    row.status_reason = Set(reason);
    save(db, principal, crm, Action::LeadQualify, &current, row).await
}

#[tracing::instrument(skip(db, principal, crm, reason))]
pub async fn disqualify(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<lead::Model> {
    let current = for_step(
        db,
        principal,
        crm,
        id,
        version,
        &[
            LeadStatus::New,
            LeadStatus::Assigned,
            LeadStatus::Accepted,
            LeadStatus::Qualified,
        ],
        "disqualified",
    )
    .await?;
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(LeadStatus::Disqualified);
    row.status_reason = Set(Some(reason));
    save(db, principal, crm, Action::LeadDisqualify, &current, row).await
}

fn email_domain(email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.to_lowercase();
    (!FREE_MAIL.contains(&domain.as_str())).then_some(domain)
}

/// Organizations and contacts of the directory that look like the lead: the same company
/// name (normalized), tax id, email domain (not a free mail provider) or email.
pub async fn duplicates(
    db: &impl ConnectionTrait,
    lead: &lead::Model,
) -> Result<Vec<LeadDuplicate>> {
    let key = lead.company.as_deref().map(company_key).unwrap_or_default();
    let domain = lead.email.as_deref().and_then(email_domain);
    let email = lead.email.as_deref().map(str::to_lowercase);
    let mut candidates = Condition::any();
    if let Some(tax) = &lead.tax_id {
        candidates = candidates.add(organization::Column::TaxId.eq(tax.clone()));
    }
    // Exact matching of names is done below.
    if let Some(named) = crate::organizations::service::may_be_named(&key) {
        candidates = candidates.add(named);
    }
    let mut people = Condition::any();
    if let Some(domain) = &domain {
        people = people.add(contact::Column::Email.like(format!("%@{domain}")));
    }
    if let Some(email) = &email {
        people = people.add(contact::Column::Email.eq(email.clone()));
    }
    if !people.is_empty() {
        let orgs = contact::Entity::find()
            .select_only()
            .column(contact::Column::OrganizationId)
            .filter(people.clone())
            .filter(contact::Column::ArchivedAt.is_null())
            .into_query();
        candidates = candidates.add(organization::Column::Id.in_subquery(orgs));
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = organization::Entity::find()
        .filter(candidates)
        .filter(organization::Column::ArchivedAt.is_null())
        .limit(200)
        .all(db)
        .await?;
    let contacts = if people.is_empty() {
        Vec::new()
    } else {
        contact::Entity::find()
            .filter(people)
            .filter(contact::Column::ArchivedAt.is_null())
            .limit(500)
            .all(db)
            .await?
    };
    let mut out = Vec::new();
    for org in orgs {
        let mut reasons = Vec::new();
        if !key.is_empty() && company_key(&org.name) == key {
            reasons.push(DuplicateReason::Name);
        }
        if lead.tax_id.is_some() && org.tax_id == lead.tax_id {
            reasons.push(DuplicateReason::TaxId);
        }
        let mut matched_contact = None;
        for c in contacts.iter().filter(|c| c.organization_id == org.id) {
            let c_email = c.email.as_deref().map(str::to_lowercase);
            if email.is_some() && c_email == email {
                reasons.push(DuplicateReason::Email);
                matched_contact = Some(c.id);
            } else if domain.is_some()
                && c_email.as_deref().and_then(email_domain) == domain
                && !reasons.contains(&DuplicateReason::EmailDomain)
            {
                reasons.push(DuplicateReason::EmailDomain);
            }
        }
        reasons.dedup();
        if !reasons.is_empty() {
            out.push(LeadDuplicate {
                organization_id: org.id,
                contact_id: matched_contact,
                reasons,
            });
        }
    }
    Ok(out)
}

/// Converts a qualified lead, in one transaction, into an organization (new, or an existing
/// one it is linked to), a contact and an opportunity. A new organization that looks like
/// an existing one is refused as a duplicate unless the caller confirms it.
#[tracing::instrument(skip(db, principal, crm, conversion))]
pub async fn convert(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
    conversion: Conversion,
) -> Result<lead::Model> {
    principal.ensure_can_sell()?;
    let current = for_step(
        db,
        principal,
        crm,
        id,
        version,
        &[LeadStatus::Qualified],
        "converted",
    )
    .await?;
    let organization_id = match conversion.organization {
        OrganizationChoice::Existing(org) => {
            live_organization(db, principal, org, "organizationId")
                .await?
                .id
        }
        OrganizationChoice::New { kind, code, name } => {
            let found = duplicates(db, &current).await?;
            if !found.is_empty() && !conversion.confirm_new {
                let codes: Vec<String> = organization::Entity::find()
                    .filter(organization::Column::Id.is_in(found.iter().map(|d| d.organization_id)))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|o| o.code)
                    .collect();
                return Err(Error::user(
                    &["input", "newOrganization"],
                    ErrorCode::Duplicate,
                    format!(
                        "the lead looks like {}; link it with organizationId, or confirm a new organization with confirmNew",
                        codes.join(", ")
                    ),
                ));
            }
            let name = name
                .or_else(|| current.company.clone())
                .unwrap_or_else(|| current.person_name.clone());
            let created = crate::organizations::service::create(
                db,
                principal,
                crm,
                NewOrganization {
                    kind,
                    name,
                    legal_name: None,
                    code,
                    tax_id: current.tax_id.clone(),
                    segment: None,
                    customer_type: None,
                    territory: current.territory.clone(),
                    parent_id: None,
                    account_owner_id: current.assignee_id,
                    key_account: false,
                    status: OrganizationStatus::Active,
                },
            )
            .await
            .map_err(|e| match e {
                Error::User(mut u) if u.field.first().map(String::as_str) == Some("input") => {
                    u.field.insert(1, "newOrganization".into());
                    Error::User(u)
                }
                other => other,
            })?;
            created.id
        }
    };
    let person = crate::organizations::contacts::create(
        db,
        principal,
        NewContact {
            organization_id,
            name: current.person_name.clone(),
            title: None,
            email: current.email.clone(),
            phone: current.phone.clone(),
            buying_role: None,
            preferences: None,
            notes: None,
            consent: None,
        },
    )
    .await?;
    let opportunity = super::opportunities::insert(
        db,
        principal,
        NewOpportunity {
            name: conversion.opportunity_name,
            organization_id,
            owner_id: current.assignee_id.or(principal.user_id()),
            stage: OpportunityStage::Qualification,
            amount: conversion.amount,
            expected_close_on: conversion.expected_close_on,
            campaign_id: current.campaign_id,
        },
        Some(current.id),
        None,
    )
    .await?;
    let mut row: lead::ActiveModel = current.clone().into();
    row.status = Set(LeadStatus::Converted);
    row.converted_organization_id = Set(Some(organization_id));
    row.converted_contact_id = Set(Some(person.id));
    row.converted_opportunity_id = Set(Some(opportunity.id));
    row.converted_at = Set(Some(now()));
    save(db, principal, crm, Action::LeadConvert, &current, row).await
}

/// Where a territory's new leads go: a staff member or a partner. Sales managers and admins.
#[tracing::instrument(skip(db, principal))]
pub async fn route_set(
    db: &impl ConnectionTrait,
    principal: &Principal,
    territory: String,
    target: LeadTarget,
) -> Result<lead_route::Model> {
    principal.ensure_can_sell()?;
    let (assignee, partner) = match target {
        LeadTarget::User(user) => {
            own_side_user(db, principal, user, &["assigneeId"]).await?;
            (Some(user), None)
        }
        LeadTarget::Partner(org) => {
            let partner = live_organization(db, principal, org, "partnerId").await?;
            ensure_partner(&partner, &["input", "partnerId"])?;
            (None, Some(org))
        }
        LeadTarget::Route => {
            return Err(Error::user(
                &["input", "assigneeId"],
                ErrorCode::Required,
                "a lead route names a staff member (assigneeId) or a partner (partnerId)",
            ));
        }
    };
    let existing = lead_route::Entity::find()
        .filter(lead_route::Column::Territory.eq(territory.clone()))
        .one(db)
        .await?;
    let at = now();
    let saved = match existing.clone() {
        Some(current) => {
            let mut row: lead_route::ActiveModel = current.clone().into();
            row.assignee_id = Set(assignee);
            row.partner_id = Set(partner);
            row.updated_at = Set(at);
            row.version = Set(current.version + 1);
            row.update(db).await?
        }
        None => {
            lead_route::ActiveModel {
                id: Set(Uuid::now_v7()),
                territory: Set(territory),
                assignee_id: Set(assignee),
                partner_id: Set(partner),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
            }
            .insert(db)
            .await?
        }
    };
    audit::record(
        db,
        principal,
        Action::LeadRouteSet,
        Some(saved.id),
        existing.as_ref(),
        Some(&saved),
    )
    .await?;
    Ok(saved)
}

/// The lead routes, by territory. The brand's staff only.
pub async fn routes(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> Result<Vec<lead_route::Model>> {
    if principal.is_restricted() {
        return Err(Error::Forbidden("lead routes are the brand's own".into()));
    }
    let mut rows = lead_route::Entity::find().all(db).await?;
    rows.sort_by(|a, b| a.territory.cmp(&b.territory));
    Ok(rows)
}
