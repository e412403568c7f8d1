//! What every versioned table shares: lookups by id under a visibility condition, loading a
//! row for a change (it must exist, be visible, be live, and be at the version the caller
//! read), and saving it only if nobody changed it meanwhile.

use std::collections::HashMap;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, Iterable,
    QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::error::ErrorCode;
use crate::error::{Error, Result};

/// "Now", truncated to microseconds so that it round-trips through both databases exactly.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let t = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Tables whose rows carry an id, a `version`, an `updated_at` and an `archived_at`.
pub trait Versioned: EntityTrait {
    /// What a row is called in messages.
    const KIND: &'static str;
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
    fn updated_at_column() -> Self::Column;
    fn id(model: &Self::Model) -> Uuid;
    fn version(model: &Self::Model) -> i32;
    fn is_archived(model: &Self::Model) -> bool;
}

macro_rules! versioned {
    ($module:ident, $kind:literal) => {
        versioned!($module, $kind, |model| model.archived_at.is_some());
    };
    ($module:ident, $kind:literal, |$model:ident| $archived:expr) => {
        impl Versioned for entity::$module::Entity {
            const KIND: &'static str = $kind;
            fn id_column() -> entity::$module::Column {
                entity::$module::Column::Id
            }
            fn version_column() -> entity::$module::Column {
                entity::$module::Column::Version
            }
            fn updated_at_column() -> entity::$module::Column {
                entity::$module::Column::UpdatedAt
            }
            fn id(model: &entity::$module::Model) -> Uuid {
                model.id
            }
            fn version(model: &entity::$module::Model) -> i32 {
                model.version
            }
            fn is_archived($model: &entity::$module::Model) -> bool {
                $archived
            }
        }
    };
}

versioned!(organization, "organization");
versioned!(change_proposal, "change proposal", |_model| false);
versioned!(contact, "contact");
versioned!(address, "address");
versioned!(channel_link, "channel link");
versioned!(product, "product", |_model| false);
versioned!(product_spec, "specification", |_model| false);
versioned!(price_list, "price list", |_model| false);
versioned!(partner_tier, "partner tier", |_model| false);
versioned!(order, "order", |_model| false);
versioned!(shipment, "shipment", |_model| false);
versioned!(invoice, "invoice", |_model| false);
versioned!(interaction, "interaction", |_model| false);
versioned!(commitment, "commitment", |_model| false);
versioned!(task, "task", |_model| false);
versioned!(case, "case", |_model| false);
versioned!(opportunity, "opportunity", |_model| false);
versioned!(campaign, "campaign", |_model| false);
versioned!(lead, "lead", |_model| false);
versioned!(deal_registration, "deal registration", |_model| false);
versioned!(webhook_endpoint, "webhook endpoint");
versioned!(invitation, "invitation", |_model| false);
versioned!(partner_application, "application", |_model| false);
versioned!(tier_proposal, "tier proposal", |_model| false);
versioned!(certification, "certification");
versioned!(fund, "fund", |_model| false);
versioned!(fund_request, "fund request", |_model| false);
versioned!(rebate_program, "rebate program", |_model| false);
versioned!(rebate_settlement, "rebate", |_model| false);
versioned!(replenishment_policy, "replenishment policy", |_model| false);
versioned!(
    replenishment_policy_proposal,
    "replenishment policy proposal",
    |_model| false
);
versioned!(replenishment_proposal, "replenishment proposal", |_model| {
    false
});
versioned!(purchase_proposal, "purchase proposal", |_model| false);
versioned!(special_price, "special price", |_model| false);
versioned!(claim, "claim", |_model| false);
versioned!(
    price_protection_credit,
    "price protection credit",
    |_model| false
);
versioned!(contact_certification, "certification record", |_model| {
    false
});

/// Selects every column of `E` as `{prefix}{column}`, so that one statement can read rows
/// of several tables and each model is read back with
/// `FromQueryResult::from_query_result(row, prefix)`.
pub fn select_prefixed<E: EntityTrait>(select: &mut SelectStatement, prefix: &str) {
    for column in E::Column::iter() {
        select.expr_as(
            column.select_as(column.into_expr()),
            format!("{prefix}{}", column.as_str()),
        );
    }
}

/// Rows grouped by a key (a parent's id), keeping their order: what a batch loader of
/// children answers with.
pub fn grouped<M>(rows: Vec<M>, key: impl Fn(&M) -> Uuid) -> HashMap<Uuid, Vec<M>> {
    let mut out: HashMap<Uuid, Vec<M>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}

