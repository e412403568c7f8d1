//! `Node`, `node(id:)` and `nodes(ids:)`: fetching any object by its global id, with the same
//! access rules as every other path.

use async_graphql::{Context, ID, Interface, Object};

use crate::access::Principal;
use crate::auth::graphql::ApiToken;
use crate::auth::graphql::User;
use crate::auth::loaders::{ApiTokenId, UserId};
use crate::cases::graphql::{Case, CaseRoute, SurveyResponse};
use crate::cases::loaders::{CaseId, CaseRouteId, SurveyResponseId};
use crate::catalog::graphql::{PartnerTier, PriceList, Product, ProductSpec, TierMembership};
use crate::catalog::loaders::{
    PartnerTierId, PriceListId, ProductId, ProductSpecId, TierMembershipId,
};
use crate::edi::graphql::{EdiDocument, EdiInterchange};
use crate::edi::loaders::{EdiDocumentId, EdiInterchangeId};
use crate::error::{Error, GqlResult};
use crate::events::graphql::{Event, WebhookDelivery, WebhookEndpoint};
use crate::events::webhooks;
use crate::graphql::compiled::spec::{Catalog, Shape};
use crate::graphql::compiled::{self, Compiled};
use crate::graphql::loading::load_one;
use crate::growth::graphql::{Campaign, DealRegistration, Lead, Opportunity};
use crate::growth::loaders::{CampaignId, OpportunityId};
use crate::growth::loaders::{DealRegistrationId, LeadId};
use crate::ids::{GlobalId, NodeType};
use crate::orders::graphql::{Invoice, Order, Shipment};
use crate::orders::loaders::{InvoiceId, OrderId, ShipmentId};
use crate::organizations::graphql::{
    Address, Brand, ChangeProposal, ChannelLink, Contact, Customer, Distributor,
    IntermediateCustomer, Organization, PublicInterestOrganization, Supplier,
};
use crate::organizations::loaders::{AddressId, ChannelLinkId, ContactId, OrganizationId};
use crate::relationship::graphql::{Commitment, Interaction, Task};
use crate::relationship::loaders::{CommitmentId, InteractionId, TaskId};
use crate::reports::graphql::{InventoryReport, SellThroughReport};
use crate::reports::loaders::{InventoryReportId, SellThroughReportId};
use sea_orm::DatabaseConnection;

/// Most ids one `nodes` call accepts.
pub const MAX_NODES: usize = 100;

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque global id; use it with `node(id:)`."
))]
pub enum Node {
    Brand(Brand),
    Customer(Customer),
    IntermediateCustomer(IntermediateCustomer),
    Distributor(Distributor),
    Supplier(Supplier),
    PublicInterestOrganization(PublicInterestOrganization),
    Contact(Contact),
    Address(Address),
    ChannelLink(ChannelLink),
    User(User),
    ApiToken(ApiToken),
    Product(Product),
    ProductSpec(ProductSpec),
    PriceList(PriceList),
    PartnerTier(PartnerTier),
    TierMembership(TierMembership),
    Order(Order),
    Shipment(Shipment),
    Invoice(Invoice),
    InventoryReport(InventoryReport),
    SellThroughReport(SellThroughReport),
    EdiInterchange(EdiInterchange),
    EdiDocument(EdiDocument),
    Interaction(Interaction),
    Commitment(Commitment),
    Task(Task),
    Case(Case),
    CaseRoute(CaseRoute),
    SurveyResponse(SurveyResponse),
    Campaign(Campaign),
    Opportunity(Opportunity),
    Lead(Lead),
    DealRegistration(DealRegistration),
    Event(Event),
    WebhookEndpoint(WebhookEndpoint),
    WebhookDelivery(WebhookDelivery),
    ChangeProposal(ChangeProposal),
    Invitation(crate::program::graphql::Invitation),
    PartnerApplication(crate::program::graphql::PartnerApplication),
    ProgramTerms(crate::program::graphql::ProgramTerms),
    TermsAcceptance(crate::program::graphql::TermsAcceptance),
    Certification(crate::program::graphql::Certification),
    ContactCertification(crate::program::graphql::ContactCertification),
    TierEvaluation(crate::program::graphql::TierEvaluation),
    TierProposal(crate::program::graphql::TierProposal),
    SpecialPrice(crate::channel_money::graphql::SpecialPrice),
    Claim(crate::channel_money::graphql::Claim),
    CreditMemo(crate::channel_money::settlement::CreditMemo),
    PriceProtectionCredit(crate::channel_money::protection::PriceProtectionCredit),
    Fund(crate::channel_money::funding::Fund),
    FundRequest(crate::channel_money::funding::FundRequest),
    RebateProgram(crate::channel_money::rebating::RebateProgram),
    RebateSettlement(crate::channel_money::rebating::RebateSettlement),
    ReplenishmentPolicy(crate::replenishment::graphql::ReplenishmentPolicy),
    ReplenishmentPolicyProposal(crate::replenishment::graphql::ReplenishmentPolicyProposal),
    ReplenishmentProposal(crate::replenishment::proposal_graphql::ReplenishmentProposal),
    PurchaseProposal(crate::replenishment::purchase_graphql::PurchaseProposal),
}

