//! Products as the compiled read path reads them.

use entity::enums;

use super::types::{Product, ProductStatus, UnitOfMeasure};
use crate::graphql::compiled::fallback;
use crate::graphql::compiled::spec::{Catalog, Col, Listing, ObjectSpec};
use crate::graphql::compiled::values::{self, enumeration};
use crate::ids::NodeType;
use crate::organizations::graphql::loader;
use crate::organizations::loaders::{ProductId, unshare};
use sea_orm::sea_query::{Expr, ExprTrait};

pub fn register(catalog: &mut Catalog) {
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
            .fallback(fallback::<Product, _>(|ctx, ids| {
                Box::pin(async move {
                    let found = loader(ctx)?
                        .load_many(ids.into_iter().map(ProductId))
                        .await
                        .map_err(unshare)
                        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    Ok(found.into_iter().map(|(k, m)| (k.0, Product(m))).collect())
                })
            })),
    );
}
