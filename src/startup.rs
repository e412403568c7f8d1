//! The application: built from settings, bound to its listener, reporting its port. Tests
//! start it exactly as production does.

use std::net::TcpListener;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use governor::{Quota, RateLimiter};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio::sync::watch;

use crate::db::{self, StatementCounter};
use crate::events::bus::Bus;
use crate::events::socket::Slots;
use crate::events::webhooks::Worker;
use crate::http::{self, GraphqlState};
use crate::metrics::Metrics;
use crate::schema::schema_builder;
use crate::settings::Settings;
use actix_web::guard;
use actix_web::http::header;
use futures_util::future::BoxFuture;

/// How long SIGTERM waits for the requests in flight.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Waits for SIGTERM (true: stop gracefully), SIGINT or SIGQUIT (false: stop at once).
async fn wait_for_signal() -> bool {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int), Ok(mut quit)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::quit()),
    ) else {
        tracing::error!("cannot listen for signals; stop the server with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => true,
        _ = int.recv() => false,
        _ = quit.recv() => false,
    }
}

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    statements: StatementCounter,
    read_counts: std::sync::Arc<crate::graphql::compiled::ReadCounts>,
    worker: Worker,
    relay: BoxFuture<'static, ()>,
    retention: BoxFuture<'static, ()>,
    edi_overdue: BoxFuture<'static, ()>,
    program: BoxFuture<'static, ()>,
    replenishment: BoxFuture<'static, ()>,
    stop: watch::Sender<bool>,
    shutdown_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Settings(#[from] crate::settings::SettingsError),
    #[error("cannot set up the metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("cannot start webhook delivery: {0}")]
    Worker(String),
    #[error("the served schema does not parse: {0}")]
    Schema(String),
    #[error("cannot disable the demo's sign-ins: {0}")]
    Demo(String),
    #[error("cannot listen on {bind}: {source}")]
    Bind {
        bind: String,
        source: std::io::Error,
    },
}

