//! Batched loading of everything a client can follow from an organization. One request runs
//! one query per relation (and one per page shape), however many parents it asks about:
//! per-parent page limits run in the database, as a `LATERAL` join on PostgreSQL (each
//! parent's page read from an index, stopping at the page's end) and with
//! `ROW_NUMBER() OVER (PARTITION BY …)` on SQLite.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::enums::{ChannelLinkKind, ChannelLinkStatus};
use entity::{address, channel_link, contact, organization};
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, JoinType, Order, Query, SelectStatement,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryTrait,
};
use uuid::Uuid;

use super::model::{LinkEnd, LinkFilter};
use super::{addresses, contacts, links, service};
use crate::access::Principal;
use crate::error::{Error, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey};

/// Loads for one request, on behalf of its principal.
pub struct DirectoryLoader {
    pub db: DatabaseConnection,
    pub principal: Principal,
    /// The rules of relationship work, for what depends on the clock (lead offers).
    pub crm: crate::settings::CrmSettings,
    /// Segment retention rates this node keeps for a while.
    pub retention: std::sync::Arc<crate::analytics::cache::RetentionCache>,
}

/// Loader errors are shared between every resolver waiting on the batch.
pub type Shared = Arc<Error>;

/// A loader error, for one resolver.
pub fn unshare(err: Shared) -> Error {
    match Arc::try_unwrap(err) {
        Ok(err) => err,
        // Every caller of a failed batch gets the same error: a refusal stays a refusal.
        Err(shared) => shared.duplicate(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganizationId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContactId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddressId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChannelLinkId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiTokenId(pub Uuid);

macro_rules! by_id_loader {
    ($key:ident, $model:ty, $service:path) => {
        impl Loader<$key> for DirectoryLoader {
            type Value = $model;
            type Error = Shared;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $model>, Shared> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let rows = $service(&self.db, &self.principal, &ids)
                    .await
                    .map_err(Arc::new)?;
                Ok(rows.into_iter().map(|(id, m)| ($key(id), m)).collect())
            }
        }
    };
}

by_id_loader!(OrganizationId, organization::Model, service::by_ids);
by_id_loader!(ContactId, contact::Model, contacts::by_ids);
by_id_loader!(AddressId, address::Model, addresses::by_ids);
by_id_loader!(ChannelLinkId, channel_link::Model, links::by_ids);
by_id_loader!(
    UserId,
    entity::user::Model,
    crate::auth::service::users_by_ids
);
by_id_loader!(
    ApiTokenId,
    entity::api_token::Model,
    crate::auth::api_tokens::by_ids
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductSpecId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PriceListId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartnerTierId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TierMembershipId(pub Uuid);
/// A product's suppliers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SuppliersOf(pub Uuid);
/// A product's specifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpecsOf(pub Uuid);
/// A product's packs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacksOf(pub Uuid);
/// A price list's prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntriesOf(pub Uuid);
/// A tier's required product lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductLinesOf(pub Uuid);
/// An organization's tier memberships, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MembershipsOf(pub Uuid);

use crate::catalog::{pricing, products, tiers};
use crate::orders::queries as orders;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderLineId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoiceId(pub Uuid);
/// An order's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinesOf(pub Uuid);
/// An order's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventsOf(pub Uuid);
/// An order's shipments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentsOf(pub Uuid);
/// An order's invoices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoicesOf(pub Uuid);
/// A shipment's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentLinesOf(pub Uuid);
/// An invoice's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InvoiceLinesOf(pub Uuid);
/// An invoice's payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PaymentsOf(pub Uuid);
/// The buyer and seller of an order the principal can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartiesOf(pub Uuid);

by_id_loader!(OrderId, entity::order::Model, orders::by_ids);
by_id_loader!(OrderLineId, entity::order_line::Model, orders::lines_by_ids);
by_id_loader!(
    ShipmentId,
    entity::shipment::Model,
    orders::shipments_by_ids
);
by_id_loader!(InvoiceId, entity::invoice::Model, orders::invoices_by_ids);
by_id_loader!(LinesOf, Vec<entity::order_line::Model>, orders::lines_of);
by_id_loader!(EventsOf, Vec<entity::order_event::Model>, orders::events_of);
by_id_loader!(
    ShipmentsOf,
    Vec<entity::shipment::Model>,
    orders::shipments_of
);
by_id_loader!(InvoicesOf, Vec<entity::invoice::Model>, orders::invoices_of);
by_id_loader!(
    ShipmentLinesOf,
    Vec<entity::shipment_line::Model>,
    orders::shipment_lines_of
);
by_id_loader!(
    InvoiceLinesOf,
    Vec<entity::invoice_line::Model>,
    orders::invoice_lines_of
);
by_id_loader!(PaymentsOf, Vec<entity::payment::Model>, orders::payments_of);
by_id_loader!(PartiesOf, orders::OrderParties, orders::parties_of);
/// What an organization owes the brand, per currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExposureOf(pub Uuid);
by_id_loader!(
    ExposureOf,
    Vec<(String, rust_decimal::Decimal)>,
    crate::orders::credit::exposures_for
);

use crate::reports::service as reports;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InventoryReportId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SellThroughReportId(pub Uuid);
/// A stock report's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InventoryLinesOf(pub Uuid);
/// A sales report's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SellThroughLinesOf(pub Uuid);

by_id_loader!(
    InventoryReportId,
    entity::inventory_report::Model,
    reports::inventory_by_ids
);
by_id_loader!(
    SellThroughReportId,
    entity::sell_through_report::Model,
    reports::sell_through_by_ids
);
by_id_loader!(
    InventoryLinesOf,
    Vec<entity::inventory_report_line::Model>,
    reports::inventory_lines_of
);
by_id_loader!(
    SellThroughLinesOf,
    Vec<entity::sell_through_report_line::Model>,
    reports::sell_through_lines_of
);

by_id_loader!(ProductId, entity::product::Model, products::by_ids);
by_id_loader!(
    ProductSpecId,
    entity::product_spec::Model,
    products::specs_by_ids
);
by_id_loader!(PriceListId, entity::price_list::Model, pricing::by_ids);
by_id_loader!(PartnerTierId, entity::partner_tier::Model, tiers::by_ids);
by_id_loader!(
    TierMembershipId,
    entity::tier_membership::Model,
    tiers::memberships_by_ids
);
by_id_loader!(
    SuppliersOf,
    Vec<entity::product_supplier::Model>,
    products::suppliers_of
);
by_id_loader!(
    SpecsOf,
    Vec<entity::product_spec::Model>,
    products::specs_of
);
by_id_loader!(
    PacksOf,
    Vec<entity::product_unit::Model>,
    crate::catalog::packs::packs_of
);
by_id_loader!(
    EntriesOf,
    Vec<entity::price_list_entry::Model>,
    pricing::entries_of
);
by_id_loader!(ProductLinesOf, Vec<String>, tiers::product_lines_of);
by_id_loader!(
    MembershipsOf,
    Vec<entity::tier_membership::Model>,
    tiers::memberships_of
);

/// A list hanging off a parent organization.
pub trait ChildRelation: Clone + Eq + Hash + Send + Sync + 'static {
    type Model: FromQueryResult + Keyed + Clone + Send + Sync + 'static;

    /// The children of any parent, with the principal's visibility applied; no order or limit.
    fn base(&self, principal: &Principal) -> SelectStatement;
    /// The column that names the parent.
    fn parent(&self) -> Expr;
    fn sort_column(&self, key: SortKey) -> Expr;
    fn id_column(&self) -> Expr;
    /// Refuses a principal that may not read these children at all.
    fn ensure_readable(&self, principal: &Principal) -> Result<()> {
        principal.ensure_can_read_directory()
    }
    /// One parent's page (`parent` stands for its id), with the parent selected as
    /// [`PARENT_COLUMN`], for a relation that reads it better than its base query filtered,
    /// ordered and cut: a union whose parts each stop at the page's end. `None` uses the base.
    fn page_of_one(
        &self,
        _principal: &Principal,
        _parent: Expr,
        _page: &PageRequest,
    ) -> Option<SelectStatement> {
        None
    }
}

/// One page of one parent's children.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey<R> {
    pub parent: Uuid,
    pub relation: R,
    pub page: PageRequest,
}

/// How many children one parent has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey<R> {
    pub parent: Uuid,
    pub relation: R,
}

