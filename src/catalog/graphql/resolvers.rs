//! Reading and changing the catalog and the partner program.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::compiled::products_listing;
use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::catalog::model::ProductFilter as Filter;
use crate::catalog::pricing::QuoteFields;
use crate::catalog::{pricing, products, tiers};
use crate::channel_money::buying;
use crate::channel_money::price_protection::Watch;
use crate::domain;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::compiled::spec::Shape;
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::SortDirection;
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::scalars::Decimal;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{NodeType, argument_id};
use crate::money;
use crate::organizations::graphql::{Organization, organization};
use crate::organizations::service as organizations;
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::TradeSettings;

/// Narrows a list of products. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ProductFilter {
    /// Only the product with this SKU.
    pub sku: Option<String>,
    /// Only those whose name contains this text, ignoring case.
    pub name_contains: Option<String>,
    /// Only those of this product line.
    pub product_line: Option<String>,
    /// Only those with these statuses.
    pub statuses: Option<Vec<ProductStatus>>,
    /// Only those this supplier makes.
    pub supplier_id: Option<ID>,
}

impl ProductFilter {
    fn parse(self) -> Result<Filter> {
        Ok(Filter {
            sku: self.sku.map(|s| s.trim().to_uppercase()),
            name_contains: domain::search_text("filter.nameContains", self.name_contains)?,
            product_line: self.product_line.map(|l| l.trim().to_owned()),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            supplier_id: argument_id(
                "filter.supplierId",
                self.supplier_id.as_ref(),
                NodeType::Organization,
            )?,
        })
    }
}

/// What a catalog list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogOrderField {
    /// The name of a product, the code of a price list or tier.
    Name,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// How a catalog list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct CatalogOrder {
    /// The field to sort by.
    pub field: CatalogOrderField,
    /// The direction. Default ASC.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

fn sort_of(order: Option<CatalogOrder>) -> Sort {
    let order = order.unwrap_or(CatalogOrder {
        field: CatalogOrderField::Name,
        direction: SortDirection::Asc,
    });
    Sort {
        key: match order.field {
            CatalogOrderField::Name => SortKey::Name,
            CatalogOrderField::CreatedAt => SortKey::CreatedAt,
            CatalogOrderField::UpdatedAt => SortKey::UpdatedAt,
        },
        descending: order.direction == SortDirection::Desc,
    }
}

fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// Counts a whole catalog list.
enum ListCount {
    Products(Filter),
    PriceLists,
    Tiers,
}

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = db(ctx)?;
            let n = match self {
                ListCount::Products(filter) => products::count(db, principal, filter).await,
                ListCount::PriceLists => pricing::count(db, principal).await,
                ListCount::Tiers => tiers::count(db, principal).await,
            }
            .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Products of the catalog, by name unless `orderBy` says otherwise. A supplier sees the
    /// products it makes.
    #[allow(clippy::too_many_arguments)]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ProductFilter>,
        #[graphql(desc = "How the list is sorted. Default: by name, ascending.")] order_by: Option<
            CatalogOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Compiled<Conn<Product>>> {
        let principal = Principal::of(ctx).gql()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = sort_of(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let listing = products_listing(principal, &filter, sort, page.clone()).gql()?;
        if let Some(value) = compiled::read(ctx, "Product", Shape::Connection, listing).await? {
            return Ok(Compiled::read(value));
        }
        let rows = products::list(db(ctx)?, principal, &filter, &page)
            .await
            .gql()?;
        Ok(Compiled::Resolve(connection(
            rows,
            sort.key,
            ListCount::Products(filter),
            Product,
        )))
    }

    /// The product with this SKU, or null.
    async fn product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A SKU; case does not matter.")] sku: String,
    ) -> async_graphql::Result<Option<Product>> {
        let principal = Principal::of(ctx).gql()?;
        let found = products::by_sku(db(ctx)?, principal, &sku).await.gql()?;
        Ok(found.map(Product))
    }

    /// Price lists, by code unless `orderBy` says otherwise. Partners see the list of their
    /// own tier.
    async fn price_lists(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How the list is sorted. Default: by code, ascending.")] order_by: Option<
            CatalogOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<PriceList>> {
        let principal = Principal::of(ctx).gql()?;
        let sort = sort_of(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = pricing::list(db(ctx)?, principal, &page).await.gql()?;
        Ok(connection(rows, sort.key, ListCount::PriceLists, PriceList))
    }

    /// The tiers of the partner program, by code unless `orderBy` says otherwise.
    async fn partner_tiers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How the list is sorted. Default: by code, ascending.")] order_by: Option<
            CatalogOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<PartnerTier>> {
        let principal = Principal::of(ctx).gql()?;
        let sort = sort_of(order_by);
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = tiers::list(db(ctx)?, principal, &page).await.gql()?;
        Ok(connection(rows, sort.key, ListCount::Tiers, PartnerTier))
    }

    /// The one price that applies today to `buyerId` for `quantity` of the product `sku`,
    /// and where it came from: the price list of the buyer's partner tier at the largest
    /// quantity break reached, or the list price for a buyer outside the program. Partners
    /// are quoted for their own organization; staff for any buyer.
    async fn price_quote(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product's SKU; case does not matter.")] sku: String,
        #[graphql(desc = "How many, in the product's unit.")] quantity: Decimal,
        #[graphql(desc = "The buyer. Partners may leave it out: they are the buyer.")]
        buyer_id: Option<ID>,
        #[graphql(
            desc = "The authorisation number of a special price the brand approved for the buyer: \
                    the product is quoted at its authorised price, within what its cap has left."
        )]
        special_price: Option<String>,
        #[graphql(
            desc = "The end customer the special price was authorised for; required with `specialPrice`."
        )]
        end_customer_id: Option<ID>,
    ) -> async_graphql::Result<PriceQuote> {
        let principal = Principal::of(ctx).gql()?;
        let db = db(ctx)?;
        let limits = ctx.data::<TradeSettings>()?;
        let quote = async {
            principal.ensure_can_read_catalog()?;
            let quantity = money::quantity(&["quantity"], quantity.0, limits.max_quantity)?;
            let buyer = argument_id("buyerId", buyer_id.as_ref(), NodeType::Organization)?;
            let buyer = match (buyer, principal.partner_organization()) {
                (None, Some(own)) => own,
                (Some(named), Some(own)) if named != own => {
                    return Err(Error::user(
                        &["buyerId"],
                        ErrorCode::NotFound,
                        "you are quoted for your own organization only",
                    ));
                }
                (Some(named), _) => named,
                (None, None) => {
                    return Err(Error::user(
                        &["buyerId"],
                        ErrorCode::Required,
                        "name the buyer to quote for",
                    ));
                }
            };
            organizations::live_organization(db, principal, buyer, "buyerId")
                .await
                .map_err(|e| crate::catalog::tiers::rename_id_field(e, "buyerId"))?;
            let product = products::by_sku(db, principal, &sku)
                .await?
                .ok_or_else(|| {
                    Error::user(
                        &["sku"],
                        ErrorCode::NotFound,
                        format!("no product has SKU {}", sku.trim().to_uppercase()),
                    )
                })?;
            let special = buying::number(&["specialPrice"], special_price.as_deref())?;
            let end_customer = argument_id(
                "endCustomerId",
                end_customer_id.as_ref(),
                NodeType::Organization,
            )?;
            let today = crate::store::now().date_naive();
            let mut quote = pricing::quote(
                db,
                product,
                buyer,
                quantity,
                today,
                QuoteFields {
                    buyer: &["buyerId"],
                    product: &["sku"],
                },
            )
            .await?;
            let quantity_field = |_: usize| vec!["quantity".to_owned()];
            let fields = buying::Fields {
                number: &["specialPrice"],
                end_customer: &["endCustomerId"],
                quantity: &quantity_field,
            };
            match special {
                Some(number) => {
                    let agreement =
                        buying::in_force(db, &number, buyer, end_customer, today, &fields).await?;
                    let mut prices = [pricing::LinePrice {
                        unit_price: quote.unit_price,
                        currency: quote.currency,
                        source: quote.source,
                        min_quantity: quote.min_quantity,
                    }];
                    let uses =
                        agreement.price(&[(&quote.product, quantity)], &mut prices, &fields)?;
                    let [price] = prices;
                    let left = agreement
                        .lines
                        .iter()
                        .find(|l| uses.first().copied().flatten() == Some(l.id))
                        .map(buying::left)
                        .unwrap_or_default();
                    quote.unit_price = price.unit_price;
                    quote.source = price.source;
                    quote.min_quantity = None;
                    quote.price_list = None;
                    quote.special_price = Some((agreement.agreement, left));
                }
                None if end_customer.is_some() => {
                    return Err(Error::user(
                        fields.end_customer,
                        ErrorCode::NotAllowed,
                        "an end customer is named with the special price it is quoted at",
                    ));
                }
                None => {}
            }
            Ok(quote)
        }
        .await
        .gql()?;
        Ok(PriceQuote(quote))
    }
}

