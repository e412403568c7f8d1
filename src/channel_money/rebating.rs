//! Rebate programs and their settlements as the API shows them. Thin: parse, call the
//! service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{rebate_program, rebate_settlement, rebate_threshold};
use sea_orm::DatabaseConnection;

use super::rebates::{self as service, NewProgram};
use super::settlement::CreditMemo;
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::catalog::graphql::PartnerTier;
use crate::catalog::loaders::{CreditMemoId, PartnerTierId, RebateProgramId, RebateThresholdsOf};
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::money::{Money, MoneyInput};
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::money::stored;
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, Sort, SortKey, SortValue};
use crate::program::graphql::{id_arg, user_of};
use crate::settings::TradeSettings;

/// How a program's thresholds pay.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::RebateMethod")]
pub enum RebateMethod {
    /// The rate of the highest threshold reached applies to everything bought.
    Retroactive,
    /// Each threshold's rate applies to what was bought from it to the next.
    Incremental,
}

/// What counts toward a program's thresholds.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::RebateBasis")]
pub enum RebateBasis {
    /// What the partner bought from the brand in the period: invoiced, before tax.
    Purchases,
    /// What the partner sold on: the units of its sell-through reports (852, 867 or the
    /// portal) for periods within the program's, each valued at the average net price it
    /// paid the brand for that product up to the program's end. Units of a product it never
    /// bought from the brand count for nothing.
    SellThrough,
}

/// Where a rebate stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::RebateStatus")]
pub enum RebateStatus {
    /// Worked out at the period's end; the brand has not decided.
    Proposed,
    /// The brand approved it: a credit memo settled it.
    Approved,
    /// The brand refused it.
    Rejected,
}

/// A volume rebate program: what a tier's partners, or one partner, earn back on what they
/// buy from the brand, or sell on, in a period, by thresholds. Staff see every
/// program; a partner those for it or its tier, to those whose roles see all of its
/// invoices.
pub struct RebateProgram(pub rebate_program::Model);

impl Keyed for rebate_program::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A rebate program.
#[Object]
impl RebateProgram {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::RebateProgram, self.0.id))
    }
    /// What the brand calls it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The ISO 4217 currency of what counts and what is paid.
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first day of its period.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// The last day of its period; it is settled after.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// How its thresholds pay.
    async fn method(&self) -> RebateMethod {
        self.0.method.into()
    }
    /// What counts toward its thresholds.
    async fn basis(&self) -> RebateBasis {
        self.0.basis.into()
    }
    /// The tier whose partners it covers, for a tier's program.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        let Some(tier) = self.0.tier_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, PartnerTierId(tier)).await?.map(PartnerTier))
    }
    /// The partner it covers, for one partner's program, if you may see it.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.partner_id {
            Some(p) => organization_by_id(ctx, p).await,
            None => Ok(None),
        }
    }
    /// From what volume, which rate; in rising order.
    async fn thresholds(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RebateThreshold>> {
        Ok(load_one(ctx, RebateThresholdsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|t| RebateThreshold(t, self.0.currency.clone()))
            .collect())
    }
    /// Progress so far: a partner its own (leave `partnerId` out); staff a named partner's,
    /// or every covered partner's.
    async fn progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this partner's.")] partner_id: Option<ID>,
    ) -> async_graphql::Result<Vec<RebateProgress>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let partner = id_arg("partnerId", partner_id.as_ref(), NodeType::Organization)?;
        Ok(service::progress(db, principal, &self.0, partner)
            .await
            .gql()?
            .into_iter()
            .map(RebateProgress)
            .collect())
    }
    /// When the brand set it up.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A threshold of a rebate program.
pub struct RebateThreshold(pub rebate_threshold::Model, pub String);

/// From what volume in the period, which rate.
#[Object]
impl RebateThreshold {
    /// The volume it starts at: bought or sold on, as the program's basis says.
    async fn from(&self) -> Money {
        Money::of(stored(self.0.from_amount), &self.1)
    }
    /// The percentage earned.
    async fn rate(&self) -> Decimal {
        Decimal(stored(self.0.rate))
    }
}

