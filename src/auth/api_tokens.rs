//! API tokens for partner systems: created for one organization with scopes and an optional
//! expiry, shown once, stored as a digest, revocable with effect on the next request.

use chrono::{DateTime, Utc};
use entity::{api_token, organization};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::credentials::{Checked, Revoked};
use super::secrets;
use crate::access::{Principal, Scope};
use crate::error::{Error, ErrorCode, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::now;

/// How long `last_used_at` may lag, so that a busy token is not written on every request.
const LAST_USED_RESOLUTION: chrono::Duration = chrono::Duration::seconds(60);

#[derive(Clone, Debug)]
pub struct NewApiToken {
    pub organization_id: Uuid,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Runs only documents staff or the operator registered, sent by id.
    pub registered_documents_only: bool,
}

impl Keyed for api_token::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// The tokens a principal may see and revoke: admins all, a partner admin its organization's.
pub fn visible_tokens(principal: &Principal) -> Condition {
    principal.administered(api_token::Column::OrganizationId)
}

/// Creates a token; the secret is returned here and never again.
#[tracing::instrument(skip(db, principal, new), fields(organization = %new.organization_id))]
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewApiToken,
) -> Result<(api_token::Model, String)> {
    principal.ensure_administers(Some(new.organization_id), "create API tokens")?;
    let org = organization::Entity::find_by_id(new.organization_id)
        .filter(principal.visible_organizations())
        .filter(organization::Column::ArchivedAt.is_null())
        .one(db)
        .await?;
    if org.is_none() {
        return Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotFound,
            "no organization has this organizationId",
        ));
    }
    if new.scopes.is_empty() {
        return Err(Error::user(
            &["input", "scopes"],
            ErrorCode::Required,
            "a token needs at least one scope",
        ));
    }
    if let Some(expires_at) = new.expires_at
        && expires_at <= now()
    {
        return Err(Error::user(
            &["input", "expiresAt"],
            ErrorCode::Invalid,
            "expiresAt must be in the future",
        ));
    }
    for (i, scope) in new.scopes.iter().enumerate() {
        if let Err(why) = principal.ensure_can_delegate(*scope) {
            return Err(Error::user(
                &["input", "scopes", &i.to_string()],
                ErrorCode::NotAllowed,
                format!("{why}: a token gets only what its maker could do"),
            ));
        }
    }
    let secret = secrets::generate(secrets::API_TOKEN_PREFIX);
    let mut scopes: Vec<&str> = new.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let row = crate::changes::create::<api_token::Entity>(
        db,
        principal,
        crate::audit::Action::ApiTokenCreate,
        api_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(new.organization_id),
            name: Set(new.name),
            prefix: Set(secret.chars().take(12).collect()),
            secret_hash: Set(secrets::digest(&secret)),
            scopes: Set(scopes.join(" ")),
            expires_at: Set(new.expires_at),
            registered_documents_only: Set(new.registered_documents_only),
            last_used_at: Set(None),
            revoked_at: Set(None),
            created_by: Set(principal.user_id()),
            created_at: Set(now()),
        },
    )
    .await?;
    Ok((row, secret))
}

/// Revokes a token; the next request with it is refused. Revoking twice is harmless.
#[tracing::instrument(skip(db, principal))]
pub async fn revoke(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> Result<api_token::Model> {
    let token = api_token::Entity::find_by_id(id)
        .filter(visible_tokens(principal))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "id"],
                ErrorCode::NotFound,
                "no API token has this id",
            )
        })?;
    // Revoked only by one who could have given it its scopes: a lesser admin does not cut
    // off what a fuller one set up.
    if let Some(why) = token
        .scopes
        .split_whitespace()
        .filter_map(Scope::parse)
        .find_map(|scope| principal.ensure_can_delegate(scope).err())
    {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::NotAllowed,
            format!("{why}: a token is revoked by one who could have made it"),
        ));
    }
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let before = token.clone();
    let mut row: api_token::ActiveModel = token.into();
    row.revoked_at = Set(Some(now()));
    let saved = row.update(db).await?;
    Revoked::ApiToken(id).record(db).await?;
    crate::changes::recorded::<entity::api_token::Entity>(
        db,
        principal,
        crate::audit::Action::ApiTokenRevoke,
        Some(&before),
        &saved,
    )
    .await?;
    Ok(saved)
}

/// Tokens the principal may see, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Option<Uuid>,
    page: &PageRequest,
) -> Result<Page<api_token::Model>> {
    let mut query = api_token::Entity::find().filter(visible_tokens(principal));
    if let Some(org) = organization_id {
        query = query.filter(api_token::Column::OrganizationId.eq(org));
    }
    crate::store::page_of(
        db,
        query,
        page,
        Expr::col((api_token::Entity, api_token::Column::CreatedAt)),
        Expr::col((api_token::Entity, api_token::Column::Id)),
    )
    .await
}

/// What a token secret stands for: live (not revoked, not expired) tokens only.
pub async fn check(db: &impl ConnectionTrait, secret: &str) -> Result<Checked> {
    let token = api_token::Entity::find()
        .filter(api_token::Column::SecretHash.eq(secrets::digest(secret)))
        .one(db)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let at = now();
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|e| e <= at) {
        return Err(Error::Unauthenticated);
    }
    if token
        .last_used_at
        .is_none_or(|last| at - last > LAST_USED_RESOLUTION)
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(at))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Checked {
        principal: Principal::PartnerSystem {
            token_id: token.id,
            organization_id: token.organization_id,
            scopes: token.scopes.split(' ').filter_map(Scope::parse).collect(),
            registered_documents_only: token.registered_documents_only,
        },
        session: None,
        expires_at: token.expires_at,
    })
}

/// How many tokens [`list`] would page through.
pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Option<Uuid>,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    let mut query = api_token::Entity::find().filter(visible_tokens(principal));
    if let Some(org) = organization_id {
        query = query.filter(api_token::Column::OrganizationId.eq(org));
    }
    Ok(query.count(db).await?)
}

/// Tokens by id, as far as the principal may see them.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, api_token::Model>> {
    let rows = api_token::Entity::find()
        .filter(api_token::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_tokens(principal))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}
