//! Tiers that qualify themselves, as the API shows them: a tier's criteria, the evaluations
//! that measure partners against them, and the changes they propose. Thin: parse, call the
//! service, map.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{tier_evaluation, tier_proposal};
use sea_orm::DatabaseConnection;

use super::{NEWEST_FIRST, id_arg, user_of};
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::catalog::graphql::PartnerTier;
use crate::catalog::loaders::{NextTierAbove, PartnerTierId};
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType};
use crate::organizations::graphql::{Organization, input_id, organization_by_id};
use crate::pagination::{Keyed, PageRequest, SortKey, SortValue};
use crate::program::qualification::{self as service, Measured, NewCriterion};
use crate::settings::CrmSettings;

/// What a tier criterion measures. Periods are the trailing months up to the day of the
/// evaluation; money is in the reporting currency.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::TierMeasure")]
pub enum TierMeasure {
    /// What the partner bought from the brand: order totals before tax, cancelled orders
    /// left out.
    Purchases,
    /// Units it reported selling on, in sell-through reports of periods ending in the period.
    SellThroughUnits,
    /// The growth of those units against the period before, in percent.
    SellThroughGrowth,
    /// The brand's share of its sales, in percent, as its latest sell-through report in the
    /// period states it.
    BrandShare,
    /// Distinct product lines it ordered or reported in stock.
    ProductLines,
    /// Its contacts holding a certification valid on the day (the period is not used).
    CertifiedContacts,
    /// Its approved deal registrations whose opportunity was won in the period.
    DealsWon,
    /// Invoices due in the period that were paid in full by their due day, in percent.
    OnTimePayment,
    /// Complaints about it or its orders, opened in the period and not yet resolved.
    OpenComplaints,
    /// The average satisfaction (1 to 5) of its customers' survey answers in the period.
    Satisfaction,
    /// Complete months of the period in which it sent both a stock and a sales report, in
    /// percent.
    ReportPunctuality,
}

/// How a measured value is held against a threshold.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::TierComparison")]
pub enum TierComparison {
    /// The value is the threshold or more.
    AtLeast,
    /// The value is the threshold or less.
    AtMost,
}

/// Where a proposed tier change stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::TierProposalStatus")]
pub enum TierProposalStatus {
    /// Waiting for staff, or for its grace period to pass.
    Proposed,
    /// Staff approved it: the partner moved.
    Approved,
    /// Applied by the program's pass after `tier_grace_days`.
    Applied,
    /// Staff rejected it.
    Rejected,
    /// A later evaluation qualified the partner differently.
    Withdrawn,
}

/// One criterion of a tier.
#[derive(SimpleObject)]
pub struct TierCriterion {
    /// What it measures.
    pub measure: TierMeasure,
    /// How the value is held against the threshold.
    pub comparison: TierComparison,
    /// The threshold: money in the reporting currency, a count, a percentage or a score.
    pub threshold: Decimal,
    /// The trailing months it looks at.
    pub period_months: i32,
}

impl From<&entity::tier_criterion::Model> for TierCriterion {
    fn from(c: &entity::tier_criterion::Model) -> Self {
        TierCriterion {
            measure: c.measure.into(),
            comparison: c.comparison.into(),
            threshold: Decimal(*c.threshold),
            period_months: c.period_months,
        }
    }
}

/// One criterion as an evaluation measured it.
pub struct MeasuredCriterion {
    measured: Measured,
    currency: String,
}

/// One criterion as an evaluation measured it: the value, the requirement and the gap.
#[Object]
impl MeasuredCriterion {
    /// The tier whose criterion it is.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        Ok(load_one(ctx, PartnerTierId(self.measured.tier_id))
            .await?
            .map(PartnerTier))
    }
    /// What it measures.
    async fn measure(&self) -> TierMeasure {
        self.measured.measure.into()
    }
    /// How the value is held against the threshold.
    async fn comparison(&self) -> TierComparison {
        self.measured.comparison.into()
    }
    /// What the tier requires.
    async fn threshold(&self) -> Decimal {
        Decimal(self.measured.threshold)
    }
    /// The trailing months it looked at.
    async fn period_months(&self) -> i32 {
        self.measured.period_months
    }
    /// What was measured; null where there was nothing to measure (no invoice due, no
    /// survey answer, no report stating a share), which meets no criterion.
    async fn value(&self) -> Option<Decimal> {
        self.measured.value.map(Decimal)
    }
    /// Whether the value meets the threshold.
    async fn met(&self) -> bool {
        self.measured.met
    }
    /// How far the value is from meeting it: zero when met, null when nothing was measured.
    async fn gap(&self) -> Option<Decimal> {
        service::gap(
            self.measured.comparison,
            self.measured.threshold,
            self.measured.value,
        )
        .map(Decimal)
    }
    /// In words: "3 of 4 certified contacts", "EUR 410,000 of EUR 500,000 purchases in 12
    /// months".
    async fn summary(&self) -> String {
        service::summary(&self.measured, &self.currency)
    }
}

