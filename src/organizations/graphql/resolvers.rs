//! Reading and changing the directory. Each mutation runs in one transaction: it changes
//! everything or nothing. Business failures come back in `userErrors`; the rest as GraphQL
//! errors.

use async_graphql::{Context, Object, SimpleObject};
use entity::enums::OrganizationKind as Kind;
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::Expr;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::error::{Error, GqlResult, Result};
use crate::graphql::compiled::spec::{Listing, Paging, Shape};
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::NodeType;
use crate::organizations::model::OrganizationFilter as Filter;
use crate::organizations::{addresses, contacts, links, service};
use crate::pagination::PageRequest;
use crate::settings::CrmSettings;

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

/// The result of changing an organization.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as it is now; null when the change was refused.
    pub organization: Option<Organization>,
    /// The changes that wait for the brand's approval, when a partner changed a field that
    /// needs it (`partner_approval_fields`); null otherwise.
    pub proposal: Option<super::ChangeProposal>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a contact.
#[derive(SimpleObject)]
pub struct ContactPayload {
    /// The contact as it is now; null when the change was refused.
    pub contact: Option<Contact>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing an address.
#[derive(SimpleObject)]
pub struct AddressPayload {
    /// The address as it is now; null when the change was refused.
    pub address: Option<Address>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a channel link.
#[derive(SimpleObject)]
pub struct ChannelLinkPayload {
    /// The link as it is now; null when the change was refused.
    pub channel_link: Option<ChannelLink>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

pub(super) fn org_payload(
    result: Result<entity::organization::Model>,
) -> async_graphql::Result<OrganizationPayload> {
    let (org, user_errors) = outcome(result)?;
    Ok(OrganizationPayload {
        organization: org.map(organization),
        proposal: None,
        user_errors,
    })
}

fn contact_payload(
    result: Result<entity::contact::Model>,
) -> async_graphql::Result<ContactPayload> {
    let (contact, user_errors) = outcome(result)?;
    Ok(ContactPayload {
        contact: contact.map(Contact),
        user_errors,
    })
}

fn address_payload(
    result: Result<entity::address::Model>,
) -> async_graphql::Result<AddressPayload> {
    let (address, user_errors) = outcome(result)?;
    Ok(AddressPayload {
        address: address.map(Address),
        user_errors,
    })
}

fn link_payload(
    result: Result<entity::channel_link::Model>,
) -> async_graphql::Result<ChannelLinkPayload> {
    let (link, user_errors) = outcome(result)?;
    Ok(ChannelLinkPayload {
        channel_link: link.map(ChannelLink),
        user_errors,
    })
}

#[derive(Default)]
pub struct DirectoryMutation;

#[Object]
impl DirectoryMutation {
    /// Creates an organization. Its partner code must be unique.
    async fn organization_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organization.")] input: OrganizationCreateInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input.parse() {
            Ok(new) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::create(
                    &txn, principal, crm, new
                ))
            }
            Err(e) => Err(e),
        };
        org_payload(result)
    }

    /// Changes an organization, if it is still at the version you read.
    async fn organization_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: OrganizationUpdateInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::update(
                    &txn, principal, crm, id, version, changes
                ))
            }
            Err(e) => Err(e),
        };
        let (updated, user_errors) = outcome(result)?;
        Ok(match updated {
            Some(u) => OrganizationPayload {
                organization: Some(organization(u.organization)),
                proposal: u.proposal.map(super::ChangeProposal),
                user_errors,
            },
            None => OrganizationPayload {
                organization: None,
                proposal: None,
                user_errors,
            },
        })
    }

    /// Archives an organization: it keeps its history and drops out of lists unless asked for.
    async fn organization_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input_id("id", &input.id, NodeType::Organization) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        org_payload(result)
    }

    /// Adds a contact to an organization.
    async fn contact_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new contact.")] input: ContactCreateInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input.parse() {
            Ok(new) => {
                in_transaction!(ctx, |txn, principal| contacts::create(&txn, principal, new))
            }
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Changes a contact, if it is still at the version you read.
    async fn contact_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ContactUpdateInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| contacts::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Archives a contact.
    async fn contact_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input_id("id", &input.id, NodeType::Contact) {
            Ok(id) => in_transaction!(ctx, |txn, principal| contacts::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Adds an address to an organization.
    async fn address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new address.")] input: AddressCreateInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| addresses::create(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Changes an address, if it is still at the version you read.
    async fn address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: AddressUpdateInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| addresses::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Archives an address.
    async fn address_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input_id("id", &input.id, NodeType::Address) {
            Ok(id) => in_transaction!(ctx, |txn, principal| addresses::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Links two organizations. The link must join kinds that allow it, must not join an
    /// organization to itself, and must not duplicate a live link of the same kind.
    async fn channel_link_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new link.")] input: ChannelLinkCreateInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| links::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        link_payload(result)
    }

    /// Changes a channel link, if it is still at the version you read.
    async fn channel_link_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ChannelLinkUpdateInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| links::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        link_payload(result)
    }

    /// Archives a channel link.
    async fn channel_link_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input_id("id", &input.id, NodeType::ChannelLink) {
            Ok(id) => in_transaction!(ctx, |txn, principal| links::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        link_payload(result)
    }
}