const PARENT: &str = PARENT_COLUMN;
/// The column a per-parent page names its parent in.
pub const PARENT_COLUMN: &str = "cg_parent";
const PARENTS: &str = "cg_parents";
const PAGE: &str = "cg_page";
const ROW_NUMBER: &str = "cg_row";
const COUNT: &str = "cg_count";

impl<R: ChildRelation> Loader<PageKey<R>> for DirectoryLoader {
    type Value = Page<R::Model>;
    type Error = Shared;

    async fn load(&self, keys: &[PageKey<R>]) -> Result<HashMap<PageKey<R>, Self::Value>, Shared> {
        // Keys that share a relation and page shape are answered by one query.
        let mut groups: HashMap<(&R, &PageRequest), Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((&key.relation, &key.page))
                .or_default()
                .push(key.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((relation, page), parents) in groups {
            let mut pages = child_pages(&self.db, &self.principal, relation, page, &parents)
                .await
                .map_err(Arc::new)?;
            for parent in parents {
                let rows = pages.remove(&parent).unwrap_or_default();
                out.insert(
                    PageKey {
                        parent,
                        relation: relation.clone(),
                        page: page.clone(),
                    },
                    page.into_page(rows),
                );
            }
        }
        Ok(out)
    }
}

async fn child_pages<R: ChildRelation>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    relation: &R,
    page: &PageRequest,
    parents: &[Uuid],
) -> Result<HashMap<Uuid, Vec<R::Model>>> {
    relation.ensure_readable(principal)?;
    let key_col = relation.sort_column(page.sort.key);
    let id_col = relation.id_column();
    let query = if db.get_database_backend() == DbBackend::Postgres {
        // FROM (VALUES (p1), (p2), …) AS cg_parents JOIN LATERAL (one parent's page): each
        // page is read in index order and stops after limit + 1 rows.
        let parent = Expr::col((Alias::new(PARENTS), Alias::new("column1")));
        let inner = match relation.page_of_one(principal, parent.clone(), page) {
            Some(inner) => inner,
            None => {
                let mut inner = relation.base(principal);
                inner
                    .expr_as(relation.parent(), Alias::new(PARENT))
                    .and_where(relation.parent().eq(parent));
                page.apply(&mut inner, key_col, id_col);
                inner
            }
        };
        Query::select()
            .column((Alias::new(PAGE), Asterisk))
            .from_values(parents.iter().copied(), Alias::new(PARENTS))
            .join_lateral(
                JoinType::InnerJoin,
                inner,
                Alias::new(PAGE),
                Condition::all().add(Expr::val(true)),
            )
            .take()
    } else {
        let mut inner = relation.base(principal);
        inner
            .expr_as(relation.parent(), Alias::new(PARENT))
            .expr_window_as(
                Expr::cust("ROW_NUMBER()"),
                page.window(relation.parent(), key_col.clone(), id_col.clone()),
                Alias::new(ROW_NUMBER),
            )
            .and_where(relation.parent().is_in(parents.iter().copied()));
        if let Some(cond) = page.keyset_condition(key_col, id_col) {
            inner.cond_where(cond);
        }
        Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new(PAGE))
            .and_where(Expr::col(Alias::new(ROW_NUMBER)).lte(page.limit as i64 + 1))
            .order_by(Alias::new(PARENT), Order::Asc)
            .order_by(Alias::new(ROW_NUMBER), Order::Asc)
            .take()
    };
    // Rows come grouped by parent, each parent's in scan order.
    let mut pages: HashMap<Uuid, Vec<R::Model>> = HashMap::new();
    for row in db.query_all(&query).await? {
        let parent: Uuid = row.try_get("", PARENT)?;
        let model = R::Model::from_query_result(&row, "")?;
        pages.entry(parent).or_default().push(model);
    }
    Ok(pages)
}

