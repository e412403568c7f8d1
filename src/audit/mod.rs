//! The audit trail: every change made through the API, written in the change's own
//! transaction, so a change and its record commit or vanish together. Events are never
//! updated or deleted; the API offers no way to.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub mod graphql;

use crate::access::Principal;
use crate::error::{Error, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::now;
use crate::writes::Writes;

tokio::task_local! {
    /// The id of the request being served, for the events it causes.
    pub static REQUEST_ID: String;
}

/// Runs `work` on a task of its own, which goes on if the request is stopped, with what the
/// request's own work carries: its id (for the audit trail), the node's credentials and its
/// tracing span.
pub fn spawn_for_request<F>(work: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    use tracing::Instrument;
    let request_id = REQUEST_ID.try_with(Clone::clone).ok();
    let node = crate::auth::credentials::NODE.try_with(Clone::clone).ok();
    let work = work.instrument(tracing::Span::current());
    tokio::spawn(async move {
        let work = async move {
            match node {
                Some(node) => crate::auth::credentials::NODE.scope(node, work).await,
                None => work.await,
            }
        };
        match request_id {
            Some(id) => REQUEST_ID.scope(id, work).await,
            None => work.await,
        }
    })
}

/// What a change did, as the trail names it (`action`), and the type of the object it
/// changed (`objectType`): each variant is one kind of change, written by one service.
macro_rules! actions {
    ($($variant:ident => $name:literal on $object:literal,)*) => {
        /// A kind of change, as the audit trail records it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action { $($variant,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The action's name in the trail, such as `organization.update`.
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// The API type of the object it changes, such as `Organization`.
            pub fn object_type(self) -> &'static str {
                match self { $(Action::$variant => $object,)* }
            }
        }
    };
}