/// A partner's progress in a rebate program.
pub struct RebateProgress(pub service::Progress);

/// A partner's progress in a rebate program, worked out when asked: "82,000.00 of
/// 100,000.00 for 3 %".
#[Object]
impl RebateProgress {
    /// The partner, if you may see it in the directory.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner).await
    }
    /// Its volume in the period so far, as the program's basis says: bought (invoiced,
    /// before tax) or sold on (valued at what it paid).
    async fn volume(&self) -> Money {
        Money::of(self.0.volume, &self.0.currency)
    }
    /// The rate reached (retroactive), or earned over all (incremental).
    async fn rate(&self) -> Decimal {
        Decimal(self.0.rate)
    }
    /// What that earns so far.
    async fn earned(&self) -> Money {
        Money::of(self.0.earned, &self.0.currency)
    }
    /// The next threshold; null at the top.
    async fn next_threshold(&self) -> Option<Money> {
        self.0.next_from.map(|f| Money::of(f, &self.0.currency))
    }
    /// Its rate.
    async fn next_rate(&self) -> Option<Decimal> {
        self.0.next_rate.map(Decimal)
    }
    /// The volume left to reach it.
    async fn to_next_threshold(&self) -> Option<Money> {
        self.0
            .next_from
            .map(|f| Money::of(f - self.0.volume, &self.0.currency))
    }
}

/// A partner's rebate for a program's period, worked out when the period ended, and the
/// brand's decision. Staff see every one; a partner its own, to those whose roles see all of
/// its invoices.
pub struct RebateSettlement(pub rebate_settlement::Model);

impl Keyed for rebate_settlement::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A rebate settlement.
#[Object]
impl RebateSettlement {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::RebateSettlement, self.0.id))
    }
    /// The brand's number for it (`RB-000001`).
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// Where it stands.
    async fn status(&self) -> RebateStatus {
        self.0.status.into()
    }
    /// The program, if you may see it.
    async fn program(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<RebateProgram>> {
        Ok(load_one(ctx, RebateProgramId(self.0.program_id))
            .await?
            .map(RebateProgram))
    }
    /// The partner, if you may see it in the directory.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.partner_id).await
    }
    /// The partner's volume in the period, as the program's basis says.
    async fn volume(&self) -> Money {
        Money::of(stored(self.0.volume), &self.0.currency)
    }
    /// The rate reached (retroactive), or earned over all (incremental).
    async fn rate(&self) -> Decimal {
        Decimal(stored(self.0.rate))
    }
    /// The rebate.
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
    /// The brand's note on its approval, or the reason it refused.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// The credit memo that settled it, once approved.
    async fn credit_memo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CreditMemo>> {
        let Some(id) = self.0.credit_memo_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, CreditMemoId(id)).await?.map(CreditMemo))
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

/// Which rebate programs to list.
#[derive(InputObject, Default)]
pub struct RebateProgramFilter {
    /// Only those covering this tier.
    pub tier_id: Option<ID>,
    /// Only those covering this one partner.
    pub partner_id: Option<ID>,
    /// Only those whose period holds this day.
    pub running_on: Option<Date>,
}

/// Which rebate settlements to list.
#[derive(InputObject, Default)]
pub struct RebateSettlementFilter {
    /// Only this program's.
    pub program_id: Option<ID>,
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only those standing so.
    pub status: Option<RebateStatus>,
}

crate::program::graphql::counter!(RebateProgramCount, service::ProgramFilter, service::count);
crate::program::graphql::counter!(
    RebateSettlementCount,
    service::SettlementFilter,
    service::count_settlements
);

const NEWEST_FIRST: Sort = Sort {
    key: SortKey::CreatedAt,
    descending: true,
};

#[derive(Default)]
pub struct RebateQuery;

