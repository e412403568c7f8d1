//! The program's terms: versioned texts the brand publishes. A partner admin accepts the
//! current version for its company before the company's users place orders or register
//! deals. Every acceptance is kept: who, when, which version, from which request.

use entity::program_terms::{self, Entity};
use entity::terms_acceptance;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::audit::Action;
use crate::error::{Error, ErrorCode, Result};
use crate::pagination::{Page, PageRequest};
use crate::store::{self, now};

/// The largest body a version may have, in characters.
pub const BODY_MAX: usize = 200_000;

/// Where an acceptance came from.
#[derive(Clone, Debug, Default)]
pub struct RequestFacts {
    pub request_id: Option<String>,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
}

/// The current version: the one published last.
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<program_terms::Model>> {
    Ok(Entity::find()
        .order_by_desc(program_terms::Column::Number)
        .one(db)
        .await?)
}

/// Publishes a new version, which becomes current: every partner accepts it anew.
pub async fn publish(
    db: &impl ConnectionTrait,
    principal: &Principal,
    title: String,
    body: String,
) -> Result<program_terms::Model> {
    principal.ensure_runs_program()?;
    let last = current(db).await?.map_or(0, |t| t.number);
    let row = program_terms::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(last + 1),
        title: Set(title),
        body: Set(body),
        published_by: Set(principal.user_id()),
        published_at: Set(now()),
    };
    crate::changes::create::<Entity>(db, principal, Action::ProgramTermsPublish, row)
        .await
        .map_err(|e| match e.unique_violation() {
            Some(_) => Error::user(
                &["input"],
                ErrorCode::Conflict,
                "another version was published at the same moment; read the terms and publish again",
            ),
            None => e,
        })
}

/// Accepts `terms_id`, which must be the current version, for the principal's company: a
/// partner admin does.
pub async fn accept(
    db: &impl ConnectionTrait,
    principal: &Principal,
    terms_id: Uuid,
    request: RequestFacts,
) -> Result<terms_acceptance::Model> {
    let (user_id, organization_id) = match principal {
        Principal::Partner {
            user_id,
            roles,
            organization_id,
        } if roles.has(entity::enums::UserRole::PartnerAdmin) => (*user_id, *organization_id),
        Principal::Anonymous => return Err(Error::Unauthenticated),
        _ => {
            return Err(Error::Forbidden(
                "a partner admin accepts the program's terms for their company".into(),
            ));
        }
    };
    let current = current(db).await?;
    match current {
        Some(t) if t.id == terms_id => {}
        Some(t) => {
            let known = Entity::find_by_id(terms_id).count(db).await? > 0;
            return Err(if known {
                Error::user(
                    &["input", "termsId"],
                    ErrorCode::Conflict,
                    format!(
                        "version {} is current; read it and accept that one",
                        t.number
                    ),
                )
            } else {
                Error::user(
                    &["input", "termsId"],
                    ErrorCode::NotFound,
                    "no version of the program's terms has this id",
                )
            });
        }
        None => {
            return Err(Error::user(
                &["input", "termsId"],
                ErrorCode::NotFound,
                "the brand has published no program terms",
            ));
        }
    }
    let row = terms_acceptance::ActiveModel {
        id: Set(Uuid::now_v7()),
        terms_id: Set(terms_id),
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        accepted_at: Set(now()),
        request_id: Set(request.request_id.map(|r| clip(&r, 100))),
        client_address: Set(request.client_address.map(|r| clip(&r, 100))),
        user_agent: Set(request.user_agent.map(|r| clip(&r, 500))),
    };
    crate::changes::create::<terms_acceptance::Entity>(
        db,
        principal,
        Action::ProgramTermsAccept,
        row,
    )
    .await
}

