//! Queries, mutations and subscriptions of events and webhooks.

use async_graphql::{Context, ID, MaybeUndefined, Object, Subscription};
use entity::webhook_endpoint;
use futures_util::Stream;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::error::{Error, GqlResult, Result};
use crate::events::bus::{Bus, Published};
use crate::events::webhooks::{self, DeliveryFilter, EndpointChanges, NewEndpoint};
use crate::events::{EventType, Topic};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::outcome;
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::organizations::graphql::input_id;
use crate::pagination::PageRequest;
use crate::settings::WebhookSettings;

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

/// Whether `principal` may see `event`: a partner must be in its audience, a token must
/// hold the scope its topic needs, a partner user the roles its type needs.
pub fn may_see(principal: &Principal, event: &Published) -> bool {
    if event.event_type.readable_by(principal).is_err() {
        return false;
    }
    match principal.partner_organization() {
        Some(org) => event.audience.contains(&org),
        None => !principal.is_restricted(),
    }
}

/// Which events of a topic a subscription wants.
struct Wanted {
    topic: Topic,
    types: Vec<EventType>,
    matches: Box<dyn Fn(&Published) -> bool + Send + Sync>,
}

fn types_of(topic: Topic, types: Option<Vec<EventType>>) -> Result<Vec<EventType>> {
    let types = types.unwrap_or_default();
    if let Some(other) = types.iter().find(|t| t.topic() != topic) {
        return Err(Error::bad_input(
            "filter.types",
            format!(
                "filter.types holds {}, which is not a {} event",
                other.as_str(),
                topic.as_str()
            ),
        ));
    }
    Ok(types)
}

impl Wanted {
    fn passes(&self, principal: &Principal, event: &Published) -> bool {
        event.topic() == self.topic
            && (self.types.is_empty() || self.types.contains(&event.event_type))
            && may_see(principal, event)
            && (self.matches)(event)
    }
}

