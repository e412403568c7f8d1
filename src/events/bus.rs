//! The live feed: every committed event, on every node, for the subscriptions it serves.
//!
//! On PostgreSQL each node reads the outbox by the transactions that wrote it (see
//! [`Outbox`]), when one of its own transactions that wrote events commits, when another
//! node wakes it with a NOTIFY sent after such a commit, and every second in case a wake-up
//! was lost. A rolled-back change is never read, and a node whose listening connection was
//! down (PostgreSQL restarting) reads the events of the gap once it is back. On SQLite (one
//! node) a relay reads the events committed since it last looked: SQLite commits one writer
//! at a time, so an event is never committed behind a later one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{event, revocation};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement,
};
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

/// Least time between two wake-ups a node sends the others for its commits; the commits of
/// that moment share one.
const WAKE_INTERVAL: Duration = Duration::from_millis(5);

/// Events this process wrote, counted; and its commits, for the relays to look at.
static EMITTED: AtomicU64 = AtomicU64::new(0);
static COMMITS: LazyLock<watch::Sender<()>> = LazyLock::new(|| watch::channel(()).0);

/// Counts an event written in a transaction not yet committed.
pub(crate) fn emitted() {
    EMITTED.fetch_add(1, Ordering::Relaxed);
}

/// Tells this process's relays that a transaction committed.
pub fn committed() {
    COMMITS.send_replace(());
}

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
    let mut commits = COMMITS.subscribe();
    let mut outbox = Outbox::default();
    let mut emitted = EMITTED.load(Ordering::Relaxed);
    let mut writing_until = tokio::time::Instant::now();
    while !*stop.borrow() {
        let listening = async {
            let mut listener = PgListener::connect(&url).await?;
            listener
                .listen_all([CHANNEL, crate::auth::credentials::CHANNEL])
                .await?;
            let (pid,): (i32,) = sea_orm::sqlx::query_as("SELECT pg_backend_pid()")
                .fetch_one(&mut listener)
                .await?;
            Ok::<_, sea_orm::sqlx::Error>((listener, pid))
        };
        let (mut listener, own_pid) = match listening.await {
            Ok(listening) => {
                retry = Duration::from_millis(100);
                // Revocations made while no one listened were missed: check every
                // credential again.
                credentials.listen_again();
                tracing::info!("listening for events");
                listening
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
        // Events committed while the connection was down are in the outbox: read them now.
        match horizon(&mut listener).await {
            Ok(horizon) => outbox.look(&bus, &db, horizon).await,
            Err(err) => {
                tracing::warn!(error = %err, "new events could not be read; reading them at the next look")
            }
        }
        // The connection is asked to answer every second: a connection that broke without
        // a word (a network cut) is noticed, and a node that found the database away while
        // serving a request trusts its memory again once this connection still answers.
        // Its answer is where no transaction is running any more, and the outbox is read
        // from there, for a wake-up that was lost.
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                _ = heartbeat.tick() => {
                    let answered = tokio::time::timeout(HEARTBEAT, horizon(&mut listener)).await;
                    match answered {
                        Ok(Ok(horizon)) => {
                            credentials.listen_again_if_deaf();
                            outbox.look(&bus, &db, horizon).await;
                        }
                        _ => {
                            credentials.deaf();
                            tracing::warn!("the event connection does not answer; listening again on a new one");
                            break;
                        }
                    }
                }
                // A transaction of this node committed: if it wrote events, this node's
                // subscribers get them now, and the other nodes are woken to read them. The
                // wake-up is sent after the commit, never inside it: a NOTIFY in the writing
                // transaction would hold PostgreSQL's one notification lock through every
                // commit, and commits would queue for it.
                Ok(()) = commits.changed() => {
                    // An event is counted when it is written and read once its transaction
                    // commits, at a later wake-up: every commit of the second after an event
                    // was written wakes the readers. Commits of a node that writes no events
                    // wake nobody.
                    let now = EMITTED.load(Ordering::Relaxed);
                    if now != emitted {
                        emitted = now;
                        writing_until = tokio::time::Instant::now() + HEARTBEAT;
                    }
                    if tokio::time::Instant::now() > writing_until {
                        continue;
                    }
                    if bus.listened() {
                        outbox.read(&bus, &db).await;
                    }
                    let woken = sea_orm::sqlx::query("NOTIFY channelgraph_events")
                        .execute(&mut listener)
                        .await;
                    if let Err(err) = woken {
                        tracing::warn!(error = %err, "the other nodes could not be woken for new events; they read them within a second");
                    }
                    // Commits of the next moment share one wake-up.
                    tokio::time::sleep(WAKE_INTERVAL).await;
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
                        if notification.process_id() != own_pid as u32 && bus.listened() {
                            outbox.read(&bus, &db).await;
                        }
                    }
                    // The connection was lost: listen again on a new one.
                    Ok(None) => {
                        credentials.deaf();
                        tracing::warn!("the event connection was lost; listening again");
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

/// Where no transaction of this database is running any more: every transaction with a
/// lower id that could write this database's events has ended.
///
/// Transaction ids are shared by every database of the cluster, so the snapshot's own
/// `xmin` would wait for another database's long transaction, and a reader starting there
/// would send events that committed long before. The lowest id still running is taken
/// instead, leaving out the transactions of sessions on other databases, and counting the
/// asking session's own, which its snapshot does not list. That list may be read a moment
/// before or after the snapshot: either way a transaction is left out only where it runs
/// elsewhere, so the horizon never passes one of this database's. It may fall back, where
/// another database's transaction ended between the two reads or was prepared for a
/// two-phase commit (its session gone from the list); the outbox never reads below a
/// horizon it has passed ([`Outbox::look`]).
async fn horizon<'c, E>(on: E) -> Result<u64, sea_orm::sqlx::Error>
where
    E: sea_orm::sqlx::Executor<'c, Database = sea_orm::sqlx::Postgres>,
{
    let (xmin,): (String,) = sea_orm::sqlx::query_as(
        "SELECT least(coalesce(\
           (SELECT min(x) FROM pg_snapshot_xip(s) x WHERE NOT EXISTS (\
             SELECT 1 FROM pg_stat_activity a \
             WHERE a.backend_xid = xid(x) AND a.datname IS DISTINCT FROM current_database())), \
           pg_snapshot_xmax(s)), pg_current_xact_id_if_assigned())::text \
         FROM pg_current_snapshot() s",
    )
    .fetch_one(on)
    .await?;
    xmin.parse()
        .map_err(|_| sea_orm::sqlx::Error::Protocol(format!("a transaction id: {xmin}")))
}

/// The outbox as PostgreSQL commits it. Each event row carries the id of the transaction
/// that wrote it (`tx`), and every transaction below a snapshot's `xmin` has ended: what a
/// read from that point finds below it is all there will ever be. So each read starts at
/// the `xmin` taken before the previous one, and the rows of transactions that were still
/// running then, read again, are sent once. Commits that come late, in any order, are not
/// missed. While nobody on this node subscribes, no row is read; the starting point follows
/// the database every second, so a new subscriber hears from then on.
#[derive(Default)]
struct Outbox {
    /// Where the next read starts.
    from: Option<u64>,
    /// Events sent whose transaction is at or past `from`, by that transaction.
    sent: HashMap<Uuid, u64>,
}

/// Events read in one statement.
const OUTBOX_PAGE: usize = 500;

impl Outbox {
    /// Reads what committed since the last look, where anyone on this node subscribes.
    async fn read(&mut self, bus: &Bus, db: &DatabaseConnection) {
        // On a connection of its own, given back before the rows are read.
        match horizon(db.get_postgres_connection_pool()).await {
            Ok(horizon) => self.look(bus, db, horizon).await,
            Err(err) => {
                tracing::warn!(error = %err, "new events could not be read; reading them at the next look")
            }
        }
    }

    /// Reads from the last look up to `horizon`, taken just now, and past it what has
    /// committed; or, with nobody subscribing, only moves to `horizon`. A horizon below
    /// the last one (another database's transaction counted again) is taken as the last
    /// one: what was read below it is all there will be, and is not sent twice.
    async fn look(&mut self, bus: &Bus, db: &DatabaseConnection, horizon: u64) {
        let horizon = self.from.map_or(horizon, |from| from.max(horizon));
        if !bus.listened() {
            self.from = Some(horizon);
            self.sent.clear();
            return;
        }
        if let Err(err) = self.read_from(bus, db, horizon).await {
            tracing::warn!(error = %err, "new events could not be read; reading them at the next look");
        }
    }

    async fn read_from(
        &mut self,
        bus: &Bus,
        db: &DatabaseConnection,
        horizon: u64,
    ) -> Result<(), DbErr> {
        let from = *self.from.get_or_insert(horizon);
        // Pages by (transaction, id); no event has the nil id, so the first page starts at
        // `from` itself.
        let mut after = (from, Uuid::nil());
        loop {
            let page = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT *, tx::text AS tx_id FROM events \
                 WHERE (tx, id) > ($1::text::xid8, $2) ORDER BY tx, id LIMIT $3",
                [
                    after.0.to_string().into(),
                    after.1.into(),
                    (OUTBOX_PAGE as i64).into(),
                ],
            );
            let rows = db.query_all_raw(page).await?;
            let full = rows.len() == OUTBOX_PAGE;
            for row in rows {
                let tx: u64 = row
                    .try_get::<String>("", "tx_id")?
                    .parse()
                    .map_err(|_| DbErr::Type("a transaction id".into()))?;
                let event = event::Model::from_query_result(&row, "")?;
                after = (tx, event.id);
                if self.sent.insert(event.id, tx).is_none()
                    && let Some(event) = Published::from_row(event)
                {
                    bus.publish(event);
                }
            }
            if !full {
                break;
            }
        }
        self.from = Some(horizon);
        self.sent.retain(|_, tx| *tx >= horizon);
        Ok(())
    }
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
    let mut commits = COMMITS.subscribe();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(SQLITE_POLL) => {}
            Ok(()) = commits.changed() => {}
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
