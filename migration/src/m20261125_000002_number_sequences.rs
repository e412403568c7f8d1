//! On PostgreSQL, order, purchase order and ship notice numbers come from sequences, which
//! no transaction holds a lock on: concurrent submissions no longer queue behind one counter
//! row until each commits. A number taken by a transaction that rolls back is skipped.
//! Invoice numbers stay in the counters table, gapless. SQLite, with one writer at a time,
//! keeps every counter in the table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The counters that become sequences, and the sequence of each.
const SEQUENCES: [(&str, &str); 3] = [
    ("SO", "counter_so"),
    ("PO", "counter_po"),
    ("ASN", "counter_asn"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (name, sequence) in SEQUENCES {
            db.execute_unprepared(&format!("CREATE SEQUENCE {sequence}"))
                .await?;
            // Continue after the last number the counter handed out.
            db.execute_unprepared(&format!(
                "SELECT setval('{sequence}', \
                 COALESCE((SELECT value FROM counters WHERE name = '{name}'), 0) + 1, false)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (name, sequence) in SEQUENCES {
            // Hand the counter back where the sequence left it.
            db.execute_unprepared(&format!(
                "INSERT INTO counters (name, value) \
                 SELECT '{name}', last_value - CASE WHEN is_called THEN 0 ELSE 1 END FROM {sequence} \
                 ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP SEQUENCE {sequence}"))
                .await?;
        }
        Ok(())
    }
}
