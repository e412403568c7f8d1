//! How clients narrow the audit trail.

use async_graphql::{ID, InputObject};

use crate::graphql::scalars::DateTime;

/// Narrows the audit trail.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Only changes to this object.
    pub object_id: Option<ID>,
    /// Only changes by this user or API token.
    pub principal_id: Option<ID>,
    /// Only this action, for example `organization.update`.
    pub action: Option<String>,
    /// Only changes at or after this time.
    pub since: Option<DateTime>,
    /// Only changes before this time.
    pub until: Option<DateTime>,
}
