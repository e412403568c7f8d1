//! Orders and their lines as the compiled read path reads them: each field from its column,
//! each relation from the statement its loader runs.

use crate::access::Records;
use async_graphql::{Name, Value};
use entity::{enums, order, order_line, organization};
use sea_orm::sea_query::QueryStatementBuilder;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryTrait};
use serde_json::Value as Json;

use super::types::{
    Invoice, InvoiceStatus, LineStatus, Order, OrderEvent, OrderKind, OrderStatus, Shipment,
};
use crate::catalog::graphql::{PriceSource, UnitOfMeasure};
use crate::graphql::compiled::fallback;
use crate::graphql::compiled::spec::{Catalog, Col, Listing, ObjectSpec, Paging, Shape};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::orders::loaders::{InvoiceId, OrderId, ShipmentId};
use crate::orders::model::OrderFilter;
use crate::orders::queries;
use crate::organizations::graphql::loaded;
use crate::pagination::{PageRequest, Sort};

const CURRENCY: Col = Col::of("currency");

fn amount(column: &'static str) -> [Col; 2] {
    [Col::of(column), CURRENCY]
}

fn line_amount(column: &'static str) -> [Col; 2] {
    [Col::of(column), Col::of_parent("currency")]
}

/// A difference of two stored amounts in the third column's currency.
fn difference(values: &[Json], fields: &[(Name, String)]) -> Option<Value> {
    let [a, b, Json::String(currency)] = values else {
        return None;
    };
    let (Some(a), Some(b)) = (values::units(a)?, values::units(b)?) else {
        return Some(Value::Null);
    };
    Some(values::money_object(a - b, currency, fields))
}

fn partner_code(values: &[Json], fields: &[(Name, String)]) -> Option<Value> {
    values::text_object("PartnerCode", &["qualifier", "code"], values, fields, true)
}

fn one_time_address(values: &[Json], fields: &[(Name, String)]) -> Option<Value> {
    values::text_object(
        "OneTimeAddress",
        &["name", "street", "city", "region", "postalCode", "country"],
        values,
        fields,
        false,
    )
}

/// The orders a page of `Query.orders` reads.
pub fn orders_listing(
    principal: &crate::access::Principal,
    filter: &OrderFilter,
    sort: Sort,
    page: PageRequest,
) -> crate::error::Result<Listing> {
    let column = queries::sort_column(sort.key);
    Ok(Listing::page(
        queries::listing(principal, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((order::Entity, column)),
            id: Expr::col((order::Entity, order::Column::Id)),
        },
    ))
}

