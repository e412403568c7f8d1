//! Webhooks: endpoints that admins and partner admins register for the event types they
//! want, the deliveries every event makes to them (written with the event, in the change's
//! own transaction), and the worker that sends them.
//!
//! Any number of nodes run the worker on one database. A node claims due deliveries in one
//! statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite runs one node), which also
//! moves their next attempt past a lease, so no other node starts the same attempt; a node
//! that dies mid-attempt leaves the delivery to the others when the lease runs out. Each
//! attempt is signed with HMAC-SHA256 over `timestamp.body`, logged, and on failure retried
//! after a delay as long as the time already spent (so the delays double), until the retry
//! window is over and the delivery is dead. A dead or delivered one can be sent again.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::enums::DeliveryStatus;
use entity::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement,
};
use sha2::Sha256;
use tokio::sync::watch;
use uuid::Uuid;

use super::EventType;
use crate::access::Principal;
use crate::audit;
use crate::error::{Error, ErrorCode, Result};
use crate::metrics::Metrics;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::settings::WebhookSettings;
use crate::store::{check_version, now};

/// The header with the event's id: the same for every attempt and every endpoint, so a
/// receiver can drop what it already has.
pub const EVENT_ID_HEADER: &str = "Channelgraph-Event-Id";
/// The header with the event's type.
pub const EVENT_TYPE_HEADER: &str = "Channelgraph-Event-Type";
/// The header with the delivery's id.
pub const DELIVERY_ID_HEADER: &str = "Channelgraph-Delivery-Id";
/// The header with the attempt's number, from 1.
pub const ATTEMPT_HEADER: &str = "Channelgraph-Attempt";
/// The header with the time of signing, in seconds since 1970.
pub const TIMESTAMP_HEADER: &str = "Channelgraph-Timestamp";
/// The header with `v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}`.
pub const SIGNATURE_HEADER: &str = "Channelgraph-Signature";

/// How a signing secret starts.
const SECRET_PREFIX: &str = "whsec_";
/// The longest an error kept in the log may be.
const ERROR_MAX: usize = 500;

/// `v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}` under `secret`. HMAC takes keys
/// of every length, so this is None only in theory; the attempt then fails with a message.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(3 + digest.len() * 2);
    out.push_str("v1=");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Endpoints

/// A new endpoint.
#[derive(Clone, Debug)]
pub struct NewEndpoint {
    /// The partner it is for; None for the brand's own (every event).
    pub organization_id: Option<Uuid>,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
}

/// Changes to an endpoint; None leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<EventType>>,
    pub active: Option<bool>,
}

impl Keyed for webhook_endpoint::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

impl Keyed for webhook_delivery::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// The endpoints a principal may see and change: admins every one, a partner admin its
/// organization's; nobody else any.
pub fn visible_endpoints(principal: &Principal) -> Condition {
    principal.administered(webhook_endpoint::Column::OrganizationId)
}

/// Whether this principal may manage endpoints for `organization` (None: the brand's own).
fn ensure_can_manage(principal: &Principal, organization: Option<Uuid>) -> Result<()> {
    principal.ensure_administers(organization, "manage webhooks")
}

/// The endpoint's organization when the caller names none: a partner admin's own.
pub fn default_organization(principal: &Principal) -> Option<Uuid> {
    principal.partner_organization()
}

