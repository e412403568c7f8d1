//! Certifications: the brand keeps a catalogue of trainings, each valid for some months, and
//! records which partner contact earned which, when, and the evidence. A record runs out
//! `validity_months` after it was earned; the program's pass tells the partner
//! (`CERTIFICATION_EXPIRING`) `certification_notice_days` before.

use chrono::{Months, NaiveDate};
use entity::certification::{self, Column, Entity};
use entity::contact_certification::{self as record, Entity as Records};
use entity::enums::OrganizationKind;
use entity::{contact, organization};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::Principal;
use crate::audit::Action;
use crate::changes::Recorded;
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::pagination::{Page, PageRequest};
use crate::settings::CrmSettings;
use crate::store::{self, now};

/// The longest a certification may stay valid: ten years.
pub const VALIDITY_MONTHS_MAX: i32 = 120;
/// The longest evidence (an external id or a URL), in characters.
pub const EVIDENCE_MAX: usize = 500;

/// The day a certification earned on `earned_on` and valid for `months` runs out: it is
/// valid before that day, not on it.
pub fn expiry(earned_on: NaiveDate, months: i32) -> Option<NaiveDate> {
    earned_on.checked_add_months(Months::new(u32::try_from(months).ok()?))
}

/// A certification for the catalogue, parsed.
#[derive(Clone, Debug)]
pub struct NewCertification {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub validity_months: i32,
}

/// Changes to a catalogue entry; None leaves a field as it is. A new validity counts for
/// certifications earned from now on; those already recorded keep their expiry.
#[derive(Clone, Debug, Default)]
pub struct CertificationChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub validity_months: Option<i32>,
}

pub fn check_validity(field: &[&str], months: i32) -> Result<i32> {
    if (1..=VALIDITY_MONTHS_MAX).contains(&months) {
        Ok(months)
    } else {
        Err(Error::user(
            field,
            ErrorCode::OutOfRange,
            format!("validityMonths is {months}; it must be 1 to {VALIDITY_MONTHS_MAX}"),
        ))
    }
}

/// Adds a certification to the catalogue: the brand's admins and managers.
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewCertification,
) -> Result<certification::Model> {
    principal.ensure_runs_program()?;
    let taken = || {
        Error::user(
            &["input", "code"],
            ErrorCode::Taken,
            format!("certification code {} is taken", new.code),
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
    let row = certification::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code.clone()),
        name: Set(new.name.clone()),
        description: Set(new.description.clone()),
        validity_months: Set(new.validity_months),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(db, principal, Action::CertificationCreate, row)
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => taken(),
            None => e,
        })
}

/// Changes a catalogue entry at the version the caller read.
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    changes: CertificationChanges,
) -> Result<certification::Model> {
    principal.ensure_runs_program()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let mut row: certification::ActiveModel = current.into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(description) = changes.description {
        row.description = Set(description);
    }
    if let Some(months) = changes.validity_months {
        row.validity_months = Set(months);
    }
    crate::changes::save::<Entity>(db, principal, Action::CertificationUpdate, &before, row).await
}