pub fn register(catalog: &mut Catalog) {
    register_fulfilment(catalog);
    catalog.add(
        ObjectSpec::new("Order", "orders")
            .value("id", Col::uuid("id"), |v| {
                values::global_id(NodeType::Order, v)
            })
            .value("number", Col::of("number"), values::text)
            .value(
                "kind",
                Col::of("kind"),
                enumeration::<enums::OrderKind, OrderKind>,
            )
            .value("poNumber", Col::of("buyer_po_number"), values::text)
            .value(
                "brandInitiated",
                Col::of("brand_initiated"),
                values::boolean,
            )
            .value(
                "status",
                Col::of("status"),
                enumeration::<enums::OrderStatus, OrderStatus>,
            )
            .object("total", "Money", &amount("total"), values::money)
            .object("tax", "Money", &amount("tax_total"), values::money)
            .object(
                "invoiced",
                "Money",
                &amount("invoiced_amount"),
                values::money,
            )
            .guarded("invoiced", queries::sees_invoices)
            .object(
                "subtotal",
                "Money",
                &[Col::of("total"), Col::of("tax_total"), CURRENCY],
                difference,
            )
            .value("currency", CURRENCY, values::text)
            .value("requestedDate", Col::of("requested_date"), values::date)
            .object(
                "oneTimeShipTo",
                "OneTimeAddress",
                &[
                    Col::of("ship_to_name"),
                    Col::of("ship_to_street"),
                    Col::of("ship_to_city"),
                    Col::of("ship_to_region"),
                    Col::of("ship_to_postal_code"),
                    Col::of("ship_to_country"),
                ],
                one_time_address,
            )
            .object(
                "shipToCode",
                "PartnerCode",
                &[Col::of("ship_to_qualifier"), Col::of("ship_to_code")],
                partner_code,
            )
            .value(
                "paymentTermsDays",
                Col::of("payment_terms_days"),
                values::int,
            )
            .value("notes", Col::of("notes"), values::text)
            .value("submittedAt", Col::of("submitted_at"), values::date_time)
            .value("updatedAt", Col::of("updated_at"), values::date_time)
            .value("version", Col::of("version"), values::int)
            .related("buyerParty", "TradingParty", Shape::One, |_| {
                Ok(Some(party("buyer_id")))
            })
            .related("sellerParty", "TradingParty", Shape::One, |_| {
                Ok(Some(party("seller_id")))
            })
            .related("buyer", "Organization", Shape::One, |asked| {
                organization_of(asked.principal, "buyer_id").map(Some)
            })
            .related("seller", "Organization", Shape::One, |asked| {
                organization_of(asked.principal, "seller_id").map(Some)
            })
            .related("lines", "OrderLine", Shape::List, |_| {
                Ok(Some(
                    Listing::rows(order_line::Entity::find().into_query())
                        .of_parent(
                            Expr::col((order_line::Entity, order_line::Column::OrderId)),
                            "id",
                        )
                        .ordered(vec![Expr::col((
                            order_line::Entity,
                            order_line::Column::LineNumber,
                        ))]),
                ))
            })
            .related("history", "OrderEvent", Shape::List, |asked| {
                use entity::order_event::{Column, Entity};
                Ok(Some(children_where::<Entity>(
                    Column::OrderId,
                    vec![Column::OccurredAt, Column::Id],
                    queries::visible_steps(asked.principal),
                )))
            })
            .related("shipments", "Shipment", Shape::List, |_| {
                use entity::shipment::{Column, Entity};
                Ok(Some(children::<Entity>(
                    Column::OrderId,
                    vec![Column::ShippedAt, Column::Id],
                )))
            })
            .related("invoices", "Invoice", Shape::List, |asked| {
                use entity::invoice::{Column, Entity};
                Ok(Some(children_where::<Entity>(
                    Column::OrderId,
                    vec![Column::IssuedOn, Column::Id],
                    asked.principal.reaching_all(Records::Invoices),
                )))
            })
            .fallback(loaded(OrderId, |k| k.0, Order)),
    );
    catalog.add_node(NodeType::Order, "Order", |principal, id| {
        let mut select = queries::listing(principal, &OrderFilter::default())?;
        select.and_where(Expr::col((order::Entity, order::Column::Id)).eq(id));
        Ok(Listing::rows(select))
    });
    catalog.add(
        ObjectSpec::new("TradingParty", "organizations")
            .value("code", Col::of("code"), values::text)
            .value("name", Col::of("name"), values::text),
    );
    catalog.add(
        ObjectSpec::new("OrderLine", "order_lines")
            .value("lineNumber", Col::of("line_number"), values::int)
            .related("product", "Product", Shape::One, |asked| {
                Ok(Some(
                    Listing::rows(crate::catalog::products::visible(asked.principal)?).of_parent(
                        Expr::col((entity::product::Entity, entity::product::Column::Id)),
                        "product_id",
                    ),
                ))
            })
            .value(
                "buyerPartNumber",
                Col::of("buyer_part_number"),
                values::text,
            )
            .object(
                "itemCode",
                "PartnerCode",
                &[Col::of("item_qualifier"), Col::of("item_code")],
                partner_code,
            )
            .value("orderedUnit", Col::of("ordered_unit"), values::text)
            .value("packSize", Col::of("pack_size"), values::int)
            .value("quantity", Col::of("quantity"), values::decimal)
            .value(
                "unit",
                Col::of("unit"),
                enumeration::<enums::UnitOfMeasure, UnitOfMeasure>,
            )
            .object(
                "unitPrice",
                "Money",
                &line_amount("unit_price"),
                values::money,
            )
            .object(
                "orderedUnitPrice",
                "Money",
                &line_amount("ordered_unit_price"),
                values::money,
            )
            .value(
                "priceSource",
                Col::of("price_source"),
                enumeration::<enums::PriceSource, PriceSource>,
            )
            .object(
                "lineTotal",
                "Money",
                &line_amount("line_total"),
                values::money,
            )
            .value("taxRatePercent", Col::of("tax_rate"), values::decimal)
            .object(
                "taxAmount",
                "Money",
                &line_amount("tax_amount"),
                values::money,
            )
            .value("requestedDate", Col::of("requested_date"), values::date)
            .value(
                "status",
                Col::of("status"),
                enumeration::<enums::LineStatus, LineStatus>,
            )
            .value(
                "acceptedQuantity",
                Col::of("accepted_quantity"),
                values::decimal,
            )
            .value("promisedDate", Col::of("promised_date"), values::date)
            .value(
                "shippedQuantity",
                Col::of("shipped_quantity"),
                values::decimal,
            )
            .value(
                "invoicedQuantity",
                Col::of("invoiced_quantity"),
                values::decimal,
            )
            .guarded("invoicedQuantity", queries::sees_invoices),
    );
}

/// The rows of `E` whose `parent` column names the parent row, in `order`. The parent is
/// an order (or its shipment or invoice) the principal sees, and so are they.
fn children<E: EntityTrait>(parent: E::Column, order: Vec<E::Column>) -> Listing {
    children_where::<E>(parent, order, Condition::all())
}

