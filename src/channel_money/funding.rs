//! Partner funds as the API shows them. Thin: parse, call the service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{fund, fund_proof, fund_request, fund_tier_amount};
use sea_orm::DatabaseConnection;

use super::funds::{self as service, Approval, FundChange, NewFund, NewFundClaim, NewFundRequest};
use super::settlement::CreditMemo;
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::catalog::graphql::PartnerTier;
use crate::catalog::loaders::{
    CreditMemoId, FundId, FundProofsOf, FundTierAmountsOf, PartnerTierId,
};
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::{Money, MoneyInput};
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::growth::graphql::Campaign;
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::{id_arg, user_of};
use crate::settings::TradeSettings;

/// How a fund gives partners money.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::FundKind")]
pub enum FundKind {
    /// Marketing development funds: a fixed amount per partner by its tier.
    Mdf,
    /// Co-op funds: each partner accrues a percentage of its purchases in the period.
    Coop,
}

/// What a partner spends fund money on.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::FundActivity")]
pub enum FundActivity {
    /// A stand at a trade show or fair.
    TradeShow,
    /// A marketing campaign of the partner's.
    Campaign,
    /// Training of the partner's people.
    Training,
    /// Anything else, described in the plan.
    Other,
}

/// Where a fund request stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::FundRequestStatus")]
pub enum FundRequestStatus {
    /// Asked for; the brand has not decided.
    Requested,
    /// The brand approved all or part of it; the partner may claim it until it expires.
    Approved,
    /// The brand refused it.
    Rejected,
    /// The partner claimed it with proof; the brand has not decided.
    Claimed,
    /// The brand approved the claim: a credit memo paid it.
    Paid,
    /// The brand refused the claim.
    ClaimRejected,
    /// Approved but not claimed in time.
    Expired,
}

/// Money the brand sets aside for its partners' marketing in a period. Staff see every
/// fund; a partner the co-op funds and the MDF funds that give its tier an amount, to those
/// whose roles see all of its invoices.
pub struct Fund(pub fund::Model);

impl Keyed for fund::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A fund.
#[Object]
impl Fund {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Fund, self.0.id))
    }
    /// What the brand calls it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// How it gives partners money.
    async fn kind(&self) -> FundKind {
        self.0.kind.into()
    }
    /// The ISO 4217 currency of its amounts.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first day of its period.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// The last day of its period: activities take place in it, and requests are made by it.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// The most the brand approves out of it across all partners; the brand's staff only.
    async fn budget(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        if Principal::of(ctx).gql()?.is_restricted() {
            return Ok(None);
        }
        Ok(Some(Money::of(stored(self.0.budget), &self.0.currency)))
    }
    /// For a co-op fund: the percentage of a partner's purchases it accrues.
    async fn accrual_rate(&self) -> Option<Decimal> {
        self.0.accrual_rate.map(|r| Decimal(stored(r)))
    }
    /// For an MDF fund: what each tier's partners get; the brand's staff only (a partner reads
    /// its own allocation in `balance`).
    async fn tier_amounts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundTierAmount>> {
        Ok(load_one(ctx, FundTierAmountsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|a| FundTierAmount(a, self.0.currency.clone()))
            .collect())
    }
    /// A partner's standing in the fund: a partner's own (leave `partnerId` out); staff name
    /// the partner.
    async fn balance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner; a partner's own when left out.")] partner_id: Option<ID>,
    ) -> async_graphql::Result<Option<FundBalance>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let partner = match id_arg("partnerId", partner_id.as_ref(), NodeType::Organization)? {
            Some(p) => p,
            None => match principal.partner_organization() {
                Some(own) => own,
                None => {
                    return Err(Error::user(
                        &["partnerId"],
                        ErrorCode::Required,
                        "staff name the partner",
                    ))
                    .gql();
                }
            },
        };
        match service::balance(db, principal, &self.0, partner).await {
            Ok(b) => Ok(Some(FundBalance(b))),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }
    /// What the fund brought, to the brand's staff: what it paid, the results partners
    /// reported, and what the brand's campaigns its activities belong to brought.
    async fn figures(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FundFigures>> {
        let principal = Principal::of(ctx).gql()?;
        if principal.is_restricted() {
            return Ok(None);
        }
        let db = ctx.data::<DatabaseConnection>()?;
        let f = service::figures(db, principal, self.0.id).await.gql()?;
        Ok(Some(FundFigures(f, self.0.currency.clone())))
    }
    /// When the brand set it up.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with one.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// What an MDF fund gives each partner of a tier.
pub struct FundTierAmount(pub fund_tier_amount::Model, pub String);

/// What an MDF fund gives each partner of a tier.
#[Object]
impl FundTierAmount {
    /// The tier.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        Ok(load_one(ctx, PartnerTierId(self.0.tier_id))
            .await?
            .map(PartnerTier))
    }
    /// What each of its partners gets.
    async fn amount(&self) -> Money {
        Money::of(stored(self.0.amount), &self.1)
    }
}

