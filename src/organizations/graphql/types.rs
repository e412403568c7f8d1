//! Organizations, contacts, addresses and channel links as GraphQL types.

use async_graphql::{Context, Enum, ID, InputObject, Interface, Object};
use entity::{address, channel_link, contact, enums, organization};
use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::auth::graphql::User;
use crate::auth::loaders::UserId;
use crate::error::{Error, GqlResult};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::loading::{ChildRelation, CountKey, PageKey, load_one};
use crate::graphql::scalars::{Date, DateTime};
use crate::ids::{GlobalId, NodeType};
use crate::organizations::loaders::{
    AddressRelation, ContactRelation, LinkRelation, OrganizationId, OrganizationRelation,
};
use crate::organizations::model::{LinkEnd, LinkFilter};
use crate::pagination::{Page, PageRequest, Sort, SortKey};

/// The role an organization plays in the channel.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OrganizationKind")]
pub enum OrganizationKind {
    /// The brand owner itself: the one organization the channel runs through.
    Brand,
    /// Buys to use: a consumer or a business.
    EndCustomer,
    /// Buys to resell: a dealer, retailer, wholesaler or contractor.
    IntermediateCustomer,
    /// Buys from the brand and supplies intermediate customers; may run sub-distributors.
    Distributor,
    /// Supplies the brand.
    Supplier,
    /// Government, an industry association, media: relationships but no trade.
    PublicInterest,
}

/// Whether an organization is currently doing business.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::OrganizationStatus")]
pub enum OrganizationStatus {
    /// Doing business.
    Active,
    /// Temporarily stopped, for example pending a credit review.
    OnHold,
    /// No longer doing business, but kept as a live record.
    Inactive,
    /// A dealer a distributor registered, waiting for the brand's approval; it does not
    /// trade until approved.
    Pending,
    /// A registration the brand turned down (`statusReason` says why); archived.
    Rejected,
}

/// The industry an organization belongs to.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::IndustrySegment")]
pub enum IndustrySegment {
    /// Banks, insurers and other financial services.
    Finance,
    /// Large companies buying for their own operations.
    Enterprise,
    /// Schools and universities.
    Education,
    /// Public administration.
    Government,
    /// Shops and retail chains.
    Retail,
    /// Manufacturers.
    Manufacturing,
    /// Hospitals, clinics and care.
    Healthcare,
    /// Hotels, restaurants and catering.
    Hospitality,
    /// Builders and contractors.
    Construction,
    /// Any other industry.
    Other,
}

/// Whether a customer is a private person or a business.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::CustomerType")]
pub enum CustomerType {
    /// A private person.
    Consumer,
    /// A business or institution.
    Business,
}

/// The part a contact plays in buying.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::BuyingRole")]
pub enum BuyingRole {
    /// Decides the purchase.
    DecisionMaker,
    /// Shapes the decision.
    Influencer,
    /// Uses the product.
    User,
    /// Controls access to the decision makers.
    Gatekeeper,
}

/// Whether a contact agreed to marketing. An opt-out is binding.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ConsentStatus")]
pub enum ConsentStatus {
    /// Never asked: no marketing may be sent.
    Unknown,
    /// Agreed to marketing.
    OptedIn,
    /// Refused or withdrew consent: no marketing may be sent.
    OptedOut,
}

/// What an address is used for.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::AddressKind")]
pub enum AddressKind {
    /// Where invoices go.
    Billing,
    /// Where goods are delivered.
    Shipping,
    /// The registered head office.
    HeadOffice,
}

/// What flows along a channel link, from upstream to downstream.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ChannelLinkKind")]
pub enum ChannelLinkKind {
    /// A supplier supplies the brand (or a distributor).
    Supplies,
    /// The brand or a distributor distributes to a (sub-)distributor.
    DistributesTo,
    /// A distributor (or the brand) resells to an intermediate customer.
    ResellsTo,
    /// A dealer, a distributor or the brand serves an end customer.
    Serves,
}

/// How close a relationship is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::RelationshipLevel")]
pub enum RelationshipLevel {
    /// Sell and leave.
    Reactive,
    /// Call back after the sale.
    Proactive,
    /// Ask needs before the sale and solve problems after it.
    Active,
    /// Joint development, supply and planning.
    Partnership,
}

