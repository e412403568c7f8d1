//! Events and webhooks over GraphQL: the event type, endpoints with their delivery log, the
//! mutations that register, change, rotate, delete and redeliver, and subscriptions to the
//! events of one topic as they are committed.

mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    CaseEventFilter, InventoryEventFilter, LeadEventFilter, OrderEventFilter, ShipmentEventFilter,
    WebhookDeliveryFilter, WebhookDeliveryRedeliverInput, WebhookEndpointCreateInput,
    WebhookEndpointDeleteInput, WebhookEndpointRotateSecretInput, WebhookEndpointUpdateInput,
};
pub use resolvers::{EventSubscription, WebhookMutation, WebhookQuery, may_see};
pub use types::{
    CaseUpdate, Event, InventoryUpdate, LeadUpdate, OrderUpdate, ShipmentUpdate, WebhookAttempt,
    WebhookDelivery, WebhookDeliveryPayload, WebhookDeliveryStatus, WebhookEndpoint,
    WebhookEndpointPayload, WebhookEndpointSecretPayload,
};