/// What a partner measured against every tier's criteria on a day. Staff see every
/// partner's; a partner its own.
pub struct TierEvaluation(pub tier_evaluation::Model);

impl Keyed for tier_evaluation::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.evaluated_at)
    }
}

impl TierEvaluation {
    fn measured(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MeasuredCriterion>> {
        let currency = ctx
            .data::<CrmSettings>()?
            .analytics
            .reporting_currency
            .clone();
        Ok(service::measured_of(&self.0)
            .gql()?
            .into_iter()
            .map(|measured| MeasuredCriterion {
                measured,
                currency: currency.clone(),
            })
            .collect())
    }
}

/// A partner measured against every tier's criteria.
#[Object]
impl TierEvaluation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::TierEvaluation, self.0.id))
    }
    /// The partner.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The day its figures are for.
    async fn as_of(&self) -> Date {
        Date(self.0.as_of)
    }
    /// When it was evaluated.
    async fn evaluated_at(&self) -> DateTime {
        DateTime(self.0.evaluated_at)
    }
    /// The tier it was in.
    async fn tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        tier(ctx, self.0.tier_id).await
    }
    /// The highest tier whose criteria it met; null where it met no tier's.
    async fn qualified_tier(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PartnerTier>> {
        tier(ctx, self.0.qualified_tier_id).await
    }
    /// The next tier up that has criteria: the one to work towards.
    async fn next_tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        Ok(load_one(ctx, NextTierAbove(self.0.tier_id))
            .await?
            .map(PartnerTier))
    }
    /// Every tier's criteria, measured.
    async fn criteria(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MeasuredCriterion>> {
        self.measured(ctx)
    }
    /// The next tier's criteria, measured, with what is missing: the path up.
    async fn to_next_tier(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MeasuredCriterion>> {
        let Some(next) = load_one(ctx, NextTierAbove(self.0.tier_id)).await? else {
            return Ok(Vec::new());
        };
        Ok(self
            .measured(ctx)?
            .into_iter()
            .filter(|m| m.measured.tier_id == next.id)
            .collect())
    }
    /// Its own tier's criteria, measured: what it must keep.
    async fn to_keep_tier(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MeasuredCriterion>> {
        Ok(self
            .measured(ctx)?
            .into_iter()
            .filter(|m| Some(m.measured.tier_id) == self.0.tier_id)
            .collect())
    }
}

async fn tier(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
) -> async_graphql::Result<Option<PartnerTier>> {
    match id {
        Some(id) => Ok(load_one(ctx, PartnerTierId(id)).await?.map(PartnerTier)),
        None => Ok(None),
    }
}

/// A tier change an evaluation proposed for a partner, and what became of it.
pub struct TierProposal(pub tier_proposal::Model);

impl Keyed for tier_proposal::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.created_at)
    }
}

/// A proposed tier change.
#[Object]
impl TierProposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::TierProposal, self.0.id))
    }
    /// The partner.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The evaluation that proposed it.
    async fn evaluation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TierEvaluation>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let principal = Principal::of(ctx).gql()?;
        Ok(
            service::evaluations_by_ids(db, principal, &[self.0.evaluation_id])
                .await
                .gql()?
                .remove(&self.0.evaluation_id)
                .map(TierEvaluation),
        )
    }
    /// The tier it was in.
    #[graphql(name = "fromTier")]
    async fn previous_tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        tier(ctx, self.0.from_tier_id).await
    }
    /// The tier it qualified for.
    async fn to_tier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PartnerTier>> {
        tier(ctx, Some(self.0.to_tier_id)).await
    }
    /// Where it stands.
    async fn status(&self) -> TierProposalStatus {
        self.0.status.into()
    }
    /// Why, in words: the criteria met or missed.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// When the program's pass applies it unless staff decide first; null where staff
    /// decide (`tier_grace_days` is 0).
    async fn apply_after(&self) -> Option<DateTime> {
        self.0.apply_after.map(DateTime)
    }
    /// Who decided it, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        user_of(ctx, self.0.decided_by).await
    }
    /// When it was decided, applied or withdrawn.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// The note that came with the decision.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// When it was proposed.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The version, for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One criterion of a tier.