/// Whether a channel link is in force.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::ChannelLinkStatus")]
pub enum ChannelLinkStatus {
    /// In force.
    Active,
    /// Paused; it may resume.
    Suspended,
    /// Over.
    Ended,
}

/// Narrows a list of channel links.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ChannelLinkFilter {
    /// Only links of these kinds.
    pub kinds: Option<Vec<ChannelLinkKind>>,
    /// Only links with this status.
    pub status: Option<ChannelLinkStatus>,
    /// Include archived links. Default false.
    #[graphql(default)]
    pub include_archived: bool,
}

impl From<ChannelLinkFilter> for LinkFilter {
    fn from(f: ChannelLinkFilter) -> Self {
        LinkFilter {
            kinds: f
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            status: f.status.map(Into::into),
            include_archived: f.include_archived,
        }
    }
}

/// Counts one parent's children through the count loader.
pub(crate) struct RelationCount<R> {
    pub(crate) key: CountKey<R>,
}

impl<R: ChildRelation> Counter for RelationCount<R> {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let n = load_one(ctx, self.key.clone()).await?.unwrap_or(0);
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

/// One page of a parent's children, loaded in a batch with every other parent's.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn child_connection<R, N>(
    ctx: &Context<'_>,
    parent: Uuid,
    relation: R,
    sort: Sort,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    node: impl Fn(R::Model) -> N,
) -> async_graphql::Result<Conn<N>>
where
    R: ChildRelation,
    N: async_graphql::OutputType,
{
    let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
    let loaded: Page<R::Model> = load_one(
        ctx,
        PageKey {
            parent,
            relation: relation.clone(),
            page,
        },
    )
    .await?
    .unwrap_or_default();
    Ok(connection(
        loaded,
        sort.key,
        RelationCount {
            key: CountKey { parent, relation },
        },
        node,
    ))
}