/// A partner's standing in a fund.
pub struct FundBalance(pub service::Balance);

/// A partner's standing in a fund, worked out when asked.
#[Object]
impl FundBalance {
    /// The partner, if you may see it in the directory.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner).await
    }
    /// For MDF, its tier's amount; for co-op, the accrual rate of its purchases from the
    /// brand invoiced in the period, before tax.
    async fn allocated(&self) -> Money {
        Money::of(self.0.allocated, &self.0.currency)
    }
    /// Requested and awaiting a decision.
    async fn requested(&self) -> Money {
        Money::of(self.0.requested, &self.0.currency)
    }
    /// Approved, not yet claimed, and not expired.
    async fn approved(&self) -> Money {
        Money::of(self.0.approved, &self.0.currency)
    }
    /// Claimed and awaiting the brand's decision.
    async fn claimed(&self) -> Money {
        Money::of(self.0.claimed, &self.0.currency)
    }
    /// Paid by credit memos.
    async fn paid(&self) -> Money {
        Money::of(self.0.paid, &self.0.currency)
    }
    /// Approved but not claimed in time.
    async fn expired(&self) -> Money {
        Money::of(self.0.expired, &self.0.currency)
    }
    /// Approved, unclaimed, and expiring within 30 days.
    async fn expiring(&self) -> Money {
        Money::of(self.0.expiring, &self.0.currency)
    }
    /// What may still be requested: allocated, less what was requested, approved (claimed
    /// or not), paid or let expire.
    async fn available(&self) -> Money {
        Money::of(self.0.available, &self.0.currency)
    }
}

/// What a fund brought.
pub struct FundFigures(pub service::FundFigures, pub String);

/// What a fund brought, worked out when asked.
#[Object]
impl FundFigures {
    /// Everything approved out of it, whatever became of it: claimable, claimed, paid,
    /// refused at its claim or expired.
    async fn approved(&self) -> Money {
        Money::of(self.0.approved, &self.1)
    }
    /// Paid by credit memos.
    async fn paid(&self) -> Money {
        Money::of(self.0.paid, &self.1)
    }
    /// Leads partners reported with their claims.
    async fn reported_leads(&self) -> i64 {
        self.0.reported_leads
    }
    /// Attendees partners reported with their claims.
    async fn attendees(&self) -> i64 {
        self.0.attendees
    }
    /// The brand's campaigns its approved activities belong to.
    async fn campaigns(&self) -> i64 {
        self.0.campaigns
    }
    /// Leads those campaigns brought.
    async fn leads(&self) -> i64 {
        self.0.leads
    }
    /// Opportunities those campaigns brought.
    async fn opportunities(&self) -> i64 {
        self.0.opportunities
    }
    /// Of which won.
    async fn won(&self) -> i64 {
        self.0.won
    }
    /// Revenue of the won ones (the net total of the order each became, else its amount).
    async fn revenue(&self) -> Money {
        Money::of(self.0.revenue, &self.1)
    }
    /// Revenue per unit paid (`12.5` is 12.5 times what was paid); null before anything was
    /// paid.
    async fn return_on_paid(&self) -> Option<Decimal> {
        if self.0.paid.is_zero() {
            return None;
        }
        Some(Decimal(
            (self.0.revenue / self.0.paid)
                .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven)
                .normalize(),
        ))
    }
}

