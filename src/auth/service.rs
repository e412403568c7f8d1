//! Users and sessions: creating users, signing in, rotating refresh tokens, signing out, and
//! turning an access token back into a principal.

use chrono::{DateTime, Duration, Utc};
use entity::enums::UserRole;
use entity::roles::Roles;
use entity::{organization, refresh_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::credentials::{Checked, Revoked};
use super::jwt::JwtKeys;
use super::{password, secrets};
use crate::access::Principal;
use crate::audit;
use crate::domain;
use crate::error::{Error, ErrorCode, Result};
use crate::store::now;

/// A user to create, already parsed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub roles: Roles,
    pub organization_id: Option<Uuid>,
}

/// What a successful sign-in or refresh hands back.
pub struct Session {
    pub user: user::Model,
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

/// Checks that `principal` may give a user `roles` at `organization_id`.
pub(crate) fn ensure_can_manage(
    principal: &Principal,
    roles: Roles,
    organization_id: Option<Uuid>,
) -> Result<()> {
    match principal {
        Principal::System
        | Principal::Staff {
            role: UserRole::Admin,
            ..
        } => Ok(()),
        Principal::Partner {
            roles: held,
            organization_id: own,
            ..
        } if held.has(UserRole::PartnerAdmin) => {
            if !roles.all_partner() || organization_id != Some(*own) {
                return Err(Error::Forbidden(
                    "a partner admin manages only partner users of their own organization".into(),
                ));
            }
            // A user made, or a role given, is no way round the admin's own roles.
            match roles.iter().find(|r| !covers(*held, *r)) {
                Some(beyond) => Err(Error::Forbidden(format!(
                    "a partner admin manages users only within their own roles, and {} is not among them",
                    sea_orm::ActiveEnum::to_value(&beyond)
                ))),
                None => Ok(()),
            }
        }
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ => Err(Error::Forbidden(
            "only admins and partner admins manage users".into(),
        )),
    }
}

/// Whether a partner user holding `held` may give `role`: one they hold, or one whose
/// records PARTNER_MANAGER sees all of (sales, finance, service) where they manage.
fn covers(held: Roles, role: UserRole) -> bool {
    held.has(role)
        || (held.has(UserRole::PartnerManager)
            && matches!(
                role,
                UserRole::PartnerSales | UserRole::PartnerFinance | UserRole::PartnerService
            ))
}

/// Parses the roles given for a user at `field`: one staff role, or one or more partner
/// roles, each named once.
pub fn parse_roles(field: &[&str], given: &[UserRole]) -> Result<Roles> {
    let roles = Roles::of(given.iter().copied());
    if roles.is_empty() {
        return Err(Error::user(
            field,
            ErrorCode::Required,
            "name at least one role",
        ));
    }
    if roles.iter().count() != given.len() {
        return Err(Error::user(
            field,
            ErrorCode::Duplicate,
            "each role may be named once",
        ));
    }
    let partner = roles.iter().filter(|r| r.is_partner()).count();
    if partner == 0 && given.len() > 1 {
        return Err(Error::user(
            field,
            ErrorCode::NotAllowed,
            "a staff user holds exactly one role",
        ));
    }
    if partner > 0 && partner < given.len() {
        return Err(Error::user(
            field,
            ErrorCode::NotAllowed,
            "a user holds staff roles or partner roles, not both",
        ));
    }
    Ok(roles)
}

#[tracing::instrument(skip(db, principal, new), fields(email = %new.email))]
pub async fn create_user(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewUser,
) -> Result<user::Model> {
    ensure_can_manage(principal, new.roles, new.organization_id)?;
    ensure_belongs(db, principal, new.roles, new.organization_id).await?;
    ensure_email_free(db, &new.email).await?;
    let created = insert_user(db, new).await?;
    crate::changes::recorded::<entity::user::Entity>(
        db,
        principal,
        crate::audit::Action::UserCreate,
        None,
        &created,
    )
    .await?;
    Ok(created)
}

/// Checks that `principal` may make a user with `roles` at `organization_id`, and that the
/// organization exists for it: a partner user belongs to exactly one organization, staff
/// to none.
pub(crate) async fn ensure_may_add(
    db: &impl ConnectionTrait,
    principal: &Principal,
    roles: Roles,
    organization_id: Option<Uuid>,
) -> Result<()> {
    ensure_can_manage(principal, roles, organization_id)?;
    ensure_belongs(db, principal, roles, organization_id).await
}

async fn ensure_belongs(
    db: &impl ConnectionTrait,
    principal: &Principal,
    roles: Roles,
    organization_id: Option<Uuid>,
) -> Result<()> {
    match (roles.all_partner(), organization_id) {
        (true, None) => Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::Required,
            "partner users belong to exactly one organization",
        )),
        (false, Some(_)) => Err(Error::user(
            &["input", "organizationId"],
            ErrorCode::NotAllowed,
            "staff users do not belong to a partner organization",
        )),
        (true, Some(org)) => {
            let found = organization::Entity::find_by_id(org)
                .filter(principal.visible_organizations())
                .filter(organization::Column::ArchivedAt.is_null())
                .one(db)
                .await?;
            match found {
                Some(_) => Ok(()),
                None => Err(Error::user(
                    &["input", "organizationId"],
                    ErrorCode::NotFound,
                    "no organization has this organizationId",
                )),
            }
        }
        (false, None) => Ok(()),
    }
}