/// The organization with `id`, if the caller may see it, through the request's loader.
pub async fn organization_by_id(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<Organization>> {
    Ok(load_one(ctx, OrganizationId(id)).await?.map(organization))
}

/// The API type of an organization, chosen by its kind.
pub fn organization(m: organization::Model) -> Organization {
    match m.kind {
        enums::OrganizationKind::Brand => Organization::Brand(Brand(m)),
        enums::OrganizationKind::EndCustomer => Organization::Customer(Customer(m)),
        enums::OrganizationKind::IntermediateCustomer => {
            Organization::IntermediateCustomer(IntermediateCustomer(m))
        }
        enums::OrganizationKind::Distributor => Organization::Distributor(Distributor(m)),
        enums::OrganizationKind::Supplier => Organization::Supplier(Supplier(m)),
        enums::OrganizationKind::PublicInterest => {
            Organization::PublicInterestOrganization(PublicInterestOrganization(m))
        }
    }
}

/// A party in the channel. Every kind of organization implements this interface.
// The interface's field list repeats `ty`, `name` and `arg`, as the derive requires.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(
        name = "id",
        ty = "ID",
        desc = "Opaque global id; use it with `node(id:)`."
    ),
    field(
        name = "kind",
        ty = "OrganizationKind",
        desc = "The role it plays in the channel."
    ),
    field(name = "name", ty = "String", desc = "The name it trades under."),
    field(
        name = "legal_name",
        ty = "Option<String>",
        desc = "The registered legal name."
    ),
    field(
        name = "code",
        ty = "String",
        desc = "Unique partner code, also its trading partner id in EDI."
    ),
    field(
        name = "tax_id",
        ty = "Option<String>",
        desc = "Tax or VAT registration number."
    ),
    field(
        name = "segment",
        ty = "Option<IndustrySegment>",
        desc = "The industry it belongs to."
    ),
    field(
        name = "customer_type",
        ty = "Option<CustomerType>",
        desc = "Consumer or business."
    ),
    field(
        name = "territory",
        ty = "Option<String>",
        desc = "The sales territory it belongs to."
    ),
    field(
        name = "status",
        ty = "OrganizationStatus",
        desc = "Whether it is doing business."
    ),
    field(
        name = "status_reason",
        ty = "Option<String>",
        desc = "Why it stands as it does: the brand's reason for rejecting a dealer's registration."
    ),
    field(
        name = "key_account",
        ty = "bool",
        desc = "A key account: it always has one open return visit, due the configured number of days after its last visit."
    ),
    field(
        name = "archived_at",
        ty = "Option<DateTime>",
        desc = "When it was archived; archived organizations drop out of lists unless asked for."
    ),
    field(name = "created_at", ty = "DateTime", desc = "When it was created."),
    field(name = "updated_at", ty = "DateTime", desc = "When it last changed."),
    field(
        name = "version",
        ty = "i32",
        desc = "Increases with every change; send it back with an update."
    ),
    field(
        name = "figures",
        ty = "Option<crate::analytics::graphql::CustomerFigures>",
        desc = "What it bought and is worth as a customer, as of a day: see CustomerFigures. Null for the brand, suppliers and public-interest organizations.",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The day the figures are for. Default: today in the business time zone."
        )
    ),
    field(
        name = "parent",
        ty = "Option<Organization>",
        desc = "The organization it belongs to in a corporate group."
    ),
    field(
        name = "account_owner",
        ty = "Option<User>",
        desc = "The staff user who owns the account; null if none, or not visible to you."
    ),
    field(
        name = "children",
        ty = "Conn<Organization>",
        desc = "Organizations whose parent it is, by name.",
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        ),
        arg(
            name = "include_archived",
            ty = "bool",
            default = false,
            desc = "Include archived organizations."
        )
    ),
    field(
        name = "contacts",
        ty = "Conn<Contact>",
        desc = "The people at this organization, by name.",
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        ),
        arg(
            name = "include_archived",
            ty = "bool",
            default = false,
            desc = "Include archived contacts."
        )
    ),
    field(
        name = "timeline",
        ty = "Conn<crate::relationship::graphql::TimelineItem>",
        desc = "Everything that happened with it, newest first: interactions, orders placed by or with it, cases and survey responses, as far as you may see them.",
        arg(
            name = "filter",
            ty = "Option<crate::relationship::graphql::TimelineFilter>",
            desc = "Narrows the timeline to some kinds of items."
        ),
        arg(
            name = "order_by",
            ty = "Option<crate::relationship::graphql::TimelineOrder>",
            desc = "How the timeline is sorted. Default: newest first."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        )
    ),
    field(
        name = "orders",
        ty = "Conn<crate::orders::graphql::Order>",
        desc = "The orders it placed, as the buyer, newest first unless `orderBy` says otherwise, as far as you may see them.",
        arg(
            name = "filter",
            ty = "Option<crate::orders::graphql::OrderFilter>",
            desc = "Narrows the list."
        ),
        arg(
            name = "order_by",
            ty = "Option<crate::orders::graphql::OrderOrder>",
            desc = "How the list is sorted. Default: newest first."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100; default 20)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        )
    ),
    field(
        name = "addresses",
        ty = "Conn<Address>",
        desc = "Its billing, shipping and head office addresses, oldest first.",
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        ),
        arg(
            name = "include_archived",
            ty = "bool",
            default = false,
            desc = "Include archived addresses."
        )
    ),
    field(
        name = "upstream_links",
        ty = "Conn<ChannelLink>",
        desc = "Links from the organizations that supply, distribute to, resell to or serve this one, oldest first.",
        arg(
            name = "filter",
            ty = "Option<ChannelLinkFilter>",
            desc = "Narrows the links."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        )
    ),
    field(
        name = "downstream_links",
        ty = "Conn<ChannelLink>",
        desc = "Links to the organizations this one supplies, distributes to, resells to or serves, oldest first.",
        arg(
            name = "filter",
            ty = "Option<ChannelLinkFilter>",
            desc = "Narrows the links."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Return the first n (at most 100)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Return those after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Return the last n (at most 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Return those before this cursor."
        )
    )
)]
pub enum Organization {
    Brand(Brand),
    Customer(Customer),
    IntermediateCustomer(IntermediateCustomer),
    Distributor(Distributor),
    Supplier(Supplier),
    PublicInterestOrganization(PublicInterestOrganization),
}

