//! Interactions, commitments and tasks as the compiled read path reads them: each field from
//! its column, each relation from the statement its loader runs.

use entity::{commitment, contact, enums, interaction, organization, task};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::types::{
    Commitment, CommitmentStatus, Interaction, InteractionKind, Task, TaskKind, TaskStatus,
};
use crate::access::Principal;
use crate::error::Result;
use crate::graphql::compiled::spec::{Asked, Catalog, Col, Listing, ObjectSpec, Paging, Shape};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::organizations::graphql::loaded;
use crate::pagination::{PageRequest, Sort};
use crate::relationship::interactions;
use crate::relationship::loaders::{CommitmentId, InteractionId, TaskId};
use crate::relationship::model::InteractionFilter;

/// The interactions a page of `Query.interactions` reads.
pub fn interactions_listing(
    principal: &Principal,
    filter: &InteractionFilter,
    sort: Sort,
    page: PageRequest,
) -> Result<Listing> {
    Ok(Listing::page(
        interactions::listing(principal, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((interaction::Entity, interactions::sort_column(sort.key))),
            id: Expr::col((interaction::Entity, interaction::Column::Id)),
        },
    ))
}

/// One row of `E` by id, where `visible` lets the principal see it.
pub(crate) fn by_id<E: EntityTrait>(
    visible: sea_orm::Condition,
    id_column: E::Column,
    id: uuid::Uuid,
) -> Listing {
    Listing::rows(
        E::find()
            .filter(visible)
            .filter(id_column.eq(id))
            .into_query(),
    )
}

/// The organization the row's `column` names, if the principal may see it (the
/// `OrganizationId` loader).
pub(crate) fn organization_of(
    asked: &Asked<'_, '_>,
    column: &'static str,
) -> Result<Option<Listing>> {
    Ok(Some(
        Listing::rows(crate::organizations::service::visible(asked.principal)?).of_parent(
            Expr::col((organization::Entity, organization::Column::Id)),
            column,
        ),
    ))
}

/// The contact the row's `column` names, if the principal may see it (the `ContactId`
/// loader).
pub(crate) fn contact_of(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    let principal = asked.principal;
    principal.ensure_can_read_directory()?;
    Ok(Some(
        Listing::rows(
            contact::Entity::find()
                .filter(principal.owned_by_visible(contact::Column::OrganizationId))
                .into_query(),
        )
        .of_parent(Expr::col((contact::Entity, contact::Column::Id)), column),
    ))
}

/// The order the row's `column` names, if the principal may see it (the `OrderId` loader).
pub(crate) fn order_of(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    let all = crate::orders::model::OrderFilter::default();
    Ok(Some(
        Listing::rows(crate::orders::queries::listing(asked.principal, &all)?).of_parent(
            Expr::col((entity::order::Entity, entity::order::Column::Id)),
            column,
        ),
    ))
}

/// The product the row's `column` names, if the principal may see it (the `ProductId`
/// loader).
pub(crate) fn product_of(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    Ok(Some(
        Listing::rows(crate::catalog::products::visible(asked.principal)?).of_parent(
            Expr::col((entity::product::Entity, entity::product::Column::Id)),
            column,
        ),
    ))
}

/// The interaction the row's `column` names, if the principal may see it.
fn interaction_of(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    let principal = asked.principal;
    principal.ensure_can_read_crm()?;
    Ok(Some(
        Listing::rows(
            interaction::Entity::find()
                .filter(interactions::visible(principal))
                .into_query(),
        )
        .of_parent(
            Expr::col((interaction::Entity, interaction::Column::Id)),
            column,
        ),
    ))
}

/// The case the row's `column` names, if the principal may see it.
fn case_of(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    let principal = asked.principal;
    principal.ensure_can_read_crm()?;
    Ok(Some(
        Listing::rows(
            entity::case::Entity::find()
                .filter(crate::cases::service::visible(principal))
                .into_query(),
        )
        .of_parent(
            Expr::col((entity::case::Entity, entity::case::Column::Id)),
            column,
        ),
    ))
}

