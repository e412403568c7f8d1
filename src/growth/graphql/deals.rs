//! Deal registration in GraphQL.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::types::Opportunity;
use crate::access::Principal;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::{Money, MoneyInput};
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::growth::deals;
use crate::growth::loaders::{DealLinesOf, OpportunityId};
use crate::growth::model::{ApprovedCustomer, DealCustomer, DealFilter, DealState, NewDeal};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::money;
use crate::organizations::graphql::{Organization, SortDirection, input_id, organization_by_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::{CrmSettings, TradeSettings};
use entity::{deal_registration, deal_registration_line};

/// Where a deal registration stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "DealState")]
pub enum DealStatus {
    /// Waiting for the brand's decision.
    Pending,
    /// Approved: the partner is protected until `protectedUntil`.
    Approved,
    /// Rejected.
    Rejected,
    /// Approved, and the protection has ended.
    Expired,
}

/// A partner's claim to a deal with an end customer.
pub struct DealRegistration(pub deal_registration::Model);

/// A partner's claim to a deal with an end customer.
#[Object]
impl DealRegistration {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::DealRegistration, self.0.id))
    }
    /// Its number, `DEAL-000001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The partner that registered it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// The end customer; null while a new customer awaits approval, or if not visible to you.
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.customer_id {
            Some(id) => organization_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The end customer's name as registered.
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }
    /// The end customer's tax id as registered.
    async fn customer_tax_id(&self) -> Option<&str> {
        self.0.customer_tax_id.as_deref()
    }
    /// The products it covers.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DealRegistrationLine>> {
        Ok(load_one(ctx, DealLinesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(DealRegistrationLine)
            .collect())
    }
    /// What the deal is worth.
    async fn amount(&self) -> Money {
        Money::of(*self.0.amount, &self.0.currency)
    }
    /// When the partner expects to close it.
    async fn expected_close_on(&self) -> Option<Date> {
        self.0.expected_close_on.map(Date)
    }
    /// Where it stands; an approval ends by itself when its protection does.
    async fn status(&self) -> DealStatus {
        deals::state(&self.0, Utc::now()).into()
    }
    /// Another partner's approved registration protected this customer when it was
    /// registered: it is not approved without an explicit decision.
    async fn conflict(&self) -> bool {
        self.0.conflict
    }
    /// Until when the approval protects the partner.
    async fn protected_until(&self) -> Option<DateTime> {
        self.0.protected_until.map(DateTime)
    }
    /// When it was approved or rejected.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// Why it was rejected.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    /// The partner's opportunity the approval opened.
    async fn opportunity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Opportunity>> {
        let Some(id) = self.0.opportunity_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OpportunityId(id)).await?.map(Opportunity))
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A product a deal registration covers.
pub struct DealRegistrationLine(pub deal_registration_line::Model);

/// A product a deal registration covers.
#[Object]
impl DealRegistrationLine {
    /// The product.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
    /// How many.
    async fn quantity(&self) -> Decimal {
        Decimal(money::stored(self.0.quantity))
    }
}

/// A product a registration covers.
#[derive(InputObject)]
pub struct DealLineInput {
    /// The product's SKU.
    pub sku: String,
    /// How many.
    pub quantity: Decimal,
}

/// A deal a partner registers.
#[derive(InputObject)]
pub struct DealRegisterInput {
    /// An existing end customer you can see. Give this or `customerName`.
    pub customer_id: Option<ID>,
    /// A new end customer's name; it waits for the brand's approval. Give this or
    /// `customerId`.
    pub customer_name: Option<String>,
    /// A new end customer's tax id.
    pub customer_tax_id: Option<String>,
    /// The products it covers (at least one, at most 100).
    pub lines: Vec<DealLineInput>,
    /// What the deal is worth.
    pub amount: MoneyInput,
    /// When you expect to close it.
    pub expected_close_on: Option<Date>,
}

