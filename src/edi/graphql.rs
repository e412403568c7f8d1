//! X12 traffic in GraphQL: `ediSubmit` takes an interchange as `POST /edi/x12` does, and
//! `ediDocuments` lists the transaction sets received and sent.

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{edi_document, edi_interchange, enums};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::inbound;
use super::service::{self, DocumentFilter};
use crate::access::Principal;
use crate::edi::loaders::{EdiAnswersTo, EdiDocumentsIn, EdiInterchangeId};
use crate::error::{Error, ErrorCode, GqlResult};
use crate::graphql::connection::{Conn, Counter, connection, page_args};
use crate::graphql::loading::{LoadKey, Shared, load_one};
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::{GlobalId, NodeType, argument_id};
use crate::orders::graphql::{Invoice, Order, Shipment};
use crate::orders::loaders::{InvoiceId, OrderId, ShipmentId};
use crate::organizations::graphql::{Organization, organization_by_id};
use crate::pagination::{PageRequest, Sort, SortKey};
use crate::reports::graphql::{InventoryReport, SellThroughReport};
use crate::reports::loaders::{InventoryReportId, SellThroughReportId};
use crate::settings::TradeSettings;

/// Whether X12 traffic came in from a partner or went out to one.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::EdiDirection")]
pub enum EdiDirection {
    /// Received from the partner.
    Inbound,
    /// Written for the partner.
    Outbound,
}

/// Production or test traffic (ISA15 `P` or `T`). Test traffic is checked all the way and
/// answered, and changes no trade data.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::EdiUsage")]
pub enum EdiUsage {
    /// ISA15 `P`.
    Production,
    /// ISA15 `T`.
    Test,
}

/// What became of an interchange or transaction set.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "enums::EdiStatus")]
pub enum EdiStatus {
    /// Received and applied (test traffic: checked, applied to nothing).
    Accepted,
    /// An interchange some of whose sets were refused.
    PartiallyAccepted,
    /// Refused: malformed, or failing a business check; nothing was applied.
    Rejected,
    /// Received before under the same control number; not applied again.
    Duplicate,
    /// Written by the server for the partner.
    Sent,
}

/// Where a set the brand sent stands with the partner's 997.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "super::service::Acknowledgement")]
pub enum EdiAcknowledgement {
    /// Nothing acknowledges it: a 997 the brand sent, or a document received.
    NotExpected,
    /// Its 997 is due and has not come yet.
    Pending,
    /// Its 997 is past due (the partner's `ackWindowMinutes` after it was sent).
    Overdue,
    /// The partner's 997 accepted it (AK5 `A`).
    Accepted,
    /// The partner's 997 accepted it with errors noted (AK5 `E`).
    AcceptedWithErrors,
    /// The partner's 997 rejected it (AK5 `R`, `M`, `W` or `X`).
    Rejected,
}

/// The documents a loader key names: an order's, a shipment's or an invoice's.
pub async fn documents_for<K>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<EdiDocument>>
where
    K: LoadKey,
    K::Loader: Loader<K, Value = Vec<edi_document::Model>, Error = Shared>,
{
    let rows = load_one(ctx, key).await?.unwrap_or_default();
    Ok(rows.into_iter().map(EdiDocument).collect())
}

/// An X12 interchange (ISA … IEA), received or sent, as it was.
#[derive(Clone, Debug)]
pub struct EdiInterchange(pub edi_interchange::Model);

