//! Slows down repeated failed sign-ins for one email or one client address, so passwords
//! cannot be guessed at speed. Each node counts its own failures (see the README).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before answers slow down.
pub const FREE_FAILURES: u32 = 5;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest a sign-in is held back.
pub const MAX_DELAY: Duration = Duration::from_secs(10);
/// Most keys remembered; the oldest are forgotten first.
const CAPACITY: usize = 100_000;

#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInThrottle {
    /// How long to hold back a sign-in for these keys (email and address).
    pub fn delay(&self, keys: &[String], now: Instant) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .filter_map(|k| failures.get(k))
            .filter(|(_, last)| now.duration_since(*last) < WINDOW)
            .map(|(count, _)| delay_for(*count))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= CAPACITY {
            failures.retain(|_, (_, last)| now.duration_since(*last) < WINDOW);
        }
        for key in keys {
            let entry = failures.entry(key.clone()).or_insert((0, now));
            if now.duration_since(entry.1) >= WINDOW {
                entry.0 = 0;
            }
            entry.0 += 1;
            entry.1 = now;
        }
    }

    /// A successful sign-in clears the email's count (not the address's).
    pub fn succeeded(&self, email_key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(email_key);
    }
}

/// 250 ms after the free failures, doubling with each further one, up to [`MAX_DELAY`].
fn delay_for(count: u32) -> Duration {
    if count <= FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = (count - FREE_FAILURES - 1).min(10);
    (Duration::from_millis(250) * 2u32.pow(doublings)).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_past_the_free_ones_slow_down_until_the_window_passes() {
        let throttle = SignInThrottle::default();
        let keys = vec!["email:a@b.cd".to_owned(), "ip:10.0.0.1".to_owned()];
        let t0 = Instant::now();
        for _ in 0..FREE_FAILURES {
            throttle.failed(&keys, t0);
        }
        assert_eq!(throttle.delay(&keys, t0), Duration::ZERO);
        throttle.failed(&keys, t0);
        assert_eq!(throttle.delay(&keys, t0), Duration::from_millis(250));
        throttle.failed(&keys, t0);
        assert_eq!(throttle.delay(&keys, t0), Duration::from_millis(500));
        for _ in 0..20 {
            throttle.failed(&keys, t0);
        }
        assert_eq!(throttle.delay(&keys, t0), MAX_DELAY);
        // Another email from the same address is slowed too.
        let other = vec!["email:x@y.zz".to_owned(), "ip:10.0.0.1".to_owned()];
        assert_eq!(throttle.delay(&other, t0), MAX_DELAY);
        assert_eq!(throttle.delay(&keys, t0 + WINDOW), Duration::ZERO);
        throttle.succeeded("email:a@b.cd");
        assert_eq!(throttle.delay(&keys[..1], t0), Duration::ZERO);
    }
}