impl From<Organization> for Node {
    fn from(org: Organization) -> Self {
        match org {
            Organization::Brand(o) => Node::Brand(o),
            Organization::Customer(o) => Node::Customer(o),
            Organization::IntermediateCustomer(o) => Node::IntermediateCustomer(o),
            Organization::Distributor(o) => Node::Distributor(o),
            Organization::Supplier(o) => Node::Supplier(o),
            Organization::PublicInterestOrganization(o) => Node::PublicInterestOrganization(o),
        }
    }
}

async fn fetch(ctx: &Context<'_>, gid: GlobalId) -> async_graphql::Result<Option<Node>> {
    let node = match gid.node_type {
        NodeType::Organization => load_one(ctx, OrganizationId(gid.id))
            .await?
            .map(|m| crate::organizations::graphql::organization(m).into()),
        NodeType::Contact => load_one(ctx, ContactId(gid.id))
            .await?
            .map(|m| Node::Contact(Contact(m))),
        NodeType::Address => load_one(ctx, AddressId(gid.id))
            .await?
            .map(|m| Node::Address(Address(m))),
        NodeType::ChannelLink => load_one(ctx, ChannelLinkId(gid.id))
            .await?
            .map(|m| Node::ChannelLink(ChannelLink(m))),
        NodeType::User => {
            // The company's people are of the directory, as the `users` list is.
            Principal::of(ctx)
                .gql()?
                .ensure_can_read_directory()
                .gql()?;
            load_one(ctx, UserId(gid.id))
                .await?
                .map(|m| Node::User(User::new(m)))
        }
        NodeType::ApiToken => load_one(ctx, ApiTokenId(gid.id))
            .await?
            .map(|m| Node::ApiToken(ApiToken(m))),
        NodeType::Product => load_one(ctx, ProductId(gid.id))
            .await?
            .map(|m| Node::Product(Product(m))),
        NodeType::ProductSpec => load_one(ctx, ProductSpecId(gid.id))
            .await?
            .map(|m| Node::ProductSpec(ProductSpec(m))),
        NodeType::PriceList => load_one(ctx, PriceListId(gid.id))
            .await?
            .map(|m| Node::PriceList(PriceList(m))),
        NodeType::PartnerTier => load_one(ctx, PartnerTierId(gid.id))
            .await?
            .map(|m| Node::PartnerTier(PartnerTier(m))),
        NodeType::TierMembership => load_one(ctx, TierMembershipId(gid.id))
            .await?
            .map(|m| Node::TierMembership(TierMembership(m))),
        NodeType::Order => load_one(ctx, OrderId(gid.id))
            .await?
            .map(|m| Node::Order(Order(m))),
        NodeType::Shipment => load_one(ctx, ShipmentId(gid.id))
            .await?
            .map(|m| Node::Shipment(Shipment(m))),
        NodeType::Invoice => load_one(ctx, InvoiceId(gid.id))
            .await?
            .map(|m| Node::Invoice(Invoice(m))),
        NodeType::InventoryReport => load_one(ctx, InventoryReportId(gid.id))
            .await?
            .map(|m| Node::InventoryReport(InventoryReport(m))),
        NodeType::SellThroughReport => load_one(ctx, SellThroughReportId(gid.id))
            .await?
            .map(|m| Node::SellThroughReport(SellThroughReport(m))),
        NodeType::EdiInterchange => load_one(ctx, EdiInterchangeId(gid.id))
            .await?
            .map(|m| Node::EdiInterchange(EdiInterchange(m))),
        NodeType::EdiDocument => load_one(ctx, EdiDocumentId(gid.id))
            .await?
            .map(|m| Node::EdiDocument(EdiDocument(m))),
        NodeType::Interaction => load_one(ctx, InteractionId(gid.id))
            .await?
            .map(|m| Node::Interaction(Interaction(m))),
        NodeType::Commitment => load_one(ctx, CommitmentId(gid.id))
            .await?
            .map(|m| Node::Commitment(Commitment(m))),
        NodeType::Task => load_one(ctx, TaskId(gid.id))
            .await?
            .map(|m| Node::Task(Task(m))),
        NodeType::Case => load_one(ctx, CaseId(gid.id))
            .await?
            .map(|m| Node::Case(Case(m))),
        NodeType::CaseRoute => load_one(ctx, CaseRouteId(gid.id))
            .await?
            .map(|m| Node::CaseRoute(CaseRoute(m))),
        NodeType::SurveyResponse => load_one(ctx, SurveyResponseId(gid.id))
            .await?
            .map(|m| Node::SurveyResponse(SurveyResponse(m))),
        NodeType::Campaign => load_one(ctx, CampaignId(gid.id))
            .await?
            .map(|m| Node::Campaign(Campaign(m))),
        NodeType::Opportunity => load_one(ctx, OpportunityId(gid.id))
            .await?
            .map(|m| Node::Opportunity(Opportunity(m))),
        NodeType::Lead => load_one(ctx, LeadId(gid.id))
            .await?
            .map(|m| Node::Lead(Lead(m))),
        NodeType::DealRegistration => load_one(ctx, DealRegistrationId(gid.id))
            .await?
            .map(|m| Node::DealRegistration(DealRegistration(m))),
        NodeType::ChangeProposal => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::organizations::proposals::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::ChangeProposal(ChangeProposal(m)))
        }
        NodeType::Invitation => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::invitations::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::Invitation(crate::program::graphql::Invitation(m)))
        }
        NodeType::PartnerApplication => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::applications::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::PartnerApplication(crate::program::graphql::PartnerApplication(m)))
        }
        NodeType::ProgramTerms => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::terms::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::ProgramTerms(crate::program::graphql::ProgramTerms(m)))
        }
        NodeType::TermsAcceptance => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::terms::acceptances_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::TermsAcceptance(crate::program::graphql::TermsAcceptance(m)))
        }
        NodeType::Certification => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::certifications::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::Certification(crate::program::graphql::Certification(m)))
        }
        NodeType::ContactCertification => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::certifications::records_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::ContactCertification(crate::program::graphql::ContactCertification(m))
                })
        }
        NodeType::TierEvaluation => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::qualification::evaluations_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::TierEvaluation(crate::program::graphql::TierEvaluation(m)))
        }
        NodeType::TierProposal => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::program::qualification::proposals_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::TierProposal(crate::program::graphql::TierProposal(m)))
        }
        NodeType::SpecialPrice => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::special_prices::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::SpecialPrice(crate::channel_money::graphql::SpecialPrice(m)))
        }
        NodeType::Claim => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::claims::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::Claim(crate::channel_money::graphql::Claim(m)))
        }
        NodeType::CreditMemo => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::credit_memos::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::CreditMemo(crate::channel_money::settlement::CreditMemo(m)))
        }
        NodeType::PriceProtectionCredit => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::price_protection::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::PriceProtectionCredit(
                        crate::channel_money::protection::PriceProtectionCredit(m),
                    )
                })
        }
        NodeType::Fund => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::funds::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::Fund(crate::channel_money::funding::Fund(m)))
        }
        NodeType::FundRequest => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::funds::requests_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::FundRequest(crate::channel_money::funding::FundRequest(m)))
        }
        NodeType::RebateProgram => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::rebates::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| Node::RebateProgram(crate::channel_money::rebating::RebateProgram(m)))
        }
        NodeType::RebateSettlement => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::channel_money::rebates::settlements_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::RebateSettlement(crate::channel_money::rebating::RebateSettlement(m))
                })
        }
        NodeType::ReplenishmentPolicyProposal => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::replenishment::policy_proposals::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::ReplenishmentPolicyProposal(
                        crate::replenishment::graphql::ReplenishmentPolicyProposal(m),
                    )
                })
        }
        NodeType::ReplenishmentProposal => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::replenishment::proposals::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::ReplenishmentProposal(
                        crate::replenishment::proposal_graphql::ReplenishmentProposal(m),
                    )
                })
        }
        NodeType::PurchaseProposal => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::replenishment::purchase::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::PurchaseProposal(
                        crate::replenishment::purchase_graphql::PurchaseProposal(m),
                    )
                })
        }
        NodeType::ReplenishmentPolicy => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::replenishment::policies::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .remove(&gid.id)
                .map(|m| {
                    Node::ReplenishmentPolicy(crate::replenishment::graphql::ReplenishmentPolicy(m))
                })
        }
        NodeType::Event => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            crate::events::by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .pop()
                .map(|m| Node::Event(Event(m)))
        }
        NodeType::WebhookEndpoint => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            webhooks::endpoints_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .pop()
                .map(|m| Node::WebhookEndpoint(WebhookEndpoint(m)))
        }
        NodeType::WebhookDelivery => {
            let (db, principal) = (db(ctx)?, Principal::of(ctx).gql()?);
            webhooks::deliveries_by_ids(db, principal, &[gid.id])
                .await
                .gql()?
                .pop()
                .map(|m| Node::WebhookDelivery(WebhookDelivery(m)))
        }
    };
    Ok(node)
}

fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

fn parse(field: &str, raw: &ID) -> async_graphql::Result<GlobalId> {
    GlobalId::parse(raw)
        .map_err(|e| Error::bad_input(field, format!("{field} `{}` {e}", raw.as_str())))
        .gql()
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when nothing visible to you has that id.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as returned in an `id` field.")] id: ID,
    ) -> async_graphql::Result<Compiled<Option<Node>>> {
        let gid = parse("id", &id)?;
        let catalog = ctx.data::<Catalog>()?;
        if let Some((target, lookup)) = catalog.node(gid.node_type) {
            let principal = Principal::of(ctx).gql()?;
            // A principal that may not read the type gets the resolver's answer.
            if let Ok(listing) = lookup(principal, gid.id)
                && let Some(value) = compiled::read(ctx, target, Shape::One, listing).await?
            {
                return Ok(Compiled::read(value));
            }
        }
        Ok(Compiled::Resolve(fetch(ctx, gid).await?))
    }

    /// Objects by their global ids, in the order asked; null for each id that names nothing
    /// visible to you. At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids, as returned in `id` fields (at most 100).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(Error::bad_input(
                "ids",
                format!(
                    "ids holds {} ids; at most {MAX_NODES} are allowed",
                    ids.len()
                ),
            ))
            .gql();
        }
        let parsed = ids
            .iter()
            .enumerate()
            .map(|(i, id)| parse(&format!("ids.{i}"), id))
            .collect::<Result<Vec<_>, _>>()?;
        let lookups = parsed.into_iter().map(|gid| fetch(ctx, gid));
        futures_util::future::try_join_all(lookups).await
    }
}