/// An X12 interchange (ISA … IEA), received or sent, as it was.
#[Object]
impl EdiInterchange {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::EdiInterchange, self.0.id))
    }
    /// The trading partner: the sender of an inbound interchange, the receiver of an
    /// outbound one.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// Received or sent.
    async fn direction(&self) -> EdiDirection {
        self.0.direction.into()
    }
    /// Production or test (ISA15).
    async fn usage(&self) -> EdiUsage {
        self.0.usage.into()
    }
    /// ISA06: the sender's id.
    async fn sender_id(&self) -> &str {
        &self.0.sender_id
    }
    /// ISA08: the receiver's id.
    async fn receiver_id(&self) -> &str {
        &self.0.receiver_id
    }
    /// ISA13, when the ISA could be read.
    async fn control_number(&self) -> Option<&str> {
        self.0.control_number.as_deref()
    }
    /// ISA12: `00401` or `00501`.
    async fn version(&self) -> Option<&str> {
        self.0.version.as_deref()
    }
    /// What became of it.
    async fn status(&self) -> EdiStatus {
        self.0.status.into()
    }
    /// Why it was refused, naming the segment position, the segment id and the element.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// The interchange as received or sent, byte for byte.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// When it was received or written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// Its transaction sets, in order.
    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EdiDocument>> {
        documents_for(ctx, EdiDocumentsIn(self.0.id)).await
    }
    /// The interchange this one answers (for a TA1 or 997 the server wrote).
    async fn answers(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EdiInterchange>> {
        let Some(id) = self.0.answers_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, EdiInterchangeId(id))
            .await?
            .map(EdiInterchange))
    }
    /// What the server answered it with: a TA1 and 997s.
    async fn acknowledgements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<EdiInterchange>> {
        let rows = load_one(ctx, EdiAnswersTo(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(EdiInterchange).collect())
    }
}

/// One X12 transaction set (ST … SE), received or sent.
#[derive(Clone, Debug)]
pub struct EdiDocument(pub edi_document::Model);

/// One X12 transaction set (ST … SE), received or sent.
#[Object]
impl EdiDocument {
    /// Opaque global id; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        ID(GlobalId::encode(NodeType::EdiDocument, self.0.id))
    }
    /// The trading partner.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// The interchange it came or went in.
    async fn interchange(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<EdiInterchange>> {
        Ok(load_one(ctx, EdiInterchangeId(self.0.interchange_id))
            .await?
            .map(EdiInterchange))
    }
    /// Received or sent.
    async fn direction(&self) -> EdiDirection {
        self.0.direction.into()
    }
    /// Production or test (ISA15).
    async fn usage(&self) -> EdiUsage {
        self.0.usage.into()
    }
    /// ST01: `850`, `855`, `856`, `810`, `846`, `852` or `997`.
    async fn transaction_set(&self) -> &str {
        &self.0.transaction_set
    }
    /// GS01: the functional group, for example `PO`.
    async fn functional_id(&self) -> &str {
        &self.0.functional_id
    }
    /// GS08: `004010` or `005010`.
    async fn version(&self) -> &str {
        &self.0.version
    }
    /// GS06.
    async fn group_control_number(&self) -> &str {
        &self.0.group_control_number
    }
    /// ST02.
    async fn control_number(&self) -> &str {
        &self.0.control_number
    }
    /// What became of it.
    async fn status(&self) -> EdiStatus {
        self.0.status.into()
    }
    /// Why it was refused.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// The business reference it carries: a PO number, or for a 997 the group it answers.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    /// The order it created, changed or came from.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Order>> {
        let Some(id) = self.0.order_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, OrderId(id)).await?.map(Order))
    }
    /// The ship notice it came with or went out as.
    async fn shipment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Shipment>> {
        let Some(id) = self.0.shipment_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, ShipmentId(id)).await?.map(Shipment))
    }
    /// The invoice it came with or went out as.
    async fn invoice(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Invoice>> {
        let Some(id) = self.0.invoice_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, InvoiceId(id)).await?.map(Invoice))
    }
    /// The inventory report an 846 created.
    async fn inventory_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<InventoryReport>> {
        let Some(id) = self.0.inventory_report_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, InventoryReportId(id))
            .await?
            .map(InventoryReport))
    }
    /// The sell-through report an 852 created.
    async fn sell_through_report(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<SellThroughReport>> {
        let Some(id) = self.0.sell_through_report_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, SellThroughReportId(id))
            .await?
            .map(SellThroughReport))
    }
    /// The set, ST to SE.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// For a set the brand sent: where it stands with the partner's 997.
    async fn acknowledgement(&self) -> EdiAcknowledgement {
        super::service::Acknowledgement::of(&self.0).into()
    }
    /// When the partner's 997 is (or was) due; null when none is expected.
    async fn acknowledgement_due_at(&self) -> Option<DateTime> {
        self.0.ack_due_at.map(DateTime)
    }
    /// When the partner's 997 came.
    async fn acknowledged_at(&self) -> Option<DateTime> {
        self.0.acknowledged_at.map(DateTime)
    }
    /// The interchange whose 997 acknowledged it.
    async fn acknowledged_in(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<EdiInterchange>> {
        let Some(id) = self.0.acknowledged_by_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, EdiInterchangeId(id))
            .await?
            .map(EdiInterchange))
    }
    /// For an 856: whether it went out later than the partner's window after the goods
    /// shipped (a late ship notice is the first cause of retailers' chargebacks).
    async fn ship_notice_late(&self) -> bool {
        self.0.ship_notice_late
    }
    /// When it was received or written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// Narrows `ediDocuments`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EdiDocumentFilter {
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only received or only sent ones.
    pub direction: Option<EdiDirection>,
    /// Only production or only test traffic.
    pub usage: Option<EdiUsage>,
    /// Only those with this status.
    pub status: Option<EdiStatus>,
    /// Only this transaction set, for example `850`.
    pub transaction_set: Option<String>,
    /// Only those of this order.
    pub order_id: Option<ID>,
    /// Only those carrying this reference (a PO number).
    pub reference: Option<String>,
    /// Only sets the brand sent that stand so with the partner's 997: `OVERDUE` lists those
    /// whose 997 is past due.
    pub acknowledgement: Option<EdiAcknowledgement>,
}