impl<R: ChildRelation> Loader<CountKey<R>> for DirectoryLoader {
    type Value = u64;
    type Error = Shared;

    async fn load(&self, keys: &[CountKey<R>]) -> Result<HashMap<CountKey<R>, u64>, Shared> {
        let mut groups: HashMap<&R, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.relation).or_default().push(key.parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (relation, parents) in groups {
            relation
                .ensure_readable(&self.principal)
                .map_err(Arc::new)?;
            let mut stmt = relation.base(&self.principal);
            stmt.clear_selects()
                .expr_as(relation.parent(), Alias::new(PARENT))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new(COUNT))
                .and_where(relation.parent().is_in(parents.iter().copied()))
                .add_group_by([relation.parent()]);
            let mut counts = HashMap::new();
            for row in self
                .db
                .query_all(&stmt)
                .await
                .map_err(|e| Arc::new(e.into()))?
            {
                let parent: Uuid = row.try_get("", PARENT).map_err(|e| Arc::new(e.into()))?;
                let count: i64 = row.try_get("", COUNT).map_err(|e| Arc::new(e.into()))?;
                counts.insert(parent, Ord::max(count, 0) as u64);
            }
            for parent in parents {
                let count = counts.get(&parent).copied().unwrap_or(0);
                out.insert(
                    CountKey {
                        parent,
                        relation: relation.clone(),
                    },
                    count,
                );
            }
        }
        Ok(out)
    }
}

