//! Trading-partner profiles: for each organization that trades by X12, the ids it uses in the
//! ISA and GS (its partner code under `ZZ` unless another is set up), the versions it sends
//! and wants back, the separators and encoding of its documents, and which acknowledgements
//! it wants. A partner that is set up here, or whose order came in as an 850, is sent its
//! acknowledgements, ship notices and invoices as X12; a supplier set up here is sent the
//! brand's purchase orders as 850s.

use entity::enums::{InterchangeAcks, TextEncoding};
use entity::{edi_partner, organization};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::envelope::Delimiters;
use crate::access::Principal;
use crate::error::{Error, ErrorCode, Result};
use crate::store::now;

/// The separators a partner is sent, as set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Separators {
    pub element: char,
    pub component: char,
    pub repetition: Option<char>,
    pub segment: char,
    /// `""`, `"\n"` or `"\r\n"` after each terminator.
    pub line_break: &'static str,
}

impl Separators {
    pub fn delimiters(&self) -> Delimiters {
        Delimiters {
            element: self.element,
            component: self.component,
            repetition: self.repetition,
            segment: self.segment,
            line_break: self.line_break,
        }
    }

    /// The terminator as stored: the character and its line break.
    fn terminator(&self) -> String {
        format!("{}{}", self.segment, self.line_break)
    }
}

/// A profile as staff give it; `None` keeps what is set (or the default, for a new one).
#[derive(Clone, Debug, Default)]
pub struct ProfileChange {
    pub organization_id: Uuid,
    pub qualifier: Option<String>,
    pub edi_id: Option<String>,
    pub group_id: Option<Option<String>>,
    pub interchange_version: Option<String>,
    pub group_version: Option<Option<String>>,
    pub separators: Option<Separators>,
    pub functional_acks: Option<bool>,
    pub interchange_acks: Option<InterchangeAcks>,
    pub test_traffic: Option<bool>,
    pub encoding: Option<TextEncoding>,
    pub ack_window_minutes: Option<i32>,
    pub ship_notice_window_minutes: Option<i32>,
}

/// How an organization trades by X12, set up or by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// ISA05/ISA07 and ISA06/ISA08.
    pub qualifier: String,
    pub id: String,
    /// GS02/GS03.
    pub group_id: String,
    /// ISA12 and GS08 of what it is sent.
    pub interchange_version: String,
    pub group_version: String,
    pub delimiters: Delimiters,
    pub functional_acks: bool,
    pub interchange_acks: InterchangeAcks,
    pub test_traffic: bool,
    pub encoding: TextEncoding,
    /// Minutes after a set is sent by which its 997 is due, and after goods ship by which
    /// their 856 is.
    pub ack_window_minutes: i64,
    pub ship_notice_window_minutes: i64,
    /// Whether it is set up, rather than known by its partner code.
    pub configured: bool,
}

/// A day: the default time for a 997 to come back, and for an 856 to follow the goods.
pub const DEFAULT_WINDOW_MINUTES: i32 = 1440;

/// GS08 of the release an ISA12 belongs to.
pub fn release_of(interchange_version: &str) -> &'static str {
    if interchange_version.starts_with("004") {
        "004010"
    } else {
        "005010"
    }
}

/// The character a stored one-character separator holds.
fn separator(value: &str) -> Option<char> {
    value.chars().next()
}

/// The stored profile row as a profile.
pub fn profile_of(row: &edi_partner::Model) -> Profile {
    let segment = separator(&row.segment_terminator).unwrap_or('~');
    let line_break = match row.segment_terminator.get(segment.len_utf8()..) {
        Some("\n") => "\n",
        Some("\r\n") => "\r\n",
        _ => "",
    };
    Profile {
        qualifier: row.qualifier.clone(),
        id: row.edi_id.clone(),
        group_id: row.group_id.clone().unwrap_or_else(|| row.edi_id.clone()),
        interchange_version: row.x12_version.clone(),
        group_version: row
            .group_version
            .clone()
            .unwrap_or_else(|| release_of(&row.x12_version).to_owned()),
        delimiters: Delimiters {
            element: separator(&row.element_separator).unwrap_or('*'),
            component: separator(&row.component_separator).unwrap_or(':'),
            repetition: row.repetition_separator.as_deref().and_then(separator),
            segment,
            line_break,
        },
        functional_acks: row.functional_acks,
        interchange_acks: row.interchange_acks,
        test_traffic: row.test_traffic,
        encoding: row.encoding,
        ack_window_minutes: row.ack_window_minutes.into(),
        ship_notice_window_minutes: row.ship_notice_window_minutes.into(),
        configured: true,
    }
}