/// Rows by id, as far as `visible` lets the caller see them. Archived rows are included: a
/// reference to an archived row still resolves.
pub async fn by_ids<E: Versioned>(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    visible: Condition,
) -> Result<HashMap<Uuid, E::Model>> {
    let rows = E::find()
        .filter(E::id_column().is_in(ids.iter().copied()))
        .filter(visible)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (E::id(&m), m)).collect())
}

/// The row `input.id` names, if the caller may see it, it is not archived, and it is still
/// at the `version` the caller read.
pub async fn for_change<E: Versioned>(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    visible: Condition,
) -> Result<E::Model> {
    current::<E>(db, E::find(), id, version, visible).await
}

/// [`for_change`], holding the row until the transaction ends (`FOR UPDATE` on PostgreSQL;
/// SQLite writes one transaction at a time): a change that locks the row first reads it as
/// the last change left it, and takes its other locks after it, in one order.
pub async fn for_update<E: Versioned>(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    visible: Condition,
) -> Result<E::Model> {
    current::<E>(db, E::find().lock_exclusive(), id, version, visible).await
}

async fn current<E: Versioned>(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<E>,
    id: Uuid,
    version: i32,
    visible: Condition,
) -> Result<E::Model> {
    let current = select
        .filter(E::id_column().eq(id))
        .filter(visible)
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::user(
                &["input", "id"],
                ErrorCode::NotFound,
                format!("no {} has this id", E::KIND),
            )
        })?;
    if E::is_archived(&current) {
        return Err(Error::user(
            &["input", "id"],
            ErrorCode::Archived,
            format!("this {} is archived", E::KIND),
        ));
    }
    check_version(E::version(&current), version)?;
    Ok(current)
}

pub fn check_version(current: i32, sent: i32) -> Result<()> {
    if current != sent {
        return Err(Error::user(
            &["input", "version"],
            ErrorCode::Conflict,
            format!(
                "version {sent} is stale: the record is at version {current}; read it again and reapply the change"
            ),
        ));
    }
    Ok(())
}

/// Writes the row only if it is still at `version`, bumping the version and `updated_at`.
/// A writer that got there first makes this a `CONFLICT`, never a lost update.
pub async fn save_versioned<E>(
    db: &impl ConnectionTrait,
    mut row: E::ActiveModel,
    id: Uuid,
    version: i32,
) -> Result<E::Model>
where
    E: Versioned,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::Model: Sync,
{
    row.set(E::version_column(), (version + 1).into());
    row.set(E::updated_at_column(), now().into());
    let result = E::update_many()
        .set(row)
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(Error::user(
            &["input", "version"],
            ErrorCode::Conflict,
            format!(
                "version {version} is stale: the {} changed meanwhile",
                E::KIND
            ),
        ));
    }
    E::find()
        .filter(E::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal(format!("an updated {} vanished", E::KIND)))
}

/// One keyset page of `query`, sorted by `sort_column` then `id_column`.
pub async fn page_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    page: &crate::pagination::PageRequest,
    sort_column: impl sea_orm::IntoSimpleExpr,
    id_column: impl sea_orm::IntoSimpleExpr,
) -> Result<crate::pagination::Page<E::Model>> {
    use sea_orm::QueryTrait;
    let mut stmt = query.into_query();
    page.apply(
        &mut stmt,
        sort_column.into_simple_expr(),
        id_column.into_simple_expr(),
    );
    let rows = E::find()
        .from_raw_sql(db.get_database_backend().build(&stmt))
        .all(db)
        .await?;
    Ok(page.into_page(rows))
}

/// One keyset page of the rows of `E` that meet `cond`, sorted by `sort` then by `id`.
pub async fn page_where<E: EntityTrait>(
    db: &impl ConnectionTrait,
    cond: Condition,
    page: &crate::pagination::PageRequest,
    sort: E::Column,
    id: E::Column,
) -> Result<crate::pagination::Page<E::Model>> {
    use sea_orm::sea_query::Expr;
    page_of(
        db,
        E::find().filter(cond),
        page,
        Expr::col((E::default(), sort)),
        Expr::col((E::default(), id)),
    )
    .await
}

/// How many rows of `E` meet `cond`.
pub async fn count_where<E: EntityTrait>(db: &impl ConnectionTrait, cond: Condition) -> Result<u64>
where
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    Ok(E::find().filter(cond).count(db).await?)
}