/// A partner's request for money out of a fund for one activity, its claim after the
/// activity, and the payment. Staff see every one; a partner its own, to those whose roles
/// see all of its invoices.
pub struct FundRequest(pub fund_request::Model);

impl Keyed for fund_request::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

impl FundRequest {
    fn currency_of<'a>(&self, fund: &'a Option<fund::Model>) -> Option<&'a str> {
        fund.as_ref().map(|f| f.currency.as_str())
    }

    async fn amount(
        &self,
        ctx: &Context<'_>,
        value: Option<entity::fixed::Fixed>,
    ) -> async_graphql::Result<Option<Money>> {
        let Some(value) = value else {
            return Ok(None);
        };
        let fund = load_one(ctx, FundId(self.0.fund_id)).await?;
        Ok(self.currency_of(&fund).map(|c| Money::of(stored(value), c)))
    }
}

/// A fund request.
#[Object]
impl FundRequest {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::FundRequest, self.0.id))
    }
    /// The brand's number for it (`FR-000001`).
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Where it stands: approved money past its last day reads as `EXPIRED`.
    async fn status(&self) -> FundRequestStatus {
        service::effective_status(&self.0, crate::store::now().date_naive()).into()
    }
    /// The fund it draws on, if you may see it.
    async fn fund(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Fund>> {
        Ok(load_one(ctx, FundId(self.0.fund_id)).await?.map(Fund))
    }
    /// The partner, if you may see it in the directory.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// What the money is for.
    async fn activity(&self) -> FundActivity {
        self.0.activity.into()
    }
    /// The activity's name.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the partner plans to do, and how it will measure it.
    async fn plan(&self) -> &str {
        &self.0.plan
    }
    /// The activity's first day.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// The activity's last day: it is claimed after it.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// What the partner asked for, in the fund's currency.
    async fn requested(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        self.amount(ctx, Some(self.0.requested)).await
    }
    /// What the brand approved: all of it or part.
    async fn approved(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        self.amount(ctx, self.0.approved).await
    }
    /// The brand's campaign the activity belongs to, to the brand's staff.
    async fn campaign(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Campaign>> {
        let Some(id) = self.0.campaign_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::growth::loaders::CampaignId(id))
            .await?
            .map(Campaign))
    }
    /// Who decided the request, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When the brand decided the request.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The brand's note on its approval, or the reason it refused.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// The last day the approved money may be claimed.
    async fn expires_on(&self) -> Option<Date> {
        self.0.expires_on.map(Date)
    }
    /// What the partner claimed after the activity.
    async fn claimed(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        self.amount(ctx, self.0.claimed).await
    }
    /// Leads the partner reported with its claim.
    async fn leads(&self) -> Option<i32> {
        self.0.leads
    }
    /// Attendees the partner reported with its claim.
    async fn attendees(&self) -> Option<i32> {
        self.0.attendees
    }
    /// When the partner claimed it.
    async fn claimed_at(&self) -> Option<DateTime> {
        self.0.claimed_at.map(DateTime)
    }
    /// The documents that prove the activity, in the order they were sent.
    async fn proofs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundProof>> {
        Ok(load_one(ctx, FundProofsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(FundProof)
            .collect())
    }
    /// What the brand paid of the claim.
    async fn paid(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        self.amount(ctx, self.0.paid).await
    }
    /// Who decided the claim, if you may see them.
    async fn claim_decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.claim_decided_by).await
    }
    /// When the brand decided the claim.
    async fn claim_decided_at(&self) -> Option<DateTime> {
        self.0.claim_decided_at.map(DateTime)
    }
    /// Why the brand paid less than claimed, or refused the claim.
    async fn claim_note(&self) -> Option<&str> {
        self.0.claim_note.as_deref()
    }
    /// The credit memo that paid the claim.
    async fn credit_memo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CreditMemo>> {
        let Some(id) = self.0.credit_memo_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CreditMemoId(id)).await?.map(CreditMemo))
    }
    /// When the partner requested it.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change; send it back with a decision or a claim.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A document that proves a funded activity took place, by reference.
pub struct FundProof(pub fund_proof::Model);