/// The profile of an organization known only by its partner code: `ZZ`, 005010, the standard
/// separators, UTF-8, 997s, TA1s when asked.
fn default_profile(org: &organization::Model) -> Profile {
    Profile {
        qualifier: "ZZ".into(),
        id: org.code.clone(),
        group_id: org.code.clone(),
        interchange_version: "00501".into(),
        group_version: "005010".into(),
        delimiters: Delimiters::STANDARD,
        functional_acks: true,
        interchange_acks: InterchangeAcks::WhenRequested,
        test_traffic: true,
        encoding: TextEncoding::Utf8,
        ack_window_minutes: DEFAULT_WINDOW_MINUTES.into(),
        ship_notice_window_minutes: DEFAULT_WINDOW_MINUTES.into(),
        configured: false,
    }
}

/// The organization's profile: as set up, or the default one under its partner code.
pub async fn profile(db: &impl ConnectionTrait, org: &organization::Model) -> Result<Profile> {
    Ok(
        match edi_partner::Entity::find_by_id(org.id).one(db).await? {
            Some(row) => profile_of(&row),
            None => default_profile(org),
        },
    )
}

/// The profiles of several organizations, in one statement.
pub async fn profiles<const N: usize>(
    db: &impl ConnectionTrait,
    orgs: [&organization::Model; N],
) -> Result<[Profile; N]> {
    let rows = edi_partner::Entity::find()
        .filter(edi_partner::Column::OrganizationId.is_in(orgs.iter().map(|o| o.id)))
        .all(db)
        .await?;
    Ok(orgs.map(
        |org| match rows.iter().find(|r| r.organization_id == org.id) {
            Some(row) => profile_of(row),
            None => default_profile(org),
        },
    ))
}

/// An organization and its trading-partner profile.
pub type Party = (organization::Model, Profile);

/// An organization with its profile, and the brand with its: what an interchange's intake
/// needs to know of its parties, in one statement. Either is `None` where it does not exist.
pub async fn with_brand(
    db: &impl ConnectionTrait,
    organization_id: Uuid,
) -> Result<(Option<Party>, Option<Party>)> {
    use entity::enums::OrganizationKind;
    use sea_orm::sea_query::{ExprTrait, JoinType, Query};
    use sea_orm::{Condition, FromQueryResult};
    let mut select = Query::select();
    select.from(organization::Entity);
    crate::store::select_prefixed::<organization::Entity>(&mut select, "o_");
    crate::store::select_prefixed::<edi_partner::Entity>(&mut select, "p_");
    select
        .join(
            JoinType::LeftJoin,
            edi_partner::Entity,
            sea_orm::sea_query::Expr::col((
                edi_partner::Entity,
                edi_partner::Column::OrganizationId,
            ))
            .equals((organization::Entity, organization::Column::Id)),
        )
        .cond_where(
            Condition::any()
                .add(organization::Column::Id.eq(organization_id))
                .add(organization::Column::Kind.eq(OrganizationKind::Brand)),
        );
    let (mut named, mut brand) = (None, None);
    for row in db.query_all(&select).await? {
        let org = organization::Model::from_query_result(&row, "o_")?;
        let profile = match Option::<edi_partner::Model>::from_query_result(&row, "p_")? {
            Some(row) => profile_of(&row),
            None => default_profile(&org),
        };
        if org.kind == OrganizationKind::Brand {
            brand = Some((org.clone(), profile.clone()));
        }
        if org.id == organization_id {
            named = Some((org, profile));
        }
    }
    Ok((named, brand))
}

/// Whether the organization is set up to trade by X12.
pub async fn is_configured(db: &impl ConnectionTrait, organization_id: Uuid) -> Result<bool> {
    Ok(edi_partner::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .is_some())
}

/// Whether an ISA or GS id names `org`: its set-up interchange or group id, or its partner
/// code.
pub fn names(org: &organization::Model, profile: &Profile, id: &str) -> bool {
    let id = id.trim();
    [org.code.as_str(), &profile.id, &profile.group_id]
        .iter()
        .any(|known| known.eq_ignore_ascii_case(id))
}