fn check_url(raw: &str, production: bool) -> Result<String> {
    let field = ["input", "url"];
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Error::user(&field, ErrorCode::Required, "url is required"));
    }
    if raw.chars().count() > 2000 {
        return Err(Error::user(
            &field,
            ErrorCode::TooLong,
            "url is longer than 2000 characters",
        ));
    }
    let url = url::Url::parse(raw).map_err(|e| {
        Error::user(
            &field,
            ErrorCode::Invalid,
            format!("url is not an absolute URL: {e}"),
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if !production => {}
        "http" => {
            return Err(Error::user(
                &field,
                ErrorCode::Invalid,
                "url must use https in production",
            ));
        }
        other => {
            return Err(Error::user(
                &field,
                ErrorCode::Invalid,
                format!("url must use https, not {other}"),
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::user(&field, ErrorCode::Invalid, "url names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::user(
            &field,
            ErrorCode::Invalid,
            "url must not carry a user name or password; the signature authenticates us",
        ));
    }
    Ok(url.to_string())
}

/// The event types an endpoint listens to; a partner's endpoint may not name the brand's
/// own (`organization` is the endpoint's), and a partner user's endpoint hears only what
/// the user's roles hear: an endpoint is not a way round them.
fn check_types(
    principal: &Principal,
    types: &[EventType],
    organization: Option<Uuid>,
) -> Result<String> {
    if types.is_empty() {
        return Err(Error::user(
            &["input", "eventTypes"],
            ErrorCode::Required,
            "an endpoint needs at least one event type",
        ));
    }
    if organization.is_some()
        && let Some(own) = types.iter().find(|t| t.brand_only())
    {
        return Err(Error::user(
            &["input", "eventTypes"],
            ErrorCode::NotAllowed,
            format!(
                "{} is the brand's own; a partner's endpoint never receives it",
                own.as_str()
            ),
        ));
    }
    if let Principal::Partner { .. } = principal
        && let Some((unheard, why)) = types
            .iter()
            .find_map(|t| t.readable_by(principal).err().map(|e| (t, e)))
    {
        return Err(Error::user(
            &["input", "eventTypes"],
            ErrorCode::NotAllowed,
            format!(
                "{} is not for your roles, so not for an endpoint you make: {why}",
                unheard.as_str()
            ),
        ));
    }
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Ok(names.join(" "))
}

fn check_description(description: Option<String>) -> Result<Option<String>> {
    let Some(text) = description.map(|d| d.trim().to_owned()) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 200 {
        return Err(Error::user(
            &["input", "description"],
            ErrorCode::TooLong,
            "description is longer than 200 characters",
        ));
    }
    Ok(Some(text))
}

/// Registers an endpoint. The signing secret is returned with it; it can be read again
/// only by rotating it.
pub async fn create(
    db: &impl ConnectionTrait,
    principal: &Principal,
    settings: &WebhookSettings,
    new: NewEndpoint,
) -> Result<(webhook_endpoint::Model, String)> {
    ensure_can_manage(principal, new.organization_id)?;
    if let Some(org) = new.organization_id {
        let visible = entity::organization::Entity::find_by_id(org)
            .filter(principal.visible_organizations())
            .filter(entity::organization::Column::ArchivedAt.is_null())
            .one(db)
            .await?;
        if visible.is_none() {
            return Err(Error::user(
                &["input", "organizationId"],
                ErrorCode::NotFound,
                "no organization has this organizationId",
            ));
        }
    }
    let url = check_url(&new.url, settings.production)?;
    let event_types = check_types(principal, &new.event_types, new.organization_id)?;
    let description = check_description(new.description)?;
    let secret = crate::auth::secrets::generate(SECRET_PREFIX);
    let at = now();
    let row = webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(new.organization_id),
        url: Set(url),
        description: Set(description),
        event_types: Set(event_types),
        signing_secret: Set(secret.clone()),
        active: Set(true),
        created_by: Set(principal.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        archived_at: Set(None),
    };
    let row = crate::changes::create::<webhook_endpoint::Entity>(
        db,
        principal,
        audit::Action::WebhookEndpointCreate,
        row,
    )
    .await?;
    Ok((row, secret))
}

async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: Option<i32>,
) -> Result<webhook_endpoint::Model> {
    let current = webhook_endpoint::Entity::find_by_id(id)
        .filter(visible_endpoints(principal))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "id"],
                ErrorCode::NotFound,
                "no webhook endpoint has this id",
            )
        })?;
    ensure_can_manage(principal, current.organization_id)?;
    // An endpoint is changed (its address, its secret) only by one who hears all it hears.
    if let Some(unheard) = current
        .event_types
        .split_whitespace()
        .filter_map(EventType::parse)
        .find(|t| t.readable_by(principal).is_err())
    {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::NotAllowed,
            format!(
                "this endpoint hears {}, which your roles do not; a user who hears it manages the endpoint",
                unheard.as_str()
            ),
        ));
    }
    if current.archived_at.is_some() {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Archived,
            "this webhook endpoint is deleted",
        ));
    }
    if let Some(version) = version {
        check_version(current.version, version)?;
    }
    Ok(current)
}

async fn save(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: audit::Action,
    before: &webhook_endpoint::Model,
    row: webhook_endpoint::ActiveModel,
) -> Result<webhook_endpoint::Model> {
    crate::changes::save::<webhook_endpoint::Entity>(db, principal, action, before, row).await
}

