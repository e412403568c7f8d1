//! Queries and mutations of service. Thin: parse, call the service, map.

use async_graphql::{Context, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::compiled::cases_listing;
use super::inputs::*;
use super::types::{Case, CaseRoute, SurveyResponse};
use crate::access::Principal;
use crate::cases::model::{CaseFilter, SurveyFilter};
use crate::cases::{routes, service, surveys};
use crate::error::{GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::NodeType;
use crate::organizations::graphql::input_id;
use crate::pagination::PageRequest;
use crate::settings::{CrmSettings, TradeSettings};

enum ListCount {
    Cases(CaseFilter),
    Surveys(SurveyFilter),
}

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = match self {
                ListCount::Cases(f) => service::count(db, principal, f).await,
                ListCount::Surveys(f) => surveys::count(db, principal, f).await,
            }
            .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

fn crm<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmSettings> {
    ctx.data::<CrmSettings>()
}

#[derive(Default)]
pub struct CaseQuery;

#[Object]
impl CaseQuery {
    /// Cases, newest first unless `orderBy` says otherwise. Staff see all; a partner sees the
    /// cases it opened and those the brand opened for it.
    #[allow(clippy::too_many_arguments)]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CaseFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            CaseOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Case>>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = CaseOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = cases_listing(principal, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Case", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = service::list(db, principal, &filter, &page).await.gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            ListCount::Cases(filter),
            Case,
        )))
    }

    /// The case with this number (`CASE-000001`), or null.
    async fn case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A case number; case does not matter.")] number: String,
    ) -> async_graphql::Result<Option<Case>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(service::by_number(db, principal, &number)
            .await
            .gql()?
            .map(Case))
    }

    /// How cases are routed: category rules, then territory rules. The brand's staff only.
    async fn case_routes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CaseRoute>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(routes::list(db, principal)
            .await
            .gql()?
            .into_iter()
            .map(CaseRoute)
            .collect())
    }

    /// Survey responses, newest first unless `orderBy` says otherwise.
    #[allow(clippy::too_many_arguments)]
    async fn survey_responses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<SurveyResponseFilterInput>,
        #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<
            SurveyResponseOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<SurveyResponse>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = SurveyResponseOrder::sort(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = surveys::list(db, principal, &filter, &page).await.gql()?;
        Ok(connection(
            rows,
            sort.key,
            ListCount::Surveys(filter),
            SurveyResponse,
        ))
    }
}

/// The result of a step on a case.
#[derive(SimpleObject)]
pub struct CasePayload {
    /// The case as it is now; null when refused.
    pub case: Option<Case>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a change to case routing.
#[derive(SimpleObject)]
pub struct CaseRoutePayload {
    /// The rule as it is now (as it was, when deleted); null when refused.
    pub case_route: Option<CaseRoute>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of recording a survey response.
#[derive(SimpleObject)]
pub struct SurveyResponsePayload {
    /// The response; null when refused.
    pub survey_response: Option<SurveyResponse>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn case_payload(result: Result<entity::case::Model>) -> async_graphql::Result<CasePayload> {
    let (case, user_errors) = outcome(result)?;
    Ok(CasePayload {
        case: case.map(Case),
        user_errors,
    })
}

fn route_payload(
    result: Result<entity::case_route::Model>,
) -> async_graphql::Result<CaseRoutePayload> {
    let (route, user_errors) = outcome(result)?;
    Ok(CaseRoutePayload {
        case_route: route.map(CaseRoute),
        user_errors,
    })
}

#[derive(Default)]
pub struct CaseMutation;

#[Object]
impl CaseMutation {
    /// Opens a case. It is routed at once: its category's department, its organization's
    /// territory's person (else the account owner); its deadlines follow from its severity.
    async fn case_open(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] input: CaseOpenInput,
    ) -> async_graphql::Result<CasePayload> {
        let crm = crm(ctx)?;
        let max_quantity = ctx.data::<TradeSettings>()?.max_quantity;
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| service::open(
                &txn,
                principal,
                crm,
                max_quantity,
                new
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Triage and investigation: subject, category, severity, department, handler and cause.
    /// The brand's staff only; a closed case changes only by reopening.
    async fn case_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: CaseUpdateInput,
    ) -> async_graphql::Result<CasePayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| service::update(
                &txn, principal, crm, id, version, changes
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Starts work on an OPEN or REOPENED case: IN_PROGRESS, and the first response.
    async fn case_start(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case and the version you read.")] input: CaseStepInput,
    ) -> async_graphql::Result<CasePayload> {
        let result = match input.parse() {
            Ok((id, version)) => in_transaction!(ctx, |txn, principal| service::start(
                &txn, principal, id, version
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Resolves a case that is OPEN, IN_PROGRESS or REOPENED.
    async fn case_resolve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How it was resolved.")] input: CaseResolveInput,
    ) -> async_graphql::Result<CasePayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, resolution)) => {
                in_transaction!(ctx, |txn, principal| service::resolve(
                    &txn, principal, crm, id, version, resolution
                ))
            }
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Closes a RESOLVED case, with the customer's satisfaction (also recorded as a survey
    /// response about the case).
    async fn case_close(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case and the customer's verdict.")] input: CaseCloseInput,
    ) -> async_graphql::Result<CasePayload> {
        let result = match input.parse() {
            Ok((id, version, closing)) => in_transaction!(ctx, |txn, principal| service::close(
                &txn, principal, id, version, closing
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Reopens a RESOLVED or CLOSED case within the configured window after its resolution.
    async fn case_reopen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case, and why.")] input: CaseReopenInput,
    ) -> async_graphql::Result<CasePayload> {
        let crm = crm(ctx)?;
        let result = match input.parse() {
            Ok((id, version, reason)) => in_transaction!(ctx, |txn, principal| service::reopen(
                &txn, principal, crm, id, version, reason
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Adds a note to a case. The brand's first reply is its first response.
    async fn case_note_add(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note.")] input: CaseNoteAddInput,
    ) -> async_graphql::Result<CasePayload> {
        let result = match input.parse() {
            Ok((id, body, internal)) => in_transaction!(ctx, |txn, principal| service::note_add(
                &txn, principal, id, body, internal
            )),
            Err(e) => Err(e),
        };
        case_payload(result)
    }

    /// Sets the routing rule of a category or a territory, replacing the one it had. Admins
    /// only; cases opened from now on follow it.
    async fn case_route_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule.")] input: CaseRouteSetInput,
    ) -> async_graphql::Result<CaseRoutePayload> {
        let result = match input.parse() {
            Ok(route) => in_transaction!(ctx, |txn, principal| routes::set(&txn, principal, route)),
            Err(e) => Err(e),
        };
        route_payload(result)
    }

    /// Removes a routing rule. Admins only.
    async fn case_route_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule.")] input: CaseRouteDeleteInput,
    ) -> async_graphql::Result<CaseRoutePayload> {
        let result = match input_id("id", &input.id, NodeType::CaseRoute) {
            Ok(id) => in_transaction!(ctx, |txn, principal| routes::delete(&txn, principal, id)),
            Err(e) => Err(e),
        };
        route_payload(result)
    }

    /// Records a survey response about a case, an order or the relationship.
    async fn survey_response_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The response.")] input: SurveyResponseRecordInput,
    ) -> async_graphql::Result<SurveyResponsePayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| surveys::record(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (response, user_errors) = outcome(result)?;
        Ok(SurveyResponsePayload {
            survey_response: response.map(SurveyResponse),
            user_errors,
        })
    }
}
