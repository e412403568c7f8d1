//! Credit memos and partner statements as the API shows them. Thin: parse, call the service,
//! map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{credit_memo, credit_memo_line};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::credit_memos::{self as service, EntryKind};
use super::graphql::Claim;
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::error::GqlResult;
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::loading::load_one;
use crate::graphql::money::Money;
use crate::graphql::scalars::{Date, DateTime};
use crate::ids::{GlobalId, NodeType};
use crate::money::{Currency, stored};
use crate::organizations::graphql::{Organization, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::{id_arg, user_of};

/// What a credit memo line settles.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::CreditSource")]
pub enum CreditSource {
    /// An approved ship-and-debit claim.
    ShipAndDebit,
    /// An approved price protection credit.
    PriceProtection,
    /// A partner's paid claim on a fund.
    FundClaim,
    /// An approved volume rebate.
    Rebate,
}

/// What the brand owes a partner back, as a document beside its invoices: issued as what it
/// settles is approved, it lowers the partner's balance with the brand. Staff see every one;
/// a partner its own, to those whose roles see all of its invoices.
pub struct CreditMemo(pub credit_memo::Model);

impl Keyed for credit_memo::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A credit memo.
#[Object]
impl CreditMemo {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::CreditMemo, self.0.id))
    }
    /// The brand's number for it (`CM-000001`).
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// The partner credited, if you may see it in the directory.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// The day it was issued: the day it counts from on the statement.
    async fn issued_on(&self) -> Date {
        Date(self.0.issued_on)
    }
    /// The sum of its lines.
    async fn amount(&self) -> Money {
        Money::of(stored(self.0.amount), &self.0.currency)
    }
    /// What it settles, line by line.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CreditMemoLine>> {
        Ok(
            load_one(ctx, crate::catalog::loaders::CreditMemoLinesOf(self.0.id))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(|l| CreditMemoLine(l, self.0.currency.clone()))
                .collect(),
        )
    }
    /// Who issued it (by approving what it settles), if you may see them.
    async fn issued_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.issued_by).await
    }
    /// When it was issued.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// One thing a credit memo settles.
pub struct CreditMemoLine(pub credit_memo_line::Model, pub String);

