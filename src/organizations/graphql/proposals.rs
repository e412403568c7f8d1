//! Change proposals as the API shows them: what a partner asked to change on its own
//! organization, waiting for the brand.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::change_proposal;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::inputs::input_id;
use super::types::{Organization, organization, organization_by_id};
use crate::access::Principal;
use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::domain;
use crate::error::GqlResult;
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::loading::load_one;
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::argument_id;
use crate::ids::{GlobalId, NodeType};
use crate::organizations::proposals::{self, ProposalFilter};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::CrmSettings;

/// Where a change proposal stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ProposalStatus")]
pub enum ProposalStatus {
    /// Waiting for the brand.
    Pending,
    /// Approved: its changes are written.
    Approved,
    /// Rejected, with a reason; nothing changed.
    Rejected,
}

/// One field a proposal changes.
#[derive(SimpleObject)]
pub struct ProposedChange {
    /// The field, by its name in `organizationUpdate`'s input (`taxId`).
    pub field: String,
    /// Its value when it was proposed; null was empty. Enums by name.
    pub before: Option<String>,
    /// The value asked for; null empties it.
    pub after: Option<String>,
}

/// Changes a partner asked for on its own organization that wait for the brand's approval
/// (which fields wait is the `partner_approval_fields` setting).
pub struct ChangeProposal(pub change_proposal::Model);

impl crate::pagination::Keyed for change_proposal::Model {
    fn id(&self) -> uuid::Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> crate::pagination::SortValue {
        crate::pagination::SortValue::Time(self.created_at)
    }
}

/// Changes a partner asked for on its own organization that wait for the brand's approval.
#[Object]
impl ChangeProposal {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ChangeProposal, self.0.id))
    }
    /// The organization it would change.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// Each field it changes, with its value before and the value asked for.
    async fn changes(&self) -> async_graphql::Result<Vec<ProposedChange>> {
        Ok(proposals::changes_of(&self.0)
            .gql()?
            .into_iter()
            .map(|c| ProposedChange {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect())
    }
    /// Pending, approved or rejected.
    async fn status(&self) -> ProposalStatus {
        self.0.status.into()
    }
    /// The user who proposed it, if a person did and you may see them; null for a partner
    /// system.
    async fn proposed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.proposed_by else {
            return Ok(None);
        };
        Ok(load_one(ctx, UserId(id)).await?.map(User::new))
    }
    /// When it was proposed.
    async fn proposed_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The staff user who decided it, if you may see them.
    async fn decided_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.decided_by else {
            return Ok(None);
        };
        Ok(load_one(ctx, UserId(id)).await?.map(User::new))
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// Why it was rejected.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Increases with every change; send it back with a decision.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Which change proposals to list.
#[derive(InputObject, Default)]
pub struct ChangeProposalFilter {
    /// Only those of this organization.
    pub organization_id: Option<ID>,
    /// Only those in this state.
    pub status: Option<ProposalStatus>,
}

/// A proposal to approve.
#[derive(InputObject)]
pub struct ChangeProposalApproveInput {
    /// The proposal.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
}

/// A proposal to reject.
#[derive(InputObject)]
pub struct ChangeProposalRejectInput {
    /// The proposal.
    pub id: ID,
    /// The version you read; a stale version is refused with CONFLICT.
    pub version: i32,
    /// Why, for the partner: 1 to 2000 characters.
    pub reason: String,
}

/// The result of deciding a change proposal.
#[derive(SimpleObject)]
pub struct ChangeProposalPayload {
    /// The proposal as it is now; null when the decision was refused.
    pub change_proposal: Option<ChangeProposal>,
    /// The organization as it is now (an approval wrote the changes).
    pub organization: Option<Organization>,
    /// Why the decision was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

struct ProposalCount(ProposalFilter);

impl Counter for ProposalCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = proposals::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct ProposalQuery;

#[Object]
impl ProposalQuery {
    /// Change proposals, newest first: every one for staff, its own organization's for a
    /// partner.
    #[allow(clippy::too_many_arguments)]
    async fn change_proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which proposals.")] filter: Option<ChangeProposalFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ChangeProposal>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = ProposalFilter {
            organization_id: argument_id(
                "filter.organizationId",
                filter.organization_id.as_ref(),
                NodeType::Organization,
            )
            .gql()?,
            status: filter.status.map(Into::into),
        };
        let sort = Sort {
            key: SortKey::CreatedAt,
            descending: true,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = proposals::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            sort.key,
            ProposalCount(filter),
            ChangeProposal,
        ))
    }
}

#[derive(Default)]
pub struct ProposalMutation;

#[Object]
impl ProposalMutation {
    /// Approves a pending change proposal: its changes are written to the organization.
    /// Refused with CONFLICT if a field changed since it was proposed. Staff who change the
    /// directory decide.
    async fn change_proposal_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and the version you read.")]
        input: ChangeProposalApproveInput,
    ) -> async_graphql::Result<ChangeProposalPayload> {
        let result = match input_id("id", &input.id, NodeType::ChangeProposal) {
            Ok(id) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| proposals::approve(
                    &txn,
                    principal,
                    crm,
                    id,
                    input.version
                ))
            }
            Err(e) => Err(e),
        };
        let (decided, user_errors) = outcome(result)?;
        Ok(match decided {
            Some((proposal, org)) => ChangeProposalPayload {
                change_proposal: Some(ChangeProposal(proposal)),
                organization: Some(organization(org)),
                user_errors,
            },
            None => ChangeProposalPayload {
                change_proposal: None,
                organization: None,
                user_errors,
            },
        })
    }

    /// Rejects a pending change proposal with a reason the partner reads; nothing changes.
    async fn change_proposal_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal, the version you read, and why.")]
        input: ChangeProposalRejectInput,
    ) -> async_graphql::Result<ChangeProposalPayload> {
        let parsed = input_id("id", &input.id, NodeType::ChangeProposal).and_then(|id| {
            domain::required_text(&["input", "reason"], &input.reason, 2000).map(|r| (id, r))
        });
        let result = match parsed {
            Ok((id, reason)) => in_transaction!(ctx, |txn, principal| proposals::reject(
                &txn,
                principal,
                id,
                input.version,
                reason
            )),
            Err(e) => Err(e),
        };
        let (decided, user_errors) = outcome(result)?;
        let organization = match &decided {
            Some(p) => organization_by_id(ctx, p.organization_id).await?,
            None => None,
        };
        Ok(ChangeProposalPayload {
            change_proposal: decided.map(ChangeProposal),
            organization,
            user_errors,
        })
    }
}
