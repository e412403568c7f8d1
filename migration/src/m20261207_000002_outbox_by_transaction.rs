//! The outbox read by the transactions that wrote it, on PostgreSQL. Each event row keeps
//! the id of its transaction, and the nodes read the rows of every transaction that ended
//! since they last looked, woken by a NOTIFY sent after the commit. The trigger that
//! NOTIFYed inside every writing transaction goes: PostgreSQL holds one lock for all
//! notifications from a transaction's commit until it ends, so commits queued behind it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER IF EXISTS events_notify ON events")
            .await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS channelgraph_event_notify()")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id()",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX ix_events_tx ON events (tx, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS ix_events_tx")
            .await?;
        db.execute_unprepared("ALTER TABLE events DROP COLUMN IF EXISTS tx")
            .await?;
        db.execute_unprepared(
            r#"CREATE FUNCTION channelgraph_event_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('channelgraph_events', json_build_object(
    'id', NEW.id, 'eventType', NEW.event_type, 'subjectId', NEW.subject_id,
    'orderId', NEW.order_id, 'audience', NEW.audience, 'occurredAt', NEW.occurred_at,
    'payload', CASE WHEN octet_length(NEW.payload) <= 6000 THEN NEW.payload END)::text);
  RETURN NULL;
END
$$ LANGUAGE plpgsql"#,
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION channelgraph_event_notify()",
        )
        .await?;
        Ok(())
    }
}
