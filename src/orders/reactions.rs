//! What an order's steps tell the rest of the system. The trade knows nothing of who
//! listens: each step that others act on hands a [`Happened`] to the [`Reactor`] its caller
//! gave it, in the step's own transaction, so the step and what follows from it (an X12
//! document to a trading partner, for one) commit or vanish together.

use std::future::Future;

use entity::{invoice, order, shipment};
use sea_orm::ConnectionTrait;

use super::model::AppliedChange;
use crate::error::Result;

/// A step of an order that others may act on.
#[derive(Clone, Copy, Debug)]
pub enum Happened<'a> {
    /// The brand raised a purchase order with a supplier.
    PurchaseOrdered { order: &'a order::Model },
    /// The seller acknowledged an order, line by line.
    Acknowledged { order: &'a order::Model },
    /// The buyer changed an order before it shipped.
    Changed {
        order: &'a order::Model,
        change: &'a AppliedChange,
    },
    /// Goods of an order left the seller.
    Shipped {
        order: &'a order::Model,
        shipment: &'a shipment::Model,
    },
    /// An order was invoiced.
    Invoiced {
        order: &'a order::Model,
        invoice: &'a invoice::Model,
    },
}

/// Acts on an order's steps inside their transaction; an error undoes the step.
pub trait Reactor: Sync {
    fn react(
        &self,
        db: &impl ConnectionTrait,
        happened: Happened<'_>,
    ) -> impl Future<Output = Result<()>> + Send;
}