actions! {
    OrganizationCreate => "organization.create" on "Organization",
    OrganizationUpdate => "organization.update" on "Organization",
    OrganizationArchive => "organization.archive" on "Organization",
    OrganizationRegister => "organization.register" on "Organization",
    OrganizationApprove => "organization.approve" on "Organization",
    OrganizationReject => "organization.reject" on "Organization",
    OrganizationCreditLimit => "organization.credit_limit" on "Organization",
    PartnerTierAssign => "partner_tier.assign" on "Organization",
    EdiPartnerConfigure => "edi_partner.configure" on "Organization",
    EdiCrossReferencesSet => "edi_cross_references.set" on "Organization",
    ChangeProposalSubmit => "change_proposal.submit" on "ChangeProposal",
    ChangeProposalApprove => "change_proposal.approve" on "ChangeProposal",
    ChangeProposalReject => "change_proposal.reject" on "ChangeProposal",
    ContactCreate => "contact.create" on "Contact",
    ContactUpdate => "contact.update" on "Contact",
    ContactArchive => "contact.archive" on "Contact",
    AddressCreate => "address.create" on "Address",
    AddressUpdate => "address.update" on "Address",
    AddressArchive => "address.archive" on "Address",
    ChannelLinkCreate => "channel_link.create" on "ChannelLink",
    ChannelLinkUpdate => "channel_link.update" on "ChannelLink",
    ChannelLinkArchive => "channel_link.archive" on "ChannelLink",
    UserCreate => "user.create" on "User",
    UserDeactivate => "user.deactivate" on "User",
    UserRolesSet => "user.roles_set" on "User",
    InvitationCreate => "invitation.create" on "Invitation",
    InvitationRevoke => "invitation.revoke" on "Invitation",
    InvitationAccept => "invitation.accept" on "Invitation",
    PartnerApplicationSubmit => "partner_application.submit" on "PartnerApplication",
    PartnerApplicationApprove => "partner_application.approve" on "PartnerApplication",
    PartnerApplicationReject => "partner_application.reject" on "PartnerApplication",
    ProgramTermsPublish => "program_terms.publish" on "ProgramTerms",
    ProgramTermsAccept => "program_terms.accept" on "TermsAcceptance",
    CertificationCreate => "certification.create" on "Certification",
    CertificationUpdate => "certification.update" on "Certification",
    CertificationArchive => "certification.archive" on "Certification",
    ContactCertificationRecord => "contact_certification.record" on "ContactCertification",
    ContactCertificationRevoke => "contact_certification.revoke" on "ContactCertification",
    PartnerTierCriteriaSet => "partner_tier.criteria_set" on "PartnerTier",
    TierEvaluationRecord => "tier_evaluation.record" on "TierEvaluation",
    TierProposalCreate => "tier_proposal.create" on "TierProposal",
    TierProposalWithdraw => "tier_proposal.withdraw" on "TierProposal",
    TierProposalApprove => "tier_proposal.approve" on "TierProposal",
    TierProposalApply => "tier_proposal.apply" on "TierProposal",
    TierProposalReject => "tier_proposal.reject" on "TierProposal",
    SpecialPriceRequest => "special_price.request" on "SpecialPrice",
    SpecialPriceApprove => "special_price.approve" on "SpecialPrice",
    SpecialPriceReject => "special_price.reject" on "SpecialPrice",
    ClaimSubmit => "claim.submit" on "Claim",
    ClaimApprove => "claim.approve" on "Claim",
    ClaimReject => "claim.reject" on "Claim",
    CreditMemoIssue => "credit_memo.issue" on "CreditMemo",
    PriceProtectionPropose => "price_protection.propose" on "PriceProtectionCredit",
    PriceProtectionApprove => "price_protection.approve" on "PriceProtectionCredit",
    PriceProtectionReject => "price_protection.reject" on "PriceProtectionCredit",
    FundCreate => "fund.create" on "Fund",
    FundUpdate => "fund.update" on "Fund",
    FundRequestCreate => "fund_request.create" on "FundRequest",
    FundRequestApprove => "fund_request.approve" on "FundRequest",
    FundRequestReject => "fund_request.reject" on "FundRequest",
    FundClaim => "fund_request.claim" on "FundRequest",
    FundClaimPay => "fund_request.pay" on "FundRequest",
    FundClaimRefuse => "fund_request.refuse" on "FundRequest",
    FundRequestExpire => "fund_request.expire" on "FundRequest",
    RebateProgramCreate => "rebate_program.create" on "RebateProgram",
    RebatePropose => "rebate.propose" on "RebateSettlement",
    RebateApprove => "rebate.approve" on "RebateSettlement",
    RebateReject => "rebate.reject" on "RebateSettlement",
    ReplenishmentPolicyCreate => "replenishment_policy.create" on "ReplenishmentPolicy",
    ReplenishmentPolicyUpdate => "replenishment_policy.update" on "ReplenishmentPolicy",
    ReplenishmentPolicyDelete => "replenishment_policy.delete" on "ReplenishmentPolicy",
    ReplenishmentPolicyPropose => "replenishment_policy.propose" on "ReplenishmentPolicyProposal",
    ReplenishmentPolicyAccept => "replenishment_policy.accept" on "ReplenishmentPolicyProposal",
    ReplenishmentPolicyReject => "replenishment_policy.reject" on "ReplenishmentPolicyProposal",
    ReplenishmentEnrol => "replenishment.enrol" on "Organization",
    ReplenishmentPropose => "replenishment.propose" on "ReplenishmentProposal",
    ReplenishmentAccept => "replenishment.accept" on "ReplenishmentProposal",
    ReplenishmentReject => "replenishment.reject" on "ReplenishmentProposal",
    SupplierCommit => "supplier.commit" on "Organization",
    PurchaseProposalPropose => "purchase_proposal.propose" on "PurchaseProposal",
    PurchaseProposalAccept => "purchase_proposal.accept" on "PurchaseProposal",
    PurchaseProposalReject => "purchase_proposal.reject" on "PurchaseProposal",
    SupplierForecastSend => "supplier.forecast_send" on "Organization",
    SessionLogin => "session.login" on "User",
    SessionRefresh => "session.refresh" on "User",
    SessionLogout => "session.logout" on "User",
    ApiTokenCreate => "api_token.create" on "ApiToken",
    ApiTokenRevoke => "api_token.revoke" on "ApiToken",
    DocumentRegister => "document.register" on "Document",
    ProductCreate => "product.create" on "Product",
    ProductUpdate => "product.update" on "Product",
    ProductPacksSet => "product.packs" on "Product",
    ProductSpecCreate => "product_spec.create" on "ProductSpec",
    ProductSpecUpdate => "product_spec.update" on "ProductSpec",
    PriceListCreate => "price_list.create" on "PriceList",
    PriceListUpdate => "price_list.update" on "PriceList",
    PartnerTierCreate => "partner_tier.create" on "PartnerTier",
    PartnerTierUpdate => "partner_tier.update" on "PartnerTier",
    OrderSubmit => "order.submit" on "Order",
    OrderCreditHold => "order.credit_hold" on "Order",
    OrderCreditRelease => "order.credit_release" on "Order",
    OrderCreditReject => "order.credit_reject" on "Order",
    OrderAcknowledge => "order.acknowledge" on "Order",
    OrderChange => "order.change" on "Order",
    OrderCancel => "order.cancel" on "Order",
    OrderShip => "order.ship" on "Order",
    OrderGoodsReceive => "order.goods_receive" on "Order",
    OrderInvoice => "order.invoice" on "Order",
    OrderPaymentRecord => "order.payment_record" on "Order",
    ShipmentCreate => "shipment.create" on "Shipment",
    ShipmentReceive => "shipment.receive" on "Shipment",
    InvoiceCreate => "invoice.create" on "Invoice",
    PaymentRecord => "payment.record" on "Payment",
    InventoryReportSubmit => "inventory_report.submit" on "InventoryReport",
    SellThroughReportSubmit => "sell_through_report.submit" on "SellThroughReport",
    EdiInterchangeReceive => "edi_interchange.receive" on "EdiInterchange",
    InteractionRecord => "interaction.record" on "Interaction",
    InteractionUpdate => "interaction.update" on "Interaction",
    CommitmentAdd => "commitment.add" on "Commitment",
    CommitmentClose => "commitment.close" on "Commitment",
    TaskCreate => "task.create" on "Task",
    TaskUpdate => "task.update" on "Task",
    TaskComplete => "task.complete" on "Task",
    TaskCancel => "task.cancel" on "Task",
    CaseOpen => "case.open" on "Case",
    CaseUpdate => "case.update" on "Case",
    CaseStart => "case.start" on "Case",
    CaseResolve => "case.resolve" on "Case",
    CaseClose => "case.close" on "Case",
    CaseReopen => "case.reopen" on "Case",
    CaseNote => "case.note" on "Case",
    CaseRouteSet => "case_route.set" on "CaseRoute",
    CaseRouteDelete => "case_route.delete" on "CaseRoute",
    SurveyResponseRecord => "survey_response.record" on "SurveyResponse",
    CampaignCreate => "campaign.create" on "Campaign",
    CampaignUpdate => "campaign.update" on "Campaign",
    CampaignSend => "campaign.send" on "Campaign",
    CampaignResponse => "campaign.response" on "Campaign",
    OpportunityCreate => "opportunity.create" on "Opportunity",
    OpportunityUpdate => "opportunity.update" on "Opportunity",
    OpportunityWin => "opportunity.win" on "Opportunity",
    OpportunityLose => "opportunity.lose" on "Opportunity",
    LeadCreate => "lead.create" on "Lead",
    LeadAccept => "lead.accept" on "Lead",
    LeadDecline => "lead.decline" on "Lead",
    LeadAssign => "lead.assign" on "Lead",
    LeadOfferLapse => "lead.offer_lapse" on "Lead",
    LeadQualify => "lead.qualify" on "Lead",
    LeadDisqualify => "lead.disqualify" on "Lead",
    LeadConvert => "lead.convert" on "Lead",
    LeadRouteSet => "lead_route.set" on "LeadRoute",
    DealRegister => "deal.register" on "DealRegistration",
    DealApprove => "deal.approve" on "DealRegistration",
    DealReject => "deal.reject" on "DealRegistration",
    WebhookEndpointCreate => "webhook_endpoint.create" on "WebhookEndpoint",
    WebhookEndpointUpdate => "webhook_endpoint.update" on "WebhookEndpoint",
    WebhookEndpointRotateSecret => "webhook_endpoint.rotate_secret" on "WebhookEndpoint",
    WebhookEndpointDelete => "webhook_endpoint.delete" on "WebhookEndpoint",
    WebhookDeliveryRedeliver => "webhook_delivery.redeliver" on "WebhookDelivery",
}

