//! Registered GraphQL documents: apps and partner systems send the id (SHA-256 of the text)
//! instead of the document, and a server may run registered documents only.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersistedDocuments {
    Table,
    Id,
    Document,
    RegisteredByKind,
    RegisteredBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PersistedDocuments::Table)
                    .col(
                        ColumnDef::new(PersistedDocuments::Id)
                            .string_len(71)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PersistedDocuments::Document)
                            .text()
                            .not_null(),
                    )
                    .col(text(PersistedDocuments::RegisteredByKind, 32))
                    .col(uuid_null(PersistedDocuments::RegisteredBy))
                    .col(timestamp(PersistedDocuments::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersistedDocuments::Table).to_owned())
            .await
    }
}