/// Takes a certification out of the catalogue: nobody earns it any more. Records of it stay,
/// and run out as they would.
pub async fn archive(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<certification::Model> {
    principal.ensure_runs_program()?;
    let current = store::for_change::<Entity>(db, id, version, Condition::all()).await?;
    let before = current.clone();
    let mut row: certification::ActiveModel = current.into();
    row.archived_at = Set(Some(now()));
    crate::changes::save::<Entity>(db, principal, Action::CertificationArchive, &before, row).await
}

fn ensure_signed_in(principal: &Principal) -> Result<()> {
    match principal {
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ => Ok(()),
    }
}

/// Which catalogue entries a list shows.
#[derive(Clone, Debug, Default)]
pub struct CertificationFilter {
    pub include_archived: bool,
}

fn catalogue(
    principal: &Principal,
    filter: &CertificationFilter,
) -> Result<sea_orm::Select<Entity>> {
    ensure_signed_in(principal)?;
    let mut query = Entity::find();
    if !filter.include_archived {
        query = query.filter(Column::ArchivedAt.is_null());
    }
    Ok(query)
}

/// The catalogue by name: every signed-in caller reads it.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CertificationFilter,
    page: &PageRequest,
) -> Result<Page<certification::Model>> {
    store::page_of(
        db,
        catalogue(principal, filter)?,
        page,
        Expr::col((Entity, Column::Name)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &CertificationFilter,
) -> Result<u64> {
    Ok(catalogue(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, certification::Model>> {
    ensure_signed_in(principal)?;
    store::by_ids::<Entity>(db, ids, Condition::all()).await
}

/// Where a contact's certification stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificationState {
    /// Valid, and not about to run out.
    Valid,
    /// Valid, but it runs out within `certification_notice_days`.
    Expiring,
    /// It ran out.
    Expired,
    /// The brand revoked it.
    Revoked,
}

/// Where `held` stands on `today`.
pub fn state(held: &record::Model, today: NaiveDate, notice_days: u32) -> CertificationState {
    if held.revoked_at.is_some() {
        CertificationState::Revoked
    } else if held.expires_on <= today {
        CertificationState::Expired
    } else if held.expires_on <= today + chrono::Days::new(u64::from(notice_days)) {
        CertificationState::Expiring
    } else {
        CertificationState::Valid
    }
}

fn in_state(state: CertificationState, today: NaiveDate, notice_days: u32) -> Condition {
    use record::Column as R;
    let horizon = today + chrono::Days::new(u64::from(notice_days));
    let live = Condition::all().add(R::RevokedAt.is_null());
    match state {
        CertificationState::Revoked => Condition::all().add(R::RevokedAt.is_not_null()),
        CertificationState::Expired => live.add(R::ExpiresOn.lte(today)),
        CertificationState::Expiring => live
            .add(R::ExpiresOn.gt(today))
            .add(R::ExpiresOn.lte(horizon)),
        CertificationState::Valid => live.add(R::ExpiresOn.gt(horizon)),
    }
}

/// A certification a contact earned, parsed.
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub contact_id: Uuid,
    pub certification_id: Uuid,
    pub earned_on: NaiveDate,
    pub evidence: Option<String>,
}

/// Records that a partner contact earned a certification: the brand's admins and managers.
/// It runs out the catalogue's `validity_months` after `earned_on`.
pub async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewRecord,
) -> Result<record::Model> {
    principal.ensure_runs_program()?;
    let holder = contact::Entity::find_by_id(new.contact_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "contactId"],
                ErrorCode::NotFound,
                "no contact has this id",
            )
        })?;
    if holder.archived_at.is_some() {
        return Err(Error::user(
            &["input", "contactId"],
            ErrorCode::Archived,
            "the contact is archived",
        ));
    }
    let company = organization::Entity::find_by_id(holder.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a contact's organization is missing".into()))?;
    if !matches!(
        company.kind,
        OrganizationKind::Distributor | OrganizationKind::IntermediateCustomer
    ) {
        return Err(Error::user(
            &["input", "contactId"],
            ErrorCode::NotAllowed,
            "certifications are for the people of partners: distributors, dealers and resellers",
        ));
    }
    let course = Entity::find_by_id(new.certification_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "certificationId"],
                ErrorCode::NotFound,
                "no certification in the catalogue has this id",
            )
        })?;
    if course.archived_at.is_some() {
        return Err(Error::user(
            &["input", "certificationId"],
            ErrorCode::Archived,
            format!(
                "certification {} is archived; nobody earns it any more",
                course.code
            ),
        ));
    }
    if new.earned_on > crm.today() {
        return Err(Error::user(
            &["input", "earnedOn"],
            ErrorCode::OutOfRange,
            format!("earnedOn {} is in the future", new.earned_on),
        ));
    }
    let expires_on = expiry(new.earned_on, course.validity_months).ok_or_else(|| {
        Error::user(
            &["input", "earnedOn"],
            ErrorCode::OutOfRange,
            format!("earnedOn {} is out of range", new.earned_on),
        )
    })?;
    let duplicate = || {
        Error::user(
            &["input", "earnedOn"],
            ErrorCode::Duplicate,
            format!(
                "{} already holds {} earned on {}",
                holder.name, course.code, new.earned_on
            ),
        )
    };
    let recorded = Records::find()
        .filter(record::Column::ContactId.eq(holder.id))
        .filter(record::Column::CertificationId.eq(course.id))
        .filter(record::Column::EarnedOn.eq(new.earned_on))
        .count(db)
        .await?;
    if recorded > 0 {
        return Err(duplicate());
    }
    let at = now();
    let row = record::ActiveModel {
        id: Set(Uuid::now_v7()),
        contact_id: Set(holder.id),
        organization_id: Set(holder.organization_id),
        certification_id: Set(course.id),
        earned_on: Set(new.earned_on),
        expires_on: Set(expires_on),
        evidence: Set(new.evidence),
        recorded_by: Set(principal.user_id()),
        notice_sent_at: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoke_reason: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Records>(db, principal, Action::ContactCertificationRecord, row)
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => duplicate(),
            None => e,
        })
}

