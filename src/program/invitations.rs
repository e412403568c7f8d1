//! Invitations: staff, or a partner admin for its own company, invite a person by email. The
//! invitation is a single-use token with an expiry, kept only as its digest. It travels once,
//! in the `USER_INVITED` event the brand's mail system receives; accepting it makes the user
//! with the password the person chooses.

use chrono::{DateTime, Utc};
use entity::invitation::{self, Column, Entity};
use entity::roles::Roles;
use entity::{organization, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::Principal;
use crate::audit::Action;
use crate::auth::service::{self as users, NewUser};
use crate::auth::{password, secrets};
use crate::error::{Error, ErrorCode, Result};
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::pagination::{Page, PageRequest};
use crate::settings::CrmSettings;
use crate::store::{self, now};

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationState {
    /// Waiting to be accepted.
    Pending,
    /// Accepted: the user exists.
    Accepted,
    /// Revoked before it was accepted.
    Revoked,
    /// Its time ran out before it was accepted.
    Expired,
}

/// Where `invitation` stands at `at`.
pub fn state(invitation: &invitation::Model, at: DateTime<Utc>) -> InvitationState {
    if invitation.accepted_at.is_some() {
        InvitationState::Accepted
    } else if invitation.revoked_at.is_some() {
        InvitationState::Revoked
    } else if invitation.expires_at <= at {
        InvitationState::Expired
    } else {
        InvitationState::Pending
    }
}

fn in_state(state: InvitationState, at: DateTime<Utc>) -> Condition {
    let open = Condition::all()
        .add(Column::AcceptedAt.is_null())
        .add(Column::RevokedAt.is_null());
    match state {
        InvitationState::Accepted => Condition::all().add(Column::AcceptedAt.is_not_null()),
        InvitationState::Revoked => Condition::all().add(Column::RevokedAt.is_not_null()),
        InvitationState::Expired => open.add(Column::ExpiresAt.lte(at)),
        InvitationState::Pending => open.add(Column::ExpiresAt.gt(at)),
    }
}

/// A person to invite, parsed.
#[derive(Clone, Debug)]
pub struct NewInvitation {
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub organization_id: Option<Uuid>,
}

/// An invitation just made, with its token: the only time the token is at hand.
pub struct Issued {
    pub invitation: invitation::Model,
    pub token: String,
}

/// Invites a person: the principal must be allowed to make such a user (staff admins any,
/// a partner admin its own company's partner users). An email a user holds, or that one of
/// the same company's invitations waits for, is refused.
pub async fn invite(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewInvitation,
    application_id: Option<Uuid>,
) -> Result<Issued> {
    users::ensure_may_add(db, principal, new.roles, new.organization_id).await?;
    users::ensure_email_free(db, &new.email).await?;
    let at = now();
    // Another company's invitation to the same person is none of this one's business: the
    // first accepted makes the user, and the others then find the email taken.
    let same_company = match new.organization_id {
        Some(org) => Column::OrganizationId.eq(org),
        None => Column::OrganizationId.is_null(),
    };
    let waiting = Entity::find()
        .filter(Column::Email.eq(new.email.clone()))
        .filter(same_company)
        .filter(in_state(InvitationState::Pending, at))
        .count(db)
        .await?;
    if waiting > 0 {
        return Err(Error::user(
            &["input", "email"],
            ErrorCode::Duplicate,
            "an invitation to this email waits; revoke it before inviting again",
        ));
    }
    let token = secrets::generate(secrets::INVITATION_PREFIX);
    let row = invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(new.email),
        name: Set(new.name),
        roles: Set(new.roles),
        organization_id: Set(new.organization_id),
        token_hash: Set(secrets::digest(&token)),
        expires_at: Set(at + chrono::Duration::days(i64::from(crm.partner.invitation_days))),
        invited_by: Set(principal.user_id()),
        application_id: Set(application_id),
        accepted_at: Set(None),
        user_id: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    let invitation =
        crate::changes::create::<Entity>(db, principal, Action::InvitationCreate, row).await?;
    // Only the brand's own endpoints and staff hear of it (no partner audience): it carries
    // the token.
    events::emit(
        db,
        NewEvent {
            event_type: EventType::UserInvited,
            subject_id: invitation.id,
            order_id: None,
            audience: Vec::new(),
            data: json!({
                "invitation": {
                    "id": events::gid(NodeType::Invitation, invitation.id),
                    "email": invitation.email,
                    "name": invitation.name,
                    "roles": invitation.roles.iter().map(|r| sea_orm::ActiveEnum::to_value(&r)).collect::<Vec<_>>(),
                    "organizationId": invitation.organization_id.map(|o| events::gid(NodeType::Organization, o)),
                    "expiresAt": invitation.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                },
                "token": token,
            }),
        },
    )
    .await?;
    Ok(Issued { invitation, token })
}

/// Invitations this principal may see: every one for the brand's admins, its own company's
/// for a partner admin, none for anyone else.
fn visible(principal: &Principal) -> Condition {
    principal.administered(Column::OrganizationId)
}

/// Which invitations a list shows.
#[derive(Clone, Debug, Default)]
pub struct InvitationFilter {
    pub organization_id: Option<Uuid>,
    pub state: Option<InvitationState>,
}

fn listing(principal: &Principal, filter: &InvitationFilter) -> sea_orm::Select<Entity> {
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.organization_id {
        query = query.filter(Column::OrganizationId.eq(org));
    }
    if let Some(state) = filter.state {
        query = query.filter(in_state(state, now()));
    }
    query
}

/// Invitations, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &InvitationFilter,
    page: &PageRequest,
) -> Result<Page<invitation::Model>> {
    store::page_of(
        db,
        listing(principal, filter),
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &InvitationFilter,
) -> Result<u64> {
    Ok(listing(principal, filter).count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, invitation::Model>> {
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// Revokes a pending invitation: its token no longer works.
pub async fn revoke(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<invitation::Model> {
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    principal.ensure_administers(current.organization_id, "revoke invitations")?;
    // Revoked only by one who could have made it.
    users::ensure_can_manage(principal, current.roles, current.organization_id)?;
    let at = now();
    let now_state = state(&current, at);
    if now_state != InvitationState::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the invitation is {}; only a pending invitation is revoked",
                format!("{now_state:?}").to_lowercase()
            ),
        ));
    }
    let before = current.clone();
    let mut row: invitation::ActiveModel = current.into();
    row.revoked_at = Set(Some(at));
    row.revoked_by = Set(principal.user_id());
    crate::changes::save::<Entity>(db, principal, Action::InvitationRevoke, &before, row).await
}

fn not_valid() -> Error {
    Error::user(
        &["input", "token"],
        ErrorCode::Invalid,
        "this invitation is not valid: it was accepted or revoked, or never issued",
    )
}

/// Accepts an invitation by its token: the user is made with the invitation's email, name,
/// roles and organization and the password given, and the token is spent. Anyone holding
/// the token may; it is the proof.
pub async fn accept(
    db: &impl ConnectionTrait,
    token: &str,
    new_password: String,
) -> Result<(invitation::Model, user::Model)> {
    password::check_new(&["input", "password"], &new_password)?;
    let found = Entity::find()
        .filter(Column::TokenHash.eq(secrets::digest(token.trim())))
        .one(db)
        .await?
        .ok_or_else(not_valid)?;
    let at = now();
    match state(&found, at) {
        InvitationState::Pending => {}
        InvitationState::Expired => {
            return Err(Error::user(
                &["input", "token"],
                ErrorCode::Expired,
                format!(
                    "this invitation expired at {}; ask for a new one",
                    found
                        .expires_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ));
        }
        _ => return Err(not_valid()),
    }
    if let Some(org) = found.organization_id {
        let live = organization::Entity::find_by_id(org)
            .filter(organization::Column::ArchivedAt.is_null())
            .count(db)
            .await?;
        if live == 0 {
            return Err(Error::user(
                &["input", "token"],
                ErrorCode::Archived,
                "the organization this invitation is for no longer takes part",
            ));
        }
    }
    // Spent by this statement, so two acceptances of one token never both make a user.
    let spent = Entity::update_many()
        .col_expr(Column::AcceptedAt, Expr::value(at))
        .filter(Column::Id.eq(found.id))
        .filter(Column::AcceptedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if spent != 1 {
        return Err(not_valid());
    }
    users::ensure_email_free(db, &found.email).await?;
    let created = users::insert_user(
        db,
        NewUser {
            email: found.email.clone(),
            name: found.name.clone(),
            password: new_password,
            roles: found.roles,
            organization_id: found.organization_id,
        },
    )
    .await?;
    // The new user is the one who acted.
    let principal = users::principal_of_user(&created);
    crate::changes::recorded::<entity::user::Entity>(
        db,
        &principal,
        Action::UserCreate,
        None,
        &created,
    )
    .await?;
    let mut row: invitation::ActiveModel = found.clone().into();
    row.accepted_at = Set(Some(at));
    row.user_id = Set(Some(created.id));
    crate::changes::save::<Entity>(db, &principal, Action::InvitationAccept, &found, row)
        .await
        .map(|accepted| (accepted, created))
}
