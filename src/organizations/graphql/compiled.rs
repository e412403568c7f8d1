//! Organizations as the compiled read path reads them: the fields every kind shares, the
//! relations each kind has, and the lists hanging off them from the same statements their
//! loaders page.

use entity::{enums, organization};
use sea_orm::sea_query::Expr;

use super::types::{
    Address, AddressKind, BuyingRole, ChannelLink, ChannelLinkFilter, ChannelLinkKind,
    ChannelLinkStatus, Contact, CustomerType, IndustrySegment, OrganizationKind,
    OrganizationStatus, RelationshipLevel,
};
use crate::error::{Error, Result};
use crate::graphql::compiled::fallback;
use crate::graphql::compiled::spec::Fallback;
use crate::graphql::compiled::spec::{
    AbstractSpec, Asked, Catalog, Col, Listing, ObjectSpec, Paging, Shape,
};
use crate::graphql::compiled::values::{self, enumeration};
use crate::graphql::loading::{ChildRelation, LoadKey, Shared, load_many};
use crate::ids::NodeType;
use crate::organizations::graphql::organization;
use crate::organizations::loaders::{
    AddressId, AddressRelation, ChannelLinkId, ContactId, ContactRelation, LinkRelation,
    OrganizationId, OrganizationRelation,
};
use crate::organizations::model::LinkEnd;
use crate::pagination::{PageArgs, PageRequest, Sort, SortKey};
use async_graphql::dataloader::Loader;

/// A fallback for objects of type `T` read through the request's loader by `key` (whose
/// id `id` gives back) and shown as `wrap`.
pub(crate) fn loaded<K, M, T>(
    key: fn(uuid::Uuid) -> K,
    id: fn(&K) -> uuid::Uuid,
    wrap: fn(M) -> T,
) -> Fallback
where
    K: LoadKey,
    M: Clone + Send + Sync + 'static,
    T: async_graphql::OutputType + Send + Sync + 'static,
    K::Loader: Loader<K, Value = M, Error = Shared>,
{
    fallback::<T, _>(move |ctx, ids| {
        Box::pin(async move {
            let found = load_many(ctx, ids.into_iter().map(key)).await?;
            Ok(found.into_iter().map(|(k, m)| (id(&k), wrap(m))).collect())
        })
    })
}

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
        .value("statusReason", Col::of("status_reason"), values::text)
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
        .related("contacts", "Contact", Shape::Connection, move |asked| {
            let include_archived = flag(asked, "includeArchived")?;
            child_listing(asked, ContactRelation { include_archived }, by_name)
        })
        .related("addresses", "Address", Shape::Connection, |asked| {
            let include_archived = flag(asked, "includeArchived")?;
            child_listing(
                asked,
                AddressRelation { include_archived },
                Sort::ascending(SortKey::CreatedAt),
            )
        })
        .related("upstreamLinks", "ChannelLink", Shape::Connection, |asked| {
            links(asked, LinkEnd::Downstream)
        })
        .related(
            "downstreamLinks",
            "ChannelLink",
            Shape::Connection,
            |asked| links(asked, LinkEnd::Upstream),
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
        .fallback(loaded(OrganizationId, |k| k.0, organization))
}

/// An organization's channel links, seen from `end`, filtered as asked.
fn links(asked: &Asked<'_, '_>, end: LinkEnd) -> Result<Option<Listing>> {
    let filter = asked
        .argument::<ChannelLinkFilter>("filter")
        .map_err(|e| Error::Internal(e.message))?
        .unwrap_or_default();
    child_listing(
        asked,
        LinkRelation {
            end,
            filter: filter.into(),
        },
        Sort::ascending(SortKey::CreatedAt),
    )
}

/// The organization a row's `column` names, which the principal must see.
fn owner(asked: &Asked<'_, '_>, column: &'static str) -> Result<Option<Listing>> {
    Ok(Some(
        Listing::rows(crate::organizations::service::visible(asked.principal)?).of_parent(
            Expr::col((organization::Entity, organization::Column::Id)),
            column,
        ),
    ))
}

