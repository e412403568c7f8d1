//! The figures and scorecards a request's resolvers ask for, batched per request and per
//! day asked about.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use uuid::Uuid;

use super::cache::RetentionCache;
use super::channel::{self, DistributorScore, SupplierScore};
use super::customers::{self, CustomerFigures as Figures};
use super::replenishment::{self, DistributorReplenishment, SupplierCommitments};
use crate::error::Result;
use crate::graphql::loading::{LoadKey, LoadScope, Shared};
use crate::settings::CrmSettings;

/// Loads figures for one request, on behalf of its principal.
pub struct AnalyticsLoader {
    pub scope: LoadScope,
    pub crm: CrmSettings,
    /// Segment retention rates this node keeps for a while.
    pub retention: Arc<RetentionCache>,
}

/// Loads a batch of `(organization, day)` keys with one call of `load` per day asked about
/// (or per day and whatever else the key groups by).
async fn by_day<K, G, V, Fut>(
    keys: &[K],
    split: impl Fn(&K) -> (Uuid, G),
    join: impl Fn(Uuid, G) -> K,
    load: impl Fn(G, Vec<Uuid>) -> Fut,
) -> Result<HashMap<K, V>, Shared>
where
    K: Eq + std::hash::Hash,
    G: Copy + Eq + std::hash::Hash,
    Fut: std::future::Future<Output = Result<HashMap<Uuid, V>>>,
{
    let mut days: HashMap<G, Vec<Uuid>> = HashMap::new();
    for k in keys {
        let (id, day) = split(k);
        days.entry(day).or_default().push(id);
    }
    let mut out = HashMap::new();
    for (day, ids) in days {
        let loaded = load(day, ids).await.map_err(Arc::new)?;
        out.extend(loaded.into_iter().map(|(id, v)| (join(id, day), v)));
    }
    Ok(out)
}

/// A customer's figures, batched per request: one statement for the orders of every
/// customer asked about (from the sales rollups, margins included), and only when a field
/// asked for needs them, one for their segments (and one for segment retention when this
/// node has none kept for the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FiguresOf(pub Uuid, pub NaiveDate, pub customers::Needs);

impl Loader<FiguresOf> for AnalyticsLoader {
    type Value = Figures;
    type Error = Shared;

    async fn load(&self, keys: &[FiguresOf]) -> Result<HashMap<FiguresOf, Figures>, Shared> {
        by_day(
            keys,
            |k| (k.0, (k.1, k.2)),
            |id, (day, needs)| FiguresOf(id, day, needs),
            |(day, needs), ids| async move {
                let settings = &self.crm.analytics;
                customers::figures(
                    &self.scope.db,
                    &self.scope.principal,
                    settings,
                    &self.retention,
                    day,
                    needs,
                    &ids,
                )
                .await
            },
        )
        .await
    }
}

/// A distributor's scorecard, batched per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DistributorScoreOf(pub Uuid, pub NaiveDate);

impl Loader<DistributorScoreOf> for AnalyticsLoader {
    type Value = DistributorScore;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[DistributorScoreOf],
    ) -> Result<HashMap<DistributorScoreOf, DistributorScore>, Shared> {
        by_day(
            keys,
            |k| (k.0, k.1),
            DistributorScoreOf,
            |day, ids| async move {
                channel::distributor_scores(&self.scope.db, &self.crm.analytics, day, &ids).await
            },
        )
        .await
    }
}

/// A supplier's scorecard, batched per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SupplierScoreOf(pub Uuid, pub NaiveDate);

impl Loader<SupplierScoreOf> for AnalyticsLoader {
    type Value = SupplierScore;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[SupplierScoreOf],
    ) -> Result<HashMap<SupplierScoreOf, SupplierScore>, Shared> {
        by_day(
            keys,
            |k| (k.0, k.1),
            SupplierScoreOf,
            |day, ids| async move { channel::supplier_scores(&self.scope.db, day, &ids).await },
        )
        .await
    }
}

/// A distributor's replenishment figures, batched per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplenishmentOf(pub Uuid, pub NaiveDate);

impl Loader<ReplenishmentOf> for AnalyticsLoader {
    type Value = DistributorReplenishment;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[ReplenishmentOf],
    ) -> Result<HashMap<ReplenishmentOf, DistributorReplenishment>, Shared> {
        by_day(
            keys,
            |k| (k.0, k.1),
            ReplenishmentOf,
            |day, ids| async move {
                replenishment::distributor_figures(&self.scope.db, day, &ids).await
            },
        )
        .await
    }
}

/// A supplier's commitment figures, batched per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CommitmentsOf(pub Uuid, pub NaiveDate);

impl Loader<CommitmentsOf> for AnalyticsLoader {
    type Value = SupplierCommitments;
    type Error = Shared;

    async fn load(
        &self,
        keys: &[CommitmentsOf],
    ) -> Result<HashMap<CommitmentsOf, SupplierCommitments>, Shared> {
        by_day(
            keys,
            |k| (k.0, k.1),
            CommitmentsOf,
            |day, ids| async move { replenishment::supplier_figures(&self.scope.db, day, &ids).await },
        )
        .await
    }
}

impl LoadKey for ReplenishmentOf {
    type Loader = AnalyticsLoader;
}

impl LoadKey for CommitmentsOf {
    type Loader = AnalyticsLoader;
}

impl LoadKey for FiguresOf {
    type Loader = AnalyticsLoader;
}

impl LoadKey for DistributorScoreOf {
    type Loader = AnalyticsLoader;
}

impl LoadKey for SupplierScoreOf {
    type Loader = AnalyticsLoader;
}
