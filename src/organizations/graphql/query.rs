//! Reading the directory.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::Expr;

use super::types::*;
use crate::access::Principal;
use crate::domain;
use crate::error::{Error, GqlResult};
use crate::graphql::compiled::spec::{Listing, Paging, Shape};
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::ids::{NodeType, argument_id};
use crate::organizations::model::OrganizationFilter as Filter;
use crate::organizations::service;
use crate::pagination::{PageRequest, Sort, SortKey};
use entity::enums::OrganizationKind as Kind;

/// Narrows a list of organizations. All given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrganizationFilter {
    /// Only organizations of these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only those whose name contains this text, ignoring case (in every script that has case).
    pub name_contains: Option<String>,
    /// Only the organization with this partner code.
    pub code: Option<String>,
    /// Only those in this territory.
    pub territory: Option<String>,
    /// Only those in this industry segment.
    pub segment: Option<IndustrySegment>,
    /// Only those with this status.
    pub status: Option<OrganizationStatus>,
    /// Only the children of this organization.
    pub parent_id: Option<ID>,
    /// Only the accounts this staff user owns.
    pub account_owner_id: Option<ID>,
    /// Include archived organizations. Default false.
    #[graphql(default)]
    pub include_archived: bool,
}

/// What an organization list is sorted by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganizationOrderField {
    /// The name, ignoring case.
    Name,
    /// When it was created.
    CreatedAt,
    /// When it last changed.
    UpdatedAt,
}

/// Which way a list runs.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDirection {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// How an organization list is sorted; ties are broken by id.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct OrganizationOrder {
    /// The field to sort by.
    pub field: OrganizationOrderField,
    /// The direction. Default ASC.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl OrganizationFilter {
    fn parse(self) -> crate::error::Result<Filter> {
        let parent_id = argument_id(
            "filter.parentId",
            self.parent_id.as_ref(),
            NodeType::Organization,
        )?;
        let account_owner_id = argument_id(
            "filter.accountOwnerId",
            self.account_owner_id.as_ref(),
            NodeType::User,
        )?;
        Ok(Filter {
            account_owner_id,
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            name_contains: domain::search_text("filter.nameContains", self.name_contains)?,
            code: self.code.map(|c| c.trim().to_uppercase()),
            territory: self.territory.map(|t| t.trim().to_uppercase()),
            segment: self.segment.map(Into::into),
            status: self.status.map(Into::into),
            parent_id,
            include_archived: self.include_archived,
        })
    }
}

fn sort_of(order: Option<OrganizationOrder>) -> Sort {
    let order = order.unwrap_or(OrganizationOrder {
        field: OrganizationOrderField::Name,
        direction: SortDirection::Asc,
    });
    Sort {
        key: match order.field {
            OrganizationOrderField::Name => SortKey::Name,
            OrganizationOrderField::CreatedAt => SortKey::CreatedAt,
            OrganizationOrderField::UpdatedAt => SortKey::UpdatedAt,
        },
        descending: order.direction == SortDirection::Desc,
    }
}

/// Counts a whole organization list.
struct ListCount(Filter);

