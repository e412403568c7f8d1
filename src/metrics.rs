//! Prometheus metrics: GraphQL requests and their latency by operation name and outcome,
//! the database pool, webhook attempts by outcome, the outbox backlog and live subscriptions. Served at `/metrics` to a scraper that holds the metrics token.

use std::collections::HashSet;
use std::sync::Mutex;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// Operation names a node labels by name; later ones count as `other`. Clients choose the
/// names, so the label set must not grow without bound.
const MAX_OPERATION_NAMES: usize = 500;

/// How a GraphQL request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered without errors.
    Ok,
    /// Executed, with errors in the answer (a field failed, a user error of a request that
    /// did not validate, or a timeout).
    Errors,
    /// Refused before execution: not authenticated, rate limited, past a document limit,
    /// malformed.
    Rejected,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Errors => "errors",
            Outcome::Rejected => "rejected",
        }
    }
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_open: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    webhook_attempts: IntCounterVec,
    outbox_backlog: IntGauge,
    subscriptions: IntGauge,
    names: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "channelgraph_graphql_requests_total",
                "GraphQL requests by operation name and outcome (ok, errors, rejected).",
            ),
            &["operation", "outcome"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "channelgraph_graphql_request_duration_seconds",
                "Time from a GraphQL request's parameters to its answer, by operation name and outcome.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["operation", "outcome"],
        )?;
        let pool_open = IntGauge::new(
            "channelgraph_db_pool_connections",
            "Database connections the pool holds open.",
        )?;
        let pool_idle = IntGauge::new(
            "channelgraph_db_pool_idle_connections",
            "Open database connections no request is using.",
        )?;
        let max = IntGauge::new(
            "channelgraph_db_pool_max_connections",
            "Most connections the pool opens.",
        )?;
        let webhook_attempts = IntCounterVec::new(
            Opts::new(
                "channelgraph_webhook_attempts_total",
                "Webhook delivery attempts this node made, by outcome: delivered, failed (retried later) or dead (given up).",
            ),
            &["outcome"],
        )?;
        let outbox_backlog = IntGauge::new(
            "channelgraph_outbox_backlog",
            "Webhook deliveries neither delivered nor dead yet, across all nodes.",
        )?;
        let subscriptions = IntGauge::new(
            "channelgraph_subscriptions_active",
            "GraphQL subscriptions this node serves now.",
        )?;
        registry.register(Box::new(subscriptions.clone()))?;
        registry.register(Box::new(webhook_attempts.clone()))?;
        registry.register(Box::new(outbox_backlog.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_open.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(max.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_open,
            pool_idle,
            pool_max: max,
            webhook_attempts,
            outbox_backlog,
            subscriptions,
            names: Mutex::new(HashSet::new()),
        })
    }

    /// The label for an operation: its name if it is a GraphQL name, `anonymous` without
    /// one, `invalid` for anything else, and `other` once a node has seen
    /// [`MAX_OPERATION_NAMES`] names.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let valid = name.len() <= 64
            && name
                .chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            return "invalid".to_owned();
        }
        // A poisoned lock only means a panic elsewhere; the set is still usable.
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    pub fn observe(&self, operation: &str, outcome: Outcome, seconds: f64) {
        let labels = [operation, outcome.label()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    pub fn subscription_started(&self) {
        self.subscriptions.inc();
    }

    pub fn subscription_ended(&self) {
        self.subscriptions.dec();
    }

    /// Counts one webhook attempt's outcome: `delivered`, `failed` or `dead`.
    pub fn webhook_outcome(&self, outcome: &str) {
        self.webhook_attempts.with_label_values(&[outcome]).inc();
    }

    /// Everything, in the Prometheus text format, with the pool read now and the outbox
    /// backlog as the caller counted it.
    pub fn render(
        &self,
        db: &DatabaseConnection,
        backlog: u64,
    ) -> Result<String, prometheus::Error> {
        self.outbox_backlog
            .set(i64::try_from(backlog).unwrap_or(i64::MAX));
        let (open, idle, max) = match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                let max = pool.options().get_max_connections();
                (pool.size(), pool.num_idle(), max)
            }
            DatabaseBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                let max = pool.options().get_max_connections();
                (pool.size(), pool.num_idle(), max)
            }
            _ => (0, 0, 0),
        };
        self.pool_open.set(i64::from(open));
        self.pool_idle.set(idle as i64);
        self.pool_max.set(i64::from(max));
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}
