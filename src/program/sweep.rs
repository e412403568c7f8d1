//! The partner program's periodic work, on one node at a time (the lease `partner-program`):
//! lead offers that ran out go back to the pool, and the partner that let them run out
//! hears `LEAD_OFFER_LAPSED`; a partner whose people's certifications are about to run out
//! hears `CERTIFICATION_EXPIRING`; approved fund money not claimed in time expires, and
//! the partner hears `FUND_EXPIRED`.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::error::Result;
use crate::settings::CrmSettings;

/// One pass; returns how many changes it made.
pub async fn sweep(db: &DatabaseConnection, crm: &CrmSettings) -> Result<usize> {
    let lapsed = crate::growth::leads::lapse_offers(db, crm).await?;
    let told = super::certifications::notify_expiring(db, crm).await?;
    let tiers = super::qualification::sweep(db, crm).await?;
    let expired = crate::channel_money::funds::expire(db).await?;
    Ok(lapsed + told + tiers + expired)
}

/// Every `interval`, the node that takes the lease sweeps, until `stop` turns true.
pub async fn run(
    db: DatabaseConnection,
    crm: CrmSettings,
    interval: std::time::Duration,
    node: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let lease = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::hours(1));
        match crate::events::retention::take_lease(
            &db,
            "partner-program",
            &node,
            Utc::now() + lease,
        )
        .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "the partner program's lease could not be taken");
                continue;
            }
        }
        match sweep(&db, &crm).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(changes = n, "the partner program's pass made changes"),
            Err(err) => {
                tracing::warn!(error = %err, "the partner program's pass failed; it runs again later")
            }
        }
    }
}