/// Fields whose values never enter the trail.
const SECRET_FIELDS: [&str; 4] = [
    "password_hash",
    "secret_hash",
    "token_hash",
    "signing_secret",
];

pub fn principal_parts(principal: &Principal) -> (&'static str, Option<Uuid>) {
    match principal {
        Principal::Anonymous => ("ANONYMOUS", None),
        Principal::System => ("SYSTEM", None),
        Principal::Staff { user_id, .. } => ("STAFF", Some(*user_id)),
        Principal::Partner { user_id, .. } => ("PARTNER_USER", Some(*user_id)),
        Principal::PartnerSystem { token_id, .. } => ("PARTNER_SYSTEM", Some(*token_id)),
    }
}

fn as_object(value: Option<&impl Serialize>) -> Map<String, Value> {
    match value.map(serde_json::to_value) {
        Some(Ok(Value::Object(map))) => map,
        _ => Map::new(),
    }
}

/// `{"field": {"before": …, "after": …}}` for every field that differs, secrets redacted.
pub fn diff(before: Option<&impl Serialize>, after: Option<&impl Serialize>) -> Value {
    let before = as_object(before);
    let after = as_object(after);
    let mut changes = Map::new();
    let keys = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)));
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        if b == a {
            continue;
        }
        let entry = if SECRET_FIELDS.contains(&key.as_str()) {
            json!({ "before": b.map(|_| "[redacted]"), "after": a.map(|_| "[redacted]") })
        } else {
            json!({ "before": b, "after": a })
        };
        changes.insert(key.clone(), entry);
    }
    Value::Object(changes)
}