/// One thing a credit memo settles, traced back to it.
#[Object]
impl CreditMemoLine {
    /// Its number in the memo, from 1.
    async fn line_number(&self) -> i32 {
        self.0.line_number
    }
    /// What kind of thing it settles.
    async fn source(&self) -> CreditSource {
        self.0.source.into()
    }
    /// What it settles, in words: `claim CLM-000001 (DB-1)`.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// What it credits.
    async fn amount(&self) -> Money {
        Money::of(stored(self.0.amount), &self.1)
    }
    /// The price protection credit it settles, for `PRICE_PROTECTION`.
    async fn price_protection_credit(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::protection::PriceProtectionCredit>> {
        if self.0.source != entity::enums::CreditSource::PriceProtection {
            return Ok(None);
        }
        Ok(load_one(
            ctx,
            crate::catalog::loaders::PriceProtectionCreditId(self.0.source_id),
        )
        .await?
        .map(super::protection::PriceProtectionCredit))
    }
    /// The fund request whose claim it pays, for `FUND_CLAIM`.
    async fn fund_request(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::funding::FundRequest>> {
        if self.0.source != entity::enums::CreditSource::FundClaim {
            return Ok(None);
        }
        Ok(load_one(
            ctx,
            crate::catalog::loaders::FundRequestId(self.0.source_id),
        )
        .await?
        .map(super::funding::FundRequest))
    }
    /// The rebate it settles, for `REBATE`.
    async fn rebate(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::rebating::RebateSettlement>> {
        if self.0.source != entity::enums::CreditSource::Rebate {
            return Ok(None);
        }
        Ok(load_one(
            ctx,
            crate::catalog::loaders::RebateSettlementId(self.0.source_id),
        )
        .await?
        .map(super::rebating::RebateSettlement))
    }
    /// The claim it settles, for `SHIP_AND_DEBIT`.
    async fn claim(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Claim>> {
        if self.0.source != entity::enums::CreditSource::ShipAndDebit {
            return Ok(None);
        }
        Ok(
            load_one(ctx, crate::catalog::loaders::ClaimId(self.0.source_id))
                .await?
                .map(Claim),
        )
    }
}

/// Which credit memos to list.
#[derive(InputObject, Default)]
pub struct CreditMemoFilter {
    /// Only this partner's.
    pub partner_id: Option<ID>,
}

crate::program::graphql::counter!(CreditMemoCount, service::CreditMemoFilter, service::count);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

/// What a statement entry is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementEntryKind {
    /// An invoice of the brand's: it raises the balance.
    Invoice,
    /// A payment on one: it lowers the balance.
    Payment,
    /// A credit memo: it lowers the balance.
    CreditMemo,
}

/// One entry of a statement.
#[derive(SimpleObject)]
pub struct StatementEntry {
    /// What it is.
    pub kind: StatementEntryKind,
    /// Its day: an invoice's issue day, the day a payment was received, a memo's issue day.
    pub on: Date,
    /// The invoice's or memo's number; a payment's reference, or its invoice's number.
    pub number: String,
    /// What it moves the balance by: positive for an invoice, negative for a payment or memo.
    pub amount: Money,
    /// The balance after it.
    pub balance: Money,
}

/// A partner's account with the brand over a period, in one currency.
pub struct PartnerStatement(service::Statement);

/// A partner's account with the brand.
#[Object]
impl PartnerStatement {
    /// The partner, if you may see it in the directory.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner).await
    }
    /// The currency of every amount.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first day.
    async fn from(&self) -> Date {
        Date(self.0.from)
    }
    /// The last day.
    async fn to(&self) -> Date {
        Date(self.0.to)
    }
    /// The balance before the first day: what the partner owed the brand (negative: what the
    /// brand owed it).
    async fn opening_balance(&self) -> Money {
        Money::of(self.0.opening, &self.0.currency)
    }
    /// Invoices, payments and credit memos in the period, oldest first, each with the balance
    /// after it.
    async fn entries(&self) -> Vec<StatementEntry> {
        let currency = &self.0.currency;
        self.0
            .entries
            .iter()
            .map(|e| StatementEntry {
                kind: match e.kind {
                    EntryKind::Invoice => StatementEntryKind::Invoice,
                    EntryKind::Payment => StatementEntryKind::Payment,
                    EntryKind::CreditMemo => StatementEntryKind::CreditMemo,
                },
                on: Date(e.on),
                number: e.number.clone(),
                amount: Money::of(e.amount, currency),
                balance: Money::of(e.balance, currency),
            })
            .collect()
    }
    /// The balance after the last day.
    async fn closing_balance(&self) -> Money {
        Money::of(self.0.closing, &self.0.currency)
    }
}

#[derive(Default)]
pub struct CreditMemoQuery;

#[Object]
impl CreditMemoQuery {
    /// Credit memos, newest first: every one for staff, a partner's own for those of it
    /// whose roles see all of its invoices.
    #[allow(clippy::too_many_arguments)]
    async fn credit_memos(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which credit memos.")] filter: Option<CreditMemoFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<CreditMemo>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::CreditMemoFilter {
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            CreditMemoCount(filter),
            CreditMemo,
        ))
    }

    /// A partner's statement with the brand: its invoices, the payments on them and its
    /// credit memos from `from` to `to` (at most 366 days), with a running balance. Staff for
    /// any partner; a partner's finance people and managers, or its systems with
    /// `orders:read`, for their own.
    async fn partner_statement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] organization_id: ID,
        #[graphql(
            desc = "The currency (ISO 4217); by default the partner's credit currency, \
                          or EUR."
        )]
        currency: Option<String>,
        #[graphql(desc = "The first day.")] from: Date,
        #[graphql(desc = "The last day.")] to: Date,
    ) -> async_graphql::Result<PartnerStatement> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let Some(partner) = id_arg(
            "organizationId",
            Some(&organization_id),
            NodeType::Organization,
        )?
        else {
            return Err(async_graphql::Error::new("organizationId is required"));
        };
        let currency = match currency {
            Some(c) => Currency::parse(&["currency"], &c).gql()?.code().to_owned(),
            None => entity::organization::Entity::find_by_id(partner)
                .one(db)
                .await
                .map_err(crate::error::Error::from)
                .gql()?
                .and_then(|o| o.credit_currency)
                .unwrap_or_else(|| "EUR".to_owned()),
        };
        let statement = service::statement(db, principal, partner, &currency, from.0, to.0)
            .await
            .gql()?;
        Ok(PartnerStatement(statement))
    }
}
