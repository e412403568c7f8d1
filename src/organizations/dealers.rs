//! Dealers a distributor recruits: it registers them with their contacts and addresses and
//! a channel link to itself. A new dealer waits (`PENDING`) for the brand's channel manager,
//! or is active at once where `partner_dealer_approval` is off. Registration first looks
//! for the dealer in the directory (name, tax id, address) and warns instead of creating.

use entity::enums::{ChannelLinkKind, OrganizationKind, OrganizationStatus};
use entity::{address, organization};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{DuplicateReason, NewAddress, NewContact, NewOrganization};
use crate::access::{Principal, Scope};
use crate::domain::company_key;
use crate::error::{Error, ErrorCode, Result};
use crate::settings::CrmSettings;
use crate::store::{self, now};

/// A dealer to register, parsed. Its contacts and addresses name no organization yet.
pub struct NewDealer {
    pub organization: NewOrganization,
    pub contacts: Vec<NewContact>,
    pub addresses: Vec<NewAddress>,
    /// Register it even though the directory may hold it already.
    pub accept_duplicates: bool,
}

/// An organization of the directory the dealer may be, and why.
pub struct Match {
    pub organization_id: Uuid,
    pub reasons: Vec<DuplicateReason>,
}

/// What a registration did.
pub enum Registered {
    /// The dealer, its contacts and addresses, and its link to the distributor are written.
    Created(Box<organization::Model>),
    /// Nothing is written: the directory may hold the dealer already.
    Duplicates(Vec<Match>),
}

/// How many candidates a name search reads at most.
const NAME_CANDIDATES: u64 = 1000;
/// How many addresses of one postal code (or city) an address search reads at most.
const ADDRESS_CANDIDATES: u64 = 5000;

/// A street as it is compared: lower case, letters and digits only, with the spellings of
/// street (`Straße`, `Strasse`, `Str.`, `Street`, `St.`) as one.
fn street_key(line: &str) -> String {
    let lower = line.to_lowercase().replace('ß', "ss");
    let words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w
                .strip_suffix("strasse")
                .or_else(|| w.strip_suffix("street"))
                .map(|stem| format!("{stem}str"))
                .unwrap_or_else(|| w.to_owned());
            match w.as_str() {
                "st" => "str".to_owned(),
                _ => w,
            }
        })
        .collect();
    words.join(" ")
}

/// A tax id as it is compared: upper case, without spaces, dots or dashes.
fn tax_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
        .flat_map(char::to_uppercase)
        .collect()
}

fn tax_key_sql() -> Expr {
    let mut stripped = Expr::col((organization::Entity, organization::Column::TaxId));
    for c in [" ", ".", "-", "/"] {
        stripped = Func::cust("REPLACE")
            .args([stripped, Expr::val(c), Expr::val("")])
            .into();
    }
    Expr::expr(Func::upper(stripped))
}

/// Organizations of the directory (live, of any partner) that may be `new`.
pub async fn duplicates(db: &impl ConnectionTrait, new: &NewDealer) -> Result<Vec<Match>> {
    let mut found: Vec<Match> = Vec::new();
    let mut note = |id: Uuid, reason: DuplicateReason| match found
        .iter_mut()
        .find(|m| m.organization_id == id)
    {
        Some(m) if !m.reasons.contains(&reason) => m.reasons.push(reason),
        Some(_) => {}
        None => found.push(Match {
            organization_id: id,
            reasons: vec![reason],
        }),
    };
    let live = organization::Column::ArchivedAt.is_null();
    // Names: the same company key (legal forms and punctuation aside), among the names that
    // hold its longest word.
    let key = company_key(&new.organization.name);
    if let Some(named) = super::service::may_be_named(&key) {
        let candidates: Vec<(Uuid, String)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Name)
            .filter(live.clone())
            .filter(named)
            .limit(NAME_CANDIDATES)
            .into_tuple()
            .all(db)
            .await?;
        for (id, name) in candidates {
            if company_key(&name) == key {
                note(id, DuplicateReason::Name);
            }
        }
    }
    if let Some(tax_id) = &new.organization.tax_id {
        let ids: Vec<Uuid> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(live.clone())
            .filter(tax_key_sql().eq(tax_key(tax_id)))
            .into_tuple()
            .all(db)
            .await?;
        for id in ids {
            note(id, DuplicateReason::TaxId);
        }
    }
    // Addresses: candidates in the same country and postal code (or city), compared by
    // street in Rust, where case and the spellings of "Straße" are the same everywhere.
    for given in &new.addresses {
        let mut same = Condition::all()
            .add(address::Column::ArchivedAt.is_null())
            .add(address::Column::Country.eq(given.country.clone()));
        same = match &given.postal_code {
            Some(code) => same.add(
                Expr::expr(Func::upper(Func::cust("REPLACE").args([
                    Expr::col(address::Column::PostalCode),
                    Expr::val(" "),
                    Expr::val(""),
                ])))
                .eq(code.replace(' ', "").to_uppercase()),
            ),
            None => same.add(
                Expr::expr(Func::lower(Expr::col(address::Column::City)))
                    .eq(given.city.to_lowercase()),
            ),
        };
        let street = street_key(&given.line1);
        let candidates: Vec<(Uuid, String)> = address::Entity::find()
            .select_only()
            .column(address::Column::OrganizationId)
            .column(address::Column::Line1)
            .filter(same)
            .limit(ADDRESS_CANDIDATES)
            .into_tuple()
            .all(db)
            .await?;
        for (id, line1) in candidates {
            if street_key(&line1) == street {
                note(id, DuplicateReason::Address);
            }
        }
    }
    Ok(found)
}