/// Records one change: the object as it was and as it is, of which the trail keeps the
/// fields that differ.
pub async fn record<T: Serialize>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    object_id: Option<Uuid>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    record_changes(db, principal, action, object_id, diff(before, after)).await
}

/// Records one change described field by field: `{"field": {"before": …, "after": …}}`.
pub async fn record_changes(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: Action,
    object_id: Option<Uuid>,
    changes: Value,
) -> Result<()> {
    let mut writes = Writes::new();
    changes_into(&mut writes, principal, action, object_id, changes);
    writes.run(db).await
}

/// [`record_changes`], gathered into `writes` to be sent with the change's other rows.
pub fn changes_into(
    writes: &mut Writes,
    principal: &Principal,
    action: Action,
    object_id: Option<Uuid>,
    changes: Value,
) {
    let (kind, principal_id) = principal_parts(principal);
    writes.insert(audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now()),
        principal_kind: Set(kind.to_owned()),
        principal_id: Set(principal_id),
        action: Set(action.as_str().to_owned()),
        object_type: Set(action.object_type().to_owned()),
        object_id: Set(object_id),
        changes: Set(changes.to_string()),
        request_id: Set(REQUEST_ID.try_with(|id| id.clone()).ok()),
    });
}

/// Which events a query asks for.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub object_id: Option<Uuid>,
    pub principal_id: Option<Uuid>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Keyed for audit_event::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn sort_value(&self, _key: SortKey) -> SortValue {
        SortValue::Time(self.occurred_at)
    }
}

fn ensure_can_read(principal: &Principal) -> Result<()> {
    match principal {
        Principal::System
        | Principal::Staff {
            role: entity::enums::UserRole::Admin,
            ..
        } => Ok(()),
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ => Err(Error::Forbidden("only admins read the audit trail".into())),
    }
}

fn filtered(filter: &AuditFilter) -> sea_orm::Select<audit_event::Entity> {
    use audit_event::Column as C;
    let mut query = audit_event::Entity::find();
    if let Some(id) = filter.object_id {
        query = query.filter(C::ObjectId.eq(id));
    }
    if let Some(id) = filter.principal_id {
        query = query.filter(C::PrincipalId.eq(id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(C::Action.eq(action.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(C::OccurredAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(C::OccurredAt.lt(until));
    }
    query
}

/// Events, newest first. Admins only.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<audit_event::Model>> {
    ensure_can_read(principal)?;
    crate::store::page_of(
        db,
        filtered(filter),
        page,
        Expr::col((audit_event::Entity, audit_event::Column::OccurredAt)),
        Expr::col((audit_event::Entity, audit_event::Column::Id)),
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: &AuditFilter,
) -> Result<u64> {
    ensure_can_read(principal)?;
    Ok(filtered(filter).count(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_changed_fields_and_redacts_secrets() {
        let before = json!({ "name": "Old", "code": "X", "password_hash": "$argon2id$a" });
        let after = json!({ "name": "New", "code": "X", "password_hash": "$argon2id$b" });
        assert_eq!(
            diff(Some(&before), Some(&after)),
            json!({
                "name": { "before": "Old", "after": "New" },
                "password_hash": { "before": "[redacted]", "after": "[redacted]" }
            })
        );
        assert_eq!(
            diff(None::<&Value>, Some(&json!({ "name": "N" }))),
            json!({ "name": { "before": null, "after": "N" } })
        );
    }
}
