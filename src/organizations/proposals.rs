//! Change proposals: a partner's changes to its own organization that wait for the brand.
//! Which fields a partner changes itself, and which of those wait, are settings
//! (`partner_self_service_fields`, `partner_approval_fields`); the other fields are the
//! brand's. Staff approve a proposal, which writes its changes, or reject it with a reason.

use std::collections::HashMap;

use entity::change_proposal::{self, Column, Entity};
use entity::enums::ProposalStatus;
use entity::organization;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use super::model::{OrganizationChanges, Patch};
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::pagination::{Page, PageRequest};
use crate::settings::{CrmSettings, PartnerField, PartnerProgramSettings};
use crate::store::{self, now};

/// One field's change in a proposal: its value before and the value asked for, as the API
/// writes them (enums by name); None is empty.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProposedChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The changes a proposal holds.
pub fn changes_of(proposal: &change_proposal::Model) -> Result<Vec<ProposedChange>> {
    serde_json::from_str(&proposal.changes)
        .map_err(|e| Error::Internal(format!("a change proposal's changes do not read: {e}")))
}

/// The fields of an organization that are always the brand's, with their API names.
fn brands_fields(changes: &OrganizationChanges) -> Option<&'static str> {
    if changes.code.is_some() {
        Some("code")
    } else if !matches!(changes.territory, Patch::Keep) {
        Some("territory")
    } else if !matches!(changes.parent_id, Patch::Keep) {
        Some("parentId")
    } else if !matches!(changes.account_owner_id, Patch::Keep) {
        Some("accountOwnerId")
    } else if changes.status.is_some() {
        Some("status")
    } else if changes.key_account.is_some() {
        Some("keyAccount")
    } else {
        None
    }
}

fn text_patch(patch: &Patch<String>) -> Option<Option<String>> {
    match patch {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(Some(v.clone())),
    }
}

fn enum_patch<T: ActiveEnum<Value = String>>(patch: &Patch<T>) -> Option<Option<String>> {
    match patch {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(v) => Some(Some(v.to_value())),
    }
}

/// The value `changes` asks `field` to take (None: not asked; Some(None): empty).
fn asked(field: PartnerField, changes: &OrganizationChanges) -> Option<Option<String>> {
    match field {
        PartnerField::Name => changes.name.clone().map(Some),
        PartnerField::LegalName => text_patch(&changes.legal_name),
        PartnerField::TaxId => text_patch(&changes.tax_id),
        PartnerField::Segment => enum_patch(&changes.segment),
        PartnerField::CustomerType => enum_patch(&changes.customer_type),
    }
}

/// The value `field` has in `current`.
fn value_in(field: PartnerField, current: &organization::Model) -> Option<String> {
    match field {
        PartnerField::Name => Some(current.name.clone()),
        PartnerField::LegalName => current.legal_name.clone(),
        PartnerField::TaxId => current.tax_id.clone(),
        PartnerField::Segment => current.segment.map(|s| s.to_value()),
        PartnerField::CustomerType => current.customer_type.map(|c| c.to_value()),
    }
}

/// Leaves `field` unchanged in `changes`.
fn keep(field: PartnerField, changes: &mut OrganizationChanges) {
    match field {
        PartnerField::Name => changes.name = None,
        PartnerField::LegalName => changes.legal_name = Patch::Keep,
        PartnerField::TaxId => changes.tax_id = Patch::Keep,
        PartnerField::Segment => changes.segment = Patch::Keep,
        PartnerField::CustomerType => changes.customer_type = Patch::Keep,
    }
}

/// Splits a partner's changes to its own organization into those it makes at once and those
/// that wait for approval. A field that is the brand's, or that partners do not change, is
/// refused and nothing is written.
pub fn split(
    current: &organization::Model,
    mut changes: OrganizationChanges,
    rules: &PartnerProgramSettings,
) -> Result<(OrganizationChanges, Vec<ProposedChange>)> {
    if let Some(field) = brands_fields(&changes) {
        return Err(Error::user(
            &["input", field],
            ErrorCode::NotAllowed,
            format!("{field} is the brand's to change; ask your channel manager"),
        ));
    }
    let mut proposed = Vec::new();
    for field in PartnerField::ALL {
        let Some(after) = asked(field, &changes) else {
            continue;
        };
        let before = value_in(field, current);
        if !rules.self_service.contains(&field) {
            return Err(Error::user(
                &["input", field.as_str()],
                ErrorCode::NotAllowed,
                format!(
                    "{} is not a field partners change themselves; ask your channel manager",
                    field.as_str()
                ),
            ));
        }
        if rules.needs_approval.contains(&field) {
            keep(field, &mut changes);
            if after != before {
                proposed.push(ProposedChange {
                    field: field.as_str().to_owned(),
                    before,
                    after,
                });
            }
        }
    }
    Ok((changes, proposed))
}

