//! Changing the directory. Each mutation runs in one transaction: it changes everything or
//! nothing. Business failures come back in `userErrors`; the rest as GraphQL errors.

use async_graphql::{Context, Object, SimpleObject};

use super::inputs::*;
use super::types::*;
use crate::error::Result;
use crate::graphql::in_transaction;
use crate::graphql::user_error::{UserErrorObject as UserError, outcome};
use crate::ids::NodeType;
use crate::organizations::{addresses, contacts, links, service};
use crate::settings::CrmSettings;

/// The result of changing an organization.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as it is now; null when the change was refused.
    pub organization: Option<Organization>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a contact.
#[derive(SimpleObject)]
pub struct ContactPayload {
    /// The contact as it is now; null when the change was refused.
    pub contact: Option<Contact>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing an address.
#[derive(SimpleObject)]
pub struct AddressPayload {
    /// The address as it is now; null when the change was refused.
    pub address: Option<Address>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of changing a channel link.
#[derive(SimpleObject)]
pub struct ChannelLinkPayload {
    /// The link as it is now; null when the change was refused.
    pub channel_link: Option<ChannelLink>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn org_payload(
    result: Result<entity::organization::Model>,
) -> async_graphql::Result<OrganizationPayload> {
    let (org, user_errors) = outcome(result)?;
    Ok(OrganizationPayload {
        organization: org.map(organization),
        user_errors,
    })
}

fn contact_payload(
    result: Result<entity::contact::Model>,
) -> async_graphql::Result<ContactPayload> {
    let (contact, user_errors) = outcome(result)?;
    Ok(ContactPayload {
        contact: contact.map(Contact),
        user_errors,
    })
}

fn address_payload(
    result: Result<entity::address::Model>,
) -> async_graphql::Result<AddressPayload> {
    let (address, user_errors) = outcome(result)?;
    Ok(AddressPayload {
        address: address.map(Address),
        user_errors,
    })
}

fn link_payload(
    result: Result<entity::channel_link::Model>,
) -> async_graphql::Result<ChannelLinkPayload> {
    let (link, user_errors) = outcome(result)?;
    Ok(ChannelLinkPayload {
        channel_link: link.map(ChannelLink),
        user_errors,
    })
}

#[derive(Default)]
pub struct DirectoryMutation;

#[Object]
impl DirectoryMutation {
    /// Creates an organization. Its partner code must be unique.
    async fn organization_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organization.")] input: OrganizationCreateInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input.parse() {
            Ok(new) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::create(
                    &txn, principal, crm, new
                ))
            }
            Err(e) => Err(e),
        };
        org_payload(result)
    }

    /// Changes an organization, if it is still at the version you read.
    async fn organization_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: OrganizationUpdateInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => {
                let crm = ctx.data::<CrmSettings>()?;
                in_transaction!(ctx, |txn, principal| service::update(
                    &txn, principal, crm, id, version, changes
                ))
            }
            Err(e) => Err(e),
        };
        org_payload(result)
    }

    /// Archives an organization: it keeps its history and drops out of lists unless asked for.
    async fn organization_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let result = match input_id("id", &input.id, NodeType::Organization) {
            Ok(id) => in_transaction!(ctx, |txn, principal| service::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        org_payload(result)
    }

    /// Adds a contact to an organization.
    async fn contact_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new contact.")] input: ContactCreateInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input.parse() {
            Ok(new) => {
                in_transaction!(ctx, |txn, principal| contacts::create(&txn, principal, new))
            }
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Changes a contact, if it is still at the version you read.
    async fn contact_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ContactUpdateInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| contacts::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Archives a contact.
    async fn contact_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<ContactPayload> {
        let result = match input_id("id", &input.id, NodeType::Contact) {
            Ok(id) => in_transaction!(ctx, |txn, principal| contacts::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        contact_payload(result)
    }

    /// Adds an address to an organization.
    async fn address_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new address.")] input: AddressCreateInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| addresses::create(
                &txn, principal, new
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Changes an address, if it is still at the version you read.
    async fn address_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: AddressUpdateInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| addresses::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Archives an address.
    async fn address_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<AddressPayload> {
        let result = match input_id("id", &input.id, NodeType::Address) {
            Ok(id) => in_transaction!(ctx, |txn, principal| addresses::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        address_payload(result)
    }

    /// Links two organizations. The link must join kinds that allow it, must not join an
    /// organization to itself, and must not duplicate a live link of the same kind.
    async fn channel_link_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new link.")] input: ChannelLinkCreateInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input.parse() {
            Ok(new) => in_transaction!(ctx, |txn, principal| links::create(&txn, principal, new)),
            Err(e) => Err(e),
        };
        link_payload(result)
    }

    /// Changes a channel link, if it is still at the version you read.
    async fn channel_link_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: ChannelLinkUpdateInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input.parse() {
            Ok((id, version, changes)) => in_transaction!(ctx, |txn, principal| links::update(
                &txn, principal, id, version, changes
            )),
            Err(e) => Err(e),
        };
        link_payload(result)
    }

    /// Archives a channel link.
    async fn channel_link_archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link and the version you read.")] input: ArchiveInput,
    ) -> async_graphql::Result<ChannelLinkPayload> {
        let result = match input_id("id", &input.id, NodeType::ChannelLink) {
            Ok(id) => in_transaction!(ctx, |txn, principal| links::archive(
                &txn,
                principal,
                id,
                input.version
            )),
            Err(e) => Err(e),
        };
        link_payload(result)
    }
}
