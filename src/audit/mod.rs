//! The audit trail: every change made through the API, written in the change's own
//! transaction, so a change and its record commit or vanish together. Events are never
//! updated or deleted; the API offers no way to.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub mod graphql;

use crate::access::Principal;
use crate::error::{Error, Result};
use crate::pagination::{Keyed, Page, PageRequest, SortKey, SortValue};
use crate::store::now;

tokio::task_local! {
    /// The id of the request being served, for the events it causes.
    pub static REQUEST_ID: String;
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

/// Records one change. `object_type` is the API type name, `action` a verb such as
/// `organization.update`.
pub async fn record<T: Serialize>(
    db: &impl ConnectionTrait,
    principal: &Principal,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let (kind, principal_id) = principal_parts(principal);
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now()),
        principal_kind: Set(kind.to_owned()),
        principal_id: Set(principal_id),
        action: Set(action.to_owned()),
        object_type: Set(object_type.to_owned()),
        object_id: Set(object_id),
        changes: Set(diff(before, after).to_string()),
        request_id: Set(REQUEST_ID.try_with(|id| id.clone()).ok()),
    }
    .insert(db)
    .await?;
    Ok(())
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