/// Changes an endpoint's URL, description, event types or whether it is active.
pub async fn update(
    db: &impl ConnectionTrait,
    principal: &Principal,
    settings: &WebhookSettings,
    id: Uuid,
    version: i32,
    changes: EndpointChanges,
) -> Result<webhook_endpoint::Model> {
    let current = for_change(db, principal, id, Some(version)).await?;
    let mut row: webhook_endpoint::ActiveModel = current.clone().into();
    if let Some(url) = changes.url {
        row.url = Set(check_url(&url, settings.production)?);
    }
    if let Some(description) = changes.description {
        row.description = Set(check_description(description)?);
    }
    if let Some(types) = changes.event_types {
        row.event_types = Set(check_types(principal, &types, current.organization_id)?);
    }
    if let Some(active) = changes.active {
        row.active = Set(active);
    }
    save(
        db,
        principal,
        audit::Action::WebhookEndpointUpdate,
        &current,
        row,
    )
    .await
}

/// Gives an endpoint a new signing secret, returned here once; the old one stops at once.
pub async fn rotate_secret(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<(webhook_endpoint::Model, String)> {
    let current = for_change(db, principal, id, Some(version)).await?;
    let secret = crate::auth::secrets::generate(SECRET_PREFIX);
    let mut row: webhook_endpoint::ActiveModel = current.clone().into();
    row.signing_secret = Set(secret.clone());
    let saved = save(
        db,
        principal,
        audit::Action::WebhookEndpointRotateSecret,
        &current,
        row,
    )
    .await?;
    Ok((saved, secret))
}

/// Deletes an endpoint: it gets no more events, and its pending deliveries die. Its log
/// stays readable.
pub async fn delete(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> Result<webhook_endpoint::Model> {
    let current = for_change(db, principal, id, None).await?;
    let mut row: webhook_endpoint::ActiveModel = current.clone().into();
    let at = now();
    row.archived_at = Set(Some(at));
    row.active = Set(false);
    let saved = save(
        db,
        principal,
        audit::Action::WebhookEndpointDelete,
        &current,
        row,
    )
    .await?;
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Expr::value(DeliveryStatus::Dead),
        )
        .col_expr(webhook_delivery::Column::DeadAt, Expr::value(at))
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value("the endpoint was deleted"),
        )
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(at))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .exec(db)
        .await?;
    Ok(saved)
}

/// Endpoints the principal may see, newest first; deleted ones only when asked.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    include_deleted: bool,
    page: &PageRequest,
) -> Result<Page<webhook_endpoint::Model>> {
    crate::store::page_of(
        db,
        endpoints(principal, include_deleted),
        page,
        Expr::col((
            webhook_endpoint::Entity,
            webhook_endpoint::Column::CreatedAt,
        )),
        Expr::col((webhook_endpoint::Entity, webhook_endpoint::Column::Id)),
    )
    .await
}

fn endpoints(
    principal: &Principal,
    include_deleted: bool,
) -> sea_orm::Select<webhook_endpoint::Entity> {
    let query = webhook_endpoint::Entity::find().filter(visible_endpoints(principal));
    if include_deleted {
        query
    } else {
        query.filter(webhook_endpoint::Column::ArchivedAt.is_null())
    }
}

/// How many endpoints [`list`] pages through.
pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    include_deleted: bool,
) -> Result<u64> {
    Ok(endpoints(principal, include_deleted).count(db).await?)
}

/// Endpoints by id, as far as the principal may see them.
pub async fn endpoints_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<Vec<webhook_endpoint::Model>> {
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_endpoints(principal))
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------------------
// The delivery log

fn visible_deliveries(principal: &Principal) -> Condition {
    let endpoints = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .filter(visible_endpoints(principal))
        .into_query();
    let visible = Condition::all().add(webhook_delivery::Column::EndpointId.in_subquery(endpoints));
    // A delivery carries its event whole: not of a type the principal does not hear.
    let unheard: Vec<&str> = EventType::ALL
        .into_iter()
        .filter(|t| t.readable_by(principal).is_err())
        .map(EventType::as_str)
        .collect();
    if unheard.is_empty() {
        return visible;
    }
    let events = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::EventType.is_in(unheard))
        .into_query();
    visible.add(webhook_delivery::Column::EventId.not_in_subquery(events))
}

/// Which deliveries a log query asks for.
#[derive(Clone, Debug, Default)]
pub struct DeliveryFilter {
    pub endpoint_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    pub statuses: Vec<DeliveryStatus>,
}

