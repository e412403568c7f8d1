//! An organization's or a contact's timeline: its interactions, orders, cases and survey
//! responses in one list, newest first, paged by time in the database. Each part applies
//! the principal's visibility; orders appear for principals that may read orders.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{EntityTrait, FromQueryResult, QueryFilter, QueryTrait};
use uuid::Uuid;

use crate::access::Principal;
use crate::graphql::loading::{ChildRelation, PARENT_COLUMN};
use crate::pagination::{Keyed, PageRequest, SortKey, SortValue};
use entity::{case, interaction, interaction_participant as participant, order, survey_response};

/// What a timeline item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimelineKind {
    Interaction,
    Order,
    Case,
    SurveyResponse,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 4] = [
        TimelineKind::Interaction,
        TimelineKind::Order,
        TimelineKind::Case,
        TimelineKind::SurveyResponse,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            TimelineKind::Interaction => "INTERACTION",
            TimelineKind::Order => "ORDER",
            TimelineKind::Case => "CASE",
            TimelineKind::SurveyResponse => "SURVEY_RESPONSE",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.tag() == tag)
    }
}

/// Whose timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineOf {
    Organization,
    Contact,
}

/// A timeline of organizations or contacts, narrowed to some kinds (all when empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimelineRelation {
    pub of: TimelineOf,
    pub kinds: Vec<TimelineKind>,
}

/// One item: what it is, its id, and its time.
#[derive(Clone, Debug, FromQueryResult)]
pub struct TimelineRow {
    pub kind: String,
    pub id: Uuid,
    pub at: DateTime<Utc>,
}

impl Keyed for TimelineRow {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.at)
    }
}

const T: &str = "cg_timeline";

/// One part of the timeline: a query of one kind of item, with the expressions it selects.
struct Part {
    stmt: SelectStatement,
    id: Expr,
    at: Expr,
    parent: Expr,
}

/// `SELECT '<kind>' AS kind, <id> AS id, <at> AS at, <parent> AS parent` over a query.
fn part(mut stmt: SelectStatement, kind: TimelineKind, id: Expr, at: Expr, parent: Expr) -> Part {
    stmt.clear_selects()
        .expr_as(Expr::cust(format!("'{}'", kind.tag())), Alias::new("kind"))
        .expr_as(id.clone(), Alias::new("id"))
        .expr_as(at.clone(), Alias::new("at"))
        .expr_as(parent.clone(), Alias::new("parent"));
    Part {
        stmt,
        id,
        at,
        parent,
    }
}

/// The parts as one `UNION ALL`, or an empty list of the same shape when there are none.
fn union_of(parts: impl IntoIterator<Item = SelectStatement>) -> SelectStatement {
    let mut parts = parts.into_iter();
    let mut union = parts.next().unwrap_or_else(|| {
        // Nothing asked for that the principal may read: an empty list of the same shape.
        let mut none = Query::select();
        none.expr_as(Expr::cust("'NONE'"), Alias::new("kind"))
            .expr_as(Expr::val(Uuid::nil()), Alias::new("id"))
            .expr_as(Expr::val(DateTime::<Utc>::UNIX_EPOCH), Alias::new("at"))
            .expr_as(Expr::val(Uuid::nil()), Alias::new("parent"))
            .and_where(Expr::val(1).eq(0));
        none
    });
    for next in parts {
        union.union(UnionType::All, next);
    }
    union
}

impl TimelineRelation {
    fn wants(&self, kind: TimelineKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }

    fn parts(&self, principal: &Principal) -> Vec<Part> {
        use TimelineKind as K;
        let mut parts = Vec::new();
        if self.wants(K::Interaction) {
            let visible = interaction::Entity::find()
                .filter(super::interactions::visible(principal))
                .into_query();
            match self.of {
                TimelineOf::Organization => parts.push(part(
                    visible,
                    K::Interaction,
                    Expr::col((interaction::Entity, interaction::Column::Id)),
                    Expr::col((interaction::Entity, interaction::Column::OccurredAt)),
                    Expr::col((interaction::Entity, interaction::Column::OrganizationId)),
                )),
                TimelineOf::Contact => {
                    let mut stmt = visible;
                    stmt.inner_join(
                        participant::Entity,
                        Expr::col((participant::Entity, participant::Column::InteractionId))
                            .equals((interaction::Entity, interaction::Column::Id)),
                    )
                    .and_where(
                        Expr::col((participant::Entity, participant::Column::ContactId))
                            .is_not_null(),
                    );
                    parts.push(part(
                        stmt,
                        K::Interaction,
                        Expr::col((interaction::Entity, interaction::Column::Id)),
                        Expr::col((interaction::Entity, interaction::Column::OccurredAt)),
                        Expr::col((participant::Entity, participant::Column::ContactId)),
                    ));
                }
            }
        }
        // Orders name organizations, not contacts; they appear on organizations' timelines
        // for principals that may read orders.
        if self.wants(K::Order)
            && self.of == TimelineOf::Organization
            && principal.ensure_can_read_orders().is_ok()
        {
            for end in [order::Column::BuyerId, order::Column::SellerId] {
                let visible = order::Entity::find()
                    .filter(principal.visible_orders())
                    .into_query();
                parts.push(part(
                    visible,
                    K::Order,
                    Expr::col((order::Entity, order::Column::Id)),
                    Expr::col((order::Entity, order::Column::SubmittedAt)),
                    Expr::col((order::Entity, end)),
                ));
            }
        }
        let (case_owner, survey_owner) = match self.of {
            TimelineOf::Organization => (
                case::Column::OrganizationId,
                survey_response::Column::OrganizationId,
            ),
            TimelineOf::Contact => (case::Column::ContactId, survey_response::Column::ContactId),
        };
        if self.wants(K::Case) {
            let mut visible = case::Entity::find()
                .filter(crate::cases::service::visible(principal))
                .into_query();
            visible.and_where(Expr::col((case::Entity, case_owner)).is_not_null());
            parts.push(part(
                visible,
                K::Case,
                Expr::col((case::Entity, case::Column::Id)),
                Expr::col((case::Entity, case::Column::CreatedAt)),
                Expr::col((case::Entity, case_owner)),
            ));
        }
        if self.wants(K::SurveyResponse) {
            let mut visible = survey_response::Entity::find()
                .filter(crate::cases::surveys::visible(principal))
                .into_query();
            visible.and_where(Expr::col((survey_response::Entity, survey_owner)).is_not_null());
            parts.push(part(
                visible,
                K::SurveyResponse,
                Expr::col((survey_response::Entity, survey_response::Column::Id)),
                Expr::col((
                    survey_response::Entity,
                    survey_response::Column::RespondedAt,
                )),
                Expr::col((survey_response::Entity, survey_owner)),
            ));
        }
        parts
    }
}

impl ChildRelation for TimelineRelation {
    type Model = TimelineRow;

    fn base(&self, principal: &Principal) -> SelectStatement {
        let union = union_of(self.parts(principal).into_iter().map(|p| p.stmt));
        Query::select()
            .column((Alias::new(T), Alias::new("kind")))
            .column((Alias::new(T), Alias::new("id")))
            .column((Alias::new(T), Alias::new("at")))
            .from_subquery(union, Alias::new(T))
            .take()
    }

    /// Each part reads its own page of the parent's items from its index, newest first, and
    /// stops there; the union of those few rows is then sorted and cut to the page.
    fn page_of_one(
        &self,
        principal: &Principal,
        parent: Expr,
        page: &PageRequest,
    ) -> Option<SelectStatement> {
        let limited = self.parts(principal).into_iter().map(|mut p| {
            p.stmt.and_where(p.parent.eq(parent.clone()));
            page.apply(&mut p.stmt, p.at, p.id);
            // Wrapped, so that the part's ORDER BY and LIMIT stay its own inside the union.
            Query::select()
                .column(Asterisk)
                .from_subquery(p.stmt, Alias::new("cg_part"))
                .take()
        });
        let mut stmt = Query::select()
            .column((Alias::new(T), Alias::new("kind")))
            .column((Alias::new(T), Alias::new("id")))
            .column((Alias::new(T), Alias::new("at")))
            .expr_as(self.parent(), Alias::new(PARENT_COLUMN))
            .from_subquery(union_of(limited), Alias::new(T))
            .take();
        page.apply(&mut stmt, self.sort_column(page.sort.key), self.id_column());
        Some(stmt)
    }

    fn parent(&self) -> Expr {
        Expr::col((Alias::new(T), Alias::new("parent")))
    }

    fn sort_column(&self, _key: SortKey) -> Expr {
        Expr::col((Alias::new(T), Alias::new("at")))
    }

    fn id_column(&self) -> Expr {
        Expr::col((Alias::new(T), Alias::new("id")))
    }
}