#[Object]
impl RebateQuery {
    /// Rebate programs, newest first: every one for staff; for a partner, those for it or
    /// its tier.
    #[allow(clippy::too_many_arguments)]
    async fn rebate_programs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which programs.")] filter: Option<RebateProgramFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<RebateProgram>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::ProgramFilter {
            tier_id: id_arg(
                "filter.tierId",
                filter.tier_id.as_ref(),
                NodeType::PartnerTier,
            )?,
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            running_on: filter.running_on.map(|d| d.0),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            RebateProgramCount(filter),
            RebateProgram,
        ))
    }

    /// Rebate settlements, newest first: every one for staff, a partner's own for those of
    /// it whose roles see all of its invoices.
    #[allow(clippy::too_many_arguments)]
    async fn rebate_settlements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which settlements.")] filter: Option<RebateSettlementFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<RebateSettlement>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::SettlementFilter {
            program_id: id_arg(
                "filter.programId",
                filter.program_id.as_ref(),
                NodeType::RebateProgram,
            )?,
            partner_id: id_arg(
                "filter.partnerId",
                filter.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list_settlements(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            RebateSettlementCount(filter),
            RebateSettlement,
        ))
    }
}

/// A threshold to set.
#[derive(InputObject)]
pub struct RebateThresholdInput {
    /// What must have been bought, in the program's currency.
    pub from: MoneyInput,
    /// The percentage earned (above 0, at most 100).
    pub rate: Decimal,
}

/// A rebate program to set up.
#[derive(InputObject)]
pub struct RebateProgramCreateInput {
    /// At most 200 characters.
    pub name: String,
    /// The first day of its period.
    pub starts_on: Date,
    /// At most 366 days after `startsOn`.
    pub ends_on: Date,
    /// How its thresholds pay.
    pub method: RebateMethod,
    /// What counts toward its thresholds: purchases unless named.
    pub basis: Option<RebateBasis>,
    /// The tier whose partners it covers; or
    pub tier_id: Option<ID>,
    /// the one partner it covers.
    pub partner_id: Option<ID>,
    /// From 1 to 20, each starting above the one before; their currency is the program's.
    pub thresholds: Vec<RebateThresholdInput>,
}

/// A program to settle.
#[derive(InputObject)]
pub struct RebateProgramSettleInput {
    /// The program, whose period has ended.
    pub id: ID,
}

/// The brand's approval of a rebate.
#[derive(InputObject)]
pub struct RebateSettlementApproveInput {
    /// The rebate.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// A note for the partner (at most 2000 characters).
    pub note: Option<String>,
}

/// The brand's refusal of a rebate.
#[derive(InputObject)]
pub struct RebateSettlementRejectInput {
    /// The rebate.
    pub id: ID,
    /// The version you read.
    pub version: i32,
    /// Why (at most 2000 characters).
    pub reason: String,
}

