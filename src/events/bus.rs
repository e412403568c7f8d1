//! The live feed: every committed event, on every node, for the subscriptions it serves.
//!
//! On PostgreSQL a trigger NOTIFYs each event inserted into the outbox; PostgreSQL delivers
//! the notification at commit, to every node that LISTENs, and never for a change that was
//! rolled back. While a node's listening connection is down (PostgreSQL restarting), the
//! events of that gap do not reach its subscribers; webhooks, which read the outbox, miss
//! nothing. On SQLite (one node) a relay reads the events committed since it last looked:
//! SQLite commits one writer at a time, so an event is never committed behind a later one.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{event, revocation};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use super::{EventType, Topic};
use crate::auth::credentials::{Credentials, Revoked};

/// The PostgreSQL channel the outbox's trigger notifies.
pub const CHANNEL: &str = "channelgraph_events";

/// How many events a slow subscriber may fall behind before it is told it missed some.
const CAPACITY: usize = 4096;

/// How often the SQLite relay looks for new events while anyone subscribes.
const SQLITE_POLL: Duration = Duration::from_millis(100);

/// How often the listening connection on PostgreSQL is asked to answer.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// How far back the SQLite relay reads again, for events of the same instant written by
/// another process.
const SQLITE_LOOKBACK: chrono::Duration = chrono::Duration::seconds(1);

/// An event as subscribers get it.
#[derive(Clone, Debug)]
pub struct Published {
    pub id: Uuid,
    pub event_type: EventType,
    pub subject_id: Uuid,
    pub order_id: Option<Uuid>,
    pub audience: Vec<Uuid>,
    pub occurred_at: DateTime<Utc>,
    /// The webhook body: `id`, `type`, `occurredAt` and `data`.
    pub payload: Value,
}

impl Published {
    pub fn topic(&self) -> Topic {
        self.event_type.topic()
    }

    fn from_row(row: event::Model) -> Option<Self> {
        Some(Self {
            id: row.id,
            event_type: EventType::parse(&row.event_type)?,
            subject_id: row.subject_id,
            order_id: row.order_id,
            audience: parse_audience(&row.audience),
            occurred_at: row.occurred_at,
            payload: serde_json::from_str(&row.payload).unwrap_or(Value::Null),
        })
    }
}

fn parse_audience(raw: &str) -> Vec<Uuid> {
    raw.split(' ')
        .filter_map(|id| Uuid::try_parse(id).ok())
        .collect()
}

/// What the trigger sends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    id: Uuid,
    event_type: String,
    subject_id: Uuid,
    order_id: Option<Uuid>,
    audience: String,
    occurred_at: DateTime<Utc>,
    payload: Option<String>,
}

/// One node's feed of committed events.
#[derive(Clone)]
pub struct Bus {
    tx: broadcast::Sender<Arc<Published>>,
}

impl Default for Bus {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
        }
    }
}

impl Bus {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.tx.subscribe()
    }

    fn publish(&self, event: Published) {
        // No receiver is not an error: nobody subscribes on this node right now.
        let _ = self.tx.send(Arc::new(event));
    }

    fn listened(&self) -> bool {
        self.tx.receiver_count() > 0
    }
}

/// Feeds `bus` until `stop` turns true, and tells `credentials` of every revocation: from
/// LISTEN on PostgreSQL, from the outbox and the revocations on SQLite.
pub async fn relay(
    bus: Bus,
    credentials: Arc<Credentials>,
    db: DatabaseConnection,
    url: String,
    stop: watch::Receiver<bool>,
) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => listen(bus, credentials, db, url, stop).await,
        _ => tail(bus, credentials, db, stop).await,
    }
}

