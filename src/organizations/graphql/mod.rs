//! The directory as the API shows it: designed types, not the tables.

mod compiled;
mod dealers;
mod inputs;
mod proposals;
mod resolvers;
mod types;

pub(crate) use dealers::within;
pub use dealers::{DealerAddressInput, DealerMutation, DirectoryMatch, DuplicateReason};
pub use inputs::{
    AddressCreateInput, AddressUpdateInput, ArchiveInput, ChannelLinkCreateInput,
    ChannelLinkUpdateInput, ContactCreateInput, ContactUpdateInput, MarketingConsentInput,
    OrganizationCreateInput, OrganizationFilter, OrganizationOrder, OrganizationOrderField,
    OrganizationUpdateInput, input_id,
};
pub use proposals::{ChangeProposal, ProposalMutation, ProposalQuery, ProposalStatus};
pub use resolvers::{
    AddressPayload, ChannelLinkPayload, ContactPayload, DirectoryMutation, DirectoryQuery,
    OrganizationPayload,
};
pub use types::*;

pub(crate) use compiled::loaded;
pub use compiled::register as register_compiled;