/// A partner's tasks are its own; staff see every task.
fn visible_tasks(principal: &Principal) -> sea_orm::Condition {
    crate::relationship::tasks::visible(principal)
}

pub fn register(catalog: &mut Catalog) {
    catalog.add(interaction_spec());
    catalog.add(commitment_spec());
    catalog.add(task_spec());
    catalog.add_node(NodeType::Interaction, "Interaction", |principal, id| {
        principal.ensure_can_read_crm()?;
        Ok(by_id::<interaction::Entity>(
            interactions::visible(principal),
            interaction::Column::Id,
            id,
        ))
    });
    catalog.add_node(NodeType::Commitment, "Commitment", |principal, id| {
        principal.ensure_can_read_crm()?;
        Ok(by_id::<commitment::Entity>(
            interactions::visible_commitments(principal),
            commitment::Column::Id,
            id,
        ))
    });
    catalog.add_node(NodeType::Task, "Task", |principal, id| {
        principal.ensure_can_read_crm()?;
        Ok(by_id::<task::Entity>(
            visible_tasks(principal),
            task::Column::Id,
            id,
        ))
    });
}

fn interaction_spec() -> ObjectSpec {
    ObjectSpec::new("Interaction", "interactions")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Interaction, v)
        })
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::InteractionKind, InteractionKind>,
        )
        .value("occurredAt", Col::of("occurred_at"), values::date_time)
        .value("summary", Col::of("summary"), values::text)
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .related("commitments", "Commitment", Shape::List, |asked| {
            let principal = asked.principal;
            principal.ensure_can_read_crm()?;
            Ok(Some(
                Listing::rows(
                    commitment::Entity::find()
                        .filter(interactions::visible_commitments(principal))
                        .into_query(),
                )
                .of_parent(
                    Expr::col((commitment::Entity, commitment::Column::InteractionId)),
                    "id",
                )
                .ordered(vec![
                    Expr::col((commitment::Entity, commitment::Column::DueOn)),
                    Expr::col((commitment::Entity, commitment::Column::Id)),
                ]),
            ))
        })
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(InteractionId, |k| k.0, Interaction))
}

fn commitment_spec() -> ObjectSpec {
    ObjectSpec::new("Commitment", "commitments")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Commitment, v)
        })
        .value("description", Col::of("description"), values::text)
        .related("interaction", "Interaction", Shape::One, |asked| {
            interaction_of(asked, "interaction_id")
        })
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .related("ownerContact", "Contact", Shape::One, |asked| {
            contact_of(asked, "owner_contact_id")
        })
        .value("dueOn", Col::of("due_on"), values::date)
        .value(
            "status",
            Col::of("status"),
            enumeration::<enums::CommitmentStatus, CommitmentStatus>,
        )
        .value("closedAt", Col::of("closed_at"), values::date_time)
        .value("closingNote", Col::of("closing_note"), values::text)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(CommitmentId, |k| k.0, Commitment))
}

fn task_spec() -> ObjectSpec {
    ObjectSpec::new("Task", "tasks")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Task, v)
        })
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::TaskKind, TaskKind>,
        )
        .value("title", Col::of("title"), values::text)
        .value("notes", Col::of("notes"), values::text)
        .related("organization", "Organization", Shape::One, |asked| {
            organization_of(asked, "organization_id")
        })
        .related("contact", "Contact", Shape::One, |asked| {
            contact_of(asked, "contact_id")
        })
        .related("interaction", "Interaction", Shape::One, |asked| {
            interaction_of(asked, "interaction_id")
        })
        .related("case", "Case", Shape::One, |asked| {
            case_of(asked, "case_id")
        })
        .value("dueOn", Col::of("due_on"), values::date)
        .value(
            "status",
            Col::of("status"),
            enumeration::<enums::TaskStatus, TaskStatus>,
        )
        .value("returnVisit", Col::of("return_visit"), values::boolean)
        .value("completedAt", Col::of("completed_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(TaskId, |k| k.0, Task))
}
