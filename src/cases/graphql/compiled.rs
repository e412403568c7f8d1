//! Cases and survey responses as the compiled read path reads them: each field from its
//! column, each relation from the statement its loader runs.

use entity::{case, enums, survey_response, task};
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

use super::types::{
    Case, CaseCategory, CaseKind, CaseResolution, CaseSeverity, CaseStatus, SurveyResponse,
};
use crate::access::Principal;
use crate::cases::loaders::{CaseId, SurveyResponseId};
use crate::cases::model::CaseFilter;
use crate::cases::service;
use crate::error::Result;
use crate::graphql::compiled::spec::{Catalog, Col, Listing, ObjectSpec, Paging, Shape};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::organizations::graphql::loaded;
use crate::pagination::{PageRequest, Sort};
use crate::relationship::graphql::{by_id, contact_of, order_of, organization_of, product_of};

/// The cases a page of `Query.cases` reads.
pub fn cases_listing(
    principal: &Principal,
    filter: &CaseFilter,
    sort: Sort,
    page: PageRequest,
) -> Result<Listing> {
    Ok(Listing::page(
        service::listing(principal, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((case::Entity, service::sort_column(sort.key))),
            id: Expr::col((case::Entity, case::Column::Id)),
        },
    ))
}

/// A survey response is seen by whoever sees the relationship record it is.
fn visible_responses(principal: &Principal) -> sea_orm::Condition {
    crate::cases::surveys::visible(principal)
}

pub fn register(catalog: &mut Catalog) {
    catalog.add(case_spec());
    catalog.add(survey_response_spec());
    catalog.add_node(NodeType::Case, "Case", |principal, id| {
        principal.ensure_can_read_crm()?;
        Ok(by_id::<case::Entity>(
            service::visible(principal),
            case::Column::Id,
            id,
        ))
    });
    catalog.add_node(
        NodeType::SurveyResponse,
        "SurveyResponse",
        |principal, id| {
            principal.ensure_can_read_crm()?;
            Ok(by_id::<survey_response::Entity>(
                visible_responses(principal),
                survey_response::Column::Id,
                id,
            ))
        },
    );
}

fn case_spec() -> ObjectSpec {
    ObjectSpec::new("Case", "cases")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Case, v)
        })
        .value("number", Col::of("number"), values::text)
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::CaseKind, CaseKind>,
        )
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .related("contact", "Contact", Shape::One, |asked| {
            contact_of(asked, "contact_id")
        })
        .value("subject", Col::of("subject"), values::text)
        .value("description", Col::of("description"), values::text)
        .related("order", "Order", Shape::One, |asked| {
            order_of(asked, "order_id")
        })
        .related("product", "Product", Shape::One, |asked| {
            product_of(asked, "product_id")
        })
        .value("quantity", Col::of("quantity"), values::decimal)
        .value("shipDate", Col::of("ship_date"), values::date)
        .value(
            "category",
            Col::of("category"),
            enumeration::<enums::CaseCategory, CaseCategory>,
        )
        .value(
            "severity",
            Col::of("severity"),
            enumeration::<enums::CaseSeverity, CaseSeverity>,
        )
        .value("department", Col::of("department"), values::text)
        .value(
            "status",
            Col::of("status"),
            enumeration::<enums::CaseStatus, CaseStatus>,
        )
        .value("cause", Col::of("cause"), values::text)
        .value(
            "resolution",
            Col::of("resolution"),
            enumeration::<enums::CaseResolution, CaseResolution>,
        )
        .value(
            "returnAuthorization",
            Col::of("return_authorization"),
            values::text,
        )
        .related("followUpVisit", "Task", Shape::One, |asked| {
            let principal = asked.principal;
            principal.ensure_can_read_crm()?;
            Ok(Some(
                Listing::rows(
                    task::Entity::find()
                        .filter(crate::relationship::tasks::visible(principal))
                        .into_query(),
                )
                .of_parent(
                    Expr::col((task::Entity, task::Column::Id)),
                    "follow_up_task_id",
                ),
            ))
        })
        .value("satisfaction", Col::of("satisfaction"), values::int)
        .value(
            "firstResponseDueAt",
            Col::of("first_response_due_at"),
            values::date_time,
        )
        .value(
            "resolutionDueAt",
            Col::of("resolution_due_at"),
            values::date_time,
        )
        .value(
            "firstRespondedAt",
            Col::of("first_responded_at"),
            values::date_time,
        )
        .value("resolvedAt", Col::of("resolved_at"), values::date_time)
        .value("closedAt", Col::of("closed_at"), values::date_time)
        .value("reopenedCount", Col::of("reopened_count"), values::int)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(CaseId, |k| k.0, Case))
}

fn survey_response_spec() -> ObjectSpec {
    ObjectSpec::new("SurveyResponse", "survey_responses")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::SurveyResponse, v)
        })
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .related("contact", "Contact", Shape::One, |asked| {
            contact_of(asked, "contact_id")
        })
        .related("case", "Case", Shape::One, |asked| {
            let principal = asked.principal;
            principal.ensure_can_read_crm()?;
            Ok(Some(
                Listing::rows(
                    case::Entity::find()
                        .filter(service::visible(principal))
                        .into_query(),
                )
                .of_parent(Expr::col((case::Entity, case::Column::Id)), "case_id"),
            ))
        })
        .related("order", "Order", Shape::One, |asked| {
            order_of(asked, "order_id")
        })
        .value("satisfaction", Col::of("satisfaction"), values::int)
        .value("likelihoodToRecommend", Col::of("recommend"), values::int)
        .value("comment", Col::of("comment"), values::text)
        .value("respondedAt", Col::of("responded_at"), values::date_time)
        .fallback(loaded(SurveyResponseId, |k| k.0, SurveyResponse))
}