/// Generates an organization type: the fields every organization has, then its own.
macro_rules! organization_type {
    (
        $(#[$doc:meta])* $ty:ident {
            $( $(#[$fdoc:meta])* $name:ident: $direction:ident $kind:ident -> $node:ty = $wrap:expr; )*
        } $( fields { $($extra:tt)* } )?
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $ty(pub organization::Model);

        $(#[$doc])*
        #[Object]
        impl $ty {
            /// Opaque global id; use it with `node(id:)`.
            pub async fn id(&self) -> ID {
                ID(GlobalId::encode(NodeType::Organization, self.0.id))
            }
            /// The role it plays in the channel.
            pub async fn kind(&self) -> OrganizationKind {
                self.0.kind.into()
            }
            /// The name it trades under.
            pub async fn name(&self) -> String {
                self.0.name.clone()
            }
            /// The registered legal name.
            pub async fn legal_name(&self) -> Option<String> {
                self.0.legal_name.clone()
            }
            /// Unique partner code, also its trading partner id in EDI.
            pub async fn code(&self) -> String {
                self.0.code.clone()
            }
            /// Tax or VAT registration number.
            pub async fn tax_id(&self) -> Option<String> {
                self.0.tax_id.clone()
            }
            /// The industry it belongs to.
            pub async fn segment(&self) -> Option<IndustrySegment> {
                self.0.segment.map(Into::into)
            }
            /// Consumer or business.
            pub async fn customer_type(&self) -> Option<CustomerType> {
                self.0.customer_type.map(Into::into)
            }
            /// The sales territory it belongs to.
            pub async fn territory(&self) -> Option<String> {
                self.0.territory.clone()
            }
            /// Whether it is doing business.
            pub async fn status(&self) -> OrganizationStatus {
                self.0.status.into()
            }
            /// Why it stands as it does: the brand's reason for rejecting a dealer's
            /// registration.
            pub async fn status_reason(&self) -> Option<String> {
                self.0.status_reason.clone()
            }
            /// A key account: it always has one open return visit, due the configured number
            /// of days after its last visit.
            pub async fn key_account(&self) -> bool {
                self.0.key_account
            }
            /// When it was archived; archived organizations drop out of lists unless asked for.
            pub async fn archived_at(&self) -> Option<DateTime> {
                self.0.archived_at.map(DateTime)
            }
            /// When it was created.
            pub async fn created_at(&self) -> DateTime {
                DateTime(self.0.created_at)
            }
            /// When it last changed.
            pub async fn updated_at(&self) -> DateTime {
                DateTime(self.0.updated_at)
            }
            /// Increases with every change; send it back with an update.
            pub async fn version(&self) -> i32 {
                self.0.version
            }
            /// The organization it belongs to in a corporate group.
            pub async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
                parent_of(ctx, &self.0).await
            }
            /// The staff user who owns the account; null if none, or not visible to you.
            pub async fn account_owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
                let Some(owner) = self.0.account_owner_id else {
                    return Ok(None);
                };
                Ok(load_one(ctx, UserId(owner)).await?
                    .map(User::new))
            }
            /// Organizations whose parent it is, by name.
            pub async fn children(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
                #[graphql(default = false, desc = "Include archived organizations.")] include_archived: bool,
            ) -> async_graphql::Result<Conn<Organization>> {
                let relation = OrganizationRelation::Children { include_archived };
                child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::Name), first, after, last, before, organization).await
            }
            /// The people at this organization, by name.
            pub async fn contacts(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
                #[graphql(default = false, desc = "Include archived contacts.")] include_archived: bool,
            ) -> async_graphql::Result<Conn<Contact>> {
                let relation = ContactRelation { include_archived };
                child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::Name), first, after, last, before, Contact).await
            }
            /// Everything that happened with it, newest first: interactions, orders placed by
            /// or with it, cases and survey responses, as far as you may see them.
            #[allow(clippy::too_many_arguments)]
            pub async fn timeline(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Narrows the timeline to some kinds of items.")] filter: Option<crate::relationship::graphql::TimelineFilter>,
                #[graphql(desc = "How the timeline is sorted. Default: newest first.")] order_by: Option<crate::relationship::graphql::TimelineOrder>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
            ) -> async_graphql::Result<Conn<crate::relationship::graphql::TimelineItem>> {
                crate::relationship::graphql::timeline_connection(
                    ctx,
                    self.0.id,
                    crate::relationship::timeline::TimelineOf::Organization,
                    filter,
                    order_by,
                    first,
                    after,
                    last,
                    before,
                )
                .await
            }
            /// The orders it placed, as the buyer, newest first unless `orderBy` says
            /// otherwise, as far as you may see them.
            #[allow(clippy::too_many_arguments)]
            pub async fn orders(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Narrows the list.")] filter: Option<crate::orders::graphql::OrderFilter>,
                #[graphql(desc = "How the list is sorted. Default: newest first.")] order_by: Option<crate::orders::graphql::OrderOrder>,
                #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
            ) -> async_graphql::Result<Conn<crate::orders::graphql::Order>> {
                let filter = filter.unwrap_or_default().parse().gql()?;
                let relation = crate::orders::queries::PlacedOrders { filter };
                let sort = crate::orders::graphql::sort_of(order_by);
                child_connection(ctx, self.0.id, relation, sort, first, after, last, before, crate::orders::graphql::Order).await
            }
            /// Its billing, shipping and head office addresses, oldest first.
            pub async fn addresses(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
                #[graphql(default = false, desc = "Include archived addresses.")] include_archived: bool,
            ) -> async_graphql::Result<Conn<Address>> {
                let relation = AddressRelation { include_archived };
                child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::CreatedAt), first, after, last, before, Address).await
            }
            /// Links from the organizations that supply, distribute to, resell to or serve this
            /// one, oldest first.
            pub async fn upstream_links(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Narrows the links.")] filter: Option<ChannelLinkFilter>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
            ) -> async_graphql::Result<Conn<ChannelLink>> {
                let relation = LinkRelation { end: LinkEnd::Downstream, filter: filter.unwrap_or_default().into() };
                child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::CreatedAt), first, after, last, before, ChannelLink).await
            }
            /// Links to the organizations this one supplies, distributes to, resells to or
            /// serves, oldest first.
            pub async fn downstream_links(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Narrows the links.")] filter: Option<ChannelLinkFilter>,
                #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
            ) -> async_graphql::Result<Conn<ChannelLink>> {
                let relation = LinkRelation { end: LinkEnd::Upstream, filter: filter.unwrap_or_default().into() };
                child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::CreatedAt), first, after, last, before, ChannelLink).await
            }
            /// The partner tier it belongs to now; null outside the partner program.
            pub async fn partner_tier(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Option<crate::catalog::graphql::PartnerTier>> {
                crate::catalog::graphql::current_tier(ctx, self.0.id).await
            }
            /// What it owes the brand now, per currency: its open orders not yet invoiced plus
            /// its unpaid invoices, tax included; the figure the credit check adds an order to.
            /// Null for other partners' organizations.
            pub async fn credit_exposure(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Option<Vec<crate::graphql::money::Money>>> {
                let principal = crate::access::Principal::of(ctx).gql()?;
                if principal.partner_organization().is_some_and(|own| own != self.0.id) {
                    return Ok(None);
                }
                let found = load_one(ctx, crate::orders::loaders::ExposureOf(self.0.id)).await?
                    .unwrap_or_default();
                Ok(Some(
                    found
                        .into_iter()
                        .map(|(currency, amount)| crate::graphql::money::Money::of(amount, &currency))
                        .collect(),
                ))
            }
            /// Its memberships of partner tiers, newest first: who moved it, when, and why.
            pub async fn tier_history(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Vec<crate::catalog::graphql::TierMembership>> {
                crate::catalog::graphql::memberships(ctx, self.0.id).await
            }
            /// The most it may owe the brand: open orders plus unpaid invoices. Orders that
            /// would take it past this limit wait in CREDIT_HOLD. Null when no limit is set,
            /// and for other partners' organizations. A partner's own is for its finance
            /// and managers, and tokens with `orders:read`.
            pub async fn credit_limit(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Option<crate::graphql::money::Money>> {
                let principal = crate::access::Principal::of(ctx).gql()?;
                if principal.partner_organization().is_some_and(|own| own != self.0.id) {
                    return Ok(None);
                }
                if principal.is_restricted() {
                    principal.ensure_can_read_credit().gql()?;
                }
                Ok(self
                    .0
                    .credit_limit
                    .zip(self.0.credit_currency.as_deref())
                    .map(|(amount, currency)| crate::graphql::money::Money::of(*amount, currency)))
            }

            /// What it bought and is worth as a customer, as of a day: see CustomerFigures.
            /// Null for the brand, suppliers and public-interest organizations.
            pub async fn figures(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The day the figures are for. Default: today in the business time zone.")]
                as_of: Option<Date>,
            ) -> async_graphql::Result<Option<crate::analytics::graphql::CustomerFigures>> {
                let figures =
                    crate::analytics::graphql::figures_of(ctx, self.0.id, self.0.kind, as_of).await;
                Ok(crate::graphql::null_on_error(ctx, figures))
            }

            $( $($extra)* )?

            $(
                $(#[$fdoc])*
                pub async fn $name(
                    &self,
                    ctx: &Context<'_>,
                    #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
                    #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
                    #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
                    #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
                ) -> async_graphql::Result<Conn<$node>> {
                    let relation = OrganizationRelation::$direction(enums::ChannelLinkKind::$kind);
                    child_connection(ctx, self.0.id, relation, Sort::ascending(SortKey::Name), first, after, last, before, $wrap).await
                }
            )*
        }
    };
}

async fn parent_of(
    ctx: &Context<'_>,
    m: &organization::Model,
) -> async_graphql::Result<Option<Organization>> {
    let Some(parent) = m.parent_id else {
        return Ok(None);
    };
    let found = load_one(ctx, OrganizationId(parent)).await?;
    Ok(found.map(organization))
}

organization_type!(
    /// The brand owner: the organization the whole channel runs through.
    Brand {
        /// Distributors the brand distributes to directly, by name.
        distributors: Downstream DistributesTo -> Distributor = Distributor;
        /// Suppliers that supply the brand, by name.
        suppliers: Upstream Supplies -> Supplier = Supplier;
    }
);

organization_type!(
    /// An end customer: buys to use, as a consumer or a business.
    Customer {
        /// The dealers, distributors or the brand that serve this customer, by name.
        served_by: Upstream Serves -> Organization = organization;
    }
);

organization_type!(
    /// An intermediate customer: a dealer, retailer, wholesaler or contractor that buys to
    /// resell.
    IntermediateCustomer {
        /// End customers this dealer serves, by name.
        customers: Downstream Serves -> Customer = Customer;
        /// Distributors (or the brand) that resell to this dealer, by name.
        distributors: Upstream ResellsTo -> Organization = organization;
    }
);

organization_type!(
    /// A distributor: buys from the brand and supplies intermediate customers.
    Distributor {
        /// Dealers this distributor resells to, by name.
        dealers: Downstream ResellsTo -> IntermediateCustomer = IntermediateCustomer;
        /// Sub-distributors this distributor distributes to, by name.
        sub_distributors: Downstream DistributesTo -> Distributor = Distributor;
        /// End customers this distributor serves directly, by name.
        customers: Downstream Serves -> Customer = Customer;
    } fields {
        /// Its scorecard over the trailing 12 months: revenue and growth, sell-through,
        /// weeks of supply, on-time payment, complaints and its tier's obligations. Staff see
        /// every distributor's; a distributor its own; null otherwise.
        pub async fn scorecard(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The day the scorecard is for. Default: today in the business time zone.")]
            as_of: Option<Date>,
        ) -> async_graphql::Result<Option<crate::analytics::graphql::DistributorScorecard>> {
            crate::analytics::graphql::distributor_scorecard(ctx, self.0.id, as_of).await
        }
    }
);

organization_type!(
    /// A supplier of the brand.
    Supplier {
        /// Organizations this supplier supplies, by name.
        supplies: Downstream Supplies -> Organization = organization;
    } fields {
        /// Its scorecard over the trailing 12 months: on-time delivery, fill rate,
        /// complaints traced to its products, and tenure. Staff see every supplier's; a
        /// supplier its own; null otherwise.
        pub async fn scorecard(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The day the scorecard is for. Default: today in the business time zone.")]
            as_of: Option<Date>,
        ) -> async_graphql::Result<Option<crate::analytics::graphql::SupplierScorecard>> {
            crate::analytics::graphql::supplier_scorecard(ctx, self.0.id, as_of).await
        }
    }
);

organization_type!(
    /// A public-interest organization: government, an industry association or media.
    /// Relationships, but no trade.
    PublicInterestOrganization {}
);

/// A person at an organization.
#[derive(Clone, Debug)]
pub struct Contact(pub contact::Model);

/// A person at an organization.
#[Object]
impl Contact {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Contact, self.0.id))
    }
    /// Everything this person took part in, newest first: interactions, and the cases and
    /// survey responses that name them (orders name organizations, not people), as far as
    /// you may see them.
    #[allow(clippy::too_many_arguments)]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the timeline to some kinds of items.")] filter: Option<
            crate::relationship::graphql::TimelineFilter,
        >,
        #[graphql(desc = "How the timeline is sorted. Default: newest first.")] order_by: Option<
            crate::relationship::graphql::TimelineOrder,
        >,
        #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<crate::relationship::graphql::TimelineItem>> {
        crate::relationship::graphql::timeline_connection(
            ctx,
            self.0.id,
            crate::relationship::timeline::TimelineOf::Contact,
            filter,
            order_by,
            first,
            after,
            last,
            before,
        )
        .await
    }
    /// The organization this person works at.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        let found = load_one(ctx, OrganizationId(self.0.organization_id)).await?;
        found.map(organization).ok_or_else(|| {
            Error::NotFound("the contact's organization is not visible".into()).into_graphql()
        })
    }
    /// Full name, as the person writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Job title.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Email address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// The part this person plays in buying.
    async fn buying_role(&self) -> Option<BuyingRole> {
        self.0.buying_role.map(Into::into)
    }
    /// What this person likes, their habits and culture: what an account manager should know.
    async fn preferences(&self) -> Option<&str> {
        self.0.preferences.as_deref()
    }
    /// Free notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// Marketing consent: whether, since when and from where.
    async fn marketing_consent(&self) -> MarketingConsent {
        MarketingConsent {
            status: self.0.marketing_consent.into(),
            changed_at: self.0.consent_changed_at.map(DateTime),
            source: self.0.consent_source.clone(),
        }
    }
    /// Every change of marketing consent, oldest first: opted in or out, when, and through
    /// which channel.
    async fn consent_history(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MarketingConsent>> {
        Ok(load_one(
            ctx,
            crate::organizations::loaders::ConsentHistoryOf(self.0.id),
        )
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|e| MarketingConsent {
            status: e.status.into(),
            changed_at: Some(DateTime(e.recorded_at)),
            source: Some(e.channel),
        })
        .collect())
    }
    /// When it was archived.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A contact's marketing consent.