fn deliveries(
    principal: &Principal,
    filter: &DeliveryFilter,
) -> sea_orm::Select<webhook_delivery::Entity> {
    let mut query = webhook_delivery::Entity::find().filter(visible_deliveries(principal));
    if let Some(endpoint) = filter.endpoint_id {
        query = query.filter(webhook_delivery::Column::EndpointId.eq(endpoint));
    }
    if let Some(event) = filter.event_id {
        query = query.filter(webhook_delivery::Column::EventId.eq(event));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(webhook_delivery::Column::Status.is_in(filter.statuses.clone()));
    }
    query
}

/// Deliveries to the endpoints the principal may see, newest first.
pub async fn delivery_list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DeliveryFilter,
    page: &PageRequest,
) -> Result<Page<webhook_delivery::Model>> {
    crate::store::page_of(
        db,
        deliveries(principal, filter),
        page,
        Expr::col((
            webhook_delivery::Entity,
            webhook_delivery::Column::CreatedAt,
        )),
        Expr::col((webhook_delivery::Entity, webhook_delivery::Column::Id)),
    )
    .await
}

/// How many deliveries [`delivery_list`] pages through.
pub async fn delivery_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DeliveryFilter,
) -> Result<u64> {
    Ok(deliveries(principal, filter).count(db).await?)
}

/// Deliveries by id, as far as the principal may see them.
pub async fn deliveries_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<Vec<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_deliveries(principal))
        .all(db)
        .await?)
}

/// The attempts of a delivery, first first.
pub async fn attempts_of(
    db: &impl ConnectionTrait,
    delivery_id: Uuid,
) -> Result<Vec<webhook_attempt::Model>> {
    Ok(webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.eq(delivery_id))
        .order_by_asc(webhook_attempt::Column::Attempt)
        .all(db)
        .await?)
}

/// The event a delivery carries (the caller has already seen the delivery).
pub async fn event_of(db: &impl ConnectionTrait, event_id: Uuid) -> Result<Option<event::Model>> {
    Ok(event::Entity::find_by_id(event_id).one(db).await?)
}

/// Sends a delivered or dead delivery again, with a fresh retry window. A pending one is
/// already on its way and is refused.
pub async fn redeliver(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> Result<webhook_delivery::Model> {
    let current = webhook_delivery::Entity::find_by_id(id)
        .filter(visible_deliveries(principal))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "id"],
                ErrorCode::NotFound,
                "no webhook delivery has this id",
            )
        })?;
    for_change(db, principal, current.endpoint_id, None)
        .await
        .map_err(|e| match e {
            Error::User(refused) if refused.code == ErrorCode::Archived => Error::user(
                &["input", "id"],
                ErrorCode::Archived,
                "the endpoint of this delivery is deleted",
            ),
            other => other,
        })?;
    if current.status == DeliveryStatus::Pending {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::IllegalTransition,
            "this delivery is still pending; it is retried by itself",
        ));
    }
    let at = now();
    let updated = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Status,
            Expr::value(DeliveryStatus::Pending),
        )
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(at))
        .col_expr(webhook_delivery::Column::WindowStartedAt, Expr::value(at))
        .col_expr(
            webhook_delivery::Column::DeadAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(at))
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(webhook_delivery::Column::Status.eq(current.status))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Conflict,
            "the delivery changed meanwhile; read it again",
        ));
    }
    let saved = webhook_delivery::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("a redelivered delivery vanished".into()))?;
    audit::record(
        db,
        principal,
        audit::Action::WebhookDeliveryRedeliver,
        Some(id),
        Some(&current),
        Some(&saved),
    )
    .await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------
// The worker

#[derive(Debug, FromQueryResult)]
struct Claimed {
    id: Uuid,
    endpoint_id: Uuid,
    event_id: Uuid,
    attempts: i32,
    window_started_at: DateTime<Utc>,
}

/// Claims up to `limit` due deliveries for one attempt each: their attempt count goes up
/// and their next attempt moves past the lease, in the same statement that picks them.
async fn claim(db: &DatabaseConnection, limit: u64, lease: Duration) -> Result<Vec<Claimed>> {
    let at = now();
    let lease_until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let backend = db.get_database_backend();
    let lock = match backend {
        DatabaseBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= $3 \
         ORDER BY next_attempt_at LIMIT $4{lock}) \
         RETURNING id, endpoint_id, event_id, attempts, window_started_at"
    );
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [
            lease_until.into(),
            at.into(),
            at.into(),
            (limit as i64).into(),
        ],
    );
    Ok(Claimed::find_by_statement(stmt).all(db).await?)
}