/// [`children`] that also meet `condition`.
fn children_where<E: EntityTrait>(
    parent: E::Column,
    order: Vec<E::Column>,
    condition: Condition,
) -> Listing {
    Listing::rows(E::find().filter(condition).into_query())
        .of_parent(Expr::col((E::default(), parent)), "id")
        .ordered(
            order
                .into_iter()
                .map(|c| Expr::col((E::default(), c)))
                .collect(),
        )
}

/// A column of the order line a shipment or invoice line (of `E`) refers to.
fn of_order_line<E: EntityTrait>(line: E::Column, column: order_line::Column) -> Expr {
    use sea_orm::sea_query::Query;
    let mut select = Query::select();
    select
        .column((order_line::Entity, column))
        .from(order_line::Entity)
        .and_where(
            Expr::col((order_line::Entity, order_line::Column::Id)).equals((E::default(), line)),
        );
    Expr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

fn actor_kind(values: &[Json]) -> Option<Value> {
    let name = match values.first()? {
        Json::String(s) if s == "STAFF" => "STAFF",
        Json::String(s) if s == "PARTNER_USER" => "PARTNER_USER",
        Json::String(s) if s == "PARTNER_SYSTEM" => "PARTNER_SYSTEM",
        Json::String(_) => "SYSTEM",
        _ => return None,
    };
    Some(Value::Enum(Name::new(name)))
}

/// Orders' shipments, invoices and history.
fn register_fulfilment(catalog: &mut Catalog) {
    use entity::{invoice, invoice_line, payment, shipment, shipment_line};
    catalog.add(
        ObjectSpec::new("Shipment", "shipments")
            .value("id", Col::uuid("id"), |v| {
                values::global_id(NodeType::Shipment, v)
            })
            .value("number", Col::of("number"), values::text)
            .related("order", "Order", Shape::One, |asked| {
                order_of(asked.principal).map(Some)
            })
            .value("carrier", Col::of("carrier"), values::text)
            .value("trackingNumber", Col::of("tracking_number"), values::text)
            .value("shippedAt", Col::of("shipped_at"), values::date_time)
            .value("expectedAt", Col::of("expected_at"), values::date)
            .value("receivedAt", Col::of("received_at"), values::date_time)
            .related("lines", "ShipmentLine", Shape::List, |_| {
                use shipment_line::{Column, Entity};
                Ok(Some(
                    children::<Entity>(Column::ShipmentId, vec![Column::Id])
                        .computing(
                            "line_number",
                            of_order_line::<Entity>(
                                Column::OrderLineId,
                                order_line::Column::LineNumber,
                            ),
                        )
                        .computing(
                            "product_id",
                            of_order_line::<Entity>(
                                Column::OrderLineId,
                                order_line::Column::ProductId,
                            ),
                        ),
                ))
            })
            .value("version", Col::of("version"), values::int)
            .fallback(loaded(ShipmentId, |k| k.0, Shipment)),
    );
    catalog.add(
        ObjectSpec::new("ShipmentLine", "shipment_lines")
            .value("lineNumber", Col::of("line_number"), values::int)
            .related("product", "Product", Shape::One, |asked| {
                Ok(Some(
                    Listing::rows(crate::catalog::products::visible(asked.principal)?).of_parent(
                        Expr::col((entity::product::Entity, entity::product::Column::Id)),
                        "product_id",
                    ),
                ))
            })
            .value("quantity", Col::of("quantity"), values::decimal)
            .value(
                "receivedQuantity",
                Col::of("received_quantity"),
                values::decimal,
            ),
    );
    catalog.add(
        ObjectSpec::new("Invoice", "invoices")
            .value("id", Col::uuid("id"), |v| {
                values::global_id(NodeType::Invoice, v)
            })
            .value("number", Col::of("number"), values::text)
            .related("order", "Order", Shape::One, |asked| {
                order_of(asked.principal).map(Some)
            })
            .value("issuedOn", Col::of("issued_on"), values::date)
            .value("dueOn", Col::of("due_on"), values::date)
            .object("total", "Money", &amount("total"), values::money)
            .object(
                "subtotal",
                "Money",
                &[Col::of("total"), Col::of("tax_total"), CURRENCY],
                difference,
            )
            .object("tax", "Money", &amount("tax_total"), values::money)
            .object("paid", "Money", &amount("paid"), values::money)
            .object(
                "balance",
                "Money",
                &[Col::of("total"), Col::of("paid"), CURRENCY],
                difference,
            )
            .value(
                "status",
                Col::of("status"),
                enumeration::<enums::InvoiceStatus, InvoiceStatus>,
            )
            .related("lines", "InvoiceLine", Shape::List, |_| {
                use invoice_line::{Column, Entity};
                Ok(Some(
                    children::<Entity>(Column::InvoiceId, vec![Column::Id]).computing(
                        "line_number",
                        of_order_line::<Entity>(
                            Column::OrderLineId,
                            order_line::Column::LineNumber,
                        ),
                    ),
                ))
            })
            .related("payments", "Payment", Shape::List, |_| {
                use payment::{Column, Entity};
                Ok(Some(children::<Entity>(
                    Column::InvoiceId,
                    vec![Column::CreatedAt, Column::Id],
                )))
            })
            .value("version", Col::of("version"), values::int)
            .fallback(loaded(InvoiceId, |k| k.0, Invoice)),
    );
    catalog.add(
        ObjectSpec::new("InvoiceLine", "invoice_lines")
            .value("lineNumber", Col::of("line_number"), values::int)
            .value("quantity", Col::of("quantity"), values::decimal)
            .object(
                "unitPrice",
                "Money",
                &line_amount("unit_price"),
                values::money,
            )
            .object(
                "lineTotal",
                "Money",
                &line_amount("line_total"),
                values::money,
            )
            .object(
                "taxAmount",
                "Money",
                &line_amount("tax_amount"),
                values::money,
            ),
    );
    catalog.add(
        ObjectSpec::new("Payment", "payments")
            .object("amount", "Money", &line_amount("amount"), values::money)
            .value("receivedOn", Col::of("received_on"), values::date)
            .value("reference", Col::of("reference"), values::text)
            .value("recordedAt", Col::of("created_at"), values::date_time),
    );
    catalog.add(
        ObjectSpec::new("OrderEvent", "order_events")
            .value("occurredAt", Col::of("occurred_at"), values::date_time)
            .value("action", Col::of("action"), values::text)
            .value(
                "fromStatus",
                Col::of("from_status"),
                enumeration::<enums::OrderStatus, OrderStatus>,
            )
            .value(
                "toStatus",
                Col::of("to_status"),
                enumeration::<enums::OrderStatus, OrderStatus>,
            )
            .value("actorKind", Col::of("principal_kind"), actor_kind)
            .value("note", Col::of("note"), values::text)
            .fallback(fallback::<OrderEvent, _>(|ctx, ids| {
                Box::pin(async move {
                    let principal = crate::access::Principal::of(ctx)
                        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    let db = ctx.data::<sea_orm::DatabaseConnection>()?;
                    let found = queries::events_by_ids(db, principal, &ids)
                        .await
                        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    Ok(found
                        .into_iter()
                        .map(|(id, m)| (id, OrderEvent(m)))
                        .collect())
                })
            })),
    );
    catalog.add_node(NodeType::Shipment, "Shipment", |principal, id| {
        of_visible_order::<shipment::Entity>(
            principal,
            shipment::Column::OrderId,
            shipment::Column::Id,
            id,
            Condition::all(),
        )
    });
    catalog.add_node(NodeType::Invoice, "Invoice", |principal, id| {
        of_visible_order::<invoice::Entity>(
            principal,
            invoice::Column::OrderId,
            invoice::Column::Id,
            id,
            principal.reaching_all(Records::Invoices),
        )
    });
}

/// The order a shipment or invoice belongs to, if the principal may see it.
fn order_of(principal: &crate::access::Principal) -> crate::error::Result<Listing> {
    Ok(
        Listing::rows(queries::listing(principal, &OrderFilter::default())?)
            .of_parent(Expr::col((order::Entity, order::Column::Id)), "order_id"),
    )
}

/// The row of `E` with `id`, if the principal may see the order it belongs to.
fn of_visible_order<E: EntityTrait>(
    principal: &crate::access::Principal,
    order: E::Column,
    id_column: E::Column,
    id: uuid::Uuid,
    also: Condition,
) -> crate::error::Result<Listing> {
    principal.ensure_can_read_orders()?;
    Ok(Listing::rows(
        E::find()
            .filter(principal.owned_by_visible_order(order))
            .filter(id_column.eq(id))
            .filter(also)
            .into_query(),
    ))
}

/// The code and name of the organization the order's `column` names, whoever may see it.
fn party(column: &'static str) -> Listing {
    Listing::rows(organization::Entity::find().into_query()).of_parent(
        Expr::col((organization::Entity, organization::Column::Id)),
        column,
    )
}

/// The organization the parent's `column` names, if the principal may see it.
fn organization_of(
    principal: &crate::access::Principal,
    column: &'static str,
) -> crate::error::Result<Listing> {
    Ok(
        Listing::rows(crate::organizations::service::visible(principal)?).of_parent(
            Expr::col((organization::Entity, organization::Column::Id)),
            column,
        ),
    )
}
