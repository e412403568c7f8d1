//! Sets the brand sent that the partner has not acknowledged in time. Every so often one node
//! (the one holding the lease) finds the sets whose 997 was due and has not come, marks each
//! reported, and raises `ORDER_EDI_ACK_OVERDUE` for its order, once.

use chrono::Utc;
use entity::edi_document;
use entity::enums::EdiDirection;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use tokio::sync::watch;

use crate::error::Result;
use crate::events::{self, EventType, NewEvent};
use crate::ids::NodeType;

/// Most sets one pass reports; the next pass takes the rest.
const BATCH: u64 = 500;

/// Reports the overdue sets not reported yet; returns how many it reported.
pub async fn sweep(db: &DatabaseConnection) -> Result<usize> {
    let at = Utc::now();
    let due = edi_document::Entity::find()
        .filter(edi_document::Column::Direction.eq(EdiDirection::Outbound))
        .filter(edi_document::Column::AckDueAt.lt(at))
        .filter(edi_document::Column::AcknowledgedAt.is_null())
        .filter(edi_document::Column::OverdueReportedAt.is_null())
        .order_by_asc(edi_document::Column::AckDueAt)
        .limit(BATCH)
        .all(db)
        .await?;
    // Their orders in one statement: the parties and number an order is reported by never
    // change.
    let order_ids: Vec<uuid::Uuid> = due.iter().filter_map(|d| d.order_id).collect();
    let orders: std::collections::HashMap<uuid::Uuid, entity::order::Model> =
        if order_ids.is_empty() {
            Default::default()
        } else {
            entity::order::Entity::find()
                .filter(entity::order::Column::Id.is_in(order_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect()
        };
    let mut reported = 0;
    for doc in due {
        let txn = crate::db::begin_write(db).await?;
        // Claimed by the update itself, so two nodes never report one set twice.
        let claimed = edi_document::Entity::update_many()
            .col_expr(edi_document::Column::OverdueReportedAt, Expr::value(at))
            .filter(edi_document::Column::Id.eq(doc.id))
            .filter(edi_document::Column::OverdueReportedAt.is_null())
            .filter(edi_document::Column::AcknowledgedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if claimed && let Some(order) = doc.order_id.and_then(|id| orders.get(&id)) {
            report(&txn, &doc, order).await?;
        }
        crate::db::commit(txn).await?;
        reported += usize::from(claimed);
    }
    Ok(reported)
}

async fn report(
    db: &impl ConnectionTrait,
    doc: &edi_document::Model,
    order: &entity::order::Model,
) -> Result<()> {
    events::emit(
        db,
        NewEvent {
            event_type: EventType::OrderEdiAckOverdue,
            subject_id: order.id,
            order_id: Some(order.id),
            audience: vec![order.buyer_id, order.seller_id],
            data: json!({
                "order": { "id": events::gid(NodeType::Order, order.id), "number": order.number },
                "document": {
                    "id": events::gid(NodeType::EdiDocument, doc.id),
                    "transactionSet": doc.transaction_set,
                    "groupControlNumber": doc.group_control_number,
                    "controlNumber": doc.control_number,
                    "partnerId": events::gid(NodeType::Organization, doc.organization_id),
                },
                "dueAt": doc.ack_due_at.map(|d| d.to_rfc3339()),
            }),
        },
    )
    .await?;
    Ok(())
}

/// Every `interval`, the node that takes the lease sweeps, until `stop` turns true.
pub async fn run(
    db: DatabaseConnection,
    interval: std::time::Duration,
    node: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let lease = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::hours(1));
        match crate::events::retention::take_lease(&db, "edi-overdue", &node, Utc::now() + lease)
            .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "the EDI overdue lease could not be taken");
                continue;
            }
        }
        match sweep(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sets = n, "reported X12 sets whose 997 is overdue"),
            Err(err) => {
                tracing::warn!(error = %err, "the EDI overdue sweep failed; it runs again later")
            }
        }
    }
}