/// What one attempt came to.
struct Attempt {
    started_at: DateTime<Utc>,
    duration: Duration,
    status_code: Option<u16>,
    error: Option<String>,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

fn clip(text: String) -> String {
    if text.chars().count() <= ERROR_MAX {
        text
    } else {
        text.chars().take(ERROR_MAX).collect()
    }
}

/// Whether an address is one a partner's endpoint must not reach: this machine, the private
/// networks, link-local (cloud metadata) and the like.
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// Refuses a URL naming an internal address itself (an IP literal, which no resolver
/// sees).
fn ensure_public_literal(url: &url::Url) -> std::result::Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_internal(ip) {
        return Err(format!(
            "{ip} is an internal address; webhooks go to public addresses only"
        ));
    }
    Ok(())
}

/// The resolver of the webhook client outside development: a host name is looked up once,
/// refused if any address it has is internal, and the client connects to exactly the
/// addresses checked. A second lookup, which DNS could answer differently (rebinding),
/// never happens.
struct PublicAddresses;

impl reqwest::dns::Resolve for PublicAddresses {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .collect();
            if let Some(internal) = addresses.iter().find(|a| is_internal(a.ip())) {
                return Err(format!(
                    "{host} resolves to {}, an internal address; webhooks go to public addresses only",
                    internal.ip()
                )
                .into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The worker of one node: claims due deliveries, sends them, records what happened.
pub struct Worker {
    db: DatabaseConnection,
    settings: WebhookSettings,
    client: reqwest::Client,
    node: String,
    metrics: Arc<Metrics>,
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        settings: WebhookSettings,
        node: String,
        metrics: Arc<Metrics>,
    ) -> Result<Self> {
        let mut client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("channelgraph-webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private_networks {
            client = client.dns_resolver(Arc::new(PublicAddresses));
        }
        let client = client
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the webhook client: {e}")))?;
        Ok(Self {
            db,
            settings,
            client,
            node,
            metrics,
        })
    }

    /// Runs until `stop` turns true: the attempts under way finish and are recorded, and no
    /// new one starts.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let this = Arc::new(self);
        // A batch claimed but not read (the database went away in between), and when it
        // was claimed: it is read again while its lease leaves time for the attempts,
        // instead of waiting for the lease to run out.
        let mut unread: Option<(Instant, Vec<Claimed>)> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            let (claimed_at, claimed) = match unread.take() {
                Some((at, batch)) if at.elapsed() + this.settings.timeout < this.settings.lease => {
                    (at, Ok(batch))
                }
                _ => (
                    Instant::now(),
                    claim(&this.db, this.settings.batch, this.settings.lease).await,
                ),
            };
            match claimed {
                Ok(claimed) if !claimed.is_empty() => {
                    let full = claimed.len() as u64 == this.settings.batch;
                    match this.load(&claimed).await {
                        // Read too late for an attempt to end within the lease: left to
                        // it, and taken again once it runs out.
                        Ok(_)
                            if claimed_at.elapsed() + this.settings.timeout
                                >= this.settings.lease =>
                        {
                            tracing::warn!(
                                "claimed webhook deliveries were read too late to send within their lease"
                            );
                        }
                        Ok((endpoints, events)) => {
                            let sends = claimed.iter().map(|c| {
                                this.deliver(
                                    c,
                                    endpoints.get(&c.endpoint_id),
                                    events.get(&c.event_id),
                                )
                            });
                            futures_util::future::join_all(sends).await;
                            if full {
                                continue;
                            }
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "claimed webhook deliveries could not be read; reading them again");
                            unread = Some((claimed_at, claimed));
                        }
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "webhook deliveries could not be claimed");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(this.settings.poll) => {}
                _ = stop.changed() => {}
            }
        }
        tracing::info!("webhook delivery stopped");
    }