impl EdiDocumentFilter {
    fn parse(self) -> crate::error::Result<DocumentFilter> {
        Ok(DocumentFilter {
            organization_id: argument_id(
                "filter.partnerId",
                self.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            direction: self.direction.map(Into::into),
            usage: self.usage.map(Into::into),
            status: self.status.map(Into::into),
            transaction_set: self.transaction_set.map(|t| t.trim().to_owned()),
            order_id: argument_id("filter.orderId", self.order_id.as_ref(), NodeType::Order)?,
            reference: self.reference.map(|r| r.trim().to_owned()),
            acknowledgement: self.acknowledgement.map(Into::into),
        })
    }
}

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
        Ok(super::partners::of(db, principal, id)
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

/// An X12 interchange to receive.
#[derive(InputObject)]
pub struct EdiSubmitInput {
    /// The interchange, ISA to IEA, with the delimiters its ISA declares.
    pub document: String,
}

/// What receiving an interchange stored and answered.
#[derive(SimpleObject)]
pub struct EdiSubmitPayload {
    /// The interchange as stored, with its status; null when it could not be attributed.
    pub interchange: Option<EdiInterchange>,
    /// The answers: a TA1 for an interchange refused as a whole (or when ISA14 asks for
    /// one), and a 997 for every functional group.
    pub acknowledgements: Vec<EdiInterchange>,
    /// Why it could not be received at all; empty otherwise.
    pub user_errors: Vec<UserError>,
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
                super::partners::configure(&txn, principal, new)
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

/// The X12 release an organization is sent.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum X12Version {
    /// 004010 (ISA12 `00400` or `00401`).
    V004010,
    /// 005010 (ISA12 `00501`).
    V005010,
}

/// ISA12: the interchange control version a partner sends and is sent.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterchangeVersion {
    /// `00400`, which many 004010 senders use.
    V00400,
    /// `00401`.
    V00401,
    /// `00501`.
    V00501,
}

impl InterchangeVersion {
    fn isa(self) -> &'static str {
        match self {
            InterchangeVersion::V00400 => "00400",
            InterchangeVersion::V00401 => "00401",
            InterchangeVersion::V00501 => "00501",
        }
    }

    fn of(isa: &str) -> Self {
        match isa {
            "00400" => InterchangeVersion::V00400,
            "00401" => InterchangeVersion::V00401,
            _ => InterchangeVersion::V00501,
        }
    }
}