fn email_taken() -> Error {
    Error::user(
        &["input", "email"],
        ErrorCode::Taken,
        "a user with this email exists",
    )
}

/// Refuses an email a user holds already.
pub(crate) async fn ensure_email_free(db: &impl ConnectionTrait, email: &str) -> Result<()> {
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .is_some();
    if taken { Err(email_taken()) } else { Ok(()) }
}

/// Writes a new user, refusing an email taken meanwhile; the caller records it.
pub(crate) async fn insert_user(db: &impl ConnectionTrait, new: NewUser) -> Result<user::Model> {
    let at = now();
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(new.email),
        name: Set(new.name),
        password_hash: Set(password::hash(&new.password)?),
        roles: Set(new.roles),
        organization_id: Set(new.organization_id),
        deactivated_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    row.insert(db).await.map_err(|e| {
        let err = Error::from(e);
        match err.unique_violation() {
            Some(_) => email_taken(),
            None => err,
        }
    })
}

/// Parses the fields of a new user at the edge.
pub fn parse_new_user(
    email: &str,
    name: &str,
    password: String,
    roles: Roles,
    organization_id: Option<Uuid>,
) -> Result<NewUser> {
    let email = domain::email(&["input", "email"], email)?.to_lowercase();
    let name = domain::required_text(&["input", "name"], name, domain::NAME_MAX)?;
    password::check_new(&["input", "password"], &password)?;
    Ok(NewUser {
        email,
        name,
        password,
        roles,
        organization_id,
    })
}

async fn start_session(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    refresh_ttl: Duration,
    user: user::Model,
    family_id: Uuid,
    fresh: bool,
) -> Result<Session> {
    let access = keys.issue(user.id, family_id).map_err(Error::Internal)?;
    let refresh = secrets::generate(secrets::REFRESH_TOKEN_PREFIX);
    let at = now();
    let expires_at = at + refresh_ttl;
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(secrets::digest(&refresh)),
        created_at: Set(at),
        expires_at: Set(expires_at),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    let principal = principal_of_user(&user);
    let action = if fresh {
        audit::Action::SessionLogin
    } else {
        audit::Action::SessionRefresh
    };
    audit::record(
        db,
        &principal,
        action,
        Some(user.id),
        None::<&user::Model>,
        None,
    )
    .await?;
    Ok(Session {
        user,
        access_token: access.token,
        access_token_expires_at: access.expires_at,
        refresh_token: refresh,
        refresh_token_expires_at: expires_at,
    })
}

/// Signs in with email and password. Unknown email, wrong password and deactivated user all
/// fail alike, and take as long.
#[tracing::instrument(skip(db, keys, password))]
pub async fn login(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    refresh_ttl: Duration,
    email: &str,
    password: &str,
) -> Result<Session> {
    let email = email.trim().to_lowercase();
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or_else(|| password::decoy_hash());
    let matches = password::verify(password, stored);
    match found {
        Some(user) if matches && user.deactivated_at.is_none() => {
            start_session(db, keys, refresh_ttl, user, Uuid::now_v7(), true).await
        }
        _ => Err(Error::SignInFailed),
    }
}

