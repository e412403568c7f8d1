//! Revocations: every credential that stopped working (a session signed out or revoked, a
//! user deactivated or given another role, an API token revoked), so that every node drops
//! what it remembered of it. On PostgreSQL each insert NOTIFYs the nodes at commit; on
//! SQLite the nodes read the table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Revocations {
    Table,
    Id,
    Kind,
    SubjectId,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Revocations::Table)
                    .col(id(Revocations::Id))
                    .col(text(Revocations::Kind, 16))
                    .col(uuid(Revocations::SubjectId))
                    .col(timestamp(Revocations::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "revocations_revoked_at",
                Revocations::Table,
                vec![Revocations::RevokedAt.into_iden()],
            ))
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                r#"CREATE FUNCTION channelgraph_revocation_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('channelgraph_revocations', NEW.kind || ':' || NEW.subject_id::text);
  RETURN NULL;
END
$$ LANGUAGE plpgsql"#,
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER revocations_notify AFTER INSERT ON revocations FOR EACH ROW EXECUTE FUNCTION channelgraph_revocation_notify()",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared("DROP TRIGGER IF EXISTS revocations_notify ON revocations")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS channelgraph_revocation_notify()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Revocations::Table).to_owned())
            .await
    }
}