/// Files `proposed` for `organization`. A field that already waits in another proposal is
/// refused: that one is decided first.
pub async fn submit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    organization: &organization::Model,
    proposed: Vec<ProposedChange>,
) -> Result<change_proposal::Model> {
    let waiting = Entity::find()
        .filter(Column::OrganizationId.eq(organization.id))
        .filter(Column::Status.eq(ProposalStatus::Pending))
        .all(db)
        .await?;
    for other in &waiting {
        for change in changes_of(other)? {
            if proposed.iter().any(|p| p.field == change.field) {
                return Err(Error::user(
                    &["input", change.field.as_str()],
                    ErrorCode::Conflict,
                    format!(
                        "a change of {} already waits for the brand's approval",
                        change.field
                    ),
                ));
            }
        }
    }
    let changes = serde_json::to_string(&proposed)
        .map_err(|e| Error::Internal(format!("a change proposal does not write: {e}")))?;
    let at = now();
    let (user, token) = match principal {
        Principal::PartnerSystem { token_id, .. } => (None, Some(*token_id)),
        _ => (principal.user_id(), None),
    };
    let row = change_proposal::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization.id),
        changes: Set(changes),
        status: Set(ProposalStatus::Pending),
        proposed_by: Set(user),
        proposed_by_token: Set(token),
        decided_by: Set(None),
        decided_at: Set(None),
        reason: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
    };
    crate::changes::create::<Entity>(
        db,
        principal,
        crate::audit::Action::ChangeProposalSubmit,
        row,
    )
    .await
}

/// Proposals this principal may see: staff all, a partner its own organization's.
fn visible(principal: &Principal) -> Condition {
    principal.owned_by_self(Column::OrganizationId)
}

/// Which proposals a list shows.
#[derive(Clone, Debug, Default)]
pub struct ProposalFilter {
    pub organization_id: Option<Uuid>,
    pub status: Option<ProposalStatus>,
}

fn listing(principal: &Principal, filter: &ProposalFilter) -> Result<sea_orm::Select<Entity>> {
    principal.ensure_can_read_directory()?;
    let mut query = Entity::find().filter(visible(principal));
    if let Some(org) = filter.organization_id {
        query = query.filter(Column::OrganizationId.eq(org));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    Ok(query)
}

/// Proposals, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProposalFilter,
    page: &PageRequest,
) -> Result<Page<change_proposal::Model>> {
    store::page_of(
        db,
        listing(principal, filter)?,
        page,
        Expr::col((Entity, Column::CreatedAt)),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &ProposalFilter,
) -> Result<u64> {
    Ok(listing(principal, filter)?.count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, change_proposal::Model>> {
    principal.ensure_can_read_directory()?;
    store::by_ids::<Entity>(db, ids, visible(principal)).await
}

/// A pending proposal staff may decide, at the version read.
async fn pending(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<change_proposal::Model> {
    principal.ensure_can_edit_directory()?;
    let current = store::for_change::<Entity>(db, id, version, visible(principal)).await?;
    if current.status != ProposalStatus::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "the proposal is {}; only a pending proposal is decided",
                current.status.to_value().to_lowercase()
            ),
        ));
    }
    Ok(current)
}