async fn listen(
    bus: Bus,
    credentials: Arc<Credentials>,
    db: DatabaseConnection,
    url: String,
    mut stop: watch::Receiver<bool>,
) {
    use sea_orm::sqlx::postgres::PgListener;
    let mut retry = Duration::from_millis(100);
    while !*stop.borrow() {
        let listening = async {
            let mut listener = PgListener::connect(&url).await?;
            listener
                .listen_all([CHANNEL, crate::auth::credentials::CHANNEL])
                .await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = match listening.await {
            Ok(listener) => {
                retry = Duration::from_millis(100);
                // Revocations made while no one listened were missed: check every
                // credential again.
                credentials.listen_again();
                tracing::info!("listening for events");
                listener
            }
            Err(err) => {
                credentials.deaf();
                tracing::warn!(error = %err, "cannot listen for events; trying again");
                tokio::select! {
                    _ = tokio::time::sleep(retry) => {}
                    _ = stop.changed() => {}
                }
                retry = (retry * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        // The connection is asked to answer every second: a connection that broke without
        // a word (a network cut) is noticed, and a node that found the database away while
        // serving a request trusts its memory again once this connection still answers.
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                _ = heartbeat.tick() => {
                    let answered = tokio::time::timeout(
                        HEARTBEAT,
                        sea_orm::sqlx::query("SELECT 1").execute(&mut listener),
                    )
                    .await;
                    if matches!(answered, Ok(Ok(_))) {
                        credentials.listen_again_if_deaf();
                    } else {
                        credentials.deaf();
                        tracing::warn!("the event connection does not answer; listening again on a new one");
                        break;
                    }
                }
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) if notification.channel() == crate::auth::credentials::CHANNEL => {
                        match Revoked::from_notification(notification.payload()) {
                            Some(revoked) => credentials.forget(revoked),
                            None => {
                                tracing::warn!("a revocation notification could not be read; forgetting every credential");
                                credentials.forget_all();
                            }
                        }
                    }
                    Ok(Some(notification)) => {
                        match serde_json::from_str::<Notification>(notification.payload()) {
                            Ok(n) => deliver(&bus, &db, n).await,
                            Err(err) => tracing::warn!(error = %err, "an event notification could not be read"),
                        }
                    }
                    // The connection was lost: listen again on a new one.
                    Ok(None) => {
                        credentials.deaf();
                        tracing::warn!("the event connection was lost; events until it is back are not relayed");
                        break;
                    }
                    Err(err) => {
                        credentials.deaf();
                        tracing::warn!(error = %err, "listening for events failed");
                        break;
                    }
                },
                _ = stop.changed() => return,
            }
        }
    }
}

async fn deliver(bus: &Bus, db: &DatabaseConnection, n: Notification) {
    let Some(event_type) = EventType::parse(&n.event_type) else {
        return;
    };
    let payload = match n.payload {
        Some(raw) => serde_json::from_str(&raw).unwrap_or(Value::Null),
        // Too big for a notification: read it.
        None => match event::Entity::find_by_id(n.id).one(db).await {
            Ok(Some(row)) => serde_json::from_str(&row.payload).unwrap_or(Value::Null),
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, event = %n.id, "an event could not be read");
                return;
            }
        },
    };
    bus.publish(Published {
        id: n.id,
        event_type,
        subject_id: n.subject_id,
        order_id: n.order_id,
        audience: parse_audience(&n.audience),
        occurred_at: n.occurred_at,
        payload,
    });
}

async fn tail(
    bus: Bus,
    credentials: Arc<Credentials>,
    db: DatabaseConnection,
    mut stop: watch::Receiver<bool>,
) {
    let mut watermark = crate::store::now();
    // Events published in the lookback, so that reading it again sends none twice.
    let mut seen: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    let mut revocations = Tail::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(SQLITE_POLL) => {}
            _ = stop.changed() => return,
        }
        revocations.read(&db, &credentials).await;
        if !bus.listened() {
            watermark = crate::store::now();
            seen.clear();
            continue;
        }
        let rows = event::Entity::find()
            .filter(event::Column::OccurredAt.gte(watermark - SQLITE_LOOKBACK))
            .order_by_asc(event::Column::OccurredAt)
            .order_by_asc(event::Column::Id)
            .limit(1000)
            .all(&db)
            .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(err) => {
                tracing::warn!(error = %err, "new events could not be read");
                continue;
            }
        };
        for row in rows {
            if seen.contains_key(&row.id) {
                continue;
            }
            seen.insert(row.id, row.occurred_at);
            watermark = watermark.max(row.occurred_at);
            if let Some(event) = Published::from_row(row) {
                bus.publish(event);
            }
        }
        let horizon = watermark - SQLITE_LOOKBACK * 2;
        seen.retain(|_, at| *at >= horizon);
    }
}

/// The revocations committed since the SQLite relay last looked.
struct Tail {
    watermark: DateTime<Utc>,
    seen: HashMap<Uuid, DateTime<Utc>>,
}

impl Default for Tail {
    fn default() -> Self {
        Self {
            watermark: crate::store::now(),
            seen: HashMap::new(),
        }
    }
}

impl Tail {
    async fn read(&mut self, db: &DatabaseConnection, credentials: &Credentials) {
        let rows = revocation::Entity::find()
            .filter(revocation::Column::RevokedAt.gte(self.watermark - SQLITE_LOOKBACK))
            .order_by_asc(revocation::Column::RevokedAt)
            .limit(1000)
            .all(db)
            .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(err) => {
                tracing::warn!(error = %err, "new revocations could not be read; checking every credential until they can");
                credentials.deaf();
                return;
            }
        };
        credentials.listen_again_if_deaf();
        for row in rows {
            if self.seen.insert(row.id, row.revoked_at).is_some() {
                continue;
            }
            self.watermark = self.watermark.max(row.revoked_at);
            match Revoked::parse(&row.kind, row.subject_id) {
                Some(revoked) => credentials.forget(revoked),
                None => credentials.forget_all(),
            }
        }
        let horizon = self.watermark - SQLITE_LOOKBACK * 2;
        self.seen.retain(|_, at| *at >= horizon);
    }
}
