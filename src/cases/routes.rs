//! Case routing rules: a category sends a case to a department queue, a territory to a
//! person. Admins change them; staff read them.

use entity::case_route::{self, Column, Entity};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::model::Route;
use crate::access::Principal;
use crate::audit;
use crate::error::{Error, ErrorCode, Result};
use crate::relationship::own_side_user;
use crate::store::now;

fn ensure_staff(principal: &Principal) -> Result<()> {
    if principal.is_restricted() {
        return Err(Error::Forbidden("case routing is the brand's own".into()));
    }
    Ok(())
}

/// Every rule: category rules first, then territory rules. The rules are few; they are
/// ordered here, the same on both databases (which put nulls at different ends).
pub async fn list(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> Result<Vec<case_route::Model>> {
    ensure_staff(principal)?;
    let mut rows = Entity::find().all(db).await?;
    rows.sort_by(|a, b| {
        let key = |r: &case_route::Model| {
            (
                r.category.is_none(),
                r.category.map(|c| c.to_value()),
                r.territory.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(rows)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    principal: &Principal,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, case_route::Model>> {
    if principal.is_restricted() {
        return Ok(Default::default());
    }
    let rows = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Sets the rule for a category or a territory, replacing the one it had.
#[tracing::instrument(skip(db, principal))]
pub async fn set(
    db: &impl ConnectionTrait,
    principal: &Principal,
    route: Route,
) -> Result<case_route::Model> {
    principal.ensure_can_route_cases()?;
    let existing = match &route {
        Route::Category { category, .. } => {
            Entity::find()
                .filter(Column::Category.eq(*category))
                .one(db)
                .await?
        }
        Route::Territory {
            territory,
            assignee_id,
        } => {
            own_side_user(db, principal, *assignee_id, &["assigneeId"]).await?;
            Entity::find()
                .filter(Column::Territory.eq(territory.clone()))
                .one(db)
                .await?
        }
    };
    let at = now();
    let (category, territory, department, assignee) = match route {
        Route::Category {
            category,
            department,
        } => (Some(category), None, Some(department), None),
        Route::Territory {
            territory,
            assignee_id,
        } => (None, Some(territory), None, Some(assignee_id)),
    };
    let saved = match existing.clone() {
        Some(current) => {
            let mut row: case_route::ActiveModel = current.clone().into();
            row.department = Set(department);
            row.assignee_id = Set(assignee);
            row.updated_at = Set(at);
            row.version = Set(current.version + 1);
            row.update(db).await?
        }
        None => {
            case_route::ActiveModel {
                id: Set(Uuid::now_v7()),
                category: Set(category),
                territory: Set(territory),
                department: Set(department),
                assignee_id: Set(assignee),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
            }
            .insert(db)
            .await?
        }
    };
    audit::record(
        db,
        principal,
        audit::Action::CaseRouteSet,
        Some(saved.id),
        existing.as_ref(),
        Some(&saved),
    )
    .await?;
    Ok(saved)
}

/// Removes a rule: cases of its category or territory are no longer routed by it.
#[tracing::instrument(skip(db, principal))]
pub async fn delete(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> Result<case_route::Model> {
    principal.ensure_can_route_cases()?;
    let current = Entity::find_by_id(id).one(db).await?.ok_or_else(|| {
        Error::user(
            &["input", "id"],
            ErrorCode::NotFound,
            "no case route has this id",
        )
    })?;
    Entity::delete_by_id(id).exec(db).await?;
    audit::record(
        db,
        principal,
        audit::Action::CaseRouteDelete,
        Some(id),
        Some(&current),
        None,
    )
    .await?;
    Ok(current)
}