/// GS08: the version, release and industry identifier of a partner's functional groups.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupVersion {
    /// `004010`.
    V004010,
    /// `004010VICS`, the retail industry's 004010.
    V004010Vics,
    /// `005010`.
    V005010,
    /// `005010VICS`.
    V005010Vics,
}

impl GroupVersion {
    fn gs(self) -> &'static str {
        match self {
            GroupVersion::V004010 => "004010",
            GroupVersion::V004010Vics => "004010VICS",
            GroupVersion::V005010 => "005010",
            GroupVersion::V005010Vics => "005010VICS",
        }
    }

    fn of(gs: &str) -> Self {
        match gs {
            "004010" => GroupVersion::V004010,
            "004010VICS" => GroupVersion::V004010Vics,
            "005010VICS" => GroupVersion::V005010Vics,
            _ => GroupVersion::V005010,
        }
    }
}

/// When a partner is sent a TA1 interchange acknowledgement. An interchange refused as a
/// whole is always answered with one.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::InterchangeAcks")]
pub enum InterchangeAcks {
    /// When its ISA14 asks for one.
    WhenRequested,
    /// For every interchange.
    Always,
    /// Never for an accepted interchange, whatever ISA14 says.
    Never,
}

/// How the bytes a partner sends are read as text. Bytes that are not text in it are
/// refused with a 997 naming the element.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::enums::TextEncoding")]
pub enum TextEncoding {
    /// UTF-8 (ASCII is UTF-8).
    #[graphql(name = "UTF_8")]
    Utf8,
    /// ISO 8859-1 (Latin-1), byte for byte.
    #[graphql(name = "ISO_8859_1")]
    Iso88591,
}

/// The separators a partner is sent.
#[derive(SimpleObject)]
pub struct X12Separators {
    /// The element separator, ISA's fourth character.
    pub element: String,
    /// The component (sub-element) separator, ISA16.
    pub component: String,
    /// The repetition separator, ISA11 in 00501; null in 004010.
    pub repetition: Option<String>,
    /// The segment terminator, with the line break that follows it, if any.
    pub segment: String,
}

/// The separators to send a partner; given, they replace all four, and one left out takes
/// its default.
#[derive(InputObject)]
pub struct X12SeparatorsInput {
    /// One character, neither a letter, a digit nor a space. Default `*`.
    pub element: Option<String>,
    /// One character. Default `:`.
    pub component: Option<String>,
    /// One character, or null for none (004010 has none). Left out, `^`.
    pub repetition: MaybeUndefined<String>,
    /// One character, optionally followed by `\n` or `\r\n` (`~\n`), or a line break alone
    /// (`\n`). Default `~`.
    pub segment: Option<String>,
}

fn one_separator(field: &str, value: &str) -> crate::error::Result<char> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control() => Ok(c),
        _ => Err(Error::user(
            &["input", "separators", field],
            ErrorCode::Invalid,
            format!(
                "{field} must be one character that is not a letter, a digit, white space or a \
                 control character"
            ),
        )),
    }
}

impl X12SeparatorsInput {
    fn parse(self) -> crate::error::Result<super::partners::Separators> {
        let element = one_separator("element", self.element.as_deref().unwrap_or("*"))?;
        let component = one_separator("component", self.component.as_deref().unwrap_or(":"))?;
        let repetition = match self.repetition {
            MaybeUndefined::Undefined => Some('^'),
            MaybeUndefined::Null => None,
            MaybeUndefined::Value(r) => Some(one_separator("repetition", &r)?),
        };
        let terminator = self.segment.as_deref().unwrap_or("~");
        let (segment, line_break) = match terminator {
            "\n" => ('\n', ""),
            "\r\n" => ('\r', "\n"),
            t => {
                let first = t.chars().next().unwrap_or(' ');
                let rest = &t[first.len_utf8().min(t.len())..];
                let line_break = match rest {
                    "" => "",
                    "\n" => "\n",
                    "\r\n" => "\r\n",
                    _ => {
                        return Err(Error::user(
                            &["input", "separators", "segment"],
                            ErrorCode::Invalid,
                            "segment must be one character, optionally followed by a line break",
                        ));
                    }
                };
                (one_separator("segment", &first.to_string())?, line_break)
            }
        };
        let all = [Some(element), Some(component), repetition, Some(segment)];
        let distinct = all
            .iter()
            .flatten()
            .enumerate()
            .all(|(i, c)| !all.iter().flatten().skip(i + 1).any(|d| d == c));
        if !distinct {
            return Err(Error::user(
                &["input", "separators"],
                ErrorCode::Invalid,
                "the separators must all differ",
            ));
        }
        Ok(super::partners::Separators {
            element,
            component,
            repetition,
            segment,
            line_break,
        })
    }
}