/// One row of `E` by id, where `visible` lets the principal see it.
fn by_id<E: sea_orm::EntityTrait>(
    visible: sea_orm::Condition,
    id_column: E::Column,
    id: uuid::Uuid,
) -> Listing {
    use sea_orm::{ColumnTrait, QueryFilter, QueryTrait};
    Listing::rows(
        E::find()
            .filter(visible)
            .filter(id_column.eq(id))
            .into_query(),
    )
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
    catalog.add(contact_spec());
    catalog.add(address_spec());
    catalog.add(link_spec());
    catalog.add_node(NodeType::Organization, "Organization", |principal, id| {
        principal.ensure_can_read_directory()?;
        Ok(by_id::<organization::Entity>(
            principal.visible_organizations(),
            organization::Column::Id,
            id,
        ))
    });
    catalog.add_node(NodeType::Contact, "Contact", |principal, id| {
        principal.ensure_can_read_directory()?;
        Ok(by_id::<entity::contact::Entity>(
            principal.owned_by_visible(entity::contact::Column::OrganizationId),
            entity::contact::Column::Id,
            id,
        ))
    });
    catalog.add_node(NodeType::Address, "Address", |principal, id| {
        principal.ensure_can_read_directory()?;
        Ok(by_id::<entity::address::Entity>(
            principal.owned_by_visible(entity::address::Column::OrganizationId),
            entity::address::Column::Id,
            id,
        ))
    });
    catalog.add_node(NodeType::ChannelLink, "ChannelLink", |principal, id| {
        use entity::channel_link::{Column, Entity};
        principal.ensure_can_read_directory()?;
        let visible = crate::organizations::links::visible(principal);
        Ok(by_id::<Entity>(visible, Column::Id, id))
    });
}

fn contact_spec() -> ObjectSpec {
    ObjectSpec::new("Contact", "contacts")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Contact, v)
        })
        .related("organization", "Organization", Shape::Required, |asked| {
            owner(asked, "organization_id")
        })
        .value("name", Col::of("name"), values::text)
        .value("title", Col::of("title"), values::text)
        .value("email", Col::of("email"), values::text)
        .value("phone", Col::of("phone"), values::text)
        .value(
            "buyingRole",
            Col::of("buying_role"),
            enumeration::<enums::BuyingRole, BuyingRole>,
        )
        .value("preferences", Col::of("preferences"), values::text)
        .value("notes", Col::of("notes"), values::text)
        .value("archivedAt", Col::of("archived_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(ContactId, |k| k.0, Contact))
}

fn address_spec() -> ObjectSpec {
    ObjectSpec::new("Address", "addresses")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::Address, v)
        })
        .related("organization", "Organization", Shape::Required, |asked| {
            owner(asked, "organization_id")
        })
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::AddressKind, AddressKind>,
        )
        .value("line1", Col::of("line1"), values::text)
        .value("line2", Col::of("line2"), values::text)
        .value("city", Col::of("city"), values::text)
        .value("region", Col::of("region"), values::text)
        .value("postalCode", Col::of("postal_code"), values::text)
        .value("country", Col::of("country"), values::text)
        .value("gln", Col::of("gln"), values::text)
        .value("duns", Col::of("duns"), values::text)
        .value("archivedAt", Col::of("archived_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(AddressId, |k| k.0, Address))
}

fn link_spec() -> ObjectSpec {
    ObjectSpec::new("ChannelLink", "channel_links")
        .value("id", Col::uuid("id"), |v| {
            values::global_id(NodeType::ChannelLink, v)
        })
        .value(
            "kind",
            Col::of("kind"),
            enumeration::<enums::ChannelLinkKind, ChannelLinkKind>,
        )
        .related("upstream", "Organization", Shape::Required, |asked| {
            owner(asked, "upstream_id")
        })
        .related("downstream", "Organization", Shape::Required, |asked| {
            owner(asked, "downstream_id")
        })
        .value(
            "level",
            Col::of("level"),
            enumeration::<enums::RelationshipLevel, RelationshipLevel>,
        )
        .value(
            "status",
            Col::of("status"),
            enumeration::<enums::ChannelLinkStatus, ChannelLinkStatus>,
        )
        .value("since", Col::of("since"), values::date)
        .value("until", Col::of("until"), values::date)
        .value("territory", Col::of("territory"), values::text)
        .value("exclusive", Col::of("exclusive"), values::boolean)
        .value("archivedAt", Col::of("archived_at"), values::date_time)
        .value("createdAt", Col::of("created_at"), values::date_time)
        .value("updatedAt", Col::of("updated_at"), values::date_time)
        .value("version", Col::of("version"), values::int)
        .fallback(loaded(ChannelLinkId, |k| k.0, ChannelLink))
}