/// The events `wanted` names that the principal may see, from now on, as `T`. A token
/// without the topic's scope is refused. A subscriber that falls too far behind gets an
/// error naming how many it missed, and the subscription ends.
fn feed<T: From<Arc<Published>>>(
    ctx: &Context<'_>,
    wanted: Wanted,
) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<T>> + use<T>> {
    let principal = Principal::of(ctx).gql()?.clone();
    wanted.topic.readable_by(&principal).gql()?;
    for wanted_type in &wanted.types {
        wanted_type.readable_by(&principal).gql()?;
    }
    let receiver = ctx.data::<Bus>()?.subscribe();
    Ok(futures_util::stream::unfold(
        (Some(receiver), principal, wanted),
        |(receiver, principal, wanted)| async move {
            let mut receiver = receiver?;
            loop {
                match receiver.recv().await {
                    Ok(event) if wanted.passes(&principal, &event) => {
                        return Some((Ok(T::from(event)), (Some(receiver), principal, wanted)));
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(missed)) => {
                        let error = Error::bad_input(
                            "subscription",
                            format!(
                                "this subscription fell {missed} events behind and ended; read the current state and subscribe again"
                            ),
                        );
                        return Some((Err(error.into_graphql()), (None, principal, wanted)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    ))
}

fn id_of(
    field: &str,
    raw: Option<&ID>,
    node_type: NodeType,
) -> async_graphql::Result<Option<Uuid>> {
    argument_id(field, raw, node_type).gql()
}

/// The organization a report event names, from its data.
fn reporter(event: &Published) -> Option<Uuid> {
    let raw = event.payload["data"]["report"]["organizationId"].as_str()?;
    GlobalId::parse_as(raw, NodeType::Organization).ok()
}

#[derive(Default)]
pub struct EventSubscription;

/// Events as they are committed, over WebSocket (`graphql-transport-ws` on `/graphql`).
#[Subscription(name = "Subscription")]
impl EventSubscription {
    /// Order events you may see: for a partner, the orders it placed and those placed with
    /// it. Needs `orders:read` for API tokens.
    async fn order_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<OrderEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<OrderUpdate>> + use<>> {
        let filter = filter.unwrap_or_default();
        let order = id_of("filter.orderId", filter.order_id.as_ref(), NodeType::Order)?;
        let wanted = Wanted {
            topic: Topic::Order,
            types: types_of(Topic::Order, filter.types).gql()?,
            matches: Box::new(move |e| order.is_none_or(|o| e.subject_id == o)),
        };
        feed(ctx, wanted)
    }

    /// Shipment events you may see: the shipments of the orders you may see. Needs
    /// `orders:read` for API tokens.
    async fn shipment_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<ShipmentEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ShipmentUpdate>> + use<>>
    {
        let filter = filter.unwrap_or_default();
        let order = id_of("filter.orderId", filter.order_id.as_ref(), NodeType::Order)?;
        let shipment = id_of(
            "filter.shipmentId",
            filter.shipment_id.as_ref(),
            NodeType::Shipment,
        )?;
        let wanted = Wanted {
            topic: Topic::Shipment,
            types: types_of(Topic::Shipment, filter.types).gql()?,
            matches: Box::new(move |e| {
                order.is_none_or(|o| e.order_id == Some(o))
                    && shipment.is_none_or(|s| e.subject_id == s)
            }),
        };
        feed(ctx, wanted)
    }

    /// Case events you may see: for a partner, the cases it opened and those the brand
    /// opened for it, without the brand's internal notes. Needs `crm:read` for API tokens.
    async fn case_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<CaseEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<CaseUpdate>> + use<>> {
        let filter = filter.unwrap_or_default();
        let case = id_of("filter.caseId", filter.case_id.as_ref(), NodeType::Case)?;
        let wanted = Wanted {
            topic: Topic::Case,
            types: types_of(Topic::Case, filter.types).gql()?,
            matches: Box::new(move |e| case.is_none_or(|c| e.subject_id == c)),
        };
        feed(ctx, wanted)
    }

    /// Stock and sales reports you may see: for a partner, its own and those of the
    /// organizations directly downstream of it. Needs `orders:read` for API tokens.
    async fn inventory_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<InventoryEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<InventoryUpdate>> + use<>>
    {
        let filter = filter.unwrap_or_default();
        let organization = id_of(
            "filter.organizationId",
            filter.organization_id.as_ref(),
            NodeType::Organization,
        )?;
        let wanted = Wanted {
            topic: Topic::Inventory,
            types: types_of(Topic::Inventory, filter.types).gql()?,
            matches: Box::new(move |e| organization.is_none_or(|o| reporter(e) == Some(o))),
        };
        feed(ctx, wanted)
    }

    /// The partner program's events you may see: for a partner, the decisions on its own
    /// record, its dealers and its tier; invitations and applications are the brand's
    /// alone. Partner admins and managers; `orgs:read` for API tokens.
    async fn program_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these types (all program events when omitted).")] types: Option<
            Vec<EventType>,
        >,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ProgramUpdate>> + use<>>
    {
        let wanted = Wanted {
            topic: Topic::Program,
            types: types_of(Topic::Program, types).gql()?,
            matches: Box::new(|_| true),
        };
        feed(ctx, wanted)
    }

    /// Lead events you may see: for a partner, the leads it entered and those offered to or
    /// accepted by it, and the decisions on its deal registrations. Needs `crm:read` for
    /// API tokens.
    async fn lead_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<LeadEventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<LeadUpdate>> + use<>> {
        let filter = filter.unwrap_or_default();
        let lead = id_of("filter.leadId", filter.lead_id.as_ref(), NodeType::Lead)?;
        let wanted = Wanted {
            topic: Topic::Lead,
            types: types_of(Topic::Lead, filter.types).gql()?,
            matches: Box::new(move |e| lead.is_none_or(|l| e.subject_id == l)),
        };
        feed(ctx, wanted)
    }
}