/// What setting up a program did.
#[derive(SimpleObject)]
pub struct RebateProgramPayload {
    /// The program; null when nothing was written.
    pub rebate_program: Option<RebateProgram>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What settling a program did.
#[derive(SimpleObject)]
pub struct RebateProgramSettlePayload {
    /// The rebates proposed now: one per covered partner that earned something and had
    /// none yet.
    pub proposed: Vec<RebateSettlement>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a decision on a rebate did.
#[derive(SimpleObject)]
pub struct RebateSettlementPayload {
    /// The rebate as it is now; null when nothing was written.
    pub rebate_settlement: Option<RebateSettlement>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn settlement_payload(
    result: Result<rebate_settlement::Model>,
) -> async_graphql::Result<RebateSettlementPayload> {
    let (saved, user_errors) = outcome(result)?;
    Ok(RebateSettlementPayload {
        rebate_settlement: saved.map(RebateSettlement),
        user_errors,
    })
}

const NOTE_MAX: usize = 2000;

impl RebateProgramCreateInput {
    fn parse(&self, trade: &TradeSettings) -> Result<NewProgram> {
        let mut thresholds = Vec::with_capacity(self.thresholds.len());
        let mut currency = None;
        for (i, t) in self.thresholds.iter().enumerate() {
            let index = i.to_string();
            let from_field = ["input", "thresholds", index.as_str(), "from"];
            if t.from.amount.0.is_sign_negative() && !t.from.amount.0.is_zero() {
                return Err(Error::user(
                    &["input", "thresholds", index.as_str(), "from", "amount"],
                    ErrorCode::OutOfRange,
                    "a threshold starts at 0 or above",
                ));
            }
            // A threshold from nothing is allowed: the rate applies from the first unit.
            let from = if t.from.amount.0.is_zero() {
                let c = crate::money::Currency::parse(
                    &["input", "thresholds", index.as_str(), "from", "currency"],
                    &t.from.currency,
                )?;
                crate::money::Money {
                    amount: t.from.amount.0,
                    currency: c,
                }
            } else {
                t.from.parse(&from_field, trade.max_amount)?
            };
            match currency {
                None => currency = Some(from.currency),
                Some(c) if c != from.currency => {
                    return Err(Error::user(
                        &["input", "thresholds", index.as_str(), "from", "currency"],
                        ErrorCode::Invalid,
                        format!("the program is in {}", c.code()),
                    ));
                }
                Some(_) => {}
            }
            if t.rate.0.normalize().scale() > 4 {
                return Err(Error::user(
                    &["input", "thresholds", index.as_str(), "rate"],
                    ErrorCode::Invalid,
                    "a percentage with at most four decimals",
                ));
            }
            thresholds.push((from.amount, t.rate.0));
        }
        let currency = currency.ok_or_else(|| {
            Error::user(
                &["input", "thresholds"],
                ErrorCode::Required,
                "a program has at least one threshold",
            )
        })?;
        Ok(NewProgram {
            name: domain::required_text(&["input", "name"], &self.name, 200)?,
            currency,
            starts_on: self.starts_on.0,
            ends_on: self.ends_on.0,
            method: self.method.into(),
            basis: self
                .basis
                .map(Into::into)
                .unwrap_or(entity::enums::RebateBasis::Purchases),
            tier: match &self.tier_id {
                Some(id) => Some(input_id("tierId", id, NodeType::PartnerTier)?),
                None => None,
            },
            partner: match &self.partner_id {
                Some(id) => Some(input_id("partnerId", id, NodeType::Organization)?),
                None => None,
            },
            thresholds,
        })
    }
}

#[derive(Default)]
pub struct RebateMutation;

#[Object]
impl RebateMutation {
    /// The brand sets up a rebate program for a tier or one partner: its admins and managers.
    async fn rebate_program_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The program.")] input: RebateProgramCreateInput,
    ) -> async_graphql::Result<RebateProgramPayload> {
        let trade = ctx.data::<TradeSettings>()?;
        let result = match input.parse(trade) {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(RebateProgramPayload {
            rebate_program: saved.map(|(p, _)| RebateProgram(p)),
            user_errors,
        })
    }

    /// After its period ends the brand settles a program: a rebate is proposed for every
    /// covered partner that earned something and has none yet. Its admins and managers.
    async fn rebate_program_settle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The program.")] input: RebateProgramSettleInput,
    ) -> async_graphql::Result<RebateProgramSettlePayload> {
        let result = match input_id("id", &input.id, NodeType::RebateProgram) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::settle(&txn, principal, id)),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(RebateProgramSettlePayload {
            proposed: saved
                .unwrap_or_default()
                .into_iter()
                .map(RebateSettlement)
                .collect(),
            user_errors,
        })
    }

    /// The brand approves a proposed rebate, which a credit memo settles at once: its admins
    /// and managers.
    async fn rebate_settlement_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rebate, the version you read and a note.")]
        input: RebateSettlementApproveInput,
    ) -> async_graphql::Result<RebateSettlementPayload> {
        let parsed = input_id("id", &input.id, NodeType::RebateSettlement).and_then(|id| {
            Ok((
                id,
                domain::optional_note(&["input", "note"], input.note.as_deref(), NOTE_MAX)?,
            ))
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
        settlement_payload(result)
    }

    /// The brand refuses a proposed rebate, with the reason: its admins and managers.
    async fn rebate_settlement_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rebate, the version you read and why.")]
        input: RebateSettlementRejectInput,
    ) -> async_graphql::Result<RebateSettlementPayload> {
        let parsed = input_id("id", &input.id, NodeType::RebateSettlement).and_then(|id| {
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
        settlement_payload(result)
    }
}
