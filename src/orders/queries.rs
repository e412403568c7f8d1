//! Reading orders and what hangs off them, as far as the principal may see.

use std::collections::HashMap;

use entity::enums::OrganizationKind;
use entity::order::{self, Column, Entity};
use entity::{
    invoice, invoice_line, order_event, order_line, organization, payment, shipment, shipment_line,
};
use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, RelationDef,
};
use uuid::Uuid;

use super::history::Step;
use super::model::OrderFilter;
use crate::access::{Principal, Reach, Records};
use crate::error::{Error, ErrorCode, Result};
use crate::graphql::loading::ChildRelation;
use crate::pagination::{Page, PageRequest, SortKey};
use crate::store::{self, grouped};

/// The brand, if the directory has one.
pub async fn brand_id(db: &impl ConnectionTrait) -> Result<Option<Uuid>> {
    match db.query_one(&brand_id_query()).await? {
        Some(row) => Ok(Some(row.try_get("", "id")?)),
        None => Ok(None),
    }
}

/// The statement of the brand's id, also a subquery for a statement that works it out
/// itself.
pub fn brand_id_query() -> SelectStatement {
    organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq(OrganizationKind::Brand))
        .into_query()
}

pub fn sort_column(key: SortKey) -> Column {
    match key {
        SortKey::Name => Column::Number,
        SortKey::CreatedAt | SortKey::Due => Column::SubmittedAt,
        SortKey::UpdatedAt => Column::UpdatedAt,
    }
}

fn filter_condition(filter: &OrderFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(kind) = filter.kind {
        cond = cond.add(Column::Kind.eq(kind));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(buyer) = filter.buyer_id {
        cond = cond.add(Column::BuyerId.eq(buyer));
    }
    if let Some(seller) = filter.seller_id {
        cond = cond.add(Column::SellerId.eq(seller));
    }
    if let Some(po) = &filter.po_number {
        cond = cond.add(Column::BuyerPoNumber.eq(po.clone()));
    }
    if let Some(number) = &filter.number {
        cond = cond.add(Column::Number.eq(number.clone()));
    }
    cond
}

/// What the principal may see of the orders `filter` matches. A partner filtering on its
/// own organization as seller or buyer may see every order the filter matches; leaving the
/// visibility test out then lets the statement run straight from the seller's or buyer's
/// index under any plan the database caches, where `buyer = me OR seller = me` planned for
/// the average partner reads all of a big distributor's orders to sort them.
fn visible_among(principal: &Principal, filter: &OrderFilter) -> Condition {
    let own = principal.partner_organization();
    if own.is_some() && (filter.seller_id == own || filter.buyer_id == own) {
        // The filter names the partner's side; its roles may still reach only some.
        principal.within_reach(Records::Orders, Column::SubmittedBy)
    } else {
        principal.visible_orders()
    }
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, order::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<Entity>(db, ids, principal.visible_orders()).await
}

/// The orders `filter` matches that the principal may see, unordered: the statement of
/// [`list`] before it is paged, for a compiled read.
pub fn listing(principal: &Principal, filter: &OrderFilter) -> Result<SelectStatement> {
    principal.ensure_can_read_orders()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(visible_among(principal, filter))
        .into_query())
}

#[tracing::instrument(skip(db, principal))]
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OrderFilter,
    page: &PageRequest,
) -> Result<Page<order::Model>> {
    principal.ensure_can_read_orders()?;
    let query = Entity::find()
        .filter(filter_condition(filter))
        .filter(visible_among(principal, filter));
    store::page_of(
        db,
        query,
        page,
        Expr::col((Entity, sort_column(page.sort.key))),
        Expr::col((Entity, Column::Id)),
    )
    .await
}

/// The orders an organization placed, as their buyer, for `Organization.orders`: one page
/// per organization, batched.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlacedOrders {
    pub filter: OrderFilter,
}

