//! A streaming replica for analytics and reports (`CHANNELGRAPH_REPLICA_URL`); everything
//! else reads and writes the primary.
//!
//! Reads follow writes by position in the write-ahead log. Before a request's first figure,
//! the primary's current WAL position is read, and the replica is used once it has replayed
//! that far (waiting up to [`WAIT`]): every change committed before the request began, by
//! anyone, through any node, is in what the figures read. A replica further behind than
//! that reads nothing for the request, which reads the primary. One that does not answer,
//! or is not a standby, is passed over for [`REST`], with a warning.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_graphql::Context;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// Longest a request waits for the replica to replay the primary's position.
const WAIT: Duration = Duration::from_millis(250);

/// How often the replica's position is asked while waiting.
const POLL: Duration = Duration::from_millis(5);

/// How long a replica that did not answer is left alone.
const REST: Duration = Duration::from_secs(5);

/// The replica, and whether it is resting after a failure.
pub struct Replica {
    db: DatabaseConnection,
    resting_until: Mutex<Option<Instant>>,
}

/// The database a request's figures read, decided at its first figure.
#[derive(Default)]
pub struct FiguresSource(tokio::sync::OnceCell<DatabaseConnection>);

/// The database analytics and reports read for this request: the replica where it is
/// configured and has caught up with the primary, else the primary.
pub async fn for_figures(ctx: &Context<'_>) -> async_graphql::Result<DatabaseConnection> {
    let primary = ctx.data::<DatabaseConnection>()?;
    let Some(replica) = ctx.data_opt::<std::sync::Arc<Replica>>() else {
        return Ok(primary.clone());
    };
    Ok(match ctx.data_opt::<FiguresSource>() {
        Some(source) => source
            .0
            .get_or_init(|| replica.choose(primary))
            .await
            .clone(),
        None => replica.choose(primary).await,
    })
}

impl Replica {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            resting_until: Mutex::new(None),
        }
    }

    fn resting(&self) -> bool {
        let mut until = self.resting_until.lock().unwrap_or_else(|p| p.into_inner());
        match *until {
            Some(at) if Instant::now() < at => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    fn rest(&self, why: &str) {
        let mut until = self.resting_until.lock().unwrap_or_else(|p| p.into_inner());
        if until.is_none() {
            tracing::warn!(
                problem = why,
                "the replica cannot serve figures; they read the primary for the next {} s",
                REST.as_secs()
            );
        }
        *until = Some(Instant::now() + REST);
    }

    async fn choose(&self, primary: &DatabaseConnection) -> DatabaseConnection {
        if self.resting() {
            return primary.clone();
        }
        let position = match primary
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT pg_current_wal_lsn()::text AS lsn",
            ))
            .await
            .and_then(|row| match row {
                Some(row) => row.try_get::<String>("", "lsn"),
                None => Err(sea_orm::DbErr::RecordNotFound("the WAL position".into())),
            }) {
            Ok(position) => position,
            // The primary's own trouble shows in the figure's own statement.
            Err(_) => return primary.clone(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            match self.caught_up(&position).await {
                Ok(true) => return self.db.clone(),
                Ok(false) => {}
                Err(problem) => {
                    self.rest(&problem);
                    return primary.clone();
                }
            }
            if Instant::now() >= deadline {
                tracing::debug!(
                    wal = position,
                    "the replica is behind the primary; the figures read the primary"
                );
                return primary.clone();
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether the replica has replayed the primary's WAL up to `position`; `Err` says why
    /// it cannot serve.
    async fn caught_up(&self, position: &str) -> Result<bool, String> {
        let asked = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up",
            [position.into()],
        );
        let row = tokio::time::timeout(Duration::from_secs(2), self.db.query_one_raw(asked))
            .await
            .map_err(|_| "it did not answer within 2 s".to_owned())?
            .map_err(|e| e.to_string())?;
        match row.map(|r| r.try_get::<Option<bool>>("", "caught_up")) {
            Some(Ok(Some(caught_up))) => Ok(caught_up),
            Some(Ok(None)) => Err("it is not a standby replaying the primary's WAL".into()),
            Some(Err(e)) => Err(e.to_string()),
            None => Ok(false),
        }
    }
}
