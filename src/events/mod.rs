//! Events: what happened to an order, a shipment, a case, a stock report or a lead, written
//! to the outbox (`events`) in the change's own transaction, so a change and its event commit
//! or vanish together. Each event names the partner organizations that may see it, by the
//! same rules as the queries; webhooks and subscriptions filter on them, and the brand's own
//! endpoints and staff see every event.

use async_graphql::Enum;
use chrono::{DateTime, Utc};
use entity::enums::DeliveryStatus;
use entity::{event, event_audience, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Expr, InsertStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::access::{Principal, Reach, Records, Scope};
use crate::error::Result;
use crate::ids::{GlobalId, NodeType};
use crate::store::now;
use crate::writes::Writes;

pub mod bus;
pub mod graphql;
pub mod retention;
pub mod socket;
pub mod webhooks;

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    Order,
    Shipment,
    Case,
    Inventory,
    Lead,
    /// The partner program: invitations, applications, approvals and decisions on a
    /// partner's own record.
    Program,
}

impl Topic {
    pub const ALL: [Topic; 6] = [
        Topic::Order,
        Topic::Shipment,
        Topic::Case,
        Topic::Inventory,
        Topic::Lead,
        Topic::Program,
    ];

    /// The scope an API token needs for this topic: what reading its objects takes.
    pub fn scope(self) -> Scope {
        match self {
            Topic::Order | Topic::Shipment | Topic::Inventory => Scope::OrdersRead,
            Topic::Case | Topic::Lead => Scope::CrmRead,
            Topic::Program => Scope::OrgsRead,
        }
    }

    /// The records a partner user must reach all of to see this topic's events: an event
    /// goes to the whole company.
    pub fn records(self) -> Records {
        match self {
            Topic::Order | Topic::Shipment | Topic::Inventory => Records::Orders,
            Topic::Case => Records::Cases,
            Topic::Lead => Records::Leads,
            Topic::Program => Records::Relationship,
        }
    }

    /// Whether `principal` may read this topic's events: a token needs the topic's scope,
    /// a partner user roles that reach all of its company's records of the topic. The
    /// program's events are about the company itself: its admins and managers hear them.
    pub fn readable_by(self, principal: &Principal) -> Result<(), crate::error::Error> {
        principal.require_scope(self.scope())?;
        if self == Topic::Program {
            return principal.require_partner_role(&[
                entity::enums::UserRole::PartnerAdmin,
                entity::enums::UserRole::PartnerManager,
            ]);
        }
        if principal.reach(self.records()) != Reach::All {
            return Err(crate::error::Error::Forbidden(format!(
                "{} events go to those who see all of the company's; your roles see only some",
                self.as_str().to_lowercase()
            )));
        }
        Ok(())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Order => "ORDER",
            Topic::Shipment => "SHIPMENT",
            Topic::Case => "CASE",
            Topic::Inventory => "INVENTORY",
            Topic::Lead => "LEAD",
            Topic::Program => "PROGRAM",
        }
    }
}

