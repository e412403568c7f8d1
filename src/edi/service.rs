//! Reading stored X12 traffic. A partner sees only its own interchanges and documents; the
//! brand's staff see all.

use std::collections::HashMap;

use entity::enums::{EdiDirection, EdiStatus, EdiUsage};
use entity::{edi_document, edi_interchange};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::access::Principal;
use crate::error::Result;
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store;

/// Documents can be filtered by these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocumentFilter {
    pub organization_id: Option<Uuid>,
    pub direction: Option<EdiDirection>,
    pub usage: Option<EdiUsage>,
    pub status: Option<EdiStatus>,
    pub transaction_set: Option<String>,
    pub order_id: Option<Uuid>,
    pub reference: Option<String>,
    pub acknowledgement: Option<Acknowledgement>,
}

/// Where an outbound set stands with the partner's 997.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Acknowledgement {
    /// Nothing acknowledges it: a 997 the brand sent, or a document received.
    NotExpected,
    /// Its 997 is due and has not come yet.
    Pending,
    /// Its 997 is past due.
    Overdue,
    Accepted,
    AcceptedWithErrors,
    Rejected,
}

impl Acknowledgement {
    /// Where `doc` stands now.
    pub fn of(doc: &edi_document::Model) -> Acknowledgement {
        match (doc.ack_status.as_deref(), doc.ack_due_at) {
            (Some("ACCEPTED"), _) => Acknowledgement::Accepted,
            (Some("ACCEPTED_WITH_ERRORS"), _) => Acknowledgement::AcceptedWithErrors,
            (Some(_), _) => Acknowledgement::Rejected,
            (None, None) => Acknowledgement::NotExpected,
            (None, Some(due)) if due < crate::store::now() => Acknowledgement::Overdue,
            (None, Some(_)) => Acknowledgement::Pending,
        }
    }

    fn condition(self) -> Condition {
        use edi_document::Column as C;
        let now = crate::store::now();
        let open = Condition::all().add(C::AckStatus.is_null());
        match self {
            Acknowledgement::NotExpected => open.add(C::AckDueAt.is_null()),
            Acknowledgement::Pending => open.add(C::AckDueAt.gte(now)),
            Acknowledgement::Overdue => open.add(C::AckDueAt.lt(now)),
            Acknowledgement::Accepted => Condition::all().add(C::AckStatus.eq("ACCEPTED")),
            Acknowledgement::AcceptedWithErrors => {
                Condition::all().add(C::AckStatus.eq("ACCEPTED_WITH_ERRORS"))
            }
            Acknowledgement::Rejected => Condition::all().add(C::AckStatus.eq("REJECTED")),
        }
    }
}

impl Keyed for edi_document::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

fn document_condition(principal: &Principal, f: &DocumentFilter) -> Condition {
    let mut cond = principal.owned_by_self(edi_document::Column::OrganizationId);
    if let Some(org) = f.organization_id {
        cond = cond.add(edi_document::Column::OrganizationId.eq(org));
    }
    if let Some(d) = f.direction {
        cond = cond.add(edi_document::Column::Direction.eq(d));
    }
    if let Some(u) = f.usage {
        cond = cond.add(edi_document::Column::Usage.eq(u));
    }
    if let Some(s) = f.status {
        cond = cond.add(edi_document::Column::Status.eq(s));
    }
    if let Some(t) = &f.transaction_set {
        cond = cond.add(edi_document::Column::TransactionSet.eq(t.clone()));
    }
    if let Some(o) = f.order_id {
        cond = cond.add(edi_document::Column::OrderId.eq(o));
    }
    if let Some(r) = &f.reference {
        cond = cond.add(edi_document::Column::Reference.eq(r.clone()));
    }
    if let Some(a) = f.acknowledgement {
        cond = cond.add(a.condition());
    }
    cond
}

pub async fn documents(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DocumentFilter,
    page: &PageRequest,
) -> Result<Page<edi_document::Model>> {
    principal.ensure_can_read_edi()?;
    store::page_of(
        db,
        edi_document::Entity::find().filter(document_condition(principal, filter)),
        page,
        Expr::col((edi_document::Entity, edi_document::Column::CreatedAt)),
        Expr::col((edi_document::Entity, edi_document::Column::Id)),
    )
    .await
}

pub async fn document_count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &DocumentFilter,
) -> Result<u64> {
    principal.ensure_can_read_edi()?;
    Ok(edi_document::Entity::find()
        .filter(document_condition(principal, filter))
        .count(db)
        .await?)
}

pub async fn documents_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, edi_document::Model>> {
    principal.ensure_can_read_edi()?;
    let rows = edi_document::Entity::find()
        .filter(edi_document::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(edi_document::Column::OrganizationId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn interchanges_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, edi_interchange::Model>> {
    principal.ensure_can_read_edi()?;
    let rows = edi_interchange::Entity::find()
        .filter(edi_interchange::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(edi_interchange::Column::OrganizationId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// The documents of each interchange, in the order they were stored.
pub async fn documents_of_interchanges(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<edi_document::Model>>> {
    principal.ensure_can_read_edi()?;
    let rows = edi_document::Entity::find()
        .filter(edi_document::Column::InterchangeId.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(edi_document::Column::OrganizationId))
        .order_by_asc(edi_document::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |r| r.interchange_id))
}

/// The answers the server wrote to each interchange.
pub async fn answers_to(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<edi_interchange::Model>>> {
    principal.ensure_can_read_edi()?;
    let rows = edi_interchange::Entity::find()
        .filter(edi_interchange::Column::AnswersId.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(edi_interchange::Column::OrganizationId))
        .order_by_asc(edi_interchange::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |r| r.answers_id.unwrap_or_default()))
}

/// Documents by a link column, grouped by it.
async fn documents_linked(
    db: &impl ConnectionTrait,
    principal: &Principal,
    column: edi_document::Column,
    ids: &[Uuid],
    key: impl Fn(&edi_document::Model) -> Option<Uuid>,
) -> Result<HashMap<Uuid, Vec<edi_document::Model>>> {
    principal.ensure_can_read_edi()?;
    let rows = edi_document::Entity::find()
        .filter(column.is_in(ids.iter().copied()))
        .filter(principal.owned_by_self(edi_document::Column::OrganizationId))
        .order_by_asc(edi_document::Column::Id)
        .all(db)
        .await?;
    Ok(store::grouped(rows, |r| key(r).unwrap_or_default()))
}

/// The documents sent for each shipment.
pub async fn documents_of_shipments(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<edi_document::Model>>> {
    documents_linked(db, principal, edi_document::Column::ShipmentId, ids, |r| {
        r.shipment_id
    })
    .await
}

/// The documents sent for each invoice.
pub async fn documents_of_invoices(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<edi_document::Model>>> {
    documents_linked(db, principal, edi_document::Column::InvoiceId, ids, |r| {
        r.invoice_id
    })
    .await
}

/// The documents that came with or went out for each order.
pub async fn documents_of_orders(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<edi_document::Model>>> {
    documents_linked(db, principal, edi_document::Column::OrderId, ids, |r| {
        r.order_id
    })
    .await
}
