//! What clients send to register a document.

use async_graphql::InputObject;

/// A document to register.
#[derive(InputObject)]
pub struct DocumentRegisterInput {
    /// The GraphQL document, exactly as clients will hash it.
    pub document: String,
}
