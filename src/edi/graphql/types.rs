//! Interchanges, transaction sets and cross-references as the API shows them.

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{edi_document, edi_interchange, edi_item_reference, edi_location_reference, enums};

use crate::catalog::graphql::Product;
use crate::catalog::loaders::ProductId;
use crate::channel_money::graphql::Claim;
use crate::edi::loaders::{EdiAnswersTo, EdiDocumentsIn, EdiInterchangeId};
use crate::graphql::loading::{LoadKey, Shared, load_one};
use crate::graphql::scalars::DateTime;
use crate::graphql::user_error::UserErrorObject as UserError;
use crate::ids::{GlobalId, NodeType};
use crate::orders::graphql::{Invoice, Order, Shipment};
use crate::orders::loaders::{InvoiceId, OrderId, ShipmentId};
use crate::organizations::graphql::{Address, Organization, organization_by_id};
use crate::organizations::loaders::AddressId;
use crate::reports::graphql::{InventoryReport, SellThroughReport};
use crate::reports::loaders::{InventoryReportId, SellThroughReportId};

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
#[graphql(remote = "crate::edi::service::Acknowledgement")]
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
    /// The claim an 844 filed or an 849 answers, where you read claims.
    async fn claim(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Claim>> {
        let Some(id) = self.0.claim_id else {
            return Ok(None);
        };
        Ok(load_one(ctx, crate::catalog::loaders::ClaimId(id))
            .await?
            .map(Claim))
    }
    /// The set, ST to SE.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// For a set the brand sent: where it stands with the partner's 997.
    async fn acknowledgement(&self) -> EdiAcknowledgement {
        crate::edi::service::Acknowledgement::of(&self.0).into()
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
    pub(super) fn isa(self) -> &'static str {
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
    pub(super) fn gs(self) -> &'static str {
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
        crate::edi::partners::profile_of(&self.0).group_id
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
        GroupVersion::of(&crate::edi::partners::profile_of(&self.0).group_version)
    }
    /// The separators of what it is sent.
    async fn separators(&self) -> X12Separators {
        let d = crate::edi::partners::profile_of(&self.0).delimiters;
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

/// The result of setting up a trading partner.
#[derive(SimpleObject)]
pub struct EdiPartnerPayload {
    /// The profile as it is now; null when refused.
    pub edi_partner: Option<EdiPartner>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

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
    pub(super) fn code(self) -> &'static str {
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
    pub(super) fn code(self) -> &'static str {
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
pub struct EdiItemReference(pub(super) edi_item_reference::Model);

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
pub struct EdiLocationReference(pub(super) edi_location_reference::Model);

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

/// What setting cross-references left.
#[derive(SimpleObject)]
pub struct EdiReferencesSetPayload {
    /// How many references of this kind the partner has now; null when refused.
    pub total_count: Option<i64>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}