#[derive(async_graphql::SimpleObject, Clone, Debug)]
pub struct MarketingConsent {
    /// Opted in, opted out, or never asked.
    pub status: ConsentStatus,
    /// When the consent last changed.
    pub changed_at: Option<DateTime>,
    /// Where the consent was given or withdrawn, for example `web form` or `trade show`.
    pub source: Option<String>,
}

/// A postal address of an organization.
#[derive(Clone, Debug)]
pub struct Address(pub address::Model);

/// An organization you trade with and see in part: your distributor, the brand. Who it is
/// and where, to address orders and goods; not its contacts, its orders with others or its
/// figures.
#[derive(async_graphql::SimpleObject, Clone, Debug)]
pub struct TradingPartner {
    /// Opaque global id of the organization, for filters such as `orders(filter: { sellerId })`;
    /// `node(id:)` shows it only to those who see it in full.
    pub id: ID,
    /// The role it plays in the channel.
    pub kind: OrganizationKind,
    /// Unique partner code, also its trading partner id in EDI.
    pub code: String,
    /// The name it trades under.
    pub name: String,
    /// Its live addresses: head office, billing and shipping.
    pub addresses: Vec<PartyAddress>,
}

/// An address of a trading partner.
#[derive(async_graphql::SimpleObject, Clone, Debug)]
pub struct PartyAddress {
    /// What the address is used for.
    pub kind: AddressKind,
    /// Street and number.
    pub line1: String,
    /// Building, floor or other detail.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State, province or prefecture.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// GS1 Global Location Number, the location id EDI documents use.
    pub gln: Option<String>,
}

