//! Relationship work: interactions with the commitments made in them, and tasks. The brand's
//! staff record their own; a partner records its own about itself and its downstream. A
//! partner sees what it recorded and what the brand recorded about it, never another
//! partner's records.

pub mod graphql;
pub mod interactions;
pub mod loaders;
pub mod model;
pub mod tasks;
pub mod timeline;

use entity::{contact, user};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};

/// An active user on the principal's own side: a staff user for the brand, one of its own
/// users for a partner.
pub(crate) async fn own_side_user(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    field: &[&str],
) -> Result<user::Model> {
    let label = field.first().copied().unwrap_or("userId");
    let found = user::Entity::find_by_id(id)
        .filter(principal.visible_users())
        .one(db)
        .await?;
    let Some(user) = found else {
        return Err(Error::user(
            &path(field),
            ErrorCode::NotFound,
            format!("no user has this id ({label})"),
        ));
    };
    if user.organization_id != principal.author_organization() {
        return Err(Error::user(
            &path(field),
            ErrorCode::NotAllowed,
            format!("{} works for another organization", user.email),
        ));
    }
    if user.deactivated_at.is_some() {
        return Err(Error::user(
            &path(field),
            ErrorCode::Inactive,
            format!("{} is deactivated", user.email),
        ));
    }
    Ok(user)
}

/// A live contact at `organization`.
pub(crate) async fn contact_at(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    organization: Uuid,
    field: &[&str],
) -> Result<contact::Model> {
    let label = field.first().copied().unwrap_or("contactId");
    let found = contact::Entity::find_by_id(id)
        .filter(principal.owned_by_visible(contact::Column::OrganizationId))
        .one(db)
        .await?;
    let Some(contact) = found else {
        return Err(Error::user(
            &path(field),
            ErrorCode::NotFound,
            format!("no contact has this id ({label})"),
        ));
    };
    if contact.organization_id != organization {
        return Err(Error::user(
            &path(field),
            ErrorCode::NotAllowed,
            format!("{} works at another organization", contact.name),
        ));
    }
    if contact.archived_at.is_some() {
        return Err(Error::user(
            &path(field),
            ErrorCode::Archived,
            format!("{} is archived", contact.name),
        ));
    }
    Ok(contact)
}

/// `["input", …field]`.
fn path<'a>(field: &[&'a str]) -> Vec<&'a str> {
    let mut out = vec!["input"];
    out.extend_from_slice(field);
    out
}

/// Refuses a change to a record the principal's side did not write: a partner reads what the
/// brand recorded about it but does not change it, and staff do not change a partner's.
pub(crate) fn ensure_author(principal: &Principal, author: Option<Uuid>, what: &str) -> Result<()> {
    if author == principal.author_organization() || *principal == Principal::System {
        return Ok(());
    }
    Err(Error::user(
        &["input", "id"],
        ErrorCode::NotAllowed,
        format!("this {what} was recorded by another organization; only it changes it"),
    ))
}
