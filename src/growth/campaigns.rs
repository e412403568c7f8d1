//! Campaigns: their audience (contacts who opted in and have not had the material yet),
//! what was sent to whom, who responded, and what they brought: leads, opportunities and the
//! revenue of those won, against the cost.

use std::collections::{HashMap, HashSet};

use entity::campaign::{self, Column, Entity};
use entity::enums::{ConsentStatus, OpportunityStage};
use entity::{campaign_response, campaign_send, contact, opportunity, order, organization};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::model::{
    AudienceFilter, CampaignChanges, CampaignFigures, NewCampaign, NewCampaignResponse,
};
use crate::access::Principal;
use crate::audit;
use crate::error::{Error, ErrorCode, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::{self, now};

impl Keyed for campaign::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Due | SortKey::Name => SortValue::Date(self.starts_on),
            SortKey::CreatedAt => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Due | SortKey::Name => Column::StartsOn,
        SortKey::CreatedAt => Column::CreatedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

/// Campaigns by id; partners see none.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, campaign::Model>> {
    if principal.ensure_can_read_marketing().is_err() {
        return Ok(HashMap::new());
    }
    store::by_ids::<Entity>(db, ids, Condition::all()).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    active_on: Option<chrono::NaiveDate>,
    page: &PageRequest,
) -> Result<Page<campaign::Model>> {
    principal.ensure_can_read_marketing()?;
    store::page_where::<Entity>(
        db,
        active(active_on),
        page,
        sort_column(page.sort.key),
        Column::Id,
    )
    .await
}

fn active(on: Option<chrono::NaiveDate>) -> Condition {
    match on {
        Some(day) => Condition::all()
            .add(Column::StartsOn.lte(day))
            .add(Column::EndsOn.gte(day)),
        None => Condition::all(),
    }
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    active_on: Option<chrono::NaiveDate>,
) -> Result<u64> {
    principal.ensure_can_read_marketing()?;
    store::count_where::<Entity>(db, active(active_on)).await
}

fn ensure_dates(starts: chrono::NaiveDate, ends: chrono::NaiveDate) -> Result<()> {
    if ends < starts {
        return Err(Error::user(
            &["input", "endsOn"],
            ErrorCode::OutOfRange,
            format!("endsOn {ends} is before startsOn {starts}"),
        ));
    }
    Ok(())
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewCampaign,
) -> Result<campaign::Model> {
    principal.ensure_can_sell()?;
    ensure_dates(new.starts_on, new.ends_on)?;
    let code = new.code.clone();
    let taken = move || {
        Error::user(
            &["input", "code"],
            ErrorCode::Taken,
            format!("campaign code {code} is taken"),
        )
    };
    if Entity::find()
        .filter(Column::Code.eq(new.code.clone()))
        .count(db)
        .await?
        > 0
    {
        return Err(taken());
    }
    let at = now();
    let created = campaign::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code),
        name: Set(new.name),
        channel: Set(new.channel),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        cost: Set(new.cost.amount.into()),
        currency: Set(new.cost.currency.code().to_owned()),
        material: Set(new.material),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    }
    .insert(db)
    .await
    .map_err(|e| match Error::from(e) {
        e if e.unique_violation().is_some() => taken(),
        e => e,
    })?;
    crate::changes::recorded::<entity::campaign::Entity>(
        db,
        principal,
        crate::audit::Action::CampaignCreate,
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
    changes: CampaignChanges,
) -> Result<campaign::Model> {
    principal.ensure_can_sell()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    ensure_dates(
        changes.starts_on.unwrap_or(current.starts_on),
        changes.ends_on.unwrap_or(current.ends_on),
    )?;
    let mut row: campaign::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(day) = changes.starts_on {
        row.starts_on = Set(day);
    }
    if let Some(day) = changes.ends_on {
        row.ends_on = Set(day);
    }
    if let Some(cost) = changes.cost {
        row.cost = Set(cost.into());
    }
    let saved = crate::changes::save::<Entity>(
        db,
        principal,
        crate::audit::Action::CampaignUpdate,
        &current,
        row,
    )
    .await?;
    Ok(saved)
}

/// What a send of this campaign is: its material, or the campaign itself when it names none.
fn material_of(c: &campaign::Model) -> String {
    c.material.clone().unwrap_or_else(|| c.code.clone())
}

async fn campaign(db: &impl ConnectionTrait, id: Uuid, field: &str) -> Result<campaign::Model> {
    Entity::find_by_id(id).one(db).await?.ok_or_else(|| {
        Error::user(
            &["input", field],
            ErrorCode::NotFound,
            format!("no campaign has this {field}"),
        )
    })
}

