//! Opaque global ids: base64 of `Type:uuid`, as the Relay convention has it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

/// The types that can be fetched with `node(id:)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    Organization,
    Contact,
    Address,
    ChannelLink,
    User,
    ApiToken,
    Product,
    ProductSpec,
    PriceList,
    PartnerTier,
    TierMembership,
    Order,
    Shipment,
    Invoice,
    InventoryReport,
    SellThroughReport,
    EdiInterchange,
    EdiDocument,
    Interaction,
    Commitment,
    Task,
    Case,
    CaseRoute,
    SurveyResponse,
    Campaign,
    Opportunity,
    Lead,
    DealRegistration,
    Event,
    WebhookEndpoint,
    WebhookDelivery,
    ChangeProposal,
    Invitation,
    PartnerApplication,
    ProgramTerms,
    TermsAcceptance,
    Certification,
    ContactCertification,
    TierEvaluation,
    TierProposal,
    SpecialPrice,
    Claim,
    CreditMemo,
    PriceProtectionCredit,
    Fund,
    FundRequest,
    RebateProgram,
    RebateSettlement,
    ReplenishmentPolicy,
    ReplenishmentPolicyProposal,
    ReplenishmentProposal,
    PurchaseProposal,
}

impl NodeType {
    pub fn name(self) -> &'static str {
        match self {
            NodeType::Organization => "Organization",
            NodeType::Contact => "Contact",
            NodeType::Address => "Address",
            NodeType::ChannelLink => "ChannelLink",
            NodeType::User => "User",
            NodeType::ApiToken => "ApiToken",
            NodeType::Product => "Product",
            NodeType::ProductSpec => "ProductSpec",
            NodeType::PriceList => "PriceList",
            NodeType::PartnerTier => "PartnerTier",
            NodeType::TierMembership => "TierMembership",
            NodeType::Order => "Order",
            NodeType::Shipment => "Shipment",
            NodeType::Invoice => "Invoice",
            NodeType::InventoryReport => "InventoryReport",
            NodeType::SellThroughReport => "SellThroughReport",
            NodeType::EdiInterchange => "EdiInterchange",
            NodeType::EdiDocument => "EdiDocument",
            NodeType::Interaction => "Interaction",
            NodeType::Commitment => "Commitment",
            NodeType::Task => "Task",
            NodeType::Case => "Case",
            NodeType::CaseRoute => "CaseRoute",
            NodeType::SurveyResponse => "SurveyResponse",
            NodeType::Campaign => "Campaign",
            NodeType::Opportunity => "Opportunity",
            NodeType::Lead => "Lead",
            NodeType::DealRegistration => "DealRegistration",
            NodeType::Event => "Event",
            NodeType::WebhookEndpoint => "WebhookEndpoint",
            NodeType::WebhookDelivery => "WebhookDelivery",
            NodeType::ChangeProposal => "ChangeProposal",
            NodeType::Invitation => "Invitation",
            NodeType::PartnerApplication => "PartnerApplication",
            NodeType::ProgramTerms => "ProgramTerms",
            NodeType::TermsAcceptance => "TermsAcceptance",
            NodeType::Certification => "Certification",
            NodeType::ContactCertification => "ContactCertification",
            NodeType::TierEvaluation => "TierEvaluation",
            NodeType::TierProposal => "TierProposal",
            NodeType::SpecialPrice => "SpecialPrice",
            NodeType::Claim => "Claim",
            NodeType::CreditMemo => "CreditMemo",
            NodeType::PriceProtectionCredit => "PriceProtectionCredit",
            NodeType::Fund => "Fund",
            NodeType::FundRequest => "FundRequest",
            NodeType::RebateProgram => "RebateProgram",
            NodeType::RebateSettlement => "RebateSettlement",
            NodeType::ReplenishmentPolicy => "ReplenishmentPolicy",
            NodeType::ReplenishmentPolicyProposal => "ReplenishmentPolicyProposal",
            NodeType::ReplenishmentProposal => "ReplenishmentProposal",
            NodeType::PurchaseProposal => "PurchaseProposal",
        }
    }

    /// The node type of this name (`Order`), if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        [
            NodeType::Organization,
            NodeType::Contact,
            NodeType::Address,
            NodeType::ChannelLink,
            NodeType::User,
            NodeType::ApiToken,
            NodeType::Product,
            NodeType::ProductSpec,
            NodeType::PriceList,
            NodeType::PartnerTier,
            NodeType::TierMembership,
            NodeType::Order,
            NodeType::Shipment,
            NodeType::Invoice,
            NodeType::InventoryReport,
            NodeType::SellThroughReport,
            NodeType::EdiInterchange,
            NodeType::EdiDocument,
            NodeType::Interaction,
            NodeType::Commitment,
            NodeType::Task,
            NodeType::Case,
            NodeType::CaseRoute,
            NodeType::SurveyResponse,
            NodeType::Campaign,
            NodeType::Opportunity,
            NodeType::Lead,
            NodeType::DealRegistration,
            NodeType::Event,
            NodeType::WebhookEndpoint,
            NodeType::WebhookDelivery,
            NodeType::ChangeProposal,
            NodeType::Invitation,
            NodeType::PartnerApplication,
            NodeType::ProgramTerms,
            NodeType::TermsAcceptance,
            NodeType::Certification,
            NodeType::ContactCertification,
            NodeType::TierEvaluation,
            NodeType::TierProposal,
            NodeType::SpecialPrice,
            NodeType::Claim,
            NodeType::CreditMemo,
            NodeType::PriceProtectionCredit,
            NodeType::Fund,
            NodeType::FundRequest,
            NodeType::RebateProgram,
            NodeType::RebateSettlement,
            NodeType::ReplenishmentPolicy,
            NodeType::ReplenishmentPolicyProposal,
            NodeType::ReplenishmentProposal,
            NodeType::PurchaseProposal,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalId {
    pub node_type: NodeType,
    pub id: Uuid,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is not a valid id")]
    Malformed,
    #[error("is the id of {}, not of {}", with_article(.actual), with_article(.expected))]
    WrongType {
        expected: &'static str,
        actual: &'static str,
    },
}

