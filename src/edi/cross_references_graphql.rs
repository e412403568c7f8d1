//! Cross-references in GraphQL: staff list, set and remove a trading partner's item and
//! location codes, in bulk.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{edi_item_reference, edi_location_reference};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::cross_references::{self as service, Code, ItemReference, LocationReference};
use crate::access::Principal;
use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::error::{Error, ErrorCode, GqlResult, Result};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::loading::load_one;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::NodeType;
use crate::organizations::graphql::{Address, input_id};
use crate::organizations::loaders::AddressId;
use crate::pagination::{PageRequest, Sort, SortKey};

/// How a partner names an item by its own code (PO1, LIN and IT1 qualifiers).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemQualifier {
    /// `BP`: the buyer's part number.
    BuyerPartNumber,
    /// `IN`: the buyer's item number.
    BuyerItemNumber,
    /// `CB`: the buyer's catalogue number.
    CatalogNumber,
}

impl ItemQualifier {
    fn code(self) -> &'static str {
        match self {
            ItemQualifier::BuyerPartNumber => "BP",
            ItemQualifier::BuyerItemNumber => "IN",
            ItemQualifier::CatalogNumber => "CB",
        }
    }

    fn of(code: &str) -> Self {
        match code {
            "IN" => ItemQualifier::BuyerItemNumber,
            "CB" => ItemQualifier::CatalogNumber,
            _ => ItemQualifier::BuyerPartNumber,
        }
    }
}

/// How a partner names one of its locations by its own code (N103).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationQualifier {
    /// `92`: assigned by the buyer (its store or warehouse number).
    AssignedByBuyer,
    /// `91`: assigned by the seller.
    AssignedBySeller,
}

impl LocationQualifier {
    fn code(self) -> &'static str {
        match self {
            LocationQualifier::AssignedByBuyer => "92",
            LocationQualifier::AssignedBySeller => "91",
        }
    }

    fn of(code: &str) -> Self {
        if code == "91" {
            LocationQualifier::AssignedBySeller
        } else {
            LocationQualifier::AssignedByBuyer
        }
    }
}

/// A partner's own code for one of our products.
pub struct EdiItemReference(edi_item_reference::Model);

/// A partner's own code for one of our products.
#[Object]
impl EdiItemReference {
    /// What kind of code it is.
    async fn qualifier(&self) -> ItemQualifier {
        ItemQualifier::of(&self.0.qualifier)
    }
    /// The partner's code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Our product it names.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        Ok(load_one(ctx, ProductId(self.0.product_id))
            .await?
            .map(Product))
    }
}

/// A partner's own code for one of its addresses.
pub struct EdiLocationReference(edi_location_reference::Model);

/// A partner's own code for one of its addresses.
#[Object]
impl EdiLocationReference {
    /// What kind of code it is.
    async fn qualifier(&self) -> LocationQualifier {
        LocationQualifier::of(&self.0.qualifier)
    }
    /// The partner's code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The partner's address it names.
    async fn address(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Address>> {
        Ok(load_one(ctx, AddressId(self.0.address_id))
            .await?
            .map(Address))
    }
}

struct ItemCount(Uuid);

impl Counter for ItemCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<i64>> {
        Box::pin(async move {
            let principal = Principal::of(ctx).gql()?;
            let db = ctx.data::<DatabaseConnection>()?;
            let n = service::item_count(db, principal, self.0).await.gql()?;
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
            let n = service::location_count(db, principal, self.0).await.gql()?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        })
    }
}

