//! The interchanges and documents a request's resolvers follow, batched per request.

use uuid::Uuid;

use super::service as edi;
use crate::graphql::loading::{LoadScope, by_id_loader};

/// Loads EDI for one request, on behalf of its principal.
pub struct EdiLoader {
    pub scope: LoadScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiInterchangeId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentId(pub Uuid);
/// The transaction sets of an interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsIn(pub Uuid);
/// The answers written to an interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiAnswersTo(pub Uuid);
/// The X12 documents of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfOrder(pub Uuid);
/// The X12 documents of a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfShipment(pub Uuid);
/// The X12 documents of an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfInvoice(pub Uuid);

by_id_loader!(
    EdiLoader: EdiInterchangeId => entity::edi_interchange::Model,
    edi::interchanges_by_ids
);
by_id_loader!(EdiLoader: EdiDocumentId => entity::edi_document::Model, edi::documents_by_ids);
by_id_loader!(
    EdiLoader: EdiDocumentsIn => Vec<entity::edi_document::Model>,
    edi::documents_of_interchanges
);
by_id_loader!(EdiLoader: EdiAnswersTo => Vec<entity::edi_interchange::Model>, edi::answers_to);
by_id_loader!(
    EdiLoader: EdiDocumentsOfOrder => Vec<entity::edi_document::Model>,
    edi::documents_of_orders
);
by_id_loader!(
    EdiLoader: EdiDocumentsOfShipment => Vec<entity::edi_document::Model>,
    edi::documents_of_shipments
);
by_id_loader!(
    EdiLoader: EdiDocumentsOfInvoice => Vec<entity::edi_document::Model>,
    edi::documents_of_invoices
);