/// What happened.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// An order was placed.
    OrderSubmitted,
    /// An order went on credit hold when it was placed.
    OrderCreditHold,
    /// An order was released from credit hold.
    OrderCreditReleased,
    /// An order on credit hold was rejected.
    OrderCreditRejected,
    /// The seller acknowledged an order, line by line.
    OrderAcknowledged,
    /// The buyer changed an order before it shipped.
    OrderChanged,
    /// An order was cancelled.
    OrderCancelled,
    /// Goods of an order were shipped.
    OrderShipped,
    /// The buyer confirmed receipt of a shipment of an order.
    OrderGoodsReceived,
    /// An order was invoiced.
    OrderInvoiced,
    /// A payment was recorded against an order's invoice.
    OrderPaymentRecorded,
    /// An X12 set sent for an order has had no 997 from the partner within its window.
    OrderEdiAckOverdue,
    /// An order's 856 ship notice went out later than the partner's window after the goods.
    OrderShipNoticeLate,
    /// A shipment was sent.
    ShipmentSent,
    /// The buyer confirmed receipt of a shipment.
    ShipmentReceived,
    /// A case was opened.
    CaseOpened,
    /// A case's details changed.
    CaseUpdated,
    /// Work on a case started.
    CaseStarted,
    /// A case was resolved.
    CaseResolved,
    /// A case was closed.
    CaseClosed,
    /// A case was reopened.
    CaseReopened,
    /// A note was added to a case.
    CaseNoteAdded,
    /// An organization reported its stock.
    InventoryReported,
    /// An organization reported its sell-through.
    SellThroughReported,
    /// A lead was entered.
    LeadCreated,
    /// A partner accepted a lead offered to it.
    LeadAccepted,
    /// A partner declined a lead offered to it.
    LeadDeclined,
    /// A lead was assigned or offered.
    LeadAssigned,
    /// A lead was qualified.
    LeadQualified,
    /// A lead was disqualified.
    LeadDisqualified,
    /// A lead was converted into a customer, a contact and an opportunity.
    LeadConverted,
    /// A lead offered to a partner was neither accepted nor declined in time and went back
    /// to the pool.
    LeadOfferLapsed,
    /// The brand approved a partner's deal registration.
    DealApproved,
    /// The brand rejected a partner's deal registration.
    DealRejected,
    /// A distributor asked for a special price for an end customer's deal.
    SpecialPriceRequested,
    /// The brand authorised a special price: its number, prices, caps and validity.
    SpecialPriceApproved,
    /// The brand refused a special price, with the reason.
    SpecialPriceRejected,
    /// A distributor filed a ship-and-debit claim; each line carries its checked result.
    ClaimSubmitted,
    /// The brand approved a claim, at the amount its lines allow.
    ClaimApproved,
    /// The brand rejected a claim, with the reason.
    ClaimRejected,
    /// The brand issued a credit memo to a partner: what it settles, line by line.
    CreditMemoIssued,
    /// A product's net price to a distributor fell: its stock on hand earned a credit,
    /// proposed for the brand to decide.
    PriceProtectionProposed,
    /// The brand approved a price protection credit; a credit memo settles it.
    PriceProtectionApproved,
    /// The brand rejected a price protection credit, with the reason.
    PriceProtectionRejected,
    /// A partner requested money out of a fund for an activity.
    FundRequested,
    /// The brand approved a fund request (all or part of it) or refused it.
    FundRequestDecided,
    /// A partner claimed approved fund money, with proof of the activity.
    FundClaimed,
    /// The brand paid a fund claim by a credit memo, or refused it.
    FundClaimDecided,
    /// Approved fund money was not claimed in time.
    FundExpired,
    /// A rebate program's period ended: the partner's rebate is proposed for the brand to
    /// decide.
    RebateProposed,
    /// The brand approved a rebate; a credit memo settles it.
    RebateApproved,
    /// The brand refused a rebate, with the reason.
    RebateRejected,
    /// Someone was invited to become a user. Carries the invitation's token, once: only
    /// the brand's own endpoints and staff receive it, for the brand's mail system.
    UserInvited,
    /// A company applied to join the partner program.
    PartnerApplicationReceived,
    /// An application was approved: the partner's organization exists.
    PartnerApplicationApproved,
    /// An application was rejected.
    PartnerApplicationRejected,
    /// The brand approved a dealer a distributor registered.
    DealerApproved,
    /// The brand rejected a dealer a distributor registered.
    DealerRejected,
    /// The brand approved changes a partner proposed to its own record.
    ChangeProposalApproved,
    /// The brand rejected changes a partner proposed to its own record.
    ChangeProposalRejected,
    /// A contact's certification runs out within `certification_notice_days`.
    CertificationExpiring,
    /// An evaluation found the partner qualifies for another tier, and proposed the move.
    TierChangeProposed,
    /// A partner moved to another tier (or out of the program), with the reason.
    TierChanged,
    /// The brand proposed what a distributor should order to keep its stock at target.
    ReplenishmentProposed,
    /// A replenishment proposal became an order: the distributor accepted it, or the brand
    /// ordered it when a brand-managed window passed.
    ReplenishmentAccepted,
    /// The distributor rejected a replenishment proposal, with the reason.
    ReplenishmentRejected,
}