#[derive(InputObject)]
pub struct TierCriterionInput {
    /// What it measures.
    pub measure: TierMeasure,
    /// How the value is held against the threshold.
    pub comparison: TierComparison,
    /// The threshold: money in the reporting currency (0 or more), a whole count (0 or
    /// more), a percentage (0 to 100; growth -100 to 10000) or a score (1 to 5).
    pub threshold: Decimal,
    /// The trailing months it looks at: 1 to 36. Default 12.
    #[graphql(default = 12)]
    pub period_months: i32,
}

/// A tier's criteria, replacing the ones it has.
#[derive(InputObject)]
pub struct PartnerTierCriteriaSetInput {
    /// The tier.
    pub tier_id: ID,
    /// The tier's version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// The criteria, each measure at most once; at most 20. Empty takes the tier out of
    /// self-qualification: the brand gives it by hand.
    pub criteria: Vec<TierCriterionInput>,
}

/// The result of setting a tier's criteria.
#[derive(SimpleObject)]
pub struct PartnerTierCriteriaPayload {
    /// The tier's criteria as they are now; empty when nothing was written.
    pub criteria: Vec<TierCriterion>,
    /// The tier's new version; null when nothing was written.
    pub version: Option<i32>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A partner to evaluate now.
#[derive(InputObject)]
pub struct TierEvaluateInput {
    /// The distributor or dealer.
    pub organization_id: ID,
}

/// The result of an evaluation.
#[derive(SimpleObject)]
pub struct TierEvaluationPayload {
    /// The evaluation recorded; null when nothing was written.
    pub tier_evaluation: Option<TierEvaluation>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A proposal to approve.
#[derive(InputObject)]
pub struct TierProposalApproveInput {
    /// The proposal.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// A note for the tier history: up to 2000 characters.
    pub note: Option<String>,
}

/// A proposal to reject.
#[derive(InputObject)]
pub struct TierProposalRejectInput {
    /// The proposal.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why: 1 to 2000 characters.
    pub reason: String,
}

/// The result of deciding a proposal.
#[derive(SimpleObject)]
pub struct TierProposalPayload {
    /// The proposal as it is now; null when nothing was written.
    pub tier_proposal: Option<TierProposal>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Which evaluations to list.
#[derive(InputObject, Default)]
pub struct TierEvaluationFilter {
    /// Only this partner's.
    pub organization_id: Option<ID>,
}

/// Which proposals to list.
#[derive(InputObject, Default)]
pub struct TierProposalFilter {
    /// Only this partner's.
    pub organization_id: Option<ID>,
    /// Only those in this state.
    pub status: Option<TierProposalStatus>,
}

const NOTE_MAX: usize = 2000;

counter!(
    EvaluationCount,
    service::EvaluationFilter,
    service::count_evaluations
);
counter!(
    ProposalCount,
    service::ProposalFilter,
    service::count_proposals
);

#[derive(Default)]
pub struct QualificationQuery;

#[Object]
impl QualificationQuery {
    /// A partner's latest evaluation: each criterion of every tier with its value, and the
    /// path to the next tier. A partner reads its own (omit `organizationId`); staff any.
    async fn tier_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner; omit for your own company.")] organization_id: Option<ID>,
    ) -> async_graphql::Result<Option<TierEvaluation>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let org = match id_arg(
            "organizationId",
            organization_id.as_ref(),
            NodeType::Organization,
        )? {
            Some(org) => org,
            None => match principal.partner_organization() {
                Some(own) => own,
                None => {
                    return Err(Error::bad_input(
                        "organizationId",
                        "name the partner whose evaluation you want",
                    )
                    .into_graphql());
                }
            },
        };
        Ok(service::latest(db, principal, org)
            .await
            .gql()?
            .map(TierEvaluation))
    }