/// The result of changing a product.
#[derive(SimpleObject)]
pub struct ProductPayload {
    /// The product as it is now; null when the change was refused.
    pub product: Option<Product>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a specification.
#[derive(SimpleObject)]
pub struct ProductSpecPayload {
    /// The specification as it is now; null when the change was refused.
    pub specification: Option<ProductSpec>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a price list.
#[derive(SimpleObject)]
pub struct PriceListPayload {
    /// The price list as it is now; null when the change was refused.
    pub price_list: Option<PriceList>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a partner tier.
#[derive(SimpleObject)]
pub struct PartnerTierPayload {
    /// The tier as it is now; null when the change was refused.
    pub partner_tier: Option<PartnerTier>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of assigning a tier.
#[derive(SimpleObject)]
pub struct PartnerTierAssignPayload {
    /// The organization as it is now, with its tier history; null when refused.
    pub organization: Option<Organization>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn limits<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a TradeSettings> {
    ctx.data::<TradeSettings>()
}

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Adds a product to the catalog. Admins and managers only.
    async fn product_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new product.")] input: ProductCreateInput,
    ) -> async_graphql::Result<ProductPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok(new) => {
                in_transaction!(ctx, |txn, principal| products::create(&txn, principal, new))
            }
            Err(e) => Err(e),
        };
        let (product, user_errors) = outcome(result)?;
        Ok(ProductPayload {
            product: product.map(Product),
            user_errors,
        })
    }