/// Contacts the campaign may reach: opted in, live, at a live organization matching the
/// filter, and never sent the campaign's material. By name.
pub fn audience_query(
    c: &campaign::Model,
    filter: &AudienceFilter,
) -> sea_orm::Select<contact::Entity> {
    let mut orgs = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::ArchivedAt.is_null());
    if !filter.kinds.is_empty() {
        orgs = orgs.filter(organization::Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if !filter.segments.is_empty() {
        orgs = orgs.filter(organization::Column::Segment.is_in(filter.segments.iter().copied()));
    }
    if !filter.territories.is_empty() {
        orgs =
            orgs.filter(organization::Column::Territory.is_in(filter.territories.iter().cloned()));
    }
    let received = campaign_send::Entity::find()
        .select_only()
        .column(campaign_send::Column::ContactId)
        .filter(campaign_send::Column::Material.eq(material_of(c)))
        .into_query();
    contact::Entity::find()
        .filter(contact::Column::MarketingConsent.eq(ConsentStatus::OptedIn))
        .filter(contact::Column::ArchivedAt.is_null())
        .filter(contact::Column::OrganizationId.in_subquery(orgs.into_query()))
        .filter(contact::Column::Id.not_in_subquery(received))
}

pub async fn audience(
    db: &impl ConnectionTrait,
    principal: &Principal,
    campaign_id: Uuid,
    filter: &AudienceFilter,
    page: &PageRequest,
) -> Result<Page<contact::Model>> {
    principal.ensure_can_sell()?;
    let Some(c) = Entity::find_by_id(campaign_id).one(db).await? else {
        return Err(Error::bad_input(
            "campaignId",
            "no campaign has this campaignId",
        ));
    };
    let col = match page.sort.key {
        SortKey::Name => contact::Column::NameKey,
        _ => contact::Column::CreatedAt,
    };
    store::page_of(
        db,
        audience_query(&c, filter),
        page,
        Expr::col((contact::Entity, col)),
        Expr::col((contact::Entity, contact::Column::Id)),
    )
    .await
}

pub async fn audience_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    campaign_id: Uuid,
    filter: &AudienceFilter,
) -> Result<u64> {
    principal.ensure_can_sell()?;
    let Some(c) = Entity::find_by_id(campaign_id).one(db).await? else {
        return Err(Error::bad_input(
            "campaignId",
            "no campaign has this campaignId",
        ));
    };
    Ok(audience_query(&c, filter).count(db).await?)
}

