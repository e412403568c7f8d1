//! One change made through the API, as the audit trail shows it.

use async_graphql::{ID, Json, Object};
use entity::audit_event;

use crate::graphql::scalars::DateTime;
use crate::ids::{GlobalId, NodeType};

/// One change made through the API.
pub struct AuditEvent(pub audit_event::Model);

fn node_type(object_type: &str) -> Option<NodeType> {
    NodeType::parse(object_type)
}

/// One change made through the API.
#[Object]
impl AuditEvent {
    /// When the change was committed.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }
    /// Who made it: STAFF, PARTNER_USER, PARTNER_SYSTEM, SYSTEM or ANONYMOUS (signing in).
    async fn principal_kind(&self) -> &str {
        &self.0.principal_kind
    }
    /// The user or API token that made it, as a global id.
    async fn principal_id(&self) -> Option<ID> {
        let node = match self.0.principal_kind.as_str() {
            "PARTNER_SYSTEM" => NodeType::ApiToken,
            _ => NodeType::User,
        };
        self.0.principal_id.map(|id| ID(GlobalId::encode(node, id)))
    }
    /// What was done, for example `organization.update` or `session.login`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The type of the object changed.
    async fn object_type(&self) -> &str {
        &self.0.object_type
    }
    /// The object changed, as a global id.
    async fn object_id(&self) -> Option<ID> {
        let node = node_type(&self.0.object_type)?;
        self.0.object_id.map(|id| ID(GlobalId::encode(node, id)))
    }
    /// The fields that changed: `{"field": {"before": …, "after": …}}`, secrets redacted.
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.changes).unwrap_or_default())
    }
    /// The request that made the change (its `x-request-id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}