/// The organization's changes a proposal asks for, refused if a field moved on since it
/// was proposed.
fn changes_for(
    current: &organization::Model,
    proposed: &[ProposedChange],
) -> Result<OrganizationChanges> {
    let mut changes = OrganizationChanges::default();
    for change in proposed {
        let field = PartnerField::parse(&change.field).ok_or_else(|| {
            Error::Internal(format!(
                "a proposal names an unknown field {}",
                change.field
            ))
        })?;
        if value_in(field, current) != change.before {
            return Err(Error::user(
                &["input", "id"],
                ErrorCode::Conflict,
                format!(
                    "the organization's {} changed since it was proposed; reject the proposal and let the partner ask again",
                    change.field
                ),
            ));
        }
        let patch = |v: &Option<String>| match v {
            Some(v) => Patch::Set(v.clone()),
            None => Patch::Clear,
        };
        match field {
            PartnerField::Name => changes.name = change.after.clone(),
            PartnerField::LegalName => changes.legal_name = patch(&change.after),
            PartnerField::TaxId => changes.tax_id = patch(&change.after),
            PartnerField::Segment => {
                changes.segment = match &change.after {
                    Some(v) => Patch::Set(stored_enum(v)?),
                    None => Patch::Clear,
                }
            }
            PartnerField::CustomerType => {
                changes.customer_type = match &change.after {
                    Some(v) => Patch::Set(stored_enum(v)?),
                    None => Patch::Clear,
                }
            }
        }
    }
    Ok(changes)
}

fn stored_enum<T: ActiveEnum<Value = String>>(raw: &str) -> Result<T> {
    T::try_from_value(&raw.to_owned())
        .map_err(|_| Error::Internal(format!("a proposal holds an unknown value {raw}")))
}

/// Approves a pending proposal: its changes are written to the organization, and the
/// proposal keeps who decided and when.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    id: Uuid,
    version: i32,
) -> Result<(change_proposal::Model, organization::Model)> {
    let current = pending(db, principal, id, version).await?;
    let organization = organization::Entity::find_by_id(current.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a proposal's organization vanished".into()))?;
    let changes = changes_for(&organization, &changes_of(&current)?)?;
    let organization = super::service::apply(db, principal, crm, organization, changes).await?;
    let decided = decide(db, principal, current, ProposalStatus::Approved, None).await?;
    Ok((decided, organization))
}

/// Rejects a pending proposal with the reason the partner reads.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<change_proposal::Model> {
    let current = pending(db, principal, id, version).await?;
    decide(
        db,
        principal,
        current,
        ProposalStatus::Rejected,
        Some(reason),
    )
    .await
}

async fn decide(
    db: &impl ConnectionTrait,
    principal: &Principal,
    current: change_proposal::Model,
    status: ProposalStatus,
    reason: Option<String>,
) -> Result<change_proposal::Model> {
    let action = match status {
        ProposalStatus::Approved => crate::audit::Action::ChangeProposalApprove,
        _ => crate::audit::Action::ChangeProposalReject,
    };
    let before = current.clone();
    let mut row: change_proposal::ActiveModel = current.into();
    row.status = Set(status);
    row.decided_by = Set(principal.user_id());
    row.decided_at = Set(Some(now()));
    row.reason = Set(reason);
    crate::changes::save::<Entity>(db, principal, action, &before, row).await
}

impl crate::changes::Recorded for Entity {
    fn id_of(model: &change_proposal::Model) -> Uuid {
        model.id
    }

    /// A decision is the partner's to hear: `CHANGE_PROPOSAL_APPROVED` or `_REJECTED`.
    fn event(
        action: crate::audit::Action,
        _principal: &Principal,
        saved: &change_proposal::Model,
    ) -> Option<crate::events::NewEvent> {
        use crate::events::{EventType, gid};
        use crate::ids::NodeType;
        let event_type = match action {
            crate::audit::Action::ChangeProposalApprove => EventType::ChangeProposalApproved,
            crate::audit::Action::ChangeProposalReject => EventType::ChangeProposalRejected,
            _ => return None,
        };
        Some(crate::events::NewEvent {
            event_type,
            subject_id: saved.id,
            order_id: None,
            audience: vec![saved.organization_id],
            data: serde_json::json!({
                "changeProposal": {
                    "id": gid(NodeType::ChangeProposal, saved.id),
                    "organizationId": gid(NodeType::Organization, saved.organization_id),
                    "status": saved.status.to_value(),
                    "reason": saved.reason,
                    "changes": changes_of(saved).ok(),
                }
            }),
        })
    }
}