/// Revokes a contact's certification, with the reason: it no longer counts.
pub async fn revoke(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<record::Model> {
    principal.ensure_runs_program()?;
    let current = store::for_change::<Records>(db, id, version, Condition::all()).await?;
    if current.revoked_at.is_some() {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            "the certification is already revoked",
        ));
    }
    let before = current.clone();
    let mut row: record::ActiveModel = current.into();
    row.revoked_at = Set(Some(now()));
    row.revoked_by = Set(principal.user_id());
    row.revoke_reason = Set(Some(reason));
    crate::changes::save::<Records>(
        db,
        principal,
        Action::ContactCertificationRevoke,
        &before,
        row,
    )
    .await
}

/// Contacts' certifications this principal may see: every one for staff, its own company's
/// for a partner (not its dealers': they are theirs).
fn visible(principal: &Principal) -> Condition {
    principal.owned_by_self(record::Column::OrganizationId)
}

/// Which records a list shows.
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub organization_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub certification_id: Option<Uuid>,
    pub state: Option<CertificationState>,
    /// Only those that run out on or before this day.
    pub expires_on_or_before: Option<NaiveDate>,
}

fn records(
    principal: &Principal,
    crm: &CrmSettings,
    filter: &RecordFilter,
) -> Result<sea_orm::Select<Records>> {
    use record::Column as R;
    principal.ensure_can_read_directory()?;
    let mut query = Records::find().filter(visible(principal));
    if let Some(org) = filter.organization_id {
        query = query.filter(R::OrganizationId.eq(org));
    }
    if let Some(contact) = filter.contact_id {
        query = query.filter(R::ContactId.eq(contact));
    }
    if let Some(course) = filter.certification_id {
        query = query.filter(R::CertificationId.eq(course));
    }
    if let Some(state) = filter.state {
        query = query.filter(in_state(
            state,
            crm.today(),
            crm.partner.certification_notice_days,
        ));
    }
    if let Some(day) = filter.expires_on_or_before {
        query = query.filter(R::ExpiresOn.lte(day));
    }
    Ok(query)
}

/// Contacts' certifications, the soonest to run out first.
pub async fn list_records(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    filter: &RecordFilter,
    page: &PageRequest,
) -> Result<Page<record::Model>> {
    store::page_of(
        db,
        records(principal, crm, filter)?,
        page,
        Expr::col((Records, record::Column::ExpiresOn)),
        Expr::col((Records, record::Column::Id)),
    )
    .await
}

pub async fn count_records(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    filter: &RecordFilter,
) -> Result<u64> {
    Ok(records(principal, crm, filter)?.count(db).await?)
}