impl EventType {
    pub const ALL: [EventType; 66] = [
        EventType::OrderSubmitted,
        EventType::OrderCreditHold,
        EventType::OrderCreditReleased,
        EventType::OrderCreditRejected,
        EventType::OrderAcknowledged,
        EventType::OrderChanged,
        EventType::OrderCancelled,
        EventType::OrderShipped,
        EventType::OrderGoodsReceived,
        EventType::OrderInvoiced,
        EventType::OrderPaymentRecorded,
        EventType::OrderEdiAckOverdue,
        EventType::OrderShipNoticeLate,
        EventType::ShipmentSent,
        EventType::ShipmentReceived,
        EventType::CaseOpened,
        EventType::CaseUpdated,
        EventType::CaseStarted,
        EventType::CaseResolved,
        EventType::CaseClosed,
        EventType::CaseReopened,
        EventType::CaseNoteAdded,
        EventType::InventoryReported,
        EventType::SellThroughReported,
        EventType::LeadCreated,
        EventType::LeadAccepted,
        EventType::LeadDeclined,
        EventType::LeadAssigned,
        EventType::LeadQualified,
        EventType::LeadDisqualified,
        EventType::LeadConverted,
        EventType::LeadOfferLapsed,
        EventType::DealApproved,
        EventType::DealRejected,
        EventType::SpecialPriceRequested,
        EventType::SpecialPriceApproved,
        EventType::SpecialPriceRejected,
        EventType::ClaimSubmitted,
        EventType::ClaimApproved,
        EventType::ClaimRejected,
        EventType::CreditMemoIssued,
        EventType::PriceProtectionProposed,
        EventType::PriceProtectionApproved,
        EventType::PriceProtectionRejected,
        EventType::FundRequested,
        EventType::FundRequestDecided,
        EventType::FundClaimed,
        EventType::FundClaimDecided,
        EventType::FundExpired,
        EventType::RebateProposed,
        EventType::RebateApproved,
        EventType::RebateRejected,
        EventType::UserInvited,
        EventType::PartnerApplicationReceived,
        EventType::PartnerApplicationApproved,
        EventType::PartnerApplicationRejected,
        EventType::DealerApproved,
        EventType::DealerRejected,
        EventType::ChangeProposalApproved,
        EventType::ChangeProposalRejected,
        EventType::CertificationExpiring,
        EventType::TierChangeProposed,
        EventType::TierChanged,
        EventType::ReplenishmentProposed,
        EventType::ReplenishmentAccepted,
        EventType::ReplenishmentRejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderSubmitted => "ORDER_SUBMITTED",
            EventType::OrderCreditHold => "ORDER_CREDIT_HOLD",
            EventType::OrderCreditReleased => "ORDER_CREDIT_RELEASED",
            EventType::OrderCreditRejected => "ORDER_CREDIT_REJECTED",
            EventType::OrderAcknowledged => "ORDER_ACKNOWLEDGED",
            EventType::OrderChanged => "ORDER_CHANGED",
            EventType::OrderCancelled => "ORDER_CANCELLED",
            EventType::OrderShipped => "ORDER_SHIPPED",
            EventType::OrderGoodsReceived => "ORDER_GOODS_RECEIVED",
            EventType::OrderInvoiced => "ORDER_INVOICED",
            EventType::OrderPaymentRecorded => "ORDER_PAYMENT_RECORDED",
            EventType::OrderEdiAckOverdue => "ORDER_EDI_ACK_OVERDUE",
            EventType::OrderShipNoticeLate => "ORDER_SHIP_NOTICE_LATE",
            EventType::ShipmentSent => "SHIPMENT_SENT",
            EventType::ShipmentReceived => "SHIPMENT_RECEIVED",
            EventType::CaseOpened => "CASE_OPENED",
            EventType::CaseUpdated => "CASE_UPDATED",
            EventType::CaseStarted => "CASE_STARTED",
            EventType::CaseResolved => "CASE_RESOLVED",
            EventType::CaseClosed => "CASE_CLOSED",
            EventType::CaseReopened => "CASE_REOPENED",
            EventType::CaseNoteAdded => "CASE_NOTE_ADDED",
            EventType::InventoryReported => "INVENTORY_REPORTED",
            EventType::SellThroughReported => "SELL_THROUGH_REPORTED",
            EventType::LeadCreated => "LEAD_CREATED",
            EventType::LeadAccepted => "LEAD_ACCEPTED",
            EventType::LeadDeclined => "LEAD_DECLINED",
            EventType::LeadAssigned => "LEAD_ASSIGNED",
            EventType::LeadQualified => "LEAD_QUALIFIED",
            EventType::LeadDisqualified => "LEAD_DISQUALIFIED",
            EventType::LeadConverted => "LEAD_CONVERTED",
            EventType::LeadOfferLapsed => "LEAD_OFFER_LAPSED",
            EventType::DealApproved => "DEAL_APPROVED",
            EventType::DealRejected => "DEAL_REJECTED",
            EventType::SpecialPriceRequested => "SPECIAL_PRICE_REQUESTED",
            EventType::SpecialPriceApproved => "SPECIAL_PRICE_APPROVED",
            EventType::SpecialPriceRejected => "SPECIAL_PRICE_REJECTED",
            EventType::ClaimSubmitted => "CLAIM_SUBMITTED",
            EventType::ClaimApproved => "CLAIM_APPROVED",
            EventType::ClaimRejected => "CLAIM_REJECTED",
            EventType::CreditMemoIssued => "CREDIT_MEMO_ISSUED",
            EventType::PriceProtectionProposed => "PRICE_PROTECTION_PROPOSED",
            EventType::PriceProtectionApproved => "PRICE_PROTECTION_APPROVED",
            EventType::PriceProtectionRejected => "PRICE_PROTECTION_REJECTED",
            EventType::FundRequested => "FUND_REQUESTED",
            EventType::FundRequestDecided => "FUND_REQUEST_DECIDED",
            EventType::FundClaimed => "FUND_CLAIMED",
            EventType::FundClaimDecided => "FUND_CLAIM_DECIDED",
            EventType::FundExpired => "FUND_EXPIRED",
            EventType::RebateProposed => "REBATE_PROPOSED",
            EventType::RebateApproved => "REBATE_APPROVED",
            EventType::RebateRejected => "REBATE_REJECTED",
            EventType::UserInvited => "USER_INVITED",
            EventType::PartnerApplicationReceived => "PARTNER_APPLICATION_RECEIVED",
            EventType::PartnerApplicationApproved => "PARTNER_APPLICATION_APPROVED",
            EventType::PartnerApplicationRejected => "PARTNER_APPLICATION_REJECTED",
            EventType::DealerApproved => "DEALER_APPROVED",
            EventType::DealerRejected => "DEALER_REJECTED",
            EventType::ChangeProposalApproved => "CHANGE_PROPOSAL_APPROVED",
            EventType::ChangeProposalRejected => "CHANGE_PROPOSAL_REJECTED",
            EventType::CertificationExpiring => "CERTIFICATION_EXPIRING",
            EventType::TierChangeProposed => "TIER_CHANGE_PROPOSED",
            EventType::TierChanged => "TIER_CHANGED",
            EventType::ReplenishmentProposed => "REPLENISHMENT_PROPOSED",
            EventType::ReplenishmentAccepted => "REPLENISHMENT_ACCEPTED",
            EventType::ReplenishmentRejected => "REPLENISHMENT_REJECTED",
        }
    }

    /// Events only the brand's staff and endpoints receive: an invitation carries its
    /// token, and an application concerns a company that is no partner yet.
    pub fn brand_only(self) -> bool {
        matches!(
            self,
            EventType::UserInvited
                | EventType::PartnerApplicationReceived
                | EventType::PartnerApplicationApproved
                | EventType::PartnerApplicationRejected
        )
    }

    /// Events about invoices and payments: of the order topic, but heard only by those who
    /// see all of the company's invoices.
    pub fn about_invoices(self) -> bool {
        matches!(
            self,
            EventType::OrderInvoiced
                | EventType::OrderPaymentRecorded
                | EventType::ClaimSubmitted
                | EventType::ClaimApproved
                | EventType::ClaimRejected
                | EventType::CreditMemoIssued
                | EventType::PriceProtectionProposed
                | EventType::PriceProtectionApproved
                | EventType::PriceProtectionRejected
                | EventType::FundRequested
                | EventType::FundRequestDecided
                | EventType::FundClaimed
                | EventType::FundClaimDecided
                | EventType::FundExpired
                | EventType::RebateProposed
                | EventType::RebateApproved
                | EventType::RebateRejected
        )
    }

    /// Whether `principal` may read events of this type: its topic's rule
    /// ([`Topic::readable_by`]), and for invoices and payments a reach of all of them.
    pub fn readable_by(self, principal: &Principal) -> Result<(), crate::error::Error> {
        self.topic().readable_by(principal)?;
        if self.about_invoices() && principal.reach(Records::Invoices) != Reach::All {
            return Err(crate::error::Error::Forbidden(format!(
                "{} goes to those who see all of the company's invoices",
                self.as_str()
            )));
        }
        Ok(())
    }

    pub fn parse(raw: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    pub fn topic(self) -> Topic {
        use EventType as E;
        match self {
            E::OrderSubmitted
            | E::OrderCreditHold
            | E::OrderCreditReleased
            | E::OrderCreditRejected
            | E::OrderAcknowledged
            | E::OrderChanged
            | E::OrderCancelled
            | E::OrderShipped
            | E::OrderGoodsReceived
            | E::OrderInvoiced
            | E::OrderPaymentRecorded
            | E::OrderEdiAckOverdue
            | E::OrderShipNoticeLate
            | E::ClaimSubmitted
            | E::ClaimApproved
            | E::ClaimRejected
            | E::CreditMemoIssued
            | E::PriceProtectionProposed
            | E::PriceProtectionApproved
            | E::PriceProtectionRejected
            | E::FundRequested
            | E::FundRequestDecided
            | E::FundClaimed
            | E::FundClaimDecided
            | E::FundExpired
            | E::RebateProposed
            | E::RebateApproved
            | E::RebateRejected => Topic::Order,
            E::ShipmentSent | E::ShipmentReceived => Topic::Shipment,
            E::CaseOpened
            | E::CaseUpdated
            | E::CaseStarted
            | E::CaseResolved
            | E::CaseClosed
            | E::CaseReopened
            | E::CaseNoteAdded => Topic::Case,
            E::InventoryReported
            | E::SellThroughReported
            | E::ReplenishmentProposed
            | E::ReplenishmentAccepted
            | E::ReplenishmentRejected => Topic::Inventory,
            E::LeadCreated
            | E::LeadAccepted
            | E::LeadDeclined
            | E::LeadAssigned
            | E::LeadQualified
            | E::LeadDisqualified
            | E::LeadConverted
            | E::LeadOfferLapsed
            | E::DealApproved
            | E::DealRejected
            | E::SpecialPriceRequested
            | E::SpecialPriceApproved
            | E::SpecialPriceRejected => Topic::Lead,
            E::UserInvited
            | E::PartnerApplicationReceived
            | E::PartnerApplicationApproved
            | E::PartnerApplicationRejected
            | E::DealerApproved
            | E::DealerRejected
            | E::ChangeProposalApproved
            | E::ChangeProposalRejected
            | E::CertificationExpiring
            | E::TierChangeProposed
            | E::TierChanged => Topic::Program,
        }
    }
}

