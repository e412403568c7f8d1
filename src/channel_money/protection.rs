//! Price protection credits as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::price_protection_credit as credit;
use sea_orm::DatabaseConnection;

use super::price_protection as service;
use super::settlement::CreditMemo;
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::domain;
use crate::error::{GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::{id_arg, user_of};

/// Where a price protection credit stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PriceProtectionStatus")]
pub enum PriceProtectionStatus {
    /// Proposed as the price fell; the brand has not decided.
    Proposed,
    /// The brand approved it: a credit memo settled it.
    Approved,
    /// The brand refused it.
    Rejected,
}

/// A credit a distributor's stock on hand earned when a product's net price to it fell:
/// (old net price − new net price) × the quantity protected, the smaller of its stock on
/// hand and what it bought from the brand in the window before. Staff see every one; a
/// distributor its own, to those whose roles see all of its invoices.
pub struct PriceProtectionCredit(pub credit::Model);

impl Keyed for credit::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A price protection credit.
#[Object]
impl PriceProtectionCredit {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::PriceProtectionCredit, self.0.id))
    }
    /// The brand's number for it (`PP-000001`).
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Where it stands.
    async fn status(&self) -> PriceProtectionStatus {
        self.0.status.into()
    }
    /// The distributor, if you may see it in the directory.
    async fn distributor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.distributor_id).await
    }
    /// The product whose price fell.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// The day the price fell.
    async fn effective_on(&self) -> Date {
        Date(self.0.effective_on)
    }
    /// The stock on hand, from the distributor's latest inventory report as of that day.
    async fn on_hand(&self) -> Decimal {
        Decimal(stored(self.0.on_hand))
    }
    /// What it bought of the product from the brand in the window before.
    async fn bought(&self) -> Decimal {
        Decimal(stored(self.0.bought))
    }
    /// The window, in days (`price_protection_days` when it was proposed).
    async fn window_days(&self) -> i32 {
        self.0.window_days
    }
    /// The smaller of the stock on hand and what was bought: what is protected.
    async fn quantity(&self) -> Decimal {
        Decimal(stored(self.0.quantity))
    }
    /// The distributor's net price for that quantity before the change.
    async fn old_price(&self) -> Money {
        Money::of(stored(self.0.old_price), &self.0.currency)
    }
    /// Its net price after.
    async fn new_price(&self) -> Money {
        Money::of(stored(self.0.new_price), &self.0.currency)
    }
    /// (old − new) × quantity.
    async fn amount(&self) -> Money {
        Money::of(stored(self.0.amount), &self.0.currency)
    }
    /// Who decided, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When the brand decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The brand's note on its approval, or the reason it rejected the credit.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// The credit memo that settled it, once approved.
    async fn credit_memo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CreditMemo>> {
        let Some(id) = self.0.credit_memo_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::catalog::loaders::CreditMemoId(id))
            .await?
            .map(CreditMemo))
    }
    /// When it was proposed.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Which price protection credits to list.
#[derive(InputObject, Default)]
pub struct PriceProtectionFilter {
    /// Only this distributor's.
    pub distributor_id: Option<ID>,
    /// Only for this product.
    pub product_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<PriceProtectionStatus>,
}

crate::program::graphql::counter!(
    PriceProtectionCount,
    service::PriceProtectionFilter,
    service::count
);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct PriceProtectionQuery;

#[Object]
impl PriceProtectionQuery {
    /// Price protection credits, newest first: every one for staff, a distributor's own for
    /// those of it whose roles see all of its invoices.
    #[allow(clippy::too_many_arguments)]
    async fn price_protection_credits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which credits.")] filter: Option<PriceProtectionFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<PriceProtectionCredit>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::PriceProtectionFilter {
            distributor_id: id_arg(
                "filter.distributorId",
                filter.distributor_id.as_ref(),
                NodeType::Organization,
            )?,
            product_id: id_arg(
                "filter.productId",
                filter.product_id.as_ref(),
                NodeType::Product,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            PriceProtectionCount(filter),
            PriceProtectionCredit,
        ))
    }
}

/// The brand's approval of a price protection credit.
#[derive(InputObject)]
pub struct PriceProtectionApproveInput {
    /// The credit.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// A note for the distributor (at most 2000 characters).
    pub note: Option<String>,
}

/// The brand's refusal of a price protection credit.
#[derive(InputObject)]
pub struct PriceProtectionRejectInput {
    /// The credit.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// What a decision on a price protection credit changed.
#[derive(SimpleObject)]
pub struct PriceProtectionPayload {
    /// The credit as it is now; null when nothing was written.
    pub price_protection_credit: Option<PriceProtectionCredit>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(result: Result<credit::Model>) -> async_graphql::Result<PriceProtectionPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(PriceProtectionPayload {
        price_protection_credit: saved.map(PriceProtectionCredit),
        user_errors,
    })
}

const NOTE_MAX: usize = 2000;

#[derive(Default)]
pub struct PriceProtectionMutation;

#[Object]
impl PriceProtectionMutation {
    /// The brand approves a proposed price protection credit, which a credit memo settles at
    /// once: its admins and managers.
    async fn price_protection_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credit, the version you read and a note.")]
        input: PriceProtectionApproveInput,
    ) -> async_graphql::Result<PriceProtectionPayload> {
        let parsed = input_id("id", &input.id, NodeType::PriceProtectionCredit).and_then(|id| {
            let note = input
                .note
                .as_deref()
                .map(|n| domain::required_text(&["input", "note"], n, NOTE_MAX))
                .transpose()?;
            Ok((id, note))
        });
        let result = match parsed {
            Ok((id, note)) => in_transaction!(ctx, |txn, principal| service::approve(
                &txn,
                principal,
                id,
                input.version,
                note
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// The brand rejects a proposed price protection credit, with the reason: its admins and
    /// managers.
    async fn price_protection_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credit, the version you read and why.")]
        input: PriceProtectionRejectInput,
    ) -> async_graphql::Result<PriceProtectionPayload> {
        let parsed = input_id("id", &input.id, NodeType::PriceProtectionCredit).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, NOTE_MAX)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| service::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }
}
