//! The audit trail over GraphQL: read-only, for admins.

mod inputs;
mod resolvers;
mod types;

pub use inputs::AuditEventFilter;
pub use resolvers::AuditQuery;
pub use types::AuditEvent;