/// A document that proves a funded activity took place, by reference: where it is and the
/// digest of its bytes.
#[Object]
impl FundProof {
    /// Where the document is (`https://`).
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// The digest of its bytes: `sha256:` and 64 hexadecimal digits.
    async fn digest(&self) -> &str {
        &self.0.digest
    }
}

/// Which funds to list.
#[derive(InputObject, Default)]
pub struct FundFilter {
    /// Only funds of this kind.
    pub kind: Option<FundKind>,
    /// Only those whose period holds this day.
    pub running_on: Option<Date>,
}

/// Which fund requests to list.
#[derive(InputObject, Default)]
pub struct FundRequestFilter {
    /// Only requests out of this fund.
    pub fund_id: Option<ID>,
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only those standing so (approved money past its last day is `EXPIRED`).
    pub status: Option<FundRequestStatus>,
}

crate::program::graphql::counter!(FundCount, service::FundFilter, service::count);
crate::program::graphql::counter!(
    FundRequestCount,
    service::FundRequestFilter,
    service::count_requests
);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct FundQuery;

#[Object]
impl FundQuery {
    /// Funds, newest first: every one for staff; for a partner, the co-op funds and the MDF
    /// funds that give its tier an amount.
    #[allow(clippy::too_many_arguments)]
    async fn funds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which funds.")] filter: Option<FundFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Fund>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::FundFilter {
            kind: filter.kind.map(Into::into),
            running_on: filter.running_on.map(|d| d.0),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(rows, NEWEST_FIRST.key, FundCount(filter), Fund))
    }

    /// Fund requests, newest first: every one for staff, a partner's own for those of it
    /// whose roles see all of its invoices.
    #[allow(clippy::too_many_arguments)]
    async fn fund_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which requests.")] filter: Option<FundRequestFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<FundRequest>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::FundRequestFilter {
            fund_id: id_arg("filter.fundId", filter.fund_id.as_ref(), NodeType::Fund)?,
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list_requests(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            FundRequestCount(filter),
            FundRequest,
        ))
    }
}

/// What one tier's partners get out of an MDF fund.
#[derive(InputObject)]
pub struct FundTierAmountInput {
    /// The tier.
    pub tier_id: ID,
    /// In the budget's currency.
    pub amount: MoneyInput,
}

/// A fund to set up.
#[derive(InputObject)]
pub struct FundCreateInput {
    /// At most 200 characters.
    pub name: String,
    /// How it gives partners money.
    pub kind: FundKind,
    /// The first day of its period.
    pub starts_on: Date,
    /// At most 366 days after `startsOn`.
    pub ends_on: Date,
    /// The most the brand approves out of it; its currency is the fund's.
    pub budget: MoneyInput,
    /// For a co-op fund: the percentage of purchases a partner accrues (above 0, at most 100).
    pub accrual_rate: Option<Decimal>,
    /// For an MDF fund: what each tier's partners get.
    pub tier_amounts: Option<Vec<FundTierAmountInput>>,
}

/// A change to a fund.
#[derive(InputObject)]
pub struct FundUpdateInput {
    /// The fund.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Its new name (at most 200 characters).
    pub name: Option<String>,
    /// Never below what the fund has committed.
    pub budget: Option<MoneyInput>,
}

/// A partner's request for fund money.
#[derive(InputObject)]
pub struct FundRequestSubmitInput {
    /// The fund.
    pub fund_id: ID,
    /// Staff name the partner; a partner requests for itself.
    pub partner_id: Option<ID>,
    /// What the money is for.
    pub activity: FundActivity,
    /// At most 200 characters.
    pub title: String,
    /// What the partner plans and how it will measure it (at most 4000 characters).
    pub plan: String,
    /// In the fund's period.
    pub starts_on: Date,
    /// Not before `startsOn`; the money is claimed after it.
    pub ends_on: Date,
    /// In the fund's currency, within what the partner has available.
    pub amount: MoneyInput,
}