    /// Evaluations, newest first: every partner's for staff, its own for a partner.
    #[allow(clippy::too_many_arguments)]
    async fn tier_evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which evaluations.")] filter: Option<TierEvaluationFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<TierEvaluation>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = service::EvaluationFilter {
            organization_id: id_arg(
                "filter.organizationId",
                filter.unwrap_or_default().organization_id.as_ref(),
                NodeType::Organization,
            )?,
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list_evaluations(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            EvaluationCount(filter),
            TierEvaluation,
        ))
    }

    /// Proposed tier changes, newest first: every partner's for staff, its own for a
    /// partner.
    #[allow(clippy::too_many_arguments)]
    async fn tier_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which proposals.")] filter: Option<TierProposalFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<TierProposal>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = service::ProposalFilter {
            organization_id: id_arg(
                "filter.organizationId",
                filter.organization_id.as_ref(),
                NodeType::Organization,
            )?,
            status: filter.status.map(Into::into),
        };
        let page = PageRequest::parse(NEWEST_FIRST, page_args(first, after, last, before)).gql()?;
        let rows = service::list_proposals(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            NEWEST_FIRST.key,
            ProposalCount(filter),
            TierProposal,
        ))
    }
}

fn note(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    domain::optional_note(&["input", field], raw, NOTE_MAX)
}

#[derive(Default)]
pub struct QualificationMutation;

#[Object]
impl QualificationMutation {
    /// Sets a tier's criteria, replacing the ones it has: the brand's admins and managers.
    /// A partner qualifies for a tier when it meets every criterion of it.
    async fn partner_tier_criteria_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tier, its version and its criteria.")]
        input: PartnerTierCriteriaSetInput,
    ) -> async_graphql::Result<PartnerTierCriteriaPayload> {
        let parsed = input_id("tierId", &input.tier_id, NodeType::PartnerTier).map(|id| {
            let criteria: Vec<NewCriterion> = input
                .criteria
                .iter()
                .map(|c| NewCriterion {
                    measure: c.measure.into(),
                    comparison: c.comparison.into(),
                    threshold: c.threshold.0,
                    period_months: c.period_months,
                })
                .collect();
            (id, criteria)
        });
        let result = match parsed {
            Ok((id, criteria)) => in_transaction!(ctx, |txn, principal| async {
                let tier =
                    service::set_criteria(&txn, principal, id, input.version, criteria).await?;
                let criteria = service::criteria_of(&txn, &[id])
                    .await?
                    .remove(&id)
                    .unwrap_or_default();
                Ok::<_, Error>((tier, criteria))
            }),
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(match saved {
            Some((tier, criteria)) => PartnerTierCriteriaPayload {
                criteria: criteria.iter().map(TierCriterion::from).collect(),
                version: Some(tier.version),
                user_errors,
            },
            None => PartnerTierCriteriaPayload {
                criteria: Vec::new(),
                version: None,
                user_errors,
            },
        })
    }

    /// Evaluates a partner now, as of today, and proposes the tier change its figures
    /// support: the brand's admins and managers. The program's pass does this for every
    /// partner in a tier once a day.
    async fn tier_evaluate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] input: TierEvaluateInput,
    ) -> async_graphql::Result<TierEvaluationPayload> {
        let result = match input_id(
            "organizationId",
            &input.organization_id,
            NodeType::Organization,
        ) {
            Ok(org) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::evaluate_one(
                    &txn, principal, crm, org
                ))
            }
            Err(e) => Err(e),
        };
        let (saved, user_errors) = outcome(result)?;
        Ok(TierEvaluationPayload {
            tier_evaluation: saved.map(TierEvaluation),
            user_errors,
        })
    }

    /// Approves a proposed tier change: the partner moves now, and the tier history keeps
    /// the reason. The brand's admins and managers.
    async fn tier_proposal_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read and a note.")]
        input: TierProposalApproveInput,
    ) -> async_graphql::Result<TierProposalPayload> {
        let parsed = input_id("id", &input.id, NodeType::TierProposal)
            .and_then(|id| Ok((id, note("note", input.note.as_deref())?)));
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
        let (saved, user_errors) = outcome(result)?;
        Ok(TierProposalPayload {
            tier_proposal: saved.map(TierProposal),
            user_errors,
        })
    }

    /// Rejects a proposed tier change, with the reason: the partner stays.
    async fn tier_proposal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read and why.")]
        input: TierProposalRejectInput,
    ) -> async_graphql::Result<TierProposalPayload> {
        let parsed = input_id("id", &input.id, NodeType::TierProposal).and_then(|id| {
            note("reason", Some(&input.reason))?
                .ok_or_else(|| {
                    Error::user(
                        &["input", "reason"],
                        ErrorCode::Required,
                        "reason must not be empty",
                    )
                })
                .map(|reason| (id, reason))
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
        let (saved, user_errors) = outcome(result)?;
        Ok(TierProposalPayload {
            tier_proposal: saved.map(TierProposal),
            user_errors,
        })
    }
}