/// Records that the campaign's material went to these contacts, all or none: a contact who
/// has not opted in, or already received the material, refuses the whole send.
#[tracing::instrument(skip(db, principal, contacts))]
pub async fn send(
    db: &impl ConnectionTrait,
    principal: &Principal,
    campaign_id: Uuid,
    contacts: &[Uuid],
) -> Result<campaign::Model> {
    principal.ensure_can_sell()?;
    let c = campaign(db, campaign_id, "campaignId").await?;
    let material = material_of(&c);
    let found: HashMap<Uuid, contact::Model> = contact::Entity::find()
        .filter(contact::Column::Id.is_in(contacts.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let received: HashSet<Uuid> = campaign_send::Entity::find()
        .select_only()
        .column(campaign_send::Column::ContactId)
        .filter(campaign_send::Column::Material.eq(material.clone()))
        .filter(campaign_send::Column::ContactId.is_in(contacts.iter().copied()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let at = now();
    let mut rows = Vec::with_capacity(contacts.len());
    for (i, id) in contacts.iter().enumerate() {
        let index = i.to_string();
        let field = ["input", "contactIds", index.as_str()];
        let Some(person) = found.get(id) else {
            return Err(Error::user(
                &field,
                ErrorCode::NotFound,
                "no contact has this id",
            ));
        };
        if !seen.insert(*id) {
            return Err(Error::user(
                &field,
                ErrorCode::Invalid,
                format!("{} is listed twice", person.name),
            ));
        }
        match person.marketing_consent {
            ConsentStatus::OptedIn => {}
            ConsentStatus::OptedOut => {
                return Err(Error::user(
                    &field,
                    ErrorCode::NotAllowed,
                    format!("{} has opted out", person.name),
                ));
            }
            ConsentStatus::Unknown => {
                return Err(Error::user(
                    &field,
                    ErrorCode::NotAllowed,
                    format!("{} has not opted in", person.name),
                ));
            }
        }
        if received.contains(id) {
            return Err(Error::user(
                &field,
                ErrorCode::Taken,
                format!("{} already received {material}", person.name),
            ));
        }
        rows.push(campaign_send::ActiveModel {
            id: Set(Uuid::now_v7()),
            campaign_id: Set(c.id),
            contact_id: Set(*id),
            material: Set(material.clone()),
            sent_at: Set(at),
        });
    }
    if !rows.is_empty() {
        // A send of the same material running at the same time got there first.
        campaign_send::Entity::insert_many(rows)
            .exec(db)
            .await
            .map_err(|e| match Error::from(e) {
                e if e.unique_violation().is_some() => Error::user(
                    &["input", "contactIds"],
                    ErrorCode::Taken,
                    format!("a contact received {material} meanwhile; read the audience again"),
                ),
                e => e,
            })?;
    }
    audit::record(
        db,
        principal,
        audit::Action::CampaignSend,
        Some(c.id),
        None,
        Some(&contacts.to_vec()),
    )
    .await?;
    Ok(c)
}

#[tracing::instrument(skip(db, principal, new))]
pub async fn respond(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewCampaignResponse,
) -> Result<campaign::Model> {
    principal.ensure_can_sell()?;
    let c = campaign(db, new.campaign_id, "campaignId").await?;
    if let Some(contact) = new.contact_id
        && contact::Entity::find_by_id(contact)
            .one(db)
            .await?
            .is_none()
    {
        return Err(Error::user(
            &["input", "contactId"],
            ErrorCode::NotFound,
            "no contact has this contactId",
        ));
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
    let created = campaign_response::ActiveModel {
        id: Set(Uuid::now_v7()),
        campaign_id: Set(c.id),
        contact_id: Set(new.contact_id),
        kind: Set(new.kind),
        responded_at: Set(responded_at),
        created_at: Set(at),
    }
    .insert(db)
    .await?;
    crate::audit::record(
        db,
        principal,
        crate::audit::Action::CampaignResponse,
        Some(c.id),
        None,
        Some(&created),
    )
    .await?;
    Ok(c)
}

const CAMPAIGN: &str = "cg_campaign";
const N: &str = "cg_n";
const SUM: &str = "cg_sum";

/// Counts per campaign of a table with a `campaign_id` column.
async fn counts(
    db: &impl ConnectionTrait,
    table: &str,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>> {
    let stmt = Query::select()
        .expr_as(Expr::col(Alias::new("campaign_id")), Alias::new(CAMPAIGN))
        .expr_as(Func::count(Expr::col(Alias::new("id"))), Alias::new(N))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("campaign_id")).is_in(ids.iter().copied()))
        .group_by_col(Alias::new("campaign_id"))
        .take();
    let mut out = HashMap::new();
    for row in db.query_all(&stmt).await? {
        out.insert(
            row.try_get::<Uuid>("", CAMPAIGN)?,
            row.try_get::<i64>("", N)?,
        );
    }
    Ok(out)
}

/// What each campaign brought, computed by the database: sends, responses, leads,
/// opportunities, those won, and their revenue (the net total of the order a won
/// opportunity became, else its amount).
pub async fn figures(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, CampaignFigures>> {
    principal.ensure_can_read_marketing()?;
    let sends = counts(db, "campaign_sends", ids).await?;
    let responses = counts(db, "campaign_responses", ids).await?;
    let leads = counts(db, "leads", ids).await?;
    let opportunities = counts(db, "opportunities", ids).await?;
    let o = Alias::new("o");
    let won_revenue = Expr::case(
        Expr::col((o.clone(), opportunity::Column::OrderId)).is_not_null(),
        Expr::col((order::Entity, order::Column::Total))
            .sub(Expr::col((order::Entity, order::Column::TaxTotal))),
    )
    .finally(Expr::col((o.clone(), opportunity::Column::Amount)));
    let stmt = Query::select()
        .expr_as(
            Expr::col((o.clone(), opportunity::Column::CampaignId)),
            Alias::new(CAMPAIGN),
        )
        .expr_as(
            Func::count(Expr::col((o.clone(), opportunity::Column::Id))),
            Alias::new(N),
        )
        .expr_as(Func::sum(won_revenue), Alias::new(SUM))
        .from_as(opportunity::Entity, o.clone())
        .left_join(
            order::Entity,
            Expr::col((order::Entity, order::Column::Id))
                .equals((o.clone(), opportunity::Column::OrderId)),
        )
        .and_where(
            Expr::col((o.clone(), opportunity::Column::CampaignId)).is_in(ids.iter().copied()),
        )
        .and_where(
            Expr::col((o.clone(), opportunity::Column::Stage)).eq(OpportunityStage::Won.to_value()),
        )
        .group_by_col((o.clone(), opportunity::Column::CampaignId))
        .take();
    let mut won = HashMap::new();
    for row in db.query_all(&stmt).await? {
        let id: Uuid = row.try_get("", CAMPAIGN)?;
        let n: i64 = row.try_get("", N)?;
        let sum = crate::money::column(&row, SUM)?;
        won.insert(id, (n, sum.unwrap_or_default()));
    }
    Ok(ids
        .iter()
        .map(|id| {
            let (won_count, revenue) = won.get(id).copied().unwrap_or_default();
            (
                *id,
                CampaignFigures {
                    sends: sends.get(id).copied().unwrap_or(0),
                    responses: responses.get(id).copied().unwrap_or(0),
                    leads: leads.get(id).copied().unwrap_or(0),
                    opportunities: opportunities.get(id).copied().unwrap_or(0),
                    won: won_count,
                    revenue: crate::money::stored(revenue),
                },
            )
        })
        .collect())
}