/// The brand's approval of a fund request.
#[derive(InputObject)]
pub struct FundRequestApproveInput {
    /// The request.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Less than requested approves part of it; left out, all of it.
    pub amount: Option<MoneyInput>,
    /// The brand's campaign the activity belongs to: its leads and opportunities count in
    /// the fund's figures.
    pub campaign_id: Option<ID>,
    /// At most 2000 characters.
    pub note: Option<String>,
}

/// A refusal, with the reason.
#[derive(InputObject)]
pub struct FundRejectInput {
    /// The request.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// A document that proves the activity.
#[derive(InputObject)]
pub struct FundProofInput {
    /// Where it is: an `https://` address (at most 2000 characters).
    pub url: String,
    /// The digest of its bytes: `sha256:` and 64 hexadecimal digits.
    pub digest: String,
}

/// A partner's claim after the activity.
#[derive(InputObject)]
pub struct FundClaimSubmitInput {
    /// The approved request.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// What it spent, up to what was approved.
    pub amount: MoneyInput,
    /// At least one document, at most 20.
    pub proofs: Vec<FundProofInput>,
    /// Leads the activity brought.
    pub leads: Option<i32>,
    /// People who attended.
    pub attendees: Option<i32>,
}

/// The brand's payment of a claim.
#[derive(InputObject)]
pub struct FundClaimPayInput {
    /// The claimed request.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Less than claimed, with the reason in `note`; left out, all of it.
    pub amount: Option<MoneyInput>,
    /// At most 2000 characters.
    pub note: Option<String>,
}

/// What a change to a fund did.
#[derive(SimpleObject)]
pub struct FundPayload {
    /// The fund as it is now; null when nothing was written.
    pub fund: Option<Fund>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a change to a fund request did.
#[derive(SimpleObject)]
pub struct FundRequestPayload {
    /// The request as it is now; null when nothing was written.
    pub fund_request: Option<FundRequest>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn request_payload(
    result: Result<fund_request::Model>,
) -> async_graphql::Result<FundRequestPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(FundRequestPayload {
        fund_request: saved.map(FundRequest),
        user_errors,
    })
}

const NOTE_MAX: usize = 2000;
const NAME_MAX: usize = 200;
const PLAN_MAX: usize = 4000;
const URL_MAX: usize = 2000;

fn note(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    domain::optional_note(&["input", field], raw, NOTE_MAX)
}

fn count_of(field: &str, value: Option<i32>) -> Result<Option<i32>> {
    match value {
        Some(n) if !(0..=10_000_000).contains(&n) => Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            "a count from 0 to 10000000",
        )),
        other => Ok(other),
    }
}

/// A host others can reach: not this machine's, nor one of a private network's.
fn public_host(host: url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name.contains('.') && name != "localhost" && !name.ends_with(".localhost")
        }
        url::Host::Ipv4(ip) => {
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.is_documentation()
                || ip.octets()[0] == 0)
        }
        url::Host::Ipv6(ip) => {
            let first = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some())
        }
    }
}

fn proof(i: usize, p: &FundProofInput) -> Result<(String, String)> {
    let index = i.to_string();
    let at = |name: &'static str| ["input", "proofs", index.as_str(), name];
    let raw = domain::required_text(&at("url"), &p.url, URL_MAX)?;
    // Kept as parsed: spaces and markup percent-encoded, a host in another script as
    // punycode, so the address shown is the address followed.
    // The host is written where it is read: `https:///x` is not `https://x/`.
    let authority = raw
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .and_then(|_| raw.get(8..))
        .filter(|rest| !rest.starts_with(['/', '\\']));
    let url = url::Url::parse(&raw)
        .ok()
        .filter(|u| {
            authority.is_some()
                && u.scheme() == "https"
                && u.host().is_some_and(public_host)
                && u.username().is_empty()
                && u.password().is_none()
        })
        .map(|u| u.to_string())
        .filter(|u| u.len() <= URL_MAX)
        .ok_or_else(|| {
            Error::user(
                &at("url"),
                ErrorCode::Invalid,
                "an https:// address of the document on a public host, without a user name or password",
            )
        })?;
    let digest = p.digest.trim().to_ascii_lowercase();
    let ok = digest
        .strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(Error::user(
            &at("digest"),
            ErrorCode::Invalid,
            "`sha256:` and 64 hexadecimal digits of the document's bytes",
        ));
    }
    Ok((url, digest))
}