/// An organization's trading-partner profile: the ids it uses in the ISA and GS, the versions
/// it sends and is sent, its separators and encoding, and the acknowledgements it wants.
pub struct EdiPartner(pub entity::edi_partner::Model);

/// An organization's trading-partner profile: the ids it uses in the ISA and GS, the versions
/// it sends and is sent, its separators and encoding, and the acknowledgements it wants.
#[Object]
impl EdiPartner {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization_by_id(ctx, self.0.organization_id).await
    }
    /// ISA05/ISA07: `ZZ` (mutually defined), `01` (DUNS), `14` (DUNS+4), `08` (UCC), … Its
    /// ISA05 must be this.
    async fn qualifier(&self) -> &str {
        &self.0.qualifier
    }
    /// ISA06/ISA08: the id it sends as and is sent to.
    async fn edi_id(&self) -> &str {
        &self.0.edi_id
    }
    /// GS02/GS03: its application code; the EDI id unless set.
    async fn group_id(&self) -> String {
        super::partners::profile_of(&self.0).group_id
    }
    /// The release it is sent.
    async fn version(&self) -> X12Version {
        if self.0.x12_version.starts_with("004") {
            X12Version::V004010
        } else {
            X12Version::V005010
        }
    }
    /// ISA12 of what it is sent. What it sends may be any 004 or 005 release.
    async fn interchange_version(&self) -> InterchangeVersion {
        InterchangeVersion::of(&self.0.x12_version)
    }
    /// GS08 of what it is sent. Its acknowledgements answer in the version of what they
    /// acknowledge.
    async fn group_version(&self) -> GroupVersion {
        GroupVersion::of(&super::partners::profile_of(&self.0).group_version)
    }
    /// The separators of what it is sent.
    async fn separators(&self) -> X12Separators {
        let d = super::partners::profile_of(&self.0).delimiters;
        X12Separators {
            element: d.element.to_string(),
            component: d.component.to_string(),
            repetition: d.repetition.map(|c| c.to_string()),
            segment: format!("{}{}", d.segment, d.line_break),
        }
    }
    /// Whether it is sent a 997 for each functional group it sends.
    async fn functional_acks(&self) -> bool {
        self.0.functional_acks
    }
    /// When it is sent a TA1.
    async fn interchange_acks(&self) -> InterchangeAcks {
        self.0.interchange_acks.into()
    }
    /// Whether its test interchanges (ISA15 `T`) are taken; refused with a TA1 otherwise.
    async fn test_traffic(&self) -> bool {
        self.0.test_traffic
    }
    /// How the bytes it sends are read.
    async fn encoding(&self) -> TextEncoding {
        self.0.encoding.into()
    }
    /// Minutes after a set is sent to it by which its 997 is due; a set without one by then
    /// is overdue.
    async fn ack_window_minutes(&self) -> i32 {
        self.0.ack_window_minutes
    }
    /// Minutes after goods ship by which their 856 is due; one sent later is late.
    async fn ship_notice_window_minutes(&self) -> i32 {
        self.0.ship_notice_window_minutes
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A trading-partner profile to set up or change. Fields left out keep what is set (the
/// defaults, for a new profile).
#[derive(InputObject)]
pub struct EdiPartnerConfigureInput {
    /// The organization.
    pub organization_id: ID,
    /// ISA06/ISA08: 2 to 15 letters, digits, `-` or `_`; unique among partners. Required for
    /// a new profile. An organization not set up is known by its partner code.
    pub edi_id: Option<String>,
    /// ISA05/ISA07, an interchange id qualifier (`ZZ`, `01`, `14`, …). Default `ZZ`.
    pub qualifier: Option<String>,
    /// GS02/GS03 when it differs from the EDI id; an empty string clears it.
    pub group_id: Option<String>,
    /// The release it is sent: sets ISA12 (`00401` or `00501`) and GS08. Default 005010.
    pub version: Option<X12Version>,
    /// ISA12 of what it is sent, more precisely than `version`.
    pub interchange_version: Option<InterchangeVersion>,
    /// GS08 of what it is sent, more precisely than `version`; of the ISA12's release.
    pub group_version: Option<GroupVersion>,
    /// The separators of what it is sent.
    pub separators: Option<X12SeparatorsInput>,
    /// Whether it is sent 997s. Default true.
    pub functional_acks: Option<bool>,
    /// When it is sent a TA1. Default `WHEN_REQUESTED`.
    pub interchange_acks: Option<InterchangeAcks>,
    /// Whether its test interchanges are taken. Default true.
    pub test_traffic: Option<bool>,
    /// How the bytes it sends are read. Default `UTF_8`.
    pub encoding: Option<TextEncoding>,
    /// Minutes after a set is sent by which its 997 is due: 0 to 43200 (30 days). Default
    /// 1440.
    pub ack_window_minutes: Option<i32>,
    /// Minutes after goods ship by which their 856 is due: 0 to 43200. Default 1440.
    pub ship_notice_window_minutes: Option<i32>,
}

/// A window in minutes: 0 to 30 days.
fn window(field: &str, value: Option<i32>) -> crate::error::Result<Option<i32>> {
    match value {
        Some(v) if !(0..=43_200).contains(&v) => Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!("{field} must be from 0 to 43200; it was {v}"),
        )),
        v => Ok(v),
    }
}