impl ChildRelation for PlacedOrders {
    type Model = order::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        Entity::find()
            .filter(filter_condition(&self.filter))
            .filter(visible_among(principal, &self.filter))
            .into_query()
    }

    fn parent(&self) -> Expr {
        Expr::col((Entity, Column::BuyerId))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        Expr::col((Entity, sort_column(key)))
    }

    fn id_column(&self) -> Expr {
        Expr::col((Entity, Column::Id))
    }

    fn ensure_readable(&self, principal: &Principal) -> Result<()> {
        principal.ensure_can_read_orders()
    }
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &OrderFilter,
) -> Result<u64> {
    principal.ensure_can_read_orders()?;
    Ok(Entity::find()
        .filter(filter_condition(filter))
        .filter(visible_among(principal, filter))
        .count(db)
        .await?)
}

/// The order `id` names, if the principal may see it, at the `version` it read, locked
/// until the transaction ends: every step of an order locks it first, before its lines and
/// its buyer's balance, so two steps at once never wait on each other in a circle, and the
/// later one reads what the earlier one left.
pub async fn for_change(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    version: i32,
) -> Result<order::Model> {
    store::for_update::<Entity>(db, id, version, principal.visible_orders()).await
}

pub async fn lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<order_line::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(principal.owned_by_visible_order_among(order_line::Column::OrderId, order_ids))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::LineNumber)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.order_id))
}

/// Steps of orders' histories by id, as far as the principal may see them.
pub async fn events_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, order_event::Model>> {
    principal.ensure_can_read_orders()?;
    let rows = order_event::Entity::find()
        .filter(order_event::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_visible_order(order_event::Column::OrderId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|e| (e.id, e)).collect())
}

/// Whether `principal` sees all of the invoices and payments of the orders it sees.
pub fn sees_invoices(principal: &Principal) -> bool {
    principal.reach(Records::Invoices) == Reach::All
}

/// The steps of an order's history `principal` sees: invoicing and payments only where it
/// sees the invoices.
pub fn visible_steps(principal: &Principal) -> Condition {
    if sees_invoices(principal) {
        return Condition::all();
    }
    Condition::all().add(
        order_event::Column::Action
            .is_not_in([Step::Invoiced.name(), Step::PaymentRecorded.name()]),
    )
}

pub async fn events_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<order_event::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = order_event::Entity::find()
        .filter(order_event::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(principal.owned_by_visible_order_among(order_event::Column::OrderId, order_ids))
        .filter(visible_steps(principal))
        .order_by_asc(order_event::Column::OccurredAt)
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.order_id))
}

pub async fn shipments_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<shipment::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = shipment::Entity::find()
        .filter(shipment::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(principal.owned_by_visible_order_among(shipment::Column::OrderId, order_ids))
        .order_by_asc(shipment::Column::ShippedAt)
        .order_by_asc(shipment::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.order_id))
}

pub async fn shipments_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, shipment::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<shipment::Entity>(
        db,
        ids,
        principal.owned_by_visible_order(shipment::Column::OrderId),
    )
    .await
}

pub async fn shipment_lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    shipment_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<shipment_line::Model>>> {
    principal.ensure_can_read_orders()?;
    let visible = shipment::Entity::find()
        .select_only()
        .column(shipment::Column::Id)
        .filter(principal.owned_by_visible_order(shipment::Column::OrderId))
        .into_query();
    let rows = shipment_line::Entity::find()
        .filter(shipment_line::Column::ShipmentId.is_in(shipment_ids.iter().copied()))
        .filter(shipment_line::Column::ShipmentId.in_subquery(visible))
        .order_by_asc(shipment_line::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.shipment_id))
}

pub async fn invoices_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<invoice::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = invoice::Entity::find()
        .filter(invoice::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(principal.owned_by_visible_order_among(invoice::Column::OrderId, order_ids))
        .filter(principal.reaching_all(Records::Invoices))
        .order_by_asc(invoice::Column::IssuedOn)
        .order_by_asc(invoice::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.order_id))
}

