//! Trusted registered documents: a server, or an API token, for registered documents only
//! runs those staff or the operator registered, not those a client's persisted query left
//! behind. Of the
//! documents kept before this, those the operator registered are trusted; one staff
//! registered is trusted again when registered again (a persisted query may have left it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersistedDocuments {
    Table,
    Trusted,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    RegisteredDocumentsOnly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PersistedDocuments::Table)
                    .add_column(
                        ColumnDef::new(PersistedDocuments::Trusted)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(
                        ColumnDef::new(ApiTokens::RegisteredDocumentsOnly)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .take(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE persisted_documents SET trusted = TRUE WHERE registered_by_kind = 'SYSTEM'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .drop_column(ApiTokens::RegisteredDocumentsOnly)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PersistedDocuments::Table)
                    .drop_column(PersistedDocuments::Trusted)
                    .take(),
            )
            .await
    }
}