impl Counter for ListCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = service::count(db, principal, &self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[allow(clippy::too_many_arguments)]
async fn list<N: async_graphql::OutputType>(
    ctx: &Context<'_>,
    only: Option<entity::enums::OrganizationKind>,
    filter: Option<OrganizationFilter>,
    order_by: Option<OrganizationOrder>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    node: impl Fn(entity::organization::Model) -> N,
) -> async_graphql::Result<Compiled<Conn<N>>> {
    let principal = Principal::of(ctx).gql()?;
    let db = ctx.data::<DatabaseConnection>()?;
    let mut filter = filter.unwrap_or_default().parse().gql()?;
    if let Some(kind) = only {
        if !filter.kinds.is_empty() && !filter.kinds.contains(&kind) {
            return Err(Error::bad_input(
                "filter.kinds",
                format!("this list holds only organizations of kind {kind:?}"),
            ))
            .gql();
        }
        filter.kinds = vec![kind];
    }
    let sort = sort_of(order_by);
    let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
    let target = match only {
        None => "Organization",
        Some(entity::enums::OrganizationKind::EndCustomer) => "Customer",
        Some(entity::enums::OrganizationKind::IntermediateCustomer) => "IntermediateCustomer",
        Some(entity::enums::OrganizationKind::Distributor) => "Distributor",
        Some(entity::enums::OrganizationKind::Supplier) => "Supplier",
        Some(entity::enums::OrganizationKind::Brand) => "Brand",
        Some(entity::enums::OrganizationKind::PublicInterest) => "PublicInterestOrganization",
    };
    let listing = Listing::page(
        service::listing(principal, &filter).gql()?,
        Paging {
            page: page.clone(),
            key: sort.key,
            sort: Expr::col((entity::organization::Entity, service::sort_column(sort.key))),
            id: Expr::col((
                entity::organization::Entity,
                entity::organization::Column::Id,
            )),
        },
    );
    if let Some(value) = compiled::read(ctx, target, Shape::Connection, listing).await? {
        return Ok(Compiled::read(value));
    }
    let rows = service::list(db, principal, &filter, &page).await.gql()?;
    Ok(Compiled::Resolve(connection(
        rows,
        sort.key,
        ListCount(filter),
        node,
    )))
}

#[derive(Default)]
pub struct DirectoryQuery;

/// Generates the organization lists: every kind, then one typed list per kind.
macro_rules! directory_query {
    ($( $(#[$doc:meta])* $name:ident: $kind:expr => $node:ty = $wrap:expr; )*) => {
        #[Object]
        impl DirectoryQuery {
            $(
                $(#[$doc])*
                #[allow(clippy::too_many_arguments)]
                async fn $name(
                    &self,
                    ctx: &Context<'_>,
                    #[graphql(desc = "Narrows the list.")] filter: Option<OrganizationFilter>,
                    #[graphql(desc = "How the list is sorted. Default: by name, ascending.")]
                    order_by: Option<OrganizationOrder>,
                    #[graphql(desc = "Return the first n (at most 100; default 20).")]
                    first: Option<i32>,
                    #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                    #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                    #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
                ) -> async_graphql::Result<Compiled<Conn<$node>>> {
                    list(ctx, $kind, filter, order_by, first, after, last, before, $wrap).await
                }
            )*

            /// The organization with this partner code (archived ones too), or null.
            async fn organization(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "A partner code; case does not matter.")] code: String,
            ) -> async_graphql::Result<Compiled<Option<Organization>>> {
                let principal = Principal::of(ctx).gql()?;
                let db = ctx.data::<DatabaseConnection>()?;
                let listing = Listing::rows(service::by_code_listing(principal, &code).gql()?);
                if let Some(value) =
                    compiled::read(ctx, "Organization", Shape::One, listing).await?
                {
                    return Ok(Compiled::read(value));
                }
                let found = service::by_code(db, principal, &code).await.gql()?;
                Ok(Compiled::Resolve(found.map(organization)))
            }

            /// The organizations you trade with upstream and may see in part: for a
            /// partner, those it buys from through live channel links (a dealer's
            /// distributor) and the brand; for staff, the brand. Each with its code, name,
            /// kind and addresses; nothing else of it.
            async fn trading_partners(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Vec<TradingPartner>> {
                let principal = Principal::of(ctx).gql()?;
                let db = ctx.data::<DatabaseConnection>()?;
                let parties = service::trading_partners(db, principal).await.gql()?;
                Ok(parties
                    .into_iter()
                    .map(|(party, addresses)| TradingPartner::new(party, addresses))
                    .collect())
            }
        }
    };
}

directory_query! {
    /// Organizations of every kind, by name unless `orderBy` says otherwise.
    organizations: None => Organization = organization;
    /// End customers, by name unless `orderBy` says otherwise.
    customers: Some(Kind::EndCustomer) => Customer = Customer;
    /// Intermediate customers (dealers, retailers, wholesalers, contractors), by name unless
    /// `orderBy` says otherwise.
    intermediate_customers: Some(Kind::IntermediateCustomer) => IntermediateCustomer = IntermediateCustomer;
    /// Distributors, by name unless `orderBy` says otherwise.
    distributors: Some(Kind::Distributor) => Distributor = Distributor;
    /// Suppliers, by name unless `orderBy` says otherwise.
    suppliers: Some(Kind::Supplier) => Supplier = Supplier;
}
