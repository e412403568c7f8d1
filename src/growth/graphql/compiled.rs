//! Opportunities and leads as the compiled read path reads them: each field from its
//! column, each relation from the statement its loader runs.

use entity::{enums, lead, opportunity};
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

use super::types::{Lead, LeadSource};
use super::types::{Opportunity, OpportunityStage};
use crate::access::Principal;
use crate::error::Result;
use crate::graphql::compiled::spec::{Catalog, Col, Listing, ObjectSpec, Paging, Shape};
use crate::graphql::compiled::values::{self, enumeration};
use crate::growth::loaders::{LeadId, OpportunityId};
use crate::growth::model::{LeadFilter, OpportunityFilter};
use crate::growth::{leads, opportunities};
use crate::ids::NodeType;
use crate::organizations::graphql::loaded;
use crate::pagination::{PageRequest, Sort};
use crate::relationship::graphql::{by_id, contact_of, order_of, organization_of};
use crate::settings::CrmSettings;

/// The opportunities a page of `Query.opportunities` reads.
pub fn opportunities_listing(
    principal: &Principal,
    filter: &OpportunityFilter,
    sort: Sort,
    page: PageRequest,
) -> Result<Listing> {
    Ok(Listing::page(
        opportunities::listing(principal, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((opportunity::Entity, opportunities::sort_column(sort.key))),
            id: Expr::col((opportunity::Entity, opportunity::Column::Id)),
        },
    ))
}

/// The leads a page of `Query.leads` reads.
pub fn leads_listing(
    principal: &Principal,
    crm: &CrmSettings,
    filter: &LeadFilter,
    sort: Sort,
    page: PageRequest,
) -> Result<Listing> {
    Ok(Listing::page(
        leads::listing(principal, crm, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((lead::Entity, leads::sort_column(sort.key))),
            id: Expr::col((lead::Entity, lead::Column::Id)),
        },
    ))
}

pub fn register(catalog: &mut Catalog) {
    catalog.add(opportunity_spec());
    catalog.add(lead_spec());
    catalog.add_node(NodeType::Opportunity, "Opportunity", |principal, id| {
        principal.ensure_can_read_crm()?;
        Ok(by_id::<opportunity::Entity>(
            opportunities::visible(principal),
            opportunity::Column::Id,
            id,
        ))
    });
    // No node lookup for leads: which leads a partner sees depends on the offer window in
    // the CRM settings, which a lookup does not have; `node` resolves them.
}

fn opportunity_spec() -> ObjectSpec {
    ObjectSpec::new("Opportunity", "opportunities")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Opportunity, v)
        })
        .value("name", Col::of("name"), values::text)
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .value(
            "stage",
            Col::of("stage"),
            enumeration::<enums::OpportunityStage, OpportunityStage>,
        )
        .object(
            "amount",
            "Money",
            &[Col::of("amount"), Col::of("currency")],
            values::money,
        )
        .value(
            "expectedCloseOn",
            Col::of("expected_close_on"),
            values::date,
        )
        .related("order", "Order", Shape::One, |asked| {
            order_of(asked, "order_id")
        })
        .value("lostReason", Col::of("lost_reason"), values::text)
        .value("closedAt", Col::of("closed_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(OpportunityId, |k| k.0, Opportunity))
}

/// A lead's fields that an offer running out does not change: status, partner and offer
/// expiry are worked out from the clock by the resolvers.
fn lead_spec() -> ObjectSpec {
    ObjectSpec::new("Lead", "leads")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Lead, v)
        })
        .value("number", Col::of("number"), values::text)
        .value("personName", Col::of("person_name"), values::text)
        .value("company", Col::of("company"), values::text)
        .value("email", Col::of("email"), values::text)
        .value("phone", Col::of("phone"), values::text)
        .value("taxId", Col::of("tax_id"), values::text)
        .value(
            "source",
            Col::of("source"),
            enumeration::<enums::LeadSource, LeadSource>,
        )
        .value("capturedAt", Col::of("captured_at"), values::date_time)
        .value("enteredAt", Col::of("entered_at"), values::date_time)
        .value("late", Col::of("late"), values::boolean)
        .value("territory", Col::of("territory"), values::text)
        .value("statusReason", Col::of("status_reason"), values::text)
        .related(
            "convertedOrganization",
            "Organization",
            Shape::One,
            |asked| organization_of(asked, "converted_organization_id"),
        )
        .related("convertedContact", "Contact", Shape::One, |asked| {
            contact_of(asked, "converted_contact_id")
        })
        .related("convertedOpportunity", "Opportunity", Shape::One, |asked| {
            let principal = asked.principal;
            principal.ensure_can_read_crm()?;
            Ok(Some(
                Listing::rows(
                    opportunity::Entity::find()
                        .filter(opportunities::visible(principal))
                        .into_query(),
                )
                .of_parent(
                    Expr::col((opportunity::Entity, opportunity::Column::Id)),
                    "converted_opportunity_id",
                ),
            ))
        })
        .value("convertedAt", Col::of("converted_at"), values::date_time)
        .value("notes", Col::of("notes"), values::text)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(LeadId, |k| k.0, Lead))
}
