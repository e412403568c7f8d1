//! The orders, shipments, invoices and their parts a request's resolvers follow, batched
//! per request.

use uuid::Uuid;

use super::queries as orders;
use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads trade for one request, on behalf of its principal.
pub struct OrderLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderLineId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoiceId(pub Uuid);
/// An order's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinesOf(pub Uuid);
/// An order's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventsOf(pub Uuid);
/// An order's shipments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentsOf(pub Uuid);
/// An order's invoices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoicesOf(pub Uuid);
/// A shipment's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentLinesOf(pub Uuid);
/// An invoice's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoiceLinesOf(pub Uuid);
/// An invoice's payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PaymentsOf(pub Uuid);
/// The buyer and seller of an order the principal can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartiesOf(pub Uuid);
/// What an organization owes the brand, per currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExposureOf(pub Uuid);

by_id_loader!(OrderLoader: OrderId => entity::order::Model, orders::by_ids);
by_id_loader!(OrderLoader: OrderLineId => entity::order_line::Model, orders::lines_by_ids);
by_id_loader!(OrderLoader: ShipmentId => entity::shipment::Model, orders::shipments_by_ids);
by_id_loader!(OrderLoader: InvoiceId => entity::invoice::Model, orders::invoices_by_ids);
by_id_loader!(OrderLoader: LinesOf => Vec<entity::order_line::Model>, orders::lines_of);
by_id_loader!(OrderLoader: EventsOf => Vec<entity::order_event::Model>, orders::events_of);
by_id_loader!(OrderLoader: ShipmentsOf => Vec<entity::shipment::Model>, orders::shipments_of);
by_id_loader!(OrderLoader: InvoicesOf => Vec<entity::invoice::Model>, orders::invoices_of);
by_id_loader!(
    OrderLoader: ShipmentLinesOf => Vec<entity::shipment_line::Model>,
    orders::shipment_lines_of
);
by_id_loader!(
    OrderLoader: InvoiceLinesOf => Vec<entity::invoice_line::Model>,
    orders::invoice_lines_of
);
by_id_loader!(OrderLoader: PaymentsOf => Vec<entity::payment::Model>, orders::payments_of);
by_id_loader!(OrderLoader: PartiesOf => orders::OrderParties, orders::parties_of);
by_id_loader!(
    OrderLoader: ExposureOf => Vec<(String, rust_decimal::Decimal)>,
    super::credit::exposures_for
);