impl FundCreateInput {
    fn parse(&self, trade: &TradeSettings) -> Result<NewFund> {
        let budget = self.budget.parse(&["input", "budget"], trade.max_amount)?;
        let mut tier_amounts = Vec::new();
        for (i, t) in self.tier_amounts.iter().flatten().enumerate() {
            let index = i.to_string();
            let at = |name: &'static str| vec!["input", "tierAmounts", index.as_str(), name];
            let tier = GlobalId::parse_as(&t.tier_id, NodeType::PartnerTier).map_err(|_| {
                Error::user(&at("tierId"), ErrorCode::Invalid, "not a partner tier's id")
            })?;
            let amount = t.amount.parse(&at("amount"), trade.max_amount)?;
            if amount.currency != budget.currency {
                let mut field = at("amount");
                field.push("currency");
                return Err(Error::user(
                    &field,
                    ErrorCode::Invalid,
                    format!("the fund is in {}", budget.currency.code()),
                ));
            }
            tier_amounts.push((tier, amount.amount));
        }
        let accrual_rate = self.accrual_rate.as_ref().map(|r| r.0);
        if let Some(rate) = accrual_rate
            && rate.normalize().scale() > 4
        {
            return Err(Error::user(
                &["input", "accrualRate"],
                ErrorCode::Invalid,
                "a percentage with at most four decimals",
            ));
        }
        Ok(NewFund {
            name: domain::required_text(&["input", "name"], &self.name, NAME_MAX)?,
            kind: self.kind.into(),
            currency: budget.currency,
            starts_on: self.starts_on.0,
            ends_on: self.ends_on.0,
            budget: budget.amount,
            accrual_rate,
            tier_amounts,
        })
    }
}

#[derive(Default)]
pub struct FundMutation;

