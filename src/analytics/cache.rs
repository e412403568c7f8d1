//! Segment retention rates read two years of every customer's orders and move slowly, so a
//! node keeps them for a few minutes per as-of day instead of working them out for every
//! page of customers. Nodes keep their own copies; nothing here is shared or needed by
//! another node.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::Result;

/// Retention rate per industry segment (None: customers without one).
pub type Rates = Arc<HashMap<Option<String>, Decimal>>;

/// How long a node keeps a day's rates.
pub const KEPT_FOR: Duration = Duration::from_secs(300);

#[derive(Default)]
pub struct RetentionCache {
    entries: Mutex<HashMap<NaiveDate, (Instant, Rates)>>,
}

impl RetentionCache {
    /// The rates for `day`: kept ones if younger than [`KEPT_FOR`], else `compute`'s.
    pub async fn get_or_compute<F>(&self, day: NaiveDate, compute: F) -> Result<Rates>
    where
        F: Future<Output = Result<HashMap<Option<String>, Decimal>>>,
    {
        if let Some(rates) = self.fresh(day) {
            return Ok(rates);
        }
        let rates = Arc::new(compute.await?);
        let mut entries = self.lock();
        entries.retain(|_, (at, _)| at.elapsed() < KEPT_FOR);
        entries.insert(day, (Instant::now(), rates.clone()));
        Ok(rates)
    }

    fn fresh(&self, day: NaiveDate) -> Option<Rates> {
        let entries = self.lock();
        let (at, rates) = entries.get(&day)?;
        (at.elapsed() < KEPT_FOR).then(|| rates.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<NaiveDate, (Instant, Rates)>> {
        // A panic while holding the lock leaves the map itself intact.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn rates_are_kept_per_day() {
        let cache = RetentionCache::default();
        let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let one = HashMap::from([(None, Decimal::ONE)]);
        let first = cache
            .get_or_compute(day, async { Ok(one.clone()) })
            .await
            .unwrap();
        assert_eq!(first.get(&None), Some(&Decimal::ONE));
        // Kept: the second computation does not run.
        let again = cache
            .get_or_compute(day, async { Ok(HashMap::new()) })
            .await
            .unwrap();
        assert_eq!(again.get(&None), Some(&Decimal::ONE));
        // Another day is its own.
        let other = cache
            .get_or_compute(day.pred_opt().unwrap(), async { Ok(HashMap::new()) })
            .await
            .unwrap();
        assert!(other.is_empty());
    }
}
