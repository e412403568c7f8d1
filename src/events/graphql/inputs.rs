//! What clients send to register and change webhook endpoints, and to narrow a
//! subscription.

use async_graphql::{ID, InputObject, MaybeUndefined};

use super::types::*;
use crate::events::EventType;

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

/// Which order events to receive.
#[derive(InputObject, Default)]
pub struct OrderEventFilter {
    /// Only these types (all order events when omitted).
    pub types: Option<Vec<EventType>>,
    /// Only this order's.
    pub order_id: Option<ID>,
}

/// Which shipment events to receive.
#[derive(InputObject, Default)]
pub struct ShipmentEventFilter {
    /// Only these types (all shipment events when omitted).
    pub types: Option<Vec<EventType>>,
    /// Only the shipments of this order.
    pub order_id: Option<ID>,
    /// Only this shipment's.
    pub shipment_id: Option<ID>,
}

/// Which case events to receive.
#[derive(InputObject, Default)]
pub struct CaseEventFilter {
    /// Only these types (all case events when omitted).
    pub types: Option<Vec<EventType>>,
    /// Only this case's.
    pub case_id: Option<ID>,
}

/// Which stock and sales report events to receive.
#[derive(InputObject, Default)]
pub struct InventoryEventFilter {
    /// Only these types (both when omitted).
    pub types: Option<Vec<EventType>>,
    /// Only the reports of this organization.
    pub organization_id: Option<ID>,
}

/// Which lead events to receive.
#[derive(InputObject, Default)]
pub struct LeadEventFilter {
    /// Only these types (all lead events when omitted).
    pub types: Option<Vec<EventType>>,
    /// Only this lead's.
    pub lead_id: Option<ID>,
}