    /// The endpoints and events of a claimed batch, in one statement each.
    async fn load(
        &self,
        claimed: &[Claimed],
    ) -> Result<(
        HashMap<Uuid, webhook_endpoint::Model>,
        HashMap<Uuid, event::Model>,
    )> {
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(claimed.iter().map(|c| c.endpoint_id)))
            .all(&self.db)
            .await?;
        let events = event::Entity::find()
            .filter(event::Column::Id.is_in(claimed.iter().map(|c| c.event_id)))
            .all(&self.db)
            .await?;
        Ok((
            endpoints.into_iter().map(|e| (e.id, e)).collect(),
            events.into_iter().map(|e| (e.id, e)).collect(),
        ))
    }

    async fn deliver(
        &self,
        claimed: &Claimed,
        endpoint: Option<&webhook_endpoint::Model>,
        event: Option<&event::Model>,
    ) {
        if let Err(err) = self.try_deliver(claimed, endpoint, event).await {
            // The lease runs out and the delivery is claimed again.
            tracing::warn!(delivery = %claimed.id, error = %err, "webhook attempt not recorded");
        }
    }

    async fn try_deliver(
        &self,
        claimed: &Claimed,
        endpoint: Option<&webhook_endpoint::Model>,
        event: Option<&event::Model>,
    ) -> Result<()> {
        let (Some(endpoint), Some(event)) = (endpoint, event) else {
            return self
                .finish(
                    claimed,
                    None,
                    Some("the endpoint or the event is gone".into()),
                )
                .await;
        };
        if !endpoint.active || endpoint.archived_at.is_some() {
            let why = if endpoint.archived_at.is_some() {
                "the endpoint was deleted"
            } else {
                "the endpoint is inactive"
            };
            return self.finish(claimed, None, Some(why.into())).await;
        }
        let attempt = self.send(claimed, endpoint, event).await;
        self.finish(claimed, Some(attempt), None).await
    }

    async fn send(
        &self,
        claimed: &Claimed,
        endpoint: &webhook_endpoint::Model,
        event: &event::Model,
    ) -> Attempt {
        let started_at = now();
        let clock = Instant::now();
        let done = |status_code: Option<u16>, error: Option<String>| Attempt {
            started_at,
            duration: clock.elapsed(),
            status_code,
            error: error.map(clip),
        };
        let url = match url::Url::parse(&endpoint.url) {
            Ok(url) => url,
            Err(e) => return done(None, Some(format!("the URL is not valid: {e}"))),
        };
        if !self.settings.allow_private_networks
            && let Err(why) = ensure_public_literal(&url)
        {
            return done(None, Some(why));
        }
        let timestamp = started_at.timestamp();
        let body = event.payload.clone();
        let Some(signed) = signature(&endpoint.signing_secret, timestamp, &body) else {
            return done(None, Some("the signing secret cannot be used".into()));
        };
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                EVENT_ID_HEADER,
                crate::ids::GlobalId::encode(crate::ids::NodeType::Event, event.id),
            )
            .header(EVENT_TYPE_HEADER, &event.event_type)
            .header(
                DELIVERY_ID_HEADER,
                crate::ids::GlobalId::encode(crate::ids::NodeType::WebhookDelivery, claimed.id),
            )
            .header(ATTEMPT_HEADER, claimed.attempts.to_string())
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signed)
            .body(body);
        match request.send().await {
            Ok(response) => {
                let code = response.status().as_u16();
                if response.status().is_success() {
                    done(Some(code), None)
                } else {
                    done(
                        Some(code),
                        Some(format!("the receiver answered HTTP {code}")),
                    )
                }
            }
            Err(e) if e.is_timeout() => done(
                None,
                Some(format!(
                    "no answer within {} s",
                    self.settings.timeout.as_secs_f64()
                )),
            ),
            Err(e) if e.is_connect() => {
                // The resolver's refusal of an internal address says why; other failures
                // to connect say only that.
                let chain = crate::error::error_chain(&e);
                let why = match chain.find("resolves to") {
                    Some(at) => chain[chain[..at].rfind(": ").map_or(0, |i| i + 2)..]
                        .split(": ")
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    None => "the connection was refused or failed".to_owned(),
                };
                done(None, Some(why))
            }
            Err(e) => done(None, Some(format!("the request failed: {e}"))),
        }
    }

    /// Records an attempt (or a delivery that cannot be attempted) and decides what comes
    /// next: delivered, another attempt after the backoff, or dead. Only the claim that
    /// made this attempt may record it: a node whose lease ran out finds the delivery
    /// claimed again and records nothing.
    async fn finish(
        &self,
        claimed: &Claimed,
        attempt: Option<Attempt>,
        refused: Option<String>,
    ) -> Result<()> {
        let at = now();
        let txn = crate::db::begin_write(&self.db).await?;
        let mut update = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(at))
            .filter(webhook_delivery::Column::Id.eq(claimed.id))
            .filter(webhook_delivery::Column::Attempts.eq(claimed.attempts))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending));
        let outcome;
        match (&attempt, refused) {
            (Some(a), _) if a.succeeded() => {
                outcome = "delivered";
                update = update
                    .col_expr(
                        webhook_delivery::Column::Status,
                        Expr::value(DeliveryStatus::Delivered),
                    )
                    .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(at))
                    .col_expr(
                        webhook_delivery::Column::LastStatusCode,
                        Expr::value(a.status_code.map(i32::from)),
                    )
                    .col_expr(
                        webhook_delivery::Column::LastError,
                        Expr::value(Option::<String>::None),
                    );
            }
            (Some(a), _) => {
                let elapsed = (at - claimed.window_started_at)
                    .to_std()
                    .unwrap_or_default();
                let delay = elapsed
                    .max(self.settings.retry_base)
                    .min(self.settings.retry_max);
                let next = at + chrono::Duration::from_std(delay).unwrap_or_default();
                let window_end = claimed.window_started_at
                    + chrono::Duration::from_std(self.settings.retry_window).unwrap_or_default();
                update = update
                    .col_expr(
                        webhook_delivery::Column::LastStatusCode,
                        Expr::value(a.status_code.map(i32::from)),
                    )
                    .col_expr(
                        webhook_delivery::Column::LastError,
                        Expr::value(a.error.clone()),
                    );
                if next > window_end {
                    outcome = "dead";
                    update = update
                        .col_expr(
                            webhook_delivery::Column::Status,
                            Expr::value(DeliveryStatus::Dead),
                        )
                        .col_expr(webhook_delivery::Column::DeadAt, Expr::value(at));
                } else {
                    outcome = "failed";
                    update =
                        update.col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next));
                }
            }
            (None, why) => {
                outcome = "dead";
                update = update
                    .col_expr(
                        webhook_delivery::Column::Status,
                        Expr::value(DeliveryStatus::Dead),
                    )
                    .col_expr(webhook_delivery::Column::DeadAt, Expr::value(at))
                    .col_expr(webhook_delivery::Column::LastError, Expr::value(why));
            }
        }
        let result = update.exec(&txn).await?;
        if result.rows_affected != 1 {
            // Another node holds this delivery now; its attempt is the one that counts.
            txn.rollback().await?;
            return Ok(());
        }
        if let Some(a) = &attempt {
            webhook_attempt::ActiveModel {
                id: Set(Uuid::now_v7()),
                delivery_id: Set(claimed.id),
                attempt: Set(claimed.attempts),
                node: Set(self.node.clone()),
                started_at: Set(a.started_at),
                duration_ms: Set(i32::try_from(a.duration.as_millis()).unwrap_or(i32::MAX)),
                status_code: Set(a.status_code.map(i32::from)),
                error: Set(a.error.clone()),
                succeeded: Set(a.succeeded()),
            }
            .insert(&txn)
            .await?;
        }
        crate::db::commit(txn).await?;
        self.metrics.webhook_outcome(outcome);
        Ok(())
    }
}