/// Organizations hanging off an organization.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrganizationRelation {
    /// Organizations whose parent it is.
    Children { include_archived: bool },
    /// Organizations it reaches through live links of a kind (a distributor's dealers).
    Downstream(ChannelLinkKind),
    /// Organizations that reach it through live links of a kind (a dealer's distributors).
    Upstream(ChannelLinkKind),
}

impl ChildRelation for OrganizationRelation {
    type Model = organization::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        use channel_link::Column as L;
        use organization::Column as O;
        let mut query = organization::Entity::find().filter(principal.visible_organizations());
        match self {
            OrganizationRelation::Children { include_archived } => {
                if !include_archived {
                    query = query.filter(O::ArchivedAt.is_null());
                }
                query.into_query()
            }
            OrganizationRelation::Downstream(kind) | OrganizationRelation::Upstream(kind) => {
                let joined_end = match self {
                    OrganizationRelation::Downstream(_) => L::DownstreamId,
                    _ => L::UpstreamId,
                };
                let mut stmt = query.filter(O::ArchivedAt.is_null()).into_query();
                stmt.inner_join(
                    channel_link::Entity,
                    Expr::col((channel_link::Entity, joined_end))
                        .equals((organization::Entity, O::Id)),
                )
                .and_where(Expr::col((channel_link::Entity, L::Kind)).eq(kind.to_value()))
                .and_where(
                    Expr::col((channel_link::Entity, L::Status))
                        .eq(ChannelLinkStatus::Active.to_value()),
                )
                .and_where(Expr::col((channel_link::Entity, L::ArchivedAt)).is_null());
                stmt
            }
        }
    }

    fn parent(&self) -> Expr {
        use channel_link::Column as L;
        match self {
            OrganizationRelation::Children { .. } => {
                Expr::col((organization::Entity, organization::Column::ParentId))
            }
            OrganizationRelation::Downstream(_) => Expr::col((channel_link::Entity, L::UpstreamId)),
            OrganizationRelation::Upstream(_) => Expr::col((channel_link::Entity, L::DownstreamId)),
        }
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        Expr::col((organization::Entity, service::sort_column(key)))
    }

    fn id_column(&self) -> Expr {
        Expr::col((organization::Entity, organization::Column::Id))
    }
}

/// An organization's contacts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContactRelation {
    pub include_archived: bool,
}

impl ChildRelation for ContactRelation {
    type Model = contact::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        let mut query = contact::Entity::find()
            .filter(principal.owned_by_visible(contact::Column::OrganizationId));
        if !self.include_archived {
            query = query.filter(contact::Column::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        Expr::col((contact::Entity, contact::Column::OrganizationId))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::Name => contact::Column::NameKey,
            SortKey::CreatedAt | SortKey::Due => contact::Column::CreatedAt,
            SortKey::UpdatedAt => contact::Column::UpdatedAt,
        };
        Expr::col((contact::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((contact::Entity, contact::Column::Id))
    }
}

/// An organization's addresses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddressRelation {
    pub include_archived: bool,
}

impl ChildRelation for AddressRelation {
    type Model = address::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        let mut query = address::Entity::find()
            .filter(principal.owned_by_visible(address::Column::OrganizationId));
        if !self.include_archived {
            query = query.filter(address::Column::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        Expr::col((address::Entity, address::Column::OrganizationId))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::UpdatedAt => address::Column::UpdatedAt,
            SortKey::Name | SortKey::CreatedAt | SortKey::Due => address::Column::CreatedAt,
        };
        Expr::col((address::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((address::Entity, address::Column::Id))
    }
}

/// An organization's channel links, from one end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkRelation {
    /// The end the parent organization is at.
    pub end: LinkEnd,
    pub filter: LinkFilter,
}

impl ChildRelation for LinkRelation {
    type Model = channel_link::Model;

    fn base(&self, principal: &Principal) -> SelectStatement {
        use channel_link::Column as L;
        let mut query = channel_link::Entity::find()
            .filter(principal.owned_by_visible(L::UpstreamId))
            .filter(principal.owned_by_visible(L::DownstreamId));
        if !self.filter.kinds.is_empty() {
            query = query.filter(L::Kind.is_in(self.filter.kinds.iter().copied()));
        }
        if let Some(status) = self.filter.status {
            query = query.filter(L::Status.eq(status));
        }
        if !self.filter.include_archived {
            query = query.filter(L::ArchivedAt.is_null());
        }
        query.into_query()
    }

    fn parent(&self) -> Expr {
        let col = match self.end {
            LinkEnd::Upstream => channel_link::Column::UpstreamId,
            LinkEnd::Downstream => channel_link::Column::DownstreamId,
        };
        Expr::col((channel_link::Entity, col))
    }

