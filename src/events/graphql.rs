//! Events and webhooks over GraphQL: the event type, endpoints with their delivery log, and
//! the mutations that register, change, rotate, delete and redeliver.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::enums::DeliveryStatus;
use entity::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::EventType;
use super::webhooks::{self, DeliveryFilter, EndpointChanges, NewEndpoint};
use crate::access::Principal;
use crate::error::{GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::{Organization, input_id, organization};
use crate::organizations::loaders::OrganizationId;
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::WebhookSettings;

/// Where a webhook delivery stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "DeliveryStatus")]
pub enum WebhookDeliveryStatus {
    /// Not delivered yet: an attempt is due, under way, or waiting for its backoff.
    Pending,
    /// The receiver answered an attempt with a 2xx status.
    Delivered,
    /// Every attempt of the retry window failed, or the endpoint was deleted or turned off;
    /// `webhookDeliveryRedeliver` sends it again.
    Dead,
}

/// Something that happened to an order, a shipment, a case, a stock report or a lead, as
/// webhooks deliver it.
pub struct Event(pub event::Model);

/// Something that happened to an order, a shipment, a case, a stock report or a lead, as
/// webhooks deliver it.
#[Object]
impl Event {
    /// Opaque global id, also sent as the `Channelgraph-Event-Id` header and the body's
    /// `id`: the same for every attempt and every endpoint, for deduplication.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Event, self.0.id))
    }
    /// What happened.
    async fn r#type(&self) -> Option<EventType> {
        EventType::parse(&self.0.event_type)
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// The JSON body a webhook receives, exactly as sent: `id`, `type`, `occurredAt` and
    /// `data`.
    async fn payload(&self) -> &str {
        &self.0.payload
    }
}

/// A URL that receives signed events of the types it names.
pub struct WebhookEndpoint(pub webhook_endpoint::Model);

/// A URL that receives signed events of the types it names: a partner's endpoint gets the
/// events its organization may see, the brand's every event.
#[Object]
impl WebhookEndpoint {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::WebhookEndpoint, self.0.id))
    }
    /// The partner organization it delivers for; null for the brand's own endpoints.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrganizationId(id)).await?.map(organization))
    }
    /// Where events are posted.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The event types it receives.
    async fn event_types(&self) -> Vec<EventType> {
        self.0
            .event_types
            .split(' ')
            .filter_map(EventType::parse)
            .collect()
    }
    /// Whether it receives events now. An inactive endpoint's new deliveries die at once.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Pass this back when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was deleted; null while it is live.
    async fn deleted_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// Its deliveries, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only deliveries in these states.")] statuses: Option<
            Vec<WebhookDeliveryStatus>,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<WebhookDelivery>> {
        let filter = DeliveryFilter {
            endpoint_id: Some(self.0.id),
            event_id: None,
            statuses: statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        delivery_page(ctx, filter, page_args(first, after, last, before)).await
    }
}

/// One try at a delivery.
#[derive(SimpleObject)]
pub struct WebhookAttempt {
    /// Its number within the delivery, from 1; also sent as `Channelgraph-Attempt`.
    pub attempt: i32,
    /// The server node that made it.
    pub node: String,
    /// When it started.
    pub started_at: DateTime,
    /// How long it took, in milliseconds.
    pub duration_ms: i32,
    /// The receiver's HTTP status; null when there was no answer.
    pub status_code: Option<i32>,
    /// Why it failed; null when it succeeded.
    pub error: Option<String>,
    /// Whether the receiver answered with a 2xx status.
    pub succeeded: bool,
}

impl From<webhook_attempt::Model> for WebhookAttempt {
    fn from(m: webhook_attempt::Model) -> Self {
        Self {
            attempt: m.attempt,
            node: m.node,
            started_at: DateTime(m.started_at),
            duration_ms: m.duration_ms,
            status_code: m.status_code,
            error: m.error,
            succeeded: m.succeeded,
        }
    }
}

