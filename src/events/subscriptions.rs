//! GraphQL subscriptions: the events of one topic, as they are committed, narrowed by a
//! filter. A subscriber gets an event only if its organization may see it (the brand's staff
//! see every event) and its token's scopes cover the topic; the object the event is about
//! is then read with the subscriber's own access rules, as any query would read it.

use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{ComplexObject, Context, ID, InputObject, SimpleObject, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::bus::{Bus, Published};
use super::{EventType, Topic};
use crate::access::Principal;
use crate::cases::graphql::Case;
use crate::cases::loaders::CaseId;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::loading::{LoadKey, Shared, load_one};
use crate::graphql::scalars::DateTime;
use crate::growth::graphql::Lead;
use crate::growth::loaders::LeadId;
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::orders::graphql::{Order, Shipment};
use crate::orders::loaders::{OrderId, ShipmentId};
use crate::reports::graphql::{InventoryReport, SellThroughReport};
use crate::reports::loaders::{InventoryReportId, SellThroughReportId};

/// Whether `principal` may see `event`: a partner must be in its audience, a token must
/// hold the scope its topic needs.
pub fn may_see(principal: &Principal, event: &Published) -> bool {
    if principal.require_scope(event.topic().scope()).is_err() {
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
    principal.require_scope(wanted.topic.scope()).gql()?;
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

/// What every event says of itself.
#[derive(SimpleObject)]
struct EventHeader {
    /// The event's global id: the same as webhooks send for it.
    id: ID,
    /// What happened.
    r#type: EventType,
    /// When it happened.
    occurred_at: DateTime,
}

impl EventHeader {
    fn of(event: &Published) -> Self {
        Self {
            id: ID(GlobalId::encode(NodeType::Event, event.id)),
            r#type: event.event_type,
            occurred_at: DateTime(event.occurred_at),
        }
    }
}

/// The object an event is about, as the subscriber may see it now: through its loader,
/// with its access rules.
async fn load<K, M, T>(
    ctx: &Context<'_>,
    key: K,
    wrap: fn(M) -> T,
) -> async_graphql::Result<Option<T>>
where
    K: LoadKey,
    K::Loader: Loader<K, Value = M, Error = Shared>,
{
    Ok(load_one(ctx, key).await?.map(wrap))
}

macro_rules! from_published {
    ($($update:ident),*) => {$(
        impl From<Arc<Published>> for $update {
            fn from(event: Arc<Published>) -> Self {
                Self {
                    header: EventHeader::of(&event),
                    subject: event.subject_id,
                }
            }
        }
    )*};
}

from_published!(
    OrderUpdate,
    ShipmentUpdate,
    CaseUpdate,
    InventoryUpdate,
    LeadUpdate
);

/// Something that happened to an order.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OrderUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    #[graphql(skip)]
    subject: Uuid,
}

#[ComplexObject]
impl OrderUpdate {
    /// The order as it is now, as you may see it.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        load(ctx, OrderId(self.subject), Order).await
    }
}

/// Something that happened to a shipment.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ShipmentUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    #[graphql(skip)]
    subject: Uuid,
}

#[ComplexObject]
impl ShipmentUpdate {
    /// The shipment as it is now, as you may see it.
    async fn shipment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Shipment>> {
        load(ctx, ShipmentId(self.subject), Shipment).await
    }
}

/// Something that happened to a case.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CaseUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    #[graphql(skip)]
    subject: Uuid,
}

#[ComplexObject]
impl CaseUpdate {
    /// The case as it is now, as you may see it.
    async fn case(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Case>> {
        load(ctx, CaseId(self.subject), Case).await
    }
}

/// A stock or sales report that was submitted.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InventoryUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    #[graphql(skip)]
    subject: Uuid,
}

#[ComplexObject]
impl InventoryUpdate {
    /// The stock report, for `INVENTORY_REPORTED`.
    async fn inventory_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<InventoryReport>> {
        if self.header.r#type != EventType::InventoryReported {
            return Ok(None);
        }
        load(ctx, InventoryReportId(self.subject), InventoryReport).await
    }
    /// The sales report, for `SELL_THROUGH_REPORTED`.
    async fn sell_through_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<SellThroughReport>> {
        if self.header.r#type != EventType::SellThroughReported {
            return Ok(None);
        }
        load(ctx, SellThroughReportId(self.subject), SellThroughReport).await
    }
}

/// Something that happened to a lead.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct LeadUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    #[graphql(skip)]
    subject: Uuid,
}

#[ComplexObject]
impl LeadUpdate {
    /// The lead as it is now, as you may see it.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        load(ctx, LeadId(self.subject), Lead).await
    }
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

    /// Lead events you may see: for a partner, the leads it entered and those offered to or
    /// accepted by it. Needs `crm:read` for API tokens.
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