impl TradingPartner {
    pub fn new(party: organization::Model, addresses: Vec<address::Model>) -> Self {
        Self {
            id: ID(GlobalId::encode(NodeType::Organization, party.id)),
            kind: party.kind.into(),
            code: party.code,
            name: party.name,
            addresses: addresses
                .into_iter()
                .map(|a| PartyAddress {
                    kind: a.kind.into(),
                    line1: a.line1,
                    line2: a.line2,
                    city: a.city,
                    region: a.region,
                    postal_code: a.postal_code,
                    country: a.country,
                    gln: a.gln,
                })
                .collect(),
        }
    }
}

/// A postal address of an organization.
#[Object]
impl Address {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::Address, self.0.id))
    }
    /// The organization at this address.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        let found = load_one(ctx, OrganizationId(self.0.organization_id)).await?;
        found.map(organization).ok_or_else(|| {
            Error::NotFound("the address's organization is not visible".into()).into_graphql()
        })
    }
    /// What the address is used for.
    async fn kind(&self) -> AddressKind {
        self.0.kind.into()
    }
    /// Street and number.
    async fn line1(&self) -> &str {
        &self.0.line1
    }
    /// Building, floor or other detail.
    async fn line2(&self) -> Option<&str> {
        self.0.line2.as_deref()
    }
    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }
    /// State, province or prefecture.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// GS1 Global Location Number, the location id EDI documents use.
    async fn gln(&self) -> Option<&str> {
        self.0.gln.as_deref()
    }
    /// D-U-N-S number (DUNS+4 when 13 digits), which EDI documents may use instead.
    async fn duns(&self) -> Option<&str> {
        self.0.duns.as_deref()
    }
    /// When it was archived.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A directed relationship in the channel: the upstream organization supplies, distributes