/// An event about to be written.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub event_type: EventType,
    /// The order, shipment, case, report or lead.
    pub subject_id: Uuid,
    /// The order a shipment belongs to.
    pub order_id: Option<Uuid>,
    /// The partner organizations that may see the event.
    pub audience: Vec<Uuid>,
    /// What a receiver needs to know, in the API's own terms (global ids, enum names).
    pub data: Value,
}

/// A global id for `data`.
pub fn gid(node_type: NodeType, id: Uuid) -> Value {
    Value::String(GlobalId::encode(node_type, id))
}

/// The body a webhook receives: the event's id (for deduplication), its type, when it
/// happened, and its data.
pub fn body(id: Uuid, event_type: EventType, occurred_at: DateTime<Utc>, data: Value) -> Value {
    json!({
        "id": GlobalId::encode(NodeType::Event, id),
        "type": event_type.as_str(),
        "occurredAt": occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "data": data,
    })
}

/// Writes an event, with its audience and a delivery to every live endpoint that wants it
/// and may see it, on `db`, which must be the change's own transaction.
pub async fn emit(db: &impl ConnectionTrait, new: NewEvent) -> Result<Uuid> {
    let mut writes = Writes::new();
    let id = emit_into(&mut writes, new);
    writes.run(db).await?;
    Ok(id)
}