#[Object]
impl FundMutation {
    /// The brand sets up a fund: its admins and managers.
    async fn fund_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fund.")] input: FundCreateInput,
    ) -> async_graphql::Result<FundPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let result = match input.parse(trade) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(FundPayload {
            fund: saved.map(|(f, _)| Fund(f)),
            user_errors,
        })
    }

    /// The brand renames a fund or changes its budget: its admins and managers.
    async fn fund_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fund, the version you read and what changes.")]
        input: FundUpdateInput,
    ) -> async_graphql::Result<FundPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = input_id("id", &input.id, NodeType::Fund).and_then(|id| {
            let name = input
                .name
                .as_deref()
                .map(|n| domain::required_text(&["input", "name"], n, NAME_MAX))
                .transpose()?;
            let budget = input
                .budget
                .as_ref()
                .map(|b| b.parse(&["input", "budget"], trade.max_amount))
                .transpose()?;
            Ok((id, FundChange { name, budget }))
        });
        let result = match parsed {
            Ok((id, change)) => in_transaction!(ctx, |txn, principal| service::update(
                &txn,
                principal,
                id,
                input.version,
                change
            )),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(FundPayload {
            fund: saved.map(Fund),
            user_errors,
        })
    }

    /// A partner requests money out of a fund for an activity, within what it has
    /// available: its managers, or its systems with `orders:write`; staff for a partner.
    async fn fund_request_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fund, the activity, its plan and the amount.")]
        input: FundRequestSubmitInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = (|| -> Result<NewFundRequest> {
            Ok(NewFundRequest {
                fund: input_id("fundId", &input.fund_id, NodeType::Fund)?,
                partner: match &input.partner_id {
                    Some(id) => Some(input_id("partnerId", id, NodeType::Organization)?),
                    None => None,
                },
                activity: input.activity.into(),
                title: domain::required_text(&["input", "title"], &input.title, NAME_MAX)?,
                plan: domain::required_text(&["input", "plan"], &input.plan, PLAN_MAX)?,
                starts_on: input.starts_on.0,
                ends_on: input.ends_on.0,
                amount: input.amount.parse(&["input", "amount"], trade.max_amount)?,
            })
        })();
        let result = match parsed {
            Ok(new) => {
                in_transaction!(ctx, |txn, principal| service::request(&txn, principal, new))
            }
            Err(e) => Err(e),
        };
        request_payload(result)
    }

    /// The brand approves a fund request, all of it or part, within what is left of the
    /// fund's budget: its admins and managers. The partner may claim it for
    /// `fund_claim_days`.
    async fn fund_request_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, the version you read, and the amount, campaign and note.")]
        input: FundRequestApproveInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = (|| -> Result<(uuid::Uuid, Approval)> {
            Ok((
                input_id("id", &input.id, NodeType::FundRequest)?,
                Approval {
                    amount: input
                        .amount
                        .as_ref()
                        .map(|a| a.parse(&["input", "amount"], trade.max_amount))
                        .transpose()?,
                    campaign: match &input.campaign_id {
                        Some(id) => Some(input_id("campaignId", id, NodeType::Campaign)?),
                        None => None,
                    },
                    note: note("note", input.note.as_deref())?,
                },
            ))
        })();
        let days = trade.fund_claim_days;
        let result = match parsed {
            Ok((id, approval)) => in_transaction!(ctx, |txn, principal| service::approve(
                &txn,
                principal,
                id,
                input.version,
                approval,
                days
            )),
            Err(e) => Err(e),
        };
        request_payload(result)
    }

    /// The brand refuses a fund request, with the reason: its admins and managers.
    async fn fund_request_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, the version you read and why.")] input: FundRejectInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let parsed = input_id("id", &input.id, NodeType::FundRequest).and_then(|id| {
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
        request_payload(result)
    }

    /// A partner claims approved money after the activity, with proof and its results: the
    /// people and systems that may request.
    async fn fund_claim_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, the version you read, the amount, proof and results.")]
        input: FundClaimSubmitInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = (|| -> Result<(uuid::Uuid, NewFundClaim)> {
            let id = input_id("id", &input.id, NodeType::FundRequest)?;
            if input.proofs.len() > service::PROOFS_MAX {
                return Err(Error::user(
                    &["input", "proofs"],
                    ErrorCode::OutOfRange,
                    format!("at most {} documents", service::PROOFS_MAX),
                ));
            }
            let proofs = input
                .proofs
                .iter()
                .enumerate()
                .map(|(i, p)| proof(i, p))
                .collect::<Result<Vec<_>>>()?;
            Ok((
                id,
                NewFundClaim {
                    amount: input.amount.parse(&["input", "amount"], trade.max_amount)?,
                    proofs,
                    leads: count_of("leads", input.leads)?,
                    attendees: count_of("attendees", input.attendees)?,
                },
            ))
        })();
        let result = match parsed {
            Ok((id, claim)) => in_transaction!(ctx, |txn, principal| service::claim(
                &txn,
                principal,
                id,
                input.version,
                claim
            )),
            Err(e) => Err(e),
        };
        request_payload(result)
    }

    /// The brand pays a fund claim by a credit memo, all of it or less with the reason: its
    /// admins and managers.
    async fn fund_claim_pay(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, the version you read, and any lesser amount and why.")]
        input: FundClaimPayInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let parsed = (|| -> Result<_> {
            Ok((
                input_id("id", &input.id, NodeType::FundRequest)?,
                input
                    .amount
                    .as_ref()
                    .map(|a| a.parse(&["input", "amount"], trade.max_amount))
                    .transpose()?,
                note("note", input.note.as_deref())?,
            ))
        })();
        let result = match parsed {
            Ok((id, amount, note)) => in_transaction!(ctx, |txn, principal| service::pay(
                &txn,
                principal,
                id,
                input.version,
                amount,
                note
            )),
            Err(e) => Err(e),
        };
        request_payload(result)
    }

    /// The brand refuses a fund claim, with the reason: its admins and managers.
    async fn fund_claim_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request, the version you read and why.")] input: FundRejectInput,
    ) -> async_graphql::Result<FundRequestPayload> {
        let parsed = input_id("id", &input.id, NodeType::FundRequest).and_then(|id| {
            Ok((
                id,
                domain::required_text(&["input", "reason"], &input.reason, NOTE_MAX)?,
            ))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| service::refuse(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        request_payload(result)
    }
}
