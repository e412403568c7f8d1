//! An order's history: every step, who took it, when, and what it changed.

use entity::enums::OrderStatus;
use entity::{order, order_event};
use sea_orm::{ConnectionTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::lifecycle::status_name;
use crate::access::Principal;
use crate::audit::{self, Action, principal_parts};
use crate::error::Result;
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;
use crate::store::now;
use crate::writes::Writes;

/// One change a step made: a field, before and after.
#[derive(Clone, Debug)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    pub fn new(field: impl Into<String>, before: Option<String>, after: Option<String>) -> Self {
        Self {
            field: field.into(),
            before,
            after,
        }
    }
}

/// A step of an order's history: its name there, the event partners hear of it by, and
/// its record in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Submitted,
    CreditHold,
    CreditReleased,
    CreditRejected,
    Acknowledged,
    Changed,
    Cancelled,
    Shipped,
    GoodsReceived,
    Invoiced,
    PaymentRecorded,
}

impl Step {
    /// The step's name in the history (`OrderHistoryEntry.action`).
    pub fn name(self) -> &'static str {
        match self {
            Step::Submitted => "SUBMITTED",
            Step::CreditHold => "CREDIT_HOLD",
            Step::CreditReleased => "CREDIT_RELEASED",
            Step::CreditRejected => "CREDIT_REJECTED",
            Step::Acknowledged => "ACKNOWLEDGED",
            Step::Changed => "CHANGED",
            Step::Cancelled => "CANCELLED",
            Step::Shipped => "SHIPPED",
            Step::GoodsReceived => "GOODS_RECEIVED",
            Step::Invoiced => "INVOICED",
            Step::PaymentRecorded => "PAYMENT_RECORDED",
        }
    }

    fn event_type(self) -> EventType {
        match self {
            Step::Submitted => EventType::OrderSubmitted,
            Step::CreditHold => EventType::OrderCreditHold,
            Step::CreditReleased => EventType::OrderCreditReleased,
            Step::CreditRejected => EventType::OrderCreditRejected,
            Step::Acknowledged => EventType::OrderAcknowledged,
            Step::Changed => EventType::OrderChanged,
            Step::Cancelled => EventType::OrderCancelled,
            Step::Shipped => EventType::OrderShipped,
            Step::GoodsReceived => EventType::OrderGoodsReceived,
            Step::Invoiced => EventType::OrderInvoiced,
            Step::PaymentRecorded => EventType::OrderPaymentRecorded,
        }
    }

    fn action(self) -> Action {
        match self {
            Step::Submitted => Action::OrderSubmit,
            Step::CreditHold => Action::OrderCreditHold,
            Step::CreditReleased => Action::OrderCreditRelease,
            Step::CreditRejected => Action::OrderCreditReject,
            Step::Acknowledged => Action::OrderAcknowledge,
            Step::Changed => Action::OrderChange,
            Step::Cancelled => Action::OrderCancel,
            Step::Shipped => Action::OrderShip,
            Step::GoodsReceived => Action::OrderGoodsReceive,
            Step::Invoiced => Action::OrderInvoice,
            Step::PaymentRecorded => Action::OrderPaymentRecord,
        }
    }
}

/// Records one step of an order's history, its audit record (the same changes) and its
/// event for the buyer and the seller.
/// `order` is the order as the step left it (its status may still be `to`'s predecessor
/// when the step's status is written later in the same transaction).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order: &order::Model,
    step: Step,
    from: Option<OrderStatus>,
    to: OrderStatus,
    changes: &[Change],
    note: Option<String>,
) -> Result<()> {
    let mut writes = Writes::new();
    record_into(&mut writes, principal, order, step, from, to, changes, note);
    writes.run(db).await
}

/// [`record`], gathered into `writes` to be sent with the change's other rows.
#[allow(clippy::too_many_arguments)]
pub fn record_into(
    writes: &mut Writes,
    principal: &Principal,
    order: &order::Model,
    step: Step,
    from: Option<OrderStatus>,
    to: OrderStatus,
    changes: &[Change],
    note: Option<String>,
) {
    let order_id = order.id;
    let (kind, principal_id) = principal_parts(principal);
    let mut audited = serde_json::Map::new();
    for c in changes {
        audited.insert(
            c.field.clone(),
            json!({ "before": c.before, "after": c.after }),
        );
    }
    if let Some(note) = &note {
        audited.insert("note".into(), json!({ "before": null, "after": note }));
    }
    audit::changes_into(
        writes,
        principal,
        step.action(),
        Some(order_id),
        Value::Object(audited),
    );
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| json!({ "field": c.field, "before": c.before, "after": c.after }))
        .collect();
    writes.insert(order_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(order_id),
        occurred_at: Set(now()),
        principal_kind: Set(kind.to_owned()),
        principal_id: Set(principal_id),
        action: Set(step.name().to_owned()),
        from_status: Set(from),
        to_status: Set(to),
        changes: Set(Value::Array(changes).to_string()),
        note: Set(note),
    });
    events::emit_into(
        writes,
        NewEvent {
            event_type: step.event_type(),
            subject_id: order_id,
            order_id: Some(order_id),
            audience: vec![order.buyer_id, order.seller_id],
            data: json!({
                "order": {
                    "id": events::gid(NodeType::Order, order_id),
                    "number": order.number,
                    "status": status_name(to),
                    "previousStatus": from.map(status_name),
                    "buyerId": events::gid(NodeType::Organization, order.buyer_id),
                    "sellerId": events::gid(NodeType::Organization, order.seller_id),
                    "total": { "amount": crate::money::stored(order.total).to_string(), "currency": order.currency },
                }
            }),
        },
    );
}

/// The changes of a stored step.
pub fn changes_of(event: &order_event::Model) -> Vec<Change> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&event.changes) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            Change {
                field: text("field").unwrap_or_default(),
                before: text("before"),
                after: text("after"),
            }
        })
        .collect()
}
