//! Events, webhook endpoints and their deliveries, and what a subscriber receives, as the
//! API shows them. A subscriber gets an event only if its organization may see it (the
//! brand's staff see every event) and its token's scopes cover the topic; the object the
//! event is about is then read with the subscriber's own access rules, as any query would
//! read it.

use async_graphql::dataloader::Loader;
use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject};
use entity::enums::DeliveryStatus;
use entity::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use uuid::Uuid;

use crate::access::Principal;
use crate::cases::graphql::Case;
use crate::cases::loaders::CaseId;
use crate::error::GqlResult;
use crate::events::EventType;
use crate::events::bus::Published;
use crate::events::webhooks::{self, DeliveryFilter};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::loading::{LoadKey, Shared, load_one};
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::UserErrorObject;
use crate::growth::graphql::Lead;
use crate::growth::loaders::LeadId;
use crate::ids::{GlobalId, NodeType};
use crate::orders::graphql::{Order, Shipment};
use crate::orders::loaders::{OrderId, ShipmentId};
use crate::organizations::graphql::{Organization, organization};
use crate::organizations::loaders::OrganizationId;
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::reports::graphql::{InventoryReport, SellThroughReport};
use crate::reports::loaders::{InventoryReportId, SellThroughReportId};

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

pub(super) const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

pub(super) async fn delivery_page(
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
    /// The order as it is now, as you may see it; null for the channel money events
    /// (`CLAIM_`, `PRICE_PROTECTION_`, `FUND_`, `REBATE_` and `CREDIT_MEMO_ISSUED`).
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        load(ctx, OrderId(self.subject), Order).await
    }
    /// The ship-and-debit claim as it is now, for `CLAIM_*` events.
    async fn claim(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::graphql::Claim>> {
        if !matches!(
            self.header.r#type,
            EventType::ClaimSubmitted | EventType::ClaimApproved | EventType::ClaimRejected
        ) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::claims::by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::graphql::Claim),
        )
    }
    /// The fund request, for the `FUND_` events.
    async fn fund_request(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::funding::FundRequest>> {
        use EventType as E;
        if !matches!(
            self.header.r#type,
            E::FundRequested
                | E::FundRequestDecided
                | E::FundClaimed
                | E::FundClaimDecided
                | E::FundExpired
        ) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::funds::requests_by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::funding::FundRequest),
        )
    }
    /// The rebate, for the `REBATE_` events.
    async fn rebate(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::rebating::RebateSettlement>> {
        use EventType as E;
        if !matches!(
            self.header.r#type,
            E::RebateProposed | E::RebateApproved | E::RebateRejected
        ) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::rebates::settlements_by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::rebating::RebateSettlement),
        )
    }
    /// The price protection credit, for the `PRICE_PROTECTION_` events.
    async fn price_protection_credit(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::protection::PriceProtectionCredit>>
    {
        use EventType as E;
        if !matches!(
            self.header.r#type,
            E::PriceProtectionProposed | E::PriceProtectionApproved | E::PriceProtectionRejected
        ) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::price_protection::by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::protection::PriceProtectionCredit),
        )
    }
    /// The credit memo, for `CREDIT_MEMO_ISSUED`.
    async fn credit_memo(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::settlement::CreditMemo>> {
        if self.header.r#type != EventType::CreditMemoIssued {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::credit_memos::by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::settlement::CreditMemo),
        )
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
    /// The replenishment proposal, for the `REPLENISHMENT_` events.
    async fn replenishment_proposal(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::replenishment::proposal_graphql::ReplenishmentProposal>>
    {
        use EventType as E;
        if !matches!(
            self.header.r#type,
            E::ReplenishmentProposed | E::ReplenishmentAccepted | E::ReplenishmentRejected
        ) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::replenishment::proposals::by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::replenishment::proposal_graphql::ReplenishmentProposal),
        )
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
    /// The lead as it is now, as you may see it; null for a deal's or a special price's
    /// event.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Lead>> {
        if is_deal(self.header.r#type) || is_special_price(self.header.r#type) {
            return Ok(None);
        }
        load(ctx, LeadId(self.subject), Lead).await
    }
    /// The deal registration as it is now, for `DEAL_APPROVED` and `DEAL_REJECTED`.
    async fn deal_registration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::growth::graphql::DealRegistration>> {
        if !is_deal(self.header.r#type) {
            return Ok(None);
        }
        load(
            ctx,
            crate::growth::loaders::DealRegistrationId(self.subject),
            crate::growth::graphql::DealRegistration,
        )
        .await
    }
    /// The special pricing agreement as it is now, for `SPECIAL_PRICE_*` events.
    async fn special_price(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::channel_money::graphql::SpecialPrice>> {
        if !is_special_price(self.header.r#type) {
            return Ok(None);
        }
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let principal = crate::access::Principal::of(ctx).gql()?;
        Ok(
            crate::channel_money::special_prices::by_ids(db, principal, &[self.subject])
                .await
                .gql()?
                .remove(&self.subject)
                .map(crate::channel_money::graphql::SpecialPrice),
        )
    }
}

fn is_special_price(event_type: EventType) -> bool {
    matches!(
        event_type,
        EventType::SpecialPriceRequested
            | EventType::SpecialPriceApproved
            | EventType::SpecialPriceRejected
    )
}

fn is_deal(event_type: EventType) -> bool {
    matches!(
        event_type,
        EventType::DealApproved | EventType::DealRejected
    )
}

/// Something that happened in the partner program: an invitation, an application, a
/// decision on a dealer or on changes a partner proposed.
#[derive(SimpleObject)]
pub struct ProgramUpdate {
    #[graphql(flatten)]
    header: EventHeader,
    /// What the event says, as webhooks receive it in `data` (global ids, enum names).
    data: async_graphql::Json<serde_json::Value>,
}

impl From<Arc<Published>> for ProgramUpdate {
    fn from(event: Arc<Published>) -> Self {
        Self {
            header: EventHeader::of(&event),
            data: async_graphql::Json(event.payload["data"].clone()),
        }
    }
}
