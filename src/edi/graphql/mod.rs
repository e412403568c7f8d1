//! X12 traffic in GraphQL: `ediSubmit` takes an interchange as `POST /edi/x12` does,
//! `ediDocuments` lists the transaction sets received and sent, and staff list, set and
//! remove a trading partner's item and location cross-references, in bulk.

mod inputs;
mod resolvers;
mod types;

pub use inputs::{
    EdiDocumentFilter, EdiItemCodeInput, EdiItemReferenceInput, EdiItemReferencesSetInput,
    EdiLocationCodeInput, EdiLocationReferenceInput, EdiLocationReferencesSetInput,
    EdiPartnerConfigureInput, EdiSubmitInput, X12SeparatorsInput,
};
pub use resolvers::{CrossReferenceMutation, CrossReferenceQuery, EdiMutation, EdiQuery};
pub use types::{
    EdiAcknowledgement, EdiDirection, EdiDocument, EdiInterchange, EdiItemReference,
    EdiLocationReference, EdiPartner, EdiPartnerPayload, EdiReferencesSetPayload, EdiStatus,
    EdiSubmitPayload, EdiUsage, GroupVersion, InterchangeAcks, InterchangeVersion, ItemQualifier,
    LocationQualifier, TextEncoding, X12Separators, X12Version, documents_for,
};