/// Exchanges a refresh token for a new session of the same family. A token used a second
/// time means it was stolen: the whole family is revoked.
#[tracing::instrument(skip(db, keys, token))]
pub async fn refresh(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    refresh_ttl: Duration,
    token: &str,
) -> Result<Session> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secrets::digest(token.trim())))
        .one(db)
        .await?
        .ok_or(Error::RefreshFailed)?;
    if stored.rotated_at.is_some() {
        tracing::warn!(family = %stored.family_id, "a rotated refresh token was presented again; revoking its family");
        revoke_family(db, stored.family_id).await?;
        return Err(Error::RefreshFailed);
    }
    if stored.revoked_at.is_some() || stored.expires_at <= now() {
        return Err(Error::RefreshFailed);
    }
    // Retire this token; the guard on rotated_at makes a concurrent second use lose.
    let retired = refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RotatedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(db)
        .await?;
    if retired.rows_affected != 1 {
        revoke_family(db, stored.family_id).await?;
        return Err(Error::RefreshFailed);
    }
    let user = user::Entity::find_by_id(stored.user_id)
        .one(db)
        .await?
        .filter(|u| u.deactivated_at.is_none())
        .ok_or(Error::RefreshFailed)?;
    start_session(db, keys, refresh_ttl, user, stored.family_id, false).await
}

/// Ends a session: its refresh tokens, and the access tokens issued under it on every node.
async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Revoked::Session(family_id).record(db).await
}

/// Signs out: revokes the refresh token's whole family. An unknown token is not an error,
/// so signing out twice is harmless.
#[tracing::instrument(skip(db, token))]
pub async fn logout(db: &impl ConnectionTrait, token: &str) -> Result<()> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secrets::digest(token.trim())))
        .one(db)
        .await?;
    if let Some(stored) = stored {
        revoke_family(db, stored.family_id).await?;
        if let Some(user) = user::Entity::find_by_id(stored.user_id).one(db).await? {
            audit::record(
                db,
                &principal_of_user(&user),
                audit::Action::SessionLogout,
                Some(user.id),
                None::<&user::Model>,
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// What an access token stands for. The user must still exist and be active, and the
/// token's session must be one of that user's sessions that has not been signed out or
/// revoked: a deactivated user's tokens and a signed-out session's stop working at once, and
/// a token whose `sub` and `sid` were not issued together names no one.
pub async fn check_access_token(
    db: &impl ConnectionTrait,
    keys: &JwtKeys,
    token: &str,
) -> Result<Checked> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let valid = keys.validate(token).map_err(|reason| {
        tracing::info!(%reason, "access token refused");
        Error::Unauthenticated
    })?;
    // One statement: the user, if active, the session its own and not revoked.
    let session_of_user = Query::select()
        .expr(Expr::val(1))
        .from(refresh_token::Entity)
        .and_where(Expr::col(refresh_token::Column::FamilyId).eq(valid.session_id))
        .and_where(Expr::col(refresh_token::Column::UserId).eq(valid.user_id))
        .to_owned();
    let session_revoked = Query::select()
        .expr(Expr::val(1))
        .from(refresh_token::Entity)
        .and_where(Expr::col(refresh_token::Column::FamilyId).eq(valid.session_id))
        .and_where(Expr::col(refresh_token::Column::RevokedAt).is_not_null())
        .to_owned();
    let user = user::Entity::find_by_id(valid.user_id)
        .filter(user::Column::DeactivatedAt.is_null())
        .filter(Expr::exists(session_of_user))
        .filter(Expr::exists(session_revoked).not())
        .one(db)
        .await?
        .ok_or_else(|| {
            tracing::info!(user_id = %valid.user_id, session = %valid.session_id, "access token of an unknown or deactivated user, or of a session revoked or not the user's");
            Error::Unauthenticated
        })?;
    match principal_of_user(&user) {
        Principal::Anonymous => Err(Error::Unauthenticated),
        principal => Ok(Checked {
            principal,
            session: Some(valid.session_id),
            expires_at: Some(valid.expires_at),
        }),
    }
}

/// The principal a user acts as; a partner user without an organization is no one.
pub(crate) fn principal_of_user(user: &user::Model) -> Principal {
    let staff_role = user.roles.iter().find(|r| !r.is_partner());
    match (staff_role, user.organization_id) {
        (None, Some(organization_id)) if !user.roles.is_empty() => Principal::Partner {
            user_id: user.id,
            roles: user.roles,
            organization_id,
        },
        (Some(role), None) if user.roles.iter().count() == 1 => Principal::Staff {
            user_id: user.id,
            role,
        },
        _ => Principal::Anonymous,
    }
}

/// Users by id, as far as the principal may see them.
pub async fn users_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, user::Model>> {
    crate::store::by_ids::<user::Entity>(db, ids, principal.visible_users()).await
}

impl crate::store::Versioned for user::Entity {
    const KIND: &'static str = "user";
    fn id_column() -> user::Column {
        user::Column::Id
    }
    fn version_column() -> user::Column {
        user::Column::Version
    }
    fn updated_at_column() -> user::Column {
        user::Column::UpdatedAt
    }
    fn id(model: &user::Model) -> Uuid {
        model.id
    }
    fn version(model: &user::Model) -> i32 {
        model.version
    }
    fn is_archived(model: &user::Model) -> bool {
        model.deactivated_at.is_some()
    }
}

/// A user the principal may manage, still active and at the version read.
async fn user_for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<user::Model> {
    let target =
        crate::store::for_change::<user::Entity>(db, id, version, principal.visible_users())
            .await?;
    ensure_can_manage(principal, target.roles, target.organization_id)?;
    Ok(target)
}

/// Deactivates a user: they can no longer sign in, and their tokens and sessions stop at once.
#[tracing::instrument(skip(db, principal))]
pub async fn deactivate_user(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<user::Model> {
    if principal.user_id() == Some(id) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::NotAllowed,
            "you cannot deactivate yourself",
        ));
    }
    let target = user_for_change(db, principal, id, version).await?;
    let before = target.clone();
    let mut row: user::ActiveModel = target.into();
    row.deactivated_at = Set(Some(now()));
    let saved = crate::changes::save::<user::Entity>(
        db,
        principal,
        crate::audit::Action::UserDeactivate,
        &before,
        row,
    )
    .await?;
    end_sessions(db, id).await?;
    Ok(saved)
}

