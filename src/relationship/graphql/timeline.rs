//! Timelines in GraphQL: one connection of interactions, orders, cases and survey responses.

use std::collections::HashMap;

use async_graphql::{Context, Enum, InputObject, Union};
use uuid::Uuid;

use super::types::Interaction;
use crate::access::Principal;
use crate::cases::graphql::{Case, SurveyResponse};
use crate::cases::loaders::{CaseId, SurveyResponseId};
use crate::error::GqlResult;
use crate::graphql::connection::{Conn, connection, page_args};
use crate::graphql::loading::{CountKey, PageKey, load_many, load_one};
use crate::orders::graphql::Order;
use crate::orders::loaders::OrderId;
use crate::organizations::graphql::{RelationCount, SortDirection};
use crate::pagination::{Keyed, Page, PageRequest, Sort, SortKey, SortValue};
use crate::relationship::loaders::InteractionId;
use crate::relationship::timeline::{self, TimelineOf, TimelineRelation, TimelineRow};

/// One item of a timeline.
#[derive(Union)]
pub enum TimelineItem {
    Interaction(Interaction),
    Order(Order),
    Case(Case),
    SurveyResponse(SurveyResponse),
}

/// What a timeline item is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    /// Calls, visits, emails, meetings, trade-show contacts and portal messages, at when they
    /// took place.
    Interaction,
    /// Orders placed by or with the organization, at when they were submitted.
    Order,
    /// Cases, at when they were opened.
    Case,
    /// Survey responses, at when they were given.
    SurveyResponse,
}

impl From<TimelineKind> for timeline::TimelineKind {
    fn from(kind: TimelineKind) -> Self {
        match kind {
            TimelineKind::Interaction => timeline::TimelineKind::Interaction,
            TimelineKind::Order => timeline::TimelineKind::Order,
            TimelineKind::Case => timeline::TimelineKind::Case,
            TimelineKind::SurveyResponse => timeline::TimelineKind::SurveyResponse,
        }
    }
}

/// Narrows a timeline.
#[derive(InputObject, Clone, Debug, Default)]
pub struct TimelineFilter {
    /// Only these kinds of items; all when omitted.
    pub kinds: Option<Vec<TimelineKind>>,
}

/// How a timeline is sorted: by the time of each item, ties broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct TimelineOrder {
    /// The direction. Default DESC: newest first.
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

/// A timeline row with the object it names.
struct Entry {
    row: TimelineRow,
    item: TimelineItem,
}

impl Keyed for Entry {
    fn id(&self) -> Uuid {
        self.row.id
    }
    fn sort_value(&self, key: SortKey) -> SortValue {
        self.row.sort_value(key)
    }
}

/// A page of the timeline of an organization or a contact, batched with every other
/// parent's timeline in the request.
#[allow(clippy::too_many_arguments)]
pub async fn timeline_connection(
    ctx: &Context<'_>,
    parent: Uuid,
    of: TimelineOf,
    filter: Option<TimelineFilter>,
    order_by: Option<TimelineOrder>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<Conn<TimelineItem>> {
    Principal::of(ctx).gql()?.ensure_can_read_crm().gql()?;
    let mut kinds: Vec<timeline::TimelineKind> = filter
        .unwrap_or_default()
        .kinds
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    kinds.sort();
    kinds.dedup();
    let relation = TimelineRelation { of, kinds };
    let sort = Sort {
        key: SortKey::CreatedAt,
        descending: order_by.is_none_or(|o| o.direction == SortDirection::Desc),
    };
    let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
    let rows: Page<TimelineRow> = load_one(
        ctx,
        PageKey {
            parent,
            relation: relation.clone(),
            page,
        },
    )
    .await?
    .unwrap_or_default();
    let mut items = items_of(ctx, &rows.items).await?;
    let entries = Page {
        items: rows
            .items
            .into_iter()
            .filter_map(|row| items.remove(&row.id).map(|item| Entry { row, item }))
            .collect(),
        has_next: rows.has_next,
        has_previous: rows.has_previous,
    };
    Ok(connection(
        entries,
        SortKey::CreatedAt,
        RelationCount {
            key: CountKey { parent, relation },
        },
        |e| e.item,
    ))
}

/// The objects the rows name, loaded in one batch per kind. Each loader applies the
/// principal's visibility again.
async fn items_of(
    ctx: &Context<'_>,
    rows: &[TimelineRow],
) -> async_graphql::Result<HashMap<Uuid, TimelineItem>> {
    let ids = |kind: timeline::TimelineKind| -> Vec<Uuid> {
        rows.iter()
            .filter(|r| timeline::TimelineKind::from_tag(&r.kind) == Some(kind))
            .map(|r| r.id)
            .collect()
    };
    let (interactions, orders, cases, surveys) = futures_util::try_join!(
        load_many(
            ctx,
            ids(timeline::TimelineKind::Interaction)
                .into_iter()
                .map(InteractionId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::Order).into_iter().map(OrderId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::Case).into_iter().map(CaseId)
        ),
        load_many(
            ctx,
            ids(timeline::TimelineKind::SurveyResponse)
                .into_iter()
                .map(SurveyResponseId)
        ),
    )?;
    let mut out = HashMap::with_capacity(rows.len());
    out.extend(
        interactions
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Interaction(Interaction(m)))),
    );
    out.extend(
        orders
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Order(Order(m)))),
    );
    out.extend(
        cases
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::Case(Case(m)))),
    );
    out.extend(
        surveys
            .into_iter()
            .map(|(k, m)| (k.0, TimelineItem::SurveyResponse(SurveyResponse(m)))),
    );
    Ok(out)
}