/// One event on its way to one endpoint, with every attempt.
pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event on its way to one endpoint, with every attempt.
#[Object]
impl WebhookDelivery {
    /// Opaque global id, also sent as `Channelgraph-Delivery-Id`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::WebhookDelivery, self.0.id))
    }
    /// The endpoint.
    async fn endpoint(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<WebhookEndpoint>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(
            webhooks::endpoints_by_ids(db, principal, &[self.0.endpoint_id])
                .await
                .gql()?
                .pop()
                .map(WebhookEndpoint),
        )
    }
    /// The event it carries.
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Event>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(webhooks::event_of(db, self.0.event_id)
            .await
            .gql()?
            .map(Event))
    }
    /// Where it stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status.into()
    }
    /// Attempts started so far.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due; null unless pending.
    async fn next_attempt_at(&self) -> Option<DateTime> {
        (self.0.status == DeliveryStatus::Pending).then_some(DateTime(self.0.next_attempt_at))
    }
    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(DateTime)
    }
    /// When it was given up.
    async fn dead_at(&self) -> Option<DateTime> {
        self.0.dead_at.map(DateTime)
    }
    /// The receiver's HTTP status at the last attempt.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When it was made (with its event).
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Every attempt, first first.
    async fn attempts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WebhookAttempt>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(webhooks::attempts_of(db, self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

struct EndpointCount(bool);

impl Counter for EndpointCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = webhooks::count(db, principal, self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

struct DeliveryCount(DeliveryFilter);

impl Counter for DeliveryCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = webhooks::delivery_count(db, principal, &self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

async fn delivery_page(
    ctx: &Context<'_>,
    filter: DeliveryFilter,
    args: crate::pagination::PageArgs,
) -> async_graphql::Result<Conn<WebhookDelivery>> {
    let principal = Principal::of(ctx).gql()?;
    let db = ctx.data::<DatabaseConnection>()?;
    let page = PageRequest::parse(NEWEST_FIRST, args).gql()?;
    let rows = webhooks::delivery_list(db, principal, &filter, &page)
        .await
        .gql()?;
    Ok(connection(
        rows,
        NEWEST_FIRST.key,
        DeliveryCount(filter),
        WebhookDelivery,
    ))
}

/// Which deliveries to list.
#[derive(InputObject, Default)]
pub struct WebhookDeliveryFilter {
    /// Only this endpoint's.
    pub endpoint_id: Option<ID>,
    /// Only this event's.
    pub event_id: Option<ID>,
    /// Only deliveries in these states.
    pub statuses: Option<Vec<WebhookDeliveryStatus>>,
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhook endpoints, newest first: every one for admins, their organization's for a
    /// partner admin, none for anyone else.
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Include deleted endpoints (default false).")] include_deleted: Option<
            bool,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<WebhookEndpoint>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let include_deleted = include_deleted.unwrap_or(false);
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = webhooks::list(db, principal, include_deleted, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            EndpointCount(include_deleted),
            WebhookEndpoint,
        ))
    }

    /// The delivery log: deliveries to the endpoints you may see, newest first.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deliveries.")] filter: Option<WebhookDeliveryFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<WebhookDelivery>> {
        let filter = filter.unwrap_or_default();
        let parsed = DeliveryFilter {
            endpoint_id: argument_id(
                "filter.endpointId",
                filter.endpoint_id.as_ref(),
                NodeType::WebhookEndpoint,
            )
            .gql()?,
            event_id: argument_id("filter.eventId", filter.event_id.as_ref(), NodeType::Event)
                .gql()?,
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        delivery_page(ctx, parsed, page_args(first, after, last, before)).await
    }
}

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct WebhookEndpointCreateInput {
    /// The partner organization it delivers for: the events that organization may see.
    /// Partner admins may only name their own, and it is theirs when omitted; an admin
    /// omits it for a brand endpoint, which receives every event.
    pub organization_id: Option<ID>,
    /// Where events are posted: an absolute https URL (http too outside production mode),
    /// at most 2000 characters, without a user name or password.
    pub url: String,
    /// What it is for, at most 200 characters.
    pub description: Option<String>,
    /// The event types it receives; at least one.
    pub event_types: Vec<EventType>,
}

/// Changes to a webhook endpoint; omitted fields stay as they are.
#[derive(InputObject)]
pub struct WebhookEndpointUpdateInput {
    /// The endpoint.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// A new URL.
    pub url: Option<String>,
    /// A new description; null clears it.
    pub description: MaybeUndefined<String>,
    /// New event types; at least one.
    pub event_types: Option<Vec<EventType>>,
    /// Turn it off (false) or on again (true).
    pub active: Option<bool>,
}

/// An endpoint to give a new signing secret.
#[derive(InputObject)]
pub struct WebhookEndpointRotateSecretInput {
    /// The endpoint.
    pub id: ID,
    /// The version you read.
    pub version: i32,
}

/// An endpoint to delete.
#[derive(InputObject)]
pub struct WebhookEndpointDeleteInput {
    /// The endpoint.
    pub id: ID,
}

/// A delivery to send again.
#[derive(InputObject)]
pub struct WebhookDeliveryRedeliverInput {
    /// The delivery: delivered or dead.
    pub id: ID,
}

/// The result of registering an endpoint or rotating its secret.
#[derive(SimpleObject)]
pub struct WebhookEndpointSecretPayload {
    /// The endpoint; null when refused.
    pub webhook_endpoint: Option<WebhookEndpoint>,
    /// The signing secret, `whsec_` and 43 more characters: the HMAC-SHA256 key of the
    /// `Channelgraph-Signature` header. Shown this once; store it safely.
    pub signing_secret: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}

/// The result of changing or deleting an endpoint.
#[derive(SimpleObject)]
pub struct WebhookEndpointPayload {
    /// The endpoint as it is now; null when refused.
    pub webhook_endpoint: Option<WebhookEndpoint>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}

/// The result of a redelivery.
#[derive(SimpleObject)]
pub struct WebhookDeliveryPayload {
    /// The delivery, pending again; null when refused.
    pub webhook_delivery: Option<WebhookDelivery>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserErrorObject>,
}

fn secret_payload(
    result: Result<(webhook_endpoint::Model, String)>,
) -> async_graphql::Result<WebhookEndpointSecretPayload> {
    let (done, user_errors) = outcome(result)?;
    let (endpoint, secret) = match done {
        Some((endpoint, secret)) => (Some(WebhookEndpoint(endpoint)), Some(secret)),
        None => (None, None),
    };
    Ok(WebhookEndpointSecretPayload {
        webhook_endpoint: endpoint,
        signing_secret: secret,
        user_errors,
    })
}

fn endpoint_payload(
    result: Result<webhook_endpoint::Model>,
) -> async_graphql::Result<WebhookEndpointPayload> {
    let (endpoint, user_errors) = outcome(result)?;
    Ok(WebhookEndpointPayload {
        webhook_endpoint: endpoint.map(WebhookEndpoint),
        user_errors,
    })
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook endpoint. Admins register endpoints for the brand or any
    /// organization, a partner admin for their own. The signing secret is in the payload,
    /// this once.
    async fn webhook_endpoint_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new endpoint.")] input: WebhookEndpointCreateInput,
    ) -> async_graphql::Result<WebhookEndpointSecretPayload> {
        let settings = ctx.data::<WebhookSettings>()?;
        let organization = match &input.organization_id {
            Some(raw) => input_id("organizationId", raw, NodeType::Organization).map(Some),
            None => Ok(Principal::of(ctx)
                .ok()
                .and_then(webhooks::default_organization)),
        };
        let result = match organization {
            Ok(organization_id) => {
                let new = NewEndpoint {
                    organization_id,
                    url: input.url,
                    description: input.description,
                    event_types: input.event_types,
                };
                in_transaction!(ctx, |txn, principal| webhooks::create(
                    &txn, principal, settings, new
                ))
            }
            Err(e) => Err(e),
        };
        secret_payload(result)
    }

    /// Changes an endpoint's URL, description, event types, or turns it off or on.
    async fn webhook_endpoint_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: WebhookEndpointUpdateInput,
    ) -> async_graphql::Result<WebhookEndpointPayload> {
        let settings = ctx.data::<WebhookSettings>()?;
        let result = match input_id("id", &input.id, NodeType::WebhookEndpoint) {
            Ok(id) => {
                let changes = EndpointChanges {
                    url: input.url,
                    description: match input.description {
                        MaybeUndefined::Undefined => None,
                        MaybeUndefined::Null => Some(None),
                        MaybeUndefined::Value(v) => Some(Some(v)),
                    },
                    event_types: input.event_types,
                    active: input.active,
                };
                let version = input.version;
                in_transaction!(ctx, |txn, principal| webhooks::update(
                    &txn, principal, settings, id, version, changes
                ))
            }
            Err(e) => Err(e),
        };
        endpoint_payload(result)
    }

    /// Gives an endpoint a new signing secret, shown in the payload this once. The old
    /// secret stops signing at once.
    async fn webhook_endpoint_rotate_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookEndpointRotateSecretInput,
    ) -> async_graphql::Result<WebhookEndpointSecretPayload> {
        let result = match input_id("id", &input.id, NodeType::WebhookEndpoint) {
            Ok(id) => {
                let version = input.version;
                in_transaction!(ctx, |txn, principal| webhooks::rotate_secret(
                    &txn, principal, id, version
                ))
            }
            Err(e) => Err(e),
        };
        secret_payload(result)
    }

    /// Deletes an endpoint: it gets no more events and its pending deliveries die. Its
    /// delivery log stays readable.
    async fn webhook_endpoint_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookEndpointDeleteInput,
    ) -> async_graphql::Result<WebhookEndpointPayload> {
        let result = match input_id("id", &input.id, NodeType::WebhookEndpoint) {
            Ok(id) => in_transaction!(ctx, |txn, principal| webhooks::delete(&txn, principal, id)),
            Err(e) => Err(e),
        };
        endpoint_payload(result)
    }

    /// Sends a delivered or dead delivery again, with a fresh retry window. The event keeps
    /// its id, so a receiver that has it can tell.
    async fn webhook_delivery_redeliver(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery.")] input: WebhookDeliveryRedeliverInput,
    ) -> async_graphql::Result<WebhookDeliveryPayload> {
        let result = match input_id("id", &input.id, NodeType::WebhookDelivery) {
            Ok(id) => in_transaction!(ctx, |txn, principal| webhooks::redeliver(
                &txn, principal, id
            )),
            Err(e) => Err(e),
        };
        let (delivery, user_errors) = outcome(result)?;
        Ok(WebhookDeliveryPayload {
            webhook_delivery: delivery.map(WebhookDelivery),
            user_errors,
        })
    }
}