/// Registers a dealer recruited by the principal's distributor: a partner admin, or its
/// system with `orgs:write`.
pub async fn register(
    db: &impl ConnectionTrait,
    principal: &Principal,
    crm: &CrmSettings,
    new: NewDealer,
) -> Result<Registered> {
    let Some(own) = principal.partner_organization() else {
        return match principal {
            Principal::Anonymous => Err(Error::Unauthenticated),
            _ => Err(Error::Forbidden(
                "distributors register the dealers they recruit; staff create organizations with organizationCreate".into(),
            )),
        };
    };
    principal.require_scope(Scope::OrgsWrite)?;
    let distributor = organization::Entity::find_by_id(own)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a partner's own organization vanished".into()))?;
    if distributor.kind != OrganizationKind::Distributor || distributor.archived_at.is_some() {
        return Err(Error::Forbidden(
            "only a distributor registers the dealers it recruits".into(),
        ));
    }
    let found = duplicates(db, &new).await?;
    if !found.is_empty() && !new.accept_duplicates {
        return Ok(Registered::Duplicates(found));
    }
    let NewDealer {
        organization: mut org,
        contacts,
        addresses,
        ..
    } = new;
    org.status = if crm.partner.dealer_approval {
        OrganizationStatus::Pending
    } else {
        OrganizationStatus::Active
    };
    let dealer = super::service::insert(
        db,
        principal,
        crate::audit::Action::OrganizationRegister,
        org,
        Some(own),
    )
    .await?;
    super::links::open(
        db,
        principal,
        own,
        dealer.id,
        ChannelLinkKind::ResellsTo,
        crm.today(),
    )
    .await?;
    for mut contact in contacts {
        contact.organization_id = dealer.id;
        super::contacts::insert(db, principal, contact).await?;
    }
    for mut place in addresses {
        place.organization_id = dealer.id;
        super::addresses::insert(db, principal, place).await?;
    }
    Ok(Registered::Created(Box::new(dealer)))
}

/// A pending dealer staff may decide, at the version read.
async fn pending(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<organization::Model> {
    principal.ensure_can_edit_directory()?;
    let current = store::for_change::<organization::Entity>(
        db,
        id,
        version,
        principal.visible_organizations(),
    )
    .await?;
    if current.status != OrganizationStatus::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            format!(
                "{} is {}; only a pending registration is decided",
                current.code,
                current.status.to_value().to_lowercase().replace('_', " ")
            ),
        ));
    }
    Ok(current)
}

/// Approves a registered dealer: it becomes active and trades.
pub async fn approve(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<organization::Model> {
    let current = pending(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: organization::ActiveModel = current.into();
    row.status = Set(OrganizationStatus::Active);
    row.status_reason = Set(None);
    crate::changes::save::<organization::Entity>(
        db,
        principal,
        crate::audit::Action::OrganizationApprove,
        &before,
        row,
    )
    .await
}

/// Rejects a registered dealer with the reason its distributor reads: it is archived, and
/// stays visible to the distributor among its archived dealers.
pub async fn reject(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
    reason: String,
) -> Result<organization::Model> {
    let current = pending(db, principal, id, version).await?;
    let before = current.clone();
    let mut row: organization::ActiveModel = current.into();
    row.status = Set(OrganizationStatus::Rejected);
    row.status_reason = Set(Some(reason));
    row.archived_at = Set(Some(now()));
    crate::changes::save::<organization::Entity>(
        db,
        principal,
        crate::audit::Action::OrganizationReject,
        &before,
        row,
    )
    .await
}

impl crate::changes::Recorded for organization::Entity {
    fn id_of(model: &organization::Model) -> Uuid {
        model.id
    }

    /// The brand's decision on a registered dealer is its distributor's (and the dealer's)
    /// to hear: `DEALER_APPROVED` or `DEALER_REJECTED`.
    fn event(
        action: crate::audit::Action,
        _principal: &Principal,
        saved: &organization::Model,
    ) -> Option<crate::events::NewEvent> {
        use crate::events::{EventType, gid};
        use crate::ids::NodeType;
        let event_type = match action {
            crate::audit::Action::OrganizationApprove => EventType::DealerApproved,
            crate::audit::Action::OrganizationReject => EventType::DealerRejected,
            _ => return None,
        };
        Some(crate::events::NewEvent {
            event_type,
            subject_id: saved.id,
            order_id: None,
            audience: std::iter::once(saved.id)
                .chain(saved.registered_by_id)
                .collect(),
            data: serde_json::json!({
                "organization": {
                    "id": gid(NodeType::Organization, saved.id),
                    "code": saved.code,
                    "name": saved.name,
                    "status": saved.status.to_value(),
                    "statusReason": saved.status_reason,
                    "registeredById": saved.registered_by_id.map(|o| gid(NodeType::Organization, o)),
                }
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::tax_key;

    #[test]
    fn streets_compare_across_case_and_spellings_of_street() {
        use super::street_key;
        assert_eq!(street_key("Hafenstraße 5"), street_key("HAFENSTRASSE 5"));
        assert_eq!(street_key("Hafenstr. 5"), street_key("hafenstrasse 5"));
        assert_eq!(street_key("12 Main Street"), street_key("12 main st."));
        assert_ne!(street_key("Hafenstraße 5"), street_key("Hafenstraße 7"));
    }

    #[test]
    fn tax_ids_compare_without_case_spaces_dots_and_dashes() {
        assert_eq!(tax_key("de 123.456-789"), "DE123456789");
        assert_eq!(tax_key("GB/123 4567 89"), "GB123456789");
    }
}
