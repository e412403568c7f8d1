//! The organizations that trade by X12: the id each uses in the ISA (its partner code unless
//! another is configured) and the version it is sent. A partner that is configured here, or
//! whose order came in as an 850, is sent its acknowledgements, ship notices and invoices as
//! X12; a supplier configured here is sent the brand's purchase orders as 850s.

use entity::{edi_partner, organization};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::store::now;

/// X12 settings for one organization, as an admin gives them.
#[derive(Clone, Debug)]
pub struct NewEdiPartner {
    pub organization_id: Uuid,
    pub qualifier: String,
    pub edi_id: String,
    pub x12_version: String,
}

/// How an organization appears in an ISA: its qualifier and id, and its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub qualifier: String,
    pub id: String,
    pub x12_version: String,
}

/// The organization's ISA identity: as configured, or its partner code under `ZZ` in 005010.
pub async fn identity(db: &impl ConnectionTrait, org: &organization::Model) -> Result<Identity> {
    Ok(
        match edi_partner::Entity::find_by_id(org.id).one(db).await? {
            Some(p) => Identity {
                qualifier: p.qualifier,
                id: p.edi_id,
                x12_version: p.x12_version,
            },
            None => Identity {
                qualifier: "ZZ".into(),
                id: org.code.clone(),
                x12_version: "00501".into(),
            },
        },
    )
}

/// Whether the organization is configured to trade by X12.
pub async fn is_configured(db: &impl ConnectionTrait, organization_id: Uuid) -> Result<bool> {
    Ok(edi_partner::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .is_some())
}

/// Whether an ISA id names `org`: its configured EDI id, or its partner code.
pub async fn names(db: &impl ConnectionTrait, org: &organization::Model, id: &str) -> Result<bool> {
    let id = id.trim();
    if org.code.eq_ignore_ascii_case(id) {
        return Ok(true);
    }
    Ok(identity(db, org).await?.id.eq_ignore_ascii_case(id))
}

/// The organization an ISA id names: the one configured with it, else the one with that
/// partner code.
pub async fn named(db: &impl ConnectionTrait, id: &str) -> Result<Option<organization::Model>> {
    let id = id.trim().to_uppercase();
    if let Some(p) = edi_partner::Entity::find()
        .filter(edi_partner::Column::EdiId.eq(id.clone()))
        .one(db)
        .await?
    {
        return Ok(organization::Entity::find_by_id(p.organization_id)
            .one(db)
            .await?);
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Code.eq(id))
        .one(db)
        .await?)
}

/// Reads the X12 settings of an organization the principal may see.
pub async fn of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization_id: Uuid,
) -> Result<Option<edi_partner::Model>> {
    principal.ensure_can_read_edi()?;
    Ok(edi_partner::Entity::find_by_id(organization_id)
        .filter(principal.owned_by_self(edi_partner::Column::OrganizationId))
        .one(db)
        .await?)
}

/// Sets an organization's X12 id and version: admins and managers.
pub async fn configure(
    db: &impl ConnectionTrait,
    principal: &Principal,
    new: NewEdiPartner,
) -> Result<edi_partner::Model> {
    principal.ensure_can_manage_catalog().map_err(|e| match e {
        Error::Forbidden(_) => {
            Error::Forbidden("only admins and managers configure EDI partners".into())
        }
        other => other,
    })?;
    let org = organization::Entity::find_by_id(new.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::orders::queries::not_found("organizationId", "organization"))?;
    if let Some(other) = named(db, &new.edi_id).await?
        && other.id != org.id
    {
        return Err(Error::user(
            &["input", "ediId"],
            ErrorCode::Taken,
            format!("EDI id {} already names {}", new.edi_id, other.code),
        ));
    }
    let at = now();
    let before = edi_partner::Entity::find_by_id(org.id).one(db).await?;
    let row = match before.clone() {
        Some(existing) => {
            let mut row: edi_partner::ActiveModel = existing.into();
            row.qualifier = Set(new.qualifier);
            row.edi_id = Set(new.edi_id);
            row.x12_version = Set(new.x12_version);
            row.updated_at = Set(at);
            row.update(db).await?
        }
        None => {
            edi_partner::ActiveModel {
                organization_id: Set(org.id),
                qualifier: Set(new.qualifier),
                edi_id: Set(new.edi_id),
                x12_version: Set(new.x12_version),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(db)
            .await?
        }
    };
    crate::audit::record(
        db,
        principal,
        crate::audit::Action::EdiPartnerConfigure,
        Some(org.id),
        before.as_ref(),
        Some(&row),
    )
    .await?;
    Ok(row)
}
