//! Enumerations stored as short strings, so both SQLite and PostgreSQL hold them readably.

use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrganizationKind {
    #[sea_orm(string_value = "BRAND")]
    Brand,
    #[sea_orm(string_value = "END_CUSTOMER")]
    EndCustomer,
    #[sea_orm(string_value = "INTERMEDIATE_CUSTOMER")]
    IntermediateCustomer,
    #[sea_orm(string_value = "DISTRIBUTOR")]
    Distributor,
    #[sea_orm(string_value = "SUPPLIER")]
    Supplier,
    #[sea_orm(string_value = "PUBLIC_INTEREST")]
    PublicInterest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrganizationStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "ON_HOLD")]
    OnHold,
    #[sea_orm(string_value = "INACTIVE")]
    Inactive,
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum IndustrySegment {
    #[sea_orm(string_value = "FINANCE")]
    Finance,
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    #[sea_orm(string_value = "EDUCATION")]
    Education,
    #[sea_orm(string_value = "GOVERNMENT")]
    Government,
    #[sea_orm(string_value = "RETAIL")]
    Retail,
    #[sea_orm(string_value = "MANUFACTURING")]
    Manufacturing,
    #[sea_orm(string_value = "HEALTHCARE")]
    Healthcare,
    #[sea_orm(string_value = "HOSPITALITY")]
    Hospitality,
    #[sea_orm(string_value = "CONSTRUCTION")]
    Construction,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CustomerType {
    #[sea_orm(string_value = "CONSUMER")]
    Consumer,
    #[sea_orm(string_value = "BUSINESS")]
    Business,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum BuyingRole {
    #[sea_orm(string_value = "DECISION_MAKER")]
    DecisionMaker,
    #[sea_orm(string_value = "INFLUENCER")]
    Influencer,
    #[sea_orm(string_value = "USER")]
    User,
    #[sea_orm(string_value = "GATEKEEPER")]
    Gatekeeper,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ConsentStatus {
    #[sea_orm(string_value = "UNKNOWN")]
    Unknown,
    #[sea_orm(string_value = "OPTED_IN")]
    OptedIn,
    #[sea_orm(string_value = "OPTED_OUT")]
    OptedOut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum AddressKind {
    #[sea_orm(string_value = "BILLING")]
    Billing,
    #[sea_orm(string_value = "SHIPPING")]
    Shipping,
    #[sea_orm(string_value = "HEAD_OFFICE")]
    HeadOffice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ChannelLinkKind {
    #[sea_orm(string_value = "SUPPLIES")]
    Supplies,
    #[sea_orm(string_value = "DISTRIBUTES_TO")]
    DistributesTo,
    #[sea_orm(string_value = "RESELLS_TO")]
    ResellsTo,
    #[sea_orm(string_value = "SERVES")]
    Serves,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum RelationshipLevel {
    #[sea_orm(string_value = "REACTIVE")]
    Reactive,
    #[sea_orm(string_value = "PROACTIVE")]
    Proactive,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "PARTNERSHIP")]
    Partnership,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ChannelLinkStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    #[sea_orm(string_value = "ENDED")]
    Ended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum UserRole {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "SALES")]
    Sales,
    #[sea_orm(string_value = "SERVICE")]
    Service,
    #[sea_orm(string_value = "ANALYST")]
    Analyst,
    #[sea_orm(string_value = "PARTNER_ADMIN")]
    PartnerAdmin,
    #[sea_orm(string_value = "PARTNER_MANAGER")]
    PartnerManager,
    #[sea_orm(string_value = "PARTNER_SALES")]
    PartnerSales,
    #[sea_orm(string_value = "PARTNER_FINANCE")]
    PartnerFinance,
    #[sea_orm(string_value = "PARTNER_SERVICE")]
    PartnerService,
}

impl UserRole {
    /// Partner roles are bound to one organization; staff roles are not.
    pub fn is_partner(self) -> bool {
        matches!(
            self,
            UserRole::PartnerAdmin
                | UserRole::PartnerManager
                | UserRole::PartnerSales
                | UserRole::PartnerFinance
                | UserRole::PartnerService
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ProductStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "INACTIVE")]
    Inactive,
    #[sea_orm(string_value = "DISCONTINUED")]
    Discontinued,
}

/// Units of measure, stored as their ASC X12 code (data element 355).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum UnitOfMeasure {
    #[sea_orm(string_value = "EA")]
    Each,
    #[sea_orm(string_value = "CA")]
    Case,
    #[sea_orm(string_value = "BX")]
    Box,
    #[sea_orm(string_value = "PK")]
    Package,
    #[sea_orm(string_value = "PL")]
    Pallet,
    #[sea_orm(string_value = "DZ")]
    Dozen,
    #[sea_orm(string_value = "PR")]
    Pair,
    #[sea_orm(string_value = "ST")]
    Set,
    #[sea_orm(string_value = "RL")]
    Roll,
    #[sea_orm(string_value = "KG")]
    Kilogram,
    #[sea_orm(string_value = "LB")]
    Pound,
    #[sea_orm(string_value = "MR")]
    Meter,
    #[sea_orm(string_value = "FT")]
    Foot,
    #[sea_orm(string_value = "LT")]
    Liter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SpecKind {
    #[sea_orm(string_value = "ATTRIBUTE")]
    Attribute,
    #[sea_orm(string_value = "DOCUMENT")]
    Document,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SettlementCadence {
    #[sea_orm(string_value = "WEEKLY")]
    Weekly,
    #[sea_orm(string_value = "MONTHLY")]
    Monthly,
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrderKind {
    /// A customer or partner buys from the brand (or a dealer from its distributor).
    #[sea_orm(string_value = "SALES")]
    Sales,
    /// The brand buys from a supplier.
    #[sea_orm(string_value = "PURCHASE")]
    Purchase,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrderStatus {
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    #[sea_orm(string_value = "CREDIT_HOLD")]
    CreditHold,
    #[sea_orm(string_value = "ACKNOWLEDGED")]
    Acknowledged,
    #[sea_orm(string_value = "PARTIALLY_SHIPPED")]
    PartiallyShipped,
    #[sea_orm(string_value = "SHIPPED")]
    Shipped,
    #[sea_orm(string_value = "INVOICED")]
    Invoiced,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum LineStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "CHANGED")]
    Changed,
    #[sea_orm(string_value = "QUANTITY_CHANGED")]
    QuantityChanged,
    #[sea_orm(string_value = "PRICE_CHANGED")]
    PriceChanged,
    #[sea_orm(string_value = "BACKORDERED")]
    Backordered,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum PriceSource {
    #[sea_orm(string_value = "TIER_PRICE_LIST")]
    TierPriceList,
    #[sea_orm(string_value = "LIST_PRICE")]
    ListPrice,
    /// Agreed with a supplier on a purchase order.
    #[sea_orm(string_value = "AGREED")]
    Agreed,
    /// Authorised by a special pricing agreement the order named.
    #[sea_orm(string_value = "SPECIAL_PRICE")]
    SpecialPrice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum InvoiceStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "PARTIALLY_PAID")]
    PartiallyPaid,
    #[sea_orm(string_value = "PAID")]
    Paid,
}

/// Whether an X12 interchange or document came in from a partner or went out to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EdiDirection {
    #[sea_orm(string_value = "INBOUND")]
    Inbound,
    #[sea_orm(string_value = "OUTBOUND")]
    Outbound,
}

/// Production or test traffic (ISA15); the two never mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EdiUsage {
    #[sea_orm(string_value = "PRODUCTION")]
    Production,
    #[sea_orm(string_value = "TEST")]
    Test,
}

/// What became of an X12 interchange or transaction set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum EdiStatus {
    /// Received and applied (test traffic: checked, and applied to nothing).
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// An interchange some of whose sets were refused.
    #[sea_orm(string_value = "PARTIALLY_ACCEPTED")]
    PartiallyAccepted,
    /// Refused: malformed, or failing a business check. Nothing was applied.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Already received under the same control number; not applied again.
    #[sea_orm(string_value = "DUPLICATE")]
    Duplicate,
    /// Written by the server for the partner.
    #[sea_orm(string_value = "SENT")]
    Sent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum InteractionKind {
    #[sea_orm(string_value = "CALL")]
    Call,
    #[sea_orm(string_value = "VISIT")]
    Visit,
    #[sea_orm(string_value = "EMAIL")]
    Email,
    #[sea_orm(string_value = "MEETING")]
    Meeting,
    #[sea_orm(string_value = "TRADE_SHOW")]
    TradeShow,
    #[sea_orm(string_value = "PORTAL_MESSAGE")]
    PortalMessage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CommitmentStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "KEPT")]
    Kept,
    #[sea_orm(string_value = "BROKEN")]
    Broken,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TaskKind {
    #[sea_orm(string_value = "FOLLOW_UP")]
    FollowUp,
    #[sea_orm(string_value = "CALL")]
    Call,
    #[sea_orm(string_value = "VISIT")]
    Visit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TaskStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "DONE")]
    Done,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseKind {
    #[sea_orm(string_value = "COMPLAINT")]
    Complaint,
    #[sea_orm(string_value = "SERVICE_REQUEST")]
    ServiceRequest,
    #[sea_orm(string_value = "INQUIRY")]
    Inquiry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseCategory {
    #[sea_orm(string_value = "PRODUCT_QUALITY")]
    ProductQuality,
    #[sea_orm(string_value = "DELIVERY")]
    Delivery,
    #[sea_orm(string_value = "SERVICE")]
    Service,
    #[sea_orm(string_value = "BILLING")]
    Billing,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseSeverity {
    #[sea_orm(string_value = "LOW")]
    Low,
    #[sea_orm(string_value = "MEDIUM")]
    Medium,
    #[sea_orm(string_value = "HIGH")]
    High,
    #[sea_orm(string_value = "CRITICAL")]
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "RESOLVED")]
    Resolved,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
    #[sea_orm(string_value = "REOPENED")]
    Reopened,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CaseResolution {
    #[sea_orm(string_value = "REPAIR")]
    Repair,
    #[sea_orm(string_value = "EXCHANGE")]
    Exchange,
    #[sea_orm(string_value = "RETURN")]
    Return,
    #[sea_orm(string_value = "REFUND")]
    Refund,
    #[sea_orm(string_value = "CREDIT")]
    Credit,
    #[sea_orm(string_value = "NONE")]
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CampaignChannel {
    #[sea_orm(string_value = "EMAIL")]
    Email,
    #[sea_orm(string_value = "MAIL")]
    Mail,
    #[sea_orm(string_value = "EVENT")]
    Event,
    #[sea_orm(string_value = "TRADE_SHOW")]
    TradeShow,
    #[sea_orm(string_value = "PUBLICATION")]
    Publication,
    #[sea_orm(string_value = "WEB")]
    Web,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CampaignResponseKind {
    #[sea_orm(string_value = "OPENED")]
    Opened,
    #[sea_orm(string_value = "CLICKED")]
    Clicked,
    #[sea_orm(string_value = "REPLIED")]
    Replied,
    #[sea_orm(string_value = "REGISTERED")]
    Registered,
    #[sea_orm(string_value = "ATTENDED")]
    Attended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OpportunityStage {
    #[sea_orm(string_value = "PROSPECTING")]
    Prospecting,
    #[sea_orm(string_value = "QUALIFICATION")]
    Qualification,
    #[sea_orm(string_value = "PROPOSAL")]
    Proposal,
    #[sea_orm(string_value = "NEGOTIATION")]
    Negotiation,
    #[sea_orm(string_value = "WON")]
    Won,
    #[sea_orm(string_value = "LOST")]
    Lost,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum LeadSource {
    #[sea_orm(string_value = "TRADE_SHOW")]
    TradeShow,
    #[sea_orm(string_value = "PUBLICATION")]
    Publication,
    #[sea_orm(string_value = "WEBSITE")]
    Website,
    #[sea_orm(string_value = "ASSOCIATION")]
    Association,
    #[sea_orm(string_value = "PARTNER_REFERRAL")]
    PartnerReferral,
    #[sea_orm(string_value = "STORE")]
    Store,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum LeadStatus {
    #[sea_orm(string_value = "NEW")]
    New,
    #[sea_orm(string_value = "ASSIGNED")]
    Assigned,
    #[sea_orm(string_value = "OFFERED")]
    Offered,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "QUALIFIED")]
    Qualified,
    #[sea_orm(string_value = "DISQUALIFIED")]
    Disqualified,
    #[sea_orm(string_value = "CONVERTED")]
    Converted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum DealStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DeliveryStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    #[sea_orm(string_value = "DEAD")]
    Dead,
}

/// When a trading partner is sent a TA1 interchange acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InterchangeAcks {
    #[sea_orm(string_value = "WHEN_REQUESTED")]
    WhenRequested,
    #[sea_orm(string_value = "ALWAYS")]
    Always,
    #[sea_orm(string_value = "NEVER")]
    Never,
}

/// How the bytes a trading partner sends are read as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TextEncoding {
    #[sea_orm(string_value = "UTF_8")]
    Utf8,
    #[sea_orm(string_value = "ISO_8859_1")]
    Iso88591,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ProposalStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// What a tier criterion measures, over figures the graph holds.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TierMeasure {
    #[sea_orm(string_value = "PURCHASES")]
    Purchases,
    #[sea_orm(string_value = "SELL_THROUGH_UNITS")]
    SellThroughUnits,
    #[sea_orm(string_value = "SELL_THROUGH_GROWTH")]
    SellThroughGrowth,
    #[sea_orm(string_value = "BRAND_SHARE")]
    BrandShare,
    #[sea_orm(string_value = "PRODUCT_LINES")]
    ProductLines,
    #[sea_orm(string_value = "CERTIFIED_CONTACTS")]
    CertifiedContacts,
    #[sea_orm(string_value = "DEALS_WON")]
    DealsWon,
    #[sea_orm(string_value = "ON_TIME_PAYMENT")]
    OnTimePayment,
    #[sea_orm(string_value = "OPEN_COMPLAINTS")]
    OpenComplaints,
    #[sea_orm(string_value = "SATISFACTION")]
    Satisfaction,
    #[sea_orm(string_value = "REPORT_PUNCTUALITY")]
    ReportPunctuality,
}

/// How a measured value is held against a criterion's threshold.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TierComparison {
    #[sea_orm(string_value = "AT_LEAST")]
    AtLeast,
    #[sea_orm(string_value = "AT_MOST")]
    AtMost,
}

/// Where a proposed tier change stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TierProposalStatus {
    /// Waiting for staff, or for its grace period to pass.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Staff approved it: the partner moved.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Applied by the program's pass after the grace period.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// Staff rejected it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// A later evaluation qualified the partner differently, or its tier changed otherwise.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// Where a special pricing agreement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SpecialPriceStatus {
    /// The distributor asked; the brand has not decided.
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    /// The brand authorised it, with its prices, caps and validity.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// The brand refused it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ClaimStatus {
    /// Filed and checked; the brand has not decided.
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// The brand approved it, at the amounts its lines allow.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// The brand refused all of it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ClaimLineResult {
    /// Every check holds: the line is allowed as claimed.
    #[sea_orm(string_value = "VALID")]
    Valid,
    /// Allowed in part: capped to what the data supports.
    #[sea_orm(string_value = "ADJUSTED")]
    Adjusted,
    /// Allowed nothing.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum CreditSource {
    /// An approved ship-and-debit claim.
    #[sea_orm(string_value = "SHIP_AND_DEBIT")]
    ShipAndDebit,
    /// An approved price protection credit.
    #[sea_orm(string_value = "PRICE_PROTECTION")]
    PriceProtection,
    /// A partner's approved claim on a fund.
    #[sea_orm(string_value = "FUND_CLAIM")]
    FundClaim,
    /// An approved volume rebate.
    #[sea_orm(string_value = "REBATE")]
    Rebate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PriceProtectionStatus {
    /// Proposed as the price fell; the brand has not decided.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// The brand approved it: a credit memo settled it.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// The brand refused it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ClaimSource {
    /// Filed in the portal or by the API.
    #[sea_orm(string_value = "PORTAL")]
    Portal,
    /// Sent as an X12 844.
    #[sea_orm(string_value = "EDI")]
    Edi,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FundKind {
    /// Marketing development funds: a fixed amount per partner by its tier.
    #[sea_orm(string_value = "MDF")]
    Mdf,
    /// Co-op funds: each partner accrues a share of its purchases in the period.
    #[sea_orm(string_value = "COOP")]
    Coop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FundActivity {
    #[sea_orm(string_value = "TRADE_SHOW")]
    TradeShow,
    #[sea_orm(string_value = "CAMPAIGN")]
    Campaign,
    #[sea_orm(string_value = "TRAINING")]
    Training,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FundRequestStatus {
    /// Asked for; the brand has not decided.
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    /// The brand approved all or part of it; the partner may claim it until it expires.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// The brand refused it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// The partner claimed it with proof; the brand has not decided.
    #[sea_orm(string_value = "CLAIMED")]
    Claimed,
    /// The brand approved the claim: a credit memo paid it.
    #[sea_orm(string_value = "PAID")]
    Paid,
    /// The brand refused the claim.
    #[sea_orm(string_value = "CLAIM_REJECTED")]
    ClaimRejected,
    /// Approved but not claimed in time.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RebateMethod {
    /// The rate of the highest threshold reached applies to everything bought.
    #[sea_orm(string_value = "RETROACTIVE")]
    Retroactive,
    /// Each threshold's rate applies to what was bought between it and the next.
    #[sea_orm(string_value = "INCREMENTAL")]
    Incremental,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RebateBasis {
    /// What the partner bought from the brand: invoiced, before tax.
    #[sea_orm(string_value = "PURCHASES")]
    Purchases,
    /// What the partner reported sold on, valued at what it paid the brand per unit.
    #[sea_orm(string_value = "SELL_THROUGH")]
    SellThrough,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RebateStatus {
    /// Worked out at the period's end; the brand has not decided.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// The brand approved it: a credit memo settled it.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// The brand refused it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// How the brand plans a distributor's stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReplenishmentMode {
    /// No proposals.
    #[sea_orm(string_value = "OFF")]
    Off,
    /// Proposals the distributor accepts or rejects.
    #[sea_orm(string_value = "PROPOSALS")]
    Proposals,
    /// Proposals the brand places as orders once their window passes, unless the
    /// distributor acted first.
    #[sea_orm(string_value = "BRAND_MANAGED")]
    BrandManaged,
}

/// Where a replenishment proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReplenishmentStatus {
    /// Waiting for the distributor (or for its window to pass).
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Ordered: by the distributor, or by the brand after the window.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// The distributor said no, with the reason.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// A newer proposal for the distributor took its place.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// What made a replenishment proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReplenishmentTrigger {
    /// One of the distributor's review days.
    #[sea_orm(string_value = "REVIEW_DAY")]
    ReviewDay,
    /// A stock or sell-through report arrived.
    #[sea_orm(string_value = "REPORT")]
    Report,
    /// Someone asked for one.
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
}