/// Deliveries not yet delivered nor dead: the outbox backlog.
pub async fn backlog(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#).as_deref(),
            Some("v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789")
        );
    }

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.169.254",
            "::1",
            "fd00::1",
            "100.64.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://example.com/hook", true).is_ok());
        assert!(check_url("http://example.com/hook", false).is_ok());
        assert!(check_url("http://example.com/hook", true).is_err());
        assert!(check_url("ftp://example.com/hook", false).is_err());
        assert!(check_url("https://user:pw@example.com/hook", false).is_err());
        assert!(check_url("/relative", false).is_err());
        assert!(check_url("", false).is_err());
    }
}

#[cfg(test)]
mod resolver_tests {
    use reqwest::dns::Resolve;

    use super::*;

    #[tokio::test]
    async fn the_client_connects_only_to_addresses_it_checked() {
        // localhost is internal: refused by the lookup the connection itself uses.
        let refused = PublicAddresses
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("localhost is refused");
        assert!(
            refused.to_string().contains("an internal address"),
            "{refused}"
        );
        // An IP literal never reaches a resolver: it is checked on its own.
        let url = url::Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(ensure_public_literal(&url).is_err());
        let url = url::Url::parse("https://93.184.216.34/hook").unwrap();
        assert!(ensure_public_literal(&url).is_ok());
    }
}
