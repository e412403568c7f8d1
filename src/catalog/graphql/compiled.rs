//! Products and price lists as the compiled read path reads them.

use entity::{enums, price_list, price_list_entry, product};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::types::{PriceList, Product, ProductStatus, UnitOfMeasure};
use crate::access::Principal;
use crate::catalog::loaders::{PriceListId, ProductId};
use crate::catalog::model::ProductFilter;
use crate::catalog::products;
use crate::graphql::compiled::spec::{Catalog, Col, Listing, ObjectSpec, Paging, Shape};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::organizations::graphql::loaded;
use crate::pagination::{PageRequest, Sort};
use sea_orm::sea_query::{Expr, ExprTrait};

/// The products a page of `Query.products` reads.
pub fn products_listing(
    principal: &Principal,
    filter: &ProductFilter,
    sort: Sort,
    page: PageRequest,
) -> crate::error::Result<Listing> {
    Ok(Listing::page(
        products::listing(principal, filter)?,
        Paging {
            page,
            key: sort.key,
            sort: Expr::col((product::Entity, products::sort_column(sort.key))),
            id: Expr::col((product::Entity, product::Column::Id)),
        },
    ))
}

/// The ids of the price lists the principal may see (`pricing::by_ids`).
fn visible_price_lists(principal: &Principal) -> sea_orm::sea_query::SelectStatement {
    price_list::Entity::find()
        .select_only()
        .column(price_list::Column::Id)
        .filter(principal.visible_price_lists())
        .into_query()
}

pub fn register(catalog: &mut Catalog) {
    register_price_lists(catalog);
    catalog.add_node(NodeType::Product, "Product", |principal, id| {
        let mut select = crate::catalog::products::visible(principal)?;
        select.and_where(Expr::col((entity::product::Entity, entity::product::Column::Id)).eq(id));
        Ok(Listing::rows(select))
    });
    catalog.add(
        ObjectSpec::new("Product", "products")
            .value("id", Col::uuid("id"), |v| {
                values::global_id(NodeType::Product, v)
            })
            .value("sku", Col::of("sku"), values::text)
            .value("name", Col::of("name"), values::text)
            .value("gtin", Col::of("gtin"), values::text)
            .value("productLine", Col::of("product_line"), values::text)
            .value(
                "unit",
                Col::of("unit"),
                enumeration::<enums::UnitOfMeasure, UnitOfMeasure>,
            )
            .object(
                "listPrice",
                "Money",
                &[Col::of("list_price"), Col::of("currency")],
                values::money,
            )
            .value("taxRatePercent", Col::of("tax_rate"), values::decimal)
            .value(
                "status",
                Col::of("status"),
                enumeration::<enums::ProductStatus, ProductStatus>,
            )
            .value("description", Col::of("description"), values::text)
            .value("createdAt", Col::of("created_at"), values::date_time)
            .value("updatedAt", Col::of("updated_at"), values::date_time)
            .value("version", Col::of("version"), values::int)
            .fallback(loaded(ProductId, |k| k.0, Product)),
    );
}

fn register_price_lists(catalog: &mut Catalog) {
    catalog.add_node(NodeType::PriceList, "PriceList", |principal, id| {
        principal.ensure_can_read_catalog()?;
        Ok(Listing::rows(
            price_list::Entity::find()
                .filter(principal.visible_price_lists())
                .filter(price_list::Column::Id.eq(id))
                .into_query(),
        ))
    });
    catalog.add(
        ObjectSpec::new("PriceList", "price_lists")
            .value("id", Col::uuid("id"), |v| {
                values::global_id(NodeType::PriceList, v)
            })
            .value("code", Col::of("code"), values::text)
            .value("name", Col::of("name"), values::text)
            .value("currency", Col::of("currency"), values::text)
            .value("validFrom", Col::of("valid_from"), values::date)
            .value("validUntil", Col::of("valid_until"), values::date)
            .related("entries", "PriceListEntry", Shape::List, |asked| {
                let principal = asked.principal;
                principal.ensure_can_read_catalog()?;
                Ok(Some(
                    Listing::rows(
                        price_list_entry::Entity::find()
                            .filter(
                                price_list_entry::Column::PriceListId
                                    .in_subquery(visible_price_lists(principal)),
                            )
                            .into_query(),
                    )
                    .of_parent(
                        Expr::col((
                            price_list_entry::Entity,
                            price_list_entry::Column::PriceListId,
                        )),
                        "id",
                    )
                    .ordered(vec![
                        Expr::col((
                            price_list_entry::Entity,
                            price_list_entry::Column::ProductId,
                        )),
                        Expr::col((
                            price_list_entry::Entity,
                            price_list_entry::Column::MinQuantity,
                        )),
                    ]),
                ))
            })
            .value("createdAt", Col::of("created_at"), values::date_time)
            .value("updatedAt", Col::of("updated_at"), values::date_time)
            .value("version", Col::of("version"), values::int)
            .fallback(loaded(PriceListId, |k| k.0, PriceList)),
    );
    catalog.add(
        ObjectSpec::new("PriceListEntry", "price_list_entries")
            .related("product", "Product", Shape::One, |asked| {
                Ok(Some(
                    Listing::rows(products::visible(asked.principal)?).of_parent(
                        Expr::col((product::Entity, product::Column::Id)),
                        "product_id",
                    ),
                ))
            })
            .value("minQuantity", Col::of("min_quantity"), values::decimal)
            .object(
                "unitPrice",
                "Money",
                &[Col::of("unit_price"), Col::of_parent("currency")],
                values::money,
            ),
    );
}