pub async fn invoices_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, invoice::Model>> {
    principal.ensure_can_read_orders()?;
    store::by_ids::<invoice::Entity>(
        db,
        ids,
        Condition::all()
            .add(principal.owned_by_visible_order(invoice::Column::OrderId))
            .add(principal.reaching_all(Records::Invoices)),
    )
    .await
}

/// The ids of invoices of orders the principal may see, as a subquery.
fn visible_invoices(principal: &Principal) -> sea_orm::sea_query::SelectStatement {
    invoice::Entity::find()
        .select_only()
        .column(invoice::Column::Id)
        .filter(principal.owned_by_visible_order(invoice::Column::OrderId))
        .filter(principal.reaching_all(Records::Invoices))
        .into_query()
}

pub async fn invoice_lines_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    invoice_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<invoice_line::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = invoice_line::Entity::find()
        .filter(invoice_line::Column::InvoiceId.is_in(invoice_ids.iter().copied()))
        .filter(invoice_line::Column::InvoiceId.in_subquery(visible_invoices(principal)))
        .order_by_asc(invoice_line::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.invoice_id))
}

pub async fn payments_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    invoice_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<payment::Model>>> {
    principal.ensure_can_read_orders()?;
    let rows = payment::Entity::find()
        .filter(payment::Column::InvoiceId.is_in(invoice_ids.iter().copied()))
        .filter(payment::Column::InvoiceId.in_subquery(visible_invoices(principal)))
        .order_by_asc(payment::Column::CreatedAt)
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?;
    Ok(grouped(rows, |r| r.invoice_id))
}

/// Order lines by id (for shipment and invoice lines), as far as the principal may see.
pub async fn lines_by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, order_line::Model>> {
    principal.ensure_can_read_orders()?;
    let rows = order_line::Entity::find()
        .filter(order_line::Column::Id.is_in(ids.iter().copied()))
        .filter(principal.owned_by_visible_order(order_line::Column::OrderId))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|l| (l.id, l)).collect())
}

/// The code and name of an order's buyer and seller.
#[derive(Clone, Debug, Default)]
pub struct OrderParties {
    pub buyer: (String, String),
    pub seller: (String, String),
}

/// The buyer and seller of each of `order_ids` the principal can see: an order names both
/// parties to whoever sees it, whatever else of them that principal may see. Read through
/// the orders themselves, by key, so the statement's plan cannot depend on how many orders
/// a partner has.
pub async fn parties_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, OrderParties>> {
    principal.ensure_can_read_orders()?;
    let (buyer, seller) = (Alias::new("cg_buyer"), Alias::new("cg_seller"));
    let party = |column: Column| -> RelationDef {
        Entity::belongs_to(organization::Entity)
            .from(column)
            .to(organization::Column::Id)
            .into()
    };
    let rows: Vec<(Uuid, String, String, String, String)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .expr(Expr::col((buyer.clone(), organization::Column::Code)))
        .expr(Expr::col((buyer.clone(), organization::Column::Name)))
        .expr(Expr::col((seller.clone(), organization::Column::Code)))
        .expr(Expr::col((seller.clone(), organization::Column::Name)))
        .join_as(JoinType::InnerJoin, party(Column::BuyerId), buyer)
        .join_as(JoinType::InnerJoin, party(Column::SellerId), seller)
        .filter(Column::Id.is_in(order_ids.iter().copied()))
        .filter(principal.visible_orders())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, buyer_code, buyer_name, seller_code, seller_name)| {
            let parties = OrderParties {
                buyer: (buyer_code, buyer_name),
                seller: (seller_code, seller_name),
            };
            (id, parties)
        })
        .collect())
}

/// A reference to a visible row in an input that is not the mutation's own `id`.
pub fn not_found(field: &str, what: &str) -> Error {
    Error::user(
        &["input", field],
        ErrorCode::NotFound,
        format!("no {what} has this {field}"),
    )
}
