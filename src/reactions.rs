//! The server's reactions to the trade's steps, wired where the adapters call the trade:
//! today, the X12 documents each step sends to partners that trade by EDI. The trade itself
//! names no listener; its callers hand it these.

use std::future::Future;

use sea_orm::ConnectionTrait;

use crate::error::Result;
use crate::orders::reactions::{Happened, Reactor};

/// Everything the server does when an order takes a step, in the step's transaction.
pub struct Reactions;

impl Reactor for Reactions {
    fn react(
        &self,
        db: &impl ConnectionTrait,
        happened: Happened<'_>,
    ) -> impl Future<Output = Result<()>> + Send {
        crate::edi::outbound::react(db, happened)
    }
}