/// At most `max` characters of `raw`, without control characters: what a request header
/// may leave in stored data.
fn clip(raw: &str, max: usize) -> String {
    raw.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// The number of the current version where `organization` has not accepted it, as one
/// scalar subquery; null where it has, or where no terms are published.
pub fn unaccepted_by(organization: Uuid) -> SelectStatement {
    use program_terms::Column as T;
    use terms_acceptance::Column as A;
    let latest = Query::select()
        .expr(Func::max(Expr::col(T::Number)))
        .from(Entity)
        .to_owned();
    let accepted = terms_acceptance::Entity::find()
        .select_only()
        .column(A::Id)
        .filter(Expr::col((terms_acceptance::Entity, A::TermsId)).equals((Entity, T::Id)))
        .filter(A::OrganizationId.eq(organization))
        .into_query();
    Query::select()
        .column((Entity, T::Number))
        .from(Entity)
        .and_where(Expr::col((Entity, T::Number)).in_subquery(latest))
        .and_where(Expr::exists(accepted).not())
        .to_owned()
}

/// The refusal of a partner's order or deal while its company has not accepted version
/// `number`.
pub fn not_accepted(number: i32) -> Error {
    Error::user(
        &["input"],
        ErrorCode::NotAllowed,
        format!(
            "your company has not accepted version {number} of the program's terms; a partner admin accepts them with programTermsAccept"
        ),
    )
}

/// Refuses a partner whose company has not accepted the current terms; staff pass.
pub async fn ensure_accepted(db: &impl ConnectionTrait, principal: &Principal) -> Result<()> {
    let Some(org) = principal.partner_organization() else {
        return Ok(());
    };
    let pending: Option<i32> = match db.query_one(&unaccepted_by(org)).await? {
        Some(row) => Some(row.try_get::<i32>("", "number")?),
        None => None,
    };
    match pending {
        Some(number) => Err(not_accepted(number)),
        None => Ok(()),
    }
}

/// Versions, newest first: every authenticated caller reads them.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<program_terms::Model>> {
    ensure_signed_in(principal)?;
    store::page_of(
        db,
        Entity::find(),
        page,
        Expr::col((Entity, program_terms::Column::PublishedAt)),
        Expr::col((Entity, program_terms::Column::Id)),
    )
    .await
}

pub async fn count(db: &impl ConnectionTrait, principal: &Principal) -> Result<u64> {
    ensure_signed_in(principal)?;
    Ok(Entity::find().count(db).await?)
}

fn ensure_signed_in(principal: &Principal) -> Result<()> {
    match principal {
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ => Ok(()),
    }
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, program_terms::Model>> {
    ensure_signed_in(principal)?;
    Ok(Entity::find()
        .filter(program_terms::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

/// Acceptances this principal may see: every one for staff, its own company's for a
/// partner.
fn visible_acceptances(principal: &Principal) -> Condition {
    principal.owned_by_self(terms_acceptance::Column::OrganizationId)
}

/// Which acceptances a list shows.
#[derive(Clone, Debug, Default)]
pub struct AcceptanceFilter {
    pub organization_id: Option<Uuid>,
    pub terms_id: Option<Uuid>,
}

fn acceptances(
    principal: &Principal,
    filter: &AcceptanceFilter,
) -> Result<sea_orm::Select<terms_acceptance::Entity>> {
    principal.ensure_can_read_directory()?;
    let mut query = terms_acceptance::Entity::find().filter(visible_acceptances(principal));
    if let Some(org) = filter.organization_id {
        query = query.filter(terms_acceptance::Column::OrganizationId.eq(org));
    }
    if let Some(terms) = filter.terms_id {
        query = query.filter(terms_acceptance::Column::TermsId.eq(terms));
    }
    Ok(query)
}

/// Acceptances, newest first.
pub async fn list_acceptances(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &AcceptanceFilter,
    page: &PageRequest,
) -> Result<Page<terms_acceptance::Model>> {
    store::page_of(
        db,
        acceptances(principal, filter)?,
        page,
        Expr::col((
            terms_acceptance::Entity,
            terms_acceptance::Column::AcceptedAt,
        )),
        Expr::col((terms_acceptance::Entity, terms_acceptance::Column::Id)),
    )
    .await
}

pub async fn count_acceptances(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &AcceptanceFilter,
) -> Result<u64> {
    Ok(acceptances(principal, filter)?.count(db).await?)
}

pub async fn acceptances_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, terms_acceptance::Model>> {
    principal.ensure_can_read_directory()?;
    Ok(terms_acceptance::Entity::find()
        .filter(terms_acceptance::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_acceptances(principal))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

/// The principal's company's latest acceptance of `terms_id`; none for staff.
pub async fn own_acceptance(
    db: &impl ConnectionTrait,
    principal: &Principal,
    terms_id: Uuid,
) -> Result<Option<terms_acceptance::Model>> {
    let Some(org) = principal.partner_organization() else {
        return Ok(None);
    };
    Ok(terms_acceptance::Entity::find()
        .filter(terms_acceptance::Column::TermsId.eq(terms_id))
        .filter(terms_acceptance::Column::OrganizationId.eq(org))
        .order_by_desc(terms_acceptance::Column::AcceptedAt)
        .one(db)
        .await?)
}