/// to, resells to or serves the downstream one.
#[derive(Clone, Debug)]
pub struct ChannelLink(pub channel_link::Model);

/// A directed relationship in the channel: the upstream organization supplies, distributes
/// to, resells to or serves the downstream one.
#[Object]
impl ChannelLink {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::ChannelLink, self.0.id))
    }
    /// What flows along the link.
    async fn kind(&self) -> ChannelLinkKind {
        self.0.kind.into()
    }
    /// The supplying or serving organization.
    async fn upstream(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        end_of(ctx, self.0.upstream_id).await
    }
    /// The supplied or served organization.
    async fn downstream(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        end_of(ctx, self.0.downstream_id).await
    }
    /// How close the relationship is.
    async fn level(&self) -> RelationshipLevel {
        self.0.level.into()
    }
    /// Whether the link is in force.
    async fn status(&self) -> ChannelLinkStatus {
        self.0.status.into()
    }
    /// The first day of the relationship.
    async fn since(&self) -> Date {
        Date(self.0.since)
    }
    /// The last day of the relationship, if it ends.
    async fn until(&self) -> Option<Date> {
        self.0.until.map(Date)
    }
    /// The territory the link covers.
    async fn territory(&self) -> Option<&str> {
        self.0.territory.as_deref()
    }
    /// Whether the downstream party has the territory exclusively.
    async fn exclusive(&self) -> bool {
        self.0.exclusive
    }
    /// When it was archived.
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// Increases with every change; send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

async fn end_of(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Organization> {
    load_one(ctx, OrganizationId(id))
        .await?
        .map(organization)
        .ok_or_else(|| {
            Error::NotFound("the linked organization is not visible".into()).into_graphql()
        })
}