/// The organization an ISA id names: the one set up with it, else the one with that partner
/// code.
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

/// Reads the profile of an organization the principal may see.
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

/// Staff only: trading-partner setup belongs to the brand's admins and managers (the
/// catalog's managers, who are never a partner's).
pub fn ensure_can_set_up(principal: &Principal) -> Result<()> {
    principal.ensure_can_manage_catalog().map_err(|e| match e {
        Error::Forbidden(_) => {
            Error::Forbidden("only the brand's admins and managers set up trading partners".into())
        }
        other => other,
    })
}

/// Sets up or changes an organization's trading-partner profile: admins and managers.
pub async fn configure(
    db: &impl ConnectionTrait,
    principal: &Principal,
    change: ProfileChange,
) -> Result<edi_partner::Model> {
    ensure_can_set_up(principal)?;
    let org = organization::Entity::find_by_id(change.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| crate::orders::queries::not_found("organizationId", "organization"))?;
    let before = edi_partner::Entity::find_by_id(org.id).one(db).await?;
    let edi_id = match (&change.edi_id, &before) {
        (Some(id), _) => id.clone(),
        (None, Some(row)) => row.edi_id.clone(),
        (None, None) => {
            return Err(Error::user(
                &["input", "ediId"],
                ErrorCode::Required,
                "give the id the partner uses in the ISA",
            ));
        }
    };
    if let Some(other) = named(db, &edi_id).await?
        && other.id != org.id
    {
        return Err(Error::user(
            &["input", "ediId"],
            ErrorCode::Taken,
            format!("EDI id {edi_id} already names {}", other.code),
        ));
    }
    let at = now();
    let mut row: edi_partner::ActiveModel = match before.clone() {
        Some(existing) => existing.into(),
        None => edi_partner::ActiveModel {
            organization_id: Set(org.id),
            qualifier: Set("ZZ".into()),
            x12_version: Set("00501".into()),
            group_id: Set(None),
            group_version: Set(None),
            element_separator: Set("*".into()),
            component_separator: Set(":".into()),
            repetition_separator: Set(Some("^".into())),
            segment_terminator: Set("~".into()),
            functional_acks: Set(true),
            interchange_acks: Set(InterchangeAcks::WhenRequested),
            test_traffic: Set(true),
            encoding: Set(TextEncoding::Utf8),
            ack_window_minutes: Set(DEFAULT_WINDOW_MINUTES),
            ship_notice_window_minutes: Set(DEFAULT_WINDOW_MINUTES),
            created_at: Set(at),
            ..Default::default()
        },
    };
    row.edi_id = Set(edi_id);
    row.updated_at = Set(at);
    if let Some(q) = change.qualifier {
        row.qualifier = Set(q);
    }
    if let Some(g) = change.group_id {
        row.group_id = Set(g);
    }
    if let Some(v) = change.interchange_version {
        row.x12_version = Set(v);
    }
    if let Some(v) = change.group_version {
        row.group_version = Set(v);
    }
    if let Some(s) = change.separators {
        row.element_separator = Set(s.element.to_string());
        row.component_separator = Set(s.component.to_string());
        row.repetition_separator = Set(s.repetition.map(|c| c.to_string()));
        row.segment_terminator = Set(s.terminator());
    }
    if let Some(v) = change.functional_acks {
        row.functional_acks = Set(v);
    }
    if let Some(v) = change.interchange_acks {
        row.interchange_acks = Set(v);
    }
    if let Some(v) = change.test_traffic {
        row.test_traffic = Set(v);
    }
    if let Some(v) = change.encoding {
        row.encoding = Set(v);
    }
    if let Some(v) = change.ack_window_minutes {
        row.ack_window_minutes = Set(v);
    }
    if let Some(v) = change.ship_notice_window_minutes {
        row.ship_notice_window_minutes = Set(v);
    }
    if let (sea_orm::ActiveValue::Set(isa) | sea_orm::ActiveValue::Unchanged(isa), Some(Some(gs))) =
        (&row.x12_version, row.group_version.try_as_ref())
        && !gs.starts_with(release_of(isa))
    {
        return Err(Error::user(
            &["input", "groupVersion"],
            ErrorCode::Invalid,
            format!("GS08 {gs} is not of the release of ISA12 {isa}"),
        ));
    }
    let row = match before {
        Some(_) => row.update(db).await?,
        None => row.insert(db).await?,
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