/// Ends every session of user `id`: its refresh tokens are revoked, and with them the access
/// tokens issued under them, on every node.
async fn end_sessions(db: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(refresh_token::Column::UserId.eq(id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Revoked::User(id).record(db).await
}

/// Gives a user other roles. Staff roles stay staff and partner roles stay partner: a
/// partner user is bound to their organization.
#[tracing::instrument(skip(db, principal))]
pub async fn set_roles(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    roles: Roles,
) -> Result<user::Model> {
    let target = user_for_change(db, principal, id, version).await?;
    if roles.all_partner() != target.roles.all_partner() {
        return Err(Error::user(
            &["input", "roles"],
            ErrorCode::NotAllowed,
            "a staff user cannot become a partner user or the other way round",
        ));
    }
    ensure_can_manage(principal, roles, target.organization_id)?;
    let before = target.clone();
    let mut row: user::ActiveModel = target.into();
    row.roles = Set(roles);
    let saved = crate::changes::save::<user::Entity>(
        db,
        principal,
        crate::audit::Action::UserRolesSet,
        &before,
        row,
    )
    .await?;
    // Their sessions end, so that the next sign-in carries the new roles.
    end_sessions(db, id).await?;
    Ok(saved)
}

impl crate::pagination::Keyed for user::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, key: crate::pagination::SortKey) -> crate::pagination::SortValue {
        use crate::pagination::{SortKey, SortValue};
        match key {
            SortKey::Name => SortValue::Text(self.email.clone()),
            SortKey::CreatedAt | SortKey::Due => SortValue::Time(self.created_at),
            SortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

/// Which users a list shows.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    pub organization_id: Option<Uuid>,
    pub include_deactivated: bool,
}

fn user_query(principal: &Principal, filter: &UserFilter) -> sea_orm::Select<user::Entity> {
    let mut query = user::Entity::find().filter(principal.visible_users());
    if let Some(org) = filter.organization_id {
        query = query.filter(user::Column::OrganizationId.eq(org));
    }
    if !filter.include_deactivated {
        query = query.filter(user::Column::DeactivatedAt.is_null());
    }
    query
}

/// Users the principal may see, by email.
pub async fn list_users(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &UserFilter,
    page: &crate::pagination::PageRequest,
) -> Result<crate::pagination::Page<user::Model>> {
    use sea_orm::sea_query::Expr;
    // The company's people are of the directory: a token needs `orgs:read` to list them.
    principal.ensure_can_read_directory()?;
    crate::store::page_of(
        db,
        user_query(principal, filter),
        page,
        Expr::col((user::Entity, user::Column::Email)),
        Expr::col((user::Entity, user::Column::Id)),
    )
    .await
}

pub async fn count_users(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &UserFilter,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    principal.ensure_can_read_directory()?;
    Ok(user_query(principal, filter).count(db).await?)
}