/// A type's name after "a" or "an", as it is said.
pub fn with_article(name: &str) -> String {
    let article = match name.chars().next() {
        // "a User": none of the types' names starts with a U said as a vowel.
        Some('A' | 'E' | 'I' | 'O') => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

impl GlobalId {
    pub fn new(node_type: NodeType, id: Uuid) -> Self {
        Self { node_type, id }
    }

    pub fn encode(node_type: NodeType, id: Uuid) -> String {
        STANDARD.encode(format!("{}:{}", node_type.name(), id))
    }

    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let bytes = STANDARD.decode(raw).map_err(|_| IdError::Malformed)?;
        let text = String::from_utf8(bytes).map_err(|_| IdError::Malformed)?;
        let (name, uuid) = text.split_once(':').ok_or(IdError::Malformed)?;
        let node_type = NodeType::parse(name).ok_or(IdError::Malformed)?;
        let id = Uuid::try_parse(uuid).map_err(|_| IdError::Malformed)?;
        // One id per object: the UUID as `encode` writes it (lower case, hyphenated), not
        // its braced, URN, simple or upper-case forms.
        if id.hyphenated().to_string() != uuid {
            return Err(IdError::Malformed);
        }
        Ok(Self { node_type, id })
    }

    /// Parses an id that must name a `expected`.
    pub fn parse_as(raw: &str, expected: NodeType) -> Result<Uuid, IdError> {
        let gid = Self::parse(raw)?;
        if gid.node_type != expected {
            return Err(IdError::WrongType {
                expected: expected.name(),
                actual: gid.node_type.name(),
            });
        }
        Ok(gid.id)
    }
}

/// An optional id argument outside mutation inputs (a filter, a list argument): a bad one is
/// a `BAD_USER_INPUT` error naming `field`.
pub fn argument_id(
    field: &str,
    raw: Option<&async_graphql::ID>,
    expected: NodeType,
) -> crate::error::Result<Option<Uuid>> {
    raw.map(|raw| {
        GlobalId::parse_as(raw, expected)
            .map_err(|e| crate::error::Error::bad_input(field, format!("{field} {e}")))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips() {
        let id = Uuid::now_v7();
        let raw = GlobalId::encode(NodeType::Contact, id);
        assert_eq!(
            GlobalId::parse(&raw),
            Ok(GlobalId::new(NodeType::Contact, id))
        );
    }

    #[test]
    fn garbage_and_unknown_types_are_malformed() {
        assert_eq!(GlobalId::parse("not base64!"), Err(IdError::Malformed));
        let unknown = STANDARD.encode(format!("Spaceship:{}", Uuid::now_v7()));
        assert_eq!(GlobalId::parse(&unknown), Err(IdError::Malformed));
        let no_uuid = STANDARD.encode("Contact:42");
        assert_eq!(GlobalId::parse(&no_uuid), Err(IdError::Malformed));
    }

    #[test]
    fn other_spellings_of_the_uuid_are_malformed() {
        let id = Uuid::now_v7();
        for spelled in [
            id.simple().to_string(),
            id.braced().to_string(),
            id.urn().to_string(),
            id.hyphenated().to_string().to_uppercase(),
        ] {
            let raw = STANDARD.encode(format!("Contact:{spelled}"));
            assert_eq!(GlobalId::parse(&raw), Err(IdError::Malformed), "{spelled}");
        }
    }

    #[test]
    fn an_id_of_another_type_is_named() {
        let raw = GlobalId::encode(NodeType::Contact, Uuid::now_v7());
        assert_eq!(
            GlobalId::parse_as(&raw, NodeType::Organization),
            Err(IdError::WrongType {
                expected: "Organization",
                actual: "Contact"
            })
        );
    }
}