    fn sort_column(&self, key: SortKey) -> Expr {
        let col = match key {
            SortKey::UpdatedAt => channel_link::Column::UpdatedAt,
            SortKey::Name | SortKey::CreatedAt | SortKey::Due => channel_link::Column::CreatedAt,
        };
        Expr::col((channel_link::Entity, col))
    }

    fn id_column(&self) -> Expr {
        Expr::col((channel_link::Entity, channel_link::Column::Id))
    }
}

use crate::edi::service as edi;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiInterchangeId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentId(pub Uuid);
/// The transaction sets of an interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsIn(pub Uuid);
/// The answers written to an interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiAnswersTo(pub Uuid);
/// The X12 documents of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfOrder(pub Uuid);
/// The X12 documents of a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfShipment(pub Uuid);
/// The X12 documents of an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EdiDocumentsOfInvoice(pub Uuid);

by_id_loader!(
    EdiInterchangeId,
    entity::edi_interchange::Model,
    edi::interchanges_by_ids
);
by_id_loader!(
    EdiDocumentId,
    entity::edi_document::Model,
    edi::documents_by_ids
);
by_id_loader!(
    EdiDocumentsIn,
    Vec<entity::edi_document::Model>,
    edi::documents_of_interchanges
);
by_id_loader!(
    EdiAnswersTo,
    Vec<entity::edi_interchange::Model>,
    edi::answers_to
);
by_id_loader!(
    EdiDocumentsOfOrder,
    Vec<entity::edi_document::Model>,
    edi::documents_of_orders
);
by_id_loader!(
    EdiDocumentsOfShipment,
    Vec<entity::edi_document::Model>,
    edi::documents_of_shipments
);
by_id_loader!(
    EdiDocumentsOfInvoice,
    Vec<entity::edi_document::Model>,
    edi::documents_of_invoices
);

use crate::relationship::{interactions, tasks};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InteractionId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitmentId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(pub Uuid);
/// Who took part in an interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParticipantsOf(pub Uuid);
/// The commitments made in an interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitmentsOf(pub Uuid);

by_id_loader!(
    InteractionId,
    entity::interaction::Model,
    interactions::by_ids
);
by_id_loader!(
    CommitmentId,
    entity::commitment::Model,
    interactions::commitments_by_ids
);
by_id_loader!(TaskId, entity::task::Model, tasks::by_ids);
by_id_loader!(
    ParticipantsOf,
    Vec<entity::interaction_participant::Model>,
    interactions::participants_of
);
by_id_loader!(
    CommitmentsOf,
    Vec<entity::commitment::Model>,
    interactions::commitments_of
);

use crate::cases::{routes as case_routes, service as cases, surveys};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseRouteId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SurveyResponseId(pub Uuid);
/// A case's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseNotesOf(pub Uuid);

by_id_loader!(CaseId, entity::case::Model, cases::by_ids);
by_id_loader!(CaseRouteId, entity::case_route::Model, case_routes::by_ids);
by_id_loader!(
    SurveyResponseId,
    entity::survey_response::Model,
    surveys::by_ids
);
by_id_loader!(CaseNotesOf, Vec<entity::case_note::Model>, cases::notes_of);

/// A contact's marketing consent history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConsentHistoryOf(pub Uuid);
by_id_loader!(
    ConsentHistoryOf,
    Vec<entity::consent_event::Model>,
    contacts::consent_history_of
);

use crate::growth::{campaigns, opportunities};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpportunityId(pub Uuid);
/// What a campaign brought.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CampaignFiguresOf(pub Uuid);

by_id_loader!(CampaignId, entity::campaign::Model, campaigns::by_ids);
by_id_loader!(
    OpportunityId,
    entity::opportunity::Model,
    opportunities::by_ids
);
by_id_loader!(
    CampaignFiguresOf,
    crate::growth::model::CampaignFigures,
    campaigns::figures
);

use crate::growth::{deals, leads};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeadId(pub Uuid);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DealRegistrationId(pub Uuid);
/// The products a deal registration covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DealLinesOf(pub Uuid);

impl Loader<LeadId> for DirectoryLoader {
    type Value = entity::lead::Model;
    type Error = Shared;

    async fn load(&self, keys: &[LeadId]) -> Result<HashMap<LeadId, Self::Value>, Shared> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = leads::by_ids(&self.db, &self.principal, &self.crm, &ids)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|(id, m)| (LeadId(id), m)).collect())
    }
}

by_id_loader!(
    DealRegistrationId,
    entity::deal_registration::Model,
    deals::by_ids
);
by_id_loader!(
    DealLinesOf,
    Vec<entity::deal_registration_line::Model>,
    deals::lines_of
);
