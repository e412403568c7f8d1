//! Retention: what the outbox, the webhook log and the revocations no longer need is deleted,
//! by one node at a time for all of them (whoever holds the `retention` lease), in small
//! batches so that no transaction holds many rows. Audit records are kept for ever unless
//! `audit_retention_days` says otherwise.

use chrono::{DateTime, Utc};
use entity::enums::DeliveryStatus;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DeriveIden};
use tokio::sync::watch;

use crate::error::Result;
use crate::settings::RetentionSettings;
use crate::store::now;

/// Rows deleted per statement.
const BATCH: u64 = 1000;

/// Revocations are needed while a credential they end could still be remembered or used:
/// an access token lives at most a day, and a node remembers for at most an hour.
const REVOCATION_DAYS: i64 = 2;

#[derive(DeriveIden)]
enum Leases {
    Table,
    Name,
    Holder,
    HeldUntil,
}

/// Takes or renews the lease `name` for `holder` until `until`, if nobody else holds it;
/// says whether `holder` now holds it. One statement, so two nodes never both win.
pub async fn take_lease(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    until: DateTime<Utc>,
) -> Result<bool> {
    let at = now();
    let stmt = Query::insert()
        .into_table(Leases::Table)
        .columns([Leases::Name, Leases::Holder, Leases::HeldUntil])
        .values_panic([name.into(), holder.into(), until.into()])
        .on_conflict(
            OnConflict::column(Leases::Name)
                .update_columns([Leases::Holder, Leases::HeldUntil])
                .action_and_where(
                    Expr::col((Leases::Table, Leases::HeldUntil))
                        .lt(at)
                        .or(Expr::col((Leases::Table, Leases::Holder)).eq(holder)),
                )
                .to_owned(),
        )
        .returning_col(Leases::Holder)
        .to_owned();
    Ok(db.query_one(&stmt).await?.is_some())
}

/// What one pass deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub attempts: u64,
    pub deliveries: u64,
    pub events: u64,
    pub audit_events: u64,
    pub revocations: u64,
}

fn days_ago(days: u64) -> DateTime<Utc> {
    now() - chrono::Duration::days(i64::try_from(days).unwrap_or(i64::MAX / 86_400))
}

/// Deletes, a batch at a time, the rows of `table` that `condition` picks by `id`.
async fn delete_in_batches(
    db: &impl ConnectionTrait,
    table: &str,
    condition: sea_orm::Condition,
) -> Result<u64> {
    let mut deleted = 0;
    loop {
        let batch = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(table))
            .cond_where(condition.clone())
            .limit(BATCH)
            .to_owned();
        let stmt = Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).in_subquery(batch))
            .to_owned();
        let n = db.execute(&stmt).await?.rows_affected();
        deleted += n;
        if n < BATCH {
            return Ok(deleted);
        }
    }
}

/// One pass over every kind of row that expires.
pub async fn prune(db: &impl ConnectionTrait, settings: &RetentionSettings) -> Result<Pruned> {
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut pruned = Pruned::default();
    // Attempts past their own retention, and those of deliveries that end now.
    let finished_before = days_ago(settings.delivery_days);
    let finished = sea_orm::Condition::all()
        .add(col("status").is_in([
            sea_orm::ActiveEnum::to_value(&DeliveryStatus::Delivered),
            sea_orm::ActiveEnum::to_value(&DeliveryStatus::Dead),
        ]))
        .add(col("updated_at").lt(finished_before));
    let expiring_deliveries = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("webhook_deliveries"))
        .cond_where(finished.clone())
        .to_owned();
    pruned.attempts = delete_in_batches(
        db,
        "webhook_attempts",
        sea_orm::Condition::any()
            .add(col("started_at").lt(days_ago(settings.attempt_days)))
            .add(col("delivery_id").in_subquery(expiring_deliveries)),
    )
    .await?;
    pruned.deliveries = delete_in_batches(db, "webhook_deliveries", finished).await?;
    // Events past retention that no delivery still refers to, with who could see them.
    let referred = Query::select()
        .column(Alias::new("event_id"))
        .from(Alias::new("webhook_deliveries"))
        .to_owned();
    let expired_events = sea_orm::Condition::all()
        .add(col("occurred_at").lt(days_ago(settings.event_days)))
        .add(col("id").not_in_subquery(referred));
    loop {
        let batch = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("events"))
            .cond_where(expired_events.clone())
            .limit(BATCH)
            .to_owned();
        let audiences = Query::delete()
            .from_table(Alias::new("event_audiences"))
            .and_where(col("event_id").in_subquery(batch.clone()))
            .to_owned();
        db.execute(&audiences).await?;
        let events = Query::delete()
            .from_table(Alias::new("events"))
            .and_where(col("id").in_subquery(batch))
            .to_owned();
        let n = db.execute(&events).await?.rows_affected();
        pruned.events += n;
        if n < BATCH {
            break;
        }
    }
    if let Some(days) = settings.audit_days {
        pruned.audit_events = delete_in_batches(
            db,
            "audit_events",
            sea_orm::Condition::all().add(col("occurred_at").lt(days_ago(days))),
        )
        .await?;
    }
    pruned.revocations = delete_in_batches(
        db,
        "revocations",
        sea_orm::Condition::all()
            .add(col("revoked_at").lt(now() - chrono::Duration::days(REVOCATION_DAYS))),
    )
    .await?;
    Ok(pruned)
}

/// Every `interval`, the node that takes the lease prunes, until `stop` turns true.
pub async fn run(
    db: DatabaseConnection,
    settings: RetentionSettings,
    node: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(settings.interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let lease =
            chrono::Duration::from_std(settings.interval * 2).unwrap_or(chrono::Duration::hours(2));
        match take_lease(&db, "retention", &node, now() + lease).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "the retention lease could not be taken");
                continue;
            }
        }
        match prune(&db, &settings).await {
            Ok(p) if p == Pruned::default() => {}
            Ok(p) => tracing::info!(
                attempts = p.attempts,
                deliveries = p.deliveries,
                events = p.events,
                audit_events = p.audit_events,
                revocations = p.revocations,
                "pruned rows past their retention"
            ),
            Err(err) => tracing::warn!(error = %err, "pruning failed; it runs again later"),
        }
    }
}