/// [`emit`], gathered into `writes` to be sent with the change's other rows.
pub fn emit_into(writes: &mut Writes, new: NewEvent) -> Uuid {
    let id = Uuid::now_v7();
    let occurred_at = now();
    let mut audience = new.audience;
    audience.sort_unstable();
    audience.dedup();
    let payload = body(id, new.event_type, occurred_at, new.data);
    writes.insert(event::ActiveModel {
        id: Set(id),
        occurred_at: Set(occurred_at),
        topic: Set(new.event_type.topic().as_str().to_owned()),
        event_type: Set(new.event_type.as_str().to_owned()),
        subject_id: Set(new.subject_id),
        order_id: Set(new.order_id),
        audience: Set(audience
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(" ")),
        payload: Set(payload.to_string()),
    });
    bus::emitted();
    writes.insert_many(audience.iter().map(|org| event_audience::ActiveModel {
        organization_id: Set(*org),
        event_id: Set(id),
    }));
    writes.deliveries(Deliveries {
        event_id: id,
        event_type: new.event_type,
        audience,
        at: occurred_at,
    });
    id
}

/// The webhook deliveries of one event: one to every live endpoint that wants its type and
/// is the brand's own or belongs to an organization of its audience, due at once.
pub(crate) struct Deliveries {
    event_id: Uuid,
    event_type: EventType,
    audience: Vec<Uuid>,
    at: DateTime<Utc>,
}