impl DealRegisterInput {
    fn parse(self, max_amount: rust_decimal::Decimal) -> Result<NewDeal> {
        let customer = match (&self.customer_id, &self.customer_name) {
            (Some(id), None) => {
                DealCustomer::Existing(input_id("customerId", id, NodeType::Organization)?)
            }
            (None, Some(name)) => DealCustomer::New {
                name: domain::required_text(&["input", "customerName"], name, domain::NAME_MAX)?,
                tax_id: domain::optional_text(
                    &["input", "customerTaxId"],
                    self.customer_tax_id.as_deref(),
                    64,
                )?,
            },
            (Some(_), Some(_)) => {
                return Err(Error::user(
                    &["input", "customerName"],
                    ErrorCode::Invalid,
                    "give customerId or customerName, not both",
                ));
            }
            (None, None) => {
                return Err(Error::user(
                    &["input", "customerId"],
                    ErrorCode::Required,
                    "name the end customer: customerId, or customerName for a new one",
                ));
            }
        };
        if self.lines.len() > 100 {
            return Err(Error::user(
                &["input", "lines"],
                ErrorCode::OutOfRange,
                format!("lines holds {}; at most 100 are allowed", self.lines.len()),
            ));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let index = i.to_string();
                Ok((
                    domain::sku(&["input", "lines", &index, "sku"], &l.sku)?,
                    l.quantity.0,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(NewDeal {
            customer,
            lines,
            amount: self.amount.parse(&["input", "amount"], max_amount)?,
            expected_close_on: self.expected_close_on.map(|d| d.0),
        })
    }
}

/// Approves a pending deal registration.
#[derive(InputObject)]
pub struct DealApproveInput {
    /// The registration.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// For a new customer: link it to this existing end customer.
    pub customer_id: Option<ID>,
    /// For a new customer: create it as an end customer with this partner code.
    pub customer_code: Option<String>,
    /// Approve although another partner's protection covers the customer. Default false:
    /// refused with CONFLICT.
    #[graphql(default)]
    pub override_conflict: bool,
}

/// Rejects a pending deal registration.
#[derive(InputObject)]
pub struct DealRejectInput {
    /// The registration.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// Narrows a list of deal registrations. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "DealRegistrationFilter")]
pub struct DealFilterInput {
    /// Only these statuses.
    pub statuses: Option<Vec<DealStatus>>,
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only those for this end customer.
    pub customer_id: Option<ID>,
    /// Only those flagged as a conflict (true) or not (false).
    pub conflict: Option<bool>,
}

/// What a deal registration list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealOrderField {
    /// When it was registered.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How a deal registration list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct DealRegistrationOrder {
    /// The field to sort by.
    pub field: DealOrderField,
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

struct DealCount(DealFilter);

impl Counter for DealCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = deals::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct DealQuery;

#[Object]
impl DealQuery {
    /// Deal registrations, newest first unless `orderBy` says otherwise. Staff see all; a
    /// partner its own.
    #[allow(clippy::too_many_arguments)]
    async fn deal_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<DealFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            DealRegistrationOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<DealRegistration>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let f = filter.unwrap_or_default();
        let filter = DealFilter {
            states: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            partner_id: argument_id(
                "filter.partnerId",
                f.partner_id.as_ref(),
                NodeType::Organization,
            )
            .gql()?,
            customer_id: argument_id(
                "filter.customerId",
                f.customer_id.as_ref(),
                NodeType::Organization,
            )
            .gql()?,
            conflict: f.conflict,
        };
        let order = order_by.unwrap_or(DealRegistrationOrder {
            field: DealOrderField::CreatedAt,
            direction: SortDirection::Desc,
        });
        let sort = Sort {
            key: match order.field {
                DealOrderField::CreatedAt => SortKey::CreatedAt,
                DealOrderField::UpdatedAt => SortKey::UpdatedAt,
            },
            descending: order.direction == SortDirection::Desc,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = deals::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            sort.key,
            DealCount(filter),
            DealRegistration,
        ))
    }
}

/// The result of a step on a deal registration.
#[derive(SimpleObject)]
pub struct DealRegistrationPayload {
    /// The registration as it is now; null when refused.
    pub deal_registration: Option<DealRegistration>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: Result<deal_registration::Model>,
) -> async_graphql::Result<DealRegistrationPayload> {
    let (deal, user_errors) = outcome(result)?;
    Ok(DealRegistrationPayload {
        deal_registration: deal.map(DealRegistration),
        user_errors,
    })
}

fn parse_approve(input: DealApproveInput) -> Result<(Uuid, i32, ApprovedCustomer, bool)> {
    let customer = match (&input.customer_id, &input.customer_code) {
        (Some(id), None) => {
            ApprovedCustomer::Existing(input_id("customerId", id, NodeType::Organization)?)
        }
        (None, Some(code)) => ApprovedCustomer::New {
            code: domain::partner_code(&["input", "customerCode"], code)?,
        },
        (None, None) => ApprovedCustomer::AsRegistered,
        (Some(_), Some(_)) => {
            return Err(Error::user(
                &["input", "customerCode"],
                ErrorCode::Invalid,
                "give customerId or customerCode, not both",
            ));
        }
    };
    Ok((
        input_id("id", &input.id, NodeType::DealRegistration)?,
        input.version,
        customer,
        input.override_conflict,
    ))
}

#[derive(Default)]
pub struct DealMutation;

#[Object]
impl DealMutation {
    /// A partner registers a deal with an end customer, existing or new. A customer that
    /// another partner's approved registration protects makes it a conflict.
    async fn deal_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal.")] input: DealRegisterInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let (max_amount, max_quantity) = (trade.max_amount, trade.max_quantity);
        let result = match input.parse(max_amount) {
            Ok(new) => in_transaction!(ctx, |txn, principal| deals::register(
                &txn,
                principal,
                max_quantity,
                new
            )),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Approves a pending registration: the partner is protected for the configured days and
    /// its opportunity opens. Admins and managers.
    async fn deal_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration and how its customer is settled.")]
        input: DealApproveInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let crm = ctx.data::<CrmSettings>()?;
        let result = match parse_approve(input) {
            Ok((id, version, customer, force)) => {
                in_transaction!(ctx, |txn, principal| deals::approve(
                    &txn, principal, crm, id, version, customer, force
                ))
            }
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Rejects a pending registration, with the reason. Admins and managers.
    async fn deal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration and why.")] input: DealRejectInput,
    ) -> async_graphql::Result<DealRegistrationPayload> {
        let parsed = input_id("id", &input.id, NodeType::DealRegistration).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, 2000)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| deals::reject(
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