impl Application {
    /// Connects, applies pending migrations, and binds the listener; the server runs once
    /// [`Application::run_until_stopped`] is awaited.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let (conn, statements) =
            db::connect(&settings.database_url, settings.database_max_connections).await?;
        Migrator::up(&conn, None).await?;
        if settings.mode == crate::settings::Mode::Production
            && let Some(disabled) = crate::seed::disable_demo_access(&conn)
                .await
                .map_err(|e| StartupError::Demo(crate::error::error_chain(&e)))?
        {
            tracing::warn!("{disabled}");
        }
        // The delivery worker has a pool of its own: requests never wait for it, nor it for
        // them, and the request pool's statement count stays the requests' own.
        let (worker_db, _) = db::connect(&settings.database_url, 2).await?;
        let metrics = Arc::new(Metrics::new()?);
        let (stop, stopped) = watch::channel(false);
        let bus = Bus::default();
        let credentials = Arc::new(crate::auth::credentials::Credentials::new(
            Duration::from_secs(settings.auth.credential_memory_seconds),
        ));
        let relay = Box::pin(crate::events::bus::relay(
            bus.clone(),
            credentials.clone(),
            worker_db.clone(),
            settings.database_url.clone(),
            stopped.clone(),
        ));
        let retention = Box::pin(crate::events::retention::run(
            worker_db.clone(),
            settings.retention.clone(),
            settings.webhooks.node.clone(),
            stopped.clone(),
        ));
        let edi_overdue = Box::pin(crate::edi::overdue::run(
            worker_db.clone(),
            settings.edi_overdue_interval,
            settings.webhooks.node.clone(),
            stopped.clone(),
        ));
        let program = Box::pin(crate::program::sweep::run(
            worker_db.clone(),
            settings.crm.clone(),
            settings.program_interval,
            settings.webhooks.node.clone(),
            stopped.clone(),
        ));
        let replenishment = Box::pin(crate::replenishment::proposals::run(
            worker_db.clone(),
            settings.trade.clone(),
            settings.program_interval,
            settings.webhooks.node.clone(),
            stopped.clone(),
        ));
        let worker = Worker::new(
            worker_db,
            settings.webhooks.clone(),
            settings.webhooks.node.clone(),
            metrics.clone(),
        )
        .map_err(|e| StartupError::Worker(e.to_string()))?;
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            bind: settings.bind.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                bind: settings.bind.to_string(),
                source,
            })?
            .port();
        let rate_limiter = Arc::new(RateLimiter::keyed(Quota::per_minute(
            NonZeroU32::new(settings.limits.rate_limit_per_minute).unwrap_or(NonZeroU32::MIN),
        )));
        // Forget principals that have been quiet long enough to be back at a full quota, so
        // the limiter's memory follows the active callers, not every address ever seen.
        let applications = Arc::new(RateLimiter::keyed(Quota::per_hour(
            NonZeroU32::new(settings.crm.partner.applications_per_hour).unwrap_or(NonZeroU32::MIN),
        )));
        let pruned = Arc::downgrade(&rate_limiter);
        let pruned_applications = Arc::downgrade(&applications);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(limiter) = pruned.upgrade() else {
                    break;
                };
                limiter.retain_recent();
                limiter.shrink_to_fit();
                if let Some(applications) = pruned_applications.upgrade() {
                    applications.retain_recent();
                    applications.shrink_to_fit();
                }
            }
        });
        let reads = crate::graphql::compiled::CompiledReads {
            on: settings.compiled_reads,
            counts: Default::default(),
        };
        let read_counts = reads.counts.clone();
        let documents = std::sync::Arc::new(crate::documents::DocumentCache::default());
        // Analytics and reports read a replica where one is named.
        let replica = match &settings.replica_url {
            Some(url) => Some(Arc::new(crate::replica::Replica::new(
                db::connect_replica(url, settings.database_max_connections).await?,
            ))),
            None => None,
        };
        let with_replica = |builder: async_graphql::SchemaBuilder<_, _, _>| match &replica {
            Some(replica) => builder.data(replica.clone()),
            None => builder,
        };
        let schema = with_replica(
            schema_builder(&settings.limits)
                .data(reads.clone())
                .data(crate::schema::catalog())
                .data(documents.clone()),
        )
        .finish();
        let arguments = crate::graphql::arguments::ArgumentTypes::from_sdl(&schema.sdl())
            .map_err(StartupError::Schema)?;
        let state = web::Data::new(GraphqlState {
            schema,
            // Anonymous callers never see field suggestions.
            anonymous_schema: with_replica(
                schema_builder(&settings.limits)
                    .data(reads)
                    .data(crate::schema::catalog())
                    .data(documents.clone())
                    .disable_suggestions(),
            )
            .finish(),
            limits: settings.limits.clone(),
            trade: settings.trade.clone(),
            crm: settings.crm.clone(),
            webhooks: settings.webhooks.clone(),
            live: settings.live.clone(),
            bus,
            slots: Arc::new(Slots::new(settings.live.max_per_principal, metrics.clone())),
            shutdown: stopped,
            retention: Arc::default(),
            rate_limiter,
            applications,
            db: conn.clone(),
            keys: Arc::new(settings.jwt_keys()?),
            refresh_ttl: chrono::Duration::seconds(settings.auth.refresh_token_ttl_seconds as i64),
            throttle: Arc::new(Default::default()),
            metrics,
            metrics_token: settings.metrics_token.clone(),
            body_limit: settings.body_limit_bytes,
            arguments: Arc::new(arguments),
            documents,
            documents_mode: settings.documents,
            credentials,
        });
        let db_data = web::Data::new(conn.clone());
        let origins = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::Condition::new(
                    !origins.is_empty(),
                    http::cors(&origins),
                ))
                .wrap(from_fn(http::request_id))
                .app_data(state.clone())
                .app_data(db_data.clone())
                .service(
                    web::resource("/graphql")
                        .route(web::post().to(http::graphql_post))
                        .route(
                            web::get()
                                .guard(guard::fn_guard(|ctx| {
                                    ctx.head()
                                        .headers()
                                        .get(header::UPGRADE)
                                        .and_then(|v| v.to_str().ok())
                                        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
                                }))
                                .to(crate::events::socket::upgrade),
                        )
                        .route(web::get().to(http::graphql_get))
                        .default_service(web::to(http::graphql_other)),
                )
                .route(
                    "/graphiql/assets/{name}",
                    web::get().to(crate::graphiql::asset),
                )
                .route("/edi/x12", web::post().to(crate::edi::http::post))
                .route("/healthz", web::get().to(http::healthz))
                .route("/readyz", web::get().to(http::readyz))
                .route("/metrics", web::get().to(http::metrics))
        })
        // Signals are handled in `run_until_stopped`, which also stops the worker.
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs())
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            bind: settings.bind.to_string(),
            source,
        })?
        .run();
        Ok(Self {
            port,
            server,
            db: conn,
            statements,
            read_counts,
            worker,
            relay,
            retention,
            edi_overdue,
            program,
            replenishment,
            stop,
            shutdown_timeout: SHUTDOWN_TIMEOUT,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Counts SQL statements run through the pool since start.
    pub fn statements(&self) -> StatementCounter {
        self.statements.clone()
    }

    /// Counts root fields read by compiled statements, and those left to resolvers.
    pub fn read_counts(&self) -> std::sync::Arc<crate::graphql::compiled::ReadCounts> {
        self.read_counts.clone()
    }

    /// Serves until a signal. SIGTERM stops accepting connections, closes every
    /// subscription's socket (1001), lets the requests in flight finish (for up to 30 s)
    /// and the webhook attempts under way be recorded, and starts no new attempt; SIGINT
    /// and SIGQUIT stop at once.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop = self.stop;
        let worker = tokio::spawn(self.worker.run(stop.subscribe()));
        let relay = tokio::spawn(self.relay);
        let retention = tokio::spawn(self.retention);
        let edi_overdue = tokio::spawn(self.edi_overdue);
        let program = tokio::spawn(self.program);
        let replenishment = tokio::spawn(self.replenishment);
        let handle = self.server.handle();
        let signals = tokio::spawn(async move {
            let graceful = wait_for_signal().await;
            let _ = stop.send(true);
            tracing::info!(graceful, "stopping");
            handle.stop(graceful).await;
        });
        let served = self.server.await;
        signals.abort();
        relay.abort();
        retention.abort();
        edi_overdue.abort();
        program.abort();
        replenishment.abort();
        // The worker's attempts are bounded by their timeout, which is shorter than this.
        if tokio::time::timeout(self.shutdown_timeout, worker)
            .await
            .is_err()
        {
            tracing::warn!("webhook attempts still under way at exit; their leases will lapse");
        }
        served
    }
}
