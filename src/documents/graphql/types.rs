//! A registration's answer, as the API shows it.

use async_graphql::SimpleObject;

use crate::graphql::user_error::UserErrorObject as UserError;

/// The result of registering a document.
#[derive(SimpleObject)]
pub struct DocumentRegisterPayload {
    /// Send this as `documentId` (or its hex as Apollo's `sha256Hash`) instead of the
    /// document; null when refused.
    pub document_id: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}
