//! Queries and mutations of EDI. Thin: parse, call the service, map.

use async_graphql::{Context, ID, Object};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::inputs::*;
use super::types::*;
use crate::access::Principal;
use crate::edi::cross_references::{self};
use crate::edi::inbound;
use crate::edi::service::{self, DocumentFilter};
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::user_error::outcome;
use crate::ids::NodeType;
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::settings::TradeSettings;

struct DocumentCount(DocumentFilter);

impl Counter for DocumentCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = service::document_count(db, principal, &self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct EdiQuery;

#[Object]
impl EdiQuery {
    /// How an organization trades by X12; null when it is not configured (it is then known
    /// by its partner code) or not yours to see.
    async fn edi_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] organization_id: ID,
    ) -> async_graphql::Result<Option<EdiPartner>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let id = crate::organizations::graphql::input_id(
            "organizationId",
            &organization_id,
            NodeType::Organization,
        )
        .map_err(|_| Error::bad_input("organizationId", "organizationId is not an organization id"))
        .gql()?;
        Ok(crate::edi::partners::of(db, principal, id)
            .await
            .gql()?
            .map(EdiPartner))
    }

    /// X12 transaction sets received and sent, newest first. Partners see their own.
    #[allow(clippy::too_many_arguments)]
    async fn edi_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<EdiDocumentFilter>,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<EdiDocument>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default().parse().gql()?;
        let sort = Sort {
            key: SortKey::CreatedAt,
            descending: true,
        };
        let page = PageRequest::parse(sort, page_args(first, after, last, before)).gql()?;
        let rows = service::documents(db, principal, &filter, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SortKey::CreatedAt,
            DocumentCount(filter),
            EdiDocument,
        ))
    }
}

#[derive(Default)]
pub struct EdiMutation;

#[Object]
impl EdiMutation {
    /// Sets the id an organization uses in the ISA, and the version it is sent. Admins and
    /// managers. A configured partner is sent its acknowledgements, ship notices and invoices
    /// (a supplier: the brand's purchase orders) as X12.
    async fn edi_partner_configure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The settings.")] input: EdiPartnerConfigureInput,
    ) -> async_graphql::Result<EdiPartnerPayload> {
        let result = match input.parse() {
            Ok(new) => crate::graphql::in_transaction!(ctx, |txn, principal| {
                crate::edi::partners::configure(&txn, principal, new)
            }),
            Err(e) => Err(e),
        };
        let (row, user_errors) = outcome(result)?;
        Ok(EdiPartnerPayload {
            edi_partner: row.map(EdiPartner),
            user_errors,
        })
    }

    /// Receives an X12 interchange exactly as `POST /edi/x12` does: 850 purchase orders
    /// become sales orders through `orderSubmit`'s path, every functional group is answered
    /// with a 997, and an interchange refused as a whole with a TA1.
    async fn edi_submit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The interchange.")] input: EdiSubmitInput,
    ) -> async_graphql::Result<EdiSubmitPayload> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let trade = ctx.data::<TradeSettings>()?;
        let result = if input.document.trim().is_empty() {
            Err(Error::user(
                &["input", "document"],
                ErrorCode::Required,
                "send an interchange, ISA to IEA",
            ))
        } else {
            inbound::receive(
                db,
                principal,
                inbound::Received::Text(&input.document),
                trade,
            )
            .await
        };
        let (receipt, user_errors) = outcome(result)?;
        Ok(match receipt {
            Some(r) => EdiSubmitPayload {
                interchange: Some(EdiInterchange(r.interchange)),
                acknowledgements: r.acknowledgements.into_iter().map(EdiInterchange).collect(),
                user_errors,
            },
            None => EdiSubmitPayload {
                interchange: None,
                acknowledgements: Vec::new(),
                user_errors,
            },
        })
    }
}

struct ItemCount(Uuid);

impl Counter for ItemCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = cross_references::item_count(db, principal, self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

struct LocationCount(Uuid);

impl Counter for LocationCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = cross_references::location_count(db, principal, self.0)
                .await
                .gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

#[derive(Default)]
pub struct CrossReferenceQuery;

#[Object]
impl CrossReferenceQuery {
    /// A trading partner's item codes and the products they name, oldest first. Staff who
    /// set up trading partners only.
    async fn edi_item_references(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] partner_id: ID,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<EdiItemReference>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let partner = parse_partner(&partner_id).gql()?;
        let page = PageRequest::parse(
            Sort::ascending(SortKey::CreatedAt),
            page_args(first, after, last, before),
        )
        .gql()?;
        let rows = cross_references::items(db, principal, partner, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SortKey::CreatedAt,
            ItemCount(partner),
            EdiItemReference,
        ))
    }

    /// A trading partner's location codes and the addresses they name, oldest first. Staff
    /// who set up trading partners only.
    async fn edi_location_references(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] partner_id: ID,
        #[graphql(desc = "Return the first n (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<EdiLocationReference>> {
        let principal = Principal::of(ctx).gql()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let partner = parse_partner(&partner_id).gql()?;
        let page = PageRequest::parse(
            Sort::ascending(SortKey::CreatedAt),
            page_args(first, after, last, before),
        )
        .gql()?;
        let rows = cross_references::locations(db, principal, partner, &page)
            .await
            .gql()?;
        Ok(connection(
            rows,
            SortKey::CreatedAt,
            LocationCount(partner),
            EdiLocationReference,
        ))
    }
}

fn payload(result: Result<u64>) -> async_graphql::Result<EdiReferencesSetPayload> {
    let (count, user_errors) = outcome(result)?;
    Ok(EdiReferencesSetPayload {
        total_count: count.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
        user_errors,
    })
}

#[derive(Default)]
pub struct CrossReferenceMutation;

#[Object]
impl CrossReferenceMutation {
    /// Sets and removes a trading partner's item codes (`BP`, `IN`, `CB`), up to 1000 of
    /// each in one request, all or nothing. Inbound PO1, LIN and IT1 segments naming an
    /// item by such a code resolve to the product. Admins and managers.
    async fn edi_item_references_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The codes.")] input: EdiItemReferencesSetInput,
    ) -> async_graphql::Result<EdiReferencesSetPayload> {
        let result = match input.parse() {
            Ok((partner, set, remove)) => crate::graphql::in_transaction!(ctx, |txn, principal| {
                cross_references::set_items(&txn, principal, partner, set, remove)
            }),
            Err(e) => Err(e),
        };
        payload(result)
    }

    /// Sets and removes a trading partner's location codes (`92`, `91`), up to 1000 of each
    /// in one request, all or nothing. An inbound N1 naming a ship-to by such a code
    /// resolves to the address. Admins and managers.
    async fn edi_location_references_set(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The codes.")] input: EdiLocationReferencesSetInput,
    ) -> async_graphql::Result<EdiReferencesSetPayload> {
        let result = match input.parse() {
            Ok((partner, set, remove)) => crate::graphql::in_transaction!(ctx, |txn, principal| {
                cross_references::set_locations(&txn, principal, partner, set, remove)
            }),
            Err(e) => Err(e),
        };
        payload(result)
    }
}