    /// Changes a product, if it is still at the version you read. Admins and managers only.
    async fn product_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ProductUpdateInput,
    ) -> async_graphql::Result<ProductPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((id, version, changes)) => {
                let window = limits(ctx)?.price_protection_days;
                let repriced = changes.list_price.is_some();
                in_transaction!(ctx, |txn, principal| async {
                    // A list price that falls protects the stock distributors hold.
                    let watch = match repriced {
                        true => Some(Watch::before(&txn, &[id], window).await?),
                        false => None,
                    };
                    let saved = products::update(&txn, principal, id, version, changes).await?;
                    if let Some(watch) = watch {
                        watch.after(&txn, principal).await?;
                    }
                    Ok::<_, crate::error::Error>(saved)
                })
            }
            Err(e) => Err(e),
        };
        let (product, user_errors) = outcome(result)?;
        Ok(ProductPayload {
            product: product.map(Product),
            user_errors,
        })
    }

    /// Replaces the packs a product also comes in (a case of 12, …), which trading
    /// partners may order in. Admins and managers only.
    async fn product_packs_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The packs.")] input: ProductPacksSetInput,
    ) -> async_graphql::Result<ProductPayload> {
        let result = match input.parse() {
            Ok((id, packs)) => in_transaction!(ctx, |txn, principal| async {
                crate::catalog::packs::set(&txn, principal, id, packs).await?;
                products::by_ids(&txn, principal, &[id])
                    .await?
                    .remove(&id)
                    .ok_or_else(|| crate::orders::queries::not_found("productId", "product"))
            }),
            Err(e) => Err(e),
        };
        let (product, user_errors) = outcome(result)?;
        Ok(ProductPayload {
            product: product.map(Product),
            user_errors,
        })
    }

    /// Adds a specification to a product; its suppliers see it. Admins and managers only.
    async fn product_spec_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new specification.")] input: ProductSpecCreateInput,
    ) -> async_graphql::Result<ProductSpecPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| products::spec_create(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        let (spec, user_errors) = outcome(result)?;
        Ok(ProductSpecPayload {
            specification: spec.map(ProductSpec),
            user_errors,
        })
    }

    /// Changes a specification, if it is still at the version you read.
    async fn product_spec_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ProductSpecUpdateInput,
    ) -> async_graphql::Result<ProductSpecPayload> {
        let result = match input.parse() {
            Ok((id, version, name, value)) => in_transaction!(ctx, |txn, principal| {
                products::spec_update(&txn, principal, id, version, name, value)
            }),
            Err(e) => Err(e),
        };
        let (spec, user_errors) = outcome(result)?;
        Ok(ProductSpecPayload {
            specification: spec.map(ProductSpec),
            user_errors,
        })
    }

    /// Creates a price list with its prices. Admins and managers only.
    async fn price_list_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new price list.")] input: PriceListCreateInput,
    ) -> async_graphql::Result<PriceListPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok(new) => in_transaction!(ctx, |txn, principal| pricing::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (list, user_errors) = outcome(result)?;
        Ok(PriceListPayload {
            price_list: list.map(PriceList),
            user_errors,
        })
    }

    /// Changes a price list, if it is still at the version you read; `entries` replaces all
    /// its prices at once.
    async fn price_list_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: PriceListUpdateInput,
    ) -> async_graphql::Result<PriceListPayload> {
        let result = match input.parse(limits(ctx)?) {
            Ok((id, version, changes)) => {
                let window = limits(ctx)?.price_protection_days;
                in_transaction!(ctx, |txn, principal| async {
                    // Tier prices that fall protect the stock distributors hold.
                    let watch = match &changes.entries {
                        Some(entries) => {
                            let mut products = pricing::products_on(&txn, id).await?;
                            products.extend(entries.iter().map(|e| e.product_id));
                            products.sort();
                            products.dedup();
                            Some(Watch::before(&txn, &products, window).await?)
                        }
                        None => None,
                    };
                    let saved = pricing::update(&txn, principal, id, version, changes).await?;
                    if let Some(watch) = watch {
                        watch.after(&txn, principal).await?;
                    }
                    Ok::<_, crate::error::Error>(saved)
                })
            }
            Err(e) => Err(e),
        };
        let (list, user_errors) = outcome(result)?;
        Ok(PriceListPayload {
            price_list: list.map(PriceList),
            user_errors,
        })
    }

    /// Creates a tier of the partner program. Admins and managers only.
    async fn partner_tier_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new tier.")] input: PartnerTierCreateInput,
    ) -> async_graphql::Result<PartnerTierPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| tiers::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        let (tier, user_errors) = outcome(result)?;
        Ok(PartnerTierPayload {
            partner_tier: tier.map(PartnerTier),
            user_errors,
        })
    }

    /// Changes a tier, if it is still at the version you read.
    async fn partner_tier_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: PartnerTierUpdateInput,
    ) -> async_graphql::Result<PartnerTierPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| tiers::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        let (tier, user_errors) = outcome(result)?;
        Ok(PartnerTierPayload {
            partner_tier: tier.map(PartnerTier),
            user_errors,
        })
    }

    /// Moves a distributor or dealer into a tier (or out of the program): the current
    /// membership ends and the new one begins at the same moment, and both stay in its
    /// `tierHistory`. Admins and managers only.
    async fn partner_tier_assign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and its new tier.")] input: PartnerTierAssignInput,
    ) -> async_graphql::Result<PartnerTierAssignPayload> {
        let result = match input.parse() {
            Ok((org, version, tier, note)) => in_transaction!(ctx, |txn, principal| {
                tiers::assign(&txn, principal, org, version, tier, note)
            }),
            Err(e) => Err(e),
        };
        let (org, user_errors) = outcome(result)?;
        Ok(PartnerTierAssignPayload {
            organization: org.map(organization),
            user_errors,
        })
    }
}