impl Deliveries {
    fn endpoints(&self) -> Condition {
        Condition::all()
            .add(webhook_endpoint::Column::Active.eq(true))
            .add(webhook_endpoint::Column::ArchivedAt.is_null())
            .add(
                Condition::any()
                    .add(webhook_endpoint::Column::OrganizationId.is_null())
                    .add(
                        webhook_endpoint::Column::OrganizationId
                            .is_in(self.audience.iter().copied()),
                    ),
            )
    }

    /// Reads the endpoints and writes the deliveries, each with an id made here.
    pub(crate) async fn write(self, db: &impl ConnectionTrait) -> Result<()> {
        let endpoints = webhook_endpoint::Entity::find()
            .filter(self.endpoints())
            .all(db)
            .await?;
        let deliveries: Vec<webhook_delivery::ActiveModel> = endpoints
            .iter()
            .filter(|e| wants(e, self.event_type))
            .map(|e| new_delivery(e.id, self.event_id, self.at))
            .collect();
        if !deliveries.is_empty() {
            webhook_delivery::Entity::insert_many(deliveries)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    /// The same as one PostgreSQL statement that reads the endpoints as it inserts: each
    /// delivery's id is a UUIDv7 made by the database from the event's time (48 bits of
    /// milliseconds, the version, then random bits), as [`Uuid::now_v7`] makes them.
    pub(crate) fn statement(&self) -> Result<InsertStatement> {
        use webhook_delivery::Column as D;
        let wanted = format!(" {} ", self.event_type.as_str());
        let select = sea_orm::sea_query::Query::select()
            .expr(Expr::cust_with_values(
                "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) \
                 placing substring(int8send($1) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid",
                [self.at.timestamp_millis()],
            ))
            .column(webhook_endpoint::Column::Id)
            .expr(Expr::val(self.event_id))
            .expr(Expr::val(DeliveryStatus::Pending))
            .expr(Expr::val(0))
            .expr(Expr::val(self.at))
            .expr(Expr::val(self.at))
            .expr(Expr::val(self.at))
            .expr(Expr::val(self.at))
            .from(webhook_endpoint::Entity)
            .cond_where(self.endpoints())
            .and_where(Expr::cust_with_values(
                "strpos(' ' || \"webhook_endpoints\".\"event_types\" || ' ', $1) > 0",
                [wanted],
            ))
            .to_owned();
        let mut insert = sea_orm::sea_query::Query::insert();
        insert
            .into_table(webhook_delivery::Entity)
            .columns([
                D::Id,
                D::EndpointId,
                D::EventId,
                D::Status,
                D::Attempts,
                D::NextAttemptAt,
                D::WindowStartedAt,
                D::CreatedAt,
                D::UpdatedAt,
            ])
            .select_from(select)
            .map_err(|e| crate::error::Error::Internal(format!("webhook deliveries: {e}")))?;
        Ok(insert)
    }
}

/// Whether `endpoint` asked for events of this type.
pub fn wants(endpoint: &webhook_endpoint::Model, event_type: EventType) -> bool {
    endpoint
        .event_types
        .split(' ')
        .any(|t| t == event_type.as_str())
}

/// The delivery of event `event_id` to endpoint `endpoint_id`, due at once.
pub fn new_delivery(
    endpoint_id: Uuid,
    event_id: Uuid,
    at: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint_id),
        event_id: Set(event_id),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        window_started_at: Set(at),
        delivered_at: Set(None),
        dead_at: Set(None),
        last_status_code: Set(None),
        last_error: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

/// The topics a principal may read: a partner system's scopes name them ([`Topic::scope`]);
/// people read all.
fn readable_topics(principal: &Principal) -> Vec<&'static str> {
    Topic::ALL
        .into_iter()
        .filter(|t| t.readable_by(principal).is_ok())
        .map(Topic::as_str)
        .collect()
}

/// The events a principal may see: the brand's staff every one, a partner those it is in
/// the audience of, of the topics it may read.
pub fn visible_events(principal: &Principal) -> Condition {
    match principal.partner_organization() {
        None if principal.is_restricted() => Condition::all().add(Expr::val(false)),
        None => Condition::all(),
        Some(org) => {
            let audience = event_audience::Entity::find()
                .select_only()
                .column(event_audience::Column::EventId)
                .filter(event_audience::Column::OrganizationId.eq(org))
                .into_query();
            let mut visible = Condition::all()
                .add(event::Column::Id.in_subquery(audience))
                .add(event::Column::Topic.is_in(readable_topics(principal)));
            if principal.reach(Records::Invoices) != Reach::All {
                visible = visible.add(
                    event::Column::EventType.is_not_in(
                        EventType::ALL
                            .into_iter()
                            .filter(|t| t.about_invoices())
                            .map(EventType::as_str),
                    ),
                );
            }
            visible
        }
    }
}

/// Events by id, as far as the principal may see them.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_events(principal))
        .all(db)
        .await?)
}