pub async fn records_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, record::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Records>(db, ids, visible(principal)).await
}

/// Records that run out within `certification_notice_days` and whose partner has not been
/// told: each gets `CERTIFICATION_EXPIRING`, once. A record the contact has already renewed
/// (a later record of the same certification that runs out later) is passed over. Returns
/// how many were told.
pub async fn notify_expiring(db: &sea_orm::DatabaseConnection, crm: &CrmSettings) -> Result<usize> {
    use record::Column as R;
    let today = crm.today();
    let renewal = Alias::new("renewal");
    let renewed = Query::select()
        .expr(Expr::val(1))
        .from_as(Records, renewal.clone())
        .and_where(Expr::col((renewal.clone(), R::ContactId)).equals((Records, R::ContactId)))
        .and_where(
            Expr::col((renewal.clone(), R::CertificationId)).equals((Records, R::CertificationId)),
        )
        .and_where(
            Expr::col((renewal.clone(), R::ExpiresOn)).gt(Expr::col((Records, R::ExpiresOn))),
        )
        .and_where(Expr::col((renewal.clone(), R::RevokedAt)).is_null())
        .to_owned();
    let due = Records::find()
        .filter(in_state(
            CertificationState::Expiring,
            today,
            crm.partner.certification_notice_days,
        ))
        .filter(R::NoticeSentAt.is_null())
        .filter(Expr::exists(renewed).not())
        .order_by_asc(R::ExpiresOn)
        .limit(500)
        .all(db)
        .await?;
    let mut told = 0;
    for held in due {
        let at = now();
        // The notice and its event commit together; only the node whose update finds the
        // notice unsent tells the partner.
        let txn = crate::db::begin_write(db).await?;
        let claimed = Records::update_many()
            .col_expr(R::NoticeSentAt, Expr::val(at))
            .filter(R::Id.eq(held.id))
            .filter(R::NoticeSentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let holder = contact::Entity::find_by_id(held.contact_id)
            .one(&txn)
            .await?;
        let course = Entity::find_by_id(held.certification_id).one(&txn).await?;
        events::emit(
            &txn,
            NewEvent {
                event_type: EventType::CertificationExpiring,
                subject_id: held.id,
                order_id: None,
                audience: vec![held.organization_id],
                data: json!({
                    "contactCertification": {
                        "id": events::gid(NodeType::ContactCertification, held.id),
                        "earnedOn": held.earned_on.to_string(),
                        "expiresOn": held.expires_on.to_string(),
                        "daysLeft": (held.expires_on - today).num_days(),
                    },
                    "contact": holder.map(|c| json!({
                        "id": events::gid(NodeType::Contact, c.id),
                        "name": c.name,
                    })),
                    "certification": course.map(|c| json!({
                        "id": events::gid(NodeType::Certification, c.id),
                        "code": c.code,
                        "name": c.name,
                    })),
                    "organizationId": events::gid(NodeType::Organization, held.organization_id),
                }),
            },
        )
        .await?;
        crate::db::commit(txn).await?;
        told += 1;
    }
    Ok(told)
}

/// How many of `organization`'s contacts hold a certification valid on `day`, as one
/// scalar subquery.
pub fn certified_contacts(
    organization: Uuid,
    day: NaiveDate,
) -> sea_orm::sea_query::SelectStatement {
    use record::Column as R;
    Query::select()
        .expr(Func::count_distinct(Expr::col(R::ContactId)))
        .from(Records)
        .and_where(R::OrganizationId.eq(organization))
        .and_where(R::RevokedAt.is_null())
        .and_where(R::EarnedOn.lte(day))
        .and_where(R::ExpiresOn.gt(day))
        .to_owned()
}

impl Recorded for Records {
    fn id_of(model: &record::Model) -> Uuid {
        model.id
    }
}

impl Recorded for Entity {
    fn id_of(model: &certification::Model) -> Uuid {
        model.id
    }
}