fn parse_partner(raw: &ID) -> Result<Uuid> {
    input_id("partnerId", raw, NodeType::Organization)
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
        let rows = service::items(db, principal, partner, &page).await.gql()?;
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
        let rows = service::locations(db, principal, partner, &page)
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

/// One item code of the partner's and the product it names.
#[derive(InputObject)]
pub struct EdiItemReferenceInput {
    /// What kind of code it is.
    pub qualifier: ItemQualifier,
    /// The partner's code: 1 to 48 characters, no control characters.
    pub code: String,
    /// Our product's SKU.
    pub sku: String,
}

/// An item code to remove.
#[derive(InputObject)]
pub struct EdiItemCodeInput {
    /// What kind of code it is.
    pub qualifier: ItemQualifier,
    /// The partner's code.
    pub code: String,
}

/// Item references to set and remove, all or nothing.
#[derive(InputObject)]
pub struct EdiItemReferencesSetInput {
    /// The trading partner.
    pub partner_id: ID,
    /// Codes to set: a code set before now names the product given. At most 1000.
    #[graphql(default)]
    pub references: Vec<EdiItemReferenceInput>,
    /// Codes to remove. At most 1000.
    #[graphql(default)]
    pub remove: Vec<EdiItemCodeInput>,
}

/// One location code of the partner's and the address it names.
#[derive(InputObject)]
pub struct EdiLocationReferenceInput {
    /// What kind of code it is.
    pub qualifier: LocationQualifier,
    /// The partner's code: 1 to 80 characters, no control characters.
    pub code: String,
    /// One of the partner's addresses.
    pub address_id: ID,
}

/// A location code to remove.
#[derive(InputObject)]
pub struct EdiLocationCodeInput {
    /// What kind of code it is.
    pub qualifier: LocationQualifier,
    /// The partner's code.
    pub code: String,
}

/// Location references to set and remove, all or nothing.
#[derive(InputObject)]
pub struct EdiLocationReferencesSetInput {
    /// The trading partner.
    pub partner_id: ID,
    /// Codes to set: a code set before now names the address given. At most 1000.
    #[graphql(default)]
    pub references: Vec<EdiLocationReferenceInput>,
    /// Codes to remove. At most 1000.
    #[graphql(default)]
    pub remove: Vec<EdiLocationCodeInput>,
}

/// A partner's code as given: trimmed, 1 to `max` characters, no control characters.
fn partner_code(field: &[&str], value: &str, max: usize) -> Result<String> {
    let code = crate::domain::required_text(field, value, max)?;
    if let Some(why) = super::envelope::bad_character(&code) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("code {why}"),
        ));
    }
    Ok(code)
}

fn check_size(field: &str, n: usize) -> Result<()> {
    if n > service::MAX_REFERENCES {
        return Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!(
                "{n} are more than the {} one request may carry",
                service::MAX_REFERENCES
            ),
        ));
    }
    Ok(())
}

impl EdiItemReferencesSetInput {
    fn parse(self) -> Result<(Uuid, Vec<ItemReference>, Vec<Code>)> {
        check_size("references", self.references.len())?;
        check_size("remove", self.remove.len())?;
        let set = self
            .references
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let at = |name: &str| {
                    [
                        "input".to_owned(),
                        "references".into(),
                        i.to_string(),
                        name.into(),
                    ]
                };
                let code_field = at("code");
                let sku_field = at("sku");
                Ok(ItemReference {
                    qualifier: r.qualifier.code().to_owned(),
                    code: partner_code(&code_field.each_ref().map(String::as_str), &r.code, 48)?,
                    sku: crate::domain::sku(&sku_field.each_ref().map(String::as_str), &r.sku)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let remove = self
            .remove
            .into_iter()
            .map(|r| Code {
                qualifier: r.qualifier.code().to_owned(),
                code: r.code.trim().to_owned(),
            })
            .collect();
        Ok((parse_partner(&self.partner_id)?, set, remove))
    }
}

impl EdiLocationReferencesSetInput {
    fn parse(self) -> Result<(Uuid, Vec<LocationReference>, Vec<Code>)> {
        check_size("references", self.references.len())?;
        check_size("remove", self.remove.len())?;
        let set = self
            .references
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let at = |name: &str| {
                    [
                        "input".to_owned(),
                        "references".into(),
                        i.to_string(),
                        name.into(),
                    ]
                };
                let code_field = at("code");
                Ok(LocationReference {
                    qualifier: r.qualifier.code().to_owned(),
                    code: partner_code(&code_field.each_ref().map(String::as_str), &r.code, 80)?,
                    address_id: input_id("addressId", &r.address_id, NodeType::Address).map_err(
                        |e| match e {
                            Error::User(u) => {
                                let path = at("addressId");
                                Error::user(&path.each_ref().map(String::as_str), u.code, u.message)
                            }
                            other => other,
                        },
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let remove = self
            .remove
            .into_iter()
            .map(|r| Code {
                qualifier: r.qualifier.code().to_owned(),
                code: r.code.trim().to_owned(),
            })
            .collect();
        Ok((parse_partner(&self.partner_id)?, set, remove))
    }
}

/// What setting cross-references left.
#[derive(SimpleObject)]
pub struct EdiReferencesSetPayload {
    /// How many references of this kind the partner has now; null when refused.
    pub total_count: Option<i64>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
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
                service::set_items(&txn, principal, partner, set, remove)
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
                service::set_locations(&txn, principal, partner, set, remove)
            }),
            Err(e) => Err(e),
        };
        payload(result)
    }
}
