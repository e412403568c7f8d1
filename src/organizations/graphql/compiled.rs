//! Organizations as the compiled read path reads them: the fields every kind shares, the
//! relations each kind has, and the lists hanging off them from the same statements their
//! loaders page.

use entity::{enums, organization};
use sea_orm::sea_query::Expr;

use super::types::{CustomerType, IndustrySegment, OrganizationKind, OrganizationStatus};
use crate::error::{Error, Result};
use crate::graphql::compiled::fallback;
use crate::graphql::compiled::spec::{
    AbstractSpec, Asked, Catalog, Col, Listing, ObjectSpec, Paging, Shape,
};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::organizations::graphql::{Organization, loader, organization};
use crate::organizations::loaders::{ChildRelation, OrganizationId, OrganizationRelation, unshare};
use crate::pagination::{PageArgs, PageRequest, Sort, SortKey};

/// The page of `relation` a connection field asks for, sorted by `sort`.
pub fn child_listing<R: ChildRelation>(
    asked: &Asked<'_, '_>,
    relation: R,
    sort: Sort,
) -> Result<Option<Listing>> {
    let principal = asked.principal;
    relation.ensure_readable(principal)?;
    let argument = |name: &str| -> Result<Option<i32>> {
        asked
            .argument::<i32>(name)
            .map_err(|e| Error::Internal(e.message))
    };
    let text = |name: &str| -> Result<Option<String>> {
        asked
            .argument::<String>(name)
            .map_err(|e| Error::Internal(e.message))
    };
    let page = PageRequest::parse(
        sort,
        PageArgs {
            first: argument("first")?,
            after: text("after")?,
            last: argument("last")?,
            before: text("before")?,
        },
    )?;
    if relation
        .page_of_one(principal, Expr::val(1), &page)
        .is_some()
    {
        return Ok(None);
    }
    Ok(Some(
        Listing::page(
            relation.base(principal),
            Paging {
                page,
                key: sort.key,
                sort: relation.sort_column(sort.key),
                id: relation.id_column(),
            },
        )
        .of_parent(relation.parent(), "id"),
    ))
}

fn flag(asked: &Asked<'_, '_>, name: &str) -> Result<bool> {
    Ok(asked
        .argument::<bool>(name)
        .map_err(|e| Error::Internal(e.message))?
        .unwrap_or(false))
}

/// The object types of organizations, by the kind their row holds.
const KINDS: [(&str, &str); 6] = [
    ("BRAND", "Brand"),
    ("END_CUSTOMER", "Customer"),
    ("INTERMEDIATE_CUSTOMER", "IntermediateCustomer"),
    ("DISTRIBUTOR", "Distributor"),
    ("SUPPLIER", "Supplier"),
    ("PUBLIC_INTEREST", "PublicInterestOrganization"),
];

/// What every kind of organization has.
fn organization_spec(name: &'static str) -> ObjectSpec {
    let by_name = Sort::ascending(SortKey::Name);
    ObjectSpec::new(name, "organizations")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Organization, v)
        })
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::OrganizationKind, OrganizationKind>,
        )
        .value("name", Col::of("name"), values::text)
        .value("legalName", Col::of("legal_name"), values::text)
        .value("code", Col::of("code"), values::text)
        .value("taxId", Col::of("tax_id"), values::text)
        .value(
            "segment",
            Col::of("segment"),
            enumeration::<enums::IndustrySegment, IndustrySegment>,
        )
        .value(
            "customerType",
            Col::of("customer_type"),
            enumeration::<enums::CustomerType, CustomerType>,
        )
        .value("territory", Col::of("territory"), values::text)
        .value(
            "status",
            Col::of("status"),
            enumeration::<enums::OrganizationStatus, OrganizationStatus>,
        )
        .value("keyAccount", Col::of("key_account"), values::boolean)
        .value("archivedAt", Col::of("archived_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .related("parent", "Organization", Shape::One, |asked| {
            Ok(Some(
                Listing::rows(crate::organizations::service::visible(asked.principal)?).of_parent(
                    Expr::col((organization::Entity, organization::Column::Id)),
                    "parent_id",
                ),
            ))
        })
        .related(
            "children",
            "Organization",
            Shape::Connection,
            move |asked| {
                let include_archived = flag(asked, "includeArchived")?;
                child_listing(
                    asked,
                    OrganizationRelation::Children { include_archived },
                    by_name,
                )
            },
        )
        .related("orders", "Order", Shape::Connection, |asked| {
            let filter = asked
                .argument::<crate::orders::graphql::OrderFilter>("filter")
                .map_err(|e| Error::Internal(e.message))?
                .unwrap_or_default()
                .parse()?;
            let order_by = asked
                .argument::<crate::orders::graphql::OrderOrder>("orderBy")
                .map_err(|e| Error::Internal(e.message))?;
            child_listing(
                asked,
                crate::orders::queries::PlacedOrders { filter },
                crate::orders::graphql::sort_of(order_by),
            )
        })
        .fallback(fallback::<Organization, _>(|ctx, ids| {
            Box::pin(async move {
                let found = loader(ctx)?
                    .load_many(ids.into_iter().map(OrganizationId))
                    .await
                    .map_err(unshare)
                    .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                Ok(found
                    .into_iter()
                    .map(|(k, m)| (k.0, organization(m)))
                    .collect())
            })
        }))
}

/// A kind's own list of organizations it reaches through links of `kind`.
fn linked(
    spec: ObjectSpec,
    field: &'static str,
    target: &'static str,
    relation: fn(enums::ChannelLinkKind) -> OrganizationRelation,
    kind: enums::ChannelLinkKind,
) -> ObjectSpec {
    spec.related(field, target, Shape::Connection, move |asked| {
        child_listing(asked, relation(kind), Sort::ascending(SortKey::Name))
    })
}

pub fn register(catalog: &mut Catalog) {
    use OrganizationRelation::{Downstream, Upstream};
    use enums::ChannelLinkKind::{DistributesTo, ResellsTo, Serves, Supplies};
    catalog.add_abstract(AbstractSpec {
        name: "Organization",
        discriminator: Col::of("kind"),
        members: KINDS.to_vec(),
    });
    let brand = organization_spec("Brand");
    let brand = linked(
        brand,
        "distributors",
        "Distributor",
        Downstream,
        DistributesTo,
    );
    catalog.add(linked(brand, "suppliers", "Supplier", Upstream, Supplies));
    catalog.add(linked(
        organization_spec("Customer"),
        "servedBy",
        "Organization",
        Upstream,
        Serves,
    ));
    let dealer = organization_spec("IntermediateCustomer");
    let dealer = linked(dealer, "customers", "Customer", Downstream, Serves);
    catalog.add(linked(
        dealer,
        "distributors",
        "Organization",
        Upstream,
        ResellsTo,
    ));
    let distributor = organization_spec("Distributor");
    let distributor = linked(
        distributor,
        "dealers",
        "IntermediateCustomer",
        Downstream,
        ResellsTo,
    );
    let distributor = linked(
        distributor,
        "subDistributors",
        "Distributor",
        Downstream,
        DistributesTo,
    );
    catalog.add(linked(
        distributor,
        "customers",
        "Customer",
        Downstream,
        Serves,
    ));
    catalog.add(linked(
        organization_spec("Supplier"),
        "supplies",
        "Organization",
        Downstream,
        Supplies,
    ));
    catalog.add(organization_spec("PublicInterestOrganization"));
}