impl EdiPartnerConfigureInput {
    fn parse(self) -> crate::error::Result<super::partners::ProfileChange> {
        let qualifier = match self.qualifier {
            None => None,
            Some(q) => {
                let q = q.trim().to_uppercase();
                if !super::envelope::id_qualifier(&q) {
                    return Err(Error::user(
                        &["input", "qualifier"],
                        ErrorCode::Invalid,
                        format!("`{q}` is not an interchange id qualifier (ZZ, 01, 14, …)"),
                    ));
                }
                Some(q)
            }
        };
        let group_id = match self.group_id.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(g) => Some(Some(crate::domain::partner_code(&["input", "groupId"], g)?)),
        };
        let (mut interchange_version, mut group_version) = match self.version {
            None => (None, None),
            Some(X12Version::V004010) => (Some("00401".to_owned()), Some(None)),
            Some(X12Version::V005010) => (Some("00501".to_owned()), Some(None)),
        };
        if let Some(v) = self.interchange_version {
            interchange_version = Some(v.isa().to_owned());
        }
        if let Some(v) = self.group_version {
            group_version = Some(Some(v.gs().to_owned()));
        }
        Ok(super::partners::ProfileChange {
            organization_id: crate::organizations::graphql::input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            qualifier,
            edi_id: self
                .edi_id
                .map(|id| crate::domain::partner_code(&["input", "ediId"], &id))
                .transpose()?,
            group_id,
            interchange_version,
            group_version,
            separators: self.separators.map(X12SeparatorsInput::parse).transpose()?,
            functional_acks: self.functional_acks,
            interchange_acks: self.interchange_acks.map(Into::into),
            test_traffic: self.test_traffic,
            encoding: self.encoding.map(Into::into),
            ack_window_minutes: window("ackWindowMinutes", self.ack_window_minutes)?,
            ship_notice_window_minutes: window(
                "shipNoticeWindowMinutes",
                self.ship_notice_window_minutes,
            )?,
        })
    }
}

/// The result of setting up a trading partner.
#[derive(SimpleObject)]
pub struct EdiPartnerPayload {
    /// The profile as it is now; null when refused.
    pub edi_partner: Option<EdiPartner>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}
